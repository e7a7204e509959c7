"""``belay.device_meta`` as in Belay 0.30: the metaclass that picks a method's overload for the board."""

from belay_engine.device_meta import DeviceMeta, ExecuterMethod, OverloadDict, OverloadList

__all__ = ["DeviceMeta", "ExecuterMethod", "OverloadDict", "OverloadList"]
