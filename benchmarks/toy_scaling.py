"""Reproduction: loss against model dimension in the scaling toy model of Liu, Liu & Gore (2025).

Runs a subset of the paper's grid (n = 1000 features, m in {10, 15, 25, 39, 63, 100}) through
:func:`theory.experiments.toy_scaling.scaling_grid` (resumable: ``--store`` keeps finished cells),
fits the loss exponent over m for every (alpha, weight decay) with a bootstrap interval, compares
strong superposition with exponent 1 and weak superposition with alpha and with the tail-mass
prediction (:func:`theory.toy_models.scaling.weak_loss_prediction`), and extrapolates the measured
time per step to the paper's full grid. One thread (``OMP_NUM_THREADS=1``).

Run::

    python benchmarks/toy_scaling.py                 # the subset of docs/toy_models_scaling.md
    python benchmarks/toy_scaling.py --quick         # a few hundred steps, to check the script
    python benchmarks/toy_scaling.py --steps 20000 --batch-size 2048 --alphas 0 0.125 ... --weight-decays ...

Writes ``benchmarks/results/toy_scaling.json`` (``--out`` for another file).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.experiments.toy_scaling import scaling_grid  # noqa: E402
from theory.sweep import Runner  # noqa: E402
from theory.toy_models.scaling import PAPER_DIMS, fit_loss_exponent, weak_loss_prediction  # noqa: E402

RESULTS = Path(__file__).with_name("results") / "toy_scaling.json"


def _ratio(a: np.ndarray, b: np.ndarray) -> list:
    """a / b elementwise, None where b is 0 (JSON has no infinity)."""
    return [None if y == 0 or not np.isfinite(x) else float(x / y) for x, y in zip(a, b, strict=True)]


#: The paper's full grid: exp-10 (alpha in linspace(0, 1, 9)) and exp-10-3 (linspace(-1, 0, 9)),
#: weight decay linspace(-1, 1, 10), 6 dims, 20000 steps of batch 2048.
PAPER_STEPS, PAPER_BATCH, PAPER_CELLS = 20_000, 2048, 2 * 9 * 10


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--dims", type=int, nargs="+", default=list(PAPER_DIMS))
    ap.add_argument("--alphas", type=float, nargs="+", default=[0.5, 1.0])
    ap.add_argument("--weight-decays", type=float, nargs="+", default=[-1.0, 1.0])
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--eval-batch", type=int, default=16_384)
    ap.add_argument("--workers", type=int, default=1, help="processes (default 1: the machine is shared)")
    ap.add_argument("--store", type=str, default=None, help="SQLite file keeping finished cells (resumable)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=str, default=str(RESULTS), help="JSON file written")
    args = ap.parse_args()
    if args.quick:
        args.steps, args.eval_batch = 200, 4096
    t0 = time.perf_counter()
    executor: object = "serial"
    if args.workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(args.workers)
    grid = scaling_grid(
        n=args.n,
        dims=args.dims,
        alphas=args.alphas,
        weight_decays=args.weight_decays,
        steps=args.steps,
        batch_size=args.batch_size,
        eval_batch=args.eval_batch,
        runner=Runner(executor=executor, store=args.store, progress=True),
        rng=args.seed,
    )
    elapsed = time.perf_counter() - t0
    fits = []
    print(grid)
    for a in grid.alphas:
        pred = weak_loss_prediction(n=grid.n, dim=grid.dims, alpha=float(a))
        pred_fit = fit_loss_exponent(grid.dims, pred) if np.all(pred > 0) else None
        for w in grid.weight_decays:
            ia = int(np.flatnonzero(grid.alphas == a)[0])
            iw = int(np.flatnonzero(grid.weight_decays == w)[0])
            f = grid.fit(a, w)
            regime = grid.regime_of(a, w)
            row = {
                "alpha": float(a),
                "weight_decay": float(w),
                "regime": regime,
                "exponent": f.exponent,
                "ci": [f.low, f.high],
                "prefactor": f.prefactor,
                "r2": f.r2,
                "loss": grid.loss[ia, iw].tolist(),
                "phi": grid.phi[ia, iw].tolist(),
                "overlap_over_floor": _ratio(grid.overlap[ia, iw], grid.overlap_floor[ia, iw]),
            }
            row["unrepresented_loss"] = grid.tail[ia, iw].tolist()
            row["loss_over_unrepresented"] = _ratio(grid.loss[ia, iw], grid.tail[ia, iw])
            if regime == "weak":
                row["top_m_prediction"] = pred.tolist()
                row["loss_over_prediction"] = (grid.loss[ia, iw] / pred).tolist()
                row["prediction_exponent"] = None if pred_fit is None else pred_fit.exponent
            fits.append(row)
            extra = ""
            if "loss_over_prediction" in row:
                extra = (
                    f"; top-m prediction exponent {row['prediction_exponent']:.3f}, loss/prediction "
                    f"{np.round(row['loss_over_prediction'], 2).tolist()}, loss/unrepresented "
                    f"{[None if r is None else round(r, 2) for r in row['loss_over_unrepresented']]}"
                )
            print(
                f"alpha={a:.3g} gamma={w:+.3g} [{regime}] phi={np.round(row['phi'], 3).tolist()} "
                f"exponent {f.exponent:.3f} [{f.low:.3f}, {f.high:.3f}]{extra}"
            )
    # extrapolation: step time per instance by dim at this batch size, scaled to the paper's batch
    step_by_dim = grid.step_s.mean(axis=0)
    per_cell_paper = float(np.sum(step_by_dim) * PAPER_STEPS * (PAPER_BATCH / args.batch_size))
    full_h = per_cell_paper * PAPER_CELLS / 3600
    machine = {
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "threads": os.environ.get("OMP_NUM_THREADS"),
    }
    out = {
        "settings": {
            "n": args.n,
            "dims": args.dims,
            "alphas": args.alphas,
            "weight_decays": args.weight_decays,
            "steps": args.steps,
            "batch_size": args.batch_size,
            "eval_batch": args.eval_batch,
            "seed": args.seed,
            "workers": args.workers,
        },
        "fits": fits,
        "grid": grid.to_dict(),
        "elapsed_s": elapsed,
        "step_s_by_dim": dict(zip([int(m) for m in grid.dims], step_by_dim.tolist(), strict=True)),
        "extrapolation": {
            "paper_cell_s": per_cell_paper,
            "paper_cells": PAPER_CELLS,
            "paper_full_grid_core_hours": full_h,
        },
        "machine": machine,
    }
    out_path = Path(args.out)
    out_path.parent.mkdir(exist_ok=True)
    out_path.write_text(json.dumps(out, indent=1))
    print(
        f"seconds per step and instance by dim (batch {args.batch_size}): "
        f"{ {int(m): round(float(s), 4) for m, s in zip(grid.dims, step_by_dim, strict=True)} }"
    )
    print(
        f"one (alpha, gamma) at the paper's 20000 steps x batch 2048 over the dims run {list(grid.dims)}: "
        f"{per_cell_paper / 60:.1f} core-minutes; the paper's {PAPER_CELLS} (alpha, gamma) pairs: {full_h:.1f} "
        f"core-hours (the paper's 6 dims: scale by their summed step times)"
    )
    print(
        f"run time {elapsed:.1f} s on {machine['processor']}, {machine['cpu_count']} cores, load average "
        f"{machine['load_average']}; wrote {out_path}"
    )


if __name__ == "__main__":
    main()
