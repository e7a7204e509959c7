# The resident call dispatcher: board code that stays running in the raw REPL between task calls and reads call
# frames from stdin, so a task call costs one short frame out and its value record back, no raw-REPL exchange.
# A frame is "\x1d" + target + ("," + arguments) + "\n" (see protocol/call_frames.py): the target is a task's
# index in `T`, or its name, which takes the next index; a "*" after it says the last argument is the keyword
# dict; the arguments are literals, evaluated as a tuple. Any other first byte ends the dispatcher (the host
# sends Ctrl-C, which the board reads as input while the interrupt character is off between calls, or "\r" during
# a long call, read once the task has returned; a host that enters the raw REPL anew sends "\r" first). The first frame comes with the code that starts the dispatcher and
# is read, as the REPL runs any code, with Ctrl-C armed; from then on Ctrl-C interrupts only a running task, so a
# Ctrl-C never cuts a frame or a record. An exception (a Ctrl-C's KeyboardInterrupt too) ends the dispatcher with
# the board's own traceback; the host takes this function's frame out of it. The value goes back as the usual
# nonce-protected record (_belay.r).
import sys


def _belay_D():
    K = _belay.K
    rd = sys.stdin.read
    rl = sys.stdin.readline
    r = _belay.r
    g = globals()
    T = []
    while 1:
        if rd(1) != "\x1d":
            return
        f = rl()
        j = f.find(",")
        if j < 0:
            h = f[:-1]
            a = ()
        else:
            h = f[:j]
            a = eval(f[j + 1 :])
        k = None
        if h[-1] == "*":
            h = h[:-1]
            k = a[-1]
            a = a[:-1]
        if "0" <= h[0] <= "9":
            h = T[int(h)]
        else:
            T.append(h)
        t = g.get(h)
        if t is None:
            raise NameError("name '%s' isn't defined" % h)
        K(3)
        v = t(*a) if k is None else t(*a, **k)
        K(-1)
        r(v)


try:
    _belay.K = __import__("micropython").kbd_intr
    _belay.D = _belay_D
    sys.stdin.readline
    _belay.r(1)
except Exception:
    _belay.r(0)
del _belay_D
