"""The inverted higher-order Welch upper bound on the number of lines."""

from fractions import Fraction
from math import comb

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from theory.geometry import coherence, max_features, welch_bound, welch_bound_higher
from theory.geometry.capacity import welch_inverse_upper


@given(st.integers(2, 12), st.floats(0.05, 0.95))
def test_is_consistent_with_the_forward_bounds(dim, eps):
    res = welch_inverse_upper(dim, eps)
    if res is None:
        return
    t, count = res
    # one more line than the bound forces coherence above eps by the order-t Welch bound
    b = welch_bound_higher(n=count + 1, dim=dim, order=t)
    assert b.valid and b.value > eps - 1e-12
    # and the bound is the exact floor of the rational expression
    m = Fraction(eps) ** (2 * t)
    assert count == int((1 - m) / (Fraction(1, comb(dim + t - 1, t)) - m))


@pytest.mark.parametrize("name", ["simplex3", "simplex6", "paley5", "paley13", "cross3", "icosahedron"])
def test_never_below_an_explicit_construction(name):
    from theory.geometry import cross_polytope, paley_etf, polytope, simplex

    W = {
        "simplex3": lambda: simplex(3),
        "simplex6": lambda: simplex(6),
        "paley5": lambda: paley_etf(5),
        "paley13": lambda: paley_etf(13),
        "cross3": lambda: cross_polytope(3),
        "icosahedron": lambda: polytope("icosahedron"),
    }[name]()
    dim, n = W.shape
    res = welch_inverse_upper(dim, coherence(W) + 1e-12)
    if name in ("cross3", "icosahedron"):  # antipodal pairs: coherence 1, no order applies
        assert res is None
    else:
        assert res is not None and res[1] >= n
    # ETFs attain the order-1 bound exactly: the count equals n
    if name.startswith(("simplex", "paley")):
        assert welch_inverse_upper(dim, welch_bound(n=n, dim=dim).value + 1e-12)[1] == n


def test_residual_stream_question_has_an_upper_bound():
    c = max_features(dim=768, max_cos=0.1, optimise=False)
    assert c.upper_rigorous and np.isfinite(c.upper) and c.upper >= c.lower
