from belay_engine.transports.telnet_protocol import (
    DO,
    DONT,
    ECHO,
    IAC,
    LINEMODE,
    SB,
    SE,
    SUPPRESS_GO_AHEAD,
    WILL,
    WONT,
    Command,
    Negotiation,
    OptionPolicy,
    Subnegotiation,
    TelnetParser,
    escape,
)

# What MicroPython's telnet server (ports/cc3200/telnet) sends around its login, with REPL text between.
STREAM = (
    b"MicroPython v1.23 on 2024-06-02; WiPy with CC3200\r\n"
    + bytes([IAC, WONT, ECHO, IAC, WONT, SUPPRESS_GO_AHEAD, IAC, WILL, LINEMODE])
    + b"Login as: "
    + bytes([IAC, SB, 24, 1, IAC, IAC, 7, IAC, SE])
    + b"a\xff\xffb"
    + bytes([IAC, 241])  # NOP
    + b"c\r\x00d\x00e\r\n"
)
EXPECTED_DATA = b"MicroPython v1.23 on 2024-06-02; WiPy with CC3200\r\nLogin as: a\xffbc\rd\x00e\r\n"
EXPECTED_EVENTS = [
    Negotiation(WONT, ECHO),
    Negotiation(WONT, SUPPRESS_GO_AHEAD),
    Negotiation(WILL, LINEMODE),
    Subnegotiation(24, bytes([1, IAC, 7])),
    Command(241),
]


def _feed_in_pieces(pieces: list[bytes]) -> tuple[bytes, list]:
    parser = TelnetParser()
    data, events = b"", []
    for piece in pieces:
        more_data, more_events = parser.feed(piece)
        data += more_data
        events += more_events
    return data, events


def test_a_whole_stream_splits_into_data_and_commands():
    assert _feed_in_pieces([STREAM]) == (EXPECTED_DATA, EXPECTED_EVENTS)


def test_a_stream_split_at_any_offset_decodes_the_same():
    for offset in range(len(STREAM) + 1):
        assert _feed_in_pieces([STREAM[:offset], STREAM[offset:]]) == (EXPECTED_DATA, EXPECTED_EVENTS), offset


def test_a_stream_fed_byte_by_byte_decodes_the_same():
    assert _feed_in_pieces([bytes([byte]) for byte in STREAM]) == (EXPECTED_DATA, EXPECTED_EVENTS)


def test_plain_data_comes_back_as_it_was():
    data = bytes(range(1, 255))
    assert TelnetParser().feed(data) == (data, [])


def test_escaped_data_of_every_byte_value_decodes_to_itself_at_any_split():
    original = bytes(range(256)) * 2
    sent = escape(original)
    assert sent.count(b"\xff") == 2 * original.count(b"\xff")
    for offset in range(len(sent) + 1):
        assert _feed_in_pieces([sent[:offset], sent[offset:]]) == (original, [])
        parser = TelnetParser(strip_cr_nul=False)
        assert parser.feed(sent[:offset])[0] + parser.feed(sent[offset:])[0] == original


def test_cr_nul_is_a_bare_cr_and_other_nuls_are_data():
    assert _feed_in_pieces([b"a\r", b"\x00b\x00\r\nc\r"]) == (b"a\rb\x00\r\nc\r", [])
    assert TelnetParser(strip_cr_nul=False).feed(b"a\r\x00b") == (b"a\r\x00b", [])


def test_escape_leaves_data_without_0xff_alone():
    assert escape(b"print(1)\r\n") == b"print(1)\r\n"
    assert escape(b"\xff\x00\xff") == b"\xff\xff\x00\xff\xff"


def test_the_client_answers_micropython_login_options_once():
    policy = OptionPolicy(remote_allowed=frozenset({ECHO, SUPPRESS_GO_AHEAD}))
    before_user = [Negotiation(WONT, ECHO), Negotiation(WONT, SUPPRESS_GO_AHEAD), Negotiation(WILL, LINEMODE)]
    assert [policy.answer(request) for request in before_user] == [b"", b"", bytes([IAC, DONT, LINEMODE])]
    before_password = [Negotiation(WILL, ECHO), Negotiation(WONT, SUPPRESS_GO_AHEAD), Negotiation(WILL, LINEMODE)]
    assert [policy.answer(request) for request in before_password] == [
        bytes([IAC, DO, ECHO]),
        b"",
        bytes([IAC, DONT, LINEMODE]),
    ]
    repl = [Negotiation(WILL, ECHO), Negotiation(WILL, SUPPRESS_GO_AHEAD), Negotiation(WONT, LINEMODE)]
    assert [policy.answer(request) for request in repl] == [b"", bytes([IAC, DO, SUPPRESS_GO_AHEAD]), b""]
    assert policy.remote_enabled(ECHO)
    assert policy.remote_enabled(SUPPRESS_GO_AHEAD)


def test_requests_to_enable_our_options_are_refused_unless_allowed():
    policy = OptionPolicy(local_allowed=frozenset({SUPPRESS_GO_AHEAD}))
    assert policy.answer(Negotiation(DO, ECHO)) == bytes([IAC, WONT, ECHO])
    assert policy.answer(Negotiation(DO, SUPPRESS_GO_AHEAD)) == bytes([IAC, WILL, SUPPRESS_GO_AHEAD])
    assert policy.answer(Negotiation(DO, SUPPRESS_GO_AHEAD)) == b""
    assert policy.answer(Negotiation(DONT, SUPPRESS_GO_AHEAD)) == bytes([IAC, WONT, SUPPRESS_GO_AHEAD])
    assert policy.answer(Negotiation(DONT, SUPPRESS_GO_AHEAD)) == b""


def test_two_sides_with_policies_stop_answering_each_other():
    client = OptionPolicy(remote_allowed=frozenset({ECHO}))
    server = OptionPolicy(local_allowed=frozenset({SUPPRESS_GO_AHEAD}))
    to_server = [Negotiation(DO, ECHO), Negotiation(DO, SUPPRESS_GO_AHEAD), Negotiation(WILL, LINEMODE)]
    exchanged = 0
    while to_server:
        exchanged += 1
        assert exchanged < 10, "the two sides keep answering each other"
        answers = b"".join(server.answer(request) for request in to_server)
        to_client = TelnetParser().feed(answers)[1]
        replies = b"".join(client.answer(request) for request in to_client)
        to_server = TelnetParser().feed(replies)[1]
    assert exchanged <= 2
