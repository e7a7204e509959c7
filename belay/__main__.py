"""``python -m belay``: the ``belay`` command line."""

import sys

from belay_engine.cli import main

sys.exit(main())
