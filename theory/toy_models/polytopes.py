r"""Sparse-limit theory of symmetric feature geometries (regular k-gons in 2 dimensions,
polytopes in 3).

In the sparse limit :math:`p \to 0` the expected loss is dominated by inputs with a single
active feature (probability :math:`\approx p` each); co-occurrences only enter at order
:math:`p^2`. For ``k`` equal-importance features placed on unit directions :math:`u_i` with a
common norm :math:`a` and a common bias :math:`b = -t \le 0` (a positive bias costs order
:math:`p^0`), and ``n - k`` features left out, the expected loss summed over features is

.. math::
    L = p\,\Big[k\,\ell(a^2, t) + \frac{n-k}{3}\Big] + O(p^2),\qquad
    \ell = \underbrace{\mathbb{E}\big(v - \mathrm{ReLU}(a^2 v - t)\big)^2}_{\text{self}}
          + \frac1k \sum_{i\ne j}\mathbb{E}\,\mathrm{ReLU}(a^2 c_{ij} v - t)^2,

with :math:`v \sim U[0,1]` and :math:`c_{ij} = u_i\cdot u_j`. The integrals are elementary
(closed forms below, derived symbolically in ``theory/proofs/toy_polytopes.py``):

.. math::
    \mathbb{E}\,\mathrm{ReLU}(\gamma v - t)^2 = \frac{(\gamma - t)_+^3}{3\gamma},\qquad
    \text{self} = \frac{s^3}{3} + \frac{((1-\alpha) + t)^3 - ((1-\alpha)s + t)^3}{3(1-\alpha)},
    \ s = \min(1, t/\alpha).

The minimisation over :math:`(a, t)` is **numerical** (bounded L-BFGS-B from several starts);
the loss expressions are **symbolic**. Geometries with no positive cosine (digon, triangle,
square, tetrahedron, octahedron) have :math:`\ell = 0` exactly (the identity-like solution
:math:`a = 1, t = 0`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import check_array, check_int, check_real, check_size

__all__ = [
    "SparseExpansion",
    "SparseLimit",
    "best_2d_sparse_expansion",
    "best_2d_sparse_limit",
    "min_square_moment",
    "regular_polygon_frame",
    "relu_tail_moment",
    "self_term",
    "sparse_expansion",
    "sparse_limit_loss",
]


def regular_polygon_frame(k: int) -> NDArray[np.float64]:
    r"""Unit vectors of a regular ``k``-gon, :math:`u_i = (\cos 2\pi i/k, \sin 2\pi i/k)`.

    Parameters
    ----------
    k : int
        Number of vertices (>= 1; ``k = 2`` is the digon, an antipodal pair).

    Returns
    -------
    ndarray, shape (2, k)

    Examples
    --------
    >>> np.round(regular_polygon_frame(4), 12).tolist()
    [[1.0, 0.0, -1.0, -0.0], [0.0, 1.0, 0.0, -1.0]]
    """
    k = check_size(k, "k", maximum=10**7, why="the frame has k columns")
    a = 2 * np.pi * np.arange(k) / k
    return np.stack([np.cos(a), np.sin(a)])


def relu_tail_moment(gamma: float, t: float) -> float:
    r""":math:`\mathbb{E}\,\mathrm{ReLU}(\gamma v - t)^2 = (\gamma - t)_+^3 / (3\gamma)` for
    :math:`v \sim U[0,1]`, :math:`t \ge 0` (0 when :math:`\gamma \le t`).

    Examples
    --------
    >>> relu_tail_moment(1.0, 0.0), relu_tail_moment(0.3, 0.5)
    (0.3333333333333333, 0.0)
    """
    if gamma <= t:
        return 0.0
    return (gamma - t) ** 3 / (3 * gamma)


def self_term(alpha: float, t: float) -> float:
    r""":math:`\mathbb{E}(v - \mathrm{ReLU}(\alpha v - t))^2` for :math:`v \sim U[0,1]`,
    :math:`\alpha > 0`, :math:`t \ge 0`.

    Examples
    --------
    >>> self_term(1.0, 0.0), round(self_term(1e-9, 0.0), 6)
    (0.0, 0.333333)
    """
    s = min(1.0, t / alpha) if alpha > 0 else 1.0
    out = s**3 / 3
    beta = 1.0 - alpha
    if s < 1:
        if abs(beta) < 1e-12:
            out += t * t * (1 - s)
        else:
            out += ((beta + t) ** 3 - (beta * s + t) ** 3) / (3 * beta)
    return out


def _ell(alpha: float, t: float, cos_pos: NDArray[np.float64], k: int) -> float:
    return self_term(alpha, t) + sum(relu_tail_moment(alpha * c, t) for c in cos_pos) / k


def _unit_columns(U: ArrayLike) -> NDArray[np.float64]:
    """Validate ``U`` (dim, k): finite, 2-D, no zero column; return it with unit-norm columns."""
    U = check_array(U, "U", ndim=2)
    norms = np.linalg.norm(U, axis=0)
    if np.any(norms == 0):
        raise ValueError("U must have non-zero columns")
    return U / norms


@dataclass(frozen=True)
class SparseLimit:
    """Leading-order (in ``p``) loss of a symmetric geometry.

    Attributes
    ----------
    k : int
        Number of represented features.
    ell : float
        Per-feature coefficient :math:`\\ell` at the optimum (loss per unit density).
    norm : float
        Optimal common norm :math:`a`.
    bias : float
        Optimal common bias :math:`b = -t`.
    method : str
        ``"symbolic integrals, numerical optimisation"``.
    """

    k: int
    ell: float
    norm: float
    bias: float
    method: str = "symbolic integrals, numerical optimisation"


def sparse_limit_loss(U: ArrayLike) -> SparseLimit:
    r"""Optimal leading-order loss coefficient :math:`\ell` of the unit directions ``U``
    (columns), minimised over a common norm and a common non-positive bias.

    Parameters
    ----------
    U : array, shape (dim, k)
        Directions (normalised here).

    Returns
    -------
    SparseLimit

    Examples
    --------
    >>> sparse_limit_loss(regular_polygon_frame(4)).ell
    0.0
    >>> 0 < sparse_limit_loss(regular_polygon_frame(5)).ell < 1 / 3
    True

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    from scipy.optimize import minimize

    U = _unit_columns(U)
    k = U.shape[1]
    G = U.T @ U
    off = G[~np.eye(k, dtype=bool)]
    cos_pos = off[off > 1e-12]
    if cos_pos.size == 0:
        return SparseLimit(k, 0.0, 1.0, 0.0)
    best: Any = None  # the best scipy OptimizeResult (set by the first start)
    for a0 in (1.0, 1.5, 2.5):
        for t0 in (0.0, 0.5, 1.5):
            res = minimize(
                lambda z: _ell(z[0], z[1], cos_pos, k), x0=[a0, t0], bounds=[(1e-6, 9.0), (0.0, 9.0)], method="L-BFGS-B"
            )
            if best is None or res.fun < best.fun:
                best = res
    alpha, t = best.x
    return SparseLimit(k, float(best.fun), float(np.sqrt(alpha)), float(-t))


def best_2d_sparse_limit(n: int, *, k_max: int = 12) -> dict[int, float]:
    r"""Leading-order loss coefficient :math:`k\,\ell(k) + (n-k)/3` of placing ``k`` of ``n``
    equal-importance features on a regular k-gon in 2 dimensions (the rest dropped), for
    ``k = 1 .. min(n, k_max)``. The argmin is the sparse-limit optimal 2-D geometry.

    Parameters
    ----------
    n : int
        Number of features.
    k_max : int

    Returns
    -------
    dict
        ``k -> coefficient of p`` in the expected loss.

    Examples
    --------
    >>> c = best_2d_sparse_limit(5)
    >>> min(c, key=c.get)
    5

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652
       (pentagons in 2 dimensions at high sparsity).
    """
    n = check_size(n, "n", maximum=10**300, why="the losses are floats")
    k_max = check_int(k_max, "k_max", minimum=1)
    out = {}
    for k in range(1, min(n, k_max) + 1):
        ell = sparse_limit_loss(regular_polygon_frame(k)).ell if k > 1 else 0.0
        out[k] = k * ell + (n - k) / 3
    check_real(out[1], "coefficient")
    return out


def min_square_moment(gamma: float) -> float:
    r""":math:`\mathbb{E}\,\min(u, \gamma w)^2 = \gamma^2/3 - \gamma^3/6` for independent
    :math:`u, w \sim U[0,1]` and :math:`0 \le \gamma \le 1` (derived in
    ``theory/proofs/toy_polytopes.py``).

    It is the order-:math:`p^2` error of a feature whose output :math:`\mathrm{ReLU}(u - \gamma w)`
    is pushed down by a co-active feature at cosine :math:`-\gamma` (norm 1, bias 0).

    Examples
    --------
    >>> min_square_moment(1.0), min_square_moment(0.0)
    (0.16666666666666666, 0.0)
    """
    gamma = check_real(gamma, "gamma", minimum=0.0, maximum=1.0)
    return gamma**2 / 3 - gamma**3 / 6


def _quad_antiderivative(c0, c1, u):
    """Antiderivative of (c0 + c1 u)^2 at u."""
    return c0 * c0 * u + c0 * c1 * u * u + c1 * c1 * u**3 / 3


def _inner_pair(
    alpha: float, t: float, ci: NDArray[np.float64], cj: NDArray[np.float64], i: int, j: int, w: NDArray[np.float64]
) -> NDArray[np.float64]:
    r""":math:`\int_0^1 \sum_l (x_l - \mathrm{ReLU}(\alpha(c_{li} u + c_{lj} w) - t))^2\,du` with
    :math:`x_i = u`, :math:`x_j = w` and the other targets 0, in closed form for each ``w``."""
    k = ci.size
    A = np.broadcast_to(alpha * ci, (w.size, k))
    B = alpha * cj[None, :] * w[:, None] - t
    p0 = np.zeros((w.size, k))
    p0[:, j] = w
    p1 = np.zeros(k)
    p1[i] = 1.0
    p1 = np.broadcast_to(p1, (w.size, k))
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.where(A != 0, -B / np.where(A != 0, A, 1.0), 0.0)
    lo = np.where(A > 0, np.clip(root, 0, 1), 0.0)
    hi = np.where(A < 0, np.clip(root, 0, 1), 1.0)
    zero_slope = A == 0
    lo = np.where(zero_slope, 0.0, lo)
    hi = np.where(zero_slope, np.where(B > 0, 1.0, 0.0), hi)
    hi = np.maximum(hi, lo)
    F = _quad_antiderivative
    total = (
        F(p0, p1, 1.0)
        - F(p0, p1, 0.0)
        - (F(p0, p1, hi) - F(p0, p1, lo))
        + F(p0 - B, p1 - A, hi)
        - F(p0 - B, p1 - A, lo)
    )
    return total.sum(axis=1)


def _pair_excess(alpha: float, t: float, C: NDArray[np.float64], i: int, j: int, order: int = 8) -> float:
    r""":math:`g(\{i,j\}) - g(\{i\}) - g(\{j\})`: the inner integral is exact; as a function of
    ``w`` it is a polynomial of degree <= 3 between breakpoints, integrated by Gauss-Legendre."""
    ci, cj = C[:, i], C[:, j]
    bps = [0.0, 1.0]
    for cl_i, cl_j in zip(alpha * ci, alpha * cj, strict=True):
        if cl_j != 0:
            bps += [t / cl_j, (t - cl_i) / cl_j]
    edges = np.unique(np.clip(bps, 0.0, 1.0))
    x, wts = np.polynomial.legendre.leggauss(order)
    a, b = edges[:-1, None], edges[1:, None]
    nodes = ((b - a) / 2 * x + (a + b) / 2).ravel()
    weights = ((b - a) / 2 * wts).ravel()
    pair = float(weights @ _inner_pair(alpha, t, ci, cj, i, j, nodes))
    zero = np.zeros(1)
    g_i = float(_inner_pair(alpha, t, ci, cj, i, j, zero)[0])
    g_j = float(_inner_pair(alpha, t, cj, ci, j, i, zero)[0])
    return pair - g_i - g_j


@dataclass(frozen=True)
class SparseExpansion:
    r"""Expected loss of a symmetric geometry to second order in the density ``p``.

    :math:`L(p) = c_1 p + c_2 p^2 + O(p^3)`, summed over the ``k`` represented features (each
    dropped feature adds exactly :math:`p/3`, with no higher-order term).

    Attributes
    ----------
    k : int
    c1, c2 : float
        Coefficients of :math:`p` and :math:`p^2`.
    norm, bias : float
        The common norm :math:`a` and bias :math:`b = -t` they are evaluated at.
    method_c1, method_c2 : str
        How each coefficient was obtained (``"symbolic"`` closed forms or ``"numerical"``
        integration).
    c2_error : float
        Error estimate of ``c2`` (0 for closed forms).
    """

    k: int
    c1: float
    c2: float
    norm: float
    bias: float
    method_c1: str
    method_c2: str
    c2_error: float = 0.0

    def loss(self, p: float) -> float:
        """The truncated expansion :math:`c_1 p + c_2 p^2`."""
        return self.c1 * p + self.c2 * p * p


def sparse_expansion(
    U: ArrayLike,
    *,
    norm: float | None = None,
    bias: float | None = None,
) -> SparseExpansion:
    r"""The :math:`p` and :math:`p^2` terms of the expected loss of directions ``U`` (common norm
    :math:`a`, common bias :math:`-t \le 0`; equal importance 1, features :math:`U[0,1]` present
    independently with probability :math:`p`).

    With :math:`g(S)` the expected loss summed over features when exactly the set :math:`S` is
    active (:math:`g(\emptyset) = 0` for :math:`t \ge 0`), expanding
    :math:`L = \sum_S p^{|S|}(1-p)^{k-|S|} g(S)` gives

    .. math::
        c_1 = \sum_i g(\{i\}),\qquad
        c_2 = \sum_{i<j} \big[g(\{i,j\}) - g(\{i\}) - g(\{j\})\big].

    :math:`c_1` uses the closed forms of :func:`sparse_limit_loss` (**symbolic**). For
    :math:`c_2`: when :math:`a = 1`, :math:`t = 0` and no cosine is positive (digon, triangle,
    square, tetrahedron, octahedron: the leading-order optima), every output other than the two
    active ones stays 0 and :math:`c_2 = \sum_{i<j} 2\,(\gamma_{ij}^2/3 - \gamma_{ij}^3/6)`,
    :math:`\gamma_{ij} = -\cos\theta_{ij}` (**symbolic**, ``min_square_moment``); otherwise
    each pair's 2-D integral is **numerical**: the integral over one variable in closed form, the
    other by Gauss–Legendre between the kinks (where the integrand is a cubic polynomial, so the
    rule is exact up to rounding; the difference of two orders is reported as ``c2_error``).
    By default ``norm``/``bias`` are the leading-order optimum of
    :func:`sparse_limit_loss`; if that optimum is unique the optimal loss is
    :math:`c_1 p + c_2 p^2 + o(p^2)`.

    Parameters
    ----------
    U : array, shape (dim, k)
        Directions (normalised here).
    norm : float, optional
        Common norm :math:`a > 0`.
    bias : float, optional
        Common bias :math:`\le 0`.

    Returns
    -------
    SparseExpansion

    Examples
    --------
    >>> e = sparse_expansion(regular_polygon_frame(2))   # antipodal pair: p^2/3 (2 -> 1 theory)
    >>> e.c1, round(e.c2, 12), e.method_c2
    (0.0, 0.333333333333, 'symbolic')
    >>> e5 = sparse_expansion(regular_polygon_frame(5))
    >>> e5.method_c2, e5.c2 > 0
    ('numerical', True)

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    U = _unit_columns(U)
    k = U.shape[1]
    if norm is None or bias is None:
        lead = sparse_limit_loss(U)
        norm = lead.norm if norm is None else norm
        bias = lead.bias if bias is None else bias
    a = check_real(norm, "norm", minimum=0.0, strict_min=True)
    b = check_real(bias, "bias", maximum=0.0)
    alpha, t = a * a, -b
    C = U.T @ U
    off = C[~np.eye(k, dtype=bool)]
    c1 = k * _ell(alpha, t, off[off > 1e-12], k) if k > 1 else k * self_term(alpha, t)
    if alpha == 1.0 and t == 0.0 and not np.any(off > 1e-12):
        gam = np.clip(-C[np.triu_indices(k, 1)], 0.0, 1.0)
        c2 = float(sum(2 * min_square_moment(float(g)) for g in gam))
        return SparseExpansion(k, float(c1), c2, a, b, "symbolic", "symbolic", 0.0)
    # the pair integral depends only on the multiset of (cos(l, i), cos(l, j)) over l (the
    # active features included), so symmetric pairs share one integration
    groups: dict[tuple, list[tuple[int, int]]] = {}
    for i in range(k):
        for j in range(i + 1, k):
            key = tuple(sorted(zip(np.round(C[:, i], 10), np.round(C[:, j], 10), strict=True)))
            groups.setdefault(key, []).append((i, j))
    c2, err = 0.0, 0.0
    for pairs in groups.values():
        i, j = pairs[0]
        val = _pair_excess(alpha, t, C, i, j, order=8)
        # the pieces are polynomials of degree <= 3, so both rules are exact up to rounding;
        # their difference is reported as the error estimate
        err += len(pairs) * abs(val - _pair_excess(alpha, t, C, i, j, order=4))
        c2 += len(pairs) * val
    return SparseExpansion(k, float(c1), c2, a, b, "symbolic", "numerical", err)


def best_2d_sparse_expansion(n: int, p: float, *, k_max: int = 8) -> dict[int, float]:
    r"""Second-order loss :math:`(c_1(k) + (n-k)/3)\,p + c_2(k)\,p^2` of placing ``k`` of ``n``
    equal-importance features on a regular k-gon in 2 dimensions (the rest dropped), each
    geometry at its leading-order optimal norm and bias (:func:`sparse_expansion`).

    Parameters
    ----------
    n : int
        Number of features (>= 1).
    p : float
        Density in (0, 1].
    k_max : int

    Returns
    -------
    dict
        ``k -> truncated expected loss``; the argmin is the preferred 2-D geometry to this order.

    Examples
    --------
    >>> c = best_2d_sparse_expansion(5, 0.05)
    >>> min(c, key=c.get)      # pentagon at p = 0.05
    5
    >>> c = best_2d_sparse_expansion(5, 0.3)
    >>> min(c, key=c.get)      # the square wins back at p = 0.3 (to second order)
    4

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    n = check_size(n, "n", maximum=10**300, why="the losses are floats")
    p = check_real(p, "p", minimum=0.0, maximum=1.0, strict_min=True)
    k_max = check_int(k_max, "k_max", minimum=1)
    out = {}
    for k in range(1, min(n, k_max) + 1):
        e = sparse_expansion(regular_polygon_frame(k)) if k > 1 else None
        c1, c2 = (e.c1, e.c2) if e is not None else (0.0, 0.0)
        out[k] = (c1 + (n - k) / 3) * p + c2 * p * p
    return out
