"""Board code's display(), update_display() and clear_output() through a real kernel: Jupyter display messages."""

from .conftest import execute, stdout_of

OUTPUT_TYPES = ("stream", "display_data", "update_display_data", "clear_output", "execute_result", "error")


def outputs(messages):
    """(type, what matters of it) for each output message in order, consecutive stream texts joined."""
    seen = []
    for message in messages:
        kind, content = message["msg_type"], message["content"]
        if kind not in OUTPUT_TYPES:
            continue
        if kind == "stream":
            if seen and seen[-1][0] == "stream":
                seen[-1] = ("stream", seen[-1][1] + content["text"])
            else:
                seen.append(("stream", content["text"]))
        elif kind == "clear_output":
            seen.append((kind, content["wait"]))
        elif kind in ("display_data", "update_display_data"):
            seen.append((kind, content["data"], content.get("transient", {}).get("display_id")))
        else:
            seen.append((kind, content.get("data", content.get("ename"))))
    return seen


def test_display_update_and_clear_become_their_messages_in_order_with_the_prints(kernel):
    _, client = kernel
    cell = (
        "print('a')\n"
        "display('first', display_id='reading')\n"
        "print('b')\n"
        "update_display(2, display_id='reading')\n"
        "display(3)\n"
        "clear_output(wait=True)\n"
        "clear_output()\n"
        "print('c')\n"
        "'end'\n"
    )
    reply, messages = execute(client, cell)
    assert reply["content"]["status"] == "ok"
    assert outputs(messages) == [
        ("stream", "a\n"),
        ("display_data", {"text/plain": "'first'"}, "reading"),
        ("stream", "b\n"),
        ("update_display_data", {"text/plain": "2"}, "reading"),
        ("display_data", {"text/plain": "3"}, None),
        ("clear_output", True),
        ("clear_output", False),
        ("stream", "c\n"),
        ("execute_result", {"text/plain": "'end'"}),
    ]
    update = next(m for m in messages if m["msg_type"] == "update_display_data")
    assert update["content"]["transient"] == {"display_id": "reading"}
    assert update["parent_header"]["msg_id"] == reply["parent_header"]["msg_id"]


def test_an_object_s_repr_methods_give_its_mime_types_and_its_repr_the_text(kernel):
    _, client = kernel
    cell = (
        "class Gauge:\n"
        "    def __init__(self, level):\n"
        "        self.level = level\n"
        "    def _repr_html_(self):\n"
        "        return '<meter value=\"%d\"></meter>' % self.level\n"
        "    def _repr_svg_(self):\n"
        "        return '<svg><rect width=\"%d\"/></svg>' % self.level\n"
        "    def _repr_markdown_(self):\n"
        "        return '**%d**' % self.level\n"
        "    def _repr_json_(self):\n"
        "        return {'level': self.level, 'ok': True, 'none': None}\n"
        "    def __repr__(self):\n"
        "        return 'Gauge(%d)' % self.level\n"
        "class Odd:\n"
        "    def _repr_html_(self):\n"
        "        return 42\n"
        "    def _repr_json_(self):\n"
        "        return {'not json': float('nan'), 'object': Odd}\n"
        "class Page:\n"
        "    def _repr_html_(self):\n"
        "        return '<p>' + 'x' * 3000 + '</p>'\n"
        "    def _repr_markdown_(self):\n"
        "        return None\n"
        "display(Gauge(7))\n"
        "display(Page())\n"
        "display(Gauge)\n"
        "display(Odd())\n"
    )
    reply, messages = execute(client, cell)
    assert reply["content"]["status"] == "ok"
    shown = [m["content"]["data"] for m in messages if m["msg_type"] == "display_data"]
    assert shown[0] == {
        "text/html": '<meter value="7"></meter>',
        "image/svg+xml": '<svg><rect width="7"/></svg>',
        "text/markdown": "**7**",
        "application/json": {"level": 7, "ok": True, "none": None},
        "text/plain": "Gauge(7)",
    }
    assert shown[1]["text/html"] == "<p>" + "x" * 3000 + "</p>"  # a big text arrives whole
    assert set(shown[1]) == {"text/html", "text/plain"}  # a _repr_ answering None offers nothing
    assert shown[2] == {"text/plain": "<class 'Gauge'>"}  # a class is shown by its repr, its methods unbound
    # A text form that is not text shows as its str; a JSON form that is no JSON is left out, the rest shows.
    assert shown[3]["text/html"] == "42"
    assert set(shown[3]) == {"text/html", "text/plain"}
    assert len(shown) == 4


def test_printed_imitations_of_display_records_stay_printed_text(kernel):
    _, client = kernel
    imitations = [
        '\x1eD(None,{"plain":"fake"})\x1f',
        "\x1eU('reading',{'html':'<b>forged</b>'})\x1f",
        "\x1eC0\x1f",
        "\x1eXXXXXXXXD(None,{'plain':'a guessed nonce'})\x1f",
    ]
    cell = "".join(f"print({text!r})\n" for text in imitations)
    reply, messages = execute(client, cell)
    assert reply["content"]["status"] == "ok"
    assert [kind for kind, *_ in outputs(messages)] == ["stream"]
    assert stdout_of(messages) == "".join(f"{text}\n" for text in imitations)


def test_a_display_from_a_function_defined_in_an_earlier_cell_lands_in_the_cell_that_calls_it(kernel):
    _, client = kernel
    execute(client, "def show(value):\n    display(value, display_id='shown')\n    return value\n")
    _, messages = execute(client, "show(5)")
    assert outputs(messages) == [
        ("display_data", {"text/plain": "5"}, "shown"),
        ("execute_result", {"text/plain": "5"}),
    ]


def test_a_display_raising_in_its_repr_method_leaves_no_half_record_and_the_next_one_shows(kernel):
    _, client = kernel
    cell = (
        "class Broken:\n"
        "    def _repr_html_(self):\n"
        "        raise ValueError('no html today')\n"
        "try:\n"
        "    display(Broken())\n"
        "except ValueError as error:\n"
        "    print('caught', error)\n"
        "display('fine')\n"
    )
    reply, messages = execute(client, cell)
    assert reply["content"]["status"] == "ok"
    assert outputs(messages) == [("stream", "caught no html today\n"), ("display_data", {"text/plain": "'fine'"}, None)]


def test_a_silent_cell_s_displays_are_not_sent(kernel):
    _, client = kernel
    reply, messages = execute(client, "display(1)\nclear_output()", silent=True)
    assert reply["content"]["status"] == "ok"
    assert outputs(messages) == []
