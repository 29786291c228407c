"""Named reproductions: each a published result rerun by one call (``theory reproduce NAME``).

A :class:`Reproduction` names a runner in ``theory.experiments`` (or a pillar) that takes
``quick``, ``store``, ``executor`` and ``progress`` and returns a result with ``to_dict()`` and a
readable ``str``. Runs go through :func:`theory.sweep.sweep`, so with a ``store`` (an SQLite
file) every finished cell is saved as it completes and a rerun resumes where the last one
stopped. :func:`reproduce` runs one by name; :data:`REPRODUCTIONS` lists them.

The full runs' measured results (numbers, run times, machines) are on the docs' results pages;
``quick=True`` runs a reduced grid that shows the same effect at lower resolution.

Examples
--------
>>> sorted(REPRODUCTIONS)[:2]
['incidental_polysemanticity', 'recovery_phase']
>>> print(REPRODUCTIONS["recovery_phase"].summary)
Donoho-Tanner phase diagram of thresholding, OMP, LASSO and basis pursuit against the l1 weak threshold
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from theory._validation import check_bool

__all__ = ["REPRODUCTIONS", "Reproduction", "reproduce"]


@dataclass(frozen=True)
class Reproduction:
    """A published result the toolkit reruns.

    Attributes
    ----------
    name : str
        The name ``theory reproduce`` takes.
    summary : str
        What is reproduced, in one line.
    source : str
        The paper (author, year, title, arXiv/DOI) whose result it is.
    runner : str
        ``"module:function"``; the function takes keyword arguments ``quick``, ``store``,
        ``executor`` and ``progress`` and returns an object with ``to_dict()``.
    docs : str
        The docs page holding the full run's measured results.
    """

    name: str
    summary: str
    source: str
    runner: str
    docs: str

    def load(self) -> Callable[..., Any]:
        """The runner function (imported on first use)."""
        module, _, func = self.runner.partition(":")
        return getattr(importlib.import_module(module), func)


def _recovery_phase(*, quick: bool, store: Any, executor: Any, progress: bool) -> Any:
    from theory.experiments.sparse_coding import recovery_phase_diagram

    if quick:
        return recovery_phase_diagram(dim=32, ratios_n=(0.25, 0.5, 0.75), ratios_k=(0.05, 0.2, 0.4, 0.6),
                                      trials=10, bp=False, store=store, executor=executor, progress=progress)
    return recovery_phase_diagram(store=store, executor=executor, progress=progress)


def _spud_threshold(*, quick: bool, store: Any, executor: Any, progress: bool) -> Any:
    from theory.experiments.sparse_coding import spud_threshold

    if quick:
        return spud_threshold(ns=(6,), cs=(1, 3, 8), trials=6, store=store, executor=executor, progress=progress)
    return spud_threshold(store=store, executor=executor, progress=progress)


class _Summary:
    """A result without ``to_dict`` wrapped with one (its table, fit and text)."""

    def __init__(self, result: Any, data: dict[str, Any]) -> None:
        self.result, self._data = result, data

    def to_dict(self) -> dict[str, Any]:
        return self._data

    def __str__(self) -> str:
        return str(self.result)


def _incidental(*, quick: bool, store: Any, executor: Any, progress: bool) -> Any:
    from dataclasses import asdict

    from theory.toy_models.incidental import FAST, incidental_sweep

    if quick:
        grid = incidental_sweep((4, 8, 16), (32, 64), seeds=8, settings=FAST, store=store, executor=executor,
                                progress=progress)
    else:
        grid = incidental_sweep((8, 16, 32, 64), (64, 128, 256, 512), seeds=32, settings=FAST, store=store,
                                executor=executor, progress=progress)
    return _Summary(grid, {"table": grid.table(), "fit": asdict(grid.fit()), "settings": dict(FAST)})


_OWN = __name__

#: The reproductions, by name.
REPRODUCTIONS: dict[str, Reproduction] = {r.name: r for r in (
    Reproduction("recovery_phase",
                 "Donoho-Tanner phase diagram of thresholding, OMP, LASSO and basis pursuit against the l1 weak "
                 "threshold",
                 "Donoho, D. L. and Tanner, J. (2009). Counting faces of randomly projected polytopes when the "
                 "projection radically lowers dimension. J. AMS 22(1). doi:10.1090/S0894-0347-08-00600-0",
                 f"{_OWN}:_recovery_phase", "results_sparse_coding.md"),
    Reproduction("spud_threshold",
                 "ER-SpUD's sample threshold: exact recovery of square dictionaries against p / (n log n)",
                 "Spielman, D. A., Wang, H. and Wright, J. (2012). Exact recovery of sparsely-used dictionaries. "
                 "COLT 2012, arXiv:1206.5882",
                 f"{_OWN}:_spud_threshold", "results_sparse_coding.md"),
    Reproduction("incidental_polysemanticity",
                 "polysemantic neurons with more neurons than features: trained counts against the exact "
                 "collision counts over n and m",
                 "Lecomte, V., Thaman, K., Schaeffer, R., Bashkansky, N., Chow, T. and Koyejo, S. (2023). What "
                 "causes polysemanticity? An alternative origin story of mixed selectivity from incidental causes. "
                 "arXiv:2312.03096",
                 f"{_OWN}:_incidental", "toy_models_incidental.md"),
)}


def reproduce(name: str, *, quick: bool = False, store: str | Path | None = None, executor: Any = None,
              progress: bool = False) -> Any:
    """Run the reproduction called ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`REPRODUCTIONS`.
    quick : bool
        A reduced grid (minutes or less) instead of the full run.
    store : str or Path, optional
        SQLite file for :func:`theory.sweep.sweep`: finished cells are saved as they complete and a
        rerun with the same store resumes.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Where the cells run (default: this process).
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    object
        The runner's result (``to_dict()`` gives its JSON summary).

    Examples
    --------
    >>> r = reproduce("spud_threshold", quick=True)
    >>> type(r).__name__, "rates" in r.to_dict()
    ('SpudThreshold', True)
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if name not in REPRODUCTIONS:
        raise ValueError(f"unknown reproduction {name!r}; reproductions: {sorted(REPRODUCTIONS)}")
    quick = check_bool(quick, "quick")
    progress = check_bool(progress, "progress")
    return REPRODUCTIONS[name].load()(quick=quick, store=store, executor=executor, progress=progress)
