"""What runs on the board: implementation name, version, platform, native architecture and emitters."""

from typing import Any, Optional

from attrs import frozen

#: Native architectures in the order of the .mpy header's arch field (``sys.implementation._mpy >> 10``).
ARCHITECTURES = (
    None,
    "x86",
    "x64",
    "armv6",
    "armv6m",
    "armv7m",
    "armv7em",
    "armv7emsp",
    "armv7emdp",
    "xtensa",
    "xtensawin",
    "rv32imc",
    "rv64imc",
)


@frozen
class Implementation:
    """Facts about the connected board's firmware.

    Attributes
    ----------
    name : str
        ``"micropython"`` or ``"circuitpython"``.
    version : tuple[int, int, int]
        Firmware version.
    platform : str
        ``sys.platform`` (``"rp2"``, ``"esp32"``, ``"linux"``, ...).
    arch : str or None
        Native code architecture from the .mpy arch bits (``"x64"``, ``"armv6m"``, ...), None without one.
    emitters : tuple[str, ...]
        Code emitters that work on the board (``"native"``, ``"viper"``).
    mpy_version : int or None
        The .mpy file format version the board loads (``6`` for MicroPython 1.19 and later).
    mpy_sub_version : int or None
        The .mpy sub-version for native code.
    """

    name: str
    version: tuple[int, int, int] = (0, 0, 0)
    platform: str = ""
    arch: Optional[str] = None
    emitters: tuple[str, ...] = ()
    mpy_version: Optional[int] = None
    mpy_sub_version: Optional[int] = None

    @classmethod
    def from_board_reply(cls, reply: Any) -> "Implementation":
        """Build from the board helper's ``(name, version, platform, _mpy, emitters)`` tuple."""
        name, version, platform, mpy, emitters = reply
        numbers = tuple(part for part in version if isinstance(part, int))[:3]
        numbers = numbers + (0,) * (3 - len(numbers))
        arch_index = None if mpy is None else mpy >> 10
        arch = ARCHITECTURES[arch_index] if arch_index is not None and arch_index < len(ARCHITECTURES) else None
        return cls(
            name=name,
            version=numbers,
            platform=platform,
            arch=arch,
            emitters=tuple(emitters),
            mpy_version=None if mpy is None else mpy & 0xFF,
            mpy_sub_version=None if mpy is None else (mpy >> 8) & 3,
        )
