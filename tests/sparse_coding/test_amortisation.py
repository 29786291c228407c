"""Tests for theory.sparse_coding.amortisation: the best amortised encoder and the amortisation gap."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from theory.sparse_coding import Firing, ground_truth, oneill2024
from theory.sparse_coding.amortisation import (
    AmortisationGap,
    AmortisedEncoder,
    _identity_mcc,
    _loss_and_grad,
    _support_f1,
    amortisation_gap,
    fit_amortised_encoder,
)


def _orthonormal(dim, n, seed=0):
    Q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((dim, n)))
    return Q


# ----------------------------------------------------------------------------------------------
# gradients
# ----------------------------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), B=st.integers(1, 6), dim=st.integers(1, 5), n=st.integers(1, 6))
def test_gradients_match_finite_differences(seed, B, dim, n):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n, dim))
    b = rng.standard_normal(n)
    x = rng.standard_normal((B, dim))
    c = np.abs(rng.standard_normal((B, n))) * (rng.random((B, n)) < 0.5)
    z = x @ W.T + b
    if np.min(np.abs(z)) < 1e-3:  # central differences straddle the ReLU kink
        return
    _, gW, gb = _loss_and_grad(W, b, x, c)
    h = 1e-6
    num_W = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        Wp, Wm = W.copy(), W.copy()
        Wp[idx] += h
        Wm[idx] -= h
        num_W[idx] = (_loss_and_grad(Wp, b, x, c)[0] - _loss_and_grad(Wm, b, x, c)[0]) / (2 * h)
    num_b = np.zeros_like(b)
    for i in range(n):
        bp, bm = b.copy(), b.copy()
        bp[i] += h
        bm[i] -= h
        num_b[i] = (_loss_and_grad(W, bp, x, c)[0] - _loss_and_grad(W, bm, x, c)[0]) / (2 * h)
    np.testing.assert_allclose(gW, num_W, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gb, num_b, rtol=1e-5, atol=1e-7)


def test_loss_hand_computed():
    W = np.array([[1.0, 0.0], [0.0, -1.0]])
    b = np.array([0.0, 0.5])
    x = np.array([[2.0, 1.0]])  # z = [2, -0.5] -> ReLU [2, 0]
    c = np.array([[1.0, 1.0]])  # residual [1, -1]
    loss, gW, gb = _loss_and_grad(W, b, x, c)
    assert loss == 2.0
    np.testing.assert_array_equal(gb, [2.0, 0.0])  # the inactive unit gets no gradient
    np.testing.assert_array_equal(gW, [[4.0, 2.0], [0.0, 0.0]])


# ----------------------------------------------------------------------------------------------
# fitting
# ----------------------------------------------------------------------------------------------


def test_orthonormal_dictionary_encoder_is_exact_from_the_start():
    Q = _orthonormal(10, 6)
    truth = ground_truth(dictionary=Q, firing=Firing.exactly(3))
    x, codes = truth.sample(300, rng=1)
    enc = fit_amortised_encoder(Q, x, codes, steps=50)
    assert enc.losses[0] < 1e-25  # W = Dᵀ, b = 0 is exact
    assert enc.train_error < 1e-12
    np.testing.assert_allclose(enc.W, Q.T, atol=1e-6)


def test_tall_dictionary_learns_the_pseudoinverse_behaviour():
    truth = ground_truth(dim=10, n=6, firing=Firing.exactly(2), rng=3)
    x, codes = truth.sample(512, rng=4)
    enc = fit_amortised_encoder(truth.dictionary, x, codes, steps=1500, lr=1e-2)
    # the oracle: W = pinv(D), b = 0 has zero error on these codes
    oracle = np.maximum(x @ np.linalg.pinv(truth.dictionary).T, 0.0)
    assert np.sum((oracle - codes.toarray()) ** 2) < 1e-20
    assert enc.train_error < 1e-3
    assert enc.losses[-1] < enc.losses[0]


def test_fit_matches_a_quasi_newton_oracle_on_a_small_problem():
    truth = oneill2024(rng=2)
    x, codes = truth.sample(400, rng=5)
    c = codes.toarray()
    n, dim = truth.n, truth.dim
    enc = fit_amortised_encoder(truth.dictionary, x, c, steps=1500, lr=1e-2)

    def f(theta):
        loss, gW, gb = _loss_and_grad(theta[: n * dim].reshape(n, dim), theta[n * dim :], x, c)
        return loss, np.concatenate([gW.ravel(), gb])

    theta0 = np.concatenate([truth.dictionary.T.ravel(), np.zeros(n)])
    with threadpool_limits(limits=1, user_api="blas"):
        res = minimize(f, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    adam_loss = _loss_and_grad(enc.W, enc.b, x, c)[0]
    assert adam_loss <= res.fun * 1.05 + 1e-6  # within 5% of L-BFGS from the same start (or better)


def test_minibatches_are_reproducible_and_accept_sparse_codes():
    truth = oneill2024()
    x, codes = truth.sample(256, rng=0)
    a = fit_amortised_encoder(truth.dictionary, x, codes, steps=40, batch_size=32, rng=7)
    b = fit_amortised_encoder(truth.dictionary, x, codes.toarray(), steps=40, batch_size=32, rng=7)
    c = fit_amortised_encoder(truth.dictionary, x, codes, steps=40, batch_size=32, rng=8)
    np.testing.assert_array_equal(a.W, b.W)
    assert not np.array_equal(a.W, c.W)
    assert "AmortisedEncoder(dim=8, n=16" in str(a) and "\n" not in repr(a)
    assert a.decode(a.encode(x[:3])).shape == (3, 8)


# ----------------------------------------------------------------------------------------------
# the gap
# ----------------------------------------------------------------------------------------------


def test_gap_vanishes_for_an_orthonormal_dictionary():
    res = amortisation_gap(_orthonormal(12, 8, seed=4), k=3, batch=512, steps=200, rng=1)
    assert isinstance(res, AmortisationGap)
    assert res.encoder_error < 1e-10
    assert abs(res.gap) < 1e-6
    assert res.encoder_mcc > 0.999999


@pytest.mark.filterwarnings("ignore:fista did not reach")
def test_gap_is_positive_for_an_overcomplete_dictionary():
    res = amortisation_gap(oneill2024(), batch=384, steps=500, rng=0)
    assert res.method == "fista" and res.lam is not None
    assert res.gap > 0.03
    assert res.optimal_error < 0.01 < res.encoder_error
    assert res.optimal_mcc > res.encoder_mcc
    assert res.optimal_f1 > res.encoder_f1
    assert "gap" in str(res) and "\n" not in str(res)


def test_omp_method_and_explicit_lam():
    truth = ground_truth(dim=12, n=8, firing=Firing.exactly(2), dictionary=_orthonormal(12, 8, seed=2))
    res = amortisation_gap(truth, batch=128, steps=50, method="omp", rng=0)
    assert res.method == "omp" and res.k == 2 and res.lam is None
    assert res.optimal_error < 1e-20  # OMP is exact on an orthonormal dictionary
    res = amortisation_gap(truth, batch=128, steps=50, lam=1e-4, rng=0)
    assert res.method == "fista" and res.lam == 1e-4


def test_gap_is_reproducible():
    a = amortisation_gap(oneill2024(), batch=128, steps=50, lam_grid=(0.03,), rng=3)
    b = amortisation_gap(oneill2024(), batch=128, steps=50, lam_grid=(0.03,), rng=3)
    assert a.gap == b.gap


def test_support_f1_and_identity_mcc_hand_computed():
    c = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0]])
    pred = np.array([[0.5, 0.1, 0.0], [0.0, 3.0, 0.0]])
    # true active 3, predicted active 3, both active 2 -> F1 = 2*2/(3+3)
    assert _support_f1(pred, c) == pytest.approx(4 / 6)
    assert _support_f1(np.zeros((2, 3)), np.zeros((2, 3))) == 1.0
    c4 = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0], [3.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    assert _identity_mcc(2.0 * c4, c4) == pytest.approx(1.0)
    swapped = c4[:, [1, 0, 2]]
    rho = abs(np.corrcoef(c4[:, 0], c4[:, 1])[0, 1])  # no re-matching: latent j is scored as feature j
    assert _identity_mcc(swapped, c4) == pytest.approx((2 * rho + 1) / 3)


# ----------------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------------


def test_bad_inputs():
    truth = oneill2024()
    D = truth.dictionary
    x, codes = truth.sample(16, rng=0)
    c = codes.toarray()
    with pytest.raises(ValueError, match="nonnegative"):
        fit_amortised_encoder(D, x, -c)
    with pytest.raises(ValueError, match="codes must have shape"):
        fit_amortised_encoder(D, x, c[:, :5])
    with pytest.raises(ValueError, match="finite"):
        fit_amortised_encoder(D, np.where(x == x[0, 0], np.nan, x), c)
    with pytest.raises(ValueError, match="transposed"):
        fit_amortised_encoder(D.T, x, c)
    with pytest.raises(TypeError, match="steps"):
        fit_amortised_encoder(D, x, c, steps=True)
    with pytest.raises(ValueError, match="lr"):
        fit_amortised_encoder(D, x, c, lr=0.0)
    with pytest.raises(ValueError, match="batch_size"):
        fit_amortised_encoder(D, x, c, batch_size=0)
    with pytest.raises(ValueError, match="method"):
        amortisation_gap(truth, method="lasso")
    with pytest.raises(ValueError, match="k .* required"):
        amortisation_gap(D)
    with pytest.raises(ValueError, match="contradicts"):
        amortisation_gap(truth, k=2)
    with pytest.raises(ValueError, match="needs k"):
        amortisation_gap(ground_truth(dim=4, n=6, rng=0), method="omp")
    with pytest.raises(ValueError, match="min\\(dim, n\\)"):
        amortisation_gap(D, k=9, method="omp")
    with pytest.raises(ValueError, match="lam_grid"):
        amortisation_gap(truth, lam_grid=[0.1, -1.0])
    with pytest.raises(ValueError, match="lam"):
        amortisation_gap(truth, lam=float("nan"))
    with pytest.raises(TypeError, match="GroundTruth"):
        amortisation_gap("oneill2024")
    with pytest.raises(ValueError, match="batch"):
        amortisation_gap(truth, batch=1)
    with pytest.raises(ValueError, match="would need"):
        fit_amortised_encoder(np.ones((2, 10**6)), np.zeros((10**4, 2)), sps.csr_matrix((10**4, 10**6)))
    enc = fit_amortised_encoder(D, x, c, steps=2)
    with pytest.raises(ValueError, match="shape"):
        enc.encode(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="codes must have shape"):
        enc.decode(np.zeros((2, 3)))
    assert isinstance(enc, AmortisedEncoder)
