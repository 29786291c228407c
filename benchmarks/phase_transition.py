"""The empirical l1 phase transition against the Donoho-Tanner / ALMT curve, and the speed of
the certificate-screened HiGHS path against a plain cvxpy loop.

Part 1 (theory): ``empirical_phase_transition`` over a (delta, rho) grid at n = 200 (and
n = 400 in the full run) through ``theory.sweep``; the empirical 50% line is compared with
``l1_weak_threshold`` and with ALMT's window ``a_eta sqrt(n)`` (eta = 0.5).

Part 2 (speed): the same random problems (same W, same x) are decided twice, interleaved, one
problem at a time, alternating which goes first: by ``l1_recovers`` (dual/descent certificates,
Lawson, HiGHS certificate LP) and by a plain cvxpy loop (``cp.norm1`` + Clarabel, the problem
rebuilt each time, success = relative error <= 1e-5). Both on one BLAS thread.

Run::

    python benchmarks/phase_transition.py            # n = 200 and 400
    python benchmarks/phase_transition.py --quick    # n = 100, small grid

Writes ``benchmarks/results/phase_transition[_quick].json`` and a heat-map figure.
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
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.interference import (  # noqa: E402
    almt_window,
    empirical_phase_transition,
    l1_recovers,
    l1_weak_threshold,
    statistical_dimension_l1,
)

RESULTS = Path(__file__).with_name("results")


def cvxpy_decision(W: np.ndarray, x: np.ndarray) -> bool:
    import cvxpy as cp

    z = cp.Variable(W.shape[1])
    prob = cp.Problem(cp.Minimize(cp.norm1(z)), [W @ z == W @ x])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prob.solve(solver="CLARABEL")
    if z.value is None:
        return False
    return bool(np.linalg.norm(z.value - x) <= 1e-5 * np.linalg.norm(x))


def speed(n: int, deltas, rhos, per_cell: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    t_fast = t_cvx = 0.0
    agree = total = 0
    paths: dict[str, int] = {}
    disagreements = []
    cvxpy_decision(rng.standard_normal((5, 10)), np.eye(10)[0])  # import + warm-up, untimed
    for d in deltas:
        for r in rhos:
            dim = max(1, round(d * n))
            k = min(n, max(1, round(r * dim)))
            for _ in range(per_cell):
                W = rng.standard_normal((dim, n))
                x = np.zeros(n)
                x[rng.choice(n, k, replace=False)] = rng.standard_normal(k)
                order = (0, 1) if total % 2 == 0 else (1, 0)
                res = {}
                for which in order:
                    t0 = time.perf_counter()
                    if which == 0:
                        res[0] = l1_recovers(W, x)
                    else:
                        res[1] = cvxpy_decision(W, x)
                    dt = time.perf_counter() - t0
                    if which == 0:
                        t_fast += dt
                    else:
                        t_cvx += dt
                fast, how = res[0]
                paths[how] = paths.get(how, 0) + 1
                total += 1
                if fast == res[1]:
                    agree += 1
                else:
                    disagreements.append({"dim": dim, "k": k, "fast": fast, "cvxpy": res[1], "path": how})
    return {
        "n": n,
        "problems": total,
        "time_fast_s": t_fast,
        "time_cvxpy_s": t_cvx,
        "speedup": t_cvx / t_fast,
        "agreement": agree / total,
        "paths": paths,
        "disagreements": disagreements[:20],
    }


def transition(n: int, deltas, rhos, trials: int, seed: int, store: str | None) -> dict:
    t0 = time.perf_counter()
    pt = empirical_phase_transition(n=n, deltas=deltas, rhos=rhos, trials=trials, rng=seed, store=store, progress=False)
    wall = time.perf_counter() - t0
    emp = pt.boundary()
    th = pt.theory()
    win = almt_window(n=n, eta=0.5)
    rows = []
    for d, e, t in zip(pt.deltas, emp, th, strict=True):
        dim = max(1, round(d * n))
        k_emp = max(1, round(e * dim))
        rows.append(
            {
                "delta": float(d),
                "rho_empirical": float(e),
                "rho_theory": float(t),
                "dim": dim,
                "k_at_50pct": k_emp,
                "statdim_minus_dim": statistical_dimension_l1(n=n, k=k_emp) - dim,
            }
        )
    return {
        "n": n,
        "trials": trials,
        "wall_s": wall,
        "window_half_width": win,
        "max_abs_rho_gap": float(np.max(np.abs(emp - th))),
        "max_abs_statdim_gap": float(max(abs(r["statdim_minus_dim"]) for r in rows)),
        "rows": rows,
        "success": pt.success.tolist(),
        "deltas": pt.deltas.tolist(),
        "rhos": pt.rhos.tolist(),
        "_pt": pt,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--store",
        default=None,
        metavar="SQLITE",
        help="persist/resume the grid in this ResultStore (wall times then count only new cells)",
    )
    args = ap.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}, numpy {np.__version__}; BLAS threads = 1"
    )
    print("note: other jobs may share the machine; speed is measured interleaved, problem by problem")
    if args.quick:
        configs = [(100, np.round(np.linspace(0.1, 0.9, 5), 3), np.round(np.linspace(0.05, 0.95, 10), 3), 6)]
        sp = (100, [0.2, 0.5, 0.8], [0.1, 0.3, 0.5, 0.7, 0.9], 2)
    else:
        configs = [
            (200, np.round(np.linspace(0.1, 0.9, 9), 3), np.round(np.linspace(0.05, 0.95, 19), 3), 10),
            (400, np.round(np.linspace(0.1, 0.9, 5), 3), np.round(np.linspace(0.05, 0.95, 19), 3), 6),
        ]
        sp = (200, [0.1, 0.3, 0.5, 0.7, 0.9], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.9], 5)
    RESULTS.mkdir(exist_ok=True)
    tag = "_quick" if args.quick else ""
    out = {
        "machine": {
            "processor": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
        }
    }
    out["transition"] = []
    figs = []
    for n, deltas, rhos, trials in configs:
        res = transition(n, deltas, rhos, trials, args.seed, args.store)
        figs.append(res.pop("_pt"))
        out["transition"].append(res)
        print(f"\nn = {n}: {len(deltas)} x {len(rhos)} cells x {trials} trials in {res['wall_s']:.1f} s")
        print(
            f"{'delta':>6} {'rho_emp':>8} {'rho_W':>8} {'statdim-dim':>12}"
            f"   (ALMT half-window {res['window_half_width']:.1f})"
        )
        for r in res["rows"]:
            print(f"{r['delta']:6.2f} {r['rho_empirical']:8.3f} {r['rho_theory']:8.3f} {r['statdim_minus_dim']:12.2f}")
    s = speed(*sp, seed=args.seed + 1)
    out["speed"] = s
    print(
        f"\nspeed, n = {s['n']}, {s['problems']} problems: fast {s['time_fast_s']:.2f} s, "
        f"cvxpy {s['time_cvxpy_s']:.2f} s -> {s['speedup']:.1f}x; same decision on "
        f"{100 * s['agreement']:.2f}% ; paths {s['paths']}"
    )
    (RESULTS / f"phase_transition{tag}.json").write_text(json.dumps(out, indent=1))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from theory.figures import save, style_context
    from theory.figures.interference import plot_phase_transition

    with style_context():
        fig, axes = plt.subplots(1, len(figs), figsize=(4.4 * len(figs), 3.5), squeeze=False)
        for ax, pt in zip(axes[0], figs, strict=True):
            plot_phase_transition(pt, ax=ax)
        fig.tight_layout()
        save(fig, RESULTS / f"phase_transition{tag}", formats=["pdf", "png"])
    print(f"wrote {RESULTS / f'phase_transition{tag}.json'} and figures")
    _ = l1_weak_threshold  # the theory curve used in the figure
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
