"""SynthSAEBench at CPU size: five SAE architectures scored against the ground truth at L0 = 25 and 20.

Data: :func:`theory.sparse_coding.synth_sae_bench` ``("cpu")``: 1,024 true features in 128 dimensions, Zipf
firing, a hierarchy (8 trees, branching 4, depth 3), rank-25 correlations, magnitudes |N(5..4, sigma_i)|;
its exact expected data L0 is about 7.4. Fresh samples every training step.

SAEs: width 256 (SynthSAEBench trains 4,096 latents on 16,384 features, a quarter of n; a quarter of 1,024 is
256), three seeds trained at once (``n_seeds=3``) per (architecture, target L0):

- ``topk``, ``batchtopk``, ``matryoshka``: ``k`` = target L0;
- ``relu`` (L1) and ``jumprelu`` (L0 penalty): a batched sweep of coefficients (one ``train_saes`` call, one
  seed, the same steps) measures the held-out L0 per coefficient; the coefficient for each target is the
  log-log interpolation between the two sweep points bracketing the target (the closest sweep point if
  none brackets it); then three seeds are trained at that coefficient. Both are recorded.

Scores on a held-out batch (means over the three seeds, with the spread): per-latent detection F1 (each
latent against its best-|cos| true feature, dead latents counted, as SynthSAEBench), MCC (optimal one-to-one
matching of decoder columns with true features), uniqueness, explained variance, L0, dead-latent fraction;
plus whether the training loss had flattened. Matching pursuit, SynthSAEBench's fifth method, is not an SAE
here: as a stand-in, OMP with ``k`` = target atoms on the learned TopK dictionary (applied to ``x - b_dec``;
signed codes, nonzero = active) is scored too; its MCC and uniqueness are the TopK dictionary's.

Every training run is a cell of a :func:`theory.sweep.sweep` persisted in
``benchmarks/results/sparse_coding_synthbench[_quick].sqlite`` (gitignored): rerun the same command to resume.
One extra cell times a single TopK SAE (one instance) at L0 25 with the same steps.

Run::

    python benchmarks/sparse_coding_synthbench.py            # full: L0 25 and 20, 3 seeds
    python benchmarks/sparse_coding_synthbench.py --quick    # L0 25, few steps, under 2 minutes
    python benchmarks/sparse_coding_synthbench.py --l0 25    # one target only
    python benchmarks/sparse_coding_synthbench.py --l0 25 20 8   # also near the data's own L0 (about 7.4)

Writes ``benchmarks/results/sparse_coding_synthbench.{json,md}`` (``_quick`` files in quick mode).
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
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.experiments.sparse_coding import loss_flattening, pre_decay_change  # noqa: E402
from theory.sparse_coding.inference import omp  # noqa: E402
from theory.sparse_coding.metrics import (  # noqa: E402
    dead_latents,
    detection_scores,
    explained_variance,
    mcc,
    uniqueness,
)
from theory.sparse_coding.sae import SAE, SAEOptions, train_saes  # noqa: E402
from theory.sparse_coding.truth import synth_sae_bench  # noqa: E402
from theory.sweep import sweep  # noqa: E402

RESULTS = Path(__file__).with_name("results")
SEED = 0
TRUTH_SEED = 0
WIDTH = 256
N_SEEDS = 3
KINDS = ("relu", "topk", "batchtopk", "jumprelu", "matryoshka")
#: Coefficient sweeps for the penalised kinds (geometric; chosen so the L0 targets fall inside).
TUNE = {"relu": (0.2, 6.0), "jumprelu": (0.003, 3.0)}
MODES: dict[str, dict[str, Any]] = {
    "full": {"l0": [25, 20], "steps": 5000, "batch_size": 256, "n_eval": 16384, "n_tune": 8},
    "quick": {"l0": [25], "steps": 150, "batch_size": 256, "n_eval": 2048, "n_tune": 5},
}
OPTIONS = {
    "lr": 1e-3,
    "lr_decay": 0.2,
    "sparsity_warmup": 0.05,
    "jumprelu_bandwidth": 0.1,
    "jumprelu_init_threshold": 1.0,
    "dead_window": 500,
}
#: Published SynthSAEBench-16k values at L0 = 25 (F1, MCC, explained variance), Chanin & Garriga-Alonso 2026.
PUBLISHED = {
    "matryoshka": (0.879, 0.793, 0.779),
    "batchtopk": (0.732, 0.757, 0.792),
    "jumprelu": (0.732, 0.753, 0.795),
    "relu": (0.556, 0.604, 0.765),
    "matching pursuit": (0.446, 0.693, 0.835),
}


def _truth() -> Any:
    return synth_sae_bench("cpu", rng=TRUTH_SEED)


def _options_for(kind: str, steps: int) -> dict[str, Any]:
    """The :class:`SAEOptions` settings of one kind (part of each cell's parameters, so stored cells
    trained with other settings are never reused)."""
    o = dict(OPTIONS)
    o["dead_window"] = min(o["dead_window"], max(1, steps // 4))
    if kind != "jumprelu":
        o.pop("jumprelu_bandwidth")
        o.pop("jumprelu_init_threshold")
    if kind not in ("relu", "jumprelu"):
        o.pop("sparsity_warmup")
    return o


def _options(params: dict[str, Any]) -> SAEOptions:
    return SAEOptions(progress=False, **params["options"])


def _scores(codes: Any, x: np.ndarray, x_hat: np.ndarray, c: Any, D: np.ndarray, T: np.ndarray) -> dict[str, Any]:
    det = detection_scores(codes, c, learned=D, true=T)
    nz = codes != 0
    return {
        "f1": det.mean_f1,
        "precision": det.mean_precision,
        "recall": det.mean_recall,
        "mcc": mcc(D, T),
        "uniqueness": uniqueness(D, T),
        "explained_variance": explained_variance(x, x_hat),
        "l0": float(nz.sum(axis=1).mean()),
        "dead_fraction": dead_latents(nz.astype(float)).fraction,
    }


def _score_sae(sae: SAE, x: np.ndarray, c: Any, T: np.ndarray) -> dict[str, Any]:
    codes = sae.encode(x)
    out = _scores(codes, x, sae.decode(codes), c, np.asarray(sae.W_dec, dtype=np.float64), T)
    out.update(
        final_loss=float(sae.losses[-1]),
        loss_change_last_tenth=loss_flattening(sae.losses),
        train_l0=float(sae.l0s[-1]),
        train_dead_fraction=float(sae.dead_fractions[-1]),
        loss_curve={
            "steps": sae.log_steps[:: max(1, sae.log_steps.size // 20)].tolist(),
            "loss": sae.losses[:: max(1, sae.losses.size // 20)].tolist(),
        },
    )
    return out


def tune_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Sweep cell: one batched coefficient sweep (one seed) for relu or jumprelu; held-out L0 per coefficient."""
    truth = _truth()
    eval_rng = np.random.default_rng(rng.integers(2**63))
    kw = {"l1": params["coefs"]} if params["kind"] == "relu" else {"l0": params["coefs"]}
    t0 = time.perf_counter()
    saes = train_saes(
        truth,
        kind=params["kind"],
        width=WIDTH,
        n_seeds=1,
        steps=params["steps"],
        batch_size=params["batch_size"],
        options=_options(params),
        rng=rng,
        **kw,
    )
    secs = time.perf_counter() - t0
    x, _ = truth.sample(params["n_eval"], rng=eval_rng)
    l0 = [float(np.count_nonzero(s.encode(x), axis=1).mean()) for s in saes]
    return {
        "coefs": params["coefs"],
        "l0_eval": l0,
        "train_l0": [float(s.l0s[-1]) for s in saes],
        "train_seconds": secs,
        "loadavg_end": list(os.getloadavg()),
    }


def train_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Sweep cell: ``n_seeds`` SAEs of one kind at one target, trained at once, scored per seed."""
    truth = _truth()
    T = truth.dictionary
    eval_rng = np.random.default_rng(rng.integers(2**63))
    kind = params["kind"]
    if kind == "relu":
        kw: dict[str, Any] = {"l1": params["coef"]}
    elif kind == "jumprelu":
        kw = {"l0": params["coef"]}
    else:
        kw = {"k": params["l0_target"]}
    t0 = time.perf_counter()
    saes = train_saes(
        truth,
        kind=kind,
        width=WIDTH,
        n_seeds=params["n_seeds"],
        steps=params["steps"],
        batch_size=params["batch_size"],
        options=_options(params),
        rng=rng,
        **kw,
    )
    secs = time.perf_counter() - t0
    x, c = truth.sample(params["n_eval"], rng=eval_rng)
    out: dict[str, Any] = {
        "train_seconds": secs,
        "seeds": [_score_sae(s, x, c, T) for s in saes],
        "loadavg_end": list(os.getloadavg()),
    }
    if kind == "topk" and params["n_seeds"] > 1:
        mp = []
        for s in saes:
            D = np.asarray(s.W_dec, dtype=np.float64)
            res = omp(D, x - s.b_dec, k=params["l0_target"])
            codes = np.asarray(getattr(res, "codes", res))
            mp.append(_scores(codes, x, codes @ D.T + s.b_dec, c, D, T))
        out["omp_on_topk_dictionary"] = mp
    return out


def _coef_for(target: float, coefs: list[float], l0s: list[float]) -> tuple[float, str]:
    """Log-log interpolation of the coefficient giving ``target`` L0 between bracketing sweep points."""
    lc, ll = np.log(coefs), np.log(np.maximum(l0s, 1e-9))
    for i in range(len(coefs) - 1):
        lo, hi = sorted((ll[i], ll[i + 1]))
        if lo <= np.log(target) <= hi and ll[i] != ll[i + 1]:
            t = (np.log(target) - ll[i]) / (ll[i + 1] - ll[i])
            return float(np.exp(lc[i] + t * (lc[i + 1] - lc[i]))), "interpolated"
    j = int(np.argmin(np.abs(ll - np.log(target))))
    return float(coefs[j]), "closest (target not bracketed)"


def _agg(vals: list[float | None]) -> dict[str, float | None]:
    v = [x for x in vals if x is not None]
    if not v:
        return {"mean": None, "std": None}
    return {"mean": float(np.mean(v)), "std": float(np.std(v))}


def _run(fn: Any, grid: list[dict[str, Any]], store: Path, workers: int) -> Any:
    if workers <= 0:
        return sweep(fn, grid, executor="serial", store=store, rng=SEED)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return sweep(fn, grid, executor=pool, store=store, rng=SEED)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="L0 25 only, few steps (under 2 minutes)")
    ap.add_argument("--l0", type=int, nargs="+", help="override the target L0 values")
    ap.add_argument("--steps", type=int, help="override the training steps")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (0: serial)")
    args = ap.parse_args(argv)
    mode = "quick" if args.quick else "full"
    cfg = dict(MODES[mode])
    if args.l0:
        cfg["l0"] = args.l0
    if args.steps:
        cfg["steps"] = args.steps
    suffix = "_quick" if args.quick else ""
    RESULTS.mkdir(exist_ok=True)
    store = RESULTS / f"sparse_coding_synthbench{suffix}.sqlite"
    common = {"steps": cfg["steps"], "batch_size": cfg["batch_size"], "n_eval": cfg["n_eval"]}
    load0 = list(os.getloadavg())
    t_all = time.perf_counter()

    # 1. coefficient sweeps for the penalised kinds
    tune_grid = [
        {
            "kind": kd,
            "coefs": [float(v) for v in np.geomspace(*TUNE[kd], cfg["n_tune"])],
            **common,
            "options": _options_for(kd, cfg["steps"]),
        }
        for kd in ("jumprelu", "relu")
    ]
    tune = _run(tune_cell, tune_grid, store, args.workers)
    tuned: dict[str, Any] = {}
    for p, v in zip(tune.params, tune.values, strict=True):
        tuned[p["kind"]] = {
            "coefs": v["coefs"],
            "l0_eval": v["l0_eval"],
            "train_seconds": v["train_seconds"],
            "targets": {},
        }
        for target in cfg["l0"]:
            coef, how = _coef_for(target, v["coefs"], v["l0_eval"])
            j = int(np.argmin(np.abs(np.log(np.maximum(v["l0_eval"], 1e-9)) - np.log(target))))
            tuned[p["kind"]]["targets"][str(target)] = {
                "coef": coef,
                "rule": how,
                "closest_sweep_coef": v["coefs"][j],
                "closest_sweep_l0": v["l0_eval"][j],
            }

    # 2. three seeds per (kind, target), plus one single-instance TopK timing run; slow kinds first
    order = ("jumprelu", "matryoshka", "relu", "batchtopk", "topk")
    grid = []
    for target in cfg["l0"]:
        for kd in order:
            cell = {
                "kind": kd,
                "l0_target": target,
                "n_seeds": N_SEEDS,
                **common,
                "options": _options_for(kd, cfg["steps"]),
            }
            if kd in tuned:
                cell["coef"] = tuned[kd]["targets"][str(target)]["coef"]
            grid.append(cell)
    grid.append(
        {"kind": "topk", "l0_target": 25, "n_seeds": 1, **common, "options": _options_for("topk", cfg["steps"])}
    )
    res = _run(train_cell, grid, store, args.workers)
    wall = time.perf_counter() - t_all

    rows, single = [], None
    for p, v, e in zip(res.params, res.values, res.elapsed, strict=True):
        if p["n_seeds"] == 1:
            single = {
                "kind": "topk",
                "k": 25,
                "steps": p["steps"],
                "batch_size": p["batch_size"],
                "wall_seconds": v["train_seconds"],
                "cell_seconds": e,
                "loss_change_last_tenth": v["seeds"][0]["loss_change_last_tenth"],
                **{m: v["seeds"][0][m] for m in ("f1", "mcc", "l0", "explained_variance")},
            }
            continue
        row = {
            "kind": p["kind"],
            "l0_target": p["l0_target"],
            "coef": p.get("coef"),
            "train_seconds": v["train_seconds"],
            "cell_seconds": e,
        }
        for m in (
            "f1",
            "precision",
            "recall",
            "mcc",
            "uniqueness",
            "explained_variance",
            "l0",
            "dead_fraction",
            "loss_change_last_tenth",
        ):
            row[m] = _agg([s[m] for s in v["seeds"]])
        row["loss_change_before_decay"] = _agg([pre_decay_change(s["loss_curve"], p["steps"]) for s in v["seeds"]])
        row["seeds"] = v["seeds"]
        rows.append(row)
        if "omp_on_topk_dictionary" in v:
            mp = {"kind": "omp (TopK dictionary)", "l0_target": p["l0_target"], "coef": None}
            for m in ("f1", "precision", "recall", "mcc", "uniqueness", "explained_variance", "l0", "dead_fraction"):
                mp[m] = _agg([s[m] for s in v["omp_on_topk_dictionary"]])
            rows.append(mp)
    truth = _truth()
    out: dict[str, Any] = {
        "benchmark": "SynthSAEBench, CPU-sized configuration: five SAE architectures against the ground truth",
        "command": "python benchmarks/sparse_coding_synthbench.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "mode": mode,
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor(),
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "workers": args.workers,
            "loadavg_start": load0,
            "loadavg_end": list(os.getloadavg()),
            "note": "shared busy machine; wall times depend on the load",
        },
        "truth": {
            "preset": 'synth_sae_bench("cpu")',
            "n": truth.n,
            "dim": truth.dim,
            "truth_seed": TRUTH_SEED,
            "expected_l0": truth.expected_l0,
        },
        "training": {
            "width": WIDTH,
            "width_rule": "n/4, as SynthSAEBench's 4,096 latents for 16,384 features",
            "n_seeds": N_SEEDS,
            "steps": cfg["steps"],
            "batch_size": cfg["batch_size"],
            "samples_seen": cfg["steps"] * cfg["batch_size"],
            "data": "fresh samples each step",
            "options": OPTIONS,
            "optimizer": "Adam (AdamW, weight decay 0), lr decayed to 0 over the "
            "last 20% of steps; sparsity coefficient warmed up over the first 5% (relu, jumprelu)",
            "n_eval": cfg["n_eval"],
            "seed": SEED,
        },
        "tuning": tuned,
        "wall_seconds_total": wall,
        "cells_seconds_sum": float(sum(tune.elapsed) + sum(res.elapsed)),
        "single_sae": single,
        "rows": rows,
        "published_16k_l0_25": {k: {"f1": v[0], "mcc": v[1], "explained_variance": v[2]} for k, v in PUBLISHED.items()},
    }
    out["ranking"] = _ranking(rows, cfg["l0"])
    (RESULTS / f"sparse_coding_synthbench{suffix}.json").write_text(json.dumps(out, indent=1) + "\n")
    md = _markdown(out)
    (RESULTS / f"sparse_coding_synthbench{suffix}.md").write_text(md)
    print(md)
    print(f"wall {wall:.0f} s; machine {platform.processor()}, {os.cpu_count()} CPUs, load {os.getloadavg()}")


def _ranking(rows: list[dict[str, Any]], targets: list[int]) -> dict[str, Any]:
    out = {}
    for t in targets:
        rs = [r for r in rows if r["l0_target"] == t and r["kind"] in KINDS]
        by_f1 = sorted(rs, key=lambda r: -r["f1"]["mean"])
        mp = [r for r in rows if r["l0_target"] == t and r["kind"].startswith("omp")]
        ev_all = rs + mp
        out[str(t)] = {
            "f1_order": [r["kind"] for r in by_f1],
            "published_f1_order": ["matryoshka", "jumprelu~batchtopk", "relu", "matching pursuit"],
            "highest_explained_variance": max(ev_all, key=lambda r: r["explained_variance"]["mean"])["kind"],
        }
    return out


def _fmt(a: dict[str, Any], f: str = ".3f") -> str:
    if a["mean"] is None:
        return ""
    return f"{a['mean']:{f}} ± {a['std']:{f}}"


def _markdown(out: dict[str, Any]) -> str:
    t = out["training"]
    lines = [
        f"# SynthSAEBench, CPU size ({out['mode']})",
        "",
        f'Command: `{out["command"]}`. Data `synth_sae_bench("cpu")`: n {out["truth"]["n"]}, dim '
        f"{out['truth']['dim']}, expected data L0 {out['truth']['expected_l0']:.2f}. SAEs width {t['width']} "
        f"(n/4), {t['n_seeds']} seeds trained at once, {t['steps']} steps x batch {t['batch_size']} = "
        f"{t['samples_seen']:,} fresh samples each, Adam lr {t['options']['lr']} (linear decay over the last "
        f"20%). Scores on {t['n_eval']:,} held-out samples, mean ± std over seeds. Wall "
        f"{out['wall_seconds_total']:.0f} s for this invocation (cells already in the store are loaded, not "
        f"recomputed); sum of all cells' compute times {out['cells_seconds_sum']:.0f} s; load average "
        f"{out['machine']['loadavg_start'][0]:.1f} at start, "
        f"{out['machine']['loadavg_end'][0]:.1f} at end ({out['machine']['cpu_count']} CPUs, "
        f"{out['machine']['workers']} workers).",
        "",
    ]
    for target in sorted({r["l0_target"] for r in out["rows"]}, reverse=True):
        lines += [
            f"## Target L0 = {target}",
            "",
            "| method | coefficient / k | F1 | MCC | uniqueness | explained var. | L0 | dead | loss drop "
            "50-65% → 65-80% | loss drop, last tenth |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in out["rows"]:
            if r["l0_target"] != target:
                continue
            ck = f"{r['coef']:.4g}" if r["coef"] is not None else f"k = {target}"
            lines.append(
                f"| {r['kind']} | {ck} | {_fmt(r['f1'])} | {_fmt(r['mcc'])} | {_fmt(r['uniqueness'])} | "
                f"{_fmt(r['explained_variance'])} | {_fmt(r['l0'], '.1f')} | {_fmt(r['dead_fraction'], '.2f')}"
                f" | {_fmt(r.get('loss_change_before_decay', {'mean': None}), '.3f')}"
                f" | {_fmt(r.get('loss_change_last_tenth', {'mean': None}), '.3f')} |"
            )
        rk = out["ranking"][str(target)]
        lines += [
            "",
            f"F1 order here: {' > '.join(rk['f1_order'])}; highest explained variance: "
            f"{rk['highest_explained_variance']}.",
            "",
        ]
    lines += [
        "## Coefficient tuning (relu: L1, jumprelu: L0 penalty; one seed, same steps)",
        "",
        "| kind | target | coefficient used | rule | closest sweep point (L0) |",
        "|---|---|---|---|---|",
    ]
    for kd, tv in out["tuning"].items():
        for target, tt in tv["targets"].items():
            lines.append(
                f"| {kd} | {target} | {tt['coef']:.4g} | {tt['rule']} | {tt['closest_sweep_coef']:.4g} "
                f"({tt['closest_sweep_l0']:.1f}) |"
            )
        lines.append(
            f"| {kd} sweep | | "
            + ", ".join(f"{c:.3g}→{v:.1f}" for c, v in zip(tv["coefs"], tv["l0_eval"], strict=True))
            + " | | |"
        )
    s = out["single_sae"]
    if s:
        lines += [
            "",
            f"One TopK SAE (k 25, one instance, {s['steps']} steps x batch {s['batch_size']}): "
            f"{s['wall_seconds']:.0f} s training wall time; loss change over the last tenth "
            f"{s['loss_change_last_tenth']:.3f}.",
        ]
    lines += [
        "",
        "Published SynthSAEBench-16k at L0 25 (F1 / MCC / explained variance): "
        + "; ".join(
            f"{k} {v['f1']} / {v['mcc']} / {v['explained_variance']}" for k, v in out["published_16k_l0_25"].items()
        ),
        "",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
