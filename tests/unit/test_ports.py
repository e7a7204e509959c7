from belay_engine.transports import classify_port, notebook_port


def test_notebook_port_prefers_the_given_port_then_belay_device_then_the_virtual_board(monkeypatch):
    monkeypatch.setenv("BELAY_DEVICE", "/dev/ttyACM7")
    assert notebook_port("socket://host:1") == "socket://host:1"
    assert notebook_port(None) == "/dev/ttyACM7"
    monkeypatch.delenv("BELAY_DEVICE")
    assert notebook_port(None) == "virtual:"


def test_ports_are_classified_by_their_form():
    assert [classify_port(p) for p in ["virtual:", "execpty:x", "ws://h", "10.0.0.2:23", "{}", "/dev/ttyUSB0"]] == [
        "virtual",
        "process",
        "webrepl",
        "telnet",
        "usb-specifier",
        "serial",
    ]
