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

Three reproductions of learned sparse coding run the same way, each returning a frozen result
with ``to_dict``/``from_dict`` (the JSON of its benchmark script) and a Markdown summary:
:func:`oneill_toy` (O'Neill, Gumran & Klindt 2024: sparse coding, an MLP encoder and SAEs on the
16/8/3 toy, code and dictionary MCC), :func:`sharkey_grid` (Sharkey, Braun & Millidge 2022: MMCS
of ReLU SAEs over L1 coefficient x dictionary ratio) and :func:`synthbench_ranking`
(SynthSAEBench at CPU size: F1 ranking of five SAE kinds).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import check_array, check_bool, check_int, check_probability, check_real
from theory._warnings import TheoryWarning
from theory.experiments._runner import as_runner
from theory.experiments._summary import Summary
from theory.experiments._summary import run_cells as _sweep_run
from theory.sweep import Runner

__all__ = [
    "METHODS",
    "OneillToy",
    "RecoveryPhaseDiagram",
    "SharkeyGrid",
    "SpudThreshold",
    "SynthBenchRanking",
    "loss_flattening",
    "oneill_cell",
    "oneill_toy",
    "pre_decay_change",
    "recovery_cell",
    "recovery_phase_diagram",
    "sharkey_cell",
    "sharkey_grid",
    "spud_cell",
    "spud_threshold",
    "synthbench_ranking",
    "synthbench_train_cell",
    "synthbench_tune_cell",
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
    runner: Runner | None = None,
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
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, rng, progress
        Passed to :func:`theory.sweep.sweep` (``rng`` is the sweep seed).

    Returns
    -------
    RecoveryPhaseDiagram

    Examples
    --------
    >>> r = recovery_phase_diagram(dim=12, ratios_n=[0.5], ratios_k=[0.1, 0.9], trials=4, bp=False,
    ...                            runner=Runner(executor="serial"))
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
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="recovery_phase_diagram")
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
    res = sweep(recovery_cell, grid, runner=runner, rng=rng, desc="recovery phase diagram")
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
    runner: Runner | None = None,
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
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, rng, progress
        Passed to :func:`theory.sweep.sweep` (``rng`` is the sweep seed).

    Returns
    -------
    SpudThreshold

    Examples
    --------
    >>> t = spud_threshold(ns=[5], cs=[1.5, 8], trials=3, runner=Runner(executor="serial"))
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
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="spud_threshold")
    for n in n_list:
        _spud_batch(n, c_list[0])  # refuse a grid with p <= n before running anything
    grid = [{"n": n, "C": c, "theta": theta, "trials": trials} for n in n_list for c in c_list]
    res = sweep(spud_cell, grid, runner=runner, rng=rng, desc="ER-SpUD threshold")
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


# ----------------------------------------------------------------------------------------------
# Reproductions of learned sparse coding: O'Neill et al. (2024), Sharkey et al. (2022), SynthSAEBench
#
# Each driver builds its grid, runs the cells through :func:`theory.sweep.sweep` and summarises; it
# returns a small frozen result holding the JSON written by its benchmark script
# (``benchmarks/sparse_coding_{oneill,sharkey,synthbench}.py``), with ``to_dict``/``from_dict`` and a
# readable summary. The scripts add the machine and the command line.
# ----------------------------------------------------------------------------------------------


class _Summary(Summary):
    """A summarised experiment whose readable summary is its Markdown report."""

    def __str__(self) -> str:
        return self.markdown()

    def markdown(self) -> str:  # pragma: no cover - every subclass defines it
        raise NotImplementedError


# ---------------------------------------------------------------- O'Neill, Gumran & Klindt (2024)

#: Training and test samples of the 16/8/3 toy, and the seed of its one data set (their generator's).
ONEILL_N_TRAIN = ONEILL_N_TEST = 1024
ONEILL_DATA_SEED = 20240926
#: Their coefficient of mean|s| in the loss MSE + 0.01 mean|s|; dictionary width; MLP hidden units.
ONEILL_L1 = 0.01
ONEILL_WIDTH, ONEILL_HIDDEN = 16, 256

#: Last logged step of their results JSON: mean, population std over 5 seeds.
ONEILL_PUBLISHED = {
    "sparse_coding": {"code_mcc": (0.6907, 0.0507), "dict_mcc": (0.8375, 0.0375)},
    "mlp": {"code_mcc": (0.6434, 0.0725), "dict_mcc": (0.8507, 0.0378)},
    "sae": {"code_mcc": (0.5657, 0.0113), "dict_mcc": (0.7453, 0.0152)},
    "sae_fista": {"code_mcc": (0.5829, 0.0200), "dict_mcc": (0.7453, 0.0152)},
    "sae_oneill": {"code_mcc": (0.5657, 0.0113), "dict_mcc": (0.7453, 0.0152)},
}
_ONEILL_LABELS = {
    "sparse_coding": "sparse coding (FISTA + learned D)",
    "mlp": "MLP encoder (256 hidden)",
    "sae": "SAE (ReLU; train_sae)",
    "sae_fista": "SAE dictionary + FISTA codes (their SAE_ITO)",
    "sae_oneill": "cross-check: their bias-free SAE (vs their SAE)",
}


def _oneill_data() -> tuple[Any, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    from theory.sparse_coding.truth import oneill2024

    truth = oneill2024(rng=0)
    x, codes = truth.sample(ONEILL_N_TRAIN + ONEILL_N_TEST, rng=ONEILL_DATA_SEED)
    codes = codes.toarray()
    n = ONEILL_N_TRAIN
    return truth, x[:n], codes[:n], x[n:], codes[n:]


def _oneill_loss(x: NDArray[np.float64], x_hat: NDArray[np.float64], s: NDArray[np.float64]) -> float:
    return float(np.mean((x - x_hat) ** 2) + ONEILL_L1 * np.mean(np.abs(s)))


def _bias_free_sae(
    x: NDArray[np.float64], steps: int, rng: np.random.Generator
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Their SAE, as a cross-check of sae.py's: ``s = ReLU(W x)`` (no biases), ``x_hat = D s`` with D's
    columns renormalised before every step (no gradient projection), PyTorch's default init for W
    (uniform on +-1/sqrt(dim)), Gaussian D; full-batch Adam at 1e-3 on MSE + 0.01 mean(s). Returns
    (W (width, dim), D (dim, width))."""
    from theory._optim import AdamW, FlatParams

    width = ONEILL_WIDTH
    X = x.astype(np.float32)
    n_samples, dim = X.shape
    bound = 1.0 / np.sqrt(dim)
    D0 = rng.standard_normal((dim, width))
    flat = FlatParams({"W": rng.uniform(-bound, bound, (width, dim)), "D": D0 / np.linalg.norm(D0, axis=0)}, np.float32)
    opt = AdamW(lr=1e-3, weight_decay=0.0)
    P, G = flat.p, flat.g
    for _ in range(steps):
        P["D"] /= np.linalg.norm(P["D"], axis=0)
        z = X @ P["W"].T
        m = z > 0
        s = z * m
        gr = (s @ P["D"].T - X) * np.float32(2.0 / (n_samples * dim))
        G["D"][...] = gr.T @ s
        G["W"][...] = ((gr @ P["D"] + np.float32(ONEILL_L1 / (n_samples * width))) * m).T @ X
        opt.step(flat)
    P["D"] /= np.linalg.norm(P["D"], axis=0)
    return P["W"].astype(np.float64), P["D"].astype(np.float64)


def oneill_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """One cell of :func:`oneill_toy`: train one model with one seed on the fixed data set, score it on the test set.

    Parameters
    ----------
    params : dict
        ``model`` (``"sae"``, ``"sae_oneill"``, ``"mlp"`` or ``"sparse_coding"``), ``steps`` (Adam
        steps of the SAEs and the MLP), ``sc_steps``, ``sc_inner`` and ``sc_init`` (sparse coding: code
        solves, Adam steps on the dictionary per solve, initial dictionary).
    rng : numpy.random.Generator

    Returns
    -------
    dict
        ``code_mcc``, ``dict_mcc``, ``dict_mcc_pearson``, ``test_loss``, ``test_l0``, ``seconds`` and
        per-model extras (``sae_fista_code_mcc``, ``mlp_fista_code_mcc``, ``unconverged_solves``).

    Examples
    --------
    >>> import numpy as np
    >>> out = oneill_cell({"model": "sae_oneill", "steps": 5}, np.random.default_rng(0))
    >>> 0.0 <= out["code_mcc"] <= 1.0
    True
    """
    import threadpoolctl

    from theory.sparse_coding.inference import fista
    from theory.sparse_coding.learners import mlp_encoder_learner, oneill_lam, sparse_coding_learner
    from theory.sparse_coding.metrics import code_mcc, mcc
    from theory.sparse_coding.sae import SAEOptions, train_sae

    truth, x_tr, s_tr, x_te, s_te = _oneill_data()
    model = params.get("model")
    dim = x_tr.shape[1]
    lam = oneill_lam(ONEILL_L1, dim=dim, width=ONEILL_WIDTH)
    t0 = time.perf_counter()
    out: dict[str, Any] = {}
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        if model == "sae":
            sae = train_sae(
                x_tr,
                kind="relu",
                width=ONEILL_WIDTH,
                l1=ONEILL_L1 * dim / ONEILL_WIDTH,
                steps=params["steps"],
                batch_size=ONEILL_N_TRAIN,
                lr=1e-3,
                rng=rng,
                options=SAEOptions(progress=False, dtype="float32"),
            )
            D = np.asarray(sae.W_dec, dtype=np.float64)
            codes = sae.encode(x_te)
            x_hat = sae.decode(codes)
            # their SAE_ITO: optimal inference (same objective) on the SAE's dictionary
            ito = np.asarray(fista(D, x_te, lam=lam, tol=1e-6).codes)
            out["sae_fista_code_mcc"] = code_mcc(ito, s_te)
            out["sae_fista_test_loss"] = _oneill_loss(x_te, ito @ (D / np.linalg.norm(D, axis=0)).T, ito)
        elif model == "sae_oneill":
            W, D = _bias_free_sae(x_tr, params["steps"], rng)
            codes = np.maximum(x_te @ W.T, 0.0)
            x_hat = codes @ D.T
        elif model == "mlp":
            ld = mlp_encoder_learner(
                x_tr,
                width=ONEILL_WIDTH,
                hidden=ONEILL_HIDDEN,
                l1=ONEILL_L1,
                steps=params["steps"],
                lr=1e-3,
                bias=False,
                dtype="float32",
                rng=rng,
            )
            D = ld.dictionary
            codes = ld.encode(x_te)
            x_hat = ld.decode(codes)
            fcodes = ld.encode(x_te, method="fista")
            out["mlp_fista_code_mcc"] = code_mcc(fcodes, s_te)
        elif model == "sparse_coding":
            ld = sparse_coding_learner(
                x_tr,
                width=ONEILL_WIDTH,
                lam=lam,
                steps=params["sc_steps"],
                inner_steps=params["sc_inner"],
                update="adam",
                lr=1e-3,
                dictionary_init=params["sc_init"],
                resample=True,
                rng=rng,
            )
            D = ld.dictionary
            codes = ld.encode(x_te)
            x_hat = ld.decode(codes)
            out["unconverged_solves"] = ld.info["unconverged_solves"]
        else:
            raise ValueError(f"model must be one of 'sae', 'sae_oneill', 'mlp', 'sparse_coding', got {model!r}")
    out.update(
        code_mcc=code_mcc(codes, s_te),
        dict_mcc=mcc(D, truth.dictionary),
        dict_mcc_pearson=code_mcc(D, truth.dictionary),
        test_loss=_oneill_loss(x_te, x_hat, codes),
        test_l0=float(np.count_nonzero(codes > 1e-8, axis=1).mean()),
        seconds=time.perf_counter() - t0,
    )
    return out


class OneillToy(_Summary):
    """Code and dictionary MCC of sparse coding, an MLP encoder and SAEs on the 16/8/3 toy, from :func:`oneill_toy`.

    ``data`` is the JSON of ``benchmarks/results/sparse_coding_oneill.json``: ``settings``, ``results``
    (per model: mean and population std over seeds of ``code_mcc``, ``dict_mcc``,
    ``dict_mcc_pearson``, the per-seed values and the published values), the rankings and run times.
    """

    REQUIRED = ("settings", "results", "ranking_code_mcc", "ranking_dict_mcc")

    def markdown(self) -> str:
        """The results table as Markdown (the benchmark's ``.md`` page)."""
        d, st = self.data, self.data["settings"]
        lines = [
            "# O'Neill, Gumran & Klindt (2024) 16/8/3 toy: reproduction",
            "",
            f"{st['seeds']} seeds, one data set (1,024 train / 1,024 test); SAE and MLP {st['steps']:,} full-batch "
            f"Adam steps; sparse coding {st['sc_steps']} FISTA code solves x {st['sc_inner']} Adam steps on D. "
            "Mean ± population std over seeds; published = their repository's results JSON.",
            "",
            "| model | code MCC | published | within | dict MCC (\\|cos\\|) | dict MCC (their Pearson) "
            "| published | within (\\|cos\\| / Pearson) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, row in d["results"].items():
            c, dm, p = row["code_mcc"], row["dict_mcc"], row["dict_mcc_pearson"]
            pc, pd_ = row["code_mcc_published"], row["dict_mcc_published"]
            lines.append(
                f"| {_ONEILL_LABELS.get(name, name)} | {c[0]:.3f} ± {c[1]:.3f} | {pc[0]:.3f} ± {pc[1]:.3f} | "
                f"{'yes' if row['code_mcc_within_published_spread'] else 'no'} | {dm[0]:.3f} ± {dm[1]:.3f} | "
                f"{p[0]:.3f} ± {p[1]:.3f} | {pd_[0]:.3f} ± {pd_[1]:.3f} | "
                f"{'yes' if row['dict_mcc_within_published_spread'] else 'no'} / "
                f"{'yes' if row.get('dict_mcc_pearson_within_published_spread') else 'no'} |"
            )
        lines += [
            "",
            f"Ranking by code MCC: {' > '.join(d['ranking_code_mcc'])} (published: sparse_coding > mlp > sae).",
            f"Ranking by dictionary MCC: {' > '.join(d['ranking_dict_mcc'])} (published: mlp ≈ sparse_coding > sae).",
        ]
        if "ranking_code_mcc_with_their_sae" in d:
            lines.append(
                f"With their bias-free SAE in place of train_sae's: code MCC "
                f"{' > '.join(d['ranking_code_mcc_with_their_sae'])}, dictionary MCC (their Pearson score) "
                f"{' > '.join(d['ranking_dict_mcc_pearson_with_their_sae'])}."
            )
        lines += [
            "",
            "'within' = |ours − published mean| ≤ published std. The dictionary 'published' column is their "
            "Pearson-over-coordinates score; compare it with the 'their Pearson' column.",
        ]
        if "command" in d:
            lines += ["", f"Command: `{d['command']}`."]
        return "\n".join(lines) + "\n"


def oneill_toy(
    *,
    seeds: int = 5,
    steps: int = 40_000,
    sc_steps: int = 400,
    sc_inner: int = 100,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
) -> OneillToy:
    r"""O'Neill, Gumran & Klindt's 16/8/3 toy: sparse coding, an MLP encoder and SAEs against the truth.

    16 sources in 8 dimensions, exactly 3 active, one data set of 1,024 training and 1,024 test
    samples; the loss :math:`\mathrm{MSE} + 0.01\,\overline{|s|}`. One :func:`theory.sweep.sweep` cell
    (:func:`oneill_cell`) per (model, seed) for the models ``mlp`` (256 hidden units, no biases),
    ``sparse_coding`` (FISTA codes, Adam on the dictionary), ``sae`` (:func:`~theory.sparse_coding.train_sae`,
    ReLU, width 16, with the paper's "SAE_ITO" row: FISTA codes on its dictionary) and ``sae_oneill``
    (their bias-free SAE, a cross-check). Scores on the test set: code MCC (Pearson correlation,
    Hungarian matching) and dictionary MCC (:math:`|\cos|`, Hungarian matching; also their Pearson
    score over coordinates), mean and population std over seeds, against the published values.

    Parameters
    ----------
    seeds : int
        Initialisation seeds per model.
    steps : int
        Full-batch Adam steps of the SAEs and the MLP (theirs 40,000).
    sc_steps, sc_inner : int
        Sparse coding: code solves, and Adam steps on the dictionary per solve.
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        Passed to :func:`theory.sweep.sweep` (sweep seed 0).

    Returns
    -------
    OneillToy

    Examples
    --------
    >>> r = oneill_toy(seeds=1, steps=5, sc_steps=1, sc_inner=2, runner=Runner(executor="serial"))
    >>> sorted(r["results"])
    ['mlp', 'sae', 'sae_fista', 'sae_oneill', 'sparse_coding']

    References
    ----------
    .. [1] O'Neill, C., Gumran, A. and Klindt, D. (2024). Compute optimal inference and provable
       amortisation gap in sparse autoencoders. arXiv:2411.13117
    """
    from theory.sparse_coding.learners import oneill_lam

    seeds = check_int(seeds, "seeds", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    sc_steps = check_int(sc_steps, "sc_steps", minimum=1)
    sc_inner = check_int(sc_inner, "sc_inner", minimum=1)
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="oneill_toy")
    # slowest first, so the workers stay busy
    grid: list[dict[str, Any]] = [
        {"model": m, "seed": s, "steps": steps, "sc_steps": sc_steps, "sc_inner": sc_inner, "sc_init": "gaussian"}
        for m in ("mlp", "sparse_coding", "sae", "sae_oneill")
        for s in range(seeds)
    ]
    for cell in grid:  # the sparse coding learner's Adam step projects the gradient onto the tangent space
        if cell["model"] == "sparse_coding":
            cell["sc_version"] = 2
    t0 = time.perf_counter()
    res = _sweep_run(oneill_cell, grid, runner=runner, rng=0, desc="oneill2024")
    wall = time.perf_counter() - t0
    recs = res.to_records()
    rows: dict[str, Any] = {}
    for name, model, ckey in (
        ("sparse_coding", "sparse_coding", "code_mcc"),
        ("mlp", "mlp", "code_mcc"),
        ("sae", "sae", "code_mcc"),
        ("sae_fista", "sae", "sae_fista_code_mcc"),
        ("sae_oneill", "sae_oneill", "code_mcc"),
    ):
        rr = [r for r in recs if r["model"] == model]
        cm = np.array([r[ckey] for r in rr])
        dm = np.array([r["dict_mcc"] for r in rr])
        dp = np.array([r["dict_mcc_pearson"] for r in rr])
        row: dict[str, Any] = {
            "code_mcc": [float(cm.mean()), float(cm.std())],
            "dict_mcc": [float(dm.mean()), float(dm.std())],
            "dict_mcc_pearson": [float(dp.mean()), float(dp.std())],
            "per_seed": {"code_mcc": cm.tolist(), "dict_mcc": dm.tolist(), "dict_mcc_pearson": dp.tolist()},
            "seconds_per_seed": float(np.mean([r["seconds"] for r in rr])),
            "seconds_total": float(np.sum([r["seconds"] for r in rr])),
        }
        if model == "mlp":
            fm = np.array([r["mlp_fista_code_mcc"] for r in rr])
            row["fista_on_mlp_dictionary_code_mcc"] = [float(fm.mean()), float(fm.std())]
        pub = ONEILL_PUBLISHED[name]
        for key, pkey in (("code_mcc", "code_mcc"), ("dict_mcc", "dict_mcc"), ("dict_mcc_pearson", "dict_mcc")):
            m, s = pub[pkey]
            ours = row[key][0]
            row[f"{key}_published"] = [m, s]
            row[f"{key}_within_published_spread"] = bool(abs(ours - m) <= s)
            row[f"{key}_within_2_spreads"] = bool(abs(ours - m) <= 2 * s)
        rows[name] = row

    def rank(models: tuple[str, ...], key: str) -> list[str]:
        return sorted(models, key=lambda k: -rows[k][key][0])

    return OneillToy(
        {
            "paper": "O'Neill, Gumran & Klindt (2024), arXiv:2411.13117, unknown Z and D, 16/8/3 toy",
            "settings": {
                "n": 16,
                "dim": 8,
                "k": 3,
                "train": ONEILL_N_TRAIN,
                "test": ONEILL_N_TEST,
                "data_seed": ONEILL_DATA_SEED,
                "seeds": seeds,
                "steps": steps,
                "sc_steps": sc_steps,
                "sc_inner": sc_inner,
                "loss": "MSE + 0.01 mean|s|",
                "sae_l1": ONEILL_L1 * 8 / ONEILL_WIDTH,
                "lasso_lam": oneill_lam(ONEILL_L1, dim=8, width=ONEILL_WIDTH),
                "std": "population (ddof=0), as their np.std",
            },
            "results": rows,
            "ranking_code_mcc": rank(("sparse_coding", "mlp", "sae"), "code_mcc"),
            "ranking_dict_mcc": rank(("sparse_coding", "mlp", "sae"), "dict_mcc"),
            "ranking_code_mcc_with_their_sae": rank(("sparse_coding", "mlp", "sae_oneill"), "code_mcc"),
            "ranking_dict_mcc_pearson_with_their_sae": rank(("sparse_coding", "mlp", "sae_oneill"), "dict_mcc_pearson"),
            "published_ranking_code_mcc": ["sparse_coding", "mlp", "sae"],
            "published_ranking_dict_mcc": ["mlp", "sparse_coding", "sae"],
            "wall_seconds_this_run": wall,
            "cell_seconds_total": float(sum(r["seconds"] for r in recs)),
        }
    )


# ---------------------------------------------------------------- Sharkey, Braun & Millidge (2022)

#: Dimension of the Sharkey et al. toy; sweep seed and truth seed.
SHARKEY_DIM = 256
_SHARKEY_SEED = 0
_SHARKEY_TRUTH_SEED = 0
#: Grids of :func:`sharkey_grid`: dictionary ratios (width / 256) and L1 exponents (l1 = 10^(k/4)).
SHARKEY_MODES: dict[str, dict[str, Any]] = {
    "full": {
        "ratios": [0.25, 0.5, 1, 2, 4],
        "l1_k": [-10, -8, -6, -4, -2],
        "steps": 2000,
        "batch_size": 128,
        "n_eval": 16384,
        "dead_window": 400,
    },
    "quick": {
        "ratios": [0.5, 1, 2],
        "l1_k": [-6, -4, -2],
        "steps": 300,
        "batch_size": 128,
        "n_eval": 4096,
        "dead_window": 100,
    },
}
_SHARKEY_LR = 3e-3
_SHARKEY_LR_DECAY = 0.2  # linear decay to 0 over the last 20% of steps


def _encode_dict(D: NDArray[np.float64]) -> str:
    """A dictionary as base64 float16 (for the adjacent-size comparison; cosines to ~1e-3)."""
    import base64

    return base64.b64encode(np.ascontiguousarray(D, dtype=np.float16).tobytes()).decode("ascii")


def _decode_dict(s: str, dim: int) -> NDArray[np.float64]:
    import base64

    return np.frombuffer(base64.b64decode(s), dtype=np.float16).astype(np.float64).reshape(dim, -1)


def sharkey_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """One cell of :func:`sharkey_grid`: a whole L1 sweep at one dictionary width, trained at once and scored.

    Parameters
    ----------
    params : dict
        ``correlated`` (bool, the data path), ``ratio`` (width / 256), ``l1_k`` (list of int, l1 =
        10^(k/4)), ``steps``, ``batch_size``, ``n_eval``, ``dead_window`` (ints).
    rng : numpy.random.Generator

    Returns
    -------
    dict
        ``width``, ``train_seconds``, ``instances`` and ``rows``: per coefficient MMCS,
        MCC, dead latents, held-out L0 and explained variance, the loss curve and the dictionary (base64
        float16).

    Examples
    --------
    >>> import numpy as np
    >>> p = {"correlated": False, "ratio": 0.125, "l1_k": [-4], "steps": 3, "batch_size": 8, "n_eval": 64,
    ...      "dead_window": 2}
    >>> out = sharkey_cell(p, np.random.default_rng(0))
    >>> out["width"], len(out["rows"])
    (32, 1)
    """

    from theory.sparse_coding.metrics import dead_latents, explained_variance, mcc, mmcs
    from theory.sparse_coding.sae import SAEOptions, train_saes
    from theory.sparse_coding.truth import sharkey2022

    truth = sharkey2022(correlated=params["correlated"], rng=_SHARKEY_TRUTH_SEED)
    width = int(round(params["ratio"] * SHARKEY_DIM))
    l1s = [10.0 ** (k / 4) for k in params["l1_k"]]
    eval_rng = np.random.default_rng(rng.integers(2**63))
    opts = SAEOptions(
        lr=_SHARKEY_LR,
        lr_decay=_SHARKEY_LR_DECAY,
        progress=False,
        dead_window=params["dead_window"],
        dtype="float32",
    )
    t0 = time.perf_counter()
    saes = train_saes(
        truth,
        kind="relu",
        width=width,
        l1=l1s,
        steps=params["steps"],
        batch_size=params["batch_size"],
        options=opts,
        rng=rng,
    )
    train_s = time.perf_counter() - t0
    x_eval, _ = truth.sample(params["n_eval"], rng=eval_rng)
    rows = []
    for k, l1, sae in zip(params["l1_k"], l1s, saes, strict=True):
        fired = np.zeros(width, dtype=bool)
        l0_sum, x_hat = 0.0, np.empty_like(x_eval)
        for s in range(0, x_eval.shape[0], 2048):
            codes = sae.encode(x_eval[s : s + 2048])
            fired |= (codes > 0).any(axis=0)
            l0_sum += float((codes > 0).sum())
            x_hat[s : s + 2048] = sae.decode(codes)
        dead_eval = dead_latents(fired[None, :].astype(float))
        D = np.asarray(sae.W_dec, dtype=np.float64)
        rows.append(
            {
                "l1_k": k,
                "l1": l1,
                "mmcs": mmcs(D, truth.dictionary),
                "mcc": mcc(D, truth.dictionary),
                "dead_fraction_eval": dead_eval.fraction,
                "dead_count_eval": dead_eval.count,
                "dead_fraction_train": float(sae.dead_fractions[-1]),
                "l0_eval": l0_sum / x_eval.shape[0],
                "explained_variance": explained_variance(x_eval, x_hat),
                "final_loss": float(sae.losses[-1]),
                "final_mse": float(sae.mses[-1]),
                "loss_curve": {
                    "steps": sae.log_steps[:: max(1, sae.log_steps.size // 20)].tolist(),
                    "loss": sae.losses[:: max(1, sae.losses.size // 20)].tolist(),
                },
                "loss_change_last_tenth": loss_flattening(sae.losses),
                "dictionary_f16": _encode_dict(D),
            }
        )
    return {
        "width": width,
        "train_seconds": train_s,
        "instances": len(saes),
        "rows": rows,
    }


def _sharkey_adjacent(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Agreement of dictionaries learned at adjacent widths, per coefficient."""
    from theory.sparse_coding.metrics import mmcs, pairwise_mcc

    out = []
    by_ratio = sorted(cells, key=lambda c: c["ratio"])
    for small, large in zip(by_ratio[:-1], by_ratio[1:], strict=True):
        for rs, rl in zip(small["value"]["rows"], large["value"]["rows"], strict=True):
            Ds = _decode_dict(rs["dictionary_f16"], SHARKEY_DIM)
            Dl = _decode_dict(rl["dictionary_f16"], SHARKEY_DIM)
            out.append(
                {
                    "l1_k": rs["l1_k"],
                    "l1": rs["l1"],
                    "ratio_small": small["ratio"],
                    "ratio_large": large["ratio"],
                    "mmcs_small_in_large": mmcs(Dl, Ds),
                    "pairwise_mcc": pairwise_mcc(Ds, Dl),
                }
            )
    return out


def _sharkey_summary(out: Mapping[str, Any]) -> dict[str, Any]:
    s: dict[str, Any] = {}
    for dp in out["data_paths"]:
        recs = [r for r in out["records"] if r["correlated"] == (dp == "correlated")]
        best = max(recs, key=lambda r: r["mmcs"])
        adj = [a for a in out["adjacent"] if a["correlated"] == (dp == "correlated")]
        # per coefficient: the largest smaller-ratio whose atoms are still found in the next larger dictionary
        pick = {}
        for k in out["grid"]["l1_k"]:
            a_k = sorted((a for a in adj if a["l1_k"] == k), key=lambda a: a["ratio_small"])
            if a_k:
                top = max(a_k, key=lambda a: a["mmcs_small_in_large"])
                pick[str(k)] = {
                    "ratio_with_highest_agreement": top["ratio_small"],
                    "agreement": top["mmcs_small_in_large"],
                }
        s[dp] = {
            "best_mmcs": best["mmcs"],
            "best_at": {"l1": best["l1"], "ratio": best["ratio"]},
            "adjacent_agreement_peak": pick,
            "converged_fraction": float(np.mean([(r["loss_change_last_tenth"] or 0) < 0.02 for r in recs])),
        }
    return s


def _sharkey_table(records: list[dict[str, Any]], key: str, ratios: list[float], ks: list[int], fmt: str) -> list[str]:
    head = "| L1 coefficient | " + " | ".join(f"{r:g}x ({int(round(r * SHARKEY_DIM))})" for r in ratios) + " |"
    lines = [head, "|---" * (len(ratios) + 1) + "|"]
    for k in ks:
        cells = []
        for r in ratios:
            hit = [rec for rec in records if rec["l1_k"] == k and rec["ratio"] == r]
            cells.append(format(hit[0][key], fmt) if hit and hit[0][key] is not None else "")
        lines.append(f"| 10^({k}/4) = {10 ** (k / 4):.3g} | " + " | ".join(cells) + " |")
    return lines


class SharkeyGrid(_Summary):
    """MMCS of ReLU SAEs with the true features over L1 coefficient x dictionary ratio, from :func:`sharkey_grid`.

    ``data`` is the JSON of ``benchmarks/results/sparse_coding_sharkey.json``: ``grid``, ``training``,
    ``truth``, ``records`` (one per coefficient, ratio and data path), ``adjacent`` (agreement of
    dictionaries at adjacent sizes) and ``summary`` (per data path: best MMCS and where).
    """

    REQUIRED = ("data_paths", "grid", "training", "records", "adjacent", "summary")

    def markdown(self) -> str:
        """The tables as Markdown (the benchmark's ``.md`` page)."""
        out = self.data
        ratios, ks = out["grid"]["ratios"], out["grid"]["l1_k"]
        t = out["training"]
        head = (
            f"Data: `sharkey2022` (dim 256, n 512 true features). ReLU SAEs, Adam lr {t['lr']}, {t['steps']} "
            f"steps x batch {t['batch_size']} = {t['samples_seen']:,} fresh samples; one batched "
            f"`train_saes(l1=[...])` call per width."
        )
        if "command" in out:
            head = f"Command: `{out['command']}`. " + head
        cs = out.get("cell_seconds") or {}
        if "wall_seconds" in out and cs:
            head += (
                f" Wall {out['wall_seconds']:.0f} s for this invocation (cells already in the store are loaded, "
                f"not recomputed); sum of the cells' compute times {sum(cs.values()):.0f} s, largest cell "
                f"{max(cs.values()):.0f} s"
            )
            head += "."
        lines = [
            f"# Sharkey, Braun & Millidge (2022) toy: SAE recovery over L1 x dictionary ratio ({out.get('mode', '')})",
            "",
            head,
            "",
        ]
        for dp in out["data_paths"]:
            recs = [dict(r) for r in out["records"] if r["correlated"] == (dp == "correlated")]
            adj = [{**a, "ratio": a["ratio_small"]} for a in out["adjacent"] if a["correlated"] == (dp == "correlated")]
            lines += [
                f"## {dp} data path (expected data L0 {out['truth']['expected_l0'][dp]:.3f})",
                "",
                "MMCS with the true features:",
                "",
            ] + _sharkey_table(recs, "mmcs", ratios, ks, ".3f")
            lines += ["", "Dead latents (fraction never active on the held-out batch):", ""]
            lines += _sharkey_table(recs, "dead_fraction_eval", ratios, ks, ".2f")
            lines += ["", "Held-out L0 / explained variance:", ""]
            for r in recs:
                r["_l0ev"] = f"{r['l0_eval']:.2f} / {r['explained_variance']:.3f}"
            lines += _sharkey_table(recs, "_l0ev", ratios, ks, "s")
            lines += [
                "",
                "Adjacent-size agreement: MMCS of the dictionary at this ratio within the next larger one "
                "(same coefficient); no ground truth used:",
                "",
            ]
            lines += _sharkey_table(adj, "mmcs_small_in_large", ratios[:-1], ks, ".3f")
            lines += [
                "",
                "Relative change of the training loss over the last tenth of training (< 0.02: flattened):",
                "",
            ]
            lines += _sharkey_table(recs, "loss_change_last_tenth", ratios, ks, ".3f")
            lines += [
                "",
                "Relative drop of the training loss from 50-65% to 65-80% of the steps, before the learning-rate "
                "decay (subsampled single-batch losses, noisy):",
                "",
            ]
            lines += _sharkey_table(recs, "loss_change_before_decay", ratios, ks, ".3f")
            sm = out["summary"][dp]
            lines += [
                "",
                f"Best MMCS {sm['best_mmcs']:.3f} at L1 {sm['best_at']['l1']:.3g}, ratio "
                f"{sm['best_at']['ratio']:g}. Fraction of runs whose loss changed < 2% over the last tenth: "
                f"{sm['converged_fraction']:.2f}.",
                "",
            ]
        return "\n".join(lines) + "\n"


def sharkey_grid(
    *,
    quick: bool = False,
    ratios: Any = None,
    l1_k: Any = None,
    steps: int | None = None,
    correlated: str = "no",
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
) -> SharkeyGrid:
    r"""Sharkey, Braun & Millidge's toy: ReLU SAEs over L1 coefficient x dictionary ratio, scored by MMCS.

    Data :func:`~theory.sparse_coding.sharkey2022` (512 true features in 256 dimensions; fresh samples
    every step). Per dictionary width (ratio x 256) and data path, the whole L1 sweep
    (:math:`\ell_1 = 10^{k/4}`) is one batched :func:`~theory.sparse_coding.train_saes` call, one
    :func:`theory.sweep.sweep` cell (:func:`sharkey_cell`). Per (coefficient, ratio): MMCS and MCC with
    the true features, dead latents, held-out L0 and explained variance, loss flattening; then the
    agreement (MMCS) of dictionaries learned at adjacent sizes with the same coefficient, the paper's
    model-selection heuristic without ground truth.

    The loss is the trainer's (squared error summed over dimensions plus :math:`\ell_1\sum_i f_i`);
    Sharkey et al. averaged both terms, so the coefficients keep their spacing but not their scale.

    Parameters
    ----------
    quick : bool
        The small grid of :data:`SHARKEY_MODES` (``"quick"``) instead of the full one.
    ratios : sequence of float, optional
        Override the dictionary ratios (width / 256).
    l1_k : sequence of int, optional
        Override the L1 exponents ``k`` (``l1 = 10^(k/4)``).
    steps : int, optional
        Override the training steps.
    correlated : {"no", "yes", "both"}
        Data path: uncorrelated, correlated (rank-32 Gaussian copula), or both.
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        Passed to :func:`theory.sweep.sweep` (sweep seed 0).

    Returns
    -------
    SharkeyGrid

    Examples
    --------
    >>> r = sharkey_grid(quick=True, ratios=[0.125, 0.25], l1_k=[-4], steps=3, runner=Runner(executor="serial"))
    >>> len(r["records"]), len(r["adjacent"])
    (2, 1)

    References
    ----------
    .. [1] Sharkey, L., Braun, D. and Millidge, B. (2022). Taking features out of superposition with
       sparse autoencoders. Interim research report, AI Alignment Forum.
    """
    from theory.sparse_coding.truth import sharkey2022

    quick = check_bool(quick, "quick")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="sharkey_grid")
    if correlated not in ("no", "yes", "both"):
        raise ValueError(f"correlated must be 'no', 'yes' or 'both', got {correlated!r}")
    mode = "quick" if quick else "full"
    cfg = dict(SHARKEY_MODES[mode])
    if ratios is not None:
        rs = check_array(ratios, "ratios", ndim=1)
        if rs.size == 0 or np.any(rs <= 0):
            raise ValueError(f"ratios must be a non-empty list of positive numbers, got {rs.tolist()}")
        # 2.0 -> 2: a cell's key and seed come from its canonical JSON, where 2 and 2.0 differ
        cfg["ratios"] = [int(r) if float(r).is_integer() else float(r) for r in rs]
    if l1_k is not None:
        cfg["l1_k"] = [check_int(k, "l1_k", minimum=-40, maximum=40) for k in l1_k]
        if not cfg["l1_k"]:
            raise ValueError("l1_k must be a non-empty list of integers")
    if steps is not None:
        cfg["steps"] = check_int(steps, "steps", minimum=1)
    corr = {"no": [False], "yes": [True], "both": [False, True]}[correlated]
    # largest widths first so two workers stay balanced
    grid = [
        {
            "correlated": c,
            "ratio": r,
            "l1_k": cfg["l1_k"],
            "steps": cfg["steps"],
            "batch_size": cfg["batch_size"],
            "n_eval": cfg["n_eval"],
            "dead_window": cfg["dead_window"],
        }
        for r in sorted(cfg["ratios"], reverse=True)
        for c in corr
    ]
    t0 = time.perf_counter()
    res = _sweep_run(sharkey_cell, grid, runner=runner, rng=_SHARKEY_SEED, desc="sharkey2022")
    wall = time.perf_counter() - t0
    cells = [
        {"ratio": p["ratio"], "correlated": p["correlated"], "value": v}
        for p, v in zip(res.params, res.values, strict=True)
    ]
    records, adjacent = [], []
    for c in cells:
        for r in c["value"]["rows"]:
            rec = {k: v for k, v in r.items() if k != "dictionary_f16"}
            rec["loss_change_before_decay"] = pre_decay_change(r["loss_curve"], cfg["steps"])
            records.append({"correlated": c["correlated"], "ratio": c["ratio"], "width": c["value"]["width"], **rec})
    for cval in corr:
        for a in _sharkey_adjacent([c for c in cells if c["correlated"] == cval]):
            adjacent.append({"correlated": cval, **a})
    data_paths = ["correlated" if c else "uncorrelated" for c in corr]
    out: dict[str, Any] = {
        "benchmark": "Sharkey, Braun & Millidge (2022) toy: MMCS over L1 coefficient x dictionary ratio",
        "mode": mode,
        "data_paths": data_paths,
        "truth": {
            "preset": "sharkey2022",
            "dim": SHARKEY_DIM,
            "n": 512,
            "truth_seed": _SHARKEY_TRUTH_SEED,
            "expected_l0": {dp: sharkey2022(correlated=dp == "correlated").expected_l0 for dp in data_paths},
        },
        "grid": {
            "ratios": cfg["ratios"],
            "widths": [int(round(r * SHARKEY_DIM)) for r in cfg["ratios"]],
            "l1_k": cfg["l1_k"],
            "l1": [10 ** (k / 4) for k in cfg["l1_k"]],
            "l1_rule": "l1 = 10^(k/4), every second k (Sharkey et al.'s 10^(k/4) spacing, this loss's scale)",
        },
        "training": {
            "kind": "relu",
            "optimizer": "Adam (AdamW, weight decay 0)",
            "lr": _SHARKEY_LR,
            "lr_decay": _SHARKEY_LR_DECAY,
            "steps": cfg["steps"],
            "batch_size": cfg["batch_size"],
            "samples_seen": cfg["steps"] * cfg["batch_size"],
            "data": "fresh samples each step from the sampler",
            "decoder": "unit-norm columns",
            "dead_window_steps": cfg["dead_window"],
            "n_eval": cfg["n_eval"],
            "batched": "one train_saes(l1=[...]) call per width and data path",
            "seed": _SHARKEY_SEED,
        },
        "wall_seconds": wall,
        "cell_seconds": {
            f"{p['ratio']:g}{'-corr' if p['correlated'] else ''}": e
            for p, e in zip(res.params, res.elapsed, strict=True)
        },
        "records": records,
        "adjacent": adjacent,
    }
    out["summary"] = _sharkey_summary(out)
    return SharkeyGrid(out)


# ---------------------------------------------------------------- SynthSAEBench at CPU size

_SYNTH_SEED = 0
_SYNTH_TRUTH_SEED = 0
#: SAE width (n/4, as SynthSAEBench's 4,096 latents for 16,384 features) and seeds per (kind, target).
SYNTH_WIDTH = 256
SYNTH_N_SEEDS = 3
#: The SAE kinds ranked.
SYNTH_KINDS = ("relu", "topk", "batchtopk", "jumprelu", "matryoshka")
#: Coefficient sweeps for the penalised kinds (geometric; chosen so the L0 targets fall inside).
SYNTH_TUNE = {"relu": (0.2, 6.0), "jumprelu": (0.003, 3.0)}
#: Settings of :func:`synthbench_ranking`.
SYNTH_MODES: dict[str, dict[str, Any]] = {
    "full": {"l0": [25, 20], "steps": 5000, "batch_size": 256, "n_eval": 16384, "n_tune": 8},
    "quick": {"l0": [25], "steps": 150, "batch_size": 256, "n_eval": 2048, "n_tune": 5},
}
#: :class:`~theory.sparse_coding.sae.SAEOptions` shared by the kinds (each keeps the ones it uses).
SYNTH_OPTIONS = {
    "lr": 1e-3,
    "lr_decay": 0.2,
    "sparsity_warmup": 0.05,
    "jumprelu_bandwidth": 0.1,
    "jumprelu_init_threshold": 1.0,
    "dead_window": 500,
}
#: Published SynthSAEBench-16k values at L0 = 25 (F1, MCC, explained variance), Chanin & Garriga-Alonso 2026.
SYNTH_PUBLISHED = {
    "matryoshka": (0.879, 0.793, 0.779),
    "batchtopk": (0.732, 0.757, 0.792),
    "jumprelu": (0.732, 0.753, 0.795),
    "relu": (0.556, 0.604, 0.765),
    "matching pursuit": (0.446, 0.693, 0.835),
}


def _synth_truth() -> Any:
    from theory.sparse_coding.truth import synth_sae_bench

    return synth_sae_bench("cpu", rng=_SYNTH_TRUTH_SEED)


def _synth_options_for(kind: str, steps: int) -> dict[str, Any]:
    """The SAEOptions settings of one kind (part of each cell's parameters, so stored cells trained with
    other settings are never reused)."""
    o: dict[str, Any] = dict(SYNTH_OPTIONS)
    o["dead_window"] = min(o["dead_window"], max(1, steps // 4))
    if kind != "jumprelu":
        o.pop("jumprelu_bandwidth")
        o.pop("jumprelu_init_threshold")
    if kind not in ("relu", "jumprelu"):
        o.pop("sparsity_warmup")
    return o


def _synth_options(params: Mapping[str, Any]) -> Any:
    from theory.sparse_coding.sae import SAEOptions

    return SAEOptions(progress=False, **params["options"])


def _synth_scores(
    codes: Any, x: NDArray[np.float64], x_hat: NDArray[np.float64], c: Any, D: NDArray[np.float64], T: Any
) -> dict[str, Any]:
    from theory.sparse_coding.metrics import dead_latents, detection_scores, explained_variance, mcc, uniqueness

    det = detection_scores(codes, c, learned=D, true=T)
    nz = codes != 0
    return {
        "f1": det.mean_f1,
        "precision": det.mean_precision,
        "recall": det.mean_recall,
        "mcc": mcc(D, T),
        "uniqueness": uniqueness(D, T),
        "explained_variance": explained_variance(x, x_hat),
        "l0": float(nz.sum(axis=1).mean()),
        "dead_fraction": dead_latents(nz.astype(float)).fraction,
    }


def _synth_score_sae(sae: Any, x: NDArray[np.float64], c: Any, T: Any) -> dict[str, Any]:
    codes = sae.encode(x)
    out = _synth_scores(codes, x, sae.decode(codes), c, np.asarray(sae.W_dec, dtype=np.float64), T)
    out.update(
        final_loss=float(sae.losses[-1]),
        loss_change_last_tenth=loss_flattening(sae.losses),
        train_l0=float(sae.l0s[-1]),
        train_dead_fraction=float(sae.dead_fractions[-1]),
        loss_curve={
            "steps": sae.log_steps[:: max(1, sae.log_steps.size // 20)].tolist(),
            "loss": sae.losses[:: max(1, sae.losses.size // 20)].tolist(),
        },
    )
    return out


def synthbench_tune_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Cell of :func:`synthbench_ranking`: one batched coefficient sweep (one seed) of ``relu`` or ``jumprelu``.

    ``params``: ``kind``, ``coefs`` (L1 for relu, L0 penalty for jumprelu), ``steps``, ``batch_size``,
    ``n_eval``, ``options`` (SAEOptions settings). Returns the held-out L0 per coefficient (``l0_eval``),
    the last training L0s and the training time.
    """

    from theory.sparse_coding.sae import train_saes

    truth = _synth_truth()
    eval_rng = np.random.default_rng(rng.integers(2**63))
    kw = {"l1": params["coefs"]} if params["kind"] == "relu" else {"l0": params["coefs"]}
    t0 = time.perf_counter()
    saes = train_saes(
        truth,
        kind=params["kind"],
        width=SYNTH_WIDTH,
        n_seeds=1,
        steps=params["steps"],
        batch_size=params["batch_size"],
        options=_synth_options(params),
        rng=rng,
        **kw,
    )
    secs = time.perf_counter() - t0
    x, _ = truth.sample(params["n_eval"], rng=eval_rng)
    l0 = [float(np.count_nonzero(s.encode(x), axis=1).mean()) for s in saes]
    return {
        "coefs": params["coefs"],
        "l0_eval": l0,
        "train_l0": [float(s.l0s[-1]) for s in saes],
        "train_seconds": secs,
    }


def synthbench_train_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Cell of :func:`synthbench_ranking`: ``n_seeds`` SAEs of one kind at one target L0, trained at once, scored.

    ``params``: ``kind``, ``l0_target``, ``n_seeds``, ``coef`` (relu, jumprelu), ``steps``,
    ``batch_size``, ``n_eval``, ``options``. Returns per-seed scores (F1, precision, recall, MCC,
    uniqueness, explained variance, L0, dead fraction, loss flattening) and, for TopK with several
    seeds, the scores of OMP codes on each learned TopK dictionary.
    """

    from theory.sparse_coding.inference import omp
    from theory.sparse_coding.sae import train_saes

    truth = _synth_truth()
    T = truth.dictionary
    eval_rng = np.random.default_rng(rng.integers(2**63))
    kind = params["kind"]
    if kind == "relu":
        kw: dict[str, Any] = {"l1": params["coef"]}
    elif kind == "jumprelu":
        kw = {"l0": params["coef"]}
    else:
        kw = {"k": params["l0_target"]}
    t0 = time.perf_counter()
    saes = train_saes(
        truth,
        kind=kind,
        width=SYNTH_WIDTH,
        n_seeds=params["n_seeds"],
        steps=params["steps"],
        batch_size=params["batch_size"],
        options=_synth_options(params),
        rng=rng,
        **kw,
    )
    secs = time.perf_counter() - t0
    x, c = truth.sample(params["n_eval"], rng=eval_rng)
    out: dict[str, Any] = {
        "train_seconds": secs,
        "seeds": [_synth_score_sae(s, x, c, T) for s in saes],
    }
    if kind == "topk" and params["n_seeds"] > 1:
        mp = []
        for s in saes:
            D = np.asarray(s.W_dec, dtype=np.float64)
            res = omp(D, x - s.b_dec, k=params["l0_target"])
            codes = np.asarray(getattr(res, "codes", res))
            mp.append(_synth_scores(codes, x, codes @ D.T + s.b_dec, c, D, T))
        out["omp_on_topk_dictionary"] = mp
    return out


def _coef_for(target: float, coefs: list[float], l0s: list[float]) -> tuple[float, str]:
    """Log-log interpolation of the coefficient giving ``target`` L0 between bracketing sweep points."""
    lc, ll = np.log(coefs), np.log(np.maximum(l0s, 1e-9))
    for i in range(len(coefs) - 1):
        lo, hi = sorted((ll[i], ll[i + 1]))
        if lo <= np.log(target) <= hi and ll[i] != ll[i + 1]:
            t = (np.log(target) - ll[i]) / (ll[i + 1] - ll[i])
            return float(np.exp(lc[i] + t * (lc[i + 1] - lc[i]))), "interpolated"
    j = int(np.argmin(np.abs(ll - np.log(target))))
    return float(coefs[j]), "closest (target not bracketed)"


def _agg(vals: list[float | None]) -> dict[str, float | None]:
    v = [x for x in vals if x is not None]
    if not v:
        return {"mean": None, "std": None}
    return {"mean": float(np.mean(v)), "std": float(np.std(v))}


def _synth_ranking(rows: list[dict[str, Any]], targets: list[int]) -> dict[str, Any]:
    out = {}
    for t in targets:
        rs = [r for r in rows if r["l0_target"] == t and r["kind"] in SYNTH_KINDS]
        by_f1 = sorted(rs, key=lambda r: -r["f1"]["mean"])
        mp = [r for r in rows if r["l0_target"] == t and r["kind"].startswith("omp")]
        ev_all = rs + mp
        out[str(t)] = {
            "f1_order": [r["kind"] for r in by_f1],
            "published_f1_order": ["matryoshka", "jumprelu~batchtopk", "relu", "matching pursuit"],
            "highest_explained_variance": max(ev_all, key=lambda r: r["explained_variance"]["mean"])["kind"],
        }
    return out


def _fmt(a: Mapping[str, Any], f: str = ".3f") -> str:
    if a["mean"] is None:
        return ""
    return f"{a['mean']:{f}} ± {a['std']:{f}}"


class SynthBenchRanking(_Summary):
    """F1 ranking of five SAE kinds on SynthSAEBench's CPU-size data, from :func:`synthbench_ranking`.

    ``data`` is the JSON of ``benchmarks/results/sparse_coding_synthbench.json``: ``truth``, ``training``,
    ``tuning`` (coefficient sweeps of relu and jumprelu), ``rows`` (per kind and target L0: mean and
    std over seeds of F1, MCC, uniqueness, explained variance, L0, dead fraction...), ``single_sae`` and
    ``ranking`` (per target: F1 order and the kind with the highest explained variance).
    """

    REQUIRED = ("truth", "training", "tuning", "rows", "ranking")

    def markdown(self) -> str:
        """The tables as Markdown (the benchmark's ``.md`` page)."""
        out = self.data
        t = out["training"]
        head = (
            f'Data `synth_sae_bench("cpu")`: n {out["truth"]["n"]}, dim '
            f"{out['truth']['dim']}, expected data L0 {out['truth']['expected_l0']:.2f}. SAEs width {t['width']} "
            f"(n/4), {t['n_seeds']} seeds trained at once, {t['steps']} steps x batch {t['batch_size']} = "
            f"{t['samples_seen']:,} fresh samples each, Adam lr {t['options']['lr']} (linear decay over the last "
            f"20%). Scores on {t['n_eval']:,} held-out samples, mean ± std over seeds."
        )
        if "command" in out:
            head = f"Command: `{out['command']}`. " + head
        if "wall_seconds_total" in out:
            head += (
                f" Wall {out['wall_seconds_total']:.0f} s for this invocation (cells already in the store are "
                "loaded, not recomputed)"
            )
            if "cells_seconds_sum" in out:
                head += f"; sum of all cells' compute times {out['cells_seconds_sum']:.0f} s"
            head += "."
        lines = [f"# SynthSAEBench, CPU size ({out.get('mode', '')})", "", head, ""]
        for target in sorted({r["l0_target"] for r in out["rows"]}, reverse=True):
            lines += [
                f"## Target L0 = {target}",
                "",
                "| method | coefficient / k | F1 | MCC | uniqueness | explained var. | L0 | dead | loss drop "
                "50-65% → 65-80% | loss drop, last tenth |",
                "|---|---|---|---|---|---|---|---|---|---|",
            ]
            for r in out["rows"]:
                if r["l0_target"] != target:
                    continue
                ck = f"{r['coef']:.4g}" if r["coef"] is not None else f"k = {target}"
                lines.append(
                    f"| {r['kind']} | {ck} | {_fmt(r['f1'])} | {_fmt(r['mcc'])} | {_fmt(r['uniqueness'])} | "
                    f"{_fmt(r['explained_variance'])} | {_fmt(r['l0'], '.1f')} | {_fmt(r['dead_fraction'], '.2f')}"
                    f" | {_fmt(r.get('loss_change_before_decay', {'mean': None}), '.3f')}"
                    f" | {_fmt(r.get('loss_change_last_tenth', {'mean': None}), '.3f')} |"
                )
            rk = out["ranking"][str(target)]
            lines += [
                "",
                f"F1 order here: {' > '.join(rk['f1_order'])}; highest explained variance: "
                f"{rk['highest_explained_variance']}.",
                "",
            ]
        lines += [
            "## Coefficient tuning (relu: L1, jumprelu: L0 penalty; one seed, same steps)",
            "",
            "| kind | target | coefficient used | rule | closest sweep point (L0) |",
            "|---|---|---|---|---|",
        ]
        for kd, tv in out["tuning"].items():
            for target, tt in tv["targets"].items():
                lines.append(
                    f"| {kd} | {target} | {tt['coef']:.4g} | {tt['rule']} | {tt['closest_sweep_coef']:.4g} "
                    f"({tt['closest_sweep_l0']:.1f}) |"
                )
            lines.append(
                f"| {kd} sweep | | "
                + ", ".join(f"{c:.3g}→{v:.1f}" for c, v in zip(tv["coefs"], tv["l0_eval"], strict=True))
                + " | | |"
            )
        s = out.get("single_sae")
        if s:
            lines += [
                "",
                f"One TopK SAE (k 25, one instance, {s['steps']} steps x batch {s['batch_size']}): "
                f"{s['wall_seconds']:.0f} s training wall time; loss change over the last tenth "
                + (
                    f"{s['loss_change_last_tenth']:.3f}."
                    if s["loss_change_last_tenth"] is not None
                    else "not measured (too few logged steps)."
                ),
            ]
        pub = out.get("published_16k_l0_25", {})
        lines += [
            "",
            "Published SynthSAEBench-16k at L0 25 (F1 / MCC / explained variance): "
            + "; ".join(f"{k} {v['f1']} / {v['mcc']} / {v['explained_variance']}" for k, v in pub.items()),
            "",
        ]
        return "\n".join(lines) + "\n"


def synthbench_ranking(
    *,
    quick: bool = False,
    l0: Any = None,
    steps: int | None = None,
    single: bool = True,
    store: Any = None,
    executor: Any = None,
    progress: bool = False,
    runner: Runner | None = None,
) -> SynthBenchRanking:
    r"""SynthSAEBench at CPU size: five SAE kinds scored against the ground truth and ranked by F1.

    Data :func:`~theory.sparse_coding.synth_sae_bench` ``("cpu")`` (1,024 true features in 128
    dimensions, Zipf firing, a hierarchy, correlations; fresh samples every step). SAEs of width 256
    (n/4), three seeds at once per (kind, target L0): ``topk``, ``batchtopk``, ``matryoshka`` with
    ``k`` = target; ``relu`` (L1) and ``jumprelu`` (L0 penalty) at the coefficient interpolated
    (log-log) from a batched one-seed coefficient sweep measuring the held-out L0. Scores on held-out
    data: per-latent detection F1, MCC, uniqueness, explained variance, L0, dead fraction; OMP on the
    learned TopK dictionary stands in for matching pursuit. All training runs are cells of
    :func:`theory.sweep.sweep` (:func:`synthbench_tune_cell`, :func:`synthbench_train_cell`).

    Parameters
    ----------
    quick : bool
        The small settings of :data:`SYNTH_MODES` (``"quick"``: L0 25, 150 steps).
    l0 : sequence of int, optional
        Override the target L0 values.
    steps : int, optional
        Override the training steps.
    single : bool
        Also time one single-instance TopK SAE at L0 25 (one more cell).
    runner : theory.sweep.Runner, optional
        Where the sweep cells run and are kept (executor, store, progress bar). The loose
        ``store``, ``executor``, ``progress`` keywords build one instead (deprecated: a
        ``TheoryDeprecationWarning``; removed in the next release; giving ``runner`` with
        ``store``, ``executor`` or ``progress=True`` is a ``TypeError``).
    store, executor, progress
        Passed to :func:`theory.sweep.sweep` (sweep seed 0).

    Returns
    -------
    SynthBenchRanking

    Examples
    --------
    >>> r = synthbench_ranking(quick=True, l0=[8], steps=2, single=False, runner=Runner(executor="serial"))
    >>> sorted(r["ranking"]), len(r["rows"])
    (['8'], 6)

    References
    ----------
    .. [1] Chanin, D. and Garriga-Alonso, A. (2026). SynthSAEBench: Evaluating Sparse Autoencoders on
       Scalable Realistic Synthetic Data. arXiv:2602.14687
    """
    quick = check_bool(quick, "quick")
    single = check_bool(single, "single")
    runner = as_runner(runner, executor=executor, store=store, progress=progress, caller="synthbench_ranking")
    mode = "quick" if quick else "full"
    cfg = dict(SYNTH_MODES[mode])
    if l0 is not None:
        cfg["l0"] = [check_int(v, "l0", minimum=1, maximum=SYNTH_WIDTH) for v in l0]
        if not cfg["l0"]:
            raise ValueError("l0 must be a non-empty list of target L0 values")
    if steps is not None:
        cfg["steps"] = check_int(steps, "steps", minimum=1)
    common = {"steps": cfg["steps"], "batch_size": cfg["batch_size"], "n_eval": cfg["n_eval"]}
    t_all = time.perf_counter()

    # 1. coefficient sweeps for the penalised kinds
    tune_grid = [
        {
            "kind": kd,
            "coefs": [float(v) for v in np.geomspace(*SYNTH_TUNE[kd], cfg["n_tune"])],
            **common,
            "options": _synth_options_for(kd, cfg["steps"]),
        }
        for kd in ("jumprelu", "relu")
    ]
    tune = _sweep_run(
        synthbench_tune_cell,
        tune_grid,
        runner=runner,
        rng=_SYNTH_SEED,
        desc="synthbench tuning",
    )
    tuned: dict[str, Any] = {}
    for p, v in zip(tune.params, tune.values, strict=True):
        tuned[p["kind"]] = {
            "coefs": v["coefs"],
            "l0_eval": v["l0_eval"],
            "train_seconds": v["train_seconds"],
            "targets": {},
        }
        for target in cfg["l0"]:
            coef, how = _coef_for(target, v["coefs"], v["l0_eval"])
            j = int(np.argmin(np.abs(np.log(np.maximum(v["l0_eval"], 1e-9)) - np.log(target))))
            tuned[p["kind"]]["targets"][str(target)] = {
                "coef": coef,
                "rule": how,
                "closest_sweep_coef": v["coefs"][j],
                "closest_sweep_l0": v["l0_eval"][j],
            }

    # 2. three seeds per (kind, target), plus one single-instance TopK timing run; slow kinds first
    order = ("jumprelu", "matryoshka", "relu", "batchtopk", "topk")
    grid = []
    for target in cfg["l0"]:
        for kd in order:
            cell = {
                "kind": kd,
                "l0_target": target,
                "n_seeds": SYNTH_N_SEEDS,
                **common,
                "options": _synth_options_for(kd, cfg["steps"]),
            }
            if kd in tuned:
                cell["coef"] = tuned[kd]["targets"][str(target)]["coef"]
            grid.append(cell)
    if single:
        grid.append(
            {
                "kind": "topk",
                "l0_target": 25,
                "n_seeds": 1,
                **common,
                "options": _synth_options_for("topk", cfg["steps"]),
            }
        )
    res = _sweep_run(
        synthbench_train_cell,
        grid,
        runner=runner,
        rng=_SYNTH_SEED,
        desc="synthbench training",
    )
    wall = time.perf_counter() - t_all

    rows: list[dict[str, Any]] = []
    single_row = None
    for p, v, e in zip(res.params, res.values, res.elapsed, strict=True):
        if p["n_seeds"] == 1:
            single_row = {
                "kind": "topk",
                "k": 25,
                "steps": p["steps"],
                "batch_size": p["batch_size"],
                "wall_seconds": v["train_seconds"],
                "cell_seconds": e,
                "loss_change_last_tenth": v["seeds"][0]["loss_change_last_tenth"],
                **{m: v["seeds"][0][m] for m in ("f1", "mcc", "l0", "explained_variance")},
            }
            continue
        row: dict[str, Any] = {
            "kind": p["kind"],
            "l0_target": p["l0_target"],
            "coef": p.get("coef"),
            "train_seconds": v["train_seconds"],
            "cell_seconds": e,
        }
        for m in (
            "f1",
            "precision",
            "recall",
            "mcc",
            "uniqueness",
            "explained_variance",
            "l0",
            "dead_fraction",
            "loss_change_last_tenth",
        ):
            row[m] = _agg([s[m] for s in v["seeds"]])
        row["loss_change_before_decay"] = _agg([pre_decay_change(s["loss_curve"], p["steps"]) for s in v["seeds"]])
        row["seeds"] = v["seeds"]
        rows.append(row)
        if "omp_on_topk_dictionary" in v:
            mp: dict[str, Any] = {"kind": "omp (TopK dictionary)", "l0_target": p["l0_target"], "coef": None}
            for m in ("f1", "precision", "recall", "mcc", "uniqueness", "explained_variance", "l0", "dead_fraction"):
                mp[m] = _agg([s[m] for s in v["omp_on_topk_dictionary"]])
            rows.append(mp)
    truth = _synth_truth()
    out: dict[str, Any] = {
        "benchmark": "SynthSAEBench, CPU-sized configuration: five SAE architectures against the ground truth",
        "mode": mode,
        "truth": {
            "preset": 'synth_sae_bench("cpu")',
            "n": truth.n,
            "dim": truth.dim,
            "truth_seed": _SYNTH_TRUTH_SEED,
            "expected_l0": truth.expected_l0,
        },
        "training": {
            "width": SYNTH_WIDTH,
            "width_rule": "n/4, as SynthSAEBench's 4,096 latents for 16,384 features",
            "n_seeds": SYNTH_N_SEEDS,
            "steps": cfg["steps"],
            "batch_size": cfg["batch_size"],
            "samples_seen": cfg["steps"] * cfg["batch_size"],
            "data": "fresh samples each step",
            "options": dict(SYNTH_OPTIONS),
            "optimizer": "Adam (AdamW, weight decay 0), lr decayed to 0 over the "
            "last 20% of steps; sparsity coefficient warmed up over the first 5% (relu, jumprelu)",
            "n_eval": cfg["n_eval"],
            "seed": _SYNTH_SEED,
        },
        "tuning": tuned,
        "wall_seconds_total": wall,
        "cells_seconds_sum": float(sum(tune.elapsed) + sum(res.elapsed)),
        "single_sae": single_row,
        "rows": rows,
        "published_16k_l0_25": {
            k: {"f1": v[0], "mcc": v[1], "explained_variance": v[2]} for k, v in SYNTH_PUBLISHED.items()
        },
    }
    out["ranking"] = _synth_ranking(rows, cfg["l0"])
    return SynthBenchRanking(out)
