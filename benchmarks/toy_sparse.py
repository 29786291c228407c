"""Performance benchmark: the toy-model trainer's sparse forward/backward pass vs its dense pass.

For each (n, dim, p) every instance has density p; the same configuration is trained twice from
the same seed, once with ``sparse_compute=False`` (dense matmuls over the whole batch) and once
with ``sparse_compute=True`` (empty examples in closed form, the encoder and its weight gradient
over the present entries only, the decoder over the non-empty examples). Both runs draw the same
batches (the sampler is shared and sparse sampling is forced in both, ``sparse_threshold=1``), so
the trained weights agree up to float rounding; the script reports that difference too.
One thread (``OMP_NUM_THREADS=1``), float32, batch 1024, AdamW.

Run::

    python benchmarks/toy_sparse.py            # n = 100 and 1000, p = 0.1 ... 0.001
    python benchmarks/toy_sparse.py --quick    # fewer steps

Writes ``benchmarks/results/toy_sparse.json``.
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

from theory.toy_models import ToyModelConfig, TrainOptions, train  # noqa: E402

RESULTS = Path(__file__).with_name("results") / "toy_sparse.json"


def run(n: int, dim: int, p: float, instances: int, steps: int, batch_size: int, order: int) -> dict:
    cfg = ToyModelConfig(n_features=n, n_hidden=dim, n_instances=instances, feature_probability=p)
    out = {}
    modes = [False, True] if order % 2 == 0 else [True, False]
    for mode in modes:
        c0 = time.process_time()
        model = train(
            cfg,
            steps=steps,
            batch_size=batch_size,
            rng=5,
            options=TrainOptions(dtype="float32", sparse_threshold=1.0, sparse_compute=mode),
            progress=False,
        )
        out[mode] = (model, model.info["elapsed_s"], time.process_time() - c0)
    dense, sparse = out[False], out[True]
    q = 1 - (1 - p) ** n
    return {
        "n": n,
        "dim": dim,
        "p": p,
        "instances": instances,
        "steps": steps,
        "batch_size": batch_size,
        "nonempty_fraction": round(q, 4),
        "dense_wall_s": round(dense[1], 3),
        "sparse_wall_s": round(sparse[1], 3),
        "dense_cpu_s": round(dense[2], 3),
        "sparse_cpu_s": round(sparse[2], 3),
        "speedup_wall": round(dense[1] / sparse[1], 2),
        "speedup_cpu": round(dense[2] / sparse[2], 2),
        "max_abs_W_diff": float(np.abs(dense[0].W - sparse[0].W).max()),
        "max_W": float(np.abs(dense[0].W).max()),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)
    grid = [(100, 20, p, 10, 300 if args.quick else 1000) for p in (0.1, 0.03, 0.01, 0.003, 0.001)]
    grid += [(1000, 100, p, 2, 20 if args.quick else 60) for p in (0.1, 0.01, 0.003, 0.001, 0.0003)]
    machine = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "threads": 1,
        "loadavg_start": os.getloadavg(),
        "note": "shared machine: other developers' jobs were running during the measurement",
    }
    print(json.dumps(machine))
    rows = []
    for i, (n, dim, p, inst, steps) in enumerate(grid):
        row = run(n, dim, p, inst, steps, 1024, i)
        rows.append(row)
        print(json.dumps(row), flush=True)
    machine["loadavg_end"] = os.getloadavg()
    print()
    print("n | dim | p | non-empty rows | dense s/step | sparse s/step | speed-up wall (cpu) | max |ΔW|")
    for r in rows:
        print(
            f"{r['n']} | {r['dim']} | {r['p']} | {r['nonempty_fraction']:.3f} | "
            f"{r['dense_wall_s'] / r['steps'] * 1e3:.2f} ms | {r['sparse_wall_s'] / r['steps'] * 1e3:.2f} ms | "
            f"{r['speedup_wall']:.2f}x ({r['speedup_cpu']:.2f}x) | {r['max_abs_W_diff']:.1e}"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "rows": rows}, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
