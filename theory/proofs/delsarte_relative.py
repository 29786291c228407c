r"""The degree-2 Delsarte polynomial gives the relative bound for lines.

For lines in :math:`\mathbb{R}^d` with :math:`|\cos| \le \alpha` and :math:`d\alpha^2 < 1`, take the
even polynomial :math:`f(t) = t^2 - \alpha^2 = f_0 + f_2 P_2(t)` with
:math:`P_2(t) = (d t^2 - 1)/(d - 1)`. Then :math:`f \le 0` on :math:`[-\alpha, \alpha]`,
:math:`f_2 = (d-1)/d > 0`, :math:`f_0 = 1/d - \alpha^2 > 0`, and the Delsarte bound is

.. math:: n \le \frac{f(1)}{f_0} = \frac{1 - \alpha^2}{1/d - \alpha^2} = \frac{d(1-\alpha^2)}{1 - d\alpha^2}.

Reference: Delsarte, Goethals, Seidel (1977) doi:10.1007/BF03187604; Lemmens & Seidel (1973)
doi:10.1016/0021-8693(73)90123-3.
"""

from __future__ import annotations

import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def derive() -> Derivation:
    """Derive the relative bound from the degree-2 Delsarte polynomial."""
    D = Derivation(
        name="delsarte_relative",
        statement="f(t) = t^2 - alpha^2 certifies n <= d(1 - alpha^2)/(1 - d alpha^2) when d alpha^2 < 1",
        citation=cite("delsarte1977", "lemmens_seidel1973"),
    )
    t, a = sp.symbols("t alpha", real=True)
    d = sp.Symbol("d", positive=True)
    P2 = (d * t**2 - 1) / (d - 1)
    f0 = 1 / d - a**2
    f2 = (d - 1) / d
    D.equal(
        "t^2 - alpha^2 = f_0 + f_2 P_2(t) with f_0 = 1/d - alpha^2, f_2 = (d-1)/d", sp.expand(f0 + f2 * P2), t**2 - a**2
    )
    from theory.geometry import gegenbauer

    for dd in (3, 7, 23):
        D.equal(
            f"P_2 from theory.geometry.gegenbauer equals (d t^2 - 1)/(d - 1) for d = {dd}",
            gegenbauer(2, dd, exact=True)[2],
            P2.subs(d, dd).subs(t, sp.Symbol("t")),
        )
    D.equal("f(1)/f_0 = d (1 - alpha^2)/(1 - d alpha^2)", sp.simplify((1 - a**2) / f0), d * (1 - a**2) / (1 - d * a**2))
    D.step(
        "f <= 0 on [-alpha, alpha]: t^2 - alpha^2 <= 0 there (max at the ends, = 0)",
        sp.Eq((t**2 - a**2).subs(t, a), 0),
        holds=True,
        how="t^2 <= alpha^2 on the interval",
    )
    from theory.geometry import relative_bound, verify_delsarte_certificate

    for dd, alpha, expect in ((7, sp.Rational(1, 3), 28), (23, sp.Rational(1, 5), 276), (6, sp.Rational(1, 3), 16)):
        val = (d * (1 - a**2) / (1 - d * a**2)).subs({d: dd, a: alpha})
        D.equal(f"d = {dd}, alpha = {alpha}: the bound is {expect}", val, expect)
        D.step(
            f"theory.geometry.relative_bound({dd}, {alpha}) = {expect}",
            sp.Eq(sp.Integer(int(relative_bound(dd, float(alpha)).value)), expect),
            holds=relative_bound(dd, float(alpha)).value == expect,
            how="library value",
        )
        # Shrink f_0 slightly: the certificate is then strictly negative and checked exactly.
        coeffs = [sp.Rational(1, dd) - alpha**2 - sp.Rational(1, 10**9), sp.Integer(0), sp.Rational(dd - 1, dd)]
        ok, bound, _ = verify_delsarte_certificate(coeffs, dim=dd, max_cos=float(alpha), lines=True)
        D.step(
            f"exact Sturm certificate (f_0 lowered by 1e-9) gives floor(bound) = {expect}",
            sp.Eq(sp.floor(bound), expect) if ok else sp.false,
            holds=bool(ok) and sp.floor(bound) == expect,
            how="verify_delsarte_certificate",
        )
    D.result = d * (1 - a**2) / (1 - d * a**2)
    return D
