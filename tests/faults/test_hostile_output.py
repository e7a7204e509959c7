"""Board code that prints what the protocol itself uses: every byte value, look-alike records, floods.

Contract: printed bytes come out as text (invalid UTF-8 replaced), results are the real ones, a stream's
values are all there, nothing hangs, and the next call is untouched. (Printing ``\\x04``, then up to one more
``\\x04``, then ``>`` imitates the end of a raw-REPL reply exactly; no host can tell that from the real one.)
"""

import contextlib
import hashlib
import io

import pytest

from belay_engine import NotBelayResponseError, PyboardException

from .wire import raises_within, wire

EVERY_BYTE = bytes(range(256))


def printed(data: bytes) -> str:
    """What the host shows for board bytes `data`."""
    return data.decode("utf-8", "replace")


def assert_next_call_is_clean(device):
    out = io.StringIO()
    assert device("print('clean')\n", stream_out=out) is None
    assert out.getvalue() == "clean\n"
    assert device("6 * 7") == 42


@pytest.mark.parametrize("chunks", [1, 256], ids=["in-one-write", "byte-by-byte"])
def test_every_byte_value_printed_comes_out_and_the_result_comes_back(device, chunks):
    step = 256 // chunks
    write = f"sys.stdout.buffer.write(bytes(range(i, i + {step})))"
    device(f"import sys\ndef spill():\n for i in range(0, 256, {step}):\n  {write}")
    out = io.StringIO()
    assert device("spill()\n", stream_out=out) is None
    assert out.getvalue() == printed(EVERY_BYTE)
    assert device("spill() or 'value'", stream_out=io.StringIO()) == "value"
    assert_next_call_is_clean(device)


def test_every_byte_value_printed_by_a_stream_between_its_values(device):
    @device.task
    def spilling(n):
        import sys

        for i in range(n):
            sys.stdout.buffer.write(bytes(range(256)))
            yield i

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert list(spilling(20)) == list(range(20))
    assert out.getvalue() == printed(EVERY_BYTE * 20)
    assert_next_call_is_clean(device)


def test_every_byte_value_in_a_traceback_is_reported(device):
    with pytest.raises(PyboardException) as info:
        device("raise ValueError(''.join(chr(i) for i in range(256)))")  # every control byte raw in the message
    assert info.value.exception_name == "ValueError"
    assert bytes(range(32, 127)).decode() in str(info.value)
    assert_next_call_is_clean(device)


IMITATIONS = [
    "\x1eR5\x1f",  # a record without a nonce
    "\x1eABCDEFGHR5\x1f",  # with a wrong one
    "\x1eY1\x1f\x1eP3\x1f\x1eW\x1f",  # other kinds
    "\x1e",  # an opening byte alone, at the end of a line
    "\x1f\x1f\x1e\x1e",
    "\x04 a printed Ctrl-D \x04",
]


@pytest.mark.parametrize("text", IMITATIONS, ids=range(len(IMITATIONS)))
def test_lines_that_imitate_records_without_the_nonce_are_text(device, text):
    out = io.StringIO()
    assert device(f"print({text!r})\n'real'", stream_out=out) is None
    assert device(f"print({text!r}) or 'real'", stream_out=out) == "real"
    assert out.getvalue() == (text + "\n") * 2
    assert_next_call_is_clean(device)


def test_records_with_the_nonce_of_an_earlier_connection_are_text(device):
    old = device("_belay.S")
    device.reconnect()
    assert device("_belay.S") != old
    forged = f"{old}R'forged'\x1f{old}P1\x1f{old}Y2\x1f{old}W\x1f"
    out = io.StringIO()
    assert device(f"print({forged!r}) or 'real'", stream_out=out) == "real"
    assert out.getvalue() == forged + "\n"
    assert_next_call_is_clean(device)


BROKEN_RECORDS = ["_belay.S + 'R'", "_belay.S + 'Rnot a repr\\x1f'", "_belay.S + 'Q?\\x1f'", "_belay.S + 'Y1'"]


@pytest.mark.parametrize("record", BROKEN_RECORDS, ids=["unterminated", "bad-payload", "unknown-kind", "open-yield"])
def test_broken_records_with_this_connections_nonce_never_hang_the_device(device, record):
    # Only board code that reads the nonce can write these: what they mean is up to the protocol, but a call
    # still returns, a stream ends with a value or a clear error, and the board is left clean.
    device(f"_belay.w({record})\nx = 1", stream_out=io.StringIO())
    device(f"_belay.w({record}) or 'after'", stream_out=io.StringIO())
    assert_next_call_is_clean(device)

    @device.task
    def forging(code):
        _belay.w(eval(code))  # _belay: the board helpers' global
        yield "value"

    with contextlib.suppress(NotBelayResponseError):  # a record that does not belong in a stream is refused
        list(forging(record))
    assert device("[k for k in _belay.o if type(k) is str]") == []  # no generator left on the board
    assert_next_call_is_clean(device)


FLOOD_LINES = 20_000


def test_a_flood_of_output_arrives_whole_and_in_order(device):
    out = io.StringIO()
    code = f"for i in range({FLOOD_LINES}):\n print('%06d' % i, 'x' * 90)\n"
    assert device(code, stream_out=out) is None
    expected = "".join(f"{i:06d} {'x' * 90}\n" for i in range(FLOOD_LINES))
    assert hashlib.sha256(out.getvalue().encode()).hexdigest() == hashlib.sha256(expected.encode()).hexdigest()
    assert_next_call_is_clean(device)


def test_a_stream_flooding_output_between_values_keeps_every_value(device, capsys):
    @device.task
    def noisy(n):
        for i in range(n):
            print("noise " * 40)
            yield i

    assert list(noisy(3000)) == list(range(3000))
    assert capsys.readouterr().out == ("noise " * 40 + "\n") * 3000
    assert_next_call_is_clean(device)


def test_ctrl_c_in_the_host_during_a_flood_stops_it_and_leaves_nothing_behind(device):
    for offset in (200_000, 500_000, 1_000_000, 2_000_000):
        out = io.StringIO()
        wire(device, "read", offset, fault="interrupt")
        raises_within(KeyboardInterrupt, lambda out=out: device("while True:\n print('x' * 4000)\n", stream_out=out))
        assert out.getvalue().startswith("x" * 4000 + "\n"), offset
        assert_next_call_is_clean(device)
