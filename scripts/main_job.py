"""The main job: connect to the virtual board, define tasks, stream a generator, and print what comes back."""

import sys
import time

from belay import Device


def main() -> int:
    """Run the example on the virtual board (or on the port given as the first argument)."""
    port = sys.argv[1] if len(sys.argv) > 1 else "virtual:"
    started = time.perf_counter()
    with Device(port) as device:
        print(f"connected in {(time.perf_counter() - started) * 1000:.1f} ms: {device.implementation}")

        @device.setup
        def configure(gain):
            from machine import ADC

            adc = ADC(0)
            scale = gain / 65535

        @device.task
        def add(a, b):
            return a + b

        @device.task
        def read_adc(samples):
            for _ in range(samples):
                yield adc.read_u16() * scale

        @device.task
        def greet(name):
            print("hello from the board,", name)
            return len(name)

        configure(gain=3.3)
        print("add(2, 3) =", add(2, 3))
        print("greet returned", greet("notebook"))
        volts = list(read_adc(5))
        print("ADC volts:", [round(v, 3) for v in volts])
        squares = device.proxy("[i * i for i in range(6)]")
        print("proxy:", squares, "len", len(squares), "last", squares[-1])
        print("board says 1 + 1 =", device("1 + 1"), "on", device("sys.platform"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
