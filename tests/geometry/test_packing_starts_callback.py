"""``pack(starts=..., callback=...)``: which kinds of start the restarts take, and the callback
after each round (its stream of intermediate results, stopping the run, its validation)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory._warnings import TheoryWarning
from theory.geometry import pack
from theory.geometry._packing.budget import UNBOUNDED
from theory.geometry._packing.report import reference_table, verdict
from theory.geometry._packing.restarts import OrbitStart, StartSchedule, check_starts
from theory.geometry._packing.solver import PackingSolver
from theory.geometry.packing import PackOptions, PackRound

# 8 lines in R^3: neither the lower bound nor a proven optimum is reached, so only the restart
# cap (or the callback) ends the run; short stage budgets keep each restart cheap (the kinds of
# start and the rounds do not depend on them).
FAST = PackOptions(lse_iters=15, slp_iters=10)
CASE = dict(dim=3, n=8, rng=0, options=FAST)


def _coherence_numpy(W: np.ndarray) -> float:
    """Largest |cos| between distinct columns, recomputed with plain NumPy."""
    V = W / np.sqrt((W * W).sum(axis=0))
    G = np.abs(V.T @ V)
    return float(G[~np.eye(G.shape[0], dtype=bool)].max())


def _quiet_pack(**kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TheoryWarning)  # deliberately short runs
        return pack(**kwargs)


# -- starts -------------------------------------------------------------------------------------


def test_default_starts_count_the_default_schedule():
    P = pack(**CASE, restarts=12)
    # the default schedule by hand, restarts 0..11 (first round of 8 without a best frame, so no
    # perturbation there): r o r o r w r o | p o r w
    assert P.start_kinds == {"random": 5, "orbit": 4, "warm": 2, "perturbation": 1}
    assert sum(P.start_kinds.values()) == P.restarts == 12
    assert np.array_equal(pack(**CASE, restarts=12, starts=None).frame, P.frame)


@pytest.mark.parametrize(
    "starts, expected",
    [
        (["orbit"], {"orbit": 12}),
        (["random"], {"random": 12}),
        (["orbit", "random", "warm"], {"orbit": 4, "random": 4, "warm": 4}),
        # a perturbation needs a best frame: the first round (8 starts) is random instead
        (["perturbation"], {"random": 8, "perturbation": 4}),
        (("warm", "perturbation"), {"warm": 6, "random": 4, "perturbation": 2}),
    ],
)
def test_starts_by_name_decide_the_kinds_of_start(starts, expected):
    P = _quiet_pack(**CASE, restarts=12, starts=starts)
    assert P.start_kinds == expected and P.restarts == 12


def test_starts_after_init_and_whatever_the_every_fields_say():
    init = np.random.default_rng(7).standard_normal((3, 8))
    off = FAST.replace(orbit_every=0, warm_every=0, perturb_every=0)
    kw = {**CASE, "options": off}
    P = _quiet_pack(**kw, restarts=9, init=init, starts=["orbit", "warm"])
    assert P.start_kinds == {"init": 1, "orbit": 4, "warm": 4}
    Q = _quiet_pack(**kw, restarts=9, init=init)  # the fields alone: random only
    assert Q.start_kinds == {"init": 1, "random": 8}


def test_starts_change_the_frames_the_solver_draws():
    # An orbit start is drawn by the orbit strategy: a spy counts its calls.
    class Spy(OrbitStart):
        calls = 0

        def __call__(self, g):
            Spy.calls += 1
            return super().__call__(g)

    solver = PackingSolver.for_problem(3, 8, restarts=12, options=FAST, starts=("orbit",), orbit=Spy(3, 8, (2, 3)))
    out = solver.solve()
    assert Spy.calls == 12 and out.start_kinds == {"orbit": 12}
    # random starts only: a different sequence of frames, so (here) a different result
    a = _quiet_pack(**CASE, restarts=12, starts=["random"])
    b = _quiet_pack(**CASE, restarts=12, starts=["orbit"])
    assert not np.array_equal(a.frame, b.frame)
    assert np.array_equal(b.frame, _quiet_pack(**CASE, restarts=12, starts=["orbit"]).frame)  # same seed


def test_starts_validated():
    with pytest.raises(ValueError, match="'random', 'perturbation', 'orbit', 'warm'") as e:
        pack(**CASE, restarts=1, starts=["random", "orbits"])
    assert "orbits" in str(e.value)
    with pytest.raises(ValueError, match="at least one"):
        pack(**CASE, restarts=1, starts=[])
    with pytest.raises(TypeError, match="starts"):
        pack(**CASE, restarts=1, starts="orbit")  # a bare string, not a sequence of names
    with pytest.raises(TypeError, match="names of start kinds"):
        pack(**CASE, restarts=1, starts=[OrbitStart(3, 8, (2,))])  # strategy objects are private
    case = dict(dim=3, n=8, restarts=1)
    with pytest.raises(ValueError, match="orbit_orders"):
        pack(**case, starts=["orbit"], options=PackOptions(orbit_every=0, orbit_orders=()))
    with pytest.raises(ValueError, match="perturb_lines"):
        pack(**case, starts=["perturbation"], options=PackOptions(perturb_every=0, perturb_lines=()))
    with pytest.raises(ValueError, match="warm_offsets"):
        pack(**case, starts=["warm"], options=PackOptions(warm_every=0, warm_offsets=()))
    assert check_starts(None) is None and check_starts(("warm", "random")) == ("warm", "random")


@settings(max_examples=60, deadline=None)
@given(
    cycle=st.lists(st.sampled_from(["random", "perturb", "orbit", "warm"]), max_size=5).map(tuple),
    init=st.booleans(),
    every=st.tuples(*[st.integers(0, 7)] * 3),
    cap=st.integers(0, 60),
)
def test_schedule_counts_match_its_kinds(cycle, init, every, cap):
    s = StartSchedule(init, *every, cycle=cycle)
    for have_best in (True, False):
        assert s.warm_count(cap) == sum(s.kind(j, have_best) == "warm" for j in range(cap))
        for kind in ("warm", "orbit", "perturb"):
            if any(s.kind(j, have_best) == kind for j in range(200)):
                assert s.uses(kind)  # the solver builds the strategy of every kind it may need
    if cycle:
        assert all(s.uses(k) for k in cycle if k != "random")
    if cycle:  # the kinds after init follow the cycle; a perturbation without a best frame is random
        for j in range(int(init), 30):
            k = cycle[(j - init) % len(cycle)]
            assert s.kind(j, True) == k
            assert s.kind(j, False) == ("random" if k == "perturb" else k)


# -- callback -----------------------------------------------------------------------------------


def test_callback_stream_after_each_round():
    seen: list[PackRound] = []
    P = pack(**CASE, restarts=40, callback=seen.append)  # returns None: never stops the run
    assert [r.round for r in seen] == [0, 1, 2]  # rounds of 8, 16, then the 16 left of the cap
    assert [r.restarts for r in seen] == [8, 24, 40]
    assert all(b.seconds > a.seconds for a, b in zip(seen, seen[1:], strict=False))
    assert all(b.value <= a.value for a, b in zip(seen, seen[1:], strict=False))
    for r in seen:
        assert r.value == P.history[r.restarts - 1]  # the best value after that many restarts
        assert abs(_coherence_numpy(r.frame) - r.value) < 1e-12
        assert r.bound == P.bound and r.lines and r.frame.shape == (3, 8)
        assert sum(r.start_kinds.values()) == r.restarts
        with pytest.raises(ValueError):
            r.frame[0, 0] = 1.0  # read-only: the solver's frame cannot be changed from outside
    assert seen[-1].value == P.value and np.array_equal(seen[-1].frame, P.frame)
    assert seen[-1].start_kinds == P.start_kinds
    assert "round=2" in repr(seen[-1]) and "frame" not in repr(seen[-1])
    # a callback that never stops changes nothing
    assert np.array_equal(pack(**CASE, restarts=40).frame, P.frame)


def test_callback_returning_true_stops_after_that_round():
    calls: list[int] = []

    def stop_after_round_1(r: PackRound) -> bool:
        calls.append(r.round)
        return r.round == 1

    P = _quiet_pack(**CASE, restarts=100, callback=stop_after_round_1)
    assert calls == [0, 1] and P.restarts == 24 and P.stopped == "callback"
    assert "callback ended the run" in P.message
    # the same frame as an unstopped run (same seed and cap) had after those 24 restarts
    seen: list[PackRound] = []
    Q = _quiet_pack(**CASE, restarts=100, callback=seen.append)
    assert Q.restarts == 100 and Q.stopped == "restarts" and Q.history[:24] == P.history
    assert np.array_equal(seen[1].frame, P.frame) and P.value == seen[1].value
    # success by the usual rule
    ref = reference_table().get((3, 8, True))
    assert P.success == verdict(P.value, P.bound, P.gap, ref, "callback", None, 100)[0]
    # a truthy value other than True also stops (as in SciPy); at the cap the cap ends the run
    assert _quiet_pack(**CASE, restarts=100, callback=lambda r: 1).restarts == 8
    assert _quiet_pack(**CASE, restarts=8, callback=lambda r: True).stopped == "restarts"


def test_callback_does_not_override_the_bound():
    P = pack(dim=3, n=6, rng=0, restarts=50, callback=lambda r: True)  # the icosahedron: Welch bound
    assert P.stopped == "bound" and P.success and "callback" not in P.message


def test_callback_stop_of_a_poor_run_is_unsuccessful_and_says_why():
    weak = PackOptions(lse_iters=1, slp_iters=0, ap_restarts=0)
    with pytest.warns(TheoryWarning, match="callback"):
        P = pack(dim=4, n=9, rng=0, restarts=100, options=weak, callback=lambda r: True)
    assert P.stopped == "callback" and not P.success
    assert P.message.startswith("the callback ended the run") and "let the callback return False" in P.message


def test_callback_validated_and_its_exceptions_propagate():
    with pytest.raises(TypeError, match="callback must be callable"):
        pack(**CASE, restarts=1, callback=3)

    class Boom(RuntimeError):
        pass

    def boom(r: PackRound) -> bool:
        raise Boom(f"round {r.round}")

    with pytest.raises(Boom, match="round 0"):
        pack(**CASE, restarts=20, callback=boom)


def test_callback_with_a_time_limit_and_unbounded_restarts():
    seen: list[PackRound] = []
    P = pack(**CASE, time_limit=60, callback=lambda r: seen.append(r) or len(seen) == 2)
    assert P.stopped == "callback" and P.restarts == 24 and len(seen) == 2
    assert math.isfinite(P.seconds) and UNBOUNDED > P.restarts
