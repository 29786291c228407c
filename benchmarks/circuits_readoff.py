"""U-AND read-off performance: vectorised all-pairs read-off against a per-pair Python loop.

Three comparisons, each run interleaved (vectorised, loop, vectorised, loop, ...) so that load
from other work on the machine hits both alike; medians are reported.

1. ``m = 1,000``, ``d = 1,000``: dense all-pairs read-off ``(Wᵀ diag(a) W) ⊘ (WᵀW)`` against a
   loop over all 499,500 pairs (``UAnd.read_pair_loop``), one sample.
2. ``m = 10,000``, ``d = 2,000`` (sparse weights): the sparse all-pairs read-off
   (``UAnd.read_all_sparse``: only pairs wired to a firing neuron are non-zero) against the loop
   timed on a random subset of pairs and extrapolated to all ``C(m, 2)`` pairs.
3. The same large network: the precomputed sparse read-off matrix for a chosen subset of
   ``K`` pairs (``UAnd.read(a, pairs)``) against the loop over the same pairs.

Run::

    python benchmarks/circuits_readoff.py [--quick]

Writes ``benchmarks/results/circuits_readoff.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.circuits import all_pairs, sparse_inputs, uand  # noqa: E402

OUT = Path(__file__).with_name("results")


def _time(fn, reps):
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "note": "2 cores shared with other developers' jobs running at the same time",
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    reps = 2 if args.quick else 3
    res: dict = {"machine": machine(), "quick": args.quick}
    print("machine:", res["machine"])

    # 1. m = 1000: full comparison
    m1, d1 = (400, 500) if args.quick else (1000, 1000)
    net = uand(m=m1, d=d1, p=0.1, rng=0)
    a = net.forward(sparse_inputs(m=m1, s=3, batch=1, rng=1)[0])
    pairs = all_pairs(m1)
    dense = net.read(a)
    loop = net.read_pair_loop(a, pairs)
    assert np.allclose(dense[pairs[:, 0], pairs[:, 1]], loop)
    tv, tl = [], []
    for _ in range(reps):
        tv += _time(lambda: net.read(a), 1)
        tl += _time(lambda: net.read_pair_loop(a, pairs), 1)
    r1 = {
        "m": m1,
        "d": d1,
        "p": 0.1,
        "pairs": len(pairs),
        "vectorised_s": statistics.median(tv),
        "loop_s": statistics.median(tl),
    }
    r1["ratio"] = r1["loop_s"] / r1["vectorised_s"]
    res["dense_all_pairs"] = r1
    print(
        f"[1] m={m1} d={d1}: vectorised {r1['vectorised_s']:.4f} s, loop {r1['loop_s']:.3f} s "
        f"over {len(pairs)} pairs: ratio {r1['ratio']:.0f}x"
    )

    # 2. m = 10,000, d = 2,000, sparse
    m2, d2, p2 = (3000, 1000, 0.08) if args.quick else (10_000, 2_000, 0.05)
    t0 = time.perf_counter()
    big = uand(m=m2, d=d2, p=p2, rng=0)
    t_build = time.perf_counter() - t0
    x = sparse_inputs(m=m2, s=3, batch=1, rng=1)[0]
    t0 = time.perf_counter()
    a2 = big.forward(x)
    t_fwd = time.perf_counter() - t0
    Y = big.read_all_sparse(a2)
    rng = np.random.default_rng(2)
    K = 2000 if args.quick else 20_000
    sub = np.sort(rng.choice(m2, size=(K, 2), replace=True), axis=1)
    sub = sub[sub[:, 0] != sub[:, 1]]
    # correctness on the subset: the sparse matrix against the loop
    Yc = Y.tocsr()
    ref = big.read_pair_loop(a2, sub)
    assert np.allclose(np.asarray(Yc[sub[:, 0], sub[:, 1]]).ravel(), ref)
    tv, tl = [], []
    for _ in range(reps):
        tv += _time(lambda: big.read_all_sparse(a2), 1)
        tl += _time(lambda: big.read_pair_loop(a2, sub), 1)
    n_all = m2 * (m2 - 1) // 2
    per_pair = statistics.median(tl) / len(sub)
    r2 = {
        "m": m2,
        "d": d2,
        "p": p2,
        "build_s": t_build,
        "forward_s": t_fwd,
        "nonzero_pairs": int(Y.nnz),
        "all_pairs": n_all,
        "vectorised_all_pairs_s": statistics.median(tv),
        "loop_subset_pairs": len(sub),
        "loop_per_pair_s": per_pair,
        "loop_all_pairs_extrapolated_s": per_pair * n_all,
    }
    r2["ratio_extrapolated"] = r2["loop_all_pairs_extrapolated_s"] / r2["vectorised_all_pairs_s"]
    res["sparse_all_pairs"] = r2
    print(
        f"[2] m={m2} d={d2} p={p2}: build {t_build:.2f} s, forward {t_fwd:.4f} s; all-pairs "
        f"sparse read-off {r2['vectorised_all_pairs_s']:.3f} s ({Y.nnz} non-zero of {n_all}); "
        f"loop {per_pair * 1e6:.1f} us/pair -> {r2['loop_all_pairs_extrapolated_s']:.0f} s for all "
        f"pairs: ratio {r2['ratio_extrapolated']:.0f}x (extrapolated)"
    )

    # 3. chosen subset, precomputed sparse read-off matrix, batch of samples
    B = 64
    X = sparse_inputs(m=m2, s=3, batch=B, rng=3)
    A = big.forward(X)
    t0 = time.perf_counter()
    R = big.readout_matrix(sub)
    t_R = time.perf_counter() - t0
    tv, tl = [], []
    for _ in range(reps):
        tv += _time(lambda: np.asarray((R @ A.T).T), 1)
        tl += _time(lambda: [big.read_pair_loop(A[b], sub) for b in range(4)], 1)
    loop_batch = statistics.median(tl) / 4 * B
    r3 = {
        "pairs": len(sub),
        "batch": B,
        "readout_matrix_build_s": t_R,
        "vectorised_s": statistics.median(tv),
        "loop_s_extrapolated_from_4": loop_batch,
    }
    r3["ratio"] = loop_batch / r3["vectorised_s"]
    res["subset_batch"] = r3
    print(
        f"[3] {len(sub)} chosen pairs x {B} samples: sparse R a {r3['vectorised_s']:.4f} s "
        f"(R built once in {t_R:.2f} s), loop {loop_batch:.2f} s: ratio {r3['ratio']:.0f}x"
    )

    OUT.mkdir(exist_ok=True)
    path = OUT / "circuits_readoff.json"
    path.write_text(json.dumps(res, indent=2))
    print("wrote", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
