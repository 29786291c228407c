"""Analysis functions on known geometries, the geometry area's oracle, model I/O, training."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.strategies import frames, toy_configs
from theory.sweep import Runner
from theory.toy_models import (
    OptimizerSpec,
    ToyModel,
    ToyModelConfig,
    TrainOptions,
    classify_2x1,
    dimensions_per_feature,
    feature_dimensionality,
    feature_geometry,
    n_represented,
    phase_diagram,
    superposition_score,
    train,
    train_2x1,
)


def _polygon(k):
    a = 2 * np.pi * np.arange(k) / k
    return np.stack([np.cos(a), np.sin(a)])


@pytest.mark.parametrize("k, D", [(2, 0.5), (3, 2 / 3), (5, 0.4), (8, 0.25)])
def test_regular_polygons_dimensionality(k, D):
    np.testing.assert_allclose(feature_dimensionality(_polygon(k)), D, rtol=1e-12)
    np.testing.assert_allclose(dimensions_per_feature(_polygon(k)), 2 / k, rtol=1e-12)


def test_tetrahedron_and_dedicated():
    T = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float).T / np.sqrt(3)
    np.testing.assert_allclose(feature_dimensionality(T), 0.75, rtol=1e-12)
    E = np.hstack([np.eye(3), np.zeros((3, 1))])
    assert feature_dimensionality(E).tolist() == [1.0, 1.0, 1.0, 0.0]
    assert superposition_score(E).tolist() == [0.0, 0.0, 0.0, 0.0]


@settings(max_examples=30)
@given(frames(max_dim=5, max_n=10, unit=False))
def test_dimensionality_matches_geometry_and_sums_to_at_most_dim(W):
    D = feature_dimensionality(W)
    dim = W.shape[0]
    assert D.sum() <= dim * (1 + 1e-9)
    assert np.all((D >= 0) & (D <= 1 + 1e-12))
    import theory.geometry as geo

    if hasattr(geo, "feature_dimensionality"):
        np.testing.assert_allclose(D, geo.feature_dimensionality(W), rtol=1e-9, atol=1e-12)


@given(st.integers(1, 4), st.integers(1, 6))
def test_batched_equals_per_instance(k, n):
    W = np.random.default_rng(k * 10 + n).normal(size=(k, 3, n))
    D = feature_dimensionality(W)
    for i in range(k):
        np.testing.assert_allclose(D[i], feature_dimensionality(W[i]), rtol=1e-12)
    assert n_represented(W).shape == (k,)


def test_classify_2x1_and_geometry():
    W = np.array([[[1.0, 0.0]], [[0.0, -1.0]], [[1.0, -0.9]], [[0.7, 0.8]], [[0.1, 0.1]]])
    assert classify_2x1(W).tolist() == ["not learned", "dedicated", "superposition", "other", "other"]
    with pytest.raises(ValueError, match="shape"):
        classify_2x1(np.zeros((2, 2, 2)))
    names = [p.name for p in feature_geometry(_polygon(5))[0]]
    assert names == ["pentagon"]


def test_analysis_validation():
    with pytest.raises(ValueError, match="finite"):
        feature_dimensionality([[np.inf, 1.0]])
    with pytest.raises(ValueError, match="dimensional"):
        feature_dimensionality(np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError, match="all-zero"):
        dimensions_per_feature(np.zeros((2, 3)))


def test_model_save_load_roundtrip(tmp_path):
    cfg = ToyModelConfig(
        n_features=4, n_hidden=2, n_instances=2, task="abs", feature_probability=[0.5, 0.1], importance=[1, 2, 3, 4]
    )
    m = train(cfg, steps=20, batch_size=16, rng=0, progress=False, options=TrainOptions(log_every=5))
    path = m.save(tmp_path / "model")
    assert path.suffix == ".npz"
    m2 = ToyModel.load(path)
    assert m2.config == cfg and m2.info == m.info
    for a in ("W", "b", "W2", "losses", "loss_steps"):
        np.testing.assert_array_equal(getattr(m2, a), getattr(m, a))
    assert m.loss_steps.tolist() == [5, 10, 15, 20]
    one = m.instance(1)
    assert one.config.n_instances == 1 and np.array_equal(one.W[0], m.W[1])


def test_load_refuses_pickles_and_foreign_files(tmp_path):
    np.savez(tmp_path / "obj.npz", meta=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError):
        ToyModel.load(tmp_path / "obj.npz")
    np.savez(tmp_path / "plain.npz", W=np.zeros(3))
    with pytest.raises(ValueError, match="meta"):
        ToyModel.load(tmp_path / "plain.npz")
    with pytest.raises(FileNotFoundError):
        ToyModel.load(tmp_path / "missing.npz")


def test_model_shape_validation():
    cfg = ToyModelConfig(n_features=3, n_hidden=2)
    with pytest.raises(ValueError, match="W must have shape"):
        ToyModel(cfg, W=np.zeros((1, 3, 2)), b=np.zeros((1, 3)))
    with pytest.raises(ValueError, match="finite"):
        ToyModel(cfg, W=np.full((1, 2, 3), np.nan), b=np.zeros((1, 3)))


def test_training_is_deterministic_and_dtype():
    cfg = ToyModelConfig(n_features=5, n_hidden=2, n_instances=2, feature_probability=[1.0, 0.1])
    a = train(cfg, steps=50, batch_size=64, rng=5, progress=False)
    b = train(cfg, steps=50, batch_size=64, rng=5, progress=False)
    assert np.array_equal(a.W, b.W) and a.W.dtype == np.float32
    c = train(cfg, steps=50, batch_size=64, rng=5, options=TrainOptions(dtype="float64"), progress=False)
    assert c.W.dtype == np.float64 and c.losses.dtype == np.float64


def test_training_validation():
    cfg = ToyModelConfig(n_features=3, n_hidden=2)
    for kw, match in [
        ({"steps": 0}, "steps"),
        ({"lr": 0.0}, "lr"),
        ({"options": {"optimizer": "lbfgs"}}, "optimizer"),
        ({"lr": float("inf")}, "lr"),
        ({"initial": {"W": np.zeros((1, 3, 2))}}, "initial"),
    ]:
        with pytest.raises((ValueError, TypeError), match=match):
            train(cfg, progress=False, **kw)
    with pytest.raises(ValueError, match="weight_decay"):
        train(cfg, options=TrainOptions(optimizer=OptimizerSpec(weight_decay=-1.0)), progress=False)
    with pytest.raises(FloatingPointError):
        train(cfg, steps=50, lr=1e6, options=TrainOptions(optimizer="sgd"), progress=False)


@settings(max_examples=10)
@given(toy_configs(max_features=5, max_hidden=3, max_instances=3, tasks=("reconstruct", "abs")))
def test_training_random_configs(cfg):
    m = train(cfg, steps=3, batch_size=8, rng=0, progress=False)
    assert m.W.shape == cfg.shape and m.b.shape == (cfg.n_instances, cfg.n_features)
    assert np.all(np.isfinite(m.losses)) and m.losses.shape == (3, cfg.n_instances)


def test_dense_model_learns_top_features_and_sparse_one_superposes():
    """n=6, dim=2, importance 0.7^i: with p=1 exactly the 2 top features (orthogonal); with
    p=0.03 more than 2 features are represented (superposition)."""
    cfg = ToyModelConfig(
        n_features=6, n_hidden=2, n_instances=2, importance=0.7 ** np.arange(6), feature_probability=[1.0, 0.03]
    )
    m = train(cfg, steps=1500, batch_size=512, lr=1e-2, options=TrainOptions(schedule="cosine"), rng=0, progress=False)
    norms = np.linalg.norm(m.W, axis=1)
    assert (norms[0] > 0.5).tolist() == [True, True, False, False, False, False]
    assert n_represented(m.W)[1] > 2
    assert m.losses[-1].mean() < m.losses[0].mean()


def test_train_2x1_and_phase_diagram_serial():
    out = train_2x1([(0.9, 0.25), (0.9, 4.0)], seeds=2, steps=800, rng=1)
    assert [c["phase"] for c in out] == ["not learned", "dedicated"]
    d = phase_diagram([1.0], [0.2, 5.0], seeds=2, steps=800, runner=Runner(executor="serial"))
    assert d.empirical.tolist() == [["not learned", "dedicated"]]
    assert d.agreement(min_margin=0.5) == (2, 2)
    assert "cells agree" in d.summary()
