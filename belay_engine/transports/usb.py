"""USB discovery: `UsbSpecifier`, `list_devices` and the one-board auto-detection (placeholder, being written)."""

from typing import Optional

from pydantic import BaseModel, ConfigDict

from ..errors import DeviceNotFoundError


class UsbSpecifier(BaseModel):
    """Which USB serial port to use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vid: Optional[int] = None
    pid: Optional[int] = None
    serial_number: Optional[str] = None
    manufacturer: Optional[str] = None
    product: Optional[str] = None
    location: Optional[str] = None
    device: Optional[str] = None

    @classmethod
    def from_json(cls, text: str) -> "UsbSpecifier":
        """Parse ``BELAY_DEVICE``-style JSON."""
        return cls.model_validate_json(text)


def find_port(specifier: UsbSpecifier) -> str:
    """The port path of the one board matching `specifier`."""
    raise DeviceNotFoundError(f"no USB board matches {specifier}")
