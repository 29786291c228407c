"""Random-matrix bounds (binomial tests at fixed seeds) and the ReLU read-out."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp

from theory.interference import (
    achlioptas_pair_failure_bound,
    achlioptas_projection,
    gaussian_rip_min_dim,
    interference_distribution,
    interference_moments,
    interference_tail_bound,
    jl_max_features,
    no_false_positive_bias,
    optimal_readout_bias,
    rademacher_frame,
    readout_error,
    relu_readout,
    rip_constant,
    sphere_cos_moment,
)
from theory.verify import binomial_test


@pytest.mark.parametrize("dim", [3, 5, 7, 11])
def test_sphere_moments_against_sympy(dim):
    # density of one coordinate of a uniform unit vector: prop. to (1 - c^2)^((dim-3)/2),
    # a polynomial for odd dim, integrated exactly by sympy
    c = sp.symbols("c")
    dens = sp.expand((1 - c**2) ** ((dim - 3) // 2))
    Z = sp.integrate(dens, (c, -1, 1))
    for order in (2, 4, 6):
        exact = sp.nsimplify(sp.integrate(c**order * dens, (c, -1, 1)) / Z)
        f = sphere_cos_moment(dim=dim, order=order)
        assert sp.Rational(f.numerator, f.denominator) == sp.simplify(exact)


def test_interference_moments_by_simulation():
    x = np.array([1.0, 0.5, 2.0])
    m = interference_moments(dim=20, x=x)
    s = interference_distribution(dim=20, x=x, samples=200_000, rng=3)
    # z-tests against the exact moments (4 standard errors)
    assert abs(s.mean()) < 4 * math.sqrt(m["var"] / s.size)
    se2 = math.sqrt((m["fourth"] - m["var"] ** 2) / s.size)
    assert abs((s**2).mean() - m["var"]) < 4 * se2
    assert abs((s**4).mean() - m["fourth"]) < 4 * np.std(s**4) / math.sqrt(s.size)


@pytest.mark.parametrize("dim,t", [(30, 0.6), (100, 0.4)])
def test_tail_bound_binomial(dim, t):
    x = np.ones(4)
    q = interference_tail_bound(dim=dim, x=x, t=t)
    s = interference_distribution(dim=dim, x=x, samples=20_000, rng=dim)
    viol = int(np.sum(np.abs(s) > t))
    assert binomial_test(viol, s.size, q)[0] > 1e-3


def test_jl_max_features_definition_and_simulation():
    for dim, eps, q in [(64, 0.5, 0.1), (200, 0.3, 0.5), (16, 0.9, 0.2)]:
        n = jl_max_features(dim=dim, eps=eps, failure_prob=q)
        assert n * (n - 1) * math.exp(-dim * eps**2 / 2) <= q
        assert (n + 1) * n * math.exp(-dim * eps**2 / 2) > q
    dim, eps, q = 64, 0.5, 0.1
    n = jl_max_features(dim=dim, eps=eps, failure_prob=q)
    rng = np.random.default_rng(0)
    trials = 2000
    viol = 0
    for _ in range(trials):
        W = rademacher_frame(dim=dim, n=n, rng=rng)
        G = np.abs(W.T @ W)
        np.fill_diagonal(G, 0)
        viol += bool(G.max() > eps)
    assert binomial_test(viol, trials, q)[0] > 1e-3


def test_achlioptas_pair_bound_binomial():
    k, dim, eps = 60, 40, 0.4
    q = achlioptas_pair_failure_bound(k=k, eps=eps)
    rng = np.random.default_rng(1)
    trials = 3000
    viol = 0
    for _ in range(trials):
        R = achlioptas_projection(k=k, dim=dim, rng=rng)
        u = rng.standard_normal(dim)
        viol += bool(abs(np.sum((R @ u) ** 2) / (k * np.sum(u**2)) - 1) > eps)
    assert binomial_test(viol, trials, q)[0] > 1e-3
    R = achlioptas_projection(k=2000, dim=3, rng=0)
    assert abs(np.mean(R**2) - 1) < 0.1  # unit variance entries


@pytest.mark.filterwarnings("ignore:W.s columns are not unit-norm")  # Gaussian RIP: raw Gaussian columns
def test_gaussian_rip_min_dim_and_simulation():
    n, k, delta, q = 10, 2, 0.5, 0.1
    m = gaussian_rip_min_dim(n=n, k=k, delta=delta, failure_prob=q)
    assert gaussian_rip_min_dim(n=n, k=k, delta=delta, failure_prob=q / 10) > m
    assert gaussian_rip_min_dim(n=n, k=k + 1, delta=delta, failure_prob=q) > m
    rng = np.random.default_rng(2)
    viol = sum(
        rip_constant(rng.standard_normal((m, n)) / math.sqrt(m), k=k, method="exact").upper > delta for _ in range(50)
    )
    assert binomial_test(int(viol), 50, q)[0] > 1e-3


def test_relu_readout_and_exact_error_vs_monte_carlo():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((3, 6))
    W /= np.linalg.norm(W, axis=0)
    x = np.zeros(6)
    x[2] = 0.7
    np.testing.assert_allclose(relu_readout(W, -0.1, x), np.maximum(W.T @ W @ x - 0.1, 0))
    ex = readout_error(W, -0.2, k=1)
    mc = readout_error(W, -0.2, k=1 + 0, trials=2, rng=0)  # exact path ignores trials
    assert ex.exact and mc.exact and ex.mean == mc.mean
    # independent Monte Carlo of the same expectation
    T = 200_000
    j = rng.integers(0, 6, T)
    X = np.zeros((6, T))
    X[j, np.arange(T)] = rng.random(T)
    err = ((np.maximum(W.T @ W @ X - 0.2, 0) - X) ** 2).sum(axis=0)
    assert abs(err.mean() - ex.mean) < 4 * err.std() / math.sqrt(T)
    fp = ((np.maximum(W.T @ W @ X - 0.2, 0) > 0) & (X == 0)).sum() / (X == 0).sum()
    assert abs(fp - ex.false_positive_rate) < 0.01
    with pytest.raises(ValueError, match="exactly one of k"):
        readout_error(W, 0.0)


def test_no_false_positive_bias_is_tight_and_sufficient():
    rng = np.random.default_rng(4)
    for _ in range(20):
        W = rng.standard_normal((4, 8))
        k = int(rng.integers(1, 4))
        b = no_false_positive_bias(W, k=k)
        G = W.T @ W
        for i in range(8):
            others = [j for j in range(8) if j != i]
            worst = -np.inf
            for S in itertools.combinations(others, k):  # vertices of [0,1]^k suffice
                for v in itertools.product([0.0, 1.0], repeat=k):
                    worst = max(worst, G[i, list(S)] @ np.array(v))
            assert worst + b[i] <= 1e-12  # no false positive
            assert worst + b[i] >= -1e-12  # and tight


def test_optimal_bias_beats_zero_and_grid():
    W = rademacher_frame(dim=5, n=12, rng=0)
    b, err = optimal_readout_bias(W, k=1)
    grid = [readout_error(W, g, k=1).mean for g in np.linspace(-1, 0, 101)]
    assert err.mean <= min(grid) + 1e-9
