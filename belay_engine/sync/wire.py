"""Send a file to the board as a binary stream on its stdin, at the speed of the link.

The board's ``_belay_recv`` reads the stream while it runs in the raw REPL. The stream is coded without the
REPL's control bytes (`protocol.file_escaping`), so an interrupt still works mid-transfer, and paced by the
board's credit (`protocol.file_credit`). Text is compressed with zlib where the board has ``deflate``.
"""

import zlib
from contextlib import suppress
from typing import TYPE_CHECKING, Callable, Optional

from .. import board_calls
from ..errors import ConnectionLost
from ..protocol.file_credit import GRANT_SIZE, FileCredit, file_bytes_done
from ..protocol.file_escaping import escape
from ..protocol.framing import ErrorOutput, Output

if TYPE_CHECKING:
    from ..session import Session

#: zlib window of 2**10 bytes: the board's decompressor needs that much heap, and small files lose nothing.
WINDOW_BITS = 10
#: File bytes between two progress reports (enough to show a slow link moving, few enough for a widget).
REPORT_EVERY = 1024
#: Seconds a transfer may take beyond what its bytes need at this many bytes per second (a slow UART or flash).
SLOWEST_LINK = 1000


#: Bytes in each sample `worth_compressing` tries, and how many samples (spread over the file) it takes.
SAMPLE = 4096
SAMPLES = 4


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, WINDOW_BITS)
    return packer.compress(data) + packer.flush()


def worth_compressing(data: bytes) -> bool:
    """Whether some of `data` shrinks under zlib, judged by a few samples (the whole of a small file).

    Compressing incompressible data (images, archives, `.mpy` files) costs the host more than the link takes
    for it on a fast board; the window is 1 KiB, so a sample's ratio is what zlib gets on that part of the file.
    """
    if len(data) <= SAMPLE * SAMPLES:
        return True
    step = (len(data) - SAMPLE) // (SAMPLES - 1)
    return any(len(_deflate(data[i : i + SAMPLE])) < SAMPLE * 0.95 for i in range(0, len(data) - SAMPLE + 1, step))


def encode(data: bytes, compress: bool) -> tuple[bytes, bool]:
    """The wire form of a file's contents, and whether it is zlib-compressed (only when that is smaller)."""
    if compress and len(data) > 64 and worth_compressing(data):
        packed = escape(_deflate(data))
        plain = escape(data)
        if len(packed) < len(plain):
            return packed, True
        return plain, False
    return escape(data), False


def send_file(
    session: "Session",
    final: str,
    data: bytes,
    *,
    compress: bool,
    on_sent: Optional[Callable[[int], None]] = None,
) -> None:
    """Stream `data` into a temporary board file, then rename it to `final`.

    Needs the sync helpers on the board. `on_sent(n)` is told how many of the file's bytes reached the board,
    as they do. A board error (a full filesystem, say) stops the transfer; the old `final` stays as it was.

    Raises
    ------
    PyboardException
        The board failed to write the file.
    """
    wire, compressed = encode(data, compress)
    code = board_calls.receive_file(final, len(wire), len(data), compressed)
    # Pieces of about a report's worth of file bytes: a progress report (and an interrupt raised there) comes
    # while the rest of the file is still to go, however large the board's grants are.
    credit = FileCredit(wire, max(GRANT_SIZE, -(-REPORT_EVERY * len(wire) // max(1, len(data)))))
    errors: list[bytes] = []
    reported = 0
    first = credit.first_chunk()
    sent = len(first)  # wire bytes written to the board
    ended = False
    # The board inflates and writes every file byte: a time limit by what it writes, not by what it receives.
    timeout = 10 + max(len(wire), len(data)) / SLOWEST_LINK
    with session.hold() as repl:
        events = repl.execute(code.encode(), timeout=timeout, stdin=first)
        try:
            for event in events:
                if isinstance(event, Output):
                    credit.receive_data(event.data)
                    for chunk in credit.data_to_send():
                        repl.write_to_program(chunk)
                        sent += len(chunk)
                        done = file_bytes_done(sent, len(wire), len(data))
                        if on_sent is not None and done - reported >= REPORT_EVERY:
                            on_sent(done - reported)
                            reported = done
                elif isinstance(event, ErrorOutput):
                    errors.append(event.data)
            ended = True
        finally:
            events.close()  # stops the board if the host was interrupted
            if errors or not ended:
                # Bytes sent but not read (all of a small file may be) wait on the REPL's input line, where they
                # would join the next command: clear it.
                with suppress(ConnectionLost):  # the board is gone; the error on its way out says so
                    repl.clear_input_line()
    if errors:
        raise session.board_exception(b"".join(errors))
    if on_sent is not None and reported < len(data):
        on_sent(len(data) - reported)
