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

from theory.experiments.circuits import compressed_computation  # noqa: E402

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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (n=20, dim=200, width=10, p=0.05)")
    ap.add_argument("--replicates", type=int, default=None, help="models per condition (default 3, quick 2)")
    ap.add_argument("--store", default=None, help="SQLite file to resume from (default: in memory)")
    ap.add_argument("--serial", action="store_true", help="run cells in this process")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    mach = machine()
    print("machine:", mach)
    r = compressed_computation(
        quick=args.quick,
        replicates=args.replicates,
        store=args.store,
        executor="serial" if args.serial else None,
        progress=True,
    )
    print(r)
    d = r.to_dict()
    res = {"machine": mach, **d}
    res["run_time_s"] = time.perf_counter() - t0
    print(f"run time {res['run_time_s']:.1f} s")
    OUT.mkdir(exist_ok=True)
    path = OUT / ("circuits_compressed_quick.json" if args.quick else "circuits_compressed.json")
    path.write_text(json.dumps(res, indent=1))
    print("wrote", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
