"""Computation in superposition (Elhage et al. 2022, arXiv:2209.10652): the ``abs`` task.

Inputs uniform on [-1, 1], present with probability p; one hidden ReLU layer of ``dim`` neurons,
``y = ReLU(W2 ReLU(W1 x) + b)``, target ``|x|``. Across densities we count, per instance,

* features computed: ``|x_i|`` reproduced on both signs when only feature i is present
  (relative squared error < 0.1, :func:`theory.toy_models.abs_features_computed`);
* halves computed: (feature, sign) pairs reproduced on their sign. Without superposition each
  neuron serves at most one half (``|x| = ReLU(x) + ReLU(-x)`` takes two neurons), so more halves
  than neurons is computation in superposition.

Run::

    python benchmarks/toy_abs.py            # n = 20, dim = 5, 6 densities, 6000 steps
    python benchmarks/toy_abs.py --quick

Writes ``benchmarks/results/toy_abs.json`` and ``toy_abs.{pdf,png}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from theory.figures import save, style_context  # noqa: E402
from theory.figures.toy_models import plot_abs_computed  # noqa: E402
from theory.toy_models import (  # noqa: E402
    ToyModelConfig,
    TrainOptions,
    abs_features_computed,
    geometric_importance,
    sparsity_sweep,
    train,
)

OUT = Path(__file__).with_name("results")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--dim", type=int, default=5)
    ap.add_argument("--instances", type=int, default=6)
    args = ap.parse_args(argv)
    steps = args.steps or (1500 if args.quick else 6000)
    n, dim, k = args.n, args.dim, args.instances
    cfg = ToyModelConfig(
        n_features=n,
        n_hidden=dim,
        n_instances=k,
        task="abs",
        importance=geometric_importance(n, 0.9),
        feature_probability=sparsity_sweep(k, low=0.01),
    )
    model = train(
        cfg, steps=steps, batch_size=1024, lr=1e-2, options=TrainOptions(schedule="cosine"), rng=0, progress=False
    )
    p = cfg.probability_matrix[:, 0]
    full = abs_features_computed(model)
    halves = abs_features_computed(model, per_sign=True)
    res = {
        "machine": {
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "numpy": np.__version__,
            "loadavg": os.getloadavg(),
        },
        "n": n,
        "dim": dim,
        "steps": steps,
        "lr": 1e-2,
        "schedule": "cosine",
        "importance": "0.9^i",
        "p": p.tolist(),
        "features_computed": full.tolist(),
        "halves_computed": halves.tolist(),
        "final_loss": model.final_loss.tolist(),
        "seconds": round(model.info["elapsed_s"], 1),
    }
    print(json.dumps(res, indent=1))
    print("p | features computed | halves computed | neurons")
    for i in range(k):
        print(f"{p[i]:.3g} | {full[i]} | {halves[i]} | {dim}")
    OUT.mkdir(parents=True, exist_ok=True)
    name = "toy_abs_quick" if args.quick else "toy_abs"
    with style_context():
        fig, ax = plt.subplots(figsize=(5, 3.4), layout="constrained")
        plot_abs_computed(p, halves, full, n_hidden=dim, ax=ax)
        ax.set_title(f"abs task: n = {n}, dim = {dim}, importance 0.9^i, {steps} steps", fontsize="small")
        save(fig, OUT / name, formats=["pdf", "png"])
    (OUT / f"{name}.json").write_text(json.dumps(res, indent=1))
    print(f"wrote {OUT / name}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
