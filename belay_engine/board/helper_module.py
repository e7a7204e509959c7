# The engine's helpers kept on the board (as /.belay/helpers.py), so that connecting runs one short line
# (board_calls.load_helper_module) instead of sending their source. The host writes this file with VERSION,
# DIGEST, PARTS, FILES, MPY and FOLDER filled in (board_code.helper_module); the connection's nonce is not in
# it: it is given at each connect. Either the parts are here, as source with "@@" where the nonce goes,
# compiled and run in the REPL's globals as when the host sends them; or MPY names them compiled by mpy-cross
# as one module (board_code.mpy_module_source), imported with the nonce in _belay_n, its names then put in the
# REPL's globals. FILES are the other files the digest covers: MPY, and the modules in FOLDER of the parts
# imported on first use (board/helpers.py's `l`). The line runs this file's text, which only defines
# _belay_load, and calls it; nothing of it stays behind but what the parts install.


def _belay_load(n, v, V=b"@VERSION@", D=b"@DIGEST@", P=("@PARTS@",), F=("@FILES@",), M="@MPY@", L="@FOLDER@"):
    # n: the nonce, v: the version the host expects. Installs nothing (the host then writes these files again)
    # when they are another engine's or damaged. Run by exec in the REPL, its globals are the REPL's.
    g = globals()
    del g["_belay_load"]
    if v != V:
        return
    n = n.decode()  # given as bytes: a short str literal would be interned for good, one per connect
    try:
        from hashlib import sha256
    except ImportError:
        sha256 = None  # such a board goes by the version alone; a damaged part fails to compile instead
    if sha256:
        x = sha256()
        for f in F:
            with open(f, "rb") as o:
                x.update(o.read())
        for p in P:
            x.update(p)
        if x.digest()[: len(D)] != D:
            return
    if M:
        import sys

        i = M.rfind("/")
        h = M[i + 1 : -4]
        g["_belay_n"] = n
        sys.path.insert(0, M[:i])
        try:
            m = __import__(h)  # its last part reports the board's facts, as the host's install does
        finally:
            sys.path.pop(0)
            sys.modules.pop(h, 0)  # imported afresh by the next connect, as the source is installed afresh
            del g["_belay_n"]
        for k in m.__dict__:
            if k[:2] != "__":
                g[k] = getattr(m, k)
        g["_belay"].g = g  # where the runner (_belay.c) runs host code: the REPL's globals, not the module's
    else:
        import gc

        # Each part is compiled on its own, after a collection, as the host's install does (low in the heap).
        for p in P:
            p = p.replace("@@", n)
            gc.collect()
            try:
                p = compile(p, "<belay>", "exec")
            except NameError:
                pass
            exec(p, g)
    g["_belay"].M = L
