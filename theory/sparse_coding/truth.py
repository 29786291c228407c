r"""Ground-truth data for sparse coding: a known dictionary and a known distribution of sparse codes.

A :class:`GroundTruth` holds a dictionary :math:`D` of shape ``(dim, n)`` with unit columns and a
distribution of nonnegative sparse codes :math:`c \in \mathbb{R}^n_{\ge 0}`. A sample is

.. math:: x = D c + b + \sigma \varepsilon, \qquad \varepsilon \sim N(0, I_{dim}),

with ``x`` of shape ``(batch, dim)`` and the codes returned as a ``scipy.sparse`` CSR array of shape
``(batch, n)``. Codes are drawn sparsely: the work and memory of the independent path grow with the
number of active entries, not with ``batch * n``.

The code distribution is assembled from small frozen specifications:

* :class:`Firing`: which features fire (uniform, geometric decay, Zipf mapped onto
  ``[p_min, p_max]``, explicit probabilities, or exactly ``k`` active with weighted supports);
* :class:`Magnitudes`: how large an active feature is (uniform, constant, folded normal);
* :class:`Correlation`: low-rank Gaussian-copula correlation of firing (marginals preserved);
* :class:`Hierarchy`: parent/child trees, children firing only with their parent, optionally
  mutually exclusive and scaled by the parent.

Presets reproduce published set-ups: :func:`sharkey2022`, :func:`oneill2024`,
:func:`synth_sae_bench`.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
import threadpoolctl
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr, ndtri, owens_t

from theory._validation import _is_bool, as_rng, check_array, check_bool, check_int, check_probability, check_real
from theory.sparse_coding._checks import check_dictionary, check_memory

__all__ = [
    "Correlation",
    "Firing",
    "GroundTruth",
    "Hierarchy",
    "Magnitudes",
    "ground_truth",
    "oneill2024",
    "sharkey2022",
    "synth_sae_bench",
]

_MIN_RESIDUAL_VAR = 0.01  # smallest idiosyncratic variance 1 - |l_i|^2 kept by Correlation (as SAELens)
_MAX_ENUMERATED_TUPLES = 2_000_000  # ordered supports enumerated for exact pair inclusion (exactly-k)
_COPULA_BLOCK = 2**20  # latent Gaussians drawn per block on the copula path (rows * free features)


def _per_feature(
    value: Any, name: str, n: int, *, minimum: float | None = None, strict_min: bool = False
) -> NDArray[np.float64]:
    """A scalar or an array of shape ``(n,)`` as a float array of shape ``(n,)``, finite and in range."""
    if isinstance(value, numbers.Real) and not _is_bool(value):
        arr = np.full(n, check_real(value, name, minimum=minimum, strict_min=strict_min))
        return arr
    if _is_bool(value):
        raise TypeError(f"{name} must be a real number or an array of shape ({n},), got a bool")
    arr = check_array(value, name, ndim=1)
    if arr.shape != (n,):
        raise ValueError(f"{name} must be a scalar or have shape ({n},) (one value per feature), got {arr.shape}")
    if minimum is not None:
        bad = arr <= minimum if strict_min else arr < minimum
        if bad.any():
            op = ">" if strict_min else ">="
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{name} must be {op} {minimum} for every feature, got {arr[i]} at feature {i}")
    return arr


# --------------------------------------------------------------------------------------------
# Specifications
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Firing:
    r"""Which features fire: per-feature probabilities, or exactly ``k`` active.

    Build with the class methods:

    * ``Firing.uniform(p)``: :math:`p_i = p`.
    * ``Firing.geometric(ratio, scale=... | expected_l0=...)``: :math:`p_i = s\,r^i`
      (:math:`i = 0, \dots, n-1`); with ``expected_l0`` the scale is
      :math:`s = L_0 / \sum_i r^i`, so :math:`\sum_i p_i = L_0` (Sharkey, Braun & Millidge 2022).
    * ``Firing.zipf(exponent, p_min, p_max)``: :math:`z_i = (i+1)^{-a}` mapped affinely onto
      :math:`[p_{min}, p_{max}]`, :math:`p_i = p_{min} + (p_{max} - p_{min})
      \frac{z_i - z_{n-1}}{z_0 - z_{n-1}}` (Chanin & Garriga-Alonso 2026, SynthSAEBench).
    * ``Firing.explicit(p)``: explicit :math:`p_i`, shape ``(n,)``.
    * ``Firing.exactly(k, weights=...)``: every sample has exactly ``k`` active features, the
      support drawn by successive sampling without replacement with probabilities proportional to
      ``weights`` (``"uniform"``, ``"zipf"`` for :math:`w_i \propto 1/(i+1)`, or an array). Equivalently
      the ``k`` smallest of independent :math:`T_i \sim \mathrm{Exp}(w_i)`.

    Except for ``exactly``, features fire independently unless a :class:`Correlation` or
    :class:`Hierarchy` is given.

    Examples
    --------
    >>> Firing.geometric(0.5, scale=0.2).probabilities(3)
    array([0.2 , 0.1 , 0.05])
    >>> Firing.zipf(exponent=1.0, p_min=0.1, p_max=0.5).probabilities(3).round(4)
    array([0.5, 0.2, 0.1])
    >>> Firing.exactly(3, weights="zipf")
    Firing.exactly(k=3, weights='zipf')
    """

    kind: str
    params: tuple[tuple[str, Any], ...] = field(default=())

    # constructors ---------------------------------------------------------------------------
    @classmethod
    def uniform(cls, p: float) -> Firing:
        """Every feature fires with probability ``p`` in [0, 1]."""
        return cls("uniform", (("p", check_probability(p, "p")),))

    @classmethod
    def geometric(cls, ratio: float, *, scale: float | None = None, expected_l0: float | None = None) -> Firing:
        """``p_i = scale * ratio**i``; give ``scale`` or ``expected_l0`` (then ``sum p_i = expected_l0``)."""
        ratio = check_real(ratio, "ratio", minimum=0, strict_min=True)
        if (scale is None) == (expected_l0 is None):
            raise ValueError("Firing.geometric needs exactly one of scale= or expected_l0=")
        if scale is not None:
            return cls("geometric", (("ratio", ratio), ("scale", check_probability(scale, "scale"))))
        return cls("geometric", (("ratio", ratio), ("expected_l0", check_real(expected_l0, "expected_l0", minimum=0))))

    @classmethod
    def zipf(cls, exponent: float = 0.5, p_min: float = 5e-4, p_max: float = 0.4) -> Firing:
        """Zipf ranks ``(i+1)**-exponent`` mapped affinely onto ``[p_min, p_max]`` (SynthSAEBench)."""
        exponent = check_real(exponent, "exponent", minimum=0, strict_min=True)
        p_min = check_probability(p_min, "p_min")
        p_max = check_probability(p_max, "p_max")
        if not p_min < p_max:
            raise ValueError(f"p_min must be < p_max, got p_min={p_min}, p_max={p_max}")
        return cls("zipf", (("exponent", exponent), ("p_min", p_min), ("p_max", p_max)))

    @classmethod
    def explicit(cls, p: ArrayLike) -> Firing:
        """Explicit per-feature probabilities, shape ``(n,)``, each in [0, 1]."""
        arr = check_array(p, "p", ndim=1)
        if arr.size == 0:
            raise ValueError("p must have at least one entry")
        if ((arr < 0) | (arr > 1)).any():
            i = int(np.flatnonzero((arr < 0) | (arr > 1))[0])
            raise ValueError(f"p must be in [0, 1] for every feature, got {arr[i]} at feature {i}")
        arr = arr.copy()
        arr.setflags(write=False)
        return cls("explicit", (("p", arr),))

    @classmethod
    def exactly(cls, k: int, *, weights: str | ArrayLike = "uniform") -> Firing:
        """Exactly ``k`` active per sample; support by weighted successive sampling without replacement."""
        k = check_int(k, "k", minimum=1)
        if isinstance(weights, str):
            if weights not in ("uniform", "zipf"):
                raise ValueError(f"weights must be 'uniform', 'zipf' or an array, got {weights!r}")
            w: Any = weights
        else:
            w = check_array(weights, "weights", ndim=1)
            if (w < 0).any() or w.size == 0:
                raise ValueError("weights must be a nonempty array of nonnegative numbers")
            w = w.copy()
            w.setflags(write=False)
        return cls("exactly", (("k", k), ("weights", w)))

    # ---------------------------------------------------------------------------------------
    def _get(self, key: str) -> Any:
        return dict(self.params)[key]

    @property
    def k(self) -> int | None:
        """``k`` for the exactly-``k`` mode, else ``None``."""
        return self._get("k") if self.kind == "exactly" else None

    def weights(self, n: int) -> NDArray[np.float64]:
        """Normalised support weights (sum 1) for the exactly-``k`` mode, shape ``(n,)``."""
        if self.kind != "exactly":
            raise ValueError("weights are defined only for Firing.exactly")
        w = self._get("weights")
        if isinstance(w, str):
            arr = np.ones(n) if w == "uniform" else 1.0 / np.arange(1, n + 1)
        else:
            if w.shape != (n,):
                raise ValueError(f"weights must have shape ({n},), got {w.shape}")
            arr = np.asarray(w, dtype=float)
        k = self._get("k")
        if np.count_nonzero(arr) < k:
            raise ValueError(f"weights must have at least k={k} positive entries, got {np.count_nonzero(arr)}")
        return arr / arr.sum()

    def probabilities(self, n: int) -> NDArray[np.float64]:
        """Per-feature firing probabilities (independent modes), shape ``(n,)``."""
        n = check_int(n, "n", minimum=1)
        kind = self.kind
        if kind == "uniform":
            return np.full(n, self._get("p"))
        if kind == "geometric":
            r = self._get("ratio")
            powers = r ** np.arange(n, dtype=float)
            if "scale" in dict(self.params):
                p = self._get("scale") * powers
            else:
                p = self._get("expected_l0") * powers / powers.sum()
            if (p > 1).any():
                raise ValueError(
                    f"the geometric firing probabilities exceed 1 (largest {p.max():.4g}); "
                    "lower expected_l0/scale or raise ratio"
                )
            return p
        if kind == "zipf":
            a, lo, hi = self._get("exponent"), self._get("p_min"), self._get("p_max")
            if n == 1:
                return np.array([hi])
            z = np.arange(1, n + 1, dtype=float) ** (-a)
            return lo + (hi - lo) * (z - z[-1]) / (z[0] - z[-1])
        if kind == "explicit":
            p = self._get("p")
            if p.shape != (n,):
                raise ValueError(f"firing probabilities must have shape ({n},), got {p.shape}")
            return np.array(p, dtype=float)
        raise ValueError("Firing.exactly has no independent per-feature probabilities; see GroundTruth.firing_rates")

    def __repr__(self) -> str:
        def fmt(v: Any) -> str:
            if isinstance(v, np.ndarray):
                return f"array(shape={v.shape})"
            return repr(v)

        name = self.kind
        inner = ", ".join(f"{k}={fmt(v)}" for k, v in self.params)
        return f"Firing.{name}({inner})"


@dataclass(frozen=True, eq=False)
class Magnitudes:
    r"""How large an active feature is (independent of everything else given that it fires).

    * ``Magnitudes.uniform(low=0, high=1)``: :math:`m \sim U[\text{low}, \text{high})`,
      :math:`\mathbb{E}m = (l+h)/2`, :math:`\mathbb{E}m^2 = (l^2 + lh + h^2)/3`.
    * ``Magnitudes.constant(value)``: :math:`m = v`.
    * ``Magnitudes.folded_normal(mean, std)``: :math:`m = |N(\mu, \sigma^2)|` (scalars or per-feature
      arrays of shape ``(n,)``), with exact moments

      .. math:: \mathbb{E}m = \sigma\sqrt{2/\pi}\,e^{-\mu^2/2\sigma^2} + \mu\,(1 - 2\Phi(-\mu/\sigma)),
                \qquad \mathbb{E}m^2 = \mu^2 + \sigma^2

      (Leone, Nelson & Nottingham 1961).

    Examples
    --------
    >>> m = Magnitudes.folded_normal(mean=0.0, std=1.0)
    >>> [round(float(v), 6) for v in m.moments(1)[0]]
    [0.797885]
    >>> Magnitudes.uniform().moments(2)[1]
    array([0.33333333, 0.33333333])
    """

    kind: str
    a: Any = 0.0
    b: Any = 1.0

    @classmethod
    def uniform(cls, low: float = 0.0, high: float = 1.0) -> Magnitudes:
        """``U[low, high)`` with ``0 <= low < high``."""
        low = check_real(low, "low", minimum=0)
        high = check_real(high, "high")
        if not low < high:
            raise ValueError(f"low must be < high, got low={low}, high={high}")
        return cls("uniform", low, high)

    @classmethod
    def constant(cls, value: float = 1.0) -> Magnitudes:
        """Every active feature has magnitude ``value > 0``."""
        return cls("constant", check_real(value, "value", minimum=0, strict_min=True), 0.0)

    @classmethod
    def folded_normal(cls, mean: float | ArrayLike = 1.0, std: float | ArrayLike = 0.0) -> Magnitudes:
        """``|N(mean, std**2)|``; ``mean`` and ``std`` scalars or arrays of shape ``(n,)``."""

        def conv(v: Any, name: str, minimum: float | None) -> Any:
            if isinstance(v, numbers.Real) and not _is_bool(v):
                return check_real(v, name, minimum=minimum)
            if _is_bool(v):
                raise TypeError(f"{name} must be a real number or an array, got a bool")
            arr = check_array(v, name, ndim=1)
            if minimum is not None and (arr < minimum).any():
                raise ValueError(f"{name} must be >= {minimum} for every feature")
            arr = arr.copy()
            arr.setflags(write=False)
            return arr

        return cls("folded_normal", conv(mean, "mean", None), conv(std, "std", 0.0))

    def _arrays(self, n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        a = _per_feature(self.a, "magnitudes mean" if self.kind == "folded_normal" else "low", n)
        b = _per_feature(self.b, "magnitudes std" if self.kind == "folded_normal" else "high", n)
        if self.kind == "folded_normal" and np.any((a == 0) & (b == 0)):
            i = int(np.flatnonzero((a == 0) & (b == 0))[0])
            raise ValueError(f"folded-normal magnitudes with mean 0 and std 0 are always 0 (feature {i})")
        return a, b

    def moments(self, n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(E m, E m**2)`` per feature, each of shape ``(n,)``."""
        a, b = self._arrays(n)
        if self.kind == "uniform":
            return (a + b) / 2, (a * a + a * b + b * b) / 3
        if self.kind == "constant":
            return a.copy(), a * a
        mu, sigma = a, b
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(sigma > 0, mu / np.where(sigma > 0, sigma, 1.0), np.sign(mu) * np.inf)
            m1 = np.where(
                sigma > 0,
                sigma * np.sqrt(2 / np.pi) * np.exp(-0.5 * np.where(sigma > 0, ratio, 0) ** 2)
                + mu * (1 - 2 * ndtr(-ratio)),
                np.abs(mu),
            )
        return m1, mu * mu + sigma * sigma

    def draw(self, features: NDArray[np.intp], n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """Magnitudes for the active entries ``features`` (feature index per entry)."""
        a, b = self._arrays(n)
        size = features.shape[0]
        if self.kind == "uniform":
            lo = a[features]
            return lo + (b[features] - lo) * rng.random(size)
        if self.kind == "constant":
            return a[features].copy()
        return np.abs(a[features] + b[features] * rng.standard_normal(size))

    def __repr__(self) -> str:
        def fmt(v: Any) -> str:
            return f"array(shape={v.shape})" if isinstance(v, np.ndarray) else repr(v)

        if self.kind == "uniform":
            return f"Magnitudes.uniform(low={self.a!r}, high={self.b!r})"
        if self.kind == "constant":
            return f"Magnitudes.constant({self.a!r})"
        return f"Magnitudes.folded_normal(mean={fmt(self.a)}, std={fmt(self.b)})"


@dataclass(frozen=True)
class Correlation:
    r"""Low-rank Gaussian-copula correlation of firing.

    A latent :math:`z = L g + \operatorname{diag}(s)\,e` with :math:`g \sim N(0, I_r)`,
    :math:`e \sim N(0, I)`, :math:`s_i = \sqrt{1 - \lVert l_i\rVert^2}` has unit variances and
    correlation :math:`LL^\top` off the diagonal; feature :math:`i` fires iff
    :math:`z_i < \Phi^{-1}(p_i)`, so its marginal rate stays exactly :math:`p_i` while
    :math:`P(i, j \text{ fire}) = \Phi_2(\Phi^{-1}(p_i), \Phi^{-1}(p_j); l_i^\top l_j)`.
    The factor has iid :math:`N(0, \text{scale}^2)` entries (SAELens's
    ``generate_random_low_rank_correlation_matrix``); when some row has
    :math:`\lVert l_i\rVert^2 > 0.99` the whole factor is scaled so the largest is 0.99.
    With a :class:`Hierarchy`, the copula acts on the features without a parent (roots and
    features outside the trees); children are drawn given their parent.

    Parameters
    ----------
    rank : int
        :math:`r \ge 1`.
    scale : float
        Standard deviation of the factor's entries, ``>= 0``.
    factor : array_like, shape (n_free, rank), optional
        Use this factor instead of drawing one (rows of norm < 1).

    Examples
    --------
    >>> Correlation(rank=4, scale=0.1)
    Correlation(rank=4, scale=0.1)
    """

    rank: int = 25
    scale: float = 0.1
    factor: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        check_int(self.rank, "rank", minimum=1)
        check_real(self.scale, "scale", minimum=0)
        if self.factor is not None:
            arr = check_array(self.factor, "factor", ndim=2)
            if arr.shape[1] != self.rank:
                raise ValueError(f"factor must have shape (n_free, {self.rank}), got {arr.shape}")
            if (np.sum(arr * arr, axis=1) >= 1).any():
                raise ValueError("every row of factor must have norm < 1 (the latent needs positive residual variance)")

    def build(self, n_free: int, rng: np.random.Generator) -> NDArray[np.float64]:
        """The factor :math:`L` of shape ``(n_free, rank)``."""
        if self.factor is not None:
            L = np.array(self.factor, dtype=float)
            if L.shape[0] != n_free:
                raise ValueError(f"factor must have {n_free} rows (features without a parent), got {L.shape[0]}")
            return L
        check_memory(8 * n_free * self.rank, "the correlation factor")
        L = self.scale * rng.standard_normal((n_free, self.rank))
        sq = np.sum(L * L, axis=1)
        if sq.size and sq.max() > 1 - _MIN_RESIDUAL_VAR:
            L *= math.sqrt((1 - _MIN_RESIDUAL_VAR) / sq.max())
        return L


@dataclass(frozen=True)
class Hierarchy:
    r"""A forest of complete trees over the first features: children fire only with their parent.

    ``roots`` trees, each node above depth ``depth`` having ``branching`` children, so each tree has
    :math:`1 + b + \dots + b^{depth}` nodes. Feature indices are assigned breadth first across the
    forest, as SAELens's ``generate_hierarchy`` does: roots are features ``0 .. roots-1``, then the
    children of root 0, of root 1, ... (so frequent features, under Zipf/geometric firing, are
    parents). Features beyond the forest are unaffected.

    Generative rule (exact, per sample): features without a parent fire as in :class:`Firing`
    (optionally through the :class:`Correlation` copula). Given that parent :math:`a` fires, its
    children are drawn independently of everything else with conditional probabilities
    :math:`q_c = p_c / \max(p_a^{\text{eff}}, \sum_{c'} p_{c'})` (``exclusive=True``: exactly one of
    them with probability :math:`q_c`, none with :math:`1 - \sum q`; ``exclusive=False``:
    independently, :math:`q_c = \min(1, p_c / p_a^{\text{eff}})`), where :math:`p` are the target
    rates from :class:`Firing` and :math:`p^{\text{eff}}` the exact rates below. A child never fires
    without its parent, and with ``exclusive=True`` at most one sibling fires. The exact marginal
    rates follow by the recursion

    .. math:: p^{\text{eff}}_c = p^{\text{eff}}_a\, q_c ,

    so the target :math:`p_c` is met exactly whenever the children's targets fit under the parent
    (:math:`\sum_c p_c \le p^{\text{eff}}_a`, resp. :math:`p_c \le p^{\text{eff}}_a`); otherwise the
    children's rates are lowered proportionally. ``GroundTruth.firing_rates`` returns
    :math:`p^{\text{eff}}` and ``GroundTruth.expected_l0`` their sum.

    With ``scale_by_parent=True`` a child's value is :math:`v_c = m_c\, v_a / \mathbb{E}[m_a]`
    (``m`` its own magnitude draw, ``v_a`` the parent's value), so :math:`\mathbb{E}[v_c \mid c] =
    \mathbb{E} m_c`.

    SAELens (Chanin & Garriga-Alonso 2026) instead draws every feature first, then switches off
    children of inactive parents and keeps one random winner among active exclusive siblings, with
    an approximate compensation of the base rates; it scales children by the parent's *parameter*
    mean. The rule here keeps the same support constraints with rates that are known exactly.

    Examples
    --------
    >>> Hierarchy(roots=2, branching=3, depth=1).n_features
    8
    """

    roots: int = 1
    branching: int = 2
    depth: int = 1
    exclusive: bool = True
    scale_by_parent: bool = False

    def __post_init__(self) -> None:
        check_int(self.roots, "roots", minimum=1)
        check_int(self.branching, "branching", minimum=1)
        check_int(self.depth, "depth", minimum=1)
        check_bool(self.exclusive, "exclusive")
        check_bool(self.scale_by_parent, "scale_by_parent")

    @property
    def tree_size(self) -> int:
        """Nodes per tree."""
        return sum(self.branching**d for d in range(self.depth + 1))

    @property
    def n_features(self) -> int:
        """Features in the forest."""
        return self.roots * self.tree_size

    def level_starts(self) -> list[int]:
        """First feature index of each level ``0 .. depth`` (and one past the last)."""
        starts = [0]
        for d in range(self.depth + 1):
            starts.append(starts[-1] + self.roots * self.branching**d)
        return starts

    def parents(self, n: int) -> NDArray[np.intp]:
        """Parent of each of ``n`` features (``-1`` for roots and features outside the forest)."""
        par = np.full(n, -1, dtype=np.intp)
        starts = self.level_starts()
        for d in range(1, self.depth + 1):
            idx = np.arange(starts[d], starts[d + 1])
            par[idx] = starts[d - 1] + (idx - starts[d]) // self.branching
        return par

    def tree_index(self) -> NDArray[np.intp]:
        """Feature index of node ``k`` (breadth-first within its tree) of tree ``t``, shape ``(roots, tree_size)``."""
        starts = self.level_starts()
        cols = []
        for d in range(self.depth + 1):
            w = self.branching**d
            cols.append(starts[d] + np.arange(self.roots)[:, None] * w + np.arange(w)[None, :])
        return np.concatenate(cols, axis=1)

    def template_parents(self) -> NDArray[np.intp]:
        """Parent of node ``k`` within one tree (breadth-first order; ``-1`` for the root)."""
        par = [-1]
        start_prev, start = 0, 1
        for d in range(1, self.depth + 1):
            w = self.branching**d
            par.extend(start_prev + j // self.branching for j in range(w))
            start_prev, start = start, start + w
        return np.array(par, dtype=np.intp)


# --------------------------------------------------------------------------------------------
# Bivariate normal orthant probabilities (for exact moments under the copula)
# --------------------------------------------------------------------------------------------


def _bvn_cdf(h: NDArray[np.float64], k: NDArray[np.float64], rho: NDArray[np.float64]) -> NDArray[np.float64]:
    r""":math:`P(Z_1 < h, Z_2 < k)` for standard normals with correlation ``rho`` (|rho| < 1), via Owen's T.

    .. math:: \Phi_2(h, k; \rho) = \tfrac12\Phi(h) + \tfrac12\Phi(k) - T(h, a_h) - T(k, a_k) - \beta,
              \quad a_h = \frac{k - \rho h}{h\sqrt{1-\rho^2}},\ a_k = \frac{h - \rho k}{k\sqrt{1-\rho^2}},

    :math:`\beta = 0` if :math:`hk > 0` or (:math:`hk = 0` and :math:`h + k \ge 0`), else 1/2
    (Owen 1956).
    """
    h, k, rho = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float), np.asarray(rho, float))
    s = np.sqrt(1 - rho * rho)
    with np.errstate(divide="ignore", invalid="ignore"):
        ah = (k - rho * h) / (h * s)
        ak = (h - rho * k) / (k * s)
        out = 0.5 * ndtr(h) + 0.5 * ndtr(k) - owens_t(h, ah) - owens_t(k, ak)
    beta = np.where((h * k > 0) | ((h * k == 0) & (h + k >= 0)), 0.0, 0.5)
    out = out - beta
    both0 = (h == 0) & (k == 0)
    if both0.any():
        out = np.where(both0, 0.25 + np.arcsin(rho) / (2 * np.pi), out)
    return np.clip(out, 0.0, 1.0)


# --------------------------------------------------------------------------------------------
# GroundTruth
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class GroundTruth:
    r"""A known dictionary and a known distribution of sparse nonnegative codes.

    .. math:: x = D c + b + \sigma\varepsilon,\qquad D \in \mathbb{R}^{dim \times n},\
              \lVert d_i\rVert = 1,\ c \in \mathbb{R}^n_{\ge 0} \text{ sparse}.

    Build with :func:`ground_truth` or a preset. Fields are read-only.

    Attributes
    ----------
    dictionary : ndarray, shape (dim, n)
        Unit-norm columns, one per feature.
    firing, magnitudes, correlation, hierarchy
        The specifications (see :class:`Firing`, :class:`Magnitudes`, :class:`Correlation`,
        :class:`Hierarchy`).
    noise : float
        :math:`\sigma`, the standard deviation of the additive Gaussian noise per coordinate.
    bias : ndarray, shape (dim,)
    target_rates : ndarray, shape (n,)
        The per-feature rates asked for (before the hierarchy's constraints).
    factor : ndarray, shape (n_free, rank) or None
        The copula factor :math:`L` over the features without a parent.
    name : str

    Examples
    --------
    >>> truth = ground_truth(dim=4, n=6, firing=Firing.uniform(0.5), magnitudes=Magnitudes.constant(1.0))
    >>> truth.expected_l0, round(truth.expected_sq_norm, 6) == round(
    ...     3 + 0.25 * float(np.sum(truth.dictionary.T @ truth.dictionary) - 6), 6)
    (3.0, True)
    """

    dictionary: NDArray[np.float64]
    firing: Firing
    magnitudes: Magnitudes
    correlation: Correlation | None
    hierarchy: Hierarchy | None
    noise: float
    bias: NDArray[np.float64]
    target_rates: NDArray[np.float64] | None
    factor: NDArray[np.float64] | None
    name: str = "custom"
    _conditional: NDArray[np.float64] | None = field(default=None, repr=False)

    # ---- sizes and exact moments ------------------------------------------------------------
    @property
    def dim(self) -> int:
        """Ambient dimension."""
        return int(self.dictionary.shape[0])

    @property
    def n(self) -> int:
        """Number of features."""
        return int(self.dictionary.shape[1])

    @cached_property
    def _atoms_by_row(self) -> NDArray[np.float64]:
        """``dictionary.T`` as a C-contiguous ``(n, dim)`` array (one atom per row) for ``codes @ D.T``."""
        return np.ascontiguousarray(self.dictionary.T)

    @cached_property
    def _parents(self) -> NDArray[np.intp]:
        if self.hierarchy is None:
            return np.full(self.n, -1, dtype=np.intp)
        return self.hierarchy.parents(self.n)

    @cached_property
    def _free(self) -> NDArray[np.intp]:
        return np.flatnonzero(self._parents < 0)

    @cached_property
    def _mag_moments(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        return self.magnitudes.moments(self.n)

    def _inclusion(self, pairs: bool) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
        r"""Exactly-k mode: inclusion probabilities ``pi_i`` (and ``pi_ij`` when ``pairs``), exact.

        Uniform weights: :math:`k/n` and :math:`k(k-1)/(n(n-1))`; ``k = 1``: the weights; otherwise
        the probabilities of all ordered supports :math:`\prod_j w_{i_j}/(1 - \sum_{l<j} w_{i_l})`
        are summed (successive sampling), refused beyond a fixed number of supports.
        """
        n, k = self.n, self.firing.k
        assert k is not None
        w = self.firing.weights(n)
        if pairs:
            check_memory(8 * n * n * 3, "the pair inclusion probabilities of an exactly-k code")
        if np.allclose(w, w[0]) or k == 1:
            pi = np.full(n, k / n) if k > 1 else w.copy()
            if not pairs:
                return pi, None
            uniform = np.full((n, n), k * (k - 1) / (n * (n - 1)) if n > 1 else 0.0) if k > 1 else np.zeros((n, n))
            np.fill_diagonal(uniform, pi)
            return pi, uniform
        n_tuples = math.perm(int(np.count_nonzero(w)), k)
        if n_tuples > _MAX_ENUMERATED_TUPLES:
            raise ValueError(
                f"exact inclusion probabilities for weighted exactly-k supports enumerate "
                f"{n_tuples} ordered supports (limit {_MAX_ENUMERATED_TUPLES}); use uniform "
                "weights or smaller n, k"
            )
        support = np.flatnonzero(w)
        pi = np.zeros(n)
        pij = np.zeros((n, n)) if pairs else None
        for tup in itertools.permutations(support.tolist(), k):
            prob, left = 1.0, 1.0
            for i in tup:
                prob *= w[i] / left
                left -= w[i]
            idx = np.array(tup)
            pi[idx] += prob
            if pij is not None:
                pij[np.ix_(idx, idx)] += prob
        if pij is not None:
            np.fill_diagonal(pij, pi)
        return pi, pij

    @cached_property
    def firing_rates(self) -> NDArray[np.float64]:
        r"""Exact marginal firing rate of every feature, shape ``(n,)``.

        Independent/copula firing: the asked rates. Hierarchy: the recursion
        :math:`p^{\text{eff}}_c = p^{\text{eff}}_a q_c`. Exactly ``k``: the inclusion probabilities of
        weighted successive sampling (computed exactly; :math:`k/n` for uniform weights).
        """
        if self.firing.kind == "exactly":
            rates = self._inclusion(pairs=False)[0]
        elif self.hierarchy is None:
            rates = np.array(self.target_rates, dtype=float)
        else:
            assert self._conditional is not None
            rates = self._conditional.copy()
            par = self._parents
            for lo, hi in itertools.pairwise(self.hierarchy.level_starts()[1:]):
                rates[lo:hi] = rates[par[lo:hi]] * self._conditional[lo:hi]
        rates.setflags(write=False)
        return rates

    @property
    def expected_l0(self) -> float:
        r"""Exact expected number of active features per sample, :math:`\sum_i p^{\text{eff}}_i`
        (``k`` in the exactly-``k`` mode)."""
        if self.firing.kind == "exactly":
            return float(self.firing.k)  # type: ignore[arg-type]
        return float(np.sum(self.firing_rates))

    @cached_property
    def expected_sq_norm(self) -> float:
        r"""Exact :math:`\mathbb{E}\lVert x\rVert^2`.

        .. math:: \mathbb{E}\lVert x\rVert^2 = \sum_{i,j} G_{ij}\,\mathbb{E}[c_i c_j]
                  + 2 b^\top D\,\mathbb{E}c + \lVert b\rVert^2 + dim\,\sigma^2,\qquad G = D^\top D.

        :math:`\mathbb{E}[c_i c_j]` is exact for every mode: independent firing
        (:math:`p_ip_j\mu_i\mu_j`), the copula (bivariate normal orthant probabilities through
        Owen's T function, :math:`O(n_{free}^2)` evaluations), the hierarchy (a unit is a root with
        its tree; within a tree :math:`P(i, j) = Q_iQ_j/Q_\ell` for the lowest common ancestor
        :math:`\ell`, zero for exclusive non-nested pairs; with ``scale_by_parent``,
        :math:`\mathbb{E}[v_iv_j] = \mu_i\mu_j\prod_{a \preceq \ell}\mathbb{E}m_a^2/\mu_a^2`) and
        exactly ``k`` (exact pair inclusion probabilities).
        """
        D = self.dictionary
        mu, m2 = self._mag_moments
        rates = self.firing_rates
        mean_code = rates * mu
        b = self.bias
        extra = 2 * float(b @ (D @ mean_code)) + float(b @ b) + self.dim * self.noise**2
        if self.firing.kind == "exactly":
            _, pij = self._inclusion(pairs=True)
            assert pij is not None
            E = pij * np.outer(mu, mu)
            np.fill_diagonal(E, rates * m2)
            G = D.T @ D
            return float(np.sum(G * E)) + extra
        # units: each free feature r with its subtree; u_r = sum_{i in U_r} E[c_i | r fires] d_i
        free = self._free
        within = 0.0
        if self.hierarchy is None:
            U = D[:, free] * mu[free]
            within = float(np.sum(rates * m2))
        else:
            U, within = self._tree_terms()
        pr = rates[free]
        if self.factor is None:
            v = U @ pr
            cross = float(v @ v) - float(np.sum(pr * pr * np.sum(U * U, axis=0)))
        else:
            cross = self._copula_cross(U, pr)
        return cross + within + extra

    def _tree_terms(self) -> tuple[NDArray[np.float64], float]:
        """Unit vectors ``u_r`` (dim, n_free) and the within-unit sum, for a hierarchy."""
        H = self.hierarchy
        assert H is not None and self._conditional is not None
        D = self.dictionary
        mu, m2 = self._mag_moments
        rates = self.firing_rates
        free = self._free
        idx = H.tree_index()  # (R, S)
        R, S = idx.shape
        check_memory(8 * R * S * S * 3, "the within-tree moment matrices")
        tpar = H.template_parents()
        # Q: probability of firing given the root fires; along paths
        Q = np.ones((R, S))
        cond = self._conditional
        for s in range(1, S):
            Q[:, s] = Q[:, tpar[s]] * cond[idx[:, s]]
        # LCA table of the template
        depth = np.zeros(S, dtype=np.intp)
        for s in range(1, S):
            depth[s] = depth[tpar[s]] + 1
        A = np.repeat(np.arange(S)[:, None], S, axis=1)
        B = A.T.copy()
        for _ in range(H.depth):
            da, db = depth[A], depth[B]
            A = np.where(da > db, tpar[A], A)
            B = np.where(db > da, tpar[B], B)
        for _ in range(H.depth):
            ne = A != B
            A = np.where(ne, tpar[A], A)
            B = np.where(ne, tpar[B], B)
        lca = A  # (S, S)
        i_s = np.arange(S)
        nested = (lca == i_s[:, None]) | (lca == i_s[None, :])
        Ql = Q[:, lca]
        with np.errstate(divide="ignore", invalid="ignore"):  # Q_l = 0 forces Q_i = Q_j = 0
            P = np.where(Ql > 0, Q[:, :, None] * Q[:, None, :] / np.where(Ql > 0, Ql, 1.0), 0.0)  # P(i, j | root)
        if H.exclusive:
            P = np.where(nested[None], P, 0.0)
        mu_t, m2_t = mu[idx], m2[idx]
        if H.scale_by_parent:
            ratio = m2_t / (mu_t * mu_t)
            Spath = np.ones((R, S))
            Spath[:, 0] = ratio[:, 0]
            for s in range(1, S):
                Spath[:, s] = Spath[:, tpar[s]] * ratio[:, s]
            M = mu_t[:, :, None] * mu_t[:, None, :] * Spath[:, lca]
        else:
            M = mu_t[:, :, None] * mu_t[:, None, :]
            M[:, i_s, i_s] = m2_t
        Dt = np.transpose(D[:, idx], (1, 2, 0))  # (R, S, dim)
        Gt = Dt @ np.transpose(Dt, (0, 2, 1))
        root_rates = rates[idx[:, 0]]
        within = float(np.sum(root_rates[:, None, None] * Gt * P * M))
        # features outside the forest
        outside = np.setdiff1d(free, idx[:, 0], assume_unique=True)
        within += float(np.sum(rates[outside] * m2[outside]))
        # unit vectors
        U = D[:, free] * mu[free]
        pos = np.searchsorted(free, idx[:, 0])
        U[:, pos] = np.einsum("rsd,rs->dr", Dt, Q * mu_t)
        return U, within

    def _copula_cross(self, U: NDArray[np.float64], pr: NDArray[np.float64]) -> float:
        """``sum_{r != s} P(r, s fire) u_r . u_s`` under the Gaussian copula."""
        L = self.factor
        assert L is not None
        inner = (0 < pr) & (pr < 1)
        total = 0.0
        # degenerate rates (0 or 1) are independent of everything
        v = U @ pr
        if not inner.all():
            deg = ~inner
            vd = U[:, deg] @ pr[deg]
            total += 2 * float(vd @ v) - float(vd @ vd) - float(np.sum(pr[deg] ** 2 * np.sum(U[:, deg] ** 2, axis=0)))
        ids = np.flatnonzero(inner)
        t = ndtri(pr[ids])
        Li, Ui = L[ids], U[:, ids]
        m = ids.size
        chunk = max(1, min(m, 2**22 // max(m, 1)))
        for start in range(0, m, chunk):
            stop = min(m, start + chunk)
            rho = Li[start:stop] @ Li.T  # (c, m)
            P = _bvn_cdf(t[start:stop, None], t[None, :], rho)
            P[np.arange(stop - start), np.arange(start, stop)] = 0.0
            total += float(np.sum(P * (Ui[:, start:stop].T @ Ui)))
        return total

    @cached_property
    def coherence(self) -> float:
        r"""Coherence :math:`\max_{i\ne j}|\langle d_i, d_j\rangle|` of the dictionary.

        Through :func:`theory.geometry.coherence`; for dictionaries whose Gram matrix would exceed
        512 MiB, streamed with :func:`theory.interference.dictionary_stats` (same quantity).
        """
        if self.n < 2:
            raise ValueError("coherence needs at least 2 features")
        if 8.0 * self.n * self.n <= 2**29:
            from theory.geometry import coherence

            return float(coherence(self.dictionary))
        from theory.interference import dictionary_stats

        return float(dictionary_stats(self.dictionary, k=0, random_null=False).max_cos)

    # ---- sampling ------------------------------------------------------------------------
    def sample(self, batch: int, rng: Any = 0) -> tuple[NDArray[np.float64], sp.csr_array]:
        r"""Draw ``batch`` samples.

        Parameters
        ----------
        batch : int
            Number of samples, ``>= 1``.
        rng : Generator or int seed

        Returns
        -------
        x : ndarray, shape (batch, dim)
            :math:`x = Dc + b + \sigma\varepsilon`, float64.
        codes : scipy.sparse.csr_array, shape (batch, n)
            The codes :math:`c`, float64, sorted column indices; stored entries are the active
            features (no dense ``(batch, n)`` array is formed).

        Examples
        --------
        >>> truth = ground_truth(dim=8, n=16, firing=Firing.uniform(0.25), rng=0)
        >>> x, codes = truth.sample(5, rng=1)
        >>> x.shape, codes.shape, codes.format
        ((5, 8), (5, 16), 'csr')
        """
        batch = check_int(batch, "batch", minimum=1)
        gen = as_rng(rng)
        n, dim = self.n, self.dim
        # memory: x plus the expected active entries (rows, cols, values) with a 4x margin
        check_memory(8 * batch * dim * 2 + 24.0 * 4 * batch * max(self.expected_l0, 1.0), f"a batch of {batch} samples")
        if self.firing.kind == "exactly":
            rows, cols = self._support_exactly(batch, gen)
        else:
            rows, cols = self._support_free(batch, gen)
        vals = self.magnitudes.draw(cols, n, gen)
        if self.hierarchy is not None:
            rows, cols, vals = self._descend(rows, cols, vals, gen)
        order = np.argsort(rows * n + cols, kind="stable")
        rows, cols, vals = rows[order], cols[order], vals[order]
        indptr = np.zeros(batch + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=batch), out=indptr[1:])
        codes = sp.csr_array((vals, cols.astype(np.int64, copy=False), indptr), shape=(batch, n))
        x = np.asarray(codes @ self._atoms_by_row)
        if self.noise > 0:
            x += self.noise * gen.standard_normal((batch, dim))
        if np.any(self.bias):
            x += self.bias
        return x, codes

    def batches(self, batch: int, n_batches: int, rng: Any = 0) -> Iterator[tuple[NDArray[np.float64], sp.csr_array]]:
        """Yield ``n_batches`` independent batches from one generator (reproducible from ``rng``).

        Examples
        --------
        >>> truth = oneill2024()
        >>> [codes.shape for _, codes in truth.batches(4, 2, rng=0)]
        [(4, 16), (4, 16)]
        """
        batch = check_int(batch, "batch", minimum=1)
        n_batches = check_int(n_batches, "n_batches", minimum=0)
        gen = as_rng(rng)
        for _ in range(n_batches):
            yield self.sample(batch, rng=gen)

    def _support_free(self, batch: int, gen: np.random.Generator) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        free = self._free
        p = np.asarray(self.target_rates)[free] if self.hierarchy is not None else np.asarray(self.target_rates)
        if self.factor is None:
            rows, local = _bernoulli_support(batch, p, gen)
        else:
            rows, local = self._copula_support(batch, p, gen)
        return rows, free[local]

    def _copula_support(
        self, batch: int, p: NDArray[np.float64], gen: np.random.Generator
    ) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        r"""Copula firing, drawn sparsely by thinning given the shared factor.

        Given :math:`g_b`, feature :math:`i` fires independently with
        :math:`\pi_{bi} = \Phi(h_{bi})`, :math:`h_{bi} = (t_i - l_i^\top g_b)/s_i`. For a block of
        rows, :math:`\bar\pi_i = \Phi(\max_b h_{bi}) \ge \pi_{bi}`: candidates are drawn as
        independent Bernoulli(:math:`\bar\pi_i`) (sparsely) and each is kept with probability
        :math:`\pi_{bi}/\bar\pi_i`, which is exactly Bernoulli(:math:`\pi_{bi}`). Memory is one
        block of :math:`l_i^\top g_b` (``rows x n_free``), never ``(batch, n)``.
        """
        L = self.factor
        assert L is not None
        nf, r = L.shape
        with np.errstate(divide="ignore"):
            t = ndtri(p)
        s = np.sqrt(1 - np.sum(L * L, axis=1))
        g = gen.standard_normal((batch, r))
        step = max(1, min(128, _COPULA_BLOCK // max(nf, 1)))
        # the rank-r products per block are small: one BLAS thread (several threads spend their time
        # synchronising on products this small)
        with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
            rows_out, cols_out = self._copula_blocks(batch, step, g, L, t, s, gen)
        return np.concatenate(rows_out).astype(np.intp), np.concatenate(cols_out).astype(np.intp)

    @staticmethod
    def _copula_blocks(
        batch: int,
        step: int,
        g: NDArray[np.float64],
        L: NDArray[np.float64],
        t: NDArray[np.float64],
        s: NDArray[np.float64],
        gen: np.random.Generator,
    ) -> tuple[list[NDArray[np.intp]], list[NDArray[np.intp]]]:
        rows_out, cols_out = [], []
        for start in range(0, batch, step):
            stop = min(batch, start + step)
            Z = g[start:stop] @ L.T  # (rows, n_free): l_i . g_b
            with np.errstate(invalid="ignore"):
                pbar = ndtr((t - Z.min(axis=0)) / s)
            rr, ii = _bernoulli_support(stop - start, pbar, gen)
            with np.errstate(invalid="ignore"):
                keep = gen.random(rr.size) * pbar[ii] < ndtr((t[ii] - Z[rr, ii]) / s[ii])
            rows_out.append(rr[keep] + start)
            cols_out.append(ii[keep])
        return rows_out, cols_out

    def _support_exactly(self, batch: int, gen: np.random.Generator) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        n, k = self.n, self.firing.k
        assert k is not None
        w = self.firing.weights(n)
        cum = np.cumsum(w)
        cum /= cum[-1]
        chosen = np.empty((batch, k), dtype=np.intp)
        for j in range(k):
            todo = np.arange(batch)
            while todo.size:
                draw = np.minimum(np.searchsorted(cum, gen.random(todo.size), side="right"), n - 1)
                chosen[todo, j] = draw
                dup = np.zeros(todo.size, dtype=bool)
                for jj in range(j):
                    dup |= chosen[todo, jj] == draw
                todo = todo[dup]
        rows = np.repeat(np.arange(batch), k)
        return rows, chosen.ravel()

    def _descend(
        self, rows: NDArray[np.intp], cols: NDArray[np.intp], vals: NDArray[np.float64], gen: np.random.Generator
    ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
        H = self.hierarchy
        assert H is not None and self._conditional is not None
        n, b = self.n, H.branching
        mu = self._mag_moments[0]
        starts = H.level_starts()
        all_r, all_c, all_v = [rows], [cols], [vals]
        prow, pcol, pval = rows, cols, vals
        for d in range(1, H.depth + 1):
            sel = (pcol >= starts[d - 1]) & (pcol < starts[d])
            prow, pcol, pval = prow[sel], pcol[sel], pval[sel]
            if prow.size == 0:
                break
            first = starts[d] + (pcol - starts[d - 1]) * b  # first child of each active parent
            children = first[:, None] + np.arange(b)[None, :]  # (m, b)
            q = self._conditional[children]
            if H.exclusive:
                u = gen.random(prow.size)
                cq = np.cumsum(q, axis=1)
                hit = u[:, None] < cq
                anyhit = hit[:, -1]
                j = np.argmax(hit, axis=1)
                crow, ccol = prow[anyhit], children[anyhit, j[anyhit]]
                cparent_val, cparent = pval[anyhit], pcol[anyhit]
            else:
                fire = gen.random(q.shape) < q
                mi, mj = np.nonzero(fire)
                crow, ccol = prow[mi], children[mi, mj]
                cparent_val, cparent = pval[mi], pcol[mi]
            cval = self.magnitudes.draw(ccol, n, gen)
            if H.scale_by_parent:
                cval = cval * (cparent_val / mu[cparent])
            all_r.append(crow)
            all_c.append(ccol)
            all_v.append(cval)
            prow, pcol, pval = crow, ccol, cval
        return np.concatenate(all_r), np.concatenate(all_c), np.concatenate(all_v)

    # ---- printing ------------------------------------------------------------------------
    def describe(self) -> str:
        """A few lines: sizes, firing, magnitudes, structure, exact E[L0]."""
        lines = [
            f"GroundTruth '{self.name}': n={self.n} features in dim={self.dim}",
            f"  firing: {self.firing!r}",
            f"  magnitudes: {self.magnitudes!r}",
        ]
        if self.correlation is not None:
            lines.append(f"  correlation: {self.correlation!r}")
        if self.hierarchy is not None:
            lines.append(f"  hierarchy: {self.hierarchy!r}")
        if self.noise:
            lines.append(f"  noise std: {self.noise:g}")
        if np.any(self.bias):
            lines.append(f"  bias norm: {float(np.linalg.norm(self.bias)):.4g}")
        lines.append(f"  expected L0: {self.expected_l0:.6g}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()

    def __repr__(self) -> str:
        return f"GroundTruth(name={self.name!r}, dim={self.dim}, n={self.n}, expected_l0={self.expected_l0:.4g})"


# --------------------------------------------------------------------------------------------
# Sparse Bernoulli supports
# --------------------------------------------------------------------------------------------


def _uniform_subsets(
    batch: int, counts: NDArray[np.int64], gen: np.random.Generator
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """For each feature ``i`` a uniformly random ``counts[i]``-subset of ``range(batch)``.

    Light features (``count <= batch/8``) draw rows iid uniformly and redraw the entries that repeat
    a row already held by the same feature until none repeat; the result is invariant under
    relabelling the rows, hence uniform over subsets of that size. Heavy features take the
    ``count`` rows with the smallest of ``batch`` iid uniform keys (a uniform random subset), at a
    cost within a factor 8 of their output.
    """
    heavy = counts * 8 > batch
    light_ids = np.flatnonzero(~heavy)
    feat = np.repeat(light_ids.astype(np.intp), counts[light_ids])
    rows = gen.integers(0, batch, size=feat.size, dtype=np.intp)
    pending = np.arange(feat.size)
    while pending.size:
        key = feat[pending].astype(np.int64) * batch + rows[pending]
        order = np.argsort(key, kind="stable")
        ks = key[order]
        dup_sorted = np.zeros(ks.size, dtype=bool)
        dup_sorted[1:] = ks[1:] == ks[:-1]
        if not dup_sorted.any():
            break
        dup = pending[order[dup_sorted]]
        rows[dup] = gen.integers(0, batch, size=dup.size, dtype=np.intp)
        # only features that had a repeat can have one now
        bad_feat = np.unique(feat[dup])
        pending = np.flatnonzero(np.isin(feat, bad_feat))
    heavy_ids = np.flatnonzero(heavy)
    if heavy_ids.size:
        check_memory(8 * heavy_ids.size * batch, "the random keys of frequent features")
        ranks = np.argsort(gen.random((heavy_ids.size, batch)), axis=1)
        take = np.arange(batch)[None, :] < counts[heavy_ids][:, None]
        hi, _ = np.nonzero(take)
        rows = np.concatenate([rows, ranks[take].astype(np.intp)])
        feat = np.concatenate([feat, heavy_ids[hi].astype(np.intp)])
    return rows, feat


def _bernoulli_support(
    batch: int, p: NDArray[np.float64], gen: np.random.Generator
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    r"""Active (row, feature) pairs of a ``(batch, n)`` matrix of independent Bernoulli(:math:`p_i`).

    Feature :math:`i` fires in :math:`K_i \sim \mathrm{Bin}(batch, p_i)` rows, those rows a uniform
    :math:`K_i`-subset: exactly the independent Bernoulli law, with work :math:`O(n + \sum_i K_i)`.
    """
    counts = gen.binomial(batch, p).astype(np.int64)
    return _uniform_subsets(batch, counts, gen)


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------


def _build_dictionary(dictionary: Any, dim: int | None, n: int | None, gen: np.random.Generator) -> NDArray[np.float64]:
    if isinstance(dictionary, str):
        if dim is None or n is None:
            raise ValueError(f"dictionary={dictionary!r} needs dim= and n=")
        check_memory(8 * dim * n, f"a (dim={dim}, n={n}) dictionary")
        if dictionary == "gaussian":
            from theory.geometry import random_frame

            return random_frame(dim, n, kind="sphere", rng=gen)
        if dictionary == "packing":
            from theory.geometry.packing import PACK_PRESETS, pack

            return pack(dim=dim, n=n, lines=True, rng=gen, **PACK_PRESETS["reproducible"]).frame / 1.0
        if dictionary == "etf":
            from theory.geometry import paley_etf
            from theory.geometry.constructions import _is_prime

            q = n - 1
            if 2 * dim != n or q % 4 != 1 or q < 5 or not _is_prime(q):
                raise ValueError(
                    f"dictionary='etf' is the Paley ETF: n = q + 1 and dim = (q + 1)/2 for a prime "
                    f"q = 1 mod 4 (e.g. n=6, dim=3; n=14, dim=7), got dim={dim}, n={n}"
                )
            return paley_etf(q)
        if dictionary == "mub":
            from theory.geometry import mub_frame
            from theory.geometry.constructions import _is_prime

            p = dim // 2
            if dim % 2 or p < 3 or not _is_prime(p):
                raise ValueError(
                    f"dictionary='mub' needs dim = 2p for an odd prime p (realified mutually unbiased "
                    f"bases), got dim={dim}"
                )
            if n > 2 * p * (p + 1):
                raise ValueError(
                    f"dictionary='mub' holds at most 2p(p+1) = {2 * p * (p + 1)} features in dim={dim}, got n={n}"
                )
            return np.ascontiguousarray(mub_frame(p, real=True)[:, :n])
        raise ValueError(f"dictionary must be 'gaussian', 'packing', 'etf', 'mub' or an array, got {dictionary!r}")
    D = check_dictionary(dictionary, "dictionary", normalize=True)
    if dim is not None and D.shape[0] != dim:
        raise ValueError(f"dictionary has {D.shape[0]} rows but dim={dim}")
    if n is not None and D.shape[1] != n:
        raise ValueError(f"dictionary has {D.shape[1]} columns but n={n}")
    return np.ascontiguousarray(D)


def ground_truth(
    *,
    dim: int | None = None,
    n: int | None = None,
    dictionary: str | ArrayLike = "gaussian",
    firing: Firing | None = None,
    magnitudes: Magnitudes | None = None,
    correlation: Correlation | None = None,
    hierarchy: Hierarchy | None = None,
    noise: float = 0.0,
    bias: ArrayLike | None = None,
    rng: Any = 0,
    name: str = "custom",
) -> GroundTruth:
    r"""Build a :class:`GroundTruth`: a dictionary and a distribution of sparse nonnegative codes.

    .. math:: x = Dc + b + \sigma\varepsilon,\qquad c_i = \mathbb{1}[i\ \text{fires}]\; v_i .

    Parameters
    ----------
    dim, n : int
        Dimension and number of features (inferred from an array ``dictionary``).
    dictionary : {"gaussian", "packing", "etf", "mub"} or array_like of shape (dim, n)
        ``"gaussian"``: iid uniform unit vectors (normalised Gaussians,
        :func:`theory.geometry.random_frame`), coherence about :math:`\sqrt{2\log(n^2)/dim}`;
        ``"packing"``: a numerical Grassmannian packing (:func:`theory.geometry.pack`), coherence
        near the best known, the dial for how much superposition interferes; ``"etf"``: the Paley
        equiangular tight frame (:func:`theory.geometry.paley_etf`, ``n = q + 1``,
        ``dim = (q+1)/2``), coherence at the Welch bound; ``"mub"``: the first ``n`` vectors of the
        realified mutually unbiased bases (:func:`theory.geometry.mub_frame`, ``dim = 2p``), coherence
        :math:`1/\sqrt p`; an array: validated (finite, no zero column) and its columns normalised.
    firing : Firing
        Default ``Firing.uniform(min(1, 5/n))``.
    magnitudes : Magnitudes
        Default ``Magnitudes.uniform(0, 1)``.
    correlation : Correlation, optional
        Low-rank Gaussian copula on firing (marginals preserved exactly).
    hierarchy : Hierarchy, optional
        Parent/child trees over the first features.
    noise : float
        :math:`\sigma \ge 0`.
    bias : array_like of shape (dim,), optional
        :math:`b` (default zero).
    rng : Generator or int seed
        Draws the dictionary and the correlation factor.
    name : str

    Returns
    -------
    GroundTruth

    Examples
    --------
    >>> truth = ground_truth(dim=16, n=64, firing=Firing.uniform(0.05), rng=0)
    >>> truth.dim, truth.n, round(truth.expected_l0, 6)
    (16, 64, 3.2)

    References
    ----------
    .. [1] Sharkey, L., Braun, D. and Millidge, B. (2022). "Taking features out of superposition
       with sparse autoencoders." Interim research report, AI Alignment Forum.
    .. [2] Chanin, D. and Garriga-Alonso, A. (2026). "SynthSAEBench: evaluating sparse autoencoders
       on scalable realistic synthetic data." arXiv:2602.14687
    .. [3] O'Neill, C., Gumran, A. and Klindt, D. (2024). "Compute optimal inference and provable
       amortisation gap in sparse autoencoders." arXiv:2411.13117
    .. [4] Owen, D. B. (1956). "Tables for computing bivariate normal probabilities." Ann. Math.
       Statist. 27(4), 1075-1090.
    """
    gen = as_rng(rng)
    if dim is not None:
        dim = check_int(dim, "dim", minimum=1)
    if n is not None:
        n = check_int(n, "n", minimum=1)
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    D = _build_dictionary(dictionary, dim, n, gen)
    dim, n = D.shape
    D.setflags(write=False)
    if firing is None:
        firing = Firing.uniform(min(1.0, 5.0 / n))
    if magnitudes is None:
        magnitudes = Magnitudes.uniform()
    for obj, cls, nm in ((firing, Firing, "firing"), (magnitudes, Magnitudes, "magnitudes")):
        if not isinstance(obj, cls):
            raise TypeError(
                f"{nm} must be a {cls.__name__} (e.g. {cls.__name__}.uniform(...)), got {type(obj).__name__}"
            )
    if correlation is not None and not isinstance(correlation, Correlation):
        raise TypeError(f"correlation must be a Correlation or None, got {type(correlation).__name__}")
    if hierarchy is not None and not isinstance(hierarchy, Hierarchy):
        raise TypeError(f"hierarchy must be a Hierarchy or None, got {type(hierarchy).__name__}")
    noise = check_real(noise, "noise", minimum=0)
    if bias is None:
        b = np.zeros(dim)
    else:
        b = check_array(bias, "bias", ndim=1)
        if b.shape != (dim,):
            raise ValueError(f"bias must have shape ({dim},), got {b.shape}")
        b = b.copy()
    b.setflags(write=False)
    magnitudes.moments(n)  # validates per-feature shapes now

    target: NDArray[np.float64] | None = None
    conditional = None
    factor = None
    if firing.kind == "exactly":
        if correlation is not None or hierarchy is not None:
            raise ValueError("Firing.exactly cannot be combined with correlation or hierarchy")
        k = firing.k
        assert k is not None
        if k > n:
            raise ValueError(f"Firing.exactly needs k <= n, got k={k}, n={n}")
        firing.weights(n)
    else:
        target = firing.probabilities(n)
        target.setflags(write=False)
        parents = np.full(n, -1, dtype=np.intp)
        if hierarchy is not None:
            if hierarchy.n_features > n:
                raise ValueError(
                    f"the hierarchy has {hierarchy.n_features} features "
                    f"({hierarchy.roots} trees of {hierarchy.tree_size}) but n={n}"
                )
            parents = hierarchy.parents(n)
            conditional = _conditionals(target, parents, hierarchy)
        if correlation is not None:
            factor = correlation.build(int(np.count_nonzero(parents < 0)), gen)
            factor.setflags(write=False)
    if conditional is not None:
        conditional.setflags(write=False)
    return GroundTruth(
        dictionary=D,
        firing=firing,
        magnitudes=magnitudes,
        correlation=correlation,
        hierarchy=hierarchy,
        noise=noise,
        bias=b,
        target_rates=target,
        factor=factor,
        name=name,
        _conditional=conditional,
    )


def _conditionals(target: NDArray[np.float64], parents: NDArray[np.intp], H: Hierarchy) -> NDArray[np.float64]:
    """Conditional firing probability of each feature given its parent (free features: their rate)."""
    cond = target.astype(float).copy()
    eff = target.astype(float).copy()
    starts = H.level_starts()
    b = H.branching
    for d in range(1, H.depth + 1):
        lo, hi = starts[d], starts[d + 1]
        pt = target[lo:hi].reshape(-1, b)  # children grouped by parent
        pa = eff[parents[lo:hi]].reshape(-1, b)[:, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            if H.exclusive:
                denom = np.maximum(pa, pt.sum(axis=1))
                q = np.where(denom[:, None] > 0, pt / np.where(denom > 0, denom, 1.0)[:, None], 0.0)
            else:
                q = np.where(pa[:, None] > 0, np.minimum(1.0, pt / np.where(pa > 0, pa, 1.0)[:, None]), 0.0)
        cond[lo:hi] = q.ravel()
        eff[lo:hi] = (pa[:, None] * q).ravel()
    return cond


# --------------------------------------------------------------------------------------------
# Presets
# --------------------------------------------------------------------------------------------


def sharkey2022(correlated: bool = False, *, rng: Any = 0) -> GroundTruth:
    r"""Sharkey, Braun & Millidge (2022): 512 features in 256 dimensions.

    Unit Gaussian directions; magnitudes :math:`U[0, 1)`; firing :math:`p_i = \tfrac{5}{512}\,0.99^i`
    (uncorrelated), so

    .. math:: \mathbb{E}L_0 = \frac{5}{512}\sum_{i=0}^{511} 0.99^i = \frac{5}{512}\cdot
              \frac{1 - 0.99^{512}}{0.01} \approx 0.9709 .

    ``correlated=True``: the paper draws correlated firing from a random covariance and normalises
    to 5 active features on average. Implemented here as the decay :math:`p_i \propto 0.99^i`
    rescaled so :math:`\sum_i p_i = 5` (exact :math:`\mathbb{E}L_0 = 5`) with a Gaussian copula of
    rank 32 and factor scale 0.1 (:class:`Correlation`); the copula keeps each marginal, so the
    mean L0 is exactly 5. The paper's full-rank random covariance is not reproduced exactly.

    Examples
    --------
    >>> round(sharkey2022().expected_l0, 4)
    0.9709
    >>> round(sharkey2022(correlated=True).expected_l0, 6)
    5.0

    References
    ----------
    .. [1] Sharkey, L., Braun, D. and Millidge, B. (2022). "Taking features out of superposition
       with sparse autoencoders." Interim research report, AI Alignment Forum.
    """
    correlated = check_bool(correlated, "correlated")
    if correlated:
        return ground_truth(
            dim=256,
            n=512,
            dictionary="gaussian",
            firing=Firing.geometric(0.99, expected_l0=5.0),
            magnitudes=Magnitudes.uniform(),
            correlation=Correlation(rank=32, scale=0.1),
            rng=rng,
            name="sharkey2022-correlated",
        )
    return ground_truth(
        dim=256,
        n=512,
        dictionary="gaussian",
        firing=Firing.geometric(0.99, scale=5 / 512),
        magnitudes=Magnitudes.uniform(),
        rng=rng,
        name="sharkey2022",
    )


def oneill2024(*, rng: Any = 0) -> GroundTruth:
    r"""O'Neill, Gumran & Klindt (2024) toy: 16 sources in 8 dimensions, exactly 3 active.

    Supports drawn by weighted sampling without replacement with Zipf weights
    :math:`w_i = (1/i) / \sum_{j=1}^{16} 1/j`; magnitudes :math:`|N(0,1)|\,(w_i + 0.1)` (a folded
    normal with mean 0 and std :math:`w_i + 0.1`, using the normalised weights); Gaussian unit
    dictionary.

    Examples
    --------
    >>> truth = oneill2024()
    >>> truth.n, truth.dim, truth.expected_l0
    (16, 8, 3.0)

    References
    ----------
    .. [1] O'Neill, C., Gumran, A. and Klindt, D. (2024). "Compute optimal inference and provable
       amortisation gap in sparse autoencoders." arXiv:2411.13117
    """
    n = 16
    w = 1.0 / np.arange(1, n + 1)
    w /= w.sum()
    return ground_truth(
        dim=8,
        n=n,
        dictionary="gaussian",
        firing=Firing.exactly(3, weights="zipf"),
        magnitudes=Magnitudes.folded_normal(mean=0.0, std=w + 0.1),
        rng=rng,
        name="oneill2024",
    )


def synth_sae_bench(size: str = "16k", *, rng: Any = 0) -> GroundTruth:
    r"""SynthSAEBench (Chanin & Garriga-Alonso 2026): Zipf firing, hierarchy, correlations, varied magnitudes.

    ``"16k"`` (the published SynthSAEBench-16k parameters): 16,384 features in 768 dimensions;
    Zipf exponent 0.5 mapped onto :math:`[5\cdot10^{-4}, 0.4]`; 128 trees, branching 4, depth 3
    (10,880 features in trees), mutually exclusive children scaled by the parent; copula of rank 25,
    scale 0.1; magnitudes :math:`|N(\mu_i, \sigma_i)|` with :math:`\mu_i` linear from 5.0
    (feature 0) to 4.0 (feature n-1) and :math:`\sigma_i` drawn once per feature from
    :math:`|N(0.5, 0.5)|`; a bias of norm 0.5 in a random direction.

    ``"cpu"`` (this project's CPU-sized configuration, same semantics): 1,024 features in 128
    dimensions (n/16 and dim/6: still 8 features per dimension, against the 16k's 21.3, in a model
    small enough to train SAEs on a CPU); 8 trees (one root per 128 features, as in the 16k),
    branching 4, depth 3, so 680 features in trees (two thirds of n, as the 16k's 10,880); every
    other knob identical. Its exact expected L0 is about 7.4 (the 16k's about 35.0).

    Differences from SAELens's ``SyntheticModel`` (stated, not hidden): the dictionary is unit
    Gaussian columns without SAELens's 100-step orthogonalisation (lr 3e-4); magnitudes are
    folded (:math:`|N|`) where SAELens rectifies (:math:`\max(0, N)`, zero entries inactive);
    the hierarchy uses the exact conditional rule of :class:`Hierarchy` rather than
    draw-then-prune with approximately compensated rates, so the mean L0 differs from the ~34
    SynthSAEBench reports (see ``GroundTruth.expected_l0``); the copula acts on root and
    out-of-tree features only.

    Examples
    --------
    >>> truth = synth_sae_bench("cpu")
    >>> truth.n, truth.dim, truth.hierarchy.n_features
    (1024, 128, 680)

    References
    ----------
    .. [1] Chanin, D. and Garriga-Alonso, A. (2026). "SynthSAEBench: evaluating sparse autoencoders
       on scalable realistic synthetic data." arXiv:2602.14687
    """
    if size == "16k":
        n, dim, roots = 16_384, 768, 128
    elif size == "cpu":
        n, dim, roots = 1_024, 128, 8
    else:
        raise ValueError(f"size must be '16k' or 'cpu', got {size!r}")
    gen = as_rng(rng)
    std = np.abs(0.5 + 0.5 * gen.standard_normal(n))
    mean = np.linspace(5.0, 4.0, n)
    direction = gen.standard_normal(dim)
    bias = 0.5 * direction / np.linalg.norm(direction)
    return ground_truth(
        dim=dim,
        n=n,
        dictionary="gaussian",
        firing=Firing.zipf(exponent=0.5, p_min=5e-4, p_max=0.4),
        magnitudes=Magnitudes.folded_normal(mean=mean, std=std),
        correlation=Correlation(rank=25, scale=0.1),
        hierarchy=Hierarchy(roots=roots, branching=4, depth=3, exclusive=True, scale_by_parent=True),
        bias=bias,
        rng=gen,
        name=f"synth_sae_bench-{size}",
    )
