"""Performance benchmark: the batched NumPy SAE trainer vs a PyTorch reference written the way SAELens trains.

The PyTorch reference is a small ``nn.Module`` in SAELens's layout (``W_enc (d_in, d_sae)``,
``W_dec (d_sae, d_in)``, ``b_dec`` subtracted before encoding), autograd, ``torch.optim.Adam``, float32,
``torch.set_num_threads(1)``. Loss: summed squared error over dimensions, mean over the batch, plus
``l1 * feature_acts.norm(p=1, dim=-1).mean()`` for ReLU; TopK keeps ``torch.topk`` of the pre-activations
and ReLUs them (no AuxK loss: the NumPy trainer has none). After ``backward`` the component of each
decoder row's gradient parallel to the row is removed, and after ``optimizer.step()`` the rows are
rescaled to unit norm: the step :func:`theory.sparse_coding.train_saes` takes.

Both trainers start from the same initial weights (read from the NumPy trainer itself: one step at a
learning rate of 1e-30), see the same batches (a fixed pool of ground-truth samples replayed in a fixed
order through the trainer's ``.sample`` interface), take the same number of steps with the same Adam
constants, on one thread each (``OMP_NUM_THREADS=1``, threadpoolctl for NumPy's BLAS,
``torch.set_num_threads(1)``), one after the other in the same process (the order alternates between
settings). Final losses are compared per instance on the last training batch and on 8,192 held-out
samples (evaluated in float64 by the same NumPy code for both); a short float64 run of both
implementations checks that they compute the same thing (parameters agree to rounding).

Settings:

- ``a``: Sharkey et al. (2022) size, dim 256, width 512 and 1,024, ReLU+L1 and TopK (target >= 1.5x).
- ``b``: dim 768, width 4,096 (SynthSAEBench-16k data), ReLU+L1 and TopK, a few hundred steps
  (target: no slower).
- ``c``: 16 L1 coefficients at dim 256, width 512, trained at once by ``train_saes(l1=[...])``, against
  16 sequential PyTorch runs (target >= 3x).

Run::

    python benchmarks/sae_training.py             # full sizes
    python benchmarks/sae_training.py --quick     # small sizes, under a minute
    python benchmarks/sae_training.py --only c --steps 500
    python benchmarks/sae_training.py --repeats 3          # each setting three times: median, min, max ratio
    python benchmarks/sae_training.py --only a --ceiling   # also the most a dense step or the sweep could gain
    python benchmarks/sae_training.py --trainer /path/to/modified_sae.py   # time a modified copy of sae.py

torch is the ``bench`` extra (``pip install torch==2.13.0``, the CPU build); without it only the NumPy
trainer is timed and the script says so. Writes ``benchmarks/results/sae_training.json``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import threadpoolctl  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.sparse_coding import sae as _sae_module  # noqa: E402
from theory.sparse_coding.sae import SAE  # noqa: E402
from theory.sparse_coding.truth import sharkey2022, synth_sae_bench  # noqa: E402

RESULTS = Path(__file__).with_name("results") / "sae_training.json"
LR = 1e-3
BETAS = (0.9, 0.999)
EPS = 1e-8
SEED = 0
L1_SWEEP = np.geomspace(1e-3, 0.3, 16)


# ----------------------------------------------------------------------------------------------
# data: a fixed pool replayed in a fixed order
# ----------------------------------------------------------------------------------------------


class Replay:
    """A data stream whose ``j``-th call of ``.sample`` returns ``pool[plan[j]]``.

    :func:`train_saes` draws batch 0 to initialise ``b_dec`` (the batch mean) and trains on batches
    1, 2, ...; the PyTorch reference skips batch 0 and trains on the same ones.
    """

    def __init__(self, pool: np.ndarray, plan: np.ndarray) -> None:
        self.pool, self.plan, self.j = pool, plan, 0

    def sample(self, batch: int, rng: Any = None) -> np.ndarray:
        if batch != self.plan.shape[1]:
            raise ValueError(f"this replay serves batches of {self.plan.shape[1]}, not {batch}")
        x = self.pool[self.plan[self.j]]
        self.j += 1
        return x


def make_data(which: str, pool_size: int, steps: int, batch: int, dtype: Any = np.float32):
    """Pool of samples, batch plan (steps + 2 rows of pool indices) and a held-out set."""
    truth = sharkey2022(correlated=True) if which == "sharkey" else synth_sae_bench("16k")
    pool = truth.sample(pool_size, rng=1)[0].astype(dtype)
    held_out = truth.sample(8192, rng=2)[0]
    gen = np.random.default_rng(3)
    need = (steps + 2) * batch
    idx = np.concatenate([gen.permutation(pool_size) for _ in range(-(-need // pool_size))])[:need]
    return pool, idx.reshape(steps + 2, batch), held_out


# ----------------------------------------------------------------------------------------------
# the two trainers
# ----------------------------------------------------------------------------------------------


TRAINER: Any = _sae_module  # the module whose ``train_saes`` and ``SAEOptions`` are timed (``--trainer``)


def load_trainer(path: str) -> Any:
    """A modified copy of ``theory/sparse_coding/sae.py`` (for trying an optimisation side by side)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("sae_under_test", path)
    if spec is None or spec.loader is None:
        raise ValueError(f"cannot load a module from {path!r}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def options(dtype: str) -> Any:
    return TRAINER.SAEOptions(
        lr=LR, betas=BETAS, eps=EPS, weight_decay=0.0, progress=False, dtype=dtype, blas_threads=1
    )


def train_saes(*args: Any, **kwargs: Any) -> list[Any]:
    return TRAINER.train_saes(*args, **kwargs)


def initial_weights(pool, plan, *, kind: str, width: int, k: int | None, dtype: str) -> dict[str, np.ndarray]:
    """The NumPy trainer's initialisation for seed ``SEED``, in the toolkit's layout (float64).

    One step at learning rate 1e-30 moves nothing representable; ``b_enc`` starts at 0.
    """
    kw = {"l1": 0.0} if kind == "relu" else {"k": k}
    s = train_saes(
        Replay(pool, plan),
        kind=kind,
        width=width,
        steps=1,
        batch_size=plan.shape[1],
        lr=1e-30,
        options=options(dtype),
        rng=SEED,
        **kw,
    )[0]
    return {
        "W_enc": s.W_enc.astype(np.float64),
        "b_enc": np.zeros(width),
        "W_dec": s.W_dec.astype(np.float64),
        "b_dec": s.b_dec.astype(np.float64),
    }


def run_numpy(
    pool, plan, *, kind: str, width: int, coefs: np.ndarray | None, k: int | None, steps: int, dtype: str = "float32"
):
    """``train_saes`` on the replayed stream; returns (list of SAE, wall s, cpu s)."""
    kw = {"l1": coefs if coefs.size > 1 else float(coefs[0])} if kind == "relu" else {"k": k}
    w0, c0 = time.perf_counter(), time.process_time()
    saes = train_saes(
        Replay(pool, plan),
        kind=kind,
        width=width,
        steps=steps,
        batch_size=plan.shape[1],
        options=options(dtype),
        rng=SEED,
        **kw,
    )
    return saes, time.perf_counter() - w0, time.process_time() - c0


def run_torch(init, pool, plan, *, kind: str, l1: float, k: int | None, steps: int, dtype: str = "float32"):
    """Train like SAELens; returns (SAE in the toolkit's layout, last training loss, wall s, cpu s)."""
    import torch

    torch.set_num_threads(1)
    tdt = torch.float32 if dtype == "float32" else torch.float64

    class TorchSAE(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            # SAELens layout: W_enc (d_in, d_sae), W_dec (d_sae, d_in)
            self.W_enc = torch.nn.Parameter(torch.tensor(init["W_enc"].T.copy(), dtype=tdt))
            self.b_enc = torch.nn.Parameter(torch.tensor(init["b_enc"], dtype=tdt))
            self.W_dec = torch.nn.Parameter(torch.tensor(init["W_dec"].T.copy(), dtype=tdt))
            self.b_dec = torch.nn.Parameter(torch.tensor(init["b_dec"], dtype=tdt))

        def encode(self, x):
            hidden_pre = (x - self.b_dec) @ self.W_enc + self.b_enc
            if kind == "topk":
                top = torch.topk(hidden_pre, k, dim=-1)
                return torch.zeros_like(hidden_pre).scatter(-1, top.indices, torch.relu(top.values))
            return torch.relu(hidden_pre)

        def forward(self, x):
            feature_acts = self.encode(x)
            return feature_acts, feature_acts @ self.W_dec + self.b_dec

    w0, c0 = time.perf_counter(), time.process_time()
    sae = TorchSAE()
    opt = torch.optim.Adam(sae.parameters(), lr=LR, betas=BETAS, eps=EPS)
    data = Replay(pool, plan)
    data.sample(plan.shape[1])  # batch 0 initialised b_dec
    loss = None
    for _ in range(steps):
        x = torch.from_numpy(data.sample(plan.shape[1])).to(tdt)
        feature_acts, sae_out = sae(x)
        loss = (sae_out - x).pow(2).sum(dim=-1).mean()
        if kind == "relu":
            loss = loss + l1 * feature_acts.norm(p=1, dim=-1).mean()
        loss.backward()
        with torch.no_grad():  # remove_gradient_parallel_to_decoder_directions
            parallel = torch.einsum("ij,ij->i", sae.W_dec.grad, sae.W_dec.data)
            sae.W_dec.grad -= torch.einsum("i,ij->ij", parallel, sae.W_dec.data)
        opt.step()
        opt.zero_grad()
        with torch.no_grad():  # set_decoder_norm_to_unit_norm
            sae.W_dec.data /= torch.norm(sae.W_dec.data, dim=1, keepdim=True)
    last = float(loss.item())
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    out = SAE(
        W_enc=sae.W_enc.detach().numpy().T.copy(),
        b_enc=sae.b_enc.detach().numpy().copy(),
        W_dec=sae.W_dec.detach().numpy().T.copy(),
        b_dec=sae.b_dec.detach().numpy().copy(),
        kind=kind,
        k=k if kind == "topk" else None,
        sparsity_coefficient=l1 if kind == "relu" else None,
    )
    return out, last, wall, cpu


def held_out(sae: SAE, x: np.ndarray, l1: float) -> tuple[float, float]:
    """Training objective on ``x`` in float64 (summed squared error, mean over rows, plus L1 for ReLU)
    and the mean number of active latents."""
    f = sae.encode(x)
    r = x - sae.decode(f)
    loss = float(np.einsum("bd,bd->b", r, r).mean())
    if sae.kind == "relu":
        loss += l1 * float(f.sum(axis=1).mean())
    return loss, float(np.count_nonzero(f, axis=1).mean())


def held_out_loss(sae: SAE, x: np.ndarray, l1: float) -> float:
    return held_out(sae, x, l1)[0]


# ----------------------------------------------------------------------------------------------
# correctness anchor: a few steps in float64
# ----------------------------------------------------------------------------------------------


def anchor(steps: int = 10, dim: int = 256, width: int = 512, batch: int = 256) -> list[dict[str, Any]]:
    """Both trainers for ``steps`` steps in float64 from the same start; largest parameter differences."""
    pool, plan, _ = make_data("sharkey", 4096, steps, batch, np.float64)
    rows = []
    for kind, l1, k in (("relu", 0.05, None), ("topk", 0.0, 8)):
        init = initial_weights(pool, plan, kind=kind, width=width, k=k, dtype="float64")
        coefs = np.array([l1])
        ns, _, _ = run_numpy(pool, plan, kind=kind, width=width, coefs=coefs, k=k, steps=steps, dtype="float64")
        ts, tloss, _, _ = run_torch(init, pool, plan, kind=kind, l1=l1, k=k, steps=steps, dtype="float64")
        n = ns[0]
        diff = {
            name: float(np.max(np.abs(getattr(n, name) - getattr(ts, name))))
            for name in ("W_enc", "b_enc", "W_dec", "b_dec")
        }
        moved = float(np.max(np.abs(n.W_enc - init["W_enc"])))
        rows.append(
            {
                "kind": kind,
                "steps": steps,
                "dim": dim,
                "width": width,
                "batch_size": batch,
                "max_abs_param_diff": diff,
                "max_abs_W_enc_change_from_init": moved,
                "last_loss_numpy": float(n.losses[-1]),
                "last_loss_torch": tloss,
                "last_loss_rel_diff": abs(float(n.losses[-1]) - tloss) / abs(tloss),
            }
        )
        print(
            f"anchor float64 {kind}: max |param diff| {max(diff.values()):.2e} (params moved {moved:.2e}), "
            f"last loss {n.losses[-1]:.10g} vs {tloss:.10g}",
            flush=True,
        )
    return rows


# ----------------------------------------------------------------------------------------------
# the settings
# ----------------------------------------------------------------------------------------------


def settings(quick: bool, steps_override: int | None) -> dict[str, list[dict[str, Any]]]:
    if quick:
        a = [dict(data="sharkey", width=w, kind=kd, steps=100) for w in (512,) for kd in ("relu", "topk")]
        b = [dict(data="synth16k", width=1024, kind=kd, steps=20) for kd in ("relu", "topk")]
        c = [dict(data="sharkey", width=512, kind="relu", steps=50, sweep=4)]
    else:
        a = [dict(data="sharkey", width=w, kind=kd, steps=1000) for w in (512, 1024) for kd in ("relu", "topk")]
        b = [dict(data="synth16k", width=4096, kind=kd, steps=200) for kd in ("relu", "topk")]
        c = [dict(data="sharkey", width=512, kind="relu", steps=500, sweep=16)]
    out = {"a": a, "b": b, "c": c}
    if steps_override:
        for rows in out.values():
            for r in rows:
                r["steps"] = steps_override
    return out


def run_setting(group: str, s: dict[str, Any], batch: int, first: str, torch_ok: bool) -> dict[str, Any]:
    steps, width, kind = s["steps"], s["width"], s["kind"]
    pool, plan, held = make_data(s["data"], 32768, steps, batch)
    dim = pool.shape[1]
    k = 16 if kind == "topk" else None
    if "sweep" in s:
        coefs = L1_SWEEP if s["sweep"] == 16 else np.geomspace(1e-3, 0.3, s["sweep"])
    else:
        coefs = np.array([0.05 if dim == 256 else 1.0]) if kind == "relu" else np.array([0.0])
    init = initial_weights(pool, plan, kind=kind, width=width, k=k, dtype="float32")
    row: dict[str, Any] = {
        "group": group,
        "kind": kind,
        "dim": dim,
        "width": width,
        "instances": int(coefs.size),
        "steps": steps,
        "batch_size": batch,
        "data": s["data"],
        "k": k,
        "l1": [float(c) for c in coefs] if kind == "relu" else None,
        "first": first,
    }

    def numpy_side():
        saes, wall, cpu = run_numpy(pool, plan, kind=kind, width=width, coefs=coefs, k=k, steps=steps)
        row["numpy_wall_s"], row["numpy_cpu_s"] = round(wall, 3), round(cpu, 3)
        return saes

    def torch_side():
        wall = cpu = 0.0
        outs = []
        for c in coefs:  # sequential runs, one per coefficient
            sae, last, w, cp = run_torch(init, pool, plan, kind=kind, l1=float(c), k=k, steps=steps)
            outs.append((sae, last))
            wall += w
            cpu += cp
        row["torch_wall_s"], row["torch_cpu_s"] = round(wall, 3), round(cpu, 3)
        return outs

    order = ["numpy", "torch"] if first == "numpy" else ["torch", "numpy"]
    res: dict[str, Any] = {}
    for label in order:
        if label == "torch" and not torch_ok:
            continue
        res[label] = numpy_side() if label == "numpy" else torch_side()
    if "torch" in res:
        row["speedup_wall"] = round(row["torch_wall_s"] / row["numpy_wall_s"], 3)
        row["speedup_cpu"] = round(row["torch_cpu_s"] / row["numpy_cpu_s"], 3)
        last_np = np.array([s_.losses[-1] for s_ in res["numpy"]])
        last_t = np.array([last for _, last in res["torch"]])
        ev_np = np.array([held_out(s_, held, float(c)) for s_, c in zip(res["numpy"], coefs, strict=True)])
        ev_t = np.array([held_out(s_, held, float(c)) for (s_, _), c in zip(res["torch"], coefs, strict=True)])
        held_np, held_t = ev_np[:, 0], ev_t[:, 0]
        row["held_out_l0_numpy"] = ev_np[:, 1].tolist()
        row["held_out_l0_torch"] = ev_t[:, 1].tolist()
        row["last_loss_numpy"] = last_np.tolist()
        row["last_loss_torch"] = last_t.tolist()
        row["held_out_loss_numpy"] = held_np.tolist()
        row["held_out_loss_torch"] = held_t.tolist()
        rel_last = np.abs(last_np - last_t) / np.abs(last_t)
        rel_held = np.abs(held_np - held_t) / np.abs(held_t)
        row["last_loss_rel_diff_max"] = float(rel_last.max())
        row["held_out_loss_rel_diff_max"] = float(rel_held.max())
        row["held_out_loss_rel_diff_median"] = float(np.median(rel_held))
    return row


# ----------------------------------------------------------------------------------------------
# the ceiling: what a dense ReLU step and a sweep can gain at most on this machine
# ----------------------------------------------------------------------------------------------


def _cpu_per_call(fn: Any, *, calls: int = 200, repeats: int = 5) -> float:
    """Best-of-``repeats`` CPU seconds per call of ``fn`` (``calls`` calls per repeat, one warm-up)."""
    fn()
    best = math.inf
    for _ in range(repeats):
        c0 = time.process_time()
        for _ in range(calls):
            fn()
        best = min(best, (time.process_time() - c0) / calls)
    return best


def _product_times(rng: np.random.Generator, batch: int, width: int, dim: int) -> dict[str, float]:
    """CPU seconds of each of the five float32 products of a dense ReLU step, in the trainer's layouts."""
    f32 = np.float32
    xc = rng.standard_normal((batch, dim)).astype(f32)
    We = rng.standard_normal((width, dim)).astype(f32)
    Dt = rng.standard_normal((width, dim)).astype(f32)
    f = np.maximum(rng.standard_normal((batch, width)).astype(f32) - 0.7, 0)
    dx = rng.standard_normal((batch, dim)).astype(f32)
    z, df = np.empty((batch, width), f32), np.empty((batch, width), f32)
    gD, gW = np.empty((width, dim), f32), np.empty((width, dim), f32)
    products = {
        "encoder": lambda: np.matmul(xc, We.T, out=z),
        "reconstruction": lambda: f @ Dt,
        "decoder_gradient": lambda: np.matmul(f.T, dx, out=gD),
        "code_gradient": lambda: np.matmul(dx, Dt.T, out=df),
        "encoder_gradient": lambda: np.matmul(df.T, xc, out=gW),
    }
    return {name: _cpu_per_call(fn) for name, fn in products.items()}


def ceiling(
    widths: tuple[int, ...] = (512, 1024), batch: int = 256, torch_ok: bool = True, sweep_steps: int = 500
) -> dict[str, Any]:
    """The parts of a dense float32 ReLU step at dim 256, measured one at a time on one thread.

    A dense step is five products (encoder ``(x - b_dec) W_enc^T``, reconstruction ``f W_dec^T``,
    the decoder gradient ``f^T dx``, the code gradient ``dx W_dec`` and the encoder gradient
    ``dz^T (x - b_dec)``) plus an AdamW step over every parameter. The PyTorch reference runs the same
    products, so ``torch step / (products + Adam)`` bounds what any dense NumPy step can gain. For the
    sweep, the 16 instances' code densities after the run bound what even a sparse kernel as fast per
    active code as a dense product could gain: the encoder product and the Adam step stay, the other four
    products shrink to the mean density.
    """
    from theory._optim import AdamW, FlatParams

    dim = 256
    rng = np.random.default_rng(0)
    f32 = np.float32
    out: dict[str, Any] = {"dim": dim, "batch": batch, "widths": {}}
    for width in widths:
        t_prod = _product_times(rng, batch, width, dim)
        flops = 2.0 * batch * width * dim
        params = FlatParams(
            {
                "W_enc": rng.standard_normal((width, dim)).astype(f32),
                "b_enc": np.zeros(width, f32),
                "W_dec": rng.standard_normal((width, dim)).astype(f32),
                "b_dec": np.zeros(dim, f32),
            },
            f32,
        )
        params.grad[:] = rng.standard_normal(params.grad.size).astype(f32)
        opt = AdamW(lr=LR, betas=BETAS, eps=EPS, weight_decay=0.0)
        t_adam = _cpu_per_call(lambda opt=opt, params=params: opt.step(params))
        steps = 200
        pool, plan, _ = make_data("sharkey", 32768, steps, batch)
        coefs = np.array([0.0])  # codes about half active throughout: every step is dense
        _, _, np_cpu = run_numpy(pool, plan, kind="relu", width=width, coefs=coefs, k=None, steps=steps)
        row: dict[str, Any] = {
            "products_ms": {k: round(1e3 * v, 4) for k, v in t_prod.items()},
            "products_gflops": {k: round(flops / v / 1e9, 1) for k, v in t_prod.items()},
            "products_total_ms": round(1e3 * sum(t_prod.values()), 4),
            "adam_ms": round(1e3 * t_adam, 4),
            "numpy_dense_step_ms": round(1e3 * np_cpu / steps, 4),
        }
        if torch_ok:
            init = initial_weights(pool, plan, kind="relu", width=width, k=None, dtype="float32")
            _, _, _, t_cpu = run_torch(init, pool, plan, kind="relu", l1=0.0, k=None, steps=steps)
            torch_step = t_cpu / steps
            row["torch_step_ms"] = round(1e3 * torch_step, 4)
            row["dense_step_ceiling"] = round(torch_step / (sum(t_prod.values()) + t_adam), 3)
            row["dense_step_ratio"] = round(torch_step / (np_cpu / steps), 3)
        out["widths"][str(width)] = row
        print(f"ceiling width {width}: {json.dumps(row)}", flush=True)
    # the sweep (at the first width): densities of the 16 instances after the run, and the bound they allow
    width, steps = widths[0], sweep_steps
    pool, plan, held = make_data("sharkey", 32768, steps, batch)
    saes, _, _ = run_numpy(pool, plan, kind="relu", width=width, coefs=L1_SWEEP, k=None, steps=steps)
    dens = [float(np.mean(s_.encode(held[:4096]) > 0)) for s_ in saes]
    w = out["widths"][str(width)]
    enc, others = w["products_ms"]["encoder"], w["products_total_ms"] - w["products_ms"]["encoder"]
    elementwise = max(0.0, w["numpy_dense_step_ms"] - w["products_total_ms"] - w["adam_ms"])
    ideal = enc + w["adam_ms"] + elementwise + float(np.mean(dens)) * others
    out["sweep"] = {
        "l1": L1_SWEEP.tolist(),
        "densities": [round(d, 4) for d in dens],
        "mean_density": round(float(np.mean(dens)), 4),
    }
    out["sweep"]["ideal_sparse_step_ms"] = round(ideal, 4)
    if torch_ok:
        out["sweep"]["ideal_sparse_ceiling"] = round(w["torch_step_ms"] / ideal, 3)
    print(f"ceiling sweep: {json.dumps(out['sweep'])}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (under a minute)")
    ap.add_argument("--only", choices=["a", "b", "c"], action="append", help="run only these settings")
    ap.add_argument("--steps", type=int, default=None, help="steps for every setting")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--anchor-steps", type=int, default=10)
    ap.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="run every setting this many times (alternating which trainer goes first); the summary "
        "gives the median, min and max ratio",
    )
    ap.add_argument(
        "--ceiling",
        action="store_true",
        help="also time the parts of a dense ReLU step (five products, Adam) and the sweep's code densities: "
        "the most a dense step, or a sweep with an ideal sparse kernel, could gain",
    )
    ap.add_argument("--out", default=str(RESULTS))
    ap.add_argument(
        "--trainer",
        default=None,
        metavar="FILE",
        help="time a modified copy of theory/sparse_coding/sae.py instead of the installed one",
    )
    args = ap.parse_args(argv)
    global TRAINER
    if args.trainer:
        TRAINER = load_trainer(args.trainer)
    threadpoolctl.threadpool_limits(1)
    try:
        import torch

        torch.set_num_threads(1)
        torch_version = torch.__version__
        torch_ok = True
    except ModuleNotFoundError:
        torch_version, torch_ok = None, False
        print("torch is not installed: timing the NumPy trainer only (pip install torch==2.13.0 for the comparison)")
    blas = [
        {k: v for k, v in info.items() if k in ("internal_api", "version", "num_threads", "architecture")}
        for info in threadpoolctl.threadpool_info()
    ]
    machine = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch_version,
        "threads": 1,
        "trainer": args.trainer or "theory/sparse_coding/sae.py",
        "blas": blas,
        "loadavg_start": os.getloadavg(),
        "note": "shared machine: other jobs were running during the measurement (see the load averages)",
    }
    print(json.dumps(machine, indent=1), flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "machine": machine,
        "command": " ".join(["python", "benchmarks/sae_training.py", *(argv if argv is not None else sys.argv[1:])]),
        "adam": {"lr": LR, "betas": list(BETAS), "eps": EPS},
        "rows": [],
    }
    if torch_ok:
        result["anchor_float64"] = anchor(steps=args.anchor_steps, width=128 if args.quick else 512)
    if args.ceiling:
        result["ceiling"] = (
            ceiling(widths=(128,), torch_ok=torch_ok, sweep_steps=50) if args.quick else ceiling(torch_ok=torch_ok)
        )
    groups = settings(args.quick, args.steps)
    n = 0
    for group in args.only or ["a", "b", "c"]:
        for s in groups[group]:
            for r in range(args.repeats):
                row = run_setting(group, s, args.batch_size, "numpy" if n % 2 == 0 else "torch", torch_ok)
                row["repeat"] = r
                row["loadavg_after"] = os.getloadavg()
                n += 1
                result["rows"].append(row)
                brief = {
                    k: row[k]
                    for k in (
                        "group",
                        "kind",
                        "dim",
                        "width",
                        "instances",
                        "steps",
                        "numpy_wall_s",
                        "torch_wall_s",
                        "speedup_wall",
                        "speedup_cpu",
                        "held_out_loss_rel_diff_max",
                    )
                    if k in row
                }
                print(json.dumps(brief), flush=True)
                out.write_text(json.dumps({**result, "partial": True}, indent=1))
    targets = {"a": 1.5, "b": 1.0, "c": 3.0}
    if torch_ok:
        summary = {}
        for group in sorted({r["group"] for r in result["rows"]}):
            rows = [r for r in result["rows"] if r["group"] == group]
            per_setting = {}
            for r in rows:
                per_setting.setdefault(f"{r['kind']} {r['dim']}x{r['width']} x{r['instances']}", []).append(r)
            med = {
                key: {
                    "cpu_median": float(np.median([r["speedup_cpu"] for r in rs])),
                    "cpu_min": min(r["speedup_cpu"] for r in rs),
                    "cpu_max": max(r["speedup_cpu"] for r in rs),
                    "wall_median": float(np.median([r["speedup_wall"] for r in rs])),
                    "wall_min": min(r["speedup_wall"] for r in rs),
                    "wall_max": max(r["speedup_wall"] for r in rs),
                    "repeats": len(rs),
                }
                for key, rs in per_setting.items()
            }
            summary[group] = {
                "target": targets[group],
                "settings": med,
                "met_cpu_median": all(m["cpu_median"] >= targets[group] for m in med.values()),
                "met_wall_median": all(m["wall_median"] >= targets[group] for m in med.values()),
            }
        result["summary"] = summary
    machine["loadavg_end"] = os.getloadavg()
    print()
    keys = [
        "group",
        "kind",
        "dim",
        "width",
        "instances",
        "steps",
        "numpy_wall_s",
        "torch_wall_s",
        "speedup_wall",
        "numpy_cpu_s",
        "torch_cpu_s",
        "speedup_cpu",
        "held_out_loss_rel_diff_max",
    ]
    print(" | ".join(keys))
    for r in result["rows"]:
        print(" | ".join(f"{r[k]:.4g}" if isinstance(r.get(k), float) else str(r.get(k)) for k in keys))
    if "summary" in result:
        print(json.dumps(result["summary"], indent=1))
    print(f"load average start {machine['loadavg_start']}, end {machine['loadavg_end']}")
    out.write_text(json.dumps(result, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
