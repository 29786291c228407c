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


@pytest.mark.parametrize("dim", [2, 3, 4, 6])
def test_never_below_an_explicit_construction(dim):
    rng = np.random.default_rng(dim)
    for n in range(dim + 1, 3 * dim):
        W = rng.standard_normal((dim, n))
        mu = coherence(W)
        res = welch_inverse_upper(dim, mu)
        if res is not None:
            assert res[1] >= n
    assert welch_inverse_upper(dim, welch_bound(n=dim + 1, dim=dim).value + 1e-9)[1] >= dim + 1


def test_residual_stream_question_has_an_upper_bound():
    c = max_features(dim=768, max_cos=0.1, optimise=False)
    assert c.upper_rigorous and np.isfinite(c.upper) and c.upper >= c.lower
