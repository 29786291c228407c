"""Sparse-limit theory of k-gons against the model's own forward pass integrated numerically,
and against Monte Carlo at a small density."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from theory.toy_models import ToyModelConfig, forward
from theory.toy_models.polytopes import (
    best_2d_sparse_limit,
    regular_polygon_frame,
    relu_tail_moment,
    self_term,
    sparse_limit_loss,
)


def _single_feature_loss(W, b, i):
    """E over v ~ U[0,1] of the summed squared error when only feature i is active (value v),
    using the library's forward pass, by adaptive quadrature."""
    n = W.shape[1]
    cfg = ToyModelConfig(n_features=n, n_hidden=W.shape[0])
    params = {"W": W[None], "b": b[None]}

    def f(v):
        x = np.zeros((1, 1, n))
        x[0, 0, i] = v
        return float(((forward(cfg, params, x) - x) ** 2).sum())

    val, _ = integrate.quad(f, 0, 1, limit=200, points=np.linspace(0, 1, 41)[1:-1])
    return val


@pytest.mark.parametrize("k", [3, 5, 6, 8])
def test_leading_coefficient_matches_quadrature_of_forward(k):
    s = sparse_limit_loss(regular_polygon_frame(k))
    W = s.norm * regular_polygon_frame(k)
    b = np.full(k, s.bias)
    quad = np.mean([_single_feature_loss(W, b, i) for i in range(k)])
    assert quad == pytest.approx(s.ell, rel=1e-6, abs=1e-10)


def test_closed_forms_against_quadrature():
    for gamma, t in [(0.7, 0.2), (2.0, 0.5), (0.3, 0.4)]:
        q, _ = integrate.quad(lambda v, g=gamma, t=t: max(g * v - t, 0) ** 2, 0, 1,
                               points=[t / gamma] if t < gamma else None)
        assert relu_tail_moment(gamma, t) == pytest.approx(q, rel=1e-10, abs=1e-14)
    for alpha, t in [(1.3, 0.2), (0.6, 0.1), (2.0, 1.5), (1.0, 0.3), (0.5, 0.9)]:
        q, _ = integrate.quad(lambda v, a=alpha, t=t: (v - max(a * v - t, 0)) ** 2, 0, 1,
                              points=[min(t / alpha, 1)])
        assert self_term(alpha, t) == pytest.approx(q, rel=1e-10, abs=1e-14)


def test_monte_carlo_small_density():
    """At p = 0.002 the pentagon's expected loss per unit density is within O(p) of the
    leading coefficient k*ell (Monte Carlo with 1e6 samples, 5 standard errors + the O(p) term)."""
    from theory.toy_models import loss_and_gradients, sample_features

    k, p = 5, 0.002
    s = sparse_limit_loss(regular_polygon_frame(k))
    cfg = ToyModelConfig(n_features=k, n_hidden=2, feature_probability=p)
    params = {"W": (s.norm * regular_polygon_frame(k))[None], "b": np.full((1, k), s.bias)}
    gen = np.random.default_rng(0)
    parts = []
    for _ in range(10):
        x = sample_features(cfg, 100_000, rng=gen)
        parts.append(loss_and_gradients(cfg, params, x)[0][0] * k / p)  # summed over features, per p
    parts = np.array(parts)
    se = parts.std(ddof=1) / np.sqrt(parts.size)
    assert abs(parts.mean() - k * s.ell) < 5 * se + 2 * k * p


def test_pentagon_wins_for_five_features_in_two_dimensions():
    c = best_2d_sparse_limit(5)
    assert min(c, key=c.get) == 5
    assert c[4] == pytest.approx(1 / 3) and c[2] == pytest.approx(1.0)
    for k in (2, 3, 4):
        assert sparse_limit_loss(regular_polygon_frame(k)).ell == 0.0
    with pytest.raises(ValueError, match="non-zero"):
        sparse_limit_loss(np.zeros((2, 3)))
