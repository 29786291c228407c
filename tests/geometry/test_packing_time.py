"""How ``pack`` keeps a ``time_limit``: stage 2 starts no iteration past the deadline (after the
first round), and a round is sized by a fitted fixed-plus-per-start cost, or not started."""

import math
import time

import numpy as np
import pytest

from theory.geometry import pack
from theory.geometry._packing.budget import round_cost
from theory.geometry._packing.objective import coherence, lbfgs_batch
from theory.geometry._packing.solver import PackingSolver
from theory.geometry._packing.stages import SmoothMaxDescent
from theory.geometry.packing import PackOptions


def test_stage2_starts_nothing_past_the_deadline():
    g = np.random.default_rng(0)
    Vs = g.standard_normal((3, 4, 9))
    out, vals, its, screen = SmoothMaxDescent(300)(Vs, True, deadline=time.perf_counter() - 1.0)
    assert its == 0 and np.isinf(screen).all()
    unit = Vs / np.linalg.norm(Vs, axis=1, keepdims=True)
    assert np.allclose(out, unit) and np.allclose(vals, [coherence(V, True) for V in unit])
    x = g.standard_normal((2, 5))
    y, it = lbfgs_batch(lambda x, r: (np.sum(x * x, axis=1), 2 * x), x, 50, deadline=time.perf_counter() - 1.0)
    assert it == 0 and np.array_equal(y, x)


def test_stage2_without_a_deadline_is_unchanged():
    Vs = np.random.default_rng(1).standard_normal((4, 3, 8))
    a = SmoothMaxDescent(50)(Vs, True)
    b = SmoothMaxDescent(50)(Vs, True, deadline=time.perf_counter() + 3600)
    assert np.array_equal(a[0], b[0]) and a[2] == b[2]


@pytest.mark.parametrize(
    "costs,expected",
    [
        ([(8, 1.5), (16, 2.0), (32, 3.0)], (1.0, 1 / 16)),  # the line through the last two sizes
        ([(8, 1.0), (64, 4.5), (64, 5.0)], (5.0 - 64 * 4.0 / 56, 4.0 / 56)),  # the latest other size
        ([(8, 2.0)], (0.0, 0.25)),  # one round: time per start
        ([(64, 4.0), (64, 3.0)], (0.0, 3.0 / 64)),  # one size only
        ([(8, 3.0), (16, 2.0)], (0.0, 2.0 / 16)),  # a falling line is not used
    ],
)
def test_round_cost(costs, expected):
    fixed, per = round_cost(costs)
    assert math.isclose(fixed, expected[0], abs_tol=1e-12) and math.isclose(per, expected[1])


def test_round_cost_per_start_is_positive():
    # A round timed at 0 s (a coarse clock) must not give a zero cost to divide the time left by.
    assert round_cost([(8, 0.0)])[1] > 0 and round_cost([(64, 0.0), (64, 0.0)])[1] > 0


class _SizeRecordingDescent(SmoothMaxDescent):
    """Stage 2 that records the size of each stack it is given."""

    def __call__(self, Vs, *args, **kwargs):
        _SIZES.append(len(Vs))
        return super().__call__(Vs, *args, **kwargs)


_SIZES: list[int] = []


def _rounds(restarts, time_limit, cost=round_cost):
    """Run 8 lines in R^3 (no lower bound or proven optimum is reached, so no run stops early)
    with the given round-cost model; returns the restarts run and the stage-2 stack sizes."""
    _SIZES.clear()
    out = PackingSolver.for_problem(
        3,
        8,
        rng=0,
        restarts=restarts,
        time_limit=time_limit,
        cost=cost,
        options=PackOptions(slp_iters=0, warm_every=0),
        descent=_SizeRecordingDescent(),
    ).solve()
    return out.restarts, list(_SIZES)


def test_rounds_are_sized_by_the_fitted_cost():
    # A fixed cost beyond the time left: no round after the first (8 starts).
    assert _rounds(100, 600, lambda costs: (1e9, 1.0)) == (8, [8])
    # A cost per start that lets 5.5 starts fit in the time left: rounds of 5, not 16.
    t0 = time.perf_counter()
    assert _rounds(18, 600, lambda costs: (0.0, (600 - (time.perf_counter() - t0)) / 5.5)) == (18, [8, 5, 5])
    # Without a time limit the rounds double: 8, then the 10 left.
    assert _rounds(18, None) == (18, [8, 10])


def test_the_first_round_always_finishes_stage_2():
    # With a time limit already spent, the first round still runs stage 2 to the end: the result
    # is the one without a time limit (stage 3 is off in both, as it would stop at the limit).
    fast = pack(dim=3, n=8, rng=0, restarts=8, time_limit=1e-6, options=PackOptions(slp_iters=0))
    full = pack(dim=3, n=8, rng=0, restarts=8, options=PackOptions(slp_iters=0))
    assert fast.restarts == full.restarts == 8
    assert fast.value == full.value and fast.iterations == full.iterations
