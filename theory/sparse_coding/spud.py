r"""ER-SpUD: exact recovery of a square dictionary from sparsely used samples.

Spielman, Wang & Wright (2012) observe ``Y = A X`` with an invertible ``n × n`` dictionary ``A``
and Bernoulli(θ)-Gaussian codes ``X``. The rows of ``X`` are the sparsest vectors in the row
space of ``Y``, and each can be found by one linear program

.. math::
    \min_{w} \lVert w^\top Y\rVert_1 \quad\text{s.t.}\quad r^\top w = 1,

with ``r`` a sample column (variant SC) or the sum of two sample columns (variant DC). The
candidate rows :math:`s^\top = w^\top Y` are then sorted by sparsity and greedily kept while they
are linearly independent, until ``n`` remain; ``A`` is read off by least squares.

This module follows the toolkit's data layout: samples are rows, ``x`` has shape ``(batch, dim)``
and codes have shape ``(batch, n)`` (the paper's ``Y`` is ``x.T``, its ``X`` is ``codes.T``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment, linprog
from scipy.stats import binomtest

from theory._validation import as_rng, check_int, check_probability, check_real, check_size
from theory.sparse_coding._checks import check_data, check_dictionary, check_memory

__all__ = ["SpudResult", "SpudTrials", "er_spud", "spud_sample", "spud_success", "spud_success_rate"]


#: Largest number of linear programs :func:`er_spud` solves unless told otherwise.
MAX_LPS = 5_000


@dataclass(frozen=True)
class SpudResult:
    """What ER-SpUD recovered.

    Attributes
    ----------
    dictionary : ndarray, shape (dim, n)
        The recovered dictionary, unit-norm columns (order and signs are arbitrary).
    codes : ndarray, shape (batch, n)
        Codes with ``x ≈ codes @ dictionary.T``; exact zeros below ``tol``.
    n_lps : int
        Linear programs solved.
    n_candidates : int
        Distinct candidate rows collected (failed LPs excluded).
    sparsity : ndarray, shape (n,)
        Nonzeros of each kept row of the codes.
    complete : bool
        ``n`` linearly independent candidates were found. Otherwise the missing code rows are
        filled by a random orthogonal completion (so the outputs stay finite) and recovery has
        failed.
    residual : float
        Relative reconstruction error ``‖x − codes Dᵀ‖_F / ‖x‖_F``.
    variant : str
        ``"dc"`` or ``"sc"``.
    """

    dictionary: NDArray[np.float64] = field(repr=False)
    codes: NDArray[np.float64] = field(repr=False)
    n_lps: int
    n_candidates: int
    sparsity: NDArray[np.int64] = field(repr=False)
    complete: bool
    residual: float
    variant: str

    def __str__(self) -> str:
        dim, n = self.dictionary.shape
        state = "complete" if self.complete else "INCOMPLETE"
        return (
            f"ER-SpUD({self.variant.upper()}): {n} atoms in R^{dim} from {self.codes.shape[0]} samples, "
            f"{self.n_lps} LPs, {self.n_candidates} candidates, {state}, "
            f"mean row sparsity {float(np.mean(self.sparsity)):.3g}, residual {self.residual:.2e}"
        )


@dataclass(frozen=True)
class SpudTrials:
    """Empirical success rate of ER-SpUD over independent trials, with an exact binomial interval.

    Attributes
    ----------
    successes, trials : int
    rate : float
    ci : tuple of float
        Clopper–Pearson interval at ``confidence``.
    n, batch : int
        Dictionary size and number of samples ``p``.
    theta : float
    ratio : float
        ``batch / (n log n)``.
    """

    successes: int
    trials: int
    rate: float
    ci: tuple[float, float]
    n: int
    batch: int
    theta: float
    ratio: float
    variant: str = "dc"
    confidence: float = 0.95

    def __str__(self) -> str:
        return (
            f"ER-SpUD({self.variant.upper()}) n={self.n}, p={self.batch} (p/(n log n)={self.ratio:.3g}), "
            f"theta={self.theta:.3g}: {self.successes}/{self.trials} = {self.rate:.3f} "
            f"[{self.ci[0]:.3f}, {self.ci[1]:.3f}] ({self.confidence:.0%} Clopper-Pearson)"
        )


def spud_sample(
    A: ArrayLike, *, batch: int, theta: float, rng: Any = 0
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Samples ``x = codes @ A.T`` with Bernoulli(θ)-Gaussian codes (the ER-SpUD model).

    .. math:: X_{ij} = \Omega_{ij} V_{ij}, \quad \Omega_{ij} \sim \mathrm{Bernoulli}(\theta),\
        V_{ij} \sim \mathcal N(0, 1)\ \text{independent}.

    Parameters
    ----------
    A : array_like, shape (dim, n)
        The dictionary (any column norms).
    batch : int
        Number of samples ``p``.
    theta : float
        Probability that a code entry is nonzero, in ``(0, 1]``.
    rng : Generator or int

    Returns
    -------
    x : ndarray, shape (batch, dim)
    codes : ndarray, shape (batch, n)

    Examples
    --------
    >>> import numpy as np
    >>> x, codes = spud_sample(np.eye(3), batch=4, theta=0.5, rng=0)
    >>> x.shape, codes.shape, bool(np.allclose(x, codes))
    ((4, 3), (4, 3), True)

    References
    ----------
    .. [1] Spielman, D. A., Wang, H. and Wright, J. (2012). Exact recovery of sparsely-used
       dictionaries. COLT, PMLR 23. arXiv:1206.5882
    """
    A = check_dictionary(A, "A")
    batch = check_int(batch, "batch", minimum=1)
    theta = check_probability(theta, "theta", allow_zero=False)
    n = A.shape[1]
    check_memory(8 * batch * (n + A.shape[0]) * 2, "the (batch, n) codes and (batch, dim) samples")
    g = as_rng(rng)
    codes = (g.random((batch, n)) < theta) * g.standard_normal((batch, n))
    return codes @ A.T, codes


def _checked_row(
    Y: NDArray[np.float64], r: NDArray[np.float64], w: NDArray[np.float64], value: float
) -> NDArray[np.float64] | None:
    r"""Scale the multipliers ``w`` to :math:`r^\top w = 1` and accept them only when
    :math:`\lVert Y^\top w\rVert_1` equals the dual optimum ``value`` (else ``None``)."""
    rw = float(r @ w)
    if rw == 0.0 or not np.isfinite(rw) or not np.isfinite(value):
        return None
    w = w / rw
    if abs(float(np.abs(Y.T @ w).sum()) - value) > 1e-6 * max(1.0, abs(value)):
        return None  # multipliers not a primal optimum (degenerate/inaccurate solve): drop it
    return w


def _lp_row(Y: NDArray[np.float64], r: NDArray[np.float64]) -> NDArray[np.float64] | None:
    r"""Solve :math:`\min \lVert Y^\top w\rVert_1` s.t. :math:`r^\top w = 1` through its dual LP, from scratch.

    The dual is :math:`\max \lambda` s.t. :math:`Y z = \lambda r`, :math:`\lVert z\rVert_\infty \le 1`
    (``n`` equality rows instead of ``2p`` inequality rows); HiGHS, called through
    :func:`scipy.optimize.linprog`, returns the equality multipliers, which are a primal optimum
    ``w`` (up to sign, fixed by the normalisation :math:`r^\top w = 1`). The answer is re-checked:
    :math:`\lVert Y^\top w\rVert_1` must equal the dual value.
    """
    n, p = Y.shape
    c = np.zeros(p + 1)
    c[-1] = -1.0
    A_eq = np.column_stack([Y, -r])
    bounds = np.empty((p + 1, 2))
    bounds[:p] = (-1.0, 1.0)
    bounds[p] = (-np.inf, np.inf)
    # these LPs are small and dense: HiGHS's presolve costs more than it saves
    res = linprog(c, A_eq=A_eq, b_eq=np.zeros(n), bounds=bounds, method="highs", options={"presolve": False})
    if res.status != 0 or res.eqlin is None:
        return None
    return _checked_row(Y, r, np.asarray(res.eqlin.marginals, dtype=float), -float(res.fun))


class _WarmLP:
    r"""The dual LP :math:`\max \lambda` s.t. :math:`Y z = \lambda r`, :math:`\lVert z\rVert_\infty \le 1`,
    held by one HiGHS instance for a fixed ``Y`` and solved for one ``r`` after another.

    Only the ``n`` coefficients of the column of :math:`\lambda` depend on ``r``; a new ``r`` changes
    those (``changeCoeff``) and the dual simplex restarts from the optimal basis of the previous
    solve, which HiGHS keeps across the change. An answer that is not optimal or fails the
    re-check of :func:`_checked_row` is solved once more from scratch before it is dropped.
    """

    def __init__(self, Y: NDArray[np.float64]) -> None:
        import highspy
        from scipy.sparse import csc_array

        from theory._solvers import new_highs

        self._highspy = highspy
        self.Y = Y
        n, p = Y.shape
        inf = highspy.kHighsInf
        M = csc_array(np.column_stack([Y, np.ones(n)]))  # the last column is replaced by -r
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = p + 1, n
        lp.col_cost_ = np.r_[np.zeros(p), -1.0]
        lp.col_lower_ = np.r_[np.full(p, -1.0), -inf]
        lp.col_upper_ = np.r_[np.full(p, 1.0), inf]
        lp.row_lower_ = np.zeros(n)
        lp.row_upper_ = np.zeros(n)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = M.indptr.astype(np.int32)
        lp.a_matrix_.index_ = M.indices.astype(np.int32)
        lp.a_matrix_.value_ = M.data.astype(float)
        h = new_highs()
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("simplex_strategy", 1)  # dual simplex
        h.setOptionValue("simplex_dual_edge_weight_strategy", 1)  # Devex pricing
        h.setOptionValue("presolve", "off")  # small dense LPs; presolve would also drop the basis
        h.passModel(lp)
        self.h = h
        self._col = p

    def _run(self, r: NDArray[np.float64]) -> NDArray[np.float64] | None:
        h = self.h
        h.run()
        if h.getModelStatus() != self._highspy.HighsModelStatus.kOptimal:
            return None
        w = np.asarray(h.getSolution().row_dual, dtype=float)
        return _checked_row(self.Y, r, w, -float(h.getInfo().objective_function_value))

    def solve(self, r: NDArray[np.float64]) -> NDArray[np.float64] | None:
        r"""The optimal ``w`` (with :math:`r^\top w = 1`) for this ``r``, or ``None``."""
        h, col = self.h, self._col
        for i, ri in enumerate(r):
            h.changeCoeff(i, col, -float(ri))
        w = self._run(r)
        if w is None:  # retry from scratch, then leave a clean start for the next r
            h.clearSolver()
            w = self._run(r)
            if w is None:
                h.clearSolver()
        return w


def er_spud(
    x: ArrayLike,
    *,
    variant: str = "dc",
    max_lps: int | None = None,
    tol: float = 1e-6,
    solver: str = "highs",
    rng: Any = 0,
) -> SpudResult:
    r"""Recover a square dictionary and sparse codes from ``x = codes @ A.T`` by ER-SpUD.

    For each right-hand side ``r`` (variant ``"dc"``: the sum of two samples of a random pairing,
    ``batch // 2`` LPs; variant ``"sc"``: each sample, ``batch`` LPs) solve, with HiGHS,

    .. math::
        \min_{w\in\mathbb R^n} \lVert w^\top Y\rVert_1 \ \ \text{s.t.}\ \ r^\top w = 1
        \quad (Y = x^\top \in \mathbb R^{n\times p}),

    solved through its dual :math:`\max \lambda` s.t. :math:`Yz = \lambda r`, :math:`\lVert z\rVert_\infty \le 1`,
    whose equality multipliers are the optimal ``w`` (re-checked against the dual value).
    Each solution gives a candidate row :math:`s^\top = w^\top Y` (entries with
    :math:`|s_i| \le \mathrm{tol}\cdot\max|s|` set to zero). Greedy selection then takes the
    candidates in order of increasing :math:`\lVert s\rVert_0` (ties by :math:`\lVert s\rVert_1` after
    scaling to unit max) and keeps one when it raises the rank, until ``n`` are kept. The codes
    are the kept rows and the dictionary solves :math:`Y = A S` by least squares; columns are
    scaled to unit norm (codes rescaled to match).

    The LPs share everything but ``r``, which enters only the ``n`` coefficients of the column of
    :math:`\lambda`. With ``solver="highs"`` one HiGHS model (:mod:`highspy`) is built once; for each
    ``r`` those coefficients are changed and the dual simplex restarts from the previous optimal
    basis (an answer failing the re-check is solved again from scratch). ``solver="linprog"``
    solves each LP from scratch with :func:`scipy.optimize.linprog` (``method="highs"``); both
    return the same optima.

    Parameters
    ----------
    x : array_like, shape (batch, dim)
        Samples as rows; the dictionary is square, ``n = dim``, and ``batch`` must exceed ``dim``.
    variant : {"dc", "sc"}
        Right-hand sides from pairs of samples (ER-SpUD(DC)) or single samples (ER-SpUD(SC)).
    max_lps : int, optional
        Solve at most this many LPs (a random subset of the right-hand sides); default all,
        refused above 5,000.
    tol : float
        Relative zero threshold for candidate rows, in ``(0, 1)``.
    solver : {"highs", "linprog"}
        Warm-started :mod:`highspy` model (default) or a fresh :func:`scipy.optimize.linprog` call
        per LP.
    rng : Generator or int
        The random pairing and subset.

    Returns
    -------
    SpudResult

    Examples
    --------
    >>> import numpy as np
    >>> A = np.random.default_rng(1).standard_normal((4, 4))
    >>> x, codes = spud_sample(A, batch=60, theta=0.3, rng=2)
    >>> res = er_spud(x, rng=0)
    >>> res.complete, spud_success(A, res.dictionary)
    (True, True)

    References
    ----------
    .. [1] Spielman, D. A., Wang, H. and Wright, J. (2012). Exact recovery of sparsely-used
       dictionaries. COLT, PMLR 23, 37.1-37.18. arXiv:1206.5882
    .. [2] Adamczak, R. (2016). A note on the sample complexity of the Er-SpUD algorithm by
       Spielman, Wang and Wright for exact recovery of sparsely used dictionaries.
       arXiv:1601.02049
    """
    X = check_data(x, "x")
    p, n = X.shape
    if p <= n:
        raise ValueError(f"x must have more samples than dimensions (batch > dim) for ER-SpUD, got shape {X.shape}")
    if variant not in ("dc", "sc"):
        raise ValueError(f"variant must be 'dc' or 'sc', got {variant!r}")
    if solver not in ("highs", "linprog"):
        raise ValueError(f"solver must be 'highs' or 'linprog', got {solver!r}")
    tol = check_real(tol, "tol", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    if max_lps is not None:
        max_lps = check_int(max_lps, "max_lps", minimum=1)
    if np.linalg.matrix_rank(X) < n:
        raise ValueError(
            f"x spans only {np.linalg.matrix_rank(X)} of its {n} dimensions; ER-SpUD needs "
            "samples spanning R^dim (an invertible dictionary)"
        )
    g = as_rng(rng)
    if variant == "dc":
        perm = g.permutation(p)
        rhs = X[perm[0 : 2 * (p // 2) : 2]] + X[perm[1 : 2 * (p // 2) : 2]]
    else:
        rhs = X.copy()
    budget = MAX_LPS if max_lps is None else max_lps
    if max_lps is None and rhs.shape[0] > MAX_LPS:
        raise ValueError(
            f"variant {variant!r} would solve {rhs.shape[0]} LPs (more than {MAX_LPS}); "
            "pass max_lps to use a random subset"
        )
    if rhs.shape[0] > budget:
        rhs = rhs[np.sort(g.choice(rhs.shape[0], size=budget, replace=False))]
    check_memory(8 * n * (p + 1) * 4, "the LP constraint matrix")
    Y = np.ascontiguousarray(X.T)  # the paper's (n, p) layout
    warm = _WarmLP(Y) if solver == "highs" else None
    cands: list[NDArray[np.float64]] = []
    n_lps = 0
    for r in rhs:
        if not np.any(r):
            continue
        n_lps += 1
        w = _lp_row(Y, r) if warm is None else warm.solve(r)
        if w is None:
            continue
        s = X @ w
        m = float(np.max(np.abs(s)))
        if m == 0.0 or not np.isfinite(m):
            continue
        s = s / m
        s[np.abs(s) <= tol] = 0.0
        cands.append(s)
    # greedy: sparsest first, keep when linearly independent of those kept
    order = sorted(range(len(cands)), key=lambda i: (int(np.count_nonzero(cands[i])), float(np.abs(cands[i]).sum())))
    kept: list[NDArray[np.float64]] = []
    Q = np.zeros((p, 0))
    for i in order:
        s = cands[i]
        resid = s - Q @ (Q.T @ s)
        nr = float(np.linalg.norm(resid))
        if nr > 1e-6 * float(np.linalg.norm(s)):
            kept.append(s)
            Q = np.column_stack([Q, resid / nr])
            if len(kept) == n:
                break
    complete = len(kept) == n
    if not complete:  # fill with an orthonormal completion so the outputs stay finite
        extra = np.linalg.qr(np.column_stack([Q, g.standard_normal((p, n - len(kept)))]))[0][:, len(kept) : n]
        kept.extend(extra.T)
    S = np.array(kept)  # (n, p) codes in the paper's layout
    # x^T = A S  =>  x = S^T A^T: least squares for A^T
    At, *_ = np.linalg.lstsq(S.T, X, rcond=None)
    A_hat = At.T
    norms = np.linalg.norm(A_hat, axis=0)
    norms[norms == 0] = 1.0
    A_hat = A_hat / norms
    codes = S.T * norms
    sparsity = np.count_nonzero(S, axis=1).astype(np.int64)
    residual = float(np.linalg.norm(X - codes @ A_hat.T) / max(np.linalg.norm(X), np.finfo(float).tiny))
    return SpudResult(A_hat, codes, n_lps, len(cands), sparsity, complete, residual, variant)


def spud_success(A_true: ArrayLike, A_hat: ArrayLike, tol: float = 1e-4) -> bool:
    r"""Whether ``A_hat`` equals ``A_true`` up to a permutation and scaling (sign included) of columns.

    Columns of both are normalised; the one-to-one matching maximising the total :math:`|\cos|`
    is found with :func:`scipy.optimize.linear_sum_assignment`; success means every matched pair
    has :math:`|\cos| \ge 1 - \mathrm{tol}`.

    Parameters
    ----------
    A_true, A_hat : array_like, shape (dim, n)
        Same shape.
    tol : float
        In ``(0, 1)``.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 2.0], [0.0, 1.0]])
    >>> spud_success(A, -3.0 * A[:, ::-1])
    True
    >>> spud_success(A, np.eye(2))
    False
    """
    At = check_dictionary(A_true, "A_true", normalize=True)
    Ah = check_dictionary(A_hat, "A_hat", normalize=True)
    if At.shape != Ah.shape:
        raise ValueError(f"A_hat must have the shape of A_true {At.shape}, got {Ah.shape}")
    tol = check_real(tol, "tol", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    C = np.abs(At.T @ Ah)
    rows, cols = linear_sum_assignment(C, maximize=True)
    return bool(np.all(C[rows, cols] >= 1.0 - tol))


def spud_success_rate(
    *,
    n: int,
    batch: int,
    theta: float,
    trials: int = 20,
    variant: str = "dc",
    tol: float = 1e-4,
    max_lps: int | None = None,
    confidence: float = 0.95,
    solver: str = "highs",
    rng: Any = 0,
) -> SpudTrials:
    r"""Empirical probability that ER-SpUD recovers a random square dictionary from ``batch`` samples.

    Each trial draws ``A`` with iid :math:`\mathcal N(0,1)` entries, ``batch`` Bernoulli(θ)-Gaussian
    samples (:func:`spud_sample`), runs :func:`er_spud` and scores :func:`spud_success`. The
    Clopper–Pearson interval comes from :func:`scipy.stats.binomtest`. Meant for a curve of success
    against :math:`p / (n \log n)`. What is proven differs from what is measured here:
    Spielman, Wang & Wright prove that :math:`O(n\log n)` samples *determine* the dictionary, but
    their guarantee for ER-SpUD itself needs about :math:`n^2\log^2 n` samples; Adamczak (2016)
    proves :math:`p \ge C n \log n` for a modified version; Błasiok & Nelson (2016) show that the
    unmodified algorithm needs :math:`p \gtrsim n^{1.99}` samples for large ``n``. The success rate at
    small ``n`` is an empirical measurement, not a theorem about this implementation.

    Parameters
    ----------
    n : int
        Dictionary size (``n × n``), ``2 <= n <= 200``.
    batch : int
        Samples per trial, ``> n``.
    theta : float
        Code density in ``(0, 1]``.
    trials : int
        At most 10**6 (each trial solves linear programs).
    variant, tol, max_lps, solver
        Passed to :func:`er_spud` / :func:`spud_success`.
    confidence : float
        Level of the interval, in ``(0, 1)``.
    rng : Generator or int

    Returns
    -------
    SpudTrials

    References
    ----------
    .. [1] Spielman, D. A., Wang, H. and Wright, J. (2012). Exact recovery of sparsely-used
       dictionaries. COLT, PMLR 23, 37.1-37.18. arXiv:1206.5882.
    .. [2] Adamczak, R. (2016). A note on the sample complexity of the Er-SpUD algorithm by
       Spielman, Wang and Wright for exact recovery of sparsely used dictionaries. arXiv:1601.02049.
    .. [3] Błasiok, J. and Nelson, J. (2016). An improved analysis of the ER-SpUD dictionary
       learning algorithm. ICALP 2016. arXiv:1602.05719.

    Examples
    --------
    >>> t = spud_success_rate(n=4, batch=60, theta=0.3, trials=3, rng=0)
    >>> t.trials, 0 <= t.rate <= 1
    (3, True)
    """
    n = check_int(n, "n", minimum=2, maximum=200)
    batch = check_int(batch, "batch", minimum=n + 1)
    theta = check_probability(theta, "theta", allow_zero=False)
    trials = check_size(trials, "trials", maximum=10**6, why="each trial solves linear programs")
    confidence = check_probability(confidence, "confidence", allow_zero=False, allow_one=False)
    if solver not in ("highs", "linprog"):
        raise ValueError(f"solver must be 'highs' or 'linprog', got {solver!r}")
    g = as_rng(rng)
    wins = 0
    for _ in range(trials):
        A = g.standard_normal((n, n))
        while np.any(np.linalg.norm(A, axis=0) == 0):  # measure zero; keep the check honest
            A = g.standard_normal((n, n))
        x, _ = spud_sample(A, batch=batch, theta=theta, rng=g)
        try:
            res = er_spud(x, variant=variant, max_lps=max_lps, tol=tol, solver=solver, rng=g)
        except ValueError:  # samples do not span R^n (tiny batch or theta): a failure
            continue
        wins += bool(res.complete and spud_success(A, res.dictionary, tol=tol))
    ci = binomtest(wins, trials).proportion_ci(confidence_level=confidence, method="exact")
    return SpudTrials(
        wins,
        trials,
        wins / trials,
        (float(ci.low), float(ci.high)),
        n,
        batch,
        theta,
        batch / (n * math.log(n)),
        variant,
        confidence,
    )
