"""Reproduction: O'Neill, Gumran & Klindt (2024), the 16/8/3 toy with an unknown dictionary.

O'Neill, Gumran & Klindt, "Compute optimal inference and provable amortisation gap in sparse
autoencoders" (arXiv:2411.13117), experiment "unknown Z and D": 16 sources in 8 dimensions, exactly
3 active (Zipf-weighted supports, magnitudes |N(0,1)|(w_i + 0.1)), 1,024 training and 1,024 test
samples, loss MSE + 0.01 mean|s|, Adam at 1e-3, full-batch steps, 5 initialisation seeds on one data
set. Their repository (charlieoneill11/sparse-inference, ``experiments/unknown_Z_D.py`` at commit 9b1952f,
which wrote ``experiments/results/unknown_Z_D_flops_reconstruction.json``) trains 40,000 full-batch steps and logs
every 500; the published figures are their last logged step (39,500), mean and population std
(``np.std``) over the 5 seeds:

    code MCC:  sparse coding 0.691 +- 0.051,  MLP-256 0.643 +- 0.072,  SAE 0.566 +- 0.011
    dict MCC:  MLP-256 0.851 +- 0.038,  sparse coding 0.837 +- 0.038,  SAE 0.745 +- 0.015
    (SAE + per-sample inference on its dictionary, "SAE_ITO": code MCC 0.583 +- 0.020)

Models here (one ``theory.sweep`` cell per (model, seed), stored in
``benchmarks/results/sparse_coding_oneill.sqlite``; rerunning resumes):

- ``sae``: :func:`theory.sparse_coding.train_sae`, ``kind="relu"``, width 16, 40,000 full-batch Adam
  steps at 1e-3. sae.py's loss is ``(1/B) sum ||x - x_hat||^2 + l1 (1/B) sum f`` (squared error summed
  over the 8 dimensions); theirs is the element mean ``(1/(8B)) sum ||.||^2 + 0.01 (1/(16B)) sum f``;
  multiplying theirs by 8 gives sae.py's with ``l1 = 0.01 * 8/16 = 0.005``: the same objective up to
  a constant factor, to which Adam is invariant (up to its eps). Differences left: sae.py's SAE has
  an encoder bias and a decoder bias subtracted before encoding (theirs has neither), initialises the
  encoder as the decoder's transpose (theirs: PyTorch's default), and projects the decoder gradient
  before renormalising (theirs renormalises only).
- ``sae_oneill`` (cross-check, not a row of theirs): their SAE written out here (no biases, PyTorch's
  default encoder init, decoder renormalised before every step without gradient projection), to
  separate the effect of sae.py's architecture from the rest of the protocol.
- ``mlp``: :func:`theory.sparse_coding.learners.mlp_encoder_learner`, 256 hidden units, no biases
  (their published configuration), the same loss and 40,000 full-batch Adam steps.
- ``sparse_coding``: :func:`theory.sparse_coding.learners.sparse_coding_learner`: codes by FISTA
  (nonnegative LASSO with ``lam = 0.01 * 8 / (2 * 16) = 0.0025``, the same objective per sample) and
  the dictionary by Adam at 1e-3, ``--sc-inner`` Adam steps per code solve (400 x 100 = 40,000 Adam
  steps on the dictionary, as theirs), Gaussian initial dictionary (as theirs), atoms unused by the
  codes re-drawn from the data; test codes by FISTA on the learned dictionary. (They instead run Adam
  jointly on the dictionary and free codes exp(log S) for 40,000 steps, and infer test codes with
  10,000 Adam steps.)

Metrics on the test set: code MCC (:func:`theory.sparse_coding.code_mcc`: Pearson correlation,
Hungarian matching, as their ``mcc``) and dictionary MCC (:func:`theory.sparse_coding.mcc`: |cos| with
Hungarian matching). Their dictionary score (``greedy_mcc`` on the (8, 16) matrices) is the
Pearson correlation of atoms across the 8 coordinates (atoms centred), greedily paired then
Hungarian-matched, which for equal widths is the Hungarian optimum; it is reported too as
``dict_mcc_pearson`` (= ``code_mcc`` applied to the dictionaries, coordinates as samples).

Run::

    python benchmarks/sparse_coding_oneill.py                 # 5 seeds, the paper's lengths
    python benchmarks/sparse_coding_oneill.py --quick         # short smoke run, separate store key
    python benchmarks/sparse_coding_oneill.py --workers 1

Writes ``benchmarks/results/sparse_coding_oneill.json`` and ``.md``.
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
import threadpoolctl  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.sparse_coding.learners import mlp_encoder_learner, oneill_lam, sparse_coding_learner  # noqa: E402
from theory.sparse_coding.metrics import code_mcc, mcc  # noqa: E402
from theory.sparse_coding.sae import SAEOptions, train_sae  # noqa: E402
from theory.sparse_coding.truth import oneill2024  # noqa: E402
from theory.sweep import sweep  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
N_TRAIN = N_TEST = 1024
DATA_SEED = 20240926  # one data set for every seed, as in their protocol (their generator's seed)
L1 = 0.01  # their coefficient of mean|s|
WIDTH, HIDDEN = 16, 256

PUBLISHED = {  # last logged step of their results JSON: mean, population std over 5 seeds
    "sparse_coding": {"code_mcc": (0.6907, 0.0507), "dict_mcc": (0.8375, 0.0375)},
    "mlp": {"code_mcc": (0.6434, 0.0725), "dict_mcc": (0.8507, 0.0378)},
    "sae": {"code_mcc": (0.5657, 0.0113), "dict_mcc": (0.7453, 0.0152)},
    "sae_fista": {"code_mcc": (0.5829, 0.0200), "dict_mcc": (0.7453, 0.0152)},
    "sae_oneill": {"code_mcc": (0.5657, 0.0113), "dict_mcc": (0.7453, 0.0152)},
}
LABELS = {
    "sparse_coding": "sparse coding (FISTA + learned D)",
    "mlp": "MLP encoder (256 hidden)",
    "sae": "SAE (ReLU; train_sae)",
    "sae_fista": "SAE dictionary + FISTA codes (their SAE_ITO)",
    "sae_oneill": "cross-check: their bias-free SAE (vs their SAE)",
}


def data() -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    truth = oneill2024(rng=0)
    x, codes = truth.sample(N_TRAIN + N_TEST, rng=DATA_SEED)
    codes = codes.toarray()
    return truth, x[:N_TRAIN], codes[:N_TRAIN], x[N_TRAIN:], codes[N_TRAIN:]


def _oneill_loss(x: np.ndarray, x_hat: np.ndarray, s: np.ndarray) -> float:
    return float(np.mean((x - x_hat) ** 2) + L1 * np.mean(np.abs(s)))


def _bias_free_sae(x: np.ndarray, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Their SAE, as a cross-check of sae.py's: ``s = ReLU(W x)`` (no biases), ``x_hat = D s`` with D's
    columns renormalised before every step (no gradient projection), PyTorch's default init for W
    (uniform on +-1/sqrt(dim)), Gaussian D; full-batch Adam at 1e-3 on MSE + 0.01 mean(s). Returns
    (W (width, dim), D (dim, width))."""
    from theory._optim import AdamW, FlatParams

    X = x.astype(np.float32)
    n_samples, dim = X.shape
    bound = 1.0 / np.sqrt(dim)
    D0 = rng.standard_normal((dim, WIDTH))
    flat = FlatParams({"W": rng.uniform(-bound, bound, (WIDTH, dim)), "D": D0 / np.linalg.norm(D0, axis=0)}, np.float32)
    opt = AdamW(lr=1e-3, weight_decay=0.0)
    P, G = flat.p, flat.g
    for _ in range(steps):
        P["D"] /= np.linalg.norm(P["D"], axis=0)
        z = X @ P["W"].T
        m = z > 0
        s = z * m
        gr = (s @ P["D"].T - X) * np.float32(2.0 / (n_samples * dim))
        G["D"][...] = gr.T @ s
        G["W"][...] = ((gr @ P["D"] + np.float32(L1 / (n_samples * WIDTH))) * m).T @ X
        opt.step(flat)
    P["D"] /= np.linalg.norm(P["D"], axis=0)
    return P["W"].astype(np.float64), P["D"].astype(np.float64)


def oneill_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Train one model with one seed on the fixed data set; score it on the test set."""
    truth, x_tr, s_tr, x_te, s_te = data()
    model = params["model"]
    dim = x_tr.shape[1]
    lam = oneill_lam(L1, dim=dim, width=WIDTH)
    t0 = time.perf_counter()
    out: dict[str, Any] = {}
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        if model == "sae":
            sae = train_sae(
                x_tr,
                kind="relu",
                width=WIDTH,
                l1=L1 * dim / WIDTH,
                steps=params["steps"],
                batch_size=N_TRAIN,
                lr=1e-3,
                rng=rng,
                options=SAEOptions(progress=False, dtype="float32"),
            )
            D = np.asarray(sae.W_dec, dtype=np.float64)
            codes = sae.encode(x_te)
            x_hat = sae.decode(codes)
            # their SAE_ITO: optimal inference (same objective) on the SAE's dictionary
            from theory.sparse_coding.inference import fista

            ito = np.asarray(fista(D, x_te, lam=lam, tol=1e-6).codes)
            out["sae_fista_code_mcc"] = code_mcc(ito, s_te)
            out["sae_fista_test_loss"] = _oneill_loss(x_te, ito @ (D / np.linalg.norm(D, axis=0)).T, ito)
        elif model == "sae_oneill":
            W, D = _bias_free_sae(x_tr, params["steps"], rng)
            codes = np.maximum(x_te @ W.T, 0.0)
            x_hat = codes @ D.T
        elif model == "mlp":
            ld = mlp_encoder_learner(
                x_tr,
                width=WIDTH,
                hidden=HIDDEN,
                l1=L1,
                steps=params["steps"],
                lr=1e-3,
                bias=False,
                dtype="float32",
                rng=rng,
            )
            D = ld.dictionary
            codes = ld.encode(x_te)
            x_hat = ld.decode(codes)
            fcodes = ld.encode(x_te, method="fista")
            out["mlp_fista_code_mcc"] = code_mcc(fcodes, s_te)
        elif model == "sparse_coding":
            ld = sparse_coding_learner(
                x_tr,
                width=WIDTH,
                lam=lam,
                steps=params["sc_steps"],
                inner_steps=params["sc_inner"],
                update="adam",
                lr=1e-3,
                dictionary_init=params["sc_init"],
                resample=True,
                rng=rng,
            )
            D = ld.dictionary
            codes = ld.encode(x_te)
            x_hat = ld.decode(codes)
            out["unconverged_solves"] = ld.info["unconverged_solves"]
        else:
            raise ValueError(f"unknown model {model!r}")
    out.update(
        code_mcc=code_mcc(codes, s_te),
        dict_mcc=mcc(D, truth.dictionary),
        dict_mcc_pearson=code_mcc(D, truth.dictionary),
        test_loss=_oneill_loss(x_te, x_hat, codes),
        test_l0=float(np.count_nonzero(codes > 1e-8, axis=1).mean()),
        seconds=time.perf_counter() - t0,
    )
    return out


def _machine() -> dict[str, Any]:
    return {
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=40_000, help="Adam steps (SAE, MLP); theirs 40,000")
    ap.add_argument("--sc-steps", type=int, default=400, help="sparse coding: code solves")
    ap.add_argument("--sc-inner", type=int, default=100, help="sparse coding: Adam steps on D per code solve")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="short run (1,000 steps, 2 seeds)")
    ap.add_argument("--store", default=str(RESULTS / "sparse_coding_oneill.sqlite"))
    args = ap.parse_args()
    if args.quick:
        args.steps, args.sc_steps, args.sc_inner, args.seeds = 1000, 20, 50, 2
    # slowest first, so the two workers stay busy
    grid = [
        {
            "model": m,
            "seed": s,
            "steps": args.steps,
            "sc_steps": args.sc_steps,
            "sc_inner": args.sc_inner,
            "sc_init": "gaussian",
        }
        for m in ("mlp", "sparse_coding", "sae", "sae_oneill")
        for s in range(args.seeds)
    ]
    for cell in grid:  # the sparse coding learner's Adam step projects the gradient onto the tangent space
        if cell["model"] == "sparse_coding":
            cell["sc_version"] = 2
    t0 = time.perf_counter()
    executor: Any = "serial" if args.workers == 1 else ProcessPoolExecutor(max_workers=args.workers)
    try:
        res = sweep(oneill_cell, grid, executor=executor, store=args.store, rng=0, desc="oneill2024")
    finally:
        if executor != "serial":
            executor.shutdown()
    wall = time.perf_counter() - t0
    recs = res.to_records()
    rows = {}
    for name, model, ckey in (
        ("sparse_coding", "sparse_coding", "code_mcc"),
        ("mlp", "mlp", "code_mcc"),
        ("sae", "sae", "code_mcc"),
        ("sae_fista", "sae", "sae_fista_code_mcc"),
        ("sae_oneill", "sae_oneill", "code_mcc"),
    ):
        rr = [r for r in recs if r["model"] == model]
        cm = np.array([r[ckey] for r in rr])
        dm = np.array([r["dict_mcc"] for r in rr])
        dp = np.array([r["dict_mcc_pearson"] for r in rr])
        row = {
            "code_mcc": [float(cm.mean()), float(cm.std())],
            "dict_mcc": [float(dm.mean()), float(dm.std())],
            "dict_mcc_pearson": [float(dp.mean()), float(dp.std())],
            "per_seed": {"code_mcc": cm.tolist(), "dict_mcc": dm.tolist(), "dict_mcc_pearson": dp.tolist()},
            "seconds_per_seed": float(np.mean([r["seconds"] for r in rr])),
            "seconds_total": float(np.sum([r["seconds"] for r in rr])),
        }
        if model == "mlp":
            fm = np.array([r["mlp_fista_code_mcc"] for r in rr])
            row["fista_on_mlp_dictionary_code_mcc"] = [float(fm.mean()), float(fm.std())]
        pub = PUBLISHED[name]
        for key, pkey in (("code_mcc", "code_mcc"), ("dict_mcc", "dict_mcc"), ("dict_mcc_pearson", "dict_mcc")):
            m, s = pub[pkey]
            ours = row[key][0]
            row[f"{key}_published"] = [m, s]
            row[f"{key}_within_published_spread"] = bool(abs(ours - m) <= s)
            row[f"{key}_within_2_spreads"] = bool(abs(ours - m) <= 2 * s)
        rows[name] = row
    rank_code = sorted(("sparse_coding", "mlp", "sae"), key=lambda k: -rows[k]["code_mcc"][0])
    rank_dict = sorted(("sparse_coding", "mlp", "sae"), key=lambda k: -rows[k]["dict_mcc"][0])
    rank_code_theirs = sorted(("sparse_coding", "mlp", "sae_oneill"), key=lambda k: -rows[k]["code_mcc"][0])
    rank_dict_theirs = sorted(("sparse_coding", "mlp", "sae_oneill"), key=lambda k: -rows[k]["dict_mcc_pearson"][0])
    out = {
        "paper": "O'Neill, Gumran & Klindt (2024), arXiv:2411.13117, unknown Z and D, 16/8/3 toy",
        "settings": {
            "n": 16,
            "dim": 8,
            "k": 3,
            "train": N_TRAIN,
            "test": N_TEST,
            "data_seed": DATA_SEED,
            "seeds": args.seeds,
            "steps": args.steps,
            "sc_steps": args.sc_steps,
            "sc_inner": args.sc_inner,
            "loss": "MSE + 0.01 mean|s|",
            "sae_l1": L1 * 8 / WIDTH,
            "lasso_lam": oneill_lam(L1, dim=8, width=WIDTH),
            "std": "population (ddof=0), as their np.std",
        },
        "results": rows,
        "ranking_code_mcc": rank_code,
        "ranking_dict_mcc": rank_dict,
        "ranking_code_mcc_with_their_sae": rank_code_theirs,
        "ranking_dict_mcc_pearson_with_their_sae": rank_dict_theirs,
        "published_ranking_code_mcc": ["sparse_coding", "mlp", "sae"],
        "published_ranking_dict_mcc": ["mlp", "sparse_coding", "sae"],
        "wall_seconds_this_run": wall,
        "cell_seconds_total": float(sum(r["seconds"] for r in recs)),
        "machine": _machine(),
        "command": " ".join(["python"] + sys.argv),
    }
    suffix = "_quick" if args.quick else ""
    (RESULTS / f"sparse_coding_oneill{suffix}.json").write_text(json.dumps(out, indent=2) + "\n")
    lines = [
        "# O'Neill, Gumran & Klindt (2024) 16/8/3 toy: reproduction",
        "",
        f"{args.seeds} seeds, one data set (1,024 train / 1,024 test); SAE and MLP {args.steps:,} full-batch "
        f"Adam steps; sparse coding {args.sc_steps} FISTA code solves x {args.sc_inner} Adam steps on D. "
        "Mean ± population std over seeds; published = their repository's results JSON.",
        "",
        "| model | code MCC | published | within | dict MCC (\\|cos\\|) | dict MCC (their Pearson) "
        "| published | within (\\|cos\\| / Pearson) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        c, d, p = row["code_mcc"], row["dict_mcc"], row["dict_mcc_pearson"]
        pc, pd_ = row["code_mcc_published"], row["dict_mcc_published"]
        lines.append(
            f"| {LABELS[name]} | {c[0]:.3f} ± {c[1]:.3f} | {pc[0]:.3f} ± {pc[1]:.3f} | "
            f"{'yes' if row['code_mcc_within_published_spread'] else 'no'} | {d[0]:.3f} ± {d[1]:.3f} | "
            f"{p[0]:.3f} ± {p[1]:.3f} | {pd_[0]:.3f} ± {pd_[1]:.3f} | "
            f"{'yes' if row['dict_mcc_within_published_spread'] else 'no'} / "
            f"{'yes' if row['dict_mcc_pearson_within_published_spread'] else 'no'} |"
        )
    lines += [
        "",
        f"Ranking by code MCC: {' > '.join(rank_code)} (published: sparse_coding > mlp > sae).",
        f"Ranking by dictionary MCC: {' > '.join(rank_dict)} (published: mlp ≈ sparse_coding > sae).",
        f"With their bias-free SAE in place of train_sae's: code MCC {' > '.join(rank_code_theirs)}, "
        f"dictionary MCC (their Pearson score) {' > '.join(rank_dict_theirs)}.",
        "",
        "'within' = |ours − published mean| ≤ published std. The dictionary 'published' column is their "
        "Pearson-over-coordinates score; compare it with the 'their Pearson' column.",
        "",
        f"Machine: {out['machine']['processor']}, {out['machine']['cpus']} CPUs; command: `{out['command']}`.",
    ]
    (RESULTS / f"sparse_coding_oneill{suffix}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"wall {wall:.0f} s")


if __name__ == "__main__":
    main()
