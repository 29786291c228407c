"""Closed forms answer at once at every size their docstring allows (exact integers or logs);
sizes beyond what fits are refused before any loop or allocation, with a message naming them."""

import math
import signal
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.circuits import Circuit, random_circuit
from theory.geometry import hadamard
from theory.geometry.delsarte import gegenbauer
from theory.interference.random_projections import (
    achlioptas_pair_failure_bound,
    achlioptas_projection,
    gaussian_projection_distortion,
    gaussian_rip_min_dim,
    interference_distribution,
    jl_max_features,
    jl_pair_failure_bound,
    rademacher_frame,
    sphere_cos_moment,
)

BIG = 10**12


@pytest.fixture(autouse=True)
def _deadline():
    """Every call here must return (or refuse) quickly: a hang fails instead of blocking."""

    def fail(*_):
        raise TimeoutError("did not return within 20 s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _oracle_jl(dim, eps, q):
    """Largest n with n(n-1) <= q exp(dim eps^2/2), by mpmath at ample precision."""
    mpmath.mp.dps = int(dim * eps * eps / 4 / math.log(10)) + 60
    cap = mpmath.mpf(q) * mpmath.exp(mpmath.mpf(dim) * mpmath.mpf(eps) ** 2 / 2)
    n = int(mpmath.floor(mpmath.sqrt(cap + mpmath.mpf(1) / 4) + mpmath.mpf(1) / 2))
    return max(n, 1)


@pytest.mark.parametrize("dim,eps", [(1024, 0.5), (768, 0.9), (8192, 0.5), (64, 0.5), (3, 0.2)])
def test_jl_max_features_advertised_sizes_are_exact(dim, eps):
    n = jl_max_features(dim=dim, eps=eps)
    assert n == _oracle_jl(dim, eps, 0.5)


def test_jl_max_features_known_value():
    # q e^{dim eps^2/2} = e^128 / 2; n ~ e^64 / sqrt 2, exactly:
    assert jl_max_features(dim=1024, eps=0.5) == 4408916196750962906774813095


@settings(max_examples=40, deadline=None)
@given(dim=st.integers(1, 20000), eps=st.floats(0.01, 0.99), q=st.floats(1e-6, 0.99))
def test_jl_max_features_is_the_largest(dim, eps, q):
    try:
        n = jl_max_features(dim=dim, eps=eps, failure_prob=q)
    except ValueError as exc:
        assert "decimal digits" in str(exc)
        return
    assert n == _oracle_jl(dim, eps, q)


def test_jl_max_features_beyond_the_documented_range_is_refused_with_the_log():
    with pytest.raises(ValueError, match="decimal digits.*logarithm"):
        jl_max_features(dim=BIG, eps=0.5)
    with pytest.raises(ValueError, match="decimal digits"):
        jl_max_features(dim=10**400, eps=0.5)


def test_bounds_with_huge_arguments_do_not_overflow():
    assert gaussian_rip_min_dim(n=10**400, k=2, delta=0.5, failure_prob=0.1) > 0
    assert jl_pair_failure_bound(k=10**400, eps=0.5) == 0.0
    assert achlioptas_pair_failure_bound(k=10**400, eps=0.5) == 0.0


def test_sphere_cos_moment_exact_and_bounded():
    assert sphere_cos_moment(dim=10, order=4) == Fraction(1, 40)
    # E[c^{2j}] = (2j-1)!! / prod_{i<j} (dim + 2i): compare with the product formula directly
    j, dim = 300, 7
    ref = Fraction(1)
    for i in range(j):
        ref *= Fraction(2 * i + 1, dim + 2 * i)
    assert sphere_cos_moment(dim=dim, order=2 * j) == ref
    assert sphere_cos_moment(dim=3, order=10**12 + 1) == 0  # odd: zero at any order
    for order in (10**12, 10**400):
        with pytest.raises(ValueError, match="order"):
            sphere_cos_moment(dim=3, order=order)
    with pytest.raises(ValueError, match="bits"):
        sphere_cos_moment(dim=10**60000, order=20)


def test_gegenbauer_sizes():
    with pytest.raises(ValueError, match="degree must be <= 100000"):
        gegenbauer(BIG, 3, t=[0.5])
    with pytest.raises(ValueError, match="degree must be <= 150"):
        gegenbauer(BIG, 3, exact=True)
    with pytest.raises(ValueError, match="would need"):
        gegenbauer(50_000, 3, t=np.zeros(20_000))
    with pytest.raises(TypeError, match="t .*required"):
        gegenbauer(3, 3)
    with pytest.raises(ValueError, match="finite"):
        gegenbauer(3, 3, t=[np.nan])


def test_gegenbauer_exact_matches_sympy():
    import sympy as sp

    t = sp.Symbol("t")
    P = gegenbauer(10, 6, exact=True)
    for k in range(11):
        G = sp.gegenbauer(k, 2, t)  # lambda = (dim - 2) / 2
        assert sp.expand(P[k] - G / G.subs(t, 1)) == 0
    vals = gegenbauer(10, 6, t=[0.3, -0.7])
    for k in range(11):
        np.testing.assert_allclose(vals[k], [float(P[k].subs(t, x)) for x in (0.3, -0.7)], rtol=1e-12)


def test_hadamard_sizes():
    with pytest.raises(ValueError, match="order must be <= 8192"):
        hadamard(BIG)
    H = hadamard(12)
    assert (H @ H.T == 12 * np.eye(12)).all()


def test_circuit_sizes():
    with pytest.raises(ValueError, match="width"):
        random_circuit(width=BIG, depth=1)
    with pytest.raises(ValueError, match="depth"):
        random_circuit(width=3, depth=BIG)
    with pytest.raises(ValueError, match=r"width \* depth"):
        random_circuit(width=10**4, depth=10**4)
    with pytest.raises(ValueError, match="n_inputs"):
        Circuit(BIG, [])
    with pytest.raises(ValueError, match="n_inputs"):
        random_circuit(width=3, depth=2, n_inputs=BIG)


@pytest.mark.parametrize(
    "call",
    [
        lambda: rademacher_frame(dim=BIG, n=BIG),
        lambda: achlioptas_projection(k=BIG, dim=8),
        lambda: gaussian_projection_distortion(dim=BIG, k=8),
        lambda: interference_distribution(dim=10**6, x=[1.0] * 1000, samples=10**4),
    ],
)
def test_random_projections_refuse_huge_allocations(call):
    with pytest.raises(ValueError, match="would need"):
        call()


def test_geometry_constructions_refuse_huge_allocations():
    from theory.geometry import constructions as c

    for call in (
        lambda: c.simplex(BIG),
        lambda: c.cross_polytope(BIG),
        lambda: c.regular_polygon(BIG),
        lambda: c.random_frame(BIG, 8),
        lambda: c.paley_etf(BIG + 1),
        lambda: c.mub_frame(BIG),
        lambda: c.mub_frame_coherence(BIG),
    ):
        with pytest.raises(ValueError, match="would need"):
            call()


def test_toy_and_circuit_builders_refuse_huge_allocations():
    from theory.circuits import sparse_inputs, uand
    from theory.toy_models import ToyModelConfig

    with pytest.raises(ValueError, match="would need"):
        ToyModelConfig(n_features=BIG, n_hidden=1)
    with pytest.raises(ValueError, match="would need"):
        uand(m=10**6, d=10**6, kind="rademacher", s=2)
    with pytest.raises(ValueError, match="would need"):
        sparse_inputs(m=10**6, s=2, batch=10**6)


def test_helpers():
    from theory._validation import check_memory, check_size, estimate_bytes

    assert estimate_bytes(10**6, 10**6) == 8 * 10**12
    assert estimate_bytes(10**200, 10**200) == 8 * 10**400  # exact, no float overflow
    with pytest.raises(ValueError, match="would need 2\\^"):
        check_memory(estimate_bytes(10**200, 10**200), "x")
    assert check_size(5, "n", maximum=5) == 5
    with pytest.raises(ValueError, match=r"n must be <= 5 \(why\), got 6"):
        check_size(6, "n", maximum=5, why="why")
    with pytest.raises(TypeError):
        check_size(5.0, "n", maximum=5)
