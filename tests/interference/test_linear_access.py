"""Linear accessibility: exact worst cases against brute force, the optimal decoder against cvxpy,
the proven bounds against hand-computed values and simulation, claims that can fail, the figure."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats

from theory.geometry import random_frame
from theory.interference.linear_access import (
    access_dims,
    check_linear_access,
    linear_access_construction,
    linear_access_error,
    linear_access_lower_bound,
    linear_access_lower_order,
    linear_access_upper_order,
    min_access_dim,
    optimal_linear_decoder,
    rademacher_access_dim,
    relu_access_error,
    sample_sparse_inputs,
)


def _brute_linear(M: np.ndarray, k: int, nonnegative: bool) -> np.ndarray:
    """Worst |(M - I) z|_i over every vertex input with support size 1..k (signs, or ones)."""
    m = M.shape[0]
    R = M - np.eye(m)
    worst = np.zeros(m)
    for size in range(1, k + 1):
        for S in itertools.combinations(range(m), size):
            pats = (
                [np.ones(size)] if nonnegative else [np.array(p) for p in itertools.product((-1.0, 1.0), repeat=size)]
            )
            for p in pats:
                z = np.zeros(m)
                z[list(S)] = p
                worst = np.maximum(worst, np.abs(R @ z))
    return worst


@settings(max_examples=20, deadline=None)
@given(
    m=st.integers(2, 6),
    dim=st.integers(1, 5),
    k=st.integers(1, 4),
    seed=st.integers(0, 10**6),
    nonneg=st.booleans(),
    own_decoder=st.booleans(),
)
def test_exact_worst_case_matches_brute_force(m, dim, k, seed, nonneg, own_decoder):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((dim, m))
    B = rng.standard_normal((m, dim)) if own_decoder else None
    k = min(k, m)
    M = (A.T if B is None else B) @ A
    np.testing.assert_allclose(
        linear_access_error(A, B, k=k, nonnegative=nonneg), _brute_linear(M, k, nonneg), atol=1e-12
    )


@settings(max_examples=15, deadline=None)
@given(m=st.integers(2, 7), k=st.integers(1, 3), seed=st.integers(0, 10**6), nonneg=st.booleans())
@example(m=3, k=3, seed=3, nonneg=True)  # a smaller support than k is the worst nonnegative input
def test_exhaustive_check_reaches_the_exact_worst_case(m, k, seed, nonneg):
    A = random_frame(3, m, kind="sphere", rng=seed)
    k = min(k, m)
    full = check_linear_access(A, k=k, eps=0.5, nonnegative=nonneg, exhaustive=True)
    assert full.exhaustive and math.isclose(full.max_tested_error, full.worst_error, abs_tol=1e-12)
    assert full.n_inputs == math.comb(m, k) * 2**k
    sampled = check_linear_access(A, k=k, eps=0.5, nonnegative=nonneg, exhaustive=False, samples=300, rng=seed)
    assert sampled.max_tested_error <= sampled.worst_error + 1e-12
    assert (sampled.failures == 0) or not sampled.ok


def test_orthonormal_encoder_reads_everything_exactly():
    A = np.eye(5)[:, :5]
    r = check_linear_access(A, k=5, eps=1e-9)
    assert r.ok and r.worst_error == 0 and r.failures == 0


def test_relu_worst_case_matches_dense_search():
    rng = np.random.default_rng(3)
    for _ in range(3):
        A = random_frame(3, 5, kind="sphere", rng=rng)
        b = -rng.random(5) * 0.6
        k = 2
        exact = relu_access_error(A, b, k=k)
        G = A.T @ A
        grid = np.linspace(0.0, 1.0, 31)
        found = np.zeros(5)
        for S in itertools.combinations(range(5), k):
            for vals in itertools.product(grid, repeat=k):
                z = np.zeros(5)
                z[list(S)] = vals
                found = np.maximum(found, np.abs(np.maximum(G @ z + b, 0.0) - z))
        assert np.all(found <= exact + 1e-12)
        assert np.all(exact - found <= 0.04)  # grid resolution 1/30 times the largest slope (~1)


def test_optimal_decoder_matches_cvxpy():
    cp = pytest.importorskip("cvxpy")
    A = random_frame(4, 9, kind="sphere", rng=1)
    for nonneg in (False, True):
        B, err = optimal_linear_decoder(A, k=2, nonnegative=nonneg)
        assert np.all(err <= linear_access_error(A, k=2, nonnegative=nonneg) + 1e-9)
        for i in (0, 4):
            b = cp.Variable(4)
            v = A.T @ b - np.eye(9)[i]
            obj = (
                cp.maximum(cp.sum_largest(cp.pos(v), 2), cp.sum_largest(cp.neg(v), 2))
                if nonneg
                else cp.sum_largest(cp.abs(v), 2)
            )
            prob = cp.Problem(cp.Minimize(obj))
            prob.solve(solver="CLARABEL")
            assert err[i] == pytest.approx(prob.value, abs=1e-6)


def test_lower_bound_hand_values_and_trace_oracle():
    # k = 1: D = 0, s = m, delta = eps/(1-eps); the r = 1 trace bound m / (1 + (m-1) delta^2) is implied
    for m, eps in [(10, 0.2), (100, 0.1), (1000, 0.3)]:
        delta = eps / (1 - eps)
        trace = math.ceil(m / (1 + (m - 1) * delta**2) - 1e-9)
        assert linear_access_lower_bound(m=m, k=1, eps=eps).value >= trace
    b = linear_access_lower_bound(m=64, k=2, eps=0.25)
    assert b.value == 14 and b.proven and b.kind == "lower"
    assert b.params["D"] == 1 and b.params["s"] == 22  # 64 / 3 rounded up


@settings(max_examples=30, deadline=None)
@given(m=st.integers(2, 10**6), k=st.integers(1, 64), eps=st.floats(0.01, 0.95))
def test_lower_bound_properties(m, k, eps):
    b = linear_access_lower_bound(m=m, k=k, eps=eps).value
    assert 1 <= b <= m  # the identity (d = m) is always a scheme
    assert linear_access_lower_bound(m=m + 1000, k=k, eps=eps).value >= b
    assert linear_access_lower_bound(m=m, k=k, eps=min(0.99, eps * 1.5)).value <= b


def test_lower_bound_below_exhaustively_found_schemes():
    for m, k, eps in [(6, 1, 0.3), (8, 2, 0.2)]:
        found = min_access_dim(m=m, k=k, eps=eps, method="linear_opt", trials=1, max_dim=m).dim
        assert found is not None and found >= linear_access_lower_bound(m=m, k=k, eps=eps).value


def test_lower_bound_grows_like_the_paper():
    # k^2 log(m/k) / log k growth at fixed eps: quadrupling k at huge m multiplies the bound by > 4
    b4 = linear_access_lower_bound(m=10**12, k=4, eps=0.1).value
    b16 = linear_access_lower_bound(m=10**12, k=16, eps=0.1).value
    assert b16 > 4 * b4


def test_rademacher_dim_formula_and_binomial_test():
    m, k, eps, q = 150, 2, 0.5, 0.5
    d = rademacher_access_dim(m=m, k=k, eps=eps, failure_prob=q).value
    assert d == math.ceil(2 * k * k / eps**2 * math.log(m * (m - 1) / q))
    fails = sum(linear_access_error(random_frame(d, m, kind="rademacher", rng=s), k=k).max() > eps for s in range(30))
    assert stats.binomtest(fails, 30, q, alternative="greater").pvalue > 1e-3


def test_construction_reads_every_input():
    c = linear_access_construction(m=30, k=2, eps=0.6, samples=100, rng=4)
    assert c.check.ok and c.check.exhaustive and c.check.failures == 0
    assert c.A.shape == (c.dim, 30) and "AccessConstruction" in repr(c)


def test_orders_are_marked_not_proven():
    lo = linear_access_lower_order(m=10**6, k=10, constant=2.0)
    assert lo.value == pytest.approx(2 * 100 / math.log(10) * math.log(10**5))
    assert not lo.proven and "NOT PROVEN" in str(lo)
    assert not linear_access_lower_order(m=10, k=1).valid
    up = linear_access_upper_order(m=10**400, k=3, eps=0.5)
    assert up.value == pytest.approx(9 * 400 * math.log(10) / 0.25) and "NOT PROVEN" in str(up)
    s = str(access_dims(m=1000, k=4, eps=0.3))
    assert "NOT PROVEN" in s and "l1" in s


def test_min_access_dim_is_reproducible_and_ordered():
    a = min_access_dim(m=12, k=2, eps=0.5, method="linear", trials=2, max_dim=200, rng=5)
    assert a == min_access_dim(m=12, k=2, eps=0.5, method="linear", trials=2, max_dim=200, rng=5)
    opt = min_access_dim(m=12, k=2, eps=0.5, method="linear_opt", trials=1, max_dim=12, rng=5)
    assert opt.dim is not None and a.dim is not None and opt.dim <= a.dim
    assert min_access_dim(m=12, k=2, eps=0.5, method="linear", trials=1, max_dim=4).dim is None


def test_sample_sparse_inputs():
    z = sample_sparse_inputs(m=10, k=3, batch=50, rng=1)
    assert np.all((z != 0).sum(axis=1) == 3) and set(np.unique(z)) <= {-1.0, 0.0, 1.0}
    u = sample_sparse_inputs(m=10, k=3, batch=50, nonnegative=True, values="uniform", rng=1)
    assert np.all(u >= 0) and np.all(u <= 1)
    assert np.array_equal(z, sample_sparse_inputs(m=10, k=3, batch=50, rng=1))


@pytest.mark.parametrize(
    "call, err",
    [
        (lambda: linear_access_error(np.eye(3), k=0), ValueError),
        (lambda: linear_access_error(np.eye(3), k=True), TypeError),
        (lambda: linear_access_error(np.eye(3), np.eye(2), k=1), ValueError),
        (lambda: linear_access_error([[np.nan, 1.0]], k=1), ValueError),
        (lambda: check_linear_access(np.eye(3), k=1, eps=0.0), ValueError),
        (lambda: check_linear_access(np.eye(3), k=1, eps=1.0), ValueError),
        (lambda: check_linear_access(np.eye(3), k=1, eps=float("nan")), ValueError),
        (lambda: linear_access_lower_bound(m=10**400, k=2, eps=0.5), ValueError),
        (lambda: linear_access_lower_bound(m=1e12, k=2, eps=0.5), TypeError),
        (lambda: rademacher_access_dim(m=100, k=2, eps=0.5, failure_prob=0.0), ValueError),
        (lambda: min_access_dim(m=10**12, k=2), ValueError),
        (lambda: min_access_dim(m=10, k=2, method="magic"), ValueError),
        (lambda: sample_sparse_inputs(m=10**9, k=2, batch=10**6), ValueError),
        (lambda: relu_access_error(np.eye(3), [0.0, 0.0], k=1), ValueError),
    ],
)
def test_bad_input_is_refused(call, err):
    with pytest.raises(err):
        call()


def test_claims_pass_quick_and_can_fail():
    from theory.interference._claims_linear_access import linear_access_claims
    from theory.verify import check

    claims = {c.id: c for c in linear_access_claims()}
    assert set(claims) == {"interference.linear_access_construction", "interference.linear_access_lower_bound"}
    for c in claims.values():
        assert check(c, quick=True).status == "consistent"
    c = claims["interference.linear_access_construction"]
    wrong = dataclasses.replace(c, bound=lambda p: p["eps"] / 4, failure_prob=0.05)  # four times too strong
    assert check(wrong, quick=True).status == "refuted"
    lb = claims["interference.linear_access_lower_bound"]
    wrong = dataclasses.replace(lb, bound=lambda p: float(p["m"] + 1))  # claims d > m is needed
    assert check(wrong, quick=True).status == "refuted"


def test_figure():
    from theory.figures.interference_access import plot_linear_accessibility

    r = {"m": [16, 32], "k": 2, "eps": 0.5, "dims": {"linear": [95, None], "relu": [38, 58], "l1": [5, 7]}}
    ax = plot_linear_accessibility(r)
    assert ax.get_yscale() == "log" and len(ax.lines) == 7
    with pytest.raises(ValueError):
        plot_linear_accessibility({**r, "dims": {"magic": [1, 2]}})
    with pytest.raises(TypeError):
        plot_linear_accessibility([1, 2])


@settings(max_examples=15, deadline=None)
@given(m=st.integers(2, 30), dim=st.integers(1, 12), k=st.integers(1, 6), seed=st.integers(0, 10**6))
def test_matched_filter_error_is_the_worst_case_interference(m, dim, k, seed):
    # independent oracle: for unit columns and decoder W^T the error is the interference of k others
    from theory.interference import worst_case_interference

    W = random_frame(dim, m, kind="sphere", rng=seed)
    k = min(k, m - 1)
    np.testing.assert_allclose(linear_access_error(W, k=k), worst_case_interference(W, k=k), atol=1e-12)
    pos = worst_case_interference(W, k=k, signed=False)
    assert np.all(linear_access_error(W, k=k, nonnegative=True) >= pos - 1e-12)


def test_lower_order_checks_theorem_3_condition_on_eps():
    # Theorem 3 (Garg, Kleinberg & Peng 2026) holds for eps > sqrt(5) k^(3/2) / sqrt(m), i.e. m > 5 k^3 / eps^2
    k, eps = 4, 0.5
    m_edge = 5 * k**3 / eps**2  # 1280
    assert not linear_access_lower_order(m=int(m_edge) - 1, k=k, eps=eps).valid
    assert "Theorem 3 needs eps" in linear_access_lower_order(m=int(m_edge) - 1, k=k, eps=eps).condition
    assert linear_access_lower_order(m=int(m_edge) + 1, k=k, eps=eps).valid
    # without eps the order is reported as before, its condition naming the theorem's requirement
    b = linear_access_lower_order(m=10**6, k=10)
    assert b.valid and "Theorem 3" in b.condition
    # huge sizes: no overflow
    assert linear_access_lower_order(m=10**300, k=10**100, eps=0.9).valid is False
    with pytest.raises(ValueError, match="eps"):
        linear_access_lower_order(m=100, k=3, eps=1.0)
