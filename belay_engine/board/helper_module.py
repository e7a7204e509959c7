# The engine's helpers kept on the board (as /.belay/helpers.py), so that connecting runs one short line
# (board_calls.load_helper_module) instead of sending their source. The host writes this file with VERSION,
# DIGEST and PARTS filled in (board_code.helper_module_files); the connection's nonce is not in it: it is
# given at each connect and put where the parts say "@@", as the host does when it sends them.
# The line runs this file's text, which only defines _belay_load, and calls it; nothing stays behind but
# what the parts install, exactly as when the host sends them (see board_calls.install_helpers).


def _belay_load(n, v, V="@VERSION@", D=b"@DIGEST@", P=("@PARTS@",)):
    # n: the nonce, v: the version the host expects. Installs nothing (the host then writes this file again)
    # when the file is another engine's or damaged. Run by exec in the REPL, its globals are the REPL's.
    g = globals()
    del g["_belay_load"]
    if v != V:
        return
    try:
        from hashlib import sha256
    except ImportError:
        sha256 = None  # such a board goes by the version alone; a damaged part fails to compile instead
    if sha256:
        x = sha256()
        for p in P:
            x.update(p)
        if x.digest()[: len(D)] != D:
            return
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
