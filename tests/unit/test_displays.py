"""Display records read on the host: their calls, MIME types, where OutputForwarder sends them."""

import io

import pytest

from belay_engine import displays
from belay_engine.displays import CLEAR, DISPLAY_DATA, UPDATE_DISPLAY_DATA, BoardDisplay, board_display
from belay_engine.errors import NotBelayResponseError
from belay_engine.output import OutputForwarder
from belay_engine.protocol.control_bytes import CLEAR_OUTPUT, DISPLAY, RESULT, UPDATE_DISPLAY
from belay_engine.protocol.records import RecordParser


def test_a_display_record_names_its_forms_mime_types_and_its_id_as_text():
    payload = b"(7, {'plain': 'G()', 'html': '<b>', 'svg': '<svg/>', 'markdown': '*', 'json': \"{'a': [1, None]}\"})"
    assert board_display(DISPLAY, payload) == BoardDisplay(
        DISPLAY_DATA,
        {
            "text/plain": "G()",
            "text/html": "<b>",
            "image/svg+xml": "<svg/>",
            "text/markdown": "*",
            "application/json": {"a": [1, None]},
        },
        "7",
    )


def test_an_update_and_a_clear():
    assert board_display(UPDATE_DISPLAY, b"('r', {'plain': '2'})") == BoardDisplay(
        UPDATE_DISPLAY_DATA, {"text/plain": "2"}, "r"
    )
    assert board_display(CLEAR_OUTPUT, b"1") == BoardDisplay(CLEAR, wait=True)
    assert board_display(CLEAR_OUTPUT, b"0") == BoardDisplay(CLEAR, wait=False)


def test_unknown_forms_are_left_out():
    shown = board_display(DISPLAY, b"(None, {'plain': 'x', 'html': '5', 'png': 'abc'})")
    assert shown.data == {"text/plain": "x", "text/html": "5"}


@pytest.mark.parametrize("json_repr", ["{'t': nan}", "{'o': <object>}", "[b'bytes']", "None", "{1: 2"])
def test_a_json_form_that_is_no_literal_or_not_json_costs_only_that_form(json_repr):
    shown = board_display(DISPLAY, repr((None, {"plain": "x", "json": json_repr, "html": "<i>"})).encode())
    assert shown.data == {"text/plain": "x", "text/html": "<i>"}


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        (DISPLAY, b"not a literal"),
        (DISPLAY, b"(1, 2)"),
        (DISPLAY, b"(None, {'plain': 5})"),
        (UPDATE_DISPLAY, b"{'plain': 'x'}"),
        (CLEAR_OUTPUT, b"yes"),
    ],
)
def test_a_record_board_display_py_would_not_write_is_an_error(kind, payload):
    with pytest.raises(NotBelayResponseError):
        board_display(kind, payload)


def test_the_forwarder_hands_displays_to_its_handler_and_leaves_other_records():
    shown = []
    out = io.StringIO()
    forwarder = OutputForwarder(out, on_display=shown.append)
    assert forwarder.record(DISPLAY, b"(None, {'plain': '1'})") is True
    assert forwarder.record(RESULT, b"1") is False
    assert shown == [BoardDisplay(DISPLAY_DATA, {"text/plain": "1"})]
    assert out.getvalue() == ""


def test_without_a_handler_the_registered_one_shows_and_without_that_the_text_is_written(monkeypatch):
    out = io.StringIO()
    forwarder = OutputForwarder(out)
    monkeypatch.setattr(displays, "_handler", None)
    forwarder.record(DISPLAY, b"(None, {'plain': 'shown'})")
    forwarder.record(CLEAR_OUTPUT, b"0")
    forwarder.record(UPDATE_DISPLAY, b"('i', {'plain': 'again'})")
    assert out.getvalue() == "shown\nagain\n"
    registered = []
    displays.set_display_handler(registered.append)
    assert displays.display_handler() == registered.append
    forwarder.record(CLEAR_OUTPUT, b"1")
    assert registered == [BoardDisplay(CLEAR, wait=True)]
    assert out.getvalue() == "shown\nagain\n"


def test_display_records_are_split_from_text_like_results_and_need_the_nonce():
    parser = RecordParser(b"N0nce123")
    data = b"a\x1eN0nce123C1\x1fb\x1eD(None,{'plain':'x'})\x1f"
    assert parser.feed(data) == [b"a", (CLEAR_OUTPUT, b"1"), b"b\x1eD(None,{'plain':'x'})\x1f"]
