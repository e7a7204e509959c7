"""Job frames in board text, however it is chunked, and the %plot line."""

import pytest

from belay_jupyter.kernel.background import JobRouter
from belay_jupyter.kernel.plot import parse_plot_line


class Collect:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text


def frame(kind, job, text, nonce="N0nce123"):
    return f"\x1e{nonce}{kind}{job}:{text!r}\x1f"


def routed(chunks):
    delivered = []
    router = JobRouter("N0nce123", lambda kind, job, payload: delivered.append((chr(kind), job, payload)))
    out = Collect()
    stream = router.wrap(out)
    for chunk in chunks:
        stream.write(chunk)
    return out.text, delivered


BOARD_TEXT = "cell says hi\n" + frame("O", 1, "tick 1\n") + "more " + frame("E", 2, ("done", "")) + "of the cell\n"


@pytest.mark.parametrize("size", [1, 2, 3, 7, 100])
def test_frames_come_out_whole_and_the_rest_passes_on_however_it_is_chunked(size):
    chunks = [BOARD_TEXT[i : i + size] for i in range(0, len(BOARD_TEXT), size)]
    text, delivered = routed(chunks)
    assert text == "cell says hi\nmore of the cell\n"
    assert delivered == [("O", 1, "tick 1\n"), ("E", 2, ("done", ""))]


def test_text_imitating_a_frame_without_the_nonce_is_plain_text():
    fake = frame("O", 1, "forged", nonce="guessed1")
    text, delivered = routed([fake])
    assert (text, delivered) == (fake, [])


def test_a_frame_with_a_bad_payload_is_dropped():
    text, delivered = routed(["a\x1eN0nce123O1:not a literal(\x1fb"])
    assert (text, delivered) == ("ab", [])


@pytest.mark.parametrize(
    ("line", "expression", "options"),
    [
        ("squares(10)", "squares(10)", {}),
        ("read('a', \"b\") --window 50 --fps 2.5", "read('a', \"b\")", {"window": 50, "fps": 2.5}),
        ("(x - 1 for x in range(3)) --fps=4", "(x - 1 for x in range(3))", {"fps": 4.0}),
        ("--save out.csv", "", {"save": "out.csv"}),
    ],
)
def test_a_plot_line_is_its_expression_verbatim_then_its_options(line, expression, options):
    assert parse_plot_line(line) == (expression, options)


def test_a_plot_option_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError, match="ten"):
        parse_plot_line("squares(3) --window ten")
