"""Random projections: Johnson-Lindenstrauss dimensions and per-pair distortion bounds."""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import (
    as_rng,
    check_array,
    check_bool,
    check_int,
    check_memory,
    check_probability,
    check_real,
    estimate_bytes,
)

__all__ = [
    "jl_min_dim",
    "jl_pair_failure_bound",
    "gaussian_projection_distortion",
    "jl_max_features",
    "rademacher_frame",
    "gaussian_rip_min_dim",
    "achlioptas_projection",
    "achlioptas_pair_failure_bound",
    "interference_moments",
    "interference_tail_bound",
    "interference_distribution",
    "sphere_cos_moment",
]

#: Largest answer of :func:`jl_max_features`, in decimal digits.
_JL_MAX_DIGITS = 4_000
#: Largest answer of the exact dimensions (:func:`gaussian_rip_min_dim`), in decimal digits.
_EXACT_MAX_DIGITS = 1_000
#: Largest denominator of :func:`sphere_cos_moment`, in bits.
_MOMENT_MAX_BITS = 200_000


def _capped_float(k: int) -> float:
    """``k`` as a float, capped at 1e300 (a bound ``exp(-c k)`` is 0 in floats long before)."""
    return float(k) if k < 10**300 else 1e300


def _short(v: int) -> str:
    """An int for a message (huge ones as a power of two: str() refuses over 4300 digits)."""
    return str(v) if v.bit_length() < 1000 else f"~2^{v.bit_length() - 1}"


def _check_eps(eps: float) -> float:
    return check_real(eps, "eps", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)


def _ln_int(n: int) -> decimal.Decimal:
    """``ln n`` of a positive int in the current decimal context (huge ints through their leading bits)."""
    keep = 4 * decimal.getcontext().prec + 64  # bits: relative error of the truncation < 2**-keep
    shift = max(0, n.bit_length() - keep)
    head = decimal.Decimal(n >> shift).ln()
    return head + shift * decimal.Decimal(2).ln() if shift else head


def _exact_ceil(value: Callable[[], decimal.Decimal], *, guard: int = 3) -> int:
    """``ceil(x)`` of a positive real ``x``, exactly, evaluated by ``value()`` in decimal arithmetic.

    ``value`` evaluates ``x`` from exact inputs (floats and ints converted exactly) in the current
    decimal context with correctly rounded operations and no cancellation, so that its relative error
    is below ``10**(guard - prec)``. The precision covers every digit of ``x`` plus 25 more and grows
    until the interval ``x (1 +- 10**(guard - prec))`` holds no integer; an ``x`` that stays within
    that distance of an integer gets the upper end (a dimension that suffices stays sufficient).
    """
    with decimal.localcontext() as ctx:
        ctx.prec = 30
        ctx.Emax, ctx.Emin = decimal.MAX_EMAX, decimal.MIN_EMIN
        magnitude = max(value().adjusted(), 0)
        hi = 0
        for extra in (25, 60, 200):
            ctx.prec = magnitude + guard + extra
            x = Fraction(value())
            err = x * Fraction(10) ** (guard - ctx.prec)
            lo, hi = math.ceil(x - err), math.ceil(x + err)
            if lo == hi:
                return hi
        return hi


def jl_min_dim(*, n_points: int, eps: float) -> int:
    r"""Target dimension that the Johnson-Lindenstrauss lemma guarantees suffices.

    .. math:: k \ge \frac{4 \ln n}{\varepsilon^2/2 - \varepsilon^3/3}

    For this ``k`` a random Gaussian projection :math:`f(u) = Ru/\sqrt{k}` keeps every squared
    pairwise distance of ``n`` points within a factor :math:`1 \pm \varepsilon` with probability
    at least :math:`1/n`; each single pair fails with probability at most :math:`2/n^2`
    (see :func:`jl_pair_failure_bound`).

    Parameters
    ----------
    n_points : int
        Number of points, ``n_points >= 2``.
    eps : float
        Distortion, ``0 < eps < 1``.

    Returns
    -------
    int
        The smallest integer ``k`` satisfying the inequality, exact at every ``eps`` in ``(0, 1)``
        and every ``n_points``: it is evaluated in decimal arithmetic with a correctly rounded
        logarithm and as many digits as the answer has, so a tiny ``eps`` gives its exact (huge)
        answer, about :math:`8\ln n/\varepsilon^2`.

    Examples
    --------
    >>> jl_min_dim(n_points=1000, eps=0.1)
    5921
    >>> len(str(jl_min_dim(n_points=1000, eps=1e-100)))   # an exact int of 202 digits
    202

    References
    ----------
    .. [1] Dasgupta, S. and Gupta, A. (2003). "An elementary proof of a theorem of Johnson and
       Lindenstrauss." Random Structures & Algorithms 22(1), 60-65. doi:10.1002/rsa.10073
    """
    n_points = check_int(n_points, "n_points", minimum=2)
    eps = _check_eps(eps)
    e = decimal.Decimal(eps)  # exact
    # 4 ln n / (e^2/2 - e^3/3) = 24 ln n / (e^2 (3 - 2e)): no cancellation, no underflow
    guard = 3 + len(str(n_points.bit_length()))
    return _exact_ceil(lambda: 24 * _ln_int(n_points) / (e * e * (3 - 2 * e)), guard=guard)


def jl_pair_failure_bound(*, k: int, eps: float) -> float:
    r"""Chernoff bound on the chance that a Gaussian projection distorts one pair by more than eps.

    For :math:`R \in \mathbb{R}^{k \times d}` with iid :math:`N(0,1)` entries and any fixed
    :math:`u \ne 0`, :math:`L = \lVert Ru\rVert^2/(k\lVert u\rVert^2) \sim \chi^2_k/k` and

    .. math::
        P(|L - 1| > \varepsilon) \le e^{\frac{k}{2}(\varepsilon + \ln(1-\varepsilon))}
        + e^{\frac{k}{2}(-\varepsilon + \ln(1+\varepsilon))}
        \le e^{-k\varepsilon^2/4} + e^{-k(\varepsilon^2/2 - \varepsilon^3/3)/2},

    which is at most :math:`2/n^2` when ``k >= jl_min_dim(n_points=n, eps=eps)``
    (Dasgupta & Gupta 2003, Lemma 2.2 and the proof of Theorem 2.1).

    Parameters
    ----------
    k : int
        Target dimension, ``k >= 1``.
    eps : float
        Distortion, ``0 < eps < 1``.

    Returns
    -------
    float
        The bound (the first, sharper form above).

    Examples
    --------
    >>> n = 50
    >>> jl_pair_failure_bound(k=jl_min_dim(n_points=n, eps=0.5), eps=0.5) <= 2 / n**2
    True

    References
    ----------
    .. [1] Dasgupta, S. and Gupta, A. (2003). "An elementary proof of a theorem of Johnson and
       Lindenstrauss." Random Structures & Algorithms 22(1), 60-65. doi:10.1002/rsa.10073
    """
    k = check_int(k, "k", minimum=1)
    eps = _check_eps(eps)
    kf = _capped_float(k)
    lower = math.exp(0.5 * kf * (eps + math.log1p(-eps)))
    upper = math.exp(0.5 * kf * (-eps + math.log1p(eps)))
    return min(1.0, lower + upper)


def gaussian_projection_distortion(*, dim: int, k: int, rng: Any = 0, n_pairs: int = 1) -> np.ndarray:
    r"""Simulate the squared-distance distortion of random pairs under a Gaussian projection.

    Draws a projection :math:`R \in \mathbb{R}^{k\times dim}` with iid :math:`N(0, 1)` entries
    and ``n_pairs`` pairs of standard Gaussian points :math:`u, v \in \mathbb{R}^{dim}`, and
    returns :math:`\bigl|\lVert R(u-v)\rVert^2 / (k\lVert u-v\rVert^2) - 1\bigr|` per pair.

    Parameters
    ----------
    dim : int
        Ambient dimension of the points.
    k : int
        Target dimension.
    rng : Generator or int, optional
    n_pairs : int
        Number of pairs (all through the same ``R``).

    Returns
    -------
    ndarray, shape (n_pairs,)

    Examples
    --------
    >>> gaussian_projection_distortion(dim=20, k=400, rng=0, n_pairs=3).max() < 0.5
    True
    """
    dim = check_int(dim, "dim", minimum=1)
    k = check_int(k, "k", minimum=1)
    n_pairs = check_int(n_pairs, "n_pairs", minimum=1)
    check_memory(
        estimate_bytes(k * dim + 4 * dim * n_pairs + k * n_pairs),
        f"a ({k}, {dim}) projection of {n_pairs} pairs (k={k}, dim={dim}, n_pairs={n_pairs})",
    )
    gen = as_rng(rng)
    R = gen.standard_normal((k, dim))
    diff = gen.standard_normal((dim, n_pairs)) - gen.standard_normal((dim, n_pairs))
    ratio = np.sum((R @ diff) ** 2, axis=0) / (k * np.sum(diff**2, axis=0))
    return np.abs(ratio - 1.0)


def jl_max_features(*, dim: int, eps: float, failure_prob: float = 0.5) -> int:
    r"""How many features fit in ``dim`` dimensions with pairwise :math:`|\cos| \le \varepsilon`,
    guaranteed by random sign vectors (Hoeffding + union bound).

    For :math:`n` iid vectors with independent :math:`\pm 1/\sqrt{\text{dim}}` entries, each
    pair has :math:`P(|\langle u, v\rangle| > \varepsilon) \le 2e^{-\text{dim}\,\varepsilon^2/2}`
    (Hoeffding), so all :math:`\binom n2` pairs are :math:`\varepsilon`-orthogonal with probability
    at least :math:`1 - q` whenever

    .. math:: n(n-1)\, e^{-\text{dim}\,\varepsilon^2/2} \le q,
              \qquad\text{i.e. } n \approx \sqrt{q}\, e^{\text{dim}\,\varepsilon^2/4}.

    Parameters
    ----------
    dim : int
    eps : float
        ``0 < eps < 1``.
    failure_prob : float
        :math:`q \in (0, 1)`: allowed probability that some pair exceeds ``eps``.

    Returns
    -------
    int
        The largest such :math:`n` (at least 1), exact: the cap is evaluated in decimal
        arithmetic with enough digits, then :math:`n(n-1) \le \text{cap} < n(n+1)` is checked in
        integers.

    Raises
    ------
    ValueError
        When the answer would have more than 4,000 decimal digits
        (:math:`\text{dim}\,\varepsilon^2/2 + \ln q > 18\,420`); the message gives :math:`\ln n`.

    Examples
    --------
    >>> jl_max_features(dim=64, eps=0.5, failure_prob=0.1)
    17
    >>> jl_max_features(dim=1024, eps=0.5)
    4408916196750962906774813095

    References
    ----------
    .. [1] Hoeffding, W. (1963). "Probability inequalities for sums of bounded random variables."
       JASA 58(301), 13-30. doi:10.1080/01621459.1963.10500830
    .. [2] Dasgupta, S. and Gupta, A. (2003). doi:10.1002/rsa.10073
    """
    dim = check_int(dim, "dim", minimum=1)
    eps = _check_eps(eps)
    q = check_probability(failure_prob, "failure_prob", allow_zero=False, allow_one=False)
    log_cap = math.log(q) + (float(dim) if dim < 10**300 else math.inf) * eps * eps / 2.0  # n(n-1) <= e^log_cap
    if log_cap < math.log(2.0):
        return 1
    digits = log_cap / (2.0 * math.log(10.0))  # decimal digits of the answer, about
    if digits > _JL_MAX_DIGITS:
        raise ValueError(
            f"jl_max_features(dim={_short(dim)}, eps={eps}) has about {digits:.3g} decimal digits "
            f"(more than {_JL_MAX_DIGITS}); use the logarithm "
            f"ln n ~ (ln q + dim eps^2/2)/2 = {log_cap / 2:.6g} instead"
        )
    # n(n-1) <= cap  <=>  n <= 1/2 + sqrt(cap + 1/4); sqrt(cap) = sqrt(q) exp(dim eps^2 / 4) is
    # evaluated in decimal arithmetic to 40 digits beyond the units place, then floored.
    with decimal.localcontext() as ctx:
        ctx.prec = int(digits) + 40
        ctx.Emax = decimal.MAX_EMAX
        D = decimal.Decimal
        root = D(q).sqrt() * (D(dim) * D(eps) * D(eps) / 4).exp()
        bound = (root * root + D("0.25")).sqrt() + D("0.5")
        n = int(bound.to_integral_value(rounding=decimal.ROUND_FLOOR))
    return n


def rademacher_frame(*, dim: int, n: int, rng: Any = 0) -> NDArray[np.float64]:
    r"""``n`` random sign vectors :math:`\pm 1/\sqrt{\text{dim}}` as columns, shape ``(dim, n)``.

    Examples
    --------
    >>> W = rademacher_frame(dim=4, n=3, rng=0)
    >>> np.allclose((W**2).sum(axis=0), 1.0)
    True
    """
    dim = check_int(dim, "dim", minimum=1)
    n = check_int(n, "n", minimum=1)
    check_memory(estimate_bytes(dim, n, itemsize=16), f"a ({dim}, {n}) sign frame (dim={dim}, n={n})")
    gen = as_rng(rng)
    return np.asarray((2.0 * gen.integers(0, 2, size=(dim, n)) - 1.0) / math.sqrt(dim), dtype=np.float64)


def gaussian_rip_min_dim(*, n: int, k: int, delta: float, failure_prob: float) -> int:
    r"""Measurements that make a Gaussian matrix satisfy the RIP, with BDDW's explicit constants.

    Baraniuk, Davenport, DeVore and Wakin (2008, Lemma 5.1 and Theorem 5.2) show that for
    :math:`\Phi` with iid :math:`N(0, 1/m)` entries and unsquared constant :math:`\delta_u`,

    .. math::
        P\bigl(\exists\, k\text{-sparse } x:\ \lVert\Phi x\rVert \notin [(1-\delta_u), (1+\delta_u)]
        \lVert x\rVert\bigr) \le 2\left(\frac{eN}{k}\right)^k \left(\frac{12}{\delta_u}\right)^k
        e^{-c_0(\delta_u/2)\, m},\qquad c_0(\varepsilon) = \frac{\varepsilon^2}4 - \frac{\varepsilon^3}6 .

    This toolkit uses the squared convention; the unsquared :math:`\delta_u = \sqrt{1+\delta}-1`
    gives :math:`(1\pm\delta_u)^2 \subseteq [1-\delta, 1+\delta]`. The returned ``m`` makes the
    right-hand side at most ``failure_prob``. (Conservative by design: the proof's constants.)
    It is exact at every size: evaluated in decimal arithmetic with correctly rounded logarithms
    and square roots and as many digits as the answer has (a Python int, about
    :math:`64\,k\ln(1/\delta)/\delta^2` for a tiny ``delta``: 605 digits at ``delta=1e-300``).

    Parameters
    ----------
    n : int
        Number of columns :math:`N`.
    k : int
        Sparsity, ``1 <= k <= n``.
    delta : float
        Squared RIP constant, ``0 < delta < 1``.
    failure_prob : float
        ``0 < failure_prob < 1``.

    Returns
    -------
    int
        The smallest ``m`` making the bound at most ``failure_prob``.

    Raises
    ------
    ValueError
        When the answer would have more than 1,000 decimal digits (at the smallest ``delta``,
        ``k`` beyond about :math:`10^{340}`); the message gives its decimal logarithm.

    Examples
    --------
    >>> gaussian_rip_min_dim(n=12, k=2, delta=0.5, failure_prob=0.1)
    5662

    References
    ----------
    .. [1] Baraniuk, R., Davenport, M., DeVore, R. and Wakin, M. (2008). "A simple proof of the
       restricted isometry property for random matrices." Constructive Approximation 28(3),
       253-263. doi:10.1007/s00365-007-9003-x
    """
    n = check_int(n, "n", minimum=1)
    k = check_int(k, "k", minimum=1, maximum=n)
    delta = check_real(delta, "delta", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    q = check_probability(failure_prob, "failure_prob", allow_zero=False, allow_one=False)
    # the size of the answer first, in floats: k ln(12/du) / c0 ~ 64 k ln(24/delta) / delta^2
    ln_du = math.log(delta) - math.log(math.sqrt(1.0 + delta) + 1.0)  # du itself may underflow
    per_k = 1.0 + math.log(n) - math.log(k) + math.log(12.0) - ln_du
    per_k += (math.log(2.0) - math.log(q)) / k if k < 10**300 else 0.0
    ln_c0 = 2.0 * (ln_du - math.log(2.0)) + math.log((3.0 - math.exp(ln_du)) / 12.0)
    log10_m = (math.log(k) + math.log(per_k) - ln_c0) / math.log(10.0)
    if log10_m > _EXACT_MAX_DIGITS:
        raise ValueError(
            f"gaussian_rip_min_dim(n={_short(n)}, k={_short(k)}, delta={delta:g}, failure_prob={q:g}) has about "
            f"{log10_m:.4g} decimal digits (more than {_EXACT_MAX_DIGITS}); its decimal logarithm is {log10_m:.6g}"
        )
    D = decimal.Decimal

    def m_real() -> decimal.Decimal:
        d, qq = D(delta), D(q)  # exact
        du = d / ((1 + d).sqrt() + 1)  # sqrt(1 + delta) - 1 without cancellation
        e = du / 2
        c0 = e * e * (3 - 2 * e) / 12  # e^2/4 - e^3/6, e < 0.21
        # every term is positive: ln(2/q) > ln 2, 1 + ln(n/k) >= 1, 12/du > 28
        num = (2 / qq).ln() + k * (1 + _ln_int(n) - _ln_int(k)) + k * (12 / du).ln()
        return num / c0

    return _exact_ceil(m_real, guard=3 + len(str(n.bit_length())))


def achlioptas_projection(*, k: int, dim: int, rng: Any = 0, sparse: bool = True) -> NDArray[np.float64]:
    r"""Achlioptas's database-friendly random projection matrix, shape ``(k, dim)``.

    Entries are iid :math:`\sqrt3\cdot\{+1, 0, -1\}` with probabilities :math:`\{1/6, 2/3, 1/6\}`
    (``sparse=True``) or :math:`\pm1` with probability 1/2; :math:`f(u) = Ru/\sqrt k` satisfies
    the same per-pair bound as a Gaussian projection (:func:`achlioptas_pair_failure_bound`).

    Parameters
    ----------
    k : int
        Target dimension.
    dim : int
        Input dimension.
    rng : Generator or int
    sparse : bool

    Returns
    -------
    ndarray, shape (k, dim)

    Examples
    --------
    >>> R = achlioptas_projection(k=3, dim=5, rng=0)
    >>> sorted(set(np.round(R.ravel() ** 2, 12)) - {0.0})
    [3.0]

    References
    ----------
    .. [1] Achlioptas, D. (2003). "Database-friendly random projections: Johnson-Lindenstrauss
       with binary coins." J. Comput. Syst. Sci. 66(4), 671-687. doi:10.1016/S0022-0000(03)00025-4
    """
    sparse = check_bool(sparse, "sparse")
    k = check_int(k, "k", minimum=1)
    dim = check_int(dim, "dim", minimum=1)
    check_memory(estimate_bytes(k, dim, itemsize=32), f"a ({k}, {dim}) projection matrix (k={k}, dim={dim})")
    gen = as_rng(rng)
    if sparse:
        u = gen.random((k, dim))
        return math.sqrt(3.0) * ((u < 1 / 6).astype(float) - (u >= 5 / 6).astype(float))
    return np.asarray(2.0 * gen.integers(0, 2, size=(k, dim)) - 1.0, dtype=np.float64)


def achlioptas_pair_failure_bound(*, k: int, eps: float) -> float:
    r"""Achlioptas's per-pair bound: :math:`P(|\lVert f(u)\rVert^2/\lVert u\rVert^2 - 1| > \varepsilon)
    \le 2\exp(-k(\varepsilon^2/4 - \varepsilon^3/6))`.

    Parameters
    ----------
    k : int
    eps : float
        ``0 < eps < 1``.

    Returns
    -------
    float

    Examples
    --------
    >>> round(achlioptas_pair_failure_bound(k=200, eps=0.3), 6)
    0.054647

    References
    ----------
    .. [1] Achlioptas, D. (2003). J. Comput. Syst. Sci. 66(4), 671-687 (Lemmas 5-6).
       doi:10.1016/S0022-0000(03)00025-4
    """
    k = check_int(k, "k", minimum=1)
    eps = _check_eps(eps)
    kf = _capped_float(k)
    return min(1.0, 2.0 * math.exp(-kf * (eps**2 / 4.0 - eps**3 / 6.0)))


def sphere_cos_moment(*, dim: int, order: int) -> Fraction:
    r"""Exact moment :math:`E[c^{m}]` of the cosine :math:`c = \langle u, v\rangle` of a
    uniformly random unit vector with a fixed one in :math:`\mathbb R^{\text{dim}}`.

    .. math:: E[c^{2j}] = \prod_{i=0}^{j-1} \frac{2i+1}{\text{dim} + 2i},\qquad E[c^{2j+1}] = 0 .

    Parameters
    ----------
    dim : int
    order : int
        ``m >= 0``, with :math:`(m/2)\log_2(\text{dim} + m) \le 200\,000` (the size of the exact
        denominator in bits); larger orders raise ``ValueError``.

    Returns
    -------
    fractions.Fraction

    Examples
    --------
    >>> sphere_cos_moment(dim=10, order=4)
    Fraction(1, 40)

    References
    ----------
    .. [1] Vershynin, R. (2018). High-Dimensional Probability, Section 3.3. Cambridge University
       Press. doi:10.1017/9781108231596
    """
    dim = check_int(dim, "dim", minimum=1)
    order = check_int(order, "order", minimum=0)
    if order % 2:
        return Fraction(0)
    j = order // 2
    bits = math.inf if j > _MOMENT_MAX_BITS else j * math.log2(dim + 2 * j)  # denominator size, about
    if bits > _MOMENT_MAX_BITS:
        raise ValueError(
            f"sphere_cos_moment(dim={_short(dim)}, order={_short(order)}): the exact fraction "
            f"would have about {bits:.3g} bits (limit {_MOMENT_MAX_BITS}); need "
            f"(order/2) log2(dim + order) <= {_MOMENT_MAX_BITS}"
        )
    return Fraction(math.prod(range(1, 2 * j, 2)), math.prod(range(dim, dim + 2 * j, 2)))


def _check_x(x: ArrayLike) -> NDArray[np.float64]:
    x = check_array(x, "x", ndim=1)
    if x.size == 0:
        raise ValueError("x must contain at least one activation")
    return x


def interference_moments(*, dim: int, x: ArrayLike) -> dict[str, float]:
    r"""Exact mean, variance and fourth moment of interference from random feature directions.

    With :math:`I = \sum_j c_j x_j`, the :math:`c_j` iid cosines of uniformly random unit
    features with the read-out direction (:func:`sphere_cos_moment`),

    .. math::
        E[I] = 0,\quad E[I^2] = \frac{\lVert x\rVert_2^2}{\text{dim}},\quad
        E[I^4] = \frac{3\lVert x\rVert_4^4}{\text{dim}(\text{dim}+2)}
        + \frac{3\bigl(\lVert x\rVert_2^4 - \lVert x\rVert_4^4\bigr)}{\text{dim}^2}.

    Parameters
    ----------
    dim : int
    x : array_like, shape (k,)
        Values of the other active features.

    Returns
    -------
    dict
        ``mean``, ``var``, ``fourth``, ``kurtosis``.

    Raises
    ------
    ValueError
        When the fourth moment is beyond the float range (entries of ``x`` of 1e80, say).

    Examples
    --------
    >>> interference_moments(dim=4, x=[1.0, 1.0])["var"]
    0.5

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy models of superposition." arXiv:2209.10652
    """
    dim = check_int(dim, "dim", minimum=1)
    x = _check_x(x)
    # the moments in units of c = max|x_j| (the kurtosis is scale-free), then scaled back: c^2 <= 1e300
    c = float(np.max(np.abs(x)))
    y = x / c if c > 0 else x
    s2 = float(np.sum(y * y))
    s4 = float(np.sum(y**4))
    m2 = float(sphere_cos_moment(dim=dim, order=2))
    m4 = float(sphere_cos_moment(dim=dim, order=4))
    var1 = m2 * s2
    fourth1 = m4 * s4 + 3.0 * m2 * m2 * (s2 * s2 - s4)
    var, fourth = var1 * c * c, fourth1 * (c * c) * (c * c)
    if not math.isfinite(fourth):
        raise ValueError(
            f"the fourth moment of the interference (of order |x|^4) exceeds the float range for x with "
            f"entries up to {c:.3g}; rescale x (entries up to about 1e75 keep it finite)"
        )
    return {"mean": 0.0, "var": var, "fourth": fourth, "kurtosis": fourth1 / var1**2 if var1 > 0 else 0.0}


def interference_tail_bound(*, dim: int, x: ArrayLike, t: float) -> float:
    r"""Sub-Gaussian tail bound on interference from random feature directions.

    Each cosine :math:`c = 2B - 1` with :math:`B\sim\mathrm{Beta}(\tfrac{d-1}2, \tfrac{d-1}2)` is
    sub-Gaussian with variance proxy :math:`1/d` (Marchal & Arbel 2017), so

    .. math:: P(|I| > t) \le 2\exp\!\left(-\frac{\text{dim}\, t^2}{2\lVert x\rVert_2^2}\right).

    Parameters
    ----------
    dim : int
        ``dim >= 2``.
    x : array_like, shape (k,)
    t : float
        ``t > 0``.

    Returns
    -------
    float
        The bound, capped at 1.

    Examples
    --------
    >>> round(interference_tail_bound(dim=100, x=[1.0] * 4, t=0.5), 6)
    0.087874

    References
    ----------
    .. [1] Marchal, O. and Arbel, J. (2017). "On the sub-Gaussianity of the Beta and Dirichlet
       distributions." Electron. Commun. Probab. 22, 1-14. doi:10.1214/17-ECP92
    .. [2] Hoeffding, W. (1963). doi:10.1080/01621459.1963.10500830
    """
    dim = check_int(dim, "dim", minimum=2)
    x = _check_x(x)
    t = check_real(t, "t", minimum=0.0, strict_min=True)
    s2 = float(np.sum(x**2))
    if s2 == 0:
        return 0.0
    rate = t * t / (2.0 * s2)
    expo = dim * rate if dim.bit_length() < 1000 else math.inf  # huge dim: the bound is 0
    return min(1.0, 2.0 * math.exp(-expo))


def interference_distribution(*, dim: int, x: ArrayLike, samples: int = 10_000, rng: Any = 0) -> NDArray[np.float64]:
    r"""Samples of the interference :math:`I = \sum_j \langle w_0, w_j\rangle x_j` for uniformly
    random unit features :math:`w_0, w_1, \dots, w_k \in \mathbb R^{\text{dim}}`.

    Parameters
    ----------
    dim : int
    x : array_like, shape (k,)
    samples : int
    rng : Generator or int

    Returns
    -------
    ndarray, shape (samples,)

    Examples
    --------
    >>> s = interference_distribution(dim=50, x=[1.0, 1.0], samples=20000, rng=0)
    >>> abs(s.var() - 2 / 50) < 0.005
    True

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy models of superposition." arXiv:2209.10652
    """
    dim = check_int(dim, "dim", minimum=1)
    x = _check_x(x)
    samples = check_int(samples, "samples", minimum=1)
    check_memory(
        estimate_bytes(samples, x.size, dim, itemsize=16),
        f"{samples} samples of {x.size} random unit vectors in dimension {dim} (samples={samples}, dim={dim})",
    )
    gen = as_rng(rng)
    # by rotation invariance w_0 = e_1; c_j = first coordinate of a uniform unit vector
    g = gen.standard_normal((samples, x.size, dim))
    c = g[:, :, 0] / np.linalg.norm(g, axis=2)
    return c @ x
