"""ER-SpUD: sampling, the LP (against cvxpy), recovery at p = 5 n log n, failure at tiny p, scoring;
the warm-started HiGHS path against the linprog path."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from theory.sparse_coding import spud as spud_mod
from theory.sparse_coding.spud import (
    SpudResult,
    SpudTrials,
    _lp_row,
    _WarmLP,
    er_spud,
    spud_sample,
    spud_success,
    spud_success_rate,
)


def _p(n: int, c: float = 5.0) -> int:
    return int(round(c * n * math.log(n)))


def test_sample_shapes_density_and_determinism():
    A = np.random.default_rng(0).standard_normal((6, 6))
    x, codes = spud_sample(A, batch=4000, theta=0.2, rng=1)
    assert x.shape == (4000, 6) and codes.shape == (4000, 6)
    assert np.allclose(x, codes @ A.T)
    assert abs(np.mean(codes != 0) - 0.2) < 0.02
    x2, _ = spud_sample(A, batch=4000, theta=0.2, rng=1)
    assert np.array_equal(x, x2)


def test_lp_against_cvxpy():
    cp = pytest.importorskip("cvxpy")
    A = np.random.default_rng(2).standard_normal((5, 5))
    x, _ = spud_sample(A, batch=40, theta=0.3, rng=3)
    Y = x.T
    for j in range(0, 10, 2):
        r = x[j] + x[j + 1]
        if not np.any(r):
            continue
        w = _lp_row(Y, r)
        assert w is not None and abs(r @ w - 1.0) < 1e-9
        v = cp.Variable(5)
        prob = cp.Problem(cp.Minimize(cp.norm1(Y.T @ v)), [r @ v == 1])
        prob.solve(solver="CLARABEL")
        assert abs(np.abs(Y.T @ w).sum() - prob.value) < 1e-6 * max(1.0, prob.value)


@pytest.mark.parametrize(("n", "seed", "variant"), [(6, 0, "dc"), (8, 1, "dc"), (10, 2, "dc"), (8, 4, "sc")])
def test_recovers_at_5_n_log_n(n, seed, variant):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    x, codes = spud_sample(A, batch=_p(n), theta=0.2, rng=rng)
    res = er_spud(x, variant=variant, rng=seed)
    assert isinstance(res, SpudResult) and res.complete
    assert spud_success(A, res.dictionary)
    assert res.residual < 1e-8
    # the codes match the true ones up to the same permutation and scaling
    An = A / np.linalg.norm(A, axis=0)
    C = np.abs(An.T @ res.dictionary)
    rows, cols = linear_sum_assignment(C, maximize=True)
    for i, j in zip(rows, cols, strict=True):
        t, h = codes[:, i], res.codes[:, j]
        scale = (h @ t) / (t @ t)
        assert np.allclose(h, scale * t, atol=1e-6 * np.abs(h).max())
        assert np.array_equal(h != 0, t != 0)  # exact support recovery
    assert "complete" in str(res) and len(repr(res)) < 300


def test_fails_at_tiny_p():
    n = 10
    rng = np.random.default_rng(4)
    fails = 0
    for _ in range(5):
        A = rng.standard_normal((n, n))
        x, _ = spud_sample(A, batch=n + 3, theta=0.3, rng=rng)
        try:
            res = er_spud(x, rng=0)
        except ValueError:
            fails += 1
            continue
        fails += not spud_success(A, res.dictionary)
    assert fails == 5


def test_success_rate_rises_with_p():
    lo = spud_success_rate(n=8, batch=12, theta=0.2, trials=6, rng=0)
    hi = spud_success_rate(n=6, batch=_p(6), theta=0.25, trials=6, rng=0)
    assert isinstance(hi, SpudTrials)
    assert lo.successes == 0 and hi.successes >= 5
    assert hi.ci[0] <= hi.rate <= hi.ci[1]
    assert abs(hi.ratio - _p(6) / (6 * math.log(6))) < 1e-12
    assert "Clopper-Pearson" in str(hi)
    again = spud_success_rate(n=6, batch=_p(6), theta=0.25, trials=2, rng=0)
    first_two = spud_success_rate(n=6, batch=_p(6), theta=0.25, trials=2, rng=0)
    assert again == first_two


def test_spud_success_oracle():
    rng = np.random.default_rng(5)
    A = rng.standard_normal((5, 5))
    perm = rng.permutation(5)
    scale = rng.choice([-3.0, -0.5, 0.2, 2.0, 7.0], size=5)
    assert spud_success(A, A[:, perm] * scale)
    B = A.copy()
    B[:, 2] += 0.05 * rng.standard_normal(5)
    assert not spud_success(A, B)
    assert spud_success(A, B, tol=0.5)
    # two copies of one atom cannot be matched one-to-one
    C = A.copy()
    C[:, 1] = C[:, 0]
    assert not spud_success(A, C)


def test_max_lps_and_sc_budget():
    A = np.random.default_rng(6).standard_normal((6, 6))
    x, _ = spud_sample(A, batch=_p(6), theta=0.2, rng=7)
    res = er_spud(x, max_lps=10, rng=0)
    assert res.n_lps <= 10


def test_bad_inputs():
    A = np.eye(4)
    x, _ = spud_sample(A, batch=20, theta=0.5, rng=0)
    with pytest.raises(ValueError, match="more samples"):
        er_spud(x[:4])
    with pytest.raises(ValueError, match="variant"):
        er_spud(x, variant="xx")
    with pytest.raises(ValueError, match="tol"):
        er_spud(x, tol=0.0)
    with pytest.raises(TypeError):
        er_spud(x, max_lps=2.5)
    with pytest.raises(ValueError, match="finite"):
        er_spud(np.full((10, 3), np.nan))
    with pytest.raises(ValueError, match="spans"):
        er_spud(np.column_stack([x[:, :3], np.zeros(20)]))
    with pytest.raises(ValueError, match="theta"):
        spud_sample(A, batch=5, theta=0.0)
    with pytest.raises(TypeError):
        spud_sample(A, batch=True, theta=0.5)
    with pytest.raises(ValueError, match="zero column"):
        spud_sample(np.zeros((2, 2)), batch=5, theta=0.5)
    with pytest.raises(ValueError, match="shape"):
        spud_success(np.eye(3), np.eye(2))
    with pytest.raises(ValueError, match="batch"):
        spud_success_rate(n=5, batch=5, theta=0.2)
    with pytest.raises(ValueError, match="n must be"):
        spud_success_rate(n=1, batch=5, theta=0.2)


# ---------------------------------------------------------------------------------------------
# warm-started HiGHS model against a fresh linprog per LP


def _value(Y, w):
    return float(np.abs(Y.T @ w).sum())


def _lp_set():
    """(Y, list of r) pairs: DC and SC right-hand sides, random directions, sign flips, repeats,
    and sparse data (identity dictionary: exact zeros in Y and r)."""
    out = []
    for n, theta, seed in [(4, 0.3, 0), (6, 0.2, 1), (8, 0.2, 2), (10, 0.1, 3)]:
        g = np.random.default_rng(seed)
        A = g.standard_normal((n, n))
        x, _ = spud_sample(A, batch=_p(n, 6.0), theta=theta, rng=g)
        rs = [x[2 * j] + x[2 * j + 1] for j in range(8)] + [x[j] for j in range(4)]
        rs += [g.standard_normal(n), -rs[0], rs[0], 3.0 * rs[1]]
        out.append((x.T.copy(), [r for r in rs if np.any(r)]))
    x, _ = spud_sample(np.eye(5), batch=40, theta=0.3, rng=7)
    out.append((x.T.copy(), [r for r in (x[:10] + x[10:20]) if np.any(r)]))
    return out


def test_warm_and_linprog_same_optima():
    count = 0
    for Y, rs in _lp_set():
        warm = _WarmLP(Y)
        for r in rs:
            w_cold, w_warm = _lp_row(Y, r), warm.solve(r)
            assert w_cold is not None and w_warm is not None
            assert abs(r @ w_warm - 1.0) < 1e-9
            v_cold, v_warm = _value(Y, w_cold), _value(Y, w_warm)
            assert abs(v_warm - v_cold) <= 1e-8 * v_cold
            count += 1
    assert count > 60


def test_warm_against_cvxpy_on_a_sequence():
    cp = pytest.importorskip("cvxpy")
    A = np.random.default_rng(12).standard_normal((6, 6))
    x, _ = spud_sample(A, batch=50, theta=0.25, rng=13)
    Y = x.T.copy()
    warm = _WarmLP(Y)
    for j in range(0, 12, 2):
        r = x[j] + x[j + 1]
        w = warm.solve(r)
        v = cp.Variable(6)
        prob = cp.Problem(cp.Minimize(cp.norm1(Y.T @ v)), [r @ v == 1])
        prob.solve(solver="CLARABEL")
        assert abs(_value(Y, w) - prob.value) < 1e-6 * max(1.0, prob.value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 6), extra=st.integers(1, 20), seed=st.integers(0, 2**31 - 1), k=st.integers(1, 6))
def test_warm_matches_linprog_property(n, extra, seed, k):
    g = np.random.default_rng(seed)
    Y = g.standard_normal((n, n + extra))
    warm = _WarmLP(Y)
    for _ in range(k):
        r = g.standard_normal(n) if g.random() < 0.5 else Y[:, g.integers(Y.shape[1])]
        w_cold, w_warm = _lp_row(Y, r), warm.solve(r)
        assert w_cold is not None and w_warm is not None
        assert abs(_value(Y, w_warm) - _value(Y, w_cold)) <= 1e-8 * _value(Y, w_cold)
        # the value is at most that of any feasible w, e.g. r / |r|^2
        assert _value(Y, w_warm) <= _value(Y, r / (r @ r)) * (1 + 1e-9)


def test_warm_start_reuses_the_basis():
    A = np.random.default_rng(3).standard_normal((8, 8))
    x, _ = spud_sample(A, batch=_p(8), theta=0.2, rng=4)
    warm = _WarmLP(x.T.copy())
    r = x[0] + x[1]
    w1 = warm.solve(r)
    w2 = warm.solve(r)  # same r again: the kept optimal basis is optimal at once
    assert warm.h.getInfo().simplex_iteration_count == 0
    assert np.allclose(w1, w2, rtol=1e-12, atol=1e-14 * np.abs(w1).max())


def test_warm_retries_from_scratch_then_gives_up(monkeypatch):
    A = np.random.default_rng(5).standard_normal((5, 5))
    x, _ = spud_sample(A, batch=40, theta=0.3, rng=6)
    Y, r = x.T.copy(), x[0] + x[1]
    real = spud_mod._checked_row
    calls = []

    def flaky(*args):
        calls.append(1)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(spud_mod, "_checked_row", flaky)
    w = _WarmLP(Y).solve(r)
    assert len(calls) == 2 and w is not None
    assert abs(_value(Y, w) - _value(Y, _lp_row(Y, r))) <= 1e-8 * _value(Y, w)
    monkeypatch.setattr(spud_mod, "_checked_row", lambda *args: None)
    res = er_spud(x, solver="highs", rng=0)
    assert res.n_candidates == 0 and not res.complete and np.all(np.isfinite(res.dictionary))


@pytest.mark.parametrize(("n", "c", "theta"), [(6, 8.0, 0.2), (8, 2.0, 0.2), (8, 4.0, 0.3), (9, 6.0, 0.1)])
def test_solvers_same_success_decisions(n, c, theta):
    rng = np.random.default_rng(n * 100 + int(c))
    decisions = []
    for t in range(3):
        A = rng.standard_normal((n, n))
        x, _ = spud_sample(A, batch=_p(n, c), theta=theta, rng=rng)
        a = er_spud(x, solver="highs", rng=t)
        b = er_spud(x, solver="linprog", rng=t)
        ok_a = a.complete and spud_success(A, a.dictionary)
        ok_b = b.complete and spud_success(A, b.dictionary)
        assert ok_a == ok_b and a.complete == b.complete
        assert a.n_lps == b.n_lps and a.n_candidates == b.n_candidates
        assert np.array_equal(np.sort(a.sparsity), np.sort(b.sparsity))
        if a.complete:
            assert spud_success(a.dictionary, b.dictionary, tol=1e-9)
        decisions.append(ok_a)
    if c == 8.0 and theta == 0.2:
        assert any(decisions)


def test_highs_path_deterministic():
    A = np.random.default_rng(9).standard_normal((8, 8))
    x, _ = spud_sample(A, batch=_p(8), theta=0.2, rng=10)
    a, b = er_spud(x, rng=1), er_spud(x, rng=1)
    assert np.array_equal(a.dictionary, b.dictionary) and np.array_equal(a.codes, b.codes)
    assert a.n_lps == b.n_lps and a.residual == b.residual
    Y = x.T.copy()
    rs = [x[2 * j] + x[2 * j + 1] for j in range(10)]
    m1, m2 = _WarmLP(Y), _WarmLP(Y)
    w1 = [m1.solve(r) for r in rs]
    w2 = [m2.solve(r) for r in rs]
    assert all(np.array_equal(u, v) for u, v in zip(w1, w2, strict=True))
    assert spud_success_rate(n=6, batch=_p(6), theta=0.25, trials=2, rng=0) == spud_success_rate(
        n=6, batch=_p(6), theta=0.25, trials=2, rng=0
    )


def test_bad_solver():
    x, _ = spud_sample(np.eye(3), batch=20, theta=0.5, rng=0)
    with pytest.raises(ValueError, match="solver"):
        er_spud(x, solver="cvxpy")
    with pytest.raises(ValueError, match="solver"):
        spud_success_rate(n=3, batch=20, theta=0.5, solver="simplex")
