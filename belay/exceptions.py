"""``belay.exceptions`` as in Belay 0.30: the exception tree, so ``except belay.exceptions.X`` still matches."""

from belay_engine.errors import *  # noqa: F403 - the engine's exception tree, re-exported unchanged
from belay_engine.errors import __all__  # noqa: F401 - the same public names
