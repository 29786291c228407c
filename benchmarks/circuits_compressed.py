"""Compressed computation (Braun et al. 2025) and its mixing matrix (Bhagat et al. 2025): full-size reproduction.

Through ``theory.sweep`` (one cell per condition and replicate; resumable with ``--store``):

1. **Ablation** at Braun et al.'s size (n = 100 features, dim = 1000, width = 50 neurons,
   p = 0.01, batch 2048, 1000 AdamW steps, lr 3e-3 with cosine decay, weight decay 0.01):
   the toy as published (``mixed``: random embedding, labels x + ReLU(x)), the same embedding with
   the mixing term taken out of the labels (``clean_labels``) and an orthonormal embedding
   (``orthogonal``, M = 0). Reported: loss per feature L/p, gain = naive loss / model loss,
   the share of the neurons' input directions in the top-50 eigenvectors of the label-side mixing.
2. **Mixing scale**: the labels' mixing term scaled by s (MLP target ReLU(x) - s M x) for several s.
3. **Diagnostic**: the mixing matrix of fresh random embeddings, the predicted label noise
   s^2 (p/3) |M|_F^2 / n against a Monte Carlo measurement, and Marchenko-Pastur edges.

Run::

    python benchmarks/circuits_compressed.py --quick     # small sizes, a minute
    python benchmarks/circuits_compressed.py             # full size, 3 replicates

Writes ``benchmarks/results/circuits_compressed.json`` (``_quick`` suffix for ``--quick``).
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

from theory.circuits.compressed import (  # noqa: E402
    CONDITIONS,
    compressed_cell,
    label_noise,
    mixing_diagnostic,
    residual_embedding,
)
from theory.sweep import sweep  # noqa: E402

OUT = Path(__file__).with_name("results")


def machine() -> dict:
    return {"python": platform.python_version(), "numpy": np.__version__, "platform": platform.platform(),
            "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
            "load_average": list(os.getloadavg()),
            "note": "2 cores shared with other developers' jobs running at the same time"}


def _summary(values: list[dict]) -> dict:
    gains = np.concatenate([v["gain"] for v in values])
    losses = np.concatenate([v["loss"] for v in values])
    over = [o for v in values for o in v["top_overlap"] if o is not None]
    return {"gain_mean": float(gains.mean()), "gain_min": float(gains.min()), "gain_max": float(gains.max()),
            "gain_sem": float(gains.std(ddof=1) / np.sqrt(gains.size)) if gains.size > 1 else None,
            "loss_mean": float(losses.mean()), "naive_loss": values[0]["naive_loss"],
            "label_noise_mean": float(np.mean([x for v in values for x in v["label_noise"]])),
            "top_overlap_mean": float(np.mean(over)) if over else None, "models": int(gains.size),
            "per_feature_loss_sorted": np.mean([v["per_feature_loss_sorted"] for v in values], axis=0).tolist()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (n=20, dim=200, width=10, p=0.05)")
    ap.add_argument("--replicates", type=int, default=None, help="models per condition (default 3, quick 2)")
    ap.add_argument("--store", default=None, help="SQLite file to resume from (default: in memory)")
    ap.add_argument("--serial", action="store_true", help="run cells in this process")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.quick:
        size = {"n": 20, "dim": 200, "width": 10, "p": 0.05, "steps": 300, "batch": 512, "eval_batch": 100_000}
    else:
        size = {"n": 100, "dim": 1000, "width": 50, "p": 0.01, "steps": 1000, "batch": 2048, "eval_batch": 200_000}
    reps = args.replicates or (2 if args.quick else 3)
    executor = "serial" if args.serial else None
    res: dict = {"machine": machine(), "quick": args.quick, "size": size, "replicates": reps}
    print("machine:", res["machine"])

    # 1. ablation
    grid = [{**size, "embedding": CONDITIONS[c][0], "mixing": CONDITIONS[c][1], "replicate": r}
            for c in CONDITIONS for r in range(reps)]
    out = sweep(compressed_cell, grid, executor=executor, store=args.store, rng=0, desc="ablation")
    ablation = {}
    for c in CONDITIONS:
        emb, s = CONDITIONS[c]
        vals = [v for prm, v in out if prm["embedding"] == emb and prm["mixing"] == s]
        ablation[c] = _summary(vals)
        a = ablation[c]
        print(f"ablation {c:>13}: L/p = {a['loss_mean'] / size['p']:.4f} (naive {a['naive_loss'] / size['p']:.4f}), "
              f"gain {a['gain_mean']:.3f} [{a['gain_min']:.3f}, {a['gain_max']:.3f}] over {a['models']} models, "
              f"top-eigen overlap {a['top_overlap_mean']}")
    res["ablation"] = ablation

    # 2. mixing scale
    scales = [0.25, 0.5, 1.5, 2.0]
    grid = [{**size, "embedding": "random", "mixing": s, "replicate": r}
            for s in scales for r in range(max(reps - 1, 1))]
    out2 = sweep(compressed_cell, grid, executor=executor, store=args.store, rng=1, desc="mixing scale")
    scale_rows = [{"mixing": 0.0, **{k: ablation["clean_labels"][k] for k in ("gain_mean", "gain_min", "gain_max")}},
                  {"mixing": 1.0, **{k: ablation["mixed"][k] for k in ("gain_mean", "gain_min", "gain_max")}}]
    for s in scales:
        sm = _summary([v for prm, v in out2 if prm["mixing"] == s])
        scale_rows.append({"mixing": s, "gain_mean": sm["gain_mean"], "gain_min": sm["gain_min"],
                           "gain_max": sm["gain_max"], "label_noise_mean": sm["label_noise_mean"]})
    scale_rows.sort(key=lambda r: r["mixing"])
    for r in scale_rows:
        print(f"mixing s = {r['mixing']:<5}: gain {r['gain_mean']:.3f} [{r['gain_min']:.3f}, {r['gain_max']:.3f}]")
    res["mixing_scale"] = scale_rows

    # 3. diagnostic
    diag = []
    for seed in range(3):
        E = residual_embedding(n=size["n"], dim=size["dim"], rng=100 + seed)
        d = mixing_diagnostic(E, p=size["p"], width=size["width"])
        mc = label_noise(E, p=size["p"], batch=400_000, rng=200 + seed)
        diag.append({"mean_sq_row": d.mean_sq_row, "expected_mean_sq_row": d.expected_mean_sq_row,
                     "max_abs": d.max_abs, "eig_min": d.eig_min, "eig_max": d.eig_max, "mp_min": d.mp_min,
                     "mp_max": d.mp_max, "label_noise_predicted": d.label_noise, "label_noise_measured": mc,
                     "ratio": mc / d.label_noise, "noise_over_naive": d.noise_ratio, "top_captured": d.top_captured})
        print(str(d))
        print(f"  Monte Carlo label noise {mc:.4g}, measured/predicted = {mc / d.label_noise:.4f}")
    res["diagnostic"] = diag
    res["run_time_s"] = time.perf_counter() - t0
    print(f"run time {res['run_time_s']:.1f} s")
    OUT.mkdir(exist_ok=True)
    path = OUT / ("circuits_compressed_quick.json" if args.quick else "circuits_compressed.json")
    path.write_text(json.dumps(res, indent=1))
    print("wrote", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
