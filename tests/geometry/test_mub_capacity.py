"""Realified mutually unbiased bases, the structural coherence check, and the residual-stream
capacity question (dim = 768, |cos| <= 0.1) with its certified Delsarte bound."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from theory.geometry import (
    coherence,
    delsarte_lp_bound,
    is_tight,
    max_features,
    mub_frame,
    mub_frame_coherence,
    orthoplex_bound,
    tegum_product,
    verify_delsarte_certificate,
)

SMALL_PRIMES = [3, 5, 7, 11, 13, 17, 19, 23]


@given(st.sampled_from(SMALL_PRIMES))
def test_mub_frame_is_union_of_orthonormal_bases_with_coherence_one_over_sqrt_p(p):
    W = mub_frame(p)
    assert W.shape == (2 * p, 2 * p * (p + 1))
    # each consecutive block of 2p columns is an orthonormal basis of R^{2p}
    for k in range(p + 1):
        B = W[:, 2 * p * k : 2 * p * (k + 1)]
        np.testing.assert_allclose(B.T @ B, np.eye(2 * p), atol=1e-12)
    assert is_tight(W)
    # oracle: the Gram matrix, against the theorem's value
    assert coherence(W) == pytest.approx(1 / math.sqrt(p), abs=1e-12)
    # and above the orthoplex lower bound, as it must be (n > dim (dim + 1) / 2)
    assert coherence(W) >= orthoplex_bound(n=W.shape[1], dim=2 * p).value - 1e-12


@given(st.sampled_from(SMALL_PRIMES))
def test_structural_coherence_matches_gram(p):
    W = mub_frame(p)
    assert mub_frame_coherence(p) == pytest.approx(coherence(W), abs=1e-12)
    V = mub_frame(p, real=False)
    G = np.abs(V.conj().T @ V)
    np.fill_diagonal(G, 0.0)
    assert mub_frame_coherence(p, real=False) == pytest.approx(G.max(), abs=1e-12)


def test_mub_frame_rejects_bad_p():
    with pytest.raises(ValueError, match="p must be an odd prime"):
        mub_frame(9)
    with pytest.raises(ValueError, match="p"):
        mub_frame(2)
    with pytest.raises(TypeError, match="p"):
        mub_frame(5.5)


def test_complex_frames_are_refused_not_truncated():
    with pytest.raises(TypeError, match="W must be real"):
        coherence(mub_frame(5, real=False))


def test_capacity_recipe_rebuilds_the_witness():
    c = max_features(dim=100, max_cos=0.15, optimise=False, lp_max_degree=4)
    assert c.lower == 2 * 47 * 48 + 6
    W = eval(c.lower_name, {"np": np, "tegum_product": tegum_product, "mub_frame": mub_frame})
    np.testing.assert_array_equal(W, c.witness)
    assert coherence(W) <= 0.15


def test_residual_stream_question_768_at_0_1():
    c = max_features(dim=768, max_cos=0.1, optimise=False, lp_max_degree=8)
    # lower: realified MUBs in C^383 (R^766) plus two orthonormal vectors, certified structurally
    assert c.lower == 2 * 383 * 384 + 2
    assert c.lower_name == "tegum_product(mub_frame(383), np.eye(2))"
    assert c.witness is None
    assert mub_frame_coherence(383) <= 0.1
    # upper: the Delsarte LP, exactly certified
    assert c.upper_rigorous and c.upper_name.startswith("Delsarte LP")
    assert c.lower <= c.upper < 1e12


def test_high_dimensional_lp_is_feasible_and_certified_independently():
    # Without column scaling the LP looks infeasible to HiGHS here (coefficients ~ dim^(-k/2)).
    b = delsarte_lp_bound(dim=768, max_cos=0.1, lines=True, degree=8)
    assert b.rigorous
    ok, exact, _ = verify_delsarte_certificate(b.exact_coefficients, dim=768, max_cos=0.1, lines=True)
    assert ok and int(math.floor(exact)) == b.count
    # a slightly perturbed certificate (constant term raised by 1e-3 of the bound) is refused
    bad = list(b.exact_coefficients)
    bad[0] += sum(bad) * 1e-3
    assert not verify_delsarte_certificate(bad, dim=768, max_cos=0.1, lines=True)[0]
    # sandwich: the MUB construction fits, so the bound is at least that large
    assert b.count >= 2 * 383 * 384 + 2


# ---- tegum products named by describe_geometry -------------------------------------------

FACTORS = ["digon", "triangle", "pentagon", "tetrahedron", "square_antiprism", "dedicated"]


@given(st.lists(st.sampled_from(FACTORS), min_size=2, max_size=4), st.integers(0, 2**32 - 1))
def test_describe_geometry_recovers_the_factors_of_a_rotated_noisy_tegum_product(names, seed):
    from theory.geometry import describe_geometry, polytope, random_frame

    rng = np.random.default_rng(seed)
    blocks = [np.ones((1, 1)) if nm == "dedicated" else polytope(nm) for nm in names]
    W = tegum_product(*blocks)
    Q, _ = np.linalg.qr(random_frame(W.shape[0], W.shape[0], kind="gaussian", rng=rng))
    W = Q @ W + 0.01 * rng.standard_normal(W.shape)
    geo = describe_geometry(W)
    assert len(geo.factors) == 1  # one product: the whole geometry
    found = sorted(geo.polytopes[i].name for i in geo.factors[0])
    assert found == sorted(names)


def test_describe_geometry_names_and_refuses_non_orthogonal_factors():
    from theory.geometry import describe_geometry, polytope

    assert str(describe_geometry(polytope("octahedron"))) == "octahedron"
    assert str(describe_geometry(tegum_product(polytope("triangle"), polytope("digon")))) == "triangular_bipyramid"
    # a triangle in the (e1, e2) plane and a digon leaning 0.19 into it: no feature cosine
    # reaches the link threshold, but the subspaces are not orthogonal at orth_tol = 0.1
    tri = np.vstack([polytope("triangle"), np.zeros((1, 3))])
    d = np.array([0.19, 0.0, math.sqrt(1 - 0.19**2)])
    W = np.column_stack([tri, d, -d])
    assert str(describe_geometry(W, orth_tol=0.25)) == "triangular_bipyramid"
    geo = describe_geometry(W, orth_tol=0.1)
    assert geo.names == ("triangle", "digon")
    with pytest.raises(ValueError, match="orth_tol"):
        describe_geometry(W, orth_tol=0)


def test_high_dimensional_points_lp_needs_the_inner_scaling_and_is_certified():
    # points: |P_k(-1)| = 1 dominates the column scale, so the fallback (scale where the
    # polynomials are smallest, rows normalised) is what makes HiGHS find the polynomial
    b = delsarte_lp_bound(dim=768, max_cos=0.1, lines=False, degree=9)
    assert b.rigorous
    ok, exact, _ = verify_delsarte_certificate(b.exact_coefficients, dim=768, max_cos=0.1)
    assert ok and int(math.floor(exact)) == b.count
    # the lines of the MUB construction with their antipodes are a point code with cos <= 0.1
    assert b.count >= 2 * (2 * 383 * 384 + 2)
