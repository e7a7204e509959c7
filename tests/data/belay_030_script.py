# A script written for Belay 0.30, as its README teaches; run unchanged by the compatibility test.
import belay

device = belay.Device()


@device.setup
def setup():
    led = Pin(25, Pin.OUT)


@device.task
def set_led(state):
    print(f"Printing from device; turning LED to {state}.")
    led.value(state)
    return led.value()


@device.task
def read_temperature():
    for i in range(3):
        yield 20 + i


setup()
print("led is", set_led(True))
print("readings", list(read_temperature()))
print("implementation", device.implementation.name)
device.close()
