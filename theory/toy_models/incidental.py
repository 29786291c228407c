r"""Incidental polysemanticity: polysemantic neurons that appear with more neurons than features.

Lecomte et al. (2023/2024) train the tied ReLU autoencoder

.. math::

    \hat x = \mathrm{ReLU}(W^\top W x), \qquad W \in \mathbb R^{m\times n},\ m \ge n,

(``m`` neurons, ``n`` features, column ``i`` of ``W`` is feature ``i``'s encoding; the toolkit's
``(dim, n)`` convention with ``dim = m``) on the ``n`` standard basis vectors, with the loss

.. math::

    L(W) = \sum_{i=1}^n \lVert \mathrm{ReLU}(W^\top W e_i) - e_i\rVert^2 + \lambda \lVert W\rVert_1 ,

weights initialised i.i.d. :math:`\mathcal N(0, 1/m)` and trained full-batch with AdamW
(lr :math:`10^{-3}`, PyTorch's default weight decay 0.01, :math:`\lambda = 10^{-3}`, 7,500
steps). The :math:`\ell_1` term makes the dynamics winner-take-all: each feature ends on one
neuron. A neuron is *polysemantic* when two or more features have a weight of magnitude in
:math:`[0.8, 1.2]` on it. Since :math:`m \ge n`, every feature could have a neuron of its own;
polysemantic neurons are *incidental*: they come from which neuron each feature happens to pick.

Counting argument. If each feature picks a neuron uniformly and independently (the neuron most
correlated with it at initialisation, :math:`\arg\max_j |W_{ji}|`), the number of neurons picked
by two or more features is a birthday-collision count,

.. math::

    \mathbb E[C] = m\Big(1 - \big(1-\tfrac1m\big)^n - \tfrac nm\big(1-\tfrac1m\big)^{n-1}\Big)
    \approx \frac{n^2}{2m} \quad (n \ll m)

(:func:`birthday_collisions`). Not every collision survives training: two features on one neuron
with weights of the *same* sign interfere positively, :math:`W_i^\top W_j > 0`, which the loss
penalises, so one of them moves; with *opposite* signs the interference is negative and the
output ReLU removes it, so both stay. If each feature also picks a sign uniformly, the expected
number of neurons that receive a feature of each sign is

.. math::

    \mathbb E[C_\pm] = m\Big(1 - 2\big(1-\tfrac1{2m}\big)^n + \big(1-\tfrac1m\big)^n\Big)
    \approx \frac{n(n-1)}{4m}

(:func:`signed_collisions`), half the birthday count: the :math:`n^2/(4m)` line of the paper's
released code. :func:`collision_count` also gives the exact variance (pairs of neurons by
inclusion-exclusion), used for the tolerance of the claims.

:func:`train_incidental` trains many seeds at once (one batched NumPy run) and counts
polysemantic neurons; :func:`incidental_sweep` runs a grid over ``n`` and ``m`` through
:func:`theory.sweep.sweep`; :func:`fit_exponents` fits :math:`\log C = c + a\log n + b\log m`
with bootstrap intervals over seeds.

References
----------
.. [1] Lecomte, V., Thaman, K., Schaeffer, R., Bashkansky, N., Chow, T. and Koyejo, S. (2023).
   What Causes Polysemanticity? An Alternative Origin Story of Mixed Selectivity from Incidental
   Causes. arXiv:2312.03096 (v1 titled "Incidental Polysemanticity"; ICLR 2024 workshops).
.. [2] Elhage, N. et al. (2022). Toy Models of Superposition. Transformer Circuits Thread.
   arXiv:2209.10652.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from theory._fit import fit_loglog
from theory._optim import AdamW, FlatParams
from theory._references import cite
from theory._validation import (
    as_rng,
    check_array,
    check_bool,
    check_int,
    check_memory,
    check_real,
    check_size,
    estimate_bytes,
)
from theory._warnings import TheoryDeprecationWarning

if TYPE_CHECKING:
    from theory.sweep import Runner

__all__ = [
    "FAST",
    "PAPER",
    "CollisionCount",
    "ExponentFit",
    "IncidentalGrid",
    "IncidentalRun",
    "birthday_collisions",
    "collision_count",
    "count_polysemantic",
    "fit_exponents",
    "incidental_cell",
    "incidental_sweep",
    "signed_collisions",
    "train_incidental",
]

CITATION = cite("lecomte2023")

#: The paper's training settings (its released code): AdamW at lr 1e-3 with PyTorch's default weight
#: decay 0.01, l1 coefficient 1e-3, 7,500 full-batch steps, N(0, 1/m) initialisation.
PAPER: dict[str, Any] = {"steps": 7500, "lr": 1e-3, "l1": 1e-3, "weight_decay": 0.01}

#: A ten-times faster setting (lr and l1 both 1e-2, 1,000 steps) that also ends with one neuron
#: per feature; used by the quick claims. Not the paper's.
FAST: dict[str, Any] = {"steps": 1000, "lr": 1e-2, "l1": 1e-2, "weight_decay": 0.01}

#: Largest n and m accepted by the counting formulas (exact in 60-digit arithmetic up to here).
MAX_COUNT_SIZE = 10**15
_MAX_N = 4096
_MAX_M = 65536
_OPTIMIZERS = ("adamw", "gd")


# ----------------------------------------------------------------------------------------------
# exact collision counts
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CollisionCount:
    r"""Exact mean and variance of a collision count among ``m`` neurons chosen by ``n`` features.

    Attributes
    ----------
    n, m : int
    signed : bool
        False: neurons chosen by at least two features (birthday collisions). True: neurons
        chosen by at least one feature of each sign (each feature also draws a sign).
    mean, variance : float
        Exact (computed in 60-digit arithmetic, rounded to float).
    asymptotic : float
        :math:`n(n-1)/(2m)` (unsigned) or :math:`n(n-1)/(4m)` (signed), the leading term for
        :math:`n \ll m`.
    """

    n: int
    m: int
    signed: bool
    mean: float
    variance: float
    asymptotic: float

    @property
    def std(self) -> float:
        """Standard deviation of the count."""
        return math.sqrt(max(self.variance, 0.0))

    def __str__(self) -> str:
        kind = "neurons with features of both signs" if self.signed else "neurons chosen by >= 2 features"
        lead = "n(n-1)/4m" if self.signed else "n(n-1)/2m"
        return (
            f"{kind} (n={self.n}, m={self.m}): exact mean {self.mean:.6g}, sd {self.std:.4g} "
            f"(leading term {lead} = {self.asymptotic:.6g})"
        )


def _check_nm(n: Any, m: Any) -> tuple[int, int]:
    why = "exact collision counts are computed for sizes up to 10**15"
    return (
        check_size(n, "n", minimum=0, maximum=MAX_COUNT_SIZE, why=why),
        check_size(m, "m", minimum=1, maximum=MAX_COUNT_SIZE, why=why),
    )


def collision_count(n: int, m: int, *, signed: bool = False) -> CollisionCount:
    r"""Exact mean and variance of the number of collision neurons when ``n`` features each pick one
    of ``m`` neurons uniformly and independently.

    Unsigned (``signed=False``): :math:`C = \#\{j : N_j \ge 2\}` with :math:`N_j` the number of
    features on neuron :math:`j`, :math:`N_j \sim \mathrm{Bin}(n, 1/m)`:

    .. math::

        \mathbb E[C] = m\,P(N_1\ge2),\qquad
        \mathrm{Var}[C] = m\,P(N_1\ge2)\big(1-P(N_1\ge2)\big)
        + m(m-1)\big(P(N_1\ge2, N_2\ge2) - P(N_1\ge2)^2\big),

    with :math:`P(N_1\ge2,N_2\ge2) = 1 - 2P(N_1\le1) + \sum_{a,b\in\{0,1\}}
    \frac{n!}{a!\,b!\,(n-a-b)!}\,m^{-a-b}(1-\tfrac2m)^{n-a-b}`.

    Signed (``signed=True``): each feature picks one of :math:`2m` (neuron, sign) cells uniformly;
    :math:`C_\pm` counts neurons both of whose cells are occupied. By inclusion-exclusion over
    empty cells, :math:`P(\text{neuron mixed}) = \sum_{s=0}^2\binom2s(-1)^s(1-\tfrac{s}{2m})^n`
    and :math:`P(\text{two given neurons mixed}) = \sum_{s=0}^4\binom4s(-1)^s(1-\tfrac{s}{2m})^n`.

    Parameters
    ----------
    n : int
        Features (>= 0).
    m : int
        Neurons (>= 1).
    signed : bool

    Returns
    -------
    CollisionCount

    Examples
    --------
    >>> c = collision_count(2, 2)            # two features, two neurons: collide w.p. 1/2
    >>> c.mean, c.variance
    (0.5, 0.25)
    >>> round(collision_count(32, 128).mean, 4), collision_count(32, 128).asymptotic
    (3.3181, 3.875)
    >>> round(collision_count(32, 128, signed=True).mean, 4)
    1.7248

    References
    ----------
    .. [1] Lecomte, V. et al. (2023). What Causes Polysemanticity? arXiv:2312.03096.
    """
    n, m = _check_nm(n, m)
    signed = check_bool(signed, "signed")
    lead = n * (n - 1) / ((4 if signed else 2) * m)
    if n < 2:
        return CollisionCount(n, m, signed, 0.0, 0.0, lead)
    import mpmath

    with mpmath.workdps(60):
        N, M = mpmath.mpf(n), mpmath.mpf(m)
        if signed:

            def cells(k: int) -> Any:
                return mpmath.fsum((-1) ** s * mpmath.binomial(k, s) * (1 - s / (2 * M)) ** N for s in range(k + 1))

            p1, p2 = cells(2), cells(4)
        else:
            q = 1 / M
            le1 = (1 - q) ** N + (N * q * (1 - q) ** (N - 1) if n >= 1 else 0)
            p1 = 1 - le1
            joint = mpmath.mpf(0)
            for a in (0, 1):
                for b in (0, 1):
                    if a + b > n:
                        continue
                    ways = (
                        mpmath.factorial(a + b)
                        / (mpmath.factorial(a) * mpmath.factorial(b))
                        * mpmath.binomial(N, a + b)
                    )
                    rest = (1 - 2 * q) ** (N - a - b) if n - a - b > 0 else mpmath.mpf(1)
                    joint += ways * q ** (a + b) * rest
            p2 = 1 - 2 * le1 + joint
        mean = M * p1
        var = M * p1 * (1 - p1) + (M * (M - 1) * (p2 - p1**2) if m > 1 else 0)
        return CollisionCount(n, m, signed, max(float(mean), 0.0), max(float(var), 0.0), lead)


def birthday_collisions(n: int, m: int) -> float:
    r"""Expected number of neurons chosen by two or more of ``n`` features, each choosing one of
    ``m`` neurons uniformly and independently (its argmax among ``m`` i.i.d. neurons).

    .. math::

        \mathbb E[C] = m\Big(1 - \big(1-\tfrac1m\big)^n - \tfrac nm\big(1-\tfrac1m\big)^{n-1}\Big)
        = \frac{n(n-1)}{2m} + O\!\Big(\frac{n^3}{m^2}\Big).

    Parameters
    ----------
    n : int
        Features (>= 0).
    m : int
        Neurons (>= 1).

    Returns
    -------
    float

    Examples
    --------
    >>> birthday_collisions(2, 2)
    0.5
    >>> round(birthday_collisions(23, 365), 4)   # birthday paradox: days shared by >= 2 of 23 people
    0.6671
    """
    return collision_count(n, m).mean


def signed_collisions(n: int, m: int) -> float:
    r"""Expected number of neurons that receive features of both signs, when each of ``n`` features
    picks one of ``m`` neurons and a sign uniformly and independently.

    .. math::

        \mathbb E[C_\pm] = m\Big(1 - 2\big(1-\tfrac1{2m}\big)^n + \big(1-\tfrac1m\big)^n\Big)
        = \frac{n(n-1)}{4m} + O\!\Big(\frac{n^3}{m^2}\Big),

    the prediction for the trained tied ReLU autoencoder, where same-sign collisions are resolved
    by training and opposite-sign ones survive (see the module docstring).

    Examples
    --------
    >>> signed_collisions(2, 1)    # one neuron: both features on it, with different signs w.p. 1/2
    0.5
    """
    return collision_count(n, m, signed=True).mean


# ----------------------------------------------------------------------------------------------
# the trained model
# ----------------------------------------------------------------------------------------------


def count_polysemantic(W: Any, band: tuple[float, float] = (0.8, 1.2)) -> NDArray[np.int64]:
    r"""Polysemantic neurons of tied autoencoders: neurons on which two or more features have a
    weight of magnitude in ``band`` (the paper's criterion, :math:`[0.8, 1.2]`).

    Parameters
    ----------
    W : array_like, shape (m, n) or (instances, m, n)
        Weights; column ``i`` (last axis) is feature ``i``'s encoding over the ``m`` neurons.
    band : (low, high)
        Magnitudes counted as "the feature is on this neuron", ``0 <= low <= high``.

    Returns
    -------
    ndarray of int, shape () or (instances,)

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[1.0, -0.95, 0.0], [0.0, 0.0, 1.1], [0.0, 0.0, 0.0]])
    >>> int(count_polysemantic(W))
    1
    """
    arr = check_array(W, "W", ndim=(2, 3))
    if not isinstance(band, (tuple, list)) or len(band) != 2:
        raise TypeError(f"band must be a pair (low, high), got {band!r}")
    lo = check_real(band[0], "band[0]", minimum=0.0)
    hi = check_real(band[1], "band[1]", minimum=lo)
    a = np.abs(arr)
    on = (a >= lo) & (a <= hi)
    return (on.sum(axis=-1) >= 2).sum(axis=-1).astype(np.int64)


def _signed_mixed(idx: NDArray[Any], sign: NDArray[Any], m: int) -> NDArray[np.int64]:
    """Per instance: neurons chosen by features of both signs. ``idx``, ``sign`` shape (k, n)."""
    k = idx.shape[0]
    offs = (np.arange(k) * m)[:, None]
    pos = np.bincount((idx + offs)[sign > 0], minlength=k * m).reshape(k, m)
    neg = np.bincount((idx + offs)[sign < 0], minlength=k * m).reshape(k, m)
    return ((pos > 0) & (neg > 0)).sum(axis=1).astype(np.int64)


def _collisions(idx: NDArray[Any], m: int) -> NDArray[np.int64]:
    k = idx.shape[0]
    cnt = np.bincount((idx + (np.arange(k) * m)[:, None]).ravel(), minlength=k * m).reshape(k, m)
    return (cnt >= 2).sum(axis=1).astype(np.int64)


@dataclass(frozen=True)
class IncidentalRun:
    r"""Result of :func:`train_incidental`: per-seed counts for one ``(n, m)``.

    Attributes
    ----------
    n, m, seeds, steps : int
    lr, l1, weight_decay : float
    optimizer : str
    polysemantic : tuple of int
        Per seed, polysemantic neurons after training (:func:`count_polysemantic`).
    init_collisions : tuple of int
        Per seed, neurons that are the initial argmax :math:`\arg\max_j |W_{ji}|` of two or more
        features (the birthday count; its expectation is :func:`birthday_collisions`).
    init_signed : tuple of int
        Per seed, neurons that are the initial argmax of features of both signs (expectation
        :func:`signed_collisions`).
    winner_kept : float
        Fraction of features whose final largest weight is on their initial argmax neuron.
    opposite_sign : float
        Fraction of (polysemantic neuron, feature pair) cases with opposite signs (NaN-free: 1.0
        when there is no polysemantic neuron).
    one_neuron : float
        Fraction of features with exactly one weight above 0.5 in magnitude, in the band
        (training ended winner-take-all).
    loss : float
        Mean final reconstruction loss (without the l1 term).
    W : ndarray, shape (seeds, m, n)
        Final weights (not shown in the repr).
    """

    n: int
    m: int
    seeds: int
    steps: int
    lr: float
    l1: float
    weight_decay: float
    optimizer: str
    polysemantic: tuple[int, ...]
    init_collisions: tuple[int, ...]
    init_signed: tuple[int, ...]
    winner_kept: float
    opposite_sign: float
    one_neuron: float
    loss: float
    W: NDArray[np.float64] = field(repr=False, compare=False)

    @property
    def mean(self) -> float:
        """Mean polysemantic count over seeds."""
        return float(np.mean(self.polysemantic))

    def prediction(self, signed: bool = True) -> CollisionCount:
        """The exact collision count this run is compared with (signed by default)."""
        return collision_count(self.n, self.m, signed=signed)

    def z_score(self, signed: bool = True) -> float:
        r""":math:`(\bar C - \mathbb E C)/(\sigma_C/\sqrt{\text{seeds}})`, with the exact mean and
        standard deviation of the collision count.

        Returns ``inf`` (with the sign of the difference) when the collision count has zero variance
        and the mean differs from the prediction, and 0 when they are equal.
        """
        c = self.prediction(signed)
        if c.variance == 0.0:
            return 0.0 if self.mean == c.mean else math.copysign(math.inf, self.mean - c.mean)
        return (self.mean - c.mean) / (c.std / math.sqrt(self.seeds))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no weights)."""
        return {
            "n": self.n,
            "m": self.m,
            "seeds": self.seeds,
            "steps": self.steps,
            "lr": self.lr,
            "l1": self.l1,
            "weight_decay": self.weight_decay,
            "optimizer": self.optimizer,
            "polysemantic": list(self.polysemantic),
            "init_collisions": list(self.init_collisions),
            "init_signed": list(self.init_signed),
            "winner_kept": self.winner_kept,
            "opposite_sign": self.opposite_sign,
            "one_neuron": self.one_neuron,
            "loss": self.loss,
        }

    def __str__(self) -> str:
        s, u = self.prediction(True), self.prediction(False)
        return (
            f"incidental polysemanticity, n={self.n} features, m={self.m} neurons, {self.seeds} seeds, "
            f"{self.optimizer} lr={self.lr:g} l1={self.l1:g}, {self.steps} steps:\n"
            f"  polysemantic neurons {self.mean:.3f} per run (signed-collision prediction {s.mean:.3f} [heuristic, "
            f"not proven for training], "
            f"z = {self.z_score(True):+.2f}; birthday count {u.mean:.3f})\n"
            f"  initial argmax collisions {np.mean(self.init_collisions):.3f} (exact {u.mean:.3f}), "
            f"both signs {np.mean(self.init_signed):.3f} (exact {s.mean:.3f})\n"
            f"  one neuron per feature {self.one_neuron:.3f}, opposite signs on polysemantic neurons "
            f"{self.opposite_sign:.3f}, final neuron = initial argmax {self.winner_kept:.3f}, "
            f"loss {self.loss:.2e}"
        )


def _grads(W: NDArray[Any], g: NDArray[Any], l1: float, eye: NDArray[Any]) -> NDArray[Any]:
    """Gradient of sum ||ReLU(W^T W) - I||^2 + l1 |W|_1, written into ``g``; returns W^T W."""
    G = np.matmul(W.transpose(0, 2, 1), W)
    R = np.maximum(G, 0.0)
    R -= eye
    R *= G > 0
    np.matmul(W, R, out=g)
    g *= 4.0  # d/dW of sum_ij R_ij^2 with G = W^T W symmetric: 2 W (R + R^T) = 4 W R
    if l1:
        g += l1 * np.sign(W)
    return G


def train_incidental(
    n: int,
    m: int,
    *,
    seeds: int = 16,
    steps: int = PAPER["steps"],
    lr: float = PAPER["lr"],
    l1: float = PAPER["l1"],
    weight_decay: float = PAPER["weight_decay"],
    optimizer: str = "adamw",
    init_std: float | None = None,
    band: tuple[float, float] = (0.8, 1.2),
    rng: Any = 0,
) -> IncidentalRun:
    r"""Train ``seeds`` tied ReLU autoencoders :math:`\hat x = \mathrm{ReLU}(W^\top W x)` on the
    ``n`` basis vectors with an :math:`\ell_1` penalty, all at once, and count polysemantic neurons.

    Loss per instance (full batch, the identity):

    .. math::

        L(W) = \lVert \mathrm{ReLU}(W^\top W) - I_n\rVert_F^2 + \lambda\lVert W\rVert_1,\qquad
        \nabla_W = 4\,W\big[(\mathrm{ReLU}(W^\top W) - I)\odot 1_{W^\top W>0}\big]
        + \lambda\,\mathrm{sign}(W).

    ``W`` starts i.i.d. :math:`\mathcal N(0, \sigma^2)`, :math:`\sigma = 1/\sqrt m` by default, and
    is updated by AdamW (PyTorch's update, ``theory._optim.AdamW``) or plain gradient descent.

    Parameters
    ----------
    n : int
        Features (1 <= n <= 4096).
    m : int
        Neurons (n <= m <= 65536: the paper's regime, at least one neuron per feature).
    seeds : int
        Independent initialisations trained together.
    steps : int
    lr : float
    l1 : float
        :math:`\lambda` (>= 0).
    weight_decay : float
        AdamW's decoupled decay (ignored by ``"gd"``).
    optimizer : ``"adamw"`` or ``"gd"``
    init_std : float, optional
        :math:`\sigma`; default :math:`1/\sqrt m` (the paper's).
    band : (low, high)
        Magnitude band of :func:`count_polysemantic`.
    rng : int or Generator
        Seed (default 0).

    Returns
    -------
    IncidentalRun

    Examples
    --------
    >>> r = train_incidental(8, 32, seeds=4, **FAST)
    >>> r.one_neuron, len(r.polysemantic)
    (1.0, 4)

    References
    ----------
    .. [1] Lecomte, V. et al. (2023). What Causes Polysemanticity? arXiv:2312.03096.
    """
    n = check_size(n, "n", minimum=1, maximum=_MAX_N, why="each step costs seeds * m * n**2")
    m = check_size(m, "m", minimum=1, maximum=_MAX_M, why="each step costs seeds * m * n**2")
    if m < n:
        raise ValueError(f"m must be >= n (at least one neuron per feature, the paper's regime), got n={n}, m={m}")
    seeds = check_int(seeds, "seeds", minimum=1)
    steps = check_size(steps, "steps", minimum=1, maximum=10**7, why="training time grows with steps")
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    l1 = check_real(l1, "l1", minimum=0.0)
    weight_decay = check_real(weight_decay, "weight_decay", minimum=0.0)
    if not isinstance(optimizer, str) or optimizer not in _OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {_OPTIMIZERS}, got {optimizer!r}")
    std = 1.0 / math.sqrt(m) if init_std is None else check_real(init_std, "init_std", minimum=0.0, strict_min=True)
    count_polysemantic(np.zeros((1, 2)), band)  # validates band
    check_memory(
        estimate_bytes(seeds, m, n) * 6 + estimate_bytes(seeds, n, n) * 3,
        f"training seeds={seeds} instances of a ({m}, {n}) autoencoder",
    )
    gen = as_rng(rng)

    W0 = gen.standard_normal((seeds, m, n)) * std
    params = FlatParams({"W": W0}, np.float64)
    W, g = params.p["W"], params.g["W"]
    eye = np.eye(n)
    opt = AdamW(lr=lr, weight_decay=weight_decay) if optimizer == "adamw" else None
    with np.errstate(over="raise", invalid="raise"):
        try:
            for _ in range(steps):
                _grads(W, g, l1, eye)
                if opt is not None:
                    opt.step(params)
                else:
                    W -= lr * g
        except FloatingPointError:
            raise ValueError(
                f"training diverged (overflow) at lr={lr}, l1={l1}, weight_decay={weight_decay}; "
                "use a smaller lr (or l1, weight_decay)"
            ) from None
    G = np.matmul(W.transpose(0, 2, 1), W)
    loss = float(((np.maximum(G, 0.0) - eye) ** 2).sum(axis=(1, 2)).mean())

    init_idx = np.abs(W0).argmax(axis=1)  # (seeds, n)
    init_sign = np.sign(np.take_along_axis(W0, init_idx[:, None, :], axis=1)[:, 0, :])
    A = np.abs(W)
    poly = count_polysemantic(W, band)
    lo, hi = band
    on = (A >= lo) & (A <= hi)
    one = ((A > 0.5).sum(axis=1) == 1) & on.any(axis=1)
    kept = float((A.argmax(axis=1) == init_idx).mean())
    # sign structure of polysemantic neurons: all pairs of features in the band on one neuron
    opp = tot = 0
    for s, j in zip(*np.nonzero(on.sum(axis=2) >= 2), strict=True):
        sg = np.sign(W[s, j, on[s, j]])
        p, q = int((sg > 0).sum()), int((sg < 0).sum())
        opp += p * q
        tot += (p + q) * (p + q - 1) // 2
    return IncidentalRun(
        n=n,
        m=m,
        seeds=seeds,
        steps=steps,
        lr=lr,
        l1=l1,
        weight_decay=weight_decay,
        optimizer=optimizer,
        polysemantic=tuple(int(x) for x in poly),
        init_collisions=tuple(int(x) for x in _collisions(init_idx, m)),
        init_signed=tuple(int(x) for x in _signed_mixed(init_idx, init_sign, m)),
        winner_kept=kept,
        opposite_sign=float(opp / tot) if tot else 1.0,
        one_neuron=float(one.mean()),
        loss=loss,
        W=W.copy(),
    )


# ----------------------------------------------------------------------------------------------
# grids and the exponent fit
# ----------------------------------------------------------------------------------------------


def incidental_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Sweep cell: :func:`train_incidental` at ``params`` (keys ``n``, ``m``, ``seeds`` and any of
    ``steps``, ``lr``, ``l1``, ``weight_decay``, ``optimizer``), returned as JSON data."""
    keys = ("steps", "lr", "l1", "weight_decay", "optimizer")
    run = train_incidental(
        params["n"], params["m"], seeds=params["seeds"], **{k: params[k] for k in keys if k in params}, rng=rng
    )
    return run.to_dict()


@dataclass(frozen=True)
class ExponentFit:
    r"""Least-squares fit :math:`\log \bar C = c + a\log n + b\log m` over grid cells.

    Attributes
    ----------
    a, b, c : float
        Fitted exponents of ``n`` and ``m`` and the log-constant.
    ci_a, ci_b : (float, float)
        Percentile bootstrap intervals (seeds resampled within each cell).
    level : float
        Confidence level of the intervals.
    theory_a, theory_b : float
        The same regression on the exact signed expectations at the same cells (the exponents the
        counting argument predicts on this finite grid; both tend to (2, -1) when n << m).
    cells : int
        Cells used (those with a positive mean count).
    n_boot : int
    """

    a: float
    b: float
    c: float
    ci_a: tuple[float, float]
    ci_b: tuple[float, float]
    level: float
    theory_a: float
    theory_b: float
    cells: int
    n_boot: int

    def __str__(self) -> str:
        pct = f"{100 * self.level:g}%"
        return (
            f"log C = {self.c:.3f} + a log n + b log m over {self.cells} cells: "
            f"a = {self.a:.3f} [{self.ci_a[0]:.3f}, {self.ci_a[1]:.3f}], "
            f"b = {self.b:.3f} [{self.ci_b[0]:.3f}, {self.ci_b[1]:.3f}] ({pct} bootstrap, {self.n_boot} draws); "
            f"exact signed count on the same cells: a = {self.theory_a:.3f}, b = {self.theory_b:.3f}; "
            f"asymptotic (2, -1)"
        )


def fit_exponents(
    ns: Sequence[int],
    ms: Sequence[int],
    counts: Sequence[Sequence[int]],
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    rng: Any = 0,
) -> ExponentFit:
    r"""Fit :math:`\log \bar C = c + a\log n + b\log m` to per-cell mean counts, with a bootstrap.

    Ordinary least squares over the cells with a positive mean count (the shared core
    ``theory._fit.fit_loglog``; three cells, an exact fit, are enough). The intervals are
    percentile bootstrap intervals with the seeds of each cell resampled (the core's ``"groups"``
    scheme), not Student-t intervals.

    Parameters
    ----------
    ns, ms : sequence of int
        The cells' ``n`` and ``m`` (same length, at least 3 cells, not all on one line in
        :math:`(\log n, \log m)`).
    counts : sequence of sequence of int
        Per cell, the per-seed counts.
    n_boot : int
        Bootstrap draws; each resamples the seeds of every cell with replacement (cells whose
        resampled mean is 0 are left out of that draw's fit).
    level : float
        Confidence level of the percentile intervals.
    rng : int or Generator

    Returns
    -------
    ExponentFit

    Examples
    --------
    >>> ns, ms = [8, 16, 16, 32], [16, 16, 64, 64]
    >>> counts = [[round(n * n / (4 * m))] * 3 for n, m in zip(ns, ms)]   # the n^2/4m law, no noise
    >>> f = fit_exponents(ns, ms, counts, n_boot=50)
    >>> round(f.a, 3), round(f.b, 3)
    (2.0, -1.0)
    """
    for name, seq in (("ns", ns), ("ms", ms), ("counts", counts)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence | np.ndarray):
            raise TypeError(f"{name} must be a sequence, got {type(seq).__name__}")
    if len(ns) != len(ms) or len(ns) != len(counts):
        raise ValueError(f"ns, ms and counts must have the same length, got {len(ns)}, {len(ms)}, {len(counts)}")
    n_arr = np.array([check_int(v, "ns", minimum=1) for v in ns], dtype=float)
    m_arr = np.array([check_int(v, "ms", minimum=1) for v in ms], dtype=float)
    cs = [check_array(c, "counts", ndim=1) for c in counts]
    if any(c.size == 0 for c in cs) or any((c < 0).any() for c in cs):
        raise ValueError("counts must be non-empty sequences of non-negative counts")
    n_boot = check_size(n_boot, "n_boot", minimum=1, maximum=10**6, why="each draw refits the regression")
    level = check_real(level, "level", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    nm = np.column_stack([n_arr, m_arr])
    kw: dict[str, Any] = {"allow_exact": True, "names": ("(n, m)", "counts"), "label": "cells"}
    f = fit_loglog(nm, cs, level=level, bootstrap="groups", n_boot=n_boot, rng=rng, **kw)
    assert f.boot_ci is not None
    means = np.array([c.mean() for c in cs])
    theo = np.array([signed_collisions(int(n), int(m)) for n, m in zip(n_arr, m_arr, strict=True)])
    tk = (means > 0) & (theo > 0)
    ta, tb = fit_loglog(nm[tk], theo[tk], **kw).slopes
    return ExponentFit(
        a=f.slopes[0],
        b=f.slopes[1],
        c=f.intercept,
        ci_a=f.boot_ci[0],
        ci_b=f.boot_ci[1],
        level=level,
        theory_a=ta,
        theory_b=tb,
        cells=f.n,
        n_boot=f.n_boot,
    )


@dataclass(frozen=True)
class IncidentalGrid:
    """Result of :func:`incidental_sweep`: one :class:`IncidentalRun` summary (``to_dict`` form) per cell.

    Attributes
    ----------
    rows : tuple of dict
        Per cell: ``n``, ``m``, per-seed ``polysemantic`` / ``init_collisions`` / ``init_signed``
        counts and the other :class:`IncidentalRun` fields.
    elapsed : tuple of float
        Compute time of each cell in seconds (as recorded when it was computed; informational).
    """

    rows: tuple[dict[str, Any], ...]
    elapsed: tuple[float, ...] = field(default=(), compare=False, repr=False)

    def fit(self, *, n_boot: int = 1000, rng: Any = 0) -> ExponentFit:
        """:func:`fit_exponents` on the polysemantic counts."""
        return fit_exponents(
            [r["n"] for r in self.rows],
            [r["m"] for r in self.rows],
            [r["polysemantic"] for r in self.rows],
            n_boot=n_boot,
            rng=rng,
        )

    def table(self) -> list[dict[str, Any]]:
        """Per cell: measured mean, exact signed and birthday expectations, z-score (signed)."""
        out = []
        for r in self.rows:
            s = collision_count(r["n"], r["m"], signed=True)
            u = collision_count(r["n"], r["m"])
            k = len(r["polysemantic"])
            mean = float(np.mean(r["polysemantic"]))
            z = (mean - s.mean) / (s.std / math.sqrt(k)) if s.variance > 0 else 0.0
            out.append(
                {
                    "n": r["n"],
                    "m": r["m"],
                    "seeds": k,
                    "polysemantic": mean,
                    "signed_exact": s.mean,
                    "birthday_exact": u.mean,
                    "z_signed": z,
                    "n2_over_m": r["n"] ** 2 / r["m"],
                    "init_collisions": float(np.mean(r["init_collisions"])),
                    "winner_kept": r["winner_kept"],
                    "opposite_sign": r["opposite_sign"],
                    "one_neuron": r["one_neuron"],
                }
            )
        return out

    def __str__(self) -> str:
        lines = [
            "exact expectations of the counting model (that training follows it is a heuristic, not proven)",
            "   n      m  seeds  polysemantic  signed exact  birthday exact      z  one-neuron",
        ]
        for t in self.table():
            lines.append(
                f"{t['n']:4d} {t['m']:6d} {t['seeds']:6d} {t['polysemantic']:13.3f} {t['signed_exact']:13.3f} "
                f"{t['birthday_exact']:15.3f} {t['z_signed']:+6.2f} {t['one_neuron']:11.3f}"
            )
        return "\n".join(lines)


def incidental_sweep(
    ns: Sequence[int],
    ms: Sequence[int],
    *,
    seeds: int = 16,
    settings: dict[str, Any] | None = None,
    executor: Any = None,
    store: Any = None,
    rng: int = 0,
    progress: bool = False,
    runner: Runner | None = None,
) -> IncidentalGrid:
    """Train every ``(n, m)`` cell with ``n <= m`` through :func:`theory.sweep.sweep` (resumable with ``store``).

    Parameters
    ----------
    ns, ms : sequence of int
    seeds : int
        Seeds per cell.
    settings : dict, optional
        Training settings (``steps``, ``lr``, ``l1``, ``weight_decay``, ``optimizer``); default
        ``PAPER``.
    executor, store, rng, progress
        Passed to :func:`theory.sweep.sweep` (``rng`` is the sweep seed; ``progress`` default off).
        ``executor``, ``store`` and ``progress`` are deprecated (a ``TheoryDeprecationWarning``;
        removed in the next release): pass ``runner``.
    runner : theory.sweep.Runner, optional
        Where the cells run and are kept; together with ``executor``, ``store`` or ``progress=True``
        it is a ``TypeError``.

    Returns
    -------
    IncidentalGrid

    Examples
    --------
    >>> from theory.sweep import Runner
    >>> g = incidental_sweep([4, 8], [16], seeds=2, settings=FAST, runner=Runner(executor="serial"))
    >>> [(r["n"], r["m"]) for r in g.rows]
    [(4, 16), (8, 16)]
    """
    from theory.sweep import Runner, sweep

    progress = check_bool(progress, "progress")
    if runner is None:
        runner = Runner(executor=executor, store=store, progress=progress)
        loose = (("executor", executor), ("store", store), ("progress", progress or None))
        given = [n for n, v in loose if v is not None]
        if given:
            kw = ", ".join(f"{g}=..." for g in given)
            warnings.warn(
                f"incidental_sweep({kw}) is deprecated and will be removed in the next release; pass "
                f"runner=Runner({kw})",
                TheoryDeprecationWarning,
                stacklevel=2,
            )
    elif not isinstance(runner, Runner):
        raise TypeError(f"runner must be a theory.sweep.Runner or None, got {type(runner).__name__}")
    elif executor is not None or store is not None or progress:
        raise TypeError("give runner= or executor=/store=/progress=True, not both (the runner holds all three)")
    seeds = check_int(seeds, "seeds", minimum=1)
    if settings is not None and not isinstance(settings, Mapping):
        raise TypeError(f"settings must be a dict or None, got {type(settings).__name__}")
    cfg = dict(PAPER if settings is None else settings)
    unknown = set(cfg) - {"steps", "lr", "l1", "weight_decay", "optimizer"}
    if unknown:
        raise ValueError(f"settings has unknown keys {sorted(unknown)}")
    sizes = {}
    for name, seq in (("ns", ns), ("ms", ms)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence | np.ndarray):
            raise TypeError(f"{name} must be a sequence of int, got {type(seq).__name__}")
        sizes[name] = [check_int(v, name, minimum=1) for v in seq]
        if not sizes[name]:
            raise ValueError(f"{name} must not be empty")
    cells = [{"n": n, "m": m, "seeds": seeds, **cfg} for n in sizes["ns"] for m in sizes["ms"] if n <= m]
    if not cells:
        raise ValueError(f"no cell with n <= m in the grid (ns={sizes['ns']}, ms={sizes['ms']})")
    res = sweep(
        incidental_cell,
        cells,
        runner=runner,
        rng=rng,
        desc="incidental polysemanticity",
    )
    return IncidentalGrid(rows=tuple(v for _, v in res), elapsed=tuple(res.elapsed))
