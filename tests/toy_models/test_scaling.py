"""Tests of the scaling toy model (Liu, Liu & Gore 2025): gradients, decay, sampler, regimes, fits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from theory.geometry import welch_bound
from theory.toy_models._sparse import sparse_loss_and_gradients
from theory.toy_models.scaling import (
    _loss_and_grads,
    _sample,
    _schedule,
    classify_regime,
    feature_frequencies,
    fit_loss_exponent,
    mean_squared_overlap,
    overlap_floor,
    represented_fraction,
    scaling_loss,
    train_scaling,
    unrepresented_loss,
    weak_loss_prediction,
    weight_decay_update,
)


def _dense(batch, dtype=np.float64) -> np.ndarray:
    x = np.zeros((batch.n_instances, batch.batch_size, batch.n_features), dtype=dtype)
    x[batch.inst, batch.row, batch.col] = batch.vals
    return x


def _dense_loss(W: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Independent oracle: (1/Bn) sum (ReLU(x W^T W + b) - x)^2 per instance, dense."""
    z = np.einsum("kbi,kmi,kmj->kbj", x, W, W) + b[:, None, :]
    return np.sum((np.maximum(z, 0) - x) ** 2, axis=(1, 2)) / (x.shape[1] * x.shape[2])


# ----------------------------------------------------------------------------------------------
# gradients
# ----------------------------------------------------------------------------------------------


def test_gradients_match_finite_differences() -> None:
    g = np.random.default_rng(1)
    I, m, n, B = 2, 3, 12, 40
    W = g.standard_normal((I, m, n)) / math.sqrt(m)
    b = g.standard_normal((I, n)) * 0.3
    batch = _sample(np.minimum(np.stack([feature_frequencies(n, 0.5)] * I) * 3, 0.9), B, g, np.float64)
    x = _dense(batch)
    loss, gW, gb = _loss_and_grads(W, b, batch)
    np.testing.assert_allclose(loss, _dense_loss(W, b, x), rtol=1e-12)
    h = 1e-6
    for _ in range(25):
        k, r, c = g.integers(I), g.integers(m), g.integers(n)
        Wp, Wm = W.copy(), W.copy()
        Wp[k, r, c] += h
        Wm[k, r, c] -= h
        fd = (_dense_loss(Wp, b, x)[k] - _dense_loss(Wm, b, x)[k]) / (2 * h)
        assert gW[k, r, c] == pytest.approx(fd, rel=1e-5, abs=1e-9)
    for _ in range(15):
        k, c = g.integers(I), g.integers(n)
        bp, bm = b.copy(), b.copy()
        bp[k, c] += h
        bm[k, c] -= h
        fd = (_dense_loss(W, bp, x)[k] - _dense_loss(W, bm, x)[k]) / (2 * h)
        assert gb[k, c] == pytest.approx(fd, rel=1e-5, abs=1e-9)


def test_gradients_match_the_shared_sparse_pass() -> None:
    g = np.random.default_rng(2)
    I, m, n, B = 3, 5, 30, 200
    W, b = g.standard_normal((I, m, n)) / 2, g.standard_normal((I, n))
    batch = _sample(np.stack([feature_frequencies(n, a) for a in (0.0, 0.5, 1.0)]), B, g, np.float64)
    l1, gW1, gb1 = _loss_and_grads(W, b, batch)
    l2, gW2, gb2 = sparse_loss_and_gradients(W, b, np.ones((I, n)), batch)
    np.testing.assert_allclose(l1, l2, rtol=1e-12)
    np.testing.assert_allclose(gW1, gW2, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(gb1, gb2, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("gamma", [-1.0, -0.3, 0.0, 0.7])
def test_weight_decay_is_a_gradient_step_of_its_penalty(gamma: float) -> None:
    g = np.random.default_rng(3)
    W = g.standard_normal((4, 7))
    lr = 1e-3

    def penalty(A: np.ndarray) -> float:
        if gamma >= 0:
            return gamma / 2 * float(np.sum(A**2))
        return -gamma / 2 * float(np.sum((np.linalg.norm(A, axis=0) - 1) ** 2))

    h = 1e-6
    grad = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        Wp, Wm = W.copy(), W.copy()
        Wp[idx] += h
        Wm[idx] -= h
        grad[idx] = (penalty(Wp) - penalty(Wm)) / (2 * h)
    np.testing.assert_allclose(weight_decay_update(W, gamma, lr), W - lr * grad, atol=1e-9)


def test_negative_decay_pulls_norms_to_one() -> None:
    W = np.random.default_rng(4).standard_normal((3, 50)) * np.linspace(0.1, 3, 50)
    for _ in range(400):
        W = weight_decay_update(W, -1.0, 0.05)
    np.testing.assert_allclose(np.linalg.norm(W, axis=0), 1.0, atol=1e-3)


# ----------------------------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------------------------


def test_frequencies_sum_to_one_and_follow_the_power_law() -> None:
    p = feature_frequencies(1000, 0.5)
    assert p.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p[9] / p[0], 10**-1.5)
    np.testing.assert_allclose(feature_frequencies(5, -1.0), 0.2)


def test_sampler_is_exact() -> None:
    g = np.random.default_rng(5)
    n, B, reps = 20, 500, 40
    p = feature_frequencies(n, 0.0)
    counts = np.zeros(n)
    vals = []
    for _ in range(reps):
        batch = _sample(p[None], B, g, np.float64)
        key = (batch.inst * B + batch.row) * n + batch.col
        assert np.all(np.diff(key) > 0)  # sorted, no repeated (row, feature)
        counts += np.bincount(batch.col, minlength=n)
        vals.append(batch.vals)
    total = reps * B
    # each count is Binomial(total, p_i): two-sided test, Bonferroni over features
    pv = [stats.binomtest(int(c), total, float(q)).pvalue for c, q in zip(counts, p, strict=True)]
    assert min(pv) > 1e-3 / n
    v = np.concatenate(vals)
    assert v.min() >= 0 and v.max() < 2
    assert stats.kstest(v / 2, "uniform").pvalue > 1e-3
    # rows of one feature are a uniform subset: the per-row presence of feature 0 is Bernoulli(p_0)
    per_row = np.zeros(B)
    for _ in range(200):
        bt = _sample(p[None], B, g, np.float64)
        per_row[bt.row[bt.col == 0]] += 1
    assert stats.chisquare(per_row).pvalue > 1e-3


def test_schedule_matches_the_paper() -> None:
    assert _schedule(0, 20000, 2000, 0.05) == pytest.approx(1 / 2000)
    assert _schedule(1999, 20000, 2000, 0.05) == pytest.approx(1.0)
    assert _schedule(19999, 20000, 2000, 0.05) == pytest.approx(0.05)


# ----------------------------------------------------------------------------------------------
# regimes and overlaps
# ----------------------------------------------------------------------------------------------


def test_classify_regime_on_constructed_weights() -> None:
    n, m = 100, 10
    weak = np.zeros((m, n))
    weak[:, :m] = np.eye(m)
    r = classify_regime(weak)
    assert (r.regime, r.n_represented, r.overlap) == ("weak", m, 0.0)
    # strong: every feature a unit vector of a random frame
    g = np.random.default_rng(6)
    F = g.standard_normal((m, n))
    F /= np.linalg.norm(F, axis=0)
    r = classify_regime(F)
    assert r.regime == "strong" and r.fraction == 1.0 and r.overlap >= r.overlap_floor
    # intermediate: half of the features
    mid = F.copy()
    mid[:, ::2] *= 0.1
    assert classify_regime(mid).regime == "intermediate"
    assert represented_fraction(mid).item() == 0.5
    assert represented_fraction(np.stack([weak, F, mid])).tolist() == [0.1, 1.0, 0.5]
    assert "NOT" not in str(r) and "strong" in str(r)


def test_tight_frame_meets_the_overlap_floor() -> None:
    n, m = 12, 3
    t = np.linspace(0, np.pi, n, endpoint=False)  # harmonic-like tight frame in R^2 ...
    F = np.zeros((m, n))
    F[0], F[1] = np.cos(t), np.sin(t)  # ... embedded in R^3: not tight there
    assert mean_squared_overlap(F) > overlap_floor(n=n, dim=m)
    assert mean_squared_overlap(F[:2]) == pytest.approx(overlap_floor(n=n, dim=2))


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 6), st.integers(2, 40), st.integers(0, 10**6))
def test_overlap_is_brute_force_and_above_floor(m: int, n: int, seed: int) -> None:
    F = np.random.default_rng(seed).standard_normal((m, n))
    V = F / np.linalg.norm(F, axis=0)
    G = V.T @ V
    brute = (np.sum(G**2) - np.sum(np.diag(G) ** 2)) / (n * (n - 1))
    assert mean_squared_overlap(F) == pytest.approx(brute, rel=1e-10)
    assert mean_squared_overlap(F) >= overlap_floor(n=n, dim=m) - 1e-12


def test_overlap_floor_is_welch_squared() -> None:
    assert overlap_floor(n=1000, dim=10) == pytest.approx(990 / (10 * 999))
    assert overlap_floor(n=50, dim=7) == pytest.approx(welch_bound(n=50, dim=7).value ** 2)
    assert overlap_floor(n=5, dim=7) == 0.0


# ----------------------------------------------------------------------------------------------
# weak-regime prediction and exponent fits
# ----------------------------------------------------------------------------------------------


def test_weak_prediction_brute_force_and_exponent() -> None:
    n, alpha = 300, 0.7
    p = feature_frequencies(n, alpha)
    for m in (0, 1, 10, 299, 300):
        assert weak_loss_prediction(n=n, dim=m, alpha=alpha) == pytest.approx(4 / 3 * sum(p[m:]) / n, abs=1e-15)
    # for m << n the tail sum scales as m^-alpha
    dims = np.array([10, 15, 25, 39, 63, 100])
    f = fit_loss_exponent(dims, weak_loss_prediction(n=10**6, dim=dims, alpha=alpha))
    assert f.exponent == pytest.approx(alpha, abs=0.03)


def test_unrepresented_loss_on_constructed_weights() -> None:
    n = 8
    W = np.zeros((2, n))
    W[0, 0], W[1, 3], W[1, 5] = 1.0, 0.6, 0.4  # features 0 and 3 represented
    p = feature_frequencies(n, 1.0)
    keep = np.ones(n, dtype=bool)
    keep[[0, 3]] = False
    assert unrepresented_loss(W, alpha=1.0) == pytest.approx(4 / 3 * p[keep].sum() / n)
    keep[5] = False
    assert unrepresented_loss(W, alpha=1.0, threshold=0.3) == pytest.approx(4 / 3 * p[keep].sum() / n)


def test_fit_recovers_exact_power_laws() -> None:
    dims = np.array([10, 15, 25, 39, 63, 100])
    for k in (0.3, 1.0, 1.7):
        f = fit_loss_exponent(dims, 0.2 * dims**-k)
        assert f.exponent == pytest.approx(k) and f.prefactor == pytest.approx(0.2) and f.r2 == pytest.approx(1)
        assert f.low == pytest.approx(k) and f.high == pytest.approx(k)
    assert "m^-1.700" in str(f)


def test_fit_interval_covers_the_truth() -> None:
    """Noisy power laws: the 90% interval covers the true exponent in most of 60 draws."""
    g = np.random.default_rng(7)
    dims = np.array([10, 15, 25, 39, 63, 100])
    cover_res = cover_rep = 0
    for t in range(60):
        noisy = 0.1 * dims**-1.0 * np.exp(0.1 * g.standard_normal(dims.size))
        f = fit_loss_exponent(dims, noisy, n_boot=400, level=0.9, rng=t)
        cover_res += f.low <= 1.0 <= f.high
        reps = 0.1 * dims**-1.0 * np.exp(0.1 * g.standard_normal((5, dims.size)))
        f2 = fit_loss_exponent(dims, reps, n_boot=400, level=0.9, rng=t)
        assert f2.method == "replicates"
        cover_rep += f2.low <= 1.0 <= f2.high
    # a percentile bootstrap from 6 points under-covers somewhat; require at least 70% of 90%
    assert cover_res >= 42 and cover_rep >= 42


# ----------------------------------------------------------------------------------------------
# training, loss, determinism, validation
# ----------------------------------------------------------------------------------------------


def test_scaling_loss_of_the_empty_model() -> None:
    n = 6
    p = feature_frequencies(n, 0.5)
    est = scaling_loss(np.zeros((2, n)), np.zeros(n), alpha=0.5, batch_size=100_000, rng=1)
    exact = 4 / 3 * p.sum() / n  # output 0: each feature costs p_i <v^2>
    assert float(est) == pytest.approx(exact, rel=0.02)


def test_training_is_deterministic_and_reaches_both_regimes() -> None:
    kw = {
        "n": 40,
        "dim": 4,
        "alpha": 1.0,
        "weight_decay": [-1.0, 1.0],
        "steps": 250,
        "batch_size": 128,
        "lr": 0.05,
        "eval_batch": 1024,
    }
    a, b = train_scaling(**kw, rng=3), train_scaling(**kw, rng=3)
    np.testing.assert_array_equal(a.W, b.W)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert not np.array_equal(train_scaling(**kw, rng=4).W, a.W)
    assert [r.regime for r in a.regimes()] == ["strong", "weak"]
    assert a.losses.shape == (a.loss_steps.size, 2) and a.losses[-1, 0] < a.losses[0, 0]
    assert "ScalingModel(n=40, dim=4" in repr(a)


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"alpha": float("nan")}, ValueError),
        ({"alpha": -2.0}, ValueError),
        ({"weight_decay": True}, TypeError),
        ({"n": 10**400}, ValueError),
        ({"dim": 0}, ValueError),
        ({"alpha": [0.1, 0.2], "weight_decay": [1.0, 2.0, 3.0]}, ValueError),
        ({"steps": 1.5}, TypeError),
        ({"dtype": "float16"}, ValueError),
        ({"n": 10**6, "dim": 10**5}, ValueError),  # refused before allocating
    ],
)
def test_train_rejects_bad_input(kwargs: dict, exc: type) -> None:
    with pytest.raises(exc):
        train_scaling(**{"n": 20, "dim": 3, "steps": 2, **kwargs})


def test_no_superposition_warns() -> None:
    from theory._warnings import TheoryWarning

    with pytest.warns(TheoryWarning, match="no superposition"):
        train_scaling(n=4, dim=4, steps=2, batch_size=8, eval_batch=8)


def test_analysis_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        fit_loss_exponent([1, 2], [1.0, 0.5])
    with pytest.raises(ValueError):
        fit_loss_exponent([1, 2, 3], [1.0, -0.5, 0.2])
    with pytest.raises(ValueError):
        mean_squared_overlap(np.zeros((2, 3)))
    with pytest.raises(ValueError):
        weak_loss_prediction(n=10, dim=11, alpha=0.5)
    with pytest.raises(ValueError):
        represented_fraction([[1.0, np.inf]])
    with pytest.raises(ValueError):
        classify_regime(np.eye(3), strong_min=0.0)
