r"""Compressed computation: the residual-MLP toy of Braun et al. (2025) and the mixing-matrix diagnostic.

Braun et al. (2025) train a one-layer residual MLP that appears to compute ``n = 100`` ReLU
functions with only ``width = 50`` neurons, at a loss below that of a naive model computing 50 of
them exactly. Bhagat et al. (2025, arXiv:2606.14673) show that the gain comes from the *noisy
residual stream*: the fixed random embedding mixes the inputs, and the mixing is a term in the
labels that the MLP can exploit, not computation in superposition.

**The toy.** Features :math:`x \in \mathbb{R}^n`, each independently active with probability
``p`` with value :math:`U[-1, 1]` (else 0). A fixed embedding ``E`` of shape ``(dim, n)`` with
unit columns (feature ``i``'s direction is column ``i``) writes the residual stream
:math:`r = E x`; a bias-free ReLU MLP adds
:math:`W_{\mathrm{out}}\,\mathrm{ReLU}(W_{\mathrm{in}} r)`; the unembedding is :math:`E^\top`:

.. math::
    \hat y = E^\top\bigl(Ex + W_{\mathrm{out}}\,\mathrm{ReLU}(W_{\mathrm{in}} E x)\bigr),\qquad
    y = x + \mathrm{ReLU}(x),\qquad L = \tfrac1n\,\mathbb{E}\lVert \hat y - y\rVert^2 .

**The mixing matrix.** With :math:`G = E^\top E = I + M` (``M`` has zero diagonal, off-diagonal
entries the cosines between feature directions) the model is exactly a residual-free MLP
:math:`B\,\mathrm{ReLU}(Ax)` with :math:`A = W_{\mathrm{in}}E`, :math:`B = E^\top W_{\mathrm{out}}`
trained on the labels

.. math::
    y_{\mathrm{MLP}} = y - Gx = \mathrm{ReLU}(x) - Mx ,

so the residual stream puts the *mixing term* :math:`-Mx` into the MLP's labels. Following
Bhagat et al., ``mixing = s`` scales that term: the labels are
:math:`y = x + \mathrm{ReLU}(x) + (1 - s) M x`, so the MLP's target is
:math:`\mathrm{ReLU}(x) - sMx`; ``s = 1`` is Braun et al.'s toy and ``s = 0`` removes the mixing
(clean labels). An orthogonal embedding (``M = 0``) removes it too.

**Baseline and gain.** The naive model computes ``width`` ReLUs exactly and outputs 0 on the rest:
its loss on the clean task is :math:`\frac{n - \mathrm{width}}{n}\,\frac{p}{6}` (since
:math:`\mathbb{E}[\mathrm{ReLU}(u)^2] = 1/6` for :math:`u \sim U[-1,1]`); Bhagat et al. compare
loss per feature :math:`L/p` with :math:`\frac{n-\mathrm{width}}{6n}`. The gain is
naive loss / model loss (> 1: the model beats the baseline).

**The diagnostic.** For iid features :math:`\mathbb{E}[x_j^2] = p/3`, so the label noise the
mixing adds per feature is exactly

.. math::
    \frac1n\,\mathbb{E}\lVert sMx\rVert^2 = \frac{s^2 p}{3}\,\frac{\lVert M\rVert_F^2}{n},
    \qquad \mathbb{E}\,\frac{\lVert M\rVert_F^2}{n} = \frac{n-1}{\mathrm{dim}}
    \ \text{(uniformly random unit columns)},

and the eigenvalues of ``M`` fill the Marchenko–Pastur interval
:math:`[(1-\sqrt{n/\mathrm{dim}})^2 - 1, (1+\sqrt{n/\mathrm{dim}})^2 - 1]` for Gaussian columns.

**The SNMF baseline.** Bhagat et al.'s baseline uses no training: a semi-nonnegative
factorisation :math:`I - sM \approx UV`, :math:`U \ge 0` of rank ``width``
(:func:`semi_nmf`), gives the MLP :math:`\mathrm{ReLU}(xU)\,V`, which is exact up to the
factorisation on one positive input at a time (:func:`snmf_baseline`).

References
----------
.. [1] Braun, D., Bushnaq, L., Heimersheim, S., Mendel, J. and Sharkey, L. (2025). Interpretability
   in parameter space: minimizing mechanistic description length with attribution-based parameter
   decomposition. arXiv:2501.14926.
.. [2] Bhagat, J., Molas-Medina, S., Giglemiani, G. and Heimersheim, S. (2025). Compressed
   computation is (probably) not computation in superposition. Mechanistic Interpretability
   Workshop at NeurIPS 2025; arXiv:2606.14673.
.. [3] Ding, C., Li, T. and Jordan, M. I. (2010). Convex and semi-nonnegative matrix
   factorizations. IEEE TPAMI 32(1), 45-55. doi:10.1109/TPAMI.2008.277
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import threadpoolctl
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from theory._optim import AdamW, FlatParams
from theory._validation import (
    as_rng,
    check_array,
    check_memory,
    check_probability,
    check_real,
    check_size,
    estimate_bytes,
)
from theory._warnings import TheoryWarning

__all__ = [
    "CONDITIONS",
    "CompressedAblation",
    "CompressedResult",
    "MixingDiagnostic",
    "SNMFBaseline",
    "SemiNMF",
    "compressed_ablation",
    "compressed_cell",
    "compressed_loss",
    "label_noise",
    "mixing_diagnostic",
    "mixing_matrix",
    "naive_loss",
    "naive_weights",
    "residual_embedding",
    "sample_features",
    "semi_nmf",
    "snmf_baseline",
    "train_compressed",
]


_MAX_N = 4096
_MAX_DIM = 65536
_MAX_WIDTH = 4096
_MAX_SEEDS = 256
_MAX_BATCH = 2**20
_MAX_STEPS = 10**6
_MAX_LR = 10.0  # Adam moves each weight by about lr per step
_MAX_MIXING = 1e6  # the label noise grows as mixing**2; far larger scales only overflow
_CHUNK = 8192
_EMBEDDINGS = ("random", "orthogonal")


# ----------------------------------------------------------------------------------------------
# data, embedding, mixing matrix
# ----------------------------------------------------------------------------------------------


def sample_features(batch: int, *, n: int = 100, p: float = 0.01, rng: Any = 0) -> NDArray[np.float64]:
    r"""Sparse features of the toy: each entry active with probability ``p``, value :math:`U[-1, 1]`.

    .. math:: x_i = b_i u_i,\quad b_i \sim \mathrm{Bernoulli}(p),\ u_i \sim U[-1, 1]\ \text{iid},
        \qquad \mathbb{E}[x_i^2] = p/3 .

    Parameters
    ----------
    batch : int
        Number of samples (rows).
    n : int
        Number of features.
    p : float
        Feature probability, in [0, 1].
    rng : Generator or int
        Randomness (fixed default seed).

    Returns
    -------
    ndarray, shape (batch, n)

    Examples
    --------
    >>> x = sample_features(4, n=5, p=0.5, rng=0)
    >>> x.shape, bool(np.all(np.abs(x) <= 1))
    ((4, 5), True)
    """
    batch = check_size(batch, "batch", maximum=_MAX_BATCH)
    n = check_size(n, "n", maximum=_MAX_N)
    p = check_probability(p, "p")
    check_memory(estimate_bytes(batch, n, 2), f"a ({batch}, {n}) feature batch")
    gen = as_rng(rng)
    return _sample(gen, (batch, n), p)


def _sample(gen: np.random.Generator, shape: tuple[int, ...], p: float) -> NDArray[np.float64]:
    x = np.zeros(shape)
    active = gen.random(shape) < p
    x[active] = gen.uniform(-1.0, 1.0, int(np.count_nonzero(active)))
    return x


def residual_embedding(*, n: int = 100, dim: int = 1000, kind: str = "random", rng: Any = 0) -> NDArray[np.float64]:
    r"""A fixed embedding ``E`` of shape ``(dim, n)`` with unit columns.

    ``"random"``: iid Gaussian columns normalised to unit length (Braun et al.'s fixed random
    embedding; its mixing matrix :math:`E^\top E - I` is not zero). ``"orthogonal"``: orthonormal
    columns (needs ``dim >= n``), so the mixing matrix is exactly zero.

    Parameters
    ----------
    n, dim : int
        Features and residual-stream dimension.
    kind : {"random", "orthogonal"}
    rng : Generator or int

    Returns
    -------
    ndarray, shape (dim, n)

    Examples
    --------
    >>> E = residual_embedding(n=3, dim=5, kind="orthogonal", rng=0)
    >>> bool(np.allclose(E.T @ E, np.eye(3)))
    True
    """
    n = check_size(n, "n", maximum=_MAX_N)
    dim = check_size(dim, "dim", maximum=_MAX_DIM)
    if kind not in _EMBEDDINGS:
        raise ValueError(f"kind must be one of {_EMBEDDINGS}, got {kind!r}")
    if kind == "orthogonal" and dim < n:
        raise ValueError(f"an orthogonal embedding needs dim >= n, got dim={dim} < n={n}")
    check_memory(estimate_bytes(dim, n, 2), f"a ({dim}, {n}) embedding")
    gen = as_rng(rng)
    return _embedding(gen, n, dim, kind)


def _embedding(gen: np.random.Generator, n: int, dim: int, kind: str) -> NDArray[np.float64]:
    g = gen.standard_normal((dim, n))
    if kind == "orthogonal":
        q, r = np.linalg.qr(g)
        return q * np.sign(np.diag(r))
    return g / np.linalg.norm(g, axis=0)


def _check_embedding(E: ArrayLike, name: str = "E") -> NDArray[np.float64]:
    E = check_array(E, name, ndim=2)
    dim, n = E.shape
    if n < 1 or dim < 1:
        raise ValueError(f"{name} must have shape (dim, n) with dim, n >= 1, got {E.shape}")
    check_size(n, f"n (columns of {name})", maximum=_MAX_N)
    check_size(dim, f"dim (rows of {name})", maximum=_MAX_DIM)
    norms = np.linalg.norm(E, axis=0)
    if not np.allclose(norms, 1.0, rtol=0, atol=1e-6):
        raise ValueError(
            f"{name} must have unit columns (the toy's embedding), got column norms in "
            f"[{norms.min():.4g}, {norms.max():.4g}]"
        )
    return E


def mixing_matrix(E: ArrayLike) -> NDArray[np.float64]:
    r"""The mixing matrix :math:`M = E^\top E - I` of an embedding with unit columns.

    The residual stream read out by :math:`E^\top` returns :math:`(I + M)x` instead of ``x``;
    :math:`M_{ij}` is the cosine between feature directions ``i`` and ``j`` and its diagonal is
    zero. The toy's MLP is trained on the labels :math:`\mathrm{ReLU}(x) - Mx`.

    Parameters
    ----------
    E : array_like, shape (dim, n)
        Unit columns.

    Returns
    -------
    ndarray, shape (n, n), symmetric with zero diagonal

    Examples
    --------
    >>> E = np.array([[1.0, 0.6], [0.0, 0.8]])
    >>> mixing_matrix(E)
    array([[0. , 0.6],
           [0.6, 0. ]])
    """
    E = _check_embedding(E)
    M = E.T @ E
    np.fill_diagonal(M, 0.0)
    return (M + M.T) / 2


def naive_loss(*, n: int = 100, width: int = 50, p: float = 0.01) -> float:
    r"""Loss of the naive model: ``width`` ReLUs computed exactly, the other features output 0.

    .. math:: L_{\mathrm{naive}} = \frac{n - \mathrm{width}}{n}\cdot\frac{p}{6}

    (mean squared error per feature on the clean labels :math:`\mathrm{ReLU}(x)`, since
    :math:`\mathbb{E}[\mathrm{ReLU}(u)^2] = 1/6` for :math:`u \sim U[-1, 1]`). Bhagat et al. plot
    :math:`L/p` against :math:`(n - \mathrm{width})/(6n)`. With ``width >= n`` it is 0.

    Parameters
    ----------
    n, width : int
    p : float

    Returns
    -------
    float

    Examples
    --------
    >>> naive_loss(n=100, width=50, p=0.01) * 12 / 0.01
    1.0
    """
    n = check_size(n, "n", maximum=_MAX_N)
    width = check_size(width, "width", maximum=_MAX_WIDTH)
    p = check_probability(p, "p")
    return max(n - width, 0) / n * p / 6.0


def naive_weights(E: ArrayLike, *, width: int = 50) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Weights of the naive model in the residual architecture: neuron ``i`` computes feature ``i``'s ReLU.

    :math:`W_{\mathrm{in}} = P^\top E^{+}`, :math:`W_{\mathrm{out}} = (E^{\top})^{+} P` with ``P`` the
    first ``width`` columns of the identity, so that :math:`A = W_{\mathrm{in}}E` and
    :math:`B = E^\top W_{\mathrm{out}}` select the first ``width`` features. Its MLP output is
    :math:`\mathrm{ReLU}(x_i)` on those features and 0 elsewhere (``E`` must have independent
    columns).

    Parameters
    ----------
    E : array_like, shape (dim, n)
    width : int
        Neurons (at most ``n``).

    Returns
    -------
    W_in : ndarray, shape (width, dim)
    W_out : ndarray, shape (dim, width)

    Examples
    --------
    >>> E = residual_embedding(n=4, dim=6, rng=0)
    >>> W_in, W_out = naive_weights(E, width=2)
    >>> bool(np.allclose(W_in @ E, np.eye(4)[:2]))
    True
    """
    E = _check_embedding(E)
    dim, n = E.shape
    width = check_size(
        width, "width", maximum=n, why=f"the naive model computes one feature per neuron; E has n={n} features"
    )
    if np.linalg.matrix_rank(E) < n:
        raise ValueError("E must have linearly independent columns (dim >= n) for the naive model")
    pinv = np.asarray(np.linalg.pinv(E), dtype=np.float64)  # (n, dim); the stubs type pinv as floating
    return pinv[:width].copy(), pinv.T[:, :width].copy()


# ----------------------------------------------------------------------------------------------
# the diagnostic
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MixingDiagnostic:
    r"""The mixing matrix :math:`M = E^\top E - I` of an embedding and the label noise it induces.

    Attributes
    ----------
    n, dim, width : int
    p, mixing : float
        Feature probability and the scale ``s`` of the mixing term in the MLP's labels.
    frobenius : float
        :math:`\lVert M\rVert_F`.
    mean_sq_row : float
        :math:`\lVert M\rVert_F^2/n`, the mean squared norm of a row.
    expected_mean_sq_row : float
        :math:`(n-1)/\mathrm{dim}`, its expectation for uniformly random unit columns.
    max_abs : float
        Largest :math:`|M_{ij}|` (the coherence of ``E``).
    eig_min, eig_max : float
        Extreme eigenvalues of ``M``.
    mp_min, mp_max : float
        Marchenko–Pastur edges :math:`(1 \mp \sqrt{n/\mathrm{dim}})^2 - 1` (``nan`` if ``dim < n``;
        an approximation for Gaussian columns, not a bound).
    label_noise : float
        :math:`s^2 (p/3)\,\lVert M\rVert_F^2/n`, the exact mean squared mixing term per feature.
    naive_loss : float
        The naive baseline on the clean task, :math:`\frac{n-\mathrm{width}}{n}\frac{p}{6}`.
    naive_task_loss : float
        The naive model's loss on the mixed labels: ``naive_loss + label_noise`` (exact: the
        cross term has mean zero).
    top_captured : float
        Fraction of :math:`\lVert K\rVert_F^2` of the linear part :math:`K = I/2 - sM` of the MLP's
        target :math:`\mathrm{ReLU}(x) - sMx = (I/2 - sM)x + |x|/2` that its best rank-``width``
        approximation keeps; ``width/n`` without mixing.
    eigenvalues : ndarray, shape (n,)
        Eigenvalues of ``M``, ascending (not printed).
    """

    n: int
    dim: int
    width: int
    p: float
    mixing: float
    frobenius: float
    mean_sq_row: float
    expected_mean_sq_row: float
    max_abs: float
    eig_min: float
    eig_max: float
    mp_min: float
    mp_max: float
    label_noise: float
    naive_loss: float
    naive_task_loss: float
    top_captured: float
    eigenvalues: NDArray[np.float64] = field(repr=False, compare=False)

    @property
    def noise_ratio(self) -> float:
        """Label noise as a fraction of the naive loss (``inf`` when the naive loss is 0)."""
        return self.label_noise / self.naive_loss if self.naive_loss > 0 else math.inf

    def __str__(self) -> str:
        return (
            f"MixingDiagnostic(n={self.n}, dim={self.dim}, width={self.width}, p={self.p:g}, s={self.mixing:g}): "
            f"|M|_F^2/n = {self.mean_sq_row:.4g} (random expectation {self.expected_mean_sq_row:.4g}), "
            f"max|M_ij| = {self.max_abs:.3g}, eig(M) in [{self.eig_min:.3g}, {self.eig_max:.3g}] "
            f"(Marchenko-Pastur approx. [{self.mp_min:.3g}, {self.mp_max:.3g}]); label noise per feature "
            f"{self.label_noise:.4g} (exact expectation) = {self.noise_ratio:.3g} x naive loss "
            f"{self.naive_loss:.4g}; rank-{self.width} share of the linear target {self.top_captured:.3f}"
        )


def mixing_diagnostic(E: ArrayLike, *, p: float = 0.01, width: int = 50, mixing: float = 1.0) -> MixingDiagnostic:
    r"""Measure the mixing matrix of an embedding and the label noise it puts into the toy's MLP labels.

    .. math::
        M = E^\top E - I,\qquad
        \frac1n\mathbb{E}\lVert sMx\rVert^2 = \frac{s^2p}{3}\frac{\lVert M\rVert_F^2}{n},\qquad
        L_{\mathrm{naive}}^{\mathrm{task}} = \frac{n-\mathrm{width}}{n}\frac p6
            + \frac{s^2p}{3}\frac{\lVert M\rVert_F^2}{n}.

    Parameters
    ----------
    E : array_like, shape (dim, n)
        Embedding with unit columns.
    p : float
        Feature probability.
    width : int
        MLP neurons (for the naive baseline and the rank-``width`` share).
    mixing : float
        Scale ``s`` of the mixing term, in ``[0, 1e6]`` (1: Braun et al.'s toy; 0: clean labels).

    Returns
    -------
    MixingDiagnostic

    Examples
    --------
    >>> d = mixing_diagnostic(residual_embedding(n=3, dim=5, kind="orthogonal"), p=0.1, width=2)
    >>> d.label_noise, round(d.top_captured, 4)
    (0.0, 0.6667)
    >>> E = np.array([[1.0, 0.6], [0.0, 0.8]])       # cos = 0.6 between the two features
    >>> round(mixing_diagnostic(E, p=0.3, width=1).label_noise, 6)   # 0.3/3 * 2 * 0.36 / 2
    0.036
    """
    E = _check_embedding(E)
    dim, n = E.shape
    p = check_probability(p, "p")
    width = check_size(width, "width", maximum=_MAX_WIDTH)
    s = check_real(mixing, "mixing", minimum=0.0, maximum=_MAX_MIXING)
    check_memory(estimate_bytes(n, n, 4), f"the ({n}, {n}) mixing matrix")
    M = mixing_matrix(E)
    eig = np.asarray(np.linalg.eigvalsh(M), dtype=np.float64)  # the stubs type eigvalsh as floating
    fro2 = float(np.sum(M * M))
    mean_sq = fro2 / n
    label = s * s * p / 3.0 * mean_sq
    base = naive_loss(n=n, width=width, p=p)
    K_eig = 0.5 - s * eig
    sq = np.sort(K_eig**2)[::-1]
    top = float(sq[: min(width, n)].sum() / sq.sum()) if sq.sum() > 0 else 1.0
    if dim >= n:
        r = math.sqrt(n / dim)
        mp_lo, mp_hi = (1 - r) ** 2 - 1, (1 + r) ** 2 - 1
    else:
        mp_lo = mp_hi = math.nan
    return MixingDiagnostic(
        n=n,
        dim=dim,
        width=width,
        p=p,
        mixing=s,
        frobenius=math.sqrt(fro2),
        mean_sq_row=mean_sq,
        expected_mean_sq_row=(n - 1) / dim,
        max_abs=float(np.max(np.abs(M))) if n > 1 else 0.0,
        eig_min=float(eig[0]),
        eig_max=float(eig[-1]),
        mp_min=mp_lo,
        mp_max=mp_hi,
        label_noise=label,
        naive_loss=base,
        naive_task_loss=base + label,
        top_captured=top,
        eigenvalues=eig,
    )


def label_noise(E: ArrayLike, *, p: float = 0.01, mixing: float = 1.0, batch: int = 100_000, rng: Any = 0) -> float:
    r"""Monte Carlo estimate of the label noise :math:`\frac1n\mathbb{E}\lVert sMx\rVert^2` of an embedding.

    The independent check of ``MixingDiagnostic.label_noise``: draw ``batch`` feature vectors,
    read them back out of the residual stream, :math:`E^\top E x`, and average the squared
    deviation from ``x`` (scaled by ``s``) over samples and features.

    Parameters
    ----------
    E : array_like, shape (dim, n)
    p, mixing : float
    batch : int
        Monte Carlo samples.
    rng : Generator or int

    Returns
    -------
    float

    Examples
    --------
    >>> E = residual_embedding(n=20, dim=40, rng=0)
    >>> est = label_noise(E, p=0.1, batch=20000, rng=1)
    >>> bool(abs(est / mixing_diagnostic(E, p=0.1, width=10).label_noise - 1) < 0.1)
    True
    """
    E = _check_embedding(E)
    dim, n = E.shape
    p = check_probability(p, "p")
    s = check_real(mixing, "mixing", minimum=0.0, maximum=_MAX_MIXING)
    batch = check_size(batch, "batch", maximum=_MAX_BATCH)
    gen = as_rng(rng)
    G = E.T @ E  # the read-out of the residual stream: x -> E^T E x
    total, done = 0.0, 0
    while done < batch:
        b = min(_CHUNK, batch - done)
        x = _sample(gen, (b, n), p)
        dev = sparse.csr_matrix(x) @ G - x
        total += float(np.sum((s * dev) ** 2))
        done += b
    return total / (batch * n)


# ----------------------------------------------------------------------------------------------
# the model: loss and hand-derived gradients
# ----------------------------------------------------------------------------------------------


def compressed_loss(
    W_in: ArrayLike, W_out: ArrayLike, E: ArrayLike, x: ArrayLike, *, mixing: float = 1.0, grad: bool = False
) -> Any:
    r"""Mean squared error of the residual MLP on a batch, and optionally its gradients.

    .. math::
        \hat y = E^\top\bigl(Ex + W_{\mathrm{out}}\mathrm{ReLU}(W_{\mathrm{in}}Ex)\bigr),\quad
        y = x + \mathrm{ReLU}(x) + (1-s)Mx,\quad L = \frac{1}{bn}\sum_{b,i}(\hat y - y)_{bi}^2,

        \frac{\partial L}{\partial W_{\mathrm{out}}} = E\,g^\top h,\qquad
        \frac{\partial L}{\partial W_{\mathrm{in}}} = \bigl((gB)\odot 1[Ax > 0]\bigr)^\top x\,E^\top,

    with :math:`g = 2(\hat y - y)/(bn)`, :math:`h = \mathrm{ReLU}(xA^\top)`,
    :math:`A = W_{\mathrm{in}}E`, :math:`B = E^\top W_{\mathrm{out}}` (rows of ``x`` are samples).
    A leading seed axis (``W_in`` ``(S, width, dim)``, ``W_out`` ``(S, dim, width)``, ``E``
    ``(S, dim, n)``, ``x`` ``(S, batch, n)``) gives one loss per seed.

    Parameters
    ----------
    W_in : array_like, shape (width, dim) or (S, width, dim)
    W_out : array_like, shape (dim, width) or (S, dim, width)
    E : array_like, shape (dim, n) or (S, dim, n)
        Embedding (unit columns are not checked here).
    x : array_like, shape (batch, n) or (S, batch, n)
    mixing : float
        Scale ``s`` of the mixing term in the MLP's labels.
    grad : bool
        Also return ``(dW_in, dW_out)``.

    Returns
    -------
    loss : float or ndarray (S,)
    grads : tuple of ndarray, only if ``grad``

    Raises
    ------
    ValueError
        When the loss or a gradient is beyond the float range (entries of ``E`` of 1e60, say): refused
        rather than returned as ``inf``.

    Examples
    --------
    >>> E = residual_embedding(n=4, dim=6, kind="orthogonal", rng=0)
    >>> W_in, W_out = naive_weights(E, width=4)           # computes every ReLU exactly
    >>> x = sample_features(100, n=4, p=0.5, rng=1)
    >>> round(compressed_loss(W_in, W_out, E, x), 12)
    0.0
    """
    s = check_real(mixing, "mixing", minimum=0.0, maximum=_MAX_MIXING)
    Wi = check_array(W_in, "W_in", ndim=(2, 3))
    Wo = check_array(W_out, "W_out", ndim=(2, 3))
    Em = check_array(E, "E", ndim=(2, 3))
    xx = check_array(x, "x", ndim=(2, 3))
    single = Wi.ndim == 2
    if {Wo.ndim, Em.ndim, xx.ndim} != {Wi.ndim}:
        raise ValueError("W_in, W_out, E and x must all have a seed axis or none of them")
    if single:
        Wi, Wo, Em, xx = Wi[None], Wo[None], Em[None], xx[None]
    S, width, dim = Wi.shape
    n = Em.shape[2]
    if Wo.shape != (S, dim, width) or Em.shape != (S, dim, n) or xx.shape[0] != S or xx.shape[2] != n:
        raise ValueError(f"shapes do not match: W_in {Wi.shape}, W_out {Wo.shape}, E {Em.shape}, x {xx.shape}")
    # the loss is of degree 6 in E and 2 in the weights: entries within check_array's 1e150 can still overflow it
    # (checked below and refused by name, so numpy's overflow warnings are silenced here)
    with np.errstate(over="ignore", invalid="ignore"):
        G = np.swapaxes(Em, 1, 2) @ Em
        loss, gi, go = _loss_grad(Wi, Wo, Em, G, xx, s, grad)
    if not np.all(np.isfinite(loss)) or (grad and not (np.all(np.isfinite(gi)) and np.all(np.isfinite(go)))):
        raise ValueError(
            "the loss or its gradient exceeds the float range (about 1.8e308): the entries of W_in, W_out, E "
            "or x are too large; rescale them"
        )
    if single:
        return (float(loss[0]), (gi[0], go[0])) if grad else float(loss[0])
    return (loss, (gi, go)) if grad else loss


def _loss_grad(
    Wi: NDArray[np.float64],
    Wo: NDArray[np.float64],
    E: NDArray[np.float64],
    G: NDArray[np.float64],
    x: NDArray[np.float64],
    s: float,
    grad: bool,
) -> tuple[Any, Any, Any]:
    """Batched loss per seed and gradients; ``G = E^T E`` precomputed.

    Rows of ``x`` that are all zero have zero residual (no biases) and are skipped; sparse
    batches are multiplied as CSR matrices.
    """
    S, b, n = x.shape
    width = Wi.shape[1]
    loss = np.zeros(S)
    gi = np.empty_like(Wi) if grad else None
    go = np.empty_like(Wo) if grad else None
    M = G - np.eye(n)
    for k in range(S):
        xk = x[k]
        rows = np.flatnonzero(np.any(xk != 0, axis=1))
        xk = xk[rows]
        xs: Any = sparse.csr_matrix(xk) if xk.size and np.count_nonzero(xk) < 0.2 * xk.size else xk
        A = Wi[k] @ E[k]  # (width, n)
        B = E[k].T @ Wo[k]  # (n, width)
        pre = np.asarray(xs @ A.T)  # (rows, width)
        h = np.maximum(pre, 0.0)
        # residual minus labels: x G + h B^T - x - ReLU(x) - (1 - s) x M  =  s x M + h B^T - ReLU(x)
        res = h @ B.T
        res -= np.maximum(xk, 0.0)
        if s != 0.0:
            res += s * np.asarray(xs @ M[k])
        loss[k] = float(np.sum(res * res)) / (b * n)
        if not grad:
            continue
        assert gi is not None and go is not None
        g = res * (2.0 / (b * n))
        dB = g.T @ h  # (n, width)
        dh = g @ B  # (rows, width)
        dh *= pre > 0
        dA = np.asarray(xs.T @ dh).T if width else np.zeros((0, n))  # (width, n)
        gi[k] = dA @ E[k].T
        go[k] = E[k] @ dB
    return loss, gi, go


# ----------------------------------------------------------------------------------------------
# training
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompressedResult:
    r"""Trained residual-MLP toys (one per seed) against the naive baseline.

    Attributes
    ----------
    n, dim, width : int
    p, mixing : float
    embedding : str
        ``"random"``, ``"orthogonal"`` or ``"given"``.
    steps, batch : int
    loss : ndarray, shape (seeds,)
        Held-out loss of each trained model.
    per_feature_loss : ndarray, shape (seeds, n)
        Held-out loss of each feature (not printed).
    naive_loss : float
        The naive baseline :math:`\frac{n-\mathrm{width}}{n}\frac p6`.
    gain : ndarray, shape (seeds,)
        ``naive_loss / loss`` (> 1: the model beats the baseline); ``inf`` when a model's held-out
        loss is exactly 0 and the baseline's is not.
    label_noise : ndarray, shape (seeds,)
        The diagnostic's label noise :math:`s^2(p/3)\lVert M\rVert_F^2/n` of each embedding.
    top_overlap : ndarray of shape (seeds,), or None
        Share of the neurons' input directions :math:`A = W_{\mathrm{in}}E` (in feature space) lying
        in the span of the top-``width`` eigenvectors of the label-side mixing :math:`-sM`
        (``width/n`` for directions unrelated to it); ``None`` without mixing, where it is undefined.
    W_in, W_out, E : ndarray
        Weights ``(seeds, width, dim)``, ``(seeds, dim, width)`` and embeddings ``(seeds, dim, n)``
        (not printed).
    """

    n: int
    dim: int
    width: int
    p: float
    mixing: float
    embedding: str
    steps: int
    batch: int
    loss: NDArray[np.float64] = field(repr=False, compare=False)
    per_feature_loss: NDArray[np.float64] = field(repr=False, compare=False)
    naive_loss: float = 0.0
    gain: NDArray[np.float64] = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    label_noise: NDArray[np.float64] = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    top_overlap: NDArray[np.float64] | None = field(default=None, repr=False, compare=False)
    W_in: NDArray[np.float64] = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    W_out: NDArray[np.float64] = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    E: NDArray[np.float64] = field(default_factory=lambda: np.empty(0), repr=False, compare=False)

    @property
    def seeds(self) -> int:
        return int(self.loss.size)

    @property
    def mean_gain(self) -> float:
        return float(np.mean(self.gain))

    def __str__(self) -> str:
        over = (
            ""
            if self.top_overlap is None
            else f", top-{self.width} eigen-overlap {np.mean(self.top_overlap):.3f} "
            f"(chance {min(self.width, self.n) / self.n:.2f})"
        )
        return (
            f"CompressedResult(n={self.n}, dim={self.dim}, width={self.width}, p={self.p:g}, "
            f"embedding={self.embedding}, mixing s={self.mixing:g}, {self.seeds} seeds, {self.steps} steps): "
            f"loss/p = {np.mean(self.loss) / self.p:.4f} vs naive {self.naive_loss / self.p:.4f}; "
            f"gain naive/model = {self.mean_gain:.3f} (seeds {np.min(self.gain):.3f}..{np.max(self.gain):.3f}); "
            f"label noise/p {np.mean(self.label_noise) / self.p:.4f}{over}"
        )

    def __repr__(self) -> str:
        return (
            f"CompressedResult(n={self.n}, dim={self.dim}, width={self.width}, embedding={self.embedding!r}, "
            f"mixing={self.mixing:g}, seeds={self.seeds}, mean_gain={self.mean_gain:.4g})"
        )


def _check_config(
    n: Any,
    dim: Any,
    width: Any,
    p: Any,
    embedding: Any,
    mixing: Any,
    seeds: Any,
    steps: Any,
    batch: Any,
    lr: Any,
    weight_decay: Any,
    eval_batch: Any,
) -> tuple[Any, ...]:
    n = check_size(n, "n", maximum=_MAX_N)
    width = check_size(width, "width", maximum=_MAX_WIDTH)
    p = check_probability(p, "p", allow_zero=False)
    mixing = check_real(mixing, "mixing", minimum=0.0, maximum=_MAX_MIXING)
    seeds = check_size(seeds, "seeds", maximum=_MAX_SEEDS)
    steps = check_size(steps, "steps", minimum=0, maximum=_MAX_STEPS)
    batch = check_size(batch, "batch", maximum=_MAX_BATCH)
    eval_batch = check_size(eval_batch, "eval_batch", maximum=10**8)
    if p * n * eval_batch < 1.0:  # no active feature expected: the held-out loss would be an empty 0
        raise ValueError(
            f"p * n * eval_batch (the expected number of active features in the evaluation batch) must be "
            f">= 1, got {p * n * eval_batch:.3g} (p={p}, n={n}, eval_batch={eval_batch}); raise p or eval_batch"
        )
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True, maximum=_MAX_LR)
    weight_decay = check_real(weight_decay, "weight_decay", minimum=0.0)
    if lr * weight_decay > 1.0:
        raise ValueError(
            f"weight_decay must be <= 1/lr = {1.0 / lr:.4g} (AdamW multiplies the weights by "
            f"1 - lr * weight_decay each step), got weight_decay={weight_decay}, lr={lr}"
        )
    if isinstance(embedding, str):
        if embedding not in _EMBEDDINGS:
            raise ValueError(f"embedding must be one of {_EMBEDDINGS} or an array of shape (dim, n), got {embedding!r}")
        dim = check_size(dim, "dim", maximum=_MAX_DIM)
        if embedding == "orthogonal" and dim < n:
            raise ValueError(f"an orthogonal embedding needs dim >= n, got dim={dim} < n={n}")
        E_given = None
    else:
        E_given = _check_embedding(embedding, "embedding")
        if E_given.shape[1] != n:
            raise ValueError(f"embedding has {E_given.shape[1]} columns but n={n}")
        dim = E_given.shape[0]
    need = estimate_bytes(seeds, dim, n + 2 * width, 6) + estimate_bytes(seeds, batch, n + width, 8)
    check_memory(need, f"training {seeds} toys (dim={dim}, n={n}, width={width}, batch={batch})")
    return n, dim, width, p, mixing, seeds, steps, batch, lr, weight_decay, eval_batch, E_given


def train_compressed(
    *,
    n: int = 100,
    dim: int = 1000,
    width: int = 50,
    p: float = 0.01,
    embedding: Any = "random",
    mixing: float = 1.0,
    seeds: int = 1,
    steps: int = 1000,
    batch: int = 2048,
    lr: float = 3e-3,
    weight_decay: float = 0.01,
    eval_batch: int = 100_000,
    rng: Any = 0,
) -> CompressedResult:
    r"""Train Braun et al.'s residual-MLP toy on several seeds at once and compare it with the naive baseline.

    Each seed draws its embedding (unless one is given), its initial weights (PyTorch's default
    ``nn.Linear`` initialisation :math:`U(\pm 1/\sqrt{\text{fan-in}})`) and its own data stream, and
    is trained with AdamW (PyTorch's update, ``theory._optim.AdamW``) on the mean squared
    error of :func:`compressed_loss`, with a half-period cosine learning-rate decay from ``lr``
    to 0 (Braun et al.'s settings are the defaults: ``p = 0.01``, batch 2048, 1000 steps,
    ``lr = 3e-3``, weight decay 0.01, no biases). The held-out loss is measured on
    ``eval_batch`` fresh samples per seed.

    Parameters
    ----------
    n, dim, width : int
        Features, residual-stream dimension, MLP neurons.
    p : float
        Feature probability (> 0), with ``p * n * eval_batch >= 1`` (at least one active feature
        expected in the evaluation batch, whose loss would otherwise be an empty 0).
    embedding : {"random", "orthogonal"} or array_like (dim, n)
        ``"random"``: Braun et al.'s fixed random embedding (fresh per seed); ``"orthogonal"``:
        orthonormal columns, no mixing; an array: that embedding for every seed.
    mixing : float
        Scale ``s`` of the mixing term :math:`-sMx` in the MLP's labels (labels
        :math:`x + \mathrm{ReLU}(x) + (1-s)Mx`): 1 is the toy, 0 removes the mixing.
    seeds : int
        Independent models trained together (vectorised over a leading axis).
    steps, batch : int
    lr, weight_decay : float
        AdamW's peak learning rate, in ``(0, 10]``, and decoupled weight decay, in ``[0, 1/lr]``
        (each step multiplies the weights by ``1 - lr * weight_decay``). A run whose loss is not
        finite anyway raises ``ValueError`` naming them.
    eval_batch : int
        Held-out samples per seed.
    rng : Generator or int
        Fixed default seed.

    Returns
    -------
    CompressedResult

    Warns
    -----
    TheoryWarning
        When ``width >= n``: the naive model is then exact and the gain says only whether training
        reached zero loss.

    Examples
    --------
    >>> r = train_compressed(n=8, dim=40, width=4, p=0.1, seeds=2, steps=50, batch=256, eval_batch=2000)
    >>> r.loss.shape, r.per_feature_loss.shape
    ((2,), (2, 8))
    >>> round(r.naive_loss, 6)      # (8 - 4)/8 * 0.1/6
    0.008333

    References
    ----------
    .. [1] Braun, D. et al. (2025). arXiv:2501.14926 (the residual-MLP toy, Section 3.2).
    .. [2] Bhagat, J. et al. (2025). arXiv:2606.14673 (the mixing term in the labels).
    """
    (n, dim, width, p, s, S, steps, batch, lr, wd, eval_batch, E_given) = _check_config(
        n, dim, width, p, embedding, mixing, seeds, steps, batch, lr, weight_decay, eval_batch
    )
    if width >= n:
        warnings.warn(
            f"width={width} >= n={n}: the naive model computes every ReLU, its loss is 0 and the gain "
            "only says whether training reached 0",
            TheoryWarning,
            stacklevel=2,
        )
    gen = as_rng(rng)
    kind = "given" if E_given is not None else str(embedding)
    if E_given is not None:
        E = np.broadcast_to(E_given, (S, dim, n)).copy()
    else:
        E = np.stack([_embedding(gen, n, dim, kind) for _ in range(S)])
    Et = np.ascontiguousarray(np.swapaxes(E, 1, 2))
    G = Et @ E
    fp = FlatParams(
        {
            "W_in": gen.uniform(-1, 1, (S, width, dim)) / math.sqrt(dim),
            "W_out": gen.uniform(-1, 1, (S, dim, width)) / math.sqrt(width),
        },
        np.float64,
    )
    opt = AdamW(lr=lr, weight_decay=wd)
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):  # small matrices: one BLAS thread is fastest
        for t in range(steps):
            x = _sample(gen, (S, batch, n), p)
            _, gi, go = _loss_grad(fp.p["W_in"], fp.p["W_out"], E, G, x, s, True)
            fp.g["W_in"][...] = gi
            fp.g["W_out"][...] = go
            scale = 0.5 * (1.0 + math.cos(math.pi * t / max(steps - 1, 1)))
            opt.step(fp, scale=scale)
        Wi, Wo = fp.p["W_in"].copy(), fp.p["W_out"].copy()
        per_feat = _per_feature_loss(Wi, Wo, E, G, s, p, eval_batch, gen)
    loss = per_feat.mean(axis=1)
    if not np.all(np.isfinite(loss)):
        raise ValueError(f"training diverged (non-finite loss) at lr={lr}, weight_decay={wd}; lower lr")
    base = naive_loss(n=n, width=width, p=p)
    M = G - np.eye(n)
    noise = s * s * p / 3.0 * np.einsum("sij,sij->s", M, M) / n
    overlap = _top_overlap(Wi @ E, M, s, width)
    # loss 0: infinitely better than a positive baseline, as good as a zero one
    gain = np.where(loss > 0, base / np.maximum(loss, 1e-300), np.inf if base > 0 else 1.0)
    return CompressedResult(
        n=n,
        dim=dim,
        width=width,
        p=p,
        mixing=s,
        embedding=kind,
        steps=steps,
        batch=batch,
        loss=loss,
        per_feature_loss=per_feat,
        naive_loss=base,
        gain=gain,
        label_noise=noise,
        top_overlap=overlap,
        W_in=Wi,
        W_out=Wo,
        E=E,
    )


def _per_feature_loss(
    Wi: NDArray[np.float64],
    Wo: NDArray[np.float64],
    E: NDArray[np.float64],
    G: NDArray[np.float64],
    s: float,
    p: float,
    total: int,
    gen: np.random.Generator,
) -> NDArray[np.float64]:
    S, _, n = E.shape
    A = Wi @ E
    B = np.swapaxes(E, 1, 2) @ Wo
    M = G - np.eye(n)
    acc = np.zeros((S, n))
    done = 0
    while done < total:
        b = min(_CHUNK, total - done)
        x = _sample(gen, (S, b, n), p)
        for k in range(S):
            xs = sparse.csr_matrix(x[k])
            res = np.maximum(np.asarray(xs @ A[k].T), 0.0) @ B[k].T - np.maximum(x[k], 0.0)
            if s != 0.0:
                res += s * np.asarray(xs @ M[k])
            acc[k] += np.einsum("bi,bi->i", res, res)
        done += b
    return acc / total


def _top_overlap(A: NDArray[np.float64], M: NDArray[np.float64], s: float, width: int) -> NDArray[np.float64] | None:
    """Per seed, or ``None`` when undefined: no mixing (``s = 0`` or an orthogonal embedding), or
    a model whose input directions are all zero."""
    S, _, n = A.shape
    out = np.empty(S)
    if s == 0:
        return None
    for k in range(S):
        tot = float(np.sum(A[k] ** 2))
        if np.max(np.abs(M[k])) < 1e-9 or tot == 0:  # no mixing (orthogonal up to round-off), or no directions
            return None
        _, vecs = np.linalg.eigh(-s * M[k])  # ascending: the last `width` are the top eigenvectors
        V = vecs[:, -min(width, n) :]
        out[k] = float(np.sum((A[k] @ V) ** 2) / tot)
    return out


# ----------------------------------------------------------------------------------------------
# the ablation and a sweep cell
# ----------------------------------------------------------------------------------------------

#: Conditions of :func:`compressed_ablation`: name -> (embedding, mixing).
CONDITIONS = {"mixed": ("random", 1.0), "clean_labels": ("random", 0.0), "orthogonal": ("orthogonal", 1.0)}


@dataclass(frozen=True)
class CompressedAblation:
    """The toy with its mixing (``"mixed"``) and with the mixing removed (clean labels, orthogonal embedding).

    Attributes
    ----------
    results : dict of str to CompressedResult
        One entry per condition of ``CONDITIONS`` that was run.
    """

    results: dict[str, CompressedResult] = field(compare=False)

    def gain(self, condition: str) -> float:
        """Mean gain (naive/model loss) of a condition."""
        return self.results[condition].mean_gain

    def __str__(self) -> str:
        head = next(iter(self.results.values()))
        lines = [
            f"CompressedAblation(n={head.n}, dim={head.dim}, width={head.width}, p={head.p:g}, "
            f"{head.seeds} seeds): gain = naive loss / model loss"
        ]
        for name, r in self.results.items():
            lines.append(
                f"  {name:>13}: gain {r.mean_gain:.3f} (seeds {np.min(r.gain):.3f}..{np.max(r.gain):.3f}), "
                f"label noise/p {np.mean(r.label_noise) / r.p:.4f}"
            )
        return "\n".join(lines)


def compressed_ablation(
    *,
    n: int = 100,
    dim: int = 1000,
    width: int = 50,
    p: float = 0.01,
    seeds: int = 1,
    steps: int = 1000,
    batch: int = 2048,
    conditions: Any = tuple(CONDITIONS),
    eval_batch: int = 100_000,
    rng: Any = 0,
) -> CompressedAblation:
    r"""Train the toy with and without its mixing matrix (Bhagat et al.'s ablation).

    Conditions (``CONDITIONS``): ``"mixed"``, Braun et al.'s toy (random embedding, labels
    :math:`x + \mathrm{ReLU}(x)`); ``"clean_labels"``, the same embedding with the mixing taken out
    of the labels (:math:`y = E^\top E x + \mathrm{ReLU}(x)`, so the MLP's target is
    :math:`\mathrm{ReLU}(x)`); ``"orthogonal"``, an orthonormal embedding (:math:`M = 0`).
    Each condition is trained by :func:`train_compressed` from its own child of ``rng``.

    Parameters
    ----------
    n, dim, width, p, seeds, steps, batch, eval_batch, rng
        As in :func:`train_compressed`.
    conditions : sequence of str
        Names from ``CONDITIONS``.

    Returns
    -------
    CompressedAblation

    Examples
    --------
    >>> ab = compressed_ablation(n=8, dim=40, width=4, p=0.1, steps=30, batch=128, eval_batch=1000,
    ...                          conditions=("mixed", "clean_labels"))
    >>> sorted(ab.results)
    ['clean_labels', 'mixed']
    """
    if isinstance(conditions, bytes) or not isinstance(conditions, (str, Iterable)):
        raise TypeError(f"conditions must be a str or a sequence of str, got {type(conditions).__name__}")
    conds = [conditions] if isinstance(conditions, str) else list(conditions)
    if not all(isinstance(c, str) for c in conds):
        raise TypeError(f"conditions must contain condition names (str), got {conds!r}")
    if not conds:
        raise ValueError("conditions must name at least one of " + ", ".join(CONDITIONS))
    for c in conds:
        if c not in CONDITIONS:
            raise ValueError(f"conditions must be among {tuple(CONDITIONS)}, got {c!r}")
    gen = as_rng(rng)
    children = gen.spawn(len(conds))
    out = {}
    for c, child in zip(conds, children, strict=True):
        emb, s = CONDITIONS[c]
        out[c] = train_compressed(
            n=n,
            dim=dim,
            width=width,
            p=p,
            embedding=emb,
            mixing=s,
            seeds=seeds,
            steps=steps,
            batch=batch,
            eval_batch=eval_batch,
            rng=child,
        )
    return CompressedAblation(results=out)


def compressed_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """A :func:`theory.sweep.sweep` cell: train one condition over seeds, return losses and gains as JSON data.

    ``params`` keys: ``n``, ``dim``, ``width``, ``p``, ``embedding`` (``"random"``/``"orthogonal"``),
    ``mixing``, ``seeds``, ``steps``, ``batch``, ``eval_batch``, ``lr``, ``weight_decay`` (all
    optional, defaulting to :func:`train_compressed`'s) and ``replicate`` (ignored by the training;
    it only tells otherwise equal cells apart, so each gets its own generator).

    Examples
    --------
    >>> out = compressed_cell({"n": 6, "dim": 20, "width": 3, "p": 0.2, "steps": 20, "batch": 64,
    ...                        "eval_batch": 500}, np.random.default_rng(0))
    >>> sorted(out)[:3]
    ['gain', 'label_noise', 'loss']
    """
    keys = {
        "n",
        "dim",
        "width",
        "p",
        "embedding",
        "mixing",
        "seeds",
        "steps",
        "batch",
        "eval_batch",
        "lr",
        "weight_decay",
        "replicate",
    }
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict, got {type(params).__name__}")
    bad = set(params) - keys
    if bad:
        raise ValueError(f"unknown parameters {sorted(bad)}; allowed: {sorted(keys)}")
    kw = {k: v for k, v in params.items() if k != "replicate"}
    r = train_compressed(rng=rng, **kw)
    return {
        "loss": r.loss.tolist(),
        "gain": r.gain.tolist(),
        "naive_loss": r.naive_loss,
        "label_noise": r.label_noise.tolist(),
        "top_overlap": [None] * r.seeds if r.top_overlap is None else r.top_overlap.tolist(),
        "per_feature_loss": r.per_feature_loss.mean(axis=0).tolist(),
        "per_feature_loss_sorted": np.sort(r.per_feature_loss, axis=1).mean(axis=0).tolist(),
    }


# ----------------------------------------------------------------------------------------------
# the semi-nonnegative matrix factorisation baseline (Bhagat et al.)
# ----------------------------------------------------------------------------------------------

_MAX_RANK = 4096
_MAX_SNMF_ITER = 10**6
_SNMF_INITS = ("random", "nmf")
_SNMF_TARGETS = ("full", "mixing")


@dataclass(frozen=True)
class SemiNMF:
    r"""A semi-nonnegative factorisation :math:`X \approx UV` with :math:`U \ge 0` and ``V`` of any sign.

    Attributes
    ----------
    rank : int
        Inner dimension ``k``.
    residual : float
        Relative residual :math:`\lVert UV - X\rVert_F / \lVert X\rVert_F` (0 for ``X = 0``).
    iterations : int
        Outer iterations run (each: one ``U`` update, then the exact least-squares ``V``).
    converged : bool
        Whether the last iteration decreased the relative squared residual by at most ``tol``.
    U : ndarray, shape (n, rank)
        Nonnegative factor (not printed).
    V : ndarray, shape (rank, m)
        Free-sign factor, the exact least-squares solution for ``U`` (not printed).
    objective : ndarray, shape (iterations + 1,)
        Relative squared residual :math:`\lVert UV - X\rVert_F^2/\lVert X\rVert_F^2` after the
        initial ``V`` solve and after each iteration; non-increasing (not printed).
    """

    rank: int
    residual: float
    iterations: int
    converged: bool
    U: NDArray[np.float64] = field(repr=False, compare=False)
    V: NDArray[np.float64] = field(repr=False, compare=False)
    objective: NDArray[np.float64] = field(repr=False, compare=False)

    def __str__(self) -> str:
        n, m = self.U.shape[0], self.V.shape[1]
        state = "converged" if self.converged else "not converged (iteration limit)"
        return (
            f"SemiNMF(X {n}x{m} ~ U V, rank {self.rank}, U >= 0): relative residual {self.residual:.4g} "
            f"after {self.iterations} iterations, {state}; a local minimum (the problem is not convex)"
        )


def semi_nmf(
    X: ArrayLike,
    rank: int,
    *,
    iterations: int = 500,
    tol: float = 1e-7,
    init: Any = "random",
    sweeps: int = 3,
    rng: Any = 0,
) -> SemiNMF:
    r"""Semi-nonnegative matrix factorisation :math:`X \approx UV`, :math:`U \ge 0`, by exact block updates.

    .. math::
        \min_{U \ge 0,\ V}\ \lVert UV - X\rVert_F^2,\qquad X \in \mathbb{R}^{n\times m},\
        U \in \mathbb{R}_{\ge 0}^{n\times k},\ V \in \mathbb{R}^{k\times m}

    (Ding, Li & Jordan 2010, with their nonnegative factor written on the left). Each outer
    iteration runs ``sweeps`` hierarchical-ALS sweeps over the columns of ``U`` and then solves
    for ``V`` exactly:

    .. math::
        u_j \leftarrow \max\Bigl(0,\ u_j + \frac{(XV^\top)_{:j} - U (VV^\top)_{:j}}{(VV^\top)_{jj}}\Bigr)
        \ (j = 1..k),\qquad V \leftarrow \arg\min_V \lVert UV - X\rVert_F \ (\text{least squares}).

    Each column update is the exact minimiser over that column with the others fixed (the rows of
    ``U`` decouple and share :math:`V^\top`, so all ``n`` rows are updated at once), and the ``V``
    step is the exact minimiser over ``V``; the objective is therefore non-increasing, which
    ``objective`` records. Ding et al.'s multiplicative update is monotone too but keeps zero
    entries at zero and converges slowly; an active-set NNLS per row of ``U`` (exact for the whole
    block) costs ``n`` solver calls per iteration. A column ``u_j`` whose row of ``V`` is zero
    contributes nothing; it is restarted at the positive part of the top left singular vector of
    the residual, which leaves the objective unchanged. The problem is not convex: the result is
    a local minimum that depends on ``init``.

    With ``rank >= n`` the factorisation is exact (``U`` can contain the identity); ``rank >= m``
    is not enough (``X = [[1], [-1]]`` has no exact rank-1 semi-NMF), ``rank >= 2m`` is
    (:math:`X = [X^+\ X^-]\,[I; -I]`).

    Parameters
    ----------
    X : array_like, shape (n, m)
        Finite real matrix.
    rank : int
        Inner dimension ``k`` (>= 1).
    iterations : int
        Maximum outer iterations (>= 0).
    tol : float
        Stop when an iteration lowers :math:`\lVert UV - X\rVert_F^2/\lVert X\rVert_F^2` by at most
        ``tol`` (>= 0).
    init : {"random", "nmf"} or array_like (n, rank)
        ``"random"``: :math:`|N(0, 1)|` entries (seeded by ``rng``); ``"nmf"``: scikit-learn's NMF
        of :math:`|X|` (NNDSVDa start, 200 iterations; random start when ``rank > min(n, m)``); an
        array: that nonnegative ``U``.
    sweeps : int
        Column sweeps over ``U`` per outer iteration (>= 1).
    rng : Generator or int
        Randomness of the ``"random"`` and ``"nmf"`` starts (fixed default seed).

    Returns
    -------
    SemiNMF

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> U0, V0 = rng.random((8, 3)), rng.standard_normal((3, 6))
    >>> f = semi_nmf(U0 @ V0, 3)
    >>> bool(f.residual < 1e-3), bool(np.all(f.U >= 0)), bool(np.all(np.diff(f.objective) <= 1e-12))
    (True, True, True)
    >>> round(semi_nmf([[1.0], [-1.0]], 1).residual, 4)      # rank >= m is not enough: 1/sqrt(2)
    0.7071

    References
    ----------
    .. [1] Ding, C., Li, T. and Jordan, M. I. (2010). Convex and semi-nonnegative matrix
       factorizations. IEEE TPAMI 32(1), 45-55. doi:10.1109/TPAMI.2008.277
    .. [2] Cichocki, A. and Phan, A.-H. (2009). Fast local algorithms for large scale nonnegative
       matrix and tensor factorizations. IEICE Trans. Fundamentals E92-A(3), 708-721 (the column
       updates, hierarchical ALS).
    """
    Xa = check_array(X, "X", ndim=2, max_abs=None)  # scaled to max |entry| = 1 below: no squares of X itself
    n, m = Xa.shape
    if n < 1 or m < 1:
        raise ValueError(f"X must be a non-empty matrix, got shape {Xa.shape}")
    rank = check_size(rank, "rank", maximum=_MAX_RANK)
    iterations = check_size(iterations, "iterations", minimum=0, maximum=_MAX_SNMF_ITER)
    sweeps = check_size(sweeps, "sweeps", maximum=1000)
    tol = check_real(tol, "tol", minimum=0.0)
    check_memory(estimate_bytes(n + m, m + rank, 4), f"a semi-NMF of a ({n}, {m}) matrix at rank {rank}")
    U = _snmf_init(Xa, rank, init, rng)
    scale = float(np.max(np.abs(Xa)))
    if scale == 0.0:  # X = 0: V = 0 is exact
        return SemiNMF(rank, 0.0, 0, True, U, np.zeros((rank, m)), np.zeros(1))
    Xs = Xa / scale  # entries in [-1, 1]: no overflow in the squares
    norm2 = float(np.sum(Xs * Xs))
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):  # small dense solves: one thread is fastest
        V = _lstsq(U, Xs)
        hist = [_rel_obj(U, V, Xs, norm2)]
        converged = False
        it = 0
        for it in range(1, iterations + 1):  # noqa: B007 (the count is returned)
            _hals(U, V, Xs, sweeps)
            V = _lstsq(U, Xs)
            hist.append(_rel_obj(U, V, Xs, norm2))
            if hist[-2] - hist[-1] <= tol:
                converged = True
                break
    obj = np.asarray(hist)
    return SemiNMF(rank, math.sqrt(max(obj[-1], 0.0)), it, converged, U, V * scale, obj)


def _rel_obj(U: NDArray[np.float64], V: NDArray[np.float64], X: NDArray[np.float64], norm2: float) -> float:
    R = U @ V - X
    return float(np.sum(R * R)) / norm2


def _lstsq(U: NDArray[np.float64], X: NDArray[np.float64]) -> NDArray[np.float64]:
    """The exact (minimum-norm) least-squares ``V`` of ``U V = X``."""
    return np.asarray(np.linalg.lstsq(U, X, rcond=None)[0], dtype=np.float64)


def _hals(U: NDArray[np.float64], V: NDArray[np.float64], X: NDArray[np.float64], sweeps: int) -> None:
    """In place: ``sweeps`` exact column-wise minimisations of ``|UV - X|_F`` over ``U >= 0``."""
    XVt = X @ V.T  # (n, k)
    VVt = V @ V.T  # (k, k)
    k = U.shape[1]
    revived = False
    for _ in range(sweeps):
        for j in range(k):
            d = VVt[j, j]
            if d > 1e-14 * max(float(np.trace(VVt)), 1e-300):
                U[:, j] = np.maximum(U[:, j] + (XVt[:, j] - U @ VVt[:, j]) / d, 0.0)
            elif not revived and not np.any(U[:, j]):
                # a dead column: u_j = 0 and v_j ~ 0. Setting v_j = 0 leaves UV unchanged; restart u_j at
                # the positive part of the residual's top left singular vector (UV still unchanged). One
                # per call: the residual changes only once V is solved again.
                revived = True
                V[j] = 0.0
                XVt[:, j] = 0.0
                VVt[j, :] = 0.0
                VVt[:, j] = 0.0
                R = X - U @ V
                if np.any(R):
                    w = np.linalg.svd(R, full_matrices=False)[0][:, 0]
                    pos, neg = np.maximum(w, 0.0), np.maximum(-w, 0.0)
                    U[:, j] = pos if np.sum(pos * pos) >= np.sum(neg * neg) else neg


def _snmf_init(X: NDArray[np.float64], rank: int, init: Any, rng: Any) -> NDArray[np.float64]:
    n, m = X.shape
    if isinstance(init, str):
        if init not in _SNMF_INITS:
            raise ValueError(f"init must be one of {_SNMF_INITS} or an array of shape ({n}, {rank}), got {init!r}")
        gen = as_rng(rng)
        if init == "random" or not np.any(X):
            return np.abs(gen.standard_normal((n, rank)))
        from sklearn.decomposition import NMF  # deferred: scikit-learn is slow to import
        from sklearn.exceptions import ConvergenceWarning

        start = "nndsvda" if rank <= min(n, m) else "random"
        seed = int(gen.integers(2**31 - 1))
        with warnings.catch_warnings(), threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
            warnings.simplefilter("ignore", ConvergenceWarning)  # a start, not a fit
            W = NMF(n_components=rank, init=start, max_iter=200, random_state=seed).fit_transform(np.abs(X))
        return np.array(W, dtype=np.float64)
    U = check_array(init, "init", ndim=2)
    if U.shape != (n, rank):
        raise ValueError(f"init must have shape (n, rank) = ({n}, {rank}), got {U.shape}")
    if np.any(U < 0):
        raise ValueError("init must be nonnegative (it is the starting U >= 0)")
    return U.copy()


def _one_feature_loss(A: NDArray[np.float64], B: NDArray[np.float64], M: NDArray[np.float64], s: float) -> float:
    """Exact loss/p of the feature-space MLP ``B ReLU(A x)`` on one active feature at a time (p -> 0)."""
    n = A.shape[1]
    plus = B @ np.maximum(A, 0.0) - np.eye(n) + s * M  # column i: error / t for the input t e_i, t > 0
    minus = B @ np.maximum(-A, 0.0) - s * M  # column i: error / |t| for t < 0
    return float(np.sum(plus * plus) + np.sum(minus * minus)) / (6.0 * n)


@dataclass(frozen=True)
class SNMFBaseline:
    r"""Bhagat et al.'s semi-NMF baseline of the toy against the naive baseline and (optionally) trained models.

    Losses are per feature (the toy's :math:`L`), one entry per embedding (seed). ``*_loss`` are
    held-out Monte Carlo losses on the toy's inputs (each feature active with probability ``p``),
    all models on the same samples; ``*_one_feature`` are exact losses to first order in ``p``
    (inputs with one active feature at a time, the authors' evaluation of the baseline):
    :math:`\frac{p}{6n}\sum_i \lVert e^+_i\rVert^2 + \lVert e^-_i\rVert^2` with :math:`e^\pm_i` the
    model's error on the inputs :math:`\pm e_i`.

    Attributes
    ----------
    n, dim, width : int
    p, mixing : float
    target : str
        ``"full"`` (``I - sM`` factorised) or ``"mixing"`` (``-sM``).
    naive_loss : float
        The naive baseline on the clean task, :math:`\frac{n-\mathrm{width}}{n}\frac p6`, the
        reference of every gain (as in :class:`CompressedResult`).
    naive_task_loss, snmf_loss : ndarray, shape (seeds,)
        Measured losses of the naive model and of the SNMF baseline on the toy's (mixed) labels.
    model_loss : ndarray of shape (seeds,), or None
        Measured loss of the trained models, when given.
    naive_one_feature, snmf_one_feature : ndarray, shape (seeds,)
    model_one_feature : ndarray of shape (seeds,), or None
        Exact first-order-in-``p`` losses of the same models.
    residual : ndarray, shape (seeds,)
        Relative residual of each factorisation.
    factorisations : tuple of SemiNMF
        Not printed.
    """

    n: int
    dim: int
    width: int
    p: float
    mixing: float
    target: str
    naive_loss: float
    naive_task_loss: NDArray[np.float64] = field(repr=False, compare=False)
    snmf_loss: NDArray[np.float64] = field(repr=False, compare=False)
    model_loss: NDArray[np.float64] | None = field(repr=False, compare=False)
    naive_one_feature: NDArray[np.float64] = field(repr=False, compare=False)
    snmf_one_feature: NDArray[np.float64] = field(repr=False, compare=False)
    model_one_feature: NDArray[np.float64] | None = field(repr=False, compare=False)
    residual: NDArray[np.float64] = field(repr=False, compare=False)
    factorisations: tuple[SemiNMF, ...] = field(repr=False, compare=False)

    @property
    def seeds(self) -> int:
        return int(self.snmf_loss.size)

    @property
    def snmf_gain(self) -> float:
        """Mean of naive loss / SNMF loss over the seeds (toy inputs; > 1: beats the naive baseline)."""
        return float(np.mean(self.naive_loss / self.snmf_loss))

    @property
    def model_gain(self) -> float:
        """Mean of naive loss / trained-model loss (``nan`` without trained models)."""
        return math.nan if self.model_loss is None else float(np.mean(self.naive_loss / self.model_loss))

    @property
    def snmf_gain_one_feature(self) -> float:
        """Mean of naive loss / SNMF loss on one active feature at a time."""
        return float(np.mean(self.naive_loss / self.snmf_one_feature))

    @property
    def model_gain_one_feature(self) -> float:
        """Mean of naive loss / trained-model loss on one active feature at a time (``nan`` without models)."""
        if self.model_one_feature is None:
            return math.nan
        return float(np.mean(self.naive_loss / self.model_one_feature))

    def __str__(self) -> str:
        def lp(a: NDArray[np.float64]) -> str:
            return f"{np.mean(a) / self.p:.4f}"

        trained = ""
        if self.model_loss is not None and self.model_one_feature is not None:
            trained = (
                f"; trained {lp(self.model_loss)} | {lp(self.model_one_feature)}, gain {self.model_gain:.3f} | "
                f"{self.model_gain_one_feature:.3f}"
            )
        return (
            f"SNMFBaseline(n={self.n}, dim={self.dim}, width={self.width}, p={self.p:g}, s={self.mixing:g}, "
            f"target={self.target}, {self.seeds} seeds): L/p on toy inputs | on one feature at a time (exact): "
            f"naive clean {self.naive_loss / self.p:.4f}; naive on the task {lp(self.naive_task_loss)} | "
            f"{lp(self.naive_one_feature)}; SNMF {lp(self.snmf_loss)} | {lp(self.snmf_one_feature)}, gain "
            f"{self.snmf_gain:.3f} | {self.snmf_gain_one_feature:.3f}{trained}; factorisation residual "
            f"{np.mean(self.residual):.3f} (a local minimum)"
        )

    def __repr__(self) -> str:
        return (
            f"SNMFBaseline(n={self.n}, dim={self.dim}, width={self.width}, target={self.target!r}, "
            f"seeds={self.seeds}, snmf_gain={self.snmf_gain:.4g}, model_gain={self.model_gain:.4g})"
        )


def snmf_baseline(
    E: ArrayLike | None = None,
    *,
    model: CompressedResult | None = None,
    width: int | None = None,
    p: float | None = None,
    mixing: float | None = None,
    target: str = "full",
    iterations: int = 500,
    init: str = "nmf",
    eval_batch: int = 100_000,
    rng: Any = 0,
) -> SNMFBaseline:
    r"""Bhagat et al.'s semi-NMF baseline: a ``width``-neuron MLP built from the mixing matrix alone.

    The toy's MLP, in feature space :math:`B\,\mathrm{ReLU}(Ax)` (:math:`A = W_{\mathrm{in}}E`,
    :math:`B = E^\top W_{\mathrm{out}}`), is trained on the labels :math:`\mathrm{ReLU}(x) - sMx`
    with :math:`M = E^\top E - I`. The baseline factorises a matrix ``X`` built from ``M`` by
    :func:`semi_nmf`, :math:`X \approx UV` with :math:`U \ge 0` of shape ``(n, width)``, and sets
    ``w_in = U``, ``w_out = V``: the MLP computes :math:`\mathrm{ReLU}(xU)\,V` on row vectors, i.e.
    :math:`A = U^\top`, :math:`B = V^\top`, realised in the residual architecture by
    :math:`W_{\mathrm{in}} = U^\top E^{+}`, :math:`W_{\mathrm{out}} = (E^{\top})^{+} V^\top` (as
    :func:`naive_weights`; ``E`` needs independent columns). Why it works: with :math:`U \ge 0`
    and one active feature :math:`t e_i`, :math:`t > 0`, the hidden layer is linear,
    :math:`\mathrm{ReLU}(tU_i)V = t\,(UV)_i`, while the label is :math:`t\,(I - sM)_i`; a negative
    input gives output 0 against the label :math:`s|t|M_i`.

    **Which matrix.** ``target="full"`` (default) factorises :math:`X = I - sM`, the label map of
    positive inputs: the matrix the authors' scripts factorise (``nb3_svd_nmf.py``,
    ``nb7_semi_nmf_solution.py``, ``nb8_test_baselines.py``: :math:`I + \sigma M'` for their labels
    :math:`\mathrm{ReLU}(x) + \sigma M'x`), with the sign turned to this toy's labels, whose mixing
    term is :math:`-sMx` (derived in the module docstring). ``target="mixing"`` factorises the
    mixing term alone, :math:`X = -sM` (what ``get_semi_nmf_model(n, d_mlp, M)`` in the authors'
    ``baselines.py`` does with its argument ``M``); it leaves the ReLU part out and does worse.
    The construction follows the authors' public code because the paper's body could not be read;
    the factorisation itself is :func:`semi_nmf` (exact block updates), not their projected
    gradient steps.

    The losses are measured with the evaluation that :func:`train_compressed` uses for the
    trained models (held-out samples of the toy's inputs), with all models on the same samples,
    and exactly on one active feature at a time (see :class:`SNMFBaseline`).

    Parameters
    ----------
    E : array_like, shape (dim, n) or (seeds, dim, n), optional
        Embedding(s) with unit columns; not with ``model``.
    model : CompressedResult, optional
        Trained toys: their embeddings are used and their losses measured on the same samples.
        ``width``, ``p`` and ``mixing`` then default to the model's (and must agree with it).
    width : int
        Neurons (default 50), at most ``n``.
    p : float
        Feature probability (default 0.01), > 0.
    mixing : float
        Scale ``s`` of the mixing term (default 1: the toy).
    target : {"full", "mixing"}
        The matrix factorised: ``I - sM`` or ``-sM``.
    iterations : int
        Outer iterations of :func:`semi_nmf`.
    init : {"nmf", "random"}
        Start of :func:`semi_nmf`. ``"nmf"`` (scikit-learn's NMF of :math:`|X|`, as in the authors'
        scripts) and ``"random"`` reach the same residual but different local minima, and the
        loss on inputs with several active features differs between them (the sparser ``U`` of
        the ``"nmf"`` start interferes less); the one-feature loss does not.
    eval_batch : int
        Held-out samples per embedding.
    rng : Generator or int
        Fixed default seed (the factorisations' starts and the held-out samples).

    Returns
    -------
    SNMFBaseline

    Examples
    --------
    >>> E = residual_embedding(n=20, dim=60, rng=0)
    >>> b = snmf_baseline(E, width=10, p=0.05, iterations=100, eval_batch=5000)
    >>> b.snmf_loss.shape, bool(b.snmf_one_feature[0] < b.naive_one_feature[0])
    ((1,), True)

    References
    ----------
    .. [1] Bhagat, J., Molas-Medina, S., Giglemiani, G. and Heimersheim, S. (2025). Compressed
       computation is (probably) not computation in superposition. arXiv:2606.14673 (the SNMF
       baseline; abstract and the authors' code ``paper_code/baselines.py``, ``nb7_semi_nmf_solution.py``).
    .. [2] Ding, C., Li, T. and Jordan, M. I. (2010). Convex and semi-nonnegative matrix
       factorizations. IEEE TPAMI 32(1), 45-55. doi:10.1109/TPAMI.2008.277
    """
    if model is not None:
        if not isinstance(model, CompressedResult):
            raise TypeError(f"model must be a CompressedResult (from train_compressed), got {type(model).__name__}")
        if E is not None:
            raise ValueError("give either E or model (whose embeddings are used), not both")
        for name, given, own in (("width", width, model.width), ("p", p, model.p), ("mixing", mixing, model.mixing)):
            if given is not None and given != own:
                raise ValueError(f"{name}={given} disagrees with the model's {name}={own}")
        width, p, mixing = model.width, model.p, model.mixing
        Es = np.asarray(model.E, dtype=np.float64)
    else:
        if E is None:
            raise ValueError("give an embedding E (dim, n) or (seeds, dim, n), or a trained model")
        Ea = check_array(E, "E", ndim=(2, 3))
        Es = Ea[None] if Ea.ndim == 2 else Ea
        if Es.shape[0] > _MAX_SEEDS:
            raise ValueError(f"E has {Es.shape[0]} embeddings; at most {_MAX_SEEDS}")
        for k in range(Es.shape[0]):
            _check_embedding(Es[k], "E" if Ea.ndim == 2 else f"E[{k}]")
        width = 50 if width is None else width
        p = 0.01 if p is None else p
        mixing = 1.0 if mixing is None else mixing
    S, dim, n = Es.shape
    width = check_size(
        width, "width", maximum=n, why=f"the baseline has at most one neuron per feature; n={n} features from E's shape"
    )
    p = check_probability(p, "p", allow_zero=False)
    s = check_real(mixing, "mixing", minimum=0.0, maximum=_MAX_MIXING)
    if target not in _SNMF_TARGETS:
        raise ValueError(f"target must be one of {_SNMF_TARGETS}, got {target!r}")
    if isinstance(init, str) and init not in _SNMF_INITS:
        raise ValueError(f"init must be one of {_SNMF_INITS}, got {init!r}")
    eval_batch = check_size(eval_batch, "eval_batch", maximum=10**8)
    check_memory(
        estimate_bytes(S, dim, n + 4 * width) + estimate_bytes(S, _CHUNK, n + width, 4),
        f"the SNMF baseline of {S} embeddings (dim={dim}, n={n}, width={width})",
    )
    gen = as_rng(rng)
    seed = int(gen.integers(2**63 - 1))  # every model sees the same held-out samples
    G = np.swapaxes(Es, 1, 2) @ Es
    eye = np.eye(n)
    naive_i, naive_o = np.empty((S, width, dim)), np.empty((S, dim, width))
    snmf_i, snmf_o = np.empty((S, width, dim)), np.empty((S, dim, width))
    facts = []
    one = np.empty((3, S))
    for k in range(S):
        M = G[k] - eye
        X = eye - s * M if target == "full" else -s * M
        f = semi_nmf(X, width, iterations=iterations, init=init, rng=gen)
        facts.append(f)
        naive_i[k], naive_o[k] = naive_weights(Es[k], width=width)
        pinv = np.asarray(np.linalg.pinv(Es[k]), dtype=np.float64)  # (n, dim)
        snmf_i[k], snmf_o[k] = f.U.T @ pinv, pinv.T @ f.V.T
        one[0, k] = _one_feature_loss(eye[:width], eye[:, :width], M, s)
        one[1, k] = _one_feature_loss(f.U.T, f.V.T, M, s)
        if model is not None:
            one[2, k] = _one_feature_loss(model.W_in[k] @ Es[k], Es[k].T @ model.W_out[k], M, s)

    def measure(Wi: NDArray[np.float64], Wo: NDArray[np.float64]) -> NDArray[np.float64]:
        with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
            pf = _per_feature_loss(Wi, Wo, Es, G, s, p, eval_batch, np.random.default_rng(seed))
        return np.asarray(pf.mean(axis=1))

    naive_task = measure(naive_i, naive_o)
    snmf = measure(snmf_i, snmf_o)
    trained = None if model is None else measure(model.W_in, model.W_out)
    return SNMFBaseline(
        n=n,
        dim=dim,
        width=width,
        p=p,
        mixing=s,
        target=target,
        naive_loss=naive_loss(n=n, width=width, p=p),
        naive_task_loss=naive_task,
        snmf_loss=snmf,
        model_loss=trained,
        naive_one_feature=p * one[0],
        snmf_one_feature=p * one[1],
        model_one_feature=None if model is None else p * one[2],
        residual=np.array([f.residual for f in facts]),
        factorisations=tuple(facts),
    )
