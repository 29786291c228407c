"""Incidental polysemanticity (Lecomte et al. 2023): polysemantic neurons of trained tied ReLU autoencoders
with m >= n neurons, over a grid of (n, m), against the exact collision counts.

Runs :func:`theory.toy_models.incidental.incidental_sweep` through ``theory.sweep`` (resumable: finished cells
live in ``benchmarks/results/toy_incidental[_<settings>].sqlite``, not committed), fits the exponents of
``log C = c + a log n + b log m`` with bootstrap intervals, and writes ``benchmarks/results/toy_incidental.json``
(the summary of every settings run so far, keyed by settings) and prints the run time and the machine.

    python benchmarks/toy_incidental.py                    # the paper's settings (AdamW lr 1e-3, l1 1e-3, 7500 steps)
    python benchmarks/toy_incidental.py --settings fast    # lr = l1 = 1e-2, 1000 steps
    python benchmarks/toy_incidental.py --settings gd      # plain gradient descent (lr 0.05, l1 3e-2, 3000 steps)
    python benchmarks/toy_incidental.py --quick            # a small grid, seconds (not kept)
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.sweep import Runner  # noqa: E402
from theory.toy_models.incidental import FAST, PAPER, incidental_sweep  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SETTINGS = {
    "paper": PAPER,
    "fast": FAST,
    "gd": {"steps": 3000, "lr": 0.05, "l1": 3e-2, "weight_decay": 0.0, "optimizer": "gd"},
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--settings", choices=sorted(SETTINGS), default="paper")
    ap.add_argument("--ns", type=int, nargs="+", default=[8, 16, 32, 64])
    ap.add_argument("--ms", type=int, nargs="+", default=[64, 128, 256, 512])
    ap.add_argument("--seeds", type=int, default=32)
    ap.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    ap.add_argument("--boot", type=int, default=2000, help="bootstrap draws of the exponent fit")
    ap.add_argument("--quick", action="store_true", help="n in {4, 8, 16}, m in {16, 32, 64}, 8 seeds, fast settings")
    args = ap.parse_args(argv)
    settings = dict(SETTINGS[args.settings])
    if args.quick:
        args.ns, args.ms, args.seeds = [4, 8, 16], [16, 32, 64], 8
        settings = dict(FAST)
        store = None
        out_path = Path(tempfile.mkdtemp(prefix="toy_incidental_")) / "toy_incidental_quick.json"
    else:
        store = str(RESULTS / f"toy_incidental_{args.settings}.sqlite")
        out_path = RESULTS / "toy_incidental.json"
    executor = None
    if args.workers is not None:
        import concurrent.futures as cf

        executor = cf.ProcessPoolExecutor(args.workers)
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    grid = incidental_sweep(
        args.ns,
        args.ms,
        seeds=args.seeds,
        settings=settings,
        runner=Runner(executor=executor, store=store, progress=True),
        rng=0,
    )
    elapsed = time.perf_counter() - t0
    if executor is not None:
        executor.shutdown()
    fit = grid.fit(n_boot=args.boot, rng=0)
    machine = {
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "threads_per_worker": 1,
        "loadavg_start": load0,
        "loadavg_end": os.getloadavg(),
    }
    print(grid)
    print(fit)
    table = grid.table()
    ratio = float(np.sum([t["polysemantic"] for t in table]) / np.sum([t["signed_exact"] for t in table]))
    ratio_b = float(np.sum([t["polysemantic"] for t in table]) / np.sum([t["birthday_exact"] for t in table]))
    pooled_z = float(np.sum([t["z_signed"] for t in table]) / np.sqrt(len(table)))
    print(
        f"total measured / total signed-collision prediction = {ratio:.3f}; / birthday prediction = {ratio_b:.3f}; "
        f"pooled z (signed) = {pooled_z:+.2f}"
    )
    print(
        f"{elapsed:.1f} s this run (cells already in the store are loaded), {sum(grid.elapsed):.0f} s of cell "
        f"compute time in total; machine {machine}"
    )
    summary = {
        "command": "python benchmarks/toy_incidental.py"
        + (" --quick" if args.quick else f" --settings {args.settings}"),
        "settings": settings,
        "ns": args.ns,
        "ms": args.ms,
        "seeds": args.seeds,
        "cells": table,
        "fit": {
            "a": fit.a,
            "b": fit.b,
            "c": fit.c,
            "ci_a": fit.ci_a,
            "ci_b": fit.ci_b,
            "level": fit.level,
            "theory_a": fit.theory_a,
            "theory_b": fit.theory_b,
            "n_boot": fit.n_boot,
        },
        "ratio_to_signed": ratio,
        "ratio_to_birthday": ratio_b,
        "pooled_z_signed": pooled_z,
        "winner_kept_mean": float(np.mean([t["winner_kept"] for t in table])),
        "opposite_sign_mean": float(np.mean([t["opposite_sign"] for t in table])),
        "one_neuron_min": float(np.min([t["one_neuron"] for t in table])),
        "elapsed_s": round(elapsed, 1),
        "cell_compute_s": round(float(sum(grid.elapsed)), 1),
        "machine": machine,
        "rows": [{k: r[k] for k in ("n", "m", "polysemantic", "init_collisions", "init_signed")} for r in grid.rows],
    }
    data = {}
    if out_path.exists():
        try:
            data = json.loads(out_path.read_text())
        except json.JSONDecodeError:
            data = {}
    data["quick" if args.quick else args.settings] = summary
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1))
    tmp.replace(out_path)
    print(f"wrote {out_path}")
    try:
        from theory.figures import save
        from theory.figures.toy_models_incidental import plot_incidental_polysemanticity
    except ImportError:  # matplotlib is optional
        return 0
    ax = plot_incidental_polysemanticity(grid)
    ax.set_title(
        f"incidental polysemanticity, {args.settings if not args.quick else 'quick'} settings, "
        f"{args.seeds} seeds per cell",
        fontsize=7,
    )
    for f in save(ax.figure, out_path.parent / f"toy_incidental_{'quick' if args.quick else args.settings}.png"):
        print(f"wrote {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
