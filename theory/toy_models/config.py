"""Configuration of the ReLU-output toy model of Elhage et al. (2022)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._references import cite
from theory._validation import check_array, check_int, check_memory, check_size, estimate_bytes

__all__ = ["ACTIVATIONS", "TASKS", "ToyModelConfig", "geometric_importance", "sparsity_sweep"]

ACTIVATIONS = ("relu", "linear")
TASKS = ("reconstruct", "abs")

CITATION = cite("elhage2022")


def _per_instance(
    value: Any,
    name: str,
    n_instances: int,
    n_features: int,
    *,
    default: float,
    lo: float,
    hi: float | None,
    lo_strict: bool,
) -> NDArray[np.float64]:
    """Broadcast a scalar, ``(n_features,)``, ``(n_instances, 1)`` or ``(n_instances, n_features)``
    value to shape ``(n_instances, n_features)`` and check its range."""
    if value is None:
        return np.full((n_instances, n_features), float(default))
    arr = check_array(value, name, ndim=(0, 1, 2))
    if arr.ndim == 1:
        if arr.shape[0] == n_features:
            arr = np.broadcast_to(arr, (n_instances, n_features))
        elif arr.shape[0] == n_instances:
            arr = np.broadcast_to(arr[:, None], (n_instances, n_features))
        else:
            raise ValueError(
                f"{name} must have length n_features={n_features} or n_instances={n_instances}, got shape {arr.shape}"
            )
    try:
        arr = np.array(np.broadcast_to(arr, (n_instances, n_features)), dtype=np.float64)
    except ValueError:
        raise ValueError(
            f"{name} must broadcast to (n_instances, n_features) = "
            f"({n_instances}, {n_features}), got shape {np.shape(value)}"
        ) from None
    bad_lo = arr <= lo if lo_strict else arr < lo
    if np.any(bad_lo):
        op = ">" if lo_strict else ">="
        raise ValueError(f"{name} must be {op} {lo} everywhere, got minimum {arr.min()}")
    if hi is not None and np.any(arr > hi):
        raise ValueError(f"{name} must be <= {hi} everywhere, got maximum {arr.max()}")
    return arr


@dataclass(frozen=True, eq=False)
class ToyModelConfig:
    r"""A batch of toy models to train at once (Elhage et al. 2022).

    The ``reconstruct`` task is the ReLU-output model

    .. math:: h = W x,\qquad x' = \mathrm{ReLU}(W^\top h + b),\qquad
              L = \mathbb{E}_x\, \frac{1}{n}\sum_i I_i\,(x_i - x'_i)^2,

    with :math:`W` of shape ``(n_hidden, n_features)``. Each feature is present with probability
    :math:`p_i` (density, :math:`1 - S`), and then uniform on :math:`[0, 1]`; otherwise it is 0.
    The ``abs`` task is the paper's computation-in-superposition model: features uniform on
    :math:`[-1, 1]` when present, one hidden ReLU layer
    :math:`h = \mathrm{ReLU}(W_1 x)`, output :math:`\mathrm{ReLU}(W_2 h + b)`, target :math:`|x|`.

    Parameters
    ----------
    n_features : int
        ``n``, the number of features (>= 1).
    n_hidden : int
        ``dim``, the hidden width (>= 1).
    n_instances : int
        Models trained side by side (each with its own importance/density row).
    importance : float or array, optional
        Scalar, ``(n_features,)``, ``(n_instances,)`` or ``(n_instances, n_features)``; > 0.
        Default 1.
    feature_probability : float or array, optional
        Same shapes as ``importance``; in (0, 1]. Default 1.
    activation : {"relu", "linear"}
        Output non-linearity of the ``reconstruct`` model (``linear`` gives :math:`x' = W^\top W x + b`).
    task : {"reconstruct", "abs"}
    n_correlated_pairs, n_anticorrelated_pairs : int
        The first ``2·n_correlated_pairs`` features come in pairs that are present together;
        the next ``2·n_anticorrelated_pairs`` come in pairs that are never present together
        (each feature keeps its marginal density, so anti-correlated features need
        :math:`p \le 1/2`), as in the paper's correlated-feature experiments.

    Attributes
    ----------
    importance_matrix, probability_matrix : ndarray, shape (n_instances, n_features)

    Examples
    --------
    >>> cfg = ToyModelConfig(n_features=5, n_hidden=2, n_instances=3,
    ...                      importance=0.9 ** np.arange(5), feature_probability=[1.0, 0.3, 0.1])
    >>> cfg.importance_matrix.shape, cfg.probability_matrix[:, 0].tolist()
    ((3, 5), [1.0, 0.3, 0.1])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """

    n_features: int
    n_hidden: int
    n_instances: int = 1
    importance: Any = None
    feature_probability: Any = None
    activation: str = "relu"
    task: str = "reconstruct"
    n_correlated_pairs: int = 0
    n_anticorrelated_pairs: int = 0
    importance_matrix: NDArray[np.float64] = field(init=False, repr=False)
    probability_matrix: NDArray[np.float64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = check_int(self.n_features, "n_features", minimum=1)
        m = check_int(self.n_hidden, "n_hidden", minimum=1)
        inst = check_int(self.n_instances, "n_instances", minimum=1)
        # the per-instance importance and probability tables, and the weights a model will hold
        check_memory(
            estimate_bytes(inst, n, m + 2), f"a toy model of shape (n_instances={inst}, n_hidden={m}, n_features={n})"
        )
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {self.activation!r}")
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {self.task!r}")
        if self.task == "abs" and self.activation != "relu":
            raise ValueError(f"the 'abs' task uses ReLU layers; activation must be 'relu', got {self.activation!r}")
        nc = check_int(self.n_correlated_pairs, "n_correlated_pairs", minimum=0)
        na = check_int(self.n_anticorrelated_pairs, "n_anticorrelated_pairs", minimum=0)
        if 2 * (nc + na) > n:
            raise ValueError(
                f"2*(n_correlated_pairs + n_anticorrelated_pairs) must be <= n_features={n}, got {2 * (nc + na)}"
            )
        imp = _per_instance(self.importance, "importance", inst, n, default=1.0, lo=0.0, hi=None, lo_strict=True)
        prob = _per_instance(
            self.feature_probability, "feature_probability", inst, n, default=1.0, lo=0.0, hi=1.0, lo_strict=True
        )
        if nc or na:
            paired = prob[:, : 2 * (nc + na)]
            if np.any(paired[:, 0::2] != paired[:, 1::2]):
                raise ValueError("feature_probability must be equal within each correlated or anti-correlated pair")
            if na and np.any(prob[:, 2 * nc : 2 * (nc + na)] > 0.5):
                raise ValueError(
                    "anti-correlated features need feature_probability <= 0.5 "
                    f"(each pair's features exclude each other), got "
                    f"{prob[:, 2 * nc : 2 * (nc + na)].max()}"
                )
        for k, v in (
            ("n_features", n),
            ("n_hidden", m),
            ("n_instances", inst),
            ("n_correlated_pairs", nc),
            ("n_anticorrelated_pairs", na),
        ):
            object.__setattr__(self, k, v)
        imp.setflags(write=False)
        prob.setflags(write=False)
        object.__setattr__(self, "importance_matrix", imp)
        object.__setattr__(self, "probability_matrix", prob)

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(n_instances, n_hidden, n_features)``: the shape of ``W``."""
        return (self.n_instances, self.n_hidden, self.n_features)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable description (importance and probability as full matrices)."""
        return {
            "n_features": self.n_features,
            "n_hidden": self.n_hidden,
            "n_instances": self.n_instances,
            "importance": self.importance_matrix.tolist(),
            "feature_probability": self.probability_matrix.tolist(),
            "activation": self.activation,
            "task": self.task,
            "n_correlated_pairs": self.n_correlated_pairs,
            "n_anticorrelated_pairs": self.n_anticorrelated_pairs,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ToyModelConfig:
        """Inverse of :meth:`to_dict`.

        Examples
        --------
        >>> c = ToyModelConfig(n_features=3, n_hidden=2, feature_probability=0.5)
        >>> ToyModelConfig.from_dict(json.loads(json.dumps(c.to_dict()))) == c
        True
        """
        if not isinstance(d, dict):
            raise TypeError(f"d must be a dict, got {type(d).__name__}")
        return cls(**d)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ToyModelConfig):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]


def geometric_importance(n: int, base: float = 0.7) -> NDArray[np.float64]:
    r"""Importance :math:`I_i = \text{base}^i`, ``i = 0..n-1`` (the paper uses 0.7 and 0.9).

    Parameters
    ----------
    n : int
        Number of features.
    base : float
        In (0, 1].

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> geometric_importance(3, 0.5).tolist()
    [1.0, 0.5, 0.25]

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    from theory._validation import check_real

    n = check_size(n, "n", maximum=10**8, why="one importance per feature")
    base = check_real(base, "base", minimum=0.0, maximum=1.0, strict_min=True)
    return base ** np.arange(n, dtype=np.float64)


def sparsity_sweep(n_instances: int, *, low: float = 0.05) -> NDArray[np.float64]:
    r"""Feature densities log-spaced from 1 down to ``low``: :math:`p_k = \text{low}^{k/(K-1)}`.

    With ``low = 1/20`` this is the paper notebook's ``20 ** -linspace(0, 1, n_instances)``.

    Parameters
    ----------
    n_instances : int
    low : float
        Smallest density, in (0, 1].

    Returns
    -------
    ndarray, shape (n_instances,)

    Examples
    --------
    >>> np.round(sparsity_sweep(3, low=0.01), 3).tolist()
    [1.0, 0.1, 0.01]

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    from theory._validation import check_probability

    k = check_size(n_instances, "n_instances", maximum=10**7, why="one density per instance")
    low = check_probability(low, "low", allow_zero=False)
    if k == 1:
        return np.ones(1)
    return low ** np.linspace(0.0, 1.0, k)


def _config_json(cfg: ToyModelConfig) -> str:
    return json.dumps(cfg.to_dict(), sort_keys=True)
