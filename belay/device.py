"""``belay.device`` as in Belay 0.30: the Device class and its result sentinels."""

from belay_engine.device import Device
from belay_engine.replies import NO_RESULT, UNPARSABLE_RESULT

__all__ = ["NO_RESULT", "UNPARSABLE_RESULT", "Device"]
