"""Sparse inference on a known dictionary: ``theory.sparse_coding`` FISTA and OMP vs scikit-learn.

Data like a ground truth: a unit-norm Gaussian dictionary ``D`` of shape (dim 128, n 1,024), codes
with exactly ``k = 10`` active atoms per sample (uniform support, magnitudes U[0.5, 1.5]), Gaussian
noise of standard deviation 0.01 per coordinate, 4,096 samples. One thread on each side
(threadpoolctl), both run in this process, alternately, ``--repeats`` times.

* LASSO (nonnegative): ``fista(D, x, lam=lam, tol=1e-8)`` vs
  ``sklearn.decomposition.sparse_encode(x, D.T, algorithm="lasso_cd", alpha=lam, positive=True)``.
  Scaling: ``sparse_encode`` fits ``Lasso(alpha=alpha / dim)`` on the ``dim`` coordinates of each
  sample, whose objective is ``(1 / (2 dim)) |x - D a|^2 + (alpha / dim) |a|_1``, that is ``1/dim``
  times ours, ``1/2 |x - D a|^2 + lam |a|_1``: the same problem with ``alpha = lam``. Compared: the
  per-sample objective (largest relative difference, and which side is lower), supports, time.
* OMP: ``omp(D, x, k=k)`` vs ``sparse_encode(x, D.T, algorithm="omp", n_nonzero_coefs=k)``.
  Compared: fraction of samples with the identical support, largest coefficient difference, time.

Reported ratios are peer time / our time, from the fastest of the repeats on each side (wall clock)
and from process CPU time (less sensitive to other load on a shared machine); the spread of the
per-repeat ratios (each repeat runs both sides back to back) and the load average before and after
are printed and stored with them.

Run::

    python benchmarks/sparse_coding_inference.py             # 4,096 samples
    python benchmarks/sparse_coding_inference.py --quick     # 512 samples

Writes ``benchmarks/results/sparse_coding_inference[_quick].json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")
sys.path.insert(0, str(ROOT))


def make_data(batch: int, dim: int, n: int, k: int, noise: float, seed: int = 0) -> tuple[Any, Any, Any]:
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((dim, n))
    D /= np.linalg.norm(D, axis=0)
    support = np.argsort(rng.random((batch, n)), axis=1)[:, :k]
    codes = np.zeros((batch, n))
    np.put_along_axis(codes, support, rng.uniform(0.5, 1.5, (batch, k)), axis=1)
    x = codes @ D.T + noise * rng.standard_normal((batch, dim))
    return D, x, codes


def timed(fn: Any) -> tuple[Any, float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="512 samples instead of 4,096")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--lam", type=float, default=0.1)
    args = ap.parse_args()

    from sklearn.decomposition import sparse_encode
    from threadpoolctl import threadpool_limits

    from theory.sparse_coding.inference import fista, omp

    batch, dim, n, k, noise = (512 if args.quick else 4096), 128, 1024, 10, 0.01
    lam = args.lam
    D, x, codes = make_data(batch, dim, n, k, noise)
    machine = {
        "processor": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    print(
        f"machine: {machine['processor']}, {machine['cores']} cores; batch {batch}, dim {dim}, n {n}, k {k}, "
        f"noise {noise}, lam {lam}; one thread each, {args.repeats} repeats"
    )

    runs: dict[str, list[tuple[float, float]]] = {"fista": [], "lasso_cd": [], "omp": [], "sk_omp": []}
    out: dict[str, Any] = {}
    load_before = os.getloadavg()
    t_start = time.perf_counter()
    with threadpool_limits(1):
        for _ in range(args.repeats):
            out["fista"], w, c = timed(lambda: fista(D, x, lam=lam, nonneg=True, tol=1e-8))
            runs["fista"].append((w, c))
            out["lasso_cd"], w, c = timed(lambda: sparse_encode(x, D.T, algorithm="lasso_cd", alpha=lam, positive=True))
            runs["lasso_cd"].append((w, c))
            out["omp"], w, c = timed(lambda: omp(D, x, k=k))
            runs["omp"].append((w, c))
            out["sk_omp"], w, c = timed(lambda: sparse_encode(x, D.T, algorithm="omp", n_nonzero_coefs=k))
            runs["sk_omp"].append((w, c))

    load_after = os.getloadavg()
    run_time = time.perf_counter() - t_start

    def best(name: str) -> tuple[float, float]:
        return min(r[0] for r in runs[name]), min(r[1] for r in runs[name])

    def spread(peer: str, ours: str) -> dict[str, list[float]]:
        """Per-repeat ratios peer / ours (wall, CPU): min, median, max."""
        out_: dict[str, list[float]] = {}
        for i, kind in enumerate(("wall", "cpu")):
            r = np.array([p[i] / o[i] for p, o in zip(runs[peer], runs[ours], strict=True)])
            out_[f"ratio_{kind}_per_repeat_min_median_max"] = [float(r.min()), float(np.median(r)), float(r.max())]
        return out_

    res = out["fista"]
    A_sk = out["lasso_cd"]
    obj_sk = 0.5 * ((x - A_sk @ D.T) ** 2).sum(axis=1) + lam * np.abs(A_sk).sum(axis=1)
    A = res.codes
    obj = 0.5 * ((x - A @ D.T) ** 2).sum(axis=1) + lam * np.abs(A).sum(axis=1)
    rel = (obj - obj_sk) / obj_sk
    lasso = {
        "ours_wall_s": best("fista")[0],
        "peer_wall_s": best("lasso_cd")[0],
        "ours_cpu_s": best("fista")[1],
        "peer_cpu_s": best("lasso_cd")[1],
        "ratio_wall": best("lasso_cd")[0] / best("fista")[0],
        "ratio_cpu": best("lasso_cd")[1] / best("fista")[1],
        "objective_sum_ours": float(obj.sum()),
        "objective_sum_peer": float(obj_sk.sum()),
        "max_abs_relative_objective_difference": float(np.abs(rel).max()),
        "largest_excess_of_ours_over_peer_relative": float(rel.max()),
        "largest_excess_of_peer_over_ours_relative": float(-rel.min()),
        "ours_max_relative_gap": float(res.relative_gap.max()),
        "ours_converged": bool(res.converged),
        "ours_n_iter": int(res.n_iter),
        "identical_support_fraction": float(((A != 0) == (A_sk != 0)).all(axis=1).mean()),
        "mean_l0_ours": float((A != 0).sum(axis=1).mean()),
        "mean_l0_peer": float((A_sk != 0).sum(axis=1).mean()),
        "true_support_recovered_fraction": float(((A != 0) == (codes != 0)).all(axis=1).mean()),
        **spread("lasso_cd", "fista"),
    }
    O, O_sk = out["omp"], out["sk_omp"]
    omp_stats = {
        "ours_wall_s": best("omp")[0],
        "peer_wall_s": best("sk_omp")[0],
        "ours_cpu_s": best("omp")[1],
        "peer_cpu_s": best("sk_omp")[1],
        "ratio_wall": best("sk_omp")[0] / best("omp")[0],
        "ratio_cpu": best("sk_omp")[1] / best("omp")[1],
        "identical_support_fraction": float(((O != 0) == (O_sk != 0)).all(axis=1).mean()),
        "max_abs_coefficient_difference": float(np.abs(O - O_sk).max()),
        "true_support_recovered_fraction": float(((O != 0) == (codes != 0)).all(axis=1).mean()),
        **spread("sk_omp", "omp"),
    }
    print(
        f"LASSO  fista {lasso['ours_wall_s']:.3f} s ({lasso['ours_cpu_s']:.3f} s CPU) vs sparse_encode lasso_cd "
        f"{lasso['peer_wall_s']:.3f} s ({lasso['peer_cpu_s']:.3f} s CPU): {lasso['ratio_wall']:.1f}x wall, "
        f"{lasso['ratio_cpu']:.1f}x CPU; objectives agree to {lasso['max_abs_relative_objective_difference']:.1e} "
        f"relative (ours higher by at most {lasso['largest_excess_of_ours_over_peer_relative']:.1e}, peer higher by "
        f"at most {lasso['largest_excess_of_peer_over_ours_relative']:.1e}); identical supports "
        f"{lasso['identical_support_fraction']:.4f}"
    )
    lo, med, hi = lasso["ratio_cpu_per_repeat_min_median_max"]
    print(
        f"       per-repeat CPU ratio min {lo:.2f} median {med:.2f} max {hi:.2f}; fista CPU s per repeat "
        + ", ".join(f"{r[1]:.3f}" for r in runs["fista"])
        + "; lasso_cd "
        + ", ".join(f"{r[1]:.3f}" for r in runs["lasso_cd"])
    )
    o = omp_stats
    print(
        f"OMP    omp {o['ours_wall_s']:.3f} s ({o['ours_cpu_s']:.3f} s CPU) vs sparse_encode omp "
        f"{o['peer_wall_s']:.3f} s ({o['peer_cpu_s']:.3f} s CPU): {o['ratio_wall']:.1f}x wall, "
        f"{o['ratio_cpu']:.1f}x CPU; identical supports {omp_stats['identical_support_fraction']:.4f}, "
        f"largest coefficient difference {omp_stats['max_abs_coefficient_difference']:.1e}"
    )
    lo, med, hi = omp_stats["ratio_cpu_per_repeat_min_median_max"]
    print(f"       per-repeat CPU ratio min {lo:.2f} median {med:.2f} max {hi:.2f}")
    print(
        f"load average (1, 5, 15 min) before {tuple(round(v, 2) for v in load_before)}, after "
        f"{tuple(round(v, 2) for v in load_after)}; run time {run_time:.1f} s"
    )
    result = {
        "batch": batch,
        "dim": dim,
        "n": n,
        "k": k,
        "noise": noise,
        "lam": lam,
        "repeats": args.repeats,
        "threads": 1,
        "lasso": lasso,
        "omp": omp_stats,
        "runs": runs,
        "machine": machine,
        "load_average_before": list(load_before),
        "load_average_after": list(load_after),
        "run_time_s": run_time,
        "sklearn_alpha_equals_lam": True,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / ("sparse_coding_inference_quick.json" if args.quick else "sparse_coding_inference.json")
    path.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
