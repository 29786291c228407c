"""Empirical phase diagram of the 2 -> 1 toy model, beside the exact theory."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from theory._validation import (
    MAX_ABS_ENTRY_FLOAT32,
    as_rng,
    check_bool,
    check_int,
    check_probability,
    check_real,
    check_size,
)
from theory._warnings import TheoryDeprecationWarning
from theory.toy_models.analysis import classify_2x1
from theory.toy_models.config import ToyModelConfig
from theory.toy_models.exact import phase_2x1, phase_margin_2x1
from theory.toy_models.train import TrainOptions, train

if TYPE_CHECKING:
    from theory.sweep import Runner

__all__ = ["PhaseDiagram", "phase_diagram", "train_2x1"]

#: Training settings used for 2 -> 1 phase experiments (AdamW with a cosine decay converges
#: reliably in a few thousand steps; the paper uses 10,000 steps at lr 1e-3).
DEFAULT_2X1 = {"steps": 4000, "batch_size": 1024, "lr": 1e-2, "schedule": "cosine"}


#: Largest learning rate :func:`train_2x1` and :func:`phase_diagram` accept.
MAX_LR = 10.0


#: Largest relative importance ``r``: the models train in float32, where the importance weights squared
#: errors; :data:`theory._validation.MAX_ABS_ENTRY_FLOAT32` keeps such sums finite.
_MAX_R = MAX_ABS_ENTRY_FLOAT32


def _check_cells(cells: Any) -> list[tuple[float, float]]:
    if isinstance(cells, (str, bytes)) or not isinstance(cells, Sequence | np.ndarray):
        raise TypeError(f"cells must be a sequence of (p, r) pairs, got {type(cells).__name__}")
    out = []
    for cell in cells:
        if isinstance(cell, (str, bytes)) or not isinstance(cell, Sequence | np.ndarray) or len(cell) != 2:
            raise ValueError(f"cells must contain (p, r) pairs, got {cell!r}")
        p, r = cell
        out.append(
            (
                check_probability(p, "cells: p", allow_zero=False),
                check_real(r, "cells: r", minimum=0.0, strict_min=True, maximum=_MAX_R),
            )
        )
    return out


def train_2x1(
    cells: Sequence[tuple[float, float]],
    *,
    seeds: int = 3,
    steps: int = 4000,
    batch_size: int = 1024,
    lr: float = 1e-2,
    schedule: str = "cosine",
    eval_batch: int = 20_000,
    rng: Any = 0,
) -> list[dict[str, Any]]:
    r"""Train ``seeds`` 2 -> 1 models for each ``(p, r)`` cell in one batched run and keep, per
    cell, the seed of least loss (as in the paper).

    Each model: two features of density ``p`` and importances ``(1, r)``, one hidden dimension,
    ReLU output, trained with :func:`theory.toy_models.train`. The best seed is chosen by a
    float64 Monte Carlo loss on ``eval_batch`` fresh samples (the same samples for every seed of
    a cell), and classified with :func:`theory.toy_models.classify_2x1`.

    Parameters
    ----------
    cells : sequence of (p, r)
        Densities in (0, 1] and relative importances in (0, 1e16] (the models train in float32).
    seeds : int
        Independent initialisations per cell.
    steps, batch_size, lr, schedule
        Passed to :func:`train`; ``lr`` must be in ``(0, 10]`` (larger rates only diverge).
    eval_batch : int
    rng : int or Generator, optional

    Returns
    -------
    list of dict
        Per cell: ``p``, ``r``, ``phase`` (empirical), ``theory`` (:func:`phase_2x1`),
        ``margin`` (:func:`phase_margin_2x1`), ``loss`` (best, mean-over-features
        normalisation), ``W`` and ``b`` of the best seed, ``phases`` of all seeds.

    Examples
    --------
    >>> out = train_2x1([(0.05, 1.0), (1.0, 0.3)], seeds=2, steps=1500, rng=0)
    >>> [(c["phase"], c["theory"]) for c in out]
    [('superposition', 'superposition'), ('not learned', 'not learned')]

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    seeds = check_size(seeds, "seeds", maximum=10**4, why="one model per seed and cell")
    eval_batch = check_size(eval_batch, "eval_batch", maximum=10**7, why="evaluation examples per model")
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True, maximum=MAX_LR)
    cells = _check_cells(cells)
    if not cells:
        raise ValueError("cells must contain at least one (p, r) pair")
    gen = as_rng(rng)
    k = len(cells)
    imp = np.repeat([[1.0, r] for _, r in cells], seeds, axis=0)
    prob = np.repeat([p for p, _ in cells], seeds)
    cfg = ToyModelConfig(n_features=2, n_hidden=1, n_instances=k * seeds, importance=imp, feature_probability=prob)
    model = train(
        cfg,
        steps=steps,
        batch_size=batch_size,
        lr=lr,
        rng=gen,
        options=TrainOptions(schedule=schedule, dtype="float32"),
        progress=False,
    )
    losses = model.evaluate(batch_size=eval_batch, rng=gen).reshape(k, seeds)
    phases = classify_2x1(model.W).reshape(k, seeds)
    out = []
    for c, (p, r) in enumerate(cells):
        best = c * seeds + int(np.argmin(losses[c]))
        out.append(
            {
                "p": p,
                "r": r,
                "phase": str(phases.ravel()[best]),
                "theory": phase_2x1(p=p, r=r),
                "margin": phase_margin_2x1(p=p, r=r),
                "loss": float(losses.ravel()[best]),
                "W": model.W[best, 0].astype(float).tolist(),
                "b": model.b[best].astype(float).tolist(),
                "phases": [str(s) for s in phases[c]],
            }
        )
    return out


def _phase_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Sweep cell: one (p, r) with ``seeds`` seeds (module-level, picklable)."""
    kw = {k: params[k] for k in ("seeds", "steps", "batch_size", "lr", "schedule") if k in params}
    return train_2x1([(params["p"], params["r"])], rng=rng, **kw)[0]


@dataclass(frozen=True)
class PhaseDiagram:
    r"""Empirical and theoretical phases of the 2 -> 1 model on a ``(p, r)`` grid.

    Attributes
    ----------
    p : ndarray, shape (n_p,)
        Densities (rows).
    r : ndarray, shape (n_r,)
        Relative importances (columns).
    empirical, theory : ndarray of str, shape (n_p, n_r)
    margin : ndarray, shape (n_p, n_r)
        :func:`phase_margin_2x1` of each cell.
    loss : ndarray, shape (n_p, n_r)
        Best trained loss per cell.
    cells : list of dict
        The raw sweep values.
    """

    p: NDArray[np.float64]
    r: NDArray[np.float64]
    empirical: NDArray[np.str_]
    theory: NDArray[np.str_]
    margin: NDArray[np.float64]
    loss: NDArray[np.float64]
    cells: list[dict[str, Any]]

    def agreement(self, *, min_margin: float = 0.0) -> tuple[int, int]:
        """``(agreeing, total)`` over the cells whose margin is at least ``min_margin``."""
        m = check_real(min_margin, "min_margin", minimum=0.0)
        sel = self.margin >= m
        return int(np.count_nonzero((self.empirical == self.theory) & sel)), int(sel.sum())

    def summary(self) -> str:
        """Agreement at margins 0, 0.1, 0.25 and 0.5, one line each."""
        lines = []
        for m in (0.0, 0.1, 0.25, 0.5):
            a, t = self.agreement(min_margin=m)
            lines.append(f"margin >= {m:<4}: {a}/{t} cells agree" + (f" ({100 * a / t:.1f}%)" if t else ""))
        return "\n".join(lines)


def phase_diagram(
    p_values: Sequence[float],
    r_values: Sequence[float],
    *,
    seeds: int = 8,
    steps: int = 4000,
    batch_size: int = 1024,
    lr: float = 1e-2,
    schedule: str = "cosine",
    executor: Any = None,
    store: Any = None,
    rng: int = 0,
    progress: bool = True,
    runner: Runner | None = None,
) -> PhaseDiagram:
    r"""Empirical 2 -> 1 phase diagram through :func:`theory.sweep.sweep`, beside the theory.

    Each cell ``(p, r)`` trains ``seeds`` models (:func:`train_2x1`) and keeps the best (an
    initialisation with both weights of the same sign ends in a one-feature solution, so about
    half the seeds can find superposition; 8 seeds miss it with probability about 2^-8); the
    theoretical phase is :func:`theory.toy_models.phase_2x1`. Cells persist in ``store``
    (SQLite) and are skipped on rerun.

    Parameters
    ----------
    p_values : sequence of float
        Densities in (0, 1].
    r_values : sequence of float
        Relative importances in (0, 1e16] (the models train in float32).
    seeds, steps, batch_size, lr, schedule
        See :func:`train_2x1`.
    executor, store, rng, progress
        Passed to :func:`theory.sweep.sweep` (``rng`` is the sweep seed; ``progress`` default on).
        ``executor``, ``store`` and ``progress=False`` are deprecated (a ``TheoryDeprecationWarning``;
        removed in the next release): pass ``runner``.
    runner : theory.sweep.Runner, optional
        Where the cells run and are kept; together with ``executor``, ``store`` or ``progress=False``
        it is a ``TypeError``.

    Returns
    -------
    PhaseDiagram

    Examples
    --------
    >>> from theory.sweep import Runner
    >>> d = phase_diagram([0.05, 1.0], [0.3], seeds=2, steps=1500, runner=Runner(executor="serial"))
    >>> d.agreement()
    (2, 2)

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    progress = check_bool(progress, "progress")
    if runner is not None:
        from theory.sweep import Runner

        if not isinstance(runner, Runner):
            raise TypeError(f"runner must be a theory.sweep.Runner or None, got {type(runner).__name__}")
    if runner is not None and (executor is not None or store is not None or not progress):
        raise TypeError("give runner= or executor=/store=/progress=False, not both (the runner holds all three)")
    for name, values_in in (("p_values", p_values), ("r_values", r_values)):
        if isinstance(values_in, (str, bytes)) or not isinstance(values_in, Sequence | np.ndarray):
            raise TypeError(f"{name} must be a sequence of float, got {type(values_in).__name__}")
    P = [check_probability(p, "p_values", allow_zero=False) for p in p_values]
    R = [check_real(r, "r_values", minimum=0.0, strict_min=True, maximum=_MAX_R) for r in r_values]
    if not P or not R:
        raise ValueError("p_values and r_values must be non-empty")
    base = {
        "seeds": check_size(seeds, "seeds", maximum=10**4, why="one model per seed and cell"),
        "steps": check_size(steps, "steps", maximum=10**8, why="optimizer steps"),
        "batch_size": check_int(batch_size, "batch_size", minimum=1),
        "lr": check_real(lr, "lr", minimum=0.0, strict_min=True, maximum=MAX_LR),
        "schedule": schedule,
    }
    grid = [dict(base, p=p, r=r) for p in P for r in R]
    try:
        from theory.sweep import Runner, sweep
    except ModuleNotFoundError as exc:  # pragma: no cover - until theory.sweep ships
        if exc.name != "theory.sweep" or runner is not None or store is not None or executor not in (None, "serial"):
            raise
        seq = np.random.SeedSequence(rng)
        values = [_phase_cell(g, np.random.default_rng(s)) for g, s in zip(grid, seq.spawn(len(grid)), strict=True)]
    else:
        if runner is None:
            runner = Runner(executor=executor, store=store, progress=progress)
            given = [n for n, v in (("executor", executor), ("store", store)) if v is not None]
            if given or not progress:
                old = ", ".join([f"{g}=..." for g in given] + ([] if progress else ["progress=False"]))
                new = ", ".join([f"{g}=..." for g in given] + [f"progress={progress}"])
                warnings.warn(
                    f"phase_diagram({old}) is deprecated and will be removed in the next release; pass "
                    f"runner=Runner({new})",
                    TheoryDeprecationWarning,
                    stacklevel=2,
                )
        res = sweep(_phase_cell, grid, runner=runner, rng=rng, desc="2->1 phase diagram")
        values = list(res.values)
    shape = (len(P), len(R))
    emp = np.array([v["phase"] for v in values], dtype="<U13").reshape(shape)
    th = np.array([phase_2x1(p=p, r=r) for p in P for r in R], dtype="<U13").reshape(shape)
    mg = np.array([phase_margin_2x1(p=p, r=r) for p in P for r in R]).reshape(shape)
    loss = np.array([v["loss"] for v in values]).reshape(shape)
    return PhaseDiagram(np.array(P), np.array(R), emp, th, mg, loss, values)
