r"""Sparse-limit loss integrals for symmetric feature geometries (k-gons, polytopes).

With one active feature :math:`v \sim U[0,1]` (the order-:math:`p` term of the loss), a feature
of squared norm :math:`\alpha`, common bias :math:`-t \le 0` and another feature at cosine
:math:`c` (interference coefficient :math:`\gamma = \alpha c`):

1. :math:`\mathbb{E}\,\mathrm{ReLU}(\gamma v - t)^2 = (\gamma - t)^3 / (3\gamma)` for
   :math:`\gamma > t`, and 0 otherwise;
2. :math:`\mathbb{E}(v - \mathrm{ReLU}(\alpha v - t))^2 = s^3/3 + [((1-\alpha)+t)^3 -
   ((1-\alpha)s+t)^3] / (3(1-\alpha))` with :math:`s = t/\alpha < 1`;
3. the digon, triangle, square, tetrahedron and octahedron have no positive cosine, so with
   :math:`\alpha = 1, t = 0` their order-:math:`p` loss is exactly 0; the pentagon has
   :math:`\cos 72^\circ = (\sqrt5 - 1)/4 > 0`;
4. order :math:`p^2` for those geometries: two co-active features at cosine :math:`-\gamma` give
   :math:`\mathbb{E}\min(u, \gamma w)^2 = \gamma^2/3 - \gamma^3/6` each, so the digon's
   :math:`p^2` coefficient is 1/3 (as in the exact 2 → 1 theory), the triangle's 3/8 and the
   square's 2/3.

The optimisation over :math:`(\alpha, t)` done by ``theory.toy_models.polytopes`` is numerical.
Reference: Elhage et al. (2022), Toy Models of Superposition, arXiv:2209.10652.
"""

from __future__ import annotations

import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive"]


def derive() -> Derivation:
    """Derive the elementary integrals of the sparse-limit loss and check the library's forms."""
    v = sp.Symbol("v", nonnegative=True)
    g, a, t = sp.symbols("gamma alpha t", positive=True)
    D = Derivation(
        name="toy_polytopes",
        statement=(
            "order-p loss integrals of symmetric geometries: E ReLU(g v - t)^2 = "
            "(g - t)^3/(3g) (g > t); self term closed form; k <= 4 gons, tetrahedron, "
            "octahedron have zero order-p loss"
        ),
        citation=cite("elhage2022"),
    )
    tail = sp.integrate((g * v - t) ** 2, (v, t / g, 1))
    D.equal("E ReLU(g v - t)^2 over v > t/g equals (g - t)^3 / (3 g) when g > t", tail, (g - t) ** 3 / (3 * g))
    s = t / a
    self_int = sp.integrate(v**2, (v, 0, s)) + sp.integrate((v - (a * v - t)) ** 2, (v, s, 1))
    beta = 1 - a
    closed = s**3 / 3 + ((beta + t) ** 3 - (beta * s + t) ** 3) / (3 * beta)
    D.equal("self term for t < alpha: s^3/3 + ((1-a)+t)^3 - ((1-a)s+t)^3)/(3(1-a))", self_int, closed)
    D.equal(
        "self term at alpha = 1, t = 0: the output is v, so the error integral is 0",
        sp.integrate((v - sp.Max(v - 0, 0)) ** 2, (v, 0, 1)),
        0,
    )
    cosines = {
        "digon": [sp.Integer(-1)],
        "triangle": [sp.cos(2 * sp.pi / 3)],
        "square": [sp.cos(sp.pi / 2), sp.cos(sp.pi)],
        "tetrahedron": [sp.Rational(-1, 3)],
        "octahedron": [sp.Integer(0), sp.Integer(-1)],
    }
    for name, cs in cosines.items():
        D.step(
            f"{name}: every cosine between distinct vertices is <= 0, so no interference at "
            "order p (ReLU(alpha c v) = 0)",
            sp.And(*[sp.Le(sp.nsimplify(c), 0) for c in cs]),
        )
    c72 = sp.cos(2 * sp.pi / 5)
    D.equal("pentagon: cos 72 deg = (sqrt 5 - 1)/4 > 0 (interference at order p)", c72, (sp.sqrt(5) - 1) / 4)
    # order p^2: two co-active features at cosine -gamma (norm 1, bias 0); the error on the
    # first is min(u, gamma w)^2 (u - ReLU(u - gamma w))
    u, w = sp.symbols("u w", nonnegative=True)
    gam = sp.Symbol("gamma_", positive=True)
    inner = sp.integrate(u**2, (u, 0, gam * w)) + sp.integrate((gam * w) ** 2, (u, gam * w, 1))
    msq = sp.simplify(sp.integrate(inner, (w, 0, 1)))
    D.equal(
        "E min(u, g w)^2 = g^2/3 - g^3/6 for 0 < g <= 1 (u, w ~ U[0,1]); the p^2 term of a pair at cosine -g",
        msq,
        gam**2 / 3 - gam**3 / 6,
    )
    pm = sp.Symbol("p", positive=True)
    r = sp.Symbol("r", positive=True)
    digon_c2 = 2 * msq.subs(gam, 1)
    D.equal(
        "digon: c2 = 2 E min(u, w)^2 = 1/3, the (1 + r)/6 of the 2 -> 1 superposition loss "
        "(1 + r) p^2/6 at r = 1 (proofs/toy_2x1.py)",
        digon_c2,
        sp.limit(((1 + r) * pm**2 / 6).subs(r, 1) / pm**2, pm, 0),
    )
    D.equal(
        "triangle: 3 pairs at cosine -1/2 give c2 = 3 * 2 (1/12 - 1/48) = 3/8",
        3 * 2 * msq.subs(gam, sp.Rational(1, 2)),
        sp.Rational(3, 8),
    )
    D.equal(
        "square: 2 antipodal pairs (c2 1/3 each), 4 orthogonal pairs (0): c2 = 2/3", 2 * digon_c2, sp.Rational(2, 3)
    )
    from theory.toy_models.polytopes import min_square_moment, relu_tail_moment, self_term

    D.step(
        "theory.toy_models.polytopes.min_square_moment equals the sympy form on a grid",
        sp.true,
        holds=all(
            abs(min_square_moment(i / 10) - float(msq.subs(gam, sp.Rational(i, 10)))) < 1e-15 for i in range(1, 11)
        ),
        how="exact vs float",
    )

    pts = [(sp.Rational(i, 7), sp.Rational(j, 9)) for i in range(1, 20) for j in range(0, 9)]
    ok = True
    for aa, tt in pts:
        if tt < aa and aa != 1:
            want = closed.subs({a: aa, t: tt})
            ok &= abs(self_term(float(aa), float(tt)) - float(want)) < 1e-12
        if aa > tt:
            ok &= abs(relu_tail_moment(float(aa), float(tt)) - float(tail.subs({g: aa, t: tt}))) < 1e-12
    D.step(
        "theory.toy_models.polytopes.self_term and relu_tail_moment equal the sympy forms "
        "on a grid of rational (alpha, t)",
        sp.true,
        holds=bool(ok),
        how="exact vs float",
    )
    D.result = (g - t) ** 3 / (3 * g)
    return D
