"""Sweep cells and the power-law fit used by benchmarks/circuits.py."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from theory.experiments.circuits import capacity_cell, depth_cell, fit_power_law, width_cell


def test_fit_power_law_exact_and_interval_coverage():
    f = fit_power_law([1, 2, 4, 8, 16], [5 * x**-0.5 for x in [1, 2, 4, 8, 16]])
    assert f.exponent == pytest.approx(-0.5) and f.prefactor == pytest.approx(5)
    # coverage of the 95% interval on noisy data: binomial test over 200 fits
    rng = np.random.default_rng(0)
    x = np.geomspace(10, 1000, 6)
    hits = 0
    for _ in range(200):
        y = 2 * x**1.5 * np.exp(0.2 * rng.standard_normal(6))
        lo, hi = fit_power_law(x, y).ci
        hits += lo <= 1.5 <= hi
    assert stats.binomtest(hits, 200, 0.95).pvalue > 1e-3
    with pytest.raises(ValueError, match="positive"):
        fit_power_law([1, 2, 3], [1, -1, 2])
    with pytest.raises(ValueError, match="length"):
        fit_power_law([1, 2], [1, 2])


def test_cells_return_json_data():
    rng = np.random.default_rng(0)
    w = width_cell(dict(m=40, d=300, s=3, kind="bernoulli", p=0.1, trials=3), rng)
    assert w["n_one"] > 0 and w["pred_mean_one"] == pytest.approx(0.2)
    c = capacity_cell(dict(m=60, d=300, dim=100, s=3, p=0.05, trials=2, n_inactive=50), rng)
    assert c["n"]["both"] == 6 and c["n"]["one"] == 2 * 3 * 57
    dc = depth_cell(dict(circuit_width=10, depth=2, d=300, dim=0, s=2, ec="dedicated", samples=20, circuit_seed=0), rng)
    assert len(dc["mean_abs"]) == 3 and dc["mean_abs"][0] == 0.0


def _table(a, b):
    vals = np.union1d(a, b)
    return np.array([[np.sum(a == v) for v in vals], [np.sum(b == v) for v in vals]])


def test_embedded_readout_has_the_law_of_the_explicit_product():
    # F^T F x with an explicit Rademacher embedding vs the O(m + s dim) sampler: two-sample
    # chi-square tests (values are multiples of 1/dim) on an inactive and an active feature,
    # and the test has power: a sampler at the wrong dimension is rejected
    from scipy.stats import chi2_contingency

    from theory.circuits import embed_features
    from theory.experiments.circuits import embedded_readout

    m, dim, act, reps = 6, 10, np.array([0, 1, 2]), 3000
    gen = np.random.default_rng(0)
    x = np.zeros(m)
    x[act] = 1
    exp_in, exp_act, smp_in, smp_act, wrong_in = [], [], [], [], []
    for _ in range(reps):
        E = embed_features(m=m, dim=dim, rng=gen)
        xe = E.read(E.embed(x))
        exp_in.append(round(xe[5] * dim))
        exp_act.append(round(xe[0] * dim))
        xs = embedded_readout(m=m, dim=dim, active=act, rng=gen)
        smp_in.append(round(xs[5] * dim))
        smp_act.append(round(xs[0] * dim))
        wrong_in.append(round(embedded_readout(m=m, dim=14, active=act, rng=gen)[5] * dim))
    for a, b in ((exp_in, smp_in), (exp_act, smp_act)):
        assert chi2_contingency(_table(np.array(a), np.array(b))).pvalue > 1e-3
    assert chi2_contingency(_table(np.array(exp_in), np.array(wrong_in))).pvalue < 1e-6
    with pytest.raises(ValueError, match="distinct"):
        embedded_readout(m=5, dim=3, active=[1, 1])
    with pytest.raises(ValueError, match="active"):
        embedded_readout(m=5, dim=3, active=[7])
