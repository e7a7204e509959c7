# Convenience names that Belay 0.30 scripts expect on a MicroPython board; each import is optional.
import os
from time import sleep

try:
    import machine
    from micropython import const
    from machine import Pin, PWM, Timer
except ImportError:
    pass
for _name in ("I2C", "SPI", "ADC"):
    try:
        globals()[_name] = getattr(__import__("machine"), _name)
    except (ImportError, AttributeError):
        pass
del _name
