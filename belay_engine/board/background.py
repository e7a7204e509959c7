# Background jobs (the MicroPython kernel's %%background): a cell runs in a board thread while other cells run.
# Installed on the first job only (after the helpers; needs _thread). "@@" is replaced with the jobs' own nonce,
# not the connection's: a job frame is free text to the connection's record parser, so it passes through any
# exchange it lands in (a cell's output, a plot's stream) to the host's job router, which knows this nonce.
#   frame = "\x1e" + nonce + kind + "<job id>:" + repr(text) + "\x1f"
#   kinds: O  text the job wrote (print, and the helpers' records such as displays, as written)
#          E  the job ended: repr((state, traceback text)), state "done", "failed" or "killed"
# A job thread never writes to stdout itself: that could land in the middle of the raw REPL's own bytes
# (between a reply's two Ctrl-D, where the host reads a traceback). Its text is queued, and the main thread
# writes it: a callback scheduled with micropython.schedule (which runs on the main thread only, between
# bytecodes of whatever code runs there, so always inside an exchange's output) or the host's idle reader
# (`i`, a generator streamed while no cell runs). A record the main thread's helpers write piece by piece is
# never cut by a frame: the queue waits for its end.
# %kill sets the job's flag; its next print (or display) raises KeyboardInterrupt in the job's thread, so its
# `finally` runs. The unix port's threads run without a GIL: every shared table is touched under one lock.
import _thread
import builtins
import micropython
import sys


class _belay_j:
    S = b"\x1e@@".decode()  # not a str literal: the board would intern it for good
    L = _thread.allocate_lock()
    b = []  # frames waiting for the main thread
    t = {}  # thread ident -> job id
    k = {}  # job id -> 1 running, 2 asked to stop, 3 stopping
    p = 0  # a write of the queue is scheduled or waits for a record's end
    d = 0  # the main thread is writing a record: the queue waits for its end
    r = 0  # the main thread's last helper write left a record open
    n = 0  # the last job started
    m = _thread.get_ident()
    o = builtins.print
    from time import sleep_ms as z

    w = _belay.w  # noqa: F821 - the helpers' writer, installed before this part
    # The helpers' poll of stdin (None where the board has no select.poll), from their streams part (board_code's
    # STREAM_MODULE where the board keeps the helpers).
    Q = _belay.l("q", "_belay_gen")  # noqa: F821

    def a(i, k, s):
        # Queue a frame and have the main thread write it soon. A full queue makes the job wait, as a full
        # stdout would: a job printing faster than the link takes it must not fill the heap.
        j = _belay_j
        f = j.S + k + str(i) + ":" + repr(s) + "\x1f"
        while len(j.b) >= 32:
            j.z(1)
        with j.L:
            j.b.append(f)
            s = not j.p
            j.p = 1
        if s:
            try:
                micropython.schedule(j.f, 0)
            except RuntimeError:
                j.p = 0  # the schedule queue is full: a later write or the host's reader writes the queue

    def x(s):
        # Text written by a job's thread: queued (True), or not a job's thread (False).
        j = _belay_j
        with j.L:
            i = j.t.get(_thread.get_ident())
            if i is not None and j.k.get(i) == 2:
                j.k[i] = 3
                i = -1
        if i is None:
            return False
        if i < 0:
            raise KeyboardInterrupt  # %kill: the job ends here, its `finally` runs
        j.a(i, "O", s)
        return True

    def f(_, force=0):
        # Main thread: write the queued frames, unless the helpers are in the middle of a record.
        j = _belay_j
        if j.r and not force:
            j.d = 1
            return
        with j.L:
            b = j.b
            j.b = []
            j.p = j.d = 0
        if b:
            j.w("".join(b))  # one write: an interrupt of the main thread cannot drop part of the queue

    def W(s):
        # The helpers' writer while jobs exist: a job's records are queued with its text.
        j = _belay_j
        if _thread.get_ident() == j.m:
            j.w(s)
            j.r = s[-1:] != "\x1f"
            if j.d and not j.r:
                j.f(0)
        elif not j.x(s):
            j.w(s)

    def P(*v, sep=" ", end="\n", file=None):
        # print while jobs exist: a job's print is queued, everyone else's printed as before.
        j = _belay_j
        if file is None and _thread.get_ident() != j.m:
            if j.x((" " if sep is None else sep).join(str(a) for a in v) + ("\n" if end is None else end)):
                return
        if file is None:
            j.o(*v, sep=sep, end=end)
        else:
            j.o(*v, sep=sep, end=end, file=file)

    def g(i, c):
        # Start job `i` running `c` (code, compiled where the board can) in the REPL's globals.
        j = _belay_j
        builtins.print = j.P
        _belay.w = j.W  # noqa: F821
        with j.L:
            j.k[i] = 1
            j.n = i
        _thread.start_new_thread(j.run, (i, c, globals()))

    def run(i, c, g):
        j = _belay_j
        with j.L:
            j.t[_thread.get_ident()] = i
        e = ""
        try:
            exec(c, g)
        except BaseException as x:  # noqa: B036 - a job's end is reported whatever it is
            with j.L:
                killed = j.k.get(i) == 3 and isinstance(x, KeyboardInterrupt)
            if not killed:
                import io

                s = io.StringIO()
                sys.print_exception(x, s)
                e = s.getvalue()
        with j.L:
            del j.t[_thread.get_ident()]
            s = "killed" if j.k.get(i) == 3 else ("failed" if e else "done")
        j.a(i, "E", (s, e))
        with j.L:
            del j.k[i]  # after its end is queued: the reader's list of running jobs never misses it

    def K(i):
        # %kill: ask job `i` to stop; whether it runs.
        j = _belay_j
        with j.L:
            if j.k.get(i) == 1:
                j.k[i] = 2
            return i in j.k

    def i():
        # The host's idle reader: write queued frames as they come; end when no job runs and nothing is queued.
        # It yields at least every 100 ms, and at once when the host writes (its pause byte, seen by the stream
        # loop after a value): each value hands the link back to the host, where a call waiting behind the
        # reader gets it. The value is (last job started, jobs running): a job whose end frame was lost (an
        # interrupt's recovery drops what the board prints meanwhile) is known to have ended all the same.
        j = _belay_j
        while True:
            with j.L:
                v = (j.n, tuple(j.k))
                n = len(j.k) + len(j.b)
            j.f(0, 1)  # after the list: the end of a job missing from it is written before the list
            if not n:
                yield v  # the last list, empty: the host learns of a job whose end was lost
                return
            # Until the host writes, or a job's text is queued (at most 100 ms).
            for _ in range(20):
                if j.b or (j.Q(5) if j.Q else j.z(5)):
                    break
            yield v
