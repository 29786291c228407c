"""A batched NumPy trainer for the toy models, with hand-derived gradients and AdamW."""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._optim import AdamW, FlatParams
from theory._validation import (
    as_rng,
    check_array,
    check_bool,
    check_int,
    check_memory,
    check_probability,
    check_real,
    check_size,
    estimate_bytes,
)
from theory._warnings import TheoryDeprecationWarning
from theory.toy_models._sparse import sparse_loss_and_gradients
from theory.toy_models.config import ToyModelConfig
from theory.toy_models.data import _dtype
from theory.toy_models.model import ToyModel, _loss_and_gradients

__all__ = [
    "INITS",
    "OPTIMIZERS",
    "SCHEDULES",
    "OptimizerSpec",
    "TrainOptions",
    "TrainingDivergedError",
    "init_params",
    "train",
]

OPTIMIZERS = ("adamw", "sgd")
SCHEDULES = ("constant", "linear", "cosine")
INITS = ("xavier_normal", "torch3d")


def _schedule(schedule: str | Callable[[int, int], float]) -> Callable[[int, int], float]:
    if callable(schedule):
        return schedule
    if schedule == "constant":
        return lambda step, steps: 1.0
    if schedule == "linear":
        return lambda step, steps: 1.0 - step / steps
    if schedule == "cosine":
        return lambda step, steps: math.cos(0.5 * math.pi * step / (steps - 1)) if steps > 1 else 1.0
    raise ValueError(f"schedule must be one of {SCHEDULES} or a callable (step, steps) -> factor, got {schedule!r}")


def init_params(
    config: ToyModelConfig, *, rng: Any = 0, init: str = "xavier_normal", dtype: Any = "float64"
) -> dict[str, NDArray[Any]]:
    r"""Initial parameters: Xavier-normal weights, zero biases.

    ``"xavier_normal"`` draws each instance's :math:`W` (``dim × n``) with standard deviation
    :math:`\sqrt{2/(n + \mathrm{dim})}` (Glorot & Bengio 2010). ``"torch3d"`` reproduces what
    ``torch.nn.init.xavier_normal_`` does to the notebook's ``(n_instances, n_features, n_hidden)``
    tensor: fan-in :math:`n\cdot\mathrm{dim}`, fan-out :math:`I\cdot\mathrm{dim}`, so
    :math:`\sigma = \sqrt{2/(\mathrm{dim}(n + I))}`.

    Parameters
    ----------
    config : ToyModelConfig
    rng : int or Generator, optional
    init : {"xavier_normal", "torch3d"}
    dtype : {"float64", "float32"}

    Returns
    -------
    dict with ``"W"`` (n_instances, n_hidden, n_features), ``"b"`` (n_instances, n_features)
    and for ``abs`` ``"W2"`` (n_instances, n_features, n_hidden).

    Examples
    --------
    >>> p = init_params(ToyModelConfig(n_features=400, n_hidden=100), rng=0)
    >>> round(float(p["W"].std() ** 2 * 500 / 2), 1)
    1.0

    References
    ----------
    .. [1] Glorot, X. and Bengio, Y. (2010). Understanding the difficulty of training deep
       feedforward neural networks. AISTATS.
    .. [2] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    if not isinstance(config, ToyModelConfig):
        raise TypeError(f"config must be a ToyModelConfig, got {type(config).__name__}")
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    dt = _dtype(dtype)
    gen = as_rng(rng)
    I, m, n = config.shape
    check_memory(
        estimate_bytes(I, m, n, itemsize=16), f"weights of shape (n_instances={I}, n_hidden={m}, n_features={n})"
    )
    std = math.sqrt(2.0 / (n + m)) if init == "xavier_normal" else math.sqrt(2.0 / (m * (n + I)))
    params: dict[str, NDArray[Any]] = {
        "W": (std * gen.standard_normal((I, m, n))).astype(dt),
        "b": np.zeros((I, n), dtype=dt),
    }
    if config.task == "abs":
        params["W2"] = (std * gen.standard_normal((I, n, m))).astype(dt)
    return params


#: ``sparse_compute="auto"`` takes the sparse path for an instance when the expected fraction of
#: non-empty examples, :math:`1 - (1 - p)^n`, is at most this (measured: benchmarks/toy_sparse.py)
SPARSE_ROW_FRACTION = 0.7

#: Largest number of optimizer steps a training run takes.
MAX_STEPS = 10**8


class TrainingDivergedError(ValueError, FloatingPointError):
    """Training produced non-finite parameters or losses (the learning rate is too large).

    A ``ValueError`` (a bad ``lr`` for this problem) and, for code written against earlier
    versions, a ``FloatingPointError``.
    """


def _sparse_compute_mask(sampler: Any, config: ToyModelConfig, B: int, mode: bool | str) -> NDArray[np.bool_] | None:
    """Which of the sparsely sampled instances also take the sparse forward/backward pass."""
    if mode is False or sampler.sparse_idx.size == 0:
        return None
    if mode is True:
        return np.ones(sampler.sparse_idx.size, dtype=bool)
    q = -np.expm1(config.n_features * np.log1p(-sampler.p_sparse))
    keep = q <= SPARSE_ROW_FRACTION
    return keep if keep.any() else None


@dataclass(frozen=True)
class OptimizerSpec:
    r"""Which optimiser :func:`train` runs, and its constants (the learning rate is ``train``'s).

    ``"adamw"`` is ``theory._optim.AdamW``, PyTorch's AdamW update with decoupled weight
    decay :math:`\lambda`:

    .. math::
        \theta \leftarrow \theta(1 - \eta_t\lambda),\ m \leftarrow \beta_1 m + (1-\beta_1) g,\
        v \leftarrow \beta_2 v + (1-\beta_2) g^2,\
        \theta \leftarrow \theta - \frac{\eta_t}{1-\beta_1^t}\,
        \frac{m}{\sqrt{v/(1-\beta_2^t)} + \epsilon};

    ``"sgd"`` is plain gradient descent, :math:`\theta \leftarrow \theta - \eta_t g` (the other
    fields are then unused).

    Attributes
    ----------
    kind : {"adamw", "sgd"}
    weight_decay : float
        Decoupled weight decay :math:`\lambda \ge 0` (PyTorch's AdamW default 0.01, used by the
        paper's notebook).
    betas : tuple of float
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float
        Added to the bias-corrected root mean square (> 0).

    Examples
    --------
    >>> OptimizerSpec(weight_decay=0.0)
    OptimizerSpec(kind='adamw', weight_decay=0.0, betas=(0.9, 0.999), eps=1e-08)
    >>> OptimizerSpec("sgd").build(lr=0.1) is None     # sgd needs no state
    True

    References
    ----------
    .. [1] Loshchilov, I. and Hutter, F. (2019). Decoupled Weight Decay Regularization.
       ICLR. arXiv:1711.05101.
    .. [2] Kingma, D. P. and Ba, J. (2015). Adam: A Method for Stochastic Optimization.
       arXiv:1412.6980.
    """

    kind: str = "adamw"
    weight_decay: float = 0.01
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or self.kind not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got kind={self.kind!r}")
        object.__setattr__(self, "weight_decay", check_real(self.weight_decay, "weight_decay", minimum=0.0))
        betas = self.betas
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise TypeError(f"betas must be a pair of floats, got {betas!r}")
        object.__setattr__(
            self,
            "betas",
            (
                check_probability(betas[0], "betas[0]", allow_one=False),
                check_probability(betas[1], "betas[1]", allow_one=False),
            ),
        )
        object.__setattr__(self, "eps", check_real(self.eps, "eps", minimum=0.0, strict_min=True))

    def build(self, lr: float) -> AdamW | None:
        """A fresh optimiser (no state) at peak learning rate ``lr``; ``None`` for ``"sgd"``."""
        if self.kind == "sgd":
            return None
        return AdamW(lr=lr, betas=self.betas, eps=self.eps, weight_decay=self.weight_decay)


@dataclass(frozen=True)
class TrainOptions:
    r"""Settings of :func:`train` beyond the run's size, learning rate and seed.

    The defaults are what ``train`` runs: AdamW with the notebook's constants, a constant
    learning rate, ``float32``, Xavier-normal weights and the sparse sampling and compute paths
    where they pay off. Every field is validated when the options are made.

    Attributes
    ----------
    optimizer : OptimizerSpec or {"adamw", "sgd"}
        The optimiser and its constants (a name means its default constants).
    schedule : {"constant", "linear", "cosine"} or callable ``(step, steps) -> factor``
        Learning-rate multiplier (the notebook's ``constant_lr``, ``linear_lr``,
        ``cosine_decay_lr``); a callable should be a module-level function if the options are to
        be pickled.
    dtype : {"float32", "float64"}
        Floating-point type of the parameters and batches.
    init : {"xavier_normal", "torch3d"}
        See :func:`init_params`.
    log_every : int, optional
        Record the training loss every this many steps (default ``max(1, steps // 1000)``), and
        always at the last step.
    sparse_threshold : float
        Instances with density at most this are sampled by geometric gaps (no work for the
        zeros); see :func:`theory.toy_models.sample_features`.
    sparse_compute : {"auto", True, False}
        Sparse forward/backward pass (reconstruct task) for the instances sampled sparsely:
        examples without any present feature are handled in closed form (output
        :math:`\sigma(b)`), ``h = Wx`` and the encoder gradient use only the present entries (CSR
        products), the decoder only the non-empty examples. Same batches and the same result as
        the dense pass up to float rounding. ``"auto"`` uses it for an instance when the expected
        fraction of non-empty examples :math:`1-(1-p)^n \le` ``SPARSE_ROW_FRACTION`` (0.7):
        the sparse pass pays off when most examples are empty (timings in
        ``docs/results_toy_models.md``).

    Examples
    --------
    >>> opts = TrainOptions(schedule="cosine", dtype="float64")
    >>> opts
    TrainOptions(schedule='cosine', dtype='float64')
    >>> opts.replace(optimizer=OptimizerSpec(weight_decay=0.0)).optimizer.weight_decay
    0.0
    >>> TrainOptions(init="he")
    Traceback (most recent call last):
    ...
    ValueError: init must be one of ('xavier_normal', 'torch3d'), got 'he'
    """

    optimizer: OptimizerSpec = OptimizerSpec()
    schedule: str | Callable[[int, int], float] = "constant"
    dtype: str = "float32"
    init: str = "xavier_normal"
    log_every: int | None = None
    sparse_threshold: float = 0.05
    sparse_compute: bool | str = "auto"

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        opt = self.optimizer
        if isinstance(opt, str):
            put("optimizer", OptimizerSpec(opt))
        elif not isinstance(opt, OptimizerSpec):
            raise TypeError(f"optimizer must be an OptimizerSpec or one of {OPTIMIZERS}, got {type(opt).__name__}")
        _schedule(self.schedule)
        put("dtype", np.dtype(_dtype(self.dtype)).name)
        if not isinstance(self.init, str) or self.init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {self.init!r}")
        if self.log_every is not None:
            put("log_every", check_int(self.log_every, "log_every", minimum=1))
        put("sparse_threshold", check_probability(self.sparse_threshold, "sparse_threshold"))
        sc = self.sparse_compute
        if isinstance(sc, (bool, np.bool_)):
            put("sparse_compute", bool(sc))
        elif not (isinstance(sc, str) and sc == "auto"):
            raise ValueError(f"sparse_compute must be True, False or 'auto', got {sc!r}")

    def replace(self, **changes: Any) -> TrainOptions:
        """A copy with ``changes`` (validated again)."""
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        default = TrainOptions()
        changed = [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        ]
        return f"TrainOptions({', '.join(changed)})"


#: The keywords of :func:`train` that moved into :class:`TrainOptions` (and its ``optimizer``);
#: they still work for one release, with a ``DeprecationWarning``.
_OPTIMIZER_KEYWORDS = ("weight_decay", "betas", "eps")
_OPTION_KEYWORDS = ("optimizer", "schedule", "dtype", "init", "log_every", "sparse_threshold", "sparse_compute")


def _train_options(options: TrainOptions | Mapping[str, Any] | None, deprecated: dict[str, Any]) -> TrainOptions:
    """``options`` as a :class:`TrainOptions`, with the deprecated loose keywords folded in."""
    if options is None:
        opts = TrainOptions()
    elif isinstance(options, TrainOptions):
        opts = options
    elif isinstance(options, Mapping):
        opts = TrainOptions(**options)
    else:
        raise TypeError(
            f"options must be a TrainOptions, a mapping of its fields or None, got {type(options).__name__}"
        )
    if not deprecated:
        return opts
    unknown = sorted(set(deprecated) - set(_OPTIMIZER_KEYWORDS) - set(_OPTION_KEYWORDS))
    if unknown:
        raise TypeError(f"train() got unexpected keyword arguments {unknown}")
    opt_kw = {k: v for k, v in deprecated.items() if k in _OPTIMIZER_KEYWORDS}
    opt_part = ", ".join(f"{k}=..." for k in sorted(opt_kw))
    new = [f"{k}=..." for k in sorted(set(deprecated) - set(opt_kw))]
    if opt_kw:
        new.append(f"optimizer=OptimizerSpec({opt_part})")
    warnings.warn(
        f"train({', '.join(f'{k}=' for k in sorted(deprecated))}...) is deprecated and will be removed "
        f"in the next release; pass options=TrainOptions({', '.join(new)})",
        TheoryDeprecationWarning,
        stacklevel=3,
    )
    changes = {k: v for k, v in deprecated.items() if k not in opt_kw}
    spec = changes.pop("optimizer", opts.optimizer)
    if isinstance(spec, str) and spec in OPTIMIZERS:
        spec = dataclasses.replace(opts.optimizer, kind=spec)
    elif not isinstance(spec, OptimizerSpec):
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {spec!r}")
    return opts.replace(optimizer=dataclasses.replace(spec, **opt_kw), **changes)


def train(
    config: ToyModelConfig,
    *,
    steps: int = 10_000,
    batch_size: int = 1024,
    lr: float = 1e-3,
    rng: Any = 0,
    options: TrainOptions | Mapping[str, Any] | None = None,
    progress: bool = True,
    initial: dict[str, Any] | None = None,
    **deprecated: Any,
) -> ToyModel:
    r"""Train every instance of ``config`` at once, in NumPy with hand-derived gradients.

    Semantics of the paper's reference notebook: a fresh batch each step, the importance-weighted
    MSE averaged over batch and features per instance and summed over instances (instances do
    not interact), AdamW (PyTorch's update, decoupled weight decay on all parameters),
    Xavier-normal weights and zero biases. Gradients are those of
    :func:`theory.toy_models.loss_and_gradients` (checked against finite differences in the
    tests). One AdamW step with learning rate :math:`\eta_t`:

    .. math::
        \theta \leftarrow \theta(1 - \eta_t\lambda),\ m \leftarrow \beta_1 m + (1-\beta_1) g,\
        v \leftarrow \beta_2 v + (1-\beta_2) g^2,\
        \theta \leftarrow \theta - \frac{\eta_t}{1-\beta_1^t}\,
        \frac{m}{\sqrt{v/(1-\beta_2^t)} + \epsilon}.

    Speed: all instances share one batched computation with pre-allocated buffers; inputs with
    density at most ``options.sparse_threshold`` are drawn by geometric gaps (no work for the
    zeros); ``float32`` is the default.

    Parameters
    ----------
    config : ToyModelConfig
    steps : int
        Optimizer steps (>= 1).
    batch_size : int
    lr : float
        Peak learning rate (> 0). Training that diverges (non-finite parameters or losses) raises
        :class:`TrainingDivergedError`, a ``ValueError`` naming ``lr``.
    rng : int or Generator, optional
        Seeds the initialisation and every batch.
    options : TrainOptions or mapping, optional
        The optimiser (``OptimizerSpec``: AdamW or SGD and their constants), learning-rate
        schedule, dtype, initialisation, logging interval and sparse paths (default
        ``TrainOptions()``). The keywords ``optimizer``, ``weight_decay``, ``betas``, ``eps``,
        ``schedule``, ``dtype``, ``init``, ``log_every``, ``sparse_threshold`` and
        ``sparse_compute`` of ``train`` itself still work for one release, with a
        ``DeprecationWarning``.
    progress : bool
        Show a tqdm progress bar.
    initial : dict, optional
        Initial parameters (``"W"`` and optionally ``"b"``/``"W2"``, shapes as in
        :func:`init_params`) instead of a random initialisation, e.g. to continue training or to
        start two implementations from the same point.

    Returns
    -------
    ToyModel
        ``W`` of shape (n_instances, n_hidden, n_features), ``b``, the loss curve and the config.

    Examples
    --------
    >>> cfg = ToyModelConfig(n_features=2, n_hidden=1, n_instances=2, feature_probability=1.0,
    ...                      importance=[[1.0, 0.5], [0.5, 1.0]])
    >>> model = train(cfg, steps=2000, batch_size=256, lr=1e-2, rng=0, progress=False)
    >>> np.round(np.abs(model.W[:, 0, :]), 1).tolist()  # the more important feature wins
    [[1.0, 0.0], [0.0, 1.0]]
    >>> opts = TrainOptions(schedule="cosine", optimizer=OptimizerSpec(weight_decay=0.0))
    >>> model = train(cfg, steps=2000, batch_size=256, lr=1e-2, rng=0, options=opts, progress=False)
    >>> model.info["schedule"], model.info["weight_decay"]
    ('cosine', 0.0)

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    .. [2] Loshchilov, I. and Hutter, F. (2019). Decoupled Weight Decay Regularization.
       ICLR. arXiv:1711.05101.
    .. [3] Kingma, D. P. and Ba, J. (2015). Adam: A Method for Stochastic Optimization.
       arXiv:1412.6980.
    """
    progress = check_bool(progress, "progress")
    if not isinstance(config, ToyModelConfig):
        raise TypeError(f"config must be a ToyModelConfig, got {type(config).__name__}")
    steps = check_size(steps, "steps", maximum=MAX_STEPS, why="optimizer steps")
    B = check_int(batch_size, "batch_size", minimum=1)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    opts = _train_options(options, deprecated)
    spec = opts.optimizer
    sched = _schedule(opts.schedule)
    log_every = max(1, steps // 1000) if opts.log_every is None else opts.log_every
    dt = _dtype(opts.dtype)
    gen = as_rng(rng)
    I, m, n = config.shape
    # the batch and about six work arrays of its size (activations, errors, masks)
    check_memory(
        estimate_bytes(I, B, max(n, m + 1), itemsize=7 * np.dtype(dt).itemsize),
        f"training batches of shape (n_instances={I}, batch_size={B}, n_features={n})",
    )

    params0 = init_params(config, rng=gen, init=opts.init, dtype=dt)
    if initial is not None:
        if not isinstance(initial, dict) or "W" not in initial:
            raise TypeError("initial must be a dict with at least a 'W' entry")
        for key, val in initial.items():
            if key not in params0:
                raise ValueError(f"initial has an unknown key {key!r}; expected {sorted(params0)}")
            arr = check_array(val, f"initial[{key!r}]", ndim=params0[key].ndim)
            if arr.shape != params0[key].shape:
                raise ValueError(f"initial[{key!r}] must have shape {params0[key].shape}, got {arr.shape}")
            params0[key] = arr.astype(dt)
    fast = config.task == "reconstruct"
    relu = config.activation == "relu"
    from theory.toy_models.data import _Sampler

    sampler = _Sampler(config, B, dt, opts.sparse_threshold)
    keep = _sparse_compute_mask(sampler, config, B, opts.sparse_compute) if fast else None
    sp_inst = sampler.sparse_idx[keep] if keep is not None else np.zeros(0, dtype=np.int64)
    if fast:
        # bias folded into the decoder: z = [h, 1] @ [[W], [b]], so one matmul gives z and one
        # gives the decoder and bias gradients together
        flat = FlatParams({"Wb": np.concatenate([params0["W"], params0["b"][:, None, :]], axis=1)}, dt)
        Wb, gWb = flat.p["Wb"], flat.g["Wb"]
        x: NDArray[Any] = np.empty((I, B, n), dtype=dt)
        # dense group: the instances not on the sparse compute path (a slice when contiguous)
        dn_idx = np.setdiff1d(np.arange(I), sp_inst)
        Id = dn_idx.size
        contiguous = Id > 0 and bool(np.all(np.diff(dn_idx) == 1))
        if contiguous:
            sl = slice(int(dn_idx[0]), int(dn_idx[-1]) + 1)
            Wbd, gWbd = Wb[sl], gWb[sl]
        else:
            Wbd = np.empty((Id, m + 1, n), dtype=dt)
            gWbd = np.empty((Id, m + 1, n), dtype=dt)
            xd: NDArray[Any] = np.empty((Id, B, n), dtype=dt)
        Wtd = Wbd[:, :m, :].transpose(0, 2, 1)
        hb: NDArray[Any] = np.ones((Id, B, m + 1), dtype=dt)
        h = hb[:, :, :m]
        z: NDArray[Any] = np.empty((Id, B, n), dtype=dt)
        dh: NDArray[Any] = np.empty((Id, B, m), dtype=dt)
        mask = np.empty((Id, B, n), dtype=bool)
        impscale: NDArray[Any] = np.ascontiguousarray(
            np.broadcast_to(config.importance_matrix[dn_idx][:, None, :] * (2.0 / (B * n)), (Id, B, n))
        ).astype(dt)
        imp_sp: NDArray[Any] = config.importance_matrix[sp_inst].astype(dt)
    else:
        flat = FlatParams(params0, dt)
        P, G = flat.p, flat.g
        x = np.empty((I, B, n), dtype=dt)
    opt = spec.build(lr)
    imp: NDArray[Any] = config.importance_matrix.astype(dt)[:, None, :]

    log_steps: list[int] = []
    log_losses: list[NDArray[Any]] = []
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=steps, desc="train", mininterval=0.5)
    t0 = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
        for step in range(steps):
            record = (step + 1) % log_every == 0 or step == steps - 1
            if fast:
                if keep is not None:
                    _, sbatch = sampler.draw(gen, x, keep=keep)
                else:
                    sampler.draw(gen, x)
                # filled and logged on recorded steps only (empty otherwise)
                step_loss: NDArray[np.float64] = np.empty(I if record else 0)
                if Id:
                    if contiguous:
                        xd = x[sl]
                    else:
                        np.take(x, dn_idx, axis=0, out=xd)
                        np.take(Wb, dn_idx, axis=0, out=Wbd)
                    np.matmul(xd, Wtd, out=h)
                    np.matmul(hb, Wbd, out=z)
                    if record:
                        err = (np.maximum(z, 0) if relu else z) - xd
                        step_loss[dn_idx] = np.einsum("kbi,kbi->k", imp[dn_idx] * err, err) / (B * n)
                    if relu:
                        np.greater(z, 0, out=mask)
                    z -= xd
                    if relu:
                        np.multiply(z, mask, out=z)
                    z *= impscale  # z now holds dL/dz
                    np.matmul(z, Wtd, out=dh)
                    np.matmul(hb.transpose(0, 2, 1), z, out=gWbd)
                    gWbd[:, :m, :] += np.matmul(dh.transpose(0, 2, 1), xd)
                    if not contiguous:
                        gWb[dn_idx] = gWbd
                if sp_inst.size:
                    Wsp = Wb[sp_inst]
                    loss_sp, gW_sp, gb_sp = sparse_loss_and_gradients(
                        Wsp[:, :m, :], Wsp[:, m, :], imp_sp, sbatch, relu=relu, with_loss=record
                    )
                    gWb[sp_inst, :m, :] = gW_sp
                    gWb[sp_inst, m, :] = gb_sp
                    if record:
                        step_loss[sp_inst] = loss_sp
                if record:
                    log_losses.append(step_loss)
                    log_steps.append(step + 1)
                    if not np.all(np.isfinite(step_loss)):
                        break
            else:
                sampler.draw(gen, x)
                loss, grads = _loss_and_gradients(config, P, x)
                for k in flat.keys:
                    G[k][...] = grads[k]
                if record:
                    log_losses.append(loss.astype(np.float64))
                    log_steps.append(step + 1)
                    if not np.all(np.isfinite(loss)):
                        break
            if opt is None:  # sgd
                flat.theta -= dt(lr * float(sched(step, steps))) * flat.grad
            else:
                opt.step(flat, scale=float(sched(step, steps)))
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    elapsed = time.perf_counter() - t0
    if not (np.all(np.isfinite(flat.theta)) and np.all(np.isfinite(log_losses[-1]))):
        raise TrainingDivergedError(f"training diverged (non-finite parameters or losses) at lr={lr:.3g}; lower lr")
    schedule = opts.schedule
    info = {
        "steps": steps,
        "batch_size": B,
        "lr": lr,
        "optimizer": spec.kind,
        "weight_decay": spec.weight_decay,
        "betas": list(spec.betas),
        "eps": spec.eps,
        "schedule": schedule if isinstance(schedule, str) else getattr(schedule, "__name__", "callable"),
        "dtype": np.dtype(dt).name,
        "init": opts.init,
        "elapsed_s": elapsed,
    }
    if fast:
        P = {"W": Wb[:, :m, :], "b": Wb[:, m, :]}
    return ToyModel(
        config,
        W=P["W"].copy(),
        b=P["b"].copy(),
        W2=P["W2"].copy() if "W2" in P else None,
        loss_steps=np.asarray(log_steps, dtype=np.int64),
        losses=np.asarray(log_losses, dtype=np.float64).reshape(len(log_steps), I),
        info=info,
    )
