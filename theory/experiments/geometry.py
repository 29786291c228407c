r"""Geometry reproductions: :func:`~theory.geometry.pack` against Sloane's table of line packings.

N. J. A. Sloane's Table of Best Grassmannian Packings (as of Jan 1997; Conway, Hardin and Sloane
1996), transcribed in ``theory/data/grassmannian_lines_sloane.json``, lists the best *known*
coherence of ``n`` lines in :math:`\mathbb{R}^{dim}` (putatively optimal; the table stores
:math:`D = 1 - \mu^2`, so :math:`\mu = \sqrt{1 - D}`). :func:`sloane_grid` packs each case with
a time limit, one sweep cell per case (:func:`sloane_cell`, resumable with a ``store``), and
compares: the relative gap :math:`(\mu_{found} - \mu_{table})/\mu_{table}`, with the proven
optimum of ``theory/data/geometry_packings.json`` as the reference where there is one. A
coherence below the table is re-checked by an independent pure-Python recomputation and its
frame kept.

References
----------
.. [1] Conway, J. H., Hardin, R. H. and Sloane, N. J. A. (1996). Packing lines, planes, etc.:
   packings in Grassmannian spaces. Experimental Mathematics 5(2), 139-159.
   doi:10.1080/10586458.1996.10504585
"""

from __future__ import annotations

import copy
import functools
import json
import math
import pathlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from theory._validation import check_bool, check_int, check_real
from theory.experiments._runner import as_runner
from theory.sweep import Runner

__all__ = ["SloaneGrid", "sloane_cell", "sloane_grid", "sloane_summary"]

_DATA = pathlib.Path(__file__).resolve().parent.parent / "data"


@functools.cache
def _sloane_table() -> dict[tuple[int, int], dict[str, Any]]:
    """(dim, n) -> entry of Sloane's line table."""
    cases = json.loads((_DATA / "grassmannian_lines_sloane.json").read_text())["cases"]
    return {(int(c["dim"]), int(c["n"])): c for c in cases}


@functools.cache
def _proven_lines() -> dict[tuple[int, int], dict[str, Any]]:
    """(dim, n) -> the line case of ``geometry_packings.json`` (proven optima with their source)."""
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for c in json.loads((_DATA / "geometry_packings.json").read_text())["cases"]:
        if c["lines"]:
            out.setdefault((int(c["dim"]), int(c["n"])), c)
    return out


def _independent_coherence(frame: np.ndarray) -> float:
    """Coherence recomputed from scratch in pure Python (``math.fsum``), using neither the toolkit
    nor BLAS: normalise each column, then the largest ``|inner product|`` over pairs."""
    cols = [[float(x) for x in frame[:, j]] for j in range(frame.shape[1])]
    unit = []
    for c in cols:
        r = math.sqrt(math.fsum(x * x for x in c))
        unit.append([x / r for x in c])
    return max(
        abs(math.fsum(a * b for a, b in zip(unit[i], unit[j], strict=True)))
        for i in range(len(unit))
        for j in range(i + 1, len(unit))
    )


def sloane_cell(params: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Pack one case of Sloane's table and compare it with the table.

    ``params``: ``dim``, ``n``, ``time_limit`` (seconds) and ``seed`` (the seed of
    :func:`~theory.geometry.pack`, a parameter so that a case is the same search whatever the
    sweep seed; ``rng`` is not used). ``pack`` restarts until the bound is reached or no further
    round fits in the time limit, so the result depends on the machine's speed. Returns the
    found coherence (and its independent recomputation), the table's, the proven optimum where
    there is one, the gaps, the bound, the times and, when below the table, the frame.
    """
    from theory.geometry import coherence, pack

    dim, n, time_limit, seed = params["dim"], params["n"], params["time_limit"], params["seed"]
    table = _sloane_table()[dim, n]
    proven = _proven_lines().get((dim, n))
    t0 = time.perf_counter()
    P = pack(dim=dim, n=n, lines=True, rng=seed, restarts=100_000, time_limit=time_limit)
    secs = time.perf_counter() - t0
    found = coherence(P.frame)
    indep = _independent_coherence(P.frame)
    tab = table["coherence"]
    ref, kind = (proven["value"], "proven optimum") if proven else (tab, "Sloane table (best known)")
    row = {
        "dim": dim,
        "n": n,
        "found": found,
        "found_independent": indep,
        "table": tab,
        "table_D": table["D"],
        "gap_table": (found - tab) / tab,
        "proven": proven["value"] if proven else None,
        "proven_source": proven["source"] if proven else None,
        "reference": ref,
        "reference_kind": kind,
        "gap": (found - ref) / ref,
        "bound": P.bound.value,
        "bound_name": P.bound.name,
        "seconds": P.seconds_to_best,
        "seconds_total": secs,
        "restarts": P.restarts,
        "time_limit": time_limit,
        "seed": seed,
    }
    # Beating the table: re-check with the independent recomputation and keep the frame.
    row["beats_table"] = bool(row["gap_table"] < -1e-9 and (indep - tab) / tab < -1e-9)
    if row["gap_table"] < -1e-9:
        row["frame"] = P.frame.tolist()
    return row


def sloane_summary(rows: Sequence[Mapping[str, Any]], time_limit: float) -> dict[str, Any]:
    """Summary of :func:`sloane_cell` rows: cases within 0.1% / 1% of the table, gaps, times, per dimension.

    Examples
    --------
    >>> rows = [{"dim": 3, "n": 4, "gap_table": 0.0, "seconds": 0.1, "found": 0.57735,
    ...          "table": 0.57735, "beats_table": False, "proven": 0.57735, "gap": 0.0},
    ...         {"dim": 3, "n": 5, "gap_table": 0.02, "seconds": 3.0, "found": 0.72,
    ...          "table": 0.7056, "beats_table": False, "proven": None, "gap": 0.02}]
    >>> s = sloane_summary(rows, time_limit=2)
    >>> s["within_0.1%"], s["within_1%"], s["time_to_best_within_2s"], s["proven_within_1e-6"]
    (1, 1, 1, 1)
    """
    if not rows:
        raise ValueError("rows must be non-empty")
    gaps = np.array([r["gap_table"] for r in rows])
    t = np.array([r["seconds"] for r in rows])
    ok1 = gaps <= 1e-3
    out: dict[str, Any] = {
        "cases": len(rows),
        "within_0.1%": int(ok1.sum()),
        "within_1%": int((gaps <= 1e-2).sum()),
        "median_gap": float(np.median(gaps)),
        "max_gap": float(gaps.max()),
        f"time_to_best_within_{time_limit:g}s": int((t <= time_limit).sum()),
        f"within_0.1%_and_{time_limit:g}s": int((ok1 & (t <= time_limit)).sum()),
        "worst": [
            {k: r[k] for k in ("dim", "n", "found", "table", "gap_table", "seconds")}
            for r in sorted(rows, key=lambda r: -r["gap_table"])[:10]
        ],
        "beats_table": [
            {k: r[k] for k in ("dim", "n", "found", "found_independent", "table", "gap_table", "seconds")}
            for r in rows
            if r["beats_table"]
        ],
        "proven_cases": len([r for r in rows if r["proven"] is not None]),
        "proven_within_1e-6": len([r for r in rows if r["proven"] is not None and abs(r["gap"]) <= 1e-6]),
    }
    per_dim: dict[str, dict[str, Any]] = {}
    out["per_dim"] = per_dim
    for dim in sorted({r["dim"] for r in rows}):
        g = np.array([r["gap_table"] for r in rows if r["dim"] == dim])
        ns = [r["n"] for r in rows if r["dim"] == dim]
        per_dim[str(dim)] = {
            "n": f"{min(ns)}-{max(ns)}",
            "cases": len(g),
            "within_0.1%": int((g <= 1e-3).sum()),
            "within_1%": int((g <= 1e-2).sum()),
            "median_gap": float(np.median(g)),
            "max_gap": float(g.max()),
        }
    return out


@dataclass(frozen=True)
class SloaneGrid:
    """``pack`` against Sloane's table over a grid of line cases, from :func:`sloane_grid`.

    Attributes
    ----------
    rows : list of dict
        One :func:`sloane_cell` row per case, sorted by ``(dim, n)``.
    time_limit : float
        Seconds per case.
    seed : int
        The seed of ``pack``.
    summary : dict
        :func:`sloane_summary` of the rows.
    """

    rows: list[dict[str, Any]] = field(repr=False)
    time_limit: float
    seed: int
    summary: dict[str, Any] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON data: ``time_limit``, ``seed``, ``rows`` and ``summary``."""
        return copy.deepcopy(
            {"time_limit": self.time_limit, "seed": self.seed, "rows": self.rows, "summary": self.summary}
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SloaneGrid:
        """The result from :meth:`to_dict`'s data (the summary is recomputed from the rows)."""
        rows = sorted(copy.deepcopy(list(data["rows"])), key=lambda r: (r["dim"], r["n"]))
        tl = float(data["time_limit"])
        return cls(rows=rows, time_limit=tl, seed=int(data["seed"]), summary=sloane_summary(rows, tl))

    def __str__(self) -> str:
        s, tl = self.summary, self.time_limit
        lines = [
            f"pack() against Sloane's table of line packings: {s['cases']} cases, {tl:g} s each, seed {self.seed}",
            f"  within 0.1% of the table: {s['within_0.1%']}/{s['cases']}; within 1%: {s['within_1%']}/{s['cases']}",
            f"  median gap {s['median_gap']:.2e}, max gap {s['max_gap']:.2e}",
            f"  time to best within {tl:g} s: {s[f'time_to_best_within_{tl:g}s']}/{s['cases']}",
            f"  proven optima reached within 1e-6: {s['proven_within_1e-6']}/{s['proven_cases']}",
        ]
        if s["beats_table"]:
            lines.append(
                "  below the table (confirmed by an independent recomputation): "
                + ", ".join(f"({b['dim']}, {b['n']}) {b['gap_table']:.2e}" for b in s["beats_table"])
            )
        lines.append("  worst: " + ", ".join(f"({w['dim']}, {w['n']}) {w['gap_table']:.2e}" for w in s["worst"][:6]))
        return "\n".join(lines)


def sloane_grid(
    *,
    dims: Sequence[int] | None = None,
    max_n: int | None = None,
    min_n: int = 0,
    cases: Sequence[tuple[int, int]] | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    quick: bool = False,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
) -> SloaneGrid:
    r"""Pack lines in :math:`\mathbb{R}^{dim}` for every case of a grid and compare with Sloane's table.

    Each case ``(dim, n)``, ``n`` from ``max(dim + 1, min_n)`` to ``max_n``, is one
    :func:`sloane_cell`: ``pack(dim=dim, n=n, lines=True, rng=seed, time_limit=time_limit)``,
    restarting until the bound is reached or no further round fits in the time limit.

    Parameters
    ----------
    dims : sequence of int, optional
        Dimensions (default 3..8; quick 3, 4).
    max_n : int, optional
        Largest ``n`` (default 30; quick 6).
    min_n : int
        Smallest ``n`` (at least ``dim + 1``).
    cases : sequence of (dim, n), optional
        Explicit cases instead of the grid.
    time_limit : float, optional
        Seconds per case (default 20; quick 1).
    seed : int
        Seed of :func:`~theory.geometry.pack`.
    quick : bool
        The small defaults above.
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        As in :func:`theory.sweep.sweep`. Cases run side by side on a process pool compete for
        the cores, which shortens each case's effective time limit: ``Runner(executor="serial")``
        keeps one case at a time.

    Returns
    -------
    SloaneGrid

    Examples
    --------
    >>> g = sloane_grid(cases=[(3, 4)], time_limit=1, runner=Runner(executor="serial"))
    >>> g.summary["cases"], g.rows[0]["gap_table"] < 1e-6
    (1, True)

    References
    ----------
    .. [1] Conway, J. H., Hardin, R. H. and Sloane, N. J. A. (1996). Packing lines, planes, etc.:
       packings in Grassmannian spaces. Experimental Mathematics 5(2). doi:10.1080/10586458.1996.10504585
    """
    from theory.sweep import sweep

    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="sloane_grid")
    time_limit = check_real(
        time_limit if time_limit is not None else (1.0 if quick else 20.0), "time_limit", minimum=0, strict_min=True
    )
    seed = check_int(seed, "seed", minimum=0)
    table = _sloane_table()
    if cases is not None:
        todo = [(check_int(d, "cases dim", minimum=1), check_int(n, "cases n", minimum=1)) for d, n in cases]
    else:
        dims = list(dims) if dims is not None else ([3, 4] if quick else list(range(3, 9)))
        max_n = check_int(max_n if max_n is not None else (6 if quick else 30), "max_n", minimum=2)
        min_n = check_int(min_n, "min_n", minimum=0)
        todo = [(check_int(d, "dims", minimum=1), n) for d in dims for n in range(max(d + 1, min_n), max_n + 1)]
    if not todo:
        raise ValueError("the grid has no case: check dims, min_n and max_n")
    missing = [c for c in todo if c not in table]
    if missing:
        raise ValueError(f"cases not in Sloane's table: {missing}")
    grid = [{"dim": d, "n": n, "time_limit": time_limit, "seed": seed} for d, n in sorted(set(todo))]
    res = sweep(sloane_cell, grid, runner=runner, rng=0, desc="pack vs Sloane's table")
    rows = [dict(v) for v in res.values]
    return SloaneGrid(rows=rows, time_limit=time_limit, seed=seed, summary=sloane_summary(rows, time_limit))
