"""The main job: a Belay-style example on a board, then every example notebook, all on the virtual board.

Executed notebooks are written to build/notebooks/ (the sources in notebooks/ stay as they are).
"""

import os
import sys
import time
from pathlib import Path

from belay import Device

ROOT = Path(__file__).resolve().parent.parent


def run_example(port: str) -> None:
    """Connect, define tasks, stream a generator, use a proxy, and print what comes back."""
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


def run_notebooks(port: str) -> int:
    """Execute every notebook in notebooks/; return how many failed."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    os.environ["BELAY_DEVICE"] = port
    output = ROOT / "build" / "notebooks"
    output.mkdir(parents=True, exist_ok=True)
    failures = 0
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        started = time.perf_counter()
        try:
            NotebookClient(notebook, timeout=300, resources={"metadata": {"path": str(output)}}).execute()
            status = "ok"
        except CellExecutionError as error:
            failures += 1
            status = f"FAILED: {str(error).strip().splitlines()[-1]}"
        nbformat.write(notebook, output / path.name)
        cells = sum(cell.cell_type == "code" for cell in notebook.cells)
        print(f"notebook {path.name}: {cells} code cells, {time.perf_counter() - started:.1f} s, {status}")
    return failures


def main() -> int:
    """Run the example and the notebooks on the virtual board (or on the port given as the first argument)."""
    port = sys.argv[1] if len(sys.argv) > 1 else "virtual:"
    run_example(port)
    failures = run_notebooks(port)
    print(f"executed notebooks are in {ROOT / 'build' / 'notebooks'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
