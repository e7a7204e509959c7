# Convenience names that Belay 0.30 scripts expect on a CircuitPython board; each import is optional.
import os
from time import sleep

for _module, _name in (("board", None), ("digitalio", None), ("analogio", None), ("busio", "I2C"), ("busio", "SPI")):
    try:
        _value = __import__(_module)
        globals()[_name or _module] = getattr(_value, _name) if _name else _value
    except (ImportError, AttributeError):
        pass
del _module, _name
