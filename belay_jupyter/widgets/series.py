"""Stream values as named series: every value kept, a rolling window of numbers for drawing, a table at the end."""

import math
from numbers import Real
from typing import Any

from attrs import define, field

#: The one series of a stream of plain numbers.
SCALAR = "value"


def value_points(value: Any) -> dict:
    """The named points of one streamed value: a number, a tuple or list of numbers, or a dict of them.

    Numbers become ``{"value": x}``, sequences ``{0: a, 1: b, ...}`` (one series per position), dicts keep
    their keys; anything that is not a number becomes NaN, so it is kept but not drawn.
    """
    if isinstance(value, dict):
        return {key: _number(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return {position: _number(item) for position, item in enumerate(value)}
    return {SCALAR: _number(value)}


def _number(value: Any) -> float:
    if isinstance(value, Real):
        return float(value)
    return math.nan


@define
class SeriesTable:
    """Every value of a stream, with its points by series name in order of first appearance."""

    values: list = field(factory=list)
    rows: list = field(factory=list)
    names: list = field(factory=list)
    _known: set = field(factory=set)

    def add(self, value: Any) -> None:
        """Keep `value` and its points."""
        points = value_points(value)
        for name in points:
            if name not in self._known:
                self._known.add(name)
                self.names.append(name)
        self.values.append(value)
        self.rows.append(points)

    def __len__(self) -> int:
        return len(self.values)

    def window(self, size: int) -> tuple[list, list]:
        """The last `size` points: sample numbers, and one list of y values per series (NaN where missing)."""
        start = max(0, len(self.rows) - size)
        rows = self.rows[start:]
        x = list(range(start, start + len(rows)))
        y = [[row.get(name, math.nan) for row in rows] for name in self.names]
        return x, y

    def table(self) -> Any:
        """Every value as a pandas DataFrame (one column per series), or the list of values without pandas."""
        try:
            import pandas
        except ImportError:
            return list(self.values)
        return pandas.DataFrame(self.rows, columns=list(self.names))
