"""Numerical packings: frames with small coherence (lines) or small largest cosine (points)."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from theory._results import Bound
from theory._validation import as_rng, check_int, check_real
from theory.geometry.bounds import coherence_lower_bound, simplex_bound

__all__ = ["Packing", "pack"]

PACK_CITATION = (
    "Dhillon, I. S., Heath, R. W., Strohmer, T. and Tropp, J. A. (2008). Constructing packings in "
    "Grassmannian manifolds via alternating projection. Experiment. Math. 17(1), 9-35. "
    "arXiv:0709.0535; Tropp, Dhillon, Heath, Strohmer (2005), IEEE Trans. Inf. Theory 51(1), "
    "188-209, doi:10.1109/TIT.2004.839492")


@dataclass(frozen=True)
class Packing:
    """Result of :func:`pack`.

    Attributes
    ----------
    frame : ndarray, shape (dim, n)
        Unit-norm columns.
    value : float
        Its coherence (``lines``) or largest signed cosine (points).
    bound : Bound
        The best lower bound on ``value`` for these ``(n, dim)``.
    gap : float
        ``(value - bound) / bound`` when the bound is positive, else ``value - bound``.
    lines : bool
    iterations : int
        Total optimiser iterations over all restarts.
    restarts : int
        Number of restarts run.
    seconds : float
        Wall time.
    history : list of float
        Best value after each restart.
    seconds_to_best : float
        Wall time until the returned frame was found (the remaining restarts did not improve it).
    """

    frame: NDArray[np.float64]
    value: float
    bound: Bound
    gap: float
    lines: bool
    iterations: int
    restarts: int
    seconds: float
    history: list[float] = field(default_factory=list, compare=False)
    seconds_to_best: float = math.nan

    @property
    def dim(self) -> int:
        """Ambient dimension."""
        return int(self.frame.shape[0])

    @property
    def n(self) -> int:
        """Number of vectors."""
        return int(self.frame.shape[1])

    def __str__(self) -> str:
        what = "coherence" if self.lines else "max cosine"
        return (f"Packing(dim={self.dim}, n={self.n}): {what} {self.value:.8f}, bound "
                f"{self.bound.value:.8f} ({self.bound.name}), gap {self.gap:.2e}, "
                f"{self.restarts} restarts, {self.seconds:.2f} s")


def _normalize(V: NDArray[np.float64]) -> NDArray[np.float64]:
    return V / np.linalg.norm(V, axis=0)


def _coh(V: NDArray[np.float64], lines: bool) -> float:
    G = V.T @ V
    n = G.shape[0]
    iu = np.triu_indices(n, 1)
    g = G[iu]
    return float(np.max(np.abs(g)) if lines else np.max(g))


def _alternating_projection(V: NDArray[np.float64], lines: bool, lb: float, iters: int
                            ) -> NDArray[np.float64]:
    """Tropp et al.: clip the Gram matrix to a decreasing target, project to rank dim."""
    dim, n = V.shape
    best, best_val = V, _coh(V, lines)
    target = best_val
    for _ in range(iters):
        G = V.T @ V
        target = max(lb, target - 0.1 * (target - lb)) if lines else target - 0.05 * abs(target - lb)
        H = np.clip(G, -target, target) if lines else np.minimum(G, target)
        np.fill_diagonal(H, 1.0)
        vals, vecs = np.linalg.eigh(H)
        V = _normalize((vecs[:, -dim:] * np.sqrt(np.clip(vals[-dim:], 1e-12, None))).T)
        val = _coh(V, lines)
        if val < best_val:
            best, best_val = V, val
        else:
            target = 0.5 * (target + best_val)
    return best


def _lse_objective(x: NDArray[np.float64], dim: int, n: int, lines: bool, p: float,
                   mask: NDArray[np.bool_]) -> tuple[float, NDArray[np.float64]]:
    W = x.reshape(dim, n)
    r = np.linalg.norm(W, axis=0)
    V = W / r
    G = V.T @ V
    E = G * G if lines else G
    m = float(E[mask].max())
    A = np.exp(p * np.where(mask, E - m, -np.inf))
    S = A.sum()
    f = m + math.log(S) / p
    A /= S
    B = A * (2 * G) if lines else A
    dV = V @ (B + B.T)
    dW = (dV - V * np.sum(V * dV, axis=0)) / r
    return f, dW.ravel()


def _lse_polish(V: NDArray[np.float64], lines: bool, maxiter: int, abandon_above: float = math.inf
                ) -> tuple[NDArray[np.float64], int]:
    """Continuation in p; after the first two steps, stop if the value is above ``abandon_above``."""
    from scipy.optimize import minimize

    dim, n = V.shape
    mask = ~np.eye(n, dtype=bool)
    its = 0
    best, best_val = V, _coh(V, lines)
    for step, c in enumerate((30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0)):
        if step == 2 and best_val > abandon_above:
            break
        cur = _coh(V, lines)
        scale = cur * cur if lines else max(abs(cur), 1e-3)
        p = c / max(scale, 1e-6)
        res = minimize(_lse_objective, V.ravel(), args=(dim, n, lines, p, mask), jac=True,
                       method="L-BFGS-B", options={"maxiter": maxiter, "gtol": 1e-14, "ftol": 1e-16})
        its += int(res.nit)
        V = _normalize(res.x.reshape(dim, n))
        val = _coh(V, lines)
        if val < best_val:
            best, best_val = V, val
    return best, its


def _slp_polish(V: NDArray[np.float64], lines: bool, iters: int, lb: float, stall: float = 1e-8,
                window: int = 20) -> tuple[NDArray[np.float64], int]:
    """Sequential linear programming on the active pairs with a box trust region.

    Stops early when the last ``window`` iterations gained less than ``stall`` (relative): the
    slow tail after that changed the value by ~1e-8 in ~100 LP solves (dim 8, n 24).
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    dim, n = V.shape
    nv = dim * n + 1
    iu, ju = np.triu_indices(n, 1)
    val = _coh(V, lines)
    r = 0.02
    its = 0
    trace = [val]
    for _ in range(iters):
        if r < 1e-12 or val - lb <= 1e-13 * max(1.0, abs(lb)):
            break
        if len(trace) > window and trace[-window - 1] - val < stall * max(abs(val), 0.01):
            break
        G = V.T @ V
        g = G[iu, ju]
        s = np.sign(g) if lines else np.ones_like(g)
        h = s * g
        margin = min(4 * r * math.sqrt(dim) + 1e-12, 2.0)
        act = np.flatnonzero(h >= val - margin)
        I, J = iu[act], ju[act]
        k = act.size
        # Row: s*(g + v_j . dv_i + v_i . dv_j) - t <= 0 ; variable index of dv[d, i] = d * n + i.
        d_idx = np.arange(dim)
        rows = np.repeat(np.arange(k), 2 * dim + 1)
        cols = np.concatenate([np.stack([d_idx[None, :] * n + I[:, None],
                                         d_idx[None, :] * n + J[:, None]], axis=1).reshape(k, -1),
                               np.full((k, 1), nv - 1)], axis=1).ravel()
        vals = np.concatenate([np.concatenate([(s[act][:, None] * V[:, J].T),
                                               (s[act][:, None] * V[:, I].T)], axis=1),
                               -np.ones((k, 1))], axis=1).ravel()
        A = coo_matrix((vals, (rows, cols)), shape=(k, nv)).tocsr()
        b = -h[act]
        # Tangency: v_i . dv_i = 0.
        erows = np.repeat(np.arange(n), dim)
        ecols = (d_idx[None, :] * n + np.arange(n)[:, None]).ravel()
        evals = V.T.ravel()
        Aeq = coo_matrix((evals, (erows, ecols)), shape=(n, nv)).tocsr()
        c = np.zeros(nv)
        c[-1] = 1.0
        bounds = [(-r, r)] * (nv - 1) + [(None, None)]
        res = linprog(c, A_ub=A, b_ub=b, A_eq=Aeq, b_eq=np.zeros(n), bounds=bounds, method="highs-ipm")
        its += 1
        if res.status != 0:
            r /= 2
            continue
        dV = res.x[:-1].reshape(dim, n)
        Vn = _normalize(V + dV)
        vn = _coh(Vn, lines)
        if vn < val:
            pred = val - res.x[-1]
            V, gain = Vn, val - vn
            val = vn
            if pred > 0 and gain > 0.5 * pred:
                r = min(r * 2, 0.2)
        else:
            r /= 4
        trace.append(val)
    return V, its


def _drop_lines(V: NDArray[np.float64], k: int, lines: bool) -> NDArray[np.float64]:
    """Greedily delete ``k`` columns, each time the one whose removal leaves the smallest
    coherence; ties go to the smallest second-largest |cosine|, then the third, ... (the
    remaining off-diagonal entries sorted in decreasing order, compared lexicographically after
    rounding to 1e-12), then to the lowest index, so the choice depends on the frame only."""
    for _ in range(k):
        m = V.shape[1]
        if m <= 2:
            return V[:, : m - 1]
        G = V.T @ V
        E = np.abs(G) if lines else G
        iu, ju = np.triu_indices(m, 1)
        e = E[iu, ju]
        keys = []
        for i in range(m):
            rest = np.sort(e[(iu != i) & (ju != i)])[::-1]
            keys.append(tuple(np.round(rest, 12)))
        i = min(range(m), key=lambda j: (keys[j], j))
        V = np.delete(V, i, axis=1)
    return V


def _add_lines(V: NDArray[np.float64], k: int, lines: bool, g: np.random.Generator,
               candidates: int) -> NDArray[np.float64]:
    """Greedily append ``k`` columns, each the best of ``candidates`` random unit vectors: the
    one whose largest |cosine| (points: cosine) with the columns so far is smallest."""
    dim = V.shape[0]
    for _ in range(k):
        C = _normalize(g.standard_normal((dim, candidates)))
        P = V.T @ C
        score = (np.abs(P) if lines else P).max(axis=0) if V.shape[1] else np.zeros(candidates)
        V = np.concatenate([V, C[:, [int(np.argmin(score))]]], axis=1)
    return V


def _blas_limit(threads: int | None) -> contextlib.AbstractContextManager[object]:
    """Limit BLAS threads inside the block (no-op for None or without threadpoolctl).

    threadpoolctl only limits the BLAS libraries already loaded when the block is entered, and
    SciPy ships its own OpenBLAS (L-BFGS-B and HiGHS call it): the SciPy modules the stages use
    are imported first, so that library is limited too. Left at two threads on a busy two-core
    machine, L-BFGS-B on a 4 x 30 frame took ~15 s instead of ~0.5 s.
    """
    from theory._plugins import import_if_present

    tpc = import_if_present("threadpoolctl") if threads is not None else None
    if tpc is None:
        return contextlib.nullcontext()
    import scipy.optimize  # noqa: F401  (loads SciPy's BLAS before the limit is set)
    import scipy.sparse  # noqa: F401

    return tpc.threadpool_limits(limits=threads, user_api="blas")


def pack(*, dim: int, n: int, lines: bool = True, rng: int | np.random.Generator | None = 0,
         restarts: int = 8, time_limit: float | None = None, ap_iters: int = 200,
         lse_iters: int = 300, slp_iters: int = 200, slp_max_vars: int = 3000,
         init: NDArray[np.float64] | None = None, progress: bool = False,
         blas_threads: int | None = 1, lse_cutoff: float | None = 0.01,
         slp_cutoff: float | None = 0.0005, ap_restarts: int | None = 1, warm_every: int = 3,
         warm_offsets: Sequence[int] = (1, -1), warm_candidates: int = 64) -> Packing:
    r"""Numerically pack ``n`` lines (or points) in :math:`\mathbb{R}^{dim}` with small
    coherence (or largest cosine).

    .. math:: \min_{\lVert w_i\rVert = 1}\ \max_{i\ne j} |\langle w_i, w_j\rangle|
              \qquad(\text{points: } \max_{i\ne j}\langle w_i, w_j\rangle)

    Each restart runs three stages and keeps the best frame:

    1. **alternating projection** (Tropp, Dhillon, Heath, Strohmer 2005; Dhillon et al. 2008):
       clip the Gram off-diagonal to a decreasing target, project onto rank-``dim`` PSD
       matrices with unit diagonal, repeat — on the first ``ap_restarts`` restarts only; the
       others start stage 2 from the random frame itself;
    2. **smooth-max descent**: L-BFGS on
       :math:`\tfrac1p\log\sum_{i\ne j} e^{p\,G_{ij}^2}` (points: :math:`e^{p\,G_{ij}}`) with a
       continuation in :math:`p`;
    3. **sequential linear programming** on the nearly-active pairs (exact minimax polish, with a
       trust region), when ``dim * n <= slp_max_vars``.

    Restarts that cannot win are cut short, so more of them fit in a ``time_limit``: after the
    first two continuation steps of stage 2 a restart more than ``lse_cutoff`` (relative) above
    the best value so far stops there (the later steps improved the value by at most 0.6% on
    3 <= dim <= 8, n <= 30), and stage 3 runs only on restarts whose value after stage 2 is
    within ``slp_cutoff`` of the best value after stage 2 so far (stage 3 gains 1e-5 to 8e-4 and
    costs up to ~4 s per restart at dim 8, n 24, so re-polishing a basin no better than one
    already polished is skipped). The first restart always runs in full.

    **Warm starts.** In the table of best known line packings (Conway, Hardin & Sloane 1996
    [3]_) some ``n``-line values equal the ``(n + 1)``-line value (19 and 20 lines in R^5,
    coherence 1/2): such an optimum is the larger packing minus a line, a basin that random
    starts rarely reach. Conversely a good ``(n - 1)``-packing plus a well placed vector is a
    start unlike a random one. Every ``warm_every``-th restart (``k = warm_every - 1,
    2 warm_every - 1, ...``) starts instead from a quick packing of ``m = n + d`` vectors, ``d``
    taken in turn from ``warm_offsets``: a random frame of ``m`` vectors polished by stage 2
    (abandoned, and the restart dropped, when it ends more than ``lse_cutoff`` above the best
    ``m``-packing of earlier warm restarts), then

    - ``d > 0``: ``d`` columns deleted greedily, each time the column :math:`i` minimising
      :math:`\max_{j<l;\ j,l\ne i} |G_{jl}|` (ties: the remaining |cosines| compared in
      decreasing order, then the lowest index);
    - ``d < 0``: ``-d`` columns appended greedily, each the best of ``warm_candidates`` random
      unit vectors :math:`u` by :math:`\max_j |\langle u, w_j\rangle|`;

    and the result goes through stages 2 and 3 as usual. All of this runs inside ``pack`` and
    inside ``time_limit``; the decisions depend on values only, so the same ``rng`` gives the
    same result.

    Parameters
    ----------
    dim, n : int
        ``dim >= 1``, ``n >= 2``.
    lines : bool
        Minimise coherence (lines) or the largest signed cosine (points, spherical codes).
    rng : Generator or int seed
        Random starting frames come only from this generator.
    restarts : int
        Number of random starts (``>= 1``).
    time_limit : float, optional
        Stop starting new restarts after this many seconds.
    ap_iters, lse_iters, slp_iters : int
        Iteration budgets of the three stages.
    slp_max_vars : int
        Skip stage 3 when ``dim * n`` is larger.
    init : ndarray, shape (dim, n), optional
        Starting frame of the first restart.
    progress : bool
        Print one line per restart.
    blas_threads : int or None
        BLAS threads while packing (through threadpoolctl); ``None`` leaves the setting alone.
        The matrices are small, so extra BLAS threads mostly add synchronisation: on a 2-core
        machine one thread was several times faster (``benchmarks/packing.py --blas-threads``).
    ap_restarts : int or None
        How many restarts (the first ones) run stage 1 (``None``: all). Random starts are more
        diverse than projected ones and, with the screening, cheaper: on the line grid
        dim = 3..8, n = dim+1..30 with 20 s per case (``benchmarks/packing.py --sloane``, seed 0)
        the default 1 ran 8188 restarts in all and came within 0.1% of Sloane's table on 127/147
        cases, against 4683 restarts and 123/147 with stage 1 on every restart (10 cases
        gained, 6 lost: stage 1 helps some structured optima, e.g. 11 lines in R^5).
    lse_cutoff, slp_cutoff : float or None
        Relative margins of the screening above (``None``: every restart runs every stage). The
        margin is taken of ``max(|best|, 0.01)``, so it stays positive for points with best <= 0.
    warm_every : int
        Every ``warm_every``-th restart is a warm start (``0``: none, only random starts).
        On the line grid dim = 3..8, n = dim+1..30 with 20 s per case
        (``benchmarks/packing.py --sloane``, seed 0) the defaults came within 0.1% of
        Sloane's table on 127/147 cases and within 1% on 147/147 (worst 0.79%), against
        127/147 and 146/147 (worst 3.1%, 19 lines in R^5) without warm starts: 6 cases gained
        (among them 19 lines in R^5, now 5e-14), 6 lost, with 6989 restarts in all against
        8188 (a warm start costs a few random ones).
    warm_offsets : sequence of int
        The offsets ``d`` (non-zero, ``n + d >= 1``) used in turn by the warm starts.
    warm_candidates : int
        Random candidates per appended column (``d < 0``).

    Returns
    -------
    Packing

    Examples
    --------
    >>> P = pack(dim=3, n=6, rng=0, restarts=2)   # six lines: the icosahedron's diagonals
    >>> round(P.value, 6), round(P.bound.value, 6), P.gap < 1e-6
    (0.447214, 0.447214, True)

    References
    ----------
    .. [1] Dhillon, I. S., Heath, R. W., Strohmer, T. and Tropp, J. A. (2008). "Constructing
       packings in Grassmannian manifolds via alternating projection." Experiment. Math. 17(1),
       9-35. arXiv:0709.0535
    .. [2] Tropp, J. A., Dhillon, I. S., Heath, R. W. and Strohmer, T. (2005). "Designing
       structured tight frames via an alternating projection method." IEEE Trans. Inf. Theory
       51(1), 188-209. doi:10.1109/TIT.2004.839492
    .. [3] Conway, J. H., Hardin, R. H. and Sloane, N. J. A. (1996). "Packing lines, planes, etc.:
       packings in Grassmannian spaces." Experiment. Math. 5(2), 139-159.
       doi:10.1080/10586458.1996.10504585
    """
    dim = check_int(dim, "dim", minimum=1)
    n = check_int(n, "n", minimum=2)
    restarts = check_int(restarts, "restarts", minimum=1)
    ap_iters = check_int(ap_iters, "ap_iters", minimum=0)
    lse_iters = check_int(lse_iters, "lse_iters", minimum=0)
    slp_iters = check_int(slp_iters, "slp_iters", minimum=0)
    slp_max_vars = check_int(slp_max_vars, "slp_max_vars", minimum=0)
    if time_limit is not None:
        time_limit = check_real(time_limit, "time_limit", minimum=0, strict_min=True)
    lines = bool(lines)
    if blas_threads is not None:
        blas_threads = check_int(blas_threads, "blas_threads", minimum=1)
    if ap_restarts is not None:
        ap_restarts = check_int(ap_restarts, "ap_restarts", minimum=0)
    if lse_cutoff is not None:
        lse_cutoff = check_real(lse_cutoff, "lse_cutoff", minimum=0)
    if slp_cutoff is not None:
        slp_cutoff = check_real(slp_cutoff, "slp_cutoff", minimum=0)
    warm_every = check_int(warm_every, "warm_every", minimum=0)
    warm_candidates = check_int(warm_candidates, "warm_candidates", minimum=1)
    if isinstance(warm_offsets, (str, bytes)) or not isinstance(warm_offsets, Sequence):
        raise ValueError(f"warm_offsets must be a sequence of non-zero integers, got {warm_offsets!r}")
    warm_offsets = tuple(check_int(d, "warm_offsets", minimum=1 - n) for d in warm_offsets)
    if warm_every and (not warm_offsets or 0 in warm_offsets):
        raise ValueError("warm_offsets must be a non-empty sequence of non-zero integers n + d >= 1 "
                         f"when warm_every > 0, got {warm_offsets!r}")
    g = as_rng(rng)
    if init is not None:
        from theory._validation import check_frame

        init = check_frame(init, "init")
        if init.shape != (dim, n):
            raise ValueError(f"init must have shape (dim, n) = {(dim, n)}, got {init.shape}")
    bound: Bound = coherence_lower_bound(n=n, dim=dim) if lines else simplex_bound(n=n, dim=dim)
    lb = bound.value
    with _blas_limit(blas_threads):
        t0 = time.perf_counter()
        best: NDArray[np.float64] | None = None
        best_val = math.inf
        its = 0
        hist: list[float] = []
        done = 0
        t_best = math.nan
        sub_best: dict[int, float] = {}
        best_v2 = math.inf  # best value after stage 2 (before stage 3) so far
        n_warm = 0

        def polish(V: NDArray[np.float64], ap: bool) -> tuple[NDArray[np.float64] | None, int]:
            """Stages 1-3 on ``V`` with the screening."""
            nonlocal best_v2
            its = 0
            scale = max(abs(best_val), 0.01)
            if ap:
                V = _alternating_projection(V, lines, lb, ap_iters)
                its += ap_iters
            cut = (best_val + lse_cutoff * scale
                   if best is not None and lse_cutoff is not None else math.inf)
            V, it2 = _lse_polish(V, lines, lse_iters, abandon_above=cut)
            its += it2
            v2 = _coh(V, lines)
            cut = (best_v2 + slp_cutoff * max(abs(best_v2), 0.01)
                   if best is not None and slp_cutoff is not None else math.inf)
            best_v2 = min(best_v2, v2)
            if dim * n <= slp_max_vars and slp_iters and v2 <= cut:
                V, it3 = _slp_polish(V, lines, slp_iters, lb)
                its += it3
            return V, its

        def warm(offset: int) -> tuple[NDArray[np.float64] | None, int]:
            """A start from a quick packing of ``n + offset`` vectors, cut or extended to ``n``."""
            m = n + offset
            if lines and m <= dim:
                W, its = np.linalg.qr(g.standard_normal((dim, m)))[0][:, :m], 0
            else:
                W0 = _normalize(g.standard_normal((dim, m)))
                prev = sub_best.get(offset)
                cut = (prev + lse_cutoff * max(abs(prev), 0.01)
                       if prev is not None and lse_cutoff is not None else math.inf)
                W, its = _lse_polish(W0, lines, lse_iters, abandon_above=cut)
                w = _coh(W, lines)
                if prev is not None and lse_cutoff is not None and w > cut:
                    return None, its  # a poor sub-packing: not worth cutting down
                sub_best[offset] = min(w, prev if prev is not None else math.inf)
            if offset > 0:
                return _drop_lines(W, offset, lines), its
            return _add_lines(W, -offset, lines, g, warm_candidates), its

        for k in range(restarts):
            if time_limit is not None and k > 0 and time.perf_counter() - t0 > time_limit:
                break
            V: NDArray[np.float64] | None
            if k == 0 and init is not None:
                V = _normalize(np.array(init, dtype=float))
            elif (warm_every and k > 0 and k % warm_every == warm_every - 1
                  and (n > dim or not lines)):
                V, it0 = warm(warm_offsets[n_warm % len(warm_offsets)])
                n_warm += 1
                its += it0
            else:
                V = _normalize(g.standard_normal((dim, n)))
            if V is not None and (n > dim or not lines):
                V, it1 = polish(V, ap_restarts is None or k < ap_restarts)
                its += it1
            elif V is not None:
                V, _ = np.linalg.qr(g.standard_normal((dim, n)))
                V = V[:, :n]
            done += 1
            if V is not None:
                val = _coh(V, lines)
                if val < best_val - 1e-12 * max(1.0, abs(best_val)) or best is None:
                    best, best_val = V, val
                    t_best = time.perf_counter() - t0
                elif val < best_val:
                    best, best_val = V, val
            else:
                val = math.inf
            hist.append(best_val)
            if progress:
                print(f"restart {k + 1}/{restarts}: {val:.10f} (best {best_val:.10f}, bound {lb:.10f})")
            if best_val - lb <= 1e-12 * max(1.0, abs(lb)):
                break
    assert best is not None
    gap = (best_val - lb) / lb if lb > 0 else best_val - lb
    return Packing(best, best_val, bound, float(gap), lines, its, done, time.perf_counter() - t0, hist,
                   t_best)

