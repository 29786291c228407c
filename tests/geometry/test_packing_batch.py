"""The batched stage 2 of ``pack``: the stacked smooth max, the stacked L-BFGS, the rounds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from theory.geometry import pack
from theory.geometry._packing.objective import coherence, lbfgs_batch, lse_batch
from theory.geometry._packing.solver import PackingSolver
from theory.geometry._packing.stages import SLPPolish
from theory.geometry.packing import PackOptions


def _smooth_max_one(W: np.ndarray, lines: bool, p: float) -> float:
    """The objective for one frame, written out directly (log-sum-exp over i != j)."""
    V = W / np.linalg.norm(W, axis=0)
    G = V.T @ V
    E = G * G if lines else G
    e = E[~np.eye(G.shape[0], dtype=bool)]
    m = e.max()
    return float(m + np.log(np.exp(p * (e - m)).sum()) / p)


@given(
    seed=st.integers(0, 2**32 - 1),
    lines=st.booleans(),
    dim=st.integers(2, 5),
    n=st.integers(3, 9),
    p=st.sampled_from([1.0, 30.0, 300.0]),
)
def test_lse_batch_value_and_central_difference_gradient(seed, lines, dim, n, p):
    g = np.random.default_rng(seed)
    X = g.standard_normal((3, dim * n))
    f, grad = lse_batch(X, dim, n, lines, np.full(3, p))
    for b in range(3):
        assert f[b] == pytest.approx(_smooth_max_one(X[b].reshape(dim, n), lines, p), rel=1e-12)
    h = 1e-6
    for b, k in [(0, 0), (1, dim * n - 1), (2, (dim * n) // 2)]:
        e = np.zeros(dim * n)
        e[k] = h
        fd = (
            _smooth_max_one((X[b] + e).reshape(dim, n), lines, p)
            - _smooth_max_one((X[b] - e).reshape(dim, n), lines, p)
        ) / (2 * h)
        assert grad[b, k] == pytest.approx(fd, rel=1e-4, abs=1e-6 * max(1.0, p))


def test_lbfgs_batch_solves_independent_quadratics():
    # Row b minimises 1/2 (x - c_b)^T A_b (x - c_b): the minimiser c_b is known exactly.
    g = np.random.default_rng(0)
    B, N = 5, 7
    Q = g.standard_normal((B, N, N))
    A = np.matmul(Q, Q.transpose(0, 2, 1)) + 0.5 * np.eye(N)
    c = g.standard_normal((B, N))

    def fg(x, rows):
        r = x - c[rows]
        Ar = np.einsum("bij,bj->bi", A[rows], r)
        return 0.5 * np.einsum("bi,bi->b", r, Ar), Ar

    x, its = lbfgs_batch(fg, np.zeros((B, N)), 500)
    assert its < 500  # every row met the stopping rule before the cap
    np.testing.assert_allclose(x, c, atol=1e-6)


def test_lbfgs_batch_rows_do_not_interact():
    # A row's path depends on that row only: alone or beside others, the same end point.
    g = np.random.default_rng(1)
    dim, n = 3, 7
    X = g.standard_normal((4, dim * n))
    p = np.full(4, 100.0)
    together, _ = lbfgs_batch(lambda x, r: lse_batch(x, dim, n, True, p[r]), X, 100)
    for b in range(4):
        alone, _ = lbfgs_batch(lambda x, r: lse_batch(x, dim, n, True, p[:1][r]), X[b : b + 1], 100)
        np.testing.assert_allclose(alone[0], together[b], rtol=0, atol=1e-9)


class _CountingPolish(SLPPolish):
    """Stage 3 that records the value of each frame it is given."""

    def __call__(self, V, *args, **kwargs):
        self.calls.append(coherence(V, True))  # type: ignore[attr-defined]
        return super().__call__(V, *args, **kwargs)


def _polished(**options):
    polish = _CountingPolish()
    object.__setattr__(polish, "calls", [])
    PackingSolver.for_problem(3, 8, rng=0, restarts=8, options=PackOptions(**options), polish=polish).solve()
    return polish.calls


def test_stage3_skips_a_basin_already_polished():
    # Without the cut every frame is polished except repeats of a polished stage-2 value.
    calls = _polished(slp_cutoff=None, warm_every=0)
    assert len(calls) == len(set(np.round(calls, 6)))  # no basin polished twice
    assert len(calls) < 8
    assert len(_polished(slp_cutoff=None, slp_same=0.0, warm_every=0)) == 8


@pytest.mark.parametrize("kwargs, name", [({"batch": 0}, "batch"), ({"slp_same": -1.0}, "slp_same")])
def test_round_options_validated(kwargs, name):
    with pytest.raises(ValueError, match=name):
        pack(dim=3, n=5, options=PackOptions(**kwargs))


def test_time_limit_rounds_stop_and_same_seed_same_result():
    a = pack(dim=3, n=8, rng=5, restarts=24)
    b = pack(dim=3, n=8, rng=5, restarts=24)
    assert np.array_equal(a.frame, b.frame) and a.restarts == 24
    t = pack(dim=5, n=16, rng=0, restarts=10**6, time_limit=1.0)
    assert t.restarts < 10**6  # the time limit, not the restart count, ended the run


def test_first_frame_is_polished_and_reaches_the_bound():
    # Six lines in R^4 attain the Bukh-Cox bound 1/3: stage 3 must polish the first (best)
    # frame of the first round, the only one the default cut lets through. It converges to the
    # bound geometrically, and its crawl rule (little gain *and* no deceleration) must not cut
    # that short: the rule "little gain in the window" alone, at the same threshold, stopped
    # 1.2e-12 above the bound.
    P = pack(dim=4, n=6, rng=0, restarts=8)
    assert P.value - P.bound.value < 1e-13
