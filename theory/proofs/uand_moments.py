r"""Exact error moments of the U-AND read-off (Bernoulli and sign read-offs).

Bernoulli construction (Hänni, Mendel, Vaintrob & Chan 2024): a neuron wired to both inputs of
the pair has activation :math:`f(X) = \max(j + X - 1, 0)` where ``j`` of the pair's inputs are
active and :math:`X \sim \mathrm{Bin}(s', p)` counts the other active inputs wired to it
(independent of the event "wired to the pair"). With the probability generating function
:math:`G(t) = (1 - p + p t)^{s'}`: :math:`E X = G'(1)`, :math:`E X(X-1) = G''(1)`,
:math:`P(X = 0) = G(0)`. Then

* ``j = 2``: :math:`f = X + 1`, error mean :math:`s' p`, variance of one neuron :math:`s' p (1-p)`;
* ``j = 1``: :math:`f = X`, the same moments;
* ``j = 0``: :math:`f = X - 1 + 1[X = 0]`, mean :math:`s' p - 1 + (1-p)^{s'}`;

and the read-off, a mean over :math:`N \sim \mathrm{Bin}(d, p^2)` iid neurons given :math:`N \ge 1`,
has variance :math:`E[1/N \mid N \ge 1]\,\mathrm{Var} f`; since :math:`E[1/N] \approx 1/(d p^2)`,
:math:`\mathrm{Var} \approx s'(1-p)/(d p)`, the papers' heuristic.

Sign read-off: for a symmetric pre-activation :math:`S` with :math:`E S^2 = s`,
:math:`E[\mathrm{ReLU}(S)^2] = s/2`; for Rademacher weights the gain with no other active input
is :math:`g(0) = 1/2`; for Gaussian weights :math:`g(0) = E\min(|w_i|,|w_j|)/2 = (2-\sqrt2)/\sqrt{2\pi}`.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp
from scipy import stats

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def derive() -> Derivation:
    """Derive the U-AND read-off moments, checking each step with sympy."""
    p, t = sp.symbols("p t", positive=True)
    n = sp.Symbol("n", positive=True, integer=True)
    D = Derivation(
        name="uand_moments",
        statement=(
            "Bernoulli U-AND read-off of AND(x_i, x_j) with s' other active inputs: error mean "
            "s'p and variance E[1/N | N>=1] s'p(1-p) ~ s'(1-p)/(dp) (one or both inputs "
            "active); sign read-off variance (s/2 - g^2 AND)/(d g^2)"
        ),
        citation=(cite("hanni2024", "vaintrob2024")),
    )
    G = (1 - p + p * t) ** n
    EX = sp.diff(G, t).subs(t, 1)
    EXX1 = sp.diff(G, t, 2).subs(t, 1)
    D.equal("E X = G'(1) = n p for X ~ Bin(n, p)", EX, n * p)
    D.equal("E X(X-1) = G''(1) = n(n-1)p^2", EXX1, n * (n - 1) * p**2)
    varX = sp.simplify(EXX1 + EX - EX**2)
    D.equal("Var X = n p (1 - p)", varX, n * p * (1 - p))
    D.equal("P(X = 0) = G(0) = (1-p)^n", G.subs(t, 0), (1 - p) ** n)

    # j = 2 and j = 1: f = X + j - 1 is X shifted; error mean = n p (target subtracted)
    for j in (2, 1):
        target = 1 if j == 2 else 0
        D.equal(f"j = {j}: E[f(X)] - target = n p", EX + (j - 1) - target, n * p)

    # j = 0: f = X - 1 + 1[X=0] (checked pointwise), mean and second moment
    D.step(
        "j = 0: max(X - 1, 0) = X - 1 + [X = 0] for X = 0..5",
        sp.true,
        holds=all(max(x - 1, 0) == x - 1 + (x == 0) for x in range(6)),
        how="pointwise",
    )
    mean0 = EX - 1 + (1 - p) ** n
    second0 = (varX + (EX - 1) ** 2) - (1 - p) ** n  # f^2 = (X-1)^2 - [X=0]
    D.step(
        "j = 0: f^2 = (X - 1)^2 - [X = 0] for X = 0..5",
        sp.true,
        holds=all(max(x - 1, 0) ** 2 == (x - 1) ** 2 - (x == 0) for x in range(6)),
        how="pointwise",
    )
    # check the j = 0 moments by summing the binomial pmf exactly for n = 0..6
    ok = True
    for nn in range(7):
        pmf = [sp.binomial(nn, x) * p**x * (1 - p) ** (nn - x) for x in range(nn + 1)]
        m1 = sum(w * max(x - 1, 0) for x, w in enumerate(pmf))
        m2 = sum(w * max(x - 1, 0) ** 2 for x, w in enumerate(pmf))
        ok &= sp.expand(m1 - mean0.subs(n, nn)) == 0 and sp.expand(m2 - second0.subs(n, nn)) == 0
    D.step(
        "j = 0: E f = n p - 1 + (1-p)^n and E f^2 = Var X + (n p - 1)^2 - (1-p)^n (exact pmf sums, n = 0..6)",
        sp.Eq(sp.Symbol("E_f"), mean0),
        holds=ok,
        how="expand(sum over pmf - closed form) == 0",
    )

    # variance of a mean of N iid neurons, and its large-d limit
    d = sp.Symbol("d", positive=True)
    heur = n * p * (1 - p) / (d * p**2)
    D.equal("with E[1/N] ~ 1/(d p^2): Var ~ n p (1-p)/(d p^2) = n (1-p)/(d p)", heur, n * (1 - p) / (d * p))
    # E[1/N | N>=1] >= 1/E[N | N>=1] (Jensen) so the heuristic underestimates; checked exactly
    q = sp.Rational(1, 9)
    dd = 12
    pmfN = [sp.binomial(dd, k) * q**k * (1 - q) ** (dd - k) for k in range(dd + 1)]
    inv = sum(w / k for k, w in enumerate(pmfN) if k) / (1 - pmfN[0])
    condmean = sum(w * k for k, w in enumerate(pmfN)) / (1 - pmfN[0])
    D.step(
        "Jensen: E[1/N | N>=1] >= 1/E[N | N>=1] (d = 12, p^2 = 1/9, exact)",
        sp.Ge(inv, 1 / condmean),
        holds=bool(inv >= 1 / condmean),
        how="exact rationals",
    )

    # library agreement: theory.circuits.uand_error_moments against the closed forms
    from theory.circuits import uand_error_moments

    ok = True
    for dv, pv, s_other, j in itertools.product((50, 400), (0.05, 0.3), (0, 1, 4), (0, 1, 2)):
        mom = uand_error_moments(d=dv, p=pv, s=s_other + j, active=j)
        mean_cf = float((mean0 if j == 0 else EX).subs({n: s_other, p: pv}))
        var_f = float(((second0 - mean0**2) if j == 0 else varX).subs({n: s_other, p: pv}))
        k = np.arange(1, dv + 1)
        w = stats.binom.pmf(k, dv, pv**2)
        einv = (w / k).sum() / w.sum()
        ok &= abs(mom.mean - mean_cf) < 1e-12 and abs(mom.var - einv * var_f) < 1e-12 * max(1, var_f)
    D.step(
        "theory.circuits.uand_error_moments equals the closed forms (36 parameter sets)",
        sp.true,
        holds=bool(ok),
        how="float comparison to 1e-12",
    )

    # sign read-off
    S = sp.Symbol("S", real=True)
    sig = sp.Symbol("sigma", positive=True)
    dens = sp.exp(-(S**2) / (2 * sig**2)) / sp.sqrt(2 * sp.pi * sig**2)
    relu2 = sp.integrate(S**2 * dens, (S, 0, sp.oo))
    D.equal("Gaussian S ~ N(0, s): E[ReLU(S)^2] = s/2", relu2, sig**2 / 2)
    D.equal(
        "Rademacher gain g(0) = E[s_i s_j ReLU(w_i + w_j)] = (2 + 0 + 0 + 0)/4 = 1/2",
        sp.Rational(1, 4) * (2 + 0 - 0 - 0),
        sp.Rational(1, 2),
    )
    u = sp.Symbol("u", nonnegative=True)
    tail = sp.erfc(u / sp.sqrt(2))  # P(|w| > u)
    emin = sp.integrate(tail**2, (u, 0, sp.oo))
    D.equal(
        "Gaussian gain g(0) = E min(|w_i|,|w_j|)/2 = (2 - sqrt 2)/sqrt(2 pi)",
        sp.nsimplify(sp.simplify(emin / 2)),
        (2 - sp.sqrt(2)) / sp.sqrt(2 * sp.pi),
    )
    D.result = n * (1 - p) / (d * p)
    return D
