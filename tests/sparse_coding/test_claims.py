"""Tests of the sparse-coding claims: consistent where true, refuted in their false versions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import hadamard

from theory.geometry import coherence
from theory.sparse_coding import omp, threshold_encode, thresholding_witness, unique_recovery_bound
from theory.sparse_coding.claims import (
    adversarial_codes,
    claim_frame,
    claims,
    coherence_recovery_claim,
    er_spud_claim,
    thresholding_condition_claim,
    thresholding_sharp_claim,
    thresholding_sharp_indicator,
    thresholding_support_errors,
)
from theory.verify.check import check
from theory.verify.claim import Claim


def test_claims_are_well_formed():
    cs = claims()
    ids = [c.id for c in cs]
    assert ids[:4] == [
        "sparse_coding.coherence_recovery",
        "sparse_coding.thresholding_condition",
        "sparse_coding.thresholding_sharp",
        "sparse_coding.er_spud",
    ]
    assert len(set(ids)) == len(ids) and all(i.startswith("sparse_coding.") for i in ids)
    for c in cs:
        assert isinstance(c, Claim)
        assert c.tags[0] == "sparse_coding"
        assert c.statement and c.citation and c.quantity and c.domain
        for p in c.params + tuple(c.quick_params or ()):
            c.validate(p)  # every parameter set is inside the claim's domain
    assert not cs[0].figure  # claims name figures by key only; none here


@pytest.mark.parametrize("claim", claims(), ids=lambda c: c.id)
def test_each_claim_consistent_on_quick_params(claim):
    trials = min(claim.n_trials(quick=True), 3)  # the claim's own quick run uses a few more
    for p in claim.parameter_sets(quick=True):
        v = check(claim, p, trials=trials, rng=0)
        assert v.status == "consistent", (claim.id, p, v.message)


def test_coherence_recovery_is_measured_at_the_tight_sparsity():
    # simplex dim 5: mu = 1/5, (1 + 1/mu)/2 = 3 exactly, so the certified k is 2
    c = coherence_recovery_claim()
    v = check(c, {"frame": "simplex", "dim": 5}, trials=3, rng=1)
    assert v.consistent and v.measured < 1e-9


def test_coherence_recovery_false_beyond_the_certificate_is_refuted():
    # k + 1 = 3 on the simplex in R^5: d1 + d2 + d3 = -(d4 + d5 + d6), two 3-sparse codes with one signal
    bad = coherence_recovery_claim(k_offset=1, claim_id="sparse_coding.false_coherence")
    v = check(bad, {"frame": "simplex", "dim": 5}, trials=3, rng=0)
    assert v.status == "refuted" and v.measured > 0.5


def test_identity_hadamard_comb_defeats_every_algorithm_at_sqrt_dim():
    # Dirac comb: a spike train of sqrt(dim) spikes equals its own Hadamard transform (up to scale), so
    # [I, H] has two sqrt(dim)-sparse codes with one signal; the certificate stops well before (k = 2 at dim 16)
    dim, m = 16, 4
    D = np.hstack([np.eye(dim), hadamard(dim) / math.sqrt(dim)])
    assert unique_recovery_bound(D).value == 2
    comb = np.zeros(dim)
    comb[::m] = 1.0
    # the columns of H hit by the comb: H comb / sqrt(dim) is again a comb of m ones times ... find it exactly
    coeffs = np.linalg.lstsq(D[:, dim:], comb, rcond=None)[0]
    assert np.count_nonzero(np.abs(coeffs) > 1e-9) == m
    x1 = np.concatenate([comb, np.zeros(dim)])
    x2 = np.concatenate([np.zeros(dim), coeffs])
    np.testing.assert_allclose(D @ x1, D @ x2, atol=1e-12)
    xo = omp(D, (D @ x1)[None, :], k=m)[0]
    assert not (np.allclose(xo, x1, atol=1e-9) and np.allclose(xo, x2, atol=1e-9))


def test_thresholding_condition_false_version_is_refuted():
    bad = thresholding_condition_claim(ratio_factor=0.5, claim_id="sparse_coding.false_thresholding")
    v = check(bad, {"frame": "witness", "k": 3, "mu": 0.1, "ratio": "condition"}, trials=3, rng=0)
    assert v.status == "refuted" and v.measured >= 1


def test_thresholding_condition_is_tight_on_the_witness():
    # just below the sharp value the same measurement finds the witness failure on every trial
    p = {"frame": "witness", "k": 4, "mu": 0.08, "ratio": "sharp"}
    rng = np.random.default_rng(3)
    assert thresholding_support_errors(p, rng) == 0
    assert thresholding_support_errors(p, rng, ratio_factor=1 - 1e-4) >= 1


def test_thresholding_sharp_false_version_is_refuted():
    bad = thresholding_sharp_claim(ratio_factor=1.01, claim_id="sparse_coding.false_sharp")
    v = check(bad, {"k": 3, "mu": 0.1}, trials=3, rng=0)
    assert v.status == "refuted" and v.measured == 0


@settings(max_examples=15, deadline=None)
@given(k=st.integers(2, 6), frac=st.floats(0.05, 0.95), seed=st.integers(0, 2**16))
def test_sharp_threshold_is_exactly_where_thresholding_switches(k, frac, seed):
    mu = frac / (2 * k - 1)
    rng = np.random.default_rng(seed)
    assert thresholding_sharp_indicator({"k": k, "mu": mu}, rng) == 1.0
    assert thresholding_sharp_indicator({"k": k, "mu": mu}, rng, ratio_factor=1 + 1e-4) == 0.0


def test_witness_oracle_by_hand():
    # k = 2, mu = 0.2: sharp = 2 * 0.2 / 0.8 = 0.5; correlations x_min - mu and mu (x_min + 1)
    w = thresholding_witness(k=2, mu=0.2, ratio=0.49)
    y = w.signal
    corr = w.dictionary.T @ y
    np.testing.assert_allclose(corr[[0, 1]], [0.2 * 1.49, 0.49 - 0.2], atol=1e-12)
    assert set(np.flatnonzero(threshold_encode(w.dictionary, y[None, :], k=2)[0])) != {1, 2}


def test_er_spud_false_failure_probability_is_refuted():
    # far too few samples (p = 1.5 n log n): claiming a 5% failure rate there is refuted
    bad = er_spud_claim(
        failure_prob=0.05,
        params=[{"n": 6, "theta": 0.2, "C": 1.5}],
        quick_params=[{"n": 6, "theta": 0.2, "C": 1.5}],
        claim_id="sparse_coding.false_spud",
    )
    v = check(bad, {"n": 6, "theta": 0.2, "C": 1.5}, trials=8, rng=0)
    assert v.status == "refuted", v.message


def test_er_spud_unknown_parameters_rejected():
    c = er_spud_claim()
    with pytest.raises(ValueError, match="no measured failure probability"):
        c.claimed_failure_prob({"n": 9, "theta": 0.1, "C": 8.0})
    with pytest.raises(ValueError, match="n"):
        c.validate({"n": 1, "theta": 0.1, "C": 8.0})


@pytest.mark.parametrize(
    "p",
    [
        {"frame": "simplex", "dim": 4},
        {"frame": "paley", "q": 13},
        {"frame": "identity_hadamard", "dim": 8},
        {"frame": "witness", "k": 3, "mu": 0.1},
    ],
)
def test_claim_frame_keeps_coherence_and_the_special_code(p):
    from theory.sparse_coding.claims import _base_frame

    B, _ = _base_frame(p)
    D, special = claim_frame(p, np.random.default_rng(0), flip_signs=p["frame"] != "witness")
    assert D.shape == B.shape
    np.testing.assert_allclose(np.linalg.norm(D, axis=0), 1.0, atol=1e-12)
    assert coherence(D) == pytest.approx(coherence(B), abs=1e-12)
    if p["frame"] == "witness":
        ((i, rest),) = special
        x = np.zeros(D.shape[1])
        x[i] = 0.9 * thresholding_witness(k=3, mu=0.1).sharp
        x[list(rest)] = 1.0
        assert _support_set(threshold_encode(D, (D @ x)[None, :], k=3)[0]) != set(np.flatnonzero(x))


def _support_set(a):
    return set(np.flatnonzero(a))


def test_claim_frame_rejects_bad_frames():
    with pytest.raises(ValueError, match="frame must be one of"):
        claim_frame({"frame": "nope"}, np.random.default_rng(0))
    with pytest.raises(ValueError, match="power of 2"):
        claim_frame({"frame": "identity_hadamard", "dim": 6}, np.random.default_rng(0))


def test_adversarial_codes_shapes_and_worst_case_interference():
    D, _ = claim_frame({"frame": "paley", "q": 13}, np.random.default_rng(1), flip_signs=True)
    G = D.T @ D
    mu = coherence(D)
    X = adversarial_codes(G, 2, 8, np.random.default_rng(2))
    assert X.shape == (8, 14) and np.all(np.count_nonzero(X, axis=1) == 2)
    # the equal-magnitude signed codes put k mu of interference on some off-support atom
    for x in X[::4]:
        corr = np.abs(D.T @ (D @ x))
        off = np.flatnonzero(x == 0)
        assert corr[off].max() == pytest.approx(2 * mu, abs=1e-9)
    Xn = adversarial_codes(G, 3, 5, np.random.default_rng(2), ratio=0.3)
    assert np.all(Xn >= 0) and np.all(np.count_nonzero(Xn, axis=1) == 3)
    assert np.allclose(np.sort(Xn, axis=1)[:, -3:], [0.3, 1.0, 1.0])
