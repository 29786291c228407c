r"""Theory of the U-AND read-off: exact error moments, required width, Adler-Shavit bounds.

Bernoulli U-AND (Hänni et al. 2024): neurons ``a = ReLU(W x - (k-1))`` with
``W_{ri} ~ Bernoulli(p)`` iid; the AND of a gate ``S`` (``|S| = k``) is read as the mean of
``a_r`` over the ``N_S`` neurons wired to every input of ``S``. Given that a neuron is wired to
all of ``S``, its other weights are independent of that event, so with ``j`` of the gate's inputs
active and ``s'`` other active inputs its activation is ``f(X) = max(j + X - (k-1), 0)`` with
``X ~ Bin(s', p)``, iid over the ``N_S ~ Bin(d, p^k)`` neurons. Hence, exactly, conditional on
``N_S >= 1``:

.. math::

    E[\hat y - y] = E f(X) - 1[j = k], \qquad
    \mathrm{Var}[\hat y] = E[1/N_S \mid N_S \ge 1] \, \mathrm{Var} f(X) .

For ``k = 2``, ``j = 2`` or ``j = 1``: ``f(X) = X + j - 1``, mean error ``s' p``, variance
``≈ s' p (1-p) / (d p^2) ≈ s'/(d p)`` (the paper's heuristics). ``proofs/uand_moments.py``
derives these symbolically.

Random (Rademacher / Gaussian) U-AND with bias 0 and the sign read-off
``ŷ_{ij} = (1/(d g)) Σ_r sgn(W_ri) sgn(W_rj) a_r`` is unbiased for AND when the gain ``g`` is
calibrated to the number ``s' = s - 2`` of other active inputs:
``E[sgn w_i sgn w_j ReLU(Σ_active w)] = g(s') 1[i, j active]`` and, since ``Σ_active w`` is
symmetric with variance ``s``, ``E[a^2] = s/2``, so exactly

.. math:: \mathrm{Var}[\hat y_{ij}] = \frac{s/2 - g(s')^2 \, 1[i,j \text{ active}]}{d \, g_{cal}^2}.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from scipy import integrate, special, stats

from theory._references import cite
from theory._results import Bound
from theory._validation import check_bool, check_int, check_probability, check_real, check_size

__all__ = [
    "AdlerShavit",
    "UAndMoments",
    "adler_shavit_bounds",
    "optimal_p",
    "paper_p",
    "random_gain",
    "superposition_capacity",
    "superposition_noise_var",
    "uand_error_moments",
    "uand_error_tail",
    "uand_gate_error_prob",
    "uand_min_width",
]

HANNI = cite("hanni2024")
ADLER_SHAVIT = cite("adler_shavit2024")

KINDS = ("bernoulli", "rademacher", "gaussian")

#: Largest count (``d``, ``s``) the exact sums take: beyond it ``d * p`` and friends lose integer
#: precision in floating point.
_MAX_COUNT = 10**15
#: Largest number of terms of one exact binomial sum (the values carrying its mass).
_MAX_TERMS = 10**6
#: Largest gate fan-in.
_MAX_FAN_IN = 1000
#: Largest number of neurons per gate the exact convolution of :func:`uand_gate_error_prob` takes.
_MAX_CONV_NEURONS = 4000


def _count(value: Any, name: str, minimum: int) -> int:
    return check_size(value, name, minimum=minimum, maximum=_MAX_COUNT, why="exact binomial sums in floating point")


def _binom_support(n: int, q: float, name: str, *, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The values ``k >= start`` carrying all but a negligible part of ``Bin(n, q)``, and their pmf.

    The window ``mu -+ (40 sd + 40)`` leaves out less than ``e^{-60}`` of the mass (Chernoff), so the
    sums over it equal the full sums to double precision while costing ``O(sqrt(n q))`` terms.
    """
    mu = n * q
    sd = math.sqrt(max(mu * (1 - q), 0.0))
    lo = max(start, int(math.floor(mu - 40 * sd - 40)))
    hi = min(n, int(math.ceil(mu + 40 * sd + 40)))
    if hi - lo + 1 > _MAX_TERMS:
        raise ValueError(
            f"{name}={n} is too large for the exact sum: Bin({n}, {q:.3g}) spreads over "
            f"{hi - lo + 1} values (limit {_MAX_TERMS})"
        )
    k = np.arange(lo, hi + 1)
    return k, stats.binom.pmf(k, n, q)


def _check_kind(kind: Any) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return str(kind)


def paper_p(*, m: int, d: int) -> float:
    r"""The papers' connection probability :math:`p = \log^2(m)/\sqrt{d}`, clipped to 1.

    The choice makes the expected number of neurons per pair :math:`d p^2 = \log^4 m` and the
    upward bias :math:`s' p \to 0`; it is asymptotic (the authors note it exceeds 1 for
    ``d`` below a few thousand), so at small sizes prefer :func:`optimal_p`.

    Parameters
    ----------
    m : int
        Number of inputs.
    d : int
        Number of neurons.

    Returns
    -------
    float

    Examples
    --------
    >>> round(paper_p(m=100, d=10**6), 4)
    0.0212

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). arXiv:2408.05451.
    .. [2] Vaintrob, Mendel, Hänni (2024). Toward a Mathematical Framework for Computation in
       Superposition. AI Alignment Forum.
    """
    m = check_int(m, "m", minimum=2)
    d = check_int(d, "d", minimum=1)
    # in logs: exact for sizes beyond floating point (math.log takes any int)
    return float(min(1.0, math.exp(2 * math.log(math.log(m)) - 0.5 * math.log(d))))


def optimal_p(*, d: int, s: int, fan_in: int = 2) -> float:
    r"""Connection probability minimising the Bernoulli read-off's mean squared error.

    For a gate with all inputs active and ``s' = s - fan_in`` other active inputs,
    bias² + variance ``≈ (s' p)² + s'(1-p)/(d p^{k-1})``; for ``k = 2`` the minimiser of
    ``(s'p)² + s'/(dp)`` is :math:`p^* = (2 s' d)^{-1/3}`. Computed here by minimising the
    worst exact mean squared error (:attr:`UAndMoments.mse`, counting uncovered gates, which
    read 0) over ``p`` for the gate fully active or missing one input.

    Parameters
    ----------
    d : int
        Neurons.
    s : int
        Active inputs (``s >= fan_in``).
    fan_in : int

    Returns
    -------
    float

    Examples
    --------
    >>> p = optimal_p(d=1000, s=4)
    >>> abs(p - (2 * 2 * 1000) ** (-1 / 3)) < 0.02
    True

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). arXiv:2408.05451.
    """
    d = _count(d, "d", 1)
    fan_in = check_size(fan_in, "fan_in", maximum=_MAX_FAN_IN, why="p**fan_in underflows beyond it")
    s = _count(s, "s", fan_in)

    def mse(logp: float) -> float:
        p = math.exp(logp)
        worst = 0.0
        for j in (fan_in, fan_in - 1):
            if j < 0 or s - j < 0:
                continue
            mom = uand_error_moments(d=d, p=p, s=s, active=j, fan_in=fan_in)
            worst = max(worst, mom.mse)
        return worst

    from scipy.optimize import minimize_scalar

    res = minimize_scalar(mse, bounds=(math.log(1.0 / d), 0.0), method="bounded", options={"xatol": 1e-4})
    return float(math.exp(res.x))


@dataclass(frozen=True)
class UAndMoments:
    """Exact moments of one U-AND read-off error ``ŷ - y``.

    Attributes
    ----------
    mean : float
        ``E[ŷ - y]`` (conditional on the gate being covered by at least one neuron, Bernoulli).
    var : float
        ``Var[ŷ]``.
    target : int
        The true AND value ``y``.
    p_uncovered : float
        Probability that no neuron is wired to all the gate's inputs (Bernoulli; read-off is 0).
    expected_neurons : float
        ``E[N_S] = d p^k`` (Bernoulli) or ``d``.
    params : dict
    citation : str
    """

    mean: float
    var: float
    target: int
    p_uncovered: float
    expected_neurons: float
    params: dict[str, Any] = field(default_factory=dict)
    citation: str = HANNI

    @property
    def std(self) -> float:
        """Standard deviation of the read-off."""
        return math.sqrt(self.var)

    @property
    def rms(self) -> float:
        """Root mean squared error ``sqrt(mean² + var)`` given coverage."""
        return math.sqrt(self.mean**2 + self.var)

    @property
    def mse(self) -> float:
        """Unconditional mean squared error: an uncovered gate reads 0 (error ``-target``)."""
        return (1 - self.p_uncovered) * (self.mean**2 + self.var) + self.p_uncovered * self.target


def _inv_mean_truncated_binomial(d: int, q: float) -> float:
    """E[1/N | N >= 1] for N ~ Bin(d, q), summed exactly over the pmf."""
    if q <= 0:
        return math.inf
    n, pmf = _binom_support(d, q, "d", start=1)
    tot = -math.expm1(d * math.log1p(-q)) if q < 1 else 1.0  # P(N >= 1)
    return float((pmf / n).sum() / tot)


@functools.lru_cache(maxsize=4096)
def _rademacher_gain(s_other: int) -> float:
    # g = 1/4 E[ReLU(Z+2) + ReLU(Z-2) - 2 ReLU(Z)], Z = sum of s_other Rademacher signs
    k, pmf = _binom_support(s_other, 0.5, "s_other")
    z = 2 * k - s_other
    relu = lambda t: np.maximum(t, 0)  # noqa: E731
    return float(0.25 * (pmf * (relu(z + 2) + relu(z - 2) - 2 * relu(z))).sum())


@functools.lru_cache(maxsize=4096)
def _gaussian_gain(s_other: int) -> float:
    # g = E[sgn w_i sgn w_j ReLU(w_i + w_j + Z)], Z ~ N(0, s_other); average over the signs
    # with |w_i| = u, |w_j| = v half-normal: (R(u+v) + R(-u-v) - R(u-v) - R(v-u)) / 4,
    # R(c) = E ReLU(c + Z) = c Phi(c/sigma) + sigma phi(c/sigma).
    if s_other == 0:
        return float((2 - math.sqrt(2)) / math.sqrt(2 * math.pi))
    sig = math.sqrt(s_other)

    def R(c: float) -> float:
        return c * special.ndtr(c / sig) + sig * math.exp(-0.5 * (c / sig) ** 2) / math.sqrt(2 * math.pi)

    def f(v: float, u: float) -> float:
        dens = 2.0 / math.pi * math.exp(-0.5 * (u * u + v * v))
        return dens * 0.25 * (R(u + v) + R(-u - v) - R(u - v) - R(v - u))

    val, _ = integrate.dblquad(f, 0, 12, 0, 12, epsabs=1e-11, epsrel=1e-10)
    return float(val)


def random_gain(*, s_other: int, kind: str = "rademacher") -> float:
    r"""Gain ``g(s') = E[sgn(w_i) sgn(w_j) ReLU(w_i + w_j + Σ_{l ∈ A'} w_l)]`` of the sign read-off.

    For iid unit-variance weights and ``s' = |A'|`` other active inputs. Rademacher: an exact
    binomial sum, :math:`g = \tfrac14 E[\mathrm{ReLU}(Z+2)+\mathrm{ReLU}(Z-2)-2\mathrm{ReLU}(Z)]`;
    Gaussian: a 2-D integral (``g(0) = E[min(|w_i|, |w_j|)]/2 = (2 - \sqrt2)/\sqrt{2\pi}`` in
    closed form). The gain
    decays like ``s'^{-1/2}``.

    Parameters
    ----------
    s_other : int
        Number of other active inputs.
    kind : {"rademacher", "gaussian"}

    Returns
    -------
    float

    Examples
    --------
    >>> random_gain(s_other=0, kind="rademacher")
    0.5
    >>> round(random_gain(s_other=0, kind="gaussian"), 6)
    0.233695

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). arXiv:2408.05451 (random layers compute U-AND).
    .. [2] Vaintrob, Mendel, Hänni (2024). Toward a Mathematical Framework for Computation in
       Superposition. AI Alignment Forum.
    """
    s_other = _count(s_other, "s_other", 0)
    if kind == "rademacher":
        return _rademacher_gain(s_other)
    if kind == "gaussian":
        return _gaussian_gain(s_other)
    raise ValueError(f"kind must be 'rademacher' or 'gaussian' for the sign read-off, got {kind!r}")


def uand_error_moments(
    *,
    d: int,
    s: int,
    active: int,
    p: float | None = None,
    kind: str = "bernoulli",
    fan_in: int = 2,
    calibration_s: int | None = None,
) -> UAndMoments:
    r"""Exact mean and variance of the U-AND read-off error of one gate.

    Bernoulli (``a = ReLU(Wx - (k-1))``, mean read-off over the neurons wired to the gate),
    with ``j`` = ``active`` of the gate's ``k`` inputs on and ``s' = s - j`` other active
    inputs, ``X ~ Bin(s', p)`` and ``f(X) = max(j + X - k + 1, 0)``:

    .. math::

        E[\hat y - y] = E f(X) - 1[j = k], \quad
        \mathrm{Var}\,\hat y = E[N^{-1} \mid N \ge 1]\,\mathrm{Var} f(X), \quad N \sim \mathrm{Bin}(d, p^k).

    For ``k = 2, j \in \{1, 2\}``: mean ``s' p``, variance ``≈ s'(1-p)/(d p)``.
    Rademacher/Gaussian (``k = 2``, bias 0, sign read-off calibrated for ``calibration_s``
    active inputs): mean ``1[j=2](g(s-2)/g(c-2) - 1)``, variance
    ``(s/2 - g(s-2)^2 1[j=2]) / (d g(c-2)^2)``.

    Parameters
    ----------
    d : int
        Neurons.
    s : int
        Total number of active inputs.
    active : int
        How many of the gate's inputs are active (``0 <= active <= fan_in``, ``active <= s``).
    p : float, optional
        Connection probability (Bernoulli only; required).
    kind : {"bernoulli", "rademacher", "gaussian"}
    fan_in : int
        Gate fan-in ``k`` (random kinds: 2 only).
    calibration_s : int, optional
        Sparsity the sign read-off was calibrated for (default ``s``).

    Returns
    -------
    UAndMoments

    Examples
    --------
    >>> mom = uand_error_moments(d=1000, p=0.1, s=5, active=2)
    >>> round(mom.mean, 12)  # s' p with s' = 3
    0.3
    >>> round(mom.var, 5), round(3 * 0.9 / (1000 * 0.1), 5)   # exact vs s'(1-p)/(d p)
    (0.03047, 0.027)
    >>> uand_error_moments(d=500, s=4, active=1, kind="rademacher").mean
    0.0

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    .. [2] Vaintrob, Mendel, Hänni (2024). Toward a Mathematical Framework for Computation in
       Superposition. AI Alignment Forum.
    """
    kind = _check_kind(kind)
    d = _count(d, "d", 1)
    fan_in = check_size(fan_in, "fan_in", maximum=_MAX_FAN_IN, why="p**fan_in underflows beyond it")
    active = check_int(active, "active", minimum=0, maximum=fan_in)
    s = _count(s, "s", active)
    params = dict(d=d, s=s, active=active, p=p, kind=kind, fan_in=fan_in)
    target = int(active == fan_in)
    if kind == "bernoulli":
        if p is None:
            raise ValueError("p is required for kind='bernoulli'")
        p = check_probability(p, "p", allow_zero=False)
        s_other = s - active
        x, pmf = _binom_support(s_other, p, "s")
        f = np.maximum(active + x - fan_in + 1, 0).astype(float)
        ef = float((pmf * f).sum())
        vf = float((pmf * (f - ef) ** 2).sum())
        q = p**fan_in
        p_unc = float((1 - q) ** d)
        inv = _inv_mean_truncated_binomial(d, q) if p_unc < 1 else math.inf
        var = vf * inv if vf > 0 else 0.0
        if not math.isfinite(var):
            raise ValueError(f"no neuron can cover a gate: d p^fan_in = {d * q:.3g} underflows")
        return UAndMoments(
            mean=ef - target, var=var, target=target, p_uncovered=p_unc, expected_neurons=d * q, params=params
        )
    if fan_in != 2:
        raise ValueError(f"the sign read-off is implemented for fan_in=2, got {fan_in}")
    if p is not None:
        raise ValueError(f"p applies to kind='bernoulli' only, got p={p} for kind={kind!r}")
    cal = s if calibration_s is None else check_int(calibration_s, "calibration_s", minimum=2)
    if s < 2 and target:
        raise ValueError("s must be >= 2 when both inputs are active")
    g_cal = random_gain(s_other=max(cal, 2) - 2, kind=kind)
    g_true = random_gain(s_other=s - 2, kind=kind) if s >= 2 else 0.0
    mean = target * (g_true / g_cal - 1.0)
    var = (s / 2.0 - target * g_true**2) / (d * g_cal**2)
    params["calibration_s"] = cal
    return UAndMoments(
        mean=float(mean), var=float(var), target=target, p_uncovered=0.0, expected_neurons=float(d), params=params
    )


def uand_error_tail(*, d: int, p: float, s: int, active: int, t: float, fan_in: int = 2, strict: bool = False) -> float:
    r"""Exact upper tail :math:`P(\hat y - y \ge t \mid N \ge 1)` of the Bernoulli read-off error.

    When ``active >= fan_in - 1`` every neuron wired to the gate has activation
    ``X_r + active - fan_in + 1`` with ``X_r ~ Bin(s', p)`` iid, so given ``N`` covering neurons
    the error is :math:`\mathrm{Bin}(N s', p)/N` (shifted by 0), and

    .. math::

        P(\hat y - y \ge t) = \sum_{n \ge 1} P(N = n \mid N \ge 1)\,
        P\big(\mathrm{Bin}(n s', p) \ge \lceil n t \rceil\big),
        \qquad N \sim \mathrm{Bin}(d, p^k).

    Parameters
    ----------
    d : int
    p : float
    s : int
        Total active inputs.
    active : int
        Active inputs of the gate, ``fan_in - 1`` or ``fan_in``.
    t : float
        Threshold (> 0).
    fan_in : int
    strict : bool
        ``P(error > t)`` instead of ``P(error >= t)``.

    Returns
    -------
    float

    Examples
    --------
    >>> round(uand_error_tail(d=400, p=0.1, s=4, active=2, t=0.5), 4)  # mean error 0.2
    0.1538

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). arXiv:2408.05451.
    """
    strict = check_bool(strict, "strict")
    d = _count(d, "d", 1)
    fan_in = check_size(fan_in, "fan_in", maximum=_MAX_FAN_IN, why="p**fan_in underflows beyond it")
    active = check_int(active, "active", minimum=max(fan_in - 1, 0), maximum=fan_in)
    s = _count(s, "s", active)
    p = check_probability(p, "p", allow_zero=False)
    t = check_real(t, "t", minimum=0, strict_min=True)
    s_other = s - active
    n, wN = _binom_support(d, p**fan_in, "d", start=1)
    if wN.sum() == 0:
        raise ValueError(f"no neuron can cover a gate: d p^fan_in = {d * p**fan_in:.3g} underflows")
    wN = wN / wN.sum()
    # P(Bin(n s', p) >= ceil(n t)) = sf(ceil(n t) - 1); guard n t within rounding of an integer
    thr = np.floor(n * t + 1e-9) + 1 if strict else np.ceil(n * t - 1e-9)
    tail = stats.binom.sf(thr - 1, n * s_other, p)
    return float(np.clip((wN * tail).sum(), 0.0, 1.0))


def uand_gate_error_prob(
    *, d: int, p: float, s: int, active: int, t: float, fan_in: int = 2, side: str = "above"
) -> float:
    r"""Exact probability that a Bernoulli U-AND read-off errs by more than ``t`` in one direction.

    Unconditional over the weights (an uncovered gate, ``N = 0``, reads 0), for any number
    ``j`` = ``active`` of the gate's ``k`` = ``fan_in`` inputs on and ``s' = s - j`` other active
    inputs. Each of the ``N ~ Bin(d, p^k)`` neurons wired to the gate has activation
    ``f(X_r) = max(j + X_r - (k-1), 0)``, ``X_r ~ Bin(s', p)`` iid and independent of ``N``, so
    with ``y = 1[j = k]`` and :math:`S_n = \sum_{r \le n} f(X_r)` (the ``n``-fold convolution of
    the law of ``f(X)``):

    .. math::

        P(\hat y - y > t) = \sum_{n \ge 1} P(N = n)\, P(S_n > n (y + t))
            + P(N = 0)\, 1[-y > t],

        P(\hat y - y < -t) = \sum_{n \ge 1} P(N = n)\, P(S_n < n (y - t))
            + P(N = 0)\, 1[y > t].

    For ``j >= k - 1`` this is :func:`uand_error_tail` (conditional on ``N >= 1``) times
    ``P(N >= 1)``; ``j < k - 1`` (e.g. neither input of a pair active: ``f = max(X - 1, 0)``) is
    new here.

    Parameters
    ----------
    d : int
        Neurons.
    p : float
        Connection probability.
    s : int
        Total active inputs of the layer (``s >= active``).
    active : int
        Active inputs of the gate, ``0 <= active <= fan_in``.
    t : float
        Threshold, ``t >= 0``.
    fan_in : int
        ``k``; the layer's bias is ``-(k-1)``.
    side : {"above", "below"}
        ``"above"``: :math:`P(\hat y - y > t)`; ``"below"``: :math:`P(\hat y - y < -t)`.

    Returns
    -------
    float

    Examples
    --------
    >>> q = uand_gate_error_prob(d=400, p=0.1, s=4, active=2, t=0.5)
    >>> cond = uand_error_tail(d=400, p=0.1, s=4, active=2, t=0.5, strict=True)
    >>> bool(abs(q - (1 - 0.99 ** 400) * cond) < 1e-12)
    True
    >>> below = uand_gate_error_prob(d=400, p=0.1, s=4, active=2, t=0.5, side="below")
    >>> bool(abs(below - 0.99 ** 400) < 1e-15)       # only an uncovered gate reads low
    True

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    """
    d = _count(d, "d", 1)
    fan_in = check_size(fan_in, "fan_in", maximum=_MAX_FAN_IN, why="p**fan_in underflows beyond it")
    active = check_int(active, "active", minimum=0, maximum=fan_in)
    s = _count(s, "s", active)
    p = check_probability(p, "p", allow_zero=False)
    t = check_real(t, "t", minimum=0)
    if side not in ("above", "below"):
        raise ValueError(f"side must be 'above' or 'below', got {side!r}")
    y = int(active == fan_in)
    s_other = s - active
    xs, pmf_x = _binom_support(s_other, p, "s")
    f = np.maximum(active + xs - (fan_in - 1), 0)
    pf = np.zeros(int(f.max()) + 1)
    np.add.at(pf, f, pmf_x)
    q = p**fan_in
    mu = d * q  # the pmf beyond mu + 14 sqrt(mu) + 30 is below 1e-20
    n_hi = int(min(d, math.ceil(mu + 14 * math.sqrt(mu) + 30)))
    if n_hi > _MAX_CONV_NEURONS or n_hi * len(pf) > _MAX_TERMS:
        raise ValueError(
            f"d={d}, p={p}, s={s} are too large for the exact convolution: up to {n_hi} neurons "
            f"per gate (limit {_MAX_CONV_NEURONS}) with {len(pf)} activation values each"
        )
    wN = stats.binom.pmf(np.arange(n_hi + 1), d, q)
    total = float(wN[0] * ((-y > t) if side == "above" else (y > t)))
    conv = np.ones(1)
    for n in range(1, n_hi + 1):
        conv = np.convolve(conv, pf)
        if wN[n] == 0.0:
            continue
        sv = np.arange(len(conv))
        # integer sums: compare n (y +- t) with a guard against rounding at exact integers
        if side == "above":
            tail = conv[sv > n * (y + t) + 1e-9].sum()
        else:
            tail = conv[sv < n * (y - t) - 1e-9].sum()
        total += float(wN[n] * tail)
    return float(min(max(total, 0.0), 1.0))


def uand_min_width(
    *, s: int, eps: float, kind: str = "bernoulli", fan_in: int = 2, z: float = 1.0, d_max: int = 10**9
) -> Bound:
    r"""Smallest width ``d`` at which every U-AND read-off has RMS error at most ``eps / z``.

    Uses the exact moments (:func:`uand_error_moments`) of the worst case (all gate inputs
    active, or one missing) at the best ``p`` for each ``d`` (Bernoulli). With ``z`` set to a
    Gaussian quantile for a union bound over the ``C(m, k)`` gates (``z ≈ sqrt(2 k ln m)``) this
    is the width a high-probability statement needs; the papers give only the asymptotic
    :math:`d = \mathrm{polylog}(m)` for basis-aligned inputs (``Õ(m^{2/3})`` with inputs in
    superposition), without constants.

    Parameters
    ----------
    s : int
        Active inputs.
    eps : float
        Error tolerance (> 0).
    kind : {"bernoulli", "rademacher", "gaussian"}
    fan_in : int
    z : float
        Number of standard deviations required (1 = plain RMS criterion).
    d_max : int
        Search limit.

    Returns
    -------
    Bound
        ``value`` = the width; ``params`` includes the chosen ``p``.

    Examples
    --------
    >>> b = uand_min_width(s=3, eps=0.3)
    >>> b.value, b.kind
    (424, 'exact')

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). arXiv:2408.05451.
    """
    kind = _check_kind(kind)
    fan_in = check_size(fan_in, "fan_in", maximum=_MAX_FAN_IN, why="p**fan_in underflows beyond it")
    s = check_int(s, "s", minimum=fan_in)
    eps = check_real(eps, "eps", minimum=0, strict_min=True)
    z = check_real(z, "z", minimum=0, strict_min=True)
    d_max = _count(d_max, "d_max", 1)
    target = eps / z

    def err(d: int) -> tuple[float, float | None]:
        if kind == "bernoulli":
            p = optimal_p(d=d, s=s, fan_in=fan_in)
            worst = max(
                math.sqrt(uand_error_moments(d=d, p=p, s=s, active=j, fan_in=fan_in).mse)
                for j in (fan_in, fan_in - 1)
                if j >= 0
            )
            return worst, p
        worst = max(uand_error_moments(d=d, s=s, active=j, kind=kind).rms for j in (2, 1, 0))
        return worst, None

    lo, hi = 1, 1
    while err(hi)[0] > target:
        lo = hi
        hi *= 2
        if hi > d_max:
            raise ValueError(f"no width up to d_max={d_max} reaches eps={eps} (z={z})")
    while hi - lo > 1 and err(lo)[0] > target:
        mid = (lo + hi) // 2
        if err(mid)[0] > target:
            lo = mid
        else:
            hi = mid
    d = lo if err(lo)[0] <= target else hi
    return Bound(
        value=d,
        name="uand_min_width",
        citation=HANNI,
        kind="exact",
        quantity="smallest width whose exact RMS read-off error is <= eps/z",
        params=dict(s=s, eps=eps, kind=kind, fan_in=fan_in, z=z, p=err(d)[1]),
    )


def superposition_noise_var(*, m: int, dim: int, p: float, s: int) -> float:
    r"""Exact variance of the interference on one U-AND neuron when inputs are in superposition.

    With features stored as ``h = F x`` (random unit columns, :math:`E\langle f_i, f_j\rangle = 0`,
    :math:`E\langle f_i, f_j\rangle^2 = 1/dim`, distinct pairs uncorrelated: random signs or
    uniform directions) and a neuron wired to input ``i`` with probability ``p``, the
    pre-activation noise :math:`\sum_i W_{ri} \sum_{j \in A, j \ne i} \langle f_i, f_j\rangle`
    for ``s = |A|`` active inputs has mean 0 and variance

    .. math::

        \sigma^2 = \frac{s (m - s)\, p + s (s - 1)\, p (1 + p)}{dim}

    (each unordered pair ``{i, j}`` touching ``A`` contributes ``E[c_{ij}^2]/dim``, with
    ``c_{ij} = W_{ri} 1[j∈A] + W_{rj} 1[i∈A]``). It must stay well below the unit gap between
    "one input" and "two inputs", which is what limits ``m`` (see :func:`superposition_capacity`).

    Parameters
    ----------
    m : int
    dim : int
        Residual dimension ``d0``.
    p : float
    s : int

    Returns
    -------
    float

    Examples
    --------
    >>> superposition_noise_var(m=1000, dim=500, p=0.05, s=3)
    0.29973

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). arXiv:2408.05451 (U-AND on inputs in
       superposition).
    """
    m = check_int(m, "m", minimum=1)
    dim = check_int(dim, "dim", minimum=1)
    p = check_probability(p, "p")
    s = check_int(s, "s", minimum=0, maximum=m)
    fp = Fraction(p)  # exact rational arithmetic: no overflow on sizes beyond floating point
    var = (s * (m - s) * fp + s * (s - 1) * fp * (1 + fp)) / dim
    try:
        return float(var)
    except OverflowError:
        raise ValueError(
            f"the variance for m={m}, s={s}, dim={dim} exceeds the floating-point range; use smaller m or s"
        ) from None


def superposition_capacity(*, dim: int, d: int, s: int, sigma: float = 0.25, p: float | None = None) -> Bound:
    r"""Largest ``m`` whose interference std on a U-AND neuron stays at most ``sigma``.

    Solves :func:`superposition_noise_var` ``= sigma²`` for ``m``:

    .. math:: m = s + \frac{\sigma^2\, dim - s(s-1)p(1+p)}{s\,p}.

    With the connection probability ``p = 1/\sqrt d`` (the smallest giving ``d p^2 = 1``
    neuron per pair; the papers use ``\log^2 m/\sqrt d``) this is
    :math:`m \approx \sigma^2\, dim \sqrt d / s`: the papers' :math:`m = \tilde\Theta(d_0 \sqrt d)`
    (with ``dim = d``: width ``d = Õ(m^{2/3})``), here with explicit constants for this noise
    criterion only (the papers' statement is asymptotic, with polylog factors).

    Parameters
    ----------
    dim : int
        Residual dimension ``d0``.
    d : int
        Neurons.
    s : int
        Active inputs.
    sigma : float
        Allowed noise standard deviation (default 1/4 of the unit gap).
    p : float, optional
        Connection probability (default ``1/sqrt(d)``).

    Returns
    -------
    Bound
        ``value`` = the largest integer ``m`` (0 if none).

    Examples
    --------
    >>> superposition_capacity(dim=1000, d=1000, s=3).value
    659

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). arXiv:2408.05451.
    """
    dim = check_int(dim, "dim", minimum=1)
    d = check_int(d, "d", minimum=1)
    s = check_int(s, "s", minimum=1)
    sigma = check_real(sigma, "sigma", minimum=0, strict_min=True)
    pv = math.exp(-0.5 * math.log(d)) if p is None else check_probability(p, "p", allow_zero=False)
    if pv == 0.0:
        raise ValueError(f"d={d} is too large: the default p = 1/sqrt(d) underflows; pass p")
    # exact rational arithmetic: the answer is an integer of any size, no float overflow
    fp, fsig = Fraction(pv), Fraction(sigma)
    mval = s + (fsig**2 * dim - s * (s - 1) * fp * (1 + fp)) / (s * fp)
    count = max(0, math.floor(mval + Fraction(1, 10**9)))
    return Bound(
        value=count,
        name="superposition_capacity",
        citation=HANNI,
        kind="upper",
        quantity=f"inputs m with interference std <= {sigma}",
        params=dict(dim=dim, d=d, s=s, sigma=sigma, p=pv),
        proven=False,
        condition="noise criterion only; the papers' statement is asymptotic",
    )


@dataclass(frozen=True)
class AdlerShavit:
    """Adler & Shavit's complexity bounds for computing ``m_out`` features in superposition.

    All are asymptotic with unspecified constants: the values are the growth functions with
    constant 1, to be compared by their trend, never as absolute bounds.

    Attributes
    ----------
    m_out : int
    neurons_lower : float
        ``sqrt(m' log m')`` (Ω).
    params_lower : float
        ``m' log m'`` (Ω).
    neurons_upper : float
        ``sqrt(m') log m'`` (O, pairwise AND construction).
    params_upper : float
        ``m' log² m'`` (O).
    capacity : float or None
        ``n² / log n`` features computable with ``n`` neurons (O), when ``neurons`` is given.
    citation : str
    """

    m_out: int
    neurons_lower: float
    params_lower: float
    neurons_upper: float
    params_upper: float
    capacity: float | None = None
    citation: str = ADLER_SHAVIT

    def bounds(self) -> tuple[Bound, ...]:
        """Each growth function as a :class:`~theory._results.Bound` marked not proven (no constants)."""
        why = "asymptotic order with constant 1; compare trends, not values"
        rows = [
            ("neurons_lower", "lower", "neurons", self.neurons_lower),
            ("params_lower", "lower", "parameters", self.params_lower),
            ("neurons_upper", "upper", "neurons", self.neurons_upper),
            ("params_upper", "upper", "parameters", self.params_upper),
        ]
        if self.capacity is not None:
            rows.append(("capacity", "upper", "features computable", self.capacity))
        return tuple(
            Bound(
                float(v),
                f"adler_shavit_{name}",
                self.citation,
                kind=kind,
                quantity=q,
                proven=False,
                condition=why,
                params={"m_out": self.m_out},
            )
            for name, kind, q, v in rows
        )

    def __str__(self) -> str:
        return "\n".join(str(b) for b in self.bounds())


def adler_shavit_bounds(*, m_out: int, neurons: int | None = None) -> AdlerShavit:
    r"""Adler & Shavit's lower and upper bounds for computing ``m'`` features in superposition.

    .. math::

        n = \Omega(\sqrt{m' \log m'}), \quad P = \Omega(m' \log m'), \quad
        n = O(\sqrt{m'}\log m'), \quad P = O(m' \log^2 m'), \quad m' = O(n^2/\log n).

    The bounds carry no constants (asymptotic only): values are the growth functions with
    constant 1 and natural logarithms.

    Parameters
    ----------
    m_out : int
        Number of computed output features ``m'`` (e.g. ``C(m, 2)`` pairwise ANDs), >= 2.
    neurons : int, optional
        A width ``n`` at which to evaluate the capacity bound ``n² / log n``.

    Returns
    -------
    AdlerShavit

    Examples
    --------
    >>> b = adler_shavit_bounds(m_out=10**6)
    >>> round(b.neurons_lower), round(b.params_lower)
    (3717, 13815511)

    References
    ----------
    .. [1] Adler, Shavit (2024). On the Complexity of Neural Computation in Superposition.
       arXiv:2409.15318
    """
    m_out = check_size(m_out, "m_out", minimum=2, maximum=10**300, why="the bounds are floats")
    L = math.log(m_out)
    cap = None
    if neurons is not None:
        n = check_int(neurons, "neurons", minimum=2)
        cap = n * n / math.log(n)
    return AdlerShavit(
        m_out=m_out,
        neurons_lower=math.sqrt(m_out * L),
        params_lower=m_out * L,
        neurons_upper=math.sqrt(m_out) * L,
        params_upper=m_out * L * L,
        capacity=cap,
    )
