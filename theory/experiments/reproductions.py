"""Named reproductions: each a published result rerun by one call (``theory reproduce NAME``).

A :class:`Reproduction` names a runner in ``theory.experiments`` (or a pillar) that takes the
keywords ``quick`` and ``runner`` (a :class:`theory.sweep.Runner`) and returns a result with ``to_dict()`` and a
readable ``str``. Runs go through :func:`theory.sweep.sweep`, so with a ``store`` (an SQLite
file) every finished cell is saved as it completes and a rerun resumes where the last one
stopped. :func:`reproduce` runs one by name; :data:`REPRODUCTIONS` lists them.

The full runs' measured results (numbers, run times, machines) are on the docs' results pages;
``quick=True`` runs a reduced grid in seconds to a minute: most show the effect at lower
resolution; for training-heavy ones (``toy_scaling``) it only exercises the pipeline, too short to
fit the exponents.

Examples
--------
>>> {"recovery_phase", "oneill2024", "circuits_width", "toy_sticky", "sloane_grid"} <= set(REPRODUCTIONS)
True
>>> print(REPRODUCTIONS["recovery_phase"].summary)
Donoho-Tanner phase diagram of thresholding, OMP, LASSO and basis pursuit against the l1 weak threshold
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from theory._references import cite
from theory._validation import check_bool
from theory.experiments._runner import as_runner
from theory.sweep import Runner

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
        ``"module:function"``; the function takes keyword arguments ``quick`` and
        ``runner`` (a :class:`theory.sweep.Runner`) and returns an object with ``to_dict()``.
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


def _recovery_phase(*, quick: bool, runner: Runner) -> Any:
    from theory.experiments.sparse_coding import recovery_phase_diagram

    if quick:
        return recovery_phase_diagram(
            dim=32,
            ratios_n=(0.25, 0.5, 0.75),
            ratios_k=(0.05, 0.2, 0.4, 0.6),
            trials=10,
            bp=False,
            runner=runner,
        )
    return recovery_phase_diagram(runner=runner)


def _spud_threshold(*, quick: bool, runner: Runner) -> Any:
    from theory.experiments.sparse_coding import spud_threshold

    if quick:
        return spud_threshold(ns=(6,), cs=(1, 3, 8), trials=6, runner=runner)
    return spud_threshold(runner=runner)


def _oneill2024(*, quick: bool, runner: Runner) -> Any:
    from theory.experiments.sparse_coding import oneill_toy

    if quick:  # the benchmark script's --quick
        return oneill_toy(seeds=2, steps=1000, sc_steps=20, sc_inner=50, runner=runner)
    return oneill_toy(runner=runner)


def _sharkey2022(*, quick: bool, runner: Runner) -> Any:
    from theory.experiments.sparse_coding import sharkey_grid

    if quick:  # the benchmark script's --quick
        return sharkey_grid(quick=True, runner=runner)
    # the committed run: the 8x dictionaries too, both data paths
    return sharkey_grid(ratios=(0.25, 0.5, 1, 2, 4, 8), correlated="both", runner=runner)


def _synthsaebench(*, quick: bool, runner: Runner) -> Any:
    from theory.experiments.sparse_coding import synthbench_ranking

    if quick:  # the benchmark script's --quick without its single-SAE timing cell
        return synthbench_ranking(quick=True, single=False, runner=runner)
    # the committed run: also near the data's own L0 (about 7.4)
    return synthbench_ranking(l0=(25, 20, 8), runner=runner)


class _Summary:
    """A result without ``to_dict`` wrapped with one (its table, fit and text)."""

    def __init__(self, result: Any, data: dict[str, Any]) -> None:
        self.result, self._data = result, data

    def to_dict(self) -> dict[str, Any]:
        return self._data

    def __str__(self) -> str:
        return str(self.result)


def _incidental(*, quick: bool, runner: Runner) -> Any:
    from dataclasses import asdict

    from theory.toy_models.incidental import FAST, incidental_sweep

    if quick:
        grid = incidental_sweep((4, 8, 16), (32, 64), seeds=8, settings=FAST, runner=runner)
    else:
        grid = incidental_sweep(
            (8, 16, 32, 64),
            (64, 128, 256, 512),
            seeds=32,
            settings=FAST,
            runner=runner,
        )
    return _Summary(grid, {"table": grid.table(), "fit": asdict(grid.fit()), "settings": dict(FAST)})


def _circuits_capacity(*, quick: bool, runner: Runner) -> Any:
    from theory.experiments.circuits import capacity_fit

    if quick:
        return capacity_fit(quick=True, widths=(1600, 2263, 3200), boot=200, runner=runner)
    return capacity_fit(runner=runner)


def _toy_scaling(*, quick: bool, runner: Runner) -> Any:
    from theory.experiments.toy_scaling import scaling_grid

    if quick:
        return scaling_grid(
            n=100,
            dims=(5, 8, 13, 20),
            alphas=(1.0,),
            weight_decays=(-1.0, 1.0),
            steps=400,
            batch_size=256,
            eval_batch=4096,
            runner=runner,
        )
    # the paper's grid at the measured subset's protocol (docs/toy_models_scaling.md states the cost)
    return scaling_grid(alphas=(0.0, 0.5, 1.0), steps=3000, batch_size=1024, runner=runner)


_OWN = __name__
_CIRCUITS = "theory.experiments.circuits"
_TOY = "theory.experiments.toy_models"

#: The reproductions, by name.
REPRODUCTIONS: dict[str, Reproduction] = {
    r.name: r
    for r in (
        Reproduction(
            "recovery_phase",
            "Donoho-Tanner phase diagram of thresholding, OMP, LASSO and basis pursuit against the l1 weak threshold",
            cite("donoho_tanner2009"),
            f"{_OWN}:_recovery_phase",
            "results_sparse_coding.md",
        ),
        Reproduction(
            "spud_threshold",
            "ER-SpUD's sample threshold: exact recovery of square dictionaries against p / (n log n)",
            cite("spielman2012"),
            f"{_OWN}:_spud_threshold",
            "results_sparse_coding.md",
        ),
        Reproduction(
            "oneill2024",
            "16/8/3 toy with an unknown dictionary: code and dictionary MCC of sparse coding, an MLP encoder and "
            "SAEs against the published values",
            cite("oneill2024"),
            f"{_OWN}:_oneill2024",
            "results_sparse_coding.md",
        ),
        Reproduction(
            "sharkey2022",
            "ReLU SAEs on 512 features in 256 dimensions: MMCS with the truth over L1 coefficient x dictionary "
            "ratio, and the adjacent-size agreement heuristic",
            cite("sharkey2022"),
            f"{_OWN}:_sharkey2022",
            "results_sparse_coding.md",
        ),
        Reproduction(
            "synthsaebench",
            "SynthSAEBench at CPU size: F1 ranking of ReLU, TopK, BatchTopK, JumpReLU and Matryoshka SAEs (and "
            "OMP on the TopK dictionary) at fixed L0",
            cite("chanin2026"),
            f"{_OWN}:_synthsaebench",
            "results_sparse_coding.md",
        ),
        Reproduction(
            "incidental_polysemanticity",
            "polysemantic neurons with more neurons than features: trained counts against the exact "
            "collision counts over n and m",
            cite("lecomte2023"),
            f"{_OWN}:_incidental",
            "toy_models_incidental.md",
        ),
        Reproduction(
            "circuits_width",
            "U-AND read-off error against the width d: fitted exponents beside the exact moments "
            "(d^-1/3 Bernoulli at the optimal p, d^-1/2 Rademacher)",
            cite("hanni2024"),
            f"{_CIRCUITS}:width_scaling",
            "results_circuits.md",
        ),
        Reproduction(
            "circuits_capacity",
            "capacity of U-AND on inputs in superposition: fitted exponent of the largest m with per-gate "
            "error rate <= eps against d, beside the paper's m = O~(d^3/2)",
            cite("hanni2024"),
            f"{_OWN}:_circuits_capacity",
            "results_circuits.md",
        ),
        Reproduction(
            "circuits_capacity_basis",
            "capacity of basis-aligned U-AND with all C(m,2) ANDs right: measured against the exact union "
            "bound and the Gaussian sizing, fitted ln m_max = C d^a",
            cite("hanni2024"),
            f"{_CIRCUITS}:capacity_basis",
            "results_circuits.md",
        ),
        Reproduction(
            "circuits_depth",
            "errors per layer of a compiled random AND/OR circuit with no, superposed and dedicated error correction",
            cite("hanni2024"),
            f"{_CIRCUITS}:depth_errors",
            "results_circuits.md",
        ),
        Reproduction(
            "circuits_depth_bound",
            "the depth union bound per depth beside the measured failures of compiled circuits",
            cite("hanni2024"),
            f"{_CIRCUITS}:depth_bound_check",
            "results_circuits.md",
        ),
        Reproduction(
            "circuits_adler_shavit",
            "all-pairs U-AND sized by the exact moments against Adler and Shavit's lower bounds",
            cite("adler_shavit2024"),
            f"{_CIRCUITS}:adler_shavit_comparison",
            "results_circuits.md",
        ),
        Reproduction(
            "circuits_compressed",
            "compressed computation: ablation of the mixing term, gain against the mixing scale, the mixing "
            "matrix's label noise",
            cite("bhagat2025"),
            f"{_CIRCUITS}:compressed_computation",
            "results_circuits.md",
        ),
        Reproduction(
            "toy_sticky",
            "sticky feature dimensionalities of toy models trained across densities (n = 400, dim = 30)",
            cite("elhage2022"),
            f"{_TOY}:sticky_dimensionality",
            "results_toy_models.md",
        ),
        Reproduction(
            "toy_kgon",
            "training plateaus of the 2-dimensional toy model at k-gon critical losses",
            cite("chen2023"),
            f"{_TOY}:kgon_plateaus",
            "toy_models_kgon.md",
        ),
        Reproduction(
            "toy_scaling",
            "loss against width m in strong and weak superposition (n = 1000, m = 10..100)",
            cite("liu2025"),
            f"{_OWN}:_toy_scaling",
            "toy_models_scaling.md",
        ),
        Reproduction(
            "sloane_grid",
            "pack() against Sloane's table of best known line packings, dim 3-8, n <= 30",
            cite("sloane_table", "conway1996"),
            "theory.experiments.geometry:sloane_grid",
            "results_geometry.md",
        ),
    )
}


def reproduce(
    name: str,
    *,
    quick: bool = False,
    runner: Runner | None = None,
    store: str | Path | None = None,
    executor: Any = None,
    progress: bool = False,
) -> Any:
    """Run the reproduction called ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`REPRODUCTIONS`.
    quick : bool
        A reduced grid (minutes or less) instead of the full run.
    runner : theory.sweep.Runner, optional
        Where the cells run, where finished cells are kept and whether a progress bar shows; every
        sweep of the reproduction uses it. Built once from ``store``, ``executor`` and ``progress``
        when not given (deprecated: a ``TheoryDeprecationWarning``; removed in the next release;
        giving ``runner`` together with ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store : str or Path, optional
        SQLite file for :func:`theory.sweep.sweep`: finished cells are saved as they complete and a
        rerun with the same store resumes.
    executor : concurrent.futures.Executor, "serial" or None, optional
        Where the cells run (``None``: a local process pool per sweep; a Dask cluster through
        ``distributed.Client(...).get_executor()``).
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
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="reproduce")
    return REPRODUCTIONS[name].load()(quick=quick, runner=runner)
