r"""Sparse autoencoders trained in NumPy: batched over instances, hand-derived gradients, AdamW.

An SAE with ``width`` latents on ``dim``-dimensional data encodes and decodes

.. math::
    z = W_{\mathrm{enc}}(x - b_{\mathrm{dec}}) + b_{\mathrm{enc}},\qquad f = \sigma(z),\qquad
    \hat x = W_{\mathrm{dec}} f + b_{\mathrm{dec}},

with the toolkit's shapes: ``W_dec`` is the learned dictionary ``(dim, width)`` (column ``i`` is
atom ``i``), ``W_enc`` is ``(width, dim)``. SAELens stores the transposes, ``W_enc (d_in, d_sae)``
and ``W_dec (d_sae, d_in)``, and also subtracts ``b_dec`` before encoding
(``apply_b_dec_to_input=True``); :mod:`theory.sparse_coding.sae_io` converts.

:func:`train_saes` trains many instances at once (a sweep over sparsity coefficients, ``k`` values
or initialisations), stacked on a leading instance axis and fed the same batches, with gradients
derived by hand (checked against finite differences in the tests) and PyTorch's AdamW.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import sys
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
import threadpoolctl
from numpy.typing import ArrayLike, NDArray

from theory._optim import AdamW, FlatParams
from theory._validation import (
    as_rng,
    check_array,
    check_bool,
    check_int,
    check_probability,
    check_real,
    check_size,
)
from theory._warnings import TheoryWarning
from theory.sparse_coding._checks import check_data, check_memory

__all__ = ["KINDS", "SAE", "SAEOptions", "train_sae", "train_saes"]

#: Architectures :func:`train_saes` trains.
KINDS = ("relu", "topk", "batchtopk", "jumprelu", "matryoshka")
_THRESHOLD_KINDS = ("jumprelu", "batchtopk", "matryoshka")
_K_KINDS = ("topk", "batchtopk", "matryoshka")
_DTYPES = {"float32": np.float32, "float64": np.float64}

#: Largest number of training steps :func:`train_saes` accepts.
MAX_STEPS = 10**7
#: Largest ``n_seeds`` :func:`train_saes` accepts (all instances are trained at once, in memory).
MAX_SEEDS = 10**5
#: Largest learning rate :func:`train_saes` and :class:`SAEOptions` accept (Adam moves each weight by
#: about ``lr`` a step, so anything larger only diverges).
MAX_LR = 10.0


# ----------------------------------------------------------------------------------------------
# the result object
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SAE:
    r"""A trained sparse autoencoder (one instance).

    Encoder and decoder, with :math:`z = W_{\mathrm{enc}}(x - b_{\mathrm{dec}}) + b_{\mathrm{enc}}`:

    - ``"relu"``: :math:`f = \max(z, 0)`;
    - ``"topk"``: the ``k`` largest entries of :math:`z` per input, then ReLU;
    - ``"jumprelu"``, ``"batchtopk"``, ``"matryoshka"``: :math:`f = z\,H(z - \theta)` (JumpReLU)
      with the per-latent ``threshold`` :math:`\theta` (for BatchTopK and Matryoshka the single
      global threshold estimated during training, repeated, as in Bussmann et al. 2024);

    and :math:`\hat x = W_{\mathrm{dec}} f + b_{\mathrm{dec}}`.

    Mapping to SAELens (``sae_lens.SAE``, v6): ``sae_lens.W_enc == SAE.W_enc.T`` of shape
    ``(d_in, d_sae) = (dim, width)``, ``sae_lens.W_dec == SAE.W_dec.T`` of shape ``(d_sae, d_in)``,
    ``b_enc``, ``b_dec`` and ``threshold`` identical; SAELens's default
    ``apply_b_dec_to_input=True`` is this encoder. See :func:`theory.sparse_coding.save_sae`.

    Attributes
    ----------
    W_enc : ndarray, shape (width, dim)
    b_enc : ndarray, shape (width,)
    W_dec : ndarray, shape (dim, width)
        The dictionary: column ``i`` is latent ``i``'s direction.
    b_dec : ndarray, shape (dim,)
    kind : {"relu", "topk", "batchtopk", "jumprelu", "matryoshka"}
    k : int or None
        Latents per input (``topk``) or on average per input (``batchtopk``, ``matryoshka``).
    threshold : ndarray, shape (width,), or None
        JumpReLU thresholds (kinds ``jumprelu``, ``batchtopk``, ``matryoshka``).
    tied : bool
        Trained with :math:`W_{\mathrm{enc}} = W_{\mathrm{dec}}^\top`.
    bias : bool
        ``False``: trained without biases (``b_enc`` and ``b_dec`` are zero and must stay so).
    sparsity_coefficient : float or None
        The L1 (``relu``) or L0 (``jumprelu``) coefficient.
    log_steps : ndarray, shape (n_logged,)
        Steps at which the training curves were recorded.
    losses, mses, l0s, dead_fractions : ndarray, shape (n_logged,)
        Training-batch total loss, reconstruction error :math:`\mathbb{E}\|x-\hat x\|^2`, mean
        number of active latents per input, and fraction of latents that did not fire in the last
        ``dead_window`` steps (counted from the start of training, so 0 during the first
        ``dead_window`` steps).
    info : dict
        Training settings (steps, batch size, options, seed index).

    Examples
    --------
    >>> sae = SAE(W_enc=np.eye(2), b_enc=np.zeros(2), W_dec=np.eye(2), b_dec=np.zeros(2), kind="relu")
    >>> sae.encode([[1.0, -2.0]]).tolist(), sae([[1.0, -2.0]]).tolist()
    ([[1.0, 0.0]], [[1.0, 0.0]])
    >>> print(sae)
    SAE(kind='relu', dim=2, width=2, untrained)

    References
    ----------
    .. [1] Bricken, T. et al. (2023). Towards Monosemanticity: Decomposing Language Models With
       Dictionary Learning. Transformer Circuits Thread.
    .. [2] Bloom, J. et al. (2024). SAELens. https://github.com/jbloomAus/SAELens
    """

    W_enc: NDArray[Any]
    b_enc: NDArray[Any]
    W_dec: NDArray[Any]
    b_dec: NDArray[Any]
    kind: str
    k: int | None = None
    threshold: NDArray[Any] | None = None
    tied: bool = False
    bias: bool = True
    sparsity_coefficient: float | None = None
    log_steps: NDArray[Any] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    losses: NDArray[Any] = field(default_factory=lambda: np.zeros(0))
    mses: NDArray[Any] = field(default_factory=lambda: np.zeros(0))
    l0s: NDArray[Any] = field(default_factory=lambda: np.zeros(0))
    dead_fractions: NDArray[Any] = field(default_factory=lambda: np.zeros(0))
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        W_dec = check_array(self.W_dec, "W_dec", ndim=2, dtype=None)
        if W_dec.dtype.kind not in "biuf":
            raise TypeError(f"W_dec must hold real numbers, got dtype {W_dec.dtype}")
        if W_dec.dtype.kind != "f":
            W_dec = W_dec.astype(np.float64)
        dt = W_dec.dtype
        dim, width = W_dec.shape
        if dim < 1 or width < 1:
            raise ValueError(f"W_dec must have shape (dim, width) with both >= 1, got {W_dec.shape}")
        of_dec = f"(dim, width) taken from W_dec of shape {W_dec.shape}"
        W_enc = check_array(self.W_enc, "W_enc", ndim=2).astype(dt)
        if W_enc.shape != (width, dim):
            hint = " (it looks transposed)" if W_enc.shape == (dim, width) else ""
            raise ValueError(
                f"W_enc must have shape (width, dim) = {(width, dim)}{hint}, with {of_dec}; got {W_enc.shape}"
            )
        b_enc = check_array(self.b_enc, "b_enc", ndim=1).astype(dt)
        b_dec = check_array(self.b_dec, "b_dec", ndim=1).astype(dt)
        if b_enc.shape != (width,):
            raise ValueError(f"b_enc must have shape (width,) = ({width},), with {of_dec}; got {b_enc.shape}")
        if b_dec.shape != (dim,):
            raise ValueError(f"b_dec must have shape (dim,) = ({dim},), with {of_dec}; got {b_dec.shape}")
        threshold = None
        if self.kind in _THRESHOLD_KINDS:
            if self.threshold is None:
                raise ValueError(f"kind {self.kind!r} needs a threshold of shape (width,)")
            threshold = check_array(self.threshold, "threshold", ndim=1).astype(dt)
            if threshold.shape != (width,):
                raise ValueError(
                    f"threshold must have shape (width,) = ({width},), with {of_dec}; got {threshold.shape}"
                )
        elif self.threshold is not None:
            raise ValueError(f"kind {self.kind!r} has no threshold; got one")
        k = self.k
        if self.kind in _K_KINDS:
            if k is None:
                raise ValueError(f"kind {self.kind!r} needs k")
            k = check_int(k, "k", minimum=1)
            if k > width:
                raise ValueError(f"k must be <= width = {width} (from W_dec of shape {W_dec.shape}), got {k}")
        elif k is not None:
            raise ValueError(f"k applies to kinds {_K_KINDS}, not {self.kind!r}")
        check_bool(self.tied, "tied")
        check_bool(self.bias, "bias")
        if not self.bias and (np.any(b_enc) or np.any(b_dec)):
            raise ValueError("bias=False needs b_enc and b_dec to be zero")
        for name, arr in (
            ("W_enc", W_enc),
            ("b_enc", b_enc),
            ("W_dec", W_dec),
            ("b_dec", b_dec),
            ("threshold", threshold),
        ):
            if arr is not None:
                arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "k", k)
        object.__setattr__(self, "tied", bool(self.tied))
        object.__setattr__(self, "bias", bool(self.bias))
        if self.sparsity_coefficient is not None:
            object.__setattr__(
                self, "sparsity_coefficient", check_real(self.sparsity_coefficient, "sparsity_coefficient", minimum=0.0)
            )
        object.__setattr__(self, "log_steps", _check_curve(self.log_steps, "log_steps", integer=True))
        n_logged = self.log_steps.size
        for name in ("losses", "mses", "l0s", "dead_fractions"):
            curve = _check_curve(getattr(self, name), name, integer=False)
            if curve.size != n_logged:
                raise ValueError(
                    f"{name} must have one entry per logged step, shape ({n_logged},) like log_steps; "
                    f"got shape {curve.shape}"
                )
            object.__setattr__(self, name, curve)
        if not isinstance(self.info, dict):
            raise TypeError(f"info must be a dict, got {type(self.info).__name__}")

    # -- shapes -----------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """Data dimension (SAELens ``d_in``)."""
        return int(self.W_dec.shape[0])

    @property
    def width(self) -> int:
        """Number of latents (SAELens ``d_sae``)."""
        return int(self.W_dec.shape[1])

    @property
    def dictionary(self) -> NDArray[Any]:
        """The decoder as a dictionary of shape ``(dim, width)`` (column ``i`` = atom ``i``); ``W_dec``."""
        return self.W_dec

    # -- forward pass -----------------------------------------------------------------------
    def pre_activations(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""Encoder pre-activations :math:`z = W_{\mathrm{enc}}(x - b_{\mathrm{dec}}) + b_{\mathrm{enc}}`,
        shape ``(batch, width)`` for ``x`` of shape ``(batch, dim)``."""
        x = check_data(x, "x", dim=self.dim)
        return (x - self.b_dec) @ self.W_enc.T.astype(np.float64) + self.b_enc

    def encode(self, x: ArrayLike) -> NDArray[np.float64]:
        """Codes of shape ``(batch, width)`` for ``x`` of shape ``(batch, dim)`` (or ``(dim,)``).

        Examples
        --------
        >>> sae = SAE(W_enc=np.eye(3), b_enc=np.zeros(3), W_dec=np.eye(3), b_dec=np.zeros(3),
        ...           kind="topk", k=1)
        >>> sae.encode([0.2, 0.9, 0.5]).tolist()
        [[0.0, 0.9, 0.0]]
        """
        z = self.pre_activations(x)
        if self.kind == "relu":
            return np.maximum(z, 0.0)
        if self.kind == "topk":
            assert self.k is not None
            keep = np.argpartition(-z, self.k - 1, axis=1)[:, : self.k]
            out = np.zeros_like(z)
            np.put_along_axis(out, keep, np.maximum(np.take_along_axis(z, keep, axis=1), 0.0), axis=1)
            return out
        assert self.threshold is not None
        return np.where(z > self.threshold, z, 0.0)

    def decode(self, codes: ArrayLike) -> NDArray[np.float64]:
        """Reconstructions of shape ``(batch, dim)`` from codes of shape ``(batch, width)``."""
        codes = check_array(codes, "codes", ndim=(1, 2))
        if codes.ndim == 1:
            codes = codes[None, :]
        if codes.shape[1] != self.width:
            raise ValueError(f"codes must have shape (batch, {self.width}), got {codes.shape}")
        return codes @ self.W_dec.T.astype(np.float64) + self.b_dec

    def reconstruct(self, x: ArrayLike) -> NDArray[np.float64]:
        """``decode(encode(x))``, shape ``(batch, dim)``."""
        return self.decode(self.encode(x))

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        return self.reconstruct(x)

    # -- summaries --------------------------------------------------------------------------
    @property
    def final_mse(self) -> float:
        """Last recorded training reconstruction error (NaN-free; raises if untrained)."""
        if not self.mses.size:
            raise ValueError("this SAE has no training curves")
        return float(self.mses[-1])

    def __str__(self) -> str:
        parts = [f"kind={self.kind!r}", f"dim={self.dim}", f"width={self.width}"]
        if self.k is not None:
            parts.append(f"k={self.k}")
        if self.sparsity_coefficient is not None:
            parts.append(f"coef={self.sparsity_coefficient:.3g}")
        if self.tied:
            parts.append("tied")
        if not self.bias:
            parts.append("no bias")
        if self.log_steps.size:
            parts.append(
                f"steps={int(self.log_steps[-1])}, mse={self.mses[-1]:.4g}, L0={self.l0s[-1]:.3g}, "
                f"dead={self.dead_fractions[-1]:.0%}"
            )
        else:
            parts.append("untrained")
        return "SAE(" + ", ".join(parts) + ")"

    __repr__ = __str__


def _check_curve(value: Any, name: str, *, integer: bool) -> NDArray[Any]:
    """A training curve: a finite 1-D array (integers for ``log_steps``), possibly empty."""
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (str, bytes)):
        raise TypeError(
            f"{name} must be a 1-D array of {'integers' if integer else 'reals'}, "
            f"got {value!r} of type {type(value).__name__}"
        )
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D array, got a value numpy cannot read as one ({exc})") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {arr.shape}")
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64 if integer else np.float64)
    if integer:
        if arr.dtype.kind not in "iu":
            raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
        return arr.astype(np.int64)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


# ----------------------------------------------------------------------------------------------
# options
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SAEOptions:
    r"""Optimiser, schedule and bookkeeping settings for :func:`train_saes`.

    Attributes
    ----------
    lr : float
        Peak learning rate of AdamW (PyTorch semantics: bias-corrected moments, ``eps`` outside the
        square root, decoupled weight decay on every parameter), in ``(0, MAX_LR]`` (``MAX_LR`` = 10).
    betas, eps, weight_decay : AdamW constants (``weight_decay`` 0: plain Adam).
    lr_warmup : float
        Fraction of the steps over which the learning rate rises linearly to ``lr`` (from ``lr``
        divided by the number of warmup steps).
    lr_decay : float
        Fraction of the steps at the end over which it decays linearly to 0.
    sparsity_warmup : float
        Fraction of the steps over which the L1/L0 coefficient rises linearly from 0.
    l1_weighting : {"none", "decoder_norm"}
        ``relu`` only: penalise :math:`\sum_i f_i` or :math:`\sum_i f_i \|d_i\|` (Anthropic's
        April 2024 update: the decoder is then not constrained to unit norm).
    normalize_decoder : bool or None
        Keep decoder columns at unit norm: after each gradient computation remove the component of
        each column's gradient parallel to the column, and after each step rescale the columns to
        norm 1 (Bricken et al. 2023; SAELens's ``remove_gradient_parallel_to_decoder_directions``
        and ``set_decoder_norm_to_unit_norm``). ``None``: on for every kind except ``relu`` with
        ``l1_weighting="decoder_norm"``.
    decoder_init_norm : float
        Initial norm of the decoder columns when they are not constrained.
    b_dec_init : {"mean", "zeros"}
        Initial decoder bias: the mean of an initial batch of data, or zero.
    bias : bool
        Train the biases ``b_enc`` and ``b_dec``. ``False``: both are fixed at zero, so
        :math:`f = \sigma(W_{\mathrm{enc}} x)` and :math:`\hat x = W_{\mathrm{dec}} f` (the SAE of
        O'Neill et al. 2024); ``b_dec_init`` is then ignored.
    normalize : {"none", "expected_norm", "unit_mean_squared_norm"}
        Multiply the training inputs by a fixed factor :math:`s` estimated once, on the first
        batches (at least 4,096 samples): ``"expected_norm"`` makes the mean norm
        :math:`\sqrt{\mathrm{dim}}`, :math:`s = \sqrt{\mathrm{dim}}/\mathbb{E}\|x\|` (SAELens's
        ``normalize_activations="expected_average_only_in"``); ``"unit_mean_squared_norm"`` makes
        :math:`\mathbb{E}\|x\|^2 = 1`, :math:`s = 1/\sqrt{\mathbb{E}\|x\|^2}`. After training
        :math:`s` is folded into the weights (:math:`W_{\mathrm{enc}} s`, :math:`W_{\mathrm{dec}}/s`,
        :math:`b_{\mathrm{dec}}/s`; ``b_enc`` and thresholds unchanged, as SAELens's
        ``fold_activation_norm_scaling_factor``), so the returned SAE encodes and decodes raw data
        and its codes are those of the scaled data; decoder columns then have norm :math:`1/s`.
        ``info["input_scale"]`` records :math:`s`; the recorded ``mses`` are in raw-data units, the
        ``losses`` in the scaled units the optimiser saw. Thresholds such as
        ``jumprelu_init_threshold`` and ``jumprelu_bandwidth`` act on the scaled pre-activations.
    jumprelu_bandwidth : float or "auto"
        Width :math:`\varepsilon` of the rectangle kernel of JumpReLU's straight-through estimator
        (SAELens's default 0.001). ``"auto"``: as for ``jumprelu_init_threshold``.
    jumprelu_init_threshold : float or "auto"
        Initial JumpReLU threshold (SAELens's default 0.001). Thresholds move by about ``lr`` per
        step in log space, so on data whose coordinates are much larger than this, start near half
        the RMS input coordinate (in the scaled units); :func:`train_saes` warns when trained
        thresholds are still far below the pre-activations. ``"auto"``: exactly that,
        :math:`\tfrac12\sqrt{\overline{\lVert x\rVert^2}/\mathrm{dim}}` on the first training
        batch (after ``normalize``); the value used is in ``info["options"]``.
    threshold_rate : float
        BatchTopK/Matryoshka: rate of the bias-corrected exponential moving average of the smallest
        selected activation, which becomes the inference threshold.
    prefixes : tuple of int, optional
        Matryoshka nested prefix sizes (strictly increasing, ending at ``width``; ``width`` is
        appended if missing). Default ``(width//8, width//4, width//2, width)`` without repeats.
    dead_window : int
        A latent is dead when it did not fire during the last ``dead_window`` steps.
    resample_every : int, optional
        Every this many steps re-initialise dead latents (see :func:`train_saes`); ``None``: never.
    log_every : int, optional
        Record curves every this many steps (default ``max(1, steps // 200)``) and at the end.
    dtype : {"float32", "float64"}
    progress : bool
        tqdm progress bar on stderr.
    blas_threads : int or None
        BLAS threads during training (through threadpoolctl); ``None`` leaves the setting alone.
        The per-instance products are small, so one thread per product is the default; extra
        threads add synchronisation to every product.

    Examples
    --------
    >>> SAEOptions(lr=3e-4).lr
    0.0003
    >>> SAEOptions.preset("anthropic_april_2024").l1_weighting
    'decoder_norm'
    """

    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    lr_warmup: float = 0.0
    lr_decay: float = 0.0
    sparsity_warmup: float = 0.0
    l1_weighting: str = "none"
    normalize_decoder: bool | None = None
    decoder_init_norm: float = 0.1
    b_dec_init: str = "mean"
    bias: bool = True
    normalize: str = "none"
    jumprelu_bandwidth: float | str = 1e-3
    jumprelu_init_threshold: float | str = 1e-3
    threshold_rate: float = 0.01
    prefixes: tuple[int, ...] | None = None
    dead_window: int = 200
    resample_every: int | None = None
    log_every: int | None = None
    dtype: str = "float32"
    progress: bool = True
    blas_threads: int | None = 1

    def __post_init__(self) -> None:
        check_real(self.lr, "lr", minimum=0.0, strict_min=True, maximum=MAX_LR)
        if not (isinstance(self.betas, (tuple, list)) and len(self.betas) == 2):
            raise TypeError(f"betas must be a pair of floats, got {self.betas!r}")
        check_probability(self.betas[0], "betas[0]", allow_one=False)
        check_probability(self.betas[1], "betas[1]", allow_one=False)
        object.__setattr__(self, "betas", (float(self.betas[0]), float(self.betas[1])))
        check_real(self.eps, "eps", minimum=0.0, strict_min=True)
        check_real(self.weight_decay, "weight_decay", minimum=0.0)
        check_probability(self.lr_warmup, "lr_warmup")
        check_probability(self.lr_decay, "lr_decay")
        check_probability(self.sparsity_warmup, "sparsity_warmup")
        if self.lr_warmup + self.lr_decay > 1:
            raise ValueError(f"lr_warmup + lr_decay must be <= 1, got {self.lr_warmup} + {self.lr_decay}")
        if self.l1_weighting not in ("none", "decoder_norm"):
            raise ValueError(f"l1_weighting must be 'none' or 'decoder_norm', got {self.l1_weighting!r}")
        if self.normalize_decoder is not None and not isinstance(self.normalize_decoder, bool):
            raise TypeError(f"normalize_decoder must be a bool or None, got {self.normalize_decoder!r}")
        check_real(self.decoder_init_norm, "decoder_init_norm", minimum=0.0, strict_min=True)
        if self.b_dec_init not in ("mean", "zeros"):
            raise ValueError(f"b_dec_init must be 'mean' or 'zeros', got {self.b_dec_init!r}")
        check_bool(self.bias, "bias")
        if self.normalize not in NORMALIZATIONS:
            raise ValueError(f"normalize must be one of {NORMALIZATIONS}, got {self.normalize!r}")
        for name in ("jumprelu_bandwidth", "jumprelu_init_threshold"):
            value = getattr(self, name)
            if isinstance(value, str):
                if value != "auto":
                    raise ValueError(f"{name} must be a positive number or 'auto', got {value!r}")
            else:
                object.__setattr__(self, name, check_real(value, name, minimum=0.0, strict_min=True))
        check_probability(self.threshold_rate, "threshold_rate", allow_zero=False)
        if self.prefixes is not None:
            if not isinstance(self.prefixes, (tuple, list)) or not self.prefixes:
                raise TypeError(f"prefixes must be a non-empty tuple of ints, got {self.prefixes!r}")
            pre = tuple(check_int(p, "prefixes[i]", minimum=1) for p in self.prefixes)
            if any(b <= a for a, b in zip(pre, pre[1:], strict=False)):
                raise ValueError(f"prefixes must be strictly increasing, got {pre}")
            object.__setattr__(self, "prefixes", pre)
        check_int(self.dead_window, "dead_window", minimum=1)
        if self.resample_every is not None:
            check_int(self.resample_every, "resample_every", minimum=1)
        if self.log_every is not None:
            check_int(self.log_every, "log_every", minimum=1)
        if self.dtype not in _DTYPES:
            raise ValueError(f"dtype must be 'float32' or 'float64', got {self.dtype!r}")
        if not isinstance(self.progress, bool):
            raise TypeError(f"progress must be a bool, got {type(self.progress).__name__}")
        if self.blas_threads is not None:
            check_int(self.blas_threads, "blas_threads", minimum=1)

    @classmethod
    def preset(cls, name: str, **changes: Any) -> SAEOptions:
        """Named settings, optionally changed.

        ``"default"``: the class defaults. ``"anthropic_april_2024"``: L1 weighted by decoder norms,
        unconstrained decoder, sparsity coefficient warmed up over the first 5% of steps and the
        learning rate decayed linearly to zero over the last 20% (Anthropic, "Circuits Updates –
        April 2024", training SAEs).
        """
        presets: dict[str, dict[str, Any]] = {
            "default": {},
            "anthropic_april_2024": {
                "l1_weighting": "decoder_norm",
                "sparsity_warmup": 0.05,
                "lr_decay": 0.2,
                "normalize_decoder": False,
            },
        }
        if name not in presets:
            raise ValueError(f"preset must be one of {tuple(presets)}, got {name!r}")
        return cls(**{**presets[name], **changes})

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON dictionary of the settings."""
        d = asdict(self)
        d["betas"] = list(self.betas)
        if self.prefixes is not None:
            d["prefixes"] = list(self.prefixes)
        return d


# ----------------------------------------------------------------------------------------------
# forward and backward pass (per instance, stacked on a leading axis)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    kind: str
    tied: bool
    decoder_norm_l1: bool
    bandwidth: float
    groups: tuple[tuple[int, int], ...]  # decoder column ranges; one per Matryoshka prefix


def _kth_largest(a: NDArray[Any], counts: NDArray[np.int64]) -> NDArray[Any]:
    """Per instance ``i`` the ``counts[i]``-th largest entry along the last axis of ``a``
    (shape (I, ..., n)); result shape (I, ...)."""
    n = a.shape[-1]
    pos = n - counts
    part = np.partition(a, np.unique(pos), axis=-1)
    idx = pos.reshape((-1,) + (1,) * (a.ndim - 1))
    return np.take_along_axis(part, np.broadcast_to(idx, a.shape[:-1] + (1,)), axis=-1)[..., 0]


def _loss_and_grads(
    spec: _Spec,
    P: dict[str, NDArray[Any]],
    x: NDArray[Any],
    coef: NDArray[Any],
    kk: NDArray[np.int64] | None,
    *,
    grads: bool = True,
) -> dict[str, Any]:
    r"""Per-instance training loss and its gradients for a batch ``x`` of shape (B, dim).

    Loss (per instance, mean over the batch, sum over dimensions as SAELens):

    .. math::
        L = \sum_{g} \frac{1}{B}\sum_b \|x_b - \hat x^{(g)}_b\|^2 + \lambda\, S,\qquad
        \hat x^{(g)} = b_{\mathrm{dec}} + \sum_{i < m_g} f_i d_i,

    one group (the whole dictionary) except for Matryoshka; :math:`S` is
    :math:`\frac1B\sum_{b,i} f_{bi}` (or :math:`\frac1B\sum_{b,i} f_{bi}\|d_i\|`) for ``relu``,
    :math:`\frac1B\sum_{b,i} H(z_{bi}-\theta_i)` for ``jumprelu``, absent otherwise. Gradients
    flow through the selected latents (``topk``/``batchtopk``: exact away from ties). JumpReLU's
    threshold gets the straight-through pseudo-gradient of Rajamanoharan et al. (2024) with the
    rectangle kernel :math:`K(u) = 1[|u| < 1/2]`:

    .. math::
        \frac{\partial\!\!\!/}{\partial\theta}\,z H(z-\theta) = -\frac{\theta}{\varepsilon}
        K\!\left(\frac{z-\theta}{\varepsilon}\right),\qquad
        \frac{\partial\!\!\!/}{\partial\theta}\,H(z-\theta) = -\frac{1}{\varepsilon}
        K\!\left(\frac{z-\theta}{\varepsilon}\right),

    and the log-threshold :math:`\log\theta` receives :math:`\theta\,\partial L/\partial\theta`.
    """
    kind = spec.kind
    W_dec, b_dec, b_enc = P["W_dec"], P["b_dec"], P["b_enc"]
    We = W_dec.transpose(0, 2, 1) if spec.tied else P["W_enc"]  # (I, W, d)
    I, d, W = W_dec.shape
    B = x.shape[0]
    xc = x[None, :, :] - b_dec[:, None, :]  # (I, B, d)
    z = np.matmul(xc, We.transpose(0, 2, 1))
    z += b_enc[:, None, :]
    out: dict[str, Any] = {}
    if kind == "relu":
        mask = z > 0
    elif kind == "topk":
        assert kk is not None
        thr = _kth_largest(z, kk)  # (I, B)
        mask = (z >= thr[:, :, None]) & (z > 0)
    elif kind in ("batchtopk", "matryoshka"):
        assert kk is not None
        flat = np.maximum(z, 0).reshape(I, B * W)
        thr = _kth_largest(flat, np.minimum(kk * B, B * W))  # (I,)
        mask = (z >= thr[:, None, None]) & (z > 0)
        out["min_selected"] = np.where(mask, z, np.inf).min(axis=(1, 2))
    else:  # jumprelu
        theta = np.exp(P["log_threshold"])  # (I, W)
        mask = z > theta[:, None, :]
    f = np.where(mask, z, 0).astype(z.dtype, copy=False)
    # reconstructions, one per group (prefix); residual gradients summed from the largest prefix down
    partial = np.broadcast_to(b_dec[:, None, :], (I, B, d))
    dxs = []
    mse_total = np.zeros(I, dtype=np.float64)
    mse_last = mse_total
    for s, e in spec.groups:
        partial = partial + np.matmul(f[:, :, s:e], W_dec[:, :, s:e].transpose(0, 2, 1))
        r = partial - x[None, :, :]
        mse_last = np.einsum("ibd,ibd->i", r, r, dtype=np.float64) / B
        mse_total = mse_total + mse_last
        if grads:
            dxs.append(r * (2.0 / B))
    l0 = mask.sum(axis=(1, 2)) / B
    if kind == "relu":
        if spec.decoder_norm_l1:
            norms = np.linalg.norm(W_dec, axis=1)  # (I, W)
            sparsity = np.einsum("ibw,iw->i", f, norms, dtype=np.float64) / B
        else:
            sparsity = f.sum(axis=(1, 2), dtype=np.float64) / B
    elif kind == "jumprelu":
        sparsity = l0.astype(np.float64)
    else:
        sparsity = np.zeros(I)
    out.update(
        loss=mse_total + coef.astype(np.float64) * sparsity,
        mse=mse_last,
        l0=l0,
        mask=mask,
        sparsity=sparsity,
        residual=r,
    )
    if not grads:
        return out
    gW_dec = np.empty_like(W_dec)
    df = np.empty_like(z)
    gb_dec = np.zeros_like(b_dec)
    G = np.zeros_like(dxs[0])
    for (s, e), dx in zip(reversed(spec.groups), reversed(dxs), strict=True):
        G = G + dx
        gb_dec += dx.sum(axis=1)
        gW_dec[:, :, s:e] = np.matmul(G.transpose(0, 2, 1), f[:, :, s:e])
        df[:, :, s:e] = np.matmul(G, W_dec[:, :, s:e])
    c = (coef / B).astype(z.dtype)
    if kind == "relu":
        if spec.decoder_norm_l1:
            df += c[:, None, None] * norms[:, None, :]
            gW_dec += (c[:, None] * f.sum(axis=1) / norms)[:, None, :] * W_dec
        else:
            df += c[:, None, None]
    grads_out: dict[str, NDArray[Any]] = {}
    if kind == "jumprelu":
        eps = spec.bandwidth
        kern = np.abs(z - theta[:, None, :]) < 0.5 * eps  # rectangle kernel K((z - θ)/ε)
        g_theta = -(theta / eps) * np.where(kern, df, 0).sum(axis=1)
        g_theta -= (c[:, None] / eps) * kern.sum(axis=1)
        grads_out["log_threshold"] = theta * g_theta
    dz = np.where(mask, df, 0).astype(z.dtype, copy=False)
    gWe = np.matmul(dz.transpose(0, 2, 1), xc)  # (I, W, d)
    gb_dec -= np.matmul(dz.sum(axis=1)[:, None, :], We)[:, 0, :]  # sum over the batch first: one small product
    grads_out["b_enc"] = dz.sum(axis=1)
    grads_out["b_dec"] = gb_dec
    if spec.tied:
        gW_dec += gWe.transpose(0, 2, 1)
    else:
        grads_out["W_enc"] = gWe
    grads_out["W_dec"] = gW_dec
    out["grads"] = grads_out
    return out


#: Fraction of active codes (per instance and batch) at or below which decoding and the backward
#: pass work on the active entries only (CSR codes); above it they use dense products. The sparse
#: products read one decoder row per active code: cheap while the decoder stays in cache
#: (at most ``_CACHE_ENTRIES`` entries), so larger decoders switch at a lower density.
_SPARSE_MAX_DENSITY = 0.125
_SPARSE_MAX_DENSITY_LARGE = 0.02
_CACHE_ENTRIES = 2**18
#: On the sparse path the code gradient (:math:`\Delta_b \cdot d_i` at the active entries) is computed
#: per input row either from one dense product over the rows with many active latents or by
#: gathering the active atoms of the other rows (at most ``_GATHER_BLOCK`` gathered numbers at a
#: time). A gathered entry costs about as much as ``_GATHER_COST`` entries of the dense product, so a
#: row with more than ``width / _GATHER_COST`` active latents takes the dense product.
_GATHER_COST = 16.0
_GATHER_BLOCK = 2**18


def _scratch(work: dict[str, NDArray[Any]], name: str, shape: tuple[int, int], dtype: Any) -> NDArray[Any]:
    """``work[name]``, (re)allocated when missing or of another shape or dtype."""
    a = work.get(name)
    if a is None or a.shape != shape or a.dtype != dtype:
        a = work[name] = np.empty(shape, dtype=dtype)
    return a


#: Kinds :func:`_select_loss_and_grads` handles (one reconstruction, codes supported on a mask).
_SELECT_KINDS = ("relu", "topk", "batchtopk")


_vecdot = getattr(np, "vecdot", None)  # NumPy >= 2.0


def _rowwise_dot(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    """``(a * b).sum(axis=1)`` for two (n, d) arrays without the (n, d) product."""
    if _vecdot is not None:
        return _vecdot(a, b)
    return np.einsum("kd,kd->k", a, b)


def _active_code_gradient(
    dx: NDArray[Any],
    Dt: NDArray[Any],
    rows: NDArray[np.intp],
    cols: NDArray[np.intp],
    per_row: NDArray[np.intp],
    df_buf: NDArray[Any],
) -> NDArray[Any]:
    """``dz[k] = dx[rows[k]] · Dt[cols[k]]`` for the active entries (CSR order).

    Rows with more than ``width / _GATHER_COST`` active latents: one dense product over those rows
    (into ``df_buf``); the other rows: their active atoms gathered and dotted with their residuals.
    """
    B, W = df_buf.shape
    d = Dt.shape[1]
    nnz = cols.size
    if nnz == 0:
        return np.empty(0, dtype=Dt.dtype)
    heavy = per_row * _GATHER_COST > W
    n_heavy = int(np.count_nonzero(heavy))
    if n_heavy == B:
        return np.matmul(dx, Dt.T, out=df_buf).ravel()[rows * W + cols]
    m = int(per_row.max())
    step = max(1, _GATHER_BLOCK // (m * d))
    if n_heavy == 0 and nnz == B * m:  # every row has m entries (TopK): one batched product per block
        pad = cols.reshape(B, m)
        dzp = np.empty((B, m, 1), dtype=Dt.dtype)
        for s in range(0, B, step):
            np.matmul(Dt[pad[s : s + step]], dx[s : s + step, :, None], out=dzp[s : s + step])
        return dzp.ravel()
    dz = np.empty(nnz, dtype=Dt.dtype)
    if n_heavy:
        on_heavy = heavy[rows]
        rank = np.cumsum(heavy) - 1
        dense = np.matmul(dx[heavy], Dt.T, out=df_buf[:n_heavy])
        dz[on_heavy] = dense.ravel()[rank[rows[on_heavy]] * W + cols[on_heavy]]
        light = np.flatnonzero(~on_heavy)
    else:
        light = np.arange(nnz)
    block = max(1, _GATHER_BLOCK // d)
    for s in range(0, light.size, block):
        k = light[s : s + block]
        dz[k] = _rowwise_dot(Dt[cols[k]], dx[rows[k]])
    return dz


def _select_loss_and_grads(
    spec: _Spec,
    P: dict[str, NDArray[Any]],
    G: dict[str, NDArray[Any]],
    x: NDArray[Any],
    coef: NDArray[Any],
    kk: NDArray[np.int64] | None,
    *,
    bias: bool = True,
    project: bool = False,
    work: dict[str, NDArray[Any]] | None = None,
) -> dict[str, Any]:
    r"""The loss of :func:`_loss_and_grads` for ``relu``, ``topk`` and ``batchtopk``, one instance at a
    time, writing the gradients into ``G``; with ``project`` each decoder row's gradient then loses its
    component along the row (the unit-norm constraint's projection). ``work`` (a dict, initially empty)
    keeps the scratch arrays from one call to the next.

    ``P["W_dec"]`` and ``G["W_dec"]`` hold the decoder transposed, shape ``(I, width, dim)`` (row
    ``i`` = atom ``i``), so the active atoms are contiguous rows. The codes are
    :math:`f = z \odot M` for a mask :math:`M` (``z > 0``, the per-row top ``k``, or the batch top
    ``kB``), so every product after the encoder involves only the active entries. When the fraction
    of active entries is at most ``_SPARSE_MAX_DENSITY`` the codes are held as a CSR matrix
    :math:`F` and, with :math:`R = \hat X - X` and :math:`\Delta = 2R/B`,

    .. math::
        \hat X = F W_{\mathrm{dec}}^\top + b_{\mathrm{dec}},\qquad
        \nabla_{W_{\mathrm{dec}}^\top} = F^\top \Delta,\qquad
        (\nabla_z)_{bi} = M_{bi}\,(\Delta_b \cdot d_i + c\,w_i),\qquad
        \nabla_{W_{\mathrm{enc}}} = (\nabla_z)^\top (X - b_{\mathrm{dec}}),

    (:math:`c\,w_i` the L1 term), the products computed by ``scipy.sparse`` and the code gradient at
    the active entries only; otherwise the same formulas with dense arrays. Without ``bias`` the
    biases are neither used nor given gradients.
    """
    kind = spec.kind
    W_decT, b_dec, b_enc = P["W_dec"], P["b_dec"], P["b_enc"]
    I, W, d = W_decT.shape
    B = x.shape[0]
    dt = W_decT.dtype.type
    scale = dt(2.0 / B)
    c_all = (coef / B).astype(W_decT.dtype)
    loss, mse, l0, sparsity = np.empty(I), np.empty(I), np.empty(I), np.zeros(I)
    fired = np.zeros((I, W), dtype=bool)
    residual = []
    out: dict[str, Any] = {}
    if kind == "batchtopk":
        out["min_selected"] = np.full(I, np.inf)
    # scratch arrays shared by the instances (nothing keeps a reference to them past an instance)
    work = {} if work is None else work
    z_buf = _scratch(work, "z", (B, W), W_decT.dtype)
    df_buf = _scratch(work, "df", (B, W), W_decT.dtype)
    proj_buf = _scratch(work, "proj", (W, d), W_decT.dtype)
    mask_buf = _scratch(work, "mask", (B, W), np.dtype(bool))
    max_density = (
        _SPARSE_MAX_DENSITY if W * d <= _CACHE_ENTRIES else min(_SPARSE_MAX_DENSITY, _SPARSE_MAX_DENSITY_LARGE)
    )
    for i in range(I):
        Dt = W_decT[i]  # (W, d)
        We = Dt if spec.tied else P["W_enc"][i]  # (W, d)
        gWe_out = None if spec.tied else G["W_enc"][i]
        xc = x - b_dec[i] if bias else x
        z = np.matmul(xc, We.T, out=z_buf)  # (B, W)
        if bias:
            z += b_enc[i]
        if kind == "relu":
            mask = np.greater(z, 0, out=mask_buf)
        elif kind == "topk":
            assert kk is not None
            pos = W - int(kk[i])
            kth = np.partition(z, pos, axis=1)[:, pos]
            mask = z >= kth[:, None]
            mask &= z > 0
        else:  # batchtopk
            assert kk is not None
            pos = B * W - min(int(kk[i]) * B, B * W)
            thr = np.partition(np.maximum(z, 0).ravel(), pos)[pos]
            mask = z >= thr
            mask &= z > 0
        c = c_all[i]
        norms = np.linalg.norm(Dt, axis=1) if spec.decoder_norm_l1 else None  # (W,)
        gDt = G["W_dec"][i]
        nnz = int(np.count_nonzero(mask))
        l0[i] = nnz / B
        if nnz <= max_density * B * W:
            flat = np.flatnonzero(mask)  # row-major: CSR order
            rows, cols = np.divmod(flat, W)
            per_row = np.bincount(rows, minlength=B)
            vals = z.ravel()[flat]
            indptr = np.zeros(B + 1, dtype=np.intp)
            np.cumsum(per_row, out=indptr[1:])
            F = sp.csr_array((vals, cols, indptr), shape=(B, W))
            r = F @ Dt
            if bias:
                r += b_dec[i]
            r -= x
            dx = r * scale
            FT = F.T  # (W, B) CSC, kept: the encoder gradient below reuses its structure
            gDt[...] = FT @ dx
            dz = _active_code_gradient(dx, Dt, rows, cols, per_row, df_buf)
            if kind == "relu":
                if norms is not None:
                    dz += c * norms[cols]
                    sparsity[i] = float(np.dot(vals, norms[cols])) / B
                    gDt += ((c / norms) * np.bincount(cols, weights=vals, minlength=W).astype(dt))[:, None] * Dt
                else:
                    dz += c
                    sparsity[i] = float(vals.sum(dtype=np.float64)) / B
            if kind == "batchtopk" and nnz:
                out["min_selected"][i] = float(vals.min())
            FT.data[...] = dz  # same pattern as the codes (``vals`` may share this buffer: not used below)
            gWe = FT @ xc  # (W, d)
            gbe = np.bincount(cols, weights=dz, minlength=W).astype(dt)
            fired[i, cols] = True
        else:
            f = np.multiply(z, mask, out=z)  # z is not needed any more: the codes overwrite it
            r = f @ Dt
            if bias:
                r += b_dec[i]
            r -= x
            dx = r * scale
            np.matmul(f.T, dx, out=gDt)
            df = np.matmul(dx, Dt.T, out=df_buf)  # (B, W)
            if kind == "relu":
                if norms is not None:
                    df += c * norms
                    colsum = f.sum(axis=0)
                    sparsity[i] = float(colsum.astype(np.float64) @ norms) / B
                    gDt += ((c / norms) * colsum)[:, None] * Dt
                else:
                    df += c
                    sparsity[i] = float(f.sum(dtype=np.float64)) / B
            if kind == "batchtopk" and nnz:
                out["min_selected"][i] = float(np.where(mask, z, np.inf).min())
            df *= mask
            gWe = np.matmul(df.T, xc, out=gWe_out)
            gbe = df.sum(axis=0)
            fired[i] = mask.any(axis=0)
        residual.append(r)
        mse[i] = float(np.vdot(r, r)) / B
        loss[i] = mse[i] + float(coef[i]) * sparsity[i]
        if spec.tied:
            gDt += gWe
        elif gWe is not gWe_out:
            G["W_enc"][i][...] = gWe
        if project:  # remove from each decoder row's gradient its component along the row
            par = np.einsum("wd,wd->w", gDt, Dt)
            gDt -= np.multiply(Dt, par[:, None], out=proj_buf)
        if bias:
            G["b_enc"][i][...] = gbe
            gbd = dx.sum(axis=0)
            gbd -= gbe @ We
            G["b_dec"][i][...] = gbd
    out.update(loss=loss, mse=mse, l0=l0, sparsity=sparsity, fired=fired, residual=residual)
    return out


# ----------------------------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------------------------


#: Samples (whole batches, at least this many) on which the input scale is estimated.
_NORM_SAMPLES = 4096
#: Data-scale normalisations (:class:`SAEOptions` ``normalize``).
NORMALIZATIONS = ("none", "expected_norm", "unit_mean_squared_norm")


def _input_scale(x: NDArray[Any], how: str) -> float:
    r"""The factor :math:`s` by which training inputs are multiplied: ``"expected_norm"``
    :math:`\sqrt{\mathrm{dim}} / \overline{\|x\|}` (SAELens's ``expected_average_only_in``), or
    ``"unit_mean_squared_norm"`` :math:`1/\sqrt{\overline{\|x\|^2}}`, means over the rows of ``x``.

    Examples
    --------
    >>> _input_scale(np.array([[3.0, 4.0], [0.0, 5.0]]), "expected_norm") == np.sqrt(2) / 5
    True
    """
    sq = np.einsum("bd,bd->b", x, x, dtype=np.float64)
    mean = float(np.sqrt(sq).mean()) if how == "expected_norm" else float(np.sqrt(sq.mean()))
    if not (mean > 0 and math.isfinite(mean)):
        raise ValueError(f"normalize={how!r} needs data with a positive finite mean norm, got {mean}")
    return math.sqrt(x.shape[1]) / mean if how == "expected_norm" else 1.0 / mean


def _decoder_view(params: dict[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
    """The same arrays with ``W_dec`` seen in the toolkit's ``(I, dim, width)`` layout (a view)."""
    out = dict(params)
    out["W_dec"] = params["W_dec"].transpose(0, 2, 1)
    return out


def _data_source(data: Any, B: int, gen: np.random.Generator, dt: type) -> tuple[int, Iterator[NDArray[Any]]]:
    """The data dimension and an iterator of batches of shape (B, dim)."""
    if hasattr(data, "sample") and callable(data.sample):
        first = _sampled(data, B, gen, None)
        dim = first.shape[1]

        def gen_sampler() -> Iterator[NDArray[Any]]:
            yield first.astype(dt)
            while True:
                yield _sampled(data, B, gen, dim).astype(dt)

        return dim, gen_sampler()
    X = check_data(data, "data")
    if X.ndim != 2 or (np.ndim(data) == 1):
        raise ValueError(f"data must have shape (N, dim), got {np.shape(data)}")
    N, dim = X.shape
    Xd: NDArray[Any] = X.astype(dt)

    def gen_array() -> Iterator[NDArray[Any]]:
        if B > N:
            while True:
                yield Xd[gen.integers(0, N, size=B)]
        perm = gen.permutation(N)
        pos = 0
        while True:
            if pos + B > N:
                perm = np.concatenate([perm[pos:], gen.permutation(N)])
                pos = 0
            yield Xd[perm[pos : pos + B]]
            pos += B

    return dim, gen_array()


def _sampled(data: Any, B: int, gen: np.random.Generator, dim: int | None) -> NDArray[Any]:
    got = data.sample(B, rng=gen)
    x = got[0] if isinstance(got, tuple) else got
    x = check_array(x, "data.sample(...)[0]", ndim=2)
    if x.shape[0] != B or (dim is not None and x.shape[1] != dim) or x.shape[1] < 1:
        raise ValueError(f"data.sample({B}) must return x of shape ({B}, dim), got {x.shape}")
    return x


# ----------------------------------------------------------------------------------------------
# training
# ----------------------------------------------------------------------------------------------


def _sweep_values(value: Any, name: str, *, integer: bool, minimum: float) -> NDArray[Any]:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number or a 1-D array of numbers, got a bool")
    try:
        arr = np.atleast_1d(np.asarray(value))
    except (TypeError, ValueError) as exc:  # ragged nesting
        raise ValueError(f"{name} must be a number or a 1-D array of numbers, got {value!r} ({exc})") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a number or a non-empty 1-D array, got shape {np.shape(value)}")
    if integer:
        if arr.dtype.kind not in "iu":
            raise TypeError(f"{name} must be an integer or an array of integers, got {value!r}")
        for v in arr:
            check_int(int(v), name, minimum=int(minimum))
        return arr.astype(np.int64)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real number or an array of reals, got {value!r}")
    for v in arr:
        check_real(float(v), name, minimum=minimum)
    return arr.astype(np.float64)


def _schedule_factor(step: int, steps: int, warmup: float, decay: float) -> float:
    """Multiplier at ``step`` (0-based): linear warmup over the first ``warmup`` fraction of the
    steps (``(step + 1) / n_warm``), linear decay to 0 over the last ``decay`` fraction, else 1."""
    factor = 1.0
    n_warm = warmup * steps
    if n_warm and step < n_warm:
        factor = min(1.0, (step + 1) / n_warm)
    n_decay = decay * steps
    if n_decay and step >= steps - n_decay:
        factor *= min(1.0, (steps - step) / n_decay)
    return factor


def train_saes(
    data: Any,
    *,
    kind: str = "relu",
    width: int,
    l1: Any = None,
    l0: Any = None,
    k: Any = None,
    n_seeds: int = 1,
    tied: bool = False,
    steps: int = 2000,
    batch_size: int = 256,
    lr: float | None = None,
    options: SAEOptions | None = None,
    rng: Any = 0,
) -> list[SAE]:
    r"""Train a batch of sparse autoencoders at once on shared batches.

    Every instance sees the same batches (one pass of the data stream serves them all); the
    instances are the sweep values (``l1`` for ``relu``, ``l0`` for ``jumprelu``, ``k`` for the
    TopK family) times ``n_seeds`` initialisations, stacked on a leading axis so every product is
    one ``np.matmul`` over ``(instances, batch, ·)``. Instance ``j`` of a sweep starts from the
    initialisation of seed index ``j % n_seeds``, which depends only on ``rng`` and that index:
    training one value alone with :func:`train_sae` gives the same SAE.

    Objective per instance (mean over the batch, summed squared error over dimensions):

    - ``"relu"``: :math:`\|x-\hat x\|^2 + \lambda_1 \sum_i f_i` (Bricken et al. 2023), or with
      ``options.l1_weighting="decoder_norm"`` :math:`\lambda_1\sum_i f_i\|d_i\|` and an
      unconstrained decoder (Anthropic, April 2024 update).
    - ``"topk"``: :math:`\|x-\hat x\|^2` with the ``k`` largest pre-activations per input kept,
      then ReLU (Gao et al. 2024). The auxiliary AuxK loss is not implemented; use resampling.
    - ``"batchtopk"``: the ``k·B`` largest ReLU'd pre-activations over the whole batch are kept
      (Bussmann et al. 2024); the inference threshold is the bias-corrected exponential moving
      average (rate ``options.threshold_rate``) of the smallest kept activation per batch.
    - ``"jumprelu"``: :math:`\|x-\hat x\|^2 + \lambda_0 \sum_i H(z_i - \theta_i)`, codes
      :math:`z\,H(z-\theta)`, thresholds parameterised by :math:`\log\theta`, trained by the
      straight-through estimator with a rectangle kernel of bandwidth
      ``options.jumprelu_bandwidth`` (Rajamanoharan et al. 2024; the pre-activations get no STE
      gradient from the step function, as in the paper).
    - ``"matryoshka"``: BatchTopK activations computed once over the whole dictionary; each nested
      prefix of the latents (``options.prefixes``) reconstructs the input on its own and the
      squared errors are summed (Bussmann et al. 2025, the BatchTopK variant of the paper). SAELens
      instead recomputes BatchTopK within each prefix.

    ``tied=True`` sets :math:`W_{\mathrm{enc}} = W_{\mathrm{dec}}^\top` (one parameter, both
    gradients). The decoder is kept at unit column norm (see :class:`SAEOptions`) except for
    decoder-norm-weighted L1. Initialisation: decoder columns uniform on the sphere (norm
    ``options.decoder_init_norm`` when unconstrained), encoder = decoder transpose, ``b_enc = 0``,
    ``b_dec`` the data mean (``options.b_dec_init``), JumpReLU thresholds
    ``options.jumprelu_init_threshold``.

    Computation: for ``relu``, ``topk`` and ``batchtopk`` the instances are processed one at a
    time and, whenever at most an eighth of an instance's batch of codes is nonzero, the codes are
    held as a ``scipy.sparse`` CSR matrix: decoding, the decoder gradient, the code gradient (at
    the active entries only) and the encoder gradient then cost time proportional to the number of
    active codes, and only the encoder product :math:`(x - b_{\mathrm{dec}}) W_{\mathrm{enc}}^\top`
    is dense. The code gradient of an input with more than ``width/16`` active latents comes from
    one dense product over such inputs, the others' from their gathered atoms. Denser batches use
    dense products. Every path gives the same numbers up to rounding.
    ``options.bias=False`` trains without biases; ``options.normalize`` rescales the data by a
    fixed factor folded into the returned weights (see :class:`SAEOptions`).

    Dead latents: the steps since each latent last fired are tracked; a latent silent for
    ``options.dead_window`` steps is dead. With ``options.resample_every`` set, every that many
    steps each dead latent is re-initialised toward an input of the current batch drawn with
    probability proportional to the square of its loss :math:`\|x - \hat x\|^2` (a simplified
    version of Bricken et al. 2023's resampling, on one batch instead of a large sample): decoder
    column = that input minus ``b_dec``, normalised; encoder row = the same direction scaled to
    0.2 × the mean encoder-row norm of live latents; ``b_enc = 0``; their Adam moments reset.

    Parameters
    ----------
    data : array_like of shape (N, dim), or object with ``.sample(batch, rng=...)``
        Training data: rows drawn without replacement, reshuffled every epoch; or a sampler such as
        :class:`theory.sparse_coding.GroundTruth` returning ``(x, codes)`` with ``x`` of shape
        ``(batch, dim)``.
    kind : {"relu", "topk", "batchtopk", "jumprelu", "matryoshka"}
    width : int
        Number of latents (dictionary size).
    l1 : float or 1-D array, optional
        ``relu``: L1 coefficient(s) :math:`\lambda_1` (default 0.1).
    l0 : float or 1-D array, optional
        ``jumprelu``: L0 coefficient(s) :math:`\lambda_0` (default 0.01).
    k : int or 1-D array of int, optional
        ``topk``/``batchtopk``/``matryoshka``: active latents per input (required).
    n_seeds : int
        Initialisations per sweep value, at most ``MAX_SEEDS``.
    tied : bool
    steps : int
        At most ``MAX_STEPS``.
    batch_size : int
    lr : float, optional
        Overrides ``options.lr``; in ``(0, MAX_LR]``.
    options : SAEOptions, optional
    rng : int or Generator
        Seeds the initialisations, the batches and resampling.

    Returns
    -------
    list of SAE
        One per instance, sweep value major, seed index minor.

    Raises
    ------
    ValueError
        Bad arguments; buffers (all instances, ``width``, ``batch_size``, ``dim``) over the memory
        limit, checked before anything is allocated; training that diverges (non-finite parameters
        or loss), naming ``lr`` and the sparsity coefficient.

    Warns
    -----
    TheoryWarning
        BatchTopK/Matryoshka instances in which no latent was ever selected; JumpReLU instances
        with a positive L0 coefficient whose median trained threshold is below
        ``JUMPRELU_RELU_LIKE_RATIO`` (0.1) times the root mean square of their positive
        pre-activations on the last batch (the SAE then acts almost like a ReLU SAE); the message
        names a starting scale for ``jumprelu_init_threshold``.

    Examples
    --------
    >>> X = np.abs(np.random.default_rng(0).standard_normal((512, 4))) * (
    ...     np.random.default_rng(1).random((512, 4)) < 0.3)
    >>> saes = train_saes(X, kind="topk", width=4, k=[1, 2], steps=300, batch_size=64,
    ...                   lr=1e-2, options=SAEOptions(progress=False))
    >>> [s.k for s in saes], saes[1].final_mse < saes[0].final_mse
    ([1, 2], True)

    References
    ----------
    .. [1] Bricken, T. et al. (2023). Towards Monosemanticity: Decomposing Language Models With
       Dictionary Learning. Transformer Circuits Thread.
    .. [2] Gao, L. et al. (2024). Scaling and evaluating sparse autoencoders. arXiv:2406.04093.
    .. [3] Bussmann, B., Leask, P. and Nanda, N. (2024). BatchTopK Sparse Autoencoders.
       arXiv:2412.06410.
    .. [4] Rajamanoharan, S. et al. (2024). Jumping Ahead: Improving Reconstruction Fidelity with
       JumpReLU Sparse Autoencoders. arXiv:2407.14435.
    .. [5] Bussmann, B. et al. (2025). Learning Multi-Level Features with Matryoshka Sparse
       Autoencoders. arXiv:2503.17547.
    .. [6] Conerly, T. et al. (2024). Circuits Updates – April 2024: Training SAEs.
       Transformer Circuits Thread.
    .. [7] Loshchilov, I. and Hutter, F. (2019). Decoupled Weight Decay Regularization.
       arXiv:1711.05101.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if options is None:
        options = SAEOptions()
    if not isinstance(options, SAEOptions):
        raise TypeError(f"options must be an SAEOptions, got {type(options).__name__}")
    if lr is not None:
        options = replace(options, lr=check_real(lr, "lr", minimum=0.0, strict_min=True, maximum=MAX_LR))
    width = check_int(width, "width", minimum=1)
    n_seeds = check_size(n_seeds, "n_seeds", maximum=MAX_SEEDS, why="MAX_SEEDS; all instances train at once")
    steps = check_size(steps, "steps", maximum=MAX_STEPS, why="MAX_STEPS; each step is a full SAE update")
    B = check_int(batch_size, "batch_size", minimum=1)
    tied = check_bool(tied, "tied")
    for name, val, ok in (("l1", l1, kind == "relu"), ("l0", l0, kind == "jumprelu"), ("k", k, kind in _K_KINDS)):
        if val is not None and not ok:
            raise ValueError(f"{name} does not apply to kind={kind!r}")
    if kind == "relu":
        values = _sweep_values(0.1 if l1 is None else l1, "l1", integer=False, minimum=0.0)
    elif kind == "jumprelu":
        values = _sweep_values(0.01 if l0 is None else l0, "l0", integer=False, minimum=0.0)
    else:
        if k is None:
            raise ValueError(f"kind={kind!r} needs k (latents per input)")
        values = _sweep_values(k, "k", integer=True, minimum=1)
        if np.any(values > width):
            raise ValueError(f"k must be <= width = {width}, got {values.tolist()}")
    if options.l1_weighting != "none" and kind != "relu":
        raise ValueError(f"l1_weighting applies to kind='relu' only, got kind={kind!r}")
    dn_l1 = options.l1_weighting == "decoder_norm"
    if dn_l1 and tied:
        raise ValueError("tied=True with l1_weighting='decoder_norm' is not supported")
    normalize = (not dn_l1) if options.normalize_decoder is None else options.normalize_decoder
    groups: tuple[tuple[int, int], ...] = ((0, width),)
    if kind == "matryoshka":
        pre = options.prefixes or tuple(sorted({max(1, width // 8), max(1, width // 4), max(1, width // 2), width}))
        if pre[-1] > width:
            raise ValueError(f"prefixes must not exceed width = {width}, got {pre}")
        if pre[-1] != width:
            pre = (*pre, width)
        bounds = (0, *pre)
        groups = tuple(zip(bounds[:-1], bounds[1:], strict=True))
    elif options.prefixes is not None:
        raise ValueError(f"prefixes apply to kind='matryoshka' only, got kind={kind!r}")

    dt = _DTYPES[options.dtype]
    largest = float(np.finfo(np.dtype(options.dtype)).max)
    if kind in ("relu", "jumprelu") and float(values.max()) > largest:
        name = "l1" if kind == "relu" else "l0"
        raise ValueError(
            f"{name} must be at most {largest:.4g} (the largest {options.dtype} number), got {float(values.max()):.4g}"
        )
    I = values.size * n_seeds
    itemsize = np.dtype(dt).itemsize

    def buffers(dim: str) -> str:
        return (
            f"SAE training buffers for {I} instances (n_seeds={n_seeds} x {values.size} sweep values) of "
            f"width={width}, batch_size={B}, dim{dim}"
        )

    # before anything is allocated or spawned: a lower bound with dim = 1, then the exact size
    check_memory(itemsize * I * (B * (8 * width + 6) + 8 * width), buffers(" >= 1"))
    gen = as_rng(rng)
    seed_seqs = np.random.SeedSequence(int(gen.integers(2**63))).spawn(n_seeds)
    dim, batches = _data_source(data, B, gen, dt)
    check_memory(itemsize * I * (B * (8 * width + 6 * dim) + 8 * width * dim), buffers(f"={dim}"))
    coef = np.repeat(values, n_seeds).astype(dt) if kind in ("relu", "jumprelu") else np.zeros(I, dtype=dt)
    kk = np.repeat(values, n_seeds).astype(np.int64) if kind in _K_KINDS else None

    # data-scale normalisation: a fixed factor estimated on the first batches (replayed for training)
    input_scale = 1.0
    if options.normalize != "none":
        head = [next(batches) for _ in range(-(-_NORM_SAMPLES // B))]
        input_scale = _input_scale(np.concatenate(head), options.normalize)
        batches = itertools.chain(head, batches)
    sdt = dt(input_scale)

    # initialisation: per seed index, independent of the sweep value
    init_x = next(batches) * sdt if options.b_dec_init == "mean" and options.bias else None
    if kind == "jumprelu" and "auto" in (options.jumprelu_init_threshold, options.jumprelu_bandwidth):
        if init_x is not None:
            first = init_x
        else:  # look at the first training batch and put it back
            peek = next(batches)
            batches = itertools.chain([peek], batches)
            first = peek * sdt
        auto = 0.5 * math.sqrt(float(np.mean(np.einsum("bd,bd->b", first, first, dtype=np.float64))) / dim)
        if not (math.isfinite(auto) and auto > 0):
            raise ValueError("jumprelu 'auto' thresholds need a first batch that is not all zero")
        changes: dict[str, Any] = {
            name: auto for name in ("jumprelu_init_threshold", "jumprelu_bandwidth") if getattr(options, name) == "auto"
        }
        options = replace(options, **changes)
    bw = options.jumprelu_bandwidth  # a float once "auto" is resolved (only JumpReLU reads it)
    spec = _Spec(kind, tied, dn_l1, bw if isinstance(bw, float) else 0.0, groups)
    P0: dict[str, NDArray[Any]] = {}
    W_dec0 = np.empty((I, dim, width), dtype=np.float64)
    inst_gens = []
    for i in range(I):
        g = np.random.default_rng(seed_seqs[i % n_seeds])
        D = g.standard_normal((dim, width))
        D /= np.linalg.norm(D, axis=0)
        W_dec0[i] = D * (1.0 if normalize else options.decoder_init_norm)
        inst_gens.append(g)
    if not tied:
        P0["W_enc"] = W_dec0.transpose(0, 2, 1).astype(dt)
    P0["b_enc"] = np.zeros((I, width), dtype=dt)
    P0["W_dec"] = W_dec0.transpose(0, 2, 1).astype(dt)  # stored as (I, width, dim): atoms are rows
    b_dec0 = np.zeros(dim) if init_x is None else init_x.astype(np.float64).mean(axis=0)  # zeros without bias
    P0["b_dec"] = np.tile(b_dec0, (I, 1)).astype(dt)
    if kind == "jumprelu":
        P0["log_threshold"] = np.full((I, width), math.log(float(options.jumprelu_init_threshold)), dtype=dt)
    flat = FlatParams(P0, dt)
    opt = AdamW(lr=options.lr, betas=options.betas, eps=options.eps, weight_decay=options.weight_decay)
    opt.init(flat)
    assert opt.m is not None and opt.v is not None
    P, G = flat.p, flat.g
    # the toolkit's layout, W_dec (I, dim, width), as views of the same buffers
    Pv, Gv, Mv, Vv = (_decoder_view(dct) for dct in (P, G, opt.m.p, opt.v.p))

    since_fired = np.zeros((I, width), dtype=np.int64)
    work: dict[str, NDArray[Any]] = {}  # scratch arrays reused from step to step
    ema = np.zeros(I)
    ema_n = np.zeros(I, dtype=np.int64)
    rate = options.threshold_rate
    log_every = options.log_every or max(1, steps // 200)
    logs: dict[str, list[Any]] = {"steps": [], "loss": [], "mse": [], "l0": [], "dead": []}
    bar = None
    if options.progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=steps, desc=f"train_saes[{kind}]", mininterval=0.5, file=sys.stderr)
    limit = (
        threadpoolctl.threadpool_limits(limits=options.blas_threads, user_api="blas")
        if options.blas_threads is not None
        else contextlib.nullcontext()
    )
    with limit, np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            x = next(batches)
            if input_scale != 1.0:
                x = x * sdt
            lr_scale = _schedule_factor(step, steps, options.lr_warmup, options.lr_decay)
            coef_t = coef * dt(_schedule_factor(step, steps, options.sparsity_warmup, 0.0))
            if kind in _SELECT_KINDS:
                res = _select_loss_and_grads(spec, P, G, x, coef_t, kk, bias=options.bias, project=normalize, work=work)
                fired = res["fired"]
            else:
                res = _loss_and_grads(spec, Pv, x, coef_t, kk)
                for key, g in res["grads"].items():
                    Gv[key][...] = g
                if not options.bias:
                    G["b_enc"][...] = 0
                    G["b_dec"][...] = 0
                fired = res["mask"].any(axis=1)
            since_fired += 1
            since_fired[fired] = 0
            if "min_selected" in res:
                ms = res["min_selected"]
                ok = np.isfinite(ms)
                ema[ok] = (1 - rate) * ema[ok] + rate * ms[ok]
                ema_n[ok] += 1
            if normalize and kind not in _SELECT_KINDS:  # decoder rows of the (I, width, dim) buffer
                Dt, gDt = P["W_dec"], G["W_dec"]
                gDt -= Dt * np.einsum("iwd,iwd->iw", gDt, Dt)[:, :, None]
            opt.step(flat, scale=lr_scale)
            if normalize:
                Dt = P["W_dec"]
                Dt /= np.sqrt(np.einsum("iwd,iwd->iw", Dt, Dt))[:, :, None]
            if (step + 1) % log_every == 0 or step == steps - 1:
                logs["steps"].append(step + 1)
                logs["loss"].append(res["loss"])
                logs["mse"].append(res["mse"] / input_scale**2)
                logs["l0"].append(res["l0"])
                logs["dead"].append((since_fired >= options.dead_window).mean(axis=1))
                if not np.all(np.isfinite(res["loss"])):
                    break
            if options.resample_every and (step + 1) % options.resample_every == 0 and step + 1 < steps:
                _resample(
                    Pv, Mv, Vv, since_fired, res["residual"], x, inst_gens, options, tied=tied, normalize=normalize
                )
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    if not (np.all(np.isfinite(flat.theta)) and np.all(np.isfinite(logs["loss"][-1]))):
        coef_name = {"relu": "l1", "jumprelu": "l0"}.get(kind)
        also = f" or {coef_name} (max {float(values.max()):.3g})" if coef_name else ""
        raise ValueError(
            f"SAE training diverged (non-finite parameters or loss) at lr={options.lr:.3g}; lower lr{also}"
        )

    if kind == "jumprelu":
        _warn_relu_like(P, x, coef, tied=tied, options=options)
    thresholds = None
    if kind in ("batchtopk", "matryoshka"):
        if np.any(ema_n == 0):
            warnings.warn(
                "no latent was ever selected in some instances; their threshold is 0", TheoryWarning, stacklevel=2
            )
        thresholds = np.where(ema_n > 0, ema / (1 - (1 - rate) ** np.maximum(ema_n, 1)), 0.0)
    base_info = {
        "steps": steps,
        "batch_size": B,
        "n_seeds": n_seeds,
        "options": options.to_dict(),
        "normalize_decoder": normalize,
        "groups": [list(gr) for gr in groups],
        "input_scale": input_scale,
    }
    arr = {key: np.asarray(val, dtype=np.float64) for key, val in logs.items() if key != "steps"}
    saes = []
    for i in range(I):
        W_dec = Pv["W_dec"][i].copy()
        W_enc = W_dec.T.copy() if tied else P["W_enc"][i].copy()
        b_dec = P["b_dec"][i].copy()
        if input_scale != 1.0:  # fold the input scale in: the SAE acts on raw data
            W_enc *= sdt
            W_dec /= sdt
            b_dec /= sdt
        if kind == "jumprelu":
            thr = np.exp(P["log_threshold"][i].astype(np.float64)).astype(dt)
        elif thresholds is not None:
            thr = np.full(width, thresholds[i], dtype=dt)
        else:
            thr = None
        saes.append(
            SAE(
                W_enc=W_enc,
                b_enc=P["b_enc"][i].copy(),
                W_dec=W_dec,
                b_dec=b_dec,
                bias=options.bias,
                kind=kind,
                k=int(kk[i]) if kk is not None else None,
                threshold=thr,
                tied=tied,
                sparsity_coefficient=float(coef[i]) if kind in ("relu", "jumprelu") else None,
                log_steps=np.asarray(logs["steps"]),
                losses=arr["loss"][:, i],
                mses=arr["mse"][:, i],
                l0s=arr["l0"][:, i],
                dead_fractions=arr["dead"][:, i],
                info={**base_info, "seed_index": i % n_seeds},
            )
        )
    return saes


#: A JumpReLU instance whose median threshold is below this fraction of the root mean square of its
#: positive pre-activations on the last training batch is reported as acting like a ReLU SAE.
JUMPRELU_RELU_LIKE_RATIO = 0.1


def _warn_relu_like(
    P: dict[str, NDArray[Any]], x: NDArray[Any], coef: NDArray[Any], *, tied: bool, options: SAEOptions
) -> None:
    r"""Warn when trained JumpReLU thresholds sit far below the pre-activations (a ReLU SAE in effect).

    Adam moves :math:`\log\theta` by about the learning rate per step, so thresholds that start far
    below the pre-activation scale stay there in a short run and the L0 penalty barely acts. Measured
    on the last (scaled) training batch: the median threshold of each instance relative to the root mean square
    of its positive pre-activations. Instances with a zero L0 coefficient are not reported.
    """
    We = P["W_dec"] if tied else P["W_enc"]  # (I, width, dim)
    I = We.shape[0]
    count = np.zeros(I, dtype=np.int64)
    rms = np.zeros(I)
    for i in range(I):  # one instance at a time: no (I, B, width) temporaries
        pos = np.maximum((x - P["b_dec"][i]) @ We[i].T + P["b_enc"][i], 0)
        count[i] = np.count_nonzero(pos)
        rms[i] = math.sqrt(float(np.einsum("bw,bw->", pos, pos, dtype=np.float64)) / max(int(count[i]), 1))
    med = np.median(np.exp(P["log_threshold"].astype(np.float64)), axis=1)
    ratio = med / np.where(rms > 0, rms, np.inf)
    bad = np.flatnonzero((coef > 0) & (count > 0) & (ratio < JUMPRELU_RELU_LIKE_RATIO))
    if bad.size == 0:
        return
    suggest = 0.5 * math.sqrt(float(np.mean(np.einsum("bd,bd->b", x, x, dtype=np.float64))) / x.shape[1])
    warnings.warn(
        f"JumpReLU instance(s) {bad.tolist()}: the median threshold is at most {float(ratio[bad].max()):.3g} "
        "times the root mean square of the positive pre-activations on the last batch (thresholds started at "
        f"jumprelu_init_threshold={options.jumprelu_init_threshold:g}), so these SAEs act almost like ReLU SAEs "
        "and the L0 penalty has had little effect. Adam moves log(threshold) by about lr per step: set "
        f"jumprelu_init_threshold and jumprelu_bandwidth near {suggest:.3g} (half the RMS input coordinate, in "
        "the units the optimiser saw; 'auto' does this; theory sae: --jumprelu-threshold, --jumprelu-bandwidth), "
        "or train longer",
        TheoryWarning,
        stacklevel=3,
    )


def _resample(
    P: dict[str, NDArray[Any]],
    M: dict[str, NDArray[Any]],
    V: dict[str, NDArray[Any]],
    since_fired: NDArray[np.int64],
    residual: NDArray[Any] | list[NDArray[Any]],
    x: NDArray[Any],
    gens: list[np.random.Generator],
    options: SAEOptions,
    *,
    tied: bool,
    normalize: bool,
) -> None:
    """Re-initialise dead latents toward high-loss inputs (in place; see :func:`train_saes`)."""
    dead_all = since_fired >= options.dead_window
    for i in np.flatnonzero(dead_all.any(axis=1)):
        dead = np.flatnonzero(dead_all[i])
        err = np.einsum("bd,bd->b", residual[i], residual[i], dtype=np.float64)
        w = err**2
        p = w / w.sum() if w.sum() > 0 and np.all(np.isfinite(w)) else np.full(w.size, 1.0 / w.size)
        rows = gens[i].choice(w.size, size=dead.size, p=p)
        v = x[rows].astype(np.float64) - P["b_dec"][i].astype(np.float64)
        n = np.linalg.norm(v, axis=1, keepdims=True)
        v = np.where(n > 0, v / np.where(n > 0, n, 1), 0.0)
        alive = ~dead_all[i]
        enc = P["W_dec"][i].T if tied else P["W_enc"][i]
        scale = 0.2 * (float(np.linalg.norm(enc[alive], axis=1).mean()) if alive.any() else 1.0)
        col = v.T if normalize else v.T * options.decoder_init_norm
        P["W_dec"][i][:, dead] = col
        if not tied:
            P["W_enc"][i][dead] = v * scale
        P["b_enc"][i][dead] = 0
        for S in (M, V):
            S["W_dec"][i][:, dead] = 0
            S["b_enc"][i][dead] = 0
            if not tied:
                S["W_enc"][i][dead] = 0
        if "log_threshold" in P:
            P["log_threshold"][i][dead] = math.log(float(options.jumprelu_init_threshold))
            M["log_threshold"][i][dead] = 0
            V["log_threshold"][i][dead] = 0
        since_fired[i, dead] = 0


def train_sae(
    data: Any,
    *,
    kind: str = "relu",
    width: int,
    l1: float | None = None,
    l0: float | None = None,
    k: int | None = None,
    tied: bool = False,
    steps: int = 2000,
    batch_size: int = 256,
    lr: float | None = None,
    options: SAEOptions | None = None,
    rng: Any = 0,
) -> SAE:
    """Train one sparse autoencoder; :func:`train_saes` with a single instance.

    Examples
    --------
    >>> X = np.random.default_rng(0).standard_normal((256, 3))
    >>> sae = train_sae(X, kind="relu", width=6, l1=0.01, steps=50, batch_size=32,
    ...                 options=SAEOptions(progress=False))
    >>> sae.dictionary.shape, sae.encode(X[:5]).shape
    ((3, 6), (5, 6))
    """
    for name, val in (("l1", l1), ("l0", l0), ("k", k)):
        if val is not None and np.ndim(val) != 0:
            raise ValueError(f"train_sae trains one SAE: {name} must be a scalar (use train_saes for sweeps)")
    return train_saes(
        data,
        kind=kind,
        width=width,
        l1=l1,
        l0=l0,
        k=k,
        n_seeds=1,
        tied=tied,
        steps=steps,
        batch_size=batch_size,
        lr=lr,
        options=options,
        rng=rng,
    )[0]
