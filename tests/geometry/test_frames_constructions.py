"""Frame quantities, constructions and geometry recognition, against exact oracles."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from theory.geometry import (
    POLYTOPES,
    classify_geometry,
    coherence,
    cross_polytope,
    feature_dimensionality,
    frame_potential,
    hadamard,
    is_equiangular,
    is_tight,
    max_cosine,
    naimark_complement,
    paley_etf,
    polytope,
    random_frame,
    regular_polygon,
    simplex,
    steiner_etf,
    steiner_system,
    tegum_product,
    welch_bound,
)


@st.composite
def frames(draw, max_dim=6, max_n=14):
    dim = draw(st.integers(1, max_dim))
    n = draw(st.integers(2, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(["sphere", "rademacher", "sparse", "gaussian"]))
    return random_frame(dim, n, kind=kind, rng=seed)


# ---------------------------------------------------------------- frame quantities


@given(frames())
def test_frame_potential_lower_bound(W):
    dim, n = W.shape
    assert frame_potential(W) >= n * n / min(n, dim) * (1 - 1e-12)


@given(frames())
def test_feature_dimensionality_in_unit_interval(W):
    D = feature_dimensionality(W)
    assert D.shape == (W.shape[1],)
    assert np.all((D >= 0) & (D <= 1)) and np.all(np.isfinite(D))


def test_feature_dimensionality_exact_sympy_oracle():
    # Oracle: exact rational computation of D_i on an integer matrix with a zero column.
    Wi = [[1, -1, 2, 0, 1], [0, 1, 1, 0, 3], [2, 0, -1, 0, 1]]
    M = sp.Matrix(Wi)
    exact = []
    for i in range(M.cols):
        wi = M[:, i]
        nrm2 = (wi.T * wi)[0]
        if nrm2 == 0:
            exact.append(sp.Integer(0))
            continue
        denom = sum(((wi.T * M[:, j])[0]) ** 2 for j in range(M.cols)) / nrm2
        exact.append(nrm2 / denom)
    got = feature_dimensionality(np.array(Wi, dtype=float))
    assert np.allclose(got, [float(x) for x in exact], rtol=1e-14, atol=0)


def test_feature_dimensionality_all_zero_and_dedicated():
    assert np.array_equal(feature_dimensionality(np.zeros((3, 4))), np.zeros(4))
    assert np.allclose(feature_dimensionality(np.eye(3)), 1.0)


def test_tight_and_equiangular_detection():
    assert is_tight(simplex(4)) and is_equiangular(simplex(4))
    assert is_tight(cross_polytope(3)) and not is_equiangular(cross_polytope(3))
    W = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    assert not is_tight(W) and not is_equiangular(W)


def test_coherence_and_max_cosine_on_cross_polytope():
    W = cross_polytope(3)
    assert coherence(W) == 1.0 and max_cosine(W) == 0.0


# ---------------------------------------------------------------- constructions


@pytest.mark.parametrize("dim", [1, 2, 3, 5, 9])
def test_simplex_exact_gram(dim):
    W = simplex(dim)
    G = W.T @ W
    target = np.full((dim + 1, dim + 1), -1.0 / dim)
    np.fill_diagonal(target, 1.0)
    assert np.allclose(G, target, atol=1e-13)


def test_simplex_attains_welch_exactly_in_sympy():
    for d in range(1, 8):
        assert sp.simplify(welch_bound(n=d + 1, dim=d).exact - sp.Rational(1, d)) == 0


ETFS = [
    ("paley", 5),
    ("paley", 13),
    ("paley", 17),
    ("paley", 29),
    ("steiner", "fano"),
    ("steiner", "k4"),
    ("steiner", "k8"),
    ("steiner", "affine2"),
    ("simplex", 6),
]


def _etf(kind, arg):
    return {"paley": paley_etf, "steiner": steiner_etf, "simplex": simplex}[kind](arg)


@pytest.mark.parametrize("kind,arg", ETFS)
def test_etfs_attain_welch(kind, arg):
    W = _etf(kind, arg)
    dim, n = W.shape
    assert np.allclose(np.linalg.norm(W, axis=0), 1.0, atol=1e-13)
    assert is_tight(W) and is_equiangular(W)
    assert abs(coherence(W) - welch_bound(n=n, dim=dim).value) < 1e-12
    Wc = naimark_complement(W) if n > dim + 1 else None
    if Wc is not None:
        assert Wc.shape == (n - dim, n)
        assert abs(coherence(Wc) - welch_bound(n=n, dim=n - dim).value) < 1e-12


def test_steiner_fano_exact_gram_entries():
    # Oracle: the construction's Gram entries are exactly 0, +-1/3 or 1 (integer arithmetic x 3).
    W = steiner_etf("fano")
    G3 = np.rint(3 * W.T @ W)
    assert np.allclose(3 * W.T @ W, G3, atol=1e-12)
    off = G3[~np.eye(28, dtype=bool)]
    assert set(np.abs(off).astype(int)) == {1}


def test_steiner_systems_are_2_designs():
    for name, (v, k) in {"fano": (7, 3), "k5": (5, 2), "affine3": (9, 3), "affine2": (4, 2)}.items():
        B = steiner_system(name)
        pairs = [p for blk in B for p in itertools.combinations(sorted(blk), 2)]
        assert len(pairs) == len(set(pairs)) == v * (v - 1) // 2
        assert all(len(b) == k for b in B)


def test_steiner_etf_refuses_missing_hadamard_and_bad_design():
    with pytest.raises(ValueError, match="Hadamard matrix of order r \\+ 1 = 5"):
        steiner_etf("affine3")
    with pytest.raises(ValueError, match="2-design"):
        steiner_etf([(0, 1), (0, 1), (1, 2)])


@pytest.mark.parametrize("order", [1, 2, 4, 8, 12, 20, 24, 32, 48])
def test_hadamard(order):
    H = hadamard(order)
    assert np.array_equal(H @ H.T, order * np.eye(order))
    assert np.all(H[0] == 1) and np.all(H[:, 0] == 1)


def test_paley_refuses_bad_q():
    for q in (7, 9, 15):
        with pytest.raises(ValueError, match="prime congruent to 1 mod 4"):
            paley_etf(q)


def test_naimark_refuses_non_tight():
    with pytest.raises(ValueError, match="tight"):
        naimark_complement([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])


@pytest.mark.parametrize("name", sorted(POLYTOPES))
def test_polytope_dimensionality_and_classification(name):
    dim, n, _ = POLYTOPES[name]
    W = polytope(name)
    assert W.shape == (dim, n)
    assert is_tight(W)
    assert np.allclose(feature_dimensionality(W), dim / n, atol=1e-12)
    groups = classify_geometry(W)
    names = [g.name for g in groups]
    expected = {"square": ["digon", "digon"], "octahedron": ["digon"] * 3}.get(name, [name])
    assert names == expected


def test_polygon_lines_are_optimal_in_plane():
    # n lines in R^2: the optimum coherence is cos(pi/n) (lines at angles pi k / n).
    for n in range(2, 9):
        W = regular_polygon(2 * n)[:, :n]
        assert abs(coherence(W) - np.cos(np.pi / n)) < 1e-12


def test_classify_robust_to_noise_and_mixed():
    rng = np.random.default_rng(3)
    W = tegum_product(polytope("pentagon"), polytope("tetrahedron"), polytope("digon"), [[1.0]], np.zeros((1, 2)))
    W = W * 0.8 + 0.02 * rng.standard_normal(W.shape) * (np.linalg.norm(W, axis=0) > 0)
    groups = classify_geometry(W)
    assert [(g.name, g.size) for g in groups] == [
        ("pentagon", 5),
        ("tetrahedron", 4),
        ("digon", 2),
        ("dedicated", 1),
        ("ignored", 1),
        ("ignored", 1),
    ]
    for g in groups:
        if g.name != "ignored":
            assert abs(g.dimensionality - float(g.expected)) < 0.05
    assert sorted(i for g in groups for i in g.features) == list(range(W.shape[1]))
    assert groups[0].expected == Fraction(2, 5)


def test_random_frame_kinds_and_seed():
    for kind in ("gaussian", "sphere", "rademacher", "sparse"):
        A = random_frame(5, 7, kind=kind, rng=1)
        B = random_frame(5, 7, kind=kind, rng=1)
        assert A.shape == (5, 7) and np.array_equal(A, B)
        if kind != "gaussian":
            assert np.allclose(np.linalg.norm(A, axis=0), 1.0)
    with pytest.raises(ValueError, match="kind must be one of"):
        random_frame(2, 2, kind="uniform")
    with pytest.raises(ValueError, match="dim must be an integer >= 1, got 0"):
        random_frame(0, 2)


def test_bad_inputs():
    with pytest.raises(ValueError, match="finite"):
        feature_dimensionality([[np.nan, 1.0]])
    with pytest.raises(ValueError, match="name must be one of"):
        polytope("dodecagon")
    with pytest.raises(TypeError):
        simplex(2.0)
    with pytest.raises(ValueError, match="link must be"):
        classify_geometry(np.eye(2), link=1.5)


@given(
    st.one_of(
        st.builds(lambda d: ("simplex", d), st.integers(1, 12)),
        st.builds(lambda q: ("paley", q), st.sampled_from([5, 13, 17, 29, 37, 41])),
        st.builds(lambda b: ("steiner", b), st.sampled_from(["fano", "k4", "k8", "affine2"])),
    ),
    st.integers(0, 3),
)
def test_etf_constructions_attain_welch_property(spec, copies_extra):
    kind, arg = spec
    W = _etf(kind, arg)
    dim, n = W.shape
    mu = coherence(W)
    assert abs(mu - welch_bound(n=n, dim=dim).value) < 1e-12
    # A tegum product with extra orthonormal directions keeps the coherence but leaves the
    # Welch equality case (it is no longer tight), and the bound still holds.
    if copies_extra:
        V = tegum_product(W, np.eye(copies_extra))
        d2, n2 = V.shape
        assert abs(coherence(V) - mu) < 1e-12
        assert coherence(V) >= welch_bound(n=n2, dim=d2).value - 1e-12
        assert not is_tight(V)  # frame operator blocks (n/dim) I and I differ
