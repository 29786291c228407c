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
(closed forms below, derived symbolically in ``proofs/toy_polytopes.py``):

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

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import check_array, check_int, check_real

__all__ = ["SparseLimit", "best_2d_sparse_limit", "regular_polygon_frame", "relu_tail_moment",
           "self_term", "sparse_limit_loss"]


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
    k = check_int(k, "k", minimum=1)
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

    U = check_array(U, "U", ndim=2)
    norms = np.linalg.norm(U, axis=0)
    if np.any(norms == 0):
        raise ValueError("U must have non-zero columns")
    U = U / norms
    k = U.shape[1]
    G = U.T @ U
    off = G[~np.eye(k, dtype=bool)]
    cos_pos = off[off > 1e-12]
    if cos_pos.size == 0:
        return SparseLimit(k, 0.0, 1.0, 0.0)
    best = None
    for a0 in (1.0, 1.5, 2.5):
        for t0 in (0.0, 0.5, 1.5):
            res = minimize(lambda z: _ell(z[0], z[1], cos_pos, k), x0=[a0, t0],
                           bounds=[(1e-6, 9.0), (0.0, 9.0)], method="L-BFGS-B")
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
    n = check_int(n, "n", minimum=1)
    k_max = check_int(k_max, "k_max", minimum=1)
    out = {}
    for k in range(1, min(n, k_max) + 1):
        ell = sparse_limit_loss(regular_polygon_frame(k)).ell if k > 1 else 0.0
        out[k] = k * ell + (n - k) / 3
    check_real(out[1], "coefficient")
    return out
