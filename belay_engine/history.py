"""The commands that built the board's state, replayed by Device.reconnect()."""

from collections.abc import Iterator

from attrs import define, field


@define
class History:
    """Recorded commands, at most `limit` of them; `overflowed` tells that some were not kept."""

    limit: int
    commands: list[str] = field(factory=list)
    overflowed: bool = False

    def record(self, command: str) -> None:
        """Keep `command` for replay, or note that the history is full."""
        if len(self.commands) < self.limit:
            self.commands.append(command)
        else:
            self.overflowed = True

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.commands))

    def __len__(self) -> int:
        return len(self.commands)
