"""Exact U-AND error moments against a brute-force oracle and against simulation."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from theory.circuits import (
    UAnd,
    adler_shavit_bounds,
    optimal_p,
    paper_p,
    random_gain,
    uand,
    uand_error_moments,
    uand_min_width,
)
from theory.verify import binomial_test


def _oracle(d, m, gate, active_set, p):
    """Exact conditional mean/var of the read-off of ``gate`` given coverage, by enumerating
    every 0/1 matrix W of shape (d, m) with exact rational probabilities."""
    x = np.zeros(m)
    x[list(active_set)] = 1
    k = len(gate)
    tot = Fraction(0)
    s1 = Fraction(0)
    s2 = Fraction(0)
    target = int(all(x[list(gate)]))
    for bits in itertools.product((0, 1), repeat=d * m):
        W = np.array(bits).reshape(d, m)
        ones = sum(bits)
        prob = p**ones * (1 - p) ** (d * m - ones)
        wired = W[:, list(gate)].all(axis=1)
        if not wired.any():
            continue
        a = np.maximum(W @ x - (k - 1), 0)
        read = Fraction(int(a[wired].sum()), int(wired.sum()))
        tot += prob
        s1 += prob * read
        s2 += prob * read * read
    mean = s1 / tot
    return mean - target, s2 / tot - mean * mean, W


@pytest.mark.parametrize(
    "d,m,gate,active",
    [
        (3, 4, (0, 1), {0, 1, 2}),  # both active, s' = 1
        (3, 4, (0, 1), {0, 1, 2, 3}),  # both active, s' = 2
        (3, 4, (0, 1), {0, 2, 3}),  # one active, s' = 2
        (3, 4, (0, 1), {2, 3}),  # none active, s' = 2 (f = max(X - 1, 0))
        (2, 5, (0, 1, 2), {0, 1, 2, 3}),  # fan-in 3, all active
        (2, 5, (0, 1, 2), {0, 1, 3, 4}),  # fan-in 3, two active
    ],
)
def test_moments_equal_brute_force_enumeration(d, m, gate, active):
    p = Fraction(1, 3)
    mean, var, _ = _oracle(d, m, gate, active, p)
    j = len(set(gate) & active)
    mom = uand_error_moments(d=d, p=float(p), s=len(active), active=j, fan_in=len(gate))
    assert mom.mean == pytest.approx(float(mean), rel=1e-12, abs=1e-14)
    assert mom.var == pytest.approx(float(var), rel=1e-12, abs=1e-14)
    assert mom.p_uncovered == pytest.approx(float((1 - p ** len(gate)) ** d), rel=1e-12)


def test_moments_closed_forms_for_pairs():
    # f(X) = X + j - 1 for j in {1, 2}: mean s'p, var s'p(1-p) E[1/N | N >= 1]
    d, p, s = 5000, 0.07, 6
    for j in (1, 2):
        mom = uand_error_moments(d=d, p=p, s=s, active=j)
        n = np.arange(1, d + 1)
        pmf = stats.binom.pmf(n, d, p * p)
        inv = (pmf / n).sum() / pmf.sum()
        assert mom.mean == pytest.approx((s - j) * p, rel=1e-12)
        assert mom.var == pytest.approx((s - j) * p * (1 - p) * inv, rel=1e-10)
        # the papers' heuristic s'/(dp) is the leading term
        assert mom.var == pytest.approx((s - j) * (1 - p) / (d * p), rel=0.05)
    mom0 = uand_error_moments(d=d, p=p, s=s, active=0)
    assert mom0.mean == pytest.approx(s * p - 1 + (1 - p) ** s, rel=1e-12)


def _simulate_errors(d, m, p, s, j, trials, rng):
    """Independent instances: fresh W, read the AND of (0, 1) with j of them active."""
    errs = []
    act = list(range(j)) + list(range(2, 2 + s - j))
    x = np.zeros(m, dtype=np.int8)
    x[act] = 1
    for _ in range(trials):
        net = uand(m=m, d=d, p=p, pairs=[[0, 1]], rng=rng)
        if net.coverage([[0, 1]])[0] == 0:
            continue
        errs.append(net.read(net.forward(x))[0] - int(j == 2))
    return np.array(errs)


@settings(max_examples=5)
@given(
    seed=st.integers(0, 2**32 - 1),
    d=st.integers(50, 400),
    s_other=st.integers(1, 4),
    j=st.integers(1, 2),
    p=st.sampled_from([0.1, 0.2, 0.35]),
)
def test_simulated_error_matches_exact_moments(seed, d, s_other, j, p):
    # j in {1, 2} and s' >= 1: the read-off is a mean of N iid Bin(s', p) + const, so the CLT
    # applies to both tests (j = 0 is a rare-event case, checked exactly by enumeration above)
    s = s_other + j
    rng = np.random.default_rng(seed)
    errs = _simulate_errors(d, s + 2, p, s, j, 300, rng)
    mom = uand_error_moments(d=d, p=p, s=s, active=j)
    n = len(errs)
    # mean: z-test at level 1e-4 (n >= 300, CLT); variance: the same on squared deviations
    z = (errs.mean() - mom.mean) / math.sqrt(mom.var / n)
    assert abs(z) < stats.norm.ppf(1 - 0.5e-4)
    dev2 = (errs - mom.mean) ** 2
    z2 = (dev2.mean() - mom.var) / (dev2.std(ddof=1) / math.sqrt(n))
    assert abs(z2) < stats.norm.ppf(1 - 0.5e-4)


def test_chebyshev_bound_from_exact_moments_binomial_test():
    # P(|err - mean| >= t) <= var / t^2 for every instance family: binomial test of the
    # violation count against that rigorous bound
    d, p, s, j = 200, 0.15, 5, 1
    mom = uand_error_moments(d=d, p=p, s=s, active=j)
    t = 2.0 * mom.std
    errs = _simulate_errors(d, s + 2, p, s, j, 600, np.random.default_rng(11))
    viol = int(np.sum(np.abs(errs - mom.mean) >= t))
    pval, _ = binomial_test(viol, len(errs), mom.var / t**2)
    assert pval > 1e-3


@pytest.mark.parametrize("kind", ["rademacher", "gaussian"])
@pytest.mark.parametrize("s_other", [0, 1, 3])
def test_random_gain_against_monte_carlo(kind, s_other):
    rng = np.random.default_rng(s_other)
    n = 400_000
    if kind == "rademacher":
        W = rng.choice([-1.0, 1.0], size=(n, 2 + s_other))
    else:
        W = rng.standard_normal((n, 2 + s_other))
    v = np.sign(W[:, 0]) * np.sign(W[:, 1]) * np.maximum(W.sum(axis=1), 0)
    g = random_gain(s_other=s_other, kind=kind)
    assert abs(v.mean() - g) < stats.norm.ppf(1 - 0.5e-4) * v.std() / math.sqrt(n)
    # E[a^2] = s/2 exactly (symmetric pre-activation with variance s)
    a2 = np.maximum(W.sum(axis=1), 0) ** 2
    assert abs(a2.mean() - (2 + s_other) / 2) < stats.norm.ppf(1 - 0.5e-4) * a2.std() / math.sqrt(n)


def test_rademacher_gains_exact():
    assert random_gain(s_other=0) == 0.5
    assert random_gain(s_other=1) == pytest.approx(0.25)  # P(|Z| = 1) / 4 = 1/4
    assert random_gain(s_other=2) == pytest.approx(0.25)  # P(Z = 0) / 2 = 1/4
    assert random_gain(s_other=0, kind="gaussian") == pytest.approx(
        (2 - math.sqrt(2)) / math.sqrt(2 * math.pi), rel=1e-12
    )


@pytest.mark.parametrize("kind", ["rademacher", "gaussian"])
def test_sign_readoff_moments_match_simulation(kind):
    d, m, s = 300, 8, 4
    rng = np.random.default_rng(5)
    x = np.zeros(m, dtype=np.int8)
    x[:s] = 1
    errs = {2: [], 1: []}
    for _ in range(300):
        net = uand(m=m, d=d, kind=kind, s=s, rng=rng)
        y = net.read(net.forward(x), [[0, 1], [0, 5]])
        errs[2].append(y[0] - 1)
        errs[1].append(y[1])
    for j, e in errs.items():
        e = np.array(e)
        mom = uand_error_moments(d=d, s=s, active=j, kind=kind)
        assert mom.mean == pytest.approx(0.0, abs=1e-12)
        z = (e.mean() - mom.mean) / math.sqrt(mom.var / len(e))
        assert abs(z) < stats.norm.ppf(1 - 0.5e-4)
        dev2 = (e - mom.mean) ** 2
        z2 = (dev2.mean() - mom.var) / (dev2.std(ddof=1) / math.sqrt(len(e)))
        assert abs(z2) < stats.norm.ppf(1 - 0.5e-4)


def test_uand_constructed_from_explicit_weights():
    W = sps.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]], dtype=np.int8))
    net = UAnd(kind="bernoulli", W=W, bias=-np.ones(3), fan_in=2, p=0.5, embedding=None, pairs=None, calibration_s=None)
    y = net.read(net.forward([1, 1, 1]))
    # pair (0,1): neurons 0 (a=1) and 1 (a=2) -> 1.5; (0,2): neuron 1 -> 2; (1,2): 1,2 -> 1.5
    assert (y[0, 1], y[0, 2], y[1, 2]) == (1.5, 2.0, 1.5)


def test_min_width_monotone_and_consistent():
    w1 = uand_min_width(s=3, eps=0.3).value
    w2 = uand_min_width(s=3, eps=0.15).value
    assert w2 > w1
    p = optimal_p(d=w1, s=3)
    worst = max(math.sqrt(uand_error_moments(d=w1, p=p, s=3, active=j).mse) for j in (1, 2))
    assert worst <= 0.3 + 1e-9
    r = uand_min_width(s=3, eps=0.3, kind="rademacher").value
    assert max(uand_error_moments(d=r, s=3, active=j, kind="rademacher").rms for j in (0, 1, 2)) <= 0.3
    assert max(uand_error_moments(d=r - 1, s=3, active=j, kind="rademacher").rms for j in (0, 1, 2)) > 0.3


def test_adler_shavit_formulas():
    b = adler_shavit_bounds(m_out=1000, neurons=100)
    L = math.log(1000)
    assert b.neurons_lower == pytest.approx(math.sqrt(1000 * L))
    assert b.params_lower == pytest.approx(1000 * L)
    assert b.neurons_upper == pytest.approx(math.sqrt(1000) * L)
    assert b.params_upper == pytest.approx(1000 * L * L)
    assert b.capacity == pytest.approx(100**2 / math.log(100))
    assert b.neurons_lower < b.neurons_upper


def test_paper_p():
    assert paper_p(m=100, d=10**6) == pytest.approx(math.log(100) ** 2 / 1000)
    assert paper_p(m=100, d=100) == 1.0


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(d=10, s=3, active=2), "p is required"),
        (dict(d=10, s=3, active=3, p=0.1), "active"),
        (dict(d=10, s=1, active=2, p=0.1), "s must be"),
        (dict(d=10, s=3, active=2, p=0.0), "p must be"),
        (dict(d=10, s=3, active=2, p=0.1, kind="rademacher"), "kind=.bernoulli. only"),
        (dict(d=10, s=3, active=2, kind="uniform"), "kind"),
        (dict(d=0, s=3, active=2, p=0.1), "d must be"),
    ],
)
def test_moments_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        uand_error_moments(**kwargs)


def test_other_bad_input():
    with pytest.raises(ValueError, match="eps"):
        uand_min_width(s=3, eps=0)
    with pytest.raises(ValueError, match="m_out"):
        adler_shavit_bounds(m_out=1)
    with pytest.raises(ValueError, match="kind"):
        random_gain(s_other=1, kind="bernoulli")
    with pytest.raises(TypeError, match="s_other"):
        random_gain(s_other=1.5)


@pytest.mark.parametrize("kind", ["rademacher", "gaussian"])
def test_superposition_noise_variance_matches_simulation(kind):
    from theory.circuits import embed_features, sparse_inputs, superposition_noise_var

    m, dim, p, s = 60, 30, 0.2, 4
    rng = np.random.default_rng(7)
    noise = []
    for _ in range(1500):  # independent (embedding, neuron, input) triples
        E = embed_features(m=m, dim=dim, kind=kind, rng=rng)
        net = uand(m=m, d=1, p=p, rng=rng)
        x = sparse_inputs(m=m, s=s, batch=1, rng=rng)[0]
        noise.append(float((net.W @ (E.read(E.embed(x)) - x))[0]))
    v = np.array(noise)
    var = superposition_noise_var(m=m, dim=dim, p=p, s=s)
    zq = stats.norm.ppf(1 - 0.5e-4)
    assert abs(v.mean()) < zq * math.sqrt(var / len(v))
    dev2 = v**2
    assert abs(dev2.mean() - var) < zq * dev2.std(ddof=1) / math.sqrt(len(v))


def test_superposition_capacity_scaling():
    from theory.circuits import superposition_capacity, superposition_noise_var

    b = superposition_capacity(dim=800, d=800, s=3)
    p = b.params["p"]
    assert superposition_noise_var(m=b.value, dim=800, p=p, s=3) <= 0.25**2 + 1e-12
    assert superposition_noise_var(m=b.value + 1, dim=800, p=p, s=3) > 0.25**2
    # m ~ sigma^2 dim sqrt(d) / s: exponent 3/2 in d when dim = d
    ms = [superposition_capacity(dim=d, d=d, s=3).value for d in (10**4, 4 * 10**4, 16 * 10**4)]
    slope = math.log(ms[2] / ms[0]) / math.log(16)
    assert slope == pytest.approx(1.5, abs=0.01)
