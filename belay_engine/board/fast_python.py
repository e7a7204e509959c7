# Hot loops of sync in plain Python; sync puts @micropython.native before each def where the board has it.


# FNV-1a 32 over the first n bytes of buf.
def _belay_fnv(buf, n, x):
    for i in range(n):
        x = ((x ^ buf[i]) * 0x01000193) & 0xFFFFFFFF
    return x


# Undo the wire escapes of the first n bytes of buf in place (0x10 c -> c - 0x40); esc: the previous chunk
# ended on an escape byte. Returns (decoded length << 1) | (this chunk ends on an escape byte), or -1 for a
# Ctrl-C: never part of the data, so an interrupt that came as a byte (the board was compiling then).
def _belay_unesc(buf, n, esc):
    j = 0
    for i in range(n):
        c = buf[i]
        if esc:
            buf[j] = c - 0x40
            j += 1
            esc = 0
        elif c == 3:
            return -1
        elif c == 0x10:
            esc = 1
        else:
            buf[j] = c
            j += 1
    return (j << 1) | esc
