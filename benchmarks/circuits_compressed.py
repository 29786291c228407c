"""Compressed computation (Braun et al. 2025) and its mixing matrix (Bhagat et al. 2025): full-size reproduction.

``theory.experiments.circuits.compressed_computation`` (also ``theory reproduce
circuits_compressed``), through ``theory.sweep`` (one cell per condition and replicate;
resumable with ``--store``):

1. **Ablation** at Braun et al.'s size (n = 100 features, dim = 1000, width = 50 neurons,
   p = 0.01, batch 2048, 1000 AdamW steps, lr 3e-3 with cosine decay, weight decay 0.01):
   the toy as published (``mixed``: random embedding, labels x + ReLU(x)), the same embedding with
   the mixing term taken out of the labels (``clean_labels``) and an orthonormal embedding
   (``orthogonal``, M = 0). Reported: loss per feature L/p, gain = naive loss / model loss,
   the share of the neurons' input directions in the top-50 eigenvectors of the label-side mixing.
2. **Mixing scale**: the labels' mixing term scaled by s (MLP target ReLU(x) - s M x) for several s.
3. **Diagnostic**: the mixing matrix of fresh random embeddings, the predicted label noise
   s^2 (p/3) |M|_F^2 / n against a Monte Carlo measurement, and Marchenko-Pastur edges.
4. **SNMF baseline** (``--snmf``, run instead of 1-3): Bhagat et al.'s semi-NMF baseline
   (``theory.circuits.compressed.snmf_baseline``) built from the mixing matrix of each trained
   model's embedding, against the naive baseline and the trained models (3 seeds), on the toy's
   inputs and on one active feature at a time; both starts of the factorisation and both
   factorised matrices (I - M and -M).

Run::

    python benchmarks/circuits_compressed.py --quick     # small sizes, a minute
    python benchmarks/circuits_compressed.py             # full size, 3 replicates
    python benchmarks/circuits_compressed.py --snmf      # the SNMF baseline, full size, a few minutes

Writes ``benchmarks/results/circuits_compressed.json`` (``_quick`` suffix for ``--quick``;
``circuits_compressed_snmf.json`` for ``--snmf``).
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

from theory.circuits.compressed import snmf_baseline, train_compressed  # noqa: E402
from theory.experiments.circuits import compressed_computation  # noqa: E402
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


def snmf(quick: bool, seeds: int) -> dict:
    """Train ``seeds`` toys, then build the SNMF baseline from each one's mixing matrix and compare."""
    size = (
        {"n": 20, "dim": 200, "width": 10, "p": 0.05, "steps": 300, "batch": 512}
        if quick
        else {"n": 100, "dim": 1000, "width": 50, "p": 0.01, "steps": 1000, "batch": 2048}
    )
    t = time.perf_counter()
    model = train_compressed(seeds=seeds, eval_batch=20_000, rng=0, **size)
    train_s = time.perf_counter() - t
    print(model, f"({train_s:.1f} s)")
    out: dict = {"size": size, "seeds": seeds, "train_time_s": train_s, "variants": {}}
    for target in ("full", "mixing"):
        for init in ("nmf", "random"):
            t = time.perf_counter()
            b = snmf_baseline(model=model, target=target, init=init, eval_batch=200_000, rng=1)
            dt = time.perf_counter() - t
            print(f"target={target} init={init}: {b} ({dt:.1f} s)")

            def per_p(a: np.ndarray | None, p: float = b.p) -> list[float] | None:
                return None if a is None else (np.asarray(a) / p).tolist()

            out["variants"][f"{target}/{init}"] = {
                "target": target,
                "init": init,
                "naive_clean_L_over_p": b.naive_loss / b.p,
                "naive_task_L_over_p": per_p(b.naive_task_loss),
                "snmf_L_over_p": per_p(b.snmf_loss),
                "trained_L_over_p": per_p(b.model_loss),
                "naive_task_one_feature_L_over_p": per_p(b.naive_one_feature),
                "snmf_one_feature_L_over_p": per_p(b.snmf_one_feature),
                "trained_one_feature_L_over_p": per_p(b.model_one_feature),
                "snmf_gain": b.snmf_gain,
                "trained_gain": b.model_gain,
                "snmf_gain_one_feature": b.snmf_gain_one_feature,
                "trained_gain_one_feature": b.model_gain_one_feature,
                "residual": b.residual.tolist(),
                "iterations": [f.iterations for f in b.factorisations],
                "time_s": dt,
            }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (n=20, dim=200, width=10, p=0.05)")
    ap.add_argument("--replicates", type=int, default=None, help="models per condition (default 3, quick 2)")
    ap.add_argument("--store", default=None, help="SQLite file to resume from (default: in memory)")
    ap.add_argument("--serial", action="store_true", help="run cells in this process")
    ap.add_argument("--snmf", action="store_true", help="only the SNMF baseline against naive and trained models")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    mach = machine()
    print("machine:", mach)
    if args.snmf:
        stem, data = "circuits_compressed_snmf", snmf(args.quick, args.replicates or (2 if args.quick else 3))
    else:
        r = compressed_computation(
            quick=args.quick,
            replicates=args.replicates,
            runner=Runner(executor="serial" if args.serial else None, store=args.store, progress=True),
        )
        print(r)
        stem, data = "circuits_compressed", r.to_dict()
    res = {"machine": mach, **data, "run_time_s": time.perf_counter() - t0}
    print(f"run time {res['run_time_s']:.1f} s")
    OUT.mkdir(exist_ok=True)
    path = OUT / (f"{stem}_quick.json" if args.quick else f"{stem}.json")
    path.write_text(json.dumps(res, indent=1))
    print("wrote", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
