# Convenience names that Belay 0.30 scripts expect on a MicroPython board; each import is optional.
import os
from time import sleep

try:
    import machine
    from micropython import const
    from machine import Pin, PWM, Timer
except ImportError:
    pass
try:
    from machine import I2C
except ImportError:
    pass
try:
    from machine import SPI
except ImportError:
    pass
try:
    from machine import ADC
except ImportError:
    pass
