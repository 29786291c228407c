"""Packing optimiser and capacity on tiny cases, against proven optima."""

from __future__ import annotations

import json
import math
import pathlib

import numpy as np
import pytest

import theory
from theory.geometry import coherence, delsarte_lp_bound, max_cosine, max_features, pack
from theory.geometry._packing.solver import PackingSolver
from theory.geometry._packing.stages import AlternatingProjection
from theory.geometry.packing import PackOptions


def _reference():
    path = pathlib.Path(theory.__file__).parent / "data" / "geometry_packings.json"
    return json.loads(path.read_text())["cases"]


@pytest.mark.parametrize("dim,n,lines", [(3, 6, True), (3, 7, True), (2, 5, True), (3, 4, False), (3, 6, False)])
def test_pack_reaches_proven_optimum(dim, n, lines):
    ref = next(c for c in _reference() if (c["dim"], c["n"], c["lines"]) == (dim, n, lines))
    P = pack(dim=dim, n=n, lines=lines, rng=0, restarts=3)
    measured = coherence(P.frame) if lines else max_cosine(P.frame)
    assert abs(measured - P.value) < 1e-12
    assert np.allclose(np.linalg.norm(P.frame, axis=0), 1.0)
    # Never below the optimum (that would be a bug), and within 1e-6 of it.
    assert P.value >= ref["value"] - 1e-9
    assert P.value - ref["value"] < 1e-6


def test_pack_respects_lower_bound_and_lp_upper_bound():
    P = pack(dim=3, n=9, rng=1, restarts=1)
    assert P.value >= P.bound.value - 1e-12 and P.gap >= -1e-12
    lp = delsarte_lp_bound(dim=3, max_cos=P.value + 1e-9, lines=True, degree=6)
    assert lp.count >= 9


def test_pack_same_seed_same_result():
    a = pack(dim=3, n=5, rng=7, restarts=1)
    b = pack(dim=3, n=5, rng=7, restarts=1)
    assert np.array_equal(a.frame, b.frame)


def test_pack_bad_inputs():
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        pack(dim=3, n=1)
    with pytest.raises(ValueError, match="init must have shape"):
        pack(dim=3, n=4, init=np.ones((2, 4)))


def test_capacity_equiangular_cases():
    c = max_features(dim=7, max_cos=1 / 3, optimise=False, lp_max_degree=4)
    assert c.lower == 28 and c.upper == 28 and c.upper_rigorous
    assert c.witness is not None and coherence(c.witness) <= 1 / 3 + 1e-12
    c = max_features(dim=3, max_cos=1 / math.sqrt(5), optimise=False, lp_max_degree=4)
    assert c.lower == c.upper == 6


def test_capacity_points_kissing_r3():
    c = max_features(dim=3, max_cos=0.5, lines=False, optimise=False, lp_max_degree=12)
    assert c.lower >= 6 and c.upper == 13 and c.upper_rigorous


def test_capacity_witness_meets_constraint_and_bounds_ordered():
    for dim, eps in [(5, 0.2), (10, 0.35), (30, 0.25)]:
        c = max_features(dim=dim, max_cos=eps, optimise=False, lp_max_degree=4)
        assert c.lower <= c.upper
        if c.witness is not None:
            assert c.witness.shape == (dim, c.lower)
            assert coherence(c.witness) <= eps + 1e-12


def test_capacity_points_negative_cosine_simplex():
    # Oracle: at most dim + 1 unit vectors have pairwise cos <= -1/dim (Rankin); the simplex has them.
    c = max_features(dim=5, max_cos=-0.2, lines=False, optimise=False, lp_max_degree=4)
    assert c.lower == 6 and c.upper == 6
    assert max_cosine(c.witness) <= -0.2 + 1e-12
    c = max_features(dim=1, max_cos=-0.5, lines=False, optimise=False)
    assert c.lower == 2 and c.upper == 2


def test_pack_screening_keeps_the_result_with_less_work():
    # Restarts that cannot win stop early (lse_cutoff) or skip the SLP polish (slp_cutoff).
    # Two rounds (8 + 16 starts), so the second is screened against the first.
    a = pack(dim=4, n=13, rng=0, restarts=24)
    b = pack(dim=4, n=13, rng=0, restarts=24, options=PackOptions(lse_cutoff=None, slp_cutoff=None))
    assert a.restarts == b.restarts == 24
    assert abs(a.value - b.value) < 1e-9 * b.value
    assert a.iterations < 0.8 * b.iterations
    c = pack(dim=4, n=13, rng=0, restarts=24)
    assert np.array_equal(a.frame, c.frame)  # decisions depend on values only
    with pytest.raises(ValueError, match="lse_cutoff must be >= 0"):
        pack(dim=3, n=5, options={"lse_cutoff": -0.1})


def test_blas_limit_covers_scipy_blas():
    # threadpoolctl limits only libraries loaded when the block is entered; SciPy's own OpenBLAS
    # (used by L-BFGS-B and HiGHS) must be loaded first. Fresh interpreter: SciPy not yet imported.
    import subprocess
    import sys

    pytest.importorskip("threadpoolctl")
    code = (
        "import sys\n"
        "from theory.geometry._packing.solver import blas_limit\n"
        "assert 'scipy.optimize' not in sys.modules\n"
        "with blas_limit(1):\n"
        "    import scipy.optimize\n"
        "    from threadpoolctl import threadpool_info\n"
        "    info = [i for i in threadpool_info() if i['user_api'] == 'blas']\n"
        "print(len(info), max(i['num_threads'] for i in info))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, threads = map(int, out.stdout.split())
    assert count >= 1 and threads == 1


class _CountingProjection(AlternatingProjection):
    """Stage 1 that counts its calls."""

    def __call__(self, *args):
        _PROJECTIONS.append(1)
        return super().__call__(*args)


_PROJECTIONS: list[int] = []


def test_pack_ap_restarts():
    # Stage 1 (alternating projection) runs on the first ap_restarts restarts only.
    a = pack(dim=3, n=5, rng=3, restarts=1)
    b = pack(dim=3, n=5, rng=3, restarts=1, options=PackOptions(ap_restarts=None))
    assert np.array_equal(a.frame, b.frame)  # the first restart is the same either way
    for ap_restarts, expected in ((None, 3), (1, 1), (0, 0)):
        _PROJECTIONS.clear()
        PackingSolver.for_problem(
            3, 5, rng=3, restarts=3, options=PackOptions(ap_restarts=ap_restarts), projection=_CountingProjection()
        ).solve()
        assert len(_PROJECTIONS) == expected
    with pytest.raises(ValueError, match="ap_restarts must be"):
        pack(dim=3, n=5, options=PackOptions(ap_restarts=-1))


def test_capacity_print_marks_an_unproven_upper_bound_and_tells_questions_apart():
    from theory.geometry.capacity import Capacity

    base = dict(
        dim=8,
        max_cos=1 / 3,
        lines=True,
        lower=29,
        lower_name="x",
        witness=None,
        upper=37.0,
        upper_name="Delsarte LP (degree 4)",
        candidates={},
    )
    proven = Capacity(**base, upper_rigorous=True)
    unproven = Capacity(**base, upper_rigorous=False)
    assert "NOT PROVEN" not in str(proven) and "NOT PROVEN" in str(unproven)
    other = Capacity(**{**base, "max_cos": 0.3333333333}, upper_rigorous=True)
    assert str(proven).split(":")[0] != str(other).split(":")[0]
