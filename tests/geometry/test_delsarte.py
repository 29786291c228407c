"""Delsarte LP: classical values, exact certification, refusal of bad certificates."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
import sympy as sp

import theory.geometry.delsarte as dl
from theory.geometry import (
    coherence,
    delsarte_lp_bound,
    gegenbauer,
    paley_etf,
    relative_bound,
    simplex,
    steiner_etf,
    verify_delsarte_certificate,
)


def _classical():
    import pathlib

    import theory

    path = pathlib.Path(theory.__file__).parent / "data" / "geometry_classical.json"
    return json.loads(path.read_text())


@pytest.mark.parametrize("dim,degree", [(3, 10), (4, 9), (8, 6), (24, 10)])
def test_kissing_lp_reproduces_published_values(dim, degree):
    case = next(c for c in _classical()["kissing"]["cases"] if c["dim"] == dim)
    b = delsarte_lp_bound(dim=dim, max_cos=0.5, degree=degree)
    assert b.rigorous
    assert b.count == case["lp_floor"]
    assert b.count >= case["kissing_number"]
    # Published to 3 decimals; the certified value exceeds the LP optimum by the tiny shrink.
    assert abs(b.value - case["lp_bound"]) <= 1e-3 + 1e-6 * case["lp_bound"]
    # Certified value is an exact rational f(1)/f_0 of the exact polynomial.
    f = b.polynomial()
    t = sp.Symbol("t")
    assert sp.Rational(f.subs(t, 1)) / b.exact_coefficients[0] == b.exact


@pytest.mark.parametrize("dim,num,den,lines", [(3, 1, 5, 6), (6, 1, 9, 16), (23, 1, 25, 276)])
def test_equiangular_lines_lp(dim, num, den, lines):
    alpha = math.sqrt(num / den)
    b = delsarte_lp_bound(dim=dim, max_cos=alpha, lines=True, degree=2)
    assert b.rigorous and b.count == lines
    assert b.count == relative_bound(dim, alpha).value


def test_lp_bound_never_below_constructions():
    for W in (paley_etf(13), steiner_etf("fano"), steiner_etf("k4")):
        dim, n = W.shape
        b = delsarte_lp_bound(dim=dim, max_cos=coherence(W) + 1e-12, lines=True, degree=4)
        assert b.rigorous and b.count >= n
    assert simplex(5).shape == (5, 6)
    b = delsarte_lp_bound(dim=5, max_cos=-0.2 + 1e-12, degree=2)
    assert b.rigorous and b.count == 6


def test_automatic_degree_finds_r4_plateau():
    b = delsarte_lp_bound(dim=4, max_cos=0.5, max_degree=12)
    assert b.degree == 9 and b.count == 25


def test_exact_certificate_accepts_shrunk_and_refuses_perturbed():
    b = delsarte_lp_bound(dim=8, max_cos=0.5, degree=6)
    ok, val, _ = verify_delsarte_certificate(b.exact_coefficients, dim=8, max_cos=0.5)
    assert ok and val == b.exact
    # Raising f_0 back above its certified value makes f positive near the double roots.
    bumped = list(b.exact_coefficients)
    bumped[0] = bumped[0] + sp.Rational(1, 10**6)
    ok, _, reason = verify_delsarte_certificate(bumped, dim=8, max_cos=0.5)
    assert not ok and ("root" in reason or "left end" in reason)
    # The exact optimum (t+1)(t+1/2)^2 t^2 (t-1/2) touches zero: not strictly negative, refused.
    t = sp.Symbol("t")
    f = sp.Poly(sp.expand((t + 1) * (t + sp.Rational(1, 2)) ** 2 * t**2 * (t - sp.Rational(1, 2))), t)
    P = gegenbauer(6, 8, exact=True)
    # Solve for the Gegenbauer coefficients exactly (triangular system, degree by degree).
    coeffs = [sp.Integer(0)] * 7
    rem = f.as_expr()
    for k in range(6, -1, -1):
        lead = sp.Poly(P[k], t).LC()
        ck = sp.Poly(rem, t).coeff_monomial(t**k) / lead
        coeffs[k] = ck
        rem = sp.expand(rem - ck * P[k])
    assert rem == 0 and all(c >= 0 for c in coeffs[1:])
    assert sp.Rational(f.eval(1)) / coeffs[0] == 240
    ok, _, reason = verify_delsarte_certificate(coeffs, dim=8, max_cos=0.5)
    assert not ok and "left end" in reason  # f(-1) = 0
    ok, _, reason = verify_delsarte_certificate([1, 3, 0.5], dim=3, max_cos=0.1)
    assert not ok and "root" in reason  # negative at -1, positive at 0.1
    # Negative coefficient and odd lines coefficient are refused.
    assert not verify_delsarte_certificate([1, -0.1, 1], dim=3, max_cos=0.1)[0]
    assert not verify_delsarte_certificate([1, 0.5, 1], dim=3, max_cos=0.1, lines=True)[0]


def test_rigorous_flag_only_when_exact_check_passes(monkeypatch):
    monkeypatch.setattr(dl, "verify_delsarte_certificate", lambda *a, **k: (False, None, "forced failure"))
    b = delsarte_lp_bound(dim=8, max_cos=0.5, degree=6)
    assert not b.rigorous and b.exact_coefficients is None
    assert "not certified" in str(b)


def test_failed_exchange_step_keeps_the_previous_polynomial(monkeypatch):
    # The exchange loop solves one LP per step; when a later solve fails on numerics (HiGHS
    # status 4, seen at dim 768 for points), the previous step's polynomial is kept and the
    # certification decides. Here every solve after the first reports failure.
    import scipy.optimize

    real = scipy.optimize.linprog
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        res = real(*args, **kwargs)
        if len(calls) > 1:
            res.status, res.x = 4, None
        return res

    monkeypatch.setattr(scipy.optimize, "linprog", flaky)
    f = dl._solve_lp(3, 0.5, False, 6, None)
    assert f is not None and len(calls) >= 2  # one good solve, then a failed step
    monkeypatch.setattr(scipy.optimize, "linprog", real)
    b = delsarte_lp_bound(dim=3, max_cos=0.5, degree=6)
    assert abs(float(f.sum()) - b.value) < 1e-3 * b.value  # the first step's polynomial


def test_gegenbauer_exact_matches_float_and_sympy():
    x = 0.3
    for dim in (2, 3, 5, 8):
        P = gegenbauer(6, dim, exact=True)
        Pf = gegenbauer(6, dim, t=[x])
        t = sp.Symbol("t")
        for k in range(7):
            assert P[k].subs(t, 1) == 1
            assert abs(float(P[k].subs(t, Fraction(3, 10))) - Pf[k][0]) < 1e-13
        if dim == 3:
            assert all(sp.expand(P[k] - sp.legendre(k, t)) == 0 for k in range(7))
        if dim == 2:
            assert all(sp.expand(P[k] - sp.chebyshevt(k, t)) == 0 for k in range(7))


def test_bad_inputs():
    with pytest.raises(ValueError, match="dim must be an integer >= 2"):
        delsarte_lp_bound(dim=1, max_cos=0.5)
    with pytest.raises(ValueError, match="max_cos"):
        delsarte_lp_bound(dim=3, max_cos=1.0)
    with pytest.raises(ValueError, match="max_cos"):
        delsarte_lp_bound(dim=3, max_cos=-0.1, lines=True)
