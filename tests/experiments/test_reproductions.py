"""``theory reproduce``: the registry of named reproductions and its command."""

from __future__ import annotations

import inspect
import json
import sqlite3

import pytest

from theory.cli import main
from theory.experiments.reproductions import REPRODUCTIONS, reproduce


@pytest.mark.parametrize("name", sorted(REPRODUCTIONS))
def test_every_runner_loads_and_takes_the_common_keywords(name):
    r = REPRODUCTIONS[name]
    assert r.name == name and r.summary and "(" in r.source and r.docs.endswith(".md")
    params = inspect.signature(r.load()).parameters
    assert {"quick", "runner"} <= set(params)


def test_bad_names_and_flags_are_refused():
    with pytest.raises(ValueError, match="unknown reproduction 'nope'"):
        reproduce("nope")
    with pytest.raises(TypeError, match="name must be a str"):
        reproduce(3)
    with pytest.raises(TypeError, match="quick"):
        reproduce("spud_threshold", quick="yes")


def test_cli_runs_writes_a_summary_and_resumes_from_its_store(tmp_path, capsys):
    assert main(["reproduce", "--list"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in REPRODUCTIONS)
    assert main(["reproduce", "nope", "--out", str(tmp_path)]) == 2
    argv = ["reproduce", "spud_threshold", "--quick", "--out", str(tmp_path), "--no-progress"]
    assert main(argv) == 0
    first = json.loads((tmp_path / "spud_threshold_quick.json").read_text())
    assert first["reproduction"] == "spud_threshold" and first["quick"] is True
    assert "provenance" in first and first["result"]["rates"]
    with sqlite3.connect(tmp_path / "spud_threshold_quick.sqlite") as db:
        cells = db.execute("select count(*) from theory_sweep_cells").fetchone()[0]
    assert cells == len(first["result"]["cs"]) * len(first["result"]["ns"])
    # a rerun finds every cell in the store: same numbers
    assert main(argv) == 0
    second = json.loads((tmp_path / "spud_threshold_quick.json").read_text())
    assert second["result"]["successes"] == first["result"]["successes"]
