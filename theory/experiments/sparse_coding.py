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
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import check_array, check_bool, check_int
from theory._warnings import TheoryWarning

__all__ = ["METHODS", "RecoveryPhaseDiagram", "recovery_cell", "recovery_phase_diagram"]

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
    return {"dim": dim, "n": n, "k": k, "trials": trials, "threshold": float(thr.mean()), "omp": float(om.mean()),
            "fista": float(fi.mean()), "bp": bp_rate,
            "fista_converged": float(np.mean(res.gap <= res.tol * res.objective))}


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
        return {"dim": self.dim, "trials": self.trials, "deltas": self.deltas.tolist(), "rhos": self.rhos.tolist(),
                "ns": self.ns.tolist(), "ks": self.ks.tolist(),
                "success": {m: v.tolist() for m, v in self.success.items()},
                "boundary": {m: self.boundary(m).tolist() for m in self.success},
                "theory_nonnegative_weak_threshold": self.theory().tolist(),
                "cell_seconds": None if self.elapsed is None else np.round(self.elapsed, 3).tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RecoveryPhaseDiagram:
        """Rebuild from :meth:`to_dict` output (e.g. a benchmark's JSON file)."""
        return cls(int(data["dim"]), np.asarray(data["deltas"], float), np.asarray(data["rhos"], float),
                   np.asarray(data["ns"], np.int64), np.asarray(data["ks"], np.int64),
                   {m: np.asarray(v, float) for m, v in data["success"].items()}, int(data["trials"]))

    def __str__(self) -> str:
        return (f"RecoveryPhaseDiagram(dim={self.dim}, {len(self.deltas)} x {len(self.rhos)} cells, "
                f"{self.trials} trials, methods {', '.join(self.success)})")

    __repr__ = __str__


def recovery_phase_diagram(*, dim: int = 64, ratios_n: ArrayLike = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
                           ratios_k: ArrayLike = (0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9),
                           trials: int = 40, bp: bool = True, fista_max_iter: int = 3000, store: Any = None,
                           executor: Any = None, rng: Any = 0, progress: bool = False) -> RecoveryPhaseDiagram:
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
    res = sweep(recovery_cell, grid, executor=executor, store=store, rng=rng, progress=progress,
                desc="recovery phase diagram")
    vals = list(res.values)
    shape = (d.size, r.size)
    methods = [m for m in METHODS if m != "bp" or bp]
    success = {m: np.array([v[m] for v in vals], dtype=float).reshape(shape) for m in methods}
    ns = np.array([v["n"] for v in vals], dtype=np.int64).reshape(shape)
    ks = np.array([v["k"] for v in vals], dtype=np.int64).reshape(shape)
    elapsed = np.array(res.elapsed, dtype=float).reshape(shape)
    return RecoveryPhaseDiagram(dim, d.astype(float), r.astype(float), ns, ks, success, trials, elapsed)

