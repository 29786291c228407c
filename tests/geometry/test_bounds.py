"""Coherence lower bounds and line-count upper bounds: exact forms, validity, tightness."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from theory.geometry import (
    all_coherence_bounds,
    bukh_cox_bound,
    coherence,
    coherence_lower_bound,
    gerzon_bound,
    levenshtein_bound,
    max_cosine,
    orthoplex_bound,
    paley_etf,
    random_frame,
    regular_polygon,
    relative_bound,
    simplex,
    simplex_bound,
    steiner_etf,
    welch_bound,
    welch_bound_higher,
)


@st.composite
def frames(draw, max_dim=6, max_n=20):
    dim = draw(st.integers(2, max_dim))
    n = draw(st.integers(2, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(["sphere", "rademacher", "sparse"]))
    return random_frame(dim, n, kind=kind, rng=seed)


def _seven_lines_r3():
    # Coordinate axes and the four cube diagonals: coherence 1/sqrt(3) = the orthoplex bound.
    diag = np.array([[1, 1, 1], [1, -1, 1], [-1, 1, 1], [-1, -1, 1]], dtype=float).T / math.sqrt(3)
    return np.hstack([np.eye(3), diag])


#: Frames whose coherence is provably optimal (a bound is attained): the bounds are tight here.
EXTREMAL = {
    "simplex(4)": simplex(4),
    "paley(5)": paley_etf(5),
    "paley(13)": paley_etf(13),
    "steiner(fano)": steiner_etf("fano"),
    "steiner(k4)": steiner_etf("k4"),
    "7 lines R^3": _seven_lines_r3(),
    "5 lines R^2": regular_polygon(10)[:, :5],
}


@given(frames())
def test_every_valid_bound_holds_on_random_frames(W):
    dim, n = W.shape
    mu = coherence(W)
    for b in all_coherence_bounds(n=n, dim=dim):
        if b.valid:
            assert mu >= b.value - 1e-12, (b.name, n, dim)
    assert max_cosine(W) >= simplex_bound(n=n, dim=dim).value - 1e-12


@pytest.mark.parametrize("name", sorted(EXTREMAL))
def test_bounds_hold_and_best_is_tight_on_extremal_frames(name):
    W = EXTREMAL[name]
    dim, n = W.shape
    mu = coherence(W)
    for b in all_coherence_bounds(n=n, dim=dim):
        if b.valid:
            assert mu >= b.value - 1e-12, b.name
    best = coherence_lower_bound(n=n, dim=dim)
    if dim > 2:
        assert abs(mu - best.value) < 1e-12, (best.name, mu, best.value)


def test_orthoplex_attained_by_seven_lines():
    b = coherence_lower_bound(n=7, dim=3)
    assert b.name == "orthoplex"
    assert abs(coherence(_seven_lines_r3()) - b.value) < 1e-15


def test_welch_equality_cases_exact():
    # sympy oracle: ETF parameters make the Welch bound an exact algebraic number.
    assert welch_bound(n=28, dim=7).exact == sp.Rational(1, 3)
    assert sp.simplify(welch_bound(n=14, dim=7).exact - 1 / sp.sqrt(13)) == 0


def test_higher_welch_exact_formula():
    for dim, n, t in [(3, 100, 2), (4, 50, 2), (3, 200, 3)]:
        m = sp.binomial(dim + t - 1, t)
        exact = ((sp.Integer(n) / m - 1) / (n - 1)) ** sp.Rational(1, 2 * t)
        b = welch_bound_higher(n=n, dim=dim, order=t)
        assert sp.simplify(b.exact - exact) == 0
        assert abs(b.value - float(exact)) < 1e-14
    assert not welch_bound_higher(n=6, dim=3, order=2).valid
    assert welch_bound_higher(n=10, dim=3, order=1).value == welch_bound(n=10, dim=3).value


def test_levenshtein_and_orthoplex_validity():
    assert not levenshtein_bound(n=6, dim=3).valid and levenshtein_bound(n=7, dim=3).valid
    assert not orthoplex_bound(n=6, dim=3).valid and orthoplex_bound(n=7, dim=3).valid
    b = levenshtein_bound(n=16, dim=3)
    assert sp.simplify(b.exact**2 - sp.Rational(48 - 9 - 6, 5 * 13)) == 0


def test_bukh_cox_simplex_case_exact():
    for d in range(1, 9):
        assert sp.simplify(bukh_cox_bound(n=d + 1, dim=d).exact - sp.Rational(1, d)) == 0
    # Equals Welch for the (3, 6) ETF: both are 1/sqrt(5).
    assert sp.simplify(bukh_cox_bound(n=6, dim=3).exact - 1 / sp.sqrt(5)) == 0


def test_bounds_monotone_in_n():
    for dim in (2, 3, 5):
        vals = [coherence_lower_bound(n=n, dim=dim).value for n in range(dim + 1, 4 * dim * dim)]
        assert all(b >= a - 1e-15 for a, b in zip(vals, vals[1:], strict=False))


def test_points_bounds():
    assert simplex_bound(n=5, dim=4).exact == sp.Rational(-1, 4)
    assert abs(max_cosine(simplex(4)) - simplex_bound(n=5, dim=4).value) < 1e-14
    assert simplex_bound(n=6, dim=4).value == 0.0


def test_gerzon_and_relative_bounds():
    assert gerzon_bound(3).value == 6 and gerzon_bound(23).value == 276
    assert relative_bound(3, 1 / math.sqrt(5)).value == 6
    assert relative_bound(7, 1 / 3).value == 28
    assert relative_bound(23, 0.2).value == 276
    assert relative_bound(6, 1 / 3).value == 16
    assert not relative_bound(3, 0.6).valid
    # Every ETF's line count is within the relative bound at its own coherence.
    for W in (paley_etf(13), steiner_etf("k4"), simplex(5)):
        dim, n = W.shape
        assert n <= relative_bound(dim, coherence(W) * (1 + 1e-12)).value


def test_bad_inputs():
    with pytest.raises(ValueError, match="n must be an integer >= 1, got 0"):
        welch_bound_higher(n=0, dim=2)
    with pytest.raises(TypeError):
        orthoplex_bound(n=3.5, dim=2)
    with pytest.raises(ValueError, match="max_cos"):
        relative_bound(3, float("nan"))
    with pytest.raises(ValueError, match="max_cos must be < 1"):
        relative_bound(3, 1.0)


def _oracle():
    import json
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[1] / "data" / "geometry" / "bounds_exact.json"
    return json.loads(path.read_text())["rows"]


def test_bounds_against_stored_sympy_oracle():
    funcs = {
        "welch": lambda n, d: welch_bound(n=n, dim=d),
        "welch-2": lambda n, d: welch_bound_higher(n=n, dim=d, order=2),
        "welch-3": lambda n, d: welch_bound_higher(n=n, dim=d, order=3),
        "orthoplex": lambda n, d: orthoplex_bound(n=n, dim=d),
        "levenshtein": lambda n, d: levenshtein_bound(n=n, dim=d),
        "bukh-cox": lambda n, d: bukh_cox_bound(n=n, dim=d),
    }
    checked = 0
    for row in _oracle():
        n, d = row["n"], row["dim"]
        for name, f in funcs.items():
            b = f(n, d)
            if name in row:
                want = float(sp.sympify(row[name]))
                assert b.valid, (name, n, d)
                assert abs(b.value - want) <= 1e-14 * max(1.0, want), (name, n, d, b.value, want)
                checked += 1
            else:
                assert not b.valid, (name, n, d)
    assert checked > 300


def test_public_strategy_frames_satisfy_bounds():
    from hypothesis import given, settings

    from theory import strategies

    @settings(max_examples=30)
    @given(strategies.frames(min_dim=2, max_dim=5, max_n=12))
    def check(W):
        dim, n = W.shape
        assert coherence(W) >= coherence_lower_bound(n=n, dim=dim).value - 1e-12

    check()
