"""Exact 2 -> 1 theory against independent oracles: Monte Carlo of the model's own loss,
scipy numerical integration, and the sympy derivation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from theory.toy_models import (
    PHASES_2X1,
    ToyModelConfig,
    candidate_losses_2x1,
    loss_and_gradients,
    phase_2x1,
    phase_boundary_2x1,
    phase_margin_2x1,
    sample_features,
)

CANDIDATES = {
    "not learned": (np.array([1.0, 0.0]), lambda p: np.array([0.0, p / 2])),
    "dedicated": (np.array([0.0, 1.0]), lambda p: np.array([p / 2, 0.0])),
    "superposition": (np.array([1.0, -1.0]), lambda p: np.zeros(2)),
}


@pytest.mark.parametrize("p, r", [(0.05, 1.0), (0.3, 0.4), (0.8, 2.5), (1.0, 0.7)])
def test_candidate_losses_match_monte_carlo(p, r):
    """Monte Carlo of the trainer's loss (mean over 2 features, so x2) with 400k samples; the
    tolerance is 5 standard errors of the estimate."""
    cfg = ToyModelConfig(n_features=2, n_hidden=1, importance=[1.0, r], feature_probability=p)
    x = sample_features(cfg, 400_000, rng=7)
    exact = candidate_losses_2x1(p=p, r=r)
    for name, (w, b) in CANDIDATES.items():
        params = {"W": w[None, None, :], "b": b(p)[None, :]}
        # per-sample losses to get the standard error
        parts = []
        for chunk in np.split(x, 40, axis=1):
            parts.append(loss_and_gradients(cfg, params, chunk)[0][0] * 2)
        parts = np.array(parts)
        se = parts.std(ddof=1) / np.sqrt(len(parts))
        assert abs(parts.mean() - exact[name]) < 5 * se + 1e-12, name


def test_cooccurrence_term_by_numerical_integration():
    f = lambda x2, x1: (x1 - max(x1 - x2, 0.0)) ** 2  # noqa: E731
    # the integrand has a kink on x2 = x1: integrate each side of it
    lo, _ = integrate.dblquad(f, 0, 1, 0, lambda x1: x1)
    hi, _ = integrate.dblquad(f, 0, 1, lambda x1: x1, 1)
    val = lo + hi
    p, r = 0.37, 1.3
    assert (1 + r) * p * p * val == pytest.approx(candidate_losses_2x1(p=p, r=r)["superposition"], rel=1e-8)
    var, _ = integrate.quad(lambda t: (t - p / 2) ** 2, 0, 1)
    dropped = (1 - p) * (p / 2) ** 2 + p * var
    assert dropped == pytest.approx(candidate_losses_2x1(p=p, r=1.0)["dedicated"], rel=1e-10)


@given(st.floats(0.001, 1.0), st.floats(0.01, 100.0))
def test_phase_is_argmin_and_boundary_consistent(p, r):
    losses = candidate_losses_2x1(p=p, r=r)
    ph = phase_2x1(p=p, r=r)
    assert ph in PHASES_2X1 and losses[ph] == min(losses.values())
    pstar = phase_boundary_2x1(r=r)
    if abs(p - pstar) > 1e-9 and abs(r - 1) > 1e-9:
        assert (ph == "superposition") == (p < pstar)
    assert 0 <= phase_margin_2x1(p=p, r=r) <= 1


def test_boundary_values_and_sympy_proof():
    assert phase_boundary_2x1(r=1.0) == pytest.approx(4 / 7)
    assert phase_boundary_2x1(r=1 - 1e-12) == pytest.approx(phase_boundary_2x1(r=1 + 1e-12))
    from theory import proofs

    d = proofs.run("toy_2x1")
    assert d.verified, d.to_text()


def test_validation():
    with pytest.raises(ValueError, match="p must"):
        phase_2x1(p=0.0, r=1.0)
    with pytest.raises(ValueError, match="r must"):
        phase_2x1(p=0.5, r=-1.0)
    with pytest.raises(ValueError, match="finite"):
        candidate_losses_2x1(p=float("nan"), r=1.0)
