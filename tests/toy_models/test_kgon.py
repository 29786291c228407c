"""k-gon critical points of the 2-dimensional toy model (Chen et al. 2023, arXiv:2310.06301).

Oracles: exact polynomials and rationals from the sympy derivation, the paper's printed values,
scipy quadrature of the loss, Monte Carlo with the trainer's forward pass, central finite
differences of the loss, and the trainer's own gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from theory.toy_models import ToyModelConfig, forward, loss_and_gradients
from theory.toy_models.kgon import (
    _batch_gradient,
    find_plateaus,
    kgon_configuration,
    kgon_critical_points,
    kgon_loss,
    kgon_solutions,
    nearest_level,
    sample_one_hot,
    tms_loss,
    tms_loss_gradient,
    train_tms,
)


def _quad_loss(W: np.ndarray, b: np.ndarray) -> float:
    """Brute force: integrate each input's squared error over mu with adaptive quadrature."""
    n = W.shape[1]
    g = W.T @ W
    tot = 0.0
    for i in range(n):
        tot += quad(
            lambda m, e=np.eye(n)[i], gi=g[i]: float(np.sum((e * m - np.maximum(m * gi + b, 0.0)) ** 2)),
            0,
            1,
            limit=200,
            epsabs=1e-13,
            epsrel=1e-12,
        )[0]
    return tot / n


def _fd_grad(W: np.ndarray, b: np.ndarray, h: float = 1e-6) -> np.ndarray:
    th = np.r_[W.ravel(), b]
    m = W.size

    def f(v):
        return tms_loss(v[:m].reshape(W.shape), v[m:])

    return np.array([(f(th + h * e) - f(th - h * e)) / (2 * h) for e in np.eye(th.size)])


# ------------------------------------------------------------------ exact values (sympy oracle)


def test_small_polygons_exact():
    for k in (2, 3, 4):
        (z,) = kgon_solutions(k)
        assert (z.length, z.bias, z.gon_loss, z.method) == (1.0, 0.0, 0.0, "exact")
    assert kgon_loss(6, 4) == 1 / 9
    assert abs(kgon_loss(6, 4, sigma_plus=1) - 5 / 48) < 1e-16
    assert abs(kgon_loss(6, 4, sigma_plus=2) - (1 / 9 - 2 / 144)) < 1e-16


@pytest.mark.parametrize(
    "k, poly, upper",
    [
        (6, "5*s**4 - 7*s**3 + 8*s**2 - 5*s + 1", sp.Rational(1, 2)),
        (5, "11*s**8 + 94*s**7 + 90*s**6 + 205*s**5 + 70*s**4 + 89*s**3 - 44*s**2 - 20*s + 5", (sp.sqrt(5) - 1) / 4),
        (8, "7*s**8 + 38*s**7 - 31*s**6 + 24*s**5 - 45*s**4 + 42*s**3 - 19*s**2 - 4*s + 4", sp.sqrt(2) / 2),
    ],
)
def test_root_is_the_exact_algebraic_number(k, poly, upper):
    s = sp.Symbol("s")
    roots = [r for r in sp.Poly(sp.sympify(poly), s).real_roots() if 0 <= r < upper]
    assert len(roots) == 1
    assert abs(kgon_solutions(k)[0].s - float(roots[0].evalf(30))) < 1e-13


def test_matches_paper_printed_values():
    # Table A.1 (l*, b*) and the loss table at n = 6 of arXiv:2310.06301, as printed
    for k, (l, b) in {5: (1.17046, -0.28230), 6: (1.32053, -0.61814)}.items():
        z = kgon_solutions(k)[0]
        assert abs(z.length - l) < 6e-6 and abs(z.bias - b) < 6e-6
    z8 = kgon_solutions(8)[0]
    assert abs(z8.length - 1.5504497) < 6e-8 and abs(z8.bias + 1.2911926) < 6e-8
    for (k, sig), want in {(4, 0): 0.11111, (4, 1): 0.10417, (5, 0): 0.06874, (5, 1): 0.06180, (6, 0): 0.04819}.items():
        assert abs(kgon_loss(6, k, sigma_plus=sig) - want) < 6e-6


def test_table_order_labels_and_sigma_gap():
    rows = kgon_critical_points(6)
    losses = [r.loss for r in rows]
    assert losses == sorted(losses, reverse=True)
    assert [r.label for r in rows[-6:]] == ["4", "4+", "4++", "5", "5+", "6"]
    by = {r.label: r.loss for r in rows}
    for lab in ("3", "4", "5"):
        assert abs(by[lab] - by[lab + "+"] - 1 / 144) < 1e-15
    assert max(r.grad_norm for r in rows) < 1e-13
    assert "L=" in str(rows[0]) and "max|grad|" in str(rows[0])


# ------------------------------------------------------------------ the closed-form loss


@pytest.mark.parametrize("seed", range(4))
def test_tms_loss_equals_quadrature_random(seed):
    rng = np.random.default_rng(seed)
    n = 3 + seed % 2
    W, b = rng.normal(size=(2, n)), rng.normal(scale=0.4, size=n)
    assert abs(tms_loss(W, b) - _quad_loss(W, b)) < 1e-10


@pytest.mark.parametrize("k, sig", [(4, 1), (5, 0), (5, 1), (6, 0)])
def test_kgon_loss_equals_quadrature_at_configuration(k, sig):
    W, b = kgon_configuration(6, k, sigma_plus=sig, rotation=0.7)
    assert abs(kgon_loss(6, k, sigma_plus=sig) - _quad_loss(W, b)) < 1e-9
    assert abs(tms_loss(W, b) - kgon_loss(6, k, sigma_plus=sig)) < 1e-14


def test_kgon_loss_monte_carlo_with_trainer_forward():
    n, B = 6, 200_000
    x = sample_one_hot(n, B, rng=1)
    W, b = kgon_configuration(n, 5, sigma_plus=1)
    y = forward(ToyModelConfig(n_features=n, n_hidden=2), {"W": W[None], "b": b[None]}, x)
    per = ((y - x) ** 2).sum(-1)[0]
    assert abs(per.mean() - kgon_loss(n, 5, sigma_plus=1)) < 4 * per.std() / np.sqrt(B)


def test_batched_and_single_agree():
    rng = np.random.default_rng(3)
    W, b = rng.normal(size=(3, 2, 5)), rng.normal(size=(3, 5))
    batched = tms_loss(W, b)
    assert batched.shape == (3,)
    assert np.allclose(batched, [tms_loss(W[i], b[i]) for i in range(3)])
    assert np.allclose(tms_loss(W, b[0]), [tms_loss(W[i], b[0]) for i in range(3)])


@settings(max_examples=25, deadline=None)
@given(theta=st.floats(0, 2 * np.pi), k=st.integers(4, 7), sig=st.integers(0, 2))
def test_rotation_invariance_property(theta, k, sig):
    sig = min(sig, 8 - k)
    W, b = kgon_configuration(8, k, sigma_plus=sig, rotation=theta)
    assert abs(tms_loss(W, b) - kgon_loss(8, k, sigma_plus=sig)) < 1e-13


# ------------------------------------------------------------------ gradients


@pytest.mark.parametrize("seed", range(3))
def test_exact_gradient_matches_finite_differences(seed):
    rng = np.random.default_rng(10 + seed)
    W, b = rng.normal(size=(2, 5)), rng.normal(scale=0.3, size=5)
    _, gW, gb = tms_loss_gradient(W, b)
    assert np.allclose(np.r_[gW.ravel(), gb], _fd_grad(W, b), atol=1e-7)


@pytest.mark.parametrize("k", range(2, 13))
def test_every_polygon_is_critical_by_finite_differences(k):
    W, b = kgon_configuration(k + 1, k, sigma_plus=1 if k >= 2 else 0, rotation=0.3)
    # k <= 4 sits on a ReLU kink (b = 0): the central difference is O(h) there, not O(h^2)
    assert np.abs(_fd_grad(W, b)).max() < (1e-6 if k <= 4 else 1e-8)


def test_perturbed_polygon_is_not_critical():
    W, b = kgon_configuration(6, 5)
    _, gW, gb = tms_loss_gradient(1.01 * W, b)
    assert max(np.abs(gW).max(), np.abs(gb).max()) > 1e-3


def test_batch_gradient_equals_trainer_gradient():
    rng = np.random.default_rng(0)
    n = 6
    W, b = rng.normal(size=(3, 2, n)), rng.normal(scale=0.3, size=(3, n))
    x = sample_one_hot(n, 50, n_instances=3, rng=1)
    gW, gb = np.empty_like(W), np.empty_like(b)
    _batch_gradient(W, b, x, gW, gb)
    _, g = loss_and_gradients(ToyModelConfig(n_features=n, n_hidden=2, n_instances=3), {"W": W, "b": b}, x)
    assert np.allclose(gW, n * g["W"]) and np.allclose(gb, n * g["b"])


# ------------------------------------------------------------------ training and plateaus


def test_train_is_deterministic_and_lands_on_levels():
    kw = dict(steps=6000, lr=2e-3, optimizer="adam", n_instances=3, init="random", init_scale=0.1, log_every=50)
    a, b = train_tms(6, rng=5, **kw), train_tms(6, rng=5, **kw)
    assert np.array_equal(a.losses, b.losses) and np.array_equal(a.W, b.W)
    pts = kgon_critical_points(6)
    for i in range(3):
        pl = find_plateaus(a.losses[:, i], window=10, flat_tol=5e-4)
        assert pl and all(nearest_level(v, pts)[1] < 1e-3 for _, _, v in pl)
        assert nearest_level(float(a.losses[-10:, i].mean()), pts)[1] < 1e-3
    assert "TMSRun(" in repr(a)


def test_fixed_dataset_sgd_runs():
    run = train_tms(6, steps=300, dataset_size=100, n_instances=2, log_every=100, rng=0)
    assert run.losses.shape == (4, 2) and np.all(run.losses < 0.12)


def test_find_plateaus_and_nearest_level():
    assert find_plateaus(np.linspace(1, 0, 50), window=5, flat_tol=1e-3) == []
    assert find_plateaus([0.1, 0.1], window=5) == []
    with pytest.raises(ValueError, match="points"):
        nearest_level(0.1, [])


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: kgon_loss(6, 7), ValueError, "k must"),
        (lambda: kgon_loss(6, 5, sigma_plus=2), ValueError, "sigma_plus"),
        (lambda: kgon_loss(6, 1, sigma_plus=1), ValueError, "sigma_plus must be 0 for k = 1"),
        (lambda: kgon_loss(10**12, 4), ValueError, "n must be <="),
        (lambda: kgon_loss(6, True), TypeError, "k must be an integer"),
        (lambda: kgon_solutions(10**400), ValueError, "k must be <="),
        (lambda: kgon_critical_points(10**12), ValueError, "n must be <="),
        (lambda: kgon_critical_points(6, k_min=5, k_max=4), ValueError, "k_max"),
        (lambda: kgon_configuration(6, 5, dead_bias=0.5), ValueError, "dead_bias"),
        (lambda: kgon_configuration(6, 5, rotation=float("nan")), ValueError, "rotation"),
        (lambda: tms_loss(np.full((2, 3), np.nan), np.zeros(3)), ValueError, "finite"),
        (lambda: tms_loss(np.zeros((2, 3)), np.zeros(4)), ValueError, "b must have shape"),
        (lambda: train_tms(6, optimizer="lbfgs"), ValueError, "optimizer"),
        (lambda: train_tms(6, steps=10**12), ValueError, "steps must be <="),
        (lambda: train_tms(6, dataset_size=5), ValueError, "dataset_size"),
        (lambda: sample_one_hot(6, 10**7, n_instances=10**5), ValueError, "memory|exceed|GiB|bytes"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------------------ proof, claims, figure


def test_derivation_verifies():
    from theory.proofs import run

    d = run("toy_kgon")
    assert d.verified, d.to_text()


def test_claims_quick_consistent():
    from theory.toy_models._claims_kgon import kgon_claims
    from theory.verify import check

    claims = kgon_claims()
    assert [c.id for c in claims] == [
        "toy_models.kgon_loss_monte_carlo",
        "toy_models.kgon_critical",
        "toy_models.kgon_plateaus",
    ]
    for c in claims:
        v = check(c, quick=True, rng=0)
        assert v.status == "consistent", str(v)


def test_critical_claim_can_fail_off_critical():
    from theory.toy_models._claims_kgon import _grad_at, _quadrature_batch

    W, b = kgon_configuration(6, 6)
    assert _grad_at(6, 1.01 * W, b, _quadrature_batch(6, 4000)) > 1 / 4000


def test_figure_draws():
    import matplotlib

    matplotlib.use("Agg")
    from theory.figures.toy_models_kgon import plot_kgon_losses

    run = train_tms(6, steps=200, n_instances=2, log_every=50, rng=0)
    ax = plot_kgon_losses(kgon_critical_points(6, k_min=4), run)
    assert ax.get_xscale() == "log" and len(ax.lines) >= 8
    with pytest.raises(ValueError, match="k_min"):
        plot_kgon_losses(kgon_critical_points(6, k_max=3), k_min=4)
