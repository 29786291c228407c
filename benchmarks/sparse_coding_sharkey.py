"""Reproduce the toy of Sharkey, Braun & Millidge (2022), "Taking features out of superposition with sparse
autoencoders" (interim report, AI Alignment Forum): ReLU SAEs with an L1 penalty on 512 true features in 256
dimensions, scored by MMCS against the truth over a grid of L1 coefficients x dictionary ratios.

Data: :func:`theory.sparse_coding.sharkey2022` (unit Gaussian directions, U[0, 1) magnitudes; uncorrelated
path: firing ``p_i = (5/512) 0.99^i``, mean L0 0.971; correlated path: the decay rescaled to mean L0 5 with a
rank-32 Gaussian copula). Fresh samples every step (the sampler is passed to the trainer).

Per dictionary width (ratio x 256), the whole L1 sweep is ONE batched ``train_saes(l1=[...])`` call (every
coefficient sees the same batches); the widths are the cells of a :func:`theory.sweep.sweep` persisted in
``benchmarks/results/sparse_coding_sharkey[_quick].sqlite`` (gitignored): kill the run and rerun the same
command to resume. Per (coefficient, ratio): MMCS with the true features, MCC (optimal 1:1 matching), dead
latents (never active on a held-out batch, and silent for the last ``dead_window`` training steps), held-out
L0 and explained variance, and whether the training loss had flattened. Then the paper's model-selection
heuristic without ground truth: the MMCS between the dictionaries learned at adjacent sizes with the same
coefficient (mean over the smaller dictionary's atoms of the best |cos| with an atom of the larger one; also
the pairwise MCC), which should stay high while the dictionary is no larger than the number of true features
(ratio 2 here) and fall beyond it.

Loss convention: the trainer's, per sample ``||x - x_hat||^2`` summed over the 256 dimensions plus
``l1 * sum_i f_i`` with unit-norm decoder columns. Sharkey et al. used the mean squared error over dimensions
and divided the L1 term by the number of latents, so their coefficients are not on this scale; the grid here
keeps their spacing (powers 10^(k/4), every second one) on this loss's scale.

Run::

    python benchmarks/sparse_coding_sharkey.py            # full: ratios 0.25..4, 5 coefficients
    python benchmarks/sparse_coding_sharkey.py --quick    # under 2 minutes
    python benchmarks/sparse_coding_sharkey.py --ratios 0.25 0.5 1 2 4 8 --correlated both   # the 8x cells
                                                           # too, both data paths (the committed results)

Writes ``benchmarks/results/sparse_coding_sharkey.{json,md,png,pdf}`` (``_quick`` files in quick mode).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import base64  # noqa: E402
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
from theory.sparse_coding.metrics import dead_latents, explained_variance, mcc, mmcs, pairwise_mcc  # noqa: E402
from theory.sparse_coding.sae import SAEOptions, train_saes  # noqa: E402
from theory.sparse_coding.truth import sharkey2022  # noqa: E402
from theory.sweep import sweep  # noqa: E402

RESULTS = Path(__file__).with_name("results")
DIM = 256
SEED = 0
TRUTH_SEED = 0

MODES: dict[str, dict[str, Any]] = {
    # ratios x 256 = widths; l1 = 10^(k/4)
    "full": {
        "ratios": [0.25, 0.5, 1, 2, 4],
        "l1_k": [-10, -8, -6, -4, -2],
        "steps": 2000,
        "batch_size": 128,
        "n_eval": 16384,
        "dead_window": 400,
    },
    "quick": {
        "ratios": [0.5, 1, 2],
        "l1_k": [-6, -4, -2],
        "steps": 300,
        "batch_size": 128,
        "n_eval": 4096,
        "dead_window": 100,
    },
}
LR = 3e-3
LR_DECAY = 0.2  # linear decay to 0 over the last 20% of steps


def _encode_dict(D: np.ndarray) -> str:
    """A dictionary as base64 float16 (for the adjacent-size comparison; cosines to ~1e-3)."""
    return base64.b64encode(np.ascontiguousarray(D, dtype=np.float16).tobytes()).decode("ascii")


def _decode_dict(s: str, dim: int) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype=np.float16).astype(np.float64).reshape(dim, -1)


def train_width(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """One sweep cell: a whole L1 sweep at one dictionary width, trained at once and scored."""
    truth = sharkey2022(correlated=params["correlated"], rng=TRUTH_SEED)
    width = int(round(params["ratio"] * DIM))
    l1s = [10.0 ** (k / 4) for k in params["l1_k"]]
    eval_rng = np.random.default_rng(rng.integers(2**63))
    opts = SAEOptions(lr=LR, lr_decay=LR_DECAY, progress=False, dead_window=params["dead_window"], dtype="float32")
    t0 = time.perf_counter()
    saes = train_saes(
        truth,
        kind="relu",
        width=width,
        l1=l1s,
        steps=params["steps"],
        batch_size=params["batch_size"],
        options=opts,
        rng=rng,
    )
    train_s = time.perf_counter() - t0
    x_eval, _ = truth.sample(params["n_eval"], rng=eval_rng)
    rows = []
    for k, l1, sae in zip(params["l1_k"], l1s, saes, strict=True):
        fired = np.zeros(width, dtype=bool)
        l0_sum, x_hat = 0.0, np.empty_like(x_eval)
        for s in range(0, x_eval.shape[0], 2048):
            codes = sae.encode(x_eval[s : s + 2048])
            fired |= (codes > 0).any(axis=0)
            l0_sum += float((codes > 0).sum())
            x_hat[s : s + 2048] = sae.decode(codes)
        dead_eval = dead_latents(fired[None, :].astype(float))
        D = np.asarray(sae.W_dec, dtype=np.float64)
        rows.append(
            {
                "l1_k": k,
                "l1": l1,
                "mmcs": mmcs(D, truth.dictionary),
                "mcc": mcc(D, truth.dictionary),
                "dead_fraction_eval": dead_eval.fraction,
                "dead_count_eval": dead_eval.count,
                "dead_fraction_train": float(sae.dead_fractions[-1]),
                "l0_eval": l0_sum / x_eval.shape[0],
                "explained_variance": explained_variance(x_eval, x_hat),
                "final_loss": float(sae.losses[-1]),
                "final_mse": float(sae.mses[-1]),
                "loss_curve": {
                    "steps": sae.log_steps[:: max(1, sae.log_steps.size // 20)].tolist(),
                    "loss": sae.losses[:: max(1, sae.losses.size // 20)].tolist(),
                },
                "loss_change_last_tenth": loss_flattening(sae.losses),
                "dictionary_f16": _encode_dict(D),
            }
        )
    return {
        "width": width,
        "train_seconds": train_s,
        "instances": len(saes),
        "loadavg_end": list(os.getloadavg()),
        "rows": rows,
    }


def _adjacent(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Agreement of dictionaries learned at adjacent widths, per coefficient."""
    out = []
    by_ratio = sorted(cells, key=lambda c: c["ratio"])
    for small, large in zip(by_ratio[:-1], by_ratio[1:], strict=True):
        for rs, rl in zip(small["value"]["rows"], large["value"]["rows"], strict=True):
            Ds, Dl = _decode_dict(rs["dictionary_f16"], DIM), _decode_dict(rl["dictionary_f16"], DIM)
            out.append(
                {
                    "l1_k": rs["l1_k"],
                    "l1": rs["l1"],
                    "ratio_small": small["ratio"],
                    "ratio_large": large["ratio"],
                    "mmcs_small_in_large": mmcs(Dl, Ds),
                    "pairwise_mcc": pairwise_mcc(Ds, Dl),
                }
            )
    return out


def _table(records: list[dict[str, Any]], key: str, ratios: list[float], ks: list[int], fmt: str) -> list[str]:
    head = "| L1 coefficient | " + " | ".join(f"{r:g}x ({int(round(r * DIM))})" for r in ratios) + " |"
    lines = [head, "|---" * (len(ratios) + 1) + "|"]
    for k in ks:
        cells = []
        for r in ratios:
            hit = [rec for rec in records if rec["l1_k"] == k and rec["ratio"] == r]
            cells.append(format(hit[0][key], fmt) if hit and hit[0][key] is not None else "")
        lines.append(f"| 10^({k}/4) = {10 ** (k / 4):.3g} | " + " | ".join(cells) + " |")
    return lines


def _figure(out: dict[str, Any], path: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from theory.figures import save, use_style

    use_style()
    paths = out["data_paths"]
    ratios, ks = out["grid"]["ratios"], out["grid"]["l1_k"]
    fig, axes = plt.subplots(len(paths), 3, figsize=(11, 3.4 * len(paths)), squeeze=False)
    for row, dp in enumerate(paths):
        recs = [r for r in out["records"] if r["correlated"] == (dp == "correlated")]
        adj = [a for a in out["adjacent"] if a["correlated"] == (dp == "correlated")]
        panels = [
            ("mmcs", recs, ratios, "MMCS with true features", "viridis", (0, 1)),
            ("dead_fraction_eval", recs, ratios, "dead latent fraction (held-out)", "magma", (0, 1)),
            ("mmcs_small_in_large", adj, ratios[:-1], "MMCS with the next larger dictionary", "viridis", (0, 1)),
        ]
        for col, (key, src, rs, title, cmap, lim) in enumerate(panels):
            ax = axes[row, col]
            M = np.full((len(ks), len(rs)), np.nan)
            for i, k in enumerate(ks):
                for j, r in enumerate(rs):
                    rr = "ratio_small" if key == "mmcs_small_in_large" else "ratio"
                    hit = [s for s in src if s["l1_k"] == k and s[rr] == r]
                    if hit:
                        M[i, j] = hit[0][key]
            im = ax.imshow(M, origin="lower", cmap=cmap, vmin=lim[0], vmax=lim[1], aspect="auto")
            for i in range(len(ks)):
                for j in range(len(rs)):
                    if np.isfinite(M[i, j]):
                        ax.text(
                            j,
                            i,
                            f"{M[i, j]:.2f}",
                            ha="center",
                            va="center",
                            fontsize=7,
                            color="white" if M[i, j] < 0.6 else "black",
                        )
            ax.set_xticks(range(len(rs)), [f"{r:g}" for r in rs])
            ax.set_yticks(range(len(ks)), [f"{10 ** (k / 4):.2g}" for k in ks])
            ax.set_xlabel("dictionary ratio (width / 256)" + (" of the smaller" if col == 2 else ""))
            ax.set_ylabel("L1 coefficient")
            ax.set_title(f"{title}\n({dp} data)", fontsize=9)
            ax.grid(False)
            fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    return [str(p) for p in save(fig, path, formats=["png", "pdf"])]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small grid, few steps (under 2 minutes)")
    ap.add_argument(
        "--correlated",
        choices=["no", "yes", "both"],
        default="no",
        help="data path: uncorrelated (default), correlated, or both",
    )
    ap.add_argument("--ratios", type=float, nargs="+", help="override the dictionary ratios")
    ap.add_argument("--steps", type=int, help="override the training steps")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (0: serial)")
    args = ap.parse_args(argv)
    mode = "quick" if args.quick else "full"
    cfg = dict(MODES[mode])
    if args.ratios:
        # 2.0 -> 2: a cell's key and seed come from its canonical JSON, where 2 and 2.0 differ
        cfg["ratios"] = [int(r) if float(r).is_integer() else float(r) for r in args.ratios]
    if args.steps:
        cfg["steps"] = args.steps
    suffix = "_quick" if args.quick else ""
    corr = {"no": [False], "yes": [True], "both": [False, True]}[args.correlated]
    # largest widths first so two workers stay balanced
    grid = [
        {
            "correlated": c,
            "ratio": r,
            "l1_k": cfg["l1_k"],
            "steps": cfg["steps"],
            "batch_size": cfg["batch_size"],
            "n_eval": cfg["n_eval"],
            "dead_window": cfg["dead_window"],
        }
        for r in sorted(cfg["ratios"], reverse=True)
        for c in corr
    ]
    RESULTS.mkdir(exist_ok=True)
    store = RESULTS / f"sparse_coding_sharkey{suffix}.sqlite"
    load0 = list(os.getloadavg())
    t0 = time.perf_counter()
    if args.workers <= 0:
        res = sweep(train_width, grid, executor="serial", store=store, rng=SEED)
    else:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            res = sweep(train_width, grid, executor=pool, store=store, rng=SEED)
    wall = time.perf_counter() - t0
    cells = [
        {"ratio": p["ratio"], "correlated": p["correlated"], "value": v}
        for p, v in zip(res.params, res.values, strict=True)
    ]
    records, adjacent = [], []
    for c in cells:
        for r in c["value"]["rows"]:
            rec = {k: v for k, v in r.items() if k != "dictionary_f16"}
            rec["loss_change_before_decay"] = pre_decay_change(r["loss_curve"], cfg["steps"])
            records.append({"correlated": c["correlated"], "ratio": c["ratio"], "width": c["value"]["width"], **rec})
    for cval in corr:
        for a in _adjacent([c for c in cells if c["correlated"] == cval]):
            adjacent.append({"correlated": cval, **a})
    data_paths = ["correlated" if c else "uncorrelated" for c in corr]
    out: dict[str, Any] = {
        "benchmark": "Sharkey, Braun & Millidge (2022) toy: MMCS over L1 coefficient x dictionary ratio",
        "command": "python benchmarks/sparse_coding_sharkey.py " + " ".join(sys.argv[1:] if argv is None else argv),
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
        "data_paths": data_paths,
        "truth": {
            "preset": "sharkey2022",
            "dim": DIM,
            "n": 512,
            "truth_seed": TRUTH_SEED,
            "expected_l0": {dp: sharkey2022(correlated=dp == "correlated").expected_l0 for dp in data_paths},
        },
        "grid": {
            "ratios": cfg["ratios"],
            "widths": [int(round(r * DIM)) for r in cfg["ratios"]],
            "l1_k": cfg["l1_k"],
            "l1": [10 ** (k / 4) for k in cfg["l1_k"]],
            "l1_rule": "l1 = 10^(k/4), every second k (Sharkey et al.'s 10^(k/4) spacing, this loss's scale)",
        },
        "training": {
            "kind": "relu",
            "optimizer": "Adam (AdamW, weight decay 0)",
            "lr": LR,
            "lr_decay": LR_DECAY,
            "steps": cfg["steps"],
            "batch_size": cfg["batch_size"],
            "samples_seen": cfg["steps"] * cfg["batch_size"],
            "data": "fresh samples each step from the sampler",
            "decoder": "unit-norm columns",
            "dead_window_steps": cfg["dead_window"],
            "n_eval": cfg["n_eval"],
            "batched": "one train_saes(l1=[...]) call per width and data path",
            "seed": SEED,
        },
        "wall_seconds": wall,
        "cell_seconds": {
            f"{p['ratio']:g}{'-corr' if p['correlated'] else ''}": e
            for p, e in zip(res.params, res.elapsed, strict=True)
        },
        "records": records,
        "adjacent": adjacent,
    }
    out["summary"] = _summary(out)
    json_path = RESULTS / f"sparse_coding_sharkey{suffix}.json"
    json_path.write_text(json.dumps(out, indent=1) + "\n")
    out["figures"] = _figure(out, RESULTS / f"sparse_coding_sharkey{suffix}")
    json_path.write_text(json.dumps(out, indent=1) + "\n")
    md = _markdown(out)
    (RESULTS / f"sparse_coding_sharkey{suffix}.md").write_text(md)
    print(md)
    print(f"wall {wall:.0f} s; machine {platform.processor()}, {os.cpu_count()} CPUs, load {os.getloadavg()}")


def _summary(out: dict[str, Any]) -> dict[str, Any]:
    s: dict[str, Any] = {}
    for dp in out["data_paths"]:
        recs = [r for r in out["records"] if r["correlated"] == (dp == "correlated")]
        best = max(recs, key=lambda r: r["mmcs"])
        adj = [a for a in out["adjacent"] if a["correlated"] == (dp == "correlated")]
        # per coefficient: the largest smaller-ratio whose atoms are still found in the next larger dictionary
        pick = {}
        for k in out["grid"]["l1_k"]:
            a_k = sorted((a for a in adj if a["l1_k"] == k), key=lambda a: a["ratio_small"])
            if a_k:
                top = max(a_k, key=lambda a: a["mmcs_small_in_large"])
                pick[str(k)] = {
                    "ratio_with_highest_agreement": top["ratio_small"],
                    "agreement": top["mmcs_small_in_large"],
                }
        s[dp] = {
            "best_mmcs": best["mmcs"],
            "best_at": {"l1": best["l1"], "ratio": best["ratio"]},
            "adjacent_agreement_peak": pick,
            "converged_fraction": float(np.mean([(r["loss_change_last_tenth"] or 0) < 0.02 for r in recs])),
        }
    return s


def _markdown(out: dict[str, Any]) -> str:
    ratios, ks = out["grid"]["ratios"], out["grid"]["l1_k"]
    t = out["training"]
    lines = [
        f"# Sharkey, Braun & Millidge (2022) toy: SAE recovery over L1 x dictionary ratio ({out['mode']})",
        "",
        f"Command: `{out['command']}`. Data: `sharkey2022` (dim 256, n 512 true features). ReLU SAEs, "
        f"Adam lr {t['lr']}, {t['steps']} steps x batch {t['batch_size']} = {t['samples_seen']:,} fresh samples; "
        f"one batched `train_saes(l1=[...])` call per width. Wall {out['wall_seconds']:.0f} s for this invocation "
        f"(cells already in the store are loaded, not recomputed); sum of the cells' compute times "
        f"{sum(out['cell_seconds'].values()):.0f} s, largest cell {max(out['cell_seconds'].values()):.0f} s "
        f"({out['machine']['workers'] or 'no'} worker processes share the cells). Load average "
        f"{out['machine']['loadavg_start'][0]:.1f} at start, {out['machine']['loadavg_end'][0]:.1f} at end "
        f"({out['machine']['cpu_count']} CPUs).",
        "",
    ]
    for dp in out["data_paths"]:
        recs = [r for r in out["records"] if r["correlated"] == (dp == "correlated")]
        adj = [{**a, "ratio": a["ratio_small"]} for a in out["adjacent"] if a["correlated"] == (dp == "correlated")]
        lines += [
            f"## {dp} data path (expected data L0 {out['truth']['expected_l0'][dp]:.3f})",
            "",
            "MMCS with the true features:",
            "",
        ] + _table(recs, "mmcs", ratios, ks, ".3f")
        lines += ["", "Dead latents (fraction never active on the held-out batch):", ""]
        lines += _table(recs, "dead_fraction_eval", ratios, ks, ".2f")
        lines += ["", "Held-out L0 / explained variance:", ""]
        for r in recs:
            r["_l0ev"] = f"{r['l0_eval']:.2f} / {r['explained_variance']:.3f}"
        lines += _table(recs, "_l0ev", ratios, ks, "s")
        for r in recs:
            del r["_l0ev"]
        lines += [
            "",
            "Adjacent-size agreement: MMCS of the dictionary at this ratio within the next larger one "
            "(same coefficient); no ground truth used:",
            "",
        ]
        lines += _table(adj, "mmcs_small_in_large", ratios[:-1], ks, ".3f")
        lines += ["", "Relative change of the training loss over the last tenth of training (< 0.02: flattened):", ""]
        lines += _table(recs, "loss_change_last_tenth", ratios, ks, ".3f")
        lines += [
            "",
            "Relative drop of the training loss from 50-65% to 65-80% of the steps, before the learning-rate "
            "decay (subsampled single-batch losses, noisy):",
            "",
        ]
        lines += _table(recs, "loss_change_before_decay", ratios, ks, ".3f")
        sm = out["summary"][dp]
        lines += [
            "",
            f"Best MMCS {sm['best_mmcs']:.3f} at L1 {sm['best_at']['l1']:.3g}, ratio "
            f"{sm['best_at']['ratio']:g}. Fraction of runs whose loss changed < 2% over the last tenth: "
            f"{sm['converged_fraction']:.2f}.",
            "",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
