"""Sweep cells and the power-law fit used by benchmarks/circuits.py."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from theory.circuits.experiments import capacity_cell, depth_cell, fit_power_law, width_cell


def test_fit_power_law_exact_and_interval_coverage():
    f = fit_power_law([1, 2, 4, 8, 16], [5 * x ** -0.5 for x in [1, 2, 4, 8, 16]])
    assert f.exponent == pytest.approx(-0.5) and f.prefactor == pytest.approx(5)
    # coverage of the 95% interval on noisy data: binomial test over 200 fits
    rng = np.random.default_rng(0)
    x = np.geomspace(10, 1000, 6)
    hits = 0
    for _ in range(200):
        y = 2 * x ** 1.5 * np.exp(0.2 * rng.standard_normal(6))
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
    dc = depth_cell(dict(circuit_width=10, depth=2, d=300, dim=0, s=2, ec="dedicated",
                         samples=20, circuit_seed=0), rng)
    assert len(dc["mean_abs"]) == 3 and dc["mean_abs"][0] == 0.0
