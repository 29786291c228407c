"""Scaling experiments for computation in superposition (Hänni, Mendel, Vaintrob & Chan 2024).

Through ``theory.sweep`` (local process pool; resumable with ``--store``):

1. **Error vs width** ``d`` at fixed ``m`` (basis-aligned inputs): RMS read-off error of the
   AND of pairs with both / one input active, Bernoulli (``p`` = MSE-optimal) and Rademacher,
   against the exact moments; fitted exponents (theory: ``d^{-1/3}`` Bernoulli at optimal ``p``,
   ``d^{-1/2}`` Rademacher).
2. **Capacity**: the largest ``m`` whose per-gate error rate (wrong after rounding; the largest of
   the rates over pairs with both, one and no input active) is at most ``eps``, best ``p`` of a grid, as ``d``
   grows, for inputs in superposition (residual dimension ``dim = d``) and basis-aligned inputs;
   fitted exponent of ``m_max`` vs ``d`` beside the paper's ``m = Θ̃(d^{3/2})`` (``d = Õ(m^{2/3})``).
3. **Depth**: a compiled random AND/OR circuit, errors per layer with no / superposed /
   dedicated error correction.
2c. **Capacity, basis-aligned inputs (all gates right)**: the largest ``m`` at which *every* one of
   the ``C(m, 2)`` pairwise ANDs of a uniform 3-sparse input is right after rounding with
   probability >= 1 - delta (over the network and the input), Bernoulli U-AND at the toolkit's
   MSE-optimal ``p``, measured exactly (all pairs, sparse read-off) beside the exact union bound;
   fitted exponent ``a`` of ``ln m_max ∝ d^a`` (``d ∝ (ln m)^{1/a}``, the papers' ``d = polylog(m)``).
4. **Adler-Shavit**: the U-AND construction's neurons and parameters (at the capacity points of
   2, and for basis-aligned all-pairs U-AND sized by the exact moments for m = 10^2..10^6)
   divided by Adler & Shavit's lower bounds for ``m' = C(m, 2)`` outputs (no constants: trend only).

Run::

    python benchmarks/circuits.py --quick      # ~ a few minutes on 2 shared cores
    python benchmarks/circuits.py              # larger grids

Writes ``benchmarks/results/circuits.json`` and figures ``benchmarks/results/circuits_*.{pdf,png}``.
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

from theory.experiments.circuits import (  # noqa: E402
    AdlerShavitComparison,
    CapacityBasis,
    CapacityFit,
    CapacityScaling,
    DepthBoundCheck,
    DepthErrors,
    WidthScaling,
    adler_shavit_comparison,
    capacity_basis,
    capacity_fit,
    capacity_scaling,
    depth_bound_check,
    depth_errors,
    width_scaling,
)
from theory.figures import save, style_context  # noqa: E402
from theory.figures.circuits import (  # noqa: E402
    plot_capacity_basis,
    plot_capacity_fit,
    plot_capacity_scaling,
    plot_depth_bound,
    plot_depth_errors,
    plot_error_vs_width,
)
from theory.sweep import Runner  # noqa: E402

OUT = Path(__file__).with_name("results")


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "load_average": list(os.getloadavg()),
        "note": "2 cores shared with other developers' jobs running at the same time",
    }


#: experiment -> (header, library driver, result class); list sections are stored as bare lists.
EXPERIMENTS = {
    "width": ("[1] error vs width", width_scaling, WidthScaling),
    "capacity": ("[2] capacity", capacity_scaling, CapacityScaling),
    "capacity_superposed": (
        "[2b] capacity exponent, inputs in superposition (fast exact sampler)",
        capacity_fit,
        CapacityFit,
    ),
    "capacity_basis": ("[2c] capacity, basis-aligned inputs (all C(m,2) gates right)", capacity_basis, CapacityBasis),
    "depth": ("[3] depth", depth_errors, DepthErrors),
    "depth_bound": ("[3b] depth union bound vs measured failures", depth_bound_check, DepthBoundCheck),
    "adler_shavit": (
        "[4] Adler-Shavit (basis-aligned all-pairs U-AND, exact-moment sizing)",
        adler_shavit_comparison,
        AdlerShavitComparison,
    ),
}


def section(result) -> object:
    """The JSON section of ``results/circuits.json``: a dict, or a bare list for the list results."""
    d = result.to_dict()
    return d[type(result).KEY] if hasattr(type(result), "KEY") else d


def load(key: str, data) -> object:
    """The result object of a stored ``circuits.json`` section."""
    return EXPERIMENTS[key][2].from_dict(data)


def figures(results: dict, only: set | None = None) -> None:
    """Draw the figures of the experiments in ``results`` (with ``only``: of those experiments
    only, so that ``--only`` leaves the other figure files untouched)."""

    def want(key: str) -> bool:
        return key in results and (only is None or key in only)

    # single-panel figures: experiment -> (file name, size, plot of its results entry)
    single = {
        "width": ("circuits_error_vs_width", (4.5, 3.4), plot_error_vs_width),
        "capacity": ("circuits_capacity", (4.5, 3.4), plot_capacity_scaling),
        "capacity_superposed": ("circuits_capacity_fit", (4.8, 3.6), plot_capacity_fit),
        "depth_bound": ("circuits_depth_bound", (4.8, 3.6), plot_depth_bound),
        "capacity_basis": ("circuits_capacity_basis", (4.8, 3.6), plot_capacity_basis),
    }
    with style_context():
        for key, (name, size, plot) in single.items():
            if want(key):
                fig, ax = plt.subplots(figsize=size)
                plot(load(key, results[key]), ax=ax)
                save(fig, OUT / name, formats=("pdf", "png"))
        if want("depth"):
            fig, axs = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
            for ax, dim in zip(axs, (0, 400), strict=True):
                plot_depth_errors(load("depth", results["depth"]), dim=dim, ax=ax)
                ax.set_title("basis-aligned" if dim == 0 else f"in superposition, dim={dim}")
            save(fig, OUT / "circuits_depth", formats=("pdf", "png"))
        plt.close("all")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--store", default=None, help="SQLite file to persist and resume cells")
    ap.add_argument("--serial", action="store_true", help="run in-process (no process pool)")
    ap.add_argument("--eps", type=float, default=0.05, help="per-gate error-rate target")
    ap.add_argument(
        "--only",
        nargs="+",
        choices=("width", "capacity", "capacity_superposed", "capacity_basis", "depth", "depth_bound", "adler_shavit"),
        help="rerun only these experiments and merge them into the existing "
        "results/circuits.json (its other entries are kept)",
    )
    args = ap.parse_args(argv)
    executor = "serial" if args.serial else None
    t0 = time.time()
    todo = set(args.only or ("width", "capacity", "capacity_basis", "depth", "adler_shavit"))
    results = {"machine": machine(), "quick": args.quick}
    if args.only and (OUT / "circuits.json").exists():
        results = {**json.loads((OUT / "circuits.json").read_text()), **results}
        results.setdefault("rerun", {}).update(
            {
                k: dict(
                    machine=results["machine"],
                    quick=args.quick,
                    time=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                )
                for k in todo
            }
        )
    if not args.only and (OUT / "circuits.json").exists():
        # a default run recomputes only its experiments: keep the others' entries
        prev = json.loads((OUT / "circuits.json").read_text())
        results.update({k: prev[k] for k in ("capacity_superposed", "depth_bound") if k in prev})
    print("machine:", results["machine"])
    for key, (header, run, _) in EXPERIMENTS.items():
        if key not in todo:
            continue
        print(header)
        kw = {"eps": args.eps} if key in ("capacity", "capacity_superposed") else {}
        t_w, t_c = time.time(), time.process_time()
        r = run(quick=args.quick, runner=Runner(executor=executor, store=args.store, progress=True), **kw)
        print(r)
        results[key] = section(r)
        if key == "capacity_basis":
            results[key].update(wall_s=time.time() - t_w, cpu_s_main=time.process_time() - t_c)
    results["elapsed_s" if not args.only else "rerun_elapsed_s"] = time.time() - t0
    OUT.mkdir(exist_ok=True)
    (OUT / "circuits.json").write_text(json.dumps(results, indent=2, default=str))
    figures(results, only=set(args.only) if args.only else None)
    print(f"wrote {OUT / 'circuits.json'} and figures in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
