"""The result object every experiment driver returns, and the one call that runs its cells.

A driver builds a grid, runs its cell function through :func:`theory.sweep.sweep` (:func:`run_cells`),
summarises, and returns a :class:`Summary`: a small frozen object holding the JSON data a script
stores (``to_dict``/``from_dict``) and printing a readable summary (each subclass's ``__str__``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from theory.sweep import Runner

__all__ = ["Summary", "run_cells"]


@dataclass(frozen=True, repr=False)
class Summary:
    """A summarised experiment: its JSON data (``to_dict``) and a readable summary (``str``).

    Examples
    --------
    >>> s = Summary(data={"fit": 1.5})
    >>> s["fit"], s.get("missing", 0), s.to_dict() == {"fit": 1.5}
    (1.5, 0, True)
    """

    data: dict[str, Any]

    #: Keys a result's data must hold.
    REQUIRED: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.data, Mapping):
            raise TypeError(f"data must be a dict, got {type(self.data).__name__}")
        missing = [k for k in self.REQUIRED if k not in self.data]
        if missing:
            raise ValueError(f"data of {type(self).__name__} misses the keys {missing}")
        object.__setattr__(self, "data", copy.deepcopy(dict(self.data)))

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON data (a copy)."""
        return copy.deepcopy(self.data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Any:
        """The result from :meth:`to_dict`'s data (or the section a script stored)."""
        return cls(data=dict(data))

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        """``data[key]``, or ``default``."""
        return self.data.get(key, default)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(keys={sorted(self.data)})"


def run_cells(cell: Any, grid: list[dict[str, Any]], *, runner: Runner, rng: int, desc: str) -> Any:
    """``theory.sweep.sweep(cell, grid, ...)`` with the driver's runner, sweep seed and label."""
    from theory.sweep import sweep

    return sweep(cell, grid, runner=runner, rng=rng, desc=desc)
