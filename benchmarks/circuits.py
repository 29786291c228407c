"""Scaling experiments for computation in superposition (Hänni, Mendel, Vaintrob & Chan 2024).

Through ``theory.sweep`` (local process pool; resumable with ``--store``):

1. **Error vs width** ``d`` at fixed ``m`` (basis-aligned inputs): RMS read-off error of the
   AND of pairs with both / one input active, Bernoulli (``p`` = MSE-optimal) and Rademacher,
   against the exact moments; fitted exponents (theory: ``d^{-1/3}`` Bernoulli at optimal ``p``,
   ``d^{-1/2}`` Rademacher).
2. **Capacity**: the largest ``m`` whose per-gate error rate (wrong after rounding; the largest of
   the rates over pairs with both, one and no input active) is at most ``eps``, best ``p`` of a grid, as ``d``
   grows, for inputs in superposition (residual dimension ``dim = d``) and basis-aligned inputs;
   fitted exponent of ``m_max`` vs ``d`` beside the paper's ``m = Θ̃(d^{3/2})`` (``d = Õ(m^{2/3})``).
3. **Depth**: a compiled random AND/OR circuit, errors per layer with no / superposed /
   dedicated error correction.
2c. **Capacity, basis-aligned inputs (all gates right)**: the largest ``m`` at which *every* one of
   the ``C(m, 2)`` pairwise ANDs of a uniform 3-sparse input is right after rounding with
   probability >= 1 - delta (over the network and the input), Bernoulli U-AND at the toolkit's
   MSE-optimal ``p``, measured exactly (all pairs, sparse read-off) beside the exact union bound;
   fitted exponent ``a`` of ``ln m_max ∝ d^a`` (``d ∝ (ln m)^{1/a}``, the papers' ``d = polylog(m)``).
4. **Adler-Shavit**: the U-AND construction's neurons and parameters (at the capacity points of
   2, and for basis-aligned all-pairs U-AND sized by the exact moments for m = 10^2..10^6)
   divided by Adler & Shavit's lower bounds for ``m' = C(m, 2)`` outputs (no constants: trend only).

Run::

    python benchmarks/circuits.py --quick      # ~ a few minutes on 2 shared cores
    python benchmarks/circuits.py              # larger grids

Writes ``benchmarks/results/circuits.json`` and figures ``benchmarks/results/circuits_*.{pdf,png}``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from theory.circuits import adler_shavit_bounds, optimal_p  # noqa: E402
from theory.experiments.circuits import (  # noqa: E402
    all_pairs_union_bound,
    capacity_basis_cell,
    capacity_cell,
    depth_cell,
    fit_power_law,
    width_cell,
)
from theory.figures import save, style_context  # noqa: E402
from theory.figures.circuits import (  # noqa: E402
    plot_capacity_basis,
    plot_capacity_fit,
    plot_capacity_scaling,
    plot_depth_bound,
    plot_depth_errors,
    plot_error_vs_width,
)
from theory.sweep import sweep  # noqa: E402

OUT = Path(__file__).with_name("results")


def machine() -> dict:
    return {"python": platform.python_version(), "numpy": np.__version__,
            "platform": platform.platform(), "cpus": os.cpu_count(),
            "note": "2 cores shared with other developers' jobs running at the same time"}


def width_experiment(quick: bool, store, executor):
    m, s = 200, 4
    ds = [250, 500, 1000, 2000, 4000] if quick else [250, 500, 1000, 2000, 4000, 8000, 16000]
    trials = 8 if quick else 24
    grid = [dict(m=m, d=d, s=s, kind="bernoulli", p=optimal_p(d=d, s=s), trials=trials) for d in ds]
    grid += [dict(m=m, d=d, s=s, kind="rademacher", trials=trials) for d in ds if d <= 4000]
    res = sweep(width_cell, grid, store=store, executor=executor, rng=1, desc="width")
    out = {"m": m, "s": s, "cells": [{"params": p, "value": v} for p, v in res]}
    fits = {}
    for kind in ("bernoulli", "rademacher"):
        rows = [(p["d"], v) for p, v in res if p["kind"] == kind]
        dd = [r[0] for r in rows]
        for cls in ("both", "one"):
            f = fit_power_law(dd, [r[1][f"rms_{cls}"] for r in rows])
            fp = fit_power_law(dd, [r[1][f"pred_rms_{cls}"] for r in rows])
            fits[f"{kind}_{cls}"] = {"measured": f.__dict__, "exact_moments": fp.__dict__,
                                     "theory_asymptotic": -1 / 3 if kind == "bernoulli" else -1 / 2}
            print(f"  width/{kind}/{cls}: measured {f}; exact-moment prediction exponent "
                  f"{fp.exponent:.3f}; asymptotic {fits[f'{kind}_{cls}']['theory_asymptotic']:.3f}")
    out["fits"] = fits
    return out


def capacity_experiment(quick: bool, store, executor, eps: float):
    s = 3
    ds = [400, 800, 1600, 3200] if quick else [400, 800, 1600, 3200, 6400]
    ms = [25 * 2 ** k for k in range(0, 9)]           # 25 .. 6400
    ps = [0.02, 0.04, 0.08, 0.16]
    trials = 10 if quick else 30
    grid = []
    for d in ds:
        for m in ms:
            for dim_mode in ("superposed", "basis"):
                dim = d if dim_mode == "superposed" else 0
                if dim and dim * m > 2.1e7:
                    continue
                if not dim and m not in (25, 400, 3200):
                    continue
                for p in ps:
                    grid.append(dict(m=m, d=d, dim=dim, s=s, p=p, trials=trials, n_inactive=1000))
    res = sweep(capacity_cell, grid, store=store, executor=executor, rng=2, desc="capacity")
    # error rate per (mode, d, m): best p of the grid, rate = max(touching-active, inactive)
    table: dict = {}
    for p, v in res:
        mode = "superposed" if p["dim"] else "basis"
        w, n = v["wrong"], v["n"]
        # each class separately: a network reading 0 everywhere must not pass
        rates = {k: w[k] / n[k] for k in ("both", "one", "none") if n[k]}
        rate = max(rates.values())
        key = (mode, p["d"], p["m"])
        if key not in table or rate < table[key]["rate"]:
            table[key] = {"rate": rate, "p": p["p"], **{f"rate_{k}": r for k, r in rates.items()},
                          "n_both": n["both"]}
    out = {"eps": eps, "s": s, "table": [{"mode": k[0], "d": k[1], "m": k[2], **v}
                                          for k, v in sorted(table.items())]}
    mmax: dict = {"superposed": {}, "basis": {}}
    for mode in mmax:
        for d in ds:
            rows = sorted((m, table[(mode, d, m)]["rate"]) for (mo, dd, m) in table
                          if mo == mode and dd == d)
            ok = [m for m, r in rows if r <= eps]
            if not ok:
                continue
            # largest m before the first grid point above eps (log-linear interpolation)
            best = None
            for (m0, r0), (m1, r1) in zip(rows, rows[1:], strict=False):
                if r0 <= eps < r1:
                    t = (math.log(eps) - math.log(max(r0, 1e-6))) / (math.log(r1) - math.log(max(r0, 1e-6)))
                    best = math.exp(math.log(m0) + t * (math.log(m1) - math.log(m0)))
                    break
            mmax[mode][d] = {"m_max": best, "censored": best is None,
                             "largest_ok_in_grid": max(ok)}
    out["m_max"] = {k: {str(d): v for d, v in vv.items()} for k, vv in mmax.items()}
    pts = [(d, v["m_max"]) for d, v in mmax["superposed"].items() if v["m_max"]]
    if len(pts) >= 3:
        f = fit_power_law([p[0] for p in pts], [p[1] for p in pts])
        out["fit_superposed"] = f.__dict__
        print(f"  capacity (superposed, dim = d, eps = {eps}): m_max ~ d^b, {f}; paper: b = 3/2 "
              "up to polylog factors")
    else:
        print(f"  capacity (superposed): only {len(pts)} uncensored points; no fit")
    for mode in mmax:
        for d, v in sorted(mmax[mode].items()):
            shown = "> grid" if v["censored"] else f"{v['m_max']:.0f}"
            print(f"  {mode:10s} d={d:5d}: m_max = {shown} (largest m in grid with rate <= eps: "
                  f"{v['largest_ok_in_grid']})")
    # Adler-Shavit: neurons and expected parameters of the construction at the capacity points
    ratios = []
    for d, v in sorted(mmax["superposed"].items()):
        if not v["m_max"]:
            continue
        m = int(v["m_max"])
        p = table[("superposed", d, max(mm for (mo, dd, mm) in table if mo == "superposed"
                                         and dd == d and mm <= m) )]["p"]
        m_out = m * (m - 1) // 2
        params = d * d + d + m_out * d * p * p          # W Fᵀ dense (d x dim), bias, read-off nnz
        b = adler_shavit_bounds(m_out=m_out)
        ratios.append({"d": d, "m": m, "m_out": m_out, "neurons_over_lower": d / b.neurons_lower,
                       "params_over_lower": params / b.params_lower})
    out["adler_shavit"] = ratios
    for r in ratios:
        print(f"  Adler-Shavit d={r['d']}: m={r['m']} -> neurons / sqrt(m' log m') = "
              f"{r['neurons_over_lower']:.3f}, params / (m' log m') = {r['params_over_lower']:.3f}")
    return out


CAP_DS = (800, 1131, 1600, 2263, 3200, 4525, 6400, 9051, 12800)
CAP_CS = (2.0, 2.83)
#: one larger width, with m only around the eps = 0.05 crossing (memory and time bound)
CAP_EXTRA = {18102: (32000, 45255, 64000, 90510, 128000)}


def capacity_superposed_grid(quick: bool) -> list[dict]:
    """Grid of the fitted capacity exponent for inputs in superposition (``dim = d``).

    ``p = c/sqrt(d)`` for ``c`` in :data:`CAP_CS` (the same coverage ``d p² = c²`` at every
    ``d``, so the grid is scale-free), ``m = 250·2^{k/2}`` within ``[m*/5, 3 m*]`` around a pilot
    estimate ``m* = 60,000 (d/12,800)^{3/2}`` of the eps = 0.05 transition.
    """
    ds = CAP_DS[:5] if quick else CAP_DS
    grid = []
    for d in ds:
        mstar = 60000 * (d / 12800) ** 1.5
        for k in range(0, 40):
            m = int(round(250 * 2 ** (k / 2)))
            if not mstar / 5 <= m <= 3 * mstar:
                continue
            for c in CAP_CS:
                grid.append(dict(m=m, d=d, dim=d, s=3, p=round(c / math.sqrt(d), 6), c=c,
                                 networks=8, inputs=6, n_inactive=1000))
    if not quick:
        for d, ms in CAP_EXTRA.items():
            for m in ms:
                for c in CAP_CS:
                    grid.append(dict(m=m, d=d, dim=d, s=3, p=round(c / math.sqrt(d), 6), c=c,
                                     networks=8, inputs=6, n_inactive=1000))
    return grid


def _mmax_from_rates(rows: list[tuple[int, float]], eps: float) -> float | None:
    """Largest m before the first grid point whose rate exceeds eps (log-linear interpolation)."""
    rows = sorted(rows)
    for (m0, r0), (m1, r1) in zip(rows, rows[1:], strict=False):
        if r0 <= eps < r1:
            t = (math.log(eps) - math.log(max(r0, 1e-6))) / (math.log(r1) - math.log(max(r0, 1e-6)))
            return math.exp(math.log(m0) + t * (math.log(m1) - math.log(m0)))
    return None


def capacity_superposed_experiment(quick: bool, store, executor, eps: float, boot: int = 2000):
    """Largest m with per-gate error rate <= eps vs d, inputs in superposition, fitted exponent.

    The rate of a cell is the largest of the pooled wrong fractions over pairs with both / one /
    no input active; the best ``c`` of the grid is taken per ``(d, m)``. The exponent's interval
    is a bootstrap over networks (each cell's networks resampled with replacement, ``m_max`` and
    the least-squares slope recomputed; percentile 95% interval).
    """
    from theory.experiments.circuits import capacity_embedded_cell

    grid = capacity_superposed_grid(quick)
    res = sweep(capacity_embedded_cell, grid, store=store, executor=executor, rng=5,
                desc="capacity (superposed, fitted)")
    cells = [(p, v) for p, v in res]
    ds = sorted({p["d"] for p, _ in cells})

    def mmax_table(pick) -> dict:
        rates: dict = {}
        for idx, (p, v) in enumerate(cells):
            sel = pick(idx, len(v["n"]["one"]))
            r = max((sum(np.asarray(v["wrong"][k])[sel]) / max(1, sum(np.asarray(v["n"][k])[sel])))
                    for k in ("both", "one", "none"))
            key = (p["d"], p["m"])
            rates[key] = min(rates.get(key, 1.0), r)
        return {d: _mmax_from_rates([(m, r) for (dd, m), r in rates.items() if dd == d], eps)
                for d in ds}, rates

    full, rates = mmax_table(lambda idx, k: np.arange(k))
    pts = [(d, v) for d, v in full.items() if v]
    out = {"eps": eps, "s": 3, "cs": list(CAP_CS), "grid_cells": len(grid),
           "rates": [{"d": d, "m": m, "rate": r} for (d, m), r in sorted(rates.items())],
           "m_max": {str(d): v for d, v in full.items()}}
    for d, v in full.items():
        print(f"  d={d:6d}: m_max = {'censored' if v is None else f'{v:,.0f}'}")
    if len(pts) >= 3:
        f = fit_power_law([p[0] for p in pts], [p[1] for p in pts])
        gen = np.random.default_rng(11)
        slopes = []
        for _ in range(boot):
            draws = {idx: gen.integers(0, len(v["n"]["one"]), len(v["n"]["one"]))
                     for idx, (_, v) in enumerate(cells)}
            mm, _ = mmax_table(lambda idx, k, dr=draws: dr[idx])
            q = [(d, mm[d]) for d, _ in pts if mm.get(d)]
            if len(q) >= 3:
                slopes.append(np.polyfit(np.log([a for a, _ in q]), np.log([b for _, b in q]), 1)[0])
        lo, hi = np.percentile(slopes, [2.5, 97.5])
        out["fit"] = {**f.__dict__, "bootstrap_ci": [float(lo), float(hi)], "bootstrap_reps": len(slopes),
                      "points": pts}
        # local slopes between consecutive d (is the exponent drifting towards 3/2?)
        out["local_slopes"] = [
            {"d0": a[0], "d1": b[0], "slope": math.log(b[1] / a[1]) / math.log(b[0] / a[0])}
            for a, b in zip(pts, pts[1:], strict=False)]
        print(f"  fitted: m_max ~ d^{f.exponent:.3f}, least-squares CI [{f.ci[0]:.3f}, {f.ci[1]:.3f}], "
              f"bootstrap 95% [{lo:.3f}, {hi:.3f}] ({len(slopes)} reps); paper: 3/2 up to polylog")
        for r in out["local_slopes"]:
            print(f"    local slope d={r['d0']}..{r['d1']}: {r['slope']:.3f}")
    # the same fit at looser per-gate targets (no bootstrap): does the exponent depend on eps?
    out["fit_by_eps"] = {}
    for e2 in (0.1, 0.15, 0.2):
        q = [(d, _mmax_from_rates([(m, r) for (dd, m), r in rates.items() if dd == d], e2)) for d in ds]
        q = [(d, m) for d, m in q if m]
        if len(q) >= 3:
            f2 = fit_power_law([a for a, _ in q], [b for _, b in q])
            out["fit_by_eps"][str(e2)] = {**f2.__dict__, "points": q}
            print(f"  eps = {e2}: m_max ~ d^{f2.exponent:.3f} [{f2.ci[0]:.3f}, {f2.ci[1]:.3f}] ({len(q)} points)")
    # Adler-Shavit at the capacity points: neurons d, parameters d*dim (W F^T, dense) + d (bias)
    # + C(m,2) d p^2 (expected read-off non-zeros at c = 2: d p^2 = 4 per pair), m' = C(m, 2)
    out["adler_shavit"] = []
    for d, m in pts:
        m = int(m)
        m_out = m * (m - 1) // 2
        c = min(CAP_CS)
        params = d * d + d + m_out * c * c
        b = adler_shavit_bounds(m_out=m_out)
        out["adler_shavit"].append({"d": d, "m": m, "m_out": m_out, "params": params,
                                    "neurons_over_lower": d / b.neurons_lower,
                                    "params_over_lower": params / b.params_lower})
        print(f"  Adler-Shavit d={d}: m={m}, d / sqrt(m' log m') = {d / b.neurons_lower:.4f}, "
              f"params / (m' log m') = {params / b.params_lower:.3f}")
    return out


#: Widths of the basis-aligned all-gates-right capacity grid (factors of sqrt 2 from 1000).
CAPB_DS = (250, 500, 1000, 1414, 2000, 2828, 4000, 5657, 8000, 11314, 16000, 22627, 32000)
CAPB_DS_QUICK = (1000, 2000, 4000, 8000)
#: Inputs m on the grid 4 * 2^{k/2}, rounded.
CAPB_MS = tuple(sorted({int(round(4 * 2 ** (k / 2))) for k in range(0, 34)}))
CAPB_S = 3
#: Largest m * d of a cell (the coverage counts pack the m columns of d bits: m d / 8 bytes,
#: built from an (m, d) boolean array).
CAPB_MAX_MD = 1.0e8
#: Cells with m * d up to this draw one network per input.
CAPB_ONE_INPUT_MD = 2.0e6


def capacity_basis_grid(quick: bool, delta: float = 0.05) -> list[dict]:
    """Cells of the basis-aligned all-gates-right capacity experiment.

    For each ``d``: ``p = optimal_p(d=d, s=3)`` (the toolkit's MSE-optimal connection probability),
    and the ``m`` of :data:`CAPB_MS` within ``[m_ub 2^{-3/2}, 4 m_ub]`` (quick: ``[m_ub/2,
    2^{3/2} m_ub]``) around the union-bound capacity ``m_ub`` at tolerance 1/2, which is a lower
    bound on the true capacity; plus ``[m_ub'/2, 2^{3/2} m_ub']`` around the union-bound capacity
    ``m_ub'`` at the stricter tolerance 1/4 where it exists; ``m`` in {4, 6, 8} where the bound
    admits no ``m``. 400 samples per cell (quick: 160): one network per input while
    ``m d <= 2·10^6``, 4 inputs per network beyond.
    """
    ds = CAPB_DS_QUICK if quick else CAPB_DS
    n = 160 if quick else 400
    lo_f, hi_f = (0.5, 2 ** 1.5) if quick else (2 ** -1.5, 4.0)
    grid = []
    for d in ds:
        p = round(optimal_p(d=d, s=CAPB_S), 6)
        ms: set[int] = set()
        m_ub = all_pairs_union_bound(m=4, d=d, p=p, s=CAPB_S).m_max(delta)
        if m_ub is None:
            ms |= {4, 6, 8}
        else:
            ms |= {m for m in CAPB_MS if max(4.0, m_ub * lo_f) <= m <= max(6.0, m_ub * hi_f)}
            ms.add(min(m for m in CAPB_MS if m > m_ub * hi_f))   # one point past the range
        m_q = all_pairs_union_bound(m=4, d=d, p=p, s=CAPB_S, t=0.25).m_max(delta)
        if m_q is not None and not quick:
            ms |= {m for m in CAPB_MS if max(4.0, m_q / 2) <= m <= max(6.0, m_q * 2 ** 1.5)}
        for m in sorted(ms):
            if m * d > CAPB_MAX_MD:
                continue
            # one fresh network per input (independent samples, exact binomial tests) while a
            # network is cheap; 4 inputs per network beyond (then C(m, 3) >= 10^4 input sets)
            nets, inputs = (n, 1) if m * d <= CAPB_ONE_INPUT_MD else (n // 4, 4)
            grid.append(dict(m=m, d=d, s=CAPB_S, p=p, networks=nets, inputs=inputs))
    return grid


def _mmax_status(rows: list[tuple[int, float]], delta: float) -> tuple[float | None, str]:
    """Measured capacity from (m, failure fraction) rows: interpolated, or why there is none."""
    rows = sorted(rows)
    if not rows:
        return None, "no cells"
    if rows[0][1] > delta:
        return None, f"below grid (fails at m = {rows[0][0]})"
    v = _mmax_from_rates(rows, delta)
    if v is None:
        return None, f"above grid (passes at m = {rows[-1][0]})"
    return v, "ok"


def _gauss_sizing_mmax(d: int, s: int, delta: float) -> float:
    """Largest m that the exact-moment Gaussian sizing of ``uand_min_width`` admits at width d.

    ``uand_min_width(s, eps=1/2, z)`` returns the smallest width whose worst RMS read-off error
    (all gate inputs active or one missing, exact moments at the MSE-optimal p) is at most
    ``1/(2z)``; with ``z`` the Gaussian quantile of ``delta / C(m, 2)`` (the heuristic union
    bound of table 4), width ``d`` admits every ``m`` with ``C(m, 2) <= delta / Phi_bar(1/(2 r(d)))``.
    """
    from scipy import stats

    from theory.circuits import uand_error_moments

    p = optimal_p(d=d, s=s)
    r = max(math.sqrt(uand_error_moments(d=d, p=p, s=s, active=j).mse) for j in (2, 1))
    m_out = delta / float(stats.norm.sf(0.5 / r))
    return (1 + math.sqrt(1 + 8 * m_out)) / 2


def _paper_p_mmax(d: int, s: int, delta: float) -> int | None:
    """Largest m of :data:`CAPB_MS` whose exact union bound is <= delta with the papers'
    ``p = log²(m)/sqrt(d)`` (``paper_p``; it depends on m, so scanned; stops after the bound has
    failed at 3 consecutive grid points past an admitted m, or when ``p >= 1/2``)."""
    from theory.circuits import paper_p

    best, misses = None, 0
    for m in CAPB_MS:
        pp = paper_p(m=m, d=d)
        if pp >= 0.5:
            break
        if all_pairs_union_bound(m=m, d=d, p=pp, s=s).total <= delta:
            best, misses = m, 0
        elif best is not None:
            misses += 1
            if misses >= 3:
                break
    return best


def capacity_basis_experiment(quick: bool, store, executor, delta: float = 0.05) -> dict:
    """Largest m with P(all C(m, 2) ANDs right) >= 1 - delta vs d, basis-aligned inputs.

    Measured exactly per (network, input) sample by ``all_pairs_errors`` (``capacity_basis_cell``);
    beside it the exact union bound ``all_pairs_union_bound`` per cell (with a one-sided binomial
    p-value wherever the measured failure fraction exceeds it, and a z-score of the measured mean
    number of wrong pairs against its exact value, the same sum), the union-bound capacity, the
    Gaussian exact-moment sizing of ``uand_min_width`` and the union bound with the papers' ``p``.
    Fit: ``ln m_max = C d^a`` by least squares on logs (``fit_power_law(d, ln m_max)``), i.e.
    ``d ∝ (ln m)^k`` with ``k = 1/a``.
    """
    from scipy import stats

    from theory.experiments.circuits import PAIR_CLASSES

    grid = capacity_basis_grid(quick, delta)
    res = sweep(capacity_basis_cell, grid, store=store, executor=executor, rng=13,
                desc="capacity (basis-aligned, all gates right)")
    tols = (0.5, 0.25)
    cells = []
    for pr, v in res:
        me = np.array([v["max_error"][k] for k in PAIR_CLASSES])          # (3, n)
        n = me.shape[1]
        worst = me.max(axis=0)
        row = {"d": pr["d"], "m": pr["m"], "p": pr["p"], "n": n, "networks": pr["networks"],
               "inputs": pr["inputs"], "cpu_s": v.get("cpu_s")}
        for tol in tols:
            ub = all_pairs_union_bound(m=pr["m"], d=pr["d"], p=pr["p"], s=pr["s"], t=tol)
            k = int(np.count_nonzero(worst > tol))
            frac = k / n
            tag = "half" if tol == 0.5 else "quarter"
            row[f"fail_{tag}"] = frac
            row[f"bound_{tag}"] = ub.value
            row[f"fail_{tag}_by_class"] = {c: float(np.mean(me[i] > tol))
                                          for i, c in enumerate(PAIR_CLASSES)}
            row[f"pvalue_{tag}"] = (float(stats.binom.sf(k - 1, n, ub.value))
                                    if frac > ub.value else None)
            if tol == 0.5:
                # the union bound's sum is exactly E[# wrong pairs]: z-score, standard error the
                # larger of the between-network estimate and the Poisson value sqrt(E / n) (the
                # former is near 0 when wrong pairs are rare)
                tot = np.sum([v["n_wrong"][c] for c in PAIR_CLASSES], axis=0) / pr["inputs"]
                se = float(np.std(tot, ddof=1) / math.sqrt(len(tot))) if len(tot) > 1 else 0.0
                se = max(se, math.sqrt(ub.total / n))
                row["mean_wrong_pairs"] = float(np.mean(tot))
                row["exact_mean_wrong_pairs"] = ub.total
                row["z_mean_wrong_pairs"] = ((row["mean_wrong_pairs"] - ub.total) / se
                                             if se > 0 else None)
                kn = (worst > tol).reshape(pr["networks"], pr["inputs"]).sum(axis=1)
                row["design_effect"] = (float(np.var(kn, ddof=1) / (pr["inputs"] * frac * (1 - frac)))
                                        if 0 < frac < 1 and pr["networks"] > 1 else None)
        cells.append(row)
    ds = sorted({c["d"] for c in cells})
    per_d = []
    for d in ds:
        cd = [c for c in cells if c["d"] == d]
        p = cd[0]["p"]
        ub = all_pairs_union_bound(m=4, d=d, p=p, s=CAPB_S)
        ubq = all_pairs_union_bound(m=4, d=d, p=p, s=CAPB_S, t=0.25)
        mh, st_h = _mmax_status([(c["m"], c["fail_half"]) for c in cd], delta)
        mq, st_q = _mmax_status([(c["m"], c["fail_quarter"]) for c in cd], delta)
        row = {"d": d, "p": p, "coverage_dp2": d * p * p, "cells": len(cd),
               "samples_per_cell": cd[0]["n"],
               "cpu_s": float(sum(c["cpu_s"] or 0.0 for c in cd)),
               "m_max": mh, "m_max_status": st_h, "m_max_union_bound": ub.m_max(delta),
               "m_max_quarter": mq, "m_max_quarter_status": st_q,
               "m_max_quarter_union_bound": ubq.m_max(delta),
               "m_max_gauss_sizing": _gauss_sizing_mmax(d, CAPB_S, delta),
               "m_max_paper_p_union_bound": None if quick else _paper_p_mmax(d, CAPB_S, delta),
               "q_per_pair": ub.q}
        per_d.append(row)
    out = {"delta": delta, "s": CAPB_S, "p_rule": "optimal_p(d=d, s=3) (MSE-optimal)",
           "criterion": "all C(m,2) pairs |y_hat - y| <= 1/2 (and <= 1/4), one uniform s-sparse input",
           "grid_cells": len(grid), "cells": cells, "by_d": per_d}

    def fit(key: str, widths: set | None = None) -> dict | None:
        """ln(key) = C d^a over the rows with key > 1 (and d in ``widths`` if given)."""
        pts = [(r["d"], r[key]) for r in per_d
               if r[key] and r[key] > 1 and (widths is None or r["d"] in widths)]
        if len(pts) < 3:
            return None
        f = fit_power_law([a for a, _ in pts], [math.log(b) for _, b in pts])
        lo, hi = f.ci
        return {"a": f.exponent, "a_ci": [lo, hi], "prefactor": f.prefactor, "n": f.n,
                "k": 1 / f.exponent if f.exponent > 0 else None,
                "k_ci": [1 / hi if hi > 0 else None, 1 / lo if lo > 0 else None],
                "points": pts}

    out["fit"] = fit("m_max")                          # FITTED, measured
    # the exact union bound and the Gaussian sizing at the widths of the measured fit
    fit_ds = {a for a, _ in (out["fit"] or {}).get("points", [])}
    for key, name in (("m_max_union_bound", "fit_union_bound"), ("m_max_gauss_sizing", "fit_gauss_sizing")):
        f = fit(key, fit_ds)
        if f:
            out[name] = f
    out["fit_quarter"] = fit("m_max_quarter")
    meas = out["fit"]["points"] if out["fit"] else []
    out["local_a"] = [{"d0": a[0], "d1": b[0],
                       "a": math.log(math.log(b[1]) / math.log(a[1])) / math.log(b[0] / a[0])}
                      for a, b in zip(meas, meas[1:], strict=False)]
    if not quick:
        # where the union bound heads beyond the simulated widths (no simulation)
        far = []
        for d in (64000, 128000, 256000):
            pf = optimal_p(d=d, s=CAPB_S)
            far.append({"d": d, "p": pf,
                        "m_max_union_bound": all_pairs_union_bound(m=4, d=d, p=pf, s=CAPB_S).m_max(delta)})
        out["union_bound_beyond_grid"] = far

    print(f"  criterion: all C(m,2) ANDs within 1/2 on a uniform {CAPB_S}-sparse input, P >= "
          f"{1 - delta}; p = optimal_p(d, s=3); {cells[0]['n']} samples per cell")
    print("       d      p   m_max(meas)  union bound  gauss sizing  paper-p UB   m_max(1/4)  UB(1/4)  cells  cpu s")
    for r in per_d:
        def fmt(x, st=None):
            return f"{x:11,.1f}" if x else f"{'–' if st is None else st.split(' (')[0]:>11s}"
        pp = r["m_max_paper_p_union_bound"]
        print(f"  {r['d']:6d} {r['p']:.4f} {fmt(r['m_max'], r['m_max_status'])} "
              f"{fmt(r['m_max_union_bound'])} {r['m_max_gauss_sizing']:13,.0f} "
              f"{(str(pp) if pp else '–'):>10s} {fmt(r['m_max_quarter'], r['m_max_quarter_status'])} "
              f"{fmt(r['m_max_quarter_union_bound'])} {r['cells']:6d} {r['cpu_s']:6.1f}")
    bad = [c for c in cells if c["pvalue_half"] is not None and c["pvalue_half"] < 0.05]
    print(f"  union bound vs measured failure (tol 1/2): measured above the bound in "
          f"{sum(c['pvalue_half'] is not None for c in cells)} of {len(cells)} cells, "
          f"one-sided binomial p < 0.05 in {len(bad)}"
          + (": " + ", ".join(f"d={c['d']} m={c['m']} ({c['fail_half']:.3f} vs {c['bound_half']:.3f}, "
                              f"p={c['pvalue_half']:.3g})" for c in bad) if bad else ""))
    zs = [c["z_mean_wrong_pairs"] for c in cells if c["z_mean_wrong_pairs"] is not None]
    if zs:
        print(f"  mean # wrong pairs vs its exact value (= the union-bound sum): z-scores over "
              f"{len(zs)} cells, mean {np.mean(zs):+.2f}, sd {np.std(zs):.2f}, max |z| {np.max(np.abs(zs)):.2f}")
    for name, label in (("fit", "FITTED (measured)"), ("fit_union_bound", "exact union bound"),
                        ("fit_gauss_sizing", "Gaussian sizing (uand_min_width)"),
                        ("fit_quarter", "FITTED, tolerance 1/4")):
        f = out.get(name)
        if f:
            ci = f["a_ci"]
            print(f"  {label}: ln m_max ~ d^a, a = {f['a']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}] "
                  f"(95% CI, {len(f['points'])} points), i.e. d ~ (ln m)^k, k = {f['k']:.2f}")
    for r in out["local_a"]:
        print(f"    local a d={r['d0']}..{r['d1']}: {r['a']:.3f}")
    for r in out.get("union_bound_beyond_grid", []):
        print(f"  union bound beyond the grid: d={r['d']}, p={r['p']:.4f}: m_max = {r['m_max_union_bound']:,.0f}")
    return out


def adler_shavit_experiment(quick: bool) -> list:
    """Basis-aligned all-pairs U-AND sized by the exact moments against Adler-Shavit.

    For each m: the width at which every one of the C(m, 2) ANDs is within 1/2 at z standard
    deviations, z = the Gaussian quantile of 0.05 / C(m, 2) (a heuristic union bound), at the
    MSE-optimal p (``uand_min_width``); parameters = d m p + d + C(m, 2) d p² (expected non-zeros).
    """
    from scipy import stats

    from theory.circuits import uand_min_width

    rows = []
    for m in ((10 ** 2, 10 ** 3, 10 ** 4) if quick else (10 ** 2, 10 ** 3, 10 ** 4, 10 ** 5, 10 ** 6)):
        m_out = m * (m - 1) // 2
        z = float(stats.norm.isf(0.05 / m_out))
        b = uand_min_width(s=3, eps=0.5, z=z)
        d, p = b.value, b.params["p"]
        params = d * m * p + d + m_out * d * p * p
        a = adler_shavit_bounds(m_out=m_out)
        rows.append({"m": m, "m_out": m_out, "z": z, "d": d, "p": p, "params": params,
                     "neurons_over_lower": d / a.neurons_lower,
                     "params_over_lower": params / a.params_lower,
                     "neurons_over_upper": d / a.neurons_upper})
        print(f"  m={m:>8d}: d={d:6d} p={p:.4f} params={params:.3g}; d/sqrt(m' log m') = "
              f"{rows[-1]['neurons_over_lower']:.4f}, params/(m' log m') = {rows[-1]['params_over_lower']:.3f}")
    return rows


def depth_bound_experiment(quick: bool, store, executor):
    """The depth claim's union bound per depth beside measured failures, with and without
    dedicated correction (same width and p), one fresh network per input."""
    from theory.circuits import depth_failure_bound, random_circuit
    from theory.experiments.circuits import depth_bound_cell

    sets = [dict(circuit_width=20, depth=4, circuit_seed=1, width=60000, p=0.015, s=3),
            dict(circuit_width=30, depth=6, circuit_seed=1, width=100000, p=0.012, s=3)]
    trials = 200 if quick else 800
    grid = [dict(**st, ec=ec, trials=trials) for st in sets for ec in ("dedicated", "none")]
    res = sweep(depth_bound_cell, grid, store=store, executor=executor, rng=7, desc="depth bound")
    out = []
    for st in sets:
        c = random_circuit(width=st["circuit_width"], depth=st["depth"], ops=("AND", "OR"),
                           rng=st["circuit_seed"])
        b = depth_failure_bound(c, width=st["width"], s=st["s"], p=st["p"])
        row = {"params": st, "bound_by_depth": b.by_depth.tolist(), "bound_worst": b.worst}
        for p_, v in res:
            if all(p_[k] == st[k] for k in st):
                row[p_["ec"]] = v
        out.append(row)
        print(f"  circuit width {st['circuit_width']}, depth {st['depth']}, d = {st['width']}, "
              f"p = {st['p']}: union bound per depth {np.round(b.by_depth, 4).tolist()}")
        for ec in ("dedicated", "none"):
            v = row[ec]
            n = v["trials"]
            print(f"    {ec:9s}: P(not exact) {np.round(np.array(v['inexact']) / n, 4).tolist()}, "
                  f"P(error > 1/4) {np.round(np.array(v['above_quarter']) / n, 4).tolist()}, "
                  f"P(layer wrong after rounding) {np.round(np.array(v['wrong']) / n, 4).tolist()} "
                  f"({n} networks)")
    return out


def depth_experiment(quick: bool, store, executor):
    grid = []
    for ec in ("none", "superposed_old", "superposed", "dedicated"):
        for dim in (0, 400):
            grid.append(dict(circuit_width=100, depth=6, d=3000, dim=dim, s=3, ec=ec,
                             samples=100 if quick else 400, circuit_seed=0))
    res = sweep(depth_cell, grid, store=store, executor=executor, rng=3, desc="depth")
    out = [{"params": p, "value": v} for p, v in res]
    for p, v in res:
        print(f"  depth dim={p['dim']:4d} ec={p['ec']:10s}: mean|err| per layer "
              f"{np.round(v['mean_abs'], 3).tolist()}, right nodes only "
              f"{np.round(v['mean_abs_right'], 3).tolist()}, "
              f"P(any wrong) {np.round(v['frac_samples_wrong'], 2).tolist()}")
    return out


def figures(results: dict, only: set | None = None) -> None:
    """Draw the figures of the experiments in ``results`` (with ``only``: of those experiments
    only, so that ``--only`` leaves the other figure files untouched)."""
    def want(key: str) -> bool:
        return key in results and (only is None or key in only)

    # single-panel figures: experiment -> (file name, size, plot of its results entry)
    single = {
        "width": ("circuits_error_vs_width", (4.5, 3.4), lambda r, ax: plot_error_vs_width(r["cells"], ax=ax)),
        "capacity": ("circuits_capacity", (4.5, 3.4), plot_capacity_scaling),
        "capacity_superposed": ("circuits_capacity_fit", (4.8, 3.6), plot_capacity_fit),
        "depth_bound": ("circuits_depth_bound", (4.8, 3.6), plot_depth_bound),
        "capacity_basis": ("circuits_capacity_basis", (4.8, 3.6), plot_capacity_basis),
    }
    with style_context():
        for key, (name, size, plot) in single.items():
            if want(key):
                fig, ax = plt.subplots(figsize=size)
                plot(results[key], ax=ax)
                save(fig, OUT / name, formats=("pdf", "png"))
        if want("depth"):
            fig, axs = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
            for ax, dim in zip(axs, (0, 400), strict=True):
                plot_depth_errors([c for c in results["depth"] if c["params"]["dim"] == dim], ax=ax)
                ax.set_title("basis-aligned" if dim == 0 else f"in superposition, dim={dim}")
            save(fig, OUT / "circuits_depth", formats=("pdf", "png"))
        plt.close("all")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--store", default=None, help="SQLite file to persist and resume cells")
    ap.add_argument("--serial", action="store_true", help="run in-process (no process pool)")
    ap.add_argument("--eps", type=float, default=0.05, help="per-gate error-rate target")
    ap.add_argument("--only", nargs="+", choices=("width", "capacity", "capacity_superposed", "capacity_basis",
                                                  "depth", "depth_bound", "adler_shavit"),
                    help="rerun only these experiments and merge them into the existing "
                         "results/circuits.json (its other entries are kept)")
    args = ap.parse_args(argv)
    executor = "serial" if args.serial else None
    t0 = time.time()
    todo = set(args.only or ("width", "capacity", "capacity_basis", "depth", "adler_shavit"))
    results = {"machine": machine(), "quick": args.quick}
    if args.only and (OUT / "circuits.json").exists():
        results = {**json.loads((OUT / "circuits.json").read_text()), **results}
        results.setdefault("rerun", {}).update({k: dict(machine=results["machine"], quick=args.quick,
                                                        time=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
                                                for k in todo})
    if not args.only and (OUT / "circuits.json").exists():
        # a default run recomputes only its experiments: keep the others' entries
        prev = json.loads((OUT / "circuits.json").read_text())
        results.update({k: prev[k] for k in ("capacity_superposed", "depth_bound") if k in prev})
    print("machine:", results["machine"])
    if "width" in todo:
        print("[1] error vs width")
        results["width"] = width_experiment(args.quick, args.store, executor)
    if "capacity" in todo:
        print("[2] capacity")
        results["capacity"] = capacity_experiment(args.quick, args.store, executor, args.eps)
    if "capacity_superposed" in todo:
        print("[2b] capacity exponent, inputs in superposition (fast exact sampler)")
        results["capacity_superposed"] = capacity_superposed_experiment(args.quick, args.store,
                                                                        executor, args.eps)
    if "capacity_basis" in todo:
        print("[2c] capacity, basis-aligned inputs (all C(m,2) gates right)")
        t_w, t_c = time.time(), time.process_time()
        results["capacity_basis"] = capacity_basis_experiment(args.quick, args.store, executor)
        results["capacity_basis"].update(wall_s=time.time() - t_w, cpu_s_main=time.process_time() - t_c)
    if "depth" in todo:
        print("[3] depth")
        results["depth"] = depth_experiment(args.quick, args.store, executor)
    if "depth_bound" in todo:
        print("[3b] depth union bound vs measured failures")
        results["depth_bound"] = depth_bound_experiment(args.quick, args.store, executor)
    if "adler_shavit" in todo:
        print("[4] Adler-Shavit (basis-aligned all-pairs U-AND, exact-moment sizing)")
        results["adler_shavit"] = adler_shavit_experiment(args.quick)
    results["elapsed_s" if not args.only else "rerun_elapsed_s"] = time.time() - t0
    OUT.mkdir(exist_ok=True)
    (OUT / "circuits.json").write_text(json.dumps(results, indent=2, default=str))
    figures(results, only=set(args.only) if args.only else None)
    print(f"wrote {OUT / 'circuits.json'} and figures in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
