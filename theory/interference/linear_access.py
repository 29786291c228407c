r"""Linear accessibility of k-sparse features (Garg, Kleinberg & Peng 2026): how many dimensions a
*linear* read-out needs, against one-pass ReLU read-out and :math:`\ell_1` decoding.

An encoder :math:`A \in \mathbb R^{d\times m}` (column ``i`` = feature ``i``, the toolkit's frame
shape ``(dim, n)``) and a linear decoder :math:`B \in \mathbb R^{m\times d}` form an
:math:`\varepsilon`-*linear-access scheme* for ``k``-sparse inputs when

.. math:: \lVert BAz - z\rVert_\infty \le \varepsilon
          \quad\text{for every } z \in [-1, 1]^m \text{ with at most } k \text{ nonzeros}

(``nonnegative=True``: every such :math:`z \in [0, 1]^m`). Because :math:`z \mapsto (BAz - z)_i` is
linear, the worst case over all ``k``-sparse inputs is exact and cheap
(:func:`linear_access_error`): with :math:`M = BA - I`,

.. math:: \max_z |(BAz - z)_i| = \text{sum of the } k \text{ largest } |M_{ij}| \text{ over } j
          \qquad(\text{nonnegative: } \max(\text{top-}k\ (M_{ij})_+,\ \text{top-}k\ (M_{ij})_-)).

The paper's headline (abstract, arXiv:2602.11246): :math:`d = \Omega_\varepsilon(\frac{k^2}{\log k}
\log\frac mk)` is required and :math:`d = O_\varepsilon(k^2\log m)` suffices, while classical
(nonlinear) compressed sensing needs only :math:`O(k\log(m/k))`. Those are asymptotic with
unstated constants: :func:`linear_access_lower_order` and :func:`linear_access_upper_order` expose
them with the constant as a parameter, marked NOT PROVEN as numbers. Two *proven* finite numbers
complement them, derived here for the definition above: :func:`rademacher_access_dim` (a dimension
that suffices for the random sign construction with decoder :math:`A^\top`, by Hoeffding and a union
bound) and :func:`linear_access_lower_bound` (a dimension every scheme needs, by the paper's proof
route, Alon's near-identity rank bound and Turán's theorem, with explicit constants).

Frames have shape ``(dim, n)``; here ``n = m`` features and ``dim = d``.
"""

from __future__ import annotations

import decimal
import itertools
import math
import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, sparse

from theory._references import cite
from theory._results import Bound
from theory._validation import (
    as_rng,
    check_array,
    check_bool,
    check_frame,
    check_int,
    check_memory,
    check_probability,
    check_real,
    check_size,
    estimate_bytes,
)
from theory.geometry import random_frame
from theory.interference._common import topk_sum
from theory.interference.random_projections import _exact_ceil
from theory.interference.recovery import statistical_dimension_l1

__all__ = [
    "AccessCheck",
    "AccessConstruction",
    "AccessDims",
    "MinDim",
    "access_dims",
    "check_linear_access",
    "linear_access_construction",
    "linear_access_error",
    "linear_access_lower_bound",
    "linear_access_lower_order",
    "linear_access_upper_order",
    "min_access_dim",
    "optimal_linear_decoder",
    "rademacher_access_dim",
    "relu_access_error",
    "sample_sparse_inputs",
]

GARG_2026 = cite("garg2026")

#: Largest ``m`` the matrix routines accept (``BA`` has ``m**2`` entries).
MAX_FEATURES = 16384
#: Largest ``m`` the closed-form finite bounds accept (they work in logarithms).
MAX_M_FORMULA = 10**15
#: Most inputs :func:`check_linear_access` enumerates or samples.
MAX_INPUTS = 1_000_000
_LOG_MARGIN = 1e-9
#: Largest float, as an exact rational, and its decimal logarithm.
_FLOAT_MAX = Fraction(sys.float_info.max)
_LOG10_FLOAT_MAX = math.log10(sys.float_info.max)


def _log10(x: Fraction) -> float:
    """``log10`` of a positive rational of any size."""
    return math.log10(x.numerator) - math.log10(x.denominator)


# ----------------------------------------------------------------------------------------------
# validation helpers
# ----------------------------------------------------------------------------------------------


def _check_eps(eps: Any) -> float:
    return check_real(eps, "eps", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)


def _decoder_product(A: ArrayLike, B: ArrayLike | None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validated ``A`` (dim, m) and ``M = BA`` (m, m); ``B=None`` means ``A.T``."""
    A = check_frame(A, "A", allow_zero_columns=True)
    dim, m = A.shape
    check_size(m, "m (columns of A)", maximum=MAX_FEATURES, why="B @ A has m**2 entries")
    check_memory(3 * estimate_bytes(m, m), f"the ({m}, {m}) matrix B @ A")
    if B is None:
        return A, A.T @ A
    B = check_array(B, "B", ndim=2)
    if B.shape != (m, dim):
        raise ValueError(f"B must have shape (m, dim) = ({m}, {dim}) to decode A of shape {A.shape}, got {B.shape}")
    return A, B @ A


# ----------------------------------------------------------------------------------------------
# exact worst-case error over all k-sparse inputs
# ----------------------------------------------------------------------------------------------


def _row_worst(R: NDArray[np.float64], k: int, nonnegative: bool) -> NDArray[np.float64]:
    """Worst |(R z)_i| over k-sparse z in [-1,1]^m (or [0,1]^m), rows of R."""
    kk = min(k, R.shape[1])
    if not nonnegative:
        return topk_sum(np.abs(R), kk, axis=1)
    return np.maximum(topk_sum(np.maximum(R, 0.0), kk, axis=1), topk_sum(np.maximum(-R, 0.0), kk, axis=1))


def linear_access_error(
    A: ArrayLike, B: ArrayLike | None = None, *, k: int, nonnegative: bool = False
) -> NDArray[np.float64]:
    r"""Exact worst-case read-out error of each feature over **every** ``k``-sparse input.

    .. math:: e_i = \max_{\lVert z\rVert_0\le k,\ \lVert z\rVert_\infty\le 1} |(BAz)_i - z_i|
              = \sum_{\text{top-}k\ j} |(BA - I)_{ij}|,

    and for ``nonnegative`` inputs :math:`z \in [0,1]^m`,
    :math:`e_i = \max\big(\sum_{\text{top-}k} ((BA-I)_{ij})_+,\ \sum_{\text{top-}k} ((BA-I)_{ij})_-\big)`.
    The map :math:`z \mapsto (BAz - z)_i` is linear, so on a fixed support its extreme values sit at
    the box's vertices, and the best support takes the ``k`` largest contributions.

    Parameters
    ----------
    A : array_like, shape (dim, m)
        Encoder (feature ``i`` is column ``i``).
    B : array_like, shape (m, dim), optional
        Linear decoder; default :math:`A^\top` (the matched filter).
    k : int
        Sparsity, ``>= 1`` (values above ``m`` mean dense inputs).
    nonnegative : bool

    Returns
    -------
    ndarray, shape (m,)

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]])
    >>> linear_access_error(A, k=1)
    array([0.6, 0.8, 0.8])
    >>> linear_access_error(A, k=2).round(6)
    array([0.6, 0.8, 1.4])

    References
    ----------
    .. [1] Garg, N., Kleinberg, J. and Peng, K. (2026). How Many Features Can a Language Model
       Store Under the Linear Representation Hypothesis? arXiv:2602.11246
    """
    k = check_int(k, "k", minimum=1)
    nonnegative = check_bool(nonnegative, "nonnegative")
    _, M = _decoder_product(A, B)
    M[np.diag_indices_from(M)] -= 1.0
    return _row_worst(M, k, nonnegative)


def relu_access_error(A: ArrayLike, b: ArrayLike, *, k: int) -> NDArray[np.float64]:
    r"""Exact worst-case error of the one-pass ReLU read-out over every nonnegative ``k``-sparse input.

    .. math:: e_i = \max_{z \in [0,1]^m,\ \lVert z\rVert_0 \le k}
              \big|\mathrm{ReLU}((A^\top A z)_i + b_i) - z_i\big|

    for the read-out of :func:`~theory.interference.relu_readout`.

    With :math:`G = A^\top A`, :math:`P_r, N_r` the sums of the ``r`` largest positive and negative
    parts of row ``i`` off the diagonal: an inactive feature gives :math:`(P_k + b_i)_+`; an active
    one with value :math:`v` sees interference :math:`I \in [-N_{k-1}, P_{k-1}]`, and
    :math:`|\mathrm{ReLU}(G_{ii}v + I + b_i) - v|` is maximised at :math:`v \in \{0, 1, v^\ast\}`
    (:math:`v^\ast` the kink) with :math:`I` at an end of its interval (the positive part is convex
    in :math:`(v, I)`; the negative part is smallest at :math:`I = -N_{k-1}` and piecewise linear in
    :math:`v`).

    Parameters
    ----------
    A : array_like, shape (dim, m)
    b : float or array_like, shape (m,)
        Bias (usually negative).
    k : int

    Returns
    -------
    ndarray, shape (m,)

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]])
    >>> relu_access_error(A, 0.0, k=1)
    array([0.6, 0.8, 0.8])
    >>> relu_access_error(A, -0.4, k=1).round(6)
    array([0.4, 0.4, 0.4])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy models of superposition. arXiv:2209.10652
    """
    k = check_int(k, "k", minimum=1)
    A, G = _decoder_product(A, None)
    m = G.shape[0]
    bb = check_array(b, "b", ndim=(0, 1))
    if bb.ndim == 1 and bb.shape[0] != m:
        raise ValueError(f"b must be a scalar or have m = {m} entries, got shape {bb.shape}")
    return _relu_err(_relu_parts(G, k), np.broadcast_to(bb, (m,)).astype(float))


def _relu_parts(G: NDArray[np.float64], k: int) -> tuple[NDArray[np.float64], ...]:
    """Diagonal and top-k / top-(k-1) positive and negative off-diagonal sums of each row of G."""
    m = G.shape[0]
    off = G.copy()
    np.fill_diagonal(off, 0.0)
    pos, neg = np.maximum(off, 0.0), np.maximum(-off, 0.0)
    return (
        np.diag(G).copy(),
        topk_sum(pos, min(k, m - 1), axis=1),
        topk_sum(pos, min(k - 1, m - 1), axis=1),
        topk_sum(neg, min(k - 1, m - 1), axis=1),
    )


def _relu_err(parts: tuple[NDArray[np.float64], ...], bb: NDArray[np.float64]) -> NDArray[np.float64]:
    """Exact worst-case ReLU read-out error per feature, from :func:`_relu_parts` (bias broadcasts)."""
    c, p_k, p_k1, n_k1 = parts
    err = np.maximum(p_k + bb, 0.0)  # inactive feature
    v: float | NDArray[np.float64]
    for interf in (-n_k1, p_k1):  # convex part: ReLU(c v + I + b) - v at the vertices
        for v in (0.0, 1.0):
            err = np.maximum(err, np.maximum(c * v + interf + bb, 0.0) - v)
    lo = -n_k1 + bb  # concave part: v - ReLU(c v + lo) at v in {0, 1, kink}
    safe_c = np.where(c > 0, c, 1.0)
    kink = np.where(c > 0, np.clip(-lo / safe_c, 0.0, 1.0), 0.0)
    for v in (np.zeros_like(kink), np.ones_like(kink), kink):
        err = np.maximum(err, v - np.maximum(c * v + lo, 0.0))
    return err


# ----------------------------------------------------------------------------------------------
# sampled / exhaustive check
# ----------------------------------------------------------------------------------------------


def sample_sparse_inputs(
    *, m: int, k: int, batch: int, nonnegative: bool = False, values: str = "vertex", rng: Any = 0
) -> NDArray[np.float64]:
    r"""``batch`` random ``k``-sparse inputs, shape ``(batch, m)``: a uniform support of size ``k``,
    values :math:`\pm1` (``"vertex"``, where worst cases live; ``1`` when ``nonnegative``) or
    uniform on :math:`[-1,1]` / :math:`[0,1]` (``"uniform"``).

    Examples
    --------
    >>> z = sample_sparse_inputs(m=6, k=2, batch=3, rng=0)
    >>> z.shape, sorted({int((r != 0).sum()) for r in z})
    ((3, 6), [2])
    """
    m = check_size(m, "m", maximum=MAX_FEATURES * 64)
    k = check_int(k, "k", minimum=1, maximum=m)
    batch = check_size(batch, "batch", maximum=MAX_INPUTS)
    nonnegative = check_bool(nonnegative, "nonnegative")
    if values not in ("vertex", "uniform"):
        raise ValueError(f"values must be 'vertex' or 'uniform', got {values!r}")
    check_memory(estimate_bytes(batch, m), f"a ({batch}, {m}) input batch")
    gen = as_rng(rng)
    support = np.argsort(gen.random((batch, m)), axis=1)[:, :k]
    if values == "vertex":
        vals = np.ones((batch, k)) if nonnegative else gen.choice([-1.0, 1.0], size=(batch, k))
    else:
        vals = gen.random((batch, k)) if nonnegative else gen.uniform(-1.0, 1.0, size=(batch, k))
    z = np.zeros((batch, m))
    np.put_along_axis(z, support, vals, axis=1)
    return z


@dataclass(frozen=True)
class AccessCheck:
    r"""Whether a scheme :math:`(A, B)` reads every feature of ``k``-sparse inputs within ``eps``.

    Attributes
    ----------
    m, dim, k : int
    eps : float
    nonnegative : bool
    worst_error : float
        Exact :math:`\max_i e_i` of :func:`linear_access_error` (every input, not sampled).
    worst_feature : int
    ok : bool
        ``worst_error <= eps``: the scheme is an ``eps``-linear-access scheme.
    n_inputs : int
        Inputs tested one by one (sampled, or all of them when ``exhaustive``).
    failures : int
        Tested inputs with some feature read out off by more than ``eps``.
    max_tested_error : float
        Largest error met among the tested inputs (``<= worst_error``; equal when exhaustive).
    exhaustive : bool
        Every support and every vertex value pattern was tested.
    """

    m: int
    dim: int
    k: int
    eps: float
    nonnegative: bool
    worst_error: float
    worst_feature: int
    ok: bool
    n_inputs: int
    failures: int
    max_tested_error: float
    exhaustive: bool

    @property
    def failure_rate(self) -> float:
        """Fraction of tested inputs with a feature off by more than ``eps``."""
        return self.failures / self.n_inputs if self.n_inputs else 0.0

    def __str__(self) -> str:
        how = "all" if self.exhaustive else "sampled"
        verdict = "every k-sparse input read out within eps" if self.ok else "some input fails"
        return (
            f"linear access m={self.m} dim={self.dim} k={self.k} eps={self.eps:g}: worst error "
            f"{self.worst_error:.4g} (feature {self.worst_feature}) -> {verdict}; {how} {self.n_inputs} "
            f"inputs tested, {self.failures} failed (rate {self.failure_rate:.3g}, "
            f"max {self.max_tested_error:.4g})"
        )


def check_linear_access(
    A: ArrayLike,
    B: ArrayLike | None = None,
    *,
    k: int,
    eps: float,
    samples: int = 2000,
    nonnegative: bool = False,
    exhaustive: bool | None = None,
    values: str = "vertex",
    rng: Any = 0,
) -> AccessCheck:
    r"""Test an encoder/decoder pair on ``k``-sparse inputs: exactly (every input) and one input at a time.

    .. math:: \text{ok} \iff \max_{\lVert z\rVert_0 \le k,\ \lVert z\rVert_\infty \le 1}
              \lVert BAz - z\rVert_\infty \le \varepsilon.

    The exact worst case comes from :func:`linear_access_error`. Independently, inputs are pushed
    through :math:`BA` one batch at a time: all :math:`\binom mk 2^k` vertex inputs (supports of
    size ``k``, values :math:`\pm 1`; :math:`\{0,1\}^k` when ``nonnegative``) when ``exhaustive``
    (default: when there are at most 20 000 of them), else ``samples`` random ones
    (:func:`sample_sparse_inputs`). An exhaustive run's largest error equals ``worst_error``.

    Parameters
    ----------
    A : array_like, shape (dim, m)
    B : array_like, shape (m, dim), optional
        Default :math:`A^\top`.
    k : int
    eps : float
        Accuracy, in ``(0, 1)``.
    samples : int
    nonnegative : bool
    exhaustive : bool, optional
    values : {"vertex", "uniform"}
        Values of sampled inputs.
    rng : Generator or int seed

    Returns
    -------
    AccessCheck

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]])
    >>> r = check_linear_access(A, k=1, eps=0.9)
    >>> r.ok, r.exhaustive, r.n_inputs, r.failures
    (True, True, 6, 0)

    References
    ----------
    .. [1] Garg, N., Kleinberg, J. and Peng, K. (2026). arXiv:2602.11246
    """
    k = check_int(k, "k", minimum=1)
    eps = _check_eps(eps)
    nonnegative = check_bool(nonnegative, "nonnegative")
    samples = check_size(samples, "samples", maximum=MAX_INPUTS)
    A, M = _decoder_product(A, B)
    dim, m = A.shape
    k = min(k, m)
    R = M.copy()
    R[np.diag_indices_from(R)] -= 1.0
    worst = _row_worst(R, k, nonnegative)
    count = math.comb(m, k) * 2**k
    if exhaustive is None:
        exhaustive = count <= 20_000
    exhaustive = check_bool(exhaustive, "exhaustive")
    if exhaustive:
        check_size(
            count,
            "number of k-sparse vertex inputs",
            maximum=MAX_INPUTS,
            why="exhaustive enumeration; pass exhaustive=False to sample",
        )
    n_in, fails, top = 0, 0, 0.0
    chunk = max(1, min(8192, (2**22) // max(m * k, 1)))

    def feed(S: NDArray[np.int64], V: NDArray[np.float64]) -> None:
        """Inputs given by supports S (batch, k) and values V (batch, k): max_i |(R z)_i| each."""
        nonlocal n_in, fails, top
        E = np.zeros((m, S.shape[0]))
        for col in range(S.shape[1]):
            E += R[:, S[:, col]] * V[:, col]
        E = np.abs(E).max(axis=0)
        n_in += S.shape[0]
        fails += int(np.sum(E > eps))
        top = max(top, float(E.max()))

    if exhaustive:
        # every vertex: values in {0, 1} (nonnegative: a smaller support can be worse) or {-1, 1} on each support
        pats = np.array(list(itertools.product((0.0, 1.0) if nonnegative else (-1.0, 1.0), repeat=k)))
        combos = itertools.combinations(range(m), k)
        per = max(1, chunk // pats.shape[0])
        while True:
            block = np.array(list(itertools.islice(combos, per)), dtype=np.int64).reshape(-1, k)
            if block.shape[0] == 0:
                break
            feed(np.repeat(block, pats.shape[0], axis=0), np.tile(pats, (block.shape[0], 1)))
    else:
        gen = as_rng(rng)
        left = samples
        while left > 0:
            nb = min(chunk, left)
            Zs = sample_sparse_inputs(m=m, k=k, batch=nb, nonnegative=nonnegative, values=values, rng=gen)
            S = np.sort(np.argsort(Zs == 0, axis=1, kind="stable")[:, :k], axis=1)
            feed(S, np.take_along_axis(Zs, S, axis=1))
            left -= nb
    i = int(np.argmax(worst))
    return AccessCheck(
        m=m,
        dim=dim,
        k=k,
        eps=eps,
        nonnegative=nonnegative,
        worst_error=float(worst[i]),
        worst_feature=i,
        ok=bool(worst[i] <= eps),
        n_inputs=n_in,
        failures=fails,
        max_tested_error=top,
        exhaustive=exhaustive,
    )


# ----------------------------------------------------------------------------------------------
# the best linear decoder for a given encoder
# ----------------------------------------------------------------------------------------------


def optimal_linear_decoder(
    A: ArrayLike, *, k: int, nonnegative: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""The linear decoder minimising each feature's worst-case error, one linear program per feature.

    .. math:: b_i^\star = \arg\min_{b \in \mathbb R^d}\ \text{top-}k\ \big|A^\top b - e_i\big|,
              \qquad \text{top-}k\,|v| = \min_{\lambda \ge 0}\ k\lambda + \textstyle\sum_j (|v_j| - \lambda)_+ ,

    written as an LP (variables :math:`b, \lambda, u \ge 0`) and solved by HiGHS. With
    ``nonnegative`` the objective is the larger of the top-``k`` positive and negative parts (two
    such blocks and an epigraph variable). Row ``i`` of the returned decoder is :math:`b_i^\star`;
    no linear decoder reads feature ``i`` of this ``A`` better in the worst case.

    Parameters
    ----------
    A : array_like, shape (dim, m)
    k : int
    nonnegative : bool

    Returns
    -------
    (ndarray, ndarray)
        Decoder ``B`` of shape ``(m, dim)`` and the optimal worst-case errors, shape ``(m,)``
        (recomputed exactly from ``B`` with :func:`linear_access_error`).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]])
    >>> B, err = optimal_linear_decoder(A, k=1)
    >>> bool(np.all(err <= linear_access_error(A, k=1) + 1e-9))
    True

    References
    ----------
    .. [1] Garg, N., Kleinberg, J. and Peng, K. (2026). arXiv:2602.11246
    """
    k = check_int(k, "k", minimum=1)
    nonnegative = check_bool(nonnegative, "nonnegative")
    A = check_frame(A, "A", allow_zero_columns=True)
    dim, m = A.shape
    check_size(m, "m (columns of A)", maximum=2048, why="one LP with m + dim variables per feature")
    # the LP is invariant under A -> cA, b -> b/c: solve it at unit scale (HiGHS reads entries beyond
    # 1e20 as infinite and tiny ones as zero), with c a power of two so that the rescaling is exact
    top = float(np.max(np.abs(A)))
    c = 2.0 ** round(math.log2(top)) if top > 0 else 1.0
    solve = _decoder_lp(A / c, k, nonnegative)
    B = np.zeros((m, dim))
    for i in range(m):
        B[i] = solve(i)[0] / c
    return B, linear_access_error(A, B, k=k, nonnegative=nonnegative)


def _decoder_lp(A: NDArray[np.float64], k: int, nonnegative: bool) -> Any:
    """The LP of :func:`optimal_linear_decoder`, built once; returns ``i -> (b_i, optimal error)``."""
    dim, m = A.shape
    kk = min(k, m)
    At = sparse.csr_matrix(A.T)
    Im = sparse.identity(m, format="csr")
    col = sparse.csr_matrix(np.ones((m, 1)))
    Z = lambda r, c: sparse.csr_matrix((r, c))  # noqa: E731
    if not nonnegative:
        # variables [b (dim), lam, u (m)]:  +-(A^T b) - lam - u <= +-e_i ; objective k lam + sum u
        A_ub = sparse.bmat([[At, -col, -Im], [-At, -col, -Im]], format="csr")
        c = np.concatenate([np.zeros(dim), [kk], np.ones(m)])
    else:
        # variables [b, lam1, u1 (m), lam2, u2 (m), t]: positive and negative parts, each top-k sum <= t
        ones = sparse.csr_matrix(np.ones((1, m)))
        row1 = sparse.hstack([Z(1, dim), sparse.csr_matrix([[kk]]), ones, Z(1, 1 + m), sparse.csr_matrix([[-1.0]])])
        row2 = sparse.hstack([Z(1, dim + 1 + m), sparse.csr_matrix([[kk]]), ones, sparse.csr_matrix([[-1.0]])])
        A_ub = sparse.bmat(
            [[At, -col, -Im, Z(m, 1 + m), Z(m, 1)], [-At, Z(m, 1 + m), -col, -Im, Z(m, 1)]], format="csr"
        )
        A_ub = sparse.vstack([A_ub, row1, row2], format="csr")
        c = np.zeros(A_ub.shape[1])
        c[-1] = 1.0
    nv = A_ub.shape[1]
    bounds = [(None, None)] * dim + [(0, None)] * (nv - dim)
    tail = [np.zeros(2)] if nonnegative else []

    def solve(i: int) -> tuple[NDArray[np.float64], float]:
        e = np.zeros(m)
        e[i] = 1.0
        res = optimize.linprog(c, A_ub=A_ub, b_ub=np.concatenate([e, -e, *tail]), bounds=bounds, method="highs")
        if res.status != 0:
            raise RuntimeError(f"HiGHS failed on feature {i}: {res.message}")
        return res.x[:dim], float(res.fun)

    return solve


# ----------------------------------------------------------------------------------------------
# bounds: the paper's orders (constant as a parameter) and proven finite numbers
# ----------------------------------------------------------------------------------------------


def linear_access_lower_order(*, m: int, k: int, constant: float = 1.0, eps: float | None = None) -> Bound:
    r"""The paper's lower bound as an order of magnitude: :math:`C\,\frac{k^2}{\ln k}\ln\frac mk`.

    .. math:: d = \Omega_\varepsilon\Big(\frac{k^2}{\log k}\log\frac mk\Big)
              \quad\text{for}\quad \varepsilon > \frac{\sqrt5\,k^{3/2}}{\sqrt m}

    (Garg, Kleinberg & Peng 2026, Theorem 3). The constant and its dependence on
    :math:`\varepsilon` are not stated as numbers, so the value is NOT a proven numeric bound:
    ``constant`` scales it. Valid for ``2 <= k < m`` and, when ``eps`` is given, only under the
    theorem's condition on ``eps`` (otherwise ``valid`` is False and the condition says why). For
    a proven number use :func:`linear_access_lower_bound`.

    Parameters
    ----------
    m, k : int
        Features and sparsity (any size: the value is computed in logarithms).
    constant : float
        :math:`C > 0`.
    eps : float, optional
        The read-out tolerance, in ``(0, 1)``; checked against the theorem's condition
        :math:`\varepsilon > \sqrt5\,k^{3/2}/\sqrt m`.

    Returns
    -------
    Bound
        ``kind="lower"``, ``proven=False``.

    Examples
    --------
    >>> b = linear_access_lower_order(m=10**6, k=10)
    >>> round(b.value, 1), b.proven
    (500.0, False)
    >>> linear_access_lower_order(m=1000, k=10, eps=0.5).valid   # needs eps > 2.24
    False

    References
    ----------
    .. [1] Garg, N., Kleinberg, J. and Peng, K. (2026). How Many Features Can a Language Model
       Store Under the Linear Representation Hypothesis? COLT 2026. arXiv:2602.11246
    """
    m = check_int(m, "m", minimum=1)
    k = check_int(k, "k", minimum=1)
    constant = check_real(constant, "constant", minimum=0.0, strict_min=True)
    if eps is not None:
        eps = check_real(eps, "eps", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    valid = 2 <= k < m
    # Theorem 3's condition, compared in logarithms so that huge m and k cannot overflow
    eps_min_log = 0.5 * math.log(5.0) + 1.5 * math.log(k) - 0.5 * math.log(m)
    eps_ok = eps is None or math.log(eps) > eps_min_log
    value = constant * k * k / math.log(k) * (math.log(m) - math.log(k)) if valid else 0.0
    if not valid:
        condition = "2 <= k < m"
    elif not eps_ok:
        condition = (
            f"Theorem 3 needs eps > sqrt(5) k^(3/2) / sqrt(m) = {math.exp(min(eps_min_log, 700.0)):.4g}; "
            f"got eps = {eps}"
        )
    else:
        condition = (
            "asymptotic Omega_eps(k^2/log k * log(m/k)) for eps > sqrt(5) k^(3/2)/sqrt(m) (Theorem 3); "
            "constant C is a parameter, not a proven numeric bound"
        )
    params: dict[str, float] = {"m": m, "k": k, "constant": constant}
    if eps is not None:
        params["eps"] = eps
    return Bound(
        value,
        "garg_lower_order",
        GARG_2026,
        kind="lower",
        quantity="dimensions for linear access",
        valid=valid and eps_ok,
        condition=condition,
        params=params,
        proven=False,
    )


def linear_access_upper_order(*, m: int, k: int, eps: float = 0.5, constant: float = 1.0) -> Bound:
    r"""The paper's upper bound as an order of magnitude: :math:`C\,k^2\ln m/\varepsilon^2`.

    .. math:: d = O_\varepsilon(k^2 \log m)

    (abstract). The :math:`1/\varepsilon^2` is the dependence of the random construction's
    coherence argument (a secondary summary of the paper states
    :math:`O(k^2\log m/\varepsilon^2)`); the constant is not stated, so the value is NOT a proven
    numeric bound. For a proven number use :func:`rademacher_access_dim`.

    Parameters
    ----------
    m, k : int
    eps : float
        In ``(0, 1)``.
    constant : float

    Returns
    -------
    Bound
        ``kind="upper"``, ``proven=False``; the value is a float, correctly rounded from the exact
        expression (the logarithm rounded once).

    Raises
    ------
    ValueError
        When the value is beyond the floating-point range (above about 1.8e308, e.g. ``eps=1e-300``).

    Examples
    --------
    >>> round(linear_access_upper_order(m=1000, k=4, eps=0.5).value, 2)
    442.1

    References
    ----------
    .. [1] Garg, N., Kleinberg, J. and Peng, K. (2026). arXiv:2602.11246
    """
    m = check_int(m, "m", minimum=2)
    k = check_int(k, "k", minimum=1, maximum=m)  # at most m features are active
    eps = _check_eps(eps)
    constant = check_real(constant, "constant", minimum=0.0, strict_min=True)
    # in exact rationals (but for ln m, rounded once): eps**2 would underflow for eps < 1.5e-154
    exact = Fraction(constant) * k * k * Fraction(math.log(m)) / Fraction(eps) ** 2
    if exact > _FLOAT_MAX:
        raise ValueError(
            f"linear_access_upper_order: constant * k^2 ln(m) / eps^2 = 10^{_log10(exact):.1f} is beyond the "
            f"floating-point range (about 1.8e308) at m={m}, k={k}, eps={eps:g}, constant={constant:g}; "
            "use a larger eps or a smaller constant"
        )
    value = float(exact)
    return Bound(
        value,
        "garg_upper_order",
        GARG_2026,
        kind="upper",
        quantity="dimensions for linear access",
        condition="asymptotic O_eps(k^2 log m); constant C is a parameter, not a proven numeric bound",
        params={"m": m, "k": k, "eps": eps, "constant": constant},
        proven=False,
    )


def rademacher_access_dim(*, m: int, k: int, eps: float, failure_prob: float = 0.5) -> Bound:
    r"""A dimension that provably suffices for the random sign construction with decoder :math:`A^\top`.

    .. math:: d = \Big\lceil \frac{2k^2}{\varepsilon^2}\,\ln\frac{m(m-1)}{\delta} \Big\rceil
              \ \Rightarrow\ \Pr\Big[\max_i e_i(A, A^\top) \le \varepsilon\Big] \ge 1 - \delta

    for :math:`A` with iid :math:`\pm 1/\sqrt d` entries. Proof: the diagonal of :math:`A^\top A` is
    exactly 1, so :math:`e_i` is at most ``k`` times the coherence :math:`\mu`; Hoeffding gives
    :math:`\Pr[|\langle a_i, a_j\rangle| \ge t] \le 2e^{-dt^2/2}`, and a union bound over the
    :math:`\binom m2` pairs at :math:`t = \varepsilon/k` gives :math:`\Pr[\mu \ge \varepsilon/k] \le
    m(m-1)e^{-d\varepsilon^2/(2k^2)} \le \delta`. This is the :math:`O(k^2\log m/\varepsilon^2)`
    construction of the paper's upper bound with explicit constants (signed and nonnegative inputs).

    Parameters
    ----------
    m : int
        ``2 <= m <= 10**15``.
    k : int
    eps : float
        In ``(0, 1)``.
    failure_prob : float
        :math:`\delta \in (0, 1)`.

    Returns
    -------
    Bound
        ``kind="upper"`` on the dimension needed; proven. The value is the exact integer (decimal
        arithmetic with correctly rounded logarithms, as many digits as it has).

    Raises
    ------
    ValueError
        When the dimension is beyond the floating-point range (above about 1.8e308: a
        :class:`~theory.geometry.Bound` converts to float), e.g. ``eps=1e-300``.

    Examples
    --------
    >>> rademacher_access_dim(m=1000, k=2, eps=0.5, failure_prob=0.5).value
    465
    >>> rademacher_access_dim(m=1000, k=2, eps=1e-100, failure_prob=0.5).value > 10**200
    True

    References
    ----------
    .. [1] Garg, N., Kleinberg, J. and Peng, K. (2026). arXiv:2602.11246 (upper bound)
    .. [2] Hoeffding, W. (1963). doi:10.1080/01621459.1963.10500830
    """
    m = check_int(m, "m", minimum=2, maximum=MAX_M_FORMULA)
    k = check_int(k, "k", minimum=1, maximum=m)  # at most m features are active
    eps = _check_eps(eps)
    delta = check_probability(failure_prob, "failure_prob", allow_zero=False, allow_one=False)
    # 2 k^2 ln(m(m-1)/delta) / eps^2, ln's argument >= 2: estimated in floats, then exact in decimals
    log10_d = math.log10(2 * k * k) + math.log10(math.log(m * (m - 1)) - math.log(delta)) - 2 * math.log10(eps)
    if log10_d > _LOG10_FLOAT_MAX:
        raise ValueError(
            f"rademacher_access_dim: the dimension 2 k^2 ln(m(m-1)/failure_prob) / eps^2 = 10^{log10_d:.1f} is "
            f"beyond the floating-point range of a Bound (about 1.8e308) at m={m}, k={k}, eps={eps:g}, "
            f"failure_prob={delta:g}; use a larger eps"
        )
    D = decimal.Decimal
    e, q = D(eps), D(delta)  # exact
    d = _exact_ceil(lambda: 2 * k * k * (D(m * (m - 1)) / q).ln() / (e * e))
    if d > _FLOAT_MAX:  # the float estimate was within rounding of the limit
        raise ValueError(f"rademacher_access_dim: the dimension at eps={eps:g} is beyond the floating-point range")
    return Bound(
        d,
        "rademacher_access",
        cite("garg2026", "hoeffding1963"),
        kind="upper",
        quantity="dimensions for linear access",
        condition=f"random +-1/sqrt(d) frame with decoder A^T; holds with probability >= {1 - delta:g}",
        params={"m": m, "k": k, "eps": eps, "failure_prob": delta},
    )


def _log_comb(d: float, r: int) -> float:
    """ln C(d + r - 1, r)."""
    return math.lgamma(d + r) - math.lgamma(r + 1) - math.lgamma(d)


def _min_dim_for(log_target: float, r: int, hi: int) -> int:
    """Smallest integer d in [1, hi] with ln C(d+r-1, r) >= log_target (a margin keeps it a lower bound)."""
    ok = lambda d: _log_comb(float(d), r) + _LOG_MARGIN * (1.0 + abs(log_target)) >= log_target  # noqa: E731
    if ok(1):
        return 1
    if not ok(hi):
        return hi
    lo_, hi_ = 1, hi
    while hi_ - lo_ > 1:
        mid = (lo_ + hi_) // 2
        if ok(mid):
            hi_ = mid
        else:
            lo_ = mid
    return hi_


def linear_access_lower_bound(*, m: int, k: int, eps: float, nonnegative: bool = False, max_power: int = 64) -> Bound:
    r"""A dimension every ``eps``-linear-access scheme needs: the paper's proof route with explicit constants.

    Let :math:`M = BA` (rank :math:`\le d`). Inputs :math:`e_i` give :math:`|M_{ii} - 1| \le
    \varepsilon`; inputs with :math:`z_i = 0` and ``k`` signed ones off ``i`` give
    :math:`\sum_{\text{top-}k,\,j\ne i}|M_{ij}| \le \varepsilon` (``nonnegative``: the positive and the
    negative parts each :math:`\le\varepsilon`). For a threshold :math:`t = \varepsilon/(D+1)`,
    :math:`D < k`, each row then has at most :math:`D` (``nonnegative``: :math:`2D`) entries above
    :math:`t`; the graph joining :math:`i, j` when :math:`|M_{ij}|` or :math:`|M_{ji}|` exceeds
    :math:`t` has average degree :math:`\le 2D'`, so (Turán / Caro–Wei) an independent set of size
    :math:`s = \lceil m/(2D'+1)\rceil`. On it :math:`Q = \mathrm{diag}(M)^{-1}M` has unit diagonal
    and off-diagonal entries :math:`\le \delta = t/(1-\varepsilon)`. Alon's argument: the Hadamard
    power :math:`Q^{\circ r}` has rank :math:`\le \binom{d+r-1}{r}`, and the trace bound
    :math:`\mathrm{rank}(X) \ge (\mathrm{tr}X)^2/\lVert X\rVert_F^2` gives

    .. math:: \binom{d+r-1}{r} \ \ge\ \frac{s}{1 + (s-1)\,\delta^{2r}} .

    The returned value is the largest over :math:`D` and :math:`r \le` ``max_power`` of the
    smallest ``d`` meeting this, so every scheme has at least that many dimensions. Its growth is
    the paper's :math:`k^2\log(m/k)/(\varepsilon^2\log(k/\varepsilon))`; at small sizes it is far
    below the dimensions random constructions need.

    The definition is the :math:`\ell_\infty` one of this module (inputs bounded by 1 entrywise);
    the paper's exact accuracy notion could not be checked against its full text (see the docs).

    Parameters
    ----------
    m : int
        ``1 <= m <= 10**15``.
    k : int
    eps : float
        In ``(0, 1)``.
    nonnegative : bool
    max_power : int
        Largest Hadamard power tried.

    Returns
    -------
    Bound
        ``kind="lower"``, proven; ``params`` records the best ``D``, ``s`` and ``r``.

    Examples
    --------
    >>> linear_access_lower_bound(m=64, k=2, eps=0.25).value
    14
    >>> linear_access_lower_bound(m=10**6, k=10, eps=0.1).value > 1000
    True

    References
    ----------
    .. [1] Garg, N., Kleinberg, J. and Peng, K. (2026). arXiv:2602.11246 (lower bound via Alon's
       rank bound and Turán's theorem)
    .. [2] Alon, N. (2003). Problems and results in extremal combinatorics I. Discrete Math. 273,
       31-53. doi:10.1016/S0012-365X(03)00227-9
    """
    m = check_int(m, "m", minimum=1, maximum=MAX_M_FORMULA)
    k = check_int(k, "k", minimum=1)
    eps = _check_eps(eps)
    nonnegative = check_bool(nonnegative, "nonnegative")
    max_power = check_int(max_power, "max_power", minimum=1, maximum=4096)
    kk = max(1, min(k, m - 1))
    Ds = sorted(
        {0, kk - 1}
        | {int(x) for x in np.unique(np.round(np.geomspace(1, max(kk - 1, 1), 80))) if 0 <= int(x) <= kk - 1}
    )
    best, arg = 1, {"D": 0, "s": m, "r": 1}
    for D in Ds:
        deg = 2 * D if nonnegative else D
        s = -(-m // (2 * deg + 1))
        # delta = t / (1 - eps) with t = eps / (D + 1), in logarithms (eps / (D + 1) may underflow)
        log_delta = math.log(eps) - math.log(D + 1) - math.log1p(-eps)
        if s <= 1:
            continue
        for r in range(1, max_power + 1):
            log_den = np.logaddexp(0.0, math.log(s - 1) + 2 * r * log_delta)
            log_target = math.log(s) - float(log_den)
            d = _min_dim_for(log_target, r, s)
            if d > best:
                best, arg = d, {"D": D, "s": s, "r": r}
            if log_delta >= 0.0 or 2 * r * log_delta < -math.log(s) - 5:
                break  # larger powers cannot help once delta^(2r) * s is negligible
    return Bound(
        best,
        "linear_access_rank",
        cite("garg2026", "alon2003"),
        kind="lower",
        quantity="dimensions for linear access",
        condition="every linear decoder, l_inf error <= eps on all k-sparse inputs in [-1,1]^m"
        + (" ([0,1]^m)" if nonnegative else ""),
        params={"m": m, "k": k, "eps": eps, "nonnegative": nonnegative, **arg},
    )


# ----------------------------------------------------------------------------------------------
# the random construction and empirical minimal dimensions
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessConstruction:
    r"""The random sign construction at the dimension of :func:`rademacher_access_dim`.

    Attributes
    ----------
    A : ndarray, shape (dim, m)
        Encoder; the decoder is ``A.T``.
    dim : int
    check : AccessCheck
        Exact worst case plus the sampled/exhaustive test.
    predicted : Bound
        The dimension bound used.
    """

    A: NDArray[np.float64]
    dim: int
    check: AccessCheck
    predicted: Bound

    def __repr__(self) -> str:
        return (
            f"AccessConstruction(dim={self.dim}, m={self.A.shape[1]}, worst_error={self.check.worst_error:.4g}, "
            f"ok={self.check.ok})"
        )

    __str__ = __repr__


def linear_access_construction(
    *, m: int, k: int, eps: float, failure_prob: float = 0.5, dim: int | None = None, samples: int = 2000, rng: Any = 0
) -> AccessConstruction:
    r"""Build the random :math:`\pm1/\sqrt d` encoder with decoder :math:`A^\top` and check it.

    .. math:: A_{ij} \in \{\pm 1/\sqrt d\} \text{ iid},\quad B = A^\top,\quad
              d = \Big\lceil \tfrac{2k^2}{\varepsilon^2}\ln\tfrac{m(m-1)}{\delta}\Big\rceil

    (or the given ``dim``), then :func:`check_linear_access` (exact worst case over all
    ``k``-sparse inputs, plus ``samples`` sampled inputs or all of them for tiny cases).

    Parameters
    ----------
    m, k : int
    eps : float
    failure_prob : float
    dim : int, optional
        Override the predicted dimension.
    samples : int
    rng : Generator or int seed

    Returns
    -------
    AccessConstruction

    Examples
    --------
    >>> c = linear_access_construction(m=40, k=2, eps=0.6, samples=200)
    >>> c.dim, c.check.ok
    (179, True)

    References
    ----------
    .. [1] Garg, N., Kleinberg, J. and Peng, K. (2026). arXiv:2602.11246
    """
    pred = rademacher_access_dim(m=m, k=k, eps=eps, failure_prob=failure_prob)
    d = int(pred.value) if dim is None else check_int(dim, "dim", minimum=1)
    check_size(m, "m", maximum=MAX_FEATURES, why="B @ A has m**2 entries")
    what = f"the predicted dimension for k={k}, eps={eps}" if dim is None else f"dim={d}"
    check_memory(estimate_bytes(d, m), f"a ({d}, {m}) encoder ({what}, m={m})")
    gen = as_rng(rng)
    A = random_frame(d, m, kind="rademacher", rng=gen)
    chk = check_linear_access(A, k=k, eps=eps, samples=samples, rng=gen)
    return AccessConstruction(A=A, dim=d, check=chk, predicted=pred)


@dataclass(frozen=True)
class MinDim:
    """Empirical smallest dimension at which a read-out meets its criterion.

    Attributes
    ----------
    method : str
        ``"linear"`` (decoder ``A.T``), ``"linear_opt"`` (LP-optimal decoder), ``"relu"`` or ``"l1"``.
    m, k : int
    eps : float
    dim : int or None
        Smallest dimension found (None: not reached by ``max_dim``).
    trials : int
    success : dict
        Dimension -> fraction of trials meeting the criterion, for every dimension evaluated.
    """

    method: str
    m: int
    k: int
    eps: float
    dim: int | None
    trials: int
    success: dict[int, float]

    def __repr__(self) -> str:
        return f"MinDim(method={self.method!r}, m={self.m}, k={self.k}, eps={self.eps:g}, dim={self.dim})"

    __str__ = __repr__


def _trial_ok(
    method: str, A: NDArray[np.float64], k: int, eps: float, nonnegative: bool, gen: np.random.Generator
) -> bool:
    if method == "linear":
        return bool(linear_access_error(A, k=k, nonnegative=nonnegative).max() <= eps)
    if method == "linear_opt":  # stop at the first feature no linear decoder reads within eps
        solve = _decoder_lp(A, k, nonnegative)
        return all(solve(i)[1] <= eps + 1e-9 for i in range(A.shape[1]))
    if method == "relu":
        parts = _relu_parts(A.T @ A, k)
        grid = -np.linspace(0.0, 1.0, 201)[:, None]
        errs = _relu_err(tuple(q[None, :] for q in parts), grid)  # (bias, m)
        return bool(errs.min(axis=0).max() <= eps)  # best bias per feature
    from theory.interference.recovery import l1_recovers

    m = A.shape[1]
    S = gen.choice(m, size=k, replace=False)
    x = np.zeros(m)
    x[S] = gen.choice([-1.0, 1.0], size=k) * (0.5 + gen.random(k))
    return bool(l1_recovers(A, x)[0])


def min_access_dim(
    *,
    m: int,
    k: int,
    eps: float = 0.5,
    method: str = "linear",
    trials: int = 4,
    nonnegative: bool = False,
    max_dim: int | None = None,
    rng: Any = 0,
) -> MinDim:
    r"""Smallest dimension at which random unit-norm frames meet a read-out criterion in at least half the trials.

    Criteria (``A`` uniform unit columns, ``d x m``):

    * ``"linear"``: :math:`\max_i e_i(A, A^\top) \le \varepsilon` over **every** ``k``-sparse input;
    * ``"linear_opt"``: the same with the LP-optimal decoder of :func:`optimal_linear_decoder`;
    * ``"relu"``: every nonnegative ``k``-sparse input read by :math:`\mathrm{ReLU}(A^\top Az + b)`
      within :math:`\varepsilon`, per-feature bias chosen on a grid (:func:`relu_access_error`);
    * ``"l1"``: basis pursuit recovers one random ``k``-sparse input exactly (a *typical* input, the
      criterion of the :math:`\ell_1` phase transition, :func:`~theory.interference.l1_recovers`).

    The success fraction is searched by bisection over ``dim`` (treated as monotone), each
    dimension with its own seeds drawn from ``rng``, so results are reproducible.

    Parameters
    ----------
    m, k : int
    eps : float
    method : {"linear", "linear_opt", "relu", "l1"}
    trials : int
    nonnegative : bool
        Input domain of the linear criteria.
    max_dim : int, optional
        Largest dimension searched (default ``m`` for ``"linear_opt"``, else ``4 m``).
    rng : Generator or int seed

    Returns
    -------
    MinDim

    Examples
    --------
    >>> min_access_dim(m=24, k=1, eps=0.5, trials=2).dim
    40
    """
    m = check_size(m, "m", minimum=2, maximum=4096, why="dense frames and one m x m product per trial")
    k = check_int(k, "k", minimum=1, maximum=m)
    eps = _check_eps(eps)
    trials = check_size(trials, "trials", maximum=1000)
    nonnegative = check_bool(nonnegative, "nonnegative")
    if method not in ("linear", "linear_opt", "relu", "l1"):
        raise ValueError(f"method must be 'linear', 'linear_opt', 'relu' or 'l1', got {method!r}")
    if max_dim is None:  # a generic square frame with its LP-optimal decoder is exact, so d = m suffices there
        max_dim = m if method == "linear_opt" else 4 * m
    max_dim = check_size(max_dim, "max_dim", maximum=65536)
    base = int(as_rng(rng).integers(2**31))
    success: dict[int, float] = {}

    def rate(d: int) -> float:
        if d not in success:
            gen = np.random.default_rng([base, d])
            wins = sum(
                _trial_ok(method, random_frame(d, m, kind="sphere", rng=gen), k, eps, nonnegative, gen)
                for _ in range(trials)
            )
            success[d] = wins / trials
        return success[d]

    if rate(max_dim) < 0.5:
        return MinDim(method, m, k, eps, None, trials, dict(sorted(success.items())))
    lo, hi = 0, max_dim
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if rate(mid) >= 0.5:
            hi = mid
        else:
            lo = mid
    return MinDim(method, m, k, eps, hi, trials, dict(sorted(success.items())))


# ----------------------------------------------------------------------------------------------
# the three regimes side by side
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessDims:
    r"""Dimensions for ``k``-sparse features: linear access (bounds and orders) against :math:`\ell_1`.

    Attributes
    ----------
    m, k : int
    eps : float
    lower_bound : Bound
        :func:`linear_access_lower_bound` (proven).
    sufficient : Bound
        :func:`rademacher_access_dim` at ``failure_prob=0.5`` (proven).
    lower_order, upper_order : Bound
        The paper's orders with constant 1 (NOT PROVEN as numbers).
    l1 : float
        :func:`~theory.interference.statistical_dimension_l1` (the :math:`\ell_1` phase transition).
    """

    m: int
    k: int
    eps: float
    lower_bound: Bound
    sufficient: Bound
    lower_order: Bound
    upper_order: Bound
    l1: float

    def __str__(self) -> str:
        lo = f"{self.lower_order.value:.4g}" if self.lower_order.valid else "n/a (k < 2)"
        return "\n".join(
            [
                f"dimensions for k={self.k}-sparse features among m={self.m} (eps={self.eps:g}):",
                f"  linear access, proven lower bound   d >= {self.lower_bound.value:.6g}",
                f"  linear access, random signs suffice d <= {self.sufficient.value:.6g}  (probability >= 1/2)",
                f"  paper's orders (C=1)                 k^2/ln k ln(m/k) = {lo}, k^2 ln m/eps^2 = "
                f"{self.upper_order.value:.4g}  [NOT PROVEN as numbers: constants unstated]",
                f"  l1 decoding (statistical dimension)  d ~ {self.l1:.4g}",
            ]
        )


def access_dims(*, m: int, k: int, eps: float = 0.5) -> AccessDims:
    r"""Linear access against :math:`\ell_1` decoding at one ``(m, k, eps)``.

    .. math:: \underbrace{\Omega\big(\tfrac{k^2}{\log k}\log\tfrac mk\big) \le d_{\rm lin}
              \le O(k^2\log m)}_{\text{linear read-out}}
              \qquad\text{vs}\qquad d_{\ell_1} \approx \delta(\mathcal D(\lVert\cdot\rVert_1)) = O(k\log(m/k)).

    Parameters
    ----------
    m : int
        ``2 <= m <= 10**15``.
    k : int
        ``1 <= k <= m``.
    eps : float

    Returns
    -------
    AccessDims

    Examples
    --------
    >>> r = access_dims(m=10**4, k=8, eps=0.5)
    >>> int(r.lower_bound.value), int(r.sufficient.value), round(r.l1, 1)
    (59, 9787, 78.4)
    """
    m = check_int(m, "m", minimum=2, maximum=MAX_M_FORMULA)
    k = check_int(k, "k", minimum=1, maximum=m)
    return AccessDims(
        m=m,
        k=k,
        eps=_check_eps(eps),
        lower_bound=linear_access_lower_bound(m=m, k=k, eps=eps),
        sufficient=rademacher_access_dim(m=m, k=k, eps=eps),
        lower_order=linear_access_lower_order(m=m, k=k),
        upper_order=linear_access_upper_order(m=m, k=k, eps=eps),
        l1=statistical_dimension_l1(n=m, k=k),
    )
