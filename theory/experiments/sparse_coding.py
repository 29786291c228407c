r"""Recovery phase diagram of sparse inference on a Gaussian dictionary: thresholding, OMP, LASSO, BP.

For one cell ``(dim, n, k)`` :func:`recovery_cell` draws a dictionary with iid Gaussian entries
(columns normalised), nonnegative ``k``-sparse codes and their signals ``y = D a``, and counts how
often each method finds the code:

* **thresholding**: :func:`~theory.sparse_coding.threshold_encode` with ``k`` (the ``k`` largest
  entries of :math:`D^\top y`, the one-pass encoder of a TopK SAE); success when its support is
  the true support;
* **OMP**: :func:`~theory.sparse_coding.omp` with ``k`` steps; success when its support is the
  true support;
* **LASSO (FISTA)**: :func:`~theory.sparse_coding.fista`, nonnegative, on the signal scaled to
  :math:`\max_j (D^\top y)_j = 1` with :math:`\lambda = 10^{-3}` (so :math:`\lambda` is
  :math:`10^{-3}` of the smallest penalty that gives the zero code); success when the relative
  :math:`\ell_2` error of the code is at most ``0.05`` (a LASSO with small :math:`\lambda` tracks
  basis pursuit, whose solution is the code exactly or far from it);
* **basis pursuit** (optional, ``bp=True``): nonnegative basis pursuit decided by
  :func:`~theory.interference.l1_recovers` (certificates, else a HiGHS linear program).

:func:`recovery_phase_diagram` runs the cells over a grid of Donoho–Tanner coordinates
:math:`\delta = \mathrm{dim}/n` (undersampling) and :math:`\rho = k/\mathrm{dim}` (sparsity) at fixed
``dim`` through :func:`theory.sweep.sweep` (any executor, a resumable SQLite store). For
nonnegative codes the :math:`\ell_1` methods switch from success to failure at the weak threshold
:math:`\rho_W^+(\delta)` of the simplex (:func:`theory.interference.l1_weak_threshold` with
``nonnegative=True``) as ``dim`` grows.

:func:`spud_threshold` measures, the same way, the sample threshold of ER-SpUD
(:func:`~theory.sparse_coding.spud.er_spud`): the success rate of exact dictionary recovery against
:math:`C = p/(n\log n)` for several dictionary sizes ``n`` (cells by :func:`spud_cell`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import check_array, check_bool, check_int, check_probability, check_real
from theory._warnings import TheoryWarning

__all__ = [
    "METHODS",
    "RecoveryPhaseDiagram",
    "SpudThreshold",
    "loss_flattening",
    "pre_decay_change",
    "recovery_cell",
    "recovery_phase_diagram",
    "spud_cell",
    "spud_threshold",
]

#: Methods of a cell, in the order of :attr:`RecoveryPhaseDiagram.success`.
METHODS = ("threshold", "omp", "fista", "bp")

#: LASSO penalty relative to the smallest penalty giving the zero code, and the error counted as success.
FISTA_LAM = 1e-3
FISTA_RTOL = 0.05


def _codes(n: int, k: int, trials: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """``trials`` nonnegative ``k``-sparse codes: uniform random supports, values |N(0, 1)|."""
    a = np.zeros((trials, n))
    for t in range(trials):
        support = rng.choice(n, size=k, replace=False)
        a[t, support] = np.abs(rng.standard_normal(k))
    return a


def recovery_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    r"""One cell of the recovery phase diagram: success fractions of four methods at ``(dim, n, k)``.

    Draws ``D`` with iid :math:`\mathcal N(0, 1)` entries and unit columns, ``trials``
    nonnegative ``k``-sparse codes ``a`` (uniform supports, values :math:`|\mathcal N(0,1)|`)
    and the signals :math:`y = Da`, then scores thresholding (top-``k`` support), OMP (``k``
    steps, support), the nonnegative LASSO by FISTA (relative error at most
    :data:`FISTA_RTOL` at :math:`\lambda = 10^{-3}\max_j (D^\top y)_j`) and, when ``bp`` is true,
    nonnegative basis pursuit (see the module docstring).

    Parameters
    ----------
    params : dict
        ``dim``, ``n``, ``k`` (``1 <= k <= min(dim, n)``), ``trials`` (ints); optional ``bp``
        (bool, default True) and ``fista_max_iter`` (int, default 3000).
    rng : numpy.random.Generator

    Returns
    -------
    dict
        ``dim``, ``n``, ``k``, ``trials``, the success fractions ``threshold``, ``omp``, ``fista``
        and ``bp`` (``None`` when not run), and ``fista_converged`` (fraction of samples whose
        duality gap reached the tolerance). JSON data, for :func:`theory.sweep.sweep`.

    Examples
    --------
    >>> import numpy as np
    >>> out = recovery_cell({"dim": 20, "n": 40, "k": 2, "trials": 5}, np.random.default_rng(0))
    >>> out["omp"], out["bp"]
    (1.0, 1.0)
    """
    from theory.interference import l1_recovers
    from theory.sparse_coding import fista, omp, threshold_encode

    dim = check_int(params.get("dim"), "dim", minimum=1)
    n = check_int(params.get("n"), "n", minimum=1)
    k = check_int(params.get("k"), "k", minimum=1, maximum=min(dim, n))
    trials = check_int(params.get("trials"), "trials", minimum=1)
    bp = check_bool(params.get("bp", True), "bp")
    max_iter = check_int(params.get("fista_max_iter", 3000), "fista_max_iter", minimum=1)
    D = rng.standard_normal((dim, n))
    D /= np.linalg.norm(D, axis=0)
    a = _codes(n, k, trials, rng)
    y = a @ D.T
    true = a > 0

    def support_ok(codes: NDArray[np.float64]) -> NDArray[np.bool_]:
        return np.all((codes != 0) == true, axis=1)

    thr = support_ok(threshold_encode(D, y, k=k))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TheoryWarning)  # a dependent next atom ends OMP early: a failure
        om = support_ok(omp(D, y, k=k))
    scale = np.max(y @ D, axis=1)  # > 0: the code is nonnegative and nonzero
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TheoryWarning)
        res = fista(D, y / scale[:, None], lam=FISTA_LAM, nonneg=True, max_iter=max_iter)
    del caught  # unconverged samples are counted by their error like any other
    err = np.linalg.norm(res.codes - a / scale[:, None], axis=1) / np.linalg.norm(a / scale[:, None], axis=1)
    fi = err <= FISTA_RTOL
    bp_rate = None
    if bp:
        bp_rate = float(np.mean([l1_recovers(D, a[t], nonnegative=True)[0] for t in range(trials)]))
    return {
        "dim": dim,
        "n": n,
        "k": k,
        "trials": trials,
        "threshold": float(thr.mean()),
        "omp": float(om.mean()),
        "fista": float(fi.mean()),
        "bp": bp_rate,
        "fista_converged": float(np.mean(res.gap <= res.tol * res.objective)),
    }


@dataclass(frozen=True)
class RecoveryPhaseDiagram:
    r"""Success fractions over a :math:`(\delta, \rho)` grid, from :func:`recovery_phase_diagram`.

    Attributes
    ----------
    dim : int
    deltas : ndarray, shape (a,)
        :math:`\delta = \mathrm{dim}/n` of each row.
    rhos : ndarray, shape (b,)
        :math:`\rho = k/\mathrm{dim}` of each column.
    ns, ks : ndarray of int, shape (a, b)
        The integer ``n`` and ``k`` of each cell.
    success : dict of str to ndarray, shape (a, b)
        Success fraction per method (``"threshold"``, ``"omp"``, ``"fista"`` and, if run, ``"bp"``).
    trials : int
    elapsed : ndarray, shape (a, b)
        Compute seconds of each cell (as recorded by the sweep, also for cells loaded from a store).
    """

    dim: int
    deltas: NDArray[np.float64] = field(repr=False)
    rhos: NDArray[np.float64] = field(repr=False)
    ns: NDArray[np.int64] = field(repr=False)
    ks: NDArray[np.int64] = field(repr=False)
    success: dict[str, NDArray[np.float64]] = field(repr=False)
    trials: int
    elapsed: NDArray[np.float64] | None = field(default=None, repr=False, compare=False)

    def boundary(self, method: str) -> NDArray[np.float64]:
        r"""The empirical 50% line of ``method``: for each :math:`\delta`, the :math:`\rho` where success
        first drops below 1/2 (linear interpolation between grid columns; the first column when it
        starts below 1/2, the last when it never drops).

        Examples
        --------
        >>> import numpy as np
        >>> r = RecoveryPhaseDiagram(8, np.array([0.5]), np.array([0.1, 0.3]), np.array([[16, 16]]),
        ...                          np.array([[1, 2]]), {"omp": np.array([[1.0, 0.0]])}, 4)
        >>> r.boundary("omp")
        array([0.2])
        """
        if method not in self.success:
            raise ValueError(f"method must be one of {sorted(self.success)}, got {method!r}")
        out = np.empty(len(self.deltas))
        for i, row in enumerate(self.success[method]):
            below = np.flatnonzero(row < 0.5)
            if below.size == 0:
                out[i] = self.rhos[-1]
            elif below[0] == 0:
                out[i] = self.rhos[0]
            else:
                j = int(below[0])
                r0, r1, s0, s1 = self.rhos[j - 1], self.rhos[j], row[j - 1], row[j]
                out[i] = r0 + (s0 - 0.5) * (r1 - r0) / (s0 - s1)
        return out

    def theory(self) -> NDArray[np.float64]:
        r"""The nonnegative weak threshold :math:`\rho_W^+(\delta)` at each grid :math:`\delta`."""
        from theory.interference import l1_weak_threshold

        return np.array([l1_weak_threshold(float(d), nonnegative=True) for d in self.deltas])

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary: the grid, the success arrays and the 50% lines."""
        return {
            "dim": self.dim,
            "trials": self.trials,
            "deltas": self.deltas.tolist(),
            "rhos": self.rhos.tolist(),
            "ns": self.ns.tolist(),
            "ks": self.ks.tolist(),
            "success": {m: v.tolist() for m, v in self.success.items()},
            "boundary": {m: self.boundary(m).tolist() for m in self.success},
            "theory_nonnegative_weak_threshold": self.theory().tolist(),
            "cell_seconds": None if self.elapsed is None else np.round(self.elapsed, 3).tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecoveryPhaseDiagram:
        """Rebuild from :meth:`to_dict` output (e.g. a benchmark's JSON file)."""
        el = data.get("cell_seconds")
        return cls(
            int(data["dim"]),
            np.asarray(data["deltas"], float),
            np.asarray(data["rhos"], float),
            np.asarray(data["ns"], np.int64),
            np.asarray(data["ks"], np.int64),
            {m: np.asarray(v, float) for m, v in data["success"].items()},
            int(data["trials"]),
            None if el is None else np.asarray(el, float),
        )

    def __str__(self) -> str:
        return (
            f"RecoveryPhaseDiagram(dim={self.dim}, {len(self.deltas)} x {len(self.rhos)} cells, "
            f"{self.trials} trials, methods {', '.join(self.success)})"
        )

    __repr__ = __str__


def recovery_phase_diagram(
    *,
    dim: int = 64,
    ratios_n: ArrayLike = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    ratios_k: ArrayLike = (0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9),
    trials: int = 40,
    bp: bool = True,
    fista_max_iter: int = 3000,
    store: Any = None,
    executor: Any = None,
    rng: Any = 0,
    progress: bool = False,
) -> RecoveryPhaseDiagram:
    r"""Success of thresholding, OMP, the LASSO and basis pursuit over a Donoho–Tanner grid.

    Cell :math:`(\delta, \rho)` has ``n = round(dim / delta)`` atoms and sparsity
    ``k = max(1, round(rho * dim))`` (capped at ``dim``) and runs :func:`recovery_cell` with
    ``trials`` problems, through :func:`theory.sweep.sweep`: each cell's randomness depends only on
    ``rng`` and the cell, finished cells are kept in ``store`` and not recomputed, and any
    :class:`concurrent.futures.Executor` (a Dask client's included) can run the cells.

    Parameters
    ----------
    dim : int
        Signal dimension (rows of the dictionary), ``>= 2``.
    ratios_n : array_like, shape (a,)
        Undersampling ratios :math:`\delta = \mathrm{dim}/n` in ``(0, 1]``.
    ratios_k : array_like, shape (b,)
        Sparsity ratios :math:`\rho = k/\mathrm{dim}` in ``(0, 1]``.
    trials : int
        Problems per cell.
    bp : bool
        Also run basis pursuit (one certificate or linear program per problem).
    fista_max_iter : int
        Iteration cap of FISTA per sample.
    store, executor, rng, progress
        Passed to :func:`theory.sweep.sweep` (``rng`` is the sweep seed).

    Returns
    -------
    RecoveryPhaseDiagram

    Examples
    --------
    >>> r = recovery_phase_diagram(dim=12, ratios_n=[0.5], ratios_k=[0.1, 0.9], trials=4, bp=False,
    ...                            executor="serial")
    >>> r.success["omp"].shape, float(r.success["omp"][0, 0])
    ((1, 2), 1.0)

    References
    ----------
    .. [1] Donoho, D. L. and Tanner, J. (2009). "Counting faces of randomly projected polytopes when
       the projection radically lowers dimension." J. AMS 22(1), 1-53. arXiv:math/0607364
    .. [2] Donoho, D. L. and Tanner, J. (2005). "Sparse nonnegative solution of underdetermined
       linear equations by linear programming." PNAS 102(27), 9446-9451.
       doi:10.1073/pnas.0502269102
    .. [3] Tropp, J. A. and Gilbert, A. C. (2007). "Signal recovery from random measurements via
       orthogonal matching pursuit." IEEE Trans. Inf. Theory 53(12), 4655-4666.
       doi:10.1109/TIT.2007.909108
    """
    from theory.sweep import sweep

    dim = check_int(dim, "dim", minimum=2)
    trials = check_int(trials, "trials", minimum=1)
    bp = check_bool(bp, "bp")
    progress = check_bool(progress, "progress")
    fista_max_iter = check_int(fista_max_iter, "fista_max_iter", minimum=1)
    d = check_array(ratios_n, "ratios_n", ndim=1)
    r = check_array(ratios_k, "ratios_k", ndim=1)
    for name, arr in (("ratios_n", d), ("ratios_k", r)):
        if arr.size == 0 or np.any(arr <= 0) or np.any(arr > 1):
            raise ValueError(f"{name} must be a non-empty list of ratios in (0, 1], got {arr.tolist()}")
    grid = []
    for delta in d:
        n = max(dim, int(round(dim / float(delta))))
        for rho in r:
            k = min(dim, max(1, int(round(float(rho) * dim))))
            grid.append({"dim": dim, "n": n, "k": k, "trials": trials, "bp": bp, "fista_max_iter": fista_max_iter})
    if len({(c["n"], c["k"]) for c in grid}) < len(grid):
        raise ValueError("ratios_n and ratios_k give repeated (n, k) cells at this dim; use fewer or coarser ratios")
    res = sweep(
        recovery_cell, grid, executor=executor, store=store, rng=rng, progress=progress, desc="recovery phase diagram"
    )
    vals = list(res.values)
    shape = (d.size, r.size)
    methods = [m for m in METHODS if m != "bp" or bp]
    success = {m: np.array([v[m] for v in vals], dtype=float).reshape(shape) for m in methods}
    ns = np.array([v["n"] for v in vals], dtype=np.int64).reshape(shape)
    ks = np.array([v["k"] for v in vals], dtype=np.int64).reshape(shape)
    elapsed = np.array(res.elapsed, dtype=float).reshape(shape)
    return RecoveryPhaseDiagram(dim, d.astype(float), r.astype(float), ns, ks, success, trials, elapsed)


# ----------------------------------------------------------------------------------------------
# ER-SpUD sample threshold
# ----------------------------------------------------------------------------------------------


def _spud_batch(n: int, C: float) -> int:
    r"""Samples of a cell: :math:`p = \lceil C\, n \log n\rceil`, refused unless ``p > n``."""
    batch = int(math.ceil(C * n * math.log(n)))
    if batch <= n:
        raise ValueError(
            f"C must make the batch ceil(C n log n) exceed n for ER-SpUD; C={C} gives {batch} "
            f"samples at n={n} (need C > {1.0 / math.log(n):.3g})"
        )
    return batch


def spud_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    r"""One cell of the ER-SpUD threshold: recovery successes at ``n`` and :math:`C = p/(n\log n)`.

    Runs :func:`~theory.sparse_coding.spud.spud_success_rate` (variant DC, warm-started HiGHS) with
    ``trials`` independent problems: a Gaussian ``n × n`` dictionary and

    .. math:: p = \lceil C\, n \log n \rceil

    Bernoulli(θ)-Gaussian samples each; a trial succeeds when ER-SpUD returns the dictionary up to
    permutation and scaling of its columns.

    Parameters
    ----------
    params : dict
        ``n`` (int, ``2 <= n <= 200``), ``C`` (real, ``p > n`` required), ``theta`` (in ``(0, 1]``)
        and ``trials`` (int).
    rng : numpy.random.Generator

    Returns
    -------
    dict
        ``n``, ``theta``, ``C``, ``batch`` (``p``), ``successes``, ``trials``: JSON data, for
        :func:`theory.sweep.sweep`.

    Examples
    --------
    >>> import numpy as np
    >>> spud_cell({"n": 4, "C": 5.0, "theta": 0.3, "trials": 2}, np.random.default_rng(0))["batch"]
    28
    """
    from theory.sparse_coding.spud import spud_success_rate

    n = check_int(params.get("n"), "n", minimum=2, maximum=200)
    C = check_real(params.get("C"), "C", minimum=0.0, strict_min=True)
    theta = check_probability(params.get("theta"), "theta", allow_zero=False)
    trials = check_int(params.get("trials"), "trials", minimum=1)
    batch = _spud_batch(n, C)
    res = spud_success_rate(n=n, batch=batch, theta=theta, trials=trials, variant="dc", solver="highs", rng=rng)
    return {"n": n, "theta": theta, "C": C, "batch": batch, "successes": int(res.successes), "trials": trials}


@dataclass(frozen=True, eq=False)
class SpudThreshold:
    r"""Success of ER-SpUD against :math:`C = p/(n\log n)` for several ``n``, from :func:`spud_threshold`.

    Attributes
    ----------
    ns : ndarray of int, shape (a,)
        Dictionary sizes, one row each.
    cs : ndarray, shape (b,)
        Requested :math:`C`, increasing, one column each.
    theta : float
    trials : int
        Trials per cell.
    batches : ndarray of int, shape (a, b)
        Samples :math:`p = \lceil C n\log n\rceil` of each cell.
    successes : ndarray of int, shape (a, b)
    confidence : float
        Level of the Clopper–Pearson intervals of :meth:`ci`.
    elapsed : ndarray, shape (a, b), optional
        Compute seconds of each cell, as recorded by the sweep.
    """

    ns: NDArray[np.int64] = field(repr=False)
    cs: NDArray[np.float64] = field(repr=False)
    theta: float
    trials: int
    batches: NDArray[np.int64] = field(repr=False)
    successes: NDArray[np.int64] = field(repr=False)
    confidence: float = 0.95
    elapsed: NDArray[np.float64] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        ns = np.asarray(self.ns, dtype=np.int64)
        cs = np.asarray(self.cs, dtype=float)
        shape = (ns.size, cs.size)
        batches = np.asarray(self.batches, dtype=np.int64)
        succ = np.asarray(self.successes, dtype=np.int64)
        if ns.ndim != 1 or cs.ndim != 1 or ns.size == 0 or cs.size == 0:
            raise ValueError(f"ns and cs must be non-empty 1-d arrays, got shapes {ns.shape} and {cs.shape}")
        if np.any(ns < 2):
            raise ValueError(f"ns must be integers >= 2, got {ns.tolist()}")
        if not np.all(np.isfinite(cs)) or np.any(cs <= 0) or np.any(np.diff(cs) <= 0):
            raise ValueError(f"cs must be positive, finite and strictly increasing, got {cs.tolist()}")
        if batches.shape != shape or succ.shape != shape:
            raise ValueError(
                f"batches and successes must have shape (len(ns), len(cs)) = {shape}, "
                f"got {batches.shape} and {succ.shape}"
            )
        trials = check_int(self.trials, "trials", minimum=1)
        if np.any(succ < 0) or np.any(succ > trials):
            raise ValueError(f"successes must lie in [0, trials={trials}], got {succ.tolist()}")
        if np.any(batches <= ns[:, None]):
            raise ValueError("batches must exceed n in every row")
        object.__setattr__(self, "ns", ns)
        object.__setattr__(self, "cs", cs)
        object.__setattr__(self, "batches", batches)
        object.__setattr__(self, "successes", succ)
        object.__setattr__(self, "trials", trials)
        object.__setattr__(self, "theta", check_probability(self.theta, "theta", allow_zero=False))
        object.__setattr__(
            self, "confidence", check_probability(self.confidence, "confidence", allow_zero=False, allow_one=False)
        )

    def __eq__(self, other: object) -> bool:
        """Same grid, settings and counts (compute times do not take part)."""
        if not isinstance(other, SpudThreshold):
            return NotImplemented
        return (
            self.theta == other.theta
            and self.trials == other.trials
            and self.confidence == other.confidence
            and all(np.array_equal(getattr(self, f), getattr(other, f)) for f in ("ns", "cs", "batches", "successes"))
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def rates(self) -> NDArray[np.float64]:
        """Success fraction of each cell, shape ``(a, b)``."""
        return self.successes / self.trials

    @property
    def ratios(self) -> NDArray[np.float64]:
        r"""The realised :math:`p/(n\log n)` of each cell (at least ``C``, by the ceiling), shape ``(a, b)``."""
        return self.batches / (self.ns * np.log(self.ns))[:, None]

    def ci(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Clopper–Pearson intervals of the success rates at :attr:`confidence`: ``(low, high)``, each ``(a, b)``.

        Computed by :func:`scipy.stats.binomtest` (``method="exact"``).
        """
        from scipy.stats import binomtest

        low = np.empty(self.successes.shape)
        high = np.empty(self.successes.shape)
        for idx, k in np.ndenumerate(self.successes):
            iv = binomtest(int(k), self.trials).proportion_ci(confidence_level=self.confidence, method="exact")
            low[idx], high[idx] = iv.low, iv.high
        return low, high

    def crossing(self) -> NDArray[np.float64]:
        r"""The empirical 50% crossing in :math:`C = p/(n\log n)` for each ``n``.

        Along each row (in increasing :math:`C`), the first cell whose success rate is at least 1/2
        and the cell before it are joined by a straight line in (realised ratio
        :math:`p/(n\log n)`, rate); the crossing is where that line meets 1/2. When the first cell
        already reaches 1/2 the crossing is that cell's ratio (the threshold is at most that); when
        no cell reaches 1/2 it is ``inf`` (the threshold lies beyond the grid).

        Returns
        -------
        ndarray, shape (a,)

        Examples
        --------
        >>> import numpy as np
        >>> t = SpudThreshold(np.array([10]), np.array([1.0, 3.0]), 0.2, 4,
        ...                   np.array([[24, 70]]), np.array([[1, 3]]))
        >>> float(np.round(t.crossing()[0] * 10 * np.log(10)))  # p where the line meets 1/2
        47.0
        """
        x, y = self.ratios, self.rates
        out = np.empty(self.ns.size)
        for i in range(self.ns.size):
            up = np.flatnonzero(y[i] >= 0.5)
            if up.size == 0:
                out[i] = np.inf
            elif up[0] == 0:
                out[i] = x[i, 0]
            else:
                j = int(up[0])
                x0, x1, y0, y1 = x[i, j - 1], x[i, j], y[i, j - 1], y[i, j]
                out[i] = x0 + (0.5 - y0) * (x1 - x0) / (y1 - y0)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form: the grid, counts, rates, intervals and crossings (``inf`` written as None)."""
        low, high = self.ci()
        cross = self.crossing()
        return {
            "ns": self.ns.tolist(),
            "cs": self.cs.tolist(),
            "theta": self.theta,
            "trials": self.trials,
            "confidence": self.confidence,
            "batches": self.batches.tolist(),
            "successes": self.successes.tolist(),
            "rates": self.rates.tolist(),
            "ratios": self.ratios.tolist(),
            "ci_low": low.tolist(),
            "ci_high": high.tolist(),
            "crossing": [None if not np.isfinite(c) else float(c) for c in cross],
            "cell_seconds": None if self.elapsed is None else np.round(self.elapsed, 3).tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpudThreshold:
        """Rebuild from :meth:`to_dict` output (e.g. a benchmark's JSON file)."""
        el = data.get("cell_seconds")
        return cls(
            np.asarray(data["ns"], np.int64),
            np.asarray(data["cs"], float),
            float(data["theta"]),
            int(data["trials"]),
            np.asarray(data["batches"], np.int64),
            np.asarray(data["successes"], np.int64),
            float(data.get("confidence", 0.95)),
            None if el is None else np.asarray(el, float),
        )

    def __str__(self) -> str:
        cross = ", ".join(
            f"n={n}: " + (f"{c:.3g}" if np.isfinite(c) else f"> {self.cs[-1]:.3g}")
            for n, c in zip(self.ns.tolist(), self.crossing(), strict=True)
        )
        return (
            f"SpudThreshold(theta={self.theta:.3g}, n in {self.ns.tolist()}, C in {self.cs.tolist()}, "
            f"{self.trials} trials; 50% crossing of p/(n log n): {cross})"
        )

    __repr__ = __str__


def spud_threshold(
    *,
    ns: ArrayLike = (6, 8, 10),
    cs: ArrayLike = (1, 2, 3, 5, 8),
    theta: float = 0.2,
    trials: int = 20,
    store: Any = None,
    executor: Any = None,
    rng: Any = 0,
    progress: bool = False,
) -> SpudThreshold:
    r"""Empirical sample threshold of ER-SpUD: success rate against :math:`C = p/(n\log n)` per ``n``.

    Cell :math:`(n, C)` runs :func:`spud_cell`: ``trials`` Gaussian ``n × n`` dictionaries, each
    with :math:`p = \lceil C n\log n\rceil` Bernoulli(θ)-Gaussian samples, recovered by ER-SpUD
    (DC). The cells go through :func:`theory.sweep.sweep`: each cell's randomness depends only on
    ``rng`` and the cell, finished cells are kept in ``store`` and not recomputed, and any
    :class:`concurrent.futures.Executor` can run them.

    What is proven is about other quantities than this measurement: Spielman, Wang & Wright (2012)
    show that :math:`O(n\log n)` samples determine the dictionary, while their guarantee for
    ER-SpUD needs about :math:`n^2\log^2 n`; Adamczak (2016) proves :math:`p \ge C n\log n` for a
    modified algorithm; Błasiok & Nelson (2016) show the unmodified algorithm needs
    :math:`p \gtrsim n^{1.99}` for large ``n``. A constant crossing in :math:`C` at small ``n`` is an
    observation, not a theorem.

    Parameters
    ----------
    ns : array_like of int, shape (a,)
        Dictionary sizes, distinct, each in ``[2, 200]``.
    cs : array_like, shape (b,)
        Values of :math:`C`, positive and strictly increasing; every cell needs ``p > n``.
    theta : float
        Code density in ``(0, 1]``.
    trials : int
        Trials per cell.
    store, executor, rng, progress
        Passed to :func:`theory.sweep.sweep` (``rng`` is the sweep seed).

    Returns
    -------
    SpudThreshold

    Examples
    --------
    >>> t = spud_threshold(ns=[5], cs=[1.5, 8], trials=3, executor="serial")
    >>> t.successes.shape, t.batches.tolist()
    ((1, 2), [[13, 65]])

    References
    ----------
    .. [1] Spielman, D. A., Wang, H. and Wright, J. (2012). Exact recovery of sparsely-used
       dictionaries. COLT, PMLR 23, 37.1-37.18. arXiv:1206.5882
    .. [2] Adamczak, R. (2016). A note on the sample complexity of the Er-SpUD algorithm by
       Spielman, Wang and Wright for exact recovery of sparsely used dictionaries. JMLR 17(177).
       arXiv:1601.02049
    .. [3] Błasiok, J. and Nelson, J. (2016). An improved analysis of the ER-SpUD dictionary
       learning algorithm. ICALP 2016. arXiv:1602.05719
    """
    from theory.sweep import sweep

    n_arr = check_array(ns, "ns", ndim=1)
    c_arr = check_array(cs, "cs", ndim=1)
    if n_arr.size == 0 or np.any(n_arr != np.round(n_arr)):
        raise ValueError(f"ns must be a non-empty list of integers, got {n_arr.tolist()}")
    n_list = [check_int(int(v), "ns", minimum=2, maximum=200) for v in n_arr]
    if len(set(n_list)) < len(n_list):
        raise ValueError(f"ns must be distinct, got {n_list}")
    if c_arr.size == 0 or np.any(c_arr <= 0) or np.any(np.diff(c_arr) <= 0):
        raise ValueError(f"cs must be a non-empty, strictly increasing list of positive numbers, got {c_arr.tolist()}")
    c_list = [float(c) for c in c_arr]
    theta = check_probability(theta, "theta", allow_zero=False)
    trials = check_int(trials, "trials", minimum=1)
    progress = check_bool(progress, "progress")
    for n in n_list:
        _spud_batch(n, c_list[0])  # refuse a grid with p <= n before running anything
    grid = [{"n": n, "C": c, "theta": theta, "trials": trials} for n in n_list for c in c_list]
    res = sweep(spud_cell, grid, executor=executor, store=store, rng=rng, progress=progress, desc="ER-SpUD threshold")
    vals = list(res.values)
    shape = (len(n_list), len(c_list))
    batches = np.array([v["batch"] for v in vals], dtype=np.int64).reshape(shape)
    succ = np.array([v["successes"] for v in vals], dtype=np.int64).reshape(shape)
    elapsed = np.array(res.elapsed, dtype=float).reshape(shape)
    return SpudThreshold(np.array(n_list, np.int64), np.array(c_list), theta, trials, batches, succ, elapsed=elapsed)


def loss_flattening(losses: Any) -> float | None:
    """Relative change of the mean training loss between the last two tenths of a logged curve.

    A convergence check for the reproductions: below about 0.02 the curve has flattened. None when
    the curve is too short (fewer than 20 points) or its mean is 0.

    Examples
    --------
    >>> loss_flattening([1.0] * 20)
    0.0
    >>> round(loss_flattening(list(range(40, 0, -1))), 3)   # means 6.5 then 2.5
    0.615
    """
    arr = np.asarray(losses, dtype=float)
    m = arr.size // 10
    if m < 2:
        return None
    a, b = float(arr[-2 * m : -m].mean()), float(arr[-m:].mean())
    return (a - b) / abs(a) if a else None


def pre_decay_change(curve: Mapping[str, Any], steps: int) -> float | None:
    """Relative drop of the logged training loss from 50-65% to 65-80% of ``steps``.

    ``curve`` holds ``"steps"`` and ``"loss"`` lists. Measured before a learning-rate decay over the
    last 20% starts, so the decay cannot make the curve look flat. None when either window is
    empty or its mean is 0.

    Examples
    --------
    >>> pre_decay_change({"steps": [55, 60, 70, 75], "loss": [2.0, 2.0, 1.0, 1.0]}, 100)
    0.5
    """
    st, lo = np.asarray(curve["steps"], dtype=float), np.asarray(curve["loss"], dtype=float)
    a = lo[(st > 0.5 * steps) & (st <= 0.65 * steps)]
    b = lo[(st > 0.65 * steps) & (st <= 0.8 * steps)]
    if not (a.size and b.size) or not a.mean():
        return None
    return float((a.mean() - b.mean()) / abs(a.mean()))
