"""Tests of the compressed-computation toy (Braun et al. 2025) and its mixing-matrix diagnostic (Bhagat et al. 2025)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.circuits.compressed import (
    CompressedResult,
    MixingDiagnostic,
    compressed_ablation,
    compressed_cell,
    compressed_loss,
    label_noise,
    mixing_diagnostic,
    mixing_matrix,
    naive_loss,
    naive_weights,
    residual_embedding,
    sample_features,
    train_compressed,
)


def _oracle_loss(W_in, W_out, E, x, s):
    """The residual model written out literally: embed, add the MLP, unembed; labels with (1 - s) M x."""
    r = x @ E.T
    r = r + np.maximum(r @ W_in.T, 0.0) @ W_out.T
    out = r @ E
    M = E.T @ E - np.eye(E.shape[1])
    y = x + np.maximum(x, 0.0) + (1 - s) * x @ M
    return float(np.mean((out - y) ** 2))


def _setup(n=5, dim=8, width=3, batch=30, p=0.5, seed=0):
    rng = np.random.default_rng(seed)
    E = residual_embedding(n=n, dim=dim, rng=seed)
    W_in = rng.standard_normal((width, dim)) / np.sqrt(dim)
    W_out = rng.standard_normal((dim, width)) / np.sqrt(width)
    x = sample_features(batch, n=n, p=p, rng=seed + 1)
    return W_in, W_out, E, x


# ----------------------------------------------------------------------------------------------- loss and gradients


@pytest.mark.parametrize("s", [1.0, 0.3, 0.0])
@pytest.mark.parametrize("p", [0.5, 0.05])  # dense and sparse (CSR) code paths
def test_loss_matches_literal_residual_model(s, p):
    W_in, W_out, E, x = _setup(batch=200, p=p)
    assert compressed_loss(W_in, W_out, E, x, mixing=s) == pytest.approx(
        _oracle_loss(W_in, W_out, E, x, s), rel=1e-12, abs=1e-15
    )


@pytest.mark.parametrize("s", [1.0, 0.0, 2.5])
@pytest.mark.parametrize("p", [0.6, 0.05])
def test_gradients_match_finite_differences(s, p):
    W_in, W_out, E, x = _setup(batch=120, p=p, seed=3)
    _, (gi, go) = compressed_loss(W_in, W_out, E, x, mixing=s, grad=True)
    h = 1e-6
    for W, g in ((W_in, gi), (W_out, go)):
        fd = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + h
            up = _oracle_loss(W_in, W_out, E, x, s)
            W[idx] = old - h
            down = _oracle_loss(W_in, W_out, E, x, s)
            W[idx] = old
            fd[idx] = (up - down) / (2 * h)
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-9)


def test_batched_seeds_equal_single_runs():
    sets = [_setup(seed=k) for k in range(3)]
    stacked = [np.stack(a) for a in zip(*sets, strict=True)]
    loss, (gi, go) = compressed_loss(*stacked, mixing=0.7, grad=True)
    for k, (W_in, W_out, E, x) in enumerate(sets):
        l1, (g1, g2) = compressed_loss(W_in, W_out, E, x, mixing=0.7, grad=True)
        assert loss[k] == pytest.approx(l1, rel=1e-12)
        np.testing.assert_allclose(gi[k], g1, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(go[k], g2, rtol=1e-10, atol=1e-14)


def test_loss_shape_mismatch_refused():
    W_in, W_out, E, x = _setup()
    with pytest.raises(ValueError, match="shapes do not match"):
        compressed_loss(W_in, W_out, E, x[:, :3])
    with pytest.raises(ValueError, match="seed axis"):
        compressed_loss(W_in[None], W_out, E, x)


# ----------------------------------------------------------------------------------------------- baseline


def test_relu_moments_by_sympy():
    u = sp.symbols("u", real=True)
    assert sp.integrate(u**2 / 2, (u, 0, 1)) == sp.Rational(1, 6)  # E[ReLU(u)^2], u ~ U[-1, 1]
    assert sp.integrate(u**2 / 2, (u, -1, 1)) == sp.Rational(1, 3)  # E[u^2]


def test_naive_loss_closed_form():
    assert naive_loss(n=100, width=50, p=0.01) == pytest.approx(0.01 / 12)
    assert naive_loss(n=10, width=10, p=0.3) == 0.0
    assert naive_loss(n=10, width=20, p=0.3) == 0.0
    assert naive_loss(n=10, width=0 + 1, p=0.0) == 0.0


@pytest.mark.parametrize("kind,s", [("orthogonal", 1.0), ("random", 0.0)])
def test_naive_model_monte_carlo_matches_closed_form(kind, s):
    n, width, p, batch = 12, 5, 0.2, 100_000
    E = residual_embedding(n=n, dim=30, kind=kind, rng=4)
    W_in, W_out = naive_weights(E, width=width)
    x = sample_features(batch, n=n, p=p, rng=5)
    mc = compressed_loss(W_in, W_out, E, x, mixing=s)
    exact = naive_loss(n=n, width=width, p=p)
    # per-sample squared errors are bounded by n * 1: a 5-sigma Monte Carlo band
    per = np.maximum(x[:, width:], 0.0) ** 2
    se = per.mean(axis=1).std() / np.sqrt(batch)
    assert abs(mc - exact) < 5 * se


def test_naive_task_loss_with_mixing_monte_carlo():
    n, width, p, batch = 12, 5, 0.2, 100_000
    E = residual_embedding(n=n, dim=30, rng=6)
    d = mixing_diagnostic(E, p=p, width=width)
    W_in, W_out = naive_weights(E, width=width)
    x = sample_features(batch, n=n, p=p, rng=7)
    mc = compressed_loss(W_in, W_out, E, x, mixing=1.0)
    assert mc == pytest.approx(d.naive_task_loss, rel=0.04)
    assert d.naive_task_loss > d.naive_loss


# ----------------------------------------------------------------------------------------------- diagnostic


def test_orthogonal_embedding_has_no_mixing():
    E = residual_embedding(n=6, dim=9, kind="orthogonal", rng=0)
    d = mixing_diagnostic(E, p=0.1, width=3)
    assert np.allclose(mixing_matrix(E), 0.0, atol=1e-12)
    assert d.label_noise == pytest.approx(0.0, abs=1e-25)
    assert d.top_captured == pytest.approx(0.5)
    assert d.naive_task_loss == pytest.approx(d.naive_loss)


def test_two_features_at_known_angle():
    c = 0.6
    E = np.array([[1.0, c], [0.0, np.sqrt(1 - c * c)]])
    d = mixing_diagnostic(E, p=0.3, width=1, mixing=2.0)
    np.testing.assert_allclose(d.eigenvalues, [-c, c])
    assert d.mean_sq_row == pytest.approx(c * c)
    assert d.max_abs == pytest.approx(c)
    assert d.label_noise == pytest.approx(4.0 * 0.3 / 3 * c * c)
    # linear target I/2 - 2M has eigenvalues 0.5 -/+ 1.2: the rank-1 share keeps 1.7^2 / (1.7^2 + 0.7^2)
    assert d.top_captured == pytest.approx(1.7**2 / (1.7**2 + 0.7**2))


def test_simplex_embedding_spectrum():
    n = 7
    S = np.eye(n) - 1.0 / n
    E = S / np.linalg.norm(S, axis=0)  # regular simplex: every cosine is -1/(n-1)
    d = mixing_diagnostic(E, p=0.1, width=3)
    expected = np.sort(np.r_[-1.0, np.full(n - 1, 1.0 / (n - 1))])
    np.testing.assert_allclose(d.eigenvalues, expected, atol=1e-12)
    assert d.mean_sq_row == pytest.approx(1.0 / (n - 1))
    assert d.max_abs == pytest.approx(1.0 / (n - 1))


def test_random_embedding_mean_square_and_label_noise():
    n, dim, p = 40, 400, 0.05
    rows = [mixing_diagnostic(residual_embedding(n=n, dim=dim, rng=k), p=p, width=20).mean_sq_row for k in range(12)]
    # E|M|_F^2/n = (n-1)/dim exactly for uniformly random unit columns
    assert np.mean(rows) == pytest.approx((n - 1) / dim, rel=0.06)
    E = residual_embedding(n=n, dim=dim, rng=99)
    d = mixing_diagnostic(E, p=p, width=20)
    assert label_noise(E, p=p, batch=200_000, rng=1) == pytest.approx(d.label_noise, rel=0.05)
    assert d.mp_min < d.eig_min + 0.15 and d.eig_max < d.mp_max + 0.15


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 8), st.integers(0, 6), st.floats(0.0, 3.0), st.floats(0.01, 1.0))
def test_label_noise_formula_scales(n, extra, s, p):
    E = residual_embedding(n=n, dim=n + extra, rng=n + extra)
    d1 = mixing_diagnostic(E, p=p, width=1, mixing=1.0)
    ds = mixing_diagnostic(E, p=p, width=1, mixing=s)
    assert ds.label_noise == pytest.approx(s * s * d1.label_noise, rel=1e-12, abs=1e-300)
    assert d1.label_noise == pytest.approx(p / 3 * np.sum(mixing_matrix(E) ** 2) / n, rel=1e-12, abs=1e-300)
    assert 0.0 <= ds.top_captured <= 1.0 + 1e-12


# ----------------------------------------------------------------------------------------------- training


def test_training_is_deterministic_and_seeded():
    kw = dict(n=6, dim=20, width=3, p=0.2, seeds=2, steps=20, batch=64, eval_batch=2000)
    a, b, c = train_compressed(**kw), train_compressed(**kw), train_compressed(**kw, rng=1)
    np.testing.assert_array_equal(a.W_in, b.W_in)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert not np.array_equal(a.W_in, c.W_in)
    assert not np.array_equal(a.W_in[0], a.W_in[1])  # seeds differ


def test_training_reduces_loss_and_reports():
    r = train_compressed(n=10, dim=50, width=5, p=0.1, seeds=2, steps=150, batch=256, eval_batch=20_000, rng=3)
    E = r.E[0]
    x = sample_features(20_000, n=10, p=0.1, rng=9)
    init = train_compressed(n=10, dim=50, width=5, p=0.1, seeds=2, steps=0, batch=256, eval_batch=10, rng=3)
    assert compressed_loss(r.W_in[0], r.W_out[0], E, x) < 0.7 * compressed_loss(init.W_in[0], init.W_out[0], E, x)
    assert isinstance(r, CompressedResult)
    np.testing.assert_allclose(r.gain, r.naive_loss / r.loss)
    assert "gain naive/model" in str(r) and "array" not in repr(r)
    assert r.per_feature_loss.shape == (2, 10)


@pytest.mark.slow
def test_ablation_mixing_beats_clean_at_small_size():
    ab = compressed_ablation(
        n=20,
        dim=200,
        width=10,
        p=0.05,
        seeds=2,
        steps=300,
        batch=512,
        eval_batch=50_000,
        conditions=("mixed", "clean_labels"),
        rng=0,
    )
    assert ab.gain("mixed") > 1.0 > ab.gain("clean_labels") - 0.03
    assert ab.gain("mixed") > ab.gain("clean_labels")
    assert np.all(ab.results["mixed"].top_overlap > 0.6)  # chance is width/n = 0.5
    assert "mixed" in str(ab)


def test_width_at_least_n_warns_and_gain_is_defined():
    from theory._warnings import TheoryWarning

    with pytest.warns(TheoryWarning, match="naive model computes every ReLU"):
        r = train_compressed(n=3, dim=4, width=3, p=0.3, steps=2, batch=8, eval_batch=50)
    assert r.naive_loss == 0.0 and np.all(r.gain == 0.0)  # any error is infinitely worse than 0
    assert "chance 1.00" in str(r)


def test_given_embedding_and_cell():
    E = residual_embedding(n=6, dim=12, rng=2)
    r = train_compressed(n=6, width=3, p=0.2, embedding=E, seeds=2, steps=5, batch=32, eval_batch=100)
    assert r.embedding == "given" and np.array_equal(r.E[0], E) and r.dim == 12
    out = compressed_cell(
        {"n": 6, "dim": 20, "width": 3, "p": 0.2, "steps": 5, "batch": 32, "eval_batch": 100, "replicate": 1},
        np.random.default_rng(0),
    )
    assert len(out["gain"]) == 1 and len(out["per_feature_loss"]) == 6
    with pytest.raises(ValueError, match="unknown parameters"):
        compressed_cell({"bogus": 1}, np.random.default_rng(0))


# ----------------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "kw,err,match",
    [
        ({"n": 10**12}, ValueError, "n must be <="),
        ({"n": 10**400}, ValueError, "n must be <="),
        ({"dim": 10**9}, ValueError, "dim must be <="),
        ({"p": float("nan")}, ValueError, "p"),
        ({"p": 0.0}, ValueError, "p"),
        ({"mixing": -1.0}, ValueError, "mixing"),
        ({"mixing": float("inf")}, ValueError, "mixing"),
        ({"n": True}, TypeError, "n must be an integer"),
        ({"seeds": 2.0}, TypeError, "seeds must be an integer"),
        ({"embedding": "gaussian"}, ValueError, "embedding must be one of"),
        ({"embedding": "orthogonal", "n": 20, "dim": 10}, ValueError, "dim >= n"),
        ({"embedding": np.ones((3, 4))}, ValueError, "unit columns"),
        ({"n": 4000, "dim": 60000, "width": 4000, "seeds": 200}, ValueError, "would need"),
    ],
)
def test_bad_training_arguments(kw, err, match):
    with pytest.raises(err, match=match):
        train_compressed(**kw)


def test_bad_diagnostic_arguments():
    with pytest.raises(ValueError, match="unit columns"):
        mixing_diagnostic(np.ones((3, 2)))
    with pytest.raises(ValueError, match="finite"):
        mixing_matrix(np.array([[np.nan, 1.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="independent"):
        naive_weights(residual_embedding(n=5, dim=3, rng=0), width=2)
    with pytest.raises(ValueError, match="width must be <="):
        naive_weights(residual_embedding(n=5, dim=8, rng=0), width=6)
    with pytest.raises(ValueError, match="batch must be <="):
        sample_features(10**12, n=3)
    with pytest.raises(ValueError, match="dim >= n"):
        residual_embedding(n=5, dim=3, kind="orthogonal")
    assert isinstance(mixing_diagnostic(residual_embedding(n=3, dim=4)), MixingDiagnostic)


# ----------------------------------------------------------------------------------------------- figure


def test_figure_draws_conditions_and_baseline():
    import matplotlib

    matplotlib.use("Agg")
    from theory.figures.circuits_compressed import FIGURES, plot_compressed_computation

    curves = {"mixed": np.full((2, 6), 0.01 * 0.07), "clean_labels": np.full(6, 0.01 * 0.09)}
    ax = plot_compressed_computation(curves, p=0.01, width=3)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 3 and "gain 1.190" in labels[0] and "naive" in labels[2]
    with pytest.raises(ValueError, match="p and width"):
        plot_compressed_computation(curves)
    with pytest.raises(TypeError, match="CompressedAblation"):
        plot_compressed_computation([1, 2, 3])
    assert "compressed_computation" in FIGURES
