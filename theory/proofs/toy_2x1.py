r"""Exact losses and phase boundaries of the 2-feature, 1-dimension toy model.

Features :math:`x_1, x_2` are independent, each present with probability :math:`p` and then
:math:`U[0,1]`; importances :math:`1` and :math:`r`; model :math:`x' = \mathrm{ReLU}(W^\top W x + b)`,
:math:`W \in \mathbb{R}^{1\times 2}`; loss :math:`L = \mathbb{E}[(x_1 - x_1')^2 + r(x_2 - x_2')^2]`.
Each expectation is split over the four presence patterns and integrated exactly with sympy.

1. A dropped feature is best served by the constant bias :math:`b = \mathbb{E}x = p/2`, costing
   :math:`\mathrm{Var}\,x = p/3 - p^2/4` (times its importance).
2. The antipodal pair :math:`W = [1, -1]`, :math:`b = 0` reconstructs a lone feature exactly
   and, when both are present, outputs :math:`\mathrm{ReLU}(x_1 - x_2)`, whose error is
   :math:`\min(x_1, x_2)`: loss :math:`(1+r)p^2\,\mathbb{E}\min(U,V)^2 = (1+r)p^2/6`.
3. Equating the losses gives the boundaries :math:`p^* = 4r/(2+5r)` (:math:`r\le1`) and
   :math:`4/(5+2r)` (:math:`r \ge 1`), meeting at :math:`(1, 4/7)`, and :math:`r = 1` between
   the two non-superposed phases.
4. Remark (checked): :math:`b = 0` is not stationary for the antipodal pair
   (:math:`\partial L/\partial b_1 = -p^2/3` at 0), so its best bias is slightly positive and lowers
   its loss by :math:`O(p^4)`; the candidate losses are upper bounds for that family.

Reference: Elhage et al. (2022), Toy Models of Superposition, arXiv:2209.10652.
"""

from __future__ import annotations

import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def _expect_two(f, x1, x2):
    """E over x1, x2 iid U[0,1] of a piecewise expression."""
    return sp.simplify(sp.integrate(sp.integrate(f, (x1, 0, 1)), (x2, 0, 1)))


def derive() -> Derivation:
    """Derive the 2 -> 1 candidate losses and phase boundaries, checking every step."""
    p, r = sp.symbols("p r", positive=True)
    b = sp.Symbol("b", real=True)
    x1, x2 = sp.symbols("x1 x2", nonnegative=True)
    D = Derivation(
        name="toy_2x1",
        statement=(
            "2 features, 1 dimension: L_not_learned = r(p/3 - p^2/4), L_dedicated = "
            "p/3 - p^2/4, L_superposition = (1+r)p^2/6; superposition is optimal iff "
            "p < 4r/(2+5r) (r <= 1) or p < 4/(5+2r) (r >= 1)"
        ),
        citation=cite("elhage2022"),
    )
    # 1. dropped feature: E[(x - b)^2] with x = 0 w.p. 1-p, U[0,1] w.p. p (and b >= 0 so ReLU(b) = b)
    e_drop = (1 - p) * b**2 + p * sp.integrate((x1 - b) ** 2, (x1, 0, 1))
    b_star = sp.solve(sp.diff(e_drop, b), b)[0]
    D.equal("the best constant output for a dropped feature is its mean p/2", b_star, p / 2)
    var = sp.simplify(e_drop.subs(b, b_star))
    D.equal("its loss is the variance p/3 - p^2/4", var, p / 3 - p**2 / 4)
    L_not = r * var
    L_ded = var
    # 2. antipodal pair, b = 0: error on feature 1 in each presence pattern
    relu = sp.Max
    err1_both = x1 - relu(x1 - x2, 0)
    E_both = _expect_two(sp.Piecewise((err1_both**2, True)).rewrite(sp.Piecewise), x1, x2)
    E_both_direct = sp.integrate(sp.integrate(x2**2, (x2, 0, x1)), (x1, 0, 1)) + sp.integrate(
        sp.integrate(x1**2, (x1, 0, x2)), (x2, 0, 1)
    )
    D.equal(
        "both present: the error x1 - ReLU(x1 - x2) = min(x1, x2) has E[min^2] = 1/6", E_both_direct, sp.Rational(1, 6)
    )
    D.step(
        "sympy's direct integral of (x1 - Max(x1 - x2, 0))^2 agrees",
        sp.Eq(E_both, sp.Rational(1, 6)),
        holds=sp.simplify(E_both - sp.Rational(1, 6)) == 0,
        how="piecewise integration",
    )
    alone = sp.integrate((x1 - relu(x1, 0)) ** 2, (x1, 0, 1))
    other_alone = sp.integrate(relu(-x2, 0) ** 2, (x2, 0, 1))
    D.step(
        "a lone feature is reconstructed exactly and the absent one outputs ReLU(-x) = 0",
        sp.Eq(alone + other_alone, 0),
        holds=sp.simplify(alone + other_alone) == 0,
        how="integration",
    )
    L_sup = (1 + r) * p**2 * sp.Rational(1, 6)
    D.equal("so L_superposition = (1 + r) p^2 / 6 (by symmetry for feature 2)", (1 + r) * p**2 * E_both_direct, L_sup)
    # 3. boundaries
    sol_lo = [s for s in sp.solve(sp.Eq(L_sup, L_not), p) if s != 0]
    D.equal("superposition = not learned at p = 4r/(2 + 5r)", sol_lo[0], 4 * r / (2 + 5 * r))
    sol_hi = [s for s in sp.solve(sp.Eq(L_sup, L_ded), p) if s != 0]
    D.equal("superposition = dedicated at p = 4/(5 + 2r)", sol_hi[0], 4 / (5 + 2 * r))
    D.equal("the boundaries meet at r = 1, p = 4/7", sol_lo[0].subs(r, 1), sp.Rational(4, 7))
    D.equal("not learned = dedicated exactly at r = 1", sp.solve(sp.Eq(L_not, L_ded), r)[0], 1)
    q = sp.Symbol("q", positive=True)  # below the boundary: p = p* / (1 + q)
    gap = sp.factor(sp.simplify((L_not - L_sup).subs(p, 4 * r / (2 + 5 * r) / (1 + q))))
    D.step(
        "below 4r/(2+5r), superposition beats not-learned: the gap is a positive rational",
        sp.Gt(gap, 0),
        holds=bool(sp.simplify(gap).is_positive),
        how="sign of factored form",
    )
    # 4. remark on the bias of the antipodal pair
    c = sp.Symbol("c", nonnegative=True)
    d0 = sp.diff(sp.integrate(sp.integrate((x1 - sp.Max(x1 - x2 + c, 0)) ** 2, (x1, 0, 1)), (x2, 0, 1)), c).subs(c, 0)
    D.equal(
        "d/db1 of the co-occurrence loss at b1 = 0 is -1/3 (so the optimal bias is > 0)",
        sp.simplify(d0),
        sp.Rational(-1, 3),
    )
    # 5. the library agrees exactly at rational points
    from theory.toy_models import candidate_losses_2x1, phase_boundary_2x1

    pts = [(sp.Rational(a, 10), sp.Rational(c2, 4)) for a in range(1, 11) for c2 in range(1, 13)]
    ok = True
    for pp, rr in pts:
        got = candidate_losses_2x1(p=float(pp), r=float(rr))
        want = {"not learned": L_not, "dedicated": L_ded, "superposition": L_sup}
        ok &= all(abs(got[k] - float(v.subs({p: pp, r: rr}))) < 1e-14 for k, v in want.items())
        bnd = (sol_lo[0] if rr <= 1 else sol_hi[0]).subs(r, rr)
        ok &= abs(phase_boundary_2x1(r=float(rr)) - float(bnd)) < 1e-14
    D.step(
        "theory.toy_models.candidate_losses_2x1 and phase_boundary_2x1 equal the sympy "
        "expressions at 120 rational points",
        sp.true,
        holds=bool(ok),
        how="exact vs float",
    )
    D.result = sp.Piecewise((4 * r / (2 + 5 * r), r <= 1), (4 / (5 + 2 * r), True))
    return D
