"""ER-SpUD: sampling, the LP (against cvxpy), recovery at p = 5 n log n, failure at tiny p, scoring."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from theory.sparse_coding.spud import (
    SpudResult,
    SpudTrials,
    _lp_row,
    er_spud,
    spud_sample,
    spud_success,
    spud_success_rate,
)


def _p(n: int, c: float = 5.0) -> int:
    return int(round(c * n * math.log(n)))


def test_sample_shapes_density_and_determinism():
    A = np.random.default_rng(0).standard_normal((6, 6))
    x, codes = spud_sample(A, batch=4000, theta=0.2, rng=1)
    assert x.shape == (4000, 6) and codes.shape == (4000, 6)
    assert np.allclose(x, codes @ A.T)
    assert abs(np.mean(codes != 0) - 0.2) < 0.02
    x2, _ = spud_sample(A, batch=4000, theta=0.2, rng=1)
    assert np.array_equal(x, x2)


def test_lp_against_cvxpy():
    cp = pytest.importorskip("cvxpy")
    A = np.random.default_rng(2).standard_normal((5, 5))
    x, _ = spud_sample(A, batch=40, theta=0.3, rng=3)
    Y = x.T
    for j in range(0, 10, 2):
        r = x[j] + x[j + 1]
        if not np.any(r):
            continue
        w = _lp_row(Y, r)
        assert w is not None and abs(r @ w - 1.0) < 1e-9
        v = cp.Variable(5)
        prob = cp.Problem(cp.Minimize(cp.norm1(Y.T @ v)), [r @ v == 1])
        prob.solve(solver="CLARABEL")
        assert abs(np.abs(Y.T @ w).sum() - prob.value) < 1e-6 * max(1.0, prob.value)


@pytest.mark.parametrize(("n", "seed", "variant"), [(6, 0, "dc"), (8, 1, "dc"), (10, 2, "dc"), (8, 4, "sc")])
def test_recovers_at_5_n_log_n(n, seed, variant):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    x, codes = spud_sample(A, batch=_p(n), theta=0.2, rng=rng)
    res = er_spud(x, variant=variant, rng=seed)
    assert isinstance(res, SpudResult) and res.complete
    assert spud_success(A, res.dictionary)
    assert res.residual < 1e-8
    # the codes match the true ones up to the same permutation and scaling
    An = A / np.linalg.norm(A, axis=0)
    C = np.abs(An.T @ res.dictionary)
    rows, cols = linear_sum_assignment(C, maximize=True)
    for i, j in zip(rows, cols, strict=True):
        t, h = codes[:, i], res.codes[:, j]
        scale = (h @ t) / (t @ t)
        assert np.allclose(h, scale * t, atol=1e-6 * np.abs(h).max())
        assert np.array_equal(h != 0, t != 0)  # exact support recovery
    assert "complete" in str(res) and len(repr(res)) < 300


def test_fails_at_tiny_p():
    n = 10
    rng = np.random.default_rng(4)
    fails = 0
    for _ in range(5):
        A = rng.standard_normal((n, n))
        x, _ = spud_sample(A, batch=n + 3, theta=0.3, rng=rng)
        try:
            res = er_spud(x, rng=0)
        except ValueError:
            fails += 1
            continue
        fails += not spud_success(A, res.dictionary)
    assert fails == 5


def test_success_rate_rises_with_p():
    lo = spud_success_rate(n=8, batch=12, theta=0.2, trials=6, rng=0)
    hi = spud_success_rate(n=6, batch=_p(6), theta=0.25, trials=6, rng=0)
    assert isinstance(hi, SpudTrials)
    assert lo.successes == 0 and hi.successes >= 5
    assert hi.ci[0] <= hi.rate <= hi.ci[1]
    assert abs(hi.ratio - _p(6) / (6 * math.log(6))) < 1e-12
    assert "Clopper-Pearson" in str(hi)
    again = spud_success_rate(n=6, batch=_p(6), theta=0.25, trials=2, rng=0)
    first_two = spud_success_rate(n=6, batch=_p(6), theta=0.25, trials=2, rng=0)
    assert again == first_two


def test_spud_success_oracle():
    rng = np.random.default_rng(5)
    A = rng.standard_normal((5, 5))
    perm = rng.permutation(5)
    scale = rng.choice([-3.0, -0.5, 0.2, 2.0, 7.0], size=5)
    assert spud_success(A, A[:, perm] * scale)
    B = A.copy()
    B[:, 2] += 0.05 * rng.standard_normal(5)
    assert not spud_success(A, B)
    assert spud_success(A, B, tol=0.5)
    # two copies of one atom cannot be matched one-to-one
    C = A.copy()
    C[:, 1] = C[:, 0]
    assert not spud_success(A, C)


def test_max_lps_and_sc_budget():
    A = np.random.default_rng(6).standard_normal((6, 6))
    x, _ = spud_sample(A, batch=_p(6), theta=0.2, rng=7)
    res = er_spud(x, max_lps=10, rng=0)
    assert res.n_lps <= 10


def test_bad_inputs():
    A = np.eye(4)
    x, _ = spud_sample(A, batch=20, theta=0.5, rng=0)
    with pytest.raises(ValueError, match="more samples"):
        er_spud(x[:4])
    with pytest.raises(ValueError, match="variant"):
        er_spud(x, variant="xx")
    with pytest.raises(ValueError, match="tol"):
        er_spud(x, tol=0.0)
    with pytest.raises(TypeError):
        er_spud(x, max_lps=2.5)
    with pytest.raises(ValueError, match="finite"):
        er_spud(np.full((10, 3), np.nan))
    with pytest.raises(ValueError, match="spans"):
        er_spud(np.column_stack([x[:, :3], np.zeros(20)]))
    with pytest.raises(ValueError, match="theta"):
        spud_sample(A, batch=5, theta=0.0)
    with pytest.raises(TypeError):
        spud_sample(A, batch=True, theta=0.5)
    with pytest.raises(ValueError, match="zero column"):
        spud_sample(np.zeros((2, 2)), batch=5, theta=0.5)
    with pytest.raises(ValueError, match="shape"):
        spud_success(np.eye(3), np.eye(2))
    with pytest.raises(ValueError, match="batch"):
        spud_success_rate(n=5, batch=5, theta=0.2)
    with pytest.raises(ValueError, match="n must be"):
        spud_success_rate(n=1, batch=5, theta=0.2)
