# Convenience names that Belay 0.30 scripts expect on a CircuitPython board; each import is optional.
import os
from time import sleep

try:
    import board, digitalio
except ImportError:
    pass
try:
    import analogio
except ImportError:
    pass
try:
    from busio import I2C
except ImportError:
    pass
try:
    from busio import SPI
except ImportError:
    pass
