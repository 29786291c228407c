"""theory.experiments.geometry: pack against Sloane's table of line packings, through theory.sweep."""

from __future__ import annotations

import json
import math
import sqlite3

import numpy as np
import pytest

from theory.experiments.geometry import SloaneGrid, sloane_cell, sloane_grid, sloane_summary
from theory.experiments.reproductions import reproduce
from theory.sweep import Runner


def test_quick_grid_matches_the_table_and_resumes(tmp_path):
    store = tmp_path / "sloane.sqlite"
    g = sloane_grid(quick=True, runner=Runner(executor="serial", store=store))
    assert [(r["dim"], r["n"]) for r in g.rows] == [(3, 4), (3, 5), (3, 6), (4, 5), (4, 6)]
    for r in g.rows:
        # the table's coherence is sqrt(1 - D)
        assert r["table"] == pytest.approx(math.sqrt(1 - r["table_D"]), abs=1e-9)
        # the independent pure-Python recomputation agrees with the toolkit's coherence
        assert r["found_independent"] == pytest.approx(r["found"], abs=1e-12)
        assert r["found"] >= r["bound"] - 1e-9  # never below the lower bound
        assert abs(r["gap_table"]) < 1e-6  # these small cases are solved
    assert g.summary["within_0.1%"] == 5 and g.summary["proven_cases"] >= 1
    with sqlite3.connect(store) as db:
        assert db.execute("select count(*) from theory_sweep_cells").fetchone()[0] == 5
    again = sloane_grid(quick=True, runner=Runner(executor="serial", store=store))  # loaded, not re-packed
    assert again.rows == g.rows
    d = json.loads(json.dumps(g.to_dict()))
    assert SloaneGrid.from_dict(d).to_dict() == d
    assert "within 0.1% of the table: 5/5" in str(g)


def test_cell_below_the_table_keeps_its_frame(monkeypatch):
    """A found coherence below the table is flagged only when the independent recomputation agrees."""
    import theory.experiments.geometry as mod

    table = dict(mod._sloane_table())
    entry = dict(table[3, 4])
    entry["coherence"], entry["D"] = 0.4, 1 - 0.16  # pretend the table is worse
    table[3, 4] = entry
    monkeypatch.setattr(mod, "_sloane_table", lambda: table)
    row = sloane_cell({"dim": 3, "n": 4, "time_limit": 1.0, "seed": 0}, np.random.default_rng(0))
    assert row["beats_table"] and len(row["frame"]) == 3 and row["gap_table"] < 0


def test_summary_by_hand():
    rows = [
        {
            "dim": 3,
            "n": n,
            "gap_table": g,
            "seconds": t,
            "found": 0.5,
            "table": 0.5,
            "beats_table": False,
            "proven": None,
            "gap": g,
        }
        for n, g, t in ((4, 0.0, 1.0), (5, 5e-3, 30.0), (6, 0.2, 2.0))
    ]
    s = sloane_summary(rows, time_limit=20)
    assert (s["within_0.1%"], s["within_1%"], s["time_to_best_within_20s"], s["within_0.1%_and_20s"]) == (1, 2, 2, 1)
    assert s["worst"][0]["n"] == 6 and s["per_dim"]["3"]["n"] == "4-6"
    assert s["median_gap"] == pytest.approx(5e-3) and s["max_gap"] == pytest.approx(0.2)


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(cases=[(3, 200)]), "not in Sloane's table"),
        (dict(dims=[3], min_n=10, max_n=5), "no case"),
        (dict(time_limit=0), "time_limit"),
        (dict(time_limit=math.nan), "time_limit"),
        (dict(quick=1), "quick"),
    ],
)
def test_bad_input(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        sloane_grid(runner=Runner(executor="serial"), **kw)


def test_registered_reproductions_of_the_new_runners_run_quick():
    for name in ("sloane_grid", "toy_sticky", "circuits_adler_shavit"):
        r = reproduce(name, quick=True, runner=Runner(executor="serial"))
        assert json.loads(json.dumps(r.to_dict())) and str(r)
