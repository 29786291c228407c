r"""Exact feature dimensionalities of the toy-model polytopes from exact coordinates.

For a frame of ``n`` unit vectors, :math:`D_i = 1/\sum_j \langle w_i, w_j\rangle^2`. From exact
coordinates (sympy radicals) we compute each polytope's :math:`D_i` and compare with Elhage et
al.'s values: digon 1/2, triangle 2/3, tetrahedron 3/4, pentagon 2/5, square antiprism 3/8
(the tight one, heights :math:`\pm 1/\sqrt 2`), octahedron 1/2, icosahedron 1/4.

Reference: Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
"""

from __future__ import annotations

import sympy as sp

from theory._references import cite
from theory.proofs._derivation import Derivation

__all__ = ["derive", "exact_polytopes"]


def exact_polytopes() -> dict[str, sp.Matrix]:
    """Exact (unnormalised) coordinates; columns are the vertices."""
    s5 = sp.sqrt(5)
    g = (1 + s5) / 2
    polys: dict[str, sp.Matrix] = {
        "digon": sp.Matrix([[1, -1]]),
        "triangle": sp.Matrix(
            [[sp.cos(2 * sp.pi * k / 3) for k in range(3)], [sp.sin(2 * sp.pi * k / 3) for k in range(3)]]
        ),
        "pentagon": sp.Matrix(
            [[sp.cos(2 * sp.pi * k / 5) for k in range(5)], [sp.sin(2 * sp.pi * k / 5) for k in range(5)]]
        ),
        "tetrahedron": sp.Matrix([[1, 1, -1, -1], [1, -1, 1, -1], [1, -1, -1, 1]]),
        "octahedron": sp.Matrix([[1, 0, 0, -1, 0, 0], [0, 1, 0, 0, -1, 0], [0, 0, 1, 0, 0, -1]]),
        "square_antiprism": sp.Matrix(
            [
                [sp.cos(sp.pi * k / 4) for k in range(8)],
                [sp.sin(sp.pi * k / 4) for k in range(8)],
                [(1 if k % 2 == 0 else -1) / sp.sqrt(2) for k in range(8)],
            ]
        ),
    }
    ico = []
    for s1 in (1, -1):
        for s2 in (1, -1):
            ico += [(0, s1, s2 * g), (s1, s2 * g, 0), (s2 * g, 0, s1)]
    polys["icosahedron"] = sp.Matrix(ico).T
    return polys


EXPECTED = {
    "digon": sp.Rational(1, 2),
    "triangle": sp.Rational(2, 3),
    "pentagon": sp.Rational(2, 5),
    "tetrahedron": sp.Rational(3, 4),
    "octahedron": sp.Rational(1, 2),
    "square_antiprism": sp.Rational(3, 8),
    "icosahedron": sp.Rational(1, 4),
}


def derive() -> Derivation:
    """Compute every D_i exactly and compare with the published sticky values."""
    D = Derivation(
        name="polytopes",
        statement="feature dimensionalities of the toy-model polytopes: 1/2, 2/3, 2/5, 3/4, 1/2, 3/8, 1/4",
        citation=cite("elhage2022"),
    )
    import numpy as np

    from theory.geometry import feature_dimensionality, polytope

    for name, M in exact_polytopes().items():
        cols = [M[:, j] / sp.sqrt(sum(x**2 for x in M[:, j])) for j in range(M.cols)]
        Ds = set()
        for i in range(len(cols)):
            tot = sum(sp.nsimplify(sp.simplify((cols[i].T * c)[0] ** 2)) for c in cols)
            Ds.add(sp.nsimplify(sp.simplify(1 / tot)))
        D.step(
            f"{name}: every D_i equals {EXPECTED[name]} (exact coordinates)",
            sp.Eq(sp.FiniteSet(*Ds), sp.FiniteSet(EXPECTED[name])),
            holds=Ds == {EXPECTED[name]},
            how="exact sympy arithmetic",
        )
        lib = feature_dimensionality(polytope(name))
        D.step(
            f"{name}: theory.geometry.feature_dimensionality(polytope({name!r})) agrees",
            sp.Eq(sp.Float(float(lib.mean()), 12), sp.Float(float(EXPECTED[name]), 12)),
            holds=bool(np.allclose(lib, float(EXPECTED[name]), atol=1e-12)),
            how="float vs exact",
        )
    return D
