# Board helpers, second part (after helpers.py): a value's repr written in pieces, so a big str, bytes,
# bytearray, or a list, tuple or dict holding them never needs a second copy of the value in the heap.
# The functions are attached to _belay as e, k and h; their own names keep the engine's reserved prefix. Where the
# board keeps the helpers, this part is the module _belay_val, imported on first use (helpers.py's `l`).


def _belay_pieces(v, o):
    # Pass repr(v) to o in pieces.
    s = _belay.f(v)
    if s is not None:
        o(s)
        return
    t = type(v)
    e = _belay.e
    if t is dict:
        o("{")
        j = 0
        for k in v:
            if j:
                o(", ")
            j = 1
            e(k, o)
            o(": ")
            e(v[k], o)
        o("}")
    elif t is list or t is tuple:
        o("[" if t is list else "(")
        j = 0
        for x in v:
            if j:
                o(", ")
            j = 1
            e(x, o)
        o("]" if t is list else ("," if len(v) == 1 else "") + ")")
    else:
        _belay.k(v, o, t)


def _belay_slices(v, o, t):
    # The repr of a long str, bytes or bytearray, slice by slice. Escapes depend on one choice only, the
    # quote: repr picks '"' when the text has "'" and no '"'. A slice's repr agrees with the whole one,
    # except where the whole text has both quotes: appending both to the slice forces the same choice.
    y = t is not str
    z = (b"'" if y else "'") in v and (b'"' if y else '"') not in v
    a = '"' if z else "'"
    o(("bytearray(b" if t is bytearray else "b" if y else "") + a)
    x = b"\"'" if y else "\"'"
    for i in range(0, len(v), 512):
        s = v[i : i + 512]
        if t is bytearray:
            s = bytes(s)
        o(repr(s)[1 + y : -1] if z else repr(s + x)[1 + y : -4])
    o(a + (")" if t is bytearray else ""))


def _belay_shown(x):
    # _belay.v for a value whose repr is big: its text as str literals, piece by piece.
    w = _belay.w
    e = _belay.e
    w(_belay.S + "R")
    e(x, lambda p: e(p, w))
    w("\x1f")


_belay.e, _belay.k, _belay.h = _belay_pieces, _belay_slices, _belay_shown
del _belay_pieces, _belay_slices, _belay_shown
