"""The sparse forward/backward pass against the dense reference gradients, finite differences of
the dense loss, and the dense trainer."""

from __future__ import annotations

import numpy as np
import pytest

from theory.toy_models import ToyModelConfig, TrainOptions, init_params, loss_and_gradients, sample_features, train
from theory.toy_models._sparse import sparse_batch, sparse_loss_and_gradients
from theory.toy_models.data import _Sampler
from theory.toy_models.train import SPARSE_ROW_FRACTION, _sparse_compute_mask


def _setup(activation, probs, n=30, dim=4, B=200, seed=0):
    cfg = ToyModelConfig(
        n_features=n,
        n_hidden=dim,
        n_instances=len(probs),
        activation=activation,
        importance=0.93 ** np.arange(n),
        feature_probability=probs,
    )
    params = init_params(cfg, rng=seed)
    # biases of both signs, so the empty-row term sees active and inactive ReLUs
    params["b"] = np.random.default_rng(seed + 1).normal(scale=0.3, size=params["b"].shape)
    x = sample_features(cfg, B, rng=seed + 2)
    return cfg, params, x


@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_sparse_pass_equals_dense_reference(activation):
    cfg, params, x = _setup(activation, [0.3, 0.02, 0.004, 0.004])
    x[3] = 0  # an instance with no present entry at all (every row empty)
    assert not x[3].any() and (x[2] != 0).any(axis=1).mean() < 0.5
    loss, g = loss_and_gradients(cfg, params, x)
    loss_s, gW, gb = sparse_loss_and_gradients(
        params["W"], params["b"], cfg.importance_matrix, sparse_batch(x), relu=activation == "relu"
    )
    np.testing.assert_allclose(loss_s, loss, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(gW, g["W"], rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(gb, g["b"], rtol=1e-10, atol=1e-15)


def test_sparse_gradients_match_finite_differences_of_dense_loss():
    cfg, params, x = _setup("relu", [0.05, 0.01], n=12, dim=3, B=128, seed=4)
    batch = sparse_batch(x)
    _, gW, gb = sparse_loss_and_gradients(params["W"], params["b"], cfg.importance_matrix, batch)
    grads = {"W": gW, "b": gb}
    rng = np.random.default_rng(9)
    h = 1e-6
    for key, g in grads.items():
        for _ in range(10):
            idx = tuple(int(rng.integers(s)) for s in g.shape)
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[key][idx] += h
            minus[key][idx] -= h
            fd = (loss_and_gradients(cfg, plus, x)[0].sum() - loss_and_gradients(cfg, minus, x)[0].sum()) / (2 * h)
            assert g[idx] == pytest.approx(fd, rel=1e-5, abs=1e-9), (key, idx)


@pytest.mark.parametrize(
    "probs",
    [
        [1.0, 0.3, 0.01, 0.003, 0.001],  # sparse instances at the end
        [0.002, 0.5, 0.01, 1.0],
    ],
)  # interleaved (gathered)
def test_sparse_training_equals_dense_training(probs):
    cfg = ToyModelConfig(
        n_features=40, n_hidden=5, n_instances=len(probs), importance=0.95 ** np.arange(40), feature_probability=probs
    )
    kw = dict(steps=150, batch_size=256, rng=3, progress=False)
    opts = TrainOptions(dtype="float64", log_every=10)
    dense = train(cfg, options=opts.replace(sparse_compute=False), **kw)
    sparse = train(cfg, options=opts.replace(sparse_compute=True), **kw)
    np.testing.assert_allclose(sparse.W, dense.W, rtol=0, atol=1e-11)
    np.testing.assert_allclose(sparse.b, dense.b, rtol=0, atol=1e-11)
    np.testing.assert_allclose(sparse.losses, dense.losses, rtol=1e-9, atol=1e-14)
    assert not np.allclose(dense.W, init_params(cfg, rng=3)["W"])  # it did train


def test_sparse_sgd_step_equals_reference_gradient():
    cfg = ToyModelConfig(
        n_features=25,
        n_hidden=3,
        n_instances=3,
        importance=0.9 ** np.arange(25),
        feature_probability=[0.02, 0.005, 0.001],
    )
    gen = np.random.default_rng(11)
    p0 = init_params(cfg, rng=gen)
    x = sample_features(cfg, 128, rng=gen)
    _, g = loss_and_gradients(cfg, p0, x)
    m = train(
        cfg,
        steps=1,
        batch_size=128,
        lr=0.5,
        options=TrainOptions(optimizer="sgd", dtype="float64", sparse_compute=True),
        rng=11,
        progress=False,
    )
    np.testing.assert_allclose(m.W, p0["W"] - 0.5 * g["W"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(m.b, p0["b"] - 0.5 * g["b"], rtol=1e-12, atol=1e-14)


def test_auto_rule_uses_expected_nonempty_fraction():
    n = 100
    probs = [1.0, 0.05, 0.02, 0.01, 0.001]
    cfg = ToyModelConfig(n_features=n, n_hidden=5, n_instances=len(probs), feature_probability=probs)
    sampler = _Sampler(cfg, 64, np.float64, 0.05)
    keep = _sparse_compute_mask(sampler, cfg, 64, "auto")
    expected = [1 - (1 - p) ** n <= SPARSE_ROW_FRACTION for p in probs if p <= 0.05]
    assert keep.tolist() == expected == [False, False, True, True]
    assert _sparse_compute_mask(sampler, cfg, 64, False) is None
    assert _sparse_compute_mask(sampler, cfg, 64, True).all()


def test_sparse_compute_validation():
    cfg = ToyModelConfig(n_features=4, n_hidden=2)
    with pytest.raises(ValueError, match="sparse_compute"):
        train(cfg, steps=1, options=TrainOptions(sparse_compute="yes"), progress=False)
