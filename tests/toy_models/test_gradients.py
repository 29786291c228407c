"""Hand-derived gradients vs central finite differences (float64), and the trainer's fused
update vs the reference gradients and an independent AdamW."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from theory.strategies import toy_configs
from theory.toy_models import (
    OptimizerSpec,
    ToyModelConfig,
    TrainOptions,
    init_params,
    loss_and_gradients,
    sample_features,
    train,
)


def _fd_check(cfg, params, x, n_checks=12, h=1e-6, seed=0):
    loss, grads = loss_and_gradients(cfg, params, x)
    rng = np.random.default_rng(seed)
    for key, g in grads.items():
        for _ in range(n_checks):
            idx = tuple(int(rng.integers(s)) for s in g.shape)
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[key][idx] += h
            minus[key][idx] -= h
            fd = (loss_and_gradients(cfg, plus, x)[0].sum() - loss_and_gradients(cfg, minus, x)[0].sum()) / (2 * h)
            assert g[idx] == pytest.approx(fd, rel=1e-5, abs=1e-8), (key, idx)


@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_reconstruct_gradients_match_finite_differences(activation):
    cfg = ToyModelConfig(
        n_features=6,
        n_hidden=3,
        n_instances=3,
        activation=activation,
        importance=0.8 ** np.arange(6),
        feature_probability=[1.0, 0.5, 0.2],
    )
    params = init_params(cfg, rng=1)
    params["b"] = np.random.default_rng(2).normal(scale=0.3, size=params["b"].shape)
    x = sample_features(cfg, 64, rng=3)
    _fd_check(cfg, params, x)


def test_abs_gradients_match_finite_differences():
    cfg = ToyModelConfig(
        n_features=5,
        n_hidden=4,
        n_instances=2,
        task="abs",
        feature_probability=[0.6, 0.3],
        importance=[1.0, 0.5, 2.0, 1.0, 0.3],
    )
    params = init_params(cfg, rng=4)
    params["b"] = np.random.default_rng(5).normal(scale=0.2, size=params["b"].shape)
    x = sample_features(cfg, 64, rng=6)
    _fd_check(cfg, params, x)


@settings(max_examples=15)
@given(toy_configs(max_features=6, max_hidden=3, max_instances=3, tasks=("reconstruct", "abs")))
def test_gradients_random_configs(cfg):
    params = init_params(cfg, rng=0)
    params["b"] = np.random.default_rng(1).normal(scale=0.3, size=params["b"].shape)
    x = sample_features(cfg, 32, rng=2)
    _fd_check(cfg, params, x, n_checks=4)


@pytest.mark.parametrize("activation", ["relu", "linear"])
@pytest.mark.parametrize("thr", [0.0, 0.3])
def test_fused_trainer_step_equals_reference_gradient(activation, thr):
    """One SGD step of the optimised loop (bias folded into the decoder, sparse sampler) moves
    the parameters by exactly -lr * loss_and_gradients on the same batch."""
    cfg = ToyModelConfig(
        n_features=7,
        n_hidden=3,
        n_instances=4,
        activation=activation,
        importance=0.9 ** np.arange(7),
        feature_probability=[1.0, 0.4, 0.1, 0.02],
    )
    gen = np.random.default_rng(11)
    p0 = init_params(cfg, rng=gen)
    x = sample_features(cfg, 128, rng=gen, sparse_threshold=thr)
    _, g = loss_and_gradients(cfg, p0, x)
    lr = 0.5
    m = train(
        cfg,
        steps=1,
        batch_size=128,
        lr=lr,
        options=TrainOptions(optimizer="sgd", dtype="float64", sparse_threshold=thr),
        rng=11,
        progress=False,
    )
    np.testing.assert_allclose(m.W, p0["W"] - lr * g["W"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(m.b, p0["b"] - lr * g["b"], rtol=1e-12, atol=1e-14)


def test_adamw_matches_independent_implementation():
    """Three AdamW steps equal a plain re-implementation of PyTorch's update rule."""
    cfg = ToyModelConfig(n_features=5, n_hidden=2, n_instances=2, feature_probability=[0.7, 0.2])
    steps, B, lr, wd, (b1, b2), eps = 3, 64, 0.05, 0.1, (0.9, 0.999), 1e-8
    gen = np.random.default_rng(3)
    params = init_params(cfg, rng=gen)
    state = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    for t in range(1, steps + 1):
        x = sample_features(cfg, B, rng=gen)
        _, g = loss_and_gradients(cfg, params, x)
        for k in params:
            m, v = state[k]
            params[k] = params[k] * (1 - lr * wd)
            m = b1 * m + (1 - b1) * g[k]
            v = b2 * v + (1 - b2) * g[k] ** 2
            mhat, vhat = m / (1 - b1**t), v / (1 - b2**t)
            params[k] = params[k] - lr * mhat / (np.sqrt(vhat) + eps)
            state[k] = (m, v)
    model = train(
        cfg,
        steps=steps,
        batch_size=B,
        lr=lr,
        options=TrainOptions(optimizer=OptimizerSpec(weight_decay=wd), dtype="float64"),
        rng=3,
        progress=False,
    )
    np.testing.assert_allclose(model.W, params["W"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(model.b, params["b"], rtol=1e-10, atol=1e-12)


def test_schedules():
    cfg = ToyModelConfig(n_features=3, n_hidden=2)
    for sched in ("constant", "linear", "cosine", lambda s, n: 0.5):
        m = train(cfg, steps=5, batch_size=8, options=TrainOptions(schedule=sched), rng=0, progress=False)
        assert np.all(np.isfinite(m.W))
    with pytest.raises(ValueError, match="schedule"):
        train(cfg, steps=5, options=TrainOptions(schedule="exp"), progress=False)
    assert math.isfinite(float(train(cfg, steps=3, batch_size=4, rng=0, progress=False).final_loss[0]))
