"""Figures of the toy-model area (Elhage et al. 2022): the 2 -> 1 phase diagram, ``WᵀW`` and
feature norms, dimensions per feature against ``1/p``, per-feature dimensionality scatter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from theory.figures._core import get_ax
from theory.figures.toy_models_incidental import FIGURES as _INCIDENTAL_FIGURES
from theory.figures.toy_models_incidental import plot_incidental_polysemanticity
from theory.figures.toy_models_kgon import FIGURES as _KGON_FIGURES
from theory.figures.toy_models_kgon import plot_kgon_losses
from theory.figures.toy_models_scaling import FIGURES as _SCALING_FIGURES
from theory.figures.toy_models_scaling import plot_scaling_law

__all__ = [
    "plot_abs_computed",
    "plot_dimensions_per_feature",
    "plot_feature_dimensionality",
    "plot_feature_norms",
    "plot_incidental_polysemanticity",
    "plot_kgon_losses",
    "plot_phase_diagram_2x1",
    "plot_polygon_expansion",
    "plot_scaling_law",
    "plot_wtw",
]

_PHASE_COLORS = {"not learned": "#4c72b0", "dedicated": "#55a868", "superposition": "#c44e52", "other": "#999999"}

#: Sticky values of dimensions per feature and their polytopes (Elhage et al. 2022).
STICKY = [
    (1.0, "dedicated"),
    (3 / 4, "tetrahedron"),
    (2 / 3, "triangle"),
    (1 / 2, "digon"),
    (2 / 5, "pentagon"),
    (3 / 8, "square antiprism"),
]


def plot_phase_diagram_2x1(
    diagram: Any = None,
    *,
    p_range: tuple[float, float] = (0.01, 1.0),
    r_range: tuple[float, float] = (0.1, 10.0),
    resolution: int = 200,
    ax: Any = None,
) -> Any:
    r"""The 2 -> 1 phase diagram: exact theory as coloured regions with the closed-form
    boundaries :math:`p^*(r)`, and (if given) a trained :class:`theory.toy_models.PhaseDiagram`
    as markers coloured by the empirical phase (an ``x`` where it disagrees with theory).

    Parameters
    ----------
    diagram : PhaseDiagram, optional
    p_range, r_range : (float, float)
        Axis ranges (log scale): density ``p`` on y, relative importance ``r`` on x.
    resolution : int
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_phase_diagram_2x1(resolution=20)
    >>> ax.get_xscale(), ax.get_yscale()
    ('log', 'log')

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from theory.toy_models.exact import PHASES_2X1, phase_boundary_2x1

    ax = get_ax(ax)
    rs = np.geomspace(*r_range, resolution)
    ps = np.geomspace(*p_range, resolution)
    R, Pm = np.meshgrid(rs, ps)
    pstar = np.vectorize(lambda r: phase_boundary_2x1(r=r))(R)
    code = np.where(Pm < pstar, 2, np.where(R < 1, 0, 1))
    cmap = ListedColormap([_PHASE_COLORS[k] for k in PHASES_2X1])
    ax.pcolormesh(rs, ps, code, cmap=cmap, vmin=-0.5, vmax=2.5, alpha=0.35, shading="auto", rasterized=True)
    ax.plot(rs, [phase_boundary_2x1(r=r) for r in rs], color="k", lw=1)
    ax.plot([1, 1], [phase_boundary_2x1(r=1.0), p_range[1]], color="k", lw=1)
    if diagram is not None:
        for i, p in enumerate(diagram.p):
            for j, r in enumerate(diagram.r):
                e = str(diagram.empirical[i, j])
                ok = e == str(diagram.theory[i, j])
                ax.scatter(
                    [r],
                    [p],
                    s=28,
                    marker="o" if ok else "X",
                    color=_PHASE_COLORS.get(e, "#999999"),
                    edgecolor="k",
                    linewidth=0.5,
                    zorder=3,
                )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("relative importance of feature 2, $r$")
    ax.set_ylabel("feature density $p = 1 - S$")
    ax.set_title("2 features, 1 dimension")
    ax.legend(
        handles=[Patch(color=_PHASE_COLORS[k], label=k) for k in PHASES_2X1],
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize="small",
        frameon=False,
    )
    return ax


def plot_wtw(W: ArrayLike, *, ax: Any = None, title: str | None = None) -> Any:
    r"""Heat map of :math:`W^\top W` (shape ``(n, n)``) for one model, colour range [-1, 1].

    Parameters
    ----------
    W : array, shape (dim, n)
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_wtw(np.eye(2, 3))

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    from theory._validation import check_array

    W = check_array(W, "W", ndim=2)
    ax = get_ax(ax)
    ax.imshow(W.T @ W, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize="small")
    return ax


def plot_feature_norms(W: ArrayLike, *, ax: Any = None, title: str | None = None) -> Any:
    r"""Bars of :math:`\lVert W_i\rVert` per feature, coloured by the superposition score
    :math:`\sum_{j\ne i}(\hat W_i\cdot W_j)^2` (black: none, yellow: strong), as in the paper.

    Parameters
    ----------
    W : array, shape (dim, n)
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_feature_norms(np.array([[1.0, -1.0, 0.1]]))

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    import matplotlib.pyplot as plt

    from theory.toy_models.analysis import feature_norms, superposition_score

    ax = get_ax(ax)
    norms = feature_norms(W)
    sup = np.clip(superposition_score(W), 0, 1)
    ax.barh(np.arange(norms.size), norms, color=plt.get_cmap("viridis")(sup))
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.2, float(norms.max()) * 1.05))
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize="small")
    return ax


def plot_dimensions_per_feature(
    p: ArrayLike, dims_per_feature: ArrayLike, *, ax: Any = None, label: str | None = None
) -> Any:
    r"""Dimensions per feature :math:`\mathrm{dim}/\lVert W\rVert_F^2` against :math:`1/p =
    1/(1-S)` (log x), with the sticky polytope fractions 1, 3/4, 2/3, 1/2, 2/5, 3/8 drawn.

    Parameters
    ----------
    p : array, shape (k,)
        Densities.
    dims_per_feature : array, shape (k,)
    ax : matplotlib Axes, optional
    label : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_dimensions_per_feature([1.0, 0.1], [1.0, 0.5])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652,
       section "Feature Dimensionality".
    """
    from theory._validation import check_array

    p = check_array(p, "p", ndim=1)
    d = check_array(dims_per_feature, "dims_per_feature", ndim=1)
    if p.shape != d.shape:
        raise ValueError(f"p and dims_per_feature must have the same shape, got {p.shape} and {d.shape}")
    ax = get_ax(ax)
    for v, name in STICKY:
        ax.axhline(v, color="0.8", lw=0.6, zorder=0)
        ax.text(1.0, v, f" {name}", fontsize="x-small", va="bottom", color="0.4")
    ax.plot(1 / p, d, "o-", ms=3, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("1 / (1 - S) = 1 / p")
    ax.set_ylabel("dimensions per feature")
    return ax


def plot_feature_dimensionality(
    p: ArrayLike, D: ArrayLike, *, ax: Any = None, fractions: Sequence[tuple[float, str]] = STICKY
) -> Any:
    r"""Scatter of every feature's dimensionality :math:`D_i` against :math:`1/p` (one column of
    points per trained instance), with the polytope fractions drawn: the paper's feature-geometry
    plot.

    Parameters
    ----------
    p : array, shape (k,)
    D : array, shape (k, n)
        Per-instance feature dimensionalities (:func:`theory.toy_models.feature_dimensionality`).
    ax : matplotlib Axes, optional
    fractions : sequence of (value, name)

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_feature_dimensionality([1.0, 0.1], [[1.0, 0.0], [0.5, 0.5]])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    from theory._validation import check_array

    p = check_array(p, "p", ndim=1)
    D = check_array(D, "D", ndim=2)
    if D.shape[0] != p.shape[0]:
        raise ValueError(f"D must have one row per density, got {D.shape} for {p.shape[0]} densities")
    ax = get_ax(ax)
    for v, _ in fractions:
        ax.axhline(v, color="0.85", lw=0.6, zorder=0)
    xs = np.repeat(1 / p, D.shape[1])
    live = D.ravel() > 0
    ax.scatter(xs[live], D.ravel()[live], s=6, alpha=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("1 / p")
    ax.set_ylabel("feature dimensionality $D_i$")
    return ax


def plot_abs_computed(p: ArrayLike, halves: ArrayLike, features: ArrayLike, *, n_hidden: int, ax: Any = None) -> Any:
    r"""Computation in superposition: (feature, sign) halves and whole features whose |x| the
    abs-task model computes, against :math:`1/p`, with the number of hidden neurons drawn (one
    half per neuron without superposition).

    Parameters
    ----------
    p : array, shape (k,)
        Densities.
    halves, features : array, shape (k,)
        From :func:`theory.toy_models.abs_features_computed` (``per_sign=True`` / ``False``).
    n_hidden : int
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_abs_computed([1.0, 0.1], [4, 9], [2, 3], n_hidden=5)

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652, section
       "Computation in Superposition".
    """
    from theory._validation import check_array, check_int

    p = check_array(p, "p", ndim=1)
    h = check_array(halves, "halves", ndim=1)
    f = check_array(features, "features", ndim=1)
    if not (p.shape == h.shape == f.shape):
        raise ValueError(f"p, halves and features must have the same shape, got {p.shape}, {h.shape} and {f.shape}")
    m = check_int(n_hidden, "n_hidden", minimum=1)
    ax = get_ax(ax)
    ax.plot(1 / p, h, "o-", label="(feature, sign) halves computed")
    ax.plot(1 / p, f, "s-", label="features computed on both signs")
    ax.axhline(m, color="k", ls="--", lw=1, label=f"hidden neurons = {m}")
    ax.set_xscale("log")
    ax.set_xlabel("1 / p")
    ax.set_ylabel("count")
    ax.legend(fontsize="x-small")
    return ax


def plot_polygon_expansion(n: int = 5, *, ks: Sequence[int] = (2, 3, 4, 5), p_max: float = 0.3, ax: Any = None) -> Any:
    r"""Second-order sparse expansion :math:`(c_1 + (n-k)/3)p + c_2p^2` of the loss of ``n``
    equal features with ``k`` of them on a regular k-gon in 2 dimensions, divided by :math:`p`,
    against :math:`p` (:func:`theory.toy_models.sparse_expansion`).

    Parameters
    ----------
    n : int
    ks : sequence of int
        Polygon sizes (2 .. n).
    p_max : float
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_polygon_expansion(5, ks=(4, 5))

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    from theory._validation import check_int, check_real
    from theory.toy_models.polytopes import regular_polygon_frame, sparse_expansion

    n = check_int(n, "n", minimum=2)
    p_max = check_real(p_max, "p_max", minimum=0.0, maximum=1.0, strict_min=True)
    ax = get_ax(ax)
    ps = np.linspace(p_max / 200, p_max, 200)
    for k in ks:
        k = check_int(k, "k", minimum=2)
        if k > n:
            raise ValueError(f"each k must be at most n = {n}, got {k}")
        e = sparse_expansion(regular_polygon_frame(k))
        ax.plot(ps, e.c1 + (n - k) / 3 + e.c2 * ps, label=f"{k}-gon ({e.method_c2} $c_2$)")
    ax.set_xlabel("p")
    ax.set_ylabel("expected loss / p (to order $p^2$)")
    ax.legend(fontsize="x-small")
    return ax


def _phase_2x1_figure(quick: bool) -> Any:
    return plot_phase_diagram_2x1(resolution=80 if quick else 200).figure


#: Figure recipes for ``theory figures`` (the trained reproductions are in
#: ``benchmarks/toy_reproduction.py``).
def _polygon_expansion_figure(quick: bool) -> Any:
    return plot_polygon_expansion(5).figure


FIGURES = {
    "phase_2x1_theory": _phase_2x1_figure,
    "polygon_expansion": _polygon_expansion_figure,
    **_KGON_FIGURES,
    **_INCIDENTAL_FIGURES,
    **_SCALING_FIGURES,
}
