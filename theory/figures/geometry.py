"""Figures of the geometry area: capacity bands, packing gaps, polytopes, Gram matrices.

Each ``plot_*`` function takes ``ax=None`` and returns the Axes it drew on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from theory.figures._core import get_ax

__all__ = ["plot_capacity", "plot_gram", "plot_packing_gap", "plot_polytope"]


def plot_capacity(
    dims: Sequence[int],
    max_cos: float,
    *,
    lines: bool = True,
    ax: Any = None,
    optimise: bool = False,
    lp_max_degree: int = 8,
) -> Any:
    r"""Number of features that fit at interference ``max_cos`` against the dimension: the band
    between the best lower bound (construction) and the best upper bound (Delsarte LP /
    relative bound).

    .. math:: \text{lower}(dim) \le N(dim, \varepsilon) \le \text{upper}(dim)

    Parameters
    ----------
    dims : sequence of int
    max_cos : float
    lines : bool
    ax : matplotlib Axes, optional
    optimise : bool
        Passed to :func:`theory.geometry.max_features`.
    lp_max_degree : int

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_capacity([3, 4], 0.3, lp_max_degree=2)
    >>> ax.get_yscale()
    'log'

    References
    ----------
    .. [1] Delsarte, P., Goethals, J. M. and Seidel, J. J. (1977). "Spherical codes and designs."
       Geom. Dedicata 6, 363-388. doi:10.1007/BF03187604
    """
    from theory.geometry import max_features

    ax = get_ax(ax)
    lo, up = [], []
    for d in dims:
        c = max_features(dim=int(d), max_cos=max_cos, lines=lines, optimise=optimise, lp_max_degree=lp_max_degree)
        lo.append(c.lower)
        up.append(c.upper if np.isfinite(c.upper) else np.nan)
    d_a = np.asarray(dims, dtype=float)
    lo_a, up_a = np.asarray(lo, dtype=float), np.asarray(up, dtype=float)
    ax.fill_between(d_a, lo_a, np.where(np.isnan(up_a), lo_a, up_a), alpha=0.25, label="unknown")
    ax.plot(d_a, lo_a, "o-", label="lower bound (construction)")
    ax.plot(d_a, up_a, "s-", label="upper bound (LP / relative)")
    ax.set_yscale("log")
    ax.set_xlabel("dimension")
    ax.set_ylabel("number of features")
    ax.set_title(f"capacity at {'|cos|' if lines else 'cos'} ≤ {max_cos:g}")
    ax.legend()
    return ax


def plot_packing_gap(results: Iterable[Mapping[str, Any]], *, ax: Any = None) -> Any:
    r"""Relative gap of optimised packings to a reference (a proven optimum or a best known value,
    else the best lower bound) against ``n``, one line per dimension. Log scale; when some gap is
    negative (found below a best known value), a symmetric log scale (linear within 1e-6).

    .. math:: \text{gap} = \frac{\mu_{\text{found}} - \mu_{\text{ref}}}{\mu_{\text{ref}}}

    Parameters
    ----------
    results : iterable of mappings
        Each with keys ``dim``, ``n``, ``gap`` (as written by ``benchmarks/packing.py``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_packing_gap([{"dim": 3, "n": 6, "gap": 1e-12}, {"dim": 3, "n": 7, "gap": 1e-9}])
    >>> ax.get_ylabel()
    'relative gap to reference'
    >>> plot_packing_gap([{"dim": 3, "n": 22, "gap": -9.6e-5}]).get_yscale()
    'symlog'

    References
    ----------
    .. [1] Conway, J. H., Hardin, R. H. and Sloane, N. J. A. (1996). "Packing lines, planes, etc."
       Experiment. Math. 5(2), 139-159. doi:10.1080/10586458.1996.10504585
    """
    ax = get_ax(ax)
    rows = list(results)
    # A found value below the reference (possible against best *known* values) is drawn below 0 on
    # a symmetric log scale; otherwise the plain log scale, gaps floored at 1e-16.
    below = any(float(r["gap"]) < -1e-12 for r in rows)
    floor = -np.inf if below else 1e-16
    for dim in sorted({int(r["dim"]) for r in rows}):
        pts = sorted((int(r["n"]), max(float(r["gap"]), floor)) for r in rows if int(r["dim"]) == dim)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=f"dim {dim}")
    if below:
        ax.set_yscale("symlog", linthresh=1e-6)
        ax.axhline(0.0, lw=0.8, color="black")
    else:
        ax.set_yscale("log")
    ax.set_xlabel("n")
    ax.set_ylabel("relative gap to reference")
    ax.axhline(1e-3, ls="--", lw=0.8, color="grey")
    ax.legend()
    return ax


def plot_polytope(W: Any, *, ax: Any = None, title: str | None = None) -> Any:
    r"""Draw the features of a 1-, 2- or 3-dimensional frame as arrows from the origin (3-D frames
    need an Axes with ``projection="3d"``; one is created when ``ax`` is None).

    .. math:: w_i \in \mathbb{R}^{dim},\ dim \le 3

    Parameters
    ----------
    W : array_like of shape (dim, n) with dim <= 3, or a name accepted by
        :func:`theory.geometry.polytope`
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_polytope("pentagon")
    >>> ax.get_title()
    'pentagon'

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy Models of Superposition." arXiv:2209.10652
    """
    from theory._validation import check_frame
    from theory.geometry import polytope

    if isinstance(W, str):
        title = title or W
        W = polytope(W)
    W = check_frame(W, allow_zero_columns=True)
    dim = W.shape[0]
    if dim > 3:
        raise ValueError(f"W must have at most 3 rows to be drawn, got shape {W.shape}")
    if dim == 1:
        W = np.vstack([W, np.zeros_like(W)])
    if dim <= 2:
        ax = get_ax(ax)
        for i in range(W.shape[1]):
            ax.annotate("", xy=(W[0, i], W[1, i]), xytext=(0, 0), arrowprops={"arrowstyle": "->", "lw": 1.2})
            ax.text(1.08 * W[0, i], 1.08 * W[1, i], str(i), ha="center", va="center", fontsize=8)
        lim = 1.2 * max(1e-9, float(np.abs(W).max()))
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
    else:
        if ax is None:
            import matplotlib.pyplot as plt

            fig = plt.figure()
            ax = fig.add_subplot(projection="3d")
        for i in range(W.shape[1]):
            ax.plot([0, W[0, i]], [0, W[1, i]], [0, W[2, i]], "-", lw=1.2)
            ax.scatter([W[0, i]], [W[1, i]], [W[2, i]], s=12)
    ax.set_title(title or f"{W.shape[1]} features in R^{dim}")
    return ax


def plot_gram(W: Any, *, ax: Any = None, absolute: bool = False) -> Any:
    r"""Heat map of the cosine (Gram) matrix of the normalised features.

    .. math:: G_{ij} = \langle \hat w_i, \hat w_j\rangle

    Parameters
    ----------
    W : array_like, shape (dim, n)
    ax : matplotlib Axes, optional
    absolute : bool
        Show :math:`|G_{ij}|`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from theory.geometry import simplex
    >>> ax = plot_gram(simplex(3))
    >>> ax.get_xlabel()
    'feature j'

    References
    ----------
    .. [1] Strohmer, T. and Heath, R. W. (2003). "Grassmannian frames with applications to coding
       and communication." Appl. Comput. Harmon. Anal. 14(3), 257-275.
       doi:10.1016/S1063-5203(03)00023-X
    """
    from theory.geometry import normalize

    V = normalize(W)
    G = V.T @ V
    if absolute:
        G = np.abs(G)
    ax = get_ax(ax)
    im = ax.imshow(G, vmin=0 if absolute else -1, vmax=1, cmap="viridis" if absolute else "RdBu_r")
    ax.figure.colorbar(im, ax=ax)
    ax.set_xlabel("feature j")
    ax.set_ylabel("feature i")
    return ax


def _capacity_figure(quick: bool) -> Any:
    dims = range(2, 7) if quick else range(2, 13)
    return plot_capacity(list(dims), 0.5).figure


def _residual_capacity_figure(quick: bool) -> Any:
    """Capacity at |cos| <= 0.1 up to a 768-dimensional residual stream."""
    dims = [64, 256, 768] if quick else [32, 64, 128, 192, 256, 384, 512, 640, 768]
    return plot_capacity(dims, 0.1, lp_max_degree=16).figure


def _polytopes_figure(quick: bool) -> Any:
    import matplotlib.pyplot as plt

    from theory.geometry import polytope

    fig = plt.figure(figsize=(7.5, 2.6))
    for i, name in enumerate(("pentagon", "tetrahedron", "square_antiprism")):
        W = polytope(name)
        kw = {"projection": "3d"} if W.shape[0] == 3 else {}
        plot_polytope(W, ax=fig.add_subplot(1, 3, i + 1, **kw), title=name.replace("_", " "))
    return fig


#: Figure recipes for ``theory figures``.
FIGURES = {"capacity": _capacity_figure, "residual_capacity": _residual_capacity_figure, "polytopes": _polytopes_figure}
