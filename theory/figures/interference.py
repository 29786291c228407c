"""Figures for the interference area: phase transition, interference histogram, RIP bounds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import special

from theory.figures._core import get_ax
from theory.figures.interference_access import FIGURES as _ACCESS_FIGURES
from theory.figures.interference_access import plot_linear_accessibility

__all__ = [
    "plot_linear_accessibility",
    "plot_phase_transition",
    "plot_interference_histogram",
    "plot_rip_bounds",
    "random_abs_cos_density",
]


def random_abs_cos_density(c: Any, dim: int) -> np.ndarray:
    r"""Density of :math:`|\cos|` between two independent uniform unit vectors in
    :math:`\mathbb R^{\text{dim}}`:

    .. math:: f(c) = \frac{2 (1 - c^2)^{(\text{dim}-3)/2}}{B(\tfrac12, \tfrac{\text{dim}-1}2)},
              \quad 0 \le c \le 1 .

    Examples
    --------
    >>> from scipy import integrate
    >>> round(integrate.quad(random_abs_cos_density, 0, 1, args=(10,))[0], 10)
    1.0
    """
    c = np.asarray(c, dtype=float)
    if dim < 2:
        raise ValueError(f"dim must be >= 2, got {dim}")
    logb = special.betaln(0.5, (dim - 1) / 2.0)
    with np.errstate(divide="ignore"):
        return 2.0 * np.exp((dim - 3) / 2.0 * np.log1p(-np.minimum(c * c, 1.0)) - logb)


def plot_phase_transition(pt: Any, ax: Any = None) -> Any:
    r"""Heat map of the empirical :math:`\ell_1` success probability with the theory curve.

    Parameters
    ----------
    pt : theory.interference.PhaseTransition
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from theory.interference import empirical_phase_transition
    >>> pt = empirical_phase_transition(n=20, deltas=[0.3, 0.6], rhos=[0.2, 0.6], trials=2,
    ...                                 executor="serial", progress=False)
    >>> ax = plot_phase_transition(pt)
    """
    from theory.interference import l1_weak_threshold

    ax = get_ax(ax, figsize=(4.2, 3.4))
    d, r = np.asarray(pt.deltas), np.asarray(pt.rhos)
    im = ax.pcolormesh(_edges(d), _edges(r), pt.success.T, cmap="viridis", vmin=0, vmax=1, shading="flat")
    ax.figure.colorbar(im, ax=ax, label="success probability")
    dd = np.linspace(0.02, 1.0, 200)
    ax.plot(
        dd,
        [l1_weak_threshold(float(x), nonnegative=pt.nonnegative) for x in dd],
        "w-",
        lw=1.6,
        label=r"theory $\rho_W(\delta)$",
    )
    ax.plot(d, pt.boundary(), "o--", color="#D55E00", ms=3, lw=1, label="empirical 50%")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(r"$\delta = \mathrm{dim}/n$")
    ax.set_ylabel(r"$\rho = k/\mathrm{dim}$")
    ax.set_title(f"l1 recovery, n = {pt.n}, {pt.trials} trials/cell")
    ax.legend(loc="upper left", fontsize=7)
    return ax


def _edges(v: np.ndarray) -> np.ndarray:
    if v.size == 1:
        return np.array([v[0] - 0.05, v[0] + 0.05])
    mid = 0.5 * (v[1:] + v[:-1])
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def plot_interference_histogram(stats: Any, ax: Any = None, *, label: str = "dictionary") -> Any:
    r"""Histogram of pairwise :math:`|\cos|` of a dictionary against the random null density.

    Parameters
    ----------
    stats : theory.interference.DictionaryStats
    ax : matplotlib Axes, optional
    label : str

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from theory.interference import dictionary_stats
    >>> s = dictionary_stats(np.random.default_rng(0).standard_normal((8, 60)), random_null=False)
    >>> ax = plot_interference_histogram(s)
    """
    ax = get_ax(ax, figsize=(4.4, 3.0))
    e = stats.hist_edges
    width = np.diff(e)
    total = max(1, int(stats.hist_counts.sum()))
    dens = stats.hist_counts / (total * width)
    ax.stairs(dens, e, fill=True, alpha=0.5, label=f"{label} (n={stats.n}, dim={stats.dim})")
    c = np.linspace(0, 1, 400)
    if stats.dim >= 2:
        ax.plot(c, random_abs_cos_density(c, stats.dim), "k--", lw=1, label="random unit vectors")
    ax.axvline(stats.max_cos, color="#D55E00", lw=1, label=f"max |cos| = {stats.max_cos:.3f}")
    if stats.welch > 0:
        ax.axvline(stats.welch, color="#0072B2", lw=1, ls=":", label=f"Welch = {stats.welch:.3f}")
    ax.set_yscale("log")
    pos = dens[dens > 0]
    if pos.size:
        ax.set_ylim(pos.min() / 5.0, max(pos.max(), float(random_abs_cos_density(0.0, max(stats.dim, 2)))) * 3)
    ax.set_xlabel("|cos| between features")
    ax.set_ylabel("density")
    ax.legend(fontsize=6)
    return ax


def plot_rip_bounds(bounds: Sequence[Any], ax: Any = None) -> Any:
    r"""RIP bounds side by side per sparsity: Gershgorin, SDP (certified), exact / search.

    Parameters
    ----------
    bounds : sequence of dict
        One dict per ``k``: ``{"k": k, "exact": RIPBound|None, "sdp": RIPBound|None,
        "gershgorin": RIPBound|None}``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from theory.interference import rip_constant
    >>> W = np.random.default_rng(0).standard_normal((4, 7)); W /= np.linalg.norm(W, axis=0)
    >>> rows = [{"k": k, "exact": rip_constant(W, k=k, method="exact"),
    ...          "gershgorin": rip_constant(W, k=k, method="gershgorin"), "sdp": None}
    ...         for k in (2, 3)]
    >>> ax = plot_rip_bounds(rows)
    """
    ax = get_ax(ax, figsize=(4.4, 3.0))
    ks = np.array([row["k"] for row in bounds])
    styles = [
        ("gershgorin", "#D55E00", "Gershgorin (k-1)mu"),
        ("sdp", "#0072B2", "SDP (certified)"),
        ("exact", "#009E73", "exact"),
    ]
    w = 0.27
    for j, (key, col, lab) in enumerate(styles):
        vals = [row[key].upper if row.get(key) is not None else np.nan for row in bounds]
        ax.bar(ks + (j - 1) * w, vals, width=w, color=col, label=lab)
    lows = [row["sdp"].lower if row.get("sdp") is not None else np.nan for row in bounds]
    if np.any(np.isfinite(lows)):
        ax.plot(ks, lows, "kv", ms=4, label="lower (support search)")
    ax.axhline(1 / np.sqrt(2), color="k", lw=0.8, ls=":", label=r"$1/\sqrt{2}$")
    ax.set_xticks(ks)
    ax.set_xlabel("k")
    ax.set_ylabel(r"$\delta_k$")
    ax.legend(fontsize=6)
    return ax


def _rip_bounds_figure(quick: bool) -> Any:
    from theory.geometry import random_frame
    from theory.interference import rip_constant

    W = random_frame(dim=16, n=20 if quick else 24, kind="sphere", rng=0)
    bounds = [
        {"k": k, **{m: rip_constant(W, k=k, method=m) for m in ("exact", "sdp", "gershgorin")}}
        for k in range(2, 4 if quick else 5)
    ]
    return plot_rip_bounds(bounds).figure


def _histogram_figure(quick: bool) -> Any:
    from theory.geometry import random_frame
    from theory.interference import dictionary_stats

    W = random_frame(dim=64, n=1000 if quick else 8000, kind="sphere", rng=0)
    return plot_interference_histogram(dictionary_stats(W), label="random frame").figure


#: Figure recipes for ``theory figures``.
FIGURES = {"rip_bounds": _rip_bounds_figure, "interference_histogram": _histogram_figure, **_ACCESS_FIGURES}
