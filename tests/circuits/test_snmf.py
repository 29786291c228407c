"""Tests of the semi-NMF and of Bhagat et al.'s SNMF baseline of the compressed-computation toy."""

from __future__ import annotations

import math

import cvxpy as cp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import nnls

from theory.circuits.compressed import (
    CompressedResult,
    SemiNMF,
    SNMFBaseline,
    _hals,
    _lstsq,
    compressed_loss,
    mixing_matrix,
    naive_loss,
    residual_embedding,
    semi_nmf,
    snmf_baseline,
    train_compressed,
)

# ----------------------------------------------------------------------------------------------- semi_nmf


def _obj(f: SemiNMF, X: np.ndarray) -> float:
    return float(np.sum((f.U @ f.V - X) ** 2))


def test_exact_factorisation_recovered():
    rng = np.random.default_rng(3)
    U0, V0 = rng.random((10, 4)), rng.standard_normal((4, 7))
    X = U0 @ V0
    f = semi_nmf(X, 4, iterations=3000, tol=0.0)
    assert f.residual < 1e-4
    assert np.all(f.U >= 0)
    assert f.U.shape == (10, 4) and f.V.shape == (4, 7)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 7),
    m=st.integers(1, 7),
    rank=st.integers(1, 5),
    seed=st.integers(0, 10**6),
    init=st.sampled_from(["random", "nmf"]),
)
def test_properties_monotone_nonnegative_exact_v(n, m, rank, seed, init):
    X = np.random.default_rng(seed).standard_normal((n, m))
    f = semi_nmf(X, rank, iterations=60, init=init, rng=seed)
    assert np.all(f.U >= 0)
    # the objective never increases (each update is an exact block minimiser; round-off allowed)
    assert np.all(np.diff(f.objective) <= 1e-10)
    assert f.objective.shape == (f.iterations + 1,)
    # V is the exact least-squares solution for U: normal equations U^T (UV - X) = 0
    assert np.allclose(f.U.T @ (f.U @ f.V - X), 0.0, atol=1e-8 * max(1.0, np.abs(f.U).max() ** 2))
    # the reported residual is the factorisation's
    assert f.residual == pytest.approx(math.sqrt(_obj(f, X) / np.sum(X * X)), rel=1e-6, abs=1e-9)
    # never better than the unconstrained rank-k optimum (Eckart-Young)
    sv = np.linalg.svd(X, compute_uv=False)
    assert _obj(f, X) >= np.sum(sv[rank:] ** 2) - 1e-9


@pytest.mark.parametrize("shape", [(5, 3), (4, 9), (6, 6)])
def test_rank_at_least_n_is_exact(shape):
    X = np.random.default_rng(1).standard_normal(shape)
    f = semi_nmf(X, shape[0] + 1)
    assert f.residual < 1e-8


def test_rank_at_least_m_is_not_enough():
    # the best rank-1 semi-NMF of [1, -1]^T fits one entry: relative residual 1/sqrt(2), exactly
    f = semi_nmf([[1.0], [-1.0]], 1)
    assert f.residual == pytest.approx(1 / math.sqrt(2), abs=1e-9)
    # rank 2m = 2 is enough: X = [X+ X-] [I; -I]
    assert semi_nmf([[1.0], [-1.0]], 2).residual < 1e-8


def test_kkt_at_convergence():
    X = np.random.default_rng(5).standard_normal((9, 6))
    f = semi_nmf(X, 3, iterations=5000, tol=1e-13)
    grad = (f.U @ f.V - X) @ f.V.T  # gradient in U (up to the factor 2)
    scale = np.abs(X).max() ** 2
    assert grad.min() >= -1e-4 * scale  # no descent direction into the feasible set
    assert np.abs(grad * f.U).max() <= 1e-4 * scale  # complementary slackness


def test_rank_one_against_brute_force_grid():
    # rank 1: min ||u v - X||^2 = ||X||^2 - max_{u >= 0} u^T X X^T u / u^T u; brute force over the simplex
    X = np.random.default_rng(11).standard_normal((3, 5))
    C = X @ X.T
    g = np.linspace(0, 1, 401)
    a, b = np.meshgrid(g, g)
    keep = a + b <= 1
    P = np.stack([a[keep], b[keep], 1 - a[keep] - b[keep]], axis=1)
    q = np.einsum("ki,ij,kj->k", P, C, P) / np.einsum("ki,ki->k", P, P)
    best = np.sum(X * X) - q.max()
    errs = [_obj(semi_nmf(X, 1, iterations=2000, tol=1e-14, rng=seed), X) for seed in range(4)]
    assert min(errs) <= best + 1e-6
    assert min(errs) >= best - 1e-3 * np.sum(X * X)  # the grid is fine: nothing much better exists


def test_blocks_match_cvxpy_and_scipy_nnls():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((6, 5))
    V = rng.standard_normal((3, 5))
    # U block: many column sweeps converge to the exact nonnegative least-squares solution
    U = np.abs(rng.standard_normal((6, 3)))
    _hals(U, V.copy(), X, 2000)
    Uc = cp.Variable((6, 3), nonneg=True)
    cp.Problem(cp.Minimize(cp.sum_squares(Uc @ V - X))).solve(solver=cp.CLARABEL)
    assert np.allclose(U, Uc.value, atol=1e-5)
    U_scipy = np.stack([nnls(V.T, X[i])[0] for i in range(6)])
    assert np.allclose(U, U_scipy, atol=1e-7)
    # V block: unconstrained least squares
    Vc = cp.Variable((3, 5))
    cp.Problem(cp.Minimize(cp.sum_squares(U @ Vc - X))).solve(solver=cp.CLARABEL)
    assert np.allclose(_lstsq(U, X), Vc.value, atol=1e-5)


def test_dead_column_is_revived_and_objective_stays_monotone():
    X = np.random.default_rng(4).standard_normal((6, 4))
    f0 = semi_nmf(X, 3, init=np.zeros((6, 3)), iterations=300)
    f1 = semi_nmf(X, 3, iterations=300)
    assert np.all(np.diff(f0.objective) <= 1e-10)
    assert np.all(np.any(f0.U > 0, axis=0))
    assert f0.residual == pytest.approx(f1.residual, abs=1e-3)


def test_scale_invariance_and_huge_entries():
    X = np.random.default_rng(6).standard_normal((5, 4))
    f = semi_nmf(X, 2)
    for c in (1e300, 1e-300):
        g = semi_nmf(c * X, 2)
        assert g.residual == pytest.approx(f.residual, rel=1e-9)
        assert np.all(np.isfinite(g.V))
    z = semi_nmf(np.zeros((3, 2)), 2)
    assert z.residual == 0.0 and z.converged and not np.any(z.V)


def test_deterministic_and_printable():
    X = np.random.default_rng(7).standard_normal((6, 5))
    f, g = semi_nmf(X, 2, rng=3), semi_nmf(X, 2, rng=3)
    assert np.array_equal(f.U, g.U) and np.array_equal(f.V, g.V)
    assert "local minimum" in str(f) and "U=" not in repr(f)


@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"X": [1.0, 2.0]}, ValueError, "2-dimensional"),
        ({"X": [[np.nan]]}, ValueError, "finite"),
        ({"X": np.zeros((0, 3))}, ValueError, "non-empty"),
        ({"X": "ab"}, TypeError, "array"),
        ({"rank": 0}, ValueError, "rank"),
        ({"rank": True}, TypeError, "rank"),
        ({"rank": 10**12}, ValueError, "rank"),
        ({"rank": 2.5}, TypeError, "rank"),
        ({"iterations": -1}, ValueError, "iterations"),
        ({"iterations": 10**400}, ValueError, "iterations"),
        ({"tol": -1.0}, ValueError, "tol"),
        ({"tol": float("nan")}, ValueError, "tol"),
        ({"sweeps": 0}, ValueError, "sweeps"),
        ({"init": "svd"}, ValueError, "init"),
        ({"init": np.ones((3, 3))}, ValueError, "shape"),
        ({"init": -np.ones((3, 2))}, ValueError, "nonnegative"),
    ],
)
def test_semi_nmf_bad_input(kwargs, err, match):
    args = {"X": np.ones((3, 4)), "rank": 2, **kwargs}
    X, rank = args.pop("X"), args.pop("rank")
    with pytest.raises(err, match=match):
        semi_nmf(X, rank, **args)


# ----------------------------------------------------------------------------------------------- the baseline


def _weights(b: SNMFBaseline, E: np.ndarray, k: int = 0) -> tuple[np.ndarray, np.ndarray]:
    f = b.factorisations[k]
    P = np.linalg.pinv(E)
    return f.U.T @ P, P.T @ f.V.T


@pytest.mark.parametrize("kind", ["random", "orthogonal"])
def test_without_mixing_the_baseline_is_the_naive_model(kind):
    # s = 0 (or M = 0): X = I, whose best rank-w factorisation keeps w coordinates; the one-feature
    # loss is then exactly the naive loss (n - w)/n * p/6
    E = residual_embedding(n=12, dim=40, kind=kind, rng=1)
    b = snmf_baseline(E, width=5, p=0.05, mixing=0.0 if kind == "random" else 1.0, iterations=300, eval_batch=2000)
    nl = naive_loss(n=12, width=5, p=0.05)
    assert b.naive_loss == nl
    assert b.snmf_one_feature[0] == pytest.approx(nl, rel=1e-6)
    assert b.naive_one_feature[0] == pytest.approx(nl, rel=1e-12)


def test_one_feature_loss_against_monte_carlo():
    # exact one-active-feature loss / p against compressed_loss on samples with exactly one active feature
    n, dim, w = 10, 30, 4
    E = residual_embedding(n=n, dim=dim, rng=2)
    b = snmf_baseline(E, width=w, p=0.1, iterations=200, eval_batch=1000)
    W_in, W_out = _weights(b, E)
    rng = np.random.default_rng(0)
    batch = 200_000
    x = np.zeros((batch, n))
    x[np.arange(batch), rng.integers(0, n, batch)] = rng.uniform(-1, 1, batch)
    mc = compressed_loss(W_in, W_out, E, x) * n  # one feature per sample: E[L] = (1/n) * one-feature loss/p
    assert mc == pytest.approx(b.snmf_one_feature[0] / 0.1, rel=0.02)


def test_baseline_weights_realise_u_v_and_loss_matches_compressed_loss():
    E = residual_embedding(n=10, dim=30, rng=3)
    b = snmf_baseline(E, width=4, p=0.2, iterations=100, eval_batch=1000)
    W_in, W_out = _weights(b, E)
    f = b.factorisations[0]
    assert np.allclose(W_in @ E, f.U.T) and np.allclose(E.T @ W_out, f.V.T)
    # the SNMF's held-out loss is an unbiased estimate of the toy loss: compare with a fresh batch
    from theory.circuits.compressed import sample_features

    x = sample_features(200_000, n=10, p=0.2, rng=9)
    assert compressed_loss(W_in, W_out, E, x) == pytest.approx(
        snmf_baseline(E, width=4, p=0.2, iterations=100, eval_batch=200_000).snmf_loss[0], rel=0.03
    )


def test_snmf_beats_naive_on_one_feature_and_full_beats_mixing_target():
    E = residual_embedding(n=30, dim=100, rng=4)
    full = snmf_baseline(E, width=15, p=0.05, iterations=200, eval_batch=2000)
    mix = snmf_baseline(E, width=15, p=0.05, target="mixing", iterations=200, eval_batch=2000)
    assert full.snmf_one_feature[0] < full.naive_loss < full.naive_one_feature[0]
    assert full.snmf_gain_one_feature > 1.0
    assert mix.snmf_one_feature[0] > full.snmf_one_feature[0]
    # the naive model on the mixed task: naive loss + label noise s^2 (p/3) |M|_F^2 / n, to first order in p
    M = mixing_matrix(E)
    assert full.naive_one_feature[0] == pytest.approx(full.naive_loss + 0.05 / 3 * np.sum(M * M) / 30, rel=1e-9)
    assert math.isnan(full.model_gain) and full.model_loss is None


def test_with_a_trained_model_and_several_embeddings():
    r = train_compressed(n=8, dim=30, width=4, p=0.1, seeds=2, steps=40, batch=128, eval_batch=500, rng=1)
    b = snmf_baseline(model=r, iterations=50, eval_batch=3000)
    assert b.seeds == 2 and b.width == 4 and b.p == 0.1
    assert b.model_loss is not None and b.model_loss.shape == (2,)
    assert b.model_one_feature is not None and np.all(b.model_one_feature > 0)
    assert np.isfinite(b.model_gain) and "trained" in str(b)
    # the same as giving the embeddings (the model's losses aside)
    c = snmf_baseline(r.E, width=4, p=0.1, iterations=50, eval_batch=3000)
    assert np.allclose(b.snmf_loss, c.snmf_loss) and np.allclose(b.snmf_one_feature, c.snmf_one_feature)
    with pytest.raises(ValueError, match="width"):
        snmf_baseline(model=r, width=3)
    with pytest.raises(ValueError, match="not both"):
        snmf_baseline(r.E[0], model=r)
    assert isinstance(r, CompressedResult)


def test_baseline_deterministic():
    E = residual_embedding(n=10, dim=30, rng=5)
    a = snmf_baseline(E, width=4, p=0.1, iterations=50, eval_batch=1000)
    b = snmf_baseline(E, width=4, p=0.1, iterations=50, eval_batch=1000)
    assert np.array_equal(a.snmf_loss, b.snmf_loss) and np.array_equal(a.naive_task_loss, b.naive_task_loss)
    assert "SNMFBaseline" in repr(a) and len(repr(a)) < 200


@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"E": None}, ValueError, "embedding"),
        ({"model": "x"}, TypeError, "CompressedResult"),
        ({"width": 11}, ValueError, "width"),
        ({"p": 0.0}, ValueError, "p"),
        ({"mixing": -1.0}, ValueError, "mixing"),
        ({"target": "M"}, ValueError, "target"),
        ({"init": "svd"}, ValueError, "init"),
        ({"eval_batch": 0}, ValueError, "eval_batch"),
        ({"E": 2 * np.eye(10)}, ValueError, "unit columns"),
        ({"E": np.ones((3, 10)) / np.sqrt(3)}, ValueError, "independent"),
    ],
)
def test_baseline_bad_input(kwargs, err, match):
    args = {"E": residual_embedding(n=10, dim=30, rng=0), "width": 4, "p": 0.1, "iterations": 5, "eval_batch": 10}
    args.update(kwargs)
    if "model" in kwargs:
        args.pop("E")
    with pytest.raises(err, match=match):
        snmf_baseline(**args)
