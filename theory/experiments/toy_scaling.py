r"""Loss against model dimension in the scaling toy model, over frequency exponents and weight decays.

Reproduces the grid of Liu, Liu & Gore (2025): ``n = 1000`` features, model dimensions
``m`` in :data:`~theory.toy_models.scaling.PAPER_DIMS` (10, 15, 25, 39, 63, 100), frequency
exponents :math:`\alpha` and weight decays :math:`\gamma` (the paper: :math:`\alpha \in`
``linspace(0, 1, 9)`` and ``linspace(-1, 0, 9)``, :math:`\gamma \in` ``linspace(-1, 1, 10)``,
20000 steps of batch 2048).

One cell (:func:`scaling_cell`) is one ``(alpha, dim)`` pair: it trains one instance per weight
decay side by side (:func:`theory.toy_models.scaling.train_scaling`) and returns each instance's
loss on fresh samples, its fraction of represented features :math:`\phi_{1/2}`, its regime and
the mean squared overlap of its represented features with the frame-potential floor.
:func:`scaling_grid` runs the cells through :func:`theory.sweep.sweep` (any executor, resumable
in a SQLite store) and returns a :class:`ScalingGrid`, whose :meth:`ScalingGrid.fit` fits the
loss exponent over ``dim`` for one ``(alpha, weight_decay)`` with a bootstrap interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import check_array, check_int, check_real
from theory.experiments._runner import as_runner
from theory.sweep import Runner

__all__ = ["ScalingGrid", "scaling_cell", "scaling_grid"]


def scaling_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    r"""One cell: train one instance per weight decay at ``(alpha, dim)`` and measure it.

    Parameters
    ----------
    params : dict
        ``n``, ``dim`` (ints), ``alpha`` (float), ``weight_decays`` (list of floats), ``steps``,
        ``batch_size``, ``eval_batch`` (ints) and ``lr`` (float).
    rng : numpy.random.Generator

    Returns
    -------
    dict
        ``n``, ``dim``, ``alpha``, ``weight_decays``, and per weight decay the lists ``loss``
        (fresh-sample loss), ``phi`` (:math:`\phi_{1/2}`), ``regime``, ``overlap`` (mean squared
        cosine of the represented features, ``None`` with fewer than two), ``overlap_floor``,
        ``tail`` (:func:`~theory.toy_models.scaling.unrepresented_loss`, the loss of the features
        left out); ``elapsed_s`` (training time) and ``step_s`` (seconds per step and instance). JSON data.

    Examples
    --------
    >>> import numpy as np
    >>> out = scaling_cell({"n": 30, "dim": 3, "alpha": 0.5, "weight_decays": [-1.0, 1.0], "steps": 200,
    ...                     "batch_size": 128, "eval_batch": 512, "lr": 0.05}, np.random.default_rng(0))
    >>> len(out["loss"]), out["regime"][0]
    (2, 'strong')
    """
    from theory.toy_models.scaling import train_scaling, unrepresented_loss

    n = check_int(params.get("n"), "n", minimum=2)
    dim = check_int(params.get("dim"), "dim", minimum=1)
    alpha = check_real(params.get("alpha"), "alpha", minimum=-1.0, maximum=50.0)
    wds = params.get("weight_decays")
    if not isinstance(wds, (list, tuple)) or not wds:
        raise ValueError(f"weight_decays must be a non-empty list of floats, got {wds!r}")
    # the trainer settings go through as given: train_scaling validates them
    settings: dict[str, Any] = {key: params.get(key) for key in ("steps", "batch_size", "lr", "eval_batch")}
    model = train_scaling(n=n, dim=dim, alpha=alpha, weight_decay=[float(w) for w in wds], **settings, rng=rng)
    regimes = model.regimes()
    elapsed = float(model.info["elapsed_s"])
    return {
        "n": n,
        "dim": dim,
        "alpha": alpha,
        "weight_decays": [float(w) for w in wds],
        "loss": model.loss.tolist(),
        "phi": [r.fraction for r in regimes],
        "regime": [r.regime for r in regimes],
        "overlap": [r.overlap for r in regimes],
        "overlap_floor": [r.overlap_floor for r in regimes],
        "tail": unrepresented_loss(model.W, alpha=alpha).tolist(),
        "elapsed_s": elapsed,
        "step_s": elapsed / (model.info["steps"] * len(wds)),
    }


@dataclass(frozen=True)
class ScalingGrid:
    r"""Losses of the scaling toy model over ``alphas × weight_decays × dims``, from :func:`scaling_grid`.

    Attributes
    ----------
    n : int
    dims, alphas, weight_decays : ndarray
    loss, phi, overlap, overlap_floor, tail : ndarray, shape (n_alphas, n_weight_decays, n_dims)
        Fresh-sample loss, fraction of represented features, mean squared overlap of the
        represented features (NaN with fewer than two), its frame-potential floor, and the loss
        of the unrepresented features (:func:`~theory.toy_models.scaling.unrepresented_loss`).
    regime : ndarray of str, same shape
    step_s : ndarray, shape (n_alphas, n_dims)
        Seconds per training step and instance of each cell.
    settings : dict
        ``steps``, ``batch_size``, ``lr``, ``eval_batch``, ``rng``.
    """

    n: int
    dims: NDArray[np.int64]
    alphas: NDArray[np.float64]
    weight_decays: NDArray[np.float64]
    loss: NDArray[np.float64] = field(repr=False)
    phi: NDArray[np.float64] = field(repr=False)
    overlap: NDArray[np.float64] = field(repr=False)
    overlap_floor: NDArray[np.float64] = field(repr=False)
    tail: NDArray[np.float64] = field(repr=False)
    regime: NDArray[np.str_] = field(repr=False)
    step_s: NDArray[np.float64] = field(repr=False)
    settings: dict[str, Any] = field(default_factory=dict, repr=False)

    def fit(self, alpha: float, weight_decay: float, **kwargs: Any) -> Any:
        """:func:`~theory.toy_models.scaling.fit_loss_exponent` of the loss over ``dims`` at one grid point."""
        from theory.toy_models.scaling import fit_loss_exponent

        ia, iw = self._index(alpha, weight_decay)
        return fit_loss_exponent(self.dims, self.loss[ia, iw], **kwargs)

    def regime_of(self, alpha: float, weight_decay: float) -> str:
        """The regime shared by every ``dim`` at this grid point, else ``"mixed"``."""
        ia, iw = self._index(alpha, weight_decay)
        labels = set(self.regime[ia, iw].tolist())
        return labels.pop() if len(labels) == 1 else "mixed"

    def _index(self, alpha: float, weight_decay: float) -> tuple[int, int]:
        a = check_real(alpha, "alpha")
        w = check_real(weight_decay, "weight_decay")
        ia = np.flatnonzero(np.isclose(self.alphas, a))
        iw = np.flatnonzero(np.isclose(self.weight_decays, w))
        if ia.size != 1 or iw.size != 1:
            raise ValueError(
                f"(alpha={alpha}, weight_decay={weight_decay}) is not a point of this grid "
                f"(alphas {self.alphas.tolist()}, weight decays {self.weight_decays.tolist()})"
            )
        return int(ia[0]), int(iw[0])

    def to_dict(self) -> dict[str, Any]:
        """JSON data (NaN overlaps as None)."""
        ov = np.where(np.isnan(self.overlap), np.array(None, dtype=object), self.overlap).tolist()
        return {
            "n": self.n,
            "dims": self.dims.tolist(),
            "alphas": self.alphas.tolist(),
            "weight_decays": self.weight_decays.tolist(),
            "loss": self.loss.tolist(),
            "phi": self.phi.tolist(),
            "overlap": ov,
            "overlap_floor": self.overlap_floor.tolist(),
            "tail": self.tail.tolist(),
            "regime": self.regime.tolist(),
            "step_s": self.step_s.tolist(),
            "settings": dict(self.settings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScalingGrid:
        """Inverse of :meth:`to_dict`."""
        ov = np.array(
            [[[np.nan if v is None else v for v in row] for row in plane] for plane in d["overlap"]], dtype=float
        )
        return cls(
            int(d["n"]),
            np.asarray(d["dims"], dtype=np.int64),
            np.asarray(d["alphas"], dtype=float),
            np.asarray(d["weight_decays"], dtype=float),
            np.asarray(d["loss"], dtype=float),
            np.asarray(d["phi"], dtype=float),
            ov,
            np.asarray(d["overlap_floor"], dtype=float),
            np.asarray(d["tail"], dtype=float),
            np.asarray(d["regime"], dtype=str),
            np.asarray(d["step_s"], dtype=float),
            dict(d.get("settings", {})),
        )

    def __str__(self) -> str:
        lines = [
            f"ScalingGrid(n={self.n}, dims={self.dims.tolist()}, steps={self.settings.get('steps')}, "
            f"batch_size={self.settings.get('batch_size')})"
        ]
        for a in self.alphas:
            for w in self.weight_decays:
                f = self.fit(a, w)
                lines.append(
                    f"  alpha={a:.3g} gamma={w:+.3g} [{self.regime_of(a, w)}]: exponent "
                    f"{f.exponent:.3f} [{f.low:.3f}, {f.high:.3f}]"
                )
        return "\n".join(lines)


def _values(x: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = check_array(x, name, ndim=1)
    if arr.size == 0 or np.unique(arr).size != arr.size:
        raise ValueError(f"{name} must be a non-empty list of distinct values, got {arr.tolist()}")
    return arr


def scaling_grid(
    *,
    n: int = 1000,
    dims: Sequence[int] = (10, 15, 25, 39, 63, 100),
    alphas: ArrayLike = (0.5, 1.0),
    weight_decays: ArrayLike = (-1.0, 1.0),
    steps: int = 20_000,
    batch_size: int = 2048,
    lr: float = 1e-2,
    eval_batch: int = 16_384,
    store: Any = None,
    executor: Any = None,
    rng: Any = 0,
    progress: bool = False,
    runner: Runner | None = None,
) -> ScalingGrid:
    r"""Train the scaling toy model over a grid and collect losses and regimes.

    Cells are ``(alpha, dim)`` pairs (all weight decays of a cell are trained side by side) run
    through :func:`theory.sweep.sweep`: each cell's randomness depends only on ``rng`` and the
    cell, finished cells are kept in ``store`` and not recomputed.

    Parameters
    ----------
    n : int
        Features (paper: 1000).
    dims : sequence of int
        Model dimensions (paper: 10, 15, 25, 39, 63, 100); at least 3 for a fit.
    alphas, weight_decays : array_like
        Frequency exponents and weight decays :math:`\gamma`.
    steps, batch_size, lr, eval_batch
        See :func:`theory.toy_models.scaling.train_scaling` (paper: 20000, 2048, 0.01).
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, rng, progress
        Passed to :func:`theory.sweep.sweep` (``rng`` is the sweep seed).

    Returns
    -------
    ScalingGrid

    Examples
    --------
    >>> g = scaling_grid(n=30, dims=[3, 5, 8], alphas=[0.5], weight_decays=[-1.0, 1.0], steps=150,
    ...                  batch_size=128, lr=0.05, eval_batch=512, runner=Runner(executor="serial"))
    >>> g.loss.shape, g.regime_of(0.5, -1.0)
    ((1, 2, 3), 'strong')

    References
    ----------
    .. [1] Liu, Y., Liu, Z. and Gore, J. (2025). Superposition Yields Robust Neural Scaling.
       arXiv:2505.10465.
    """
    from theory.sweep import sweep

    n = check_int(n, "n", minimum=2)
    d = np.array([check_int(v, "dims", minimum=1, maximum=n) for v in dims], dtype=np.int64)
    if d.size < 3 or np.unique(d).size != d.size:
        raise ValueError(f"dims must hold at least 3 distinct dimensions, got {d.tolist()}")
    a = _values(alphas, "alphas")
    w = _values(weight_decays, "weight_decays")
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    eval_batch = check_int(eval_batch, "eval_batch", minimum=1)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="scaling_grid")
    grid = [
        {
            "n": n,
            "dim": int(m),
            "alpha": float(al),
            "weight_decays": [float(x) for x in w],
            "steps": steps,
            "batch_size": batch_size,
            "eval_batch": eval_batch,
            "lr": lr,
        }
        for al in a
        for m in d
    ]
    res = sweep(scaling_cell, grid, runner=runner, rng=rng, desc="scaling grid")
    vals = list(res.values)
    A, K, M = a.size, w.size, d.size

    def cube(key: str) -> NDArray[Any]:
        return np.array(
            [
                [[np.nan if v[key][j] is None else v[key][j] for v in vals[i * M : (i + 1) * M]] for j in range(K)]
                for i in range(A)
            ],
            dtype=float,
        )

    regime = np.array([[[v["regime"][j] for v in vals[i * M : (i + 1) * M]] for j in range(K)] for i in range(A)])
    step_s = np.array([[v["step_s"] for v in vals[i * M : (i + 1) * M]] for i in range(A)], dtype=float)
    settings = {
        "steps": steps,
        "batch_size": batch_size,
        "lr": lr,
        "eval_batch": eval_batch,
        "rng": rng if isinstance(rng, int) else None,
    }
    return ScalingGrid(
        n,
        d,
        a,
        w,
        cube("loss"),
        cube("phi"),
        cube("overlap"),
        cube("overlap_floor"),
        cube("tail"),
        regime,
        step_s,
        settings,
    )
