# Board helpers, display part (after value_pieces.py, which it uses): display(), update_display() and
# clear_output() for board code, as IPython has them. Each call writes one record (see helpers.py) in the stream of printed text, so the
# host shows it in order with what was printed around it; kinds:
#   D  show an object: (display_id, {form: text, ...})     U  the same, replacing the display of display_id
#   C  clear the output: 1 to wait for the next output first, else 0
# The forms are text: what the object's _repr_<form>_ methods return (html, svg, markdown; json as its repr)
# and "plain", its repr; the host names their MIME types. They are all made before the record starts: a _repr_ that raises
# leaves no half-written record behind. Where the port lets builtins be extended, the three live there
# (visible from every module, and a user's own `display`, an OLED's say, simply hides them). Until this part is
# imported (helpers.py's `l`), helpers.py's forwarders stand in for them.


def display(*o, display_id=None, _k="D"):
    i = display_id if display_id is None else str(display_id)
    for x in o:
        d = {"plain": repr(x)}
        if type(x) is not type:  # a class's _repr_ methods need an instance
            for n in ("html", "svg", "markdown", "json"):
                # Put together, not written out: MicroPython's dir() asks an object's __getattr__ for every
                # interned name, and a literal would be interned at install (the proxy view's dir() would ask).
                v = getattr(x, "_" + "repr_" + n + "_", None)
                v = v and v()
                if v is not None:
                    # JSON as its repr, which the host parses on its own: a value there that is no literal then
                    # costs only that form, never the whole display.
                    d[n] = repr(v) if n == "json" else str(v)
        w = _belay.w
        w(_belay.S + _k)
        _belay.e((i, d), w)  # in pieces where the text is big
        w("\x1f")


def update_display(o, display_id):
    display(o, display_id=display_id, _k="U")


def clear_output(wait=False):
    _belay.w(_belay.S + ("C1" if wait else "C0") + "\x1f")


_belay.l("e", "_belay_val")  # the piece writer (value_pieces.py), imported here where the board keeps the helpers
_belay.display, _belay.update_display, _belay.clear_output = display, update_display, clear_output
_belay_b = __import__("builtins")
try:
    _belay_b.display, _belay_b.update_display, _belay_b.clear_output = display, update_display, clear_output
    del display, update_display, clear_output
except Exception:
    pass  # builtins are fixed on this port: the three are globals of __main__ (here or helpers.py's forwarders)
del _belay_b
