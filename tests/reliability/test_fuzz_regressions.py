"""What the public-API fuzz found in geometry, interference, circuit moments and toy models, one test each:
huge sizes are refused by name (never a hang, an allocation or an OverflowError) and closed forms answer
at any size with the right value."""

from __future__ import annotations

import math
import signal
from fractions import Fraction

import numpy as np
import pytest

from theory.circuits import (
    optimal_p,
    paper_p,
    random_gain,
    superposition_capacity,
    superposition_noise_var,
    uand_error_moments,
    uand_error_tail,
    uand_gate_error_prob,
    uand_min_width,
)
from theory.geometry import (
    all_coherence_bounds,
    bukh_cox_bound,
    coherence_lower_bound,
    delsarte_lp_bound,
    gerzon_bound,
    levenshtein_bound,
    max_features,
    orthoplex_bound,
    pack,
    verify_delsarte_certificate,
    welch_bound,
    welch_bound_higher,
)
from theory.interference import (
    almt_window,
    interference_tail_bound,
    readout_error,
    statistical_dimension_bounds,
    statistical_dimension_l1,
)
from theory.toy_models import geometric_importance, regular_polygon_frame, sample_features, sparsity_sweep
from theory.toy_models.config import ToyModelConfig

BIG, HUGE = 10**12, 10**400


@pytest.fixture(autouse=True)
def _deadline():
    def fail(*_):
        raise TimeoutError("did not return within 20 s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda v: random_gain(s_other=v), "s_other"),
        (lambda v: optimal_p(d=100, s=v), "s"),
        (lambda v: uand_min_width(s=v, eps=0.3), "s"),
        (lambda v: uand_error_moments(d=v, p=0.1, s=5, active=2), "d"),
        (lambda v: uand_error_moments(d=100, p=0.1, s=v, active=2), "s"),
        (lambda v: uand_error_moments(d=100, p=0.1, s=5, active=2, fan_in=v), "fan_in"),
        (lambda v: uand_error_tail(d=v, p=0.1, s=4, active=2, t=0.5), "d"),
        (lambda v: uand_gate_error_prob(d=v, p=0.1, s=4, active=2, t=0.5), "d"),
        (lambda v: uand_gate_error_prob(d=100, p=0.1, s=v, active=2, t=0.5), "s"),
        (lambda v: max_features(dim=v, max_cos=0.5), "dim"),
        (lambda v: max_features(dim=3, max_cos=0.5, pack_limit=v), "pack_limit"),
        (lambda v: coherence_lower_bound(n=10, dim=3, max_order=v), "max_order"),
        (lambda v: all_coherence_bounds(n=10, dim=3, max_order=v), "max_order"),
        (lambda v: pack(dim=v, n=5), "dim"),
        (lambda v: pack(dim=3, n=v), "n"),
        (lambda v: regular_polygon_frame(v), "k"),
        (lambda v: geometric_importance(v), "n"),
        (lambda v: sparsity_sweep(v), "n_instances"),
        (lambda v: sample_features(ToyModelConfig(n_features=4, n_hidden=2), v), "batch_size"),
    ],
)
@pytest.mark.parametrize("size", [BIG, HUGE])
def test_huge_sizes_are_refused_by_name(call, name, size):
    with pytest.raises(ValueError, match=name):
        call(size)


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: delsarte_lp_bound(dim=HUGE, max_cos=0.5), "dim"),
        (lambda: gerzon_bound(HUGE), "dim"),
        (lambda: statistical_dimension_l1(n=HUGE, k=5), "n"),
        (lambda: almt_window(n=10**700, eta=0.5), "n"),
        (lambda: superposition_noise_var(m=HUGE, dim=1, p=0.5, s=3), "m"),
        (lambda: readout_error([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], k=1, max_value=1e300), "max_value"),
    ],
)
def test_beyond_floating_point_is_a_named_error(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_coherence_bounds_at_astronomical_sizes_are_exact_floats():
    n = HUGE
    # welch: sqrt((n - dim) / (dim (n - 1))) -> 1/sqrt(3); order 2: ((n/6 - 1)/(n - 1))^(1/4) -> 6^(-1/4)
    assert welch_bound(n=n, dim=3).value == pytest.approx(1 / math.sqrt(3), rel=1e-15)
    assert welch_bound_higher(n=n, dim=3, order=2).value == pytest.approx(6**-0.25, rel=1e-15)
    assert orthoplex_bound(n=10, dim=HUGE).value == 0.0  # not valid: n <= dim(dim+1)/2
    assert orthoplex_bound(n=n, dim=3).value == pytest.approx(1 / math.sqrt(3), rel=1e-15)
    assert levenshtein_bound(n=n, dim=3).value == pytest.approx(math.sqrt(3 / 5), rel=1e-15)
    # Bukh-Cox with k = n - dim ~ n: k(k+1) / (n^2 sqrt(k)) ~ n^(-1/2) = 1e-200
    assert bukh_cox_bound(n=n, dim=5).value == pytest.approx(1e-200, rel=1e-9)
    bounds = all_coherence_bounds(n=n, dim=3, max_order=100)
    assert len(bounds) == 1 + 99 + 3 and all(math.isfinite(b.value) for b in bounds)
    assert coherence_lower_bound(n=n, dim=10**12).valid


def test_uand_closed_forms_at_any_size():
    # exact rational arithmetic: m = s + (sigma^2 dim - s(s-1) p (1+p)) / (s p)
    b = superposition_capacity(dim=HUGE, d=10**6, s=3, p=0.5)
    exact = 3 + (Fraction(1, 16) * HUGE - 6 * Fraction(1, 2) * Fraction(3, 2)) / Fraction(3, 2)
    assert b.value == math.floor(exact + Fraction(1, 10**9))
    assert superposition_noise_var(m=10**300, dim=10**300, p=0.5, s=3) == pytest.approx(1.5, rel=1e-12)
    assert paper_p(m=100, d=HUGE) == pytest.approx(math.log(100) ** 2 * 1e-200, rel=1e-12)
    # the windowed binomial sums agree with the full ones
    mom = uand_error_moments(d=1000, p=0.1, s=5, active=2)
    assert mom.mean == pytest.approx(0.3, abs=1e-12)
    # ... and make sizes far beyond a full sum cheap: p* ~ (2 s' d)^(-1/3) at d = 10^12
    assert optimal_p(d=BIG, s=4) == pytest.approx((2 * 2 * BIG) ** (-1 / 3), rel=0.2)
    assert 0 < random_gain(s_other=BIG, kind="gaussian") < 1e-5


def test_statistical_dimension_and_tail_bound_at_huge_n():
    lo, hi = statistical_dimension_bounds(n=10**300, k=3)
    # n psi(k/n) ~ 2 k log(n/k) for k << n
    assert 0.9 < hi / (2 * 3 * math.log(10**300 / 3)) < 1.1 and lo == 0.0
    assert interference_tail_bound(dim=HUGE, x=[1.0, 2.0], t=0.1) == 0.0
    assert almt_window(n=HUGE, eta=0.5) == pytest.approx(math.sqrt(8 * math.log(8)) * 1e200, rel=1e-12)


def test_delsarte_certificate_with_inf_coefficient_is_a_named_error():
    with pytest.raises(ValueError, match="coefficients"):
        verify_delsarte_certificate([1.0, float("inf")], dim=3, max_cos=0.5)
    with pytest.raises(TypeError, match="coefficients"):
        verify_delsarte_certificate("x", dim=3, max_cos=0.5)


def test_sample_features_out_of_the_wrong_type_is_named():
    with pytest.raises(TypeError, match="out"):
        sample_features(ToyModelConfig(n_features=4, n_hidden=2), 8, out="x")


@pytest.mark.parametrize("kwargs", [{"k": 0}, {"k": 1}, {"k": 2}, {"p": 0.5}])
@pytest.mark.parametrize("b", [1e300, 1e160])
def test_readout_error_beyond_the_float_range_is_a_named_error_not_inf(kwargs, b):
    # the squared error ~ n b^2 exceeds 1.8e308: refused, never returned as inf
    with pytest.raises(ValueError, match="b, max_value or the entries of W"):
        readout_error([[1.0, 0.0], [0.0, 1.0]], b, **kwargs)


def test_readout_error_at_huge_biases_inside_the_float_range_is_exact():
    eye = [[1.0, 0.0], [0.0, 1.0]]
    # identity W, k=1, bias b > 0: each of the two outputs is off by exactly b, so the error is 2 b^2
    assert readout_error(eye, 1e150, k=1).mean == pytest.approx(2e300, rel=1e-12)
    # a bias of -1e300 switches every unit off: the error is E|x|^2 = E[v^2] = 1/3 (one active U[0, 1]),
    # finite although b^2 overflows (the empty interval of a ReLU integral once gave inf * 0 = NaN)
    for kwargs in ({"k": 0}, {"k": 1}):
        out = readout_error(eye, -1e300, **kwargs)
        assert out.mean == pytest.approx(kwargs["k"] / 3, abs=1e-15) and out.false_positive_rate == 0.0
    mc = readout_error(eye, -1e300, k=2, trials=20000)
    assert mc.mean == pytest.approx(2 / 3, abs=5 * mc.stderr)


@pytest.mark.parametrize(
    "model,exc",
    [
        (np.full((8, 16), np.nan), ValueError),
        (np.ones((1, 8, 16)), ValueError),
        ([[1.0]], ValueError),
        ([[1.0], [1.0, 2.0]], TypeError),
        (np.ones((8, 16)) + 1j, TypeError),
    ],
)
def test_score_names_model_for_a_bad_dictionary(model, exc):
    # score was shadowed by its own submodule in the public-API walk and never fuzzed; its messages
    # said "dictionary" for the argument named model
    from theory.sparse_coding import oneill2024
    from theory.sparse_coding.score import score

    with pytest.raises(exc, match="model"):
        score(model, oneill2024(), batch=8)
