"""Stage 3 of ``pack``: the sequential LP polish, whose solves start from the previous basis.

The oracle for each warm-started solve is a cold solve (presolve, then dual simplex) of the same LP through
SciPy; the oracle for the whole polish is an optimum known in closed form.
"""

import math

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csc_matrix

from theory.geometry._packing.objective import coherence, normalize
from theory.geometry._packing.stages import SLPPolish


def _cold_objective(lp):
    """Optimal value of a HiGHS LP (rows ``lower <= A x <= upper``), solved afresh (with presolve) by SciPy."""
    A = csc_matrix(
        (np.asarray(lp.a_matrix_.value_), np.asarray(lp.a_matrix_.index_), np.asarray(lp.a_matrix_.start_)),
        shape=(lp.num_row_, lp.num_col_),
    )
    lo, up = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    eq = lo == up
    ub = ~eq & np.isfinite(up)
    assert not (np.isfinite(lo) & ~eq).any()  # only upper-bounded and equality rows
    bounds = [
        (None if not math.isfinite(a) else a, None if not math.isfinite(b) else b)
        for a, b in zip(lp.col_lower_, lp.col_upper_, strict=True)
    ]
    res = linprog(
        np.asarray(lp.col_cost_), A_ub=A[ub], b_ub=up[ub], A_eq=A[eq], b_eq=up[eq], bounds=bounds, method="highs-ds"
    )
    assert res.status == 0
    return res.fun


@pytest.mark.parametrize("lines", [True, False])
def test_every_warm_started_solve_matches_a_cold_solve(lines):
    pairs = []

    def spy(h):
        h.run()
        pairs.append(
            (h.getInfo().objective_function_value, _cold_objective(h.getLp()), h.getInfo().simplex_iteration_count)
        )

    V = normalize(np.random.default_rng(3).standard_normal((4, 11)))
    SLPPolish(30, stall=0.0, tiny=0.0, solve=spy)(V, lines, 0.0)
    assert len(pairs) == 30
    # Both are optimal to HiGHS's feasibility tolerances (1e-7 by default), which bound how far
    # two optimal objective values can differ here (|t| <= 1, unit-norm coefficients).
    for warm, cold, _ in pairs:
        assert abs(warm - cold) <= 1e-7
    # The later solves really are warm: they take far fewer pivots than the first, cold one.
    assert np.median([its for _, _, its in pairs[1:]]) < pairs[0][2] / 4


def test_polish_returns_to_the_icosahedral_optimum():
    # The 6 diagonals of the icosahedron: coherence 1/sqrt(5), the optimum for 6 lines in R^3
    # (an equiangular tight frame: it meets the Welch bound). A perturbed copy is polished back.
    phi = (1 + math.sqrt(5)) / 2
    W = np.array([[0, 1, phi], [0, 1, -phi], [1, phi, 0], [1, -phi, 0], [phi, 0, 1], [-phi, 0, 1]]).T
    V = normalize(W + 1e-3 * np.random.default_rng(0).standard_normal(W.shape))
    assert coherence(V, True) > 1 / math.sqrt(5) + 1e-4
    P, its = SLPPolish(200)(V, True, 1 / math.sqrt(5))
    assert abs(coherence(P, True) - 1 / math.sqrt(5)) < 1e-9 and its < 200


def test_polish_returns_to_the_regular_simplex():
    # Points: 4 unit vectors in R^3 have largest cosine >= -1/3, met by the regular tetrahedron.
    W = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float).T
    V = normalize(W + 1e-2 * np.random.default_rng(1).standard_normal(W.shape))
    assert coherence(V, False) > -1 / 3 + 1e-4
    P, _ = SLPPolish(200)(V, False, -1 / 3)
    assert abs(coherence(P, False) + 1 / 3) < 1e-9
