"""Tests for the non-SAE dictionary learners (theory.sparse_coding.learners)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.sparse_coding.inference import fista
from theory.sparse_coding.learners import (
    LearnedDictionary,
    _mlp_loss_and_grads,
    mlp_encoder_learner,
    oneill_lam,
    sklearn_dictionary_learning,
    sparse_coding_learner,
)
from theory.sparse_coding.metrics import mcc
from theory.sparse_coding.truth import oneill2024


def _orthogonal_problem(seed: int = 0, dim: int = 5, batch: int = 300):
    rng = np.random.default_rng(seed)
    D = np.linalg.qr(rng.standard_normal((dim, dim)))[0]
    S = (0.5 + rng.random((batch, dim))) * (rng.random((batch, dim)) < 0.25)
    return D, S, S @ D.T


def _toy(seed: int = 0, batch: int = 200, dim: int = 4, n: int = 6):
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((dim, n))
    D /= np.linalg.norm(D, axis=0)
    S = np.abs(rng.standard_normal((batch, n))) * (rng.random((batch, n)) < 0.3)
    return S @ D.T


# ----------------------------------------------------------------------------------------------
# sparse coding learner
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("update", ["mod", "adam"])
def test_sparse_coding_recovers_orthogonal_dictionary(update):
    D_true, _, X = _orthogonal_problem(0)
    kw = {"steps": 200} if update == "mod" else {"steps": 150, "inner_steps": 20, "lr": 1e-2}
    ld = sparse_coding_learner(X, width=5, lam=0.01, update=update, rng=1, **kw)
    assert ld.dictionary.shape == (5, 5)
    np.testing.assert_allclose(np.linalg.norm(ld.dictionary, axis=0), 1.0, atol=1e-12)
    assert mcc(ld.dictionary, D_true) > 0.95


def test_sparse_coding_encode_is_fista_on_learned_dictionary():
    X = _toy(1)
    ld = sparse_coding_learner(X, width=6, lam=0.02, steps=5, inner_steps=5, rng=0)
    codes = ld.encode(X[:20])
    ref = fista(ld.dictionary, X[:20], lam=0.02, tol=1e-6, working_set=False).codes
    np.testing.assert_allclose(codes, ref, atol=1e-10)
    assert codes.min() >= 0
    assert ld.decode(codes).shape == (20, 4)
    assert ld.losses.shape == (5,) and np.all(np.isfinite(ld.losses))
    assert "sparse_coding" in str(ld) and "steps=5" in repr(ld)


def test_sparse_coding_mod_decreases_objective():
    # block coordinate descent with exact LS and exact codes: objective roughly non-increasing
    D_true, _, X = _orthogonal_problem(2)
    ld = sparse_coding_learner(X, width=5, lam=0.01, steps=30, update="mod", rng=0)
    assert ld.losses[-1] < 0.5 * ld.losses[0]


def test_sparse_coding_adam_stays_at_a_good_dictionary():
    # started at the true dictionary of the O'Neill et al. toy (near the objective's minimiser), the
    # Adam updates must not drift away: the objective may only go down and the atoms stay put. (Without
    # projecting out the radial part of the gradient, Adam's per-coordinate scaling makes the
    # dictionary drift: the objective rises by ~3% and the MCC falls to ~0.97 here.)
    truth = oneill2024(rng=0)
    x, _ = truth.sample(512, rng=5)
    ld = sparse_coding_learner(x, width=16, lam=0.0025, steps=40, inner_steps=100, dictionary_init=truth.dictionary)
    assert ld.losses[-1] <= ld.losses[0]
    assert mcc(ld.dictionary, truth.dictionary) > 0.99


def test_sparse_coding_minibatch_and_signed():
    X = _toy(2)
    ld = sparse_coding_learner(X, width=6, lam=0.02, steps=4, inner_steps=3, batch_size=64, nonneg=False, rng=0)
    assert ld.info["batch_size"] == 64 and not ld.nonneg
    assert ld.encode(X[:5]).shape == (5, 6)


def test_sparse_coding_resamples_unused_atoms():
    # an atom orthogonal to every sample is never used by nonnegative codes: it must be re-drawn
    rng = np.random.default_rng(0)
    X = np.abs(rng.standard_normal((100, 3))) * np.array([1.0, 1.0, 0.0])
    init = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    ld = sparse_coding_learner(X, width=3, lam=0.01, steps=2, inner_steps=2, dictionary_init=init, rng=0)
    assert ld.info["resampled"] >= 1
    assert abs(ld.dictionary[2, 2]) < 0.5
    frozen = sparse_coding_learner(
        X, width=3, lam=0.01, steps=2, inner_steps=2, dictionary_init=init, resample=False, rng=0
    )
    assert frozen.info["resampled"] == 0
    np.testing.assert_allclose(frozen.dictionary[:, 2], [0.0, 0.0, 1.0])


def test_sparse_coding_deterministic():
    X = _toy(3)
    a = sparse_coding_learner(X, width=6, lam=0.02, steps=3, inner_steps=4, rng=7)
    b = sparse_coding_learner(X, width=6, lam=0.02, steps=3, inner_steps=4, rng=7)
    c = sparse_coding_learner(X, width=6, lam=0.02, steps=3, inner_steps=4, rng=8)
    np.testing.assert_array_equal(a.dictionary, b.dictionary)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert not np.array_equal(a.dictionary, c.dictionary)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"width": 0}, ValueError, "width"),
        ({"width": True}, TypeError, "width"),
        ({"lam": 0.0}, ValueError, "lam"),
        ({"lam": float("nan")}, ValueError, "lam"),
        ({"steps": 0}, ValueError, "steps"),
        ({"update": "ksvd"}, ValueError, "update"),
        ({"batch_size": 10_000}, ValueError, "batch_size"),
        ({"nonneg": 1}, TypeError, "nonneg"),
        ({"resample": "yes"}, TypeError, "resample"),
        ({"tol": 1.0}, ValueError, "tol"),
        ({"dictionary_init": "pca"}, ValueError, "dictionary_init"),
        ({"dictionary_init": np.ones((6, 4))}, ValueError, "transposed"),
    ],
)
def test_sparse_coding_bad_inputs(kwargs, exc, match):
    X = _toy(0, batch=50)
    args = {"width": 6, "lam": 0.1, "steps": 1, **kwargs}
    with pytest.raises(exc, match=match):
        sparse_coding_learner(X, **args)


def test_learners_refuse_nan_data():
    X = _toy(0, batch=20)
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="x"):
        sparse_coding_learner(X, width=6, lam=0.1, steps=1)
    with pytest.raises(ValueError, match="x"):
        mlp_encoder_learner(X, width=6, steps=1)
    with pytest.raises(ValueError, match="x"):
        sklearn_dictionary_learning(X, width=6, alpha=0.1)


# ----------------------------------------------------------------------------------------------
# scikit-learn adapter
# ----------------------------------------------------------------------------------------------


def test_sklearn_adapter_matches_sklearn():
    from sklearn.decomposition import MiniBatchDictionaryLearning, sparse_encode

    X = _toy(4, batch=300)
    ld = sklearn_dictionary_learning(X, width=6, alpha=0.05, batch_size=64, max_iter=5, rng=3)
    assert ld.dictionary.shape == (4, 6) and ld.method == "sklearn" and ld.lam == 0.05 and ld.nonneg
    np.testing.assert_allclose(np.linalg.norm(ld.dictionary, axis=0), 1.0, atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = MiniBatchDictionaryLearning(
            n_components=6,
            alpha=0.05,
            batch_size=64,
            max_iter=5,
            fit_algorithm="cd",
            positive_code=True,
            random_state=ld.info["random_state"],
        ).fit(X)
    V = ref.components_
    np.testing.assert_allclose(ld.dictionary, (V / np.linalg.norm(V, axis=1, keepdims=True)).T, atol=1e-12)
    np.testing.assert_allclose(ld.info["atom_norms"], np.linalg.norm(V, axis=1), atol=1e-12)
    # encode = the same per-sample LASSO as scikit-learn's coordinate-descent coder with alpha
    Vn = ld.dictionary.T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk_codes = sparse_encode(X[:30], Vn, algorithm="lasso_cd", alpha=0.05, positive=True, max_iter=10_000)
    np.testing.assert_allclose(ld.encode(X[:30], tol=1e-10, max_iter=20_000), sk_codes, atol=2e-4)


def test_sklearn_adapter_deterministic_and_checked():
    X = _toy(5, batch=120)
    a = sklearn_dictionary_learning(X, width=5, alpha=0.1, max_iter=2, rng=1)
    b = sklearn_dictionary_learning(X, width=5, alpha=0.1, max_iter=2, rng=1)
    np.testing.assert_array_equal(a.dictionary, b.dictionary)
    with pytest.raises(ValueError, match="alpha"):
        sklearn_dictionary_learning(X, width=5, alpha=0.0)
    with pytest.raises(TypeError, match="random_state"):
        sklearn_dictionary_learning(X, width=5, alpha=0.1, random_state=0)
    with pytest.raises(ValueError, match="fit_algorithm"):
        sklearn_dictionary_learning(X, width=5, alpha=0.1, fit_algorithm="omp")
    with pytest.raises(TypeError, match="positive_code"):
        sklearn_dictionary_learning(X, width=5, alpha=0.1, positive_code=None)


# ----------------------------------------------------------------------------------------------
# MLP encoder
# ----------------------------------------------------------------------------------------------


def _mlp_params(rng, dim=3, hidden=5, width=4, bias=True):
    P = {
        "W1": rng.standard_normal((hidden, dim)),
        "W2": rng.standard_normal((width, hidden)),
        "D": rng.standard_normal((dim, width)),
    }
    if bias:
        P.update(
            b1=0.3 * rng.standard_normal(hidden),
            b2=0.3 * rng.standard_normal(width),
            b_dec=0.3 * rng.standard_normal(dim),
        )
    return P


@pytest.mark.parametrize("bias", [True, False])
def test_mlp_gradients_match_finite_differences(bias):
    rng = np.random.default_rng(11)
    P = _mlp_params(rng, bias=bias)
    x = rng.standard_normal((7, 3))
    l1 = 0.3
    _, g = _mlp_loss_and_grads(P, x, l1, bias=bias)
    assert set(g) == set(P)
    h = 1e-6
    for k, arr in P.items():
        num = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + h
            lp, _ = _mlp_loss_and_grads(P, x, l1, bias=bias, grads=False)
            arr[idx] = old - h
            lm, _ = _mlp_loss_and_grads(P, x, l1, bias=bias, grads=False)
            arr[idx] = old
            num[idx] = (lp - lm) / (2 * h)
        np.testing.assert_allclose(g[k], num, rtol=1e-5, atol=1e-8, err_msg=k)


def test_mlp_loss_is_oneill_loss_and_proportional_to_lasso():
    # the MLP's loss on given codes equals element-mean MSE + l1 * mean|s|, and equals the mean LASSO
    # objective with lam = oneill_lam(l1) times 2 / dim
    rng = np.random.default_rng(2)
    dim, width, B = 4, 6, 9
    P = _mlp_params(rng, dim=dim, width=width, bias=False)
    x = rng.standard_normal((B, dim))
    loss, _ = _mlp_loss_and_grads(P, x, 0.01, bias=False, grads=False)
    s = np.maximum(np.maximum(x @ P["W1"].T, 0) @ P["W2"].T, 0)
    r = x - s @ P["D"].T
    assert loss == pytest.approx(np.mean(r**2) + 0.01 * np.mean(np.abs(s)), rel=1e-12)
    lam = oneill_lam(0.01, dim=dim, width=width)
    lasso = np.mean(0.5 * np.sum(r**2, axis=1) + lam * np.abs(s).sum(axis=1))
    assert loss == pytest.approx(2.0 / dim * lasso, rel=1e-12)


def test_mlp_learner_trains_and_encodes():
    X = _toy(6, batch=256)
    ld = mlp_encoder_learner(X, width=6, hidden=32, steps=300, lr=1e-2, dtype="float64", rng=0)
    assert ld.method == "mlp" and ld.dictionary.shape == (4, 6)
    np.testing.assert_allclose(np.linalg.norm(ld.dictionary, axis=0), 1.0, atol=1e-12)
    assert ld.losses[-1] < 0.5 * ld.losses[0]
    codes = ld.encode(X[:10])
    assert codes.shape == (10, 6) and codes.min() >= 0
    e = ld.encoder
    np.testing.assert_allclose(codes, np.maximum(np.maximum(X[:10] @ e["W1"].T, 0) @ e["W2"].T, 0))
    assert ld.lam == pytest.approx(oneill_lam(0.01, dim=4, width=6))
    assert ld.encode(X[:10], method="fista").shape == (10, 6)
    assert "hidden=32" in str(ld)


def test_mlp_learner_bias_minibatch_deterministic():
    X = _toy(7, batch=128)
    kw = {"width": 6, "hidden": 16, "steps": 20, "batch_size": 32, "bias": True, "rng": 4}
    a, b = mlp_encoder_learner(X, **kw), mlp_encoder_learner(X, **kw)
    np.testing.assert_array_equal(a.dictionary, b.dictionary)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert a.b_dec is not None and a.b_dec.shape == (4,)
    c = mlp_encoder_learner(X, **{**kw, "rng": 5})
    assert not np.array_equal(a.dictionary, c.dictionary)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"hidden": 0}, ValueError, "hidden"),
        ({"l1": -1.0}, ValueError, "l1"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"bias": 0}, TypeError, "bias"),
        ({"dtype": "float16"}, ValueError, "dtype"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"log_every": 0}, ValueError, "log_every"),
    ],
)
def test_mlp_bad_inputs(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        mlp_encoder_learner(_toy(0, batch=20), **{"width": 6, "steps": 1, **kwargs})


# ----------------------------------------------------------------------------------------------
# result object and conversions
# ----------------------------------------------------------------------------------------------


def test_learned_dictionary_validation():
    with pytest.raises(ValueError, match="method"):
        LearnedDictionary(dictionary=np.eye(2), method="ksvd", lam=0.1)
    with pytest.raises(ValueError, match="lam"):
        LearnedDictionary(dictionary=np.eye(2), method="sparse_coding", lam=0.0)
    with pytest.raises(ValueError, match="encoder"):
        LearnedDictionary(dictionary=np.eye(2), method="mlp", lam=0.1)
    with pytest.raises(ValueError, match="W2"):
        LearnedDictionary(
            dictionary=np.eye(2),
            method="mlp",
            lam=0.1,
            encoder={"W1": np.ones((3, 2)), "b1": np.zeros(3), "W2": np.ones((3, 3)), "b2": np.zeros(2)},
        )
    ld = LearnedDictionary(dictionary=2 * np.eye(2), method="sparse_coding", lam=0.1)
    np.testing.assert_allclose(ld.dictionary, np.eye(2))  # columns normalised
    with pytest.raises(ValueError, match="mlp"):
        ld.encode([[1.0, 0.0]], method="mlp")
    with pytest.raises(ValueError, match="shape"):
        ld.encode([[1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="codes"):
        ld.decode([[1.0, 0.0, 0.0]])


@settings(max_examples=25, deadline=None)
@given(l1=st.floats(1e-4, 10.0), dim=st.integers(1, 64), width=st.integers(1, 256))
def test_oneill_lam_formula(l1, dim, width):
    assert oneill_lam(l1, dim=dim, width=width) == pytest.approx(l1 * dim / (2 * width))
