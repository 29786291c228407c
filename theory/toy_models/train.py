"""A batched NumPy trainer for the toy models, with hand-derived gradients and AdamW."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._validation import as_rng, check_array, check_int, check_probability, check_real
from theory.toy_models.config import ToyModelConfig
from theory.toy_models.data import _dtype
from theory.toy_models.model import ToyModel, loss_and_gradients

__all__ = ["INITS", "OPTIMIZERS", "SCHEDULES", "init_params", "train"]

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
    raise ValueError(f"schedule must be one of {SCHEDULES} or a callable (step, steps) -> factor, "
                     f"got {schedule!r}")


def init_params(config: ToyModelConfig, *, rng: Any = None, init: str = "xavier_normal",
                dtype: Any = "float64") -> dict[str, NDArray[Any]]:
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
    std = math.sqrt(2.0 / (n + m)) if init == "xavier_normal" else math.sqrt(2.0 / (m * (n + I)))
    params = {"W": (std * gen.standard_normal((I, m, n))).astype(dt),
              "b": np.zeros((I, n), dtype=dt)}
    if config.task == "abs":
        params["W2"] = (std * gen.standard_normal((I, n, m))).astype(dt)
    return params


class _Flat:
    """Parameters (and gradients) as views into one flat buffer, so an optimizer step is a handful
    of vector operations whatever the number of tensors."""

    def __init__(self, params: dict[str, NDArray[Any]], dt: type) -> None:
        self.keys = list(params)
        sizes = [params[k].size for k in self.keys]
        self.theta = np.empty(sum(sizes), dtype=dt)
        self.grad = np.zeros_like(self.theta)
        self.p: dict[str, NDArray[Any]] = {}
        self.g: dict[str, NDArray[Any]] = {}
        off = 0
        for k, s in zip(self.keys, sizes, strict=True):
            shape = params[k].shape
            self.p[k] = self.theta[off:off + s].reshape(shape)
            self.g[k] = self.grad[off:off + s].reshape(shape)
            self.p[k][...] = params[k]
            off += s


def train(config: ToyModelConfig, *, steps: int = 10_000, batch_size: int = 1024,
          lr: float = 1e-3, optimizer: str = "adamw", weight_decay: float = 0.01,
          betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
          schedule: str | Callable[[int, int], float] = "constant", rng: Any = None,
          dtype: Any = "float32", init: str = "xavier_normal", log_every: int | None = None,
          sparse_threshold: float = 0.05, initial: dict[str, Any] | None = None,
          progress: bool = True) -> ToyModel:
    r"""Train every instance of ``config`` at once, in NumPy with hand-derived gradients.

    Semantics of the paper's reference notebook: a fresh batch each step, the importance-weighted
    MSE averaged over batch and features per instance and summed over instances (instances do
    not interact), AdamW (PyTorch's update, decoupled weight decay on all parameters),
    Xavier-normal weights and zero biases. Gradients are those of
    :func:`theory.toy_models.model.loss_and_gradients` (checked against finite differences in the
    tests). One AdamW step with learning rate :math:`\eta_t`:

    .. math::
        \theta \leftarrow \theta(1 - \eta_t\lambda),\ m \leftarrow \beta_1 m + (1-\beta_1) g,\
        v \leftarrow \beta_2 v + (1-\beta_2) g^2,\
        \theta \leftarrow \theta - \frac{\eta_t}{1-\beta_1^t}\,
        \frac{m}{\sqrt{v/(1-\beta_2^t)} + \epsilon}.

    Speed: all instances share one batched computation with pre-allocated buffers; inputs with
    density at most ``sparse_threshold`` are drawn by geometric gaps (no work for the zeros);
    ``float32`` is the default.

    Parameters
    ----------
    config : ToyModelConfig
    steps : int
        Optimizer steps (>= 1).
    batch_size : int
    lr : float
        Peak learning rate (> 0).
    optimizer : {"adamw", "sgd"}
    weight_decay : float
        Decoupled weight decay :math:`\lambda` (PyTorch's AdamW default 0.01, used by the notebook);
        ignored by ``sgd``.
    betas, eps : AdamW constants.
    schedule : {"constant", "linear", "cosine"} or callable ``(step, steps) -> factor``
        Learning-rate multiplier (the notebook's ``constant_lr``, ``linear_lr``, ``cosine_decay_lr``).
    rng : int or Generator, optional
        Seeds the initialisation and every batch.
    dtype : {"float32", "float64"}
    init : {"xavier_normal", "torch3d"}
        See :func:`init_params`.
    log_every : int, optional
        Record the training loss every this many steps (default ``max(1, steps // 1000)``), and
        always at the last step.
    sparse_threshold : float
        See :func:`theory.toy_models.sample_features`.
    initial : dict, optional
        Initial parameters (``"W"`` and optionally ``"b"``/``"W2"``, shapes as in
        :func:`init_params`) instead of a random initialisation, e.g. to continue training or to
        start two implementations from the same point.
    progress : bool
        Show a tqdm progress bar.

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

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    .. [2] Loshchilov, I. and Hutter, F. (2019). Decoupled Weight Decay Regularization.
       ICLR. arXiv:1711.05101.
    .. [3] Kingma, D. P. and Ba, J. (2015). Adam: A Method for Stochastic Optimization.
       arXiv:1412.6980.
    """
    if not isinstance(config, ToyModelConfig):
        raise TypeError(f"config must be a ToyModelConfig, got {type(config).__name__}")
    steps = check_int(steps, "steps", minimum=1)
    B = check_int(batch_size, "batch_size", minimum=1)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    wd = check_real(weight_decay, "weight_decay", minimum=0.0)
    if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
        raise TypeError(f"betas must be a pair of floats, got {betas!r}")
    b1 = check_probability(betas[0], "betas[0]", allow_one=False)
    b2 = check_probability(betas[1], "betas[1]", allow_one=False)
    eps = check_real(eps, "eps", minimum=0.0, strict_min=True)
    sched = _schedule(schedule)
    log_every = max(1, steps // 1000) if log_every is None else check_int(log_every, "log_every", minimum=1)
    check_probability(sparse_threshold, "sparse_threshold")
    dt = _dtype(dtype)
    gen = as_rng(rng)
    I, m, n = config.shape

    params0 = init_params(config, rng=gen, init=init, dtype=dt)
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
    if fast:
        # bias folded into the decoder: z = [h, 1] @ [[W], [b]], so one matmul gives z and one
        # gives the decoder and bias gradients together
        flat = _Flat({"Wb": np.concatenate([params0["W"], params0["b"][:, None, :]], axis=1)}, dt)
        Wb, gWb = flat.p["Wb"], flat.g["Wb"]
        W = Wb[:, :m, :]
        Wt = W.transpose(0, 2, 1)
        x = np.empty((I, B, n), dtype=dt)
        hb = np.ones((I, B, m + 1), dtype=dt)
        h = hb[:, :, :m]
        z = np.empty((I, B, n), dtype=dt)
        dh = np.empty((I, B, m), dtype=dt)
        mask = np.empty((I, B, n), dtype=bool)
        impscale = np.ascontiguousarray(np.broadcast_to(
            config.importance_matrix[:, None, :] * (2.0 / (B * n)), (I, B, n))).astype(dt)
    else:
        flat = _Flat(params0, dt)
        P, G = flat.p, flat.g
        x = np.empty((I, B, n), dtype=dt)
    mom = np.zeros_like(flat.theta)
    vel = np.zeros_like(flat.theta)
    tmp = np.empty_like(flat.theta)
    imp = config.importance_matrix.astype(dt)[:, None, :]
    from theory.toy_models.data import _Sampler

    sampler = _Sampler(config, B, dt, float(sparse_threshold))

    log_steps: list[int] = []
    log_losses: list[NDArray[Any]] = []
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=steps, desc="train", mininterval=0.5)
    t0 = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
        for step in range(steps):
            sampler.draw(gen, x)
            record = (step + 1) % log_every == 0 or step == steps - 1
            if fast:
                np.matmul(x, Wt, out=h)
                np.matmul(hb, Wb, out=z)
                if record:
                    err = (np.maximum(z, 0) if relu else z) - x
                    log_losses.append(np.einsum("kbi,kbi->k", imp * err, err).astype(np.float64) / (B * n))
                    log_steps.append(step + 1)
                    if not np.all(np.isfinite(log_losses[-1])):
                        break
                if relu:
                    np.greater(z, 0, out=mask)
                z -= x
                if relu:
                    np.multiply(z, mask, out=z)
                z *= impscale  # z now holds dL/dz
                np.matmul(z, Wt, out=dh)
                np.matmul(hb.transpose(0, 2, 1), z, out=gWb)
                gWb[:, :m, :] += np.matmul(dh.transpose(0, 2, 1), x)
            else:
                loss, grads = loss_and_gradients(config, P, x)
                for k in flat.keys:
                    G[k][...] = grads[k]
                if record:
                    log_losses.append(loss.astype(np.float64))
                    log_steps.append(step + 1)
                    if not np.all(np.isfinite(loss)):
                        break
            lr_t = lr * float(sched(step, steps))
            if optimizer == "sgd":
                flat.theta -= dt(lr_t) * flat.grad
            else:
                t = step + 1
                if wd:
                    flat.theta *= dt(1.0 - lr_t * wd)
                mom *= dt(b1)
                mom += dt(1 - b1) * flat.grad
                vel *= dt(b2)
                np.multiply(flat.grad, flat.grad, out=tmp)
                tmp *= dt(1 - b2)
                vel += tmp
                np.sqrt(vel, out=tmp)
                tmp *= dt(1.0 / math.sqrt(1 - b2 ** t))
                tmp += dt(eps)
                np.divide(mom, tmp, out=tmp)
                tmp *= dt(lr_t / (1 - b1 ** t))
                flat.theta -= tmp
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    elapsed = time.perf_counter() - t0
    if not (np.all(np.isfinite(flat.theta)) and np.all(np.isfinite(log_losses[-1]))):
        raise FloatingPointError("training diverged (non-finite parameters); lower lr")
    info = {"steps": steps, "batch_size": B, "lr": lr, "optimizer": optimizer,
            "weight_decay": wd, "betas": [b1, b2], "eps": eps,
            "schedule": schedule if isinstance(schedule, str) else getattr(schedule, "__name__", "callable"),
            "dtype": np.dtype(dt).name, "init": init, "elapsed_s": elapsed}
    if fast:
        P = {"W": Wb[:, :m, :], "b": Wb[:, m, :]}
    return ToyModel(config, W=P["W"].copy(), b=P["b"].copy(),
                    W2=P["W2"].copy() if "W2" in P else None,
                    loss_steps=np.asarray(log_steps, dtype=np.int64),
                    losses=np.asarray(log_losses, dtype=np.float64).reshape(len(log_steps), I),
                    info=info)
