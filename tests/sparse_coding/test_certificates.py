"""Identifiability certificates: unique recovery, spark, RIP uniqueness, thresholding and its witness.

Oracles independent of the code under test: exact coherence of ETFs (sympy), exact ranks of
integer matrices (sympy), brute-force enumeration of supports, and a small reference OMP.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from theory._results import Bound
from theory.geometry import paley_etf, simplex
from theory.sparse_coding.certificates import (
    Certificate,
    ThresholdingWitness,
    coherence_upper,
    rip_uniqueness_bound,
    spark_lower_bound,
    thresholding_condition,
    thresholding_witness,
    unique_recovery_bound,
)


def _omp(D: np.ndarray, y: np.ndarray, k: int) -> set[int]:
    """Textbook OMP (reference for the tests): k greedy steps with least-squares refits."""
    S: list[int] = []
    r = y.copy()
    for _ in range(k):
        c = np.abs(D.T @ r)
        c[S] = -1.0
        S.append(int(np.argmax(c)))
        coef, *_ = np.linalg.lstsq(D[:, S], y, rcond=None)
        r = y - D[:, S] @ coef
    return set(S)


def _exact_k(mu: sp.Expr, n: int) -> int:
    """Largest k >= 0 with k < (1 + 1/mu)/2, in exact arithmetic."""
    return int(min(n, sp.ceiling((1 + 1 / mu) / 2) - 1))


def _exact_spark(M: sp.Matrix) -> float:
    n = M.shape[1]
    for s in range(1, n + 1):
        for S in combinations(range(n), s):
            if M[:, list(S)].rank() < s:
                return s
    return math.inf


# ---------------------------------------------------------------------------- ETFs, exact mu

ETFS = [(f"simplex({d})", simplex(d), sp.Rational(1, d)) for d in range(2, 9)] + [
    (f"paley({q})", paley_etf(q), 1 / sp.sqrt(q)) for q in (5, 13, 17, 29)
]


@pytest.mark.parametrize(("name", "D", "mu"), ETFS, ids=[e[0] for e in ETFS])
def test_unique_recovery_on_etfs_matches_exact_mu(name, D, mu):
    c = unique_recovery_bound(D)
    assert isinstance(c, Certificate) and isinstance(c, Bound)
    assert c.value == _exact_k(mu, D.shape[1])
    assert c.rigorous and c.kind == "lower"
    # the rigorous coherence is an upper bound on the exact one, and close to it
    mu_hat, mu_up = coherence_upper(D)
    assert sp.Rational(mu_up) >= mu
    assert mu_up - float(mu) < 1e-12
    assert abs(mu_hat - float(mu)) < 1e-12


def test_strict_inequality_at_an_integer_threshold():
    # mu = 1/3 exactly: (1 + 3)/2 = 2 and k < 2, so k = 1 (not 2)
    assert unique_recovery_bound(simplex(3)).value == 1
    # mu = 1/5: (1 + 5)/2 = 3 -> k = 2; mu = 1/4: 5/2 -> k = 2
    assert unique_recovery_bound(simplex(5)).value == 2
    assert unique_recovery_bound(simplex(4)).value == 2


def test_orthonormal_and_parallel_atoms():
    c = unique_recovery_bound(np.eye(5))
    assert c.value == 5 and c.valid
    par = unique_recovery_bound(np.array([[1.0, 2.0], [0.0, 0.0]]))
    assert par.value == 0 and not par.valid
    assert "not valid" in str(par)


def test_normalises_columns():
    D = paley_etf(13) * np.linspace(0.5, 3.0, 14)
    assert unique_recovery_bound(D).value == unique_recovery_bound(paley_etf(13)).value


# ---------------------------------------------------------------------------- brute-force uniqueness


@settings(max_examples=30)
@given(dim=st.integers(2, 5), extra=st.integers(0, 3), seed=st.integers(0, 10**6))
def test_certified_k_gives_unique_representations(dim, extra, seed):
    rng = np.random.default_rng(seed)
    n = dim + extra
    D = rng.standard_normal((dim, n))
    D /= np.linalg.norm(D, axis=0)
    k = unique_recovery_bound(D).value
    for s in range(1, k + 1):
        # any two k-sparse codes with the same signal: D[:, S1 u S2] must have full column rank
        for S1 in combinations(range(n), s):
            for S2 in combinations(range(n), s):
                U = sorted(set(S1) | set(S2))
                assert np.linalg.svd(D[:, U], compute_uv=False)[-1] > 1e-10
    # and OMP recovers a random k-sparse code
    if k >= 1:
        S = rng.choice(n, size=k, replace=False)
        x = np.zeros(n)
        x[S] = rng.choice([-1, 1], size=k) * rng.uniform(0.5, 2.0, size=k)
        assert _omp(D, D @ x, k) == set(S.tolist())


# ---------------------------------------------------------------------------- spark


@pytest.mark.filterwarnings("ignore::theory._warnings.TheoryWarning")
@settings(max_examples=30)
@given(dim=st.integers(1, 4), n=st.integers(2, 6), entries=st.lists(st.integers(-2, 2), min_size=24, max_size=24))
def test_spark_against_exact_rank_of_integer_matrices(dim, n, entries):
    A = np.array(entries[: dim * n], dtype=float).reshape(dim, n)
    A[0, np.linalg.norm(A, axis=0) == 0] = 1.0  # no zero columns
    exact = _exact_spark(sp.Matrix(A.astype(int).tolist()))
    c = spark_lower_bound(A)
    assert c.rigorous and c.exact  # tiny: always enumerated to the end
    assert c.value == exact
    # the coherence bound alone is below it
    mu = float(c.certificate["mu_upper"])
    assert 1 + 1 / mu <= exact + 1e-9


@pytest.mark.parametrize(("name", "D", "mu"), ETFS[:5], ids=[e[0] for e in ETFS[:5]])
def test_spark_of_simplices_is_dim_plus_one(name, D, mu):
    c = spark_lower_bound(D)
    assert c.value == D.shape[0] + 1 and c.exact and c.rigorous


def test_spark_budget_gives_a_rigorous_lower_bound_only():
    D = np.random.default_rng(0).standard_normal((8, 16))
    full = spark_lower_bound(D)
    assert full.value == 9 and full.exact  # generic: spark = dim + 1
    cheap = spark_lower_bound(D, max_supports=0)
    assert not cheap.exact and 2 <= cheap.value <= 9
    mid = spark_lower_bound(D, max_supports=math.comb(16, 2) + math.comb(16, 3) + 10)
    assert not mid.exact and cheap.value <= mid.value <= 9
    assert "budget" in mid.certificate.get("stopped", "")


def test_spark_independent_columns_is_infinite():
    c = spark_lower_bound(np.eye(4)[:, :3] + 0.1)
    assert c.value == math.inf and c.exact


def test_rip_uniqueness_agrees_with_spark():
    rng = np.random.default_rng(3)
    for dim, n in [(4, 6), (6, 8), (5, 5)]:
        D = rng.standard_normal((dim, n))
        c = rip_uniqueness_bound(D)
        sp_ = spark_lower_bound(D)
        assert c.rigorous and 2 * c.value < sp_.value
        assert c.value == min(n, dim) // 2  # generic frames: spark = dim + 1
    D = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]])  # spark 3
    assert rip_uniqueness_bound(D).value == 1
    assert rip_uniqueness_bound(simplex(3), k_max=1).value == 1


def test_rip_uniqueness_through_the_sdp_certificate():
    D = np.random.default_rng(5).standard_normal((6, 8))
    exact = rip_uniqueness_bound(D)
    sdp = rip_uniqueness_bound(D, max_supports=1)  # forces the SDP path of rip_constant
    assert sdp.rigorous and sdp.value <= exact.value
    assert all(v > 0 for k, v in sdp.certificate["lambda_min_lower"].items() if k <= 2 * sdp.value)


# ---------------------------------------------------------------------------- thresholding


def test_thresholding_condition_values():
    c = thresholding_condition(paley_etf(13), k=2)
    assert abs(c.value - 3 / math.sqrt(13)) < 1e-12 and c.valid and c.kind == "upper"
    assert not thresholding_condition(paley_etf(13), k=3).valid
    # mu = 1/3, k = 2: (2k - 1) mu = 1 exactly -> not satisfiable (strict)
    assert not thresholding_condition(simplex(3), k=2).valid
    assert thresholding_condition(np.eye(3), k=3).valid
    c = thresholding_condition(simplex(4), k=2, nonnegative=True)
    # simplex cosines are all -1/4: mu_+ = 0, mu_- = 1/4 -> signed threshold (k-1)/4
    assert abs(c.certificate["signed"] - 0.25) < 1e-12
    assert c.certificate["sharp"] <= c.value


@settings(max_examples=40)
@given(seed=st.integers(0, 10**6), k=st.integers(1, 2), nonneg=st.booleans(), data=st.data())
def test_thresholding_recovers_codes_meeting_the_condition(seed, k, nonneg, data):
    D = paley_etf(13)
    c = thresholding_condition(D, k=k, nonnegative=nonneg)
    assert c.valid
    rng = np.random.default_rng(seed)
    ratio = data.draw(st.floats(min_value=c.value * (1 + 1e-9), max_value=1.0))
    S = rng.choice(D.shape[1], size=k, replace=False)
    mags = rng.uniform(ratio, 1.0, size=k)
    mags[0], mags[-1] = ratio, 1.0
    if k == 1:
        mags[0] = 1.0
    signs = np.ones(k) if nonneg else rng.choice([-1.0, 1.0], size=k)
    x = np.zeros(D.shape[1])
    x[S] = signs * mags
    corr = D.T @ (D @ x)
    score = corr if nonneg else np.abs(corr)
    assert set(np.argsort(-score)[:k].tolist()) == set(S.tolist())


@pytest.mark.parametrize(("k", "mu"), [(2, 0.2), (2, 0.3), (3, 0.1), (4, 0.05), (5, 0.1)])
def test_witness_fails_thresholding_but_not_omp(k, mu):
    w = thresholding_witness(k=k, mu=mu)
    assert isinstance(w, ThresholdingWitness)
    D = w.dictionary
    G = D.T @ D
    assert np.allclose(np.diag(G), 1.0)
    off = np.abs(G - np.eye(k + 1))
    assert abs(off.max() - mu) < 1e-12  # coherence exactly mu
    assert w.ratio < w.sharp <= w.bound  # just past the condition
    assert w.fails  # thresholding misses atom 1
    corr = D.T @ w.signal
    assert corr[0] > corr[1]  # independent recomputation
    assert _omp(D, w.signal, k) == set(w.support)  # OMP succeeds
    assert unique_recovery_bound(D).value >= k  # as coherence guarantees
    # the condition certificate on the witness is (2k - 1) mu and valid
    c = thresholding_condition(D, k=k)
    assert c.valid and abs(c.value - (2 * k - 1) * mu) < 1e-12
    # just above the sharp ratio, thresholding succeeds; exactly at it, a tie (equality)
    assert not thresholding_witness(k=k, mu=mu, ratio=min(1.0, w.sharp * 1.001)).fails
    t = thresholding_witness(k=k, mu=mu, ratio=w.sharp)
    cor = t.dictionary.T @ t.signal
    assert abs(cor[0] - cor[1]) < 1e-12


def test_witness_str_and_repr_are_short():
    w = thresholding_witness(k=3, mu=0.1)
    assert "fails" in str(w) and len(repr(w)) < 400


def test_certificate_str_marks_numerical_values():
    c = Certificate(3, "x", "cite", quantity="k", rigorous=False)
    assert "numerical, not proven" in str(c)
    assert "rigorous" in str(unique_recovery_bound(simplex(4)))
    assert "exact" in str(spark_lower_bound(simplex(4)))
    assert float(unique_recovery_bound(np.eye(3))) == 3.0


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "bad",
    [
        np.array([[1.0, 0.0], [0.0, 0.0]]),  # zero column
        np.array([[1.0, np.nan], [0.0, 1.0]]),  # NaN
        np.array([[1.0], [0.0]]),  # one atom
        np.ones(3),  # 1-D
    ],
)
def test_bad_dictionaries(bad):
    for f in (unique_recovery_bound, spark_lower_bound, lambda D: thresholding_condition(D, k=1)):
        with pytest.raises(ValueError):
            f(bad)


def test_bad_arguments():
    D = paley_etf(5)
    with pytest.raises(TypeError):
        thresholding_condition(D, k=True)
    with pytest.raises(ValueError, match="k must be"):
        thresholding_condition(D, k=0)
    with pytest.raises(ValueError, match="k must be"):
        thresholding_condition(D, k=7)
    with pytest.raises(TypeError, match="nonnegative"):
        thresholding_condition(D, k=1, nonnegative="yes")
    with pytest.raises(ValueError, match="max_supports"):
        spark_lower_bound(D, max_supports=-1)
    with pytest.raises(ValueError, match="mu must satisfy"):
        thresholding_witness(k=3, mu=0.2)
    with pytest.raises(ValueError, match="k must be"):
        thresholding_witness(k=1, mu=0.1)
    with pytest.raises(ValueError, match="ratio"):
        thresholding_witness(k=2, mu=0.1, ratio=1.5)
    with pytest.raises(ValueError, match="mu"):
        thresholding_witness(k=2, mu=float("nan"))
    with pytest.raises(TypeError):
        unique_recovery_bound("abc")


def test_streaming_path_for_large_dictionaries(monkeypatch):
    import theory.sparse_coding.certificates as cert

    D = np.random.default_rng(9).standard_normal((6, 40))
    dense = cert.coherence_upper(D)
    dense_thr = cert.thresholding_condition(D, k=2, nonnegative=True)
    monkeypatch.setattr(cert, "_DENSE_MAX_N", 10)
    streamed = cert.coherence_upper(D)
    assert abs(dense[0] - streamed[0]) < 1e-14
    thr = cert.thresholding_condition(D, k=2, nonnegative=True)
    G = (D / np.linalg.norm(D, axis=0)).T @ (D / np.linalg.norm(D, axis=0))
    np.fill_diagonal(G, 0.0)
    assert abs(thr.certificate["mu_plus"] - G.max()) < 1e-12
    assert abs(thr.certificate["mu_minus"] + G.min()) < 1e-12
    assert abs(thr.certificate["signed"] - dense_thr.certificate["signed"]) < 1e-12


@pytest.mark.parametrize(("k", "mu"), [(2, 0.2), (3, 0.1), (5, 0.1)])
def test_witness_with_the_library_encoders(k, mu):
    inference = pytest.importorskip("theory.sparse_coding.inference")
    w = thresholding_witness(k=k, mu=mu)
    y = w.signal[None, :]
    omp_codes = np.asarray(inference.omp(w.dictionary, y, k=k))
    assert set(np.flatnonzero(omp_codes[0]).tolist()) == set(w.support)
    assert np.allclose(omp_codes[0], w.code, atol=1e-10)
    thr = np.asarray(inference.threshold_encode(w.dictionary, y, k=k, nonneg=True))
    assert set(np.flatnonzero(thr[0]).tolist()) == set(w.thresholded) != set(w.support)
    ok = thresholding_witness(k=k, mu=mu, ratio=min(1.0, 1.01 * w.sharp))
    thr_ok = np.asarray(inference.threshold_encode(ok.dictionary, ok.signal[None, :], k=k, nonneg=True))
    assert set(np.flatnonzero(thr_ok[0]).tolist()) == set(ok.support)
