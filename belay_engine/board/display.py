# Board helpers, display part (after value_pieces.py): display(), update_display() and clear_output() for board
# code, as IPython has them. Each call writes one record (see helpers.py) in the stream of printed text, so the
# host shows it in order with what was printed around it; kinds:
#   D  show an object: (display_id, {form: text, ...})     U  the same, replacing the display of display_id
#   C  clear the output: 1 to wait for the next output first, else 0
# The forms are text: what the object's _repr_<form>_ methods return (html, svg, markdown; json as its repr)
# and "plain", its repr; the host names their MIME types. They are all made before the record starts: a _repr_ that raises
# leaves no half-written record behind. Where the port lets builtins be extended, the three live there
# (visible from every module, and a user's own `display`, an OLED's say, simply hides them).


def _belay_show(k, o, i):
    d = {"plain": repr(o)}
    if type(o) is not type:  # a class's _repr_ methods need an instance
        for n in ("html", "svg", "markdown", "json"):
            # Put together, not written out: MicroPython's dir() asks an object's __getattr__ for every interned
            # name, and a literal would be interned at install (the proxy view's dir() would then ask for it).
            f = getattr(o, "_" + "repr_" + n + "_", None)
            v = f and f()
            if v is not None:
                # JSON as its repr, which the host parses on its own: a value there that is no literal then
                # costs only that form, never the whole display.
                d[n] = repr(v) if n == "json" else str(v)
    w = _belay.w
    w(_belay.S + k)
    _belay.e((i if i is None else str(i), d), w)  # in pieces where the text is big
    w("\x1f")


def display(*o, display_id=None):
    for x in o:
        _belay.h("D", x, display_id)


def update_display(o, *, display_id):
    _belay.h("U", o, display_id)


def clear_output(wait=False):
    _belay.w(_belay.S + ("C1" if wait else "C0") + "\x1f")


_belay.h = _belay_show
del _belay_show
try:
    import builtins

    builtins.display = display
    builtins.update_display = update_display
    builtins.clear_output = clear_output
    del display, update_display, clear_output
except Exception:
    pass  # builtins are fixed on this port: the three stay globals of __main__, where board code runs
try:
    del builtins
except NameError:
    pass
