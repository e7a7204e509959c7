import os
import subprocess
import sys
from pathlib import Path

import belay

SCRIPT = Path(__file__).parent.parent / "data" / "belay_030_script.py"


def test_a_belay_030_script_runs_unchanged_on_the_virtual_board():
    environment = {**os.environ, "BELAY_DEVICE": "virtual:"}
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, env=environment, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Printing from device; turning LED to True.",
        "led is 1",
        "readings [20, 21, 22]",
        "implementation micropython",
    ]


def test_belay_exports_the_names_of_belay_030():
    expected = {
        "AuthenticationError",
        "BelayException",
        "ConnectionFailedError",
        "ConnectionLost",
        "Device",
        "DeviceMeta",
        "DeviceNotFoundError",
        "FeatureUnavailableError",
        "Implementation",
        "InsufficientSpecifierError",
        "MaxHistoryLengthError",
        "NoMatchingExecuterError",
        "NotBelayResponseError",
        "NO_RESULT",
        "ProxyObject",
        "PyboardError",
        "PyboardException",
        "SpecialFunctionNameError",
        "UNPARSABLE_RESULT",
        "minify",
    }
    assert expected <= set(belay.__all__)
    assert all(hasattr(belay, name) for name in expected)
