"""``belay.usb_specifier`` as in Belay 0.30: find a board by its USB ids."""

from belay_engine.transports.usb import UsbSpecifier, list_devices

__all__ = ["UsbSpecifier", "list_devices"]
