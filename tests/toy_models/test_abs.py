"""Computation in superposition (the ``abs`` task): the counting metric on hand-built models and a
trained model that computes more (feature, sign) halves than it has neurons."""

from __future__ import annotations

import numpy as np
import pytest

from theory.toy_models import ToyModel, ToyModelConfig, TrainOptions, abs_features_computed, train


def _model(W, W2, b=None):
    W, W2 = np.asarray(W, float)[None], np.asarray(W2, float)[None]
    cfg = ToyModelConfig(n_features=W.shape[2], n_hidden=W.shape[1], task="abs")
    return ToyModel(cfg, W=W, b=np.zeros((1, W.shape[2])) if b is None else np.asarray(b, float)[None], W2=W2)


def test_counts_on_hand_built_models():
    # two neurons, two features in superposition: h1 = ReLU(x0 - x1), h2 = ReLU(x1 - x0),
    # y0 = y1 = ReLU(h1 + h2): with one feature present both compute |x| exactly
    sup = _model([[1, -1], [-1, 1]], [[1, 1], [1, 1]])
    assert abs_features_computed(sup).tolist() == [2]
    assert abs_features_computed(sup, per_sign=True).tolist() == [4]
    # one-sided: y0 = ReLU(x0) only
    half = _model([[1, 0]], [[1], [0]])
    assert abs_features_computed(half).tolist() == [0]
    assert abs_features_computed(half, per_sign=True).tolist() == [1]
    # a constant output 0.5 (bias only) computes nothing
    const = _model([[0, 0]], [[0], [0]], b=[0.5, 0.5])
    assert abs_features_computed(const, per_sign=True).tolist() == [0]
    with pytest.raises(TypeError, match="abs"):
        abs_features_computed(
            ToyModel(ToyModelConfig(n_features=2, n_hidden=1), W=np.ones((1, 1, 2)), b=np.zeros((1, 2)))
        )
    with pytest.raises(ValueError, match="tol"):
        abs_features_computed(sup, tol=1.5)


def test_sparse_abs_model_computes_more_halves_than_neurons():
    """Elhage et al. (2022): with sparse inputs the abs model computes in superposition. With
    8 features and 2 neurons, at p = 0.02 the trained model (best final loss of 3 independently
    initialised instances, as the paper keeps the best of several runs) reproduces more
    (feature, sign) halves than it has neurons; at p = 1 it cannot exceed one half per neuron."""
    m = 2
    cfg = ToyModelConfig(
        n_features=8, n_hidden=m, n_instances=4, task="abs", feature_probability=[1.0, 0.02, 0.02, 0.02]
    )
    model = train(
        cfg, steps=2000, batch_size=512, lr=1e-2, options=TrainOptions(schedule="cosine"), rng=0, progress=False
    )
    halves = abs_features_computed(model, per_sign=True)
    best = 1 + int(np.argmin(model.evaluate(batch_size=200_000, rng=1)[1:]))
    assert halves[0] <= m
    assert halves[best] > m, (halves, best)
