"""Checks on ``theory/data/grassmannian_lines_sloane.json`` (Sloane's table of best known line
packings, m = 3..8, N <= 100; reference data for comparison only).

Each check can fail on a transcription error: the derived coherence, the proven lower bounds,
monotonicity in N (a subset of a packing is a packing) and the proven optima stored separately.
"""

from __future__ import annotations

import json
import math
import pathlib

import pytest

import theory
from theory.geometry import coherence_lower_bound

DATA = pathlib.Path(theory.__file__).parent / "data"
TABLE = json.loads((DATA / "grassmannian_lines_sloane.json").read_text())
CASES = TABLE["cases"]
BY_KEY = {(c["dim"], c["n"]): c for c in CASES}
TOL = 1e-9


def test_metadata_names_source_and_use() -> None:
    assert TABLE["note"] == "for comparison only, never returned as computed"
    src = TABLE["source"]
    assert "neilsloane.com/grass/grassTab.html" in src["table"]
    assert src["date"] == "1997-01-20"
    assert "10.1080/10586458.1996.10504585" in src["citation"]
    assert TABLE["subspace_dim"] == 1


def test_one_entry_per_case_and_full_grid_to_30() -> None:
    assert len(BY_KEY) == len(CASES)
    for dim in range(3, 9):
        missing = [n for n in range(3, 31) if (dim, n) not in BY_KEY]
        assert not missing, f"dim {dim}: N = {missing} missing"
    assert {c["dim"] for c in CASES} == set(range(3, 9))
    assert all(3 <= c["n"] <= 100 for c in CASES)


def test_coherence_is_sqrt_one_minus_d() -> None:
    for c in CASES:
        assert 0.0 <= c["D"] <= 1.0, c
        assert c["coherence"] == pytest.approx(math.sqrt(1.0 - c["D"]), abs=1e-12), c


def test_zero_coherence_exactly_when_orthonormal_fits() -> None:
    # N <= m lines can be mutually orthogonal (D = 1); N > m lines cannot.
    for c in CASES:
        if c["n"] <= c["dim"]:
            assert c["D"] == 1.0, c
        else:
            assert c["D"] < 1.0 - 1e-6, c


def test_values_quoted_in_the_issue() -> None:
    assert BY_KEY[3, 5]["D"] == 0.799999999999999
    assert BY_KEY[3, 5]["coherence"] == pytest.approx(0.4472136, abs=1e-7)
    assert BY_KEY[3, 9]["D"] == 0.551954085526548
    assert BY_KEY[3, 9]["coherence"] == pytest.approx(0.6693623, abs=1e-7)
    assert BY_KEY[4, 30]["D"] == 0.452339411515362


# The sympy-backed bounds cost ~5 ms each: every case with N <= 40 and every 7th case beyond.
BOUND_CASES = [c for i, c in enumerate(CASES) if c["n"] <= 40 or i % 7 == 0]


@pytest.mark.parametrize("dim", range(3, 9))
def test_entries_respect_the_best_lower_bound(dim: int) -> None:
    for c in (c for c in BOUND_CASES if c["dim"] == dim):
        b = coherence_lower_bound(n=c["n"], dim=c["dim"])
        assert c["coherence"] >= b.value - TOL, (c, b.name, b.value)


def _violations() -> set[tuple[int, int]]:
    out = set()
    for dim in range(3, 9):
        ns = sorted(n for (d, n) in BY_KEY if d == dim)
        for a, b in zip(ns, ns[1:], strict=False):
            if BY_KEY[dim, b]["coherence"] < BY_KEY[dim, a]["coherence"] - TOL:
                out.add((dim, a))
    return out


def test_coherence_non_decreasing_in_n_except_documented() -> None:
    documented = {(k["dim"], k["n"]) for k in TABLE["known_inconsistencies"]}
    # Every violation is documented, and every documented one is real (the list cannot go stale).
    assert _violations() == documented


def test_agrees_with_proven_optima() -> None:
    proven = json.loads((DATA / "geometry_packings.json").read_text())["cases"]
    both = [p for p in proven if p["lines"] and (p["dim"], p["n"]) in BY_KEY]
    assert len(both) >= 12
    for p in both:
        assert BY_KEY[p["dim"], p["n"]]["coherence"] == pytest.approx(p["value"], abs=TOL), p
