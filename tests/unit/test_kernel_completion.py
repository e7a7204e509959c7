import pytest

from belay_jupyter.kernel.completion import CompletionRequest, completion_request, name_at


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("pri", CompletionRequest(None, "pri", 0)),
        ("x = machine.Pi", CompletionRequest("machine", "Pi", 12)),
        ("a.b.c", CompletionRequest("a.b", "c", 4)),
        ("os.", CompletionRequest("os", "", 3)),
        ("f(", CompletionRequest(None, "", 2)),
        ("1.5", None),
    ],
)
def test_completion_request_splits_owner_and_prefix(code, expected):
    assert completion_request(code, len(code)) == expected


@pytest.mark.parametrize(
    ("code", "cursor", "expected"),
    [
        ("machine.Pin(5)", 10, "machine.Pin"),
        ("print(x)", 7, "x"),
        ("  len", 5, "len"),
        ("1 + ", 4, None),
        ("a.__class__", 3, "a.__class__"),
    ],
)
def test_name_at_finds_the_dotted_name_at_the_cursor(code, cursor, expected):
    assert name_at(code, cursor) == expected
