"""Worst-case interference and RIP constants against brute-force oracles."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory import TheoryWarning
from theory.interference import (
    coherence_interference_bound,
    coherence_recovery,
    interference,
    rip_constant,
    rip_recovery,
    worst_case_interference,
)
from theory.interference.rip import sparse_eig_certificate


def unit_frame(dim: int, n: int, seed: int) -> np.ndarray:
    W = np.random.default_rng(seed).standard_normal((dim, n))
    return W / np.linalg.norm(W, axis=0)


def brute_worst(W: np.ndarray, k: int, signed: bool, a: float) -> np.ndarray:
    """Enumerate every support of size k and every vertex of the box (the maximiser of a linear
    function over a box is a vertex)."""
    n = W.shape[1]
    vals = [-a, a] if signed else [0.0, a]
    out = np.zeros(n)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        best = 0.0
        for S in itertools.combinations(others, k):
            for v in itertools.product(vals, repeat=k):
                x = np.zeros(n)
                x[list(S)] = v
                val = interference(W, x)[i]
                best = max(best, abs(val) if signed else val)
        out[i] = best
    return out


@settings(max_examples=15)
@given(
    dim=st.integers(1, 4),
    n=st.integers(2, 6),
    seed=st.integers(0, 10**6),
    signed=st.booleans(),
    a=st.sampled_from([0.5, 1.0, 2.0]),
    data=st.data(),
)
def test_worst_case_equals_enumeration(dim, n, seed, signed, a, data):
    W = np.random.default_rng(seed).standard_normal((dim, n))  # not normalised: general case
    k = data.draw(st.integers(0, min(3, n - 1)))
    got = worst_case_interference(W, k=k, signed=signed, max_value=a)
    np.testing.assert_allclose(got, brute_worst(W, k, signed, a), rtol=1e-12, atol=1e-12)
    bound = coherence_interference_bound(W, k=k, max_value=a).value
    assert np.all(got <= bound + 1e-12)


def test_coherence_bound_tight_on_etf():
    # simplex ETF: every |cos| equals 1/dim, so the coherence bound is attained
    dim = 3
    V = np.eye(dim + 1) - 1.0 / (dim + 1)
    U, s, _ = np.linalg.svd(V)
    W = (U[:, :dim] * s[:dim]).T
    W /= np.linalg.norm(W, axis=0)
    got = worst_case_interference(W, k=2)
    np.testing.assert_allclose(got, coherence_interference_bound(W, k=2).value, rtol=1e-12)


def test_interference_shapes_and_errors():
    W = unit_frame(3, 5, 0)
    assert interference(W, np.ones((5, 4))).shape == (5, 4)
    with pytest.raises(ValueError, match="x must have n = 5 rows"):
        interference(W, np.ones(4))
    with pytest.raises(ValueError, match="k must be an integer in \\[0, 4\\], got 5"):
        worst_case_interference(W, k=5)
    with pytest.raises(ValueError, match="finite"):
        worst_case_interference(np.full((2, 2), np.nan), k=1)
    with pytest.raises(ValueError, match="max_value must be > 0"):
        worst_case_interference(W, k=1, max_value=0.0)


def brute_delta(W: np.ndarray, k: int) -> float:
    G = W.T @ W
    best = 0.0
    for S in itertools.combinations(range(W.shape[1]), k):
        ev = np.linalg.eigvalsh(G[np.ix_(S, S)])
        best = max(best, ev[-1] - 1.0, 1.0 - ev[0])
    return best


@settings(max_examples=8)
@given(dim=st.integers(2, 4), n=st.integers(4, 7), seed=st.integers(0, 10**6), data=st.data())
def test_rip_ordering_gershgorin_sdp_exact_sampled(dim, n, seed, data):
    W = unit_frame(dim, n, seed)
    k = data.draw(st.integers(2, min(4, n)))
    exact = rip_constant(W, k=k, method="exact")
    assert exact.exact and exact.lower == exact.upper
    assert exact.upper == pytest.approx(brute_delta(W, k), abs=1e-12)
    ger = rip_constant(W, k=k, method="gershgorin")
    sdp = rip_constant(W, k=k, method="sdp", solver="CLARABEL", rng=seed)
    assert ger.upper >= sdp.upper  # the Gershgorin point is a feasible SDP dual
    assert sdp.upper >= exact.upper  # rigorous (independent eigenvalue check)
    assert exact.upper >= sdp.lower - 1e-12  # sampled lower bound is attained by a support
    assert exact.upper >= ger.lower - 1e-12


@settings(max_examples=20)
@given(dim=st.integers(1, 6), n=st.integers(2, 9), seed=st.integers(0, 10**6))
def test_delta2_equals_coherence(dim, n, seed):
    W = unit_frame(dim, n, seed)
    G = W.T @ W
    mu = np.max(np.abs(G - np.diag(np.diag(G))))
    assert rip_constant(W, k=2, method="exact").upper == pytest.approx(mu, abs=1e-12)
    assert rip_constant(W, k=2, method="gershgorin").upper == pytest.approx(mu, abs=1e-12)


def test_simplex_closed_form():
    # simplex frame of dim+1 unit vectors: G_S has eigenvalues 1 + 1/dim (k-1 times) and
    # 1 - (k-1)/dim, so delta_k = (k-1)/dim
    dim = 5
    V = np.eye(dim + 1) - 1.0 / (dim + 1)
    U, s, _ = np.linalg.svd(V)
    W = (U[:, :dim] * s[:dim]).T
    W /= np.linalg.norm(W, axis=0)
    for k in range(2, dim + 2):
        assert rip_constant(W, k=k, method="exact").upper == pytest.approx((k - 1) / dim, abs=1e-12)


def test_exact_refuses_with_count():
    W = unit_frame(10, 60, 1)
    with pytest.raises(ValueError, match=r"C\(n=60, k=6\) = 50063860 supports"):
        rip_constant(W, k=6, method="exact")
    with pytest.raises(ValueError, match="method must be one of"):
        rip_constant(W, k=2, method="magic")


def test_best_uses_sdp_when_too_many_supports():
    W = unit_frame(6, 14, 3)
    b = rip_constant(W, k=4, method="best", max_supports=100)
    ex = rip_constant(W, k=4, method="exact")
    assert not b.exact and b.rigorous
    assert b.lower <= ex.upper + 1e-12 <= b.upper + 2e-12
    assert b.certificate["sdp"]["solver"] == "CLARABEL"


def test_certificate_is_valid_for_any_U():
    # the re-check does not trust the solver: any symmetric U yields a valid bound
    rng = np.random.default_rng(5)
    W = unit_frame(3, 6, 5)
    G = W.T @ W
    for _ in range(20):
        U = rng.standard_normal((6, 6)) * rng.random()
        for k in (2, 3):
            hi, _ = sparse_eig_certificate(G, U, k, "max")
            lo, _ = sparse_eig_certificate(G, U, k, "min")
            for S in itertools.combinations(range(6), k):
                ev = np.linalg.eigvalsh(G[np.ix_(S, S)])
                assert lo <= ev[0] and ev[-1] <= hi


def test_recovery_certificates():
    assert coherence_recovery(np.eye(4), k=4).holds
    W = unit_frame(8, 12, 2)
    c = coherence_recovery(W, k=1)
    assert c.holds == (1 < 0.5 * (1 + 1 / c.quantity))
    with pytest.raises(ValueError, match="unit-norm"):
        coherence_recovery(2 * np.eye(3), k=1)
    r = rip_recovery(np.eye(6), k=3)
    assert r.holds and r.quantity == 0.0
    r2 = rip_recovery(unit_frame(2, 6, 0), k=2)
    assert not r2.holds and math.isclose(r2.threshold, 2**-0.5)


@settings(max_examples=20)
@given(dim=st.integers(1, 5), n=st.integers(2, 8), seed=st.integers(0, 10**6), k=st.integers(2, 4))
def test_gershgorin_lower_is_exact_delta2(dim, n, seed, k):
    W = np.random.default_rng(seed).standard_normal((dim, n))  # general (non-unit) columns
    k = min(k, n)
    with pytest.warns(TheoryWarning, match="not unit-norm"):
        g = rip_constant(W, k=k, method="gershgorin")
    assert g.lower == pytest.approx(brute_delta(W, 2), abs=1e-12)
    assert g.lower <= brute_delta(W, k) + 1e-12 <= g.upper + 2e-12


def test_unit_columns_do_not_warn():
    import warnings

    W = np.random.default_rng(0).standard_normal((4, 6))
    W /= np.linalg.norm(W, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rip_constant(W, k=2, method="exact")
