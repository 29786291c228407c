"""Numerical packings: frames with small coherence (lines) or small largest cosine (points)."""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import math
import pathlib
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._results import Bound
from theory._solvers import new_highs
from theory._validation import as_rng, check_bool, check_int, check_real
from theory._warnings import TheoryWarning
from theory.geometry.bounds import coherence_lower_bound, simplex_bound

__all__ = ["PACK_PRESETS", "Packing", "default_time_limit", "pack"]

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
        Best value after each restart (within a round, in order of the stage-2 value).
    seconds_to_best : float
        Wall time until the returned frame was found (the remaining restarts did not improve it).
    success : bool
        ``False`` when the value is measurably short of what is known: more than 0.1% above
        ``best_known``, or, with no ``best_known``, more than 5% above a positive ``bound``.
        ``True`` otherwise; ``message`` says on what grounds (a bound reached proves the frame
        optimal, a table value is only the best known, and with neither the check is weak).
    message : str
        Why the run stopped and how the value compares with the bound and ``best_known``.
    best_known : float or None
        The reference value for these ``(dim, n, lines)``: a proven optimum from
        ``theory/data/geometry_packings.json`` or, for lines in R^3..R^8 with ``n <= 100``, the
        best known value of Sloane's table (``theory/data/grassmannian_lines_sloane.json``).
        Reference data, for comparison only: ``value`` is always computed.
    best_known_source : str or None
        Where ``best_known`` comes from.
    reproducible : bool
        Whether the frame depends only on the arguments (``rng`` included), not on the speed of
        the machine: ``False`` when the time limit cut the run short anywhere (a round shortened
        to the time left, a stage stopped at the deadline, or no time left for another round).
    stopped : str
        What ended the run: ``"bound"`` (the best lower bound reached), ``"optimum"`` (a proven
        optimum reached), ``"restarts"`` (the restart cap) or ``"time"`` (the time limit).
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
    success: bool = True
    message: str = ""
    best_known: float | None = None
    best_known_source: str | None = None
    reproducible: bool = True
    stopped: str = "restarts"

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
                f"{self.restarts} restarts, {self.seconds:.2f} s; "
                f"{'success' if self.success else 'NOT successful'}: {self.message}")

    def __repr__(self) -> str:
        return (f"Packing(dim={self.dim}, n={self.n}, lines={self.lines}, value={self.value!r}, "
                f"bound={self.bound.value!r}, gap={self.gap:.3g}, best_known={self.best_known!r}, "
                f"success={self.success}, restarts={self.restarts}, seconds={self.seconds:.3g})")


# Relative tolerance at which a lower bound or a proven optimum counts as reached (of
# max(|reference|, 0.01), so that it stays positive for a reference 0).
_BOUND_TOL = 1e-9
# success is False above these relative margins (see Packing.success); the TheoryWarning is
# raised above the larger ones.
_REF_OK, _REF_WARN, _BOUND_WARN = 1e-3, 1e-2, 0.05
# Default time budget when neither restarts nor time_limit is given: min(_BUDGET_MAX,
# max(_BUDGET_MIN, _BUDGET_PER * dim * n)) seconds (see default_time_limit).
_BUDGET_MIN, _BUDGET_PER, _BUDGET_MAX = 5.0, 0.2, 30.0
_UNBOUNDED = 10**12  # restarts when only time ends the run
_SLOANE_SOURCE = ("Sloane's table of best Grassmannian packings (as of Jan 1997; Conway, Hardin and "
                  "Sloane 1996, doi:10.1080/10586458.1996.10504585): best known, not proven optimal")


def default_time_limit(dim: int, n: int) -> float:
    r"""The time budget of :func:`pack` when neither ``restarts`` nor ``time_limit`` is given.

    .. math:: T = \min\bigl(30,\ \max(5,\ 0.2\,\mathrm{dim}\cdot n)\bigr)\ \text{seconds}

    The run ends earlier when it reaches the best lower bound or a proven optimum.

    Parameters
    ----------
    dim, n : int
        ``dim >= 1``, ``n >= 2``.

    Returns
    -------
    float
        Seconds.

    Examples
    --------
    >>> default_time_limit(6, 16), default_time_limit(3, 6), default_time_limit(50, 100)
    (19.2, 5.0, 30.0)
    """
    dim = check_int(dim, "dim", minimum=1)
    n = check_int(n, "n", minimum=2)
    return float(min(_BUDGET_MAX, max(_BUDGET_MIN, round(_BUDGET_PER * dim * n, 6))))


@functools.cache
def _reference_table() -> dict[tuple[int, int, bool], tuple[float, str, bool]]:
    """``(dim, n, lines) -> (value, source, proven)`` from the two reference files in
    ``theory/data``: proven optima first, then Sloane's table of best known line packings."""
    data = pathlib.Path(__file__).resolve().parent.parent / "data"
    out: dict[tuple[int, int, bool], tuple[float, str, bool]] = {}
    for c in json.loads((data / "geometry_packings.json").read_text())["cases"]:
        if str(c.get("status", "")).startswith("proven optimal"):
            out.setdefault((int(c["dim"]), int(c["n"]), bool(c["lines"])),
                           (float(c["value"]), "proven optimum: " + str(c["source"]), True))
    for c in json.loads((data / "grassmannian_lines_sloane.json").read_text())["cases"]:
        out.setdefault((int(c["dim"]), int(c["n"]), True), (float(c["coherence"]), _SLOANE_SOURCE, False))
    return out


def _pct(r: float) -> str:
    """A relative difference as a percentage with three significant digits."""
    return f"{100 * r:.3g}%"


def _reached(value: float, ref: float) -> bool:
    return value - ref <= _BOUND_TOL * max(abs(ref), 0.01)


def _verdict(value: float, bound: Bound, gap: float, ref: tuple[float, str, bool] | None, stopped: str,
             time_limit: float | None, restarts: int) -> tuple[bool, str, bool]:
    """``(success, message, warn)`` of a finished run (see ``Packing.success``)."""
    why = {"bound": "", "optimum": "",
           "restarts": f"the restart cap ({restarts}) ended the run ",
           "time": f"the time limit ({time_limit:g} s) ended the run " if time_limit else ""}[stopped]
    hint = ("raise time_limit (and leave restarts unset) for a longer search"
            if stopped != "restarts" else "leave restarts unset and give a time_limit for a longer search")
    if _reached(value, bound.value):
        return True, f"reached the best lower bound ({bound.name}): optimal", False
    if ref is not None:
        rv, src, proven = ref
        short = "the proven optimum" if proven else "the best known value (Sloane's table)"
        if proven and _reached(value, rv):
            return True, f"reached {short} {rv:.10g}", False
        r = (value - rv) / max(abs(rv), 0.01)
        if r <= -_BOUND_TOL:
            return True, f"{_pct(-r)} below {short} {rv:.10g}", False
        if r <= _BOUND_TOL:
            return True, f"matches {short} {rv:.10g}", False
        if r <= _REF_OK:
            return True, f"within {_pct(r)} of {short} {rv:.10g}", False
        return False, f"{why}{_pct(r)} above {short} {rv:.10g}: {hint}", r > _REF_WARN
    if bound.value > 0:
        if gap <= _BOUND_WARN:
            return True, (f"no reference value to compare with; {_pct(gap)} above the best lower bound "
                          f"({bound.name}), which need not be attainable"), False
        return False, (f"{why}{_pct(gap)} above the best lower bound ({bound.name}) and no reference value "
                       f"to compare with (the bound need not be attainable): {hint}"), True
    return True, (f"no reference value to compare with, and the best lower bound ({bound.name}, "
                  f"{bound.value:.6g}) says little here: {value - bound.value:.4g} above it"), False


class _Progress:
    """A tqdm bar on stderr: over the seconds of the time budget when there is one, else over the
    restarts."""

    def __init__(self, restarts: int | None, time_limit: float | None, lb: float) -> None:
        from tqdm.auto import tqdm

        self.timed = time_limit is not None
        self.lb = lb
        total = time_limit if self.timed else restarts
        self.bar = tqdm(total=total, desc="pack", unit="s" if self.timed else "restart",
                        mininterval=0.5, file=sys.stderr, leave=False,
                        bar_format=("{l_bar}{bar}| {n:.0f}/{total:.0f} s{postfix}" if self.timed
                                    else None))
        self.t0 = time.perf_counter()

    def update(self, done: int, best: float) -> None:
        self.bar.set_postfix_str(f"{done} restarts, best {best:.10f}, bound {self.lb:.10f}", refresh=False)
        if self.timed:
            self.bar.n = min(time.perf_counter() - self.t0, self.bar.total)
            self.bar.refresh()
        else:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def _normalize(V: NDArray[np.float64]) -> NDArray[np.float64]:
    return V / np.linalg.norm(V, axis=0)


def _coh(V: NDArray[np.float64], lines: bool) -> float:
    """Coherence (points: largest cosine) of one frame with unit columns."""
    return float(_coh_batch(V[None], lines)[0])


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


def _gram_stack(Vs: NDArray[np.float64]) -> NDArray[np.float64]:
    """Gram matrices ``V^T V`` of a stack of frames ``(B, dim, n)`` -> ``(B, n, n)``.

    The transpose is copied to contiguous memory first: batched matmul on the strided view does
    not reach BLAS."""
    return np.matmul(np.ascontiguousarray(Vs.transpose(0, 2, 1)), Vs)


def _lse_batch(x: NDArray[np.float64], dim: int, n: int, lines: bool, p: NDArray[np.float64]
               ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Smooth max of a stack of frames and its gradient.

    Row ``b`` of ``x`` (shape ``(B, dim * n)``) holds an unnormalised frame :math:`W`; with
    :math:`V = W / \lVert w_i\rVert` and :math:`E_{ij} = G_{ij}^2` (points: :math:`G_{ij}`),

    .. math:: f = m + \tfrac1p \log \sum_{i \ne j} e^{p (E_{ij} - m)},\quad m = \max_{i\ne j} E_{ij}.
    """
    B = x.shape[0]
    W = x.reshape(B, dim, n)
    r = np.sqrt(np.einsum("bdi,bdi->bi", W, W))[:, None, :]
    V = W / r
    G = _gram_stack(V)
    E = (G * G if lines else G.copy()).reshape(B, n * n)
    E[:, :: n + 1] = -2.0  # below every off-diagonal entry; its weight is zeroed below
    m = E.max(axis=1)
    E -= m[:, None]
    E *= p[:, None]
    A = np.exp(E, out=E)
    A[:, :: n + 1] = 0.0
    S = A.sum(axis=1)
    f = m + np.log(S) / p
    # The weights w = A / S are symmetric, so the gradient in V of sum w_ij E_ij is V (4 w * G)
    # (points: 2 V w).
    A *= ((4.0 if lines else 2.0) / S)[:, None]
    A = A.reshape(B, n, n)
    if lines:
        A *= G
    dV = np.matmul(V, A)
    dV -= V * np.einsum("bdi,bdi->bi", V, dV)[:, None, :]
    dV /= r
    return f, dV.reshape(B, -1)


def _lbfgs_batch(fg: Callable[[NDArray[np.float64], NDArray[np.intp]],
                              tuple[NDArray[np.float64], NDArray[np.float64]]],
                 x: NDArray[np.float64], iters: int, memory: int = 8, c1: float = 1e-4,
                 max_halvings: int = 30, deadline: float = math.inf, cut: list[bool] | None = None
                 ) -> tuple[NDArray[np.float64], int]:
    """Minimise every row of ``x`` independently with L-BFGS (Liu & Nocedal 1989) and a backtracking
    (Armijo) line search, all rows in one set of array operations.

    ``fg(x, rows)`` returns the values and gradients of the rows ``rows`` of the stack. A row
    stops when no step of the search decreases it, or when a step decreases it by less than
    1e-16 (relative). No iteration starts after ``deadline`` (a ``time.perf_counter`` value);
    when that stops rows that would have gone on, ``True`` is appended to ``cut`` (if given).
    Returns the rows and the number of iterations run.
    """
    B, N = x.shape
    f, g = fg(x, np.arange(B))
    S = np.zeros((memory, B, N))
    Y = np.zeros((memory, B, N))
    rho = np.zeros((memory, B))
    gamma = np.ones(B)
    head = stored = 0
    active = np.ones(B, dtype=bool)
    it = 0
    while it < iters:
        if time.perf_counter() > deadline:
            if cut is not None:
                cut.append(True)
            break
        it += 1
        # Two-loop recursion: d = -H g (pairs a row could not use have rho = 0 and drop out).
        q = g.copy()
        alpha = np.zeros((memory, B))
        slots = [(head - 1 - j) % memory for j in range(stored)]
        for j in slots:
            alpha[j] = rho[j] * np.vecdot(S[j], q)
            q -= alpha[j][:, None] * Y[j]
        q *= gamma[:, None]
        for j in reversed(slots):
            beta = rho[j] * np.vecdot(Y[j], q)
            q += (alpha[j] - beta)[:, None] * S[j]
        d = -q
        gd = np.vecdot(g, d)
        uphill = gd >= 0
        if uphill.any():
            d[uphill] = -g[uphill]
            gd[uphill] = -np.vecdot(g[uphill], g[uphill])
        step = np.ones(B)
        if stored == 0:
            step = np.minimum(1.0, 0.1 / np.maximum(np.sqrt(-gd), 1e-300))
        xn, fn, gn = x.copy(), f.copy(), g.copy()
        todo = active.copy()
        for _ in range(max_halvings):
            rows = np.flatnonzero(todo)
            if rows.size == 0:
                break
            xt = x[rows] + step[rows, None] * d[rows]
            ft, gt = fg(xt, rows)
            ok = ft <= f[rows] + c1 * step[rows] * gd[rows]
            acc = rows[ok]
            xn[acc], fn[acc], gn[acc] = xt[ok], ft[ok], gt[ok]
            todo[acc] = False
            step[rows[~ok]] *= 0.5
        active &= ~todo
        s, y = xn - x, gn - g
        sy = np.vecdot(s, y)
        yy = np.vecdot(y, y)
        good = active & (sy > 1e-12 * np.sqrt(np.vecdot(s, s) * yy))
        S[head], Y[head] = s, y
        rho[head] = np.where(good, 1.0 / np.where(good, sy, 1.0), 0.0)
        gamma = np.where(good, sy / np.where(good, yy, 1.0), gamma)
        head, stored = (head + 1) % memory, min(stored + 1, memory)
        active &= f - fn > 1e-16 * np.abs(f)
        x, f, g = xn, fn, gn
        if not active.any():
            break
    return x, it


def _coh_batch(Vs: NDArray[np.float64], lines: bool) -> NDArray[np.float64]:
    """Coherence (points: largest cosine) of each frame of a stack ``(B, dim, n)`` with unit
    columns."""
    G = _gram_stack(Vs)
    n = G.shape[1]
    iu = np.triu_indices(n, 1)
    g = G[:, iu[0], iu[1]]
    return np.abs(g).max(axis=1) if lines else g.max(axis=1)


_LSE_STEPS = (30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0)
_WARM_POOL = 16  # sub-packings of one offset polished together (see pack's warm starts)


def _above(value: float, rel: float | None) -> float:
    """``value`` plus a relative margin of ``max(|value|, 0.01)`` (positive also for points with
    value <= 0); ``inf`` when there is no value yet or no margin (``rel`` None)."""
    if rel is None or value == math.inf:
        return math.inf
    return value + rel * max(abs(value), 0.01)


def _lse_polish(Vs: NDArray[np.float64], lines: bool, maxiter: int, abandon_above: float = math.inf,
                deadline: float = math.inf, cut: list[bool] | None = None
                ) -> tuple[NDArray[np.float64], NDArray[np.float64], int, NDArray[np.float64]]:
    """Stage 2 on a stack of frames ``(B, dim, n)``: L-BFGS on the smooth max with a continuation
    in p (``p = c / value**2``, points ``c / |value|``, for c in ``_LSE_STEPS``).

    Returns the best frame seen for each row, its value, the iterations summed over the rows,
    and each row's value after the second step (the screening value). A row whose screening
    value is above ``abandon_above`` stops there. Past ``deadline`` (a ``time.perf_counter``
    value) no L-BFGS iteration starts: the rows end where they are, and ``True`` is appended to
    ``cut`` (if given).
    """
    B, dim, n = Vs.shape
    X = Vs.reshape(B, dim * n).copy()
    best = Vs / np.linalg.norm(Vs, axis=1, keepdims=True)
    best_val = _coh_batch(best, lines)
    screen = np.full(B, math.inf)
    live = np.arange(B)
    cur = best_val.copy()  # value of each live row's current frame
    its = 0
    for step, c in enumerate(_LSE_STEPS):
        if time.perf_counter() > deadline:
            if cut is not None:
                cut.append(True)
            break
        if step == 2:
            screen[live] = cur
            keep = cur <= abandon_above
            live, cur = live[keep], cur[keep]
            if live.size == 0:
                break
        p = c / np.maximum(cur * cur, 1e-6) if lines else c / np.maximum(np.abs(cur), 1e-3)
        Xl, it = _lbfgs_batch(lambda x, rows, p=p: _lse_batch(x, dim, n, lines, p[rows]),
                              X[live], maxiter, deadline=deadline, cut=cut)
        its += it * live.size
        X[live] = Xl
        Vl = Xl.reshape(-1, dim, n)
        Vl = Vl / np.linalg.norm(Vl, axis=1, keepdims=True)
        cur = _coh_batch(Vl, lines)
        better = cur < best_val[live]
        best[live[better]] = Vl[better]
        best_val[live[better]] = cur[better]
    return best, best_val, its, screen


def _slp_done(trace: Sequence[float], r: float, lb: float, stall: float, tiny: float, window: int
              ) -> bool:
    """The stopping rule of stage 3 on the values so far (``trace[-1]`` the current one) and the
    trust radius ``r``: the radius has collapsed, the bound ``lb`` is reached, or the last
    ``window`` steps gained less than ``tiny`` (relative), or less than ``stall`` with the second
    half of the window gaining more than a quarter of the first (a steady crawl)."""
    val = trace[-1]
    if r < 1e-12 or val - lb <= 1e-13 * max(1.0, abs(lb)):
        return True
    if len(trace) <= window:
        return False
    scale = max(abs(val), 0.01)
    first = trace[-window - 1] - trace[-window // 2 - 1]
    second = trace[-window // 2 - 1] - val
    return first + second < tiny * scale or (first + second < stall * scale and second > 0.25 * first)


def _highs_run(h: Any) -> None:
    """Solve the model held by the HiGHS instance ``h`` (one place, so tests can time it)."""
    h.run()


def _slp_polish(V: NDArray[np.float64], lines: bool, iters: int, lb: float, stall: float = 1e-6,
                tiny: float = 1e-8, window: int = 20, deadline: float = math.inf,
                cut: list[bool] | None = None) -> tuple[NDArray[np.float64], int]:
    r"""Sequential linear programming on the active pairs with a box trust region.

    Each step solves, for the step :math:`\Delta` of the columns and a level :math:`t`,

    .. math:: \min t \quad\text{s.t.}\quad s_{ij}(G_{ij} + v_j\cdot\delta_i + v_i\cdot\delta_j)
              \le t \ \text{(nearly active pairs)},\quad v_i\cdot\delta_i = 0,\quad
              |\Delta| \le r,

    (``s_ij`` the sign of :math:`G_{ij}` for lines, 1 for points). The LP has one row for every
    pair, an inactive pair's row being left unbounded, so its shape never changes: each solve
    is a HiGHS dual simplex started from the previous step's optimal basis (the coefficients
    move little from step to step; ``benchmarks/packing.py --stage3`` compares it with a fresh
    solve per step).

    Stops early when the last ``window`` iterations gained less than ``tiny`` (relative); when they
    gained less than ``stall`` and the second half of the window gained more than a quarter of
    the first half (a steady crawl, not the fast convergence at a vertex); and when
    the next LP solve would end past ``deadline`` (judged by the last solve's time, so that a
    ``time_limit`` is kept to within a small fraction of a solve, not overrun by one); then
    ``True`` is appended to ``cut`` (if given).
    """
    import highspy

    dim, n = V.shape
    nv = dim * n + 1
    iu, ju = np.triu_indices(n, 1)
    n_pairs = iu.size
    val = _coh(V, lines)
    r = 0.02
    its = 0
    trace = [val]
    t_solve = 0.0  # seconds taken by the last LP solve
    inf = highspy.kHighsInf
    # The fixed sparsity, column-wise. Rows 0..n_pairs-1: s (v_j . dv_i + v_i . dv_j) - t;
    # rows n_pairs..: v_i . dv_i (tangency). Variable d * n + i is dv[d, i]; the last is t.
    d_idx = np.arange(dim)
    rows = np.concatenate([np.repeat(np.arange(n_pairs), 2 * dim + 1),
                           n_pairs + np.repeat(np.arange(n), dim)])
    cols = np.concatenate([
        np.concatenate([d_idx[None, :] * n + iu[:, None], d_idx[None, :] * n + ju[:, None],
                        np.full((n_pairs, 1), nv - 1)], axis=1).ravel(),
        (d_idx[None, :] * n + np.arange(n)[:, None]).ravel()])
    order = np.lexsort((rows, cols))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = nv, n_pairs + n
    lp.col_cost_ = np.r_[np.zeros(nv - 1), 1.0]
    lp.row_lower_ = np.r_[np.full(n_pairs, -inf), np.zeros(n)]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(cols[order], np.arange(nv + 1))
    lp.a_matrix_.index_ = rows[order]
    h = new_highs()
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("presolve", "off")
    basis = None
    for _ in range(iters):
        if _slp_done(trace, r, lb, stall, tiny, window):
            break
        if time.perf_counter() + t_solve > deadline:
            if cut is not None:
                cut.append(True)
            break
        G = V.T @ V
        g = G[iu, ju]
        s = np.sign(g) if lines else np.ones_like(g)
        h_pairs = s * g
        margin = min(4 * r * math.sqrt(dim) + 1e-12, 2.0)
        active = h_pairs >= val - margin
        coef = np.concatenate([s[:, None] * V[:, ju].T, s[:, None] * V[:, iu].T,
                               -np.ones((n_pairs, 1))], axis=1).ravel()
        lp.a_matrix_.value_ = np.concatenate([coef, V.T.ravel()])[order]
        lp.row_upper_ = np.r_[np.where(active, -h_pairs, inf), np.zeros(n)]
        lp.col_lower_ = np.r_[np.full(nv - 1, -r), -inf]
        lp.col_upper_ = np.r_[np.full(nv - 1, r), inf]
        t_start = time.perf_counter()
        h.passModel(lp)
        if basis is not None:
            h.setBasis(basis)
        _highs_run(h)
        t_solve = time.perf_counter() - t_start
        its += 1
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            r /= 2
            basis = None
            continue
        basis = h.getBasis()
        x = np.asarray(h.getSolution().col_value)
        dV = x[:-1].reshape(dim, n)
        Vn = _normalize(V + dV)
        vn = _coh(Vn, lines)
        if vn < val:
            pred = val - x[-1]
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


def _fixed_space_holds(fixed: int, r: int, dim: int) -> bool:
    """Whether the ``r`` remaining vectors of an orbit start are drawn from the fixed space of
    ``U`` (of dimension ``fixed``): there are some, the space is not all of R^dim (then it
    would be the same draw), and it can hold them as distinct lines (dimension >= 2, or one
    vector)."""
    return r > 0 and fixed < dim and (fixed >= 2 or (r == 1 and fixed >= 1))


def _orbit_types(dim: int, n: int, k: int) -> list[tuple[tuple[int, ...], bool]]:
    """The kinds of orbit start of order ``k`` (capped at ``n``) for ``n`` lines in R^dim: the
    exponent patterns ``a`` of the maps ``U = Q diag(R(2 pi a_1 / k), ..., R(2 pi a_h / k)
    [, 1]) Q^T`` (``h = dim // 2``) up to what does not change the frames ``U`` generates, each
    with where the ``n mod k`` remaining vectors come from (``True``: the fixed space of ``U``).

    Two patterns give the same random frames when they differ by an order of the planes, by
    ``a_b -> k - a_b`` (a rotation conjugated by a reflection) or by ``a -> u a`` for ``u`` prime
    to ``k`` (the same cyclic group): each class is listed once, by its smallest member with
    ``0 <= a_b <= k / 2``, sorted. Maps with ``U^j = +-I`` for some ``0 < j < k``, ``U = I``
    among them, are kept: their orbits repeat each line ``k / j`` times (``U^j x`` equals
    ``+-x`` only up to rounding), and stage 2 pulls the copies apart, a start of clustered lines
    that reaches basins the others miss in R^3. With 64 starts of each kind (stage 2), of those
    that came within 0.1% of Sloane's table for 29 lines, 3 of the 5 of orders 4 and 6 had
    repeated lines (``k = 6, a = (3,)``: an involution, each line three times), and ``U = I``
    with ``k = 2, 3, 5`` (clusters of ``k`` copies) hit 5 times in 384 starts, the other kind of
    order 5 never in 128; for 14 lines, 2 of the 3 hits of orders 4 and 6, and 6 hits of
    ``U = I`` in 384 starts against none in 384 of the other kinds of orders 2 and 5.
    The fixed space is offered when ``_fixed_space_holds``.

    >>> _orbit_types(4, 8, 2)
    [((0, 0), False), ((0, 1), False), ((1, 1), False)]
    >>> _orbit_types(4, 9, 2)
    [((0, 0), False), ((0, 1), True), ((0, 1), False), ((1, 1), False)]
    >>> sorted(set(a for a, _ in _orbit_types(6, 27, 5)))
    [(0, 0, 0), (0, 0, 1), (0, 1, 1), (0, 1, 2), (1, 1, 1), (1, 1, 2)]
    """
    k = min(k, n)
    h = dim // 2
    units = [u for u in range(1, k) if math.gcd(u, k) == 1]
    r = n % k
    kinds: list[tuple[tuple[int, ...], bool]] = []
    for a in itertools.combinations_with_replacement(range(k // 2 + 1), h):
        if min(tuple(sorted(min(u * x % k, k - u * x % k) for x in a)) for u in units) != a:
            continue
        if _fixed_space_holds(2 * a.count(0) + dim % 2, r, dim):
            kinds.append((a, True))
        kinds.append((a, False))
    return kinds


def _orbit_start(dim: int, n: int, k: int, a: Sequence[int], invariant: bool,
                 g: np.random.Generator) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A frame of ``n`` unit vectors invariant under a random orthogonal map ``U`` with
    ``U^k = I``.

    ``U = Q diag(R(2 pi a_1 / k), ..., R(2 pi a_h / k) [, 1]) Q^T`` with ``Q`` Haar-random,
    ``R`` the plane rotations and the exponents ``a`` given (``h = dim // 2`` of them; see
    ``_orbit_types``); the frame is ``n // k`` orbits ``x, U x, ..., U^(k-1) x`` of Gaussian
    ``x`` and ``n mod k`` further vectors, drawn from the fixed space of ``U`` when
    ``invariant`` and ``_fixed_space_holds``, otherwise from all of R^dim. Returns the frame
    ``(dim, n)`` and ``U``.
    """
    k = min(k, n)
    h = dim // 2
    a = np.asarray(a, dtype=int)
    if a.shape != (h,):
        raise ValueError(f"a must hold dim // 2 = {h} exponents, got {a.tolist()}")
    D = np.zeros((dim, dim))
    ang = 2 * np.pi * a / k
    c, s_ = np.cos(ang), np.sin(ang)
    i0 = 2 * np.arange(h)
    D[i0, i0], D[i0, i0 + 1], D[i0 + 1, i0], D[i0 + 1, i0 + 1] = c, -s_, s_, c
    fixed = sorted([*i0[a % k == 0], *(i0[a % k == 0] + 1)] + ([dim - 1] if dim % 2 else []))
    if dim % 2:
        D[-1, -1] = 1.0
    Q = np.linalg.qr(g.standard_normal((dim, dim)))[0]
    U = Q @ D @ Q.T
    cols = []
    for _ in range(n // k):
        x = g.standard_normal(dim)
        for _ in range(k):
            cols.append(x)
            x = U @ x
    r = n - len(cols)
    F = Q[:, fixed] if invariant and _fixed_space_holds(len(fixed), r, dim) else np.eye(dim)
    for _ in range(r):
        cols.append(F @ g.standard_normal(F.shape[1]))
    return _normalize(np.array(cols).T), U


def _round_cost(costs: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """``(fixed, per_start)`` seconds of a round's stages 1 and 2, fitted to ``costs`` (the
    ``(starts, seconds)`` of the rounds so far): the line through the last round and the latest
    earlier round of another size, or the last round's time per start (``fixed = 0``) when
    there is no such round or the line does not rise. ``per_start`` is positive (at least
    1e-9 s), so that it can divide the time left.

    Stage 2 runs its iterations on all the frames of a round at once, so its time is about a
    fixed cost per iteration plus a cost per frame. The last round's time per start, used alone,
    counts the fixed cost as spread over that round's frames, and so underestimates a smaller
    round: the last round of a ``time_limit``, cut to the time left.

    >>> _round_cost([(8, 1.5), (16, 2.0), (32, 3.0)])
    (1.0, 0.0625)
    >>> _round_cost([(8, 2.0)])
    (0.0, 0.25)
    """
    m2, t2 = costs[-1]
    for m1, t1 in reversed(costs[:-1]):
        if m1 != m2:
            per = (t2 - t1) / (m2 - m1)
            if per > 0:
                return max(t2 - per * m2, 0.0), per
            break
    return 0.0, max(t2 / m2, 1e-9)


def _blas_limit(threads: int | None) -> contextlib.AbstractContextManager[object]:
    """Limit BLAS threads inside the block (no-op for None).

    threadpoolctl only limits the BLAS libraries already loaded when the block is entered, and
    SciPy ships its own OpenBLAS (L-BFGS-B and HiGHS call it): the SciPy modules the stages use
    are imported first, so that library is limited too (on matrices this small, extra threads
    mostly add synchronisation).
    """
    if threads is None:
        return contextlib.nullcontext()
    import scipy.optimize  # noqa: F401  (loads SciPy's BLAS before the limit is set)
    import scipy.sparse  # noqa: F401
    import threadpoolctl

    return threadpoolctl.threadpool_limits(limits=threads, user_api="blas")


def _int_tuple(value: Sequence[int], name: str, minimum: int, when: str, required: bool
               ) -> tuple[int, ...]:
    """``value`` as a tuple of integers ``>= minimum``, non-empty when ``required``; ``when``
    states the condition that requires it, for the error message."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValueError(f"{name} must be a sequence of integers >= {minimum}, got {value!r}")
    out = tuple(check_int(v, name, minimum=minimum) for v in value)
    if required and not out:
        raise ValueError(f"{name} must be a non-empty sequence of integers >= {minimum} when "
                         f"{when}, got {value!r}")
    return out


#: Named settings for callers that need an optimised frame as an ingredient (claims, test
#: dictionaries, capacity): explicit restart caps, so the same seed gives the same frame on any
#: machine. ``"reproducible"`` reaches the known optimum on every case the claims use.
PACK_PRESETS: dict[str, dict[str, Any]] = {
    "reproducible": {"restarts": 32},
    "capacity": {"restarts": 16, "slp_iters": 100},
}


def pack(*, dim: int, n: int, lines: bool = True, rng: int | np.random.Generator | None = 0,
         restarts: int | None = None, time_limit: float | None = None, ap_iters: int = 200,
         lse_iters: int = 150, slp_iters: int = 200, slp_max_vars: int = 3000,
         init: NDArray[np.float64] | None = None, progress: bool = False,
         blas_threads: int | None = 1, lse_cutoff: float | None = 0.002,
         slp_cutoff: float | None = 0.0, slp_same: float = 1e-5, batch: int = 64,
         ap_restarts: int | None = 1, warm_every: int = 6,
         warm_offsets: Sequence[int] = (1, -1), warm_candidates: int = 64, orbit_every: int = 2,
         orbit_orders: Sequence[int] = (2, 3, 4, 5, 6), perturb_every: int = 3,
         perturb_lines: Sequence[int] = (1, 2, 3, 4)) -> Packing:
    r"""Numerically pack ``n`` lines (or points) in :math:`\mathbb{R}^{dim}` with small
    coherence (or largest cosine).

    .. math:: \min_{\lVert w_i\rVert = 1}\ \max_{i\ne j} |\langle w_i, w_j\rangle|
              \qquad(\text{points: } \max_{i\ne j}\langle w_i, w_j\rangle)

    **How long it runs.** Restarts go on until the best value reaches the best lower bound
    (``coherence_lower_bound``; points: ``simplex_bound``) or a proven optimum for ``(dim, n)``
    (``theory/data/geometry_packings.json``) to within 1e-9 relative, or ``time_limit`` seconds
    have passed, or ``restarts`` restarts have run. With neither given the time limit is
    ``default_time_limit(dim, n)`` = :math:`\min(30, \max(5, 0.2\,\mathrm{dim}\, n))` s. An
    explicit ``restarts`` without ``time_limit`` gives the same frame for the same ``rng`` on any
    machine; a run the clock cuts short depends on the machine's speed (``Packing.reproducible``).

    ``Packing.success`` and ``Packing.message`` compare the value with the bound and with the
    case's reference value when there is one (``best_known``: a proven optimum, or the best known
    line packing of Sloane's table [3]_, for comparison only). A value more than 1% above the
    reference, or without one more than 5% above a positive lower bound, raises a
    :class:`~theory.TheoryWarning` advising a longer ``time_limit``.

    Each restart runs three stages and keeps the best frame:

    1. **alternating projection** [1]_ [2]_: clip the Gram off-diagonal to a decreasing target,
       project onto rank-``dim`` PSD matrices with unit diagonal, repeat (first ``ap_restarts``
       restarts only);
    2. **smooth-max descent**: L-BFGS [4]_ on :math:`\tfrac1p\log\sum_{i\ne j} e^{p\,G_{ij}^2}`
       (points: :math:`e^{p\,G_{ij}}`) with a continuation in :math:`p` (``p = c / value^2``,
       points ``c / |value|``, ``c = 30, 100, ..., 10^4``, at most ``lse_iters`` iterations each);
    3. **sequential linear programming** on the nearly-active pairs, an exact minimax polish
       with a trust region, when ``dim * n <= slp_max_vars``: each LP is a HiGHS dual simplex
       started from the previous step's basis; it stops at the time limit or on a steady crawl.

    **Rounds.** Restarts run in rounds of 8, 16, 32, ... up to ``batch`` starts; stage 2 runs
    on a whole round at once (an L-BFGS for a stack of independent frames), so Python's
    per-iteration overhead is paid once per round. With a time limit a round is shortened to the
    starts expected to fit, from a cost per start fitted to earlier rounds.

    **Screening.** After two continuation steps of stage 2 a frame more than ``lse_cutoff``
    (relative) above the best value earlier rounds had at that point stops. Stage 3 runs only on a
    frame within ``slp_cutoff`` of the best stage-2 value (by default: a new best) that is not
    within ``slp_same`` of a value already polished (the same basin found again).

    **Start kinds.** Besides random frames:

    - *warm starts* (every ``warm_every``-th restart): a quick packing of ``n + d`` vectors
      (``d`` from ``warm_offsets``) with ``d`` columns deleted greedily (``d > 0``) or ``-d``
      appended greedily from ``warm_candidates`` random vectors (``d < 0``): some best packings
      are a larger one minus a line [3]_;
    - *orbit starts* (every ``orbit_every``-th other restart): frames invariant under a random
      orthogonal map :math:`U = Q\,\mathrm{diag}(R(2\pi a_1/k), \dots)Q^\top` with
      :math:`U^k = I`, ``k`` from ``orbit_orders``, one class of cyclic groups after another;
      the smooth max keeps the symmetry, so stage 2 searches symmetric frames (group frames
      [5]_);
    - *perturbation starts* (every ``perturb_every``-th, from the second round on): the best
      frame with ``q`` columns (from ``perturb_lines``) redrawn, an iterated local search [6]_.

    All decisions depend on values only, so the same ``rng`` gives the same result. Measured
    effects of each part are in ``docs/geometry.md`` (``benchmarks/packing.py``).

    Parameters
    ----------
    dim, n : int
        ``dim >= 1``, ``n >= 2``.
    lines : bool
        Minimise coherence (lines) or the largest signed cosine (points, spherical codes).
    rng : Generator or int seed
        Random starting frames come only from this generator.
    restarts : int, optional
        Largest number of restarts (``>= 1``; default: no cap).
    time_limit : float, optional
        Seconds for the whole run (default: none when ``restarts`` is given, else
        ``default_time_limit(dim, n)``). The first round always finishes stage 2.
    ap_iters, lse_iters, slp_iters : int
        Iteration budgets of the three stages (``lse_iters`` per continuation step).
    slp_max_vars : int
        Skip stage 3 when ``dim * n`` is larger.
    init : ndarray, shape (dim, n), optional
        Starting frame of the first restart.
    progress : bool
        Show a tqdm progress bar on stderr with the best value so far.
    blas_threads : int or None
        BLAS threads while packing (threadpoolctl); ``None`` leaves the setting alone. The
        matrices are small, so extra threads mostly add synchronisation.
    ap_restarts : int or None
        How many restarts (the first ones) run stage 1 (``None``: all).
    lse_cutoff, slp_cutoff : float or None
        Relative margins of the screening (``None``: every restart runs every stage), taken of
        ``max(|best|, 0.01)``.
    slp_same : float
        Stage-2 values this close (relative) to one already polished are not polished again.
    batch : int
        Largest number of starts in a round (``>= 1``).
    warm_every, orbit_every, perturb_every : int
        Frequencies of the start kinds (``0``: none).
    warm_offsets : sequence of int
        The offsets ``d`` (non-zero, ``n + d >= 1``) of the warm starts, in turn.
    warm_candidates : int
        Random candidates per appended column (``d < 0``).
    orbit_orders : sequence of int
        The orders ``k >= 2`` of the orbit starts' maps, in turn (capped at ``n``).
    perturb_lines : sequence of int
        How many columns (``>= 1``, capped at ``n``) the perturbation starts redraw, in turn.

    Returns
    -------
    Packing
        With ``success``, ``message``, ``best_known``, ``best_known_source``,
        ``reproducible`` and ``stopped`` (see :class:`Packing`).

    Warns
    -----
    TheoryWarning
        When the value is more than 1% above ``best_known``, or, with no ``best_known``, more
        than 5% above a positive lower bound.

    Examples
    --------
    >>> P = pack(dim=3, n=6, rng=0)   # six lines: the icosahedron's diagonals, an ETF
    >>> round(P.value, 6), round(P.bound.value, 6), P.success, P.stopped
    (0.447214, 0.447214, True, 'bound')
    >>> P.message
    'reached the best lower bound (welch): optimal'
    >>> Q = pack(dim=4, n=9, rng=0, restarts=2)   # a case of Sloane's table
    >>> Q.best_known_source.startswith("Sloane's table"), Q.success, Q.reproducible
    (True, True, True)

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
    .. [4] Liu, D. C. and Nocedal, J. (1989). "On the limited memory BFGS method for large scale
       optimization." Math. Program. 45, 503-528. doi:10.1007/BF01589116
    .. [5] Vale, R. and Waldron, S. (2005). "Tight frames and their symmetries." Constr.
       Approx. 21(1), 83-112. doi:10.1007/s00365-004-0560-y
    .. [6] Lourenço, H. R., Martin, O. C. and Stützle, T. (2003). "Iterated local search."
       In Handbook of Metaheuristics (F. Glover and G. Kochenberger, eds.), Kluwer,
       321-353. doi:10.1007/0-306-48056-5_11
    """
    lines = check_bool(lines, "lines")
    progress = check_bool(progress, "progress")
    dim = check_int(dim, "dim", minimum=1)
    n = check_int(n, "n", minimum=2)
    if restarts is not None:
        restarts = check_int(restarts, "restarts", minimum=1)
    ap_iters = check_int(ap_iters, "ap_iters", minimum=0)
    lse_iters = check_int(lse_iters, "lse_iters", minimum=0)
    slp_iters = check_int(slp_iters, "slp_iters", minimum=0)
    slp_max_vars = check_int(slp_max_vars, "slp_max_vars", minimum=0)
    if time_limit is not None:
        time_limit = check_real(time_limit, "time_limit", minimum=0, strict_min=True)
    elif restarts is None:
        time_limit = default_time_limit(dim, n)
    cap = restarts
    restarts = _UNBOUNDED if restarts is None else restarts
    lines = bool(lines)
    if blas_threads is not None:
        blas_threads = check_int(blas_threads, "blas_threads", minimum=1)
    if ap_restarts is not None:
        ap_restarts = check_int(ap_restarts, "ap_restarts", minimum=0)
    if lse_cutoff is not None:
        lse_cutoff = check_real(lse_cutoff, "lse_cutoff", minimum=0)
    if slp_cutoff is not None:
        slp_cutoff = check_real(slp_cutoff, "slp_cutoff", minimum=0)
    slp_same = check_real(slp_same, "slp_same", minimum=0)
    batch = check_int(batch, "batch", minimum=1)
    warm_every = check_int(warm_every, "warm_every", minimum=0)
    warm_candidates = check_int(warm_candidates, "warm_candidates", minimum=1)
    if isinstance(warm_offsets, (str, bytes)) or not isinstance(warm_offsets, Sequence):
        raise ValueError(f"warm_offsets must be a sequence of non-zero integers, got {warm_offsets!r}")
    warm_offsets = tuple(check_int(d, "warm_offsets", minimum=1 - n) for d in warm_offsets)
    if warm_every and (not warm_offsets or 0 in warm_offsets):
        raise ValueError("warm_offsets must be a non-empty sequence of non-zero integers n + d >= 1 "
                         f"when warm_every > 0, got {warm_offsets!r}")
    orbit_every = check_int(orbit_every, "orbit_every", minimum=0)
    orbit_orders = _int_tuple(orbit_orders, "orbit_orders", 2, "orbit_every > 0", bool(orbit_every))
    perturb_every = check_int(perturb_every, "perturb_every", minimum=0)
    perturb_lines = _int_tuple(perturb_lines, "perturb_lines", 1, "perturb_every > 0",
                               bool(perturb_every))
    g = as_rng(rng)
    if init is not None:
        from theory._validation import check_frame

        init = check_frame(init, "init")
        if init.shape != (dim, n):
            raise ValueError(f"init must have shape (dim, n) = {(dim, n)}, got {init.shape}")
    bound: Bound = coherence_lower_bound(n=n, dim=dim) if lines else simplex_bound(n=n, dim=dim)
    lb = bound.value
    ref = _reference_table().get((dim, n, lines))
    if lines and n <= dim:  # orthonormal columns: coherence 0, nothing to optimise
        t0 = time.perf_counter()
        V = np.linalg.qr(g.standard_normal((dim, n)))[0][:, :n]
        val = _coh(V, lines)
        secs = time.perf_counter() - t0
        return Packing(V, val, bound, float(val - lb), lines, 0, 1, secs, [val], secs, True,
                       "n <= dim: orthonormal columns, coherence 0: optimal",
                       ref[0] if ref else None, ref[1] if ref else None, True, "bound")
    proven = ref[0] if ref is not None and ref[2] else None
    cut: list[bool] = []  # True appended whenever the time limit cuts something short
    bar = _Progress(cap, time_limit, lb) if progress else None
    with _blas_limit(blas_threads):
        t0 = time.perf_counter()
        deadline = t0 + time_limit if time_limit is not None else math.inf
        best: NDArray[np.float64] | None = None
        best_val = math.inf
        its = 0
        hist: list[float] = []
        done = 0
        t_best = math.nan
        sub_screen: dict[int, float] = {}  # best screening value of the sub-packings, per offset
        best_screen = math.inf  # best value after the second continuation step of stage 2
        best_v2 = math.inf  # best value after stage 2 (before stage 3)
        polished: list[float] = []  # stage-2 values of the frames stage 3 has polished

        def stage2(starts: list[NDArray[np.float64]], until: float
                   ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
            """Stage 2 on a stack of starts, screened against the earlier rounds; no iteration
            starts after ``until``."""
            nonlocal its, best_screen
            cut_at = _above(best_screen, lse_cutoff)
            Vs, vals, it, screen = _lse_polish(np.stack(starts), lines, lse_iters,
                                               abandon_above=cut_at, deadline=until, cut=cut)
            its += it
            best_screen = min(best_screen, float(screen.min()))
            return Vs, vals

        def stage3(V: NDArray[np.float64], v2: float) -> NDArray[np.float64]:
            """SLP polish, unless the frame cannot win or its basin was polished already."""
            nonlocal its, best_v2
            cut_at = _above(best_v2, slp_cutoff)
            best_v2 = min(best_v2, v2)
            seen = any(abs(v2 - q) <= slp_same * max(abs(q), 0.01) for q in polished)
            if dim * n <= slp_max_vars and slp_iters and v2 <= cut_at and not seen:
                polished.append(v2)
                V, it3 = _slp_polish(V, lines, slp_iters, lb, deadline=deadline, cut=cut)
                its += it3
            return V

        pool: dict[int, list[NDArray[np.float64] | None]] = {}  # polished sub-packings, per offset

        def warm(first: int, count: int, until: float) -> list[NDArray[np.float64] | None]:
            """Starts from quick packings of ``n + d`` vectors, cut or extended to ``n``, for the
            warm restarts ``first, ..., first + count - 1`` (numbered among the warm restarts;
            restart ``i`` takes the offset ``warm_offsets[i % len(warm_offsets)]``).

            The sub-packings of an offset are polished up to ``_WARM_POOL`` at a time and kept for
            the next rounds: stage 2 costs about the same for 2 frames as for 16 (its cost per
            iteration is mostly fixed), and a round needs only a few of each offset. No more are
            polished than the remaining warm restarts (up to ``restarts``) can use."""
            nonlocal its
            offsets = [warm_offsets[i % len(warm_offsets)] for i in range(first, first + count)]
            n_slots = len(range(max(warm_every - 1, 1), restarts, warm_every))  # warm restarts
            last = min(n_slots, first + len(warm_offsets) * min(_WARM_POOL, batch))
            future = [warm_offsets[i % len(warm_offsets)] for i in range(first, last)]
            for d in sorted(set(offsets)):
                need = offsets.count(d)
                have = pool.setdefault(d, [])
                m = n + d
                if len(have) >= need:
                    continue
                extra = max(need, min(_WARM_POOL, batch, future.count(d))) - len(have)
                if lines and m <= dim:
                    have.extend(np.linalg.qr(g.standard_normal((dim, m)))[0][:, :m]
                                for _ in range(extra))
                    continue
                prev = sub_screen.get(d, math.inf)
                cut_at = _above(prev, lse_cutoff)
                Ws, _, it, scr = _lse_polish(np.stack([_normalize(g.standard_normal((dim, m)))
                                                       for _ in range(extra)]),
                                             lines, lse_iters, abandon_above=cut_at,
                                             deadline=until, cut=cut)
                its += it
                # A poor sub-packing is not worth cutting: its restart is dropped.
                have.extend(W if si <= cut_at else None for W, si in zip(Ws, scr, strict=True))
                sub_screen[d] = min(float(scr.min()), prev)
            out: list[NDArray[np.float64] | None] = []
            for d in offsets:
                W = pool[d].pop(0)
                if W is not None:
                    W = _drop_lines(W, d, lines) if d > 0 else _add_lines(W, -d, lines, g,
                                                                         warm_candidates)
                out.append(W)
            return out

        k = 0
        size = min(8, batch)
        costs: list[tuple[int, float]] = []  # (starts, seconds in stages 1 and 2) of each round
        n_warm = 0
        n_orbit = 0
        # The kinds of orbit start of each order, taken in turn: one order after the other, and
        # within an order its kinds in turn.
        orbit_kinds = [(q, _orbit_types(dim, n, q)) for q in orbit_orders] if orbit_every else []
        n_perturb = 0
        finished = False
        stopped = "restarts"
        while k < restarts and not finished:
            m_round = min(size, restarts - k)
            if time_limit is not None and costs:  # after the first round: the time left decides
                fixed, per = _round_cost(costs)
                fit = math.floor((time_limit - (time.perf_counter() - t0) - fixed) / per)
                if fit < 1:  # also when the time is up
                    stopped = "time"
                    cut.append(True)
                    break
                if fit < m_round:
                    cut.append(True)
                    m_round = fit
            t_round = time.perf_counter()
            t_warm = 0.0
            until = deadline if k > 0 else math.inf  # the first round always finishes stage 2
            starts: list[NDArray[np.float64] | None] = []
            warm_slots: list[int] = []
            for j in range(k, k + m_round):
                if j == 0 and init is not None:
                    starts.append(_normalize(np.array(init, dtype=float)))
                elif warm_every and j > 0 and j % warm_every == warm_every - 1:
                    starts.append(None)
                    warm_slots.append(j - k)
                elif best is not None and perturb_every and j % perturb_every == perturb_every - 1:
                    q = min(perturb_lines[n_perturb % len(perturb_lines)], n)
                    W = best.copy()
                    W[:, g.choice(n, q, replace=False)] = g.standard_normal((dim, q))
                    starts.append(_normalize(W))
                    n_perturb += 1
                elif orbit_kinds and j > 0 and j % orbit_every == orbit_every - 1:
                    order, kinds = orbit_kinds[n_orbit % len(orbit_kinds)]
                    a, invariant = kinds[(n_orbit // len(orbit_kinds)) % len(kinds)]
                    starts.append(_orbit_start(dim, n, order, a, invariant, g)[0])
                    n_orbit += 1
                else:
                    starts.append(_normalize(g.standard_normal((dim, n))))
            if warm_slots:
                t_warm = time.perf_counter()
                for i, W in zip(warm_slots, warm(n_warm, len(warm_slots), until),
                                    strict=True):
                    starts[i] = W
                n_warm += len(warm_slots)
                t_warm = time.perf_counter() - t_warm
            for i, V in enumerate(starts):
                if V is not None and (ap_restarts is None or k + i < ap_restarts):
                    starts[i] = _alternating_projection(V, lines, lb, ap_iters)
                    its += ap_iters
            live = [i for i, V in enumerate(starts) if V is not None]
            frames: list[NDArray[np.float64] | None] = [None] * m_round
            v2s = [math.inf] * m_round
            if live:
                Vs, vals = stage2([starts[i] for i in live], until)  # type: ignore[misc]
                for i, V, v in zip(live, Vs, vals, strict=True):
                    frames[i], v2s[i] = V, float(v)
            costs.append((m_round, time.perf_counter() - t_round - t_warm))
            for i in sorted(range(m_round), key=lambda i: (v2s[i], i)):
                V = frames[i]
                if V is not None:
                    V = stage3(V, v2s[i])
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
                if bar is not None:
                    bar.update(done, best_val)
                if _reached(best_val, lb) or (proven is not None and _reached(best_val, proven)):
                    finished = True
                    stopped = "bound" if _reached(best_val, lb) else "optimum"
                    break
            k += m_round
            size = min(2 * size, batch)
        if not finished and k < restarts:
            stopped = "time"
    if bar is not None:
        bar.close()
    assert best is not None
    gap = float((best_val - lb) / lb if lb > 0 else best_val - lb)
    success, message, warn = _verdict(best_val, bound, gap, ref, stopped, time_limit, restarts)
    if warn:
        warnings.warn(f"pack(dim={dim}, n={n}{'' if lines else ', lines=False'}): {message}",
                      TheoryWarning, stacklevel=2)
    return Packing(best, best_val, bound, gap, lines, its, done, time.perf_counter() - t0, hist,
                   t_best, success, message, ref[0] if ref else None, ref[1] if ref else None,
                   not cut, stopped)
