"""The `belay` command line."""


def main() -> None:
    """Run the `belay` command line."""
    raise SystemExit("belay: the command line is not built yet")
