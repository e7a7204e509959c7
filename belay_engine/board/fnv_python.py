# FNV-1a 32 over the first n bytes of buf, in plain Python for boards without native emitters.
def _belay_fnv(buf, n, x):
    for i in range(n):
        x = ((x ^ buf[i]) * 0x01000193) & 0xFFFFFFFF
    return x
