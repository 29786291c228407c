"""Performance benchmark: the NumPy toy-model trainer vs a PyTorch reference.

The PyTorch reference is written the way the paper's notebook does it (one ``(n_instances,
n_features, n_hidden)`` weight tensor, ``einsum`` over instances, ``torch.rand`` + ``torch.where``
for a fresh batch each step, importance-weighted MSE averaged over batch and features, summed
over instances, autograd, ``torch.optim.AdamW(lr=1e-3)`` with its default weight decay 0.01).
Both trainers start from the same initial weights (Xavier-normal, drawn once in NumPy), run the
same number of steps at the same batch size in float32, on one thread each
(``OMP_NUM_THREADS=1``, ``torch.set_num_threads(1)``, threadpoolctl when installed), one after
the other in the same process (the order alternates between settings). Final losses are compared
on the same 100,000 fresh samples per instance (float64 Monte Carlo).

Run::

    python benchmarks/toy_training.py            # paper settings, 10,000 steps
    python benchmarks/toy_training.py --quick    # 300 steps

torch is optional (``pip install torch==2.13.0``, the CPU build); without it only the NumPy
trainer is timed and the script says so. Writes ``benchmarks/results/toy_training.json``.
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

from theory.toy_models import (  # noqa: E402
    ToyModel,
    ToyModelConfig,
    TrainOptions,
    geometric_importance,
    init_params,
    sparsity_sweep,
    train,
)

RESULTS = Path(__file__).with_name("results") / "toy_training.json"

SETTINGS = {
    "n20_dim5": dict(
        n_features=20,
        n_hidden=5,
        n_instances=20,
        importance=geometric_importance(20, 0.7),
        feature_probability=sparsity_sweep(20, low=1 / 20),
    ),
    "n100_dim20": dict(
        n_features=100,
        n_hidden=20,
        n_instances=10,
        importance=geometric_importance(100, 0.9**0.25),
        feature_probability=sparsity_sweep(10, low=1 / 20),
    ),
}


def torch_reference(cfg: ToyModelConfig, W0: np.ndarray, *, steps: int, batch_size: int, lr: float, seed: int):
    """Train like the paper's notebook; returns (W of shape (I, dim, n), b, seconds, cpu seconds)."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    I, m, n = cfg.shape

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            # the notebook's layout: (n_instances, n_features, n_hidden)
            self.W = torch.nn.Parameter(torch.tensor(W0.transpose(0, 2, 1).copy(), dtype=torch.float32))
            self.b_final = torch.nn.Parameter(torch.zeros((I, n)))
            self.feature_probability = torch.tensor(cfg.probability_matrix, dtype=torch.float32)
            self.importance = torch.tensor(cfg.importance_matrix, dtype=torch.float32)

        def forward(self, features):
            hidden = torch.einsum("...if,ifh->...ih", features, self.W)
            out = torch.einsum("...ih,ifh->...if", hidden, self.W)
            return torch.relu(out + self.b_final)

        def generate_batch(self, n_batch):
            feat = torch.rand((n_batch, I, n))
            return torch.where(torch.rand((n_batch, I, n)) <= self.feature_probability, feat, torch.zeros(()))

    model = Model()
    opt = torch.optim.AdamW(list(model.parameters()), lr=lr)
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        batch = model.generate_batch(batch_size)
        out = model(batch)
        error = model.importance * (batch.abs() - out) ** 2
        loss = error.mean(dim=(0, 2)).sum()
        loss.backward()
        opt.step()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    W = model.W.detach().numpy().transpose(0, 2, 1).astype(np.float64)
    return W, model.b_final.detach().numpy().astype(np.float64), wall, cpu


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="300 steps instead of 10,000")
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--settings", nargs="*", default=list(SETTINGS))
    ap.add_argument(
        "--steps-for",
        nargs="*",
        default=[],
        metavar="SETTING=STEPS",
        help="per-setting step counts, e.g. n100_dim20=3000",
    )
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)
    steps = args.steps or (300 if args.quick else 10_000)
    try:
        import threadpoolctl

        threadpoolctl.threadpool_limits(1)
        tpc = True
    except ModuleNotFoundError:
        tpc = False
    try:
        import torch

        torch.set_num_threads(1)
        torch_version = torch.__version__
    except ModuleNotFoundError:
        torch = None
        torch_version = None
        print("torch is not installed: timing the NumPy trainer only (pip install torch==2.13.0 for the comparison)")
    machine = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch_version,
        "threads": 1,
        "threadpoolctl": tpc,
        "loadavg_start": os.getloadavg(),
        "note": "shared machine: other developers' jobs were running during the measurement",
    }
    print(json.dumps(machine, indent=1))
    rows = []
    per_setting = dict(kv.split("=") for kv in args.steps_for)
    all_steps = steps
    for i, name in enumerate(args.settings):
        steps = int(per_setting.get(name, all_steps))
        cfg = ToyModelConfig(**SETTINGS[name])
        W0 = init_params(cfg, rng=1234, dtype="float64")["W"]
        runs = {}

        def run_numpy(cfg=cfg, W0=W0, steps=steps):
            c0 = time.process_time()
            model = train(
                cfg,
                steps=steps,
                batch_size=args.batch_size,
                lr=1e-3,
                rng=7,
                options=TrainOptions(dtype="float32"),
                progress=False,
                initial={"W": W0},
            )
            return model, model.info["elapsed_s"], time.process_time() - c0

        def run_torch(cfg=cfg, W0=W0, steps=steps):
            W, b, wall, cpu = torch_reference(cfg, W0, steps=steps, batch_size=args.batch_size, lr=1e-3, seed=7)
            return ToyModel(cfg, W=W, b=b), wall, cpu

        order = [("numpy", run_numpy), ("torch", run_torch)]
        if i % 2:
            order.reverse()
        for label, fn in order:
            if label == "torch" and torch is None:
                continue
            runs[label] = fn()
            print(f"{name}: {label} done in {runs[label][1]:.1f} s", flush=True)
        row = {
            "setting": name,
            "n": cfg.n_features,
            "dim": cfg.n_hidden,
            "instances": cfg.n_instances,
            "steps": steps,
            "batch_size": args.batch_size,
        }
        losses = {}
        for label, (model, wall, cpu) in runs.items():
            losses[label] = model.evaluate(batch_size=100_000, rng=99)
            row[f"{label}_wall_s"] = round(wall, 2)
            row[f"{label}_cpu_s"] = round(cpu, 2)
            row[f"{label}_loss_total"] = float(losses[label].sum())
        if "torch" in runs:
            row["speedup_wall"] = round(row["torch_wall_s"] / row["numpy_wall_s"], 2)
            row["speedup_cpu"] = round(row["torch_cpu_s"] / row["numpy_cpu_s"], 2)
            rel = np.abs(losses["numpy"] - losses["torch"]) / losses["torch"]
            row["loss_total_rel_diff"] = float(
                abs(row["numpy_loss_total"] - row["torch_loss_total"]) / row["torch_loss_total"]
            )
            row["loss_instance_rel_diff_max"] = float(rel.max())
            row["loss_instance_rel_diff_median"] = float(np.median(rel))
        rows.append(row)
        print(json.dumps(row), flush=True)
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"machine": machine, "rows": rows, "partial": True}, indent=1))
    if torch is not None:
        tot_np = sum(r["numpy_wall_s"] for r in rows)
        tot_t = sum(r["torch_wall_s"] for r in rows)
        summary = {
            "total_numpy_wall_s": round(tot_np, 2),
            "total_torch_wall_s": round(tot_t, 2),
            "speedup_total_wall": round(tot_t / tot_np, 2),
            "speedup_total_cpu": round(sum(r["torch_cpu_s"] for r in rows) / sum(r["numpy_cpu_s"] for r in rows), 2),
        }
    else:
        summary = {"total_numpy_wall_s": round(sum(r["numpy_wall_s"] for r in rows), 2)}
    machine["loadavg_end"] = os.getloadavg()
    print()
    keys = [k for k in rows[0] if k not in ("n", "dim", "instances")]
    print(" | ".join(keys))
    for r in rows:
        print(" | ".join(f"{r[k]:.4g}" if isinstance(r[k], float) else str(r[k]) for k in keys))
    print(json.dumps(summary))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "rows": rows, "summary": summary}, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
