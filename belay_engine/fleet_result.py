"""FleetResult: what one fleet call gave on each board, a value or the exception it raised there."""

from collections.abc import Iterator, Mapping
from typing import Any


def name_error(name: str, error: BaseException) -> BaseException:
    """`error` labelled with the board it came from: a ``board`` attribute and, on Python >= 3.11, a note."""
    if getattr(error, "board", None) != name:
        try:
            error.board = name
        except AttributeError:
            return error  # an exception type with __slots__: it keeps its own message only
        add_note = getattr(error, "add_note", None)
        if add_note is not None:
            add_note(f"(on board {name!r})")
    return error


def copy_error(error: BaseException) -> BaseException:
    """A fresh exception like `error`, so each board's entry can carry its own name."""
    try:
        copy = type(error)(*error.args)
    except Exception:
        return error
    copy.__cause__ = error
    return copy


class FleetResult(Mapping):
    """Board name → what the call gave there: its value, or the exception it raised (a failed board's entry).

    Iterates in the fleet's board order. Boards the call left out (lost, with ``on_lost="skip"``) are in
    `skipped`, not in the mapping.

    Parameters
    ----------
    values : dict
        Name → value of the boards where the call succeeded.
    errors : dict
        Name → exception of the boards where it failed.
    order : sequence of str
        The board names in the fleet's order.
    skipped : tuple of str
        The boards not called.

    Examples
    --------
    >>> result = FleetResult({"a": 1}, {"b": ValueError("x")}, ["a", "b"])
    >>> dict(result.succeeded), list(result.errors)
    ({'a': 1}, ['b'])
    """

    def __init__(self, values: dict, errors: dict, order: Any = (), skipped: tuple = ()):
        rank = {name: index for index, name in enumerate(order)}
        names = sorted({*values, *errors}, key=lambda name: (rank.get(name, len(rank)), name))
        self._entries = {name: errors[name] if name in errors else values[name] for name in names}
        self._errors = {name: name_error(name, errors[name]) for name in names if name in errors}
        self.skipped = tuple(skipped)

    def __getitem__(self, name: str) -> Any:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def errors(self) -> dict[str, BaseException]:
        """Name → exception of every board where the call failed (empty when all succeeded)."""
        return dict(self._errors)

    @property
    def succeeded(self) -> dict[str, Any]:
        """Name → value of every board where the call succeeded."""
        return {name: value for name, value in self._entries.items() if name not in self._errors}

    @property
    def ok(self) -> bool:
        """Whether the call succeeded on every board it ran on."""
        return not self._errors

    def raise_first(self) -> "FleetResult":
        """Raise the first failed board's exception (its ``board`` attribute names it); else return this result.

        Examples
        --------
        >>> FleetResult({"a": 1}, {}, ["a"]).raise_first()["a"]
        1
        """
        for error in self._errors.values():
            raise error
        return self

    def to_dataframe(self) -> Any:
        """A pandas DataFrame indexed by board, with a ``value`` and an ``error`` column (None where empty).

        Raises
        ------
        ImportError
            pandas is not installed (it is not a dependency of belay: ``pip install pandas``).
        """
        try:
            import pandas
        except ImportError as error:
            raise ImportError(
                "FleetResult.to_dataframe needs pandas, which belay does not install: pip install pandas"
            ) from error
        rows = [
            {"board": name, "value": None if name in self._errors else entry, "error": self._errors.get(name)}
            for name, entry in self._entries.items()
        ]
        return pandas.DataFrame(rows, columns=["board", "value", "error"]).set_index("board")

    def __repr__(self) -> str:
        skipped = f", skipped={self.skipped!r}" if self.skipped else ""
        return f"FleetResult({self._entries!r}{skipped})"
