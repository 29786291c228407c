"""Figures for computation in superposition.

The plot functions take the results of the drivers in ``theory.experiments.circuits``
(``WidthScaling``, ``CapacityScaling``, ``CapacityFit``,
``CapacityBasis``, ``DepthErrors``, ``DepthBoundCheck``) or their ``to_dict()`` data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from theory.figures._core import get_ax
from theory.figures.circuits_compressed import FIGURES as _COMPRESSED_FIGURES
from theory.figures.circuits_compressed import plot_compressed_computation

__all__ = [
    "plot_capacity_basis",
    "plot_capacity_fit",
    "plot_capacity_scaling",
    "plot_compressed_computation",
    "plot_depth_bound",
    "plot_depth_errors",
    "plot_error_vs_width",
]

_COL = {
    "bernoulli": "#0072B2",
    "rademacher": "#D55E00",
    "superposed": "#0072B2",
    "basis": "#009E73",
    "none": "#D55E00",
    "dedicated": "#009E73",
    "superposed_old": "#999999",
}


def _data(result: Any) -> Any:
    """A result object's ``to_dict()`` data; data are returned as they are."""
    return result.to_dict() if hasattr(result, "to_dict") else result


def _listed(result: Any, key: str) -> list[Any]:
    """The list under ``key`` of a result (object, its dict) or the list itself."""
    data = _data(result)
    return list(data[key]) if isinstance(data, Mapping) else list(data)


def _clean_minor(ax: Any) -> None:
    from matplotlib.ticker import NullFormatter

    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())


def _loglog_fit(ax: Any, x: np.ndarray, y: np.ndarray, color: str, label: str) -> None:
    from theory.experiments.circuits import fit_power_law

    if len(x) >= 3:
        f = fit_power_law(x, y)
        xs = np.geomspace(x.min(), x.max(), 50)
        ax.plot(
            xs,
            f.prefactor * xs**f.exponent,
            color=color,
            lw=0.8,
            ls="--",
            label=f"{label}: slope {f.exponent:.2f} [{f.ci[0]:.2f}, {f.ci[1]:.2f}]",
        )


def plot_error_vs_width(cells: Any, ax: Any = None) -> Any:
    """RMS U-AND read-off error against width ``d`` (log-log) with fits and exact predictions.

    Parameters
    ----------
    cells : WidthScaling, its dict, or sequence of dict
        The result of ``theory.experiments.circuits.width_scaling``, its ``to_dict()``, or
        its cells ``{"params": {..., "d", "kind"}, "value": width_cell output}``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> cells = [{"params": {"d": d, "kind": "bernoulli"},
    ...           "value": {"rms_one": d ** -0.33, "pred_rms_one": d ** -0.33}} for d in (100, 200, 400)]
    >>> plot_error_vs_width(cells).get_xscale()
    'log'
    """
    ax = get_ax(ax)
    cells = _listed(cells, "cells")
    for kind in ("bernoulli", "rademacher"):
        rows = sorted((c["params"]["d"], c["value"]) for c in cells if c["params"]["kind"] == kind)
        if not rows:
            continue
        d = np.array([r[0] for r in rows], dtype=float)
        y = np.array([r[1]["rms_one"] for r in rows])
        pred = np.array([r[1]["pred_rms_one"] for r in rows])
        ax.plot(d, y, "o", color=_COL[kind], ms=4, label=f"{kind} (simulated)")
        ax.plot(d, pred, "-", color=_COL[kind], lw=1, alpha=0.6, label=f"{kind} (exact moments)")
        _loglog_fit(ax, d, y, _COL[kind], "fit")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _clean_minor(ax)
    ax.set_xlabel("neurons d")
    ax.set_ylabel("RMS error, one input active")
    ax.legend(fontsize=6)
    return ax


def plot_capacity_scaling(capacity: Any, ax: Any = None) -> Any:
    """Largest ``m`` with per-gate error rate <= eps against ``d`` (log-log), with the fit and
    the ``d^{3/2}`` reference slope.

    Parameters
    ----------
    capacity : CapacityScaling or dict
        The result of ``theory.experiments.circuits.capacity_scaling`` or its ``to_dict()``
        (``eps`` and ``m_max``: per mode, per ``d``, ``{"m_max": ...}``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> cap = {"eps": 0.05, "m_max": {"superposed": {"100": {"m_max": 300.0},
    ...        "200": {"m_max": 800.0}, "400": {"m_max": 2500.0}}, "basis": {}}}
    >>> plot_capacity_scaling(cap).get_yscale()
    'log'
    """
    ax = get_ax(ax)
    capacity = _data(capacity)
    for mode, vals in capacity["m_max"].items():
        pts = sorted((float(d), v["m_max"]) for d, v in vals.items() if v.get("m_max"))
        if not pts:
            continue
        d = np.array([p[0] for p in pts])
        m = np.array([p[1] for p in pts])
        ax.plot(d, m, "o", color=_COL.get(mode, "k"), ms=4, label=f"{mode}")
        _loglog_fit(ax, d, m, _COL.get(mode, "k"), "fit")
        ax.plot(
            d,
            m[0] * (d / d[0]) ** 1.5,
            ":",
            color="0.4",
            lw=0.8,
            label="slope 3/2 (paper, up to polylog)" if mode == "superposed" else None,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    _clean_minor(ax)
    ax.set_xlabel("neurons d (= residual dim)")
    ax.set_ylabel(f"largest m, error rate <= {capacity.get('eps', '')}")
    ax.legend(fontsize=6)
    return ax


def plot_capacity_basis(result: Any, ax: Any = None) -> Any:
    r"""Capacity with basis-aligned inputs, all gates right: the largest ``m`` with
    :math:`P(\text{all } \binom{m}{2} \text{ ANDs right}) \ge 1-\delta` against the width ``d``
    (log-log): measured points, the exact union bound (tolerances 1/2 and 1/4), the Gaussian
    sizing of ``uand_min_width``, the union bound with the papers' :math:`p = \log^2 m/\sqrt d`,
    and the FITTED :math:`\ln m_{\max} = C d^a`.

    Parameters
    ----------
    result : CapacityBasis or dict
        The result of ``theory.experiments.circuits.capacity_basis`` or its ``to_dict()`` (``by_d`` rows
        with ``m_max``, ``m_max_status``, ``m_max_union_bound``, ``m_max_quarter``,
        ``m_max_quarter_union_bound``, ``m_max_gauss_sizing``, optionally
        ``m_max_paper_p_union_bound``; ``delta``, ``s`` and optionally ``fit``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> rows = [{"d": d, "m_max": m, "m_max_status": "ok", "m_max_union_bound": m * 0.9,
    ...          "m_max_quarter": None, "m_max_quarter_union_bound": None,
    ...          "m_max_gauss_sizing": m * 5} for d, m in ((1000, 20.0), (4000, 90.0))]
    >>> plot_capacity_basis({"by_d": rows, "delta": 0.05, "s": 3}).get_yscale()
    'log'

    References
    ----------
    .. [1] Hänni, K. et al. (2024). Mathematical Models of Computation in Superposition.
       arXiv:2408.05451.
    """
    ax = get_ax(ax)
    result = _data(result)
    rows = result["by_d"]
    d_all = np.array([r["d"] for r in rows], dtype=float)
    ub = np.array([r["m_max_union_bound"] or np.nan for r in rows], dtype=float)
    ax.plot(d_all, ub, "-", color="#D55E00", lw=1.0, label="exact union bound (tol 1/2)")
    ubq = np.array([r["m_max_quarter_union_bound"] or np.nan for r in rows], dtype=float)
    ax.plot(d_all, ubq, "-", color="#CC79A7", lw=0.8, label="exact union bound (tol 1/4)")
    gs = np.array([r["m_max_gauss_sizing"] for r in rows], dtype=float)
    ax.plot(d_all, gs, "--", color="0.5", lw=0.8, label="Gaussian sizing (uand_min_width)")
    pp = [(r["d"], r["m_max_paper_p_union_bound"]) for r in rows if r.get("m_max_paper_p_union_bound")]
    if pp:
        ax.plot(
            [a for a, _ in pp],
            [b for _, b in pp],
            ":",
            color="#009E73",
            lw=1.0,
            label="union bound, papers' p = log²m/√d",
        )
    meas = [(r["d"], r["m_max"]) for r in rows if r["m_max"]]
    if meas:
        ax.plot(
            [a for a, _ in meas],
            [b for _, b in meas],
            "o",
            color="#0072B2",
            ms=4,
            label=f"measured, P(all right) ≥ {1 - result['delta']:g}",
        )
    none = [r["d"] for r in rows if r["m_max"] is None and r["m_max_status"].startswith("below")]
    if none:
        ax.plot(
            none, [3.4] * len(none), "v", color="#0072B2", ms=4, mfc="none", label="measured: fails already at m = 4"
        )
    measq = [(r["d"], r["m_max_quarter"]) for r in rows if r["m_max_quarter"]]
    if measq:
        ax.plot(
            [a for a, _ in measq],
            [b for _, b in measq],
            "s",
            color="#CC79A7",
            ms=3.5,
            mfc="none",
            label="measured, all within 1/4",
        )
    f = result.get("fit")
    if f:
        xs = np.geomspace(min(a for a, _ in f["points"]), max(a for a, _ in f["points"]), 60)
        ax.plot(
            xs,
            np.exp(f["prefactor"] * xs ** f["a"]),
            "-",
            color="#0072B2",
            lw=0.9,
            label=f"FITTED ln m = C d^a, a = {f['a']:.2f} [{f['a_ci'][0]:.2f}, {f['a_ci'][1]:.2f}]",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    _clean_minor(ax)
    top = np.nanmax(np.concatenate([ub, [b for _, b in meas] or [10.0]])) * 30
    ax.set_ylim(3, top)
    ax.set_xlabel("neurons d")
    ax.set_ylabel("largest m with all C(m,2) ANDs right")
    ax.set_title(f"basis-aligned, s = {result['s']}, p = MSE-optimal", fontsize=8)
    ax.legend(fontsize=5.5, loc="upper left")
    return ax


def plot_capacity_fit(result: Any, ax: Any = None) -> Any:
    """Fitted capacity exponent for inputs in superposition: largest ``m`` with per-gate error
    rate <= eps against ``d`` (log-log) for each eps, with least-squares fits (slope and 95% CI
    in the legend) and the paper's slope 3/2 for reference.

    Parameters
    ----------
    result : CapacityFit or dict
        The result of ``theory.experiments.circuits.capacity_fit`` or its ``to_dict()``
        (``m_max``, ``eps`` and ``fit_by_eps``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> res = {"eps": 0.05, "m_max": {"100": 300.0, "200": 800.0, "400": 2500.0},
    ...        "fit_by_eps": {"0.2": {"points": [[100, 900], [200, 2600], [400, 7000]]}}}
    >>> plot_capacity_fit(res).get_xscale()
    'log'
    """
    ax = get_ax(ax)
    result = _data(result)
    series = [(float(result.get("eps", 0.05)), sorted((float(d), m) for d, m in result["m_max"].items() if m))]
    series += [
        (float(e), sorted((float(d), m) for d, m in v["points"])) for e, v in result.get("fit_by_eps", {}).items()
    ]
    colors = ["#0072B2", "#009E73", "#D55E00", "#CC79A7"]
    for (eps, pts), col in zip(series, colors * 3, strict=False):
        if not pts:
            continue
        d = np.array([p[0] for p in pts])
        m = np.array([p[1] for p in pts])
        ax.plot(d, m, "o", color=col, ms=3.5)
        _loglog_fit(ax, d, m, col, f"eps={eps:g}")
    allp = [p for _, pts in series for p in pts]
    if allp:
        d0, m0 = min(allp)
        xs = np.geomspace(min(p[0] for p in allp), max(p[0] for p in allp), 20)
        ax.plot(xs, m0 * (xs / d0) ** 1.5, ":", color="0.4", lw=0.8, label="slope 3/2 (paper, up to polylog)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _clean_minor(ax)
    ax.set_xlabel("neurons d (= residual dim)")
    ax.set_ylabel("largest m with per-gate error rate <= eps")
    ax.legend(fontsize=6)
    return ax


def plot_depth_bound(rows: Any, ax: Any = None) -> Any:
    """Union bound on the failure fraction of a compiled circuit against depth, beside the
    measured fractions with dedicated correction (not exact) and without (error > 1/4).

    Parameters
    ----------
    rows : DepthBoundCheck, its dict, or sequence of dict
        The result of ``theory.experiments.circuits.depth_bound_check``, its ``to_dict()``
        or its rows (``params``, ``bound_by_depth`` and the ``"dedicated"``/``"none"`` counts).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> row = {"params": {"circuit_width": 20, "depth": 2}, "bound_by_depth": [0.01, 0.02],
    ...        "dedicated": {"inexact": [1, 2], "above_quarter": [0, 1], "trials": 100},
    ...        "none": {"inexact": [90, 95], "above_quarter": [1, 5], "trials": 100}}
    >>> plot_depth_bound([row]).get_xlabel()
    'depth L'
    """
    ax = get_ax(ax)
    rows = _listed(rows, "rows")
    styles = ["-", "--", "-.", ":"]
    for row, ls in zip(rows, styles * 3, strict=False):
        b = np.asarray(row["bound_by_depth"])
        L = np.arange(1, len(b) + 1)
        tag = f"w{row['params']['circuit_width']}"
        ax.plot(L, b, ls, color="k", lw=1, label=f"{tag}: union bound")
        for ec, key, col in (("dedicated", "inexact", _COL["dedicated"]), ("none", "above_quarter", _COL["none"])):
            v = row[ec]
            ax.plot(
                L,
                np.asarray(v[key]) / v["trials"],
                ls,
                marker="o",
                ms=3,
                color=col,
                label=f"{tag}: {ec}, " + ("not exact" if key == "inexact" else "error > 1/4"),
            )
    ax.set_xlabel("depth L")
    ax.set_ylabel("fraction of 3-sparse inputs")
    ax.legend(fontsize=6)
    return ax


def plot_depth_errors(cells: Any, ax: Any = None, *, dim: int | None = None) -> Any:
    """Mean absolute read-off error per layer of a compiled circuit, with 95% intervals, for
    each error-correction mode; dashed: the mean over the nodes that are right
    (``mean_abs_right``), when the cell has it.

    Parameters
    ----------
    cells : DepthErrors, its dict, or sequence of dict
        The result of ``theory.experiments.circuits.depth_errors``, its ``to_dict()``, or
        its cells ``{"params": {..., "ec"}, "value": depth_cell output}``.
    ax : matplotlib Axes, optional
    dim : int, optional
        Only the cells with this residual dimension (``params["dim"]``; 0 = basis-aligned).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> cells = [{"params": {"ec": "none"}, "value": {"mean_abs": [0, .1, .2],
    ...           "mean_abs_ci": [[0, 0], [.09, .11], [.18, .22]]}}]
    >>> plot_depth_errors(cells).get_xlabel()
    'layer'
    """
    ax = get_ax(ax)
    cells = [c for c in _listed(cells, "cells") if dim is None or c["params"].get("dim") == dim]
    for c in cells:
        v = c["value"]
        y = np.array(v["mean_abs"])
        ci = np.array(v["mean_abs_ci"])
        x = np.arange(len(y))
        ec = c["params"]["ec"]
        ax.errorbar(
            x,
            y,
            yerr=[y - ci[:, 0], ci[:, 1] - y],
            marker="o",
            ms=3,
            capsize=2,
            color=_COL.get(ec, "#0072B2"),
            label=f"error correction: {ec}",
        )
        if "mean_abs_right" in v:
            ax.plot(x, v["mean_abs_right"], "--", lw=1, color=_COL.get(ec, "#0072B2"))
    if any("mean_abs_right" in c["value"] for c in cells):
        ax.plot([], [], "--", lw=1, color="#555555", label="dashed: right nodes only")
    ax.set_xlabel("layer")
    ax.set_ylabel("mean |read-off error|")
    ax.legend(fontsize=6)
    return ax


def _error_vs_width_figure(quick: bool) -> Any:
    from theory.experiments.circuits import width_cell
    from theory.sweep import sweep

    grid = [
        {
            "m": 200,
            "d": d,
            "s": 3,
            "kind": kind,
            "p": 0.2 if kind == "bernoulli" else None,
            "trials": 4 if quick else 16,
        }
        for kind in ("bernoulli", "rademacher")
        for d in ((200, 400, 800) if quick else (200, 400, 800, 1600))
    ]
    res = sweep(width_cell, grid, executor="serial", rng=0, progress=False)
    cells = [{"params": p, "value": v} for p, v in res]
    return plot_error_vs_width(cells).figure


#: Figure recipes for ``theory figures`` (the full scaling study: ``theory.experiments.circuits``).
FIGURES = {"error_vs_width": _error_vs_width_figure, **_COMPRESSED_FIGURES}
