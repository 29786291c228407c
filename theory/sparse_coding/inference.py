r"""Sparse inference on a known dictionary, batched over samples: FISTA, OMP and one-pass thresholding.

Every function takes a dictionary ``D`` of shape ``(dim, n)`` (column ``i`` is atom ``i``) and data
``x`` of shape ``(batch, dim)`` and returns codes of shape ``(batch, n)``, dense by default and a
``scipy.sparse`` CSR matrix with ``as_sparse=True``. The samples are independent problems solved
together: the work is organised as matrix products over the whole batch, never a Python loop over
samples.

- :func:`fista` solves the (nonnegative) LASSO to a certified relative duality gap.
- :func:`omp` is Orthogonal Matching Pursuit (greedy, signed, ``k`` atoms or a residual target).
- :func:`threshold_encode` is the one-pass encoder of sparse autoencoders with the true dictionary
  as encoder: top-``k`` of :math:`D^\top x`, or :math:`\mathrm{ReLU}(D^\top x - b)`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray

from theory._validation import check_array, check_bool, check_int, check_real
from theory._warnings import TheoryWarning
from theory.sparse_coding._checks import check_data, check_dictionary, check_memory

__all__ = ["SparseCodes", "fista", "omp", "threshold_encode"]

_EPS = float(np.finfo(np.float64).eps)
#: Rows of a batch processed together, so that one ``(rows, n)`` float64 block stays this small.
_BLOCK_BYTES = 128 * 2**20
#: Largest ``n × n`` Gram matrix precomputed (bytes); past it products go through ``D`` instead.
_GRAM_BYTES = 512 * 2**20

Codes: TypeAlias = NDArray[np.float64] | sps.csr_matrix


@dataclass(frozen=True, repr=False)
class SparseCodes:
    r"""Codes found by :func:`fista`, with the objective and the duality gap that certifies them.

    Attributes
    ----------
    codes : ndarray or scipy.sparse.csr_matrix, shape (batch, n)
        The codes, one row per sample.
    objective : ndarray, shape (batch,)
        Per-sample objective :math:`\tfrac12\lVert x_b - D a_b\rVert_2^2 + \lambda\lVert a_b\rVert_1`
        (summed over dimensions, not averaged, and not summed over samples).
    gap : ndarray, shape (batch,)
        Per-sample duality gap, an upper bound on ``objective`` minus the optimum.
    n_iter : int
        FISTA iterations of the sample that took the most (over all working-set rounds).
    converged : bool
        Whether every sample reached ``gap <= tol * objective``.
    lam : float
    nonneg : bool
    tol : float

    Examples
    --------
    >>> import numpy as np
    >>> res = fista(np.eye(2), [[3.0, 0.5]], lam=1.0)
    >>> res.codes
    array([[2., 0.]])
    >>> print(res)
    SparseCodes(batch=1, n=2, nonneg, lam=1, mean l0 1, objective sum 2.625, max relative gap 0, converged)
    """

    codes: Codes
    objective: NDArray[np.float64] = field(compare=False)
    gap: NDArray[np.float64] = field(compare=False)
    n_iter: int
    converged: bool
    lam: float
    nonneg: bool
    tol: float

    @property
    def shape(self) -> tuple[int, int]:
        """``(batch, n)``."""
        return (int(self.codes.shape[0]), int(self.codes.shape[1]))

    @property
    def l0(self) -> NDArray[np.int64]:
        """Number of nonzero coefficients per sample, shape ``(batch,)``."""
        if sps.issparse(self.codes):
            csr: sps.csr_matrix = self.codes
            return np.diff(csr.indptr).astype(np.int64)
        return np.count_nonzero(self.codes, axis=1).astype(np.int64)

    @property
    def relative_gap(self) -> NDArray[np.float64]:
        """``gap / objective`` per sample (0 where both are 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(self.objective > 0, self.gap / np.where(self.objective > 0, self.objective, 1.0), 0.0)
        return rel

    def __str__(self) -> str:
        batch, n = self.shape
        sign = "nonneg" if self.nonneg else "signed"
        status = "converged" if self.converged else f"NOT converged (tol {self.tol:g})"
        return (
            f"SparseCodes(batch={batch}, n={n}, {sign}, lam={self.lam:g}, mean l0 {self.l0.mean():.4g}, "
            f"objective sum {self.objective.sum():.6g}, max relative gap {self.relative_gap.max():.3g}, "
            f"{status})"
        )

    __repr__ = __str__


# ---------------------------------------------------------------------------------------------
# shared helpers


def _validate(D: ArrayLike, x: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    xa = check_data(x)
    Da = check_dictionary(D, data_dim=xa.shape[1])
    return np.ascontiguousarray(Da), np.ascontiguousarray(xa)


def _blocks(batch: int, n: int) -> Iterator[slice]:
    rows = max(1, _BLOCK_BYTES // (8 * max(n, 1)))
    for start in range(0, batch, rows):
        yield slice(start, min(batch, start + rows))


def _assemble(blocks: list[Codes], batch: int, n: int, as_sparse: bool) -> Codes:
    if as_sparse:
        out = sps.vstack(blocks, format="csr") if len(blocks) > 1 else sps.csr_matrix(blocks[0])
        out.sort_indices()
        return out
    dense = np.empty((batch, n))
    row = 0
    for block in blocks:
        if sps.issparse(block):
            csr: sps.csr_matrix = block
            dense[row : row + csr.shape[0]] = csr.toarray()
        else:
            dense[row : row + block.shape[0]] = block
        row += block.shape[0]
    return dense


def _check_output(batch: int, n: int, as_sparse: bool) -> None:
    if not as_sparse:
        check_memory(8.0 * batch * n, f"a dense ({batch}, {n}) code matrix (pass as_sparse=True for CSR output)")


def _rows_csr(idx: NDArray[np.int64], vals: NDArray[np.float64], n: int) -> sps.csr_matrix:
    """CSR ``(m, n)`` with row ``b`` holding ``vals[b]`` at columns ``idx[b]`` (zeros kept as explicit)."""
    m, w = idx.shape
    indptr = np.arange(m + 1, dtype=np.int64) * w
    return sps.csr_matrix((vals.ravel(), idx.ravel(), indptr), shape=(m, n))


def _spectral_norm_sq(D: NDArray[np.float64]) -> float:
    dim, n = D.shape
    small = D @ D.T if dim <= n else D.T @ D
    return float(np.linalg.eigvalsh(small)[-1]) * (1.0 + 1e-12)


# ---------------------------------------------------------------------------------------------
# FISTA


def fista(
    D: ArrayLike,
    x: ArrayLike,
    *,
    lam: float,
    nonneg: bool = True,
    max_iter: int = 5000,
    tol: float = 1e-6,
    working_set: bool = True,
    as_sparse: bool = False,
    check_every: int = 4,
) -> SparseCodes:
    r"""Solve the (nonnegative) LASSO for every sample by FISTA, to a certified duality gap.

    For each sample :math:`x_b` (a row of ``x``) it minimises the per-sample objective

    .. math:: P_b(a) = \tfrac12\lVert x_b - D a\rVert_2^2 + \lambda\lVert a\rVert_1
              \qquad(\text{over } a \ge 0 \text{ when ``nonneg``})

    (a sum over the ``dim`` coordinates, not a mean; scikit-learn's ``Lasso`` divides the squared
    error by the number of its samples, which for ``sparse_encode`` is ``dim``, and compensates by
    dividing ``alpha`` by ``dim``, so ``sparse_encode(..., algorithm="lasso_cd", alpha=lam)``
    solves this same problem).

    FISTA (Beck & Teboulle 2009) takes a proximal gradient step of length :math:`1/L` from an
    extrapolated point, :math:`a_{t+1} = \operatorname{prox}_{\lambda/L}(y_t - \nabla f(y_t)/L)`,
    :math:`y_{t+1} = a_{t+1} + \tfrac{\tau_t - 1}{\tau_{t+1}}(a_{t+1} - a_t)`,
    :math:`\tau_{t+1} = (1 + \sqrt{1 + 4\tau_t^2})/2`, where the prox is soft thresholding (or
    :math:`\max(z - \lambda/L, 0)` when ``nonneg``) and :math:`L` bounds the largest eigenvalue of
    :math:`D^\top D`. The momentum of a sample restarts whenever
    :math:`\langle y_t - a_{t+1}, a_{t+1} - a_t\rangle > 0` (O'Donoghue & Candès 2015).

    It stops a sample when the duality gap certifies its objective,
    :math:`P_b(a) - d_b(\theta) \le \mathrm{tol}\cdot P_b(a)`, with the dual

    .. math:: d_b(\theta) = \langle x_b, \theta\rangle - \tfrac12\lVert\theta\rVert_2^2,\qquad
              D^\top\theta \le \lambda \ (\text{nonneg}) \ \text{ or }\
              \lVert D^\top\theta\rVert_\infty \le \lambda,

    evaluated at the rescaled residual :math:`\theta = s\,(x_b - Da)`, :math:`s = \min(1,
    \lambda/\max_j d_j^\top(x_b - Da))` (absolute values when signed). Since
    :math:`d_b(\theta) \le P_b^\star`, ``gap`` bounds the distance of ``objective`` to the optimum.

    With ``working_set=True`` (default) FISTA runs, for each sample, on a small working set of
    atoms: its current support and the atoms nearest to violating the optimality condition
    :math:`d_j^\top r \le \lambda` (largest :math:`d_j^\top r / \lVert d_j\rVert`), with :math:`L`
    the Gershgorin bound of that set's Gram matrix (never above :math:`\lVert D\rVert_2^2`). After
    each round the gap of the full problem is computed (its correlations
    :math:`D^\top r = D^\top x_b - (D^\top D)a` read from the Gram matrix when the codes are sparse
    and :math:`D^\top D` is stored, from ``D`` otherwise); samples not yet certified get a new set
    (support plus current violators, doubled when the gap stalls) until the full problem is certified
    (working sets as in Massias, Gramfort & Salmon 2018). Within a round, whenever a sample's
    support has not changed between two gap checks, its iterate is replaced (once per sign pattern:
    the point depends on nothing else) by the exact minimiser on that support and sign pattern,
    :math:`a_S = (D_S^\top D_S)^{-1}(D_S^\top x_b - \lambda\sigma_S)`, when that point keeps the
    signs :math:`\sigma_S` (it then has an objective no larger, and the gap decides as before).
    ``working_set=False`` runs plain FISTA on all ``n`` atoms with :math:`L = \lVert D\rVert_2^2`,
    through the precomputed :math:`D^\top D` when ``n <= 2 dim`` and through two products with ``D``
    otherwise. Both end on the same certificate.

    Parameters
    ----------
    D : array_like, shape (dim, n)
        The dictionary; column ``i`` is atom ``i`` (any nonzero norms).
    x : array_like, shape (batch, dim) or (dim,)
        The data, one sample per row.
    lam : float
        The :math:`\ell_1` weight :math:`\lambda > 0`.
    nonneg : bool
        Constrain the codes to be nonnegative (the default) or leave them signed.
    max_iter : int
        Most FISTA iterations per sample (over all working-set rounds).
    tol : float
        Relative duality gap at which a sample stops, in ``(0, 1)``.
    working_set : bool
        Solve on growing per-sample working sets (fast when codes are sparse) or on all atoms.
    as_sparse : bool
        Return the codes as a ``scipy.sparse.csr_matrix`` (no dense ``(batch, n)`` is allocated).
    check_every : int
        Iterations between two evaluations of the duality gap.

    Returns
    -------
    SparseCodes
        ``codes`` of shape ``(batch, n)``, the per-sample ``objective`` and ``gap``, ``n_iter``,
        ``converged``.

    Warns
    -----
    TheoryWarning
        When some sample did not reach the tolerance within ``max_iter`` iterations.

    Examples
    --------
    >>> import numpy as np
    >>> D = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]])
    >>> res = fista(D, [[1.2, 1.6], [0.0, 2.0]], lam=0.1)
    >>> res.codes.round(3)
    array([[0. , 0. , 1.9],
           [0. , 1.9, 0. ]])
    >>> res.converged, bool(res.gap.max() <= 1e-6 * res.objective.min())
    (True, True)

    References
    ----------
    .. [1] Beck, A. and Teboulle, M. (2009). "A fast iterative shrinkage-thresholding algorithm
       for linear inverse problems." SIAM J. Imaging Sci. 2(1), 183-202. doi:10.1137/080716542
    .. [2] O'Donoghue, B. and Candès, E. (2015). "Adaptive restart for accelerated gradient
       schemes." Found. Comput. Math. 15, 715-732. doi:10.1007/s10208-013-9150-3
    .. [3] Massias, M., Gramfort, A. and Salmon, J. (2018). "Celer: a fast solver for the Lasso
       with dual extrapolation." ICML, PMLR 80, 3315-3324. arXiv:1802.07481
    """
    Da, xa = _validate(D, x)
    lam = check_real(lam, "lam", minimum=0.0)
    if lam == 0.0:
        raise ValueError(
            "lam must be > 0, got 0.0 (lam = 0 is least squares: use numpy.linalg.lstsq or scipy.optimize.nnls)"
        )
    nonneg = check_bool(nonneg, "nonneg")
    working_set = check_bool(working_set, "working_set")
    as_sparse = check_bool(as_sparse, "as_sparse")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    check_every = check_int(check_every, "check_every", minimum=1)
    tol = check_real(tol, "tol", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    batch, dim = xa.shape
    n = Da.shape[1]
    _check_output(batch, n, as_sparse)
    solver = _LassoSolver(Da, lam=lam, nonneg=nonneg, max_iter=max_iter, tol=tol, check_every=check_every, batch=batch)
    blocks: list[Codes] = []
    objective = np.empty(batch)
    gap = np.empty(batch)
    iters = np.empty(batch, dtype=np.int64)
    for sl in _blocks(batch, n):
        A, P, g, it = solver.solve(xa[sl], working_set=working_set)
        blocks.append(A)
        objective[sl], gap[sl], iters[sl] = P, g, it
    codes = _assemble(blocks, batch, n, as_sparse)
    ok = _certified(gap, objective, tol)
    converged = bool(ok.all())
    if not converged:
        bad = ~ok
        rel = gap[bad] / objective[bad]
        warnings.warn(
            f"fista did not reach tol={tol:g} for {int(bad.sum())} of {batch} samples within "
            f"max_iter={max_iter} iterations (largest relative gap {rel.max():.3g}); "
            f"raise max_iter or tol",
            TheoryWarning,
            stacklevel=2,
        )
    return SparseCodes(
        codes=codes,
        objective=objective,
        gap=gap,
        n_iter=int(iters.max()),
        converged=converged,
        lam=lam,
        nonneg=nonneg,
        tol=tol,
    )


def _certified(gap: NDArray[np.float64], P: NDArray[np.float64], tol: float | NDArray[np.float64]) -> NDArray[np.bool_]:
    return gap <= tol * P


def _dual_gap(
    P: NDArray[np.float64], xr: NDArray[np.float64], rr: NDArray[np.float64], corr_max: NDArray[np.float64], lam: float
) -> NDArray[np.float64]:
    """Duality gap at the rescaled residual ``s r`` (``xr = <x, r>``, ``rr = |r|^2``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(corr_max > lam, lam / corr_max, 1.0)
    dual = s * xr - 0.5 * s * s * rr
    return np.maximum(P - dual, 0.0)


class _LassoSolver:
    """Working-set FISTA for one dictionary; ``solve`` handles one block of rows."""

    #: Smallest working set (the first one holds the atoms most correlated with ``x``), the smaller one
    #: used when ``n >= N_LARGE`` (many atoms: the first round mostly screens), and the step between sizes.
    W0 = 12
    W0_LARGE = 8
    N_LARGE = 256
    W_STEP = 4
    #: Inner tolerance as a fraction of the current relative gap, and most iterations per round.
    INNER = 0.01
    ROUND_ITER = 100
    #: Candidates for a working set after the first round: normalised correlation above NEAR * lam.
    NEAR = 0.85
    #: Correlations through DᵀD when a code has fewer than ``dim / SPARSE_CORR`` nonzeros per row on average.
    SPARSE_CORR = 10

    def __init__(
        self,
        D: NDArray[np.float64],
        *,
        lam: float,
        nonneg: bool,
        max_iter: int,
        tol: float,
        check_every: int,
        batch: int,
        polish: bool = True,
    ) -> None:
        self.polish = polish
        self.D = D
        self.Dt = np.ascontiguousarray(D.T)
        self.dim, self.n = D.shape
        norms = np.linalg.norm(D, axis=0)
        self.inv_norms = None if np.allclose(norms, 1.0, rtol=1e-12, atol=0) else 1.0 / norms
        self.lam, self.nonneg, self.max_iter, self.tol, self.check_every = lam, nonneg, max_iter, tol, check_every
        self.L = _spectral_norm_sq(D)
        # DᵀD costs dim n^2 once: worth it when n <= batch (then no more than the product D^T x), or
        # for plain FISTA on all atoms when one product with it is cheaper than two with D
        fits = 8.0 * self.n * self.n <= _GRAM_BYTES
        self.G = D.T @ D if fits and (self.n <= batch or self.n <= 2 * self.dim) else None

    def _full_check(
        self, x: NDArray[np.float64], c: NDArray[np.float64], Acsr: sps.csr_matrix, l1: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], ...]:
        """Residual correlations, objective and gap of the full problem at codes ``Acsr`` (``c = x D``)."""
        Acsr = Acsr.copy()
        Acsr.eliminate_zeros()
        r = x - Acsr @ self.Dt
        if self.G is not None and Acsr.nnz * self.SPARSE_CORR < x.shape[0] * self.dim:
            # Dᵀr = Dᵀx - (DᵀD) a: n operations per nonzero instead of dim n per row
            corr = Acsr @ self.G
            np.subtract(c, corr, out=corr)
        else:
            corr = r @ self.D
        rr = np.einsum("ij,ij->i", r, r)
        P = 0.5 * rr + self.lam * l1
        hot = corr if self.nonneg else np.abs(corr)
        cmax = hot.max(axis=1)
        nviol = np.count_nonzero(hot > self.lam, axis=1)
        gap = _dual_gap(P, np.einsum("ij,ij->i", x, r), rr, cmax, self.lam)
        return corr, P, gap, nviol

    def _full_problem(
        self,
        c: NDArray[np.float64],
        sqx: NDArray[np.float64],
        a0: NDArray[np.float64],
        budget: int,
        tol: float | NDArray[np.float64],
    ) -> tuple[Any, Any]:
        use_gram = self.G is not None and self.n <= 2 * self.dim
        a, it, _, _ = _fista_core(
            self.G if use_gram else None,
            None if use_gram else self.D,
            c,
            sqx,
            np.full(c.shape[0], self.L),
            a0,
            self.lam,
            self.nonneg,
            budget,
            tol,
            self.check_every,
        )
        return a, it

    def solve(self, x: NDArray[np.float64], *, working_set: bool) -> tuple[Any, ...]:
        """Codes (CSR), objectives, gaps and iteration counts for the rows of ``x``."""
        m = x.shape[0]
        n = self.n
        c = x @ self.D
        sqx = np.einsum("ij,ij->i", x, x)
        if not working_set:
            a, it = self._full_problem(c, sqx, np.zeros((m, n)), self.max_iter, self.tol)
            Acsr = sps.csr_matrix(a)
            _, P, gap, _ = self._full_check(x, c, Acsr, self._l1(a))
            return Acsr, P, gap, it
        # each row's current code, as its support (column indices) and values, padded with zeros
        sidx = np.zeros((m, 0), dtype=np.int64)
        sval = np.zeros((m, 0))
        iters = np.zeros(m, dtype=np.int64)
        corr = c
        cmax = corr.max(axis=1) if self.nonneg else np.abs(corr).max(axis=1)
        nviol = np.zeros(m, dtype=np.int64)
        P = 0.5 * sqx
        gap = _dual_gap(P, sqx, sqx, cmax, self.lam)
        width = np.zeros(m, dtype=np.int64)
        nnz = np.zeros(m, dtype=np.int64)
        prev_rel = np.full(m, np.inf)
        pending = np.flatnonzero(~_certified(gap, P, self.tol))
        w0 = self.W0_LARGE if n >= self.N_LARGE else self.W0
        while pending.size:
            rel = gap[pending] / P[pending]
            stalled = (rel > 0.9 * prev_rel[pending]) & (width[pending] > 0)
            prev_rel[pending] = rel
            if (width[pending] > 0).any():
                extra = np.clip(nviol[pending], self.W_STEP, nnz[pending])
                want = np.where(width[pending] > 0, np.maximum(w0, nnz[pending] + extra), w0)
            else:
                want = np.full(pending.size, w0, dtype=np.int64)
            want = np.where(stalled, np.maximum(want, 2 * width[pending]), want)
            want = np.minimum(n, -(-want // self.W_STEP) * self.W_STEP)
            width[pending] = want
            inner_tol = np.maximum(0.3 * self.tol, self.INNER * rel)
            updates = []
            for wb, sel in self._groups(want):
                rows = pending[sel]
                budget = self.max_iter - int(iters[rows].max())
                if budget <= 0:
                    continue
                if 8.0 * wb * wb > _BLOCK_BYTES:
                    # one sample's working-set Gram matrix alone would be large: FISTA on all atoms
                    a0 = _rows_csr(sidx[rows], sval[rows], n).toarray()
                    a, it = self._full_problem(c[rows], sqx[rows], a0, budget, inner_tol[sel])
                    W = np.broadcast_to(np.arange(n), a.shape)
                    width[rows] = n
                else:
                    # rounds lengthen with the work already done, so slow problems keep their momentum
                    budget = min(budget, max(self.ROUND_ITER, int(iters[rows].max())))
                    W, a, it = self._solve_subsets(rows, int(wb), corr, c, sqx, sidx, sval, budget, inner_tol[sel])
                iters[rows] += it
                whole = rows.size == m  # rows are sorted: all of them, in order
                cr, P[rows], gap[rows], nviol[rows] = self._full_check(
                    x if whole else x[rows], c if whole else c[rows], _rows_csr(W, a, n), self._l1(a)
                )
                updates.append((rows, cr))
                # keep the support only
                keep = a != 0
                nnz[rows] = keep.sum(axis=1)
                smax = int(nnz[rows].max()) if rows.size else 0
                if smax > sidx.shape[1]:
                    more = smax - sidx.shape[1]
                    sidx = np.concatenate([sidx, np.zeros((m, more), dtype=np.int64)], axis=1)
                    sval = np.concatenate([sval, np.zeros((m, more))], axis=1)
                order = np.argsort(~keep, axis=1, kind="stable")[:, :smax]
                sidx[rows] = 0
                sval[rows] = 0.0
                sidx[rows, :smax] = np.take_along_axis(W, order, axis=1)
                sval[rows, :smax] = np.take_along_axis(a, order, axis=1)
            if len(updates) == 1 and updates[0][0].size == m:
                corr = updates[0][1]
            else:
                if corr is c:
                    corr = c.copy()
                for rows, cr in updates:
                    corr[rows] = cr
            left = ~_certified(gap[pending], P[pending], self.tol) & (iters[pending] < self.max_iter)
            pending = pending[left]
        codes = _rows_csr(sidx, sval, n)
        codes.eliminate_zeros()
        codes.sort_indices()
        return codes, P, gap, iters

    @staticmethod
    def _groups(want: NDArray[np.int64]) -> Iterator[tuple[int, NDArray[np.int64]]]:
        """Positions with the same working-set size, in chunks whose Gram stacks stay under the block size."""
        for wb in np.unique(want):
            sel = np.flatnonzero(want == wb)
            rows = max(1, int(_BLOCK_BYTES // (8 * int(wb) * int(wb))))
            for start in range(0, sel.size, rows):
                yield int(wb), sel[start : start + rows]

    def _l1(self, a: NDArray[np.float64]) -> NDArray[np.float64]:
        return a.sum(axis=1) if self.nonneg else np.abs(a).sum(axis=1)

    def _solve_subsets(
        self,
        rows: NDArray[np.int64],
        w: int,
        corr: NDArray[np.float64],
        c: NDArray[np.float64],
        sqx: NDArray[np.float64],
        sidx: NDArray[np.int64],
        sval: NDArray[np.float64],
        budget: int,
        tol: NDArray[np.float64],
    ) -> tuple[Any, Any, Any]:
        """FISTA restricted to ``w`` atoms per row: the support and the atoms of largest (normalised)
        residual correlation, the nearest to violating the optimality condition."""
        n = self.n
        mg = rows.size
        si, sv = sidx[rows], sval[rows]
        on = sv != 0
        if self.nonneg and self.inv_norms is None and not on.any() and rows.size == corr.shape[0]:
            key = corr  # read only: no support to mark
        else:
            key = corr[rows] if self.nonneg else np.abs(corr[rows])
            if self.inv_norms is not None:
                key *= self.inv_norms
        key.ravel()[(si + (np.arange(mg, dtype=np.int64) * n)[:, None])[on]] = np.inf
        W = _top(key, w)
        if on.any() and 2 * w < n:
            self._near(key, W)
        W.sort(axis=1)
        del key
        valid = W < n  # W == n marks an empty slot
        a0 = np.zeros((mg, w))
        if on.any():
            offsets = (np.arange(mg, dtype=np.int64) * (n + 1))[:, None]
            pos = np.searchsorted((W + offsets).ravel(), (si + offsets)[on])
            a0.ravel()[pos] = sv[on]
        Wc = np.minimum(W, n - 1)
        if self.G is not None:
            Wi = Wc.astype(np.int32) if n * n < 2**31 else Wc
            Gw = self.G.ravel().take(Wi[:, :, None] * n + Wi[:, None, :])
        else:
            Dw = self.Dt[Wc]
            Gw = np.matmul(Dw, Dw.transpose(0, 2, 1))
        cw = c.ravel().take(rows[:, None] * n + Wc)
        if not valid.all():
            Gw *= valid[:, :, None] & valid[:, None, :]
            cw *= valid
        # Gershgorin: the largest absolute row sum bounds the largest eigenvalue
        L = np.minimum(np.abs(Gw).sum(axis=2).max(axis=1) * (1.0 + 1e-12), self.L)
        L = np.maximum(L, _EPS)
        a, it, _, _ = _fista_core(
            Gw,
            None,
            cw,
            sqx[rows],
            L,
            a0,
            self.lam,
            self.nonneg,
            budget,
            tol,
            self.check_every,
            self.dim if self.polish else None,
        )
        return Wc, a, it

    def _near(self, key: NDArray[np.float64], W: NDArray[np.int64]) -> None:
        """Keep in ``W`` (the top ``w`` of ``key`` per row) only the atoms with ``key`` above ``NEAR * lam``
        (the support has ``key = inf``): the others become ``n`` (empty slot). Unchanged when no row
        has any atom above that level."""
        tau = self.NEAR * self.lam
        kw = np.take_along_axis(key, W, axis=1)
        far = kw <= (tau if self.inv_norms is None else tau * self.inv_norms[W])
        if not far.all():
            W[far] = self.n


def _top(key: NDArray[np.float64], w: int) -> NDArray[np.int64]:
    """Columns of the ``w`` largest entries of each row of ``key`` (in no order; ties broken arbitrarily).

    The columns are cut into ``nb`` blocks of ``b`` (block ``j`` holds columns ``j, j + nb, ...``);
    the ``w`` largest entries lie in the ``w`` blocks with the largest maxima (an entry outside them
    is at most the smallest of those ``w`` maxima, hence at most the ``w``-th largest entry), so
    only ``nb + w b`` entries per row are partitioned instead of ``n``.
    """
    m, n = key.shape
    if w >= n:
        return np.broadcast_to(np.arange(n), (m, n)).copy()
    b = 1 << max(0, round(0.5 * np.log2(n / w)))
    nb = n // b
    if b < 4 or w >= nb or n % b:
        return np.argpartition(key, n - w, axis=1)[:, n - w :]
    bmax = key.reshape(m, b, nb).max(axis=1)
    blocks = np.argpartition(bmax, nb - w, axis=1)[:, nb - w :]
    cand = (blocks[:, None, :] + nb * np.arange(b)[:, None]).reshape(m, b * w)
    cand += (np.arange(m, dtype=np.int64) * n)[:, None]
    vals = key.ravel().take(cand)
    sel = np.argpartition(vals, w * b - w, axis=1)[:, w * b - w :]
    sel += (np.arange(m, dtype=np.int64) * (w * b))[:, None]
    out = cand.ravel().take(sel)
    out -= (np.arange(m, dtype=np.int64) * n)[:, None]
    return out


def _polish(
    G: NDArray[np.float64],
    grows: NDArray[np.int64],
    c: NDArray[np.float64],
    a: NDArray[np.float64],
    lam: float,
    nonneg: bool,
    dim: int,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    r"""Exact minimiser on each row's support and signs, kept where its signs agree.

    On the support :math:`S` with signs :math:`\sigma` the objective is the quadratic
    :math:`\tfrac12 a_S^\top G_{SS} a_S - (c_S - \lambda\sigma)^\top a_S`, minimised at
    :math:`a_S = G_{SS}^{-1}(c_S - \lambda\sigma)`; when that point has the signs :math:`\sigma` it lies on
    the same face as ``a`` and its objective is no larger. ``G`` is the ``(M, w, w)`` stack and
    row ``i`` of ``a`` and ``c`` goes with ``G[grows[i]]``. Returns the new rows and which of them
    were replaced.
    """
    S = a != 0
    size = S.sum(axis=1)
    smax = int(size.max()) if size.size else 0
    none = np.zeros(a.shape[0], dtype=bool)
    if smax == 0 or smax > dim:
        return a, none
    order = np.argsort(~S, axis=1, kind="stable")[:, :smax]  # support first
    valid = np.arange(smax)[None, :] < size[:, None]
    m, w = a.shape
    base = (grows.astype(np.int64) * (w * w))[:, None, None]
    Gs = G.reshape(-1).take(base + order[:, :, None] * w + order[:, None, :])
    Gs *= valid[:, :, None] & valid[:, None, :]
    diag = np.arange(smax)
    Gs[:, diag, diag] += ~valid
    sgn = np.where(valid, np.sign(np.take_along_axis(a, order, axis=1)), 0.0)
    rhs = np.where(valid, np.take_along_axis(c, order, axis=1) - lam * sgn, 0.0)
    try:
        sol = np.linalg.solve(Gs, rhs[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        return a, none
    sol = np.where(valid, sol, 0.0)
    ok = np.all(np.where(valid, sol * sgn > 0, True), axis=1) & np.isfinite(sol).all(axis=1)
    # accept only a lower objective (guards against ill-conditioned supports)
    cur = np.take_along_axis(a, order, axis=1)
    cs = np.where(valid, np.take_along_axis(c, order, axis=1), 0.0)

    def face_objective(v: NDArray[np.float64]) -> NDArray[np.float64]:
        Gv = np.matmul(Gs, v[:, :, None])[:, :, 0]
        return 0.5 * np.einsum("ij,ij->i", v, Gv) - np.einsum("ij,ij->i", cs, v) + lam * np.abs(v).sum(axis=1)

    ok &= face_objective(np.where(ok[:, None], sol, 0.0)) <= face_objective(cur)
    out = a.copy()
    rows = np.flatnonzero(ok)
    if rows.size:
        new = np.zeros((rows.size, w))
        np.put_along_axis(new, order[rows], sol[rows], axis=1)
        out[rows] = new
    return out, ok


def _fista_core(
    G: NDArray[np.float64] | None,
    D: NDArray[np.float64] | None,
    c: NDArray[np.float64],
    sqx: NDArray[np.float64],
    L: NDArray[np.float64],
    a0: NDArray[np.float64],
    lam: float,
    nonneg: bool,
    max_iter: int,
    tol: float | NDArray[np.float64],
    check_every: int,
    polish_dim: int | None = None,
) -> tuple[Any, Any, Any, Any]:
    r"""Batched FISTA with restart on :math:`\tfrac12 a^\top G a - c^\top a + \lambda|a|_1` per row.

    ``G`` is ``(w, w)`` shared, ``(m, w, w)`` per row, or ``None`` with ``D`` (``G = DᵀD`` applied as
    two products). Rows stop once their gap (with ``sqx = |x|^2`` completing the objective) is
    within ``tol`` relative (a scalar or one value per row). With ``polish_dim`` (per-row ``G``
    only), rows whose support did not change since the last check are replaced by their exact
    minimiser on that support when its signs agree (:func:`_polish`). Returns the codes,
    iterations, gaps and objectives per row.
    """
    m, w = c.shape
    out = a0.copy()
    iters = np.zeros(m, dtype=np.int64)
    gaps = np.full(m, np.inf)
    objs = np.full(m, np.inf)
    act = np.arange(m)
    Gl = G
    cl, sl, Ll = c, sqx, L
    tl = np.broadcast_to(np.asarray(tol, dtype=np.float64), (m,))
    A = a0.copy()
    Y = A.copy()
    tau = np.ones(m)
    pattern = A > 0 if nonneg else np.sign(A).astype(np.int8)
    tried = np.zeros(m, dtype=bool)
    polish = polish_dim is not None and G is not None and G.ndim == 3

    def apply(Z: NDArray[np.float64], Gm: Any) -> NDArray[np.float64]:
        if Gm is None:
            assert D is not None  # callers pass D whenever G is None
            return (Z @ D.T) @ D
        if Gm.ndim == 2:
            return Z @ Gm
        return np.matmul(Gm, Z[:, :, None])[:, :, 0]

    thr = (lam / Ll)[:, None]
    step = (1.0 / Ll)[:, None]
    it = 0
    while act.size and it < max_iter:
        it += 1
        Z = Y - (apply(Y, Gl) - cl) * step
        if nonneg:
            An = np.maximum(Z - thr, 0.0)
        else:
            An = np.sign(Z) * np.maximum(np.abs(Z) - thr, 0.0)
        diff = An - A
        restart = np.einsum("ij,ij->i", Y - An, diff) > 0
        tau_n = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * tau * tau))
        beta = np.where(restart, 0.0, (tau - 1.0) / tau_n)
        tau = np.where(restart, 1.0, tau_n)
        Y = An + beta[:, None] * diff
        A = An
        if it % check_every and it != max_iter:
            continue
        if polish:
            # the polished point depends on the sign pattern only: try each pattern once
            now = A > 0 if nonneg else np.sign(A).astype(np.int8)
            same = (now == pattern).all(axis=1)
            stable = np.flatnonzero(same & now.any(axis=1) & ~tried)
            tried = same & tried
            pattern = now
            if stable.size:
                assert Gl is not None and polish_dim is not None  # implied by ``polish``
                tried[stable] = True
                Ap, moved = _polish(Gl, stable, cl[stable], A[stable], lam, nonneg, polish_dim)
                rows = stable[moved]
                A[rows] = Ap[moved]
                Y[rows] = Ap[moved]
                tau[rows] = 1.0
        GA = apply(A, Gl)
        cA = np.einsum("ij,ij->i", cl, A)
        rr = np.maximum(sl - 2.0 * cA + np.einsum("ij,ij->i", A, GA), 0.0)
        l1 = A.sum(axis=1) if nonneg else np.abs(A).sum(axis=1)
        P = 0.5 * rr + lam * l1
        corr = cl - GA
        cmax = corr.max(axis=1) if nonneg else np.abs(corr).max(axis=1)
        g = _dual_gap(P, sl - cA, rr, cmax, lam)
        out[act], iters[act], gaps[act], objs[act] = A, it, g, P
        done = _certified(g, P, tl)
        if done.any():
            keep = ~done
            act = act[keep]
            A, Y, tau, cl, sl, Ll, tl = A[keep], Y[keep], tau[keep], cl[keep], sl[keep], Ll[keep], tl[keep]
            pattern, tried = pattern[keep], tried[keep]
            thr, step = thr[keep], step[keep]
            if Gl is not None and Gl.ndim == 3:
                Gl = Gl[keep]
    return out, iters, gaps, objs


# ---------------------------------------------------------------------------------------------
# OMP


def omp(
    D: ArrayLike, x: ArrayLike, *, k: int | None = None, tol: float | None = None, as_sparse: bool = False
) -> Codes:
    r"""Orthogonal Matching Pursuit for every sample, batched (progressive Cholesky on the Gram).

    Starting from the empty support and the residual :math:`r = x_b`, each step adds the atom most
    correlated with the residual, :math:`j = \arg\max_j |d_j^\top r|`, and refits the coefficients
    on the support :math:`S` by least squares,

    .. math:: a_S = (D_S^\top D_S)^{-1} D_S^\top x_b,\qquad r = x_b - D_S a_S,

    so the residual stays orthogonal to every chosen atom. :math:`D_S^\top D_S = LL^\top` is
    factored one row per step, for all samples at once; the correlations are updated through the
    Gram matrix :math:`D^\top D` (or through ``D`` when that matrix would be large). The codes are
    signed: OMP has no nonnegative variant here. The selection rule compares raw correlations, so
    the atoms should have unit norm (as Tropp 2004 assumes).

    A sample stops after ``k`` atoms, once its squared residual norm is at most ``tol``, or early
    when no atom is left correlated with its residual (:math:`\max_j (d_j^\top r)^2 \le
    \varepsilon\lVert x_b\rVert^2`) or the next atom is linearly dependent on the support. On
    generic data it returns the supports and coefficients of scikit-learn's
    :func:`sklearn.linear_model.orthogonal_mp` (which adds at least one atom and, with ``tol``,
    ignores the atom limit).

    When the code is ``k``-sparse with :math:`k < (1 + 1/\mu)/2` (:math:`\mu` the coherence of ``D``)
    and there is no noise, OMP recovers its support exactly (Tropp 2004).

    Parameters
    ----------
    D : array_like, shape (dim, n)
        The dictionary, ideally with unit-norm columns.
    x : array_like, shape (batch, dim) or (dim,)
    k : int, optional
        Most atoms per sample, ``1 <= k <= min(dim, n)``. Defaults to ``min(dim, n)`` when ``tol`` is
        given; one of ``k`` and ``tol`` is required.
    tol : float, optional
        Stop a sample once :math:`\lVert x_b - D a_b\rVert_2^2 \le \mathrm{tol}` (``tol >= 0``).
    as_sparse : bool
        Return a ``scipy.sparse.csr_matrix`` instead of a dense array.

    Returns
    -------
    ndarray or scipy.sparse.csr_matrix, shape (batch, n)

    Warns
    -----
    TheoryWarning
        When a sample stopped early because its next atom was linearly dependent on its support.

    Examples
    --------
    >>> import numpy as np
    >>> D = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]])
    >>> omp(D, [[0.6, 0.8], [2.0, 1.0]], k=1)
    array([[0., 0., 1.],
           [2., 0., 0.]])
    >>> omp(D, [[2.0, 1.0]], k=2)
    array([[2., 1., 0.]])

    References
    ----------
    .. [1] Pati, Y. C., Rezaiifar, R. and Krishnaprasad, P. S. (1993). "Orthogonal matching pursuit:
       recursive function approximation with applications to wavelet decomposition." Proc. 27th
       Asilomar Conf. Signals, Systems and Computers, 40-44. doi:10.1109/ACSSC.1993.342465
    .. [2] Tropp, J. A. (2004). "Greed is good: algorithmic results for sparse approximation."
       IEEE Trans. Inf. Theory 50(10), 2231-2242. doi:10.1109/TIT.2004.834793
    .. [3] Rubinstein, R., Zibulevsky, M. and Elad, M. (2008). "Efficient implementation of the
       K-SVD algorithm using batch orthogonal matching pursuit." Technion CS Technical Report
       CS-2008-08.
    """
    Da, xa = _validate(D, x)
    dim, n = Da.shape
    as_sparse = check_bool(as_sparse, "as_sparse")
    if k is None and tol is None:
        raise ValueError("omp needs k (the number of atoms) or tol (the squared residual to reach); got neither")
    kmax = min(dim, n)
    if k is None:
        k = kmax
    else:
        k = check_int(k, "k", minimum=1)
        if k > kmax:
            raise ValueError(
                f"k must be an integer in [1, min(dim, n) = {kmax}] (no more atoms than dimensions "
                f"or features), got {k}"
            )
    if tol is not None:
        tol = check_real(tol, "tol", minimum=0.0)
    batch = xa.shape[0]
    _check_output(batch, n, as_sparse)
    # through DᵀD (dim n^2 once, then batch k n) when that is cheaper than batch k dim n per pass
    G = Da.T @ Da if 8.0 * n * n <= _GRAM_BYTES and n <= batch * k else None
    Dt = np.ascontiguousarray(Da.T)
    blocks: list[Codes] = []
    dependent = 0
    for sl in _blocks(batch, n):
        block, dep = _omp_block(Da, Dt, G, xa[sl], k, tol)
        dependent += dep
        blocks.append(block if as_sparse else block.toarray())
    if dependent:
        warnings.warn(
            f"omp stopped early for {dependent} of {batch} samples: the next atom was linearly dependent "
            f"on the atoms already chosen",
            TheoryWarning,
            stacklevel=2,
        )
    return _assemble(blocks, batch, n, as_sparse)


def _omp_block(
    D: NDArray[np.float64],
    Dt: NDArray[np.float64],
    G: NDArray[np.float64] | None,
    x: NDArray[np.float64],
    k: int,
    tol: float | None,
) -> tuple[sps.csr_matrix, int]:
    m = x.shape[0]
    n = D.shape[1]
    c = x @ D  # D^T x per row
    sqx = np.einsum("ij,ij->i", x, x)
    diag = np.einsum("ij,ij->j", D, D)
    idx = np.zeros((m, k), dtype=np.int64)
    Lc = np.zeros((m, k, k))
    z = np.zeros((m, k))  # L^{-1} c_S
    gam = np.zeros((m, k))
    count = np.zeros(m, dtype=np.int64)
    dependent = 0
    # rows still selecting, and their correlations with the residual (compacted to those rows)
    act = np.arange(m) if tol is None else np.flatnonzero(sqx > tol)
    alpha = c[act] if act.size < m else c.copy()
    for s in range(k):
        if not act.size:
            break
        al = np.abs(alpha)
        if s:
            np.put_along_axis(al, idx[act, :s], -1.0, axis=1)
        j = np.argmax(al, axis=1)
        best = al[np.arange(act.size), j]
        del al
        keep = best * best > _EPS * sqx[act]
        if s:
            S = idx[act, :s]
            g = G[S, j[:, None]] if G is not None else np.einsum("mkd,md->mk", Dt[S], Dt[j])
            w = _forward(Lc[act, :s, :s], g)
            Lkk = diag[j] - np.einsum("ij,ij->i", w, w)
        else:
            w = np.zeros((act.size, 0))
            Lkk = diag[j].copy()
        independent = Lkk > 1e-10 * diag[j]
        dependent += int((keep & ~independent).sum())
        keep &= independent
        if not keep.all():
            act, j, w, Lkk, alpha = act[keep], j[keep], w[keep], Lkk[keep], alpha[keep]
            if not act.size:
                break
        lkk = np.sqrt(Lkk)
        Lc[act, s, :s] = w
        Lc[act, s, s] = lkk
        idx[act, s] = j
        z[act, s] = (c[act, j] - np.einsum("ij,ij->i", w, z[act, :s])) / lkk
        count[act] = s + 1
        gam[act, : s + 1] = _backward(Lc[act, : s + 1, : s + 1], z[act, : s + 1])
        if s + 1 == k:
            break
        if tol is not None:
            resid = sqx[act] - np.einsum("ij,ij->i", z[act, : s + 1], z[act, : s + 1])
            more = resid > tol
            if not more.all():
                act, alpha = act[more], alpha[more]
                if not act.size:
                    break
        Gam = _rows_csr(idx[act, : s + 1], gam[act, : s + 1], n)
        if G is not None:
            np.subtract(c[act] if act.size < m else c, Gam @ G, out=alpha)
        else:
            alpha = (x[act] - Gam @ Dt) @ D
    mask = np.arange(k)[None, :] < count[:, None]
    indptr = np.concatenate([[0], np.cumsum(count)])
    out = sps.csr_matrix((gam[mask], idx[mask], indptr), shape=(m, n))
    out.sort_indices()
    return out, dependent


def _forward(L: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Solve ``L y = b`` for a stack of lower-triangular ``L`` (m, s, s)."""
    y = np.empty_like(b)
    for i in range(b.shape[1]):
        y[:, i] = (b[:, i] - np.einsum("ij,ij->i", L[:, i, :i], y[:, :i])) / L[:, i, i]
    return y


def _backward(L: NDArray[np.float64], z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Solve ``Lᵀ y = z`` for a stack of lower-triangular ``L`` (m, s, s)."""
    s = z.shape[1]
    y = np.empty_like(z)
    for i in range(s - 1, -1, -1):
        y[:, i] = (z[:, i] - np.einsum("ij,ij->i", L[:, i + 1 :, i], y[:, i + 1 :])) / L[:, i, i]
    return y


# ---------------------------------------------------------------------------------------------
# one-pass thresholding


def threshold_encode(
    D: ArrayLike,
    x: ArrayLike,
    *,
    k: int | None = None,
    bias: ArrayLike | None = None,
    nonneg: bool = True,
    as_sparse: bool = False,
) -> Codes:
    r"""One-pass (SAE-style) encoder with the dictionary as encoder: top-``k`` or a biased ReLU.

    With ``k``: keep the ``k`` largest entries of the pre-activation :math:`z = D^\top x_b` (largest
    values when ``nonneg``, then :math:`\max(\cdot, 0)`; largest magnitudes with their signs
    otherwise) and zero the rest, as a TopK sparse autoencoder does. With ``bias`` :math:`b`:

    .. math:: a_b = \max(D^\top x_b - b, 0)\ (\text{nonneg}),\qquad
              a_b = \operatorname{sign}(z)\max(|z| - b, 0)\ (\text{signed, } b \ge 0),

    a ReLU sparse autoencoder's encoder with :math:`W_{\mathrm{enc}} = D^\top` and
    :math:`b_{\mathrm{enc}} = -b`. No least-squares refit: the values are the correlations.

    With unit-norm atoms of coherence :math:`\mu`, a code with support :math:`S` (:math:`|S| = k`)
    and :math:`x_{\min} \le |a_i| \le x_{\max}` on :math:`S`, the top-``k`` magnitudes of
    :math:`D^\top D a` fall exactly on :math:`S` when :math:`x_{\min}/x_{\max} > (2k - 1)\mu`
    (Schnass & Vandergheynst 2008); unlike OMP and the LASSO this depends on the code's dynamic range.

    Parameters
    ----------
    D : array_like, shape (dim, n)
    x : array_like, shape (batch, dim) or (dim,)
    k : int, optional
        Number of atoms kept per sample, ``1 <= k <= n``.
    bias : float or array_like of shape (n,), optional
        Threshold subtracted before the ReLU (finite; ``>= 0`` when signed). Exactly one of ``k``
        and ``bias`` must be given.
    nonneg : bool
        Nonnegative codes (ReLU) or signed ones.
    as_sparse : bool
        Return a ``scipy.sparse.csr_matrix``.

    Returns
    -------
    ndarray or scipy.sparse.csr_matrix, shape (batch, n)

    Examples
    --------
    >>> import numpy as np
    >>> D = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]])
    >>> threshold_encode(D, [[0.6, 0.8]], k=1)
    array([[0., 0., 1.]])
    >>> threshold_encode(D, [[0.6, 0.8]], bias=0.7)
    array([[0. , 0.1, 0.3]])

    References
    ----------
    .. [1] Schnass, K. and Vandergheynst, P. (2008). "Dictionary preconditioning for greedy
       algorithms." IEEE Signal Process. Lett. 15, 1994-2002. doi:10.1109/TSP.2007.911494
    .. [2] Gao, L. et al. (2024). "Scaling and evaluating sparse autoencoders." arXiv:2406.04093
    """
    Da, xa = _validate(D, x)
    n = Da.shape[1]
    nonneg = check_bool(nonneg, "nonneg")
    as_sparse = check_bool(as_sparse, "as_sparse")
    if (k is None) == (bias is None):
        raise ValueError(
            "threshold_encode needs exactly one of k (top-k) and bias (ReLU threshold), got "
            + ("both" if k is not None else "neither")
        )
    b: NDArray[np.float64] | None = None
    if k is not None:
        k = check_int(k, "k", minimum=1)
        if k > n:
            raise ValueError(f"k must be an integer in [1, {n}], got {k} (D has n={n} columns)")
    else:
        assert bias is not None  # exactly one of k and bias, checked above
        b = check_array(bias, "bias", ndim=(0, 1))
        if b.ndim == 1 and b.shape[0] != n:
            raise ValueError(f"bias must be a scalar or have shape (n,) = ({n},), got {b.shape}")
        if not nonneg and np.any(b < 0):
            raise ValueError("bias must be >= 0 for signed codes (soft thresholding), got a negative entry")
    batch = xa.shape[0]
    _check_output(batch, n, as_sparse)
    blocks: list[Codes] = []
    for sl in _blocks(batch, n):
        z = xa[sl] @ Da
        if k is not None:
            key = -z if nonneg else -np.abs(z)
            sel = np.argpartition(key, k - 1, axis=1)[:, :k] if k < n else np.broadcast_to(np.arange(n), z.shape)
            vals = np.take_along_axis(z, sel, axis=1)
            if nonneg:
                vals = np.maximum(vals, 0.0)
            out = np.zeros_like(z)
            np.put_along_axis(out, np.ascontiguousarray(sel), vals, axis=1)
        else:
            assert b is not None  # set whenever k is None
            out = np.maximum(z - b, 0.0) if nonneg else np.sign(z) * np.maximum(np.abs(z) - b, 0.0)
        blocks.append(sps.csr_matrix(out) if as_sparse else out)
    return _assemble(blocks, batch, n, as_sparse)
