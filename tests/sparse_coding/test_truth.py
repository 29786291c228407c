"""Tests for theory.sparse_coding.truth: exact moments against sampling, structure, determinism, bad input.

Statistical checks use fixed seeds and a tolerance of 5 standard errors, the standard error derived
from the sample variance of the quantity averaged (not a widened tolerance).
"""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from theory.geometry import coherence, welch_bound
from theory.sparse_coding.truth import (
    Correlation,
    Firing,
    GroundTruth,
    Hierarchy,
    Magnitudes,
    _bvn_cdf,
    _uniform_subsets,
    ground_truth,
    oneill2024,
    sharkey2022,
    synth_sae_bench,
)

Z = 5.0  # standard errors allowed in every statistical check


def assert_mean_close(samples: np.ndarray, expected: float, what: str) -> None:
    samples = np.asarray(samples, dtype=float)
    se = samples.std(ddof=1) / math.sqrt(samples.size)
    assert abs(samples.mean() - expected) <= Z * se + 1e-12, (
        f"{what}: sample mean {samples.mean():.6g} vs exact {expected:.6g} (5 SE = {Z * se:.3g})"
    )


def assert_rates_close(codes: sp.csr_array, rates: np.ndarray, what: str) -> None:
    batch = codes.shape[0]
    counts = np.bincount(codes.indices, minlength=codes.shape[1])
    se = np.sqrt(np.maximum(rates * (1 - rates), 1e-300) / batch)
    zs = np.abs(counts / batch - rates) / se
    zs[(rates == 0) & (counts == 0)] = 0.0
    assert zs.max() <= Z, f"{what}: feature {int(zs.argmax())} off by {zs.max():.2f} SE"


def sq_norms(x: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", x, x)


# --------------------------------------------------------------------------------------------
# Presets and exact values
# --------------------------------------------------------------------------------------------


def test_sharkey_expected_l0_is_0971():
    truth = sharkey2022()
    exact = 5 / 512 * (1 - 0.99**512) / (1 - 0.99)
    assert truth.expected_l0 == pytest.approx(exact, rel=1e-13)
    assert round(truth.expected_l0, 3) == 0.971
    assert (truth.dim, truth.n) == (256, 512)
    np.testing.assert_allclose(np.linalg.norm(truth.dictionary, axis=0), 1.0, atol=1e-12)


def test_sharkey_correlated_has_mean_l0_five_and_correlated_firing():
    truth = sharkey2022(correlated=True)
    assert truth.expected_l0 == pytest.approx(5.0, rel=1e-12)
    _, codes = truth.sample(20_000, rng=3)
    assert_mean_close(np.diff(codes.indptr), 5.0, "sharkey correlated L0")
    assert_rates_close(codes, truth.firing_rates, "sharkey correlated rates")


def test_oneill_exactly_three_active_and_zipf_support():
    truth = oneill2024()
    assert (truth.n, truth.dim, truth.expected_l0) == (16, 8, 3.0)
    x, codes = truth.sample(30_000, rng=1)
    assert set(np.diff(codes.indptr).tolist()) == {3}
    assert (codes.data > 0).all()
    assert truth.firing_rates.sum() == pytest.approx(3.0, abs=1e-12)
    assert np.all(np.diff(truth.firing_rates) < 0)  # Zipf weights: earlier features more often in the support
    assert_rates_close(codes, truth.firing_rates, "oneill inclusion")
    assert_mean_close(sq_norms(x), truth.expected_sq_norm, "oneill E|x|^2")


def test_oneill_first_order_inclusion_by_hand():
    # k=1 successive sampling: inclusion = weights; k=n: every feature always
    w = np.array([3.0, 2.0, 1.0])
    one = ground_truth(dictionary=np.eye(3), firing=Firing.exactly(1, weights=w))
    np.testing.assert_allclose(one.firing_rates, w / w.sum(), rtol=1e-14)
    # k=2 of 3 by hand: P(3 excluded) = P(first two draws are {1,2})
    two = ground_truth(dictionary=np.eye(3), firing=Firing.exactly(2, weights=w))
    p_excl3 = (3 / 6) * (2 / 3) + (2 / 6) * (3 / 4)
    assert two.firing_rates[2] == pytest.approx(1 - p_excl3, rel=1e-14)


def test_synth_sae_bench_cpu_structure_and_moments():
    truth = synth_sae_bench("cpu")
    H = truth.hierarchy
    assert (truth.n, truth.dim) == (1024, 128)
    assert (H.roots, H.branching, H.depth, H.exclusive, H.scale_by_parent) == (8, 4, 3, True, True)
    assert np.linalg.norm(truth.bias) == pytest.approx(0.5)
    x, codes = truth.sample(20_000, rng=5)
    assert_mean_close(np.diff(codes.indptr), truth.expected_l0, "synth cpu L0")
    assert_mean_close(sq_norms(x), truth.expected_sq_norm, "synth cpu E|x|^2")
    assert_rates_close(codes, truth.firing_rates, "synth cpu rates")
    check_hierarchy_support(truth, codes, nonvacuous=True)


def test_synth_sae_bench_16k_parameters():
    truth = synth_sae_bench("16k")
    assert (truth.n, truth.dim) == (16_384, 768)
    assert truth.hierarchy.n_features == 128 * 85
    p = truth.target_rates
    assert p[0] == pytest.approx(0.4) and p[-1] == pytest.approx(5e-4)
    assert truth.factor.shape == (16_384 - 128 * 84, 25)
    _, codes = truth.sample(256, rng=0)
    assert codes.shape == (256, 16_384)


# --------------------------------------------------------------------------------------------
# Exact moments against sampling
# --------------------------------------------------------------------------------------------

CASES = {
    "uniform+noise+bias": dict(
        dim=12,
        n=40,
        firing=Firing.uniform(0.1),
        magnitudes=Magnitudes.uniform(0.5, 2.0),
        noise=0.3,
        bias=np.linspace(-1, 1, 12),
    ),
    "geometric-constant": dict(
        dim=10, n=30, firing=Firing.geometric(0.9, scale=0.5), magnitudes=Magnitudes.constant(2.0)
    ),
    "zipf-folded": dict(
        dim=10,
        n=50,
        firing=Firing.zipf(0.7, 0.01, 0.6),
        magnitudes=Magnitudes.folded_normal(mean=np.linspace(-1, 2, 50), std=0.8),
    ),
    "copula": dict(
        dim=10,
        n=40,
        firing=Firing.zipf(0.5, 0.02, 0.5),
        correlation=Correlation(rank=3, scale=0.45),
        magnitudes=Magnitudes.uniform(),
    ),
    "hier-exclusive-scaled": dict(
        dim=10,
        n=40,
        firing=Firing.zipf(0.5, 0.05, 0.6),
        hierarchy=Hierarchy(roots=3, branching=3, depth=2, exclusive=True, scale_by_parent=True),
        magnitudes=Magnitudes.folded_normal(mean=1.0, std=0.7),
    ),
    "hier-independent": dict(
        dim=10,
        n=30,
        firing=Firing.uniform(0.3),
        hierarchy=Hierarchy(roots=2, branching=2, depth=3, exclusive=False),
        magnitudes=Magnitudes.uniform(),
    ),
    "all-knobs": dict(
        dim=10,
        n=60,
        firing=Firing.zipf(0.5, 0.02, 0.5),
        correlation=Correlation(rank=4, scale=0.4),
        hierarchy=Hierarchy(roots=3, branching=2, depth=2, exclusive=True, scale_by_parent=True),
        magnitudes=Magnitudes.folded_normal(mean=np.linspace(2, 1, 60), std=0.6),
        noise=0.2,
        bias=np.full(10, 0.3),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_expected_l0_sq_norm_and_rates_match_sampling(case):
    truth = ground_truth(rng=11, **CASES[case])
    x, codes = truth.sample(30_000, rng=7)
    assert truth.expected_l0 == pytest.approx(truth.firing_rates.sum(), rel=1e-14)
    assert_mean_close(np.diff(codes.indptr), truth.expected_l0, f"{case} L0")
    assert_mean_close(sq_norms(x), truth.expected_sq_norm, f"{case} E|x|^2")
    assert_rates_close(codes, truth.firing_rates, f"{case} rates")
    if truth.hierarchy is not None:
        check_hierarchy_support(truth, codes, nonvacuous=True)


def test_expected_sq_norm_brute_force_small():
    # Independent oracle: enumerate all 2^n firing patterns for n = 5 (exact sum, no sampling)
    D = np.random.default_rng(0).standard_normal((3, 5))
    p = np.array([0.1, 0.4, 0.25, 0.7, 0.05])
    b = np.array([0.2, -0.1, 0.4])
    truth = ground_truth(
        dictionary=D, firing=Firing.explicit(p), magnitudes=Magnitudes.uniform(1.0, 3.0), noise=0.5, bias=b
    )
    Dn = D / np.linalg.norm(D, axis=0)
    mu, m2 = 2.0, (1 + 3 + 9) / 3
    total = 0.0
    for mask in range(32):
        on = np.array([(mask >> i) & 1 for i in range(5)], dtype=bool)
        prob = np.prod(np.where(on, p, 1 - p))
        G = Dn[:, on].T @ Dn[:, on]
        E = np.full(G.shape, mu * mu)
        np.fill_diagonal(E, m2)
        total += prob * (np.sum(G * E) + 2 * b @ (Dn[:, on] @ np.full(on.sum(), mu)))
    total += b @ b + 3 * 0.25
    assert truth.expected_sq_norm == pytest.approx(total, rel=1e-12)


def test_hierarchy_rates_by_hand():
    # one root (p=0.5), two exclusive children with targets 0.2 and 0.4 > parent's 0.5 in sum:
    # conditionals 0.2/0.6 and 0.4/0.6, marginals 0.5/3 and 1/3
    p = np.array([0.5, 0.2, 0.4])
    truth = ground_truth(
        dictionary=np.eye(3), firing=Firing.explicit(p), hierarchy=Hierarchy(roots=1, branching=2, depth=1)
    )
    np.testing.assert_allclose(truth.firing_rates, [0.5, 0.5 / 3, 1 / 3], rtol=1e-14)
    # targets that fit under the parent are met exactly
    p2 = np.array([0.5, 0.2, 0.1])
    truth2 = ground_truth(
        dictionary=np.eye(3), firing=Firing.explicit(p2), hierarchy=Hierarchy(roots=1, branching=2, depth=1)
    )
    np.testing.assert_allclose(truth2.firing_rates, p2, rtol=1e-14)


def check_hierarchy_support(truth: GroundTruth, codes: sp.csr_array, *, nonvacuous: bool = False) -> None:
    """Every active child has its parent active in the same row; exclusive siblings never co-fire.

    With ``nonvacuous``, the sample must also contain active children, so that neither check holds on an
    empty set.
    """
    H = truth.hierarchy
    parents = H.parents(truth.n)
    rows = np.repeat(np.arange(codes.shape[0]), np.diff(codes.indptr))
    cols = codes.indices
    active = set(zip(rows.tolist(), cols.tolist(), strict=True))
    child = parents[cols] >= 0
    if nonvacuous:
        assert child.any(), "no child fired: the hierarchy checks would hold vacuously"
    pairs = zip(rows[child].tolist(), cols[child].tolist(), strict=True)
    missing = [(r, c) for r, c in pairs if (r, int(parents[c])) not in active]
    assert not missing, f"children active without their parent: {missing[:3]}"
    if H.exclusive:
        key = rows[child].astype(np.int64) * truth.n + parents[cols[child]]
        _, counts = np.unique(key, return_counts=True)
        assert counts.max(initial=0) <= 1, "two exclusive siblings fired together"


def test_hierarchy_layout_matches_breadth_first_assignment():
    H = Hierarchy(roots=2, branching=3, depth=2)
    par = H.parents(30)
    assert par[:2].tolist() == [-1, -1]
    assert par[2:8].tolist() == [0, 0, 0, 1, 1, 1]
    assert par[8:11].tolist() == [2, 2, 2]
    assert par[26:].tolist() == [-1] * 4
    idx = H.tree_index()
    assert idx.shape == (2, 13)
    assert idx[1, :4].tolist() == [1, 5, 6, 7]
    tp = H.template_parents()
    assert np.all(par[idx[:, 1:]] == idx[:, tp[1:]])


# --------------------------------------------------------------------------------------------
# Building blocks against independent oracles
# --------------------------------------------------------------------------------------------


def test_bivariate_normal_cdf_against_scipy():
    rng = np.random.default_rng(0)
    h = np.concatenate([rng.normal(0, 1.5, 40), [0.0, 0.0, 1.0, -2.0]])
    k = np.concatenate([rng.normal(0, 1.5, 40), [0.0, 1.3, 0.0, 0.0]])
    rho = np.concatenate([rng.uniform(-0.9, 0.9, 40), [0.3, -0.4, 0.5, 0.2]])
    ours = _bvn_cdf(h, k, rho)
    ref = [
        stats.multivariate_normal(mean=[0, 0], cov=[[1, r], [r, 1]]).cdf([a, c])
        for a, c, r in zip(h, k, rho, strict=True)
    ]
    np.testing.assert_allclose(ours, ref, atol=2e-6)


def test_folded_normal_moments_against_scipy():
    mean = np.array([-1.0, 0.0, 0.5, 3.0])
    std = np.array([0.5, 1.0, 2.0, 0.1])
    m1, m2 = Magnitudes.folded_normal(mean=mean, std=std).moments(4)
    dist = stats.foldnorm(c=np.abs(mean) / std, scale=std)
    np.testing.assert_allclose(m1, dist.mean(), rtol=1e-12)
    np.testing.assert_allclose(m2, dist.var() + dist.mean() ** 2, rtol=1e-12)


def test_uniform_subsets_are_uniform():
    # 3-subsets of 6 rows (20 of them) and the complement path (5 of 6): chi-square goodness of fit
    gen = np.random.default_rng(1)
    for count, n_subsets in ((3, 20), (5, 6)):
        reps = 6000
        rows, feat = _uniform_subsets(6, np.full(reps, count, dtype=np.int64), gen)
        assert np.all(np.bincount(feat, minlength=reps) == count)
        codes = np.zeros(reps, dtype=np.int64)
        np.add.at(codes, feat, 1 << rows)
        _, freq = np.unique(codes, return_counts=True)
        assert freq.size == n_subsets
        assert stats.chisquare(freq).pvalue > 1e-4


def test_copula_pair_probability_matches_sampling():
    truth = ground_truth(dim=4, n=6, firing=Firing.uniform(0.3), correlation=Correlation(rank=1, scale=0.8), rng=2)
    _, codes = truth.sample(40_000, rng=4)
    dense = codes.toarray() > 0
    L = truth.factor
    t = stats.norm.ppf(0.3)
    rho = float(L[0] @ L[1])
    exact = float(_bvn_cdf(np.array([t]), np.array([t]), np.array([rho]))[0])
    both = dense[:, 0] & dense[:, 1]
    assert_mean_close(both, exact, "copula P(0 and 1)")
    assert abs(exact - 0.09) > 0.01  # the pair is really correlated, not independent


# --------------------------------------------------------------------------------------------
# Format, determinism, dictionaries
# --------------------------------------------------------------------------------------------


def test_sample_format_and_determinism():
    truth = ground_truth(dim=6, n=20, firing=Firing.uniform(0.2), noise=0.1, rng=0)
    x1, c1 = truth.sample(50, rng=3)
    x2, c2 = truth.sample(50, rng=3)
    x3, _ = truth.sample(50, rng=4)
    assert x1.shape == (50, 6) and x1.dtype == np.float64
    assert sp.issparse(c1) and c1.format == "csr" and c1.shape == (50, 20) and c1.dtype == np.float64
    assert c1.has_sorted_indices
    np.testing.assert_array_equal(x1, x2)
    assert (c1 != c2).nnz == 0
    assert not np.array_equal(x1, x3)
    np.testing.assert_allclose(x1 - truth.sample(50, rng=3)[1] @ truth.dictionary.T, x1 - c1 @ truth.dictionary.T)
    again = ground_truth(dim=6, n=20, firing=Firing.uniform(0.2), noise=0.1, rng=0)
    np.testing.assert_array_equal(again.dictionary, truth.dictionary)
    assert [c.nnz for _, c in truth.batches(10, 3, rng=5)] == [c.nnz for _, c in truth.batches(10, 3, rng=5)]


@pytest.mark.parametrize("knob", ["independent", "copula", "hierarchy"])
def test_sample_never_forms_a_dense_batch_by_n_array(knob):
    # a dense (batch, n) float64 array alone would be 4.8 GB (copula: 400 MB; its exact draw does
    # O(batch * n * rank) work in blocks, so it is kept smaller)
    n, batch = (100_000, 500) if knob == "copula" else (300_000, 2_000)
    extra = {
        "independent": {},
        "copula": dict(correlation=Correlation(rank=2, scale=0.3)),
        "hierarchy": dict(hierarchy=Hierarchy(roots=100, branching=3, depth=2)),
    }[knob]
    truth = ground_truth(dictionary=np.ones((1, n)), firing=Firing.uniform(2e-5), **extra)
    truth.sample(10, rng=0)  # cached arrays outside the measurement
    tracemalloc.start()
    _, codes = truth.sample(batch, rng=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert codes.shape == (batch, n)
    assert peak < 64 * 2**20, f"sample used {peak / 2**20:.0f} MiB"


def test_noiseless_x_is_codes_times_dictionary():
    truth = synth_sae_bench("cpu")
    x, codes = truth.sample(64, rng=2)
    np.testing.assert_allclose(x, codes @ truth.dictionary.T + truth.bias, atol=1e-12)


def test_dictionary_kinds_and_coherence():
    etf = ground_truth(dim=3, n=6, dictionary="etf")
    assert etf.coherence == pytest.approx(welch_bound(n=6, dim=3).value, abs=1e-12)
    mub = ground_truth(dim=10, n=40, dictionary="mub")
    assert mub.coherence == pytest.approx(1 / math.sqrt(5), abs=1e-12)
    gauss = ground_truth(dim=8, n=30, rng=1)
    assert gauss.coherence == pytest.approx(coherence(gauss.dictionary))
    packed = ground_truth(dim=3, n=6, dictionary="packing", rng=0)
    assert packed.coherence < gauss.coherence and packed.coherence <= 0.5
    arr = ground_truth(dictionary=[[3.0, 0.0, 1.0], [4.0, 2.0, 1.0]])
    np.testing.assert_allclose(np.linalg.norm(arr.dictionary, axis=0), 1.0)
    assert arr.dictionary[0, 0] == pytest.approx(0.6)


def test_describe_and_repr_are_short():
    truth = synth_sae_bench("cpu")
    text = str(truth)
    assert "expected L0" in text and "hierarchy" in text and len(text) < 800
    assert "array(" not in repr(truth) and len(repr(truth)) < 200


def test_frozen():
    truth = oneill2024()
    with pytest.raises(AttributeError):
        truth.noise = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        truth.dictionary[0, 0] = 2.0


# --------------------------------------------------------------------------------------------
# Property test
# --------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    roots=st.integers(1, 3),
    branching=st.integers(1, 3),
    depth=st.integers(1, 2),
    exclusive=st.booleans(),
    extra=st.integers(0, 4),
    p=st.floats(0.05, 0.95),
    seed=st.integers(0, 10),
)
def test_hierarchy_property(roots, branching, depth, exclusive, extra, p, seed):
    H = Hierarchy(roots=roots, branching=branching, depth=depth, exclusive=exclusive)
    n = H.n_features + extra
    truth = ground_truth(dim=3, n=n, firing=Firing.zipf(0.8, p_min=p / 10, p_max=p), hierarchy=H, rng=seed)
    rates = truth.firing_rates
    par = H.parents(n)
    child = par >= 0
    assert np.all(rates[child] <= rates[par[child]] + 1e-15)
    assert np.all(rates <= truth.target_rates + 1e-15)
    if exclusive:
        sums = np.bincount(par[child], weights=rates[child], minlength=n)
        assert np.all(sums <= rates + 1e-12)
    _, codes = truth.sample(200, rng=seed)
    check_hierarchy_support(truth, codes)


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(dictionary=[[1.0, float("nan")], [0.0, 1.0]]), ValueError, "finite"),
        (dict(dictionary=[[1.0, 0.0], [0.0, 0.0]]), ValueError, "zero column"),
        (dict(dim=0, n=4), ValueError, "dim"),
        (dict(dim=True, n=4), TypeError, "dim"),
        (dict(dim=4, n=4.0), TypeError, "n"),
        (dict(dim=4, n=4, noise=-1.0), ValueError, "noise"),
        (dict(dim=4, n=4, noise=True), TypeError, "noise"),
        (dict(dim=4, n=4, noise=float("nan")), ValueError, "noise"),
        (dict(dim=4, n=4, bias=[1.0, 2.0]), ValueError, "bias"),
        (dict(dim=4, n=4, firing=0.1), TypeError, "firing"),
        (dict(dim=4, n=4, dictionary="nope"), ValueError, "dictionary"),
        (dict(dim=4, n=6, dictionary="etf"), ValueError, "Paley"),
        (dict(dim=8, n=6, dictionary="mub"), ValueError, "odd prime"),
        (dict(dim=10**6, n=10**6), ValueError, "limit"),
        (dict(dim=4, n=4, hierarchy=Hierarchy(roots=2, branching=2, depth=1)), ValueError, "hierarchy"),
        (dict(dim=4, n=4, firing=Firing.exactly(2), correlation=Correlation(rank=1)), ValueError, "exactly"),
        (dict(dim=4, n=4, firing=Firing.exactly(5)), ValueError, "k <= n"),
        (dict(dim=4, n=4, firing=Firing.explicit([0.1, 0.2])), ValueError, "shape"),
        (dict(dim=4, n=3, magnitudes=Magnitudes.folded_normal(mean=[1.0, 2.0], std=0.1)), ValueError, "shape"),
        (dict(dim=4, n=3, magnitudes=Magnitudes.folded_normal(mean=0.0, std=0.0)), ValueError, "always 0"),
    ],
)
def test_bad_ground_truth_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ground_truth(**kwargs)


@pytest.mark.parametrize(
    "make, exc, match",
    [
        (lambda: Firing.uniform(1.5), ValueError, "p must be in"),
        (lambda: Firing.uniform(float("nan")), ValueError, "finite"),
        (lambda: Firing.uniform(True), TypeError, "p"),
        (lambda: Firing.explicit([0.1, -0.2]), ValueError, "in \\[0, 1\\]"),
        (lambda: Firing.explicit([0.1, float("inf")]), ValueError, "finite"),
        (lambda: Firing.zipf(0.5, p_min=0.5, p_max=0.1), ValueError, "p_min"),
        (lambda: Firing.geometric(0.9), ValueError, "exactly one"),
        (lambda: Firing.geometric(0.9, expected_l0=50.0).probabilities(10), ValueError, "exceed 1"),
        (lambda: Firing.exactly(0), ValueError, "k"),
        (lambda: Firing.exactly(2, weights="zipfy"), ValueError, "weights"),
        (lambda: Magnitudes.uniform(1.0, 1.0), ValueError, "low"),
        (lambda: Magnitudes.constant(0.0), ValueError, "value"),
        (lambda: Magnitudes.folded_normal(1.0, -1.0), ValueError, "std"),
        (lambda: Correlation(rank=0), ValueError, "rank"),
        (lambda: Correlation(rank=2, scale=-0.1), ValueError, "scale"),
        (lambda: Correlation(rank=1, factor=[[1.5]]), ValueError, "norm < 1"),
        (lambda: Hierarchy(roots=0), ValueError, "roots"),
        (lambda: Hierarchy(exclusive=1), TypeError, "exclusive"),
        (lambda: sharkey2022(correlated="yes"), TypeError, "correlated"),
        (lambda: synth_sae_bench("1m"), ValueError, "size"),
        (lambda: oneill2024().sample(0), ValueError, "batch"),
        (lambda: oneill2024().sample(True), TypeError, "batch"),
        (lambda: oneill2024().sample(4, rng=-1), ValueError, "seed"),
        (lambda: ground_truth(dim=4, n=8).sample(10**9), ValueError, "limit"),
    ],
)
def test_bad_specs(make, exc, match):
    with pytest.raises(exc, match=match):
        make()
