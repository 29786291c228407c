"""Sparse inference on a known dictionary: FISTA against cvxpy (Clarabel), OMP against brute force,
a plain reference implementation and scikit-learn, thresholding against argsort and its recovery
condition, batching and permutation properties, and bad input."""

from __future__ import annotations

import itertools
import warnings

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import hadamard

from theory._warnings import TheoryWarning
from theory.sparse_coding.inference import SparseCodes, fista, omp, threshold_encode


def unit_dictionary(dim: int, n: int, seed: int) -> np.ndarray:
    D = np.random.default_rng(seed).standard_normal((dim, n))
    return D / np.linalg.norm(D, axis=0)


def sparse_codes(
    batch: int, n: int, k: int, seed: int, *, nonneg: bool, low: float = 0.5, high: float = 1.5
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    codes = np.zeros((batch, n))
    for b in range(batch):
        S = rng.choice(n, k, replace=False)
        mag = rng.uniform(low, high, k)
        codes[b, S] = mag if nonneg else mag * rng.choice([-1.0, 1.0], k)
    return codes


def identity_hadamard(dim: int) -> np.ndarray:
    """[I, H/sqrt(dim)]: 2 dim unit atoms with coherence exactly 1/sqrt(dim)."""
    return np.hstack([np.eye(dim), hadamard(dim) / np.sqrt(dim)])


def coherence(D: np.ndarray) -> float:
    Dn = D / np.linalg.norm(D, axis=0)
    G = np.abs(Dn.T @ Dn)
    np.fill_diagonal(G, 0.0)
    return float(G.max())


def lasso_objective(D, x, A, lam):
    return 0.5 * ((x - A @ D.T) ** 2).sum(axis=1) + lam * np.abs(A).sum(axis=1)


def cvxpy_lasso(D, x_row, lam, nonneg):
    a = cp.Variable(D.shape[1], nonneg=nonneg)
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(x_row - D @ a) + lam * cp.norm1(a)))
    prob.solve(solver=cp.CLARABEL)
    assert prob.status == cp.OPTIMAL
    return float(prob.value), np.asarray(a.value)


# ------------------------------------------------------------------------------------------------
# FISTA


@pytest.mark.parametrize("nonneg", [True, False])
@pytest.mark.parametrize("working_set", [True, False])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fista_matches_cvxpy_objective(nonneg, working_set, seed):
    rng = np.random.default_rng(seed)
    dim, n, batch = 8, 20, 5
    D = rng.standard_normal((dim, n)) * rng.uniform(0.5, 2.0, n)  # columns of unequal norms
    x = rng.standard_normal((batch, dim)) * 2.0
    lam = [0.05, 0.3, 1.0][seed]
    res = fista(D, x, lam=lam, nonneg=nonneg, tol=1e-10, working_set=working_set)
    assert res.converged
    for b in range(batch):
        opt, _ = cvxpy_lasso(D, x[b], lam, nonneg)
        assert res.objective[b] == pytest.approx(opt, rel=1e-6, abs=1e-9)
        # the gap certifies the objective: P(a) - P* <= gap
        assert res.objective[b] - opt <= res.gap[b] + 1e-7 * max(1.0, opt)
    # reported objective is the objective of the returned codes
    np.testing.assert_allclose(res.objective, lasso_objective(D, x, res.codes, lam), rtol=1e-10, atol=1e-12)
    if nonneg:
        assert (res.codes >= 0).all()


@pytest.mark.parametrize("nonneg", [True, False])
def test_fista_through_the_gram_matrix_matches_cvxpy(nonneg):
    # batch >= n: the working sets read their Gram blocks from a precomputed DᵀD
    rng = np.random.default_rng(15)
    D = rng.standard_normal((10, 30))
    x = rng.standard_normal((40, 10))
    res = fista(D, x, lam=0.2, nonneg=nonneg, tol=1e-10)
    for b in range(0, 40, 7):
        opt, _ = cvxpy_lasso(D, x[b], 0.2, nonneg)
        assert res.objective[b] == pytest.approx(opt, rel=1e-6)


@pytest.mark.parametrize("seed", [13, 50, 93, 124])
@pytest.mark.parametrize("working_set", [True, False])
def test_fista_harder_instances_converge_and_certificate_holds(seed, working_set):
    # weak regularisation, unequal column norms, supports near dim: slow, ill-conditioned problems
    rng = np.random.default_rng(seed)
    dim, n, batch = rng.integers(2, 12), rng.integers(2, 40), rng.integers(1, 6)
    D = rng.standard_normal((dim, n)) * rng.uniform(0.3, 3, n)
    x = rng.standard_normal((batch, dim)) * rng.uniform(0.1, 10)
    lam = float(rng.uniform(0.01, 2))
    nonneg = bool(seed % 2)
    res = fista(D, x, lam=lam, nonneg=nonneg, tol=1e-8, working_set=working_set)
    assert res.converged
    for b in range(batch):
        opt, _ = cvxpy_lasso(D, x[b], lam, nonneg)
        assert -1e-7 * max(1.0, opt) <= res.objective[b] - opt <= res.gap[b] + 1e-7 * max(1.0, opt)
        assert res.objective[b] == pytest.approx(opt, rel=1e-6)


@pytest.mark.parametrize("nonneg", [True, False])
def test_fista_kkt_conditions(nonneg):
    D = unit_dictionary(16, 48, seed=3)
    x = sparse_codes(20, 48, 3, seed=4, nonneg=nonneg) @ D.T + 0.01 * np.random.default_rng(5).standard_normal((20, 16))
    lam = 0.05
    A = fista(D, x, lam=lam, nonneg=nonneg, tol=1e-12).codes
    corr = (x - A @ D.T) @ D
    on = A != 0
    if nonneg:
        assert (corr <= lam * (1 + 1e-5)).all()
        np.testing.assert_allclose(corr[on], lam, rtol=1e-5)
    else:
        assert (np.abs(corr) <= lam * (1 + 1e-5)).all()
        np.testing.assert_allclose(corr[on], lam * np.sign(A[on]), rtol=1e-5)


def test_fista_orthonormal_dictionary_is_soft_thresholding():
    Q, _ = np.linalg.qr(np.random.default_rng(6).standard_normal((6, 6)))
    x = np.random.default_rng(7).standard_normal((4, 6))
    lam = 0.4
    z = x @ Q
    signed = fista(Q, x, lam=lam, nonneg=False, tol=1e-12).codes
    np.testing.assert_allclose(signed, np.sign(z) * np.maximum(np.abs(z) - lam, 0), atol=1e-8)
    nonneg = fista(Q, x, lam=lam, nonneg=True, tol=1e-12).codes
    np.testing.assert_allclose(nonneg, np.maximum(z - lam, 0), atol=1e-8)


def test_fista_large_lam_gives_zero_codes():
    D = unit_dictionary(5, 9, seed=8)
    x = np.random.default_rng(9).standard_normal((3, 5))
    lam = float(np.abs(x @ D).max()) * 1.01
    res = fista(D, x, lam=lam, nonneg=False)
    assert not np.any(res.codes)
    np.testing.assert_allclose(res.objective, 0.5 * (x**2).sum(axis=1))
    assert res.converged and (res.gap == 0).all()


def test_fista_recovers_ground_truth_support():
    D = identity_hadamard(32)
    codes = sparse_codes(30, 64, 3, seed=10, nonneg=True, low=1.0, high=2.0)
    x = codes @ D.T
    A = fista(D, x, lam=0.01, tol=1e-10).codes
    assert ((A != 0) == (codes != 0)).all()
    # shrinkage of the LASSO is of order lam
    np.testing.assert_allclose(A, codes, atol=0.05)


def test_fista_warns_when_not_converged():
    D = unit_dictionary(10, 40, seed=11)
    x = np.random.default_rng(12).standard_normal((4, 10))
    with pytest.warns(TheoryWarning, match="did not reach tol"):
        res = fista(D, x, lam=0.01, max_iter=2, tol=1e-12, working_set=False, check_every=1)
    assert not res.converged
    assert "NOT converged" in str(res)


def test_fista_result_object_and_sparse_output():
    D = unit_dictionary(12, 30, seed=13)
    x = sparse_codes(6, 30, 2, seed=14, nonneg=True) @ D.T
    dense = fista(D, x, lam=0.05)
    sparse = fista(D, x, lam=0.05, as_sparse=True)
    assert isinstance(dense, SparseCodes) and isinstance(dense.codes, np.ndarray)
    assert sps.issparse(sparse.codes) and sparse.codes.format == "csr"
    np.testing.assert_allclose(sparse.codes.toarray(), dense.codes)
    np.testing.assert_array_equal(sparse.l0, dense.l0)
    assert dense.shape == (6, 30)
    text = repr(dense)
    assert text.startswith("SparseCodes(batch=6, n=30, nonneg") and len(text) < 200
    with pytest.raises(AttributeError):
        dense.lam = 1.0  # frozen
    one = fista(D, x[0], lam=0.05)
    assert one.codes.shape == (1, 30)


# ------------------------------------------------------------------------------------------------
# OMP


def omp_reference(D, x_row, k):
    """Plain OMP: greedy selection on the residual, least-squares refit by lstsq."""
    r = x_row.copy()
    S: list[int] = []
    coef = np.zeros(0)
    for _ in range(k):
        corr = np.abs(D.T @ r)
        corr[S] = -1.0
        S.append(int(np.argmax(corr)))
        coef, *_ = np.linalg.lstsq(D[:, S], x_row, rcond=None)
        r = x_row - D[:, S] @ coef
    a = np.zeros(D.shape[1])
    a[S] = coef
    return a, S


def brute_force_sparsest(D, x_row, k):
    """The k-subset of atoms with the smallest least-squares residual."""
    best = (np.inf, None)
    for S in itertools.combinations(range(D.shape[1]), k):
        coef, *_ = np.linalg.lstsq(D[:, S], x_row, rcond=None)
        res = float(np.sum((x_row - D[:, S] @ coef) ** 2))
        if res < best[0]:
            best = (res, set(S))
    return best[1]


@pytest.mark.parametrize("seed", [0, 1])
def test_omp_matches_reference_implementation(seed):
    D = unit_dictionary(12, 30, seed=20 + seed)
    x = np.random.default_rng(seed).standard_normal((15, 12))
    A = omp(D, x, k=5)
    for b in range(x.shape[0]):
        a_ref, S = omp_reference(D, x[b], 5)
        assert set(np.flatnonzero(A[b])) == set(S)
        np.testing.assert_allclose(A[b], a_ref, atol=1e-10)


def test_omp_matches_sklearn():
    lm = pytest.importorskip("sklearn.linear_model")
    D = unit_dictionary(20, 60, seed=22)
    x = np.random.default_rng(23).standard_normal((25, 20))
    for k in (1, 4, 9):
        ours = omp(D, x, k=k)
        theirs = lm.orthogonal_mp(D, x.T, n_nonzero_coefs=k).T
        np.testing.assert_array_equal(ours != 0, theirs != 0)
        np.testing.assert_allclose(ours, theirs, atol=1e-8)
    # the residual target (with k left at its default, as scikit-learn does with tol)
    tol = 0.5
    ours = omp(D, x, tol=tol)
    theirs = lm.orthogonal_mp(D, x.T, tol=tol).T
    np.testing.assert_array_equal(ours != 0, theirs != 0)
    np.testing.assert_allclose(ours, theirs, atol=1e-8)
    assert (((x - ours @ D.T) ** 2).sum(axis=1) <= tol + 1e-12).all()


def test_omp_exact_recovery_and_brute_force_on_tiny_problems():
    # [I, H/4] in R^16 has mu = 1/4, so every 2-sparse code satisfies k < (1 + 1/mu)/2 = 2.5
    D = identity_hadamard(16)
    assert coherence(D) == pytest.approx(0.25)
    assert 2 < (1 + 1 / coherence(D)) / 2
    codes = sparse_codes(12, 32, 2, seed=24, nonneg=False)
    x = codes @ D.T
    A = omp(D, x, k=2)
    np.testing.assert_allclose(A, codes, atol=1e-10)
    for b in range(6):
        assert brute_force_sparsest(D, x[b], 2) == set(np.flatnonzero(codes[b]))


def test_omp_exact_recovery_under_the_coherence_condition():
    D = identity_hadamard(64)  # mu = 1/8: every k <= 4 is recovered
    assert 4 < (1 + 1 / coherence(D)) / 2
    codes = sparse_codes(200, 128, 4, seed=25, nonneg=False, low=0.1, high=3.0)
    A = omp(D, codes @ D.T, k=4)
    np.testing.assert_allclose(A, codes, atol=1e-9)


def test_omp_stops_early_on_exact_fit_and_sparse_output():
    D = identity_hadamard(16)
    codes = sparse_codes(5, 32, 2, seed=26, nonneg=False)
    A = omp(D, codes @ D.T, k=6)  # the residual is zero after 2 atoms
    np.testing.assert_allclose(A, codes, atol=1e-10)
    assert (np.count_nonzero(A, axis=1) == 2).all()
    S = omp(D, codes @ D.T, k=6, as_sparse=True)
    assert sps.issparse(S)
    np.testing.assert_allclose(S.toarray(), A)
    assert not np.any(omp(D, np.zeros((2, 16)), k=3))


def test_omp_warns_on_linearly_dependent_atoms():
    D = np.array([[1.0, 0.0, 1.0, 1.0], [0.0, 1.0, 1.0, 1.0]]) / np.array([1.0, 1.0, np.sqrt(2), np.sqrt(2)])
    # atoms 2 and 3 are identical; after choosing one, the other is dependent
    D[:, 3] = D[:, 2]
    x = np.array([[1.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A = omp(D, x, k=1)
    assert np.count_nonzero(A) == 1


# ------------------------------------------------------------------------------------------------
# thresholding


@pytest.mark.parametrize("nonneg", [True, False])
def test_top_k_equals_argsort(nonneg):
    D = unit_dictionary(10, 40, seed=30)
    x = np.random.default_rng(31).standard_normal((12, 10))
    z = x @ D
    for k in (1, 5, 40):
        A = threshold_encode(D, x, k=k, nonneg=nonneg)
        ref = np.zeros_like(z)
        for b in range(z.shape[0]):
            order = np.argsort(-(z[b] if nonneg else np.abs(z[b])))[:k]
            ref[b, order] = np.maximum(z[b, order], 0) if nonneg else z[b, order]
        np.testing.assert_array_equal(A, ref)


def test_bias_encoder_formula():
    D = unit_dictionary(6, 15, seed=32)
    x = np.random.default_rng(33).standard_normal((7, 6))
    z = x @ D
    b = np.linspace(-0.2, 0.5, 15)
    np.testing.assert_allclose(threshold_encode(D, x, bias=b), np.maximum(z - b, 0))
    np.testing.assert_allclose(
        threshold_encode(D, x, bias=0.3, nonneg=False), np.sign(z) * np.maximum(np.abs(z) - 0.3, 0)
    )
    np.testing.assert_allclose(threshold_encode(D, x, bias=0.3, as_sparse=True).toarray(), np.maximum(z - 0.3, 0))


@pytest.mark.parametrize("nonneg", [True, False])
def test_thresholding_recovers_supports_when_dynamic_range_condition_holds(nonneg):
    D = identity_hadamard(64)
    mu = coherence(D)  # 1/8
    k = 3
    lo, hi = 0.7, 1.0
    assert lo / hi > (2 * k - 1) * mu  # 0.7 > 0.625
    codes = sparse_codes(300, 128, k, seed=34, nonneg=nonneg, low=lo, high=hi)
    A = threshold_encode(D, codes @ D.T, k=k, nonneg=nonneg)
    np.testing.assert_array_equal(A != 0, codes != 0)


def test_thresholding_can_fail_when_condition_fails():
    # atom 1 lies between atoms 0 and 2: x = d0 + d2 correlates more with d1 than with either
    D = np.array([[1.0, 0.5, 0.0], [0.0, np.sqrt(3) / 2, 1.0]])
    D /= np.linalg.norm(D, axis=0)
    codes = np.array([[1.0, 0.0, 1.0]])
    x = codes @ D.T
    top = threshold_encode(D, x, k=2, nonneg=False)
    assert coherence(D) * (2 * 2 - 1) > 1.0  # the (2k - 1) mu condition fails
    assert set(np.flatnonzero(top[0])) != {0, 2}


# ------------------------------------------------------------------------------------------------
# properties: batching and permutations


@settings(max_examples=15)
@given(seed=st.integers(0, 2**31 - 1), batch=st.integers(1, 6), nonneg=st.booleans())
def test_batched_equals_per_sample(seed, batch, nonneg):
    rng = np.random.default_rng(seed)
    D = unit_dictionary(8, 24, seed=seed % 1000)
    x = rng.standard_normal((batch, 8))
    lam = 0.1
    res = fista(D, x, lam=lam, nonneg=nonneg, tol=1e-10)
    A_omp = omp(D, x, k=3)
    A_thr = threshold_encode(D, x, k=4, nonneg=nonneg)
    for b in range(batch):
        one = fista(D, x[b], lam=lam, nonneg=nonneg, tol=1e-10)
        assert one.objective[0] == pytest.approx(res.objective[b], rel=1e-8, abs=1e-12)
        np.testing.assert_allclose(omp(D, x[b], k=3)[0], A_omp[b], atol=1e-12)
        np.testing.assert_allclose(threshold_encode(D, x[b], k=4, nonneg=nonneg)[0], A_thr[b], rtol=1e-12, atol=1e-14)


@settings(max_examples=15)
@given(seed=st.integers(0, 2**31 - 1), nonneg=st.booleans())
def test_permuting_atoms_permutes_codes(seed, nonneg):
    rng = np.random.default_rng(seed)
    D = unit_dictionary(8, 20, seed=seed % 1000)
    x = rng.standard_normal((4, 8))
    perm = rng.permutation(20)
    Dp = D[:, perm]
    np.testing.assert_allclose(
        threshold_encode(Dp, x, k=5, nonneg=nonneg),
        threshold_encode(D, x, k=5, nonneg=nonneg)[:, perm],
        rtol=1e-12,
        atol=1e-14,
    )
    np.testing.assert_allclose(omp(Dp, x, k=4), omp(D, x, k=4)[:, perm], atol=1e-10)
    a = fista(D, x, lam=0.2, nonneg=nonneg, tol=1e-12)
    b = fista(Dp, x, lam=0.2, nonneg=nonneg, tol=1e-12)
    np.testing.assert_allclose(b.objective, a.objective, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.codes, a.codes[:, perm], atol=1e-5)


# ------------------------------------------------------------------------------------------------
# bad input


def test_bad_inputs():
    D = unit_dictionary(5, 12, seed=40)
    x = np.random.default_rng(41).standard_normal((3, 5))
    with pytest.raises(ValueError, match="transposed"):
        fista(D.T, x, lam=0.1)
    with pytest.raises(ValueError, match="transposed"):
        omp(D.T, x, k=2)
    with pytest.raises(ValueError, match="transposed"):
        threshold_encode(D.T, x, k=2)
    bad = x.copy()
    bad[0, 0] = np.nan
    for call in (lambda: fista(D, bad, lam=0.1), lambda: omp(D, bad, k=2), lambda: threshold_encode(D, bad, k=2)):
        with pytest.raises(ValueError, match="finite"):
            call()
    Dn = D.copy()
    Dn[0, 0] = np.inf
    with pytest.raises(ValueError, match="finite"):
        fista(Dn, x, lam=0.1)
    with pytest.raises(ValueError, match="lam must be >= 0"):
        fista(D, x, lam=-0.1)
    with pytest.raises(ValueError, match="lam must be > 0"):
        fista(D, x, lam=0.0)
    with pytest.raises(TypeError, match="lam"):
        fista(D, x, lam=True)
    with pytest.raises(ValueError, match="tol"):
        fista(D, x, lam=0.1, tol=0.0)
    with pytest.raises(TypeError, match="nonneg"):
        fista(D, x, lam=0.1, nonneg=1)
    with pytest.raises(ValueError, match="max_iter"):
        fista(D, x, lam=0.1, max_iter=0)
    with pytest.raises(ValueError, match="k must be an integer"):
        threshold_encode(D, x, k=13)
    with pytest.raises(ValueError, match="k must be an integer"):
        threshold_encode(D, x, k=0)
    with pytest.raises(ValueError, match="k must be an integer"):
        omp(D, x, k=6)  # more atoms than dimensions
    with pytest.raises(ValueError, match="k must be an integer"):
        omp(D, x, k=0)
    with pytest.raises(TypeError, match="k must be an integer"):
        omp(D, x, k=2.0)
    with pytest.raises(ValueError, match="neither"):
        omp(D, x)
    with pytest.raises(ValueError, match="tol"):
        omp(D, x, tol=-1.0)
    with pytest.raises(ValueError, match="both"):
        threshold_encode(D, x, k=2, bias=0.1)
    with pytest.raises(ValueError, match="neither"):
        threshold_encode(D, x)
    with pytest.raises(ValueError, match="shape"):
        threshold_encode(D, x, bias=np.zeros(5))
    with pytest.raises(ValueError, match=">= 0"):
        threshold_encode(D, x, bias=-0.1, nonneg=False)
    with pytest.raises(ValueError, match="bias"):
        threshold_encode(D, x, bias=np.nan)
    with pytest.raises(ValueError, match="dimension"):
        fista(D, np.ones((2, 4)), lam=0.1)


def test_dense_output_over_the_memory_limit_is_refused_before_allocating():
    D = np.ones((1, 1024))
    x = np.ones((2**20, 1))  # codes would need 8 GiB
    for call in (lambda: fista(D, x, lam=0.1), lambda: omp(D, x, k=1), lambda: threshold_encode(D, x, k=1)):
        with pytest.raises(ValueError, match="as_sparse=True"):
            call()
