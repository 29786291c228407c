"""The packing solver: rounds of restarts, each start run through the local stages, under a budget.

:class:`PackingSolver` holds the problem, its strategies (stages, start kinds, budget) and an
explicit :class:`SolverState`; :meth:`PackingSolver.solve` runs it and returns a
:class:`SolverResult`. Every strategy can be replaced by passing another object, which is how the
tests observe and steer the solver.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._validation import as_rng
from theory.geometry._packing.budget import UNBOUNDED, Budget, round_cost
from theory.geometry._packing.objective import coherence, normalize
from theory.geometry._packing.options import PackOptions
from theory.geometry._packing.report import reference_table
from theory.geometry._packing.restarts import (
    START_KINDS,
    OrbitStart,
    PerturbationStart,
    RandomStart,
    StartSchedule,
    WarmStart,
    above,
)
from theory.geometry._packing.stages import AlternatingProjection, SLPPolish, SmoothMaxDescent
from theory.geometry.bounds import coherence_lower_bound, simplex_bound

__all__ = ["PackingSolver", "SolverResult", "SolverState", "blas_limit"]

Frame = NDArray[np.float64]
#: The public name of each kind of start (``pack(starts=...)``, ``Packing.start_kinds``).
PUBLIC_KIND = {"init": "init", **{v: k for k, v in START_KINDS.items()}}


def blas_limit(threads: int | None) -> contextlib.AbstractContextManager[object]:
    """Limit BLAS threads inside the block (no-op for None).

    threadpoolctl only limits the BLAS libraries already loaded when the block is entered, and
    SciPy ships its own OpenBLAS (HiGHS calls it): the SciPy modules are imported first, so that
    library is limited too (on matrices this small, extra threads mostly add synchronisation).
    """
    if threads is None:
        return contextlib.nullcontext()
    import scipy.optimize  # noqa: F401  (loads SciPy's BLAS before the limit is set)
    import scipy.sparse  # noqa: F401
    import threadpoolctl

    return threadpoolctl.threadpool_limits(limits=threads, user_api="blas")


@dataclass
class SolverState:
    """What the rounds share: the best frame so far and what the screening compares with."""

    best: Frame | None = None
    best_val: float = math.inf
    iterations: int = 0
    done: int = 0  # restarts scored
    started: int = 0  # restarts started (rounds run)
    history: list[float] = field(default_factory=list)
    t_best: float = math.nan
    best_screen: float = math.inf  # best value after the second continuation step of stage 2
    best_v2: float = math.inf  # best value after stage 2 (before stage 3)
    polished: list[float] = field(default_factory=list)  # stage-2 values of the frames polished
    stopped: str = "restarts"
    rounds: int = 0  # rounds run
    kinds: dict[str, int] = field(default_factory=dict)  # restarts scored, by public kind of start


@dataclass(frozen=True)
class SolverResult:
    """The outcome of :meth:`PackingSolver.solve` (``message`` set only for a case solved in closed
    form)."""

    frame: Frame
    value: float
    iterations: int
    restarts: int
    seconds: float
    history: list[float]
    seconds_to_best: float
    stopped: str
    reproducible: bool
    message: str | None = None
    start_kinds: dict[str, int] = field(default_factory=dict)


class PackingSolver:
    """Pack ``n`` lines (or points) in R^dim: the solver behind :func:`~theory.geometry.pack`.

    The arguments are validated by ``pack``. ``lb`` is the best lower bound and ``proven`` a proven
    optimum (or ``None``): reaching either ends the run. The strategies default to what
    ``options`` configures; any of them may be given instead: ``projection``, ``descent``,
    ``polish`` (the stages), ``warm``, ``orbit``, ``perturb``, ``random`` (the start kinds),
    ``cost`` (the round-cost model of the :class:`Budget`), ``progress`` (called with the restarts
    done and the best value after each restart). ``starts`` (kind names of ``StartSchedule``, e.g.
    ``("orbit", "perturb")``) replaces the schedule of ``options`` by that cycle. ``on_round`` is
    called after each round with the round's index, the state and the seconds elapsed; a true
    return value ends the run (``stopped == "callback"``). A solver runs once: :meth:`solve`
    advances its ``state`` and the stateful start strategies.
    """

    def __init__(
        self,
        dim: int,
        n: int,
        *,
        lines: bool,
        lb: float,
        rng: np.random.Generator,
        restarts: int | None = None,
        time_limit: float | None = None,
        init: Frame | None = None,
        options: PackOptions | None = None,
        proven: float | None = None,
        progress: Callable[[int, float], None] | None = None,
        starts: Sequence[str] | None = None,
        on_round: Callable[[int, SolverState, float], object] | None = None,
        projection: AlternatingProjection | None = None,
        descent: SmoothMaxDescent | None = None,
        polish: SLPPolish | None = None,
        warm: WarmStart | None = None,
        orbit: OrbitStart | None = None,
        perturb: PerturbationStart | None = None,
        random: RandomStart | None = None,
        cost: Callable[[Sequence[tuple[int, float]]], tuple[float, float]] = round_cost,
    ) -> None:
        o = options if options is not None else PackOptions()
        self.dim, self.n, self.lines, self.lb, self.proven = dim, n, lines, lb, proven
        self.g, self.init, self.options = rng, init, o
        self.restarts, self.time_limit, self.cost = restarts, time_limit, cost
        self.progress, self.on_round = progress, on_round
        stages = o.stages()
        self.projection = projection if projection is not None else stages.projection
        self.descent = descent if descent is not None else stages.descent
        self.polish = polish if polish is not None else stages.polish
        self.schedule = StartSchedule(
            init is not None, o.warm_every, o.perturb_every, o.orbit_every, tuple(starts) if starts else ()
        )
        cap = UNBOUNDED if restarts is None else restarts
        slots = self.schedule.warm_count(cap)
        self.warm = (
            warm
            if warm is not None
            else WarmStart(
                dim,
                n,
                lines,
                o.warm_offsets,
                candidates=o.warm_candidates,
                descent=self.descent,
                cutoff=o.lse_cutoff,
                slots=slots,
                batch=o.batch,
            )
        )
        self.orbit = (
            orbit
            if orbit is not None
            else (OrbitStart(dim, n, o.orbit_orders) if self.schedule.uses("orbit") else None)
        )
        self.perturb = perturb if perturb is not None else PerturbationStart(o.perturb_lines)
        self.random = random if random is not None else RandomStart(dim, n)
        self.state = SolverState()

    @classmethod
    def for_problem(
        cls, dim: int, n: int, *, lines: bool = True, rng: int | np.random.Generator | None = 0, **kwargs: Any
    ) -> PackingSolver:
        """A solver for ``(dim, n, lines)`` with the best lower bound and the proven optimum (if
        any) that :func:`~theory.geometry.pack` uses; ``kwargs`` as for the constructor (no
        validation: ``pack`` is the checked entry point)."""
        bound = coherence_lower_bound(n=n, dim=dim) if lines else simplex_bound(n=n, dim=dim)
        ref = reference_table().get((dim, n, lines))
        proven = ref[0] if ref is not None and ref[2] else None
        return cls(dim, n, lines=lines, lb=bound.value, rng=as_rng(rng), proven=proven, **kwargs)

    # -- one round ----------------------------------------------------------------------------
    def _starts(self, first: int, m: int, until: float, budget: Budget) -> tuple[list[Frame | None], list[str], float]:
        """The starts of restarts ``first .. first + m - 1`` (``None``: a dropped warm start), their
        kinds and the seconds the warm starts took."""
        s, g = self.state, self.g
        starts: list[Frame | None] = []
        kinds: list[str] = []
        warm_slots: list[int] = []
        for j in range(first, first + m):
            kind = self.schedule.kind(j, s.best is not None)
            if kind == "init":
                starts.append(normalize(np.array(self.init, dtype=float)))
            elif kind == "warm":
                starts.append(None)
                warm_slots.append(j - first)
            elif kind == "perturb":
                assert s.best is not None
                starts.append(self.perturb(s.best, g))
            elif kind == "orbit" and self.orbit is not None:
                starts.append(self.orbit(g))
            else:
                kind = "random"
                starts.append(self.random(g))
            kinds.append(PUBLIC_KIND[kind])
        t_warm = 0.0
        if warm_slots:
            t_warm = budget.clock()
            for i, W in zip(warm_slots, self.warm(len(warm_slots), g, until, budget.cut), strict=True):
                starts[i] = W
            t_warm = budget.clock() - t_warm
        return starts, kinds, t_warm

    def _stage3(self, V: Frame, v2: float, deadline: float, cut: list[bool]) -> Frame:
        """SLP polish, unless the frame cannot win or its basin was polished already."""
        s, o = self.state, self.options
        cut_at = above(s.best_v2, o.slp_cutoff)
        s.best_v2 = min(s.best_v2, v2)
        seen = any(abs(v2 - q) <= o.slp_same * max(abs(q), 0.01) for q in s.polished)
        if self.dim * self.n <= o.slp_max_vars and self.polish.iters and v2 <= cut_at and not seen:
            s.polished.append(v2)
            V, its = self.polish(V, self.lines, self.lb, deadline=deadline, cut=cut)
            s.iterations += its
        return V

    def _score(self, V: Frame | None, budget: Budget, kind: str = "random") -> bool:
        """Count a finished restart (of the public ``kind`` of start); ``True`` when the run has
        reached its target."""
        s = self.state
        s.done += 1
        s.kinds[kind] = s.kinds.get(kind, 0) + 1
        if V is not None:
            val = coherence(V, self.lines)
            if s.best is None or val < s.best_val - 1e-12 * max(1.0, abs(s.best_val)):
                s.best, s.best_val = V, val
                s.t_best = budget.elapsed()
            elif val < s.best_val:
                s.best, s.best_val = V, val
        s.history.append(s.best_val)
        if self.progress is not None:
            self.progress(s.done, s.best_val)
        stop = Budget.stop(s.best_val, self.lb, self.proven)
        if stop is not None:
            s.stopped = stop
            return True
        return False

    def _round(self, m: int, budget: Budget) -> bool:
        """Run one round of ``m`` restarts; ``True`` when the run has reached its target."""
        s, o = self.state, self.options
        first = s.started
        t_round = budget.clock()
        until = budget.deadline if first > 0 else math.inf  # the first round always finishes stage 2
        starts, kinds, t_warm = self._starts(first, m, until, budget)
        for i, V in enumerate(starts):
            if V is not None and (o.ap_restarts is None or first + i < o.ap_restarts):
                starts[i] = self.projection(V, self.lines, self.lb)
                s.iterations += self.projection.iters
        live = [i for i, V in enumerate(starts) if V is not None]
        frames: list[Frame | None] = [None] * m
        v2s = [math.inf] * m
        if live:
            live_starts: list[Frame] = [V for V in starts if V is not None]  # the starts at `live`, in order
            Vs, vals, its, screen = self.descent(
                np.stack(live_starts),
                self.lines,
                abandon_above=above(s.best_screen, o.lse_cutoff),
                deadline=until,
                cut=budget.cut,
            )
            s.iterations += its
            s.best_screen = min(s.best_screen, float(screen.min()))
            for i, V, v in zip(live, Vs, vals, strict=True):
                frames[i], v2s[i] = V, float(v)
        budget.record(m, budget.clock() - t_round - t_warm)
        s.started += m
        for i in sorted(range(m), key=lambda i: (v2s[i], i)):
            V = frames[i]
            if V is not None:
                V = self._stage3(V, v2s[i], budget.deadline, budget.cut)
            if self._score(V, budget, kinds[i]):
                return True
        return False

    # -- the run ------------------------------------------------------------------------------
    def solve(self) -> SolverResult:
        """Run rounds until the target, the restart cap or the time limit ends the run."""
        s, g = self.state, self.g
        if self.lines and self.n <= self.dim:  # orthonormal columns: coherence 0, nothing to optimise
            t0 = time.perf_counter()
            V = np.linalg.qr(g.standard_normal((self.dim, self.n)))[0][:, : self.n]
            val = coherence(V, self.lines)
            secs = time.perf_counter() - t0
            return SolverResult(
                V,
                val,
                0,
                1,
                secs,
                [val],
                secs,
                "bound",
                True,
                "n <= dim: orthonormal columns, coherence 0: optimal",
                {"random": 1},
            )
        with blas_limit(self.options.blas_threads):
            budget = Budget(self.time_limit, self.restarts, self.options.batch, cost=self.cost)
            size = min(8, self.options.batch)
            finished = False
            while s.started < budget.cap and not finished:
                m = budget.fit(size, s.started)
                if m == 0:
                    s.stopped = "time"
                    break
                finished = self._round(m, budget)
                s.rounds += 1
                size = budget.next_size(size)
                stop = self.on_round is not None and self.on_round(s.rounds - 1, s, budget.elapsed())
                if stop and not finished and s.started < budget.cap:  # a run that goes on is stopped
                    s.stopped = "callback"
                    finished = True
            if not finished and s.started < budget.cap:
                s.stopped = "time"
        assert s.best is not None
        return SolverResult(
            s.best,
            s.best_val,
            s.iterations + self.warm.iterations,
            s.done,
            budget.elapsed(),
            s.history,
            s.t_best,
            s.stopped,
            not budget.cut,
            None,
            dict(s.kinds),
        )
