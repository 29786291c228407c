"""ER-SpUD (DC): one warm-started HiGHS model against a fresh ``linprog`` call per LP.

Each trial draws a Gaussian ``n x n`` dictionary and ``p = ceil(8 n log n)`` Bernoulli(theta)-Gaussian
samples and runs ``theory.sparse_coding.er_spud`` twice on the same samples and seed:

* ``highs``: ``solver="highs"``, one ``highspy`` model built once; each right-hand side changes the
  ``n`` coefficients of one column and the dual simplex restarts from the previous basis;
* ``linprog``: ``solver="linprog"``, ``scipy.optimize.linprog(method="highs")`` from scratch per LP
  (the previous implementation);
* ``highs_cold`` (reference): the same ``highspy`` model, its basis cleared before every LP, to show
  how much of the gain is the warm start and how much is calling HiGHS directly.

The runs rotate which goes first. The script reports the per-trial wall times, their ratio
(total and median), whether both runs reached the same ``spud_success`` decision and how far apart the
two recovered dictionaries are (largest entry difference after matching columns up to sign).

Run::

    python benchmarks/sparse_coding_spud.py                 # n = 10 and n = 20, 20 trials each
    python benchmarks/sparse_coding_spud.py --trials 5      # quicker

Writes ``benchmarks/results/sparse_coding_spud.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.sparse_coding import spud as spud_mod  # noqa: E402
from theory.sparse_coding.spud import er_spud, spud_sample, spud_success  # noqa: E402

RESULTS = Path(__file__).with_name("results")


def _dict_gap(A: np.ndarray, B: np.ndarray) -> float:
    """Largest entry difference between the unit-column dictionaries after matching columns up to sign."""
    C = np.abs(A.T @ B)
    rows, cols = linear_sum_assignment(C, maximize=True)
    Bm = B[:, cols] * np.sign(np.sum(A[:, rows] * B[:, cols], axis=0))
    return float(np.max(np.abs(A[:, rows] - Bm)))


class _ColdLP(spud_mod._WarmLP):
    """The warm model with its basis dropped before each LP (the ``highs_cold`` reference arm)."""

    def solve(self, r: np.ndarray) -> np.ndarray | None:
        self.h.clearSolver()
        return super().solve(r)


def _er_spud(x: np.ndarray, arm: str, seed: int):
    if arm != "highs_cold":
        return er_spud(x, variant="dc", solver=arm, rng=seed)
    warm_cls = spud_mod._WarmLP
    spud_mod._WarmLP = _ColdLP
    try:
        return er_spud(x, variant="dc", solver="highs", rng=seed)
    finally:
        spud_mod._WarmLP = warm_cls


def run(n: int, trials: int, theta: float, c: float, seed: int) -> dict:
    p = int(math.ceil(c * n * math.log(n)))
    g = np.random.default_rng(seed)
    arms = ("highs", "linprog", "highs_cold")
    times: dict[str, list[float]] = {a: [] for a in arms}
    same, gaps, wins = 0, [], {"highs": 0, "linprog": 0}
    for t in range(trials):
        A = g.standard_normal((n, n))
        x, _ = spud_sample(A, batch=p, theta=theta, rng=g)
        out = {}
        for solver in arms[t % 3 :] + arms[: t % 3]:
            t0 = time.perf_counter()
            res = _er_spud(x, solver, t)
            times[solver].append(time.perf_counter() - t0)
            out[solver] = (res, bool(res.complete and spud_success(A, res.dictionary)))
        assert out["highs_cold"][1] == out["highs"][1]
        wins["highs"] += out["highs"][1]
        wins["linprog"] += out["linprog"][1]
        same += out["highs"][1] == out["linprog"][1]
        gaps.append(_dict_gap(out["linprog"][0].dictionary, out["highs"][0].dictionary))
    tot = {k: sum(v) for k, v in times.items()}
    ratios = [a / b for a, b in zip(times["linprog"], times["highs"], strict=True)]
    row = {
        "n": n,
        "batch": p,
        "theta": theta,
        "C": c,
        "trials": trials,
        "lps_per_trial": p // 2,
        "seconds_per_trial": {k: v / trials for k, v in tot.items()},
        "speedup_total": tot["linprog"] / tot["highs"],
        "speedup_total_highs_cold_vs_linprog": tot["linprog"] / tot["highs_cold"],
        "speedup_total_warm_vs_highs_cold": tot["highs_cold"] / tot["highs"],
        "speedup_median_per_trial": statistics.median(ratios),
        "speedup_range_per_trial": [min(ratios), max(ratios)],
        "successes": wins,
        "same_success_decision": same,
        "max_dictionary_gap": max(gaps),
    }
    print(
        f"n={n:3d} p={p:4d} theta={theta}: linprog {row['seconds_per_trial']['linprog']:.3f} s/trial, "
        f"warm HiGHS {row['seconds_per_trial']['highs']:.3f} s/trial, speed-up {row['speedup_total']:.2f}x "
        f"(cold HiGHS {row['seconds_per_trial']['highs_cold']:.3f} s/trial) "
        f"(median per trial {row['speedup_median_per_trial']:.2f}x, range {min(ratios):.2f}-{max(ratios):.2f}); "
        f"successes {wins['highs']}/{trials} vs {wins['linprog']}/{trials}, same decision {same}/{trials}, "
        f"largest dictionary gap {max(gaps):.1e}",
        flush=True,
    )
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10, 20])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--theta", type=float, default=0.2)
    ap.add_argument("--C", type=float, default=8.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=RESULTS / "sparse_coding_spud.json")
    args = ap.parse_args()
    load_before = os.getloadavg()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}",
        flush=True,
    )
    rows = [run(n, args.trials, args.theta, args.C, args.seed) for n in args.n]
    load_after = os.getloadavg()
    from importlib.metadata import version

    import scipy

    result = {
        "benchmark": "ER-SpUD (DC): warm-started highspy model vs scipy linprog(method='highs') per LP",
        "command": " ".join(["python benchmarks/sparse_coding_spud.py", *sys.argv[1:]]),
        "machine": {
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "scipy": scipy.__version__,
            "highspy": version("highspy"),
            "load_average_before": list(load_before),
            "load_average_after": list(load_after),
        },
        "note": (
            "The machine was shared with other jobs while this ran (load average above its CPU count): "
            "absolute times are inflated and noisy; the ratio is measured on the same samples, alternating "
            "which solver runs first."
        ),
        "results": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"load average after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}; wrote {args.out}")


if __name__ == "__main__":
    main()
