# Board helpers, last part: report what the board is, as the install's reply. The host needs to know
# whether compile() works: host code is then compiled on the board under its host file name.
import sys


def _belay_info():
    import micropython

    e = []
    for x in ("native", "viper"):
        try:
            exec("@micropython." + x + "\ndef _belay_f():\n pass")
            e.append(x)
        except Exception:
            pass
    i = sys.implementation
    return (i.name, i.version, sys.platform, getattr(i, "_mpy", None), tuple(e), _belay.C is not None)


_belay.r(_belay_info())
del _belay_info
try:
    del _belay_f
except NameError:
    pass
