# Simulated hardware for the virtual board: the unix port's machine module plus Pin, ADC, PWM and Timer,
# so typical board code runs. Kept small: it lives in the board's heap.
from umachine import *
import time


def reset():
    # A hard reset: the process exits with a status the virtual board's transport takes as a power cycle.
    import sys

    sys.exit(86)


class Pin:
    IN = 0
    OUT = 1
    OPEN_DRAIN = 2
    PULL_UP = 1
    PULL_DOWN = 2
    IRQ_RISING = 1
    IRQ_FALLING = 2

    def __init__(self, id, mode=-1, pull=-1, value=None):
        self._id = id
        self._value = 0
        self._irq = None
        self.init(mode, pull, value)

    def init(self, mode=-1, pull=-1, value=None):
        if mode != -1:
            self._mode = mode
        if pull != -1:
            self._pull = pull
            self._value = 1 if pull == Pin.PULL_UP else 0
        if value is not None:
            self._set(value)

    def _set(self, value):
        old = self._value
        self._value = 1 if value else 0
        if self._irq and old != self._value:
            handler, trigger = self._irq
            if trigger & (Pin.IRQ_RISING if self._value else Pin.IRQ_FALLING):
                handler(self)

    def value(self, value=None):
        if value is None:
            return self._value
        self._set(value)

    __call__ = value

    def on(self):
        self._set(1)

    def off(self):
        self._set(0)

    def toggle(self):
        self._set(1 - self._value)

    def irq(self, handler=None, trigger=3):
        self._irq = (handler, trigger) if handler else None
        return self

    def __repr__(self):
        return "Pin(%r, value=%d)" % (self._id, self._value)


class ADC:
    # A deterministic signal: a 1 Hz sine around mid-scale plus pseudo-random noise from a fixed seed.
    def __init__(self, id, *args, **kwargs):
        self._id = id
        self._seed = 12345

    def read_u16(self):
        import math

        self._seed = (self._seed * 1103515245 + 12345) & 0x7FFFFFFF
        noise = (self._seed >> 16) % 1001 - 500
        phase = (time.ticks_ms() % 1000) / 1000
        value = int(32768 + 24000 * math.sin(2 * math.pi * phase)) + noise
        return min(65535, max(0, value))

    def read(self):
        return self.read_u16() >> 4

    def read_uv(self):
        return self.read_u16() * 3300000 // 65535


class PWM:
    def __init__(self, pin, freq=1000, duty_u16=0):
        self._pin = pin
        self._freq = freq
        self._duty = duty_u16

    def freq(self, value=None):
        if value is None:
            return self._freq
        self._freq = value

    def duty_u16(self, value=None):
        if value is None:
            return self._duty
        self._duty = value

    def duty_ns(self, value=None):
        period = 1000000000 // self._freq
        if value is None:
            return self._duty * period // 65535
        self._duty = value * 65535 // period

    def deinit(self):
        self._duty = 0


class Timer:
    ONE_SHOT = 0
    PERIODIC = 1

    def __init__(self, id=-1, **kwargs):
        self._active = False
        if kwargs:
            self.init(**kwargs)

    def init(self, mode=1, period=-1, freq=-1, callback=None):
        import _thread

        self.deinit()
        self._period = period if period > 0 else (1000 // freq if freq > 0 else 1000)
        self._mode = mode
        self._callback = callback
        self._active = True
        self._generation = getattr(self, "_generation", 0) + 1
        _thread.start_new_thread(self._run, (self._generation,))

    def _run(self, generation):
        while self._active and self._generation == generation:
            time.sleep_ms(self._period)
            if not (self._active and self._generation == generation):
                return
            if self._callback:
                self._callback(self)
            if self._mode == Timer.ONE_SHOT:
                self._active = False

    def deinit(self):
        self._active = False
