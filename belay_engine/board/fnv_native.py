# FNV-1a 32 over the first n bytes of buf, compiled by the native emitter.
@micropython.native
def _belay_fnv(buf, n, x):
    for i in range(n):
        x = ((x ^ buf[i]) * 0x01000193) & 0xFFFFFFFF
    return x
