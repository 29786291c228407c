"""The components of ``pack`` (theory.geometry._packing), each tested on its own: the local stages
improve a frame and keep it feasible, the budget stops when the gap closes and sizes rounds by its
cost model, the start strategies are deterministic given a seed, and the options are validated.
Also: ``pack`` gives the same frames as before its restructuring into these parts (pinned values)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from theory.geometry import pack
from theory.geometry._packing.budget import Budget, default_time_limit, reached, round_cost
from theory.geometry._packing.objective import coherence, normalize
from theory.geometry._packing.restarts import (
    OrbitStart,
    PerturbationStart,
    RandomStart,
    StartSchedule,
    WarmStart,
    orbit_types,
)
from theory.geometry._packing.solver import PackingSolver
from theory.geometry._packing.stages import AlternatingProjection, SLPPolish, SmoothMaxDescent
from theory.geometry.packing import PACK_PRESETS, PackOptions


def _coherence_numpy(W: np.ndarray, lines: bool = True) -> float:
    """Largest |cos| (points: cos) between distinct columns, recomputed with plain NumPy."""
    V = W / np.sqrt((W * W).sum(axis=0))
    G = V.T @ V
    off = G[~np.eye(G.shape[0], dtype=bool)]
    return float(np.abs(off).max() if lines else off.max())


def _icosahedron() -> np.ndarray:
    phi = (1 + math.sqrt(5)) / 2
    W = np.array([[0, 1, phi], [0, 1, -phi], [1, phi, 0], [1, -phi, 0], [phi, 0, 1], [-phi, 0, 1]]).T
    return normalize(W)


# -- the stages --------------------------------------------------------------------------------


@pytest.mark.parametrize("lines", [True, False])
def test_alternating_projection_keeps_unit_columns_and_never_worsens(lines):
    V = normalize(np.random.default_rng(0).standard_normal((4, 10)))
    W = AlternatingProjection(50)(V, lines, 0.0)
    assert W.shape == V.shape and np.allclose(np.linalg.norm(W, axis=0), 1.0)
    assert _coherence_numpy(W, lines) <= _coherence_numpy(V, lines) + 1e-15
    assert AlternatingProjection(0)(V, lines, 0.0) is V  # no iterations: the input back


@pytest.mark.parametrize("lines", [True, False])
def test_smooth_max_descent_improves_every_row_and_screens(lines):
    Vs = np.random.default_rng(1).standard_normal((5, 3, 7))
    out, vals, its, screen = SmoothMaxDescent(40)(Vs, lines)
    unit = Vs / np.linalg.norm(Vs, axis=1, keepdims=True)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)
    for b in range(5):
        assert vals[b] == pytest.approx(_coherence_numpy(out[b], lines), abs=1e-12)
        assert vals[b] < _coherence_numpy(unit[b], lines)  # random starts are far from optimal
    assert its > 0 and np.isfinite(screen).all()
    # A row whose screening value is above abandon_above stops after two steps: at most as good.
    cut = SmoothMaxDescent(40)(Vs, lines, abandon_above=-math.inf)
    assert (cut[1] >= vals - 1e-12).all() and cut[2] < its


def test_smooth_max_descent_reaches_the_icosahedral_packing_from_nearby():
    V = _icosahedron() + 1e-2 * np.random.default_rng(2).standard_normal((3, 6))
    _, vals, _, _ = SmoothMaxDescent()(V[None], True)
    assert vals[0] == pytest.approx(1 / math.sqrt(5), abs=1e-6)


def test_slp_polish_returns_a_perturbed_optimum_and_keeps_feasibility():
    V = normalize(_icosahedron() + 1e-3 * np.random.default_rng(0).standard_normal((3, 6)))
    W, its = SLPPolish(200)(V, True, 1 / math.sqrt(5))
    assert np.allclose(np.linalg.norm(W, axis=0), 1.0)
    assert abs(_coherence_numpy(W) - 1 / math.sqrt(5)) < 1e-9 and 0 < its < 200


def test_slp_stopping_rule():
    polish = SLPPolish(window=4, tiny=1e-8, stall=1e-6)
    assert polish.done([0.5], 1e-13, 0.0)  # the trust radius collapsed
    assert polish.done([0.5, 0.4], 0.02, 0.4)  # the bound is reached
    assert not polish.done([0.5, 0.49, 0.48], 0.02, 0.0)  # too few steps to judge
    assert polish.done([0.5] * 6, 0.02, 0.0)  # no gain over the window
    # A steady crawl (second half gains as much as the first) below `stall` stops; fast
    # convergence (gains shrinking geometrically) does not, at the same total gain.
    crawl = [0.5 - 2e-8 * i for i in range(6)]
    fast = [0.5, 0.5, 0.5 - 5e-8, 0.5 - 1e-7, 0.5 - 1.05e-7, 0.5 - 1.1e-7]
    assert polish.done(crawl, 0.02, 0.0) and not polish.done(fast, 0.02, 0.0)


# -- the budget --------------------------------------------------------------------------------


def test_budget_stops_when_the_gap_closes():
    assert Budget.stop(1 / 3 + 1e-12, 1 / 3, None) == "bound"
    assert Budget.stop(0.5, 0.45, 0.5 + 1e-12) == "optimum"
    assert Budget.stop(0.5, 0.45, None) is None and Budget.stop(0.5, 0.45, 0.49) is None
    assert reached(1e-12, 0.0) and not reached(1e-9, 0.0)  # tolerance 1e-9 of max(|ref|, 0.01)
    # A solver started at the ETF (the Welch bound) stops after one restart, with 1000 allowed.
    solver = PackingSolver.for_problem(3, 6, restarts=1000, init=_icosahedron())
    out = solver.solve()
    assert out.stopped == "bound" and out.restarts == 1 and solver.state.done == 1


def test_budget_sizes_rounds_by_its_cost_model():
    fake = [0.0]
    b = Budget(time_limit=10.0, restarts=100, batch=64, cost=lambda c: (0.0, 1.0), clock=lambda: fake[0])
    assert b.fit(8, 0) == 8  # first round: no cost yet
    b.record(8, 1.0)
    fake[0] = 4.5
    assert b.fit(16, 8) == 5 and b.cut  # 5.5 s left at 1 s per start
    fake[0] = 9.5
    assert b.fit(16, 13) == 0  # no start fits
    free = Budget(time_limit=None, restarts=18)
    assert [free.fit(8, 0), free.fit(16, 8), free.next_size(32), free.next_size(64)] == [8, 10, 64, 64]
    assert not free.cut and free.deadline == math.inf


def test_default_time_limit_formula():
    for dim, n in [(2, 3), (6, 16), (10, 10), (50, 100)]:
        assert default_time_limit(dim, n) == pytest.approx(min(30.0, max(5.0, 0.2 * dim * n)))
    assert round_cost([(8, 2.0), (16, 3.0)]) == (1.0, 0.125)


# -- the start strategies ----------------------------------------------------------------------


def _draws(make, call, seed):
    g = np.random.default_rng(seed)
    strategy = make()
    return [call(strategy, g) for _ in range(4)]


@pytest.mark.parametrize(
    "make, call",
    [
        (lambda: RandomStart(4, 9), lambda s, g: s(g)),
        (lambda: PerturbationStart((1, 2, 3)), lambda s, g: s(normalize(np.ones((4, 9)) + np.eye(4, 9)), g)),
        (lambda: OrbitStart(4, 9, (2, 3)), lambda s, g: s(g)),
        (lambda: WarmStart(4, 9, True, (1, -1), descent=SmoothMaxDescent(5)), lambda s, g: s(2, g)[0]),
    ],
)
def test_start_strategies_are_deterministic_given_a_seed(make, call):
    a, b, c = _draws(make, call, 3), _draws(make, call, 3), _draws(make, call, 4)
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x, y)
        assert x.shape == (4, 9) and np.allclose(np.linalg.norm(x, axis=0), 1.0)
    assert not all(np.array_equal(x, z) for x, z in zip(a, c, strict=True))


def test_perturbation_redraws_the_given_number_of_columns_in_turn():
    best = normalize(np.random.default_rng(0).standard_normal((4, 9)))
    p, g = PerturbationStart((1, 2, 3, 20)), np.random.default_rng(1)
    changed = [int((np.abs(p(best, g) - best).max(axis=0) > 1e-12).sum()) for _ in range(5)]
    assert changed == [1, 2, 3, 9, 1]  # 20 capped at n = 9


def test_orbit_start_takes_the_kinds_in_turn():
    o = OrbitStart(6, 27, (3, 5))
    k3 = [(3, a, inv) for a, inv in orbit_types(6, 27, 3)]
    k5 = [(5, a, inv) for a, inv in orbit_types(6, 27, 5)]
    assert [o.kind(i) for i in range(39)] == [(k3, k5)[i % 2][(i // 2) % len((k3, k5)[i % 2])] for i in range(39)]


def test_warm_start_cuts_and_extends_sub_packings():
    w = WarmStart(4, 9, True, (1, -1, 2), descent=SmoothMaxDescent(20), cutoff=None)
    out = w(4, np.random.default_rng(0))  # offsets +1, -1, +2, +1
    assert [W.shape for W in out] == [(4, 9)] * 4 and w.count == 4 and w.iterations > 0
    assert sorted(w.pool) == [-1, 1, 2]


def test_start_schedule():
    s = StartSchedule(init=True, warm_every=0, perturb_every=0, orbit_every=0)
    assert [s.kind(j, True) for j in range(3)] == ["init", "random", "random"]
    s = StartSchedule(warm_every=3, perturb_every=2, orbit_every=1)
    assert [s.kind(j, j > 2) for j in range(6)] == ["random", "orbit", "warm", "perturb", "orbit", "warm"]


# -- options and the public signature ----------------------------------------------------------


def test_pack_options_frozen_normalised_and_validated():
    o = PackOptions(warm_offsets=[1, -2], orbit_orders=[3])
    assert o.warm_offsets == (1, -2) and o.orbit_orders == (3,)
    with pytest.raises(AttributeError):
        o.batch = 3  # type: ignore[misc]
    assert o.replace(batch=8).batch == 8 and str(PackOptions(batch=8)) == "PackOptions(batch=8)"
    with pytest.raises(ValueError, match="batch"):
        o.replace(batch=0)
    with pytest.raises(ValueError, match="lse_iters"):
        PackOptions(lse_iters=10**12)
    with pytest.raises(TypeError, match="options"):
        pack(dim=3, n=5, options="fast")  # type: ignore[arg-type]


def test_pack_takes_options_as_an_object_or_a_mapping():
    a = pack(dim=3, n=7, rng=2, restarts=3, options=PackOptions(slp_iters=0))
    b = pack(dim=3, n=7, rng=2, restarts=3, options={"slp_iters": 0})
    assert np.array_equal(a.frame, b.frame)
    c = pack(dim=3, n=7, rng=2, **PACK_PRESETS["capacity"])
    assert c.restarts <= 16


def test_pack_has_a_short_signature_and_docstring():
    params = inspect.signature(pack).parameters
    named = [p.name for p in params.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    assert named == ["dim", "n", "lines", "rng", "restarts", "time_limit", "init", "starts", "options", "callback"]
    assert [p.name for p in params.values() if p.kind is inspect.Parameter.VAR_KEYWORD] == ["deprecated"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values() if p.name in named)
    assert len(inspect.getdoc(pack).splitlines()) < 80


# -- the same frames as before the restructuring -----------------------------------------------

# (kwargs, value, restarts, stopped) measured with the single-function pack just before it was
# split into these components: the same seed must keep giving the same frame.
PINNED = [
    (dict(dim=3, n=6, restarts=3), 0.4472135954999583, 1, "bound"),
    (dict(dim=4, n=9, restarts=3), 0.4342585459106665, 3, "restarts"),
    (dict(dim=3, n=8, rng=5, restarts=24), 0.6475889787341805, 24, "restarts"),
    (
        dict(dim=4, n=9, rng=3, restarts=5, options=dict(warm_every=1, warm_offsets=(1, -1, 2))),
        0.4342585459106675,
        5,
        "restarts",
    ),
    (
        dict(
            dim=6,
            n=27,
            restarts=40,
            options=dict(lse_iters=2, slp_iters=0, warm_every=0, perturb_every=0, orbit_every=1, orbit_orders=(3, 5)),
        ),
        0.5727499992589054,
        40,
        "restarts",
    ),
    (dict(dim=3, n=4, lines=False, restarts=3), -0.33333333333333326, 1, "bound"),
    (dict(dim=3, n=8, restarts=9, options=dict(batch=4)), 0.6475889787341812, 9, "restarts"),
    (dict(dim=4, n=6, restarts=8), 0.33333333333337434, 1, "bound"),
]


@pytest.mark.filterwarnings("ignore::theory._warnings.TheoryWarning")  # deliberately short runs
@pytest.mark.parametrize("kwargs, value, restarts, stopped", PINNED)
def test_same_frames_as_before_the_restructuring(kwargs, value, restarts, stopped):
    P = pack(**kwargs)
    assert P.value == pytest.approx(value, rel=1e-9, abs=1e-12)
    assert (P.restarts, P.stopped) == (restarts, stopped)
    assert abs(_coherence_numpy(P.frame, P.lines) - P.value) < 1e-12
    # The solver object run directly gives the same frame as pack.
    kw = dict(kwargs)
    opts = PackOptions(**kw.pop("options", {}))
    out = PackingSolver.for_problem(kw.pop("dim"), kw.pop("n"), options=opts, **kw).solve()
    assert np.array_equal(out.frame, P.frame) and out.iterations == P.iterations
    assert coherence(out.frame, P.lines) == P.value


def test_expert_keywords_still_work_for_one_release_with_a_deprecation_warning():
    from theory.geometry import PackOptions, pack

    with pytest.warns(DeprecationWarning, match="options=PackOptions"):
        old = pack(dim=3, n=5, rng=0, restarts=2, slp_iters=50)
    new = pack(dim=3, n=5, rng=0, restarts=2, options=PackOptions(slp_iters=50))
    assert np.array_equal(old.frame, new.frame) and old.value == new.value
    with pytest.raises(TypeError, match="unexpected keyword arguments \\['nope'\\]"):
        pack(dim=3, n=5, nope=1)
