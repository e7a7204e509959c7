"""The devices the IPython extension opened, by name, and which one is current."""

from typing import Any, Optional

from attrs import define, field
from IPython.core.error import UsageError


@define
class DeviceRegistry:
    """Named open devices; the first one connected (or the last one named) is current."""

    devices: dict[str, Any] = field(factory=dict)
    current: Optional[str] = None

    def add(self, name: str, device: Any) -> None:
        """Keep `device` under `name` (closing a device already there) and make it current."""
        old = self.devices.pop(name, None)
        if old is not None:
            old.close()
        self.devices[name] = device
        self.current = name

    def get(self, name: Optional[str] = None) -> Any:
        """The device called `name`, or the current one.

        Raises
        ------
        UsageError
            No such device, or none connected yet.
        """
        key = name or self.current
        if key is None:
            raise UsageError("no board connected: run %belay_connect [PORT] first")
        if key not in self.devices:
            known = ", ".join(self.devices) or "none"
            raise UsageError(f"no device named {key!r} (connected: {known}); see %belay_devices")
        return self.devices[key]

    def remove(self, name: Optional[str] = None) -> str:
        """Close and forget the device called `name` (or the current one); return its name."""
        key = name or self.current
        device = self.get(key)
        del self.devices[key]
        if self.current == key:
            self.current = next(iter(self.devices), None)
        device.close()
        return key

    def close_all(self) -> None:
        """Close every device (on unload, so a reload leaks no connection)."""
        while self.devices:
            _, device = self.devices.popitem()
            device.close()
        self.current = None
