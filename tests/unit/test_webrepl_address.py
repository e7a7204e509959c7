import pytest

from belay_engine.errors import ConnectionFailedError
from belay_engine.transports.webrepl import DEFAULT_PORT, webrepl_address


def test_webrepl_urls_name_their_host_and_port():
    assert webrepl_address("ws://192.168.4.1:8267") == ("192.168.4.1", 8267)
    assert webrepl_address("ws://board.local/") == ("board.local", DEFAULT_PORT)
    assert webrepl_address("wss://board.local:443") == ("board.local", 443)


@pytest.mark.parametrize("url", ["http://192.168.4.1", "ws://", "192.168.4.1:8266"])
def test_other_strings_are_refused_with_the_expected_form(url):
    with pytest.raises(ConnectionFailedError, match="expected ws://host"):
        webrepl_address(url)
