"""U-AND: exact small cases, vectorised read-off against loops, embeddings, validation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.circuits import all_pairs, embed_features, sparse_inputs, uand


def _all_sparse(m, s):
    X = np.zeros((len(list(itertools.combinations(range(m), s))), m), dtype=np.int8)
    for r, idx in enumerate(itertools.combinations(range(m), s)):
        X[r, list(idx)] = 1
    return X


@pytest.mark.parametrize("p", [0.05, 0.3, 1.0])
def test_one_sparse_inputs_read_exactly_zero(p):
    net = uand(m=12, d=300, p=p, rng=1)
    Y = net.read(net.forward(_all_sparse(12, 1)))
    assert np.all(Y == 0.0)  # exactly: no neuron sees two active inputs


def test_two_sparse_every_and_correct_when_d_large():
    m = 25
    net = uand(m=m, d=6000, p=0.04, rng=0)
    X = _all_sparse(m, 2)
    Y = net.read(net.forward(X))
    truth = np.triu(np.einsum("bi,bj->bij", X, X), 1)
    cov = net.coverage(all_pairs(m))
    assert cov.min() >= 1
    # the active pair is exact (a mean of activations that are all exactly 1) ...
    np.testing.assert_allclose(Y[truth == 1], 1.0, rtol=1e-13)
    # ... and every other AND is right after rounding
    assert np.array_equal(Y > 0.5, truth == 1)


def test_three_way_and_exact():
    m = 9
    net = uand(m=m, d=20000, p=0.15, fan_in=3, rng=2)
    gates = np.array(list(itertools.combinations(range(m), 3)))
    X = _all_sparse(m, 3)
    Y = net.read(net.forward(X), gates)
    truth = np.array([[int(all(x[g])) for g in gates] for x in X])
    np.testing.assert_allclose(Y[truth == 1], 1.0, rtol=1e-13)
    assert np.array_equal(Y > 0.5, truth == 1)
    assert np.all(net.read(net.forward(_all_sparse(m, 2)), gates) == 0.0)


@pytest.mark.parametrize("kind", ["bernoulli", "rademacher", "gaussian"])
def test_vectorised_read_equals_per_pair_loop(kind):
    m, d = 40, 500
    kw = {"p": 0.1} if kind == "bernoulli" else {"s": 3}
    net = uand(m=m, d=d, kind=kind, rng=3, **kw)
    X = sparse_inputs(m=m, s=3, batch=4, rng=4)
    A = net.forward(X)
    pairs = all_pairs(m)
    dense = net.read(A)
    sub = net.read(A, pairs)
    for b in range(len(X)):
        loop = net.read_pair_loop(A[b], pairs)
        np.testing.assert_allclose(dense[b][pairs[:, 0], pairs[:, 1]], loop, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(sub[b], loop, rtol=1e-12, atol=1e-13)
        if kind == "bernoulli":
            sp = net.read_all_sparse(A[b]).toarray()
            np.testing.assert_allclose(sp[pairs[:, 0], pairs[:, 1]], loop, rtol=1e-12, atol=1e-13)
    assert np.all(np.tril(dense[0]) == 0)


def test_pairs_precomputed_readout_matches_and_counts():
    net = uand(m=30, d=400, p=0.2, pairs=[[0, 1], [2, 5]], rng=0)
    a = net.forward(sparse_inputs(m=30, s=2, batch=3, rng=1))
    np.testing.assert_allclose(net.read(a), net.read(a, [[0, 1], [2, 5]]))
    assert net.read(a).shape == (3, 2)
    assert net.n_params() == net.W.nnz + 400 + net.readout_matrix([[0, 1], [2, 5]]).nnz
    assert sps.issparse(net.W)


def test_random_kinds_unbiased_in_expectation_exactly_for_two_sparse():
    # Rademacher, s = 2: E over W of the read-off is exactly AND (gain g(0) = 1/2)
    m, d = 6, 200_000
    net = uand(m=m, d=d, kind="rademacher", s=2, rng=5)
    Y = net.read(net.forward(_all_sparse(m, 2)))
    truth = np.triu(np.einsum("bi,bj->bij", _all_sparse(m, 2), _all_sparse(m, 2)), 1)
    # variance per entry (s/2 - g^2 AND)/(d g^2) <= 4/d: 6 sd = 6 * 2/sqrt(d)
    assert np.abs(Y - truth).max() < 6 * 2 / np.sqrt(d)


def test_embedded_inputs_small_interference_is_exact_for_large_dim():
    m, d = 20, 20000
    E = embed_features(m=m, dim=20000, rng=0)
    G = E.F.T @ E.F
    assert np.allclose(np.diag(G), 1)
    net = uand(m=m, d=d, p=0.03, embedding=E, rng=1)
    X = _all_sparse(m, 2)
    Y = net.read(net.forward(X))
    truth = np.triu(np.einsum("bi,bj->bij", X, X), 1)
    assert np.array_equal(Y > 0.5, truth == 1)
    h = E.embed(X)
    np.testing.assert_allclose(net.forward_embedded(h), net.forward(X))


def test_embed_features_statistics():
    E = embed_features(m=400, dim=256, rng=0)
    G = E.F.T @ E.F
    off = G[~np.eye(400, dtype=bool)]
    # Var <f_i, f_j> = 1/dim exactly for random signs; the empirical variance of 159,600
    # (weakly dependent) entries is within 5% of it
    assert abs(off.var() * 256 - 1) < 0.05
    assert abs(off.mean()) < 5 / np.sqrt(len(off) / 256 * 256)
    assert embed_features(m=3, dim=4, kind="gaussian", rng=0).F.shape == (4, 3)


def test_large_sparse_case_runs():
    # the performance case, at reduced batch: m = 10,000 inputs, d = 2,000 neurons
    net = uand(m=10_000, d=2_000, p=0.02, rng=0)
    x = sparse_inputs(m=10_000, s=3, batch=1, rng=1)[0]
    a = net.forward(x)
    Y = net.read_all_sparse(a)
    act = np.flatnonzero(x)
    for i, j in itertools.combinations(act, 2):
        if net.coverage([[i, j]])[0]:
            assert Y.tocsr()[i, j] >= 1.0
    assert Y.shape == (10_000, 10_000)


@settings(max_examples=15)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(4, 30), s=st.integers(0, 4))
def test_reads_bounded_by_activation_range(seed, m, s):
    # a mean of activations max(c-1, 0) with c <= s: every read-off lies in [0, s-1]
    s = min(s, m)
    net = uand(m=m, d=200, p=0.3, rng=seed)
    Y = net.read(net.forward(sparse_inputs(m=m, s=s, batch=2, rng=seed)))
    assert Y.min() >= 0 and Y.max() <= max(s - 1, 0)


@pytest.mark.parametrize(
    "kwargs,err,match",
    [
        (dict(m=1, d=10), ValueError, "m must be"),
        (dict(m=5, d=0), ValueError, "d must be"),
        (dict(m=5, d=10, kind="binary"), ValueError, "kind"),
        (dict(m=5, d=10, p=1.5), ValueError, "p must be"),
        (dict(m=5, d=10, p=float("nan")), ValueError, "finite"),
        (dict(m=5, d=10, p="best"), ValueError, "p must be"),
        (dict(m=5, d=10, kind="gaussian", p=0.1), ValueError, "kind=.bernoulli. only"),
        (dict(m=5, d=10, kind="gaussian", fan_in=3), ValueError, "fan_in=2"),
        (dict(m=5, d=10, pairs=[[0, 7]]), ValueError, "pairs"),
        (dict(m=5, d=10, pairs=[[1, 1]]), ValueError, "distinct"),
        (dict(m=5, d=10, embedding="big"), TypeError, "embedding"),
        (dict(m=5, d=10, fan_in=6), ValueError, "fan_in"),
    ],
)
def test_bad_arguments(kwargs, err, match):
    with pytest.raises(err, match=match):
        uand(**kwargs)


def test_bad_forward_inputs():
    net = uand(m=5, d=10, p=0.5)
    with pytest.raises(ValueError, match="Boolean"):
        net.forward([0, 0.5, 0, 0, 0])
    with pytest.raises(ValueError, match="m=5"):
        net.forward([0, 1, 0])
    with pytest.raises(ValueError, match="d=10"):
        net.read(np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        net.read(np.full(10, np.inf))
    with pytest.raises(ValueError, match="embedding"):
        net.forward_embedded(np.zeros(4))


def test_paper_p_is_clipped_and_documented():
    assert uand(m=1000, d=500, p="paper").p == 1.0  # log^2(1000)/sqrt(500) > 1
    net = uand(m=50, d=10**6, p="paper", rng=0)
    assert abs(net.p - np.log(50) ** 2 / 1000) < 1e-15


def test_default_p_is_the_mse_optimal_one_as_in_the_cli():
    from theory.circuits import optimal_p

    net = uand(m=100, d=1000, rng=0)
    assert net.p == optimal_p(d=1000, s=2, fan_in=2) == uand(m=100, d=1000, p=None, rng=0).p
    # the papers' asymptotic p (0.67 here) gets far more pair ANDs wrong after rounding
    x = sparse_inputs(m=100, s=2, batch=200, rng=1)
    pairs = all_pairs(100)
    truth = np.array([[int(r[a] and r[b]) for a, b in pairs] for r in x])
    wrong = {}
    for p in ("paper", "optimal"):
        net = uand(m=100, d=1000, p=p, rng=0)
        wrong[p] = np.mean(np.round(net.read(net.forward(x), pairs)) != truth)
    assert 100 * wrong["optimal"] < wrong["paper"], wrong


@pytest.mark.parametrize("kind", ["rademacher", "gaussian", "bernoulli"])
def test_iter_all_pairs_matches_dense_read_off(kind):
    # the chunked all-pairs read-off equals the dense path on small m, for uneven blocks
    m, d = 70, 300
    net = uand(m=m, d=d, kind=kind, p=0.15 if kind == "bernoulli" else None, s=3, rng=1)
    x = sparse_inputs(m=m, s=3, batch=1, rng=2)[0]
    a = net.forward(x)
    dense = net.read(a)
    for block in (1, 16, 70, 500):
        blocks = list(net.iter_all_pairs(a, block=block))
        assert [b[0] for b in blocks] == list(range(0, m, block))
        np.testing.assert_allclose(np.concatenate([b[2] for b in blocks]), dense, atol=1e-12)
    with pytest.raises(ValueError, match="block"):
        next(net.iter_all_pairs(a, block=0))
    with pytest.raises(ValueError, match="entries"):
        next(net.iter_all_pairs(a[:-1]))


def test_iter_all_pairs_beyond_the_dense_limit():
    # m = 5000 > 4096: the dense read refuses, the chunked one streams; spot-check rows against
    # the per-pair loop (an independent implementation)
    m, d = 5000, 64
    net = uand(m=m, d=d, kind="rademacher", s=3, rng=0)
    x = np.zeros(m)
    x[[10, 2500, 4999]] = 1
    a = net.forward(x)
    with pytest.raises(ValueError, match="iter_all_pairs"):
        net.read(a)
    for i0, i1, Y in net.iter_all_pairs(a, block=2048):
        if i0 <= 10 < i1:
            js = np.array([2500, 4999, 11, 3000])
            pairs = np.stack([np.full(4, 10), js], axis=1)
            np.testing.assert_allclose(Y[10 - i0, js], net.read_pair_loop(a, pairs), atol=1e-12)
            assert np.all(Y[10 - i0, :11] == 0)
