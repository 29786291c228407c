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
        q, _ = integrate.quad(
            lambda v, g=gamma, t=t: max(g * v - t, 0) ** 2, 0, 1, points=[t / gamma] if t < gamma else None
        )
        assert relu_tail_moment(gamma, t) == pytest.approx(q, rel=1e-10, abs=1e-14)
    for alpha, t in [(1.3, 0.2), (0.6, 0.1), (2.0, 1.5), (1.0, 0.3), (0.5, 0.9)]:
        q, _ = integrate.quad(lambda v, a=alpha, t=t: (v - max(a * v - t, 0)) ** 2, 0, 1, points=[min(t / alpha, 1)])
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


# ---- order p^2 -------------------------------------------------------------------------------

from theory.toy_models import candidate_losses_2x1  # noqa: E402
from theory.toy_models.polytopes import (  # noqa: E402
    _pair_excess,
    best_2d_sparse_expansion,
    min_square_moment,
    sparse_expansion,
)


def _tetrahedron():
    return np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float).T / np.sqrt(3)


def _octahedron():
    return np.hstack([np.eye(3), -np.eye(3)])


def test_digon_second_order_equals_exact_2x1_theory():
    """The antipodal pair's p^2 coefficient against the exact 2 -> 1 superposition loss
    (1 + r) p^2 / 6 at r = 1 (an independent sympy derivation)."""
    e = sparse_expansion(regular_polygon_frame(2))
    for p in (0.01, 0.1, 0.3):
        exact = candidate_losses_2x1(p=p, r=1.0)["superposition"]
        assert e.loss(p) == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize(
    "U, exact",
    [
        (regular_polygon_frame(2), 1 / 3),
        (regular_polygon_frame(3), 3 / 8),
        (regular_polygon_frame(4), 2 / 3),
        (_tetrahedron(), 6 * 2 * (1 / 27 - 1 / 162)),  # 6 pairs at cosine -1/3
        (_octahedron(), 3 * 2 * (1 / 3 - 1 / 6)),
    ],  # 3 antipodal pairs, 12 orthogonal
    ids=["digon", "triangle", "square", "tetrahedron", "octahedron"],
)
def test_symbolic_second_order_equals_numerical_integration(U, exact):
    e = sparse_expansion(U)
    assert e.method_c2 == "symbolic" and e.c1 == 0.0
    C = U.T @ U / np.outer(np.linalg.norm(U, axis=0), np.linalg.norm(U, axis=0))
    k = C.shape[0]
    numeric = sum(_pair_excess(1.0, 0.0, C, i, j) for i in range(k) for j in range(i + 1, k))
    assert e.c2 == pytest.approx(numeric, rel=1e-12, abs=1e-14)
    assert e.c2 == pytest.approx(exact, rel=1e-12)


def test_min_square_moment_against_quadrature():
    for g in (0.2, 0.5, 1.0):
        # split at the kink u = g w: min = u below it, g w above it
        lo, _ = integrate.dblquad(lambda u, w: u**2, 0, 1, 0, lambda w, g=g: g * w)
        hi, _ = integrate.dblquad(lambda u, w, g=g: (g * w) ** 2, 0, 1, lambda w, g=g: g * w, 1)
        assert min_square_moment(g) == pytest.approx(lo + hi, rel=1e-10)


@pytest.mark.parametrize("k", [5, 6])
def test_second_order_pair_terms_against_monte_carlo_of_forward(k):
    """c2 = sum over pairs of E[loss | exactly i, j active] - E[loss | i] - E[loss | j], estimated
    with the library's forward pass on random pairs (Monte Carlo, 5 standard errors)."""
    e = sparse_expansion(regular_polygon_frame(k))
    assert e.method_c2 == "numerical" and e.c2_error < 1e-10
    W = e.norm * regular_polygon_frame(k)
    cfg = ToyModelConfig(n_features=k, n_hidden=2)
    params = {"W": W[None], "b": np.full((1, k), e.bias)}
    gen = np.random.default_rng(1)
    N = 400_000
    i = gen.integers(k, size=N)
    j = (i + gen.integers(1, k, size=N)) % k  # uniform over ordered pairs i != j
    u, w = gen.random(N), gen.random(N)
    rows = np.arange(N)

    def loss(x):
        return ((forward(cfg, params, x[None]) - x[None]) ** 2).sum(axis=2)[0]

    both = np.zeros((N, k))
    both[rows, i], both[rows, j] = u, w
    only_i = np.zeros((N, k))
    only_i[rows, i] = u
    only_j = np.zeros((N, k))
    only_j[rows, j] = w
    excess = loss(both) - loss(only_i) - loss(only_j)
    n_pairs = k * (k - 1) / 2
    est, se = n_pairs * excess.mean(), n_pairs * excess.std(ddof=1) / np.sqrt(N)
    assert abs(est - e.c2) < 5 * se, (est, se, e.c2)


def test_pentagon_square_crossover_at_second_order():
    """Five features in 2-D: the pentagon wins at small p, the square (plus a dropped feature)
    at larger p; the crossover of the truncated expansions lies between 0.15 and 0.2."""
    assert min(best_2d_sparse_expansion(5, 0.15).items(), key=lambda kv: kv[1])[0] == 5
    assert min(best_2d_sparse_expansion(5, 0.2).items(), key=lambda kv: kv[1])[0] == 4
    e4, e5 = sparse_expansion(regular_polygon_frame(4)), sparse_expansion(regular_polygon_frame(5))
    p_star = (e4.c1 + 1 / 3 - e5.c1) / (e5.c2 - e4.c2)
    assert 0.15 < p_star < 0.2
    with pytest.raises(ValueError, match="bias"):
        sparse_expansion(regular_polygon_frame(3), norm=1.0, bias=0.5)
