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
    try:
        compile("", "", "exec")  # used, not only looked up: the host relies on it working
        c = True
    except NameError:
        c = False
    i = sys.implementation
    return (i.name, i.version, sys.platform, getattr(i, "_mpy", None), tuple(e), c)


_belay.r(_belay_info())
del _belay_info
try:
    del _belay_f
except NameError:
    pass
