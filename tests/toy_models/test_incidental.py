"""Incidental polysemanticity (theory.toy_models.incidental): exact collision counts against enumeration and
sympy, the trainer against finite differences, claims that can fail, the sweep, the figure."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.sweep import Runner
from theory.toy_models._claims_incidental import incidental_claims
from theory.toy_models.incidental import (
    FAST,
    CollisionCount,
    ExponentFit,
    IncidentalGrid,
    IncidentalRun,
    _collisions,
    _grads,
    _signed_mixed,
    birthday_collisions,
    collision_count,
    count_polysemantic,
    fit_exponents,
    incidental_sweep,
    signed_collisions,
    train_incidental,
)
from theory.verify import check

# ----------------------------------------------------------------------------------------------
# exact counts
# ----------------------------------------------------------------------------------------------


def _enumerate(n: int, m: int, signed: bool) -> tuple[Fraction, Fraction]:
    """Exact mean and variance by listing every assignment of n features to m neurons (and signs)."""
    choices = [(j, s) for j in range(m) for s in ((1, -1) if signed else (1,))]
    total = Fraction(0)
    total2 = Fraction(0)
    count = 0
    for assign in itertools.product(choices, repeat=n):
        if signed:
            c = sum(1 for j in range(m) if (j, 1) in assign and (j, -1) in assign)
        else:
            c = sum(1 for j in range(m) if sum(1 for a in assign if a[0] == j) >= 2)
        total += c
        total2 += c * c
        count += 1
    mean = total / count
    return mean, total2 / count - mean * mean


@pytest.mark.parametrize("signed", [False, True])
@pytest.mark.parametrize(
    ("n", "m"), [(0, 1), (1, 1), (2, 1), (3, 1), (2, 2), (3, 2), (4, 2), (3, 3), (4, 3), (2, 4), (4, 4), (5, 3)]
)
def test_collision_count_matches_enumeration(n: int, m: int, signed: bool) -> None:
    mean, var = _enumerate(n, m, signed)
    c = collision_count(n, m, signed=signed)
    assert c.mean == pytest.approx(float(mean), abs=1e-13)
    assert c.variance == pytest.approx(float(var), abs=1e-13)


def test_birthday_formula_is_the_task_formula_and_leading_term_sympy() -> None:
    n, m = sp.symbols("n m", positive=True)
    formula = m * (1 - (1 - 1 / m) ** n - n / m * (1 - 1 / m) ** (n - 1))
    for nv, mv in [(10, 37), (50, 200), (64, 64)]:
        exact = formula.subs({n: nv, m: sp.Integer(mv)})
        assert birthday_collisions(nv, mv) == pytest.approx(float(exact), rel=1e-13)
    # leading term in 1/m: n(n-1)/(2m)
    eps = sp.symbols("eps", positive=True)
    lead = sp.series(formula.subs(m, 1 / eps).subs(n, 7), eps, 0, 2).removeO()
    assert sp.simplify(lead - sp.Rational(7 * 6, 2) * eps) == 0
    signed = m * (1 - 2 * (1 - 1 / (2 * m)) ** n + (1 - 1 / m) ** n)
    lead_s = sp.series(signed.subs(m, 1 / eps).subs(n, 7), eps, 0, 2).removeO()
    assert sp.simplify(lead_s - sp.Rational(7 * 6, 4) * eps) == 0
    assert signed_collisions(30, 90) == pytest.approx(float(signed.subs({n: 30, m: sp.Integer(90)})), rel=1e-13)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 400), st.integers(1, 2000))
def test_count_orderings(n: int, m: int) -> None:
    b = collision_count(n, m)
    s = collision_count(n, m, signed=True)
    assert 0.0 <= s.mean <= b.mean + 1e-12
    assert b.mean <= min(m, n // 2) + 1e-9
    assert b.mean <= n * (n - 1) / (2 * m) + 1e-9  # union bound over pairs
    assert s.mean <= n * (n - 1) / (4 * m) + 1e-9
    assert b.variance >= 0 and s.variance >= 0


def test_huge_sizes_no_overflow_and_refusal() -> None:
    assert birthday_collisions(10**6, 10**15) == pytest.approx(10**6 * (10**6 - 1) / 2e15, rel=1e-6)
    with pytest.raises(ValueError, match="n must be <= "):
        birthday_collisions(10**400, 10)
    with pytest.raises(ValueError, match="m must be <= "):
        collision_count(10, 10**16)
    with pytest.raises(TypeError, match="n must be an integer"):
        birthday_collisions(True, 3)
    with pytest.raises(TypeError, match="signed must be True or False"):
        collision_count(3, 3, signed=1)
    with pytest.raises(ValueError, match="m must be an integer >= 1"):
        birthday_collisions(3, 0)


def test_initial_argmax_collisions_monte_carlo() -> None:
    """The initial argmax of iid Gaussian columns is uniform: the collision counts match the exact means."""
    rng = np.random.default_rng(7)
    n, m, k = 20, 50, 2000
    W0 = rng.standard_normal((k, m, n))
    idx = np.abs(W0).argmax(axis=1)
    sign = np.sign(np.take_along_axis(W0, idx[:, None, :], axis=1)[:, 0, :])
    for counts, c in [
        (_collisions(idx, m), collision_count(n, m)),
        (_signed_mixed(idx, sign, m), collision_count(n, m, signed=True)),
    ]:
        z = (counts.mean() - c.mean) / (c.std / math.sqrt(k))
        assert abs(z) < 4
        assert counts.var() == pytest.approx(c.variance, rel=0.2)


def test_collision_count_str() -> None:
    c = collision_count(32, 128, signed=True)
    assert isinstance(c, CollisionCount)
    assert "both signs" in str(c) and "n(n-1)/4m" in str(c)


# ----------------------------------------------------------------------------------------------
# the trainer
# ----------------------------------------------------------------------------------------------


def _loss(W: np.ndarray, l1: float) -> float:
    G = W.T @ W
    return float(((np.maximum(G, 0) - np.eye(W.shape[1])) ** 2).sum() + l1 * np.abs(W).sum())


def test_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(3)
    W = rng.standard_normal((1, 6, 4)) * 0.7
    g = np.empty_like(W)
    _grads(W, g, 0.05, np.eye(4))
    h = 1e-6
    num = np.zeros_like(W[0])
    for idx in np.ndindex(*W[0].shape):
        Wp, Wm = W[0].copy(), W[0].copy()
        Wp[idx] += h
        Wm[idx] -= h
        num[idx] = (_loss(Wp, 0.05) - _loss(Wm, 0.05)) / (2 * h)
    np.testing.assert_allclose(g[0], num, rtol=1e-5, atol=1e-6)


def test_count_polysemantic_hand_cases() -> None:
    W = np.array([[1.0, -0.9, 0.0, 0.0], [0.0, 0.0, 1.19, 0.81], [0.0, 0.0, 0.0, 0.0], [0.5, 0.0, 0.0, 1.3]])
    assert int(count_polysemantic(W)) == 2
    assert int(count_polysemantic(W, band=(0.95, 1.05))) == 0
    assert count_polysemantic(np.stack([W, np.eye(4)])).tolist() == [2, 0]
    with pytest.raises(ValueError, match="band\\[1\\] must be >= 0.9"):
        count_polysemantic(W, band=(0.9, 0.1))
    with pytest.raises(ValueError, match="finite"):
        count_polysemantic(np.array([[np.nan]]))


def test_train_reproducible_and_winner_take_all() -> None:
    a = train_incidental(12, 36, seeds=6, **FAST, rng=5)
    b = train_incidental(12, 36, seeds=6, **FAST, rng=5)
    assert a.polysemantic == b.polysemantic and np.array_equal(a.W, b.W)
    assert isinstance(a, IncidentalRun)
    assert a.one_neuron >= 0.95  # l1 drives each feature onto one neuron
    assert a.opposite_sign == 1.0  # surviving collisions pair opposite signs
    assert a.loss < 0.05
    assert "polysemantic neurons" in str(a) and "W=" not in repr(a)
    assert set(a.to_dict()) >= {"n", "m", "polysemantic", "init_collisions"}


def test_train_gd_option_runs() -> None:
    r = train_incidental(6, 12, seeds=2, steps=50, lr=0.05, l1=1e-2, optimizer="gd")
    assert r.optimizer == "gd" and len(r.polysemantic) == 2


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n": 8, "m": 4}, ValueError, "m must be >= n"),
        ({"n": 10**12, "m": 10**12}, ValueError, "n must be <= 4096"),
        ({"n": 4, "m": 8, "optimizer": "sgd"}, ValueError, "optimizer must be one of"),
        ({"n": 4, "m": 8, "lr": float("nan")}, ValueError, "lr must be a finite"),
        ({"n": 4, "m": 8, "seeds": True}, TypeError, "seeds must be an integer"),
        ({"n": 4, "m": 8, "l1": -1.0}, ValueError, "l1 must be >= 0"),
        ({"n": 4, "m": 8, "init_std": 0.0}, ValueError, "init_std must be > 0"),
        ({"n": 4096, "m": 65536, "seeds": 64}, ValueError, "would need"),
        ({"n": 4, "m": 8, "seeds": 10**12}, ValueError, "would need"),
        ({"n": 4, "m": 8, "steps": 10**12}, ValueError, "steps must be <= "),
        ({"n": 10**400, "m": 8}, ValueError, "n must be <= "),
    ],
)
def test_train_bad_input(kwargs: dict, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        train_incidental(**kwargs)


def test_train_divergence_is_reported() -> None:
    with pytest.raises(ValueError, match="diverged"):
        train_incidental(4, 8, seeds=1, steps=200, lr=50.0, optimizer="gd")


# ----------------------------------------------------------------------------------------------
# fit, sweep, claims, figure
# ----------------------------------------------------------------------------------------------


def test_fit_recovers_exact_power_law_and_validates() -> None:
    ns, ms = [4, 8, 8, 16, 16], [8, 8, 32, 32, 64]
    counts = [[3 * n * n / m] * 4 for n, m in zip(ns, ms, strict=True)]
    f = fit_exponents(ns, ms, counts, n_boot=20)
    assert isinstance(f, ExponentFit)
    assert f.a == pytest.approx(2.0) and f.b == pytest.approx(-1.0) and f.c == pytest.approx(math.log(3))
    assert f.ci_a[0] == pytest.approx(2.0) and f.ci_b[1] == pytest.approx(-1.0)
    assert 1.5 < f.theory_a <= 2.1 and -1.1 <= f.theory_b < -0.6
    assert "bootstrap" in str(f)
    with pytest.raises(ValueError, match="same length"):
        fit_exponents([4], [8, 16], [[1]])
    with pytest.raises(ValueError, match="at least 3 cells"):
        fit_exponents([4, 8, 16], [8, 16, 32], [[1], [2], [4]])  # on one line in (log n, log m)
    with pytest.raises(ValueError, match="n_boot must be <= "):
        fit_exponents(ns, ms, counts, n_boot=10**12)
    with pytest.raises(ValueError, match="non-negative"):
        fit_exponents([4, 8, 8], [8, 8, 16], [[1], [-1], [2]])


def test_sweep_resumes_from_store(tmp_path) -> None:
    store = tmp_path / "inc.sqlite"
    kw = {"seeds": 2, "settings": {**FAST, "steps": 100}, "runner": Runner(executor="serial", store=str(store))}
    g1 = incidental_sweep([4, 8], [8, 16], **kw)
    g2 = incidental_sweep([4, 8], [8, 16], **kw)
    assert isinstance(g1, IncidentalGrid)
    assert [(r["n"], r["m"]) for r in g1.rows] == [(4, 8), (4, 16), (8, 8), (8, 16)]
    assert g1.rows == g2.rows
    assert "signed exact" in str(g1)
    with pytest.raises(ValueError, match="unknown keys"):
        incidental_sweep([4], [8], settings={"batch": 3}, runner=Runner(executor="serial"))
    with pytest.raises(ValueError, match="no cell with n <= m"):
        incidental_sweep([16], [8], runner=Runner(executor="serial"))


@pytest.mark.slow
def test_claims_quick_consistent_and_able_to_fail() -> None:
    cl = {c.id: c for c in incidental_claims()}
    assert set(cl) == {
        "toy_models.incidental_count",
        "toy_models.incidental_birthday",
        "toy_models.incidental_exponents",
    }
    for c in cl.values():
        assert check(c, quick=True).status == "consistent"
    # the birthday count n^2/2m is NOT what training leaves: the same claim against it is refuted
    wrong = {"n": 16, "m": 48, "seeds": 128, **FAST, "prediction": "birthday"}
    assert check(cl["toy_models.incidental_count"], wrong, trials=1).status == "refuted"
    assert check(cl["toy_models.incidental_count"], {**wrong, "prediction": "signed"}, trials=1).status == "consistent"
    with pytest.raises(ValueError, match="prediction must be"):
        check(cl["toy_models.incidental_count"], {"n": 4, "m": 8, "seeds": 4, "prediction": "x"}, trials=1)


def test_figure() -> None:
    pytest.importorskip("matplotlib")
    from theory.figures.toy_models_incidental import FIGURES, plot_incidental_polysemanticity

    rows = [
        {"n": 8, "m": 32, "polysemantic": [0, 1, 0, 1]},
        {"n": 16, "m": 32, "polysemantic": [2, 1, 2, 1]},
        {"n": 4, "m": 64, "polysemantic": [0, 0]},
    ]
    ax = plot_incidental_polysemanticity(rows)
    assert ax.get_xscale() == "log" and len(ax.lines) >= 4
    with pytest.raises(TypeError, match="grid must be"):
        plot_incidental_polysemanticity([{"n": 3}])
    with pytest.raises(ValueError, match="no cells"):
        plot_incidental_polysemanticity([])
    assert "incidental_polysemanticity" in FIGURES
    import matplotlib.pyplot as plt

    plt.close("all")
