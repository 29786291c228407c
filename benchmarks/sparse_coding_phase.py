"""Recovery phase diagram on Gaussian dictionaries: thresholding, OMP, LASSO (FISTA) and basis pursuit
against the nonnegative l1 weak threshold rho_W^+(delta) of Donoho & Tanner.

Runs :func:`theory.experiments.sparse_coding.recovery_phase_diagram` (resumable: finished cells live in
``benchmarks/results/sparse_coding_phase.sqlite``, which is not committed), writes
``benchmarks/results/sparse_coding_phase.json`` and the figure ``sparse_coding_phase.{png,pdf}``, and
prints how far each method's measured 50% line lies from the theoretical curve.

    python benchmarks/sparse_coding_phase.py                 # dim 64, 9 x 10 cells, 40 trials
    python benchmarks/sparse_coding_phase.py --quick         # a small grid, seconds (written to a temp dir)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from theory.experiments.sparse_coding import recovery_phase_diagram
from theory.figures import save
from theory.figures.sparse_coding_recovery import plot_recovery_phase_diagram
from theory.sweep import Runner

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small grid (dim 24, 4 x 5 cells, 10 trials)")
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--trials", type=int, default=40)
    ap.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    args = ap.parse_args()
    if args.quick:
        kw = {"dim": 24, "ratios_n": [0.25, 0.5, 0.75], "ratios_k": [0.05, 0.2, 0.4, 0.6, 0.8], "trials": 10}
        store = None
        name = "sparse_coding_phase_quick"
        outdir = Path(tempfile.mkdtemp(prefix="sparse_coding_phase_"))  # a smoke run: results not kept
    else:
        kw = {
            "dim": args.dim,
            "ratios_n": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
            "ratios_k": [0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9],
            "trials": args.trials,
        }
        store = str(RESULTS / "sparse_coding_phase.sqlite")
        name = "sparse_coding_phase"
        outdir = RESULTS
    executor = None
    if args.workers is not None:
        import concurrent.futures as cf

        executor = cf.ProcessPoolExecutor(args.workers)
    t0 = time.perf_counter()
    res = recovery_phase_diagram(**kw, runner=Runner(executor=executor, store=store, progress=True), rng=0)
    elapsed = time.perf_counter() - t0
    if executor is not None:
        executor.shutdown()
    theory = res.theory()
    cell_total = float(res.elapsed.sum())
    print(
        f"{res}: {elapsed:.1f} s this run (cells already in the store are loaded), "
        f"{cell_total:.0f} s of cell compute time in total"
    )
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print("\n50% lines rho(delta) against the nonnegative weak threshold rho_W^+(delta):")
    header = "delta   rho_W^+  " + "  ".join(f"{m:>9}" for m in res.success)
    print(header)
    for i, d in enumerate(res.deltas):
        row = "  ".join(f"{res.boundary(m)[i]:9.3f}" for m in res.success)
        print(f"{d:5.2f}   {theory[i]:7.3f}  {row}")
    gaps = {}
    for m in res.success:
        diff = res.boundary(m) - theory
        gaps[m] = {
            "mean_abs": float(np.mean(np.abs(diff))),
            "max_abs": float(np.max(np.abs(diff))),
            "mean_signed": float(np.mean(diff)),
            "mean_ratio": float(np.mean(res.boundary(m) / theory)),
        }
        print(
            f"{m:>9}: 50% line - rho_W^+: mean {gaps[m]['mean_signed']:+.3f}, mean |.| {gaps[m]['mean_abs']:.3f}, "
            f"max |.| {gaps[m]['max_abs']:.3f}; mean ratio to rho_W^+ {gaps[m]['mean_ratio']:.3f}"
        )
    out = {
        "benchmark": "sparse_coding_phase",
        "command": "python benchmarks/sparse_coding_phase.py" + (" --quick" if args.quick else ""),
        "description": (
            "success of top-k thresholding, OMP (k steps), nonnegative LASSO by FISTA (lam = 1e-3 "
            "max D^T y, success = relative l2 error <= 0.05) and nonnegative basis pursuit on "
            "Gaussian dictionaries with nonnegative k-sparse codes (|N(0,1)| values); "
            "delta = dim/n, rho = k/dim; theory = nonnegative weak threshold rho_W^+(delta)"
        ),
        "result": res.to_dict(),
        "boundary_minus_theory": gaps,
        "machine": {"processor": platform.processor() or platform.machine(), "cpu_count": os.cpu_count()},
        "cell_compute_s_total": round(cell_total, 1),
        "elapsed_s_this_run": round(elapsed, 1),
    }
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / f"{name}.json").write_text(json.dumps(out, indent=1) + "\n")
    ax = plot_recovery_phase_diagram(res)
    save(ax.figure, outdir / name, formats=["png", "pdf"])
    print(f"wrote {outdir / (name + '.json')} and the figure")


if __name__ == "__main__":
    main()
