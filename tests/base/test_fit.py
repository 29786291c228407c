"""The shared log-log least-squares core and the three public power-law fits built on it.

Oracles: ``scipy.stats.linregress`` (slope, intercept, standard errors), exact power laws, the
t interval computed by hand with ``scipy.stats.t``, the normal equations for several regressors,
and the outputs the three public fits gave before they were rewritten over the core (pinned).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from theory._fit import LogLogFit, fit_loglog
from theory.experiments.circuits import fit_power_law
from theory.toy_models.incidental import fit_exponents
from theory.toy_models.scaling import fit_loss_exponent

TOL = {"rel": 1e-12, "abs": 1e-12}


def _noisy(seed: int, n: int = 7) -> tuple[np.ndarray, np.ndarray]:
    g = np.random.default_rng(seed)
    x = np.sort(g.uniform(1.0, 500.0, n))
    return x, 2.5 * x**-0.8 * np.exp(0.3 * g.standard_normal(n))


# ----------------------------------------------------------------------------------------------
# the core against independent oracles
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_core_matches_linregress(seed: int) -> None:
    x, y = _noisy(seed)
    f = fit_loglog(x, y)
    r = stats.linregress(np.log(x), np.log(y))
    assert f.slope == pytest.approx(r.slope, rel=1e-10)
    assert f.intercept == pytest.approx(r.intercept, rel=1e-10)
    assert f.stderr[0] == pytest.approx(r.stderr, rel=1e-10)
    assert f.intercept_stderr == pytest.approx(r.intercept_stderr, rel=1e-10)
    assert f.r2 == pytest.approx(r.rvalue**2, rel=1e-10)
    assert (f.n, f.dof, f.bootstrap, f.boot_ci, f.n_boot) == (7, 5, None, None, 0)


@settings(max_examples=40, deadline=None)
@given(
    b=st.floats(-3, 3),
    c=st.floats(-5, 5),
    xs=st.lists(st.floats(0.01, 1e4), min_size=3, max_size=12, unique=True).filter(lambda v: max(v) / min(v) > 1.5),
)
def test_core_recovers_an_exact_power_law(b: float, c: float, xs: list[float]) -> None:
    x = np.array(xs)
    f = fit_loglog(x, np.exp(c + b * np.log(x)))
    assert f.slope == pytest.approx(b, abs=1e-12 * max(1.0, 1 / math.log(x.max() / x.min()) ** 2))
    assert f.intercept == pytest.approx(c, abs=1e-10)


def test_core_exact_power_law_slope_to_1e12() -> None:
    x = np.array([10, 15, 25, 39, 63, 100, 158])
    for b in (-1.7, -0.5, 0.3, 1.5, 2.0):
        f = fit_loglog(x, 0.2 * x**b)
        assert abs(f.slope - b) < 1e-12 and f.prefactor == pytest.approx(0.2, rel=1e-12)
        assert f.r2 == pytest.approx(1.0, abs=1e-12) and f.stderr[0] < 1e-12


def test_t_interval_by_hand() -> None:
    x, y = _noisy(5, n=6)
    lx, ly = np.log(x), np.log(y)
    sxx = np.sum((lx - lx.mean()) ** 2)
    b = np.sum((lx - lx.mean()) * (ly - ly.mean())) / sxx
    a = ly.mean() - b * lx.mean()
    s2 = np.sum((ly - a - b * lx) ** 2) / (6 - 2)
    se = math.sqrt(s2 / sxx)
    for level in (0.5, 0.9, 0.95, 0.99):
        half = stats.t.ppf(1 - (1 - level) / 2, df=4) * se
        f = fit_loglog(x, y, level=level)
        assert f.ci[0] == pytest.approx((b - half, b + half), rel=1e-10)
        assert f.level == level


def test_several_regressors_against_the_normal_equations() -> None:
    g = np.random.default_rng(3)
    x = g.uniform(1, 100, size=(9, 2))
    y = 4.0 * x[:, 0] ** 1.5 * x[:, 1] ** -0.5 * np.exp(0.2 * g.standard_normal(9))
    X = np.column_stack([np.ones(9), np.log(x)])
    beta = np.linalg.solve(X.T @ X, X.T @ np.log(y))
    s2 = np.sum((np.log(y) - X @ beta) ** 2) / (9 - 3)
    se = np.sqrt(s2 * np.diag(np.linalg.inv(X.T @ X)))
    f = fit_loglog(x, y, level=0.9)
    assert f.slopes == pytest.approx(tuple(beta[1:]), rel=1e-10)
    assert f.intercept == pytest.approx(beta[0], rel=1e-10)
    assert f.stderr == pytest.approx(tuple(se[1:]), rel=1e-10)
    tq = stats.t.ppf(0.95, 6)
    for j in range(2):
        assert f.ci[j] == pytest.approx((beta[j + 1] - tq * se[j + 1], beta[j + 1] + tq * se[j + 1]), rel=1e-10)
    with pytest.raises(ValueError, match="2 slopes"):
        _ = f.slope
    exact = fit_loglog(x, 4.0 * x[:, 0] ** 1.5 * x[:, 1] ** -0.5)
    assert abs(exact.slopes[0] - 1.5) < 1e-12 and abs(exact.slopes[1] + 0.5) < 1e-12


def test_exact_fit_allowed_only_on_request() -> None:
    x = [[2, 4], [4, 4], [4, 16]]
    y = [1.0, 3.0, 2.0]
    with pytest.raises(ValueError, match="at least 4 points"):
        fit_loglog(x, y)
    f = fit_loglog(x, y, allow_exact=True)
    assert f.dof == 0 and f.stderr == (math.inf, math.inf) and f.ci[0] == (-math.inf, math.inf)
    assert "exact fit" in str(f)
    with pytest.raises(ValueError, match="more points than the 3 parameters"):
        fit_loglog(x, y, allow_exact=True, bootstrap="residual")


# ----------------------------------------------------------------------------------------------
# the bootstrap
# ----------------------------------------------------------------------------------------------


REPS = np.array(
    [
        [0.0112, 0.0061, 0.0043, 0.0024, 0.0017, 0.00098],
        [0.0098, 0.0071, 0.0039, 0.0027, 0.0015, 0.0011],
        [0.0105, 0.0066, 0.0046, 0.0022, 0.0016, 0.00102],
    ]
)
DIMS = np.array([10, 15, 25, 39, 63, 100])
GROUPS = [[1, 0, 2], [4, 3, 5], [1, 1, 0], [4, 5, 3, 4], [0, 0]]
CELLS = np.array([[8, 16], [16, 16], [16, 64], [32, 64], [32, 32]])


@pytest.mark.parametrize(
    ("x", "y", "scheme"), [(DIMS, REPS[0], "residual"), (DIMS, REPS, "replicates"), (CELLS, GROUPS, "groups")]
)
def test_bootstrap_is_deterministic(x, y, scheme) -> None:
    kw = {"bootstrap": scheme, "n_boot": 300, "allow_exact": True}
    f0 = fit_loglog(x, y, **kw)  # default rng=0
    assert f0 == fit_loglog(x, y, rng=0, **kw) == fit_loglog(x, y, rng=np.random.default_rng(0), **kw)
    assert fit_loglog(x, y, rng=7, **kw) == fit_loglog(x, y, rng=7, **kw)
    assert fit_loglog(x, y, rng=7, **kw).boot_ci != f0.boot_ci
    assert f0.bootstrap == scheme and f0.boot_ci is not None and len(f0.boot_ci) == len(f0.slopes)
    for (lo, hi), b in zip(f0.boot_ci, f0.slopes, strict=True):
        assert lo <= hi and lo - 1 <= b <= hi + 1
    assert f"{scheme} bootstrap" in str(f0)


def test_bootstrap_of_an_exact_power_law_is_a_point() -> None:
    f = fit_loglog(DIMS, 3.0 * DIMS**-0.7, bootstrap="residual", n_boot=50)
    assert f.boot_ci is not None and f.boot_ci[0] == pytest.approx((-0.7, -0.7), abs=1e-12)


def test_groups_bootstrap_against_a_hand_loop() -> None:
    """The groups scheme: per draw, every group resampled in order; zero means left out."""
    f = fit_loglog(CELLS, GROUPS, bootstrap="groups", n_boot=200, level=0.8, rng=4, allow_exact=True)
    assert f.n == 4  # the all-zero group is left out
    g = np.random.default_rng(4)
    rows = []
    X = np.column_stack([np.ones(5), np.log(CELLS)])
    for _ in range(200):
        bm = np.array([np.asarray(c)[g.integers(0, len(c), len(c))].mean() for c in GROUPS])
        k = bm > 0
        if k.sum() >= 3 and np.linalg.matrix_rank(X[k]) == 3:
            rows.append(np.linalg.lstsq(X[k], np.log(bm[k]), rcond=None)[0][1:])
    q = np.quantile(np.array(rows), [0.1, 0.9], axis=0)
    assert f.n_boot == len(rows)
    assert np.ravel(f.boot_ci) == pytest.approx(q.T.ravel(), **TOL)


# ----------------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "kw", "err", "match"),
    [
        ([1, 2, 3], [1.0, -1.0, 2.0], {}, ValueError, "y must be positive"),
        ([0, 2, 3], [1.0, 1.0, 2.0], {}, ValueError, "x must be positive"),
        ([1, 2, 3], [1.0, math.nan, 2.0], {}, ValueError, "finite"),
        ([1, 2, math.inf], [1.0, 1.0, 2.0], {}, ValueError, "finite"),
        ([1, 2, 3, 4], [1.0, 1.0, 2.0], {}, ValueError, "same length"),
        ([1, 2], [1.0, 2.0], {}, ValueError, "at least 3 points"),
        ([2, 2, 2, 2], [1.0, 2.0, 3.0, 4.0], {}, ValueError, "full rank"),
        ([1, 2, 3], [[1.0, 2.0, 3.0]], {}, ValueError, "1-dimensional"),
        ([1, 2, 3], [1.0, 2.0, 3.0], {"level": 1.0}, ValueError, "level must be < 1"),
        ([1, 2, 3], [1.0, 2.0, 3.0], {"level": True}, TypeError, "level must be a real"),
        ([1, 2, 3], [1.0, 2.0, 3.0], {"allow_exact": 1}, TypeError, "allow_exact must be True or False"),
        ([1, 2, 3], [1.0, 2.0, 3.0], {"bootstrap": "cases"}, ValueError, "bootstrap must be one of"),
        ([1, 2, 3], [1.0, 2.0, 3.0], {"bootstrap": "residual", "n_boot": 10**12}, ValueError, "n_boot must be <="),
        ([1, 2, 3], [1.0, 2.0, 3.0], {"bootstrap": "residual", "n_boot": 2.0}, TypeError, "n_boot must be an integer"),
        ([1, 2, 3], [1.0, 2.0, 3.0], {"bootstrap": "residual", "rng": -1}, ValueError, "non-negative"),
        ([1, 2, 3], [[1.0, 2.0, 3.0]], {"bootstrap": "replicates"}, ValueError, ">= 2 replicates"),
        ([1, 2, 3], [[1], [2], [-1]], {"bootstrap": "groups"}, ValueError, "non-negative"),
        ([1, 2, 3], [[1], [], [1]], {"bootstrap": "groups"}, ValueError, "non-empty"),
        ([1, 2, 3], [[1], [2]], {"bootstrap": "groups"}, ValueError, "same length"),
        ([1, 2, 3], "abc", {"bootstrap": "groups"}, TypeError, "sequence of 1-D arrays"),
        ([1, 2, 3, 4], [[1], [0], [0], [2]], {"bootstrap": "groups"}, ValueError, "with a positive mean"),
        (np.ones((3, 0)), [1.0, 2.0, 3.0], {}, ValueError, "at least one column"),
        ("123", [1.0, 2.0, 3.0], {}, TypeError, "array of numbers"),
    ],
)
def test_bad_input_is_refused_with_a_named_error(x, y, kw, err, match) -> None:
    with pytest.raises(err, match=match):
        fit_loglog(x, y, **kw)


def test_names_and_label_appear_in_messages() -> None:
    with pytest.raises(ValueError, match="losses must be positive"):
        fit_loglog([1, 2, 3], [1.0, 0.0, 1.0], names=("dims", "losses"))
    with pytest.raises(ValueError, match="at least 3 cells"):
        fit_loglog([1, 2], [1.0, 2.0], label="cells")


def test_result_prints_short() -> None:
    f = fit_loglog(DIMS, REPS, bootstrap="replicates", n_boot=100)
    assert isinstance(f, LogLogFit) and len(repr(f)) < 600 and "\n" not in str(f)
    assert "b = " in str(f) and "95% t" in str(f) and "R^2" in str(f)
    assert LogLogFit((1.0,), 1000.0, (0.0,), 0.0, ((1.0, 1.0),), 0.95, 3, 1, 1.0).prefactor == math.inf


# ----------------------------------------------------------------------------------------------
# the three public fits: outputs pinned before they were rewritten over the core
# ----------------------------------------------------------------------------------------------

Y1 = [5.1, 3.4, 2.6, 1.7, 1.3]
X2 = [10.0, 25.1, 63.1, 158.5, 398.1, 1000.0]
Y2 = [61.0, 262.0, 990.0, 4100.0, 15300.0, 65000.0]


@pytest.mark.parametrize(
    ("args", "kw", "want"),
    [
        (
            ([1, 2, 4, 8, 16], Y1),
            {},
            (-0.49439712476608066, (-0.5608954562842391, -0.42789879324792224), 4.981265287691986, 5),
        ),
        ((X2, Y2), {}, (1.5037692888387912, (1.4763294188355554, 1.5312091588420271), 1.9685190638693524, 6)),
        (
            ([1, 2, 4, 8, 16], Y1),
            {"confidence": 0.9},
            (-0.49439712476608066, (-0.5435714789760294, -0.4452227705561319), 4.981265287691986, 5),
        ),
    ],
)
def test_fit_power_law_pinned(args, kw, want) -> None:
    f = fit_power_law(*args, **kw)
    assert f.exponent == pytest.approx(want[0], **TOL)
    assert f.ci == pytest.approx(want[1], **TOL)
    assert f.prefactor == pytest.approx(want[2], **TOL)
    assert f.n == want[3]


@pytest.mark.parametrize(
    ("losses", "kw", "want"),
    [
        (
            REPS[0],
            {"n_boot": 200, "rng": 0},
            (
                1.018513505813278,
                0.9214473948700045,
                1.1126419288756058,
                0.10799003626502934,
                0.9916266239012265,
                0.95,
                "residual",
            ),
        ),
        (
            REPS,
            {"n_boot": 200, "level": 0.9, "rng": 1},
            (
                1.0078763267279967,
                0.9780811452619425,
                1.03372885103053,
                0.10412596831739261,
                0.9976298219079117,
                0.9,
                "replicates",
            ),
        ),
        (
            REPS[0],
            {},
            (
                1.018513505813278,
                0.9269933437328316,
                1.1109775682489909,
                0.10799003626502934,
                0.9916266239012265,
                0.95,
                "residual",
            ),
        ),
    ],
)
def test_fit_loss_exponent_pinned(losses, kw, want) -> None:
    f = fit_loss_exponent(DIMS, losses, **kw)
    got = (f.exponent, f.low, f.high, f.prefactor, f.r2)
    assert got == pytest.approx(want[:5], **TOL)
    assert (f.n_points, f.level, f.method) == (6, *want[5:])


FE_NS, FE_MS = [8, 16, 16, 32], [16, 16, 64, 64]
FE_COUNTS = [[1, 0, 2], [4, 3, 5], [1, 1, 0], [4, 5, 3, 4]]


@pytest.mark.parametrize(
    ("args", "kw", "want"),
    [
        (
            (FE_NS, FE_MS, FE_COUNTS),
            {"n_boot": 100, "rng": 0},
            (
                2.2924812503605763,
                -1.2924812503605774,
                -1.284928084092848,
                1.5764518628269066,
                3.174045227846401,
                -1.850219859070546,
                -0.9287239210638225,
                1.811717530616268,
                -0.7692501179956442,
                4,
                100,
            ),
        ),
        (
            ([4, 8, 8, 16, 16, 32], [8, 8, 32, 32, 64, 64], [[0, 0], [2, 1], [0, 1], [2, 2], [1, 0], [3, 4]]),
            {"n_boot": 200, "level": 0.9, "rng": 3},
            (
                2.0631853427573494,
                -1.0920210179427925,
                -1.4566735648535152,
                1.0453800783719012,
                3.0,
                -1.5283208335737193,
                -0.2924812503605784,
                1.8801117493962256,
                -0.7997702902929882,
                5,
                200,
            ),
        ),
        (
            (FE_NS, FE_MS, FE_COUNTS),
            {},
            (
                2.2924812503605763,
                -1.2924812503605774,
                -1.284928084092848,
                1.5435186331287807,
                3.546378570459922,
                -1.9036774610288012,
                -0.828824874944456,
                1.811717530616268,
                -0.7692501179956442,
                4,
                999,
            ),
        ),
    ],
)
def test_fit_exponents_pinned(args, kw, want) -> None:
    f = fit_exponents(*args, **kw)
    got = (f.a, f.b, f.c, *f.ci_a, *f.ci_b, f.theory_a, f.theory_b)
    assert got == pytest.approx(want[:9], **TOL)
    assert (f.cells, f.n_boot) == want[9:]


def test_wrappers_validate_their_own_arguments() -> None:
    with pytest.raises(ValueError, match="confidence must be < 1"):
        fit_power_law([1, 2, 4], [1.0, 2.0, 4.0], confidence=1.5)
    with pytest.raises(ValueError, match="x must be a 1-dimensional"):
        fit_power_law([[1, 2], [2, 3], [4, 5]], [1.0, 2.0, 4.0])
    with pytest.raises(ValueError, match="losses must be positive"):
        fit_loss_exponent(DIMS, -REPS)
    with pytest.raises(ValueError, match="at least 3 cells"):
        fit_exponents([4, 8, 16, 32], [8, 8, 8, 8], [[0], [0], [1], [2]])
