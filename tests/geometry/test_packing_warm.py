"""Warm starts of ``pack``: packings of n + d vectors cut down (d > 0) or extended (d < 0)."""

from __future__ import annotations

import numpy as np
import pytest

from theory.geometry import pack
from theory.geometry._packing.restarts import WARM_POOL, add_lines, drop_lines
from theory.geometry._packing.solver import PackingSolver
from theory.geometry._packing.stages import SmoothMaxDescent
from theory.geometry.packing import PackOptions


def _coherence_numpy(frame: np.ndarray) -> float:
    """Coherence recomputed with plain numpy: normalise, Gram, largest off-diagonal |entry|."""
    W = np.asarray(frame, dtype=float)
    W = W / np.sqrt((W * W).sum(axis=0))
    G = np.abs(W.T @ W)
    G[np.diag_indices_from(G)] = 0.0
    return float(G.max())


@pytest.mark.filterwarnings("ignore::theory._warnings.TheoryWarning")  # deliberately short runs
def test_warm_start_finds_19_lines_in_r5_as_20_minus_one():
    # Its own best 20-line packing (no table value is used anywhere here).
    # Orbit starts off throughout: they find this optimum too, and the test is about warm starts.
    P20 = pack(dim=5, n=20, rng=0, restarts=8, options=PackOptions(orbit_every=0))
    c20 = _coherence_numpy(P20.frame)
    assert abs(c20 - P20.value) < 1e-12
    # Warm starts only (every restart after the first cuts a fresh 20-line packing to 19).
    P19 = pack(dim=5, n=19, rng=0, restarts=6, options=PackOptions(warm_every=1, warm_offsets=(1,), orbit_every=0))
    c19 = _coherence_numpy(P19.frame)
    assert P19.frame.shape == (5, 19)
    assert abs(c19 - P19.value) < 1e-12
    assert c19 <= c20 * (1 + 1e-3)
    # The same budget of random starts stays in the 0.5157 basin: the warm path made the difference.
    R19 = pack(dim=5, n=19, rng=0, restarts=6, options=PackOptions(warm_every=0, orbit_every=0, perturb_every=0))
    assert _coherence_numpy(R19.frame) > c20 * 1.02


def test_warm_start_same_seed_same_frame_and_both_offsets_run():
    opts = PackOptions(warm_every=1, warm_offsets=(1, -1, 2))
    solver = PackingSolver.for_problem(4, 9, rng=3, restarts=5, options=opts)
    out = solver.solve()
    # restarts 1..4 are warm, offsets taken in turn: +1, -1, +2, +1; each offset's sub-packings
    # were drawn and polished (a poor one may be dropped before the cut, never before the draw)
    assert solver.warm.count == 4 and sorted(solver.warm.pool) == [-1, 1, 2]
    a = pack(dim=4, n=9, rng=3, restarts=5, options=opts)
    b = pack(dim=4, n=9, rng=3, restarts=5, options=opts)
    assert np.array_equal(a.frame, b.frame) and np.array_equal(a.frame, out.frame)
    assert a.frame.shape == (4, 9) and a.restarts == 5
    assert abs(_coherence_numpy(a.frame) - a.value) < 1e-12


class _ShapeRecordingDescent(SmoothMaxDescent):
    """Stage 2 that records the shape of each stack it is given."""

    def __call__(self, Vs, *args, **kwargs):
        _SHAPES.append(Vs.shape)
        return super().__call__(Vs, *args, **kwargs)


_SHAPES: list[tuple[int, ...]] = []


def _sub_shapes(restarts, **options):
    """Shapes of the stage-2 stacks of sub-packings (n != 9) for 9 lines in R^4, seed 1."""
    _SHAPES.clear()
    PackingSolver.for_problem(
        4, 9, rng=1, restarts=restarts, options=PackOptions(**options), descent=_ShapeRecordingDescent()
    ).solve()  # the default lse_iters
    return [s for s in _SHAPES if s[2] != 9]


@pytest.mark.filterwarnings("ignore::theory._warnings.TheoryWarning")  # deliberately short runs
def test_warm_sub_packings_polished_in_groups_and_none_wasted():
    # 12 restarts, warm every 3rd (j = 2, 5, 8, 11), offsets +1, -1 in turn: two warm restarts
    # per offset, so each offset's pool is filled once with exactly two sub-packings.
    assert sorted(_sub_shapes(12, warm_every=3, orbit_every=0)) == [(2, 4, 8), (2, 4, 10)]
    # More warm restarts ahead: one group serves the later rounds too. Restarts 56, warm every
    # 3rd: 18 warm restarts, 9 per offset, all polished in round 1 (j = 2 and j = 5).
    assert sorted(_sub_shapes(56, warm_every=3, orbit_every=0)) == [(9, 4, 8), (9, 4, 10)]
    # Every restart after the first warm (restarts 1..4), offsets +1, -1, +2, +1.
    assert sorted(_sub_shapes(5, warm_every=1, warm_offsets=(1, -1, 2), orbit_every=0)) == [
        (1, 4, 8),
        (1, 4, 11),
        (2, 4, 10),
    ]
    assert sorted(_sub_shapes(8, warm_every=3, orbit_every=0)) == [(1, 4, 8), (1, 4, 10)]  # 1 per offset
    # 200 restarts in rounds of 8, 16, 32, 64, 64, 16 (cheap stages: the bound is not reached),
    # warm every 3rd: 66 warm restarts, 33 per offset. A round short of sub-packings tops the
    # pool up to WARM_POOL (16), capped by the warm restarts left:
    #   round 1: needs 1, polishes 16;  rounds 2, 3: need 3 and 5, have 15 and 12;
    #   round 4: needs 11, has 7, polishes 16 - 7 = 9;
    #   round 5: needs 10 (11), has 5, 13 left to use: polishes 13 - 5 = 8;  round 6: has them.
    _SHAPES.clear()
    opts = PackOptions(warm_every=3, orbit_every=0, ap_restarts=0, lse_iters=5, slp_iters=0)
    out = PackingSolver.for_problem(4, 9, rng=1, restarts=200, options=opts, descent=_ShapeRecordingDescent(5)).solve()
    assert out.restarts == 200 and WARM_POOL == 16
    for m in (8, 10):
        assert [s[0] for s in _SHAPES if s[2] == m] == [16, 9, 8]  # sum 33: none wasted


def test_drop_lines_removes_the_column_that_spoils_the_coherence():
    # An orthonormal basis of R^3 and one extra column: dropping it gives coherence 0.
    V = np.concatenate([np.eye(3), np.array([[0.6], [0.8], [0.0]])], axis=1)
    W = drop_lines(V, 1, lines=True)
    assert W.shape == (3, 3)
    assert _coherence_numpy(W) < 1e-12
    # Two extra columns, near e1 (cosine 0.99) and near e2 (0.9). Deleting e1 or the first
    # extra column ties on the coherence (0.9 left either way); the tie-break on the next
    # largest cosines must delete the extra column, and the second step the other one.
    a = [0.99, np.sqrt(1 - 0.99**2), 0.0]
    b = [0.0, 0.9, np.sqrt(1 - 0.9**2)]
    V = np.concatenate([np.eye(3), np.array([a, b]).T], axis=1)
    W = drop_lines(V, 2, lines=True)
    assert W.shape == (3, 3)
    assert _coherence_numpy(W) < 1e-12


def test_add_lines_appends_the_best_candidate():
    g = np.random.default_rng(0)
    V = np.eye(3)[:, :2]
    W = add_lines(V, 1, lines=True, g=g, candidates=2000)
    assert W.shape == (3, 3)
    assert np.allclose(W[:, :2], V)
    assert np.isclose(np.linalg.norm(W[:, 2]), 1.0)
    # e3 is the best possible third line; the best of 2000 random directions is close to it.
    assert abs(W[2, 2]) > 0.99
    # Never worse than the candidates it chose among: compare with an independent draw's median.
    C = np.random.default_rng(1).standard_normal((3, 2000))
    C /= np.linalg.norm(C, axis=0)
    assert np.abs(V.T @ W[:, [2]]).max() <= np.median(np.abs(V.T @ C).max(axis=0))


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(warm_every=-1), "warm_every"),
        (dict(warm_candidates=0), "warm_candidates"),
        (dict(warm_offsets=(0,)), "warm_offsets"),
        (dict(warm_offsets=()), "warm_offsets"),
        (dict(warm_offsets=(-6,)), "warm_offsets"),  # n + d = -1 < 1 vectors
        (dict(warm_offsets="1"), "warm_offsets"),
        (dict(warm_offsets=3), "warm_offsets"),
    ],
)
def test_warm_options_validated(kwargs, name):
    with pytest.raises(ValueError, match=name):
        pack(dim=3, n=5, restarts=1, options=kwargs)


@pytest.mark.parametrize(
    "kwargs,name", [(dict(warm_every=1.5), "warm_every"), (dict(warm_offsets=(1.5,)), "warm_offsets")]
)
def test_warm_options_wrong_type(kwargs, name):
    # The project's convention (theory._validation.check_int): a non-integer count is a TypeError.
    with pytest.raises(TypeError, match=name):
        pack(dim=3, n=5, restarts=1, options=kwargs)
