r"""Superposition and neural scaling: the toy model of Liu, Liu & Gore (2025).

The model reconstructs ``n`` sparse features through ``dim = m`` hidden dimensions,

.. math:: y = \mathrm{ReLU}(W^\top W x + b),\qquad W \in \mathbb{R}^{m\times n},\ b\in\mathbb{R}^n,

(the paper stores the transpose, an ``n × m`` matrix whose *row* :math:`i` is feature
:math:`i`'s representation; here column :math:`i` of the ``(dim, n)`` matrix, the toolkit's
convention). Feature :math:`i` is active with probability

.. math:: p_i = \frac{i^{-(1+\alpha)}}{\sum_{j=1}^n j^{-(1+\alpha)}},

so one feature is active per sample on average, and then takes a value :math:`v \sim U[0, 2]`
(:math:`\langle v\rangle = 1`, :math:`\langle v^2\rangle = 4/3`). The loss is the mean squared
error over samples and features (the paper's loss sums over features, ``n`` times this; fitted
exponents are the same). The weight decay :math:`\gamma` of the paper's optimiser
controls superposition: with :math:`\gamma \ge 0` it is AdamW's decoupled decay
:math:`W \leftarrow (1 - \eta\gamma)W`; with :math:`\gamma < 0` each feature's vector
:math:`w_i` moves towards unit norm, :math:`w_i \leftarrow w_i + \eta\gamma\, w_i (1 - 1/\lVert w_i\rVert)`,
the decoupled gradient step of :math:`\frac{|\gamma|}{2}\sum_i(\lVert w_i\rVert - 1)^2` (the bias is
not decayed). Large positive :math:`\gamma` gives *weak* superposition (only the most frequent
features are represented), negative :math:`\gamma` *strong* superposition (all features are).

* :func:`feature_frequencies`, :func:`weight_decay_update`, :func:`train_scaling` (a batched NumPy
  trainer over instances sharing ``dim``, on the sparse path: batches are drawn as their present
  entries (:class:`theory.toy_models._sparse.SparseBatch`), empty samples cost nothing and the
  encoder products run over the present entries only),
  :func:`scaling_loss` (Monte Carlo loss of trained weights);
* :func:`represented_fraction` (the paper's :math:`\phi_{1/2}`: features with
  :math:`\lVert w_i\rVert > 1/2`), :func:`classify_regime`, :func:`mean_squared_overlap` and
  :func:`overlap_floor` (the frame-potential floor :math:`(n-m)/(m(n-1))`, the square of
  :func:`theory.geometry.welch_bound`);
* :func:`weak_loss_prediction` and :func:`unrepresented_loss` (loss of the unrepresented
  features, the paper's weak-superposition account) and :func:`fit_loss_exponent`
  (power-law fit of loss against ``dim`` with bootstrap intervals).

References
----------
.. [1] Liu, Y., Liu, Z. and Gore, J. (2025). Superposition Yields Robust Neural Scaling.
   NeurIPS 2025. arXiv:2505.10465.
.. [2] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._fit import fit_loglog
from theory._optim import AdamW, FlatParams
from theory._references import cite
from theory._validation import (
    as_rng,
    check_array,
    check_int,
    check_memory,
    check_probability,
    check_real,
    estimate_bytes,
)
from theory._warnings import TheoryWarning
from theory.geometry import frame_potential, welch_bound
from theory.toy_models._sparse import SparseBatch

__all__ = [
    "CITATION",
    "PAPER_DIMS",
    "REPRESENTED_THRESHOLD",
    "LossExponentFit",
    "Regime",
    "ScalingModel",
    "classify_regime",
    "feature_frequencies",
    "fit_loss_exponent",
    "mean_squared_overlap",
    "overlap_floor",
    "represented_fraction",
    "scaling_loss",
    "train_scaling",
    "unrepresented_loss",
    "weak_loss_prediction",
    "weight_decay_update",
]

CITATION = cite("liu2025")

#: The paper's model dimensions: ``floor(exp(linspace(log 10, log 100, 6)))``.
PAPER_DIMS = (10, 15, 25, 39, 63, 100)

#: A feature is *represented* when its vector's norm exceeds this (the paper's :math:`\phi_{1/2}`).
REPRESENTED_THRESHOLD = 0.5

#: Moments of the feature magnitude :math:`v \sim U[0, 2]`.
V_MEAN, V_SQ = 1.0, 4.0 / 3.0

_ADAM_EPS = 1e-8


# ----------------------------------------------------------------------------------------------
# data and optimiser pieces
# ----------------------------------------------------------------------------------------------


def feature_frequencies(n: int, alpha: float) -> NDArray[np.float64]:
    r"""Activation probabilities :math:`p_i \propto i^{-(1+\alpha)}`, normalised to sum 1.

    .. math:: p_i = \frac{i^{-(1+\alpha)}}{\sum_{j=1}^{n} j^{-(1+\alpha)}},\qquad i = 1..n,

    so the expected number of active features per sample is exactly 1 (the paper's setting).

    Parameters
    ----------
    n : int
        Number of features (>= 1).
    alpha : float
        Frequency exponent: the paper's data exponent is ``1 + alpha`` (its figures span 0 to 2,
        ``alpha`` from -1 to 1); ``alpha > -1`` keeps the
        frequencies decreasing, ``alpha = -1`` makes them uniform. Must be >= -1 and <= 50.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> p = feature_frequencies(4, 0.0)
    >>> round(float(p.sum()), 12), [round(float(v), 4) for v in p]
    (1.0, [0.48, 0.24, 0.16, 0.12])
    """
    n = check_int(n, "n", minimum=1, maximum=10**8)
    alpha = check_real(alpha, "alpha", minimum=-1.0, maximum=50.0)
    logw = -(1.0 + alpha) * np.log(np.arange(1, n + 1, dtype=np.float64))
    w = np.exp(logw - logw.max())
    return w / w.sum()


def _sample(p: NDArray[np.float64], B: int, gen: np.random.Generator, dt: type[np.floating[Any]]) -> SparseBatch:
    """Present entries of a batch: feature ``i`` of instance ``k`` in each row independently
    with probability ``p[k, i]``, value ``U[0, 2]``. Exact: the count per (instance, feature) is
    Binomial(B, p), its rows a uniform subset (drawn with replacement and duplicates redrawn,
    which is permutation-equivariant and so uniform over subsets)."""
    I, n = p.shape
    K = gen.binomial(B, p).ravel()
    proc = np.repeat(np.arange(I * n, dtype=np.int64), K)
    rows = gen.integers(0, B, size=proc.size)
    while proc.size:
        key = proc * B + rows
        order = np.argsort(key, kind="stable")
        dup = np.zeros(proc.size, dtype=bool)
        dup[order[1:]] = key[order[1:]] == key[order[:-1]]
        if not dup.any():
            break
        rows[dup] = gen.integers(0, B, size=int(dup.sum()))
    inst, col = proc // n, proc % n
    order = np.argsort((inst * B + rows) * n + col, kind="stable")
    vals = (2.0 * gen.random(proc.size)).astype(dt)
    return SparseBatch(inst[order], rows[order], col[order], vals, I, B, n)


def _loss_and_grads(
    W: NDArray[Any], b: NDArray[Any], batch: SparseBatch, with_loss: bool = True
) -> tuple[NDArray[np.float64] | None, NDArray[Any], NDArray[Any]]:
    r"""Loss and gradients of :math:`\frac{1}{Bn}\sum(\mathrm{ReLU}(W^\top Wx+b)-x)^2` from the present entries.

    Same quantities as :func:`theory.toy_models._sparse.sparse_loss_and_gradients` with unit
    importance (the tests check one against the other and against finite differences), written
    for this model: per instance only the non-empty samples :math:`R` are decoded, and because
    :math:`x` is zero off its present entries, :math:`\delta = c\,(\mathrm{ReLU}(z) - x)\odot 1[z>0]`
    equals :math:`c\,\mathrm{ReLU}(z)` except on those entries, so the dense work is three
    products of size :math:`|R|\times m\times n` and three elementwise passes.
    """
    import scipy.sparse as sps

    I, m, n = W.shape
    B = batch.batch_size
    dt = W.dtype.type
    c = dt(2.0 / (B * n))
    gW = np.empty_like(W)
    gb = np.empty_like(b)
    loss = np.empty(I) if with_loss else None
    bounds = np.searchsorted(batch.inst, np.arange(I + 1))
    for k in range(I):
        s0, s1 = bounds[k], bounds[k + 1]
        rows, cols, vals = batch.row[s0:s1], batch.col[s0:s1], batch.vals[s0:s1].astype(dt, copy=False)
        new = np.ones(rows.size, dtype=bool)
        new[1:] = rows[1:] != rows[:-1]
        R = int(new.sum())
        local = np.cumsum(new) - 1
        indptr = np.zeros(R + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(np.bincount(local, minlength=R))
        X = sps.csr_matrix((vals, cols, indptr), shape=(R, n))
        Wk, bk = W[k], b[k]
        h = np.asarray(X @ Wk.T)  # (R, m)
        y = h @ Wk
        y += bk
        np.maximum(y, 0, out=y)  # ReLU(z); ReLU(z) > 0 iff z > 0
        ye = y[local, cols]
        sb = np.maximum(bk, 0)
        if loss is not None:
            yy = y.ravel()
            loss[k] = (
                float(np.dot(yy, yy)) + float(np.sum((ye - vals) ** 2 - ye**2)) + (B - R) * float(np.dot(sb, sb))
            ) / (B * n)
        y[local, cols] = (ye - vals) * (ye > 0)
        y *= c  # y now holds delta
        dh = y @ Wk.T  # (R, m)
        gW[k] = h.T @ y
        gW[k] += np.asarray(X.T @ dh).T
        gb[k] = y.sum(axis=0) + (B - R) * c * sb
    return loss, gW, gb


def _schedule(step: int, steps: int, warmup: int, min_factor: float) -> float:
    """The paper's learning-rate factor: linear warm-up, then cosine decay to ``min_factor``."""
    s = step + 1
    if warmup < steps:
        if s < warmup:
            return s / warmup
        return (1 - min_factor) * 0.5 * (1 + math.cos(math.pi * (s - warmup) / (steps - warmup))) + min_factor
    return (1 - min_factor) * 0.5 * (1 + math.cos(math.pi * s / steps)) + min_factor


def _check_weights(W: Any, name: str = "W") -> tuple[NDArray[np.float64], bool]:
    """``W`` as a float64 array of shape (n_instances, dim, n), and whether it was 2-D."""
    arr = check_array(W, name, ndim=(2, 3))
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    return (arr[None], True) if arr.ndim == 2 else (arr, False)


def weight_decay_update(W: ArrayLike, weight_decay: ArrayLike, lr: float) -> NDArray[np.float64]:
    r"""The paper's decoupled weight-decay step on the feature vectors (columns of ``W``).

    .. math::
        \gamma \ge 0:\ W \leftarrow (1 - \eta\gamma)\,W,\qquad
        \gamma < 0:\ w_i \leftarrow w_i + \eta\gamma\, w_i\Big(1 - \frac{1}{\lVert w_i\rVert + \epsilon}\Big),

    with :math:`\epsilon = 10^{-8}`. For :math:`\gamma \ge 0` this is :math:`-\eta\nabla`
    of :math:`\frac{\gamma}{2}\lVert W\rVert_F^2`; for :math:`\gamma < 0` (up to :math:`\epsilon`)
    of :math:`\frac{|\gamma|}{2}\sum_i (\lVert w_i\rVert - 1)^2`, which pulls every norm to 1.

    Parameters
    ----------
    W : array_like, shape (dim, n) or (n_instances, dim, n)
    weight_decay : float or array_like, shape (n_instances,)
        :math:`\gamma` per instance (finite; any sign).
    lr : float
        Learning rate :math:`\eta` (>= 0).

    Returns
    -------
    ndarray, same shape as ``W``

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[2.0, 0.5], [0.0, 0.0]])
    >>> weight_decay_update(W, -1.0, 0.5).tolist()   # norms 2 -> 1.5 and 0.5 -> 0.75
    [[1.5, 0.75], [0.0, 0.0]]
    >>> weight_decay_update(W, 1.0, 0.5).tolist()
    [[1.0, 0.25], [0.0, 0.0]]
    """
    W3, two = _check_weights(W)
    gam = np.atleast_1d(check_array(weight_decay, "weight_decay", ndim=(0, 1)))
    if gam.size not in (1, W3.shape[0]):
        raise ValueError(f"weight_decay must be a float or have one value per instance ({W3.shape[0]}), got {gam.size}")
    lr = check_real(lr, "lr", minimum=0.0)
    out = W3.copy()
    _decay_inplace(out, np.broadcast_to(gam, (W3.shape[0],)), lr)
    return out[0] if two else out


def _decay_inplace(W: NDArray[Any], gam: NDArray[np.float64], lr: float) -> None:
    """:func:`weight_decay_update` in place on ``W`` of shape (I, dim, n) (no checks)."""
    dt = W.dtype.type
    pos = gam >= 0
    if pos.any():
        W[pos] *= (1.0 - lr * gam[pos])[:, None, None].astype(dt)
    neg = ~pos
    if neg.any():
        Wn = W[neg]
        r = np.linalg.norm(Wn, axis=1, keepdims=True) + dt(_ADAM_EPS)
        Wn += (lr * gam[neg])[:, None, None].astype(dt) * Wn * (1 - 1 / r)
        W[neg] = Wn


# ----------------------------------------------------------------------------------------------
# training
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ScalingModel:
    r"""Trained instances of the scaling toy model (one ``dim``, several ``alpha``/``weight_decay``).

    Attributes
    ----------
    W : ndarray, shape (n_instances, dim, n)
        Feature vectors as columns (the paper's :math:`W` transposed).
    b : ndarray, shape (n_instances, n)
    alpha, weight_decay : ndarray, shape (n_instances,)
    loss : ndarray, shape (n_instances,)
        Mean squared error per feature on fresh samples (:func:`scaling_loss`, float64).
    loss_steps : ndarray, shape (n_logged,)
    losses : ndarray, shape (n_logged, n_instances)
        Training-batch loss at those steps.
    info : dict
        Training settings (steps, batch size, lr, warm-up, seed, dtype, elapsed seconds).
    """

    W: NDArray[np.float64]
    b: NDArray[np.float64]
    alpha: NDArray[np.float64]
    weight_decay: NDArray[np.float64]
    loss: NDArray[np.float64]
    loss_steps: NDArray[np.int64] = field(repr=False)
    losses: NDArray[np.float64] = field(repr=False)
    info: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        """Number of features."""
        return int(self.W.shape[2])

    @property
    def dim(self) -> int:
        """Hidden dimension ``m``."""
        return int(self.W.shape[1])

    @property
    def n_instances(self) -> int:
        """Instances trained side by side."""
        return int(self.W.shape[0])

    @property
    def probabilities(self) -> NDArray[np.float64]:
        """Feature frequencies per instance, shape (n_instances, n)."""
        return np.stack([feature_frequencies(self.n, float(a)) for a in self.alpha])

    def represented_fraction(self, threshold: float = REPRESENTED_THRESHOLD) -> NDArray[np.float64]:
        """:func:`represented_fraction` of every instance, shape (n_instances,)."""
        return represented_fraction(self.W, threshold=threshold)

    def regimes(self, **kwargs: Any) -> list[Regime]:
        """:func:`classify_regime` of every instance."""
        return [classify_regime(W, **kwargs) for W in self.W]

    def __repr__(self) -> str:
        phi = self.represented_fraction()
        return (
            f"ScalingModel(n={self.n}, dim={self.dim}, n_instances={self.n_instances}, "
            f"alpha={np.round(self.alpha, 3).tolist()}, weight_decay={np.round(self.weight_decay, 3).tolist()}, "
            f"loss={np.array2string(self.loss, precision=3)}, phi_1/2={np.round(phi, 3).tolist()})"
        )

    __str__ = __repr__


def _broadcast(value: Any, name: str, lo: float, hi: float) -> NDArray[np.float64]:
    arr = np.atleast_1d(np.asarray(value, dtype=object))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a float or a non-empty 1-D sequence, got {value!r}")
    return np.array([check_real(v, name, minimum=lo, maximum=hi) for v in arr], dtype=np.float64)


def train_scaling(
    *,
    n: int = 1000,
    dim: int = 10,
    alpha: float | Sequence[float] = 0.0,
    weight_decay: float | Sequence[float] = 0.0,
    steps: int = 20_000,
    batch_size: int = 2048,
    lr: float = 1e-2,
    warmup: int | None = None,
    min_lr_factor: float = 0.05,
    eval_batch: int = 16_384,
    log_every: int | None = None,
    dtype: str = "float32",
    rng: Any = 0,
) -> ScalingModel:
    r"""Train the scaling toy model, one instance per (``alpha``, ``weight_decay``) pair.

    The paper's protocol: :math:`W_{ij} \sim \mathcal N(0, 1/m)`, :math:`b_i \sim \mathcal N(0, 1)`,
    a fresh batch each step (:math:`x_i = u_i v_i`, :math:`u_i \sim` Bernoulli(:math:`p_i`),
    :math:`v_i \sim U[0, 2]`, :math:`p` from :func:`feature_frequencies`), the loss

    .. math:: L = \frac{1}{Bn}\sum_{\beta, i}\big(\mathrm{ReLU}(W^\top W x_\beta + b)_i - x_{\beta i}\big)^2,

    Adam (:math:`\beta = (0.9, 0.999)`, :math:`\epsilon = 10^{-8}`) with the weight decay of
    :func:`weight_decay_update` applied to :math:`W` before each Adam step, and a learning rate
    warmed up linearly over ``warmup`` steps and then cosine-decayed to ``min_lr_factor · lr``.
    Gradients come from the sparse pass (empty samples in closed form, encoder products over the
    present entries only). The final loss is measured on fresh samples by :func:`scaling_loss`.

    Parameters
    ----------
    n : int
        Number of features (the paper: 1000 in its grid over alpha and gamma, 10240 for its Fig. 1).
    dim : int
        Hidden dimension ``m`` (paper: :data:`PAPER_DIMS`).
    alpha : float or sequence
        Frequency exponent per instance, in [-1, 50].
    weight_decay : float or sequence
        :math:`\gamma` per instance, in [-10, 10] (paper: ``linspace(-1, 1, 10)``); broadcast
        with ``alpha``.
    steps : int
        Optimiser steps (paper: 20000).
    batch_size : int
        Samples per step (paper: 2048).
    lr : float
        Peak learning rate (paper: 0.01).
    warmup : int, optional
        Warm-up steps (default ``steps // 10``: the paper's 2000 of 20000).
    min_lr_factor : float
        Final learning rate as a fraction of ``lr`` (paper: 0.05).
    eval_batch : int
        Fresh samples for the final loss.
    log_every : int, optional
        Record the training loss every this many steps (default ``max(1, steps // 200)``).
    dtype : {"float32", "float64"}
        Training precision (the evaluation is float64).
    rng : int or Generator
        Seeds the initialisation, every batch and the evaluation (fixed default 0).

    Returns
    -------
    ScalingModel

    Examples
    --------
    >>> m = train_scaling(n=40, dim=4, alpha=1.0, weight_decay=[-1.0, 1.0], steps=300,
    ...                   batch_size=256, lr=0.05, eval_batch=2048)
    >>> m.W.shape, [r.regime for r in m.regimes()]
    ((2, 4, 40), ['strong', 'weak'])

    References
    ----------
    .. [1] Liu, Y., Liu, Z. and Gore, J. (2025). Superposition Yields Robust Neural Scaling.
       arXiv:2505.10465.
    .. [2] Loshchilov, I. and Hutter, F. (2019). Decoupled Weight Decay Regularization.
       arXiv:1711.05101.
    """
    n = check_int(n, "n", minimum=2, maximum=10**6)
    dim = check_int(dim, "dim", minimum=1, maximum=10**5)
    if dim >= n:
        warnings.warn(
            f"dim={dim} >= n={n}: every feature fits in its own dimension, so there is no superposition to study",
            TheoryWarning,
            stacklevel=2,
        )
    a = _broadcast(alpha, "alpha", -1.0, 50.0)
    g = _broadcast(weight_decay, "weight_decay", -10.0, 10.0)
    if a.size != g.size and 1 not in (a.size, g.size):
        raise ValueError(
            f"alpha ({a.size} values) and weight_decay ({g.size} values) must have the same "
            f"length or one of them a single value"
        )
    I = max(a.size, g.size)
    a, g = np.broadcast_to(a, (I,)).copy(), np.broadcast_to(g, (I,)).copy()
    steps = check_int(steps, "steps", minimum=1, maximum=10**8)
    B = check_int(batch_size, "batch_size", minimum=1, maximum=10**7)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True, maximum=10.0)
    warmup = steps // 10 if warmup is None else check_int(warmup, "warmup", minimum=0, maximum=10**8)
    min_lr_factor = check_probability(min_lr_factor, "min_lr_factor")
    eval_batch = check_int(eval_batch, "eval_batch", minimum=1, maximum=10**8)
    log_every = max(1, steps // 200) if log_every is None else check_int(log_every, "log_every", minimum=1)
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    dt = np.float32 if dtype == "float32" else np.float64
    check_memory(estimate_bytes(I, dim + 1, n, itemsize=8 * 6), f"weights of shape ({I}, {dim}, {n})")
    # per step: about (1 - e^-1)·B non-empty rows per instance, ~5 work arrays of width n
    check_memory(
        estimate_bytes(I, B, n + dim + 1, itemsize=5 * np.dtype(dt).itemsize),
        f"training batches of shape (n_instances={I}, batch_size={B}, n={n})",
    )
    gen = as_rng(rng)
    seed = int(gen.integers(2**63 - 1))
    W0 = gen.standard_normal((I, dim, n)) / math.sqrt(dim)
    b0 = gen.standard_normal((I, n))
    P = np.stack([feature_frequencies(n, float(x)) for x in a])
    flat = FlatParams({"W": W0.astype(dt), "b": b0.astype(dt)}, dt)
    W, bb = flat.p["W"], flat.p["b"]
    opt = AdamW(lr=lr, betas=(0.9, 0.999), eps=_ADAM_EPS, weight_decay=0.0)
    log_steps: list[int] = []
    log_losses: list[NDArray[Any]] = []
    t0 = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            record = (step + 1) % log_every == 0 or step == steps - 1
            batch = _sample(P, B, gen, dt)
            loss, gW, gb = _loss_and_grads(W, bb, batch, with_loss=record)
            flat.g["W"][...] = gW
            flat.g["b"][...] = gb
            factor = _schedule(step, steps, warmup, float(min_lr_factor))
            _decay_inplace(W, g, lr * factor)
            opt.step(flat, scale=factor)
            if record:
                assert loss is not None
                log_steps.append(step + 1)
                log_losses.append(loss.astype(np.float64))
                if not np.all(np.isfinite(loss)):
                    break
    elapsed = time.perf_counter() - t0
    if not np.all(np.isfinite(flat.theta)):
        raise FloatingPointError("training diverged (non-finite parameters); lower lr or |weight_decay|")
    Wf, bf = W.astype(np.float64), bb.astype(np.float64)
    final = _loss(Wf, bf, P, eval_batch, gen)
    info = {
        "steps": steps,
        "batch_size": B,
        "lr": lr,
        "warmup": warmup,
        "min_lr_factor": float(min_lr_factor),
        "eval_batch": eval_batch,
        "dtype": dtype,
        "seed": seed,
        "elapsed_s": elapsed,
    }
    return ScalingModel(
        Wf,
        bf,
        a,
        g,
        final,
        np.asarray(log_steps, dtype=np.int64),
        np.asarray(log_losses, dtype=np.float64).reshape(len(log_steps), I),
        info,
    )


def _loss(
    W: NDArray[np.float64], b: NDArray[np.float64], P: NDArray[np.float64], batch: int, gen: np.random.Generator
) -> NDArray[np.float64]:
    I = W.shape[0]
    total = np.zeros(I)
    done = 0
    chunk = max(1, min(batch, 4096))
    while done < batch:
        c = min(chunk, batch - done)
        loss, _, _ = _loss_and_grads(W, b, _sample(P, c, gen, np.float64))
        assert loss is not None
        total += loss * c
        done += c
    return total / batch


def scaling_loss(
    W: ArrayLike, b: ArrayLike, *, alpha: float | Sequence[float] = 0.0, batch_size: int = 16_384, rng: Any = 0
) -> NDArray[np.float64]:
    r"""Monte Carlo estimate of the expected loss :math:`\frac1n\mathbb E\lVert \mathrm{ReLU}(W^\top Wx+b)-x\rVert^2`.

    Parameters
    ----------
    W : array_like, shape (dim, n) or (n_instances, dim, n)
    b : array_like, shape (n,) or (n_instances, n)
    alpha : float or sequence
        Frequency exponent (per instance).
    batch_size : int
        Samples drawn.
    rng : int or Generator

    Returns
    -------
    ndarray, shape (n_instances,) (a 0-d array for 2-D ``W``)

    Examples
    --------
    >>> import numpy as np
    >>> n = 5
    >>> p = feature_frequencies(n, 0.0)
    >>> # W = 0, b = p <v>: each feature contributes Var(x_i) = p_i 4/3 - p_i^2
    >>> est = scaling_loss(np.zeros((2, n)), p, batch_size=200_000)
    >>> exact = float(np.mean(p * 4 / 3 - p ** 2))
    >>> bool(abs(float(est) - exact) < 0.02 * exact)
    True
    """
    W3, two = _check_weights(W)
    I, _, n = W3.shape
    bb = check_array(b, "b", ndim=(1, 2))
    bb = bb[None] if bb.ndim == 1 else bb
    if bb.shape != (I, n):
        raise ValueError(f"b must have shape ({n},) or ({I}, {n}) to match W, got {bb.shape}")
    a = _broadcast(alpha, "alpha", -1.0, 50.0)
    if a.size not in (1, I):
        raise ValueError(f"alpha must be a float or have one value per instance ({I}), got {a.size}")
    B = check_int(batch_size, "batch_size", minimum=1, maximum=10**8)
    P = np.stack([feature_frequencies(n, float(x)) for x in np.broadcast_to(a, (I,))])
    out = _loss(W3, bb, P, B, as_rng(rng))
    return np.asarray(out[0]) if two else out


# ----------------------------------------------------------------------------------------------
# analysis: represented features, regimes, overlaps
# ----------------------------------------------------------------------------------------------


def represented_fraction(W: ArrayLike, *, threshold: float = REPRESENTED_THRESHOLD) -> NDArray[np.float64]:
    r"""Fraction of features whose vector has norm above ``threshold`` (the paper's :math:`\phi_{1/2}`).

    .. math:: \phi_{1/2} = \frac{1}{n}\,\#\{i : \lVert w_i\rVert_2 > 1/2\}

    Parameters
    ----------
    W : array_like, shape (dim, n) or (n_instances, dim, n)
    threshold : float
        Norm above which a feature counts as represented (> 0).

    Returns
    -------
    ndarray, shape (n_instances,) (a 0-d array for 2-D ``W``)

    Examples
    --------
    >>> represented_fraction([[1.0, 0.4, 0.0, 0.6]]).item()
    0.5
    """
    W3, two = _check_weights(W)
    thr = check_real(threshold, "threshold", minimum=0.0, strict_min=True)
    out = np.mean(np.linalg.norm(W3, axis=1) > thr, axis=1)
    return np.asarray(out[0]) if two else out


def mean_squared_overlap(W: ArrayLike) -> float:
    r"""Mean squared cosine between distinct feature directions, from the frame potential.

    .. math:: \overline{\cos^2} = \frac{1}{n(n-1)}\sum_{i\ne j}\langle\hat w_i,\hat w_j\rangle^2
              = \frac{FP(W) - n}{n(n-1)} \;\ge\; \frac{n - m}{m(n-1)}\quad (n > m),

    (:func:`theory.geometry.frame_potential`; the floor is :func:`overlap_floor`).

    Parameters
    ----------
    W : array_like, shape (dim, n)
        At least two columns, none zero.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> mean_squared_overlap(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))  # cos^2: 0, 1/2, 1/2
    0.3333333333333333
    """
    A = check_array(W, "W", ndim=2)
    n = A.shape[1]
    if n < 2:
        raise ValueError(f"W must have at least two columns (features), got {n}")
    if np.any(np.linalg.norm(A, axis=0) == 0):
        raise ValueError(
            "W has a zero column: an unrepresented feature has no direction; select the represented columns first"
        )
    return (frame_potential(A) - n) / (n * (n - 1))


def overlap_floor(*, n: int, dim: int) -> float:
    r"""Smallest possible mean squared overlap of ``n`` unit vectors in :math:`\mathbb R^{dim}`.

    .. math:: \overline{\cos^2} \ge \frac{n - dim}{dim\,(n - 1)} = \mu_{\mathrm{Welch}}^2,

    from the frame-potential bound :math:`FP \ge n^2/dim` (tight for unit-norm tight frames),
    i.e. the square of :func:`theory.geometry.welch_bound`; 0 when ``n <= dim``. For
    :math:`n \gg dim` it is about :math:`1/dim`: the geometric origin of the paper's
    :math:`L \propto 1/m` in strong superposition.

    Examples
    --------
    >>> overlap_floor(n=1000, dim=10)
    0.0990990990990991
    """
    bound = welch_bound(n=n, dim=dim)
    return bound.value**2 if bound.valid else 0.0


@dataclass(frozen=True)
class Regime:
    r"""Superposition regime of one trained model, from :func:`classify_regime`.

    Attributes
    ----------
    regime : str
        ``"weak"``, ``"strong"`` or ``"intermediate"``.
    fraction : float
        :math:`\phi_{1/2}`, fraction of represented features.
    n_represented, n, dim : int
    threshold : float
        Norm threshold for "represented".
    overlap : float or None
        Mean squared cosine among the represented features (None with fewer than two).
    overlap_floor : float
        Its frame-potential floor :math:`(n_r - m)/(m(n_r - 1))` for :math:`n_r` represented features.
    """

    regime: str
    fraction: float
    n_represented: int
    n: int
    dim: int
    threshold: float
    overlap: float | None
    overlap_floor: float

    def __str__(self) -> str:
        ov = "-" if self.overlap is None else f"{self.overlap:.4g}"
        return (
            f"{self.regime} superposition: phi={self.fraction:.3f} ({self.n_represented}/{self.n} "
            f"features with norm > {self.threshold:g}, dim={self.dim}); mean cos^2 among them {ov} "
            f">= floor {self.overlap_floor:.4g} (frame potential)"
        )


def classify_regime(
    W: ArrayLike, *, threshold: float = REPRESENTED_THRESHOLD, strong_min: float = 0.9, weak_max_per_dim: float = 2.0
) -> Regime:
    r"""Weak or strong superposition, from the fraction of represented features.

    The paper contrasts *weak* superposition (only the most frequent features are represented,
    :math:`\phi_{1/2}` near :math:`m/n`) with *strong* superposition (:math:`\phi_{1/2}` near 1).
    Here a model is ``"strong"`` when :math:`\phi_{1/2} \ge` ``strong_min``, ``"weak"`` when at
    most ``weak_max_per_dim · dim`` features are represented, else ``"intermediate"`` (these two
    cut-offs are this toolkit's choice; the paper reads the regimes off :math:`\phi_{1/2}`).

    Parameters
    ----------
    W : array_like, shape (dim, n)
    threshold : float
        Norm above which a feature is represented (the paper's 1/2).
    strong_min : float
        Smallest :math:`\phi_{1/2}` called strong, in (0, 1].
    weak_max_per_dim : float
        Largest number of represented features per dimension called weak (> 0).

    Returns
    -------
    Regime

    Examples
    --------
    >>> import numpy as np
    >>> W = np.zeros((2, 10)); W[0, 0] = W[1, 1] = 1.0
    >>> classify_regime(W).regime
    'weak'
    >>> t = np.linspace(0, np.pi, 10, endpoint=False)
    >>> r = classify_regime(np.stack([np.cos(t), np.sin(t)]))
    >>> r.regime, round(r.overlap, 4), round(r.overlap_floor, 4)     # a tight frame meets the floor
    ('strong', 0.4444, 0.4444)
    """
    A = check_array(W, "W", ndim=2)
    thr = check_real(threshold, "threshold", minimum=0.0, strict_min=True)
    smin = check_real(strong_min, "strong_min", minimum=0.0, maximum=1.0, strict_min=True)
    wmax = check_real(weak_max_per_dim, "weak_max_per_dim", minimum=0.0, strict_min=True)
    dim, n = A.shape
    if dim < 1 or n < 1:
        raise ValueError(f"W must have at least one row and one column (feature), got shape {A.shape}")
    rep = np.linalg.norm(A, axis=0) > thr
    k = int(rep.sum())
    frac = k / n
    regime = "strong" if frac >= smin else ("weak" if k <= wmax * dim else "intermediate")
    overlap = mean_squared_overlap(A[:, rep]) if k >= 2 else None
    return Regime(regime, frac, k, n, dim, thr, overlap, overlap_floor(n=k, dim=dim) if k >= 1 else 0.0)


def weak_loss_prediction(*, n: int, dim: int | ArrayLike, alpha: float) -> NDArray[np.float64]:
    r"""Loss predicted when exactly the ``dim`` most frequent features are represented.

    The paper's weak-superposition account: the loss is the expected number of features that
    are active but not learned, times :math:`\langle v^2\rangle`, per feature,

    .. math:: L_{\mathrm{weak}}(m) = \frac{\langle v^2\rangle}{n}\sum_{i>m} p_i
              \;\propto\; m^{-\alpha}\quad(1 \ll m \ll n,\ \alpha > 0),

    with :math:`\langle v^2\rangle = 4/3` for :math:`v\sim U[0,2]` (an unrepresented feature
    whose output is 0 costs :math:`p_i\langle v^2\rangle`; the best constant output
    :math:`p_i\langle v\rangle` would save only :math:`p_i^2`). For a trained model use
    :func:`unrepresented_loss`, which sums over the features it actually left out.

    Parameters
    ----------
    n : int
    dim : int or array_like of int
        Hidden dimension(s) ``m`` (``0 <= m <= n``).
    alpha : float

    Returns
    -------
    ndarray, shape of ``dim``

    Examples
    --------
    >>> float(weak_loss_prediction(n=4, dim=4, alpha=0.0))
    0.0
    >>> p = feature_frequencies(4, 0.0)
    >>> bool(np.isclose(weak_loss_prediction(n=4, dim=3, alpha=0.0), p[3] * 4 / 3 / 4))
    True
    """
    n = check_int(n, "n", minimum=1, maximum=10**8)
    d = np.asarray(dim)
    if d.dtype.kind not in "iu" or np.any(d < 0) or np.any(d > n):
        raise ValueError(f"dim must be integers in [0, n={n}], got {dim!r}")
    p = feature_frequencies(n, alpha)
    tail = np.concatenate([np.cumsum(p[::-1])[::-1], [0.0]])  # tail[m] = sum_{i >= m} (0-based)
    return V_SQ * tail[d] / n


def unrepresented_loss(
    W: ArrayLike, *, alpha: float | Sequence[float], threshold: float = REPRESENTED_THRESHOLD
) -> NDArray[np.float64]:
    r"""Loss of the features a trained model leaves out.

    .. math:: L_{\mathrm{unrep}} = \frac{\langle v^2\rangle}{n}\sum_{i:\,\lVert w_i\rVert \le 1/2} p_i

    The weak-superposition prediction of :func:`weak_loss_prediction` with the model's own set
    of unrepresented features (norm at most ``threshold``) instead of "all but the ``dim`` most
    frequent".

    Parameters
    ----------
    W : array_like, shape (dim, n) or (n_instances, dim, n)
    alpha : float or sequence
        Frequency exponent (per instance).
    threshold : float

    Returns
    -------
    ndarray, shape (n_instances,) (a 0-d array for 2-D ``W``)

    Examples
    --------
    >>> W = np.zeros((1, 4)); W[0, 0] = 1.0
    >>> p = feature_frequencies(4, 0.0)
    >>> bool(np.isclose(unrepresented_loss(W, alpha=0.0), 4 / 3 * p[1:].sum() / 4))
    True
    """
    W3, two = _check_weights(W)
    I, _, n = W3.shape
    a = _broadcast(alpha, "alpha", -1.0, 50.0)
    if a.size not in (1, I):
        raise ValueError(f"alpha must be a float or have one value per instance ({I}), got {a.size}")
    thr = check_real(threshold, "threshold", minimum=0.0, strict_min=True)
    P = np.stack([feature_frequencies(n, float(x)) for x in np.broadcast_to(a, (I,))])
    out = V_SQ * np.sum(P * (np.linalg.norm(W3, axis=1) <= thr), axis=1) / n
    return np.asarray(out[0]) if two else out


# ----------------------------------------------------------------------------------------------
# power-law fit
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossExponentFit:
    r"""Power-law fit :math:`L \approx C\,m^{-\kappa}` by least squares in log-log coordinates.

    Attributes
    ----------
    exponent : float
        :math:`\kappa` (positive when the loss decreases with ``m``).
    low, high : float
        Bootstrap percentile interval of :math:`\kappa` at ``level``.
    prefactor : float
        :math:`C`.
    r2 : float
        Coefficient of determination of the log-log fit.
    n_points : int
        Distinct ``m`` values.
    level : float
    method : str
        ``"residual"`` (one loss per ``m``) or ``"replicates"`` (resampling replicates per ``m``).
    """

    exponent: float
    low: float
    high: float
    prefactor: float
    r2: float
    n_points: int
    level: float
    method: str

    def __str__(self) -> str:
        return (
            f"loss ~ {self.prefactor:.3g} m^-{self.exponent:.3f}  [{self.level:.0%} bootstrap "
            f"{self.low:.3f}, {self.high:.3f}; {self.method}; {self.n_points} dims; R^2 {self.r2:.3f}]"
        )

    def predict(self, dim: ArrayLike) -> NDArray[np.float64]:
        """Fitted loss at ``dim``."""
        return self.prefactor * np.asarray(dim, dtype=float) ** (-self.exponent)


def fit_loss_exponent(
    dims: ArrayLike, losses: ArrayLike, *, n_boot: int = 2000, level: float = 0.95, rng: Any = 0
) -> LossExponentFit:
    r"""Fit :math:`L = C m^{-\kappa}` and a bootstrap interval for :math:`\kappa`.

    Least squares of :math:`\log L` on :math:`\log m` (the shared core ``theory._fit.fit_loglog``).
    The interval is a percentile bootstrap, not the Student-t interval: with one loss per ``m`` a
    residual bootstrap (fitted values plus resampled residuals, inflated by :math:`\sqrt{k/(k-2)}`);
    with replicates (``losses`` of shape ``(r, k)``, ``r >= 2``) each bootstrap sample redraws, for
    every ``m``, ``r`` replicates with replacement and fits their mean log loss.

    Parameters
    ----------
    dims : array_like, shape (k,)
        Distinct positive dimensions, ``k >= 3``.
    losses : array_like, shape (k,) or (r, k)
        Positive losses.
    n_boot : int
        Bootstrap samples.
    level : float
        Interval level in (0, 1).
    rng : int or Generator

    Returns
    -------
    LossExponentFit

    Examples
    --------
    >>> import numpy as np
    >>> m = np.array([10, 15, 25, 39, 63, 100])
    >>> f = fit_loss_exponent(m, 3.0 * m ** -0.7)
    >>> round(f.exponent, 6), round(f.prefactor, 6), round(f.low, 6), round(f.high, 6)   # exact: no spread
    (0.7, 3.0, 0.7, 0.7)
    """
    d = check_array(dims, "dims", ndim=1)
    L = check_array(losses, "losses", ndim=(1, 2))
    if d.size < 3 or np.unique(d).size != d.size or np.any(d <= 0):
        raise ValueError(f"dims must hold at least 3 distinct positive values, got {d.tolist()}")
    if L.shape[-1] != d.size:
        raise ValueError(f"losses must have shape ({d.size},) or (replicates, {d.size}), got {L.shape}")
    n_boot = check_int(n_boot, "n_boot", minimum=10, maximum=10**6)
    level = check_real(level, "level", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    method = "residual" if L.ndim == 1 or L.shape[0] == 1 else "replicates"
    y = L.reshape(-1) if method == "residual" else L
    f = fit_loglog(d, y, level=level, bootstrap=method, n_boot=n_boot, rng=rng, names=("dims", "losses"))
    assert f.boot_ci is not None
    lo, hi = f.boot_ci[0]
    return LossExponentFit(-f.slope, -hi, -lo, f.prefactor, f.r2, f.n, level, method)
