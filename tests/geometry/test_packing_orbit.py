"""Orbit starts of ``pack`` (frames invariant under a random orthogonal map of finite order), the
validation of the start options (orbit and perturbation), and the deadline of its stage 3 (the
crawl rule: test_packing_batch, the (4, 6) bound test)."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from theory.geometry import pack
from theory.geometry._packing.objective import normalize
from theory.geometry._packing.restarts import OrbitStart, orbit_start, orbit_types
from theory.geometry._packing.solver import PackingSolver
from theory.geometry._packing.stages import SLPPolish
from theory.geometry.packing import PackOptions


def _rotation_map(dim, k, a):
    """diag(R(2 pi a_1 / k), ..., [1]) in the standard basis (no conjugation)."""
    D = np.eye(dim)
    for b, x in enumerate(a):
        t = 2 * np.pi * x / k
        D[2 * b : 2 * b + 2, 2 * b : 2 * b + 2] = [[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]
    return D


@given(
    seed=st.integers(0, 2**32 - 1),
    dim=st.integers(2, 8),
    n=st.integers(2, 30),
    k=st.integers(2, 9),
    pick=st.integers(0, 10**6),
)
def test_orbit_start_is_a_union_of_orbits(seed, dim, n, k, pick):
    kinds = orbit_types(dim, n, k)
    a, invariant = kinds[pick % len(kinds)]
    V, U = orbit_start(dim, n, k, a, invariant, np.random.default_rng(seed))
    assert V.shape == (dim, n)
    assert np.allclose(np.linalg.norm(V, axis=0), 1.0, atol=1e-12)
    # U is orthogonal with U^k = I (k is capped at n: at most one orbit of n vectors).
    kk = min(k, n)
    assert np.allclose(U @ U.T, np.eye(dim), atol=1e-12)
    assert np.allclose(np.linalg.matrix_power(U, kk), np.eye(dim), atol=1e-9)
    # Columns come in consecutive orbits x, Ux, ..., U^(kk-1) x; U maps the last back to the
    # first, and the lines of an orbit are distinct unless some U^j (0 < j < kk) is +-I, when
    # they repeat (clusters: U = I among these).
    short = any(
        np.allclose(np.linalg.matrix_power(U, j), s * np.eye(dim), atol=1e-9) for j in range(1, kk) for s in (1, -1)
    )
    m = n // kk
    for o in range(m):
        block = V[:, o * kk : (o + 1) * kk]
        assert np.allclose(U @ block, np.roll(block, -1, axis=1), atol=1e-9)
        G = np.abs(block.T @ block)
        np.fill_diagonal(G, 0.0)
        assert (G.max() > 1 - 1e-9) == short
    # The remaining columns are fixed by U when they are drawn from its fixed space.
    rest = V[:, m * kk :]
    fixed_dim = int(np.sum(np.abs(np.linalg.eigvals(U) - 1) < 1e-9))
    if invariant:
        assert rest.shape[1] and fixed_dim < dim
        assert fixed_dim >= 2 or (rest.shape[1] == 1 and fixed_dim)
        assert np.allclose(U @ rest, rest, atol=1e-9)


@pytest.mark.parametrize("dim", range(2, 9))
@pytest.mark.parametrize("k", range(2, 9))
def test_orbit_types_one_per_class_of_cyclic_group(dim, k):
    # Oracle by brute force over every exponent vector in {0..k-1}^h, with matrices: two maps
    # generate conjugate groups in O(dim) iff the spectra of their generators U^u (u prime to
    # k) form the same set (orthogonal maps with one spectrum are conjugate).
    n = 4 * k + 1
    h = dim // 2
    units = [u for u in range(1, k) if np.gcd(u, k) == 1]
    classes = {}
    for a in itertools.product(range(k), repeat=h):
        U = _rotation_map(dim, k, a)
        key = frozenset(
            tuple(np.round(np.sort(np.linalg.eigvals(np.linalg.matrix_power(U, u)).real), 9)) for u in units
        )
        classes.setdefault(key, a)
    kinds = orbit_types(dim, n, k)
    patterns = [a for a, _ in kinds]
    distinct = list(dict.fromkeys(patterns))
    assert len(distinct) == len(classes)
    keys = set()
    for a in distinct:
        U = _rotation_map(dim, k, a)
        keys.add(
            frozenset(tuple(np.round(np.sort(np.linalg.eigvals(np.linalg.matrix_power(U, u)).real), 9)) for u in units)
        )
    assert keys == set(classes)
    # The fixed-space variant is offered exactly when the fixed space can hold the n mod k = 1
    # remaining vector and is not the whole space: 0 < dim(fixed) < dim.
    for a in distinct:
        fixed = int(np.sum(np.abs(np.linalg.eigvals(_rotation_map(dim, k, a)) - 1) < 1e-9))
        assert ((a, True) in kinds) == (0 < fixed < dim)


def test_orbit_types_examples():
    # 27 lines in R^6 with maps of order 5: the kind (0, 1, 2) with the 2 remaining vectors in
    # the fixed plane reached Sloane's packing in 16 of 32 starts (docs/results_geometry.md).
    assert orbit_types(1, 5, 2) == [((), False)]  # only U = I: clusters of 2 copies
    assert orbit_types(4, 8, 2) == [((0, 0), False), ((0, 1), False), ((1, 1), False)]
    assert ((0, 1, 2), True) in orbit_types(6, 27, 5)
    assert orbit_types(3, 2, 5) == [((0,), False), ((1,), False)]  # k capped at n = 2


def test_orbit_start_checks_the_exponents():
    with pytest.raises(ValueError, match="dim // 2"):
        orbit_start(6, 10, 3, (0, 1), False, np.random.default_rng(0))


def test_orbit_start_same_generator_state_same_frame():
    a = orbit_start(5, 17, 3, (0, 1), True, np.random.default_rng(7))
    b = orbit_start(5, 17, 3, (0, 1), True, np.random.default_rng(7))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


class _RecordingOrbit(OrbitStart):
    """Orbit starts that record the kind of each start they draw."""

    def __call__(self, g):
        self.seen.append(self.kind(self.count))
        return super().__call__(g)


def test_pack_takes_the_orbit_kinds_in_turn():
    # Orbit slots go through the orders in turn and, within an order, through its kinds.
    orbit = _RecordingOrbit(6, 27, (3, 5))
    orbit.seen = []
    opts = PackOptions(lse_iters=2, slp_iters=0, warm_every=0, perturb_every=0, orbit_every=1, orbit_orders=(3, 5))
    PackingSolver.for_problem(6, 27, rng=0, restarts=40, options=opts, orbit=orbit).solve()
    k3 = [(3, a, inv) for a, inv in orbit_types(6, 27, 3)]
    k5 = [(5, a, inv) for a, inv in orbit_types(6, 27, 5)]
    expected = [(k3, k5)[i % 2][(i // 2) % len((k3, k5)[i % 2])] for i in range(39)]
    assert orbit.seen == expected


def test_orbit_starts_reach_a_basin_random_starts_miss():
    # 16 lines in R^8: every random start of this budget ends in one basin (coherence 0.27612...),
    # while starts symmetric under an involution reach a lower one (0.27395...). The same 16
    # restarts and seed; only the kind of start differs (no warm or perturbation starts).
    kw = dict(dim=8, n=16, rng=0, restarts=16)
    R = pack(**kw, options=PackOptions(warm_every=0, perturb_every=0, orbit_every=0))
    O = pack(**kw, options=PackOptions(warm_every=0, perturb_every=0, orbit_every=1, orbit_orders=(2,)))
    assert R.value > 0.276
    assert O.value < R.value * (1 - 0.005)
    # The result is an ordinary frame: its coherence recomputed independently.
    W = O.frame / np.linalg.norm(O.frame, axis=0)
    G = np.abs(W.T @ W)
    np.fill_diagonal(G, 0.0)
    assert abs(G.max() - O.value) < 1e-12


def test_slp_stops_at_the_deadline():
    V = normalize(np.random.default_rng(0).standard_normal((4, 9)))
    W, its = SLPPolish(200)(V, True, 0.0, deadline=time.perf_counter() - 1.0)
    assert its == 0 and np.array_equal(W, V)


def test_slp_does_not_start_a_solve_that_would_end_past_the_deadline():
    # A fake clock on which every LP solve takes 1 s: with the deadline at 2.5 s two solves fit
    # (ending at 1 s and 2 s); a third would end at 3 s, so it is not started.
    clock = [0.0]

    def slow_run(h):
        clock[0] += 1.0
        h.run()

    polish = SLPPolish(200, stall=0.0, tiny=0.0, clock=lambda: clock[0], solve=slow_run)
    V = normalize(np.random.default_rng(0).standard_normal((4, 9)))
    _, its = polish(V, True, 0.0, deadline=2.5)
    assert its == 2 and clock[0] <= 2.5


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(orbit_every=-1), "orbit_every"),
        (dict(orbit_orders=(1,)), "orbit_orders"),
        (dict(orbit_orders=()), "orbit_orders"),
        (dict(orbit_orders="2"), "orbit_orders"),
        (dict(orbit_orders=3), "orbit_orders"),
        (dict(perturb_every=-1), "perturb_every"),
        (dict(perturb_lines=(0,)), "perturb_lines"),
        (dict(perturb_lines=()), "perturb_lines"),
        (dict(perturb_lines="1"), "perturb_lines"),
        (dict(perturb_lines=2), "perturb_lines"),
    ],
)
def test_start_options_validated(kwargs, name):
    with pytest.raises(ValueError, match=name):
        pack(dim=3, n=5, restarts=1, options=kwargs)


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(orbit_every=1.5), "orbit_every"),
        (dict(orbit_orders=(2.5,)), "orbit_orders"),
        (dict(perturb_every=1.5), "perturb_every"),
        (dict(perturb_lines=(1.5,)), "perturb_lines"),
    ],
)
def test_start_options_wrong_type(kwargs, name):
    with pytest.raises(TypeError, match=name):
        pack(dim=3, n=5, restarts=1, options=kwargs)
