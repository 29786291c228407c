"""FISTA's working-set machinery at sizes where its shortcuts are taken (block top-w selection,
correlations through DᵀD, one polish per sign pattern): the exact top-w against sorting, and the
codes against scikit-learn's ``sparse_encode(algorithm="lasso_cd")``, plain FISTA on all atoms and
cvxpy (Clarabel)."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.sparse_coding.inference import _top, fista


def problem(
    batch: int, dim: int, n: int, k: int, seed: int, *, nonneg: bool = True, noise: float = 0.01
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((dim, n))
    D /= np.linalg.norm(D, axis=0)
    codes = np.zeros((batch, n))
    support = np.argsort(rng.random((batch, n)), axis=1)[:, :k]
    mag = rng.uniform(0.5, 1.5, (batch, k))
    if not nonneg:
        mag *= rng.choice([-1.0, 1.0], (batch, k))
    np.put_along_axis(codes, support, mag, axis=1)
    return D, codes @ D.T + noise * rng.standard_normal((batch, dim))


def objective(D, x, A, lam):
    return 0.5 * ((x - A @ D.T) ** 2).sum(axis=1) + lam * np.abs(A).sum(axis=1)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    m=st.integers(1, 5),
    n=st.sampled_from([16, 64, 100, 256, 1024]),
    w=st.integers(1, 60),
    ties=st.booleans(),
)
def test_top_selects_the_w_largest(seed, m, n, w, ties):
    rng = np.random.default_rng(seed)
    key = rng.integers(0, 5, (m, n)).astype(float) if ties else rng.standard_normal((m, n))
    key[:, rng.choice(n, min(n, 3), replace=False)] = np.inf  # a support is marked +inf
    w = min(w, n)
    W = _top(key, w)
    assert W.shape == (m, w)
    for row in range(m):
        assert len(set(W[row].tolist())) == w  # w distinct columns
        np.testing.assert_array_equal(np.sort(key[row, W[row]]), np.sort(key[row])[n - w :])


def cvxpy_lasso(D, x_row, lam, nonneg):
    a = cp.Variable(D.shape[1], nonneg=nonneg)
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(x_row - D @ a) + lam * cp.norm1(a)))
    prob.solve(solver=cp.CLARABEL)
    assert prob.status == cp.OPTIMAL
    return float(prob.value)


@pytest.mark.parametrize("nonneg", [True, False])
def test_fista_matches_sklearn_lasso_cd(nonneg):
    # n / w large enough for block selection; batch >= n so correlations go through DᵀD
    sk = pytest.importorskip("sklearn.decomposition")
    D, x = problem(256, 32, 256, 3, seed=1, nonneg=nonneg)
    lam = 0.1
    res = fista(D, x, lam=lam, nonneg=nonneg, tol=1e-10)
    assert res.converged
    A_sk = sk.sparse_encode(x, D.T, algorithm="lasso_cd", alpha=lam, positive=nonneg, max_iter=5000)
    ours, peer = objective(D, x, res.codes, lam), objective(D, x, A_sk, lam)
    np.testing.assert_allclose(res.objective, ours, rtol=1e-10)
    # same objective; ours is certified, so never above the peer's by more than its gap
    np.testing.assert_allclose(ours, peer, rtol=1e-9)
    assert (ours - peer <= res.gap + 1e-12 * peer).all()
    same = ((res.codes != 0) == (np.abs(A_sk) > 1e-12)).all(axis=1)
    assert same.mean() >= 0.99
    if nonneg:
        assert (res.codes >= 0).all()


@pytest.mark.parametrize("nonneg", [True, False])
@pytest.mark.parametrize("scaled", [False, True])
def test_working_sets_certified_against_cvxpy(nonneg, scaled):
    # noise: supports grow over several rounds; unequal norms when scaled
    D, x = problem(200, 32, 400, 4, seed=2, nonneg=nonneg, noise=0.05)
    if scaled:
        D = D * np.random.default_rng(4).uniform(0.5, 2.0, D.shape[1])
    lam = 0.08
    ws = fista(D, x, lam=lam, nonneg=nonneg, tol=1e-9)
    assert ws.converged
    np.testing.assert_allclose(ws.objective, objective(D, x, ws.codes, lam), rtol=1e-10)
    for b in (0, 77, 199):
        opt = cvxpy_lasso(D, x[b], lam, nonneg)
        # the certificate: the objective is within its gap of the optimum (and not below it)
        slack = 1e-7 * max(1.0, opt)
        assert -slack <= ws.objective[b] - opt <= ws.gap[b] + slack
