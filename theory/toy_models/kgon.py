r"""Regular k-gon critical points of the toy model with two hidden dimensions.

The setting of Chen, Lau, Mendel, Wei & Murfet (2023) ("TMS" in the high-sparsity limit): ``n``
features (the paper's :math:`c`), ``dim`` hidden dimensions (the paper's :math:`r = 2`), the
ReLU-output model :math:`f(x) = \mathrm{ReLU}(W^\top W x + b)` and inputs with **exactly one**
active feature: :math:`x = \mu e_i`, :math:`i` uniform on :math:`\{1..n\}`,
:math:`\mu \sim U[0, 1]`. The population loss is summed over features (not averaged):

.. math::
    L(W, b) = \mathbb{E}_x \lVert x - f(x)\rVert^2
    = \frac1n \sum_{i,j} \int_0^1 \big(\delta_{ij}\mu - \mathrm{ReLU}(\mu\, g_{ij} + b_j)\big)^2 d\mu,
    \qquad g = W^\top W .

Each :math:`(i, j)` term is active on an interval of :math:`\mu`, so :math:`L` and its gradient
are elementary (:func:`tms_loss`, :func:`tms_loss_gradient`). On a regular k-gon (``k`` columns
of common length :math:`l` at angles :math:`2\pi i/k`, common bias :math:`b = -t \le 0`, the other
``n - k`` columns zero) the loss is

.. math::
    L = \frac1n\Big[k\,G_k(\alpha, t) + \frac{n - k}{3} - \frac{\sigma_+}{4n}\Big],\quad
    G_k = \underbrace{\mathbb{E}\big(\mu - \mathrm{ReLU}(\alpha\mu - t)\big)^2}_{\text{self}}
    + \sum_{m:\,c_m > s} \frac{\alpha^2 (c_m - s)^3}{3 c_m},

with :math:`\alpha = l^2`, :math:`s = t/\alpha`, :math:`c_m = \cos(2\pi m/k)` (``m = 1..k-1``) and
:math:`\sigma_+` of the zero columns carrying the positive bias :math:`1/(2n)` (the others any
bias :math:`\le 0`). Setting :math:`\partial_t G = \partial_\alpha G = 0` gives :math:`\alpha` twice
as a rational function of :math:`s`:

.. math::
    \alpha = \frac{1 - s^2}{(1 - s)^2 + \sum_m (c_m - s)^2/c_m}
           = \frac{\tfrac23 (1 - s^3)}{\tfrac23(1 - s^3) - s(1 - s^2)
             + \sum_m \big[(c_m - s)^2 - (c_m - s)^3/(3c_m)\big]},

so the critical k-gons are the roots :math:`s \in [0, 1)` of one polynomial of degree at most 4
(per set of active cosines), found here with :func:`numpy.roots` and derived and checked in
exact arithmetic in ``theory/proofs/toy_kgon.py``. By the dihedral symmetry the gradient in
every other direction vanishes too (the zero columns: the k-gon's vertices sum to zero), which
:func:`tms_loss_gradient` confirms numerically. For :math:`k \le 4` no cosine is positive and the
critical point is :math:`l = 1, b = 0` with :math:`G_k = 0` exactly.

References
----------
.. [1] Chen, Z., Lau, E., Mendel, J., Wei, S. and Murfet, D. (2023). Dynamical versus Bayesian
   phase transitions in a toy model of superposition. arXiv:2310.06301.
.. [2] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._optim import AdamW, FlatParams
from theory._references import cite
from theory._validation import (
    MAX_ABS_ENTRY,
    as_rng,
    check_array,
    check_int,
    check_memory,
    check_real,
    check_size,
    estimate_bytes,
)
from theory.toy_models.polytopes import regular_polygon_frame, relu_tail_moment, self_term

__all__ = [
    "KGonCriticalPoint",
    "KGonSolution",
    "TMSRun",
    "find_plateaus",
    "kgon_configuration",
    "kgon_critical_points",
    "kgon_loss",
    "kgon_solutions",
    "nearest_level",
    "sample_one_hot",
    "tms_loss",
    "tms_loss_gradient",
    "train_tms",
]

CITATION = cite("chen2023")

#: Largest polygon handled (the root finding is per active-cosine set; beyond this the
#: configurations are far from anything a 2-dimensional model learns).
K_MAX = 64
#: Largest number of features accepted by the loss and configuration functions.
N_MAX = 4096
#: Largest ``n`` of :func:`kgon_critical_points` (it lists O(n k_max) rows and checks each
#: row's gradient on an n x n Gram matrix).
TABLE_N_MAX = 64


# ----------------------------------------------------------------------------------------------
# the exact population loss
# ----------------------------------------------------------------------------------------------


def _wb(W: ArrayLike, b: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64], bool]:
    """Validate ``W`` (dim, n) or (I, dim, n) and ``b`` (n,) or (I, n); return batched copies."""
    W = check_array(W, "W", ndim=(2, 3))
    b = check_array(b, "b", ndim=(1, 2))
    single = W.ndim == 2
    if single:
        W = W[None]
    if b.ndim == 1:
        b = np.broadcast_to(b, (W.shape[0], b.shape[0]))
    if b.shape != (W.shape[0], W.shape[2]):
        raise ValueError(
            f"b must have shape (n,) or (n_instances, n) matching W's (n_instances, dim, n) = {W.shape}, got {b.shape}"
        )
    if W.shape[2] < 1 or W.shape[1] < 1:
        raise ValueError(f"W must have at least one row and one column, got shape {W.shape}")
    check_memory(
        estimate_bytes(W.shape[0], W.shape[2], W.shape[2], itemsize=8 * 12),
        f"the pairwise loss terms of W with shape {W.shape}",
    )
    return W, np.asarray(b, dtype=np.float64), single


def _pieces(W: NDArray[np.float64], b: NDArray[np.float64]):
    """Active interval [lo, hi] of ReLU(mu g_ij + b_j) on [0, 1], and p = delta_ij - g_ij."""
    g = np.matmul(W.transpose(0, 2, 1), W)  # (I, n, n), g[i, j] = W_i . W_j
    top = float(np.max(np.abs(g)))
    if not top <= MAX_ABS_ENTRY:  # the loss has the terms g_ij^2: they must stay finite
        raise ValueError(
            f"W^T W has entries up to {top:.3g}, whose squares overflow float64 (the loss is quartic in W): "
            f"the entries of W must be smaller (W_i . W_j at most {MAX_ABS_ENTRY:.0e})"
        )
    bj = np.broadcast_to(b[:, None, :], g.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.where(g != 0, -bj / np.where(g != 0, g, 1.0), 0.0)
    lo = np.where(g > 0, np.clip(root, 0.0, 1.0), 0.0)
    hi = np.where(g < 0, np.clip(root, 0.0, 1.0), 1.0)
    hi = np.where(g == 0, (bj > 0).astype(float), hi)
    hi = np.maximum(hi, lo)
    delta = np.eye(g.shape[-1])[None]
    return g, bj, lo, hi, delta - g, delta


def _check_loss(loss: NDArray[np.float64]) -> None:
    """A loss beyond the float range (sums of n^2 terms near the limit) is refused by name, never returned."""
    if not np.all(np.isfinite(loss)):
        raise ValueError("the loss exceeds the float range (about 1.8e308): the entries of W or b are too large")


def tms_loss(W: ArrayLike, b: ArrayLike) -> Any:
    r"""Exact population loss of the toy model under one-active-feature inputs.

    .. math::
        L = \frac1n\sum_{i,j}\Big[\int_{\ell_{ij}}^{h_{ij}}\!\big((\delta_{ij} - g_{ij})\mu - b_j\big)^2 d\mu
        + \delta_{ij}\Big(\tfrac13 - \tfrac{h_{ij}^3 - \ell_{ij}^3}{3}\Big)\Big],

    where :math:`[\ell_{ij}, h_{ij}] \subseteq [0, 1]` is where :math:`\mu g_{ij} + b_j > 0`
    (:math:`g = W^\top W`). Equals :math:`n` times the trainer's mean-over-features loss
    (:func:`theory.toy_models.loss_and_gradients`) in expectation over :func:`sample_one_hot`.

    Parameters
    ----------
    W : array, shape (dim, n) or (n_instances, dim, n)
    b : array, shape (n,) or (n_instances, n)

    Returns
    -------
    float, or ndarray of shape (n_instances,) for batched ``W``

    Raises
    ------
    ValueError
        When an entry of :math:`W^\top W` exceeds 1e150 (its square overflows) or the loss is beyond
        the float range: refused rather than returned as ``inf`` or ``NaN``.

    Examples
    --------
    >>> W, b = kgon_configuration(n=6, k=4)
    >>> round(tms_loss(W, b), 12)    # two dropped features, 1/(3n) each
    0.111111111111

    References
    ----------
    .. [1] Chen, Z. et al. (2023). arXiv:2310.06301.
    """
    W, b, single = _wb(W, b)
    _, bj, lo, hi, p, delta = _pieces(W, b)
    d3, d2, d1 = (hi**3 - lo**3) / 3, (hi**2 - lo**2), hi - lo
    active = p * p * d3 - p * bj * d2 + bj * bj * d1
    inactive = delta * (1.0 / 3 - d3)
    out = (active + inactive).sum(axis=(1, 2)) / W.shape[2]
    _check_loss(out)
    return float(out[0]) if single else out


def tms_loss_gradient(W: ArrayLike, b: ArrayLike) -> tuple[Any, NDArray[np.float64], NDArray[np.float64]]:
    r"""Exact population loss and its gradient with respect to ``W`` and ``b``.

    The integrand is continuous where a ReLU switches, so only the active pieces contribute:
    with :math:`D_{ij} = \partial L/\partial g_{ij} = -\frac2n\int_{\ell}^{h}(p\mu - b_j)\mu\,d\mu`,
    :math:`\nabla_W L = W(D + D^\top)` and
    :math:`\partial L/\partial b_j = -\frac2n\sum_i\int_\ell^h (p\mu - b_j)\,d\mu`
    (:math:`p = \delta_{ij} - g_{ij}`; ReLU'(0) taken as 0).

    Parameters
    ----------
    W : array, shape (dim, n) or (n_instances, dim, n)
    b : array, shape (n,) or (n_instances, n)

    Returns
    -------
    loss : float or ndarray (n_instances,)
    grad_W : ndarray, same shape as ``W``
    grad_b : ndarray, same shape as ``b`` (batched when ``W`` is)

    Raises
    ------
    ValueError
        As :func:`tms_loss`, for weights whose loss is beyond the float range.

    Examples
    --------
    >>> W, b = kgon_configuration(n=6, k=5)
    >>> loss, gW, gb = tms_loss_gradient(W, b)
    >>> round(loss, 6), bool(max(abs(gW).max(), abs(gb).max()) < 1e-12)
    (0.068744, True)

    References
    ----------
    .. [1] Chen, Z. et al. (2023). arXiv:2310.06301.
    """
    W, b, single = _wb(W, b)
    n = W.shape[2]
    _, bj, lo, hi, p, delta = _pieces(W, b)
    d3, d2, d1 = (hi**3 - lo**3) / 3, (hi**2 - lo**2), hi - lo
    loss = ((p * p * d3 - p * bj * d2 + bj * bj * d1) + delta * (1.0 / 3 - d3)).sum(axis=(1, 2)) / n
    _check_loss(loss)
    D = -2.0 * (p * d3 - bj * d2 / 2) / n
    gW = np.matmul(W, D + D.transpose(0, 2, 1))
    gb = (-2.0 * (p * d2 / 2 - bj * d1)).sum(axis=1) / n
    if single:
        return float(loss[0]), gW[0], gb[0]
    return loss, gW, gb


# ----------------------------------------------------------------------------------------------
# the k-gon critical points
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KGonSolution:
    r"""One critical regular k-gon (its ``k`` columns; independent of ``n``).

    Attributes
    ----------
    k : int
    length : float
        Common column length :math:`l^* = \sqrt\alpha`.
    bias : float
        Common bias :math:`b^* = -\alpha s \le 0`.
    s : float
        :math:`s = -b^*/l^{*2}`, the root of the critical polynomial.
    gon_loss : float
        :math:`G_k`, the loss per represented feature (summed over outputs, one active input).
    active : int
        Number of other vertices a vertex's input reaches through the ReLU (cosines above ``s``).
    method : str
        ``"exact"`` (:math:`k \le 4`: :math:`l = 1, b = 0, G = 0`) or ``"polynomial root
        (float); exact in theory/proofs/toy_kgon.py"``.
    """

    k: int
    length: float
    bias: float
    s: float
    gon_loss: float
    active: int
    method: str

    def __str__(self) -> str:
        return (
            f"{self.k}-gon: l*={self.length:.7g}, b*={self.bias:.7g}, G={self.gon_loss:.7g} "
            f"({self.active} active neighbours; {self.method})"
        )


def _polygon_cosines(k: int) -> NDArray[np.float64]:
    c = np.cos(2 * np.pi * np.arange(1, k) / k)
    return np.where(np.abs(c) < 1e-13, 0.0, c)


def _critical_polynomial(cs: NDArray[np.float64]) -> tuple[np.polynomial.Polynomial, ...]:
    """(N1, D1, N2, D2) as polynomials in s for the active cosines ``cs`` (all > 0)."""
    P = np.polynomial.Polynomial
    s = P([0.0, 1.0])
    one = P([1.0])
    N1 = one - s**2
    D1 = (one - s) ** 2
    N2 = (2.0 / 3) * (one - s**3)
    D2 = N2 - s * (one - s**2)
    for c in cs:
        D1 = D1 + (c - s) ** 2 / c
        D2 = D2 + (c - s) ** 2 - (c - s) ** 3 / (3 * c)
    return N1, D1, N2, D2


def _gon_loss(k: int, alpha: float, t: float) -> float:
    cs = _polygon_cosines(k)
    return self_term(alpha, t) + sum(relu_tail_moment(alpha * c, t) for c in cs if c > 0)


def kgon_solutions(k: int) -> tuple[KGonSolution, ...]:
    r"""Every critical regular k-gon with a common non-positive bias (usually one; none for some k).

    For each set of active cosines (those above :math:`s`), the critical :math:`s` are the real
    roots in that set's range of :math:`N_1 D_2 - N_2 D_1` (see the module docstring), kept when
    :math:`\alpha = N_1/D_1 > 0` and :math:`s < 1`.

    Parameters
    ----------
    k : int
        Number of vertices, ``2 <= k <= 64``.

    Returns
    -------
    tuple of KGonSolution
        Sorted by loss per feature (lowest first); empty when no root is admissible.

    Examples
    --------
    >>> [round(x, 5) for x in (lambda z: (z.length, z.bias))(kgon_solutions(5)[0])]
    [1.17046, -0.2823]
    >>> print(kgon_solutions(4)[0])
    4-gon: l*=1, b*=0, G=0 (0 active neighbours; exact)

    References
    ----------
    .. [1] Chen, Z. et al. (2023). arXiv:2310.06301 (k-gon critical points, Table A.1).
    """
    k = check_size(k, "k", minimum=2, maximum=K_MAX, why="the polygon root finding is per cosine set")
    cs = _polygon_cosines(k)
    pos = np.unique(np.round(cs[cs > 0], 14))
    if pos.size == 0:
        return (KGonSolution(k, 1.0, 0.0, 0.0, 0.0, 0, "exact"),)
    edges = np.concatenate([[0.0], pos, [1.0]])
    found: list[KGonSolution] = []
    for j in range(edges.size - 1):
        lo, hi = edges[j], edges[j + 1]
        act = cs[cs > lo + 1e-12]
        N1, D1, N2, D2 = _critical_polynomial(act)
        poly = N1 * D2 - N2 * D1
        roots = poly.roots() if poly.degree() > 0 else np.array([])
        for r in roots:
            if abs(r.imag) > 1e-9:
                continue
            s = float(r.real)
            if not (lo - 1e-12 <= s < hi - 1e-12) or s >= 1:
                continue
            d1 = float(D1(s))
            if d1 <= 0:
                continue
            alpha = float(N1(s)) / d1
            if alpha <= 0:
                continue
            s = max(s, 0.0)
            t = alpha * s
            found.append(
                KGonSolution(
                    k,
                    float(np.sqrt(alpha)),
                    float(-t),
                    s,
                    _gon_loss(k, alpha, t),
                    int(act.size),
                    "polynomial root (float); exact in theory/proofs/toy_kgon.py",
                )
            )
    found.sort(key=lambda z: z.gon_loss)
    return tuple(found)


def _check_nk(n: Any, k: Any, sigma_plus: Any) -> tuple[int, int, int]:
    n = check_size(n, "n", minimum=1, maximum=N_MAX, why="a 2-dimensional model with a dense n x n Gram matrix")
    k = check_int(k, "k", minimum=0, maximum=min(n, K_MAX))
    sigma_plus = check_int(sigma_plus, "sigma_plus", minimum=0, maximum=n - k)
    if k == 1 and sigma_plus > 0:
        raise ValueError(
            "sigma_plus must be 0 for k = 1: a lone column does not sum to zero, so a "
            "positive bias on a zero column is not critical (its W-gradient is b_j W_1 / 2n)"
        )
    return n, k, sigma_plus


def kgon_loss(n: int, k: int, *, sigma_plus: int = 0, root: int = 0) -> float:
    r"""Loss of the critical k-gon among ``n`` features, with ``sigma_plus`` positive dead biases.

    .. math::
        L = \frac1n\Big[k\,G_k + \frac{n-k}{3} - \frac{\sigma_+}{4n}\Big]

    (a zero column with bias :math:`\le 0` costs :math:`\mathbb{E}x_j^2 = 1/(3n)`; with the
    optimal positive bias :math:`1/(2n)` it costs :math:`1/(3n) - 1/(4n^2)`). ``k = 0`` (all
    columns zero) and ``k = 1`` (one unit column, ``sigma_plus = 0``) are included.

    Parameters
    ----------
    n : int
        Number of features (>= 1).
    k : int
        Vertices, ``0 <= k <= min(n, 64)``.
    sigma_plus : int
        Zero columns with the positive bias :math:`1/(2n)`, ``0 <= sigma_plus <= n - k``.
    root : int
        Which critical k-gon when there are several (0 = lowest loss).

    Returns
    -------
    float

    Examples
    --------
    >>> round(kgon_loss(6, 5), 5), round(kgon_loss(6, 5, sigma_plus=1), 5), round(kgon_loss(6, 6), 5)
    (0.06874, 0.0618, 0.04819)
    >>> abs(kgon_loss(6, 4, sigma_plus=1) - (1 / 9 - 1 / 144)) < 1e-16
    True

    References
    ----------
    .. [1] Chen, Z. et al. (2023). arXiv:2310.06301.
    """
    n, k, sigma_plus = _check_nk(n, k, sigma_plus)
    G = 0.0
    if k >= 2:
        sols = kgon_solutions(k)
        root = check_int(root, "root", minimum=0)
        if root >= len(sols):
            raise ValueError(
                f"the {k}-gon has {len(sols)} critical configuration(s) with a common bias <= 0; "
                f"root must be < {len(sols)}, got {root}"
            )
        G = sols[root].gon_loss
    if k <= 4 and sigma_plus == 0:
        return (n - k) / (3 * n)
    return (k * G + (n - k) / 3 - sigma_plus / (4 * n)) / n


def kgon_configuration(
    n: int, k: int, *, sigma_plus: int = 0, rotation: float = 0.0, dead_bias: float = -1.0, root: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Parameters ``(W, b)`` of the critical k-gon among ``n`` features in 2 dimensions.

    Columns ``0..k-1``: :math:`l^*(\cos(\theta + 2\pi i/k), \sin(\theta + 2\pi i/k))` with bias
    :math:`b^*`; the next ``sigma_plus`` columns zero with bias :math:`1/(2n)`; the rest zero with
    ``dead_bias`` (any value :math:`\le 0` gives the same loss). ``k = 1``: one unit column, bias 0.

    Parameters
    ----------
    n, k, sigma_plus, root : int
        As in :func:`kgon_loss`.
    rotation : float
        Angle :math:`\theta` of the first vertex (the loss is rotation invariant).
    dead_bias : float
        Bias of the zero columns without positive bias (<= 0).

    Returns
    -------
    W : ndarray, shape (2, n)
    b : ndarray, shape (n,)

    Examples
    --------
    >>> W, b = kgon_configuration(n=6, k=5, sigma_plus=1)
    >>> W.shape, round(float(b[5]), 6)
    ((2, 6), 0.083333)

    References
    ----------
    .. [1] Chen, Z. et al. (2023). arXiv:2310.06301.
    """
    n, k, sigma_plus = _check_nk(n, k, sigma_plus)
    rotation = check_real(rotation, "rotation")
    dead_bias = check_real(dead_bias, "dead_bias", maximum=0.0)
    W = np.zeros((2, n))
    b = np.full(n, dead_bias)
    if k == 1:
        W[:, 0] = [np.cos(rotation), np.sin(rotation)]
        b[0] = 0.0
    elif k >= 2:
        sols = kgon_solutions(k)
        root = check_int(root, "root", minimum=0)
        if root >= len(sols):
            raise ValueError(f"the {k}-gon has {len(sols)} critical configuration(s); root must be < {len(sols)}")
        z = sols[root]
        U = regular_polygon_frame(k)
        c, s = np.cos(rotation), np.sin(rotation)
        W[:, :k] = z.length * (np.array([[c, -s], [s, c]]) @ U)
        b[:k] = z.bias
    b[k : k + sigma_plus] = 1.0 / (2 * n)
    return W, b


@dataclass(frozen=True)
class KGonCriticalPoint:
    """One row of :func:`kgon_critical_points`.

    Attributes
    ----------
    n, k, sigma_plus : int
    root : int
        Index among the critical k-gons (0 unless there are several).
    length, bias : float
        The k-gon's :math:`l^*`, :math:`b^*` (``nan``-free: 0 for ``k = 0``).
    loss : float
        Exact-formula loss :math:`L` (float).
    label : str
        The paper's notation, e.g. ``"5+"`` for the 5-gon with one positive dead bias.
    grad_norm : float
        Largest absolute entry of :func:`tms_loss_gradient` at :func:`kgon_configuration`
        (a numerical check of criticality, ~1e-16).
    """

    n: int
    k: int
    sigma_plus: int
    root: int
    length: float
    bias: float
    loss: float
    label: str
    grad_norm: float

    def __str__(self) -> str:
        return (
            f"{self.label:>6} (n={self.n}): L={self.loss:.6f}, l*={self.length:.5f}, b*={self.bias:.5f}, "
            f"max|grad|={self.grad_norm:.1e}"
        )


def kgon_critical_points(n: int, *, k_min: int = 0, k_max: int | None = None) -> list[KGonCriticalPoint]:
    r"""Table of the k-gon critical points among ``n`` features in 2 dimensions, by loss.

    Every ``k`` in ``[k_min, min(n, k_max)]``, every critical root, and every number
    ``sigma_plus`` of positive dead biases (0 only for ``k = 1``). Each row's criticality is
    checked numerically with :func:`tms_loss_gradient`.

    Parameters
    ----------
    n : int
        Number of features, ``1 <= n <= 64``.
    k_min, k_max : int
        Range of polygon sizes (``k_max`` defaults to ``min(n, 64)``).

    Returns
    -------
    list of KGonCriticalPoint
        Sorted by decreasing loss (the order SGD visits them).

    Examples
    --------
    >>> for row in kgon_critical_points(6, k_min=4):
    ...     print(row.label, round(row.loss, 5))
    4 0.11111
    4+ 0.10417
    4++ 0.09722
    5 0.06874
    5+ 0.0618
    6 0.04819

    References
    ----------
    .. [1] Chen, Z. et al. (2023). arXiv:2310.06301.
    """
    n = check_size(
        n,
        "n",
        minimum=1,
        maximum=TABLE_N_MAX,
        why="the table lists every (k, sigma_plus) and checks each row's gradient",
    )
    k_min = check_int(k_min, "k_min", minimum=0, maximum=n)
    k_max = min(n, K_MAX) if k_max is None else check_int(k_max, "k_max", minimum=k_min, maximum=min(n, K_MAX))
    rows = []
    for k in range(k_min, k_max + 1):
        sols = kgon_solutions(k) if k >= 2 else ()
        n_roots = max(1, len(sols)) if k < 2 else len(sols)
        for root in range(n_roots):
            for sp_ in range(0, (n - k if k != 1 else 0) + 1):
                W, b = kgon_configuration(n, k, sigma_plus=sp_, root=root)
                _, gW, gb = tms_loss_gradient(W, b)
                length = sols[root].length if k >= 2 else float(k)
                bias = sols[root].bias if k >= 2 else 0.0
                label = (f"{k}" if len(sols) <= 1 else f"{k}({root})") + "+" * sp_
                rows.append(
                    KGonCriticalPoint(
                        n,
                        k,
                        sp_,
                        root,
                        length,
                        bias,
                        kgon_loss(n, k, sigma_plus=sp_, root=root),
                        label,
                        float(max(np.abs(gW).max(), np.abs(gb).max())),
                    )
                )
    rows.sort(key=lambda r: -r.loss)
    return rows


# ----------------------------------------------------------------------------------------------
# training and plateaus
# ----------------------------------------------------------------------------------------------


def sample_one_hot(n: int, batch_size: int, *, n_instances: int = 1, rng: Any = 0) -> NDArray[np.float64]:
    r"""Inputs of the high-sparsity limit: :math:`x = \mu e_i`, :math:`i` uniform, :math:`\mu \sim U[0,1]`.

    Parameters
    ----------
    n : int
        Number of features.
    batch_size : int
    n_instances : int
    rng : int or Generator, optional

    Returns
    -------
    ndarray, shape (n_instances, batch_size, n)
        Exactly one non-zero entry per row.

    Examples
    --------
    >>> x = sample_one_hot(6, 4, rng=0)
    >>> x.shape, (x > 0).sum(axis=-1).tolist()
    ((1, 4, 6), [[1, 1, 1, 1]])
    """
    n = check_int(n, "n", minimum=1)
    B = check_int(batch_size, "batch_size", minimum=1)
    I = check_int(n_instances, "n_instances", minimum=1)
    check_memory(estimate_bytes(I, B, n), f"a one-hot batch of shape (n_instances={I}, batch_size={B}, n={n})")
    gen = as_rng(rng)
    idx = gen.integers(n, size=(I, B))
    mu = gen.random((I, B))
    x = np.zeros((I, B, n))
    np.put_along_axis(x, idx[..., None], mu[..., None], axis=-1)
    return x


@dataclass(frozen=True, eq=False)
class TMSRun:
    """Training run(s) of the 2-dimensional toy model on one-active-feature inputs.

    Attributes
    ----------
    n : int
    steps : ndarray, shape (T,)
        Optimizer steps at which the population loss was recorded (0 = initialisation).
    losses : ndarray, shape (T, n_instances)
        Exact population loss :func:`tms_loss` at those steps.
    W : ndarray, shape (n_instances, 2, n)
        Final weights.
    b : ndarray, shape (n_instances, n)
    info : dict
        Settings (optimizer, lr, batch size, dataset size, init, seed) and elapsed seconds.
    """

    n: int
    steps: NDArray[np.int64]
    losses: NDArray[np.float64]
    W: NDArray[np.float64]
    b: NDArray[np.float64]
    info: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        fl = self.losses[-1]
        return (
            f"TMSRun(n={self.n}, instances={fl.size}, steps={int(self.steps[-1])}, "
            f"final_loss=[{float(fl.min()):.5f}, {float(fl.max()):.5f}], optimizer={self.info.get('optimizer')!r})"
        )

    __str__ = __repr__


def _batch_gradient(
    W: NDArray[np.float64],
    b: NDArray[np.float64],
    x: NDArray[np.float64],
    gW: NDArray[np.float64],
    gb: NDArray[np.float64],
) -> None:
    r"""Gradient of :math:`\frac1B\sum_\beta \lVert x_\beta - \mathrm{ReLU}(W^\top W x_\beta + b)\rVert^2`
    written into ``gW`` (I, dim, n) and ``gb`` (I, n): ``n`` times the gradient of
    :func:`theory.toy_models.loss_and_gradients` (which averages over features; the tests
    check the two agree), without its per-call validation."""
    h = np.matmul(x, W.transpose(0, 2, 1))
    z = np.matmul(h, W)
    z += b[:, None, :]
    dz = np.maximum(z, 0.0)
    dz -= x
    dz *= z > 0
    dz *= 2.0 / x.shape[1]
    np.sum(dz, axis=1, out=gb)
    np.matmul(h.transpose(0, 2, 1), dz, out=gW)
    gW += np.matmul(np.matmul(dz, W.transpose(0, 2, 1)).transpose(0, 2, 1), x)


def train_tms(
    n: int = 6,
    *,
    steps: int = 20_000,
    batch_size: int = 20,
    lr: float = 0.005,
    optimizer: str = "sgd",
    n_instances: int = 8,
    init: str = "4-gon",
    init_scale: float = 0.01,
    dataset_size: int | None = None,
    log_every: int = 100,
    rng: Any = 0,
) -> TMSRun:
    r"""Train 2-dimensional toy models on one-active-feature inputs, recording the exact loss.

    Each step follows the gradient of the batch loss
    :math:`\frac1B\sum_\beta\lVert x_\beta - f(x_\beta)\rVert^2` (summed over features, as in the
    paper; ``n`` times the gradient of :func:`theory.toy_models.loss_and_gradients`).
    Every ``log_every`` steps the exact population loss :func:`tms_loss` is recorded, so the
    plateaus can be compared with :func:`kgon_critical_points` without sampling noise.

    Parameters
    ----------
    n : int
        Number of features (the paper uses 6).
    steps : int
        Optimizer steps.
    batch_size : int
    lr : float
        Learning rate (the paper's SGD runs: 0.005 with batch 20), in ``(0, 10]``.
    optimizer : {"sgd", "adam"}
        Plain SGD, or Adam (``theory._optim.AdamW`` without weight decay).
    n_instances : int
        Independent runs trained side by side (seeds).
    init : {"4-gon", "random"}
        ``"4-gon"``: the critical 4-gon (``sigma_plus = 0``, dead biases 0) plus Gaussian noise of
        standard deviation ``init_scale`` on every parameter (the paper's SGD initialisation);
        ``"random"``: :math:`W_{ij} \sim N(0, \mathrm{init\_scale}^2)`, ``b = 0``.
    init_scale : float
        In ``[0, 10]`` (the features have unit norm; larger scales only overflow).
    dataset_size : int, optional
        Train on a fixed dataset of this many samples per instance, in shuffled epochs (the
        paper: 1000); ``None`` draws a fresh batch every step (online SGD on the population).
    log_every : int
    rng : int or Generator, optional

    Returns
    -------
    TMSRun

    Examples
    --------
    >>> run = train_tms(6, steps=400, n_instances=2, log_every=200, rng=0)
    >>> run.losses.shape, bool(run.losses[-1].max() < 0.115)
    ((3, 2), True)

    References
    ----------
    .. [1] Chen, Z. et al. (2023). arXiv:2310.06301 (Section 5, SGD from a 4-gon).
    """
    n = check_size(n, "n", minimum=4 if init == "4-gon" else 1, maximum=N_MAX, why="features of a 2-D model")
    steps = check_size(steps, "steps", minimum=1, maximum=10**8, why="optimizer steps")
    B = check_int(batch_size, "batch_size", minimum=1)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True, maximum=10.0)
    if optimizer not in ("sgd", "adam"):
        raise ValueError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")
    I = check_int(n_instances, "n_instances", minimum=1)
    if init not in ("4-gon", "random"):
        raise ValueError(f"init must be '4-gon' or 'random', got {init!r}")
    init_scale = check_real(init_scale, "init_scale", minimum=0.0, maximum=10.0)
    log_every = check_int(log_every, "log_every", minimum=1)
    if dataset_size is not None:
        dataset_size = check_int(dataset_size, "dataset_size", minimum=B)
        check_memory(
            estimate_bytes(I, dataset_size, n),
            f"datasets of shape (n_instances={I}, dataset_size={dataset_size}, n={n})",
        )
    check_memory(estimate_bytes(I, B, n, itemsize=8 * 8), f"batches of shape (n_instances={I}, batch_size={B}, n={n})")
    gen = as_rng(rng)
    if init == "4-gon":
        W0, b0 = kgon_configuration(n, 4, dead_bias=0.0)
        W = W0[None] + init_scale * gen.standard_normal((I, 2, n))
        b = b0[None] + init_scale * gen.standard_normal((I, n))
    else:
        W = init_scale * gen.standard_normal((I, 2, n))
        b = np.zeros((I, n))
    flat = FlatParams({"W": W, "b": b}, np.float64)
    opt = AdamW(lr=lr, weight_decay=0.0) if optimizer == "adam" else None
    data = sample_one_hot(n, dataset_size, n_instances=I, rng=gen) if dataset_size is not None else None
    order = None
    pos = 0
    chunk = 256
    log_steps, log_losses = [0], [tms_loss(flat.p["W"], flat.p["b"])]
    t0 = time.perf_counter()
    ar, br = np.arange(I)[:, None], np.arange(B)[None, :]
    x = np.zeros((I, B, n))
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, steps + 1):
            if data is None:
                c = (step - 1) % chunk
                if c == 0:
                    idx_c = gen.integers(n, size=(chunk, I, B))
                    mu_c = gen.random((chunk, I, B))
                x.fill(0.0)
                x[ar, br, idx_c[c]] = mu_c[c]
            else:
                assert dataset_size is not None  # data is drawn only when dataset_size is given
                if order is None or pos + B > dataset_size:
                    order = np.argsort(gen.random((I, dataset_size)), axis=1)
                    pos = 0
                x = data[ar, order[:, pos : pos + B]]
                pos += B
            _batch_gradient(flat.p["W"], flat.p["b"], x, flat.g["W"], flat.g["b"])
            if opt is None:
                flat.theta -= lr * flat.grad
            else:
                opt.step(flat)
            if step % log_every == 0 or step == steps:
                finite = bool(np.all(np.isfinite(flat.theta)))
                loss = tms_loss(flat.p["W"], flat.p["b"]) if finite else np.full(I, np.inf)
                if not np.all(np.isfinite(loss)):
                    raise ValueError(
                        f"training diverged (non-finite loss) at lr={lr}, init_scale={init_scale}; lower lr"
                    )
                log_steps.append(step)
                log_losses.append(loss)
    info = {
        "optimizer": optimizer,
        "lr": lr,
        "batch_size": B,
        "steps": steps,
        "init": init,
        "init_scale": init_scale,
        "dataset_size": dataset_size,
        "elapsed_s": time.perf_counter() - t0,
    }
    return TMSRun(
        n,
        np.asarray(log_steps, dtype=np.int64),
        np.asarray(log_losses, dtype=np.float64),
        flat.p["W"].copy(),
        flat.p["b"].copy(),
        info,
    )


def find_plateaus(
    losses: ArrayLike, *, window: int = 10, flat_tol: float = 1e-4, min_length: int | None = None
) -> list[tuple[int, int, float]]:
    r"""Plateaus of one loss curve: maximal runs where the loss moves less than ``flat_tol``
    across every ``window`` consecutive records.

    A record ``t`` is *flat* when :math:`\max - \min` of the loss over records
    ``[t, t + window)`` is below ``flat_tol``; a plateau is a maximal run of flat records of at
    least ``min_length`` (default ``window``) records, and its level is the median loss over
    the run and its window.

    Parameters
    ----------
    losses : array, shape (T,)
    window : int
    flat_tol : float
    min_length : int, optional

    Returns
    -------
    list of (start, stop, level)
        Record indices ``[start, stop)`` and the plateau's loss level.

    Examples
    --------
    >>> curve = np.r_[np.full(30, 0.111), np.linspace(0.111, 0.069, 5), np.full(30, 0.0687)]
    >>> [(a, b, round(v, 4)) for a, b, v in find_plateaus(curve, window=5)]
    [(0, 27, 0.111), (35, 61, 0.0687)]
    """
    L = check_array(losses, "losses", ndim=1)
    window = check_int(window, "window", minimum=1)
    flat_tol = check_real(flat_tol, "flat_tol", minimum=0.0, strict_min=True)
    min_length = window if min_length is None else check_int(min_length, "min_length", minimum=1)
    T = L.size
    if T < window:
        return []
    from numpy.lib.stride_tricks import sliding_window_view

    win = sliding_window_view(L, window)
    flat = (win.max(axis=1) - win.min(axis=1)) < flat_tol
    out = []
    t = 0
    while t < flat.size:
        if flat[t]:
            u = t
            while u < flat.size and flat[u]:
                u += 1
            if u - t >= min_length:
                out.append((t, u, float(np.median(L[t : u + window - 1]))))
            t = u
        else:
            t += 1
    return out


def nearest_level(loss: float, points: list[KGonCriticalPoint]) -> tuple[KGonCriticalPoint, float]:
    """The critical point whose loss is closest to ``loss``, and the absolute gap.

    Examples
    --------
    >>> pt, gap = nearest_level(0.0688, kgon_critical_points(6, k_min=4))
    >>> pt.label, round(gap, 5)
    ('5', 6e-05)
    """
    loss = check_real(loss, "loss")
    if isinstance(points, (str, bytes)) or not isinstance(points, Iterable):
        raise TypeError(f"points must be a list of KGonCriticalPoint, got {type(points).__name__}")
    points = list(points)
    if not points:
        raise ValueError("points must be a non-empty list of KGonCriticalPoint")
    for pt in points:
        if not isinstance(pt, KGonCriticalPoint):
            raise TypeError(f"points must contain KGonCriticalPoint objects, got {type(pt).__name__}")
    best = min(points, key=lambda r: abs(r.loss - loss))
    return best, abs(best.loss - loss)
