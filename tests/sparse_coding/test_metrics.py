"""Tests for theory.sparse_coding.metrics: recovery metrics against ground truth.

Oracles: brute force over all injective assignments, scikit-learn's precision/recall/F1 and R²,
NumPy's ``corrcoef``, direct (unblocked) formulas, hand-computed cases.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics import precision_recall_fscore_support, r2_score

from theory._warnings import TheoryWarning
from theory.sparse_coding.metrics import (
    AbsorptionScores,
    DetectionScores,
    LatentActivity,
    Matching,
    RecoveryScores,
    absorption_gap,
    code_mcc,
    dead_latents,
    dense_latents,
    detection_scores,
    explained_variance,
    match_features,
    mcc,
    mmcs,
    pairwise_mcc,
    score_all,
    shrinkage,
    uniqueness,
)

# ----------------------------------------------------------------------------------------------
# helpers and oracles
# ----------------------------------------------------------------------------------------------


def unit(D):
    return D / np.linalg.norm(D, axis=0)


def random_dict(dim, n, seed):
    return unit(np.random.default_rng(seed).standard_normal((dim, n)))


def abs_cos(L, T):
    Ln = L / np.where(np.linalg.norm(L, axis=0) > 0, np.linalg.norm(L, axis=0), 1)
    return np.abs(Ln.T @ unit(T))


def brute_force_total(S):
    """Max total over all injective matchings of the smaller side into the larger one."""
    S = np.asarray(S)
    if S.shape[0] > S.shape[1]:
        S = S.T
    r, c = S.shape
    return max(sum(S[i, p[i]] for i in range(r)) for p in itertools.permutations(range(c), r))


def greedy_total(S):
    S = np.array(S, dtype=float)
    total = 0.0
    for _ in range(min(S.shape)):
        i, j = np.unravel_index(np.argmax(S), S.shape)
        total += S[i, j]
        S[i, :] = -np.inf
        S[:, j] = -np.inf
    return total


def random_codes(batch, n, p, seed):
    rng = np.random.default_rng(seed)
    return (rng.random((batch, n)) < p) * rng.uniform(0.5, 2.0, (batch, n))


small_matrices = hnp.arrays(
    np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)), elements=st.floats(0, 1, allow_nan=False, width=32)
)


# ----------------------------------------------------------------------------------------------
# matching
# ----------------------------------------------------------------------------------------------


def test_greedy_is_not_optimal_hungarian_is():
    S = [[0.9, 0.8], [0.8, 0.0]]
    assert greedy_total(S) == pytest.approx(0.9)
    m = match_features(similarity=S)
    assert m.total == pytest.approx(1.6)
    assert m.mean == pytest.approx(0.8)
    assert m.rows.tolist() == [0, 1] and m.cols.tolist() == [1, 0]


@settings(max_examples=60)
@given(small_matrices)
def test_matching_equals_brute_force(S):
    m = match_features(similarity=S)
    assert m.total == pytest.approx(brute_force_total(S), abs=1e-9)
    assert m.rows.size == min(S.shape)
    assert len(set(m.rows.tolist())) == m.rows.size and len(set(m.cols.tolist())) == m.cols.size
    assert np.allclose(m.similarity, S[m.rows, m.cols])
    assert np.all(np.diff(m.rows) > 0)


@settings(max_examples=30)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 10**6))
def test_dictionary_matching_equals_brute_force(width, n, seed):
    rng = np.random.default_rng(seed)
    L, T = rng.standard_normal((3, width)), rng.standard_normal((3, n))
    m = match_features(L, T)
    assert m.total == pytest.approx(brute_force_total(abs_cos(L, T)), abs=1e-9)
    assert mcc(L, T) == pytest.approx(m.total / min(width, n))
    assert (m.width, m.n) == (width, n)
    f2l, l2f = m.feature_to_latent, m.latent_to_feature
    assert all(f2l[l2f[j]] == j for j in range(width) if l2f[j] >= 0)


def test_matching_wide_and_tall_agree():
    L, T = random_dict(6, 9, 1), random_dict(6, 4, 2)
    wide, tall = match_features(L, T), match_features(T, L)
    assert wide.total == pytest.approx(tall.total)
    pairs_wide = sorted(zip(wide.rows.tolist(), wide.cols.tolist(), strict=True))
    pairs_tall = sorted(zip(tall.cols.tolist(), tall.rows.tolist(), strict=True))
    assert pairs_wide == pairs_tall
    assert pairwise_mcc(L, T) == pytest.approx(pairwise_mcc(T, L))


def test_matching_str_and_repr_are_short():
    m = match_features(random_dict(8, 50, 0), random_dict(8, 50, 1))
    assert len(repr(m)) < 200 and "pairs" in str(m)


# ----------------------------------------------------------------------------------------------
# perfect recovery and invariances
# ----------------------------------------------------------------------------------------------


def test_perfect_recovery_gives_one():
    T = random_dict(16, 40, 0)
    codes = random_codes(500, 40, 0.1, 1)
    x = codes @ T.T
    assert mcc(T, T) == pytest.approx(1.0)
    assert mmcs(T, T) == pytest.approx(1.0)
    assert uniqueness(T, T) == 1.0
    assert pairwise_mcc(T, T) == pytest.approx(1.0)
    assert code_mcc(codes, codes) == pytest.approx(1.0)
    d = detection_scores(codes, codes, learned=T, true=T)
    assert d.mean_f1 == d.mean_precision == d.mean_recall == d.mean_accuracy == 1.0
    assert explained_variance(x, x) == 1.0
    assert shrinkage(x, x) == pytest.approx(1.0)
    s = score_all(T, T)
    assert (s.mcc, s.mmcs, s.uniqueness) == pytest.approx((1.0, 1.0, 1.0))


@settings(max_examples=25)
@given(st.integers(0, 10**6), st.integers(2, 12), st.integers(2, 12))
def test_invariant_to_permutation_sign_and_scale_of_latents(seed, width, n):
    rng = np.random.default_rng(seed)
    T = random_dict(5, n, seed)
    L = rng.standard_normal((5, width))
    codes_l = random_codes(60, width, 0.3, seed + 1)
    codes_t = random_codes(60, n, 0.3, seed + 2)
    perm = rng.permutation(width)
    signs = rng.choice([-1.0, 1.0], width)
    scale = rng.uniform(0.1, 10.0, width)
    L2 = L[:, perm] * signs * scale
    codes_l2 = codes_l[:, perm] * signs / scale
    base = score_all(L, T)
    moved = score_all(L2, T)
    assert moved.mcc == pytest.approx(base.mcc, abs=1e-12)
    assert moved.mmcs == pytest.approx(base.mmcs, abs=1e-12)
    assert mcc(L2, T) == pytest.approx(mcc(L, T), abs=1e-12)
    assert mmcs(L2, T) == pytest.approx(mmcs(L, T), abs=1e-12)
    assert code_mcc(codes_l2, codes_t) == pytest.approx(code_mcc(codes_l, codes_t), abs=1e-9)
    # true features permuted too
    tperm = rng.permutation(n)
    assert mcc(L, T[:, tperm]) == pytest.approx(base.mcc, abs=1e-12)
    # uniqueness and detection: invariant under a permutation (ties aside: generic data has none)
    assert uniqueness(L2, T) == pytest.approx(uniqueness(L, T))
    d1 = detection_scores(codes_l, codes_t, learned=L, true=T)
    d2 = detection_scores(codes_l2, codes_t, learned=L2, true=T)
    assert np.allclose(d2.f1, d1.f1[perm]) and np.allclose(d2.precision, d1.precision[perm])


# ----------------------------------------------------------------------------------------------
# mmcs, uniqueness, score_all
# ----------------------------------------------------------------------------------------------


@settings(max_examples=25)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(0, 10**6))
def test_mmcs_and_uniqueness_match_direct_formulas(width, n, seed):
    rng = np.random.default_rng(seed)
    L, T = rng.standard_normal((4, width)), rng.standard_normal((4, n))
    C = abs_cos(L, T)
    assert mmcs(L, T) == pytest.approx(C.max(axis=0).mean())
    assert uniqueness(L, T) == pytest.approx(len(set(C.argmax(axis=1).tolist())) / width)
    s = score_all(L, T)
    assert isinstance(s, RecoveryScores) and isinstance(s.matching, Matching)
    assert (s.mcc, s.mmcs, s.uniqueness) == pytest.approx((mcc(L, T), mmcs(L, T), uniqueness(L, T)))


@settings(max_examples=20)
@given(st.integers(1, 12), st.integers(1, 6), st.integers(0, 10**6))
def test_duplicates_have_uniqueness_one_over_width(width, n, seed):
    T = random_dict(6, n, seed)
    atom = T[:, [seed % n]] + 0.01 * random_dict(6, 1, seed + 1)
    L = np.tile(atom, (1, width)) * np.random.default_rng(seed).choice([-1.0, 2.0], width)
    assert uniqueness(L, T) == pytest.approx(1.0 / width)
    assert score_all(L, T).uniqueness == pytest.approx(1.0 / width)


def test_uniqueness_is_not_one_to_one():
    # a one-to-one matching would give every latent a distinct feature: uniqueness 1
    T = np.eye(3)
    L = np.array([[1.0, 1.0, 0.0], [0.1, 0.0, 0.0], [0.0, 0.1, 1.0]])
    assert uniqueness(L, T) == pytest.approx(2 / 3)
    assert match_features(L, T).rows.size == 3


def test_dead_latent_with_zero_decoder_column():
    T = np.eye(3)
    L = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])  # latent 1 is all zero
    m = match_features(L, T)
    assert m.similarity.tolist().count(0.0) == 1
    assert mcc(L, T) == pytest.approx(2 / 3)
    assert mmcs(L, T) == pytest.approx(2 / 3)
    assert uniqueness(L, T) == pytest.approx(2 / 3)  # the zero column has no best match
    s = score_all(L, T)
    assert s.uniqueness == pytest.approx(2 / 3)
    codes = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    d = detection_scores(codes, codes, learned=L, true=T)
    assert d.feature.tolist() == [0, -1, 1]
    assert d.f1[1] == 0.0 and d.precision[1] == 0.0
    assert pairwise_mcc(L, L) == pytest.approx(2 / 3)


# ----------------------------------------------------------------------------------------------
# detection scores
# ----------------------------------------------------------------------------------------------


def sklearn_detection(codes_l, codes_t, feature):
    out = []
    for j, f in enumerate(feature):
        y_pred = codes_l[:, j] != 0
        y_true = codes_t[:, f] != 0 if f >= 0 else np.zeros_like(y_pred)
        p, r, f1, _ = precision_recall_fscore_support(y_true, y_pred, average="binary", zero_division=0)
        out.append((p, r, f1))
    return np.array(out)


@settings(max_examples=20)
@given(st.integers(0, 10**6), st.integers(2, 10), st.integers(2, 10))
def test_detection_matches_sklearn(seed, width, n):
    rng = np.random.default_rng(seed)
    L, T = rng.standard_normal((4, width)), rng.standard_normal((4, n))
    codes_l = random_codes(50, width, 0.3, seed + 1)
    codes_l[:, 0] = 0.0  # a dead latent
    codes_t = random_codes(50, n, 0.3, seed + 2)
    d = detection_scores(codes_l, codes_t, learned=L, true=T)
    assert d.assignment == "argmax"
    assert np.array_equal(d.feature, abs_cos(L, T).argmax(axis=1))
    ref = sklearn_detection(codes_l, codes_t, d.feature)
    assert np.allclose(np.c_[d.precision, d.recall, d.f1], ref)
    assert d.mean_f1 == pytest.approx(ref[:, 2].mean())
    assert np.all(d.tp + d.fp + d.fn + d.tn == 50)
    # one-to-one matching: unmatched latents score 0
    m = match_features(L, T)
    dm = detection_scores(codes_l, codes_t, m)
    assert dm.assignment == "matching"
    ref = sklearn_detection(codes_l, codes_t, m.latent_to_feature)
    assert np.allclose(np.c_[dm.precision, dm.recall, dm.f1], ref)
    # sparse input gives the same numbers
    ds = detection_scores(sp.csr_matrix(codes_l), sp.csc_array(codes_t), learned=L, true=T)
    assert np.array_equal(ds.tp, d.tp) and np.array_equal(ds.f1, d.f1)


def test_dead_latents_count_against_precision():
    T = np.eye(2)
    codes_t = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    alive = detection_scores(codes_t, codes_t, learned=T, true=T)
    dead = codes_t.copy()
    dead[:, 1] = 0.0
    d = detection_scores(dead, codes_t, learned=T, true=T)
    assert d.precision[1] == 0.0 and d.recall[1] == 0.0 and d.f1[1] == 0.0
    assert d.mean_precision == pytest.approx(0.5)
    assert alive.mean_precision == 1.0
    assert d.fn[1] == 2 and d.tp[1] == 0


def test_detection_needs_a_pairing():
    codes = np.ones((3, 2))
    with pytest.raises(ValueError, match="dictionaries"):
        detection_scores(codes, codes)
    m = match_features(similarity=np.eye(2))
    with pytest.raises(ValueError, match="not both"):
        detection_scores(codes, codes, m, learned=np.eye(2), true=np.eye(2))
    with pytest.raises(ValueError, match="matching is for"):
        detection_scores(np.ones((3, 3)), codes, m)
    with pytest.raises(TypeError, match="Matching"):
        detection_scores(codes, codes, "argmax")


# ----------------------------------------------------------------------------------------------
# code_mcc
# ----------------------------------------------------------------------------------------------


@settings(max_examples=25)
@given(st.integers(0, 10**6), st.integers(1, 5), st.integers(1, 5))
def test_code_mcc_matches_corrcoef_brute_force(seed, width, n):
    codes_l = random_codes(40, width, 0.5, seed)
    codes_t = random_codes(40, n, 0.5, seed + 1)
    R = np.corrcoef(codes_l.T, codes_t.T)[:width, width:]
    R = np.nan_to_num(np.abs(R))  # constant columns -> 0
    expected = brute_force_total(R) / min(width, n)
    assert code_mcc(codes_l, codes_t) == pytest.approx(expected, abs=1e-9)
    assert code_mcc(sp.csr_matrix(codes_l), codes_t) == pytest.approx(expected, abs=1e-9)
    assert code_mcc(codes_l, sp.csr_array(codes_t)) == pytest.approx(expected, abs=1e-9)
    assert code_mcc(sp.coo_matrix(codes_l), sp.csr_array(codes_t)) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=30)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(2, 6), st.integers(1, 4)),
        elements=st.sampled_from([0.0, 0.0, 1.0, 2.5, -1.0, 1e-300, 1e300]),
    ),
    hnp.arrays(
        np.float64, st.tuples(st.just(6), st.integers(1, 4)), elements=st.sampled_from([0.0, 0.0, 1.0, 3.0, 7.0])
    ),
)
def test_code_mcc_never_nan(a, b):
    b = b[: a.shape[0]]
    value = code_mcc(a, b)
    assert np.isfinite(value) and 0.0 <= value <= 1.0


def test_code_mcc_constant_columns_are_zero():
    t = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0], [0.0, 1.0]])
    assert code_mcc(np.zeros((4, 2)), t) == 0.0
    assert code_mcc(np.full((4, 2), 0.1), t) == 0.0  # constant but nonzero, with rounding
    half = np.c_[t[:, 0], np.full(4, 5.0)]
    assert code_mcc(half, t) == pytest.approx(0.5)


def test_code_mcc_with_dictionary_matching():
    rng = np.random.default_rng(0)
    T = random_dict(8, 6, 0)
    codes = random_codes(200, 6, 0.3, 1)
    perm = rng.permutation(6)
    m = match_features(T[:, perm], T)
    assert code_mcc(codes[:, perm], codes, matching=m) == pytest.approx(1.0)
    wrong = match_features(similarity=np.eye(6))
    assert code_mcc(codes[:, perm], codes, matching=wrong) < 0.5


# ----------------------------------------------------------------------------------------------
# reconstruction, activity, absorption
# ----------------------------------------------------------------------------------------------


@settings(max_examples=25)
@given(st.integers(0, 10**6), st.integers(2, 30), st.integers(1, 6))
def test_explained_variance_is_pooled_r2(seed, batch, dim):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, dim))
    x_hat = x + 0.3 * rng.standard_normal((batch, dim))
    assert explained_variance(x, x_hat) == pytest.approx(r2_score(x, x_hat, multioutput="variance_weighted"))


def test_shrinkage_skips_zero_samples():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [0.0, 2.0]])
    x_hat = np.array([[1.5, 2.0], [5.0, 5.0], [0.0, 2.0]])
    assert shrinkage(x, x_hat) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="undefined"):
        shrinkage(np.zeros((2, 2)), np.ones((2, 2)))


def test_dead_and_dense_latents():
    z = np.array([[0.0, 1.0, 0.0, 5.0], [0.0, 2.0, 1e-9, 5.0], [0.0, 0.0, 0.0, 5.0], [0.0, 0.0, 0.0, 0.0]])
    d = dead_latents(z)
    assert isinstance(d, LatentActivity) and d.indices.tolist() == [0] and d.fraction == 0.25
    assert dead_latents(z, threshold=1e-6).indices.tolist() == [0, 2]
    assert np.allclose(d.firing_rate, [0.0, 0.5, 0.25, 0.75])
    dense = dense_latents(z, threshold=0.5)
    assert dense.indices.tolist() == [3] and dense.kind == "dense"
    zs = sp.csr_matrix(z)
    zs.data[:] = np.where(zs.data == 1e-9, 0.0, zs.data)  # an explicit stored zero
    assert dead_latents(zs).indices.tolist() == [0, 2]
    assert dead_latents(sp.csr_matrix(z), threshold=1e-6).indices.tolist() == [0, 2]
    assert np.allclose(dense_latents(sp.csc_matrix(z), threshold=0.5).firing_rate, dense.firing_rate)
    assert dead_latents(z.astype(np.float32)).indices.tolist() == [0]
    assert dead_latents((z != 0).astype(np.int8)).indices.tolist() == [0]
    assert "dead latents: 1 of 4" in str(d)


def hierarchy_data(batch=4000, seed=0):
    """Parent 0 with children 1, 2 (mutually exclusive, fire only with the parent); feature 3 free."""
    rng = np.random.default_rng(seed)
    parent = rng.random(batch) < 0.4
    which = rng.integers(0, 3, batch)  # 0: no child, 1: child 1, 2: child 2
    t = np.zeros((batch, 4))
    t[:, 0] = parent
    t[:, 1] = parent & (which == 1)
    t[:, 2] = parent & (which == 2)
    t[:, 3] = rng.random(batch) < 0.2
    return t


def test_absorption_gap_detects_absorption():
    t = hierarchy_data()
    T = np.eye(4)
    clean = absorption_gap(t, t, [[0, 1], [0, 2]], learned=T, true=T)
    assert isinstance(clean, AbsorptionScores)
    assert clean.mean_gap == 0.0 and clean.defined.all()
    assert np.allclose(clean.recall_with_child, 1.0)
    # the parent's latent is silent whenever child 1 fires: child 1's latent absorbed it
    absorbed = t.copy()
    absorbed[t[:, 1] == 1, 0] = 0.0
    s = absorption_gap(absorbed, t, [[0, 1], [0, 2]], learned=T, true=T)
    assert s.recall_with_child.tolist() == [0.0, 1.0]
    assert s.recall_without_child[0] == pytest.approx(1.0)
    # without child 2 includes the samples of its sibling, child 1, where the latent is silent
    n1, n_not2 = t[:, 1].sum(), (t[:, 0] * (1 - t[:, 2])).sum()
    assert s.recall_without_child[1] == pytest.approx(1 - n1 / n_not2)
    assert s.gap.tolist() == pytest.approx([1.0, -n1 / n_not2])
    assert s.mean_gap == pytest.approx((1.0 - n1 / n_not2) / 2)
    n_par = int(t[:, 0].sum())
    assert int(s.n_with_child[0] + s.n_without_child[0]) == n_par
    # same through a Matching and with sparse codes
    m = match_features(T, T)
    s2 = absorption_gap(sp.csr_matrix(absorbed), sp.csr_matrix(t), np.array([[0, 1], [0, 2]]), m)
    assert np.allclose(s2.gap, s.gap)


def test_absorption_gap_undefined_pairs():
    t = hierarchy_data()
    t[:, 2] = 0.0  # child 2 never fires: undefined
    s = absorption_gap(t, t, [[0, 1], [0, 2]], learned=np.eye(4), true=np.eye(4))
    assert s.defined.tolist() == [True, False] and np.isnan(s.gap[1]) and s.mean_gap == 0.0
    with pytest.warns(TheoryWarning, match="no pair is defined"):
        s = absorption_gap(t, t, [[0, 2]], learned=np.eye(4), true=np.eye(4))
    assert np.isnan(s.mean_gap)
    # unmatched parent (a one-latent dictionary matched to feature 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TheoryWarning)
        s = absorption_gap(t[:, [3]], t, [[0, 1]], learned=np.eye(4)[:, [3]], true=np.eye(4))
    assert s.latent.tolist() == [-1] and not s.defined.any()


def test_absorption_gap_bad_pairs():
    t = hierarchy_data(50)
    kw = dict(learned=np.eye(4), true=np.eye(4))
    with pytest.raises(ValueError, match="shape"):
        absorption_gap(t, t, [[0, 1, 2]], **kw)
    with pytest.raises(ValueError, match=r"\[0, 3\]"):
        absorption_gap(t, t, [[0, 4]], **kw)
    with pytest.raises(ValueError, match="parent != child"):
        absorption_gap(t, t, [[1, 1]], **kw)
    with pytest.raises(TypeError, match="integer"):
        absorption_gap(t, t, [[0.0, 1.0]], **kw)


# ----------------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------------


def test_bad_dictionaries():
    T = np.eye(3)
    with pytest.raises(ValueError, match="zero column"):
        mcc(T, np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="transposed"):
        mcc(np.ones((5, 3)), T)
    with pytest.raises(ValueError, match="same number of rows"):
        mcc(np.ones((4, 5)), T)
    with pytest.raises(ValueError, match="finite"):
        mcc(np.array([[np.nan, 1.0], [0.0, 1.0], [0.0, 0.0]]), T)
    with pytest.raises(ValueError, match="2-dimensional"):
        uniqueness(np.ones(3), T)
    with pytest.raises(TypeError, match="real"):
        mmcs(T * 1j, T)
    with pytest.raises(ValueError, match="not both"):
        match_features(T, T, similarity=T)
    with pytest.raises(ValueError, match="needs the dictionaries"):
        match_features(T)
    with pytest.raises(ValueError, match="finite"):
        match_features(similarity=[[np.inf]])


def test_memory_refused_before_allocating():
    big = np.ones((1, 70_000))
    with pytest.raises(ValueError, match="limit 4 GiB"):
        mcc(big, big)


def test_bad_codes():
    c = np.ones((4, 2))
    with pytest.raises(ValueError, match="same batch"):
        code_mcc(c, np.ones((5, 2)))
    with pytest.raises(ValueError, match="finite"):
        code_mcc(np.array([[np.nan, 1.0], [1.0, 2.0]]), c[:2])
    with pytest.raises(ValueError, match="finite"):
        code_mcc(sp.csr_matrix(np.array([[np.inf, 1.0], [1.0, 2.0]])), c[:2])
    with pytest.raises(TypeError, match="boolean"):
        dead_latents(c > 0)
    with pytest.raises(ValueError, match="2-dimensional"):
        dead_latents(np.ones(3))
    with pytest.raises(ValueError, match="at least 2 samples"):
        code_mcc(c[:1], c[:1])
    with pytest.raises(ValueError, match="but the codes have 3"):
        detection_scores(np.ones((4, 3)), c, learned=np.eye(2), true=np.eye(2))
    with pytest.raises(ValueError, match="threshold"):
        dense_latents(c, threshold=1.0)
    with pytest.raises(ValueError, match="threshold"):
        dead_latents(c, threshold=-1.0)
    with pytest.raises(TypeError, match="threshold"):
        dead_latents(c, threshold=True)


def test_bad_reconstructions():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="same shape"):
        explained_variance(x, x[:1])
    with pytest.raises(ValueError, match="zero variance"):
        explained_variance(np.ones((3, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="finite"):
        shrinkage(x, np.array([[np.nan, 1.0], [1.0, 1.0]]))


def test_results_print_briefly():
    T = random_dict(6, 30, 0)
    codes = random_codes(100, 30, 0.2, 0)
    for obj in (
        score_all(T, T),
        detection_scores(codes, codes, learned=T, true=T),
        dead_latents(codes),
        absorption_gap(codes, codes, [[0, 1]], learned=T, true=T),
    ):
        assert len(repr(obj)) < 400 and len(str(obj)) < 200
    assert isinstance(detection_scores(codes, codes, learned=T, true=T), DetectionScores)
