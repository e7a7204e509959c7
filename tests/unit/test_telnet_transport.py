"""TelnetTransport against a scripted server on 127.0.0.1 that sends MicroPython's login one byte at a time."""

import select
import socket
import threading

import pytest

from belay_engine.errors import AuthenticationError, ConnectionFailedError, ConnectionLost
from belay_engine.transports.telnet import TelnetTransport
from belay_engine.transports.telnet_protocol import DO, ECHO, IAC, SUPPRESS_GO_AHEAD, WONT, Negotiation, TelnetParser
from belay_engine.virtual.telnet_face import (
    INVALID_LOGIN,
    LOGIN_SUCCEEDED,
    OPTIONS_FOR_PASSWORD,
    OPTIONS_FOR_REPL,
    OPTIONS_FOR_USER,
    PASSWORD_PROMPT,
    USER_PROMPT,
    WELCOME,
)

TERMINAL_TYPE = 24
TIMEOUT = 10
#: Seconds the scripted server watches for a password typed before its options (a correct client waits).
EARLY_PASSWORD_WAIT = 0.3


class ScriptedServer:
    """One connection on 127.0.0.1, served by `script(connection)` on a thread; what it saw is kept."""

    def __init__(self, script):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(TIMEOUT)
        self.seen: dict = {}
        self.error = None
        self._script = script
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def address(self):
        return self.listener.getsockname()[:2]

    def _serve(self):
        try:
            connection, _ = self.listener.accept()
            connection.settimeout(TIMEOUT)
            with connection:
                self._script(connection, self.seen)
        except Exception as error:  # reported by finish()
            self.error = error

    def finish(self):
        self._thread.join(TIMEOUT)
        self.listener.close()
        assert not self._thread.is_alive(), "the scripted server is still running"
        if self.error is not None:
            raise self.error


def trickle(connection, data):
    """Send one byte per segment, as a slow board's server may."""
    for byte in data:
        connection.sendall(bytes([byte]))


def read_line(connection):
    line = b""
    while not line.endswith(b"\r\n"):
        line += connection.recv(1)
    return line


def read_exactly(connection, count):
    data = b""
    while len(data) < count:
        data += connection.recv(count - len(data))
    return data


def read_answers_until(connection, last):
    """The option answers the client sends, up to and including `last`; the client sends no data meanwhile."""
    parser, events = TelnetParser(), []
    while last not in events:
        data, more = parser.feed(connection.recv(1))
        assert data == b"", f"the client sent data {data!r} among its option answers"
        events += more
    return events


def micropython_login(connection, seen, user=b"micro", password=b"python"):
    """MicroPython's telnet login, byte by byte, dropping what the client sends before the password options."""
    trickle(connection, WELCOME + OPTIONS_FOR_USER + USER_PROMPT)
    seen["user"] = TelnetParser().feed(read_line(connection))[0]  # without its answers to the options
    trickle(connection, PASSWORD_PROMPT)
    # The board drops what arrives before its password options: a client typing too early would lose it.
    early, _, _ = select.select([connection], [], [], EARLY_PASSWORD_WAIT)
    seen["dropped"] = connection.recv(4096) if early else b""
    trickle(connection, OPTIONS_FOR_PASSWORD)
    seen["password"] = TelnetParser().feed(read_line(connection))[0]
    if seen["user"] == user + b"\r\n" and seen["password"] == password + b"\r\n":
        trickle(connection, OPTIONS_FOR_REPL + LOGIN_SUCCEEDED)
        # The client answers the options as they come (DONT LINEMODE may follow the password): read them all.
        seen["answers_at_login"] = read_answers_until(connection, Negotiation(DO, SUPPRESS_GO_AHEAD))
        return True
    trickle(connection, INVALID_LOGIN + OPTIONS_FOR_USER + USER_PROMPT)
    return False


def test_a_login_sent_byte_by_byte_succeeds_and_the_password_waits_for_the_echo_option():
    def script(connection, seen):
        assert micropython_login(connection, seen)
        trickle(connection, b"\r\n>>> ")

    server = ScriptedServer(script)
    transport = TelnetTransport(*server.address, timeout=TIMEOUT)
    try:
        received = b""
        while not received.endswith(b">>> "):
            received += transport.read(100, TIMEOUT)
        assert received == b"\r\n>>> "
    finally:
        transport.close()
    server.finish()
    assert server.seen["dropped"] == b""
    assert server.seen["password"] == b"python\r\n"


def test_0xff_is_doubled_on_the_way_out_and_single_on_the_way_in_amid_option_requests():
    def script(connection, seen):
        assert micropython_login(connection, seen)
        seen["sent"] = read_exactly(connection, 6)
        trickle(connection, b"a\xff\xff" + bytes([IAC, DO, TERMINAL_TYPE]) + b"b\xff\xffc")
        seen["answer"] = read_exactly(connection, 3)

    server = ScriptedServer(script)
    transport = TelnetTransport(*server.address, timeout=TIMEOUT)
    try:
        transport.write(b"\xff\x01\xff\x02")
        received = b""
        while len(received) < 5:
            received += transport.read(100, TIMEOUT)
        assert received == b"a\xffb\xffc"
    finally:
        transport.close()
    server.finish()
    assert server.seen["sent"] == b"\xff\xff\x01\xff\xff\x02"
    assert server.seen["answer"] == bytes([IAC, WONT, TERMINAL_TYPE])


def test_a_refused_login_raises_authentication_error_and_does_not_try_again():
    def script(connection, seen):
        assert not micropython_login(connection, seen)
        after = b""
        while True:  # until the client hangs up
            received = connection.recv(4096)
            if not received:
                break
            after += received
        seen["after"] = TelnetParser().feed(after)[0]  # option answers aside, nothing typed: no second try

    server = ScriptedServer(script)
    with pytest.raises(AuthenticationError, match=r"telnet://127\.0\.0\.1:\d+"):
        TelnetTransport(*server.address, password="wrong", timeout=TIMEOUT)
    server.finish()
    assert server.seen["after"] == b""


def test_a_server_that_closes_during_the_login_fails_the_connection():
    def script(connection, seen):
        trickle(connection, WELCOME + OPTIONS_FOR_USER + USER_PROMPT)
        read_line(connection)

    server = ScriptedServer(script)
    with pytest.raises(ConnectionFailedError, match="closed the connection during the login"):
        TelnetTransport(*server.address, timeout=TIMEOUT)
    server.finish()


def test_a_server_that_closes_after_the_login_is_connection_lost_on_read():
    def script(connection, seen):
        assert micropython_login(connection, seen)

    server = ScriptedServer(script)
    transport = TelnetTransport(*server.address, timeout=TIMEOUT)
    try:
        server.finish()
        with pytest.raises(ConnectionLost):
            transport.read(100, TIMEOUT)
    finally:
        transport.close()


def test_the_option_answers_reach_the_server_as_one_parser_reads_them():
    # The client's answers must themselves be valid telnet: the server's parser sees only negotiations.
    def script(connection, seen):
        assert micropython_login(connection, seen)
        trickle(connection, bytes([IAC, DO, ECHO, IAC, DO, TERMINAL_TYPE]))
        seen["answers"] = TelnetParser().feed(read_exactly(connection, 6))
        connection.sendall(b"ok")

    server = ScriptedServer(script)
    transport = TelnetTransport(*server.address, timeout=TIMEOUT)
    try:
        assert transport.read(100, TIMEOUT) == b"ok"
    finally:
        transport.close()
    server.finish()
    data, events = server.seen["answers"]
    assert data == b""
    assert [(event.verb, event.option) for event in events] == [(WONT, ECHO), (WONT, TERMINAL_TYPE)]
