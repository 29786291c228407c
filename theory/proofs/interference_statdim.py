r"""The statistical dimension of the l1 descent cone: the closed form of the Gaussian integral
and the stationarity equation used by ``theory.interference.statistical_dimension_l1``.

With :math:`g \sim N(0,1)` and :math:`\varphi` its density,

1. :math:`E[(|g|-\tau)_+^2] = 2\int_\tau^\infty (g-\tau)^2\varphi(g)\,dg
   = (1+\tau^2)\operatorname{erfc}(\tau/\sqrt2) - \tau\sqrt{2/\pi}\,e^{-\tau^2/2}`;
2. :math:`\frac{d}{d\tau} E[(|g|-\tau)_+^2] = -2E[(|g|-\tau)_+]`, and
   :math:`E[(|g|-\tau)_+] = 2\varphi(\tau) - \tau\operatorname{erfc}(\tau/\sqrt2)`;
3. so the minimiser of :math:`\varepsilon(1+\tau^2) + (1-\varepsilon)E[(|g|-\tau)_+^2]` solves
   :math:`\varepsilon\tau = (1-\varepsilon)E[(|g|-\tau)_+]` (the objective is convex in
   :math:`\tau`: its second derivative is :math:`2\varepsilon + 2(1-\varepsilon)\operatorname{erfc}(\tau/\sqrt2) > 0`);
4. the one-sided (nonnegative) integrals are exactly half of the two-sided ones;
5. the library's floating-point tails agree with the exact expressions.

Reference: Amelunxen, Lotz, McCoy, Tropp (2014), arXiv:1303.6672, Prop. 4.5.
"""

from __future__ import annotations

import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def derive() -> Derivation:
    """Derive the closed forms and the stationarity equation, checking each with sympy."""
    g = sp.Symbol("g", real=True)
    tau = sp.Symbol("tau", positive=True)  # tau = 0 follows by continuity (step 6 checks it)
    eps = sp.Symbol("epsilon", positive=True)
    phi = sp.exp(-(g**2) / 2) / sp.sqrt(2 * sp.pi)
    D = Derivation(
        name="interference_statdim",
        statement=(
            "delta(D(||.||_1, x)) <= n inf_tau {eps(1+tau^2) + (1-eps)[(1+tau^2) erfc(tau/sqrt2) "
            "- tau sqrt(2/pi) exp(-tau^2/2)]}, eps = k/n; minimiser solves eps tau = (1-eps) "
            "(2 phi(tau) - tau erfc(tau/sqrt2))"
        ),
        citation=cite("amelunxen2014"),
    )
    one_sided2 = sp.integrate((g - tau) ** 2 * phi, (g, tau, sp.oo))
    closed2 = (1 + tau**2) * sp.erfc(tau / sp.sqrt(2)) - tau * sp.sqrt(2 / sp.pi) * sp.exp(-(tau**2) / 2)
    D.equal(
        "E(|g| - tau)_+^2 = 2 int_tau^oo (g - tau)^2 phi(g) dg in closed form",
        sp.simplify((2 * one_sided2 - closed2).rewrite(sp.erfc)),
        0,
    )
    one_sided1 = sp.integrate((g - tau) * phi, (g, tau, sp.oo))
    closed1 = 2 * sp.exp(-(tau**2) / 2) / sp.sqrt(2 * sp.pi) - tau * sp.erfc(tau / sp.sqrt(2))
    D.equal(
        "E(|g| - tau)_+ = 2 phi(tau) - tau erfc(tau/sqrt 2)",
        sp.simplify((2 * one_sided1 - closed1).rewrite(sp.erfc)),
        0,
    )
    D.equal("d/dtau E(|g| - tau)_+^2 = -2 E(|g| - tau)_+", sp.simplify(sp.diff(closed2, tau) + 2 * closed1), 0)
    obj = eps * (1 + tau**2) + (1 - eps) * closed2
    D.equal(
        "stationarity: d/dtau objective = 2 (eps tau - (1 - eps) E(|g| - tau)_+)",
        sp.simplify(sp.diff(obj, tau) - 2 * (eps * tau - (1 - eps) * closed1)),
        0,
    )
    D.equal(
        "convexity: d^2/dtau^2 objective = 2 eps + 2 (1 - eps) erfc(tau/sqrt 2) > 0",
        sp.simplify(sp.diff(obj, tau, 2) - (2 * eps + 2 * (1 - eps) * sp.erfc(tau / sp.sqrt(2)))),
        0,
    )
    D.equal("at tau = 0 the objective equals 1 (no shrinkage: the whole space)", sp.simplify(obj.subs(tau, 0)), 1)
    # the library's floating-point implementation against the exact expressions
    from theory.interference.recovery import _tail1, _tail2

    pts = [sp.Rational(j, 4) for j in range(0, 17)]
    ok = all(
        abs(_tail2(float(t), False) - float(sp.N(closed2.subs(tau, t), 30))) < 1e-14
        and abs(_tail1(float(t), False) - float(sp.N(closed1.subs(tau, t), 30))) < 1e-14
        and abs(_tail2(float(t), True) - float(sp.N((closed2 / 2).subs(tau, t), 30))) < 1e-14
        for t in pts
    )
    D.step(
        "theory.interference.recovery tails equal the exact closed forms (30 digits) at "
        "tau = 0, 1/4, ..., 4 to 1e-14, two- and one-sided",
        sp.Eq(sp.Symbol("tails"), sp.Symbol("exact")),
        holds=ok,
        how="sympy.N(..., 30) vs float",
    )
    D.result = closed2
    return D
