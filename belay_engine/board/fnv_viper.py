# FNV-1a 32 over the first n bytes of buf, compiled to machine code by the viper emitter.
@micropython.viper
def _belay_fnv(buf, n: int, x: uint) -> uint:
    p = ptr8(buf)
    for i in range(n):
        x = ((x ^ uint(p[i])) * 0x01000193) & 0xFFFFFFFF
    return x
