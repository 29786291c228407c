r"""Collision counts behind incidental polysemanticity: the birthday and the signed count.

Each of ``n`` features picks one of ``m`` neurons uniformly and independently (its winner at
initialisation). The number of neurons picked by at least two features has expectation

.. math::

    E\,C = m\Big(1 - \big(1 - \tfrac1m\big)^n - \tfrac nm\big(1 - \tfrac1m\big)^{n-1}\Big)
         = \frac{n(n-1)}{2m} + O(m^{-2}),

by linearity over neurons (a neuron's load is :math:`\mathrm{Bin}(n, 1/m)`). If each feature also
carries a uniform sign and a neuron counts only when it holds features of *both* signs (same-sign
pairs interfere and one is pushed off, opposite-sign pairs survive the output ReLU), inclusion and
exclusion over "no positive" and "no negative" feature give

.. math::

    E\,C_\pm = m\Big(1 - 2\big(1 - \tfrac1{2m}\big)^n + \big(1 - \tfrac1m\big)^n\Big)
             = \frac{n(n-1)}{4m} + O(m^{-2}).

Both are checked against exhaustive enumeration of every assignment on small cases (exact
rationals) and expanded in :math:`1/m` with sympy. ``theory.toy_models.birthday_collisions`` and
``signed_collisions`` evaluate them.

Reference: Lecomte, V., Thaman, K., Schaeffer, R., Bashkansky, N., Chow, T. and Koyejo, S. (2023).
What causes polysemanticity? An alternative origin story of mixed selectivity from incidental
causes. arXiv:2312.03096.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def _brute(n: int, m: int, signed: bool) -> Fraction:
    """Exact mean count over every assignment of the ``n`` features (and signs) to ``m`` neurons."""
    total, count = 0, 0
    choices = [(j, s) for j in range(m) for s in ((1, -1) if signed else (1,))]
    for assignment in itertools.product(choices, repeat=n):
        if signed:
            hit = sum(1 for j in range(m) if (j, 1) in assignment and (j, -1) in assignment)
        else:
            hit = sum(1 for j in range(m) if sum(1 for a in assignment if a[0] == j) >= 2)
        total += hit
        count += 1
    return Fraction(total, count)


def derive() -> Derivation:
    """Derive both expected counts, checking each step with sympy and by enumeration."""
    D = Derivation(
        name="incidental_collisions",
        statement=(
            "n features each on a uniform one of m neurons: E[#neurons with >= 2 features] = "
            "m(1 - (1-1/m)^n - (n/m)(1-1/m)^(n-1)) ~ n(n-1)/(2m); with uniform signs, "
            "E[#neurons with both signs] = m(1 - 2(1-1/(2m))^n + (1-1/m)^n) ~ n(n-1)/(4m)"
        ),
        citation=(cite("lecomte2023", detail="counting model of incidental polysemanticity")),
    )
    n, m = sp.symbols("n m", positive=True)
    x = sp.Symbol("x", positive=True)  # x = 1/m
    q = 1 / m
    p0 = (1 - q) ** n
    p1 = n * q * (1 - q) ** (n - 1)
    # Step 1: the binomial load of one neuron
    for nn in range(1, 6):
        pmf = [sp.binomial(nn, kk) * q**kk * (1 - q) ** (nn - kk) for kk in range(nn + 1)]
        D.equal(f"n = {nn}: the Bin(n, 1/m) probabilities sum to 1", sp.simplify(sum(pmf)), 1)
        D.equal(
            f"n = {nn}: P(load 0) + P(load 1) = (1-1/m)^n + (n/m)(1-1/m)^(n-1)",
            sp.simplify(pmf[0] + pmf[1] - (p0 + p1).subs(n, nn)),
            0,
        )
    birthday = m * (1 - p0 - p1)
    signed = m * (1 - 2 * (1 - q / 2) ** n + (1 - q) ** n)
    # Step 2: exact agreement with enumeration of every assignment
    for nn, mm in ((2, 2), (3, 2), (3, 3), (4, 3), (5, 2), (4, 4)):
        D.equal(
            f"birthday count, n = {nn}, m = {mm}: formula = enumeration of all {mm}^{nn} assignments",
            sp.nsimplify(birthday.subs({n: nn, m: mm})),
            sp.Rational(*_frac(_brute(nn, mm, False))),
        )
    for nn, mm in ((2, 2), (3, 2), (3, 3), (4, 2), (4, 3)):
        D.equal(
            f"signed count, n = {nn}, m = {mm}: formula = enumeration of all (2m)^n assignments",
            sp.nsimplify(signed.subs({n: nn, m: mm})),
            sp.Rational(*_frac(_brute(nn, mm, True))),
        )
    # Step 3: leading order in 1/m
    lead_b = sp.series(birthday.subs(m, 1 / x), x, 0, 2).removeO()
    D.equal("birthday count = n(n-1)/(2m) + O(1/m^2)", sp.simplify(lead_b - n * (n - 1) / 2 * x), 0)
    lead_s = sp.series(signed.subs(m, 1 / x), x, 0, 2).removeO()
    D.equal(
        "signed count = n(n-1)/(4m) + O(1/m^2): half the birthday count", sp.simplify(lead_s - n * (n - 1) / 4 * x), 0
    )
    D.result = (sp.simplify(birthday), sp.simplify(signed))
    return D


def _frac(f: Fraction) -> tuple[int, int]:
    return f.numerator, f.denominator
