# Hot loops of sync, compiled to machine code by the viper emitter.


# FNV-1a 32 over the first n bytes of buf.
@micropython.viper
def _belay_fnv(buf, n: int, x: uint) -> uint:
    p = ptr8(buf)
    for i in range(n):
        x = ((x ^ uint(p[i])) * 0x01000193) & 0xFFFFFFFF
    return x


# Undo the wire escapes of the first n bytes of buf in place (0x10 c -> c - 0x40); esc: the previous chunk
# ended on an escape byte. Returns (decoded length << 1) | (this chunk ends on an escape byte), or -1 for a
# Ctrl-C: never part of the data, so an interrupt that came as a byte (the board was compiling then).
@micropython.viper
def _belay_unesc(buf, n: int, esc: int) -> int:
    p = ptr8(buf)
    j = 0
    for i in range(n):
        c = p[i]
        if esc:
            p[j] = c - 0x40
            j += 1
            esc = 0
        elif c == 0x10:
            esc = 1
        elif c == 3:
            return -1
        else:
            p[j] = c
            j += 1
    return (j << 1) | esc
