"""Trained toy models: weights, loss curves, forward pass, analysis hooks, ``.npz`` I/O."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._io import inspect_arrays, load_arrays
from theory._validation import as_rng, check_array, check_int
from theory.toy_models.config import ToyModelConfig

__all__ = ["ToyModel", "forward", "loss_and_gradients"]

_FORMAT = "superposition-theory/toy-model/1"


def forward(config: ToyModelConfig, params: dict[str, NDArray[Any]], x: NDArray[Any]) -> NDArray[Any]:
    r"""Outputs of every instance on a batch ``x``.

    ``reconstruct``: :math:`x' = \sigma(W^\top W x + b)` with :math:`\sigma` = ReLU or identity;
    ``abs``: :math:`x' = \mathrm{ReLU}(W_2\,\mathrm{ReLU}(W x) + b)`.

    Parameters
    ----------
    config : ToyModelConfig
    params : dict
        ``"W"`` shape (n_instances, n_hidden, n_features), ``"b"`` shape (n_instances, n_features),
        and for ``abs`` ``"W2"`` shape (n_instances, n_features, n_hidden).
    x : ndarray, shape (n_instances, batch, n_features)

    Returns
    -------
    ndarray, shape (n_instances, batch, n_features)

    Examples
    --------
    >>> cfg = ToyModelConfig(n_features=2, n_hidden=1)
    >>> params = {"W": np.array([[[1.0, -1.0]]]), "b": np.zeros((1, 2))}
    >>> forward(cfg, params, np.array([[[0.5, 0.0], [0.5, 0.25]]])).tolist()
    [[[0.5, 0.0], [0.25, 0.0]]]

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    config, params, x = _check_inputs(config, params, x)
    return _forward(config, params, x)


def _forward(config: ToyModelConfig, params: dict[str, NDArray[Any]], x: NDArray[Any]) -> NDArray[Any]:
    """:func:`forward` without the checks (inner loops; inputs already validated)."""
    W, b = params["W"], params["b"]
    if config.task == "abs":
        h = np.maximum(np.matmul(x, W.transpose(0, 2, 1)), 0)
        z = np.matmul(h, params["W2"].transpose(0, 2, 1)) + b[:, None, :]
        return np.maximum(z, 0)
    h = np.matmul(x, W.transpose(0, 2, 1))
    z = np.matmul(h, W) + b[:, None, :]
    return np.maximum(z, 0) if config.activation == "relu" else z


def loss_and_gradients(
    config: ToyModelConfig, params: dict[str, NDArray[Any]], x: NDArray[Any]
) -> tuple[NDArray[Any], dict[str, NDArray[Any]]]:
    r"""Per-instance batch loss and its hand-derived gradients.

    For the ``reconstruct`` task, with :math:`h = Wx`, :math:`z = W^\top h + b`,
    :math:`y = \sigma(z)` and the notebook's normalisation (mean over batch and features)

    .. math::
        L = \frac{1}{Bn}\sum_{\beta,i} I_i (y_{\beta i} - x_{\beta i})^2,\quad
        \delta = \frac{2}{Bn} I \odot (y - x) \odot \sigma'(z),\\
        \nabla_b L = \sum_\beta \delta_\beta,\quad
        \nabla_W L = h^\top\!\delta\ (\text{decoder}) + (\delta W^\top)^\top x\ (\text{encoder}).

    For ``abs`` (:math:`a = W_1 x`, :math:`h = \mathrm{ReLU}(a)`, :math:`z = W_2 h + b`, target
    :math:`|x|`): :math:`\nabla_{W_2} = \delta^\top h`, :math:`\nabla_{W_1} =
    ((\delta W_2)\odot 1[a>0])^\top x`.

    Parameters
    ----------
    config : ToyModelConfig
    params : dict of ndarray
        See :func:`forward`.
    x : ndarray, shape (n_instances, batch, n_features)

    Returns
    -------
    loss : ndarray, shape (n_instances,)
    grads : dict of ndarray
        Same keys and shapes as ``params``.

    Examples
    --------
    >>> cfg = ToyModelConfig(n_features=2, n_hidden=1)
    >>> params = {"W": np.array([[[1.0, 0.0]]]), "b": np.array([[0.0, 0.25]])}
    >>> loss, g = loss_and_gradients(cfg, params, np.array([[[0.5, 0.5]]]))
    >>> float(loss[0]), g["b"].tolist()
    (0.03125, [[0.0, -0.25]])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    config, params, x = _check_inputs(config, params, x)
    loss, grads = _loss_and_gradients(config, params, x)
    if not np.all(np.isfinite(loss)):
        raise FloatingPointError("the loss overflowed (non-finite) on finite inputs; use float64 or smaller parameters")
    return loss, grads


def _loss_and_gradients(
    config: ToyModelConfig, params: dict[str, NDArray[Any]], x: NDArray[Any]
) -> tuple[NDArray[Any], dict[str, NDArray[Any]]]:
    """:func:`loss_and_gradients` without the checks (the training loop; inputs validated)."""
    W, b = params["W"], params["b"]
    _, B, n = x.shape
    imp = config.importance_matrix.astype(x.dtype)[:, None, :]
    scale = 2.0 / (B * n)
    if config.task == "abs":
        W2 = params["W2"]
        a = np.matmul(x, W.transpose(0, 2, 1))
        h = np.maximum(a, 0)
        z = np.matmul(h, W2.transpose(0, 2, 1)) + b[:, None, :]
        y = np.maximum(z, 0)
        err = y - np.abs(x)
        loss = np.einsum("kbi,kbi->k", imp * err, err) / (B * n)
        dz = scale * imp * err * (z > 0)
        dh = np.matmul(dz, W2)
        da = dh * (a > 0)
        return loss, {
            "W": np.matmul(da.transpose(0, 2, 1), x),
            "W2": np.matmul(dz.transpose(0, 2, 1), h),
            "b": dz.sum(axis=1),
        }
    h = np.matmul(x, W.transpose(0, 2, 1))
    z = np.matmul(h, W) + b[:, None, :]
    y = np.maximum(z, 0) if config.activation == "relu" else z
    err = y - x
    loss = np.einsum("kbi,kbi->k", imp * err, err) / (B * n)
    dz = scale * imp * err
    if config.activation == "relu":
        dz = dz * (z > 0)
    dh = np.matmul(dz, W.transpose(0, 2, 1))
    gW = np.matmul(h.transpose(0, 2, 1), dz) + np.matmul(dh.transpose(0, 2, 1), x)
    return loss, {"W": gW, "b": dz.sum(axis=1)}


def _real_array(a: Any, name: str, ndim: int) -> NDArray[Any]:
    """A finite real float array of ``ndim`` dimensions (float32 kept, integers to float64)."""
    if isinstance(a, (str, bytes)) or a is None:
        raise TypeError(f"{name} must be an array of real numbers, got {type(a).__name__}")
    try:
        complex_input = np.iscomplexobj(a)
    except (TypeError, ValueError) as exc:  # a ragged nested list
        raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if complex_input:
        raise TypeError(f"{name} must be real; got a complex array")
    arr = np.asarray(a) if isinstance(a, np.ndarray) else check_array(a, name, ndim=ndim)
    if arr.dtype.kind not in "iuf" or arr.dtype.kind == "b":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    return check_array(arr, name, ndim=ndim, dtype=None)


def _check_params(config: ToyModelConfig, params: Any, name: str = "params") -> dict[str, NDArray[Any]]:
    if not isinstance(params, Mapping):
        raise TypeError(f"{name} must be a dict of arrays with keys {_param_keys(config)}, got {type(params).__name__}")
    keys = _param_keys(config)
    missing = [k for k in keys if k not in params]
    extra = sorted(str(k) for k in params if k not in keys)
    if missing or extra:
        raise ValueError(
            f"{name} must have exactly the keys {keys} for task={config.task!r}; missing {missing}, unexpected {extra}"
        )
    shapes = _param_shapes(config)
    out = {}
    for k in keys:
        arr = _real_array(params[k], f"{name}[{k!r}]", len(shapes[k]))
        if arr.shape != shapes[k]:
            raise ValueError(f"{name}[{k!r}] must have shape {shapes[k]}, got {arr.shape}")
        out[k] = arr
    return out


def _param_keys(config: ToyModelConfig) -> list[str]:
    return ["W", "b", "W2"] if config.task == "abs" else ["W", "b"]


def _param_shapes(config: ToyModelConfig) -> dict[str, tuple[int, ...]]:
    I, m, n = config.shape
    return {"W": (I, m, n), "b": (I, n), "W2": (I, n, m)}


def _check_inputs(config: Any, params: Any, x: Any) -> tuple[ToyModelConfig, dict[str, NDArray[Any]], NDArray[Any]]:
    """Validate the arguments of :func:`forward` and :func:`loss_and_gradients`."""
    if not isinstance(config, ToyModelConfig):
        raise TypeError(f"config must be a ToyModelConfig, got {type(config).__name__}")
    params = _check_params(config, params)
    I, _, n = config.shape
    x = _real_array(x, "x", 3)
    if x.shape[0] != I or x.shape[2] != n:
        raise ValueError(f"x must have shape (n_instances={I}, batch, n_features={n}), got {x.shape}")
    if x.shape[1] == 0:
        raise ValueError("x must hold at least one sample (batch >= 1), got an empty batch")
    return config, params, x


@dataclass(eq=False)
class ToyModel:
    r"""A batch of trained toy models.

    Attributes
    ----------
    config : ToyModelConfig
    W : ndarray, shape (n_instances, n_hidden, n_features)
        Per instance the ``(dim, n)`` feature matrix (column i = feature i's direction);
        for ``abs`` the first-layer weights :math:`W_1`.
    b : ndarray, shape (n_instances, n_features)
    W2 : ndarray, shape (n_instances, n_features, n_hidden) or None
        Second layer of the ``abs`` model.
    loss_steps : ndarray, shape (n_logged,)
        Steps at which the training loss was recorded.
    losses : ndarray, shape (n_logged, n_instances)
        Per-instance training-batch loss at those steps.
    info : dict
        Training settings (steps, batch size, lr, optimizer, seed, dtype, elapsed seconds).

    Examples
    --------
    >>> cfg = ToyModelConfig(n_features=3, n_hidden=2)
    >>> m = ToyModel(cfg, W=np.zeros((1, 2, 3)), b=np.zeros((1, 3)))
    >>> m.predict(np.ones((1, 1, 3))).tolist()
    [[[0.0, 0.0, 0.0]]]

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """

    config: ToyModelConfig
    W: NDArray[Any]
    b: NDArray[Any]
    W2: NDArray[Any] | None = None
    loss_steps: NDArray[Any] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    losses: NDArray[Any] = field(default_factory=lambda: np.zeros((0, 0)))
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.config, ToyModelConfig):
            raise TypeError(f"config must be a ToyModelConfig, got {type(self.config).__name__}")
        I, m, n = self.config.shape
        self.W = _real_array(self.W, "W", 3)
        self.b = _real_array(self.b, "b", 2)
        if self.W.shape != (I, m, n):
            raise ValueError(f"W must have shape (n_instances, n_hidden, n_features) = {(I, m, n)}, got {self.W.shape}")
        if self.b.shape != (I, n):
            raise ValueError(f"b must have shape (n_instances, n_features) = {(I, n)}, got {self.b.shape}")
        if self.config.task == "abs":
            if self.W2 is None:
                raise ValueError("the 'abs' task needs W2 of shape (n_instances, n_features, n_hidden)")
            self.W2 = _real_array(self.W2, "W2", 3)
            if self.W2.shape != (I, n, m):
                raise ValueError(f"W2 must have shape {(I, n, m)}, got {self.W2.shape}")
        elif self.W2 is not None:
            raise ValueError(f"W2 applies to the 'abs' task only, got task={self.config.task!r}")
        self.loss_steps = check_array(self.loss_steps, "loss_steps", ndim=1, dtype=np.int64)
        self.losses = check_array(self.losses, "losses", ndim=2, finite=False)
        if not isinstance(self.info, dict):
            raise TypeError(f"info must be a dict, got {type(self.info).__name__}")
        if self.losses.size and self.losses.shape[1] != I:
            raise ValueError(f"losses must have shape (n_logged, {I}), got {self.losses.shape}")

    def __repr__(self) -> str:
        c = self.config
        parts = [
            f"n_features={c.n_features}",
            f"n_hidden={c.n_hidden}",
            f"n_instances={c.n_instances}",
            f"activation={c.activation!r}",
            f"task={c.task!r}",
        ]
        if "steps" in self.info:
            parts.append(f"steps={self.info['steps']}")
        if self.losses.size:
            fl = self.losses[-1]
            parts.append(
                f"final_loss={float(np.min(fl)):.4g}"
                if fl.size == 1
                else f"final_loss=[{float(np.min(fl)):.4g}, {float(np.max(fl)):.4g}]"
            )
        return f"ToyModel({', '.join(parts)})"

    __str__ = __repr__

    @property
    def params(self) -> dict[str, NDArray[Any]]:
        """The parameters as a dict (``W``, ``b`` and, for ``abs``, ``W2``)."""
        d = {"W": self.W, "b": self.b}
        if self.W2 is not None:
            d["W2"] = self.W2
        return d

    @property
    def final_loss(self) -> NDArray[Any]:
        """Last recorded training loss per instance, shape (n_instances,)."""
        if not self.losses.size:
            raise ValueError("this model has no recorded losses")
        return self.losses[-1]

    def predict(self, x: ArrayLike) -> NDArray[Any]:
        """Outputs on ``x`` of shape (n_instances, batch, n_features) (see :func:`forward`)."""
        params = {k: v.astype(np.float64) for k, v in self.params.items()}
        _, params, x = _check_inputs(self.config, params, x)
        return _forward(self.config, params, x.astype(np.float64, copy=False))

    def evaluate(self, *, batch_size: int = 100_000, rng: Any = 0) -> NDArray[np.float64]:
        r"""Monte Carlo estimate (float64) of each instance's expected loss on a fresh batch.

        Parameters
        ----------
        batch_size : int
        rng : int or Generator, optional

        Returns
        -------
        ndarray, shape (n_instances,)

        Examples
        --------
        >>> cfg = ToyModelConfig(n_features=2, n_hidden=1, feature_probability=1.0)
        >>> m = ToyModel(cfg, W=np.array([[[1.0, 0.0]]]), b=np.array([[0.0, 0.5]]))
        >>> round(float(m.evaluate(batch_size=200_000, rng=0)[0]) * 2 * 12, 2)  # (1/12)/2 exactly
        1.0
        """
        from theory.toy_models.data import sample_features

        B = check_int(batch_size, "batch_size", minimum=1)
        gen = as_rng(rng)
        total = np.zeros(self.config.n_instances)
        done = 0
        p64 = {k: v.astype(np.float64) for k, v in self.params.items()}
        while done < B:
            chunk = min(20_000, B - done)
            x = sample_features(self.config, chunk, rng=gen)
            loss, _ = _loss_and_gradients(self.config, p64, x)
            total += loss * chunk
            done += chunk
        return total / B

    def instance(self, k: int) -> ToyModel:
        """The ``k``-th instance as a one-instance model."""
        I = self.config.n_instances
        k = check_int(k, "k", minimum=-I, maximum=I - 1) % I
        d = self.config.to_dict()
        d.update(n_instances=1, importance=[d["importance"][k]], feature_probability=[d["feature_probability"][k]])
        return ToyModel(
            ToyModelConfig.from_dict(d),
            self.W[k : k + 1].copy(),
            self.b[k : k + 1].copy(),
            None if self.W2 is None else self.W2[k : k + 1].copy(),
            self.loss_steps.copy(),
            self.losses[:, k : k + 1].copy() if self.losses.size else self.losses,
            dict(self.info),
        )

    def save(self, path: str | Path) -> Path:
        """Write the model to a ``.npz`` file (no pickled objects).

        Examples
        --------
        >>> import tempfile
        >>> cfg = ToyModelConfig(n_features=3, n_hidden=2)
        >>> m = ToyModel(cfg, W=np.ones((1, 2, 3)), b=np.zeros((1, 3)))
        >>> m2 = ToyModel.load(m.save(tempfile.mkdtemp() + "/m.npz"))
        >>> bool(np.array_equal(m2.W, m.W)) and m2.config == cfg
        True
        """
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_suffix(path.suffix + ".npz") if path.suffix else path.with_suffix(".npz")
        meta = json.dumps(
            {"format": _FORMAT, "config": self.config.to_dict(), "info": self.info}, sort_keys=True, default=str
        )
        # Any: np.savez's keyword-only ``allow_pickle: bool`` would reject a **dict of arrays
        arrays: dict[str, Any] = {
            "W": self.W,
            "b": self.b,
            "loss_steps": self.loss_steps,
            "losses": self.losses,
            "meta": np.array(meta),
        }
        if self.W2 is not None:
            arrays["W2"] = self.W2
        np.savez(path, **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> ToyModel:
        """Read a model written by :meth:`save` (never unpickles).

        The file is read through ``theory._io``: headers are checked against the file size
        before any data is read, and a truncated, damaged or foreign file raises ``ValueError``
        naming it.
        """
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"path {str(path)!r} does not exist")
        if path.suffix.lower() != ".npz":
            raise ValueError(f"{path}: a toy-model file is an .npz file, got suffix {path.suffix!r}")
        infos = inspect_arrays(path)
        if "meta" not in infos:
            raise ValueError(f"{path} is not a toy-model file (no 'meta' entry)")
        expected = {"W", "b", "loss_steps", "losses", "meta", "W2"}
        missing = sorted({"W", "b", "loss_steps", "losses"} - set(infos))
        extra = sorted(set(infos) - expected)
        if missing or extra:
            raise ValueError(f"{path} is not a toy-model file: missing {missing}, unexpected {extra}")
        if infos["meta"].dtype.kind != "U" or infos["meta"].ndim != 0:
            raise ValueError(
                f"{path}: 'meta' must be a JSON string, got {infos['meta'].dtype} of shape {infos['meta'].shape}"
            )
        f = load_arrays(path)
        try:
            meta = json.loads(str(f["meta"]))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: 'meta' is not valid JSON ({exc})") from None
        if not isinstance(meta, dict):
            raise ValueError(f"{path}: 'meta' must be a JSON object")
        if meta.get("format") != _FORMAT:
            raise ValueError(f"{path}: unknown format {meta.get('format')!r}, expected {_FORMAT!r}")
        if not isinstance(meta.get("config"), dict):
            raise ValueError(f"{path}: 'meta' has no config")
        info = meta.get("info", {})
        try:
            config = ToyModelConfig.from_dict(meta["config"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: invalid config in 'meta': {exc}") from None
        return cls(
            config, f["W"], f["b"], f.get("W2"), f["loss_steps"], f["losses"], info if isinstance(info, dict) else {}
        )
