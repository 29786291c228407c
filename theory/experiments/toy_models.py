r"""Toy-model reproductions: sticky feature dimensionalities and k-gon training plateaus.

**Sticky dimensionalities** (Elhage et al. 2022, section "Feature dimensionality"): toy models
:math:`\mathrm{ReLU}(W^\top W x + b)` with uniform importance trained at feature densities
log-spaced from ``high`` down to ``low``; the dimensionality of feature ``i``,

.. math::

    D_i = \frac{\|W_i\|^2}{\sum_j (\hat W_i \cdot W_j)^2},

clusters at a few "sticky" values (1, 3/4, 2/3, 1/2, 2/5, 3/8) where the features form
polytopes (digons, triangles, pentagons, tetrahedra...). :func:`sticky_dimensionality` trains
the instances in chunks, each chunk one cell of :func:`theory.sweep.sweep` (:func:`sticky_cell`),
so a run with a ``store`` resumes after the last finished chunk; it returns a
:class:`StickyDimensionality` (dimensions per feature, :math:`\sum_i D_i`, features represented,
the geometry found, the fractions of features at each sticky value).

**k-gon plateaus** (Chen et al. 2023): the 2-dimensional toy model with ``n = 6`` features on
one-active-feature inputs; the plateaus of its exact population loss along training, under three
protocols, each compared with the nearest k-gon critical loss (:func:`kgon_plateaus`, cells
:func:`kgon_plateau_cell`).

References
----------
.. [1] Elhage, N. et al. (2022). Toy Models of Superposition. Transformer Circuits Thread,
   arXiv:2209.10652
.. [2] Chen, Z., Lau, E., Mendel, J., Wei, S. and Murfet, D. (2023). Dynamical versus Bayesian
   phase transitions in a toy model of superposition. arXiv:2310.06301
"""

from __future__ import annotations

import collections
import copy
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._validation import check_bool, check_int, check_real
from theory.experiments._runner import as_runner
from theory.sweep import Runner

__all__ = [
    "KGON_PROTOCOLS",
    "STICKY_VALUES",
    "KgonPlateaus",
    "StickyDimensionality",
    "kgon_plateau_cell",
    "kgon_plateaus",
    "sticky_cell",
    "sticky_dimensionality",
    "sticky_plateau_fractions",
]

#: The sticky dimensionalities, by name.
STICKY_VALUES = {"1": 1.0, "3/4": 0.75, "2/3": 2 / 3, "1/2": 0.5, "2/5": 0.4, "3/8": 0.375}

_INITS = ("xavier_normal", "torch3d")


def sticky_plateau_fractions(D: Any, tol: float = 0.0125) -> dict[str, dict[str, Any]]:
    """Fraction of features (per instance and overall) whose dimensionality lies within ``tol`` of each sticky value.

    Parameters
    ----------
    D : array_like, shape (n_instances, n)
        Feature dimensionalities.
    tol : float

    Returns
    -------
    dict
        Per name of :data:`STICKY_VALUES`: ``per_instance`` (list) and ``overall`` (float).

    Examples
    --------
    >>> f = sticky_plateau_fractions([[1.0, 0.5, 0.5, 0.2]])
    >>> f["1/2"]["overall"], f["1"]["per_instance"]
    (0.5, [0.25])
    """
    D = np.asarray(D, dtype=float)
    if D.ndim != 2:
        raise ValueError(f"D must have shape (n_instances, n), got {D.shape}")
    tol = check_real(tol, "tol", minimum=0)
    out = {}
    for name, v in STICKY_VALUES.items():
        near = np.abs(D - v) <= tol
        out[name] = {"per_instance": np.round(near.mean(axis=1), 3).tolist(), "overall": round(float(near.mean()), 4)}
    return out


def sticky_cell(params: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Train one chunk of instances of the dimensionality experiment.

    ``params``: ``n``, ``dim``, ``p`` (the chunk's densities), ``steps``, ``batch_size``, ``lr``,
    ``seed`` (the chunk's training seed), ``init`` (``"xavier_normal"``, or ``"torch3d"``: the
    small weights PyTorch's ``xavier_normal_`` gives the notebook's whole ``(instances, n, dim)``
    tensor, :math:`\\sigma = \\sqrt{2/(dim(n + instances))}`, drawn with seed ``init_seed``) and
    ``instances`` (the whole sweep's instance count). The seeds are parameters so that a chunk
    is the same training run whatever the sweep seed; ``rng`` is not used. Returns ``W``
    (chunk, dim, n), ``final_loss`` and the training ``seconds``.
    """
    from theory.toy_models.config import ToyModelConfig
    from theory.toy_models.train import train

    ps = np.asarray(params["p"], dtype=float)
    n, dim = params["n"], params["dim"]
    cfg = ToyModelConfig(n_features=n, n_hidden=dim, n_instances=ps.size, feature_probability=ps)
    initial = None
    if params["init"] == "torch3d":
        std = np.sqrt(2.0 / (dim * (n + params["instances"])))
        initial = {"W": std * np.random.default_rng(params["init_seed"]).standard_normal((ps.size, dim, n))}
    model = train(
        cfg,
        steps=params["steps"],
        batch_size=params["batch_size"],
        lr=params["lr"],
        rng=params["seed"],
        initial=initial,
        progress=False,
    )
    return {
        "W": np.asarray(model.W, dtype=float),
        "final_loss": np.asarray(model.final_loss, dtype=float),
        "seconds": float(model.info["elapsed_s"]),
    }


@dataclass(frozen=True)
class StickyDimensionality:
    """Feature dimensionalities of toy models trained across densities, from :func:`sticky_dimensionality`.

    Attributes
    ----------
    settings : dict
        ``n``, ``dim``, ``steps``, ``batch_size``, ``lr``, ``chunk``, ``init``, ``seed``.
    summary : dict
        ``p`` (densities, one per instance), ``dims_per_feature``, ``sum_D``, ``n_represented``,
        ``geometry_counts``, ``geometry_per_instance``, ``plateau_fractions_tol0.0125``.
    final_loss : list of float
        One per instance.
    train_seconds : float
        Training time summed over the chunks (as recorded when each was trained).
    W : ndarray, shape (instances, dim, n), optional
        The trained weights (``None`` when loaded by :meth:`from_dict`).
    """

    settings: dict[str, Any]
    summary: dict[str, Any] = field(repr=False)
    final_loss: list[float] = field(repr=False)
    train_seconds: float = 0.0
    W: NDArray[np.float64] | None = field(default=None, repr=False, compare=False)

    @property
    def p(self) -> NDArray[np.float64]:
        """Feature density of each instance, shape (instances,)."""
        return np.asarray(self.summary["p"], dtype=float)

    def to_dict(self) -> dict[str, Any]:
        """JSON summary (without the weights), in the layout of ``benchmarks/results/toy_reproduction.json``."""
        return copy.deepcopy(
            {**self.settings, **self.summary, "final_loss": self.final_loss, "train_seconds": self.train_seconds}
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StickyDimensionality:
        """The result from :meth:`to_dict`'s data (no weights)."""
        keys = (
            "p",
            "dims_per_feature",
            "sum_D",
            "n_represented",
            "geometry_counts",
            "geometry_per_instance",
            "plateau_fractions_tol0.0125",
        )
        summary = {k: copy.deepcopy(data[k]) for k in keys}
        settings = {k: v for k, v in data.items() if k not in summary and k not in ("final_loss", "train_seconds")}
        return cls(
            settings=dict(settings),
            summary=summary,
            final_loss=list(data.get("final_loss", [])),
            train_seconds=float(data.get("train_seconds", 0.0)),
        )

    def __str__(self) -> str:
        s = self.settings
        fr = {k: v["overall"] for k, v in self.summary["plateau_fractions_tol0.0125"].items()}
        geo = {k: v for k, v in sorted(self.summary["geometry_counts"].items()) if k != "ignored"}
        inv = ", ".join(f"{1 / p:.3g}" for p in self.summary["p"])
        return (
            f"sticky dimensionalities: n = {s['n']}, dim = {s['dim']}, {len(self.summary['p'])} densities "
            f"(1/p = {inv}), {s['steps']:,} steps\n"
            f"  dims per feature: {self.summary['dims_per_feature']}\n"
            f"  fraction of features within 0.0125 of a sticky value: {fr}\n"
            f"  geometry: {geo}"
        )


def _sticky_summary(W: NDArray[np.float64], p: NDArray[np.float64]) -> dict[str, Any]:
    from theory.toy_models.analysis import (
        dimensions_per_feature,
        feature_dimensionality,
        feature_geometry,
        n_represented,
    )

    dpf = dimensions_per_feature(W)
    D = feature_dimensionality(W)
    geo: collections.Counter[str] = collections.Counter()
    per_instance = []
    for polys in feature_geometry(W):
        c = collections.Counter(q.name for q in polys if q.name != "ignored")
        per_instance.append(dict(sorted(c.items())))
        geo.update(q.name for q in polys)
    return {
        "p": np.asarray(p).tolist(),
        "dims_per_feature": np.round(dpf, 4).tolist(),
        "sum_D": np.round(D.sum(axis=1), 4).tolist(),
        "n_represented": n_represented(W).tolist(),
        "geometry_counts": dict(geo),
        "geometry_per_instance": per_instance,
        "plateau_fractions_tol0.0125": sticky_plateau_fractions(D, tol=0.0125),
    }


def sticky_dimensionality(
    *,
    quick: bool = False,
    n: int | None = None,
    dim: int | None = None,
    instances: int | None = None,
    low: float | None = None,
    high: float = 1.0,
    steps: int | None = None,
    chunk: int | None = None,
    batch_size: int = 1024,
    lr: float = 1e-3,
    init: str = "xavier_normal",
    seed: int = 100,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
) -> StickyDimensionality:
    r"""The dimensionality experiment: toy models across densities and their sticky feature dimensionalities.

    Uniform importance, densities :math:`p = \text{high}\cdot(\text{low}/\text{high})^{t}`,
    ``t = linspace(0, 1, instances)`` (the paper notebook's ``20 ** -linspace(0, 1, k)`` for
    ``low = 1/20``), a fresh batch each step, AdamW. Instances do not interact, so they are
    trained in chunks of ``chunk``; chunk ``c`` is trained with seed ``seed + c`` (and, for
    ``init="torch3d"``, initial weights drawn with seed ``1000 + c``). Each chunk is a sweep cell:
    with a ``store`` a crash loses at most the chunks in progress, and a rerun with other settings
    trains new cells.

    Parameters
    ----------
    quick : bool
        Defaults of the unset sizes: ``n = 40``, ``dim = 6``, 6 densities down to 1/20, 500
        steps, chunks of 3 (else the notebook's ``n = 400``, ``dim = 30``, 20 densities, 10,000
        steps, chunks of 4).
    n, dim, instances : int, optional
        Features, hidden dimensions, densities.
    low, high : float
        Smallest and largest density (default ``low = 0.05``).
    steps, chunk, batch_size : int
    lr : float
    init : {"xavier_normal", "torch3d"}
    seed : int
        Training seed of the first chunk.
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        As in :func:`theory.sweep.sweep` (one cell per chunk).

    Returns
    -------
    StickyDimensionality

    Examples
    --------
    >>> r = sticky_dimensionality(n=8, dim=2, instances=2, steps=20, chunk=1, runner=Runner(executor="serial"))
    >>> r.W.shape, len(r.summary["dims_per_feature"])
    ((2, 2, 8), 2)

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652
    """
    from theory.sweep import sweep
    from theory.toy_models.config import sparsity_sweep

    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="sticky_dimensionality")
    n = check_int(n if n is not None else (40 if quick else 400), "n", minimum=2)
    dim = check_int(dim if dim is not None else (6 if quick else 30), "dim", minimum=1)
    instances = check_int(instances if instances is not None else (6 if quick else 20), "instances", minimum=1)
    steps = check_int(steps if steps is not None else (500 if quick else 10_000), "steps", minimum=1)
    chunk = check_int(chunk if chunk is not None else (3 if quick else 4), "chunk", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    lr = check_real(lr, "lr", minimum=0, strict_min=True)
    high = check_real(high, "high", minimum=0, maximum=1)
    low = check_real(0.05 if low is None else low, "low", minimum=0, maximum=1)
    if not 0 < low < high <= 1:
        raise ValueError(f"low and high must satisfy 0 < low < high <= 1, got low={low}, high={high}")
    if init not in _INITS:
        raise ValueError(f"init must be one of {_INITS}, got {init!r}")
    p_all = high * sparsity_sweep(instances, low=low / high)
    grid = [
        {
            "n": n,
            "dim": dim,
            "p": [float(x) for x in p_all[start : start + chunk]],
            "steps": steps,
            "batch_size": batch_size,
            "lr": lr,
            "seed": seed + c,
            "init": init,
            "init_seed": 1000 + c,
            "instances": instances,
        }
        for c, start in enumerate(range(0, instances, chunk))
    ]
    res = sweep(sticky_cell, grid, runner=runner, rng=0, desc="sticky dimensionalities")
    W = np.concatenate([np.asarray(v["W"], dtype=float) for v in res.values], axis=0)
    losses = [float(x) for v in res.values for x in v["final_loss"]]
    seconds = float(sum(v["seconds"] for v in res.values))
    settings = {
        "n": n,
        "dim": dim,
        "steps": steps,
        "batch_size": batch_size,
        "lr": lr,
        "chunk": chunk,
        "init": init,
        "seed": seed,
    }
    return StickyDimensionality(
        settings=settings, summary=_sticky_summary(W, p_all), final_loss=losses, train_seconds=round(seconds, 1), W=W
    )


# --------------------------------------------------------------------------- k-gon plateaus

#: Features of the k-gon experiment.
KGON_N = 6
#: Plateau detection: records per window and the largest loss change across a window.
KGON_WINDOW, KGON_FLAT_TOL = 10, 2e-4
#: A plateau "sits at" a k-gon level when its level is within this of the level (absolute).
KGON_LEVEL_TOL = 1e-3

#: The training protocols: the paper's Section 5 SGD protocol (fixed training set of 1000 samples,
#: batch 20, lr 0.005, 4500 epochs, from the 4-gon plus N(0, 0.01²) noise), online SGD and online
#: Adam from small random weights.
KGON_PROTOCOLS: dict[str, dict[str, Any]] = {
    "paper_sgd": dict(
        optimizer="sgd",
        lr=0.005,
        batch_size=20,
        init="4-gon",
        init_scale=0.01,
        dataset_size=1000,
        steps=4500 * 50,
        log_every=30 * 50,
    ),
    "sgd_random": dict(
        optimizer="sgd",
        lr=0.005,
        batch_size=20,
        init="random",
        init_scale=0.1,
        dataset_size=None,
        steps=30_000,
        log_every=100,
    ),
    "adam_random": dict(
        optimizer="adam",
        lr=1e-3,
        batch_size=20,
        init="random",
        init_scale=0.1,
        dataset_size=None,
        steps=30_000,
        log_every=100,
    ),
}


def kgon_plateau_cell(params: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """One block of seeds of one protocol: plateaus of the exact loss and their nearest k-gon levels.

    ``params``: ``protocol`` (a key of :data:`KGON_PROTOCOLS`), ``block``, ``seeds`` (instances
    trained side by side) and ``scale`` (fraction of the protocol's steps). Returns per run the
    plateaus (start, stop, level, nearest critical point and gap), the final loss and a thinned
    loss curve.
    """
    from theory.toy_models.kgon import find_plateaus, kgon_critical_points, nearest_level, train_tms

    kw = dict(KGON_PROTOCOLS[params["protocol"]])
    kw["steps"] = int(kw["steps"] * params["scale"])
    kw["log_every"] = max(1, int(kw["log_every"] * params["scale"]))
    t0 = time.perf_counter()
    run = train_tms(KGON_N, n_instances=params["seeds"], rng=rng, **kw)
    pts = kgon_critical_points(KGON_N)
    runs = []
    for i in range(params["seeds"]):
        curve = run.losses[:, i]
        plateaus = []
        for a, b, level in find_plateaus(curve, window=KGON_WINDOW, flat_tol=KGON_FLAT_TOL):
            pt, gap = nearest_level(level, pts)
            plateaus.append(
                {
                    "start": int(run.steps[a]),
                    "stop": int(run.steps[min(b + KGON_WINDOW - 1, len(curve) - 1)]),
                    "level": level,
                    "nearest": pt.label,
                    "nearest_loss": pt.loss,
                    "gap": gap,
                }
            )
        runs.append(
            {
                "plateaus": plateaus,
                "final_loss": float(curve[-1]),
                "curve": [float(v) for v in curve[:: max(1, len(curve) // 150)]],
            }
        )
    return {
        "runs": runs,
        "seconds": time.perf_counter() - t0,
        "records": int(run.losses.shape[0]),
        "steps": int(run.steps[-1]),
    }


def _kgon_summary(cells: list[dict[str, Any]]) -> dict[str, Any]:
    from theory.toy_models.kgon import kgon_critical_points, nearest_level

    plats = [p for c in cells for r in c["runs"] for p in r["plateaus"]]
    gaps = np.array([p["gap"] for p in plats]) if plats else np.zeros(0)
    seq = collections.Counter(
        " -> ".join(dict.fromkeys(p["nearest"] for p in r["plateaus"])) for c in cells for r in c["runs"]
    )
    pts = kgon_critical_points(KGON_N)
    return {
        "runs": sum(len(c["runs"]) for c in cells),
        "plateaus": len(plats),
        "within_tol": int(np.sum(gaps <= KGON_LEVEL_TOL)),
        "fraction_within_tol": float(np.mean(gaps <= KGON_LEVEL_TOL)) if plats else None,
        "gap_median": float(np.median(gaps)) if plats else None,
        "gap_max": float(gaps.max()) if plats else None,
        "levels_visited": dict(collections.Counter(p["nearest"] for p in plats).most_common()),
        "sequences": dict(seq.most_common(8)),
        "final_levels": dict(
            collections.Counter(
                nearest_level(r["final_loss"], pts)[0].label for c in cells for r in c["runs"]
            ).most_common()
        ),
        "seconds": float(sum(c["seconds"] for c in cells)),
    }


@dataclass(frozen=True)
class KgonPlateaus:
    """Training plateaus of the 2-dimensional toy model against k-gon critical losses, from :func:`kgon_plateaus`.

    Attributes
    ----------
    data : dict
        ``setting``, ``levels`` (critical point label -> loss), ``min_level_spacing`` and
        ``protocols`` (per protocol: ``settings``, ``summary`` and ``example_curves``), the layout
        of ``benchmarks/results/toy_kgon.json``.
    """

    data: dict[str, Any] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON data (a copy)."""
        return copy.deepcopy(self.data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KgonPlateaus:
        """The result from :meth:`to_dict`'s data."""
        return cls(data=copy.deepcopy(dict(data)))

    def __str__(self) -> str:
        lines = []
        tol = self.data["setting"]["level_tol"]
        for p, d in self.data["protocols"].items():
            s = d["summary"]
            med = "n/a" if s["gap_median"] is None else f"{s['gap_median']:.2e}"
            mx = "n/a" if s["gap_max"] is None else f"{s['gap_max']:.2e}"
            lines.append(
                f"{p}: {s['runs']} runs, {s['plateaus']} plateaus, {s['within_tol']} within {tol} of a "
                f"k-gon level (median gap {med}, max {mx}); levels {s['levels_visited']}; "
                f"final {s['final_levels']}; sequences {s['sequences']}"
            )
        lines.append(
            f"min spacing between distinct k-gon levels (n={self.data['setting']['n']}): "
            f"{self.data['min_level_spacing']:.5f}"
        )
        return "\n".join(lines)


def kgon_plateaus(
    *,
    quick: bool = False,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
    blocks: int | None = None,
    seeds: int = 10,
    protocols: Any = None,
) -> KgonPlateaus:
    r"""Plateaus of the 2-dimensional toy model's training loss against the k-gon critical losses.

    Setting of Chen et al. (2023): ``n = 6`` features, 2 hidden dimensions,
    :math:`f(x) = \mathrm{ReLU}(W^\top W x + b)`, inputs :math:`x = \mu e_i` (``i`` uniform,
    :math:`\mu \sim U[0, 1]`), loss :math:`E\|x - f(x)\|^2`. Along each run the exact population
    loss is recorded; plateaus are found from the curve alone (the loss moves less than
    :data:`KGON_FLAT_TOL` over :data:`KGON_WINDOW` records) and each plateau's level is compared
    with the nearest loss of :func:`~theory.toy_models.kgon.kgon_critical_points`.

    Parameters
    ----------
    quick : bool
        A tenth of each protocol's steps and one block of seeds (else three blocks).
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        As in :func:`theory.sweep.sweep` (one cell per protocol and block).
    blocks : int, optional
        Blocks of seeds per protocol.
    seeds : int
        Seeds per block.
    protocols : sequence of str, optional
        Keys of :data:`KGON_PROTOCOLS` (default all).

    Returns
    -------
    KgonPlateaus

    References
    ----------
    .. [1] Chen, Z., Lau, E., Mendel, J., Wei, S. and Murfet, D. (2023). Dynamical versus Bayesian
       phase transitions in a toy model of superposition. arXiv:2310.06301
    """
    from theory.sweep import sweep
    from theory.toy_models.kgon import kgon_critical_points

    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="kgon_plateaus")
    blocks = check_int(blocks if blocks is not None else (1 if quick else 3), "blocks", minimum=1)
    seeds = check_int(seeds, "seeds", minimum=1)
    protocols = list(KGON_PROTOCOLS) if protocols is None else list(protocols)
    bad = [p for p in protocols if p not in KGON_PROTOCOLS]
    if bad or not protocols:
        raise ValueError(f"protocols must be a non-empty list of {sorted(KGON_PROTOCOLS)}, got {protocols!r}")
    scale = 0.1 if quick else 1.0
    grid = [{"protocol": p, "block": j, "seeds": seeds, "scale": scale} for p in protocols for j in range(blocks)]
    res = sweep(kgon_plateau_cell, grid, runner=runner, rng=2310, desc="k-gon plateaus")
    by_proto: dict[str, list[dict[str, Any]]] = {}
    for params, value in zip(grid, res.values, strict=True):
        by_proto.setdefault(params["protocol"], []).append(value)
    pts = kgon_critical_points(KGON_N)
    levels = sorted({round(p.loss, 12) for p in pts})
    out: dict[str, Any] = {
        "setting": {
            "n": KGON_N,
            "dim": 2,
            "input": "x = mu e_i, i uniform, mu ~ U[0,1]",
            "loss": "E ||x - ReLU(W^T W x + b)||^2 (summed over features)",
            "window": KGON_WINDOW,
            "flat_tol": KGON_FLAT_TOL,
            "level_tol": KGON_LEVEL_TOL,
            "scale": scale,
        },
        "levels": {p.label: p.loss for p in pts},
        "min_level_spacing": float(np.min(np.diff(levels))),
        "protocols": {
            p: {
                "settings": dict(KGON_PROTOCOLS[p]),
                "summary": _kgon_summary(cells),
                "example_curves": [r["curve"] for r in cells[0]["runs"][:4]],
            }
            for p, cells in by_proto.items()
        },
    }
    for d in out["protocols"].values():
        d["settings"]["steps"] = int(d["settings"]["steps"] * scale)
        d["settings"]["log_every"] = max(1, int(d["settings"]["log_every"] * scale))
    return KgonPlateaus(data=out)
