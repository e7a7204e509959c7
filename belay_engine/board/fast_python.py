# Hot loops of sync in plain Python; sync puts @micropython.native before each def where the board has it.


# FNV-1a 32 over the first n bytes of buf.
def _belay_fnv(buf, n, x):
    for i in range(n):
        x = ((x ^ buf[i]) * 0x01000193) & 0xFFFFFFFF
    return x


# Decode the first n wire bytes of buf in place (protocol/file_escaping.py): whole blocks of 128, each a header
# and a body, XORed with the header or, after a header 0x10, escaped (0x10 c -> c - 0x40; a last 0x10 pads).
# Returns the data length, or -1 for a Ctrl-C: never on the wire, so an interrupt that came as a byte (the board
# was compiling then).
def _belay_unesc(buf, n):
    i = 0
    j = 0
    while i < n:
        end = min(i + 128, n)
        h = buf[i]
        i += 1
        if h == 3:
            return -1
        if h == 0x10:
            while i < end:
                c = buf[i]
                i += 1
                if c == 0x10:
                    if i < end:
                        buf[j] = buf[i] - 0x40
                        j += 1
                        i += 1
                elif c == 3:
                    return -1
                else:
                    buf[j] = c
                    j += 1
        else:
            while i < end:
                c = buf[i]
                if c == 3:
                    return -1
                buf[j] = c ^ h
                j += 1
                i += 1
    return j
