r"""The amortisation gap of a one-layer sparse-autoencoder encoder against optimal sparse inference.

A sparse autoencoder infers codes with one pass, :math:`\hat c = \mathrm{ReLU}(W x + b)`
(*amortised* inference: one map for all inputs). Optimal sparse inference solves a problem per
sample (OMP with the true sparsity, or the LASSO by FISTA). O'Neill, Gumran & Klindt (2024) prove
that the one-pass map cannot match per-sample inference even where compressed sensing guarantees
recovery. Their Theorem 3.1 (SAE amortisation gap):

    Let :math:`S = \mathbb{R}^N` be :math:`N` sources following a sparse distribution
    :math:`P_S` such that any sample has at most :math:`K \ge 2` non-zero entries. The sources
    are linearly projected into an :math:`M`-dimensional space satisfying the restricted isometry
    property, where :math:`K \log(N/K) \le M < N`. A sparse autoencoder with a linear-nonlinear
    (L-NL) encoder must have a non-zero amortisation gap.

The *amortisation gap* there is the excess error of the encoder's codes over those of optimal
(per-sample) sparse inference with the same dictionary: by compressed sensing the sources are
recoverable from the projection, yet no encoder :math:`\sigma(Wx + b)` recovers all of them. The
argument is one of rank: composed with the projection, the encoder's linear part is an
:math:`N \times N` matrix of rank at most :math:`M < N`, which a coordinatewise nonlinearity
cannot turn into the identity on every :math:`K`-sparse source when :math:`K \ge 2`.

What this module measures, and how it differs from the theorem
----------------------------------------------------------------
:func:`fit_amortised_encoder` fits, for the **true** dictionary :math:`D` (``dim`` :math:`= M`,
``n`` :math:`= N`), the encoder :math:`\mathrm{ReLU}(Wx + b)` that best predicts the **true
codes** in squared error (supervised regression, the decoder fixed). This is the most generous
amortised encoder of this form: an SAE encoder trained by reconstruction can do no better on the
same distribution, up to optimisation. :func:`amortisation_gap` compares, on fresh held-out
samples, its relative code error with that of optimal inference on the same data and dictionary
(by default FISTA for the nonnegative LASSO with a validated ``lam``; OMP with the true ``k`` on
request):

.. math::
    \mathrm{err}(\hat C) = \frac{\sum_b \lVert \hat c_b - c_b\rVert_2^2}{\sum_b \lVert c_b\rVert_2^2},
    \qquad \mathrm{gap} = \mathrm{err}(\text{encoder}) - \mathrm{err}(\text{optimal}).

Differences from the theorem: (i) the theorem is existential (some sparse source is
mis-inferred) while this is an average over a given code distribution; (ii) the encoder is fitted
by Adam on finitely many samples, so its error estimates the best encoder's from above (the
``dim >= n`` case, where the same fitter reaches a gap near 0, checks that the fitter is not the
bottleneck); (iii) the RIP condition is not checked, and "optimal inference" is the nonnegative LASSO
(FISTA, :math:`\lambda` validated), whose error is small but not zero;
(iv) only the ReLU nonlinearity is fitted.

When ``dim >= n`` and :math:`D` has independent columns the encoder :math:`W = D^{+}`,
:math:`b = 0` is exact on nonnegative codes (:math:`D^{+}Dc = c`), so the gap vanishes; for an
orthonormal dictionary :math:`D^{+} = D^\top`.

References
----------
.. [1] O'Neill, C., Gumran, A. and Klindt, D. (2024). "Compute optimal inference and provable
   amortisation gap in sparse autoencoders." arXiv:2411.13117 (ICML 2025, PMLR 267).
.. [2] Tropp, J. A. (2004). "Greed is good: algorithmic results for sparse approximation."
   IEEE Trans. Inf. Theory 50(10), 2231-2242. doi:10.1109/TIT.2004.834793
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sps
import threadpoolctl
from numpy.typing import ArrayLike, NDArray

from theory._optim import AdamW, FlatParams
from theory._validation import as_rng, check_array, check_int, check_real, check_size
from theory.sparse_coding._checks import check_data, check_dictionary, check_memory

__all__ = ["AmortisationGap", "AmortisedEncoder", "amortisation_gap", "fit_amortised_encoder"]

#: FISTA's ``lam`` is chosen on a validation sample from this grid, scaled by the mean code size.
LAM_GRID = (3e-3, 1e-2, 3e-2, 0.1)
_METHODS = ("auto", "omp", "fista")
#: Largest number of Adam steps and learning rate :func:`fit_amortised_encoder` accepts.
MAX_STEPS = 10**7
MAX_LR = 10.0


@dataclass(frozen=True, eq=False)
class AmortisedEncoder:
    r"""A fitted one-layer encoder :math:`\hat c = \mathrm{ReLU}(W x + b)` for a fixed dictionary.

    Attributes
    ----------
    W : ndarray, shape (n, dim)
        Encoder weights (an SAE's ``W_enc``).
    b : ndarray, shape (n,)
        Encoder bias.
    dictionary : ndarray, shape (dim, n)
        The fixed decoder the codes are for.
    losses : ndarray, shape (steps,)
        Training loss per step: mean over samples of :math:`\lVert \hat c - c\rVert_2^2`.
    train_error : float
        Relative squared code error on the training data after the last step.

    Examples
    --------
    >>> enc = AmortisedEncoder(W=np.eye(2), b=np.zeros(2), dictionary=np.eye(2), losses=np.zeros(1),
    ...                        train_error=0.0)
    >>> enc.encode([[1.0, -2.0]])
    array([[1., 0.]])
    """

    W: NDArray[np.float64] = field(repr=False)
    b: NDArray[np.float64] = field(repr=False)
    dictionary: NDArray[np.float64] = field(repr=False)
    losses: NDArray[np.float64] = field(repr=False)
    train_error: float

    def __post_init__(self) -> None:
        W = check_array(self.W, "W", ndim=2)
        n, dim = W.shape
        b = check_array(self.b, "b", ndim=1)
        if b.shape != (n,):
            raise ValueError(f"b must have shape ({n},) (one bias per row of W), got {b.shape}")
        D = check_array(self.dictionary, "dictionary", ndim=2)
        if D.shape != (dim, n):
            raise ValueError(f"dictionary must have shape (dim, n) = {(dim, n)} (the transpose of W's), got {D.shape}")
        # no magnitude rule: the losses are squared errors already and are never squared again
        losses = check_array(self.losses, "losses", ndim=1, max_abs=None)
        train_error = check_real(self.train_error, "train_error", minimum=0.0)
        for name, value in (("W", W), ("b", b), ("dictionary", D), ("losses", losses), ("train_error", train_error)):
            object.__setattr__(self, name, value)

    @property
    def dim(self) -> int:
        """Data dimension."""
        return int(self.W.shape[1])

    @property
    def n(self) -> int:
        """Number of features (codes per sample)."""
        return int(self.W.shape[0])

    def encode(self, x: ArrayLike) -> NDArray[np.float64]:
        """Codes of shape ``(batch, n)`` for ``x`` of shape ``(batch, dim)`` (or ``(dim,)``)."""
        xa = check_data(x, "x", dim=self.dim)
        return np.maximum(xa @ self.W.T + self.b, 0.0)

    def decode(self, codes: ArrayLike) -> NDArray[np.float64]:
        """Reconstructions :math:`D\\hat c` of shape ``(batch, dim)`` from codes of shape ``(batch, n)``."""
        c = check_array(codes, "codes", ndim=(1, 2))
        if c.ndim == 1:
            c = c[None, :]
        if c.shape[1] != self.n:
            raise ValueError(f"codes must have shape (batch, {self.n}), got {c.shape}")
        return c @ self.dictionary.T

    def __str__(self) -> str:
        return (
            f"AmortisedEncoder(dim={self.dim}, n={self.n}, steps={self.losses.size}, "
            f"train relative code error {self.train_error:.4g})"
        )

    __repr__ = __str__


@dataclass(frozen=True)
class AmortisationGap:
    r"""Held-out code recovery of the best amortised encoder against optimal sparse inference.

    Attributes
    ----------
    encoder_error, optimal_error : float
        Relative squared code error :math:`\sum\lVert\hat c - c\rVert^2/\sum\lVert c\rVert^2` of the
        fitted encoder and of optimal inference on the same held-out samples.
    gap : float
        ``encoder_error - optimal_error``.
    encoder_f1, optimal_f1 : float
        Support F1 over all (sample, feature) entries (active: above :math:`10^{-9}` times the
        largest true code, so rounding-level outputs do not count).
    encoder_mcc, optimal_mcc : float
        Code MCC with each latent matched to its own feature (:func:`code_mcc`).
    method : str
        ``"omp"`` or ``"fista"``.
    lam : float or None
        FISTA's :math:`\lambda` (None for OMP).
    k : int or None
        OMP's number of atoms.
    dim, n, batch, n_train : int
    encoder : AmortisedEncoder
    """

    encoder_error: float
    optimal_error: float
    gap: float
    encoder_f1: float
    optimal_f1: float
    encoder_mcc: float
    optimal_mcc: float
    method: str
    lam: float | None
    k: int | None
    dim: int
    n: int
    batch: int
    n_train: int
    encoder: AmortisedEncoder = field(repr=False, compare=False)

    def __str__(self) -> str:
        how = f"omp(k={self.k})" if self.method == "omp" else f"fista(lam={self.lam:.3g})"
        return (
            f"AmortisationGap(dim={self.dim}, n={self.n}, {self.batch} held-out samples): relative code "
            f"error encoder {self.encoder_error:.4g} vs {how} {self.optimal_error:.4g}, gap {self.gap:.4g}; "
            f"support F1 {self.encoder_f1:.3f} vs {self.optimal_f1:.3f}; code MCC {self.encoder_mcc:.3f} "
            f"vs {self.optimal_mcc:.3f}"
        )


# ----------------------------------------------------------------------------------------------
# fitting
# ----------------------------------------------------------------------------------------------


def _dense_codes(codes: Any, batch: int, n: int, name: str = "codes") -> NDArray[np.float64]:
    check_memory(8 * batch * n, f"a dense ({batch}, {n}) code matrix")
    if sps.issparse(codes):
        arr = np.asarray(codes.toarray(), dtype=np.float64)
        arr = check_array(arr, name, ndim=2)
    else:
        arr = check_array(codes, name, ndim=(1, 2))
        if arr.ndim == 1:
            arr = arr[None, :]
    if arr.shape != (batch, n):
        raise ValueError(
            f"{name} must have shape (batch, n) = ({batch}, {n}) (batch: the rows of x; n: the "
            f"columns of D), got {arr.shape}"
        )
    if np.any(arr < 0):
        raise ValueError(
            f"{name} must be nonnegative: a ReLU encoder outputs nonnegative codes "
            f"(found {int(np.count_nonzero(arr < 0))} negative entries)"
        )
    return arr


def _loss_and_grad(
    W: NDArray[np.float64], b: NDArray[np.float64], x: NDArray[np.float64], c: NDArray[np.float64]
) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
    r"""Loss :math:`\frac1B\sum_b\lVert\mathrm{ReLU}(Wx_b + b) - c_b\rVert^2` and its gradients.

    With :math:`z = Wx + b`, :math:`r = \mathrm{ReLU}(z) - c` and :math:`g = \tfrac{2}{B}\, r \odot
    \mathbb{1}[z > 0]`: :math:`\partial L/\partial W = g^\top x`, :math:`\partial L/\partial b =
    \sum_b g_b`.
    """
    B = x.shape[0]
    z = x @ W.T + b
    r = np.maximum(z, 0.0) - c
    loss = float(np.sum(r * r) / B)
    g = (2.0 / B) * r * (z > 0)
    return loss, g.T @ x, g.sum(axis=0)


def fit_amortised_encoder(
    D: ArrayLike,
    x: ArrayLike,
    codes: Any,
    *,
    steps: int = 2000,
    lr: float = 1e-2,
    batch_size: int | None = None,
    rng: Any = 0,
) -> AmortisedEncoder:
    r"""Fit the best one-layer encoder :math:`\mathrm{ReLU}(Wx + b)` to the true codes (decoder fixed).

    Minimises the supervised regression loss

    .. math:: L(W, b) = \frac1B\sum_{b=1}^{B}\big\lVert \mathrm{ReLU}(W x_b + b) - c_b\big\rVert_2^2

    by Adam (``theory._optim.AdamW`` without weight decay) with hand-derived gradients
    (:math:`z = Wx + b`, :math:`g = \tfrac2B(\mathrm{ReLU}(z) - c)\odot\mathbb 1[z > 0]`,
    :math:`\nabla_W L = g^\top x`, :math:`\nabla_b L = \sum_b g_b`), starting from the tied
    encoder :math:`W = D^\top`, :math:`b = 0` (exact when ``D`` is orthonormal). The learning rate
    is constant for the first half of the steps and decays linearly to 0 over the second half. With
    full batches the iterate of smallest training loss is returned (Adam's normalised steps move
    away even from an exact optimum, where the gradient is rounding noise).

    Because it sees the true codes, this is the most generous amortised encoder of its form: an SAE
    encoder trained by reconstruction with the same decoder cannot predict the codes better on the
    same distribution (up to optimisation).

    Parameters
    ----------
    D : array_like, shape (dim, n)
        The fixed (true) dictionary; only its shape and the initialisation :math:`W = D^\top` use it.
    x : array_like, shape (batch, dim)
        Training data.
    codes : array_like or scipy.sparse matrix, shape (batch, n)
        The true nonnegative codes of ``x``.
    steps : int
        Adam steps, in ``[1, MAX_STEPS]`` (10**7).
    lr : float
        Peak learning rate, in ``(0, MAX_LR]`` (10: Adam moves each weight by about ``lr`` a step).
    batch_size : int, optional
        Minibatch size drawn with ``rng`` each step; default (and any value ``>= batch``): the whole
        training set every step.
    rng : Generator or int seed
        Draws the minibatches.

    Returns
    -------
    AmortisedEncoder

    Examples
    --------
    >>> from theory.sparse_coding import ground_truth, Firing
    >>> truth = ground_truth(dim=6, n=4, firing=Firing.exactly(2), rng=0)
    >>> x, codes = truth.sample(256, rng=1)
    >>> enc = fit_amortised_encoder(truth.dictionary, x, codes, steps=300)
    >>> enc.W.shape, enc.train_error < 0.01        # dim >= n: the codes are a linear function of x
    ((4, 6), True)
    """
    xa = check_data(x, "x")
    batch, dim = xa.shape
    Da = check_dictionary(D, "D", data_dim=dim)
    n = Da.shape[1]
    c = _dense_codes(codes, batch, n)
    steps = check_size(steps, "steps", maximum=MAX_STEPS, why="Adam steps; the loss of each is kept")
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True, maximum=MAX_LR)
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", minimum=1)
    gen = as_rng(rng)
    full = batch_size is None or batch_size >= batch
    params = FlatParams({"W": np.ascontiguousarray(Da.T), "b": np.zeros(n)}, np.float64)
    opt = AdamW(lr=lr, weight_decay=0.0)
    losses = np.empty(steps)
    half = steps / 2.0
    # the products are small: one BLAS thread avoids the synchronisation cost of several
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        best_loss, best_theta = np.inf, params.theta.copy()
        for t in range(steps):
            if full:
                xb, cb = xa, c
            else:
                idx = gen.choice(batch, size=batch_size, replace=False)
                xb, cb = xa[idx], c[idx]
            loss, gW, gb = _loss_and_grad(params.p["W"], params.p["b"], xb, cb)
            losses[t] = loss
            if full and loss < best_loss:
                best_loss, best_theta = loss, params.theta.copy()
            params.g["W"][...] = gW
            params.g["b"][...] = gb
            scale = 1.0 if t < half else max(0.0, (steps - t) / (steps - half))
            opt.step(params, scale=scale)
        if full and _loss_and_grad(params.p["W"], params.p["b"], xa, c)[0] > best_loss:
            params.theta[...] = best_theta  # Adam's normalised steps can leave an exact optimum
    W = params.p["W"].copy()
    b = params.p["b"].copy()
    if not (np.all(np.isfinite(params.theta)) and np.all(np.isfinite(losses))):
        raise ValueError(f"encoder training diverged (non-finite weights or loss) at lr={lr}; lower lr")
    pred = np.maximum(xa @ W.T + b, 0.0)
    denom = float(np.sum(c * c))
    err = float(np.sum((pred - c) ** 2) / denom) if denom > 0 else float(np.sum(pred**2))
    for arr in (W, b, losses):
        arr.setflags(write=False)
    Dc = Da.copy()
    Dc.setflags(write=False)
    return AmortisedEncoder(W=W, b=b, dictionary=Dc, losses=losses, train_error=err)


# ----------------------------------------------------------------------------------------------
# the gap
# ----------------------------------------------------------------------------------------------


def _rel_error(pred: NDArray[np.float64], c: NDArray[np.float64]) -> float:
    denom = float(np.sum(c * c))
    num = float(np.sum((pred - c) ** 2))
    return num / denom if denom > 0 else num


def _support_f1(pred: NDArray[np.float64], c: NDArray[np.float64]) -> float:
    tol = 1e-9 * float(np.max(np.abs(c))) if c.size else 0.0  # rounding-level outputs are not active
    p = np.abs(pred) > tol
    t = c != 0
    tp = int(np.count_nonzero(p & t))
    n_p, n_t = int(np.count_nonzero(p)), int(np.count_nonzero(t))
    if n_p + n_t == 0:
        return 1.0
    return 2.0 * tp / (n_p + n_t)


def _identity_mcc(pred: NDArray[np.float64], c: NDArray[np.float64]) -> float:
    from theory.sparse_coding.metrics import code_mcc, match_features

    n = c.shape[1]
    return code_mcc(pred, c, matching=match_features(similarity=np.eye(n)))


def _optimal_codes(
    method: str, D: NDArray[np.float64], x: NDArray[np.float64], k: int | None, lam: float | None
) -> NDArray[np.float64]:
    from theory.sparse_coding.inference import fista, omp

    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        if method == "omp":
            return np.asarray(omp(D, x, k=k))
        assert lam is not None  # the fista path always has a lam (given or tuned)
        return np.asarray(fista(D, x, lam=lam, nonneg=True, tol=1e-4).codes)


def amortisation_gap(
    truth_or_D: Any,
    *,
    k: int | None = None,
    batch: int = 2048,
    n_train: int | None = None,
    steps: int = 2000,
    lr: float = 1e-2,
    method: str = "auto",
    lam: float | None = None,
    lam_grid: Any = LAM_GRID,
    rng: Any = 0,
) -> AmortisationGap:
    r"""Measure the amortisation gap on held-out data: the best ReLU encoder against OMP/FISTA.

    Draws ``n_train`` training samples, fits :func:`fit_amortised_encoder` for the true dictionary,
    then draws ``batch`` fresh samples and compares the relative squared code error (and the support
    F1 and the code MCC) of the encoder with that of optimal inference on the same samples and the
    same dictionary:

    * ``method="omp"``: :func:`omp` with the true number of active features ``k`` (exact recovery
      of every ``k``-sparse code when :math:`k < (1 + 1/\mu)/2`, Tropp 2004);
    * ``method="fista"``: the nonnegative LASSO by :func:`fista`, with :math:`\lambda` given or
      chosen on a separate validation sample from ``LAM_GRID`` = (3e-3, 1e-2, 3e-2, 0.1) times the mean squared norm of
      the data divided by ``dim`` (smallest validation code error);
    * ``method="auto"``: FISTA. OMP is greedy: on coherent overcomplete dictionaries it misses
      supports that the nonnegative LASSO finds (on :func:`oneill2024` OMP with the true ``k`` has a
      larger code error than the fitted encoder, the LASSO a far smaller one), so it is not
      optimal inference there.

    .. math:: \mathrm{gap} = \frac{\sum\lVert \hat c^{\text{enc}} - c\rVert^2}{\sum\lVert c\rVert^2}
              - \frac{\sum\lVert \hat c^{\text{opt}} - c\rVert^2}{\sum\lVert c\rVert^2}.

    O'Neill, Gumran & Klindt (2024, Theorem 3.1) prove that the gap of an L-NL encoder is nonzero
    when :math:`K \ge 2` sources are active and :math:`K\log(N/K) \le M < N` (``dim < n``); see
    the module docstring for how this measurement differs. For ``dim >= n`` and independent
    atoms the encoder :math:`D^{+}` is exact and the gap is 0 up to the fit.

    Parameters
    ----------
    truth_or_D : GroundTruth or array_like of shape (dim, n)
        The data distribution; an array is taken as the dictionary of
        ``ground_truth(dictionary=D, firing=Firing.exactly(k))`` (uniform magnitudes in [0, 1]).
    k : int, optional
        Active features per sample, required with an array; with a ``GroundTruth`` it must match
        its ``Firing.exactly`` (or be omitted).
    batch : int
        Held-out samples (``>= 2``).
    n_train : int, optional
        Training samples for the encoder (default ``batch``).
    steps, lr : int, float
        Adam settings of :func:`fit_amortised_encoder`.
    method : {"auto", "omp", "fista"}
    lam : float, optional
        FISTA's :math:`\lambda` (default: validated on ``lam_grid``).
    lam_grid : sequence of float
        Relative values tried on the validation sample (each times the mean of
        :math:`\lVert x\rVert^2/\mathrm{dim}`); default ``LAM_GRID`` = (3e-3, 1e-2, 3e-2, 0.1).
    rng : Generator or int seed
        Draws the training, validation and held-out samples.

    Returns
    -------
    AmortisationGap

    Examples
    --------
    >>> from theory.sparse_coding import oneill2024
    >>> res = amortisation_gap(oneill2024(), batch=256, steps=300, lam_grid=(0.01,), rng=0)
    >>> res.method, res.gap > 0.03, res.optimal_error < 0.01
    ('fista', True, True)

    References
    ----------
    .. [1] O'Neill, C., Gumran, A. and Klindt, D. (2024). "Compute optimal inference and provable
       amortisation gap in sparse autoencoders." arXiv:2411.13117
    """
    from theory.sparse_coding.truth import Firing, GroundTruth, ground_truth

    if isinstance(truth_or_D, GroundTruth):
        truth = truth_or_D
        fk = truth.firing.k
        if k is not None:
            k = check_int(k, "k", minimum=1)
            if fk is not None and k != fk:
                raise ValueError(f"k={k} contradicts the ground truth's Firing.exactly({fk})")
        else:
            k = fk
    else:
        if isinstance(truth_or_D, (str, bytes)):
            raise TypeError("truth_or_D must be a GroundTruth or a dictionary array of shape (dim, n), got a str")
        Da = check_dictionary(truth_or_D, "truth_or_D")
        if k is None:
            raise ValueError("k (active features per sample) is required when truth_or_D is a dictionary array")
        k = check_int(k, "k", minimum=1, maximum=Da.shape[1])
        truth = ground_truth(dictionary=Da, firing=Firing.exactly(k))
    if not isinstance(method, str) or method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    batch = check_int(batch, "batch", minimum=2)
    n_train = batch if n_train is None else check_int(n_train, "n_train", minimum=1)
    steps = check_size(steps, "steps", maximum=MAX_STEPS, why="Adam steps; the loss of each is kept")
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True, maximum=MAX_LR)
    if lam is not None:
        lam = check_real(lam, "lam", minimum=0.0, strict_min=True)
    grid = check_array(lam_grid, "lam_grid", ndim=1)
    if grid.size == 0 or np.any(grid <= 0):
        raise ValueError(f"lam_grid must be a non-empty sequence of positive numbers, got {lam_grid!r}")
    D = np.asarray(truth.dictionary, dtype=np.float64)
    dim, n = D.shape
    check_memory(
        8 * (max(batch, n_train) * (n + dim)) * 3,
        f"the training and held-out samples (batch={batch}, n_train={n_train})",
    )
    if method == "auto":
        method = "fista"
    if method == "omp":
        if k is None:
            raise ValueError("method='omp' needs k (pass k=, or use a ground truth with Firing.exactly)")
        if k > min(dim, n):
            raise ValueError(f"method='omp' needs k <= min(dim, n) = {min(dim, n)}, got k={k}")
        lam = None
    gen = as_rng(rng)
    x_tr, c_tr = truth.sample(n_train, rng=gen)
    encoder = fit_amortised_encoder(D, x_tr, c_tr, steps=steps, lr=lr, rng=gen)
    if method == "fista" and lam is None:
        n_val = max(256, batch // 4)
        x_val, c_val = truth.sample(n_val, rng=gen)
        cv = c_val.toarray()
        scale = float(np.mean(np.sum(x_val**2, axis=1))) / dim
        scale = scale if scale > 0 else 1.0
        best = None
        for g in grid.tolist():
            err = _rel_error(_optimal_codes("fista", D, x_val, None, g * scale), cv)
            if best is None or err < best[0]:
                best = (err, g * scale)
        assert best is not None
        lam = best[1]
    x_te, c_te = truth.sample(batch, rng=gen)
    c = c_te.toarray()
    enc = encoder.encode(x_te)
    opt = _optimal_codes(method, D, x_te, k, lam)
    e_err, o_err = _rel_error(enc, c), _rel_error(opt, c)
    return AmortisationGap(
        encoder_error=e_err,
        optimal_error=o_err,
        gap=e_err - o_err,
        encoder_f1=_support_f1(enc, c),
        optimal_f1=_support_f1(opt, c),
        encoder_mcc=_identity_mcc(enc, c),
        optimal_mcc=_identity_mcc(opt, c),
        method=method,
        lam=lam,
        k=k if method == "omp" else truth.firing.k,
        dim=dim,
        n=n,
        batch=batch,
        n_train=n_train,
        encoder=encoder,
    )
