r"""The local stages of the packing solver, each a small frozen object with its own parameters.

- :class:`AlternatingProjection` (stage 1): Tropp et al.'s alternating projection on the Gram matrix.
- :class:`SmoothMaxDescent` (stage 2): batched L-BFGS on the log-sum-exp smooth maximum of the
  squared cosines, with a continuation in its sharpness ``p``.
- :class:`SLPPolish` (stage 3): sequential linear programming on the nearly active pairs with a box
  trust region, an exact minimax polish.

Each keeps a frame feasible (unit columns) and never returns a frame worse than its input.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._solvers import new_highs
from theory.geometry._packing.objective import (
    Clock,
    coherence,
    coherence_batch,
    lbfgs_batch,
    lse_batch,
    normalize,
)

__all__ = ["LSE_STEPS", "AlternatingProjection", "SLPPolish", "SmoothMaxDescent", "run_highs"]

#: The continuation constants ``c`` of stage 2 (``p = c / value**2``; points ``c / |value|``).
LSE_STEPS = (30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0)


@dataclass(frozen=True)
class AlternatingProjection:
    """Stage 1 (Tropp et al. 2005; Dhillon et al. 2008): clip the Gram matrix's off-diagonal to a
    decreasing target, project onto rank-``dim`` PSD matrices with unit diagonal, repeat.

    ``__call__(V, lines, lb)`` returns the best frame seen (never worse than ``V``)."""

    iters: int = 200

    def __call__(self, V: NDArray[np.float64], lines: bool, lb: float) -> NDArray[np.float64]:
        dim, n = V.shape
        best, best_val = V, coherence(V, lines)
        target = best_val
        for _ in range(self.iters):
            G = V.T @ V
            target = max(lb, target - 0.1 * (target - lb)) if lines else target - 0.05 * abs(target - lb)
            H = np.clip(G, -target, target) if lines else np.minimum(G, target)
            np.fill_diagonal(H, 1.0)
            vals, vecs = np.linalg.eigh(H)
            V = normalize((vecs[:, -dim:] * np.sqrt(np.clip(vals[-dim:], 1e-12, None))).T)
            val = coherence(V, lines)
            if val < best_val:
                best, best_val = V, val
            else:
                target = 0.5 * (target + best_val)
        return best


@dataclass(frozen=True)
class SmoothMaxDescent:
    """Stage 2 on a stack of frames ``(B, dim, n)``: L-BFGS on the smooth max with a continuation
    in p (``p = c / value**2``, points ``c / |value|``, for c in ``steps``), at most ``iters``
    iterations per step.

    ``__call__`` returns the best frame seen for each row, its value, the iterations summed over
    the rows, and each row's value after the second step (the screening value). A row whose
    screening value is above ``abandon_above`` stops there. Past ``deadline`` (a ``clock()``
    value) no L-BFGS iteration starts: the rows end where they are, and ``True`` is appended to
    ``cut`` (if given).
    """

    iters: int = 150
    steps: tuple[float, ...] = LSE_STEPS
    clock: Clock = field(default=time.perf_counter, repr=False, compare=False)

    def __call__(
        self,
        Vs: NDArray[np.float64],
        lines: bool,
        abandon_above: float = math.inf,
        deadline: float = math.inf,
        cut: list[bool] | None = None,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], int, NDArray[np.float64]]:
        B, dim, n = Vs.shape
        X = Vs.reshape(B, dim * n).copy()
        best = Vs / np.linalg.norm(Vs, axis=1, keepdims=True)
        best_val = coherence_batch(best, lines)
        screen = np.full(B, math.inf)
        live = np.arange(B)
        cur = best_val.copy()  # value of each live row's current frame
        its = 0
        for step, c in enumerate(self.steps):
            if self.clock() > deadline:
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

            def fg(
                x: NDArray[np.float64], rows: NDArray[np.intp], p: NDArray[np.float64] = p
            ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
                return lse_batch(x, dim, n, lines, p[rows])

            Xl, it = lbfgs_batch(fg, X[live], self.iters, deadline=deadline, cut=cut, clock=self.clock)
            its += it * live.size
            X[live] = Xl
            Vl = Xl.reshape(-1, dim, n)
            Vl = Vl / np.linalg.norm(Vl, axis=1, keepdims=True)
            cur = coherence_batch(Vl, lines)
            better = cur < best_val[live]
            best[live[better]] = Vl[better]
            best_val[live[better]] = cur[better]
        return best, best_val, its, screen


def run_highs(h: Any) -> None:
    """Solve the model held by the HiGHS instance ``h`` (the default ``SLPPolish.solve``)."""
    h.run()


@dataclass(frozen=True)
class SLPPolish:
    r"""Stage 3: sequential linear programming on the active pairs with a box trust region.

    Each step solves, for the step :math:`\Delta` of the columns and a level :math:`t`,

    .. math:: \min t \quad\text{s.t.}\quad s_{ij}(G_{ij} + v_j\cdot\delta_i + v_i\cdot\delta_j)
              \le t \ \text{(nearly active pairs)},\quad v_i\cdot\delta_i = 0,\quad
              |\Delta| \le r,

    (``s_ij`` the sign of :math:`G_{ij}` for lines, 1 for points). The LP has one row for every
    pair, an inactive pair's row being left unbounded, so its shape never changes: each solve
    is a HiGHS dual simplex started from the previous step's optimal basis.

    Stops (:meth:`done`) when the trust radius collapses, the bound is reached, the last
    ``window`` iterations gained less than ``tiny`` (relative), or less than ``stall`` with the
    second half of the window gaining more than a quarter of the first (a steady crawl); and
    when the next LP solve would end past ``deadline`` (judged by the last solve's time on
    ``clock``), appending ``True`` to ``cut`` (if given). ``solve`` runs one HiGHS solve.
    """

    iters: int = 200
    stall: float = 1e-6
    tiny: float = 1e-8
    window: int = 20
    clock: Clock = field(default=time.perf_counter, repr=False, compare=False)
    solve: Callable[[Any], None] = field(default=run_highs, repr=False, compare=False)

    def done(self, trace: Sequence[float], r: float, lb: float) -> bool:
        """The stopping rule on the values so far (``trace[-1]`` the current one) and the trust
        radius ``r``."""
        val = trace[-1]
        if r < 1e-12 or val - lb <= 1e-13 * max(1.0, abs(lb)):
            return True
        w = self.window
        if len(trace) <= w:
            return False
        scale = max(abs(val), 0.01)
        first = trace[-w - 1] - trace[-w // 2 - 1]
        second = trace[-w // 2 - 1] - val
        return first + second < self.tiny * scale or (first + second < self.stall * scale and second > 0.25 * first)

    def __call__(
        self, V: NDArray[np.float64], lines: bool, lb: float, deadline: float = math.inf, cut: list[bool] | None = None
    ) -> tuple[NDArray[np.float64], int]:
        import highspy

        dim, n = V.shape
        nv = dim * n + 1
        iu, ju = np.triu_indices(n, 1)
        n_pairs = iu.size
        val = coherence(V, lines)
        r = 0.02
        its = 0
        trace = [val]
        t_solve = 0.0  # seconds taken by the last LP solve
        inf = highspy.kHighsInf
        # The fixed sparsity, column-wise. Rows 0..n_pairs-1: s (v_j . dv_i + v_i . dv_j) - t;
        # rows n_pairs..: v_i . dv_i (tangency). Variable d * n + i is dv[d, i]; the last is t.
        d_idx = np.arange(dim)
        rows = np.concatenate([np.repeat(np.arange(n_pairs), 2 * dim + 1), n_pairs + np.repeat(np.arange(n), dim)])
        cols = np.concatenate(
            [
                np.concatenate(
                    [d_idx[None, :] * n + iu[:, None], d_idx[None, :] * n + ju[:, None], np.full((n_pairs, 1), nv - 1)],
                    axis=1,
                ).ravel(),
                (d_idx[None, :] * n + np.arange(n)[:, None]).ravel(),
            ]
        )
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
        for _ in range(self.iters):
            if self.done(trace, r, lb):
                break
            if self.clock() + t_solve > deadline:
                if cut is not None:
                    cut.append(True)
                break
            G = V.T @ V
            g = G[iu, ju]
            s = np.sign(g) if lines else np.ones_like(g)
            h_pairs = s * g
            margin = min(4 * r * math.sqrt(dim) + 1e-12, 2.0)
            active = h_pairs >= val - margin
            coef = np.concatenate(
                [s[:, None] * V[:, ju].T, s[:, None] * V[:, iu].T, -np.ones((n_pairs, 1))], axis=1
            ).ravel()
            lp.a_matrix_.value_ = np.concatenate([coef, V.T.ravel()])[order]
            lp.row_upper_ = np.r_[np.where(active, -h_pairs, inf), np.zeros(n)]
            lp.col_lower_ = np.r_[np.full(nv - 1, -r), -inf]
            lp.col_upper_ = np.r_[np.full(nv - 1, r), inf]
            t_start = self.clock()
            h.passModel(lp)
            if basis is not None:
                h.setBasis(basis)
            self.solve(h)
            t_solve = self.clock() - t_start
            its += 1
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                r /= 2
                basis = None
                continue
            basis = h.getBasis()
            x = np.asarray(h.getSolution().col_value)
            dV = x[:-1].reshape(dim, n)
            Vn = normalize(V + dV)
            vn = coherence(Vn, lines)
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
