r"""Sans-I/O call frames for the board's resident dispatcher (board/dispatcher.py), and the reading of their replies.

A registered task call goes to a running dispatcher as one frame, its arguments as compact literals (from
`board_values.encode`), no Python source::

    \x1d <target> [ * ] [ , <arguments> ] \n

`target` is the task's index on the board, or, the first time in a dispatcher's run, its name (which then takes
the next index); ``*`` says the last argument is the dict of keyword arguments; `arguments` evaluate to a tuple
on the board (one argument has a trailing comma). ``add(1, 2)`` as task 0 is ``\x1d0,1,2\n``: 7 bytes. The
board answers with what the task prints and the usual value record ``\x1e<nonce>R<repr>\x1f``
(`CallReplyReader` splits them); an exception ends the dispatcher's raw-REPL exchange with the board's traceback,
from which `traceback_as_called` takes the dispatcher's own frame, so it reads as the traceback of a task called
by its own exchange. The bytes are in `control_bytes`.
"""

import re
from collections.abc import Sequence
from typing import Optional, Union

from attrs import frozen

from .control_bytes import CALL_FRAME_END, CALL_FRAME_KEYWORDS, CALL_FRAME_START, RESULT
from .records import RecordParser

#: The board dispatcher's function, whose frame `traceback_as_called` takes out of a task's traceback.
DISPATCHER_FUNCTION = "_belay_D"
#: Longest frame sent to a running dispatcher: a bigger call goes by the raw REPL, which has flow control.
MAX_FRAME_BYTES = 256
#: Longest target (a task's name) a frame takes.
MAX_TARGET_BYTES = 64
_SEPARATOR = ","
_FORBIDDEN = re.compile(rb"[\x00-\x1f\x7f]")


class FrameError(ValueError):
    """A call that cannot go as a frame (its literals hold a line break or a control byte, or it is too long)."""


@frozen
class CallFrame:
    """A call frame's parts, as the board reads them.

    Attributes
    ----------
    target : int or str
        The task's index on the board, or its name (registering it at the next index).
    arguments : str
        The literals of the positional arguments, and of the keyword dict last if `keywords`; ``""`` for none.
    keywords : bool
        Whether the last argument is the dict of keyword arguments.
    """

    target: Union[int, str]
    arguments: str = ""
    keywords: bool = False


def call_frame(target: Union[int, str], arguments: Sequence[str] = (), keywords: Optional[str] = None) -> bytes:
    """The frame calling task `target` with the board literals `arguments` and the keyword dict literal `keywords`.

    Raises
    ------
    FrameError
        A literal holds a byte below 0x20 or DEL (a repr that is code may), or the frame is over `MAX_FRAME_BYTES`:
        the call goes by the raw REPL instead.
    """
    return frame_with_tail(target, frame_tail(arguments, keywords))


def frame_tail(arguments: Sequence[str] = (), keywords: Optional[str] = None) -> bytes:
    """The part of a call frame after its target, checked: the keywords mark and the arguments (see `call_frame`).

    Raises
    ------
    FrameError
        As `call_frame` (the target's room is kept: a name up to `MAX_TARGET_BYTES` long).
    """
    items = list(arguments)
    tail = ""
    if keywords is not None:
        tail = CALL_FRAME_KEYWORDS.decode()
        items.append(keywords)
    if items:
        tail += _SEPARATOR + _SEPARATOR.join(items) + (_SEPARATOR if len(items) == 1 else "")
    data = tail.encode()
    if len(data) + 2 + MAX_TARGET_BYTES > MAX_FRAME_BYTES:
        raise FrameError(f"a call of {len(data)} bytes goes by the raw REPL")
    if _FORBIDDEN.search(data):
        raise FrameError("a control byte or line break in an argument's literal")
    return data


def frame_with_tail(target: Union[int, str], tail: bytes) -> bytes:
    """The call frame of task `target` (an index, or a name of at most `MAX_TARGET_BYTES`) and a `frame_tail`."""
    head = str(target).encode() if type(target) is int else target.encode()
    if len(head) > MAX_TARGET_BYTES:
        raise FrameError(f"a task name of {len(head)} bytes goes by the raw REPL")
    return CALL_FRAME_START + head + tail + CALL_FRAME_END


class CallFrameReader:
    """Read call frames from bytes however they are chunked, as the board's dispatcher does (a model of it).

    A first byte other than the frame start ends the reading (`ended`), as it ends the dispatcher.
    """

    def __init__(self) -> None:
        self._buffer = b""
        #: Whether a byte that starts no frame arrived: the dispatcher returns to the raw REPL there.
        self.ended = False

    def feed(self, data: bytes) -> list[CallFrame]:
        """Take `data`; return the frames it completes."""
        frames: list[CallFrame] = []
        self._buffer += data
        while self._buffer and not self.ended:
            if self._buffer[:1] != CALL_FRAME_START:
                self.ended = True
                break
            end = self._buffer.find(CALL_FRAME_END)
            if end < 0:
                break
            frames.append(parse_frame_body(self._buffer[1:end].decode()))
            self._buffer = self._buffer[end + 1 :]
        return frames


def parse_frame_body(body: str) -> CallFrame:
    """The parts of a frame's body (between its start and end bytes), split as the board splits them."""
    head, separator, arguments = body.partition(_SEPARATOR)
    keywords = head.endswith(CALL_FRAME_KEYWORDS.decode())
    if keywords:
        head = head[:-1]
    return CallFrame(int(head) if head[:1].isdigit() else head, arguments if separator else "", keywords)


class CallReplyReader:
    """Split the dispatcher's output during one call into printed text and the call's value record.

    The record parser belongs to the dispatcher's whole run (a record or a nonce may be cut between two calls'
    reads); this reader covers one call. Text after the value (a board thread printing) is passed on too.

    Parameters
    ----------
    parser : RecordParser
        The parser of the dispatcher's run.
    """

    def __init__(self, parser: RecordParser):
        self._parser = parser
        #: The value record's payload (the repr of what the task returned), once it has arrived.
        self.result: Optional[bytes] = None

    def feed(self, data: bytes) -> list:
        """Take stdout bytes; return the printed text (bytes) and other records (display calls) among them, in order."""
        passed_on = []
        for item in self._parser.feed(data):
            if type(item) is not bytes and item[0] == RESULT and self.result is None:
                self.result = item[1]
            else:
                passed_on.append(item)
        return passed_on

    def flush(self) -> bytes:
        """At the end of the dispatcher's run: bytes held back that were no record after all."""
        return self._parser.flush()


def traceback_as_called(stderr: bytes) -> bytes:
    """A task's traceback from the dispatcher, as a call in its own exchange prints it: the dispatcher's frame out.

    The frames of the evaluation of the arguments (``<string>``, right below the dispatcher's) go too: such an
    error shows where it does when the arguments are evaluated by the call's own code.
    """
    lines = stderr.split(b"\n")
    kept: list[bytes] = []
    index = 0
    marker = b", in " + DISPATCHER_FUNCTION.encode()
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped.startswith(b'File "') and stripped.rstrip(b"\r").endswith(marker):
            index += 1
            following = lines[index].strip() if index < len(lines) else b""
            if following.startswith(b'File "<string>"') and following.rstrip(b"\r").endswith(b", in <module>"):
                index += 1
            continue
        kept.append(line)
        index += 1
    return b"\n".join(kept)
