"""Write the example notebooks in notebooks/ from the cell lists below (run after editing them)."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

KERNEL = {
    "kernelspec": {"name": "belay", "display_name": "Belay MicroPython", "language": "python"},
    "language_info": {"name": "python", "file_extension": ".py", "mimetype": "text/x-python"},
}

MICROPYTHON_KERNEL = [
    new_markdown_cell(
        "# The Belay MicroPython kernel\n\n"
        "Every cell of this notebook runs on the board: output streams back while the cell runs, and the value "
        "of a last expression is shown, as in the Python REPL. With no board configured the kernel connects to "
        "the built-in virtual board (`%connect PORT` picks another, e.g. `%connect /dev/ttyACM0`)."
    ),
    new_code_cell("import sys\nsys.implementation.name, sys.platform"),
    new_markdown_cell("Lines starting with `%` run on the host. `%lsmagic` lists them."),
    new_code_cell("%lsmagic"),
    new_markdown_cell("Output arrives as the board prints it, not when the cell ends:"),
    new_code_cell("import time\nfor i in range(3):\n    print('tick', i)\n    time.sleep(0.2)"),
    new_markdown_cell("Functions and globals stay on the board between cells, like in a REPL with a memory."),
    new_code_cell("def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a"),
    new_code_cell("[fib(n) for n in range(10)]"),
    new_markdown_cell("`%timeit` times code on the board itself, so the USB link is not part of the figure."),
    new_code_cell("%timeit fib(20)"),
    new_markdown_cell("Board files: write one from board code, then look at it from the host side."),
    new_code_cell("with open('/hello.txt', 'w') as f:\n    f.write('written on the board\\n')"),
    new_code_cell("%ls /"),
    new_code_cell("%cat /hello.txt"),
    new_markdown_cell("The virtual board simulates `machine.ADC` with a deterministic signal:"),
    new_code_cell("from machine import ADC\nadc = ADC(0)\n[adc.read_u16() for _ in range(5)]"),
    new_markdown_cell("Errors show the board's traceback with the cell's line numbers:"),
    new_code_cell("def check(x):\n    if x > 2:\n        raise ValueError('too big')\n    return x\n\ncheck(1)"),
    new_markdown_cell(
        "## A live reading updated in place\n\n"
        "Board code has IPython's `display(obj, display_id=...)`, `update_display(obj, display_id=...)` and "
        "`clear_output(wait=False)`. An update replaces the display of the same id where it is, so a reading "
        "changes in place instead of scrolling. An object with `_repr_html_` (or `_repr_svg_`, "
        "`_repr_markdown_`, `_repr_json_`) is shown as that; anything else as its `repr`."
    ),
    new_code_cell(
        "class Reading:\n"
        "    def __init__(self, value):\n"
        "        self.value = value\n\n"
        "    def _repr_html_(self):\n"
        '        return \'<b>ADC</b> <meter max="65535" value="%d"></meter> %d\' % (self.value, self.value)\n\n'
        "    def __repr__(self):\n"
        "        return 'ADC %d' % self.value\n\n"
        "display(Reading(adc.read_u16()), display_id='adc')\n"
        "for _ in range(20):\n"
        "    time.sleep_ms(100)\n"
        "    update_display(Reading(adc.read_u16()), display_id='adc')"
    ),
    new_markdown_cell(
        "`clear_output(wait=True)` empties the cell's output when the next output arrives, so nothing flickers:"
    ),
    new_code_cell(
        "for left in range(5, 0, -1):\n"
        "    clear_output(wait=True)\n"
        "    print('countdown', left)\n"
        "    time.sleep_ms(200)\n"
        "print('lift-off')"
    ),
]

#: The kernel's live plot and background cells, at the end of the kernel notebook (issue 18).
KERNEL_PLOT_AND_JOBS = [
    new_markdown_cell(
        "## A live plot\n\n`%plot EXPR` draws what a board generator yields as it yields it: numbers, tuples (one "
        "line per position) or dicts (one line per key). The cell returns once the first value is in; Pause "
        "freezes the drawing, Stop (or interrupting the kernel while no cell runs) stops the generator on the "
        "board, and its `finally` runs. `--window N` values are drawn at a time, at most `--fps F` frames a second."
    ),
    new_code_cell(
        "def readings(n):\n    import time\n    for i in range(n):\n"
        "        yield {'adc': adc.read_u16(), 'half': adc.read_u16() // 2}\n        time.sleep_ms(10)"
    ),
    new_code_cell("%plot readings(200) --window 100"),
    new_markdown_cell(
        "The last plot's values stay on the host: `%plot --save FILE.csv` writes them (a `sample` column, one "
        "column per series) to a file next to the notebook."
    ),
    new_code_cell("%plot --save readings.csv"),
    new_markdown_cell(
        "## Background cells\n\n`%%background` runs a cell in a board thread (the board needs `_thread`): the "
        "cell returns at once, other cells run meanwhile, and what the job prints keeps arriving in its own cell."
    ),
    new_code_cell(
        "%%background\nimport time\ntry:\n    for i in range(5):\n        print('background tick', i)\n"
        "        time.sleep(0.2)\nfinally:\n    print('background job done')"
    ),
    new_code_cell("print('another cell runs meanwhile')"),
    new_markdown_cell("`%jobs` lists the jobs; `%kill N` stops one at its next `print`, with its `finally` run."),
    new_code_cell(
        "%%background\nimport time\ntry:\n    while True:\n        print('still running')\n        time.sleep(0.3)\n"
        "finally:\n    print('stopped cleanly')"
    ),
    new_code_cell("%jobs"),
    new_code_cell("%kill 2"),
]


PYTHON = {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
}

QUICKSTART = [
    new_markdown_cell(
        "# Quickstart: a board from a Python notebook\n\n"
        "`%load_ext belay` adds magics that run code on a MicroPython board while the notebook stays ordinary "
        "Python. With no board configured, `%belay_connect` uses the built-in virtual board (real MicroPython); "
        "give it a port for real hardware, e.g. `%belay_connect /dev/ttyACM0`."
    ),
    new_code_cell("%load_ext belay"),
    new_code_cell("%belay_connect"),
    new_markdown_cell("Setup code runs in the board's global context, like `@device.setup`:"),
    new_code_cell("%%belay_setup\nfrom machine import Pin, ADC\nled = Pin(25, Pin.OUT)\nadc = ADC(0)"),
    new_markdown_cell(
        "Each `def` in a `%%belay_task` cell is sent to the board once and becomes a Python function here. "
        "Generators stream: values arrive as the board produces them."
    ),
    new_code_cell(
        "%%belay_task\n"
        "def blink(times):\n    for _ in range(times):\n        led.toggle()\n    return led.value()\n\n"
        "def read_adc(samples):\n    for _ in range(samples):\n        yield adc.read_u16()"
    ),
    new_code_cell("blink(3)"),
    new_code_cell("import statistics\n\nreadings = list(read_adc(20))\nstatistics.mean(readings), len(readings)"),
    new_markdown_cell("`%belay` evaluates on the board; `%%belay` runs a cell there, its output streamed:"),
    new_code_cell("%belay sys.platform"),
    new_code_cell("%%belay\nfor i in range(3):\n    print('board says', i)\nsum(range(10))"),
    new_markdown_cell("A proxy is a handle on a board object: items, attributes and calls go to the board."),
    new_code_cell("%belay settings = {'count': 0, 'names': ['a', 'b']}"),
    new_code_cell(
        "settings = %belay_proxy settings\nsettings['count'] = 5\nsettings['names'].append('c')\n%belay settings"
    ),
    new_markdown_cell("`%belay_sync` mirrors a host folder onto the board, sending only files that changed:"),
    new_code_cell(
        "import tempfile, pathlib\n\n"
        "project = pathlib.Path(tempfile.mkdtemp())\n"
        "(project / 'lib').mkdir()\n"
        "(project / 'main.py').write_text(\"print('hello from main.py')\\n\")\n"
        "(project / 'lib' / 'greet.py').write_text(\"def greet(name):\\n    return 'hi ' + name\\n\")\n"
        "sorted(str(p.relative_to(project)) for p in project.rglob('*'))"
    ),
    new_code_cell("%belay_sync {project}"),
    new_code_cell("%belay_sync {project}"),
    new_code_cell("%belay __import__('greet').greet('notebook')"),
    new_markdown_cell("Timing on the board itself, so the USB link is not in the figure:"),
    new_code_cell("%belay_timeit sum(range(100))"),
    new_code_cell("%belay_devices"),
    new_code_cell("%belay_disconnect"),
]


LIVE_PLOT = [
    new_markdown_cell(
        "# Live plots of a generator task\n\n"
        "`belay_jupyter.plot(stream)` draws what a generator task yields while it runs (bqplot), redrawing at "
        "most `fps` times a second and keeping every value. The stream is read on a background thread, so the "
        "cell returns at once and the **Stop** button works while the task runs."
    ),
    new_code_cell("%load_ext belay\nimport belay_jupyter"),
    new_code_cell("%belay_connect"),
    new_code_cell("%%belay_setup\nfrom machine import ADC\nadc = ADC(0)\nstreaming = False"),
    new_code_cell(
        "%%belay_task\n"
        "def read_adc(samples, period_ms=10):\n"
        "    import time\n\n"
        "    global streaming\n"
        "    streaming = True\n"
        "    try:\n"
        "        for _ in range(samples):\n"
        "            yield adc.read_u16()\n"
        "            time.sleep_ms(period_ms)\n"
        "    finally:\n"
        "        streaming = False\n\n"
        "def read_pair(samples):\n"
        "    for i in range(samples):\n"
        "        yield {'adc': adc.read_u16(), 'half': adc.read_u16() // 2}"
    ),
    new_markdown_cell("A short plot: 200 samples, 2 ms apart. `wait()` returns every value as a pandas DataFrame."),
    new_code_cell("short = belay_jupyter.plot(read_adc(200, 2), window=100)"),
    new_code_cell("short.wait()"),
    new_markdown_cell("Dicts give named series; `%belay_plot` is the magic spelling of the same thing."),
    new_code_cell("pair = %belay_plot read_pair(300) --window 150\npair.wait().describe()"),
    new_markdown_cell(
        "A long-running plot: 100 000 samples, one every 10 ms (about 17 minutes). The count under the plot "
        "grows while you go on working. **Click Stop** to interrupt the task on the board: its `finally` sets "
        "the board global `streaming` back to `False`, and the values so far stay in `live.values`."
    ),
    new_code_cell("live = belay_jupyter.plot(read_adc(100000), window=300)"),
    new_code_cell("live.state"),
]

PROXY_OBJECTS = [
    new_markdown_cell(
        "# Board objects from the host\n\n"
        "A proxy is a host handle on an object that lives on the board. In a notebook it displays as a widget: "
        "its attributes with types and values, editable when they are numbers, text or booleans (a change is "
        "written to the board), its methods with a **Call** button, and **Refresh** to read the board again."
    ),
    new_code_cell("%load_ext belay"),
    new_code_cell("%belay_connect"),
    new_code_cell(
        "%%belay_setup\n"
        "class Motor:\n"
        "    def __init__(self):\n"
        "        self.speed = 10\n"
        "        self.gain = 0.5\n"
        "        self.name = 'left'\n"
        "        self.enabled = True\n\n"
        "    def describe(self):\n"
        "        return self.name + ' at ' + str(self.speed)\n\n"
        "    def scaled(self, factor):\n"
        "        return self.speed * self.gain * factor\n\n"
        "motor = Motor()"
    ),
    new_markdown_cell("Attribute access, assignment and calls go to the board:"),
    new_code_cell("motor = %belay_proxy motor\nmotor.speed = 20\nmotor.speed, motor.gain, motor.describe()"),
    new_code_cell("%belay motor.speed"),
    new_markdown_cell("Dicts and lists show their items, editable for simple values:"),
    new_code_cell("%belay settings = {'rate': 100, 'label': 'sensor', 'verbose': False}\n%belay_proxy settings"),
    new_markdown_cell(
        "The motor itself. Type a new speed into its field and press Enter, then run `%belay motor.speed` "
        "in a new cell: the board has it."
    ),
    new_code_cell("motor"),
]


def write(name: str, cells: list, metadata: dict) -> None:
    """Write one notebook; cell ids follow the name and position, so regenerating changes nothing else."""
    notebook = new_notebook(cells=cells, metadata=metadata)
    for index, cell in enumerate(notebook.cells):
        cell.id = f"{Path(name).stem[:40]}-{index}"
    nbformat.validate(notebook)
    NOTEBOOKS.mkdir(exist_ok=True)
    nbformat.write(notebook, NOTEBOOKS / name)


if __name__ == "__main__":
    write("micropython_kernel.ipynb", MICROPYTHON_KERNEL + KERNEL_PLOT_AND_JOBS, KERNEL)
    write("quickstart.ipynb", QUICKSTART, PYTHON)
    write("live_plot.ipynb", LIVE_PLOT, PYTHON)
    write("proxy_objects.ipynb", PROXY_OBJECTS, PYTHON)
