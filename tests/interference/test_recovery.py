"""Basis pursuit, statistical dimension, weak threshold and the empirical phase transition."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, stats

from theory.interference import (
    almt_window,
    basis_pursuit,
    coherence_recovery,
    empirical_phase_transition,
    l1_weak_threshold,
    statistical_dimension_bounds,
    statistical_dimension_l1,
)
from theory.verify import binomial_test


@settings(max_examples=25)
@given(
    dim=st.integers(6, 24), extra=st.integers(0, 12), seed=st.integers(0, 10**6), nonneg=st.booleans(), data=st.data()
)
def test_coherence_condition_implies_exact_recovery(dim, extra, seed, nonneg, data):
    rng = np.random.default_rng(seed)
    n = dim + extra
    W = rng.standard_normal((dim, n))
    W /= np.linalg.norm(W, axis=0)
    cert = coherence_recovery(W, k=1)
    kmax = math.ceil(cert.threshold) - 1  # largest k with k < (1 + 1/mu)/2
    k = data.draw(st.integers(1, max(1, min(kmax, n))))
    assert coherence_recovery(W, k=k).holds
    x = np.zeros(n)
    S = rng.choice(n, size=k, replace=False)
    v = rng.standard_normal(k)
    x[S] = np.abs(v) + 0.1 if nonneg else v
    xh = basis_pursuit(W, W @ x, nonnegative=nonneg)
    np.testing.assert_allclose(xh, x, atol=1e-7)


def test_highs_and_cvxpy_agree():
    rng = np.random.default_rng(0)
    for nonneg in (False, True):
        W = rng.standard_normal((15, 30))
        x = np.zeros(30)
        x[rng.choice(30, 4, replace=False)] = rng.random(4) + 0.5
        a = basis_pursuit(W, W @ x, nonnegative=nonneg)
        b = basis_pursuit(W, W @ x, solver="cvxpy", nonnegative=nonneg)
        np.testing.assert_allclose(a, x, atol=1e-7)
        np.testing.assert_allclose(b, x, atol=1e-6)


def test_basis_pursuit_errors():
    W = np.array([[1.0, 1.0]])
    with pytest.raises(ValueError, match="infeasible"):
        basis_pursuit(W, [-1.0], nonnegative=True)
    with pytest.raises(ValueError, match="y must have dim = 1"):
        basis_pursuit(W, [1.0, 2.0])
    with pytest.raises(ValueError, match="solver must be"):
        basis_pursuit(W, [1.0], solver="gurobi")
    with pytest.raises(ValueError, match="finite"):
        basis_pursuit(W, [np.inf])


def _psi_quadrature(eps: float, nonneg: bool) -> float:
    """Independent oracle: E[dist^2] by numerical integration, minimised over a fine grid."""

    def tail(t):
        def f(g):
            return (g - t) ** 2 * stats.norm.pdf(g)

        one = integrate.quad(f, t, np.inf, epsabs=1e-13, epsrel=1e-12)[0]
        return one if nonneg else 2 * one

    obj = lambda t: eps * (1 + t * t) + (1 - eps) * tail(t)  # noqa: E731
    res = optimize.minimize_scalar(obj, bounds=(0, 10), method="bounded", options={"xatol": 1e-10})
    return float(res.fun)


@pytest.mark.parametrize("nonneg", [False, True])
@pytest.mark.parametrize("n,k", [(100, 1), (100, 10), (200, 50), (50, 49)])
def test_statistical_dimension_against_quadrature(n, k, nonneg):
    got = statistical_dimension_l1(n=n, k=k, nonnegative=nonneg)
    assert got == pytest.approx(n * _psi_quadrature(k / n, nonneg), rel=1e-8)
    lo, hi = statistical_dimension_bounds(n=n, k=k)
    assert lo <= statistical_dimension_l1(n=n, k=k) == hi


@pytest.mark.parametrize("nonneg", [False, True])
@pytest.mark.parametrize("delta", [0.05, 0.1, 0.25, 0.5, 0.75, 0.9])
def test_weak_threshold_matches_dmm_minimax_formula(delta, nonneg):
    """Donoho-Maleki-Montanari (2009, PNAS, eq. for rho_MSE / rho^+): an independent published
    formula, maximised by brute force on a fine grid."""
    c = 1.0 if nonneg else 2.0
    z = np.linspace(1e-6, 8, 400_001)
    a = (1 + z**2) * stats.norm.cdf(-z) - z * stats.norm.pdf(z)
    rho = np.max((1 - (c / delta) * a) / (1 + z**2 - c * a))
    assert l1_weak_threshold(delta, nonnegative=nonneg) == pytest.approx(rho, abs=1e-8)


def test_weak_threshold_errors():
    with pytest.raises(ValueError, match="delta must be > 0.0"):
        l1_weak_threshold(0.0)
    with pytest.raises(ValueError, match="delta must be <= 1.0"):
        l1_weak_threshold(1.5)


def test_phase_transition_within_almt_window():
    """The empirical 50% line sits on the theory within ALMT's window; cells outside the
    window at eta succeed / fail as the theorem's probability bounds say (binomial test)."""
    n = 80
    deltas = [0.3, 0.6]
    rhos = np.linspace(0.05, 0.95, 10)
    pt = empirical_phase_transition(n=n, deltas=deltas, rhos=rhos, trials=12, rng=1, executor="serial", progress=False)
    win = almt_window(n=n, eta=0.5)
    for i, _ in enumerate(deltas):
        for j, _ in enumerate(rhos):
            dim, k = int(pt.dims[i, j]), int(pt.ks[i, j])
            sd = statistical_dimension_l1(n=n, k=k)
            succ = int(round(pt.success[i, j] * pt.trials))
            if dim >= sd + win:  # theory: success prob >= 1 - eta
                assert binomial_test(pt.trials - succ, pt.trials, 0.5)[0] > 1e-3
            if dim <= sd - 2 * math.sqrt(n / k) - win:  # failure prob >= 1 - eta
                assert binomial_test(succ, pt.trials, 0.5)[0] > 1e-3
    # the 50% line: measurements at the empirical boundary vs the statistical dimension there
    for d, rb in zip(deltas, pt.boundary(), strict=True):
        dim = round(d * n)
        assert abs(statistical_dimension_l1(n=n, k=max(1, round(rb * dim))) - dim) <= win
    # and it is much closer than the (loose) window in practice
    assert np.max(np.abs(pt.boundary() - pt.theory())) < 0.2


def test_phase_transition_errors():
    with pytest.raises(ValueError, match="rhos must be a non-empty list of values in"):
        empirical_phase_transition(n=10, deltas=[0.5], rhos=[0.0], executor="serial")


def test_l1_recovers_agrees_with_lp_decision():
    """The certificate screens never contradict the LP: each path is a proof, checked here
    against basis pursuit on random problems spanning both phases."""
    from theory.interference import l1_recovers

    rng = np.random.default_rng(11)
    n = 60
    paths = set()
    for _ in range(60):
        dim = int(rng.integers(10, 55))
        k = int(rng.integers(1, dim))
        W = rng.standard_normal((dim, n))
        x = np.zeros(n)
        x[rng.choice(n, k, replace=False)] = rng.standard_normal(k)
        fast, how = l1_recovers(W, x)
        slow, _ = l1_recovers(W, x, screen=False)
        paths.add(how)
        assert fast == slow, (dim, k, how)
    assert {"certificate", "descent"} <= paths
