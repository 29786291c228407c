"""Tied versus untied ReLU SAEs on parent/child toys: does tying remove feature absorption?

Two toys, each trained as ``--seeds`` untied and ``--seeds`` tied SAEs (``train_saes``, same data and
initialisation seeds, width = number of features):

- ``chanin``: the toy of Chanin, Bhatnagar, Dulka & Bloom (2024, "Toy models of feature absorption
  in SAEs"; the toy of arXiv:2409.14507): 4 mutually orthogonal unit features in 50 dimensions (a
  random orthonormal frame), an SAE with 4 latents and an L1 penalty, feature 1 firing only when
  feature 0 fires. Rates ``[0.25, 0.05, 0.05, 0.05]`` and magnitude 1 are this script's choice
  (``--child-rates`` sweeps P(child | parent)).
- ``ours``: the toy of the claim ``sparse_coding.tied_no_absorption`` (one parent, three exclusive
  children, two free features, 8 dimensions, rates ``[0.4, 0.1, 0.1, 0.1, 0.2, 0.2]``).

Per SAE it records the toolkit's ``absorption_gap`` with the parent's latent matched by decoder
cosine (as the claim does) and with the parent's latent chosen as its best detector (the latent of
largest detection F1, latent firing versus parent firing: ``match_features`` on the F1 similarity
restricted to the parent columns), the training objective on a test sample, the
number of latents that never fire, and compares the objective with that of the exactly aligned tied
SAE (decoder = true dictionary, ``b_enc = -l1/2``, ``b_dec = 0``).

Run: ``python benchmarks/sparse_coding_absorption.py`` (``--quick`` for a smaller run).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _run_info import machine  # noqa: E402

from theory.sparse_coding import absorption_gap, train_saes  # noqa: E402
from theory.sparse_coding.metrics import match_features  # noqa: E402
from theory.sparse_coding.sae import SAEOptions  # noqa: E402
from theory.sparse_coding.truth import Firing, Hierarchy, Magnitudes, ground_truth  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "sparse_coding_absorption.json"
ABSORBING = 0.05  # a seed "absorbs" when its mean gap exceeds this


def chanin_truth(child_rate: float = 0.05, *, dim: int = 50, seed: int = 0):
    """Four orthonormal features in ``dim`` dimensions; feature 1 fires only with feature 0."""
    g = np.random.default_rng(seed)
    frame, _ = np.linalg.qr(g.standard_normal((dim, 4)))
    return ground_truth(
        dictionary=frame,
        firing=Firing.explicit(np.array([0.25, child_rate, 0.05, 0.05])),
        magnitudes=Magnitudes.constant(1.0),
        hierarchy=Hierarchy(roots=1, branching=1, depth=1),
        name="chanin2024_toy",
    )


def ours_truth():
    """The toy of ``_claims_learning._absorption_truth`` (rebuilt here, same numbers)."""
    return ground_truth(
        dictionary=np.eye(8)[:, :6],
        firing=Firing.explicit(np.array([0.4, 0.1, 0.1, 0.1, 0.2, 0.2])),
        magnitudes=Magnitudes.constant(1.0),
        hierarchy=Hierarchy(roots=1, branching=3, depth=1, exclusive=True),
        name="claim_toy",
    )


def _f1_similarity(codes: np.ndarray, true_codes: np.ndarray) -> np.ndarray:
    """Detection F1 of each latent (rows) for each true feature (columns)."""
    a = (codes > 0).astype(float)
    t = (np.asarray(true_codes) > 0).astype(float)
    tp = a.T @ t
    return 2 * tp / np.maximum(a.sum(0)[:, None] + t.sum(0)[None, :], 1.0)


def _objective(sae: Any, x: np.ndarray, l1: float) -> float:
    f = sae.encode(x)
    return float(((x - sae.decode(f)) ** 2).sum(1).mean() + l1 * f.sum(1).mean())


def run_toy(
    truth: Any,
    pairs: list[tuple[int, int]],
    *,
    l1: float,
    steps: int,
    seeds: int,
    lr: float,
    options: SAEOptions,
    n_train: int = 8192,
    n_test: int = 20000,
    seed: int = 0,
) -> dict[str, Any]:
    """Train untied and tied SAEs on one sample and score every seed."""
    x, _ = truth.sample(n_train, rng=seed)
    x_te, c_te = truth.sample(n_test, rng=seed + 1)
    c_te = np.asarray(c_te.toarray() if hasattr(c_te, "toarray") else c_te)
    width = truth.dictionary.shape[1]
    out: dict[str, Any] = {"l1": l1, "steps": steps, "seeds": seeds, "lr": lr, "width": width, "n_train": n_train}
    aligned = None
    for tied in (False, True):
        t0 = time.perf_counter()
        saes = train_saes(
            x, kind="relu", width=width, l1=l1, n_seeds=seeds, tied=tied, steps=steps, lr=lr, options=options, rng=seed
        )
        rows = []
        for s in saes:
            codes = s.encode(x_te)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cos_gap = absorption_gap(codes, c_te, pairs, learned=s.W_dec, true=truth.dictionary).mean_gap
                f1 = _f1_similarity(codes, c_te)
                only_parents = np.zeros_like(f1)
                parents = sorted({a for a, _ in pairs})
                only_parents[:, parents] = f1[:, parents]
                m = match_features(similarity=only_parents)
                f1_gap = absorption_gap(codes, c_te, pairs, m).mean_gap
            rows.append(
                {
                    "cos_gap": 0.0 if np.isnan(cos_gap) else float(cos_gap),
                    "f1_gap": 0.0 if np.isnan(f1_gap) else float(f1_gap),
                    "objective": _objective(s, x_te, l1),
                    "dead": int(((codes > 0).sum(0) == 0).sum()),
                }
            )
        if aligned is None:
            d = truth.dictionary
            ideal = dataclasses.replace(
                saes[0], W_enc=d.T.copy(), W_dec=d.copy(), b_enc=np.full(width, -l1 / 2), b_dec=np.zeros(d.shape[0])
            )
            aligned = _objective(ideal, x_te, l1)
        cos = np.array([r["cos_gap"] for r in rows])
        f1 = np.array([r["f1_gap"] for r in rows])
        obj = np.array([r["objective"] for r in rows])
        out["tied" if tied else "untied"] = {
            "mean_cos_gap": float(cos.mean()),
            "mean_f1_gap": float(f1.mean()),
            "absorbing_cos": int((cos > ABSORBING).sum()),
            "absorbing_f1": int((f1 > ABSORBING).sum()),
            "with_dead_latent": int(sum(r["dead"] > 0 for r in rows)),
            "below_aligned_objective": int((obj < aligned - 1e-4).sum()),
            "seconds": time.perf_counter() - t0,
            "per_seed": rows,
        }
    out["aligned_tied_objective"] = aligned
    return out


def _print(name: str, r: dict[str, Any]) -> None:
    print(f"{name}: l1={r['l1']} steps={r['steps']} lr={r['lr']} seeds={r['seeds']}")
    print(f"  objective of the exactly aligned tied SAE: {r['aligned_tied_objective']:.4f}")
    for side in ("untied", "tied"):
        s = r[side]
        print(
            f"  {side:6s} mean gap cos-matched {s['mean_cos_gap']:.3f} ({s['absorbing_cos']}/{r['seeds']} seeds > "
            f"{ABSORBING}), detector-matched {s['mean_f1_gap']:.3f} ({s['absorbing_f1']}/{r['seeds']}); "
            f"seeds with a dead latent {s['with_dead_latent']}; objective below aligned "
            f"{s['below_aligned_objective']}; {s['seconds']:.1f} s"
        )
        gaps = " ".join(f"{p['cos_gap']:.2f}/{p['f1_gap']:.2f}" for p in s["per_seed"])
        objs = " ".join(f"{p['objective']:.4f}" for p in s["per_seed"])
        print(f"    cos/F1 gaps: {gaps}\n    objectives:  {objs}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-2)
    ap.add_argument("--chanin-l1", type=float, default=0.03)
    ap.add_argument("--chanin-steps", type=int, default=2000)
    ap.add_argument("--long-steps", type=int, default=5000, help="chanin toy, longer run (0: skip)")
    ap.add_argument(
        "--child-rates", type=float, nargs="*", default=[0.125, 0.2], help="chanin toy with P(child) (parent 0.25)"
    )
    ap.add_argument("--ours", type=str, nargs="*", default=["0.3:500", "0.1:3000"], help="claim toy, l1:steps")
    ap.add_argument(
        "--trials",
        type=str,
        nargs="*",
        default=["2000:0.01:8192:4", "400:0.02:4096:8"],
        help="chanin toy repeated on fresh frames/samples/initialisations, steps:lr:n_train:trials",
    )
    ap.add_argument("--quick", action="store_true", help="fewer steps and no sweeps")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if args.quick:
        args.chanin_steps, args.long_steps, args.child_rates, args.ours = 1000, 0, [], ["0.3:500"]
        args.trials = ["400:0.02:4096:2"]
    load0 = list(os.getloadavg())
    t0 = time.perf_counter()
    quiet = SAEOptions(progress=False)
    results: dict[str, Any] = {"runs": {}}
    kw = {"seeds": args.seeds, "lr": args.lr, "options": quiet}

    runs: list[tuple[str, Any, list[tuple[int, int]], float, int, SAEOptions]] = [
        ("chanin", chanin_truth(), [(0, 1)], args.chanin_l1, args.chanin_steps, quiet)
    ]
    runs.append(
        (
            "chanin_bdec0_resample",
            chanin_truth(),
            [(0, 1)],
            args.chanin_l1,
            args.chanin_steps,
            SAEOptions(progress=False, b_dec_init="zeros", resample_every=250, dead_window=200),
        )
    )
    if args.long_steps:
        runs.append(("chanin_long", chanin_truth(), [(0, 1)], args.chanin_l1, args.long_steps, quiet))
    for q in args.child_rates:
        runs.append((f"chanin_child{q:g}", chanin_truth(q), [(0, 1)], args.chanin_l1, args.chanin_steps, quiet))
    for spec in args.ours:
        l1, steps = spec.split(":")
        runs.append((f"ours_l1{l1}_{steps}", ours_truth(), [(0, 1), (0, 2), (0, 3)], float(l1), int(steps), quiet))
    for name, truth, pairs, l1, steps, opts in runs:
        kw["options"] = opts
        r = run_toy(truth, pairs, l1=l1, steps=steps, **kw)
        results["runs"][name] = r
        _print(name, r)
    results["trials"] = {}
    for spec in args.trials:
        steps_s, lr_s, n_s, k_s = spec.split(":")
        rows = []
        for trial in range(int(k_s)):
            t1 = time.perf_counter()
            r = run_toy(
                chanin_truth(seed=100 + trial),
                [(0, 1)],
                l1=args.chanin_l1,
                steps=int(steps_s),
                seeds=args.seeds,
                lr=float(lr_s),
                options=quiet,
                n_train=int(n_s),
                n_test=4000,
                seed=200 + trial,
            )
            u, t = r["untied"], r["tied"]
            rows.append(
                {
                    "untied": u["mean_cos_gap"],
                    "tied": t["mean_cos_gap"],
                    "contrast": u["mean_cos_gap"] - t["mean_cos_gap"],
                    "untied_absorbing": u["absorbing_cos"],
                    "tied_absorbing": t["absorbing_cos"],
                    "tied_below_aligned": t["below_aligned_objective"],
                    "seconds": time.perf_counter() - t1,
                }
            )
        results["trials"][spec] = rows
        c = [row["contrast"] for row in rows]
        print(
            f"chanin trials steps={steps_s} lr={lr_s} n_train={n_s} l1={args.chanin_l1}: contrast (untied - tied mean "
            f"cos-matched gap) min {min(c):.3f} max {max(c):.3f}; per trial untied/tied (absorbing seeds): "
            + ", ".join(
                f"{row['untied']:.2f}/{row['tied']:.2f} ({row['untied_absorbing']}/{row['tied_absorbing']})"
                for row in rows
            )
            + f"; {np.mean([row['seconds'] for row in rows]):.1f} s per trial"
        )
    elapsed = time.perf_counter() - t0
    results["seconds"] = elapsed
    results["machine"] = machine(load_start=load0)
    results["command"] = " ".join(["python", "benchmarks/sparse_coding_absorption.py", *(argv or sys.argv[1:])])
    m = results["machine"]
    print(
        f"machine: {m['processor']}, {m['cpu_count']} CPUs, load {load0[0]:.1f} -> {m['loadavg_end'][0]:.1f}; "
        f"run time {elapsed:.1f} s"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))
    print(f"wrote {args.out}")
    return results


if __name__ == "__main__":
    main()
