"""Bad input is refused at the boundary with an error naming the argument and the rule."""

import numpy as np
import pytest

from theory._validation import as_rng, check_array, check_frame, check_int, check_probability, check_real
from theory.geometry import coherence, max_cosine, normalize, welch_bound
from theory.interference import jl_min_dim, jl_pair_failure_bound


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0, "dim": 3}, "n must be an integer >= 1, got 0"),
        ({"n": 3, "dim": 0}, "dim must be an integer >= 1, got 0"),
        ({"n": -2, "dim": 3}, "n must be"),
    ],
)
def test_welch_bound_refuses_bad_counts(kwargs, match):
    with pytest.raises(ValueError, match=match):
        welch_bound(**kwargs)


@pytest.mark.parametrize("bad", [2.5, "3", None, True, np.float64(3.0)])
def test_counts_must_be_integers(bad):
    with pytest.raises(TypeError, match="n must be an integer"):
        welch_bound(n=bad, dim=2)


def test_numpy_integers_are_accepted():
    assert welch_bound(n=np.int64(4), dim=np.int32(3)).value == pytest.approx(1 / 3)


@pytest.mark.parametrize("fn", [coherence, max_cosine, normalize])
def test_frame_with_nan_or_inf_is_refused(fn):
    for bad in (np.nan, np.inf, -np.inf):
        W = np.eye(3)
        W[1, 2] = bad
        with pytest.raises(ValueError, match=r"W must contain only finite values \(found 1 NaN/inf"):
            fn(W)


@pytest.mark.parametrize("fn", [coherence, max_cosine, normalize])
def test_zero_column_is_refused(fn):
    W = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match=r"W has a zero column \(feature 1\)"):
        fn(W)


@pytest.mark.parametrize(
    "W, match",
    [
        (np.ones(3), "W must be a 2-dimensional array, got shape"),
        (np.ones((2, 2, 2)), "W must be a 2-dimensional array"),
        (np.ones((0, 3)), "at least one row"),
        ([[1.0, "a"]], "W must be an array of numbers"),
    ],
)
def test_frame_shape_and_type_errors(W, match):
    with pytest.raises((ValueError, TypeError), match=match):
        coherence(W)


def test_coherence_needs_two_features():
    with pytest.raises(ValueError, match="at least 2 columns"):
        coherence(np.ones((3, 1)))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_points": 1, "eps": 0.1}, "n_points must be an integer >= 2"),
        ({"n_points": 10, "eps": 0.0}, "eps must be > 0.0"),
        ({"n_points": 10, "eps": 1.0}, "eps must be < 1.0"),
        ({"n_points": 10, "eps": float("nan")}, "eps must be a finite real number, got nan"),
    ],
)
def test_jl_min_dim_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        jl_min_dim(**kwargs)


def test_jl_pair_failure_bound_errors():
    with pytest.raises(ValueError, match="k must be an integer >= 1"):
        jl_pair_failure_bound(k=0, eps=0.5)


def test_helpers_messages():
    with pytest.raises(ValueError, match=r"x must be an integer in \[1, 3\], got 4"):
        check_int(4, "x", minimum=1, maximum=3)
    with pytest.raises(ValueError, match="p must be in \\[0, 1\\], got 1.5"):
        check_probability(1.5, "p")
    with pytest.raises(ValueError, match="t must be >= 0"):
        check_real(-1, "t", minimum=0)
    with pytest.raises(TypeError, match="rng must be"):
        as_rng("seed")
    with pytest.raises(ValueError, match="rng seed must be a non-negative integer"):
        as_rng(-1)
    with pytest.raises(ValueError, match="x must be a 1-dimensional array"):
        check_array([[1.0]], "x", ndim=1)
    assert check_frame(np.zeros((2, 2)), allow_zero_columns=True).shape == (2, 2)
    g = np.random.default_rng(1)
    assert as_rng(g) is g
