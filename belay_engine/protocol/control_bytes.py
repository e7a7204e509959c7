r"""Every control byte and fixed byte string the host sends to a board's raw REPL or parses in its answers.

Defined here only: the machines in `protocol` and the modules above them import these names, so a byte the
protocol gives meaning to has one definition to read and to grep for.
"""

# -- the REPL's control characters -------------------------------------------------------------------------------

#: Enter (or re-enter) the raw REPL; the board answers with `RAW_REPL_BANNER`.
CTRL_A = b"\x01"
#: Leave the raw REPL for the friendly REPL.
CTRL_B = b"\x02"
#: Interrupt running code (KeyboardInterrupt); on an idle raw-REPL line, clear the line.
CTRL_C = b"\x03"
#: End the code sent to the raw REPL; on an empty raw-REPL line, soft-reset. Also ends stdout and stderr of a reply.
CTRL_D = b"\x04"
#: Paste mode at the friendly REPL; the first byte of `RAW_PASTE_REQUEST` in the raw REPL.
CTRL_E = b"\x05"
#: The bytes the raw REPL acts on itself, which program input must never contain.
CONTROL_BYTES = CTRL_A + CTRL_B + CTRL_C + CTRL_D

# -- what the raw REPL prints -------------------------------------------------------------------------------------

#: Printed on entering the raw REPL; ends with the raw REPL's prompt.
RAW_REPL_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
#: The friendly REPL's prompt (after Ctrl-B, or after a hard reset).
FRIENDLY_PROMPT = b">>> "
#: Printed by a soft reset (MicroPython 1.21 and later prefix it with ``MPY: ``).
SOFT_REBOOT = b"soft reboot\r\n"
#: What a board prints when code reset it (``machine.soft_reset()``, ``sys.exit()``) instead of a reply's prompt.
SOFT_REBOOT_MARKERS = (b"MPY: soft reboot", b"soft reboot")
#: The plain raw REPL's answer to code ended with `CTRL_D`: compiled, now running.
ACKNOWLEDGEMENT = b"OK"
#: Ends stdout and then stderr of an exec reply.
END_OF_OUTPUT = CTRL_D
#: Follows the second `END_OF_OUTPUT` of an exec reply: the raw REPL waits for the next code.
RAW_REPL_PROMPT = b">"
#: How the board's traceback (stderr) starts.
TRACEBACK = b"Traceback (most recent call last):"

# -- raw-paste mode (MicroPython 1.14 and later) ---------------------------------------------------------------

#: Asks the raw REPL to take the next code in raw-paste mode, with flow control.
RAW_PASTE_REQUEST = CTRL_E + b"A" + CTRL_A
#: Answer to `RAW_PASTE_REQUEST`: raw paste starts; a 2-byte little-endian window size follows.
RAW_PASTE_SUPPORTED = b"R\x01"
#: Answer to `RAW_PASTE_REQUEST`: understood, not supported; the raw REPL waits for code as usual.
RAW_PASTE_UNSUPPORTED = b"R\x00"
#: Length of the window size after `RAW_PASTE_SUPPORTED`.
RAW_PASTE_WINDOW_SIZE_BYTES = 2
#: From the board during a raw paste: it read a window's worth, the host may send another window.
RAW_PASTE_WINDOW_GRANT = b"\x01"
#: Ends a raw paste either way: from the host after the code, from the board to acknowledge it (or to end the
#: paste early on a syntax error, which the host then acknowledges with another one).
RAW_PASTE_END = CTRL_D

# -- the engine's own bytes (board/helpers.py speaks them) --------------------------------------------------------

#: Read by the board's stream loop between two values: stop pushing, keep the generator.
PAUSE = b"\x06"
#: Written by the board's file receiver for each 32 wire bytes it has read (see `file_credit`).
GRANT = b"\x06"
#: Starts a record (``\x1e<nonce><kind><payload>\x1f``) among the free output of board code.
RECORD_START = b"\x1e"
#: Ends a record.
RECORD_END = b"\x1f"
#: Record kinds, as the byte values the record parser hands out.
RESULT, PROXY, YIELDED, PAUSED = b"R"[0], b"P"[0], b"Y"[0], b"W"[0]
#: Record kind of streamed numbers: the reprs of several ints and floats, in order, each after a `NUMBER_SEPARATOR`
#: but the first (no int or float repr has one).
NUMBERS = b"N"[0]
NUMBER_SEPARATOR = b","
#: Record kinds of board code's display calls (board/display.py): show an object, replace a display, clear.
DISPLAY, UPDATE_DISPLAY, CLEAR_OUTPUT = b"D"[0], b"U"[0], b"C"[0]

# -- the resident call dispatcher (board/dispatcher.py, protocol/call_frames.py) ----------------------------------

#: Starts a call frame the host writes to the board's resident dispatcher: ``\x1d<target>[,<arguments>]\n``.
CALL_FRAME_START = b"\x1d"
#: Ends a call frame (the board reads the frame as one line).
CALL_FRAME_END = b"\n"
#: Marks a call frame's target whose last argument is the dict of keyword arguments.
CALL_FRAME_KEYWORDS = b"*"
#: Ends the idle dispatcher: it reads Ctrl-C as input there (its interrupt character is off between calls), and on
#: an idle raw-REPL line, should the dispatcher have ended already, Ctrl-C only clears the line.
DISPATCH_END = CTRL_C
#: Ends the dispatcher once the running task has returned (it reads the byte as no frame), without interrupting the
#: task: sent when a call takes long, it frees a value record that a task's printed `CTRL_D` holds back in the reply's
#: framing, and on an idle raw-REPL line it is cleared again with `CTRL_C`.
DISPATCH_NUDGE = b"\r"
#: Kinds of the background jobs' frames (``\x1e<jobs' nonce><kind><job id>:<repr of text>\x1f``, see
#: board/background.py): text a job wrote, and a job's end.
JOB_OUTPUT, JOB_END = b"O"[0], b"E"[0]
