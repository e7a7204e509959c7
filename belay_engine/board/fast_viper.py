# Hot loops of sync, compiled to machine code by the viper emitter.


# FNV-1a 32 over the first n bytes of buf.
@micropython.viper
def _belay_fnv(buf, n: int, x: uint) -> uint:
    p = ptr8(buf)
    for i in range(n):
        x = ((x ^ uint(p[i])) * 0x01000193) & 0xFFFFFFFF
    return x


# Decode the first n wire bytes of buf in place (protocol/file_escaping.py): whole blocks of 128, each a header
# and a body, XORed with the header or, after a header 0x10, escaped (0x10 c -> c - 0x40; a last 0x10 pads).
# Returns the data length, or -1 for a Ctrl-C: never on the wire, so an interrupt that came as a byte (the board
# was compiling then).
@micropython.viper
def _belay_unesc(buf, n: int) -> int:
    p = ptr8(buf)
    i = 0
    j = 0
    while i < n:
        end = i + 128
        if end > n:
            end = n
        h = p[i]
        i += 1
        if h == 3:
            return -1
        if h == 0x10:
            while i < end:
                c = p[i]
                i += 1
                if c == 0x10:
                    if i < end:
                        p[j] = p[i] - 0x40
                        j += 1
                        i += 1
                elif c == 3:
                    return -1
                else:
                    p[j] = c
                    j += 1
        else:
            while i < end:
                c = p[i]
                if c == 3:
                    return -1
                p[j] = c ^ h
                j += 1
                i += 1
    return j
