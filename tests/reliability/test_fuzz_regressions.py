"""What the public-API fuzz found in geometry, interference, circuit moments and toy models, one test each:
huge sizes are refused by name (never a hang, an allocation or an OverflowError) and closed forms answer
at any size with the right value."""

from __future__ import annotations

import math
import signal
import sys
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from theory._validation import MAX_ABS_ENTRY, check_array, check_frame
from theory.circuits import (
    compressed_ablation,
    compressed_features,
    compressed_loss,
    naive_weights,
    optimal_p,
    paper_p,
    random_gain,
    residual_embedding,
    superposition_capacity,
    superposition_noise_var,
    train_compressed,
    uand_error_moments,
    uand_error_tail,
    uand_gate_error_prob,
    uand_min_width,
)
from theory.circuits.compressed import compressed_cell
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
    access_dims,
    almt_window,
    gaussian_rip_min_dim,
    interference_moments,
    interference_tail_bound,
    jl_min_dim,
    l1_weak_threshold,
    linear_access_construction,
    linear_access_lower_bound,
    linear_access_upper_order,
    optimal_linear_decoder,
    optimal_readout_bias,
    rademacher_access_dim,
    readout_error,
    statistical_dimension_bounds,
    statistical_dimension_l1,
)
from theory.sparse_coding import (
    SAE,
    Firing,
    SAEOptions,
    fit_amortised_encoder,
    ground_truth,
    mlp_encoder_learner,
    sparse_coding_learner,
    train_sae,
)
from theory.sparse_coding._checks import check_data
from theory.toy_models import (
    geometric_importance,
    kgon_configuration,
    phase_diagram,
    phase_margin_2x1,
    regular_polygon_frame,
    sample_features,
    sparsity_sweep,
    superposition_score,
    tms_loss,
    tms_loss_gradient,
    train_2x1,
)
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


@pytest.mark.filterwarnings("error::RuntimeWarning")  # refused by name, without numpy overflow warnings
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
    from theory.sparse_coding.scoring import score

    with pytest.raises(exc, match="model"):
        score(model, oneill2024(), batch=8)


# ---------------------------------------------------------------- arrays with huge entries (issue #26)
# The fuzz's "1e300 entry" and "x 1e150" mutations: check_array refuses entries beyond 1e150 (their
# squares summed overflow float64); what stays within the rule but is still beyond the float range
# somewhere is fixed where it happens (stable arithmetic or a named error), one test each.


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
        elements=st.sampled_from([0.0, 1.0, -2.5, 1e150, -1e150, 1.0000001e150, -1e151, 1e300, np.nan, np.inf]),
    )
)
def test_check_array_refuses_exactly_non_finite_and_huge_entries(a):
    # oracle: the rule written out entry by entry
    finite = bool(np.all(np.isfinite(a)))
    huge = finite and bool(np.any(np.abs(a) > MAX_ABS_ENTRY))
    if not finite:
        with pytest.raises(ValueError, match=r"^x must contain only finite values"):
            check_array(a, "x")
    elif huge:
        with pytest.raises(ValueError, match=r"^entries of x must be at most 1e\+150 in absolute value"):
            check_array(a, "x")
    else:
        assert np.array_equal(check_array(a, "x"), a)
    assert np.array_equal(check_array(a, "x", finite=False), a, equal_nan=True)  # no rule at all
    if finite:
        assert np.array_equal(check_array(a, "x", max_abs=None), a)  # the documented opt-out
    else:
        with pytest.raises(ValueError, match="only finite"):
            check_array(a, "x", max_abs=None)
    # the same verdict from a strided view (min/max path) and from a long copy (chunked sums of squares)
    strided = np.repeat(a, 2, axis=-1)[..., ::2]
    long = np.concatenate([np.ones(20000), a.ravel()])
    for b in (strided, long):
        if finite and not huge:
            check_array(b, "x")
        else:
            with pytest.raises(ValueError, match="only finite" if not finite else "at most 1e\\+150"):
                check_array(b, "x")


def test_check_array_magnitude_rule_by_dtype_and_argument():
    # the limit keeps sums of squares of a million entries finite
    assert np.isfinite(np.sum(np.full(10**6, MAX_ABS_ENTRY) ** 2))
    with pytest.raises(ValueError, match="entries of W must be at most 1e\\+16 .* overflow float32"):
        check_array([[1.0, 2e16]], "W", dtype=np.float32)
    assert check_array([1e15], "W", dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="at most 1e\\+03"):
        check_array([1e4], "x", max_abs=1e3)
    assert check_array(np.zeros((0, 3)), "x").shape == (0, 3)  # empty: nothing to check
    # many entries just under the limit: their sum of squares overflows, each entry is allowed
    assert check_array(np.full(30000, 0.9e150), "x").shape == (30000,)
    assert check_array(np.full((40, 40), 0.9e150)[:, ::3], "x").shape == (40, 14)
    with pytest.raises(ValueError, match="only finite"):  # no magnitude rule, but still no inf
        check_array(np.r_[np.full(9000, 1e200), np.inf], "x", max_abs=None)
    assert check_array([2**62], "n", dtype=None).dtype.kind == "i"  # integers never overflow squares here
    # the frame and data validators of the pillars inherit the rule
    for call in (lambda: check_frame([[1.0, 1e300]]), lambda: check_data([[1.0, 1e300]])):
        with pytest.raises(ValueError, match="entries of (W|x) must be at most 1e\\+150"):
            call()


def test_interference_moments_scale_exactly_or_refuse_by_name():
    base = interference_moments(dim=4, x=[1.0, 2.0, -0.5])
    big = interference_moments(dim=4, x=[1e50, 2e50, -0.5e50])
    # var ~ c^2, fourth ~ c^4, kurtosis scale-free; computed in units of max|x|, no overflow on the way
    assert big["var"] == pytest.approx(base["var"] * 1e100, rel=1e-12)
    assert big["fourth"] == pytest.approx(base["fourth"] * 1e200, rel=1e-12)
    assert big["kurtosis"] == pytest.approx(base["kurtosis"], rel=1e-12)
    with pytest.raises(ValueError, match="fourth moment .* rescale x"):
        interference_moments(dim=4, x=[1e150, 1.0])  # |x|^4 = 1e600: beyond float64, once an OverflowError


@pytest.mark.filterwarnings("error::RuntimeWarning")  # refused by name, without numpy overflow warnings
def test_optimal_readout_bias_of_a_huge_frame_names_W():
    W = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]]) * 1e150
    # the search range of the bias is -a max|w|^2 ~ -1e300 (once refused as "entries of b"); the
    # squared error ~ (W^T W)^2 is beyond the float range and readout_error says which inputs are too large
    with pytest.raises(ValueError, match="entries of W"):
        optimal_readout_bias(W, k=1)


def test_optimal_linear_decoder_is_scale_equivariant_at_huge_and_tiny_scales():
    A = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]])
    B, err = optimal_linear_decoder(A, k=1)
    for c in (1e150, 1e-150, 3.0):  # HiGHS once failed at 1e150 (entries beyond 1e20 read as infinite)
        Bc, errc = optimal_linear_decoder(A * c, k=1)
        # b*(cA) = b*(A)/c: the same worst-case errors, the decoder scaled back
        assert np.allclose(errc, err, atol=1e-9)
        assert np.allclose(Bc * c, B, atol=1e-7)


@pytest.mark.filterwarnings("error::RuntimeWarning")  # refused by name, without numpy overflow warnings
def test_compressed_loss_beyond_the_float_range_is_a_named_error():
    E = residual_embedding(n=4, dim=6, kind="orthogonal", rng=0)
    W_in, W_out = naive_weights(E, width=4)
    x = compressed_features(100, n=4, p=0.5, rng=1)
    # E enters the loss with degree 6: 1e150 passes check_array, the loss does not fit a float
    for args in ((W_in, W_out, E * 1e150, x), (W_in * 1e150, W_out * 1e150, E, x)):
        with pytest.raises(ValueError, match="W_in, W_out, E or x"):
            compressed_loss(*args)
        with pytest.raises(ValueError, match="W_in, W_out, E or x"):
            compressed_loss(*args, grad=True)
    # large but representable: finite, with the loss of degree 2 in W_out's error term
    assert math.isfinite(compressed_loss(W_in, W_out * 1e100, E, x))


def test_superposition_score_is_homogeneous_of_degree_two():
    W = np.array([[1.0, -1.0, 0.3], [0.2, 0.0, 1.0]])
    s = superposition_score(W)
    for c in (1e150, 1e-100):  # s_i = sum_j (hat W_i . W_j)^2: once inf at 1e150 (G^2 / |W_i|^2)
        assert np.allclose(superposition_score(W * c), s * c * c, rtol=1e-12)


def test_tms_loss_of_a_huge_W_is_a_named_error_not_nan():
    W, b = kgon_configuration(n=6, k=4)
    for call in (tms_loss, tms_loss_gradient):
        with pytest.raises(ValueError, match="entries of W must be smaller"):
            call(W * 1e150, b)  # g = W^T W ~ 1e300: its squares overflow (once NaN)
    # large b within the rule: the loss ~ b^2 is finite and exact to rounding
    big = tms_loss(W, np.full(6, 1e150))
    assert math.isfinite(big) and big > 1e299


@pytest.mark.parametrize("cells", [[(0.05, 1e300)], [(0.05, 1e17)]])
def test_train_2x1_refuses_a_relative_importance_beyond_float32_by_name(cells):
    # importance r trains in float32: once a ValueError naming "importance" (1e300) or a
    # TrainingDivergedError (1e150)
    with pytest.raises(ValueError, match="cells: r"):
        train_2x1(cells, seeds=1, steps=5)


def test_phase_diagram_refuses_a_huge_relative_importance_by_name():
    with pytest.raises(ValueError, match="r_values"):
        phase_diagram([0.05], [1e150], seeds=1, steps=5)


def test_amortised_encoder_of_a_huge_dictionary_is_finite():
    truth = ground_truth(dim=6, n=4, firing=Firing.exactly(2), rng=0)
    x, codes = truth.sample(64, rng=1)
    # the losses (squared errors ~1e300) are a record, not squared again: no magnitude rule there
    enc = fit_amortised_encoder(truth.dictionary * 1e150, x, codes, steps=5)
    assert all(math.isfinite(v) for v in enc.losses) and math.isfinite(enc.train_error)


@pytest.mark.parametrize("p", [1e-300, 1e-6])
def test_train_compressed_refuses_p_with_no_active_feature_expected_in_evaluation(p):
    # p * n * eval_batch < 1: the evaluation batch is almost surely empty, its loss 0, the gain inf
    with pytest.raises(ValueError, match="p \\* n \\* eval_batch"):
        train_compressed(n=8, dim=40, width=4, p=p, steps=2, batch=16, eval_batch=2000)
    with pytest.raises(ValueError, match="p \\* n \\* eval_batch"):
        compressed_ablation(n=8, dim=40, width=4, p=p, steps=2, batch=16, eval_batch=2000)
    with pytest.raises(ValueError, match="p \\* n \\* eval_batch"):  # once an inf gain handed to sweep
        compressed_cell(
            {"n": 8, "dim": 40, "width": 4, "p": p, "steps": 2, "eval_batch": 2000}, np.random.default_rng(0)
        )
    r = train_compressed(n=8, dim=40, width=4, p=1 / 16000, steps=2, batch=16, eval_batch=2000)  # exactly 1
    assert r.p == 1 / 16000


# ---------------------------------------------------------------- tiny positive reals (issue #26)
# The fuzz's "1e-300" and "5e-324" mutations: eps**2 underflows to 0 (a ZeroDivisionError), 1/eps
# overflows, eps/2 is 0. Closed-form dimensions are exact Python ints at any eps (decimal arithmetic,
# checked here against mpmath at ample precision), or refused by name beyond what they can return.

TINY = [1e-300, 5e-324, 1e-160, 1e-100]


def _mp_ceil(x: mpmath.mpf) -> int:
    return int(mpmath.ceil(x))


def _jl_oracle(n: int, eps: float) -> int:
    with mpmath.workdps(2 * int(-math.log10(eps)) + 60):
        e = mpmath.mpf(eps)  # exact
        return _mp_ceil(4 * mpmath.log(n) / (e**2 / 2 - e**3 / 3))


@pytest.mark.parametrize("n", [2, 1000, 10**400])
@pytest.mark.parametrize("eps", [*TINY, 0.1, 0.5, 0.999])
def test_jl_min_dim_is_exact_at_any_eps(n, eps):
    assert jl_min_dim(n_points=n, eps=eps) == _jl_oracle(n, eps)


@settings(max_examples=60, deadline=None)
@given(u=st.floats(0.001, 323.3), n=st.integers(2, 10**30))
def test_jl_min_dim_matches_mpmath_over_all_scales(u, n):
    eps = 10.0**-u
    assert jl_min_dim(n_points=n, eps=eps) == _jl_oracle(n, eps)


def test_jl_min_dim_of_a_huge_n_and_the_smallest_eps_answers_at_once():
    n = 2**1_000_000  # ln n = 10^6 ln 2; the answer has ~656 digits
    k = jl_min_dim(n_points=n, eps=5e-324)
    with mpmath.workdps(720):
        e = mpmath.mpf(5e-324)
        assert k == _mp_ceil(4 * 10**6 * mpmath.log(2) / (e**2 / 2 - e**3 / 3))


def _rip_oracle(n: int, k: int, delta: float, q: float) -> int:
    with mpmath.workdps(3 * int(-math.log10(delta)) + 80):  # sqrt(1 + d) - 1 cancels -log10(d) digits
        d, q_ = mpmath.mpf(delta), mpmath.mpf(q)
        du = mpmath.sqrt(1 + d) - 1  # the paper's form: enough digits for the cancellation
        e = du / 2
        c0 = e**2 / 4 - e**3 / 6
        num = mpmath.log(2 / q_) + k * (1 + mpmath.log(n) - mpmath.log(k)) + k * mpmath.log(12 / du)
        return _mp_ceil(num / c0)


@pytest.mark.parametrize("delta", [*TINY, 1e-10, 0.5, 0.999])
@pytest.mark.parametrize("n,k,q", [(12, 2, 0.1), (10**400, 3, 5e-324), (10**6, 10**6, 0.999)])
def test_gaussian_rip_min_dim_is_exact_at_any_delta(delta, n, k, q):
    assert gaussian_rip_min_dim(n=n, k=k, delta=delta, failure_prob=q) == _rip_oracle(n, k, delta, q)


def test_gaussian_rip_min_dim_largest_answers_are_exact_and_larger_ones_refused_by_name():
    # answers up to 1,000 digits come at once (k = 10^340 at the smallest delta: 993 digits)
    k = 10**340
    m = gaussian_rip_min_dim(n=10**400, k=k, delta=5e-324, failure_prob=0.5)
    with mpmath.workdps(1500):
        d = mpmath.mpf(5e-324)
        du = mpmath.sqrt(1 + d) - 1
        c0 = (du / 2) ** 2 / 4 - (du / 2) ** 3 / 6
        num = mpmath.log(4) + k * (1 + mpmath.log(10**60)) + k * mpmath.log(12 / du)
        assert m == _mp_ceil(num / c0)
    with pytest.raises(ValueError, match="k=~2\\^9999999.*decimal digits"):
        gaussian_rip_min_dim(n=2**10**7, k=2**10**7 - 1, delta=0.5, failure_prob=0.1)


def _rademacher_oracle(m: int, k: int, eps: float, q: float) -> int:
    with mpmath.workdps(2 * int(-math.log10(eps)) + 60):
        e = mpmath.mpf(eps)
        return _mp_ceil(2 * k * k / e**2 * (mpmath.log(m) + mpmath.log(m - 1) - mpmath.log(mpmath.mpf(q))))


@pytest.mark.parametrize("eps", [1e-150, 1e-100, 1e-10, 0.5, 0.9])
@pytest.mark.parametrize("m,k,q", [(1000, 2, 0.5), (10**15, 10**6, 5e-324), (2, 2, 0.999)])
def test_rademacher_access_dim_is_exact_or_refused_beyond_the_float_range(eps, m, k, q):
    exact = _rademacher_oracle(m, k, eps, q)
    if exact > sys.float_info.max:
        with pytest.raises(ValueError, match="eps"):
            rademacher_access_dim(m=m, k=k, eps=eps, failure_prob=q)
    else:
        assert rademacher_access_dim(m=m, k=k, eps=eps, failure_prob=q).value == exact


@pytest.mark.parametrize("eps", [1e-300, 5e-324, 1e-160])
@pytest.mark.parametrize(
    "call",
    [
        lambda e: rademacher_access_dim(m=1000, k=2, eps=e),
        lambda e: linear_access_upper_order(m=1000, k=4, eps=e),
        lambda e: access_dims(m=10**4, k=8, eps=e),
        lambda e: linear_access_construction(m=40, k=2, eps=e, samples=10),
    ],
)
def test_linear_access_dimensions_beyond_the_float_range_are_refused_by_name(call, eps):
    # a Bound converts to float: a dimension above 1.8e308 is refused, naming eps (once ZeroDivisionError)
    with pytest.raises(ValueError, match="eps"):
        call(eps)


def test_linear_access_upper_order_is_correctly_rounded_at_tiny_eps():
    for eps, constant in ((1e-150, 1.0), (1e-300, 1e-300), (0.5, 3.0)):
        value = linear_access_upper_order(m=1000, k=4, eps=eps, constant=constant).value
        assert value == float(Fraction(constant) * 16 * Fraction(math.log(1000)) / Fraction(eps) ** 2)
    r = access_dims(m=10**4, k=8, eps=1e-100)  # every part within the float range: printable
    assert r.sufficient.value == _rademacher_oracle(10**4, 8, 1e-100, 0.5) and "e+20" in str(r)


def test_linear_access_construction_at_a_small_eps_refuses_the_encoder_by_name():
    with pytest.raises(ValueError, match="eps=1e-10.*would need"):
        linear_access_construction(m=40, k=2, eps=1e-10)


def test_linear_access_lower_bound_at_tiny_eps_is_the_full_rank():
    # t = eps/(D+1) underflows to 0 for eps = 5e-324 (once 'math domain error'); as eps -> 0 the
    # matrix BA is the identity up to eps, of full rank m
    for eps in (5e-324, 1e-300):
        assert linear_access_lower_bound(m=64, k=2, eps=eps).value == 64
    assert linear_access_lower_bound(m=64, k=2, eps=0.25).value == 14


def _psi_mp(eps: mpmath.mpf, c: int) -> mpmath.mpf:
    """psi(eps) of the ALMT l1 statistical dimension, at the stationary tau, in mpmath."""
    phi = lambda t: mpmath.exp(-t * t / 2) / mpmath.sqrt(2 * mpmath.pi)  # noqa: E731
    Q = lambda t: mpmath.erfc(t / mpmath.sqrt(2)) / 2  # noqa: E731
    t1 = lambda t: c * (phi(t) - t * Q(t))  # noqa: E731
    lo, hi = mpmath.mpf(0), mpmath.mpf(60)  # eps tau - (1 - eps) t1(tau) increases from < 0 to > 0: bisection
    for _ in range(220):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if eps * mid < (1 - eps) * t1(mid) else (lo, mid)
    tau = (lo + hi) / 2
    return eps * (1 + tau**2) + (1 - eps) * c * ((1 + tau**2) * Q(tau) - tau * phi(tau))


@pytest.mark.parametrize("delta", [5e-324, 1e-300, 1e-100, 1e-10, 0.1, 0.5, 0.9, 0.999999])
@pytest.mark.parametrize("nonnegative", [False, True])
def test_l1_weak_threshold_solves_psi_at_any_delta(delta, nonnegative):
    # once: a ValueError from brentq for delta < psi(1e-300), and a wrong answer (xtol=1e-15 on eps)
    # for delta below ~1e-8; oracle: psi(rho delta) = delta in mpmath at 60 digits
    rho = l1_weak_threshold(delta, nonnegative=nonnegative)
    with mpmath.workdps(60):
        d = mpmath.mpf(delta)
        psi = _psi_mp(mpmath.mpf(rho) * d, 1 if nonnegative else 2)
        assert abs(psi / d - 1) < 1e-11
    if delta < 1e-100:  # rho_W ~ 1/(2 ln(1/delta)) as delta -> 0
        assert rho * 2 * (math.log(2.0) * 1074 if delta < 1e-320 else -math.log(delta)) == pytest.approx(1, abs=0.01)


def test_l1_weak_threshold_known_values():
    assert round(l1_weak_threshold(0.5), 4) == 0.3857
    assert l1_weak_threshold(1.0) == 1.0 and l1_weak_threshold(1.0, nonnegative=True) == 1.0


def test_almt_window_at_the_smallest_eta():
    # 4/eta overflowed to inf, reported as 'the window for n=100 is beyond the floating-point range'
    assert almt_window(n=100, eta=5e-324) == pytest.approx(10 * math.sqrt(8 * (math.log(4) + 1074 * math.log(2))))


def test_phase_margin_2x1_at_tiny_densities_is_exact():
    # the three losses ~p, p, p^2 underflowed to 0 and gave 0/0 = NaN; exact: (p/3 - p^2/4 - (1+r)p^2/6) / ...
    for p, r in ((5e-324, 1.0), (1e-300, 1.0), (5e-324, 5e-324), (0.01, 1.0)):
        P, R = Fraction(p), Fraction(r)
        losses = sorted([R * (P / 3 - P * P / 4), P / 3 - P * P / 4, (1 + R) * P * P / 6])
        assert phase_margin_2x1(p=p, r=r) == float((losses[1] - losses[0]) / losses[1])
    assert phase_margin_2x1(p=5e-324, r=1.0) == 1.0  # superposition wins outright


def test_sparse_coding_learner_refuses_an_unreachable_tolerance_by_name():
    # every code solve ran to FISTA's iteration limit at every step (no answer within 10 s)
    x = np.random.default_rng(0).standard_normal((20, 4))
    with pytest.raises(ValueError, match="tol must be >= 1e-12"):
        sparse_coding_learner(x, width=4, lam=0.01, steps=2, tol=5e-324)
    assert sparse_coding_learner(x, width=4, lam=0.01, steps=2, tol=1e-12).dictionary.shape == (4, 4)


def test_mlp_encoder_learner_with_an_underflowing_l1_keeps_a_positive_lam():
    # oneill_lam(5e-324) underflows to 0, which fista refused as 'lam must be > 0'
    x = np.random.default_rng(0).standard_normal((32, 4))
    ld = mlp_encoder_learner(x, width=4, hidden=8, steps=3, l1=5e-324)
    assert ld.lam == 1e-12 and ld.encode(x[:2], method="fista").shape == (2, 4)


def test_sparse_coding_learner_refuses_an_l1_weight_below_float_resolution() -> None:
    # lam = 1e-300 on unit-scale data made every FISTA solve run to its iteration limit (no answer in 10 s)
    import numpy as np

    from theory.sparse_coding import sparse_coding_learner

    x = np.random.default_rng(0).standard_normal((20, 4))
    scale = float(np.max(np.linalg.norm(x, axis=1)))
    for lam in (1e-300, 5e-324, 0.5e-10 * scale):
        with pytest.raises(ValueError, match=r"lam must be at least 1e-10 x the largest sample norm"):
            sparse_coding_learner(x, width=4, lam=lam, steps=2)
    assert sparse_coding_learner(x, width=4, lam=2e-10 * scale, steps=2, update="mod").dictionary.shape == (4, 4)


def test_sae_refuses_a_complex_decoder():
    # numpy once cast it to real with a ComplexWarning, silently dropping the imaginary part
    W = np.ones((3, 2), dtype=complex)
    with pytest.raises(TypeError, match="W_dec must hold real numbers"):
        SAE(W_enc=np.ones((2, 3)), b_enc=np.zeros(2), W_dec=W, b_dec=np.zeros(3), kind="relu")


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.filterwarnings("ignore:JumpReLU instance")  # two steps: the thresholds have not moved
@pytest.mark.parametrize(("kind", "name"), [("relu", "l1"), ("jumprelu", "l0")])
def test_sparsity_coefficient_beyond_the_training_dtype_is_named(kind, name):
    # 1e300 does not fit float32: refused by name before training (once an overflow warning in a cast)
    x = np.abs(np.random.default_rng(0).standard_normal((64, 3)))
    with pytest.raises(ValueError, match=rf"{name} must be at most 3\.403e\+38 \(the largest float32 number\)"):
        train_sae(x, kind=kind, width=4, steps=2, batch_size=16, options=SAEOptions(progress=False), **{name: 1e300})
    # in float64 the same value is representable: accepted, and the recorded losses stay finite
    sae = train_sae(
        x,
        kind=kind,
        width=4,
        steps=2,
        batch_size=16,
        options=SAEOptions(progress=False, dtype="float64"),
        **{name: 1e300},
    )
    assert np.all(np.isfinite(sae.losses))
