"""Reproduce the main figures of Elhage et al. (2022), "Toy Models of Superposition"
(arXiv:2209.10652), with the numbers behind them.

1. The 2 -> 1 phase diagram: empirical (best of 8 seeds per cell, through theory.sweep with a
   SQLite store) against the exact theory; agreement by distance from the boundary.
2. n = 20, dim = 5, importance 0.7^i, across densities: ``WᵀW`` and feature norms coloured by
   superposition.
3. Dimensions per feature against 1/p ("sticky" fractions) and the per-feature dimensionality
   scatter with the geometry classification (n = 100, dim = 20, uniform importance), by
   ``theory.experiments.toy_models.sticky_dimensionality`` (also ``theory reproduce toy_sticky``).

Run::

    python benchmarks/toy_reproduction.py            # full (several minutes on 2 cores)
    python benchmarks/toy_reproduction.py --quick    # smaller grids, fewer steps

Writes ``benchmarks/results/toy_reproduction.json`` and figures
``benchmarks/results/toy_*.{pdf,png}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from theory.experiments.toy_models import sticky_dimensionality  # noqa: E402
from theory.figures import save, style_context  # noqa: E402
from theory.figures.toy_models import (  # noqa: E402
    plot_dimensions_per_feature,
    plot_feature_dimensionality,
    plot_feature_norms,
    plot_phase_diagram_2x1,
    plot_wtw,
)
from theory.sweep import Runner  # noqa: E402
from theory.toy_models import (  # noqa: E402
    ToyModelConfig,
    dimensions_per_feature,
    feature_dimensionality,
    geometric_importance,
    n_represented,
    phase_diagram,
    sparsity_sweep,
    train,
)

OUT = Path(__file__).with_name("results")


def phase_experiment(quick: bool, serial: bool) -> dict:
    P = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0] if not quick else [0.05, 0.2, 0.7, 1.0]
    R = [0.2, 0.5, 0.8, 1.25, 2.0, 5.0] if not quick else [0.3, 1.5, 4.0]
    store = OUT / ("toy_phase_quick.sqlite" if quick else "toy_phase.sqlite")
    t0 = time.perf_counter()
    d = phase_diagram(
        P,
        R,
        seeds=8,
        steps=1500 if quick else 4000,
        runner=Runner(executor="serial" if serial else None, store=str(store), progress=True),
        rng=0,
    )
    elapsed = time.perf_counter() - t0
    print(d.summary())
    with style_context():
        fig, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
        plot_phase_diagram_2x1(d, ax=ax)
        save(fig, OUT / "toy_phase_2x1", formats=["pdf", "png"])
    agree = {f"margin>={m}": list(d.agreement(min_margin=m)) for m in (0.0, 0.1, 0.25, 0.5)}
    mismatches = [
        {
            "p": float(p),
            "r": float(r),
            "empirical": str(d.empirical[i, j]),
            "theory": str(d.theory[i, j]),
            "margin": round(float(d.margin[i, j]), 3),
        }
        for i, p in enumerate(d.p)
        for j, r in enumerate(d.r)
        if d.empirical[i, j] != d.theory[i, j]
    ]
    return {"p": P, "r": R, "seeds": 8, "agreement": agree, "mismatches": mismatches, "seconds": round(elapsed, 1)}


def wtw_experiment(quick: bool, steps: int | None = None) -> dict:
    n, dim, k = 20, 5, 6
    cfg = ToyModelConfig(
        n_features=n,
        n_hidden=dim,
        n_instances=k,
        importance=geometric_importance(n, 0.7),
        feature_probability=sparsity_sweep(k, low=0.01),
    )
    steps = steps or (2000 if quick else 10_000)
    model = train(cfg, steps=steps, rng=0, progress=False)
    p = cfg.probability_matrix[:, 0]
    with style_context():
        fig, axes = plt.subplots(2, k, figsize=(1.8 * k, 3.8), gridspec_kw={"height_ratios": [1, 1.2]})
        for i in range(k):
            plot_wtw(model.W[i], ax=axes[0, i], title=f"1 - S = {p[i]:.3g}")
            plot_feature_norms(model.W[i], ax=axes[1, i])
        fig.suptitle(
            "n = 20, dim = 5, importance 0.7^i: WᵀW (top), ||W_i|| by superposition (bottom)", fontsize="small"
        )
        save(fig, OUT / "toy_wtw_grid", formats=["pdf", "png"])
    return {
        "p": p.tolist(),
        "n_represented": n_represented(model.W).tolist(),
        "dims_per_feature": np.round(dimensions_per_feature(model.W), 4).tolist(),
        "final_loss": model.final_loss.tolist(),
        "steps": steps,
        "seconds": round(model.info["elapsed_s"], 1),
    }


def dimensionality_figure(W: np.ndarray, p: np.ndarray, title: str, figure: Path) -> None:
    """The two-panel figure of the dimensionality experiments (dimensions per feature; D_i scatter)."""
    with style_context():
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.6))
        plot_dimensions_per_feature(p, dimensions_per_feature(W), ax=a1)
        plot_feature_dimensionality(p, feature_dimensionality(W), ax=a2)
        fig.suptitle(title, fontsize="small")
        save(fig, figure, formats=["pdf", "png"])


def sticky_experiment(
    quick: bool,
    steps: int | None = None,
    *,
    instances: int | None = None,
    low: float | None = None,
    name: str = "toy_sticky",
) -> dict:
    """Dimensionality experiment: ``instances`` densities log-spaced from 1 down to ``low``, one
    training run (one chunk, seed 1), through ``theory.experiments.toy_models.sticky_dimensionality``."""
    n, dim, k = (100, 20, 12) if not quick else (40, 8, 8)
    k = instances or k
    low = low or (0.003 if not quick else 0.01)
    steps = steps or (1500 if quick else 6000)
    r = sticky_dimensionality(
        n=n,
        dim=dim,
        instances=k,
        low=low,
        steps=steps,
        chunk=k,
        seed=1,
        lr=1e-3 if not quick else 3e-3,
        runner=Runner(executor="serial", store=str(OUT / f"{name}.sqlite"), progress=True),
    )
    print(r)
    np.savez_compressed(OUT / (f"{name}_model_quick.npz" if quick else f"{name}_model.npz"), W=r.W, p=r.p)
    dimensionality_figure(
        r.W,
        r.p,
        f"n = {n}, dim = {dim}, uniform importance",
        OUT / (f"{name}_quick" if quick and name != "toy_sticky" else name),
    )
    d = r.to_dict()
    return {"n": n, "dim": dim, "steps": steps, **{k_: d[k_] for k_ in r.summary}, "seconds": r.train_seconds}


def sticky_paper_experiment(
    *,
    n: int = 400,
    dim: int = 30,
    instances: int = 20,
    low: float = 0.05,
    high: float = 1.0,
    steps: int = 10_000,
    chunk: int = 4,
    batch_size: int = 1024,
    init: str = "xavier_normal",
    name: str = "toy_sticky_paper",
) -> dict:
    r"""The dimensionality experiment in the paper notebook's setting (n = 400 features, dim = 30,
    uniform importance, densities ``low ** linspace(0, 1, instances)``, batch 1024, AdamW at
    1e-3), trained in resumable chunks by ``theory.experiments.toy_models.sticky_dimensionality``
    (store ``results/<name>.sqlite``)."""
    r = sticky_dimensionality(
        n=n,
        dim=dim,
        instances=instances,
        low=low,
        high=high,
        steps=steps,
        chunk=chunk,
        batch_size=batch_size,
        init=init,
        runner=Runner(executor="serial", store=str(OUT / f"{name}.sqlite"), progress=True),
    )
    print(r)
    dimensionality_figure(r.W, r.p, f"n = {n}, dim = {dim}, uniform importance, {steps:,} steps", OUT / name)
    d = r.to_dict()
    return {
        "n": n,
        "dim": dim,
        "steps": steps,
        "batch_size": batch_size,
        "chunk": chunk,
        "init": init,
        **{k: d[k] for k in r.summary},
        "final_loss": r.final_loss,
        "train_seconds": r.train_seconds,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Reproduce the toy-models figures")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--serial", action="store_true", help="run the phase sweep in-process")
    ap.add_argument(
        "--sticky-steps",
        type=int,
        default=None,
        help="training steps of the dimensionality experiment (default 6000; quick 1500)",
    )
    ap.add_argument(
        "--wtw-steps",
        type=int,
        default=None,
        help="training steps of the n=20/dim=5 experiment (default 10000; quick 2000)",
    )
    ap.add_argument(
        "--sticky-fine",
        action="store_true",
        help="only the fine density grid between 1/p = 1 and 20 (24 instances, "
        "10,000 steps unless --sticky-steps), merged into the results file",
    )
    ap.add_argument(
        "--sticky-paper",
        action="store_true",
        help="only the paper notebook's dimensionality setting (n = 400, dim = 30, "
        "20 densities 1/p = 1..20, 10,000 steps unless --sticky-steps), trained "
        "in resumable chunks and merged into the results file",
    )
    ap.add_argument(
        "--sticky-paper-range",
        type=float,
        nargs=2,
        metavar=("INV_P_MIN", "INV_P_MAX"),
        default=None,
        help="with --sticky-paper: only 1/p between these values (8 densities), "
        "stored as 'sticky_paper_<min>_<max>' (with --sticky-steps other than "
        "10,000: 'sticky_paper_<min>_<max>_<steps>')",
    )
    ap.add_argument(
        "--sticky-init",
        choices=["xavier_normal", "torch3d"],
        default="xavier_normal",
        help="with --sticky-paper: initialisation (torch3d = the notebook's small "
        "weights; results stored under a '_torch3d' key)",
    )
    ap.add_argument(
        "--sticky-instances", type=int, default=8, help="with --sticky-paper-range: number of densities (default 8)"
    )
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    machine = {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "loadavg": os.getloadavg(),
        "note": "shared machine; other jobs were running",
    }
    name = "toy_reproduction_quick.json" if args.quick else "toy_reproduction.json"
    if args.sticky_paper:
        path = OUT / name
        res = json.loads(path.read_text()) if path.exists() else {"machine": machine}
        kw = (
            dict(n=40, dim=6, instances=6, steps=args.sticky_steps or 500, chunk=3, name="toy_sticky_paper_quick")
            if args.quick
            else dict(steps=args.sticky_steps or 10_000)
        )
        key = "sticky_paper"
        if args.sticky_paper_range:
            lo, hi = sorted(args.sticky_paper_range)
            if not (1.0 <= lo < hi):
                ap.error("--sticky-paper-range needs 1 <= INV_P_MIN < INV_P_MAX")
            key = f"sticky_paper_{lo:g}_{hi:g}"
            if args.sticky_steps and args.sticky_steps != 10_000:
                key += f"_{args.sticky_steps}"
            if args.sticky_instances < 2:
                ap.error("--sticky-instances must be at least 2")
            kw.update(instances=args.sticky_instances, high=1.0 / lo, low=1.0 / hi, name=f"toy_{key}")
        if args.sticky_init != "xavier_normal":
            key += f"_{args.sticky_init}"
            kw.update(init=args.sticky_init, name=f"toy_{key}")
        if args.quick:
            kw["name"] = f"toy_{key}_quick"
        out = sticky_paper_experiment(**kw)
        out["machine"] = dict(machine, loadavg_end=os.getloadavg())
        res[key] = out
        print("dims per feature:", out["dims_per_feature"])
        print("plateaus:", {k: v["overall"] for k, v in out["plateau_fractions_tol0.0125"].items()})
        path.write_text(json.dumps(res, indent=1))
        print(f"wrote {path}")
        return 0
    if args.sticky_fine:
        path = OUT / name
        res = json.loads(path.read_text()) if path.exists() else {"machine": machine}
        fine = sticky_experiment(
            args.quick,
            args.sticky_steps or (1500 if args.quick else 10_000),
            instances=8 if args.quick else 24,
            low=0.05,
            name="toy_sticky_fine",
        )
        fine["machine"] = dict(machine, loadavg_end=os.getloadavg())
        res["sticky_fine"] = fine
        print("dims per feature:", fine["dims_per_feature"])
        print("plateaus:", {k: v["overall"] for k, v in fine["plateau_fractions_tol0.0125"].items()})
        path.write_text(json.dumps(res, indent=1))
        print(f"wrote {path}")
        return 0
    res = {"machine": machine, "quick": args.quick}
    res["phase_2x1"] = phase_experiment(args.quick, args.serial)
    print(json.dumps(res["phase_2x1"]["agreement"]))
    res["wtw_n20_dim5"] = wtw_experiment(args.quick, args.wtw_steps)
    print("n20/dim5 represented:", res["wtw_n20_dim5"]["n_represented"])
    (OUT / name).write_text(json.dumps(dict(res, partial=True), indent=1))
    res["sticky"] = sticky_experiment(args.quick, args.sticky_steps)
    print("dims per feature:", res["sticky"]["dims_per_feature"])
    print("geometry:", res["sticky"]["geometry_counts"])
    (OUT / name).write_text(json.dumps(res, indent=1))
    print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
