"""Linear accessibility (Garg, Kleinberg & Peng 2026): empirical smallest dimension for linear read-out,
one-pass ReLU read-out and l1 decoding of k-sparse features, against the theory.

For each k and m, ``min_access_dim`` bisects over d for random unit-norm frames (at least half of
``trials`` frames must succeed):

* ``linear``: decoder A^T, every k-sparse input in [-1,1]^m read within eps (exact worst case);
* ``linear_opt``: the LP-optimal linear decoder for the same criterion (small m only: one LP per feature);
* ``relu``: ReLU(A^T A z + b), best per-feature bias, every nonnegative k-sparse input within eps;
* ``l1``: basis pursuit recovers a random k-sparse input exactly (a typical input).

Alongside: the proven lower bound (``linear_access_lower_bound``), the proven sufficient dimension of
the random sign construction (``rademacher_access_dim``), the paper's orders with constant 1 (not
proven numbers) and the l1 statistical dimension (``statistical_dimension_l1``).

Run::

    python benchmarks/interference_linear_access.py           # k in (2, 4), m up to 512
    python benchmarks/interference_linear_access.py --quick   # k = 2, m up to 64

Writes ``benchmarks/results/interference_linear_access[_quick].json`` and a figure next to it.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.interference import statistical_dimension_l1  # noqa: E402
from theory.interference.linear_access import (  # noqa: E402
    linear_access_lower_bound,
    linear_access_lower_order,
    linear_access_upper_order,
    min_access_dim,
    rademacher_access_dim,
)

RESULTS = Path(__file__).with_name("results")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--eps", type=float, default=0.5)
    args = ap.parse_args()
    eps = args.eps
    ks = (2,) if args.quick else (2, 4)
    ms = [16, 32, 64] if args.quick else [16, 32, 64, 128, 256, 512]
    trials = 3 if args.quick else 5
    opt_max_m = 32 if args.quick else 64
    t0 = time.perf_counter()
    out: dict = {"eps": eps, "trials": trials, "criterion": "at least half of the random frames succeed", "runs": []}
    for k in ks:
        run: dict = {"k": k, "eps": eps, "m": ms, "dims": {}, "seconds": {}, "theory": {}}
        for meth in ("linear", "linear_opt", "relu", "l1"):
            dims, secs = [], []
            for m in ms:
                t = time.perf_counter()
                if meth == "linear_opt" and m > opt_max_m:
                    dims.append(None)
                else:
                    cap = m if meth == "linear_opt" else 16 * m  # d = m always works with the optimal decoder
                    dims.append(min_access_dim(m=m, k=k, eps=eps, method=meth, trials=trials, max_dim=cap, rng=0).dim)
                secs.append(round(time.perf_counter() - t, 2))
                print(f"k={k} m={m:4d} {meth:10s} d={dims[-1]}  ({secs[-1]} s)", flush=True)
            run["dims"][meth] = dims
            run["seconds"][meth] = secs
        run["theory"] = {
            "proven_lower_bound": [int(linear_access_lower_bound(m=m, k=k, eps=eps).value) for m in ms],
            "random_signs_sufficient": [int(rademacher_access_dim(m=m, k=k, eps=eps).value) for m in ms],
            "order_lower_C1_not_proven": [linear_access_lower_order(m=m, k=k).value for m in ms],
            "order_upper_C1_not_proven": [linear_access_upper_order(m=m, k=k, eps=eps).value for m in ms],
            "l1_statistical_dimension": [float(statistical_dimension_l1(n=m, k=k)) for m in ms],
        }
        out["runs"].append(run)
    elapsed = time.perf_counter() - t0
    out["machine"] = {
        "processor": platform.processor(),
        "cpu_count": os.cpu_count(),
        "loadavg": list(os.getloadavg()),
        "python": platform.python_version(),
    }
    out["seconds"] = round(elapsed, 1)
    RESULTS.mkdir(exist_ok=True)
    name = "interference_linear_access" + ("_quick" if args.quick else "")
    (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=1))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from theory.figures.interference_access import plot_linear_accessibility

        fig, axes = plt.subplots(1, len(out["runs"]), figsize=(4.8 * len(out["runs"]), 4.4), layout="constrained")
        for ax, run in zip(list(getattr(axes, "flat", [axes])), out["runs"], strict=True):
            plot_linear_accessibility(run, ax=ax)
        fig.savefig(RESULTS / f"{name}.png", dpi=120)
    except ImportError as exc:  # pragma: no cover - matplotlib is a dependency
        print(f"no figure: {exc}")
    print(f"\nmachine: {out['machine']}")
    for run in out["runs"]:
        print(f"\nk={run['k']} eps={eps}: m = {run['m']}")
        for meth, dims in run["dims"].items():
            print(f"  {meth:28s} {dims}")
        for key, vals in run["theory"].items():
            print(f"  {key:28s} {[round(v, 1) for v in vals]}")
    print(f"\nwrote {RESULTS / (name + '.json')}; total run time {elapsed:.1f} s")


if __name__ == "__main__":
    main()
