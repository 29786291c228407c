r"""The budget of the packing solver: how long it runs, how large each round is, and when it stops.

A run ends when the best value reaches the best lower bound or a proven optimum (to within
``BOUND_TOL`` relative), when ``restarts`` restarts have run, or when ``time_limit`` seconds have
passed; with neither a restart cap nor a time limit the limit is :func:`default_time_limit`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from theory._validation import check_int
from theory.geometry._packing.objective import Clock

__all__ = [
    "BOUND_TOL",
    "BUDGET_MAX",
    "BUDGET_MIN",
    "BUDGET_PER",
    "UNBOUNDED",
    "Budget",
    "default_time_limit",
    "reached",
    "round_cost",
]

#: Relative tolerance at which a lower bound or a proven optimum counts as reached (of
#: ``max(|reference|, 0.01)``, so that it stays positive for a reference 0).
BOUND_TOL = 1e-9
#: Default time budget: ``min(BUDGET_MAX, max(BUDGET_MIN, BUDGET_PER * dim * n))`` seconds.
BUDGET_MIN, BUDGET_PER, BUDGET_MAX = 5.0, 0.2, 30.0
UNBOUNDED = 10**12  # restarts when only time ends the run


def default_time_limit(dim: int, n: int) -> float:
    r"""The time budget of :func:`~theory.geometry.pack` when neither ``restarts`` nor
    ``time_limit`` is given.

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
    if dim * n > BUDGET_MAX / BUDGET_PER:  # an exact comparison, also for huge integers
        return BUDGET_MAX
    return float(min(BUDGET_MAX, max(BUDGET_MIN, round(BUDGET_PER * dim * n, 6))))


def reached(value: float, ref: float) -> bool:
    """Whether ``value`` is at ``ref`` or below, to within ``BOUND_TOL`` relative.

    >>> reached(1 / 3 + 1e-12, 1 / 3), reached(0.334, 1 / 3)
    (True, False)
    """
    return value - ref <= BOUND_TOL * max(abs(ref), 0.01)


def round_cost(costs: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """``(fixed, per_start)`` seconds of a round's stages 1 and 2, fitted to ``costs`` (the
    ``(starts, seconds)`` of the rounds so far): the line through the last round and the latest
    earlier round of another size, or the last round's time per start (``fixed = 0``) when
    there is no such round or the line does not rise. ``per_start`` is positive (at least
    1e-9 s), so that it can divide the time left.

    Stage 2 runs its iterations on all the frames of a round at once, so its time is about a
    fixed cost per iteration plus a cost per frame. The last round's time per start, used alone,
    counts the fixed cost as spread over that round's frames, and so underestimates a smaller
    round: the last round of a ``time_limit``, cut to the time left.

    >>> round_cost([(8, 1.5), (16, 2.0), (32, 3.0)])
    (1.0, 0.0625)
    >>> round_cost([(8, 2.0)])
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


@dataclass
class Budget:
    """The restart cap and the time limit of one run, the round sizes they allow, and the stopping
    rule.

    Rounds run 8, 16, 32, ... up to ``batch`` starts (:meth:`next_size`). With a ``time_limit``
    a round after the first is shortened to the starts expected to fit in the time left, from
    ``cost`` (default :func:`round_cost`) fitted to the earlier rounds (:meth:`fit`); ``0``
    means no round fits. ``cut`` records that the clock shortened something (the run is then
    not reproducible).

    >>> b = Budget(time_limit=None, restarts=18)
    >>> b.fit(8, done=0), b.fit(16, done=8)
    (8, 10)
    """

    time_limit: float | None
    restarts: int | None
    batch: int = 64
    cost: Callable[[Sequence[tuple[int, float]]], tuple[float, float]] = round_cost
    clock: Clock = field(default=time.perf_counter, repr=False)
    t0: float = field(default=math.nan, init=False)
    costs: list[tuple[int, float]] = field(default_factory=list, init=False)
    cut: list[bool] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.t0 = self.clock()

    @property
    def cap(self) -> int:
        """The largest number of restarts (``UNBOUNDED`` without a cap)."""
        return UNBOUNDED if self.restarts is None else self.restarts

    @property
    def deadline(self) -> float:
        """The ``clock()`` value at which the time limit ends the run (``inf`` without one)."""
        return self.t0 + self.time_limit if self.time_limit is not None else math.inf

    def elapsed(self) -> float:
        return self.clock() - self.t0

    def next_size(self, size: int) -> int:
        """The size of the round after one of ``size`` starts."""
        return min(2 * size, self.batch)

    def fit(self, size: int, done: int) -> int:
        """How many starts the next round runs, wanting ``size`` with ``done`` restarts run: capped
        by the restarts left and, after the first round, by the time left (``0``: none fits)."""
        m = min(size, self.cap - done)
        if self.time_limit is not None and self.costs:
            fixed, per = self.cost(self.costs)
            fit = math.floor((self.time_limit - self.elapsed() - fixed) / per)
            if fit < 1:  # also when the time is up
                self.cut.append(True)
                return 0
            if fit < m:
                self.cut.append(True)
                m = fit
        return m

    def record(self, starts: int, seconds: float) -> None:
        """Record a round's starts and the seconds its stages 1 and 2 took."""
        self.costs.append((starts, seconds))

    @staticmethod
    def stop(value: float, lb: float, proven: float | None) -> str | None:
        """``"bound"`` when ``value`` reached the lower bound ``lb``, ``"optimum"`` when it reached
        the proven optimum ``proven``, else ``None`` (go on)."""
        if reached(value, lb):
            return "bound"
        if proven is not None and reached(value, proven):
            return "optimum"
        return None
