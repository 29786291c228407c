"""``pack``'s defaults: the time limit drives the run, it stops at the best lower bound or a proven
optimum, and the result says whether it succeeded (``success``, ``message``), compared with the
reference value of the case (``best_known``: a proven optimum or Sloane's table)."""

import json
import math
import pathlib
import warnings

import numpy as np
import pytest

import theory
import theory.geometry.packing as pk
from theory._results import Bound
from theory._warnings import TheoryWarning
from theory.cli import main
from theory.geometry import pack
from theory.geometry._packing.budget import BUDGET_MAX, BUDGET_MIN, BUDGET_PER
from theory.geometry._packing.report import reference_table, verdict
from theory.geometry.packing import PackOptions


def _oracle_coherence(W):
    """Largest |cos| between distinct columns, recomputed here with plain NumPy."""
    V = W / np.sqrt((W * W).sum(axis=0))
    G = np.abs(V.T @ V)
    return float(G[~np.eye(G.shape[0], dtype=bool)].max())


def test_default_reaches_the_etf_of_16_lines_in_r6():
    # 16 lines in R^6: a Steiner ETF at the Welch bound 1/3. Eight restarts (the old default) ended
    # at 0.3712 on every seed; the default budget must reach 1/3 and stop there.
    with warnings.catch_warnings():
        warnings.simplefilter("error", TheoryWarning)
        P = pack(dim=6, n=16)
    assert abs(_oracle_coherence(P.frame) - 1 / 3) <= 1e-9
    assert P.success and P.stopped == "bound" and P.message.startswith("reached the best lower bound")
    # Independently: the frame is an ETF, equiangular at 1/3 and tight (V V^T = n/dim I).
    V = P.frame / np.linalg.norm(P.frame, axis=0)
    off = np.abs(V.T @ V)[~np.eye(16, dtype=bool)]
    assert np.allclose(off, 1 / 3, atol=1e-6)
    assert np.allclose(V @ V.T, 16 / 6 * np.eye(6), atol=1e-5)
    assert P.best_known == pytest.approx(1 / 3) and P.best_known_source.startswith("proven optimum")
    assert P.restarts > 8  # the first round of 8 does not find it: more restarts were needed
    if P.reproducible:  # reached before the clock interfered: the same seed gives the same frame
        assert np.array_equal(pack(dim=6, n=16).frame, P.frame)


def test_the_time_limit_drives_the_run():
    # 8 lines in R^3: no lower bound or proven optimum is reached, so only the clock ends the run.
    # (how many restarts fit depends on the machine's speed: not asserted)
    P = pack(dim=3, n=8, rng=0, time_limit=2)
    assert P.restarts >= 1 and P.stopped == "time" and not P.reproducible
    assert len(P.history) == P.restarts


def test_an_explicit_restart_cap_still_ends_the_run_and_is_reproducible():
    a = pack(dim=3, n=8, rng=1, restarts=10)
    b = pack(dim=3, n=8, rng=1, restarts=10)
    assert a.restarts == 10 and a.stopped == "restarts" and a.reproducible
    assert np.array_equal(a.frame, b.frame)


def test_a_proven_optimum_above_the_bound_ends_the_run():
    # 5 lines in the plane: the optimum cos(pi/5) is above every lower bound; the run stops there.
    P = pack(dim=2, n=5)
    assert P.value == pytest.approx(math.cos(math.pi / 5), abs=1e-9)
    assert P.stopped == "optimum" and P.success and "proven optimum" in P.message
    assert P.gap > 0.05  # far above the bound, and still no warning: the reference is met


def test_a_starved_run_fails_and_warns():
    with pytest.warns(TheoryWarning, match="time_limit"):
        P = pack(dim=6, n=16, rng=0, restarts=1, options=PackOptions(ap_iters=0, lse_iters=3, slp_iters=0))
    assert not P.success and P.stopped == "restarts" and P.reproducible
    assert "above the proven optimum" in P.message and P.value > 1.01 / 3


def test_a_table_case_is_compared_with_sloane():
    # 9 lines in R^4: not at any lower bound (Welch 0.3953); Sloane's table has 0.4342585459.
    P = pack(dim=4, n=9, rng=0, restarts=3)
    table = json.loads((pathlib.Path(theory.__file__).parent / "data" / "grassmannian_lines_sloane.json").read_text())[
        "cases"
    ]
    ref = next(c for c in table if (c["dim"], c["n"]) == (4, 9))
    assert P.best_known == pytest.approx(math.sqrt(1 - ref["D"]), rel=1e-12)
    assert "Sloane" in P.best_known_source and "not proven optimal" in P.best_known_source
    assert P.success == ((P.value - P.best_known) / P.best_known <= 1e-3)
    assert "Sloane's table" in P.message
    # No reference for 20 lines in R^9: both fields None.
    assert reference_table().get((9, 20, True)) is None


def _bound(v):
    return Bound(value=v, name="welch", citation="")


@pytest.mark.parametrize(
    "value, ref, stopped, success, warn, text",
    [
        (0.45, None, "time", True, False, "reached the best lower bound"),
        (0.5004, (0.5003, "Sloane", False), "time", True, False, "within 0.02% of the best known"),
        (0.5000025, (0.5, "Sloane", False), "time", True, False, "within 0.0005% of the best known"),
        (0.4990, (0.5, "Sloane", False), "time", True, False, "0.2% below the best known"),
        (0.5030, (0.5, "Sloane", False), "time", False, False, "the time limit (3 s) ended the run 0.6% above"),
        (0.5150, (0.5, "Sloane", False), "restarts", False, True, "the restart cap (4) ended the run 3% above"),
        (0.5150, (0.5150, "proof", True), "optimum", True, False, "reached the proven optimum"),
        (0.4635, None, "time", True, False, "3% above the best lower bound"),
        (0.4950, None, "time", False, True, "10% above the best lower bound"),
    ],
)
def test_verdict(value, ref, stopped, success, warn, text):
    # Bound 0.45 throughout; reference values as given (hand-computed relative gaps in the text).
    gap = (value - 0.45) / 0.45
    s, msg, w = verdict(value, _bound(0.45), gap, ref, stopped, 3.0, 4)
    assert (s, w) == (success, warn) and text in msg


def test_verdict_for_points_with_an_uninformative_bound():
    s, msg, w = verdict(0.62, Bound(value=0.0, name="rankin", citation=""), 0.62, None, "time", 5.0, 9)
    assert s and not w and "says little" in msg


def test_default_time_limit():
    assert pk.default_time_limit(6, 16) == pytest.approx(19.2)
    assert pk.default_time_limit(2, 3) == 5.0 and pk.default_time_limit(50, 100) == 30.0
    with pytest.raises(ValueError, match="dim"):
        pk.default_time_limit(0, 3)


@pytest.mark.parametrize(
    "kwargs, name",
    [({"restarts": 0}, "restarts"), ({"time_limit": 0.0}, "time_limit"), ({"time_limit": math.nan}, "time_limit")],
)
def test_budget_arguments_validated(kwargs, name):
    with pytest.raises(ValueError, match=name):
        pack(dim=3, n=5, **kwargs)


def test_progress_bar_goes_to_stderr(capsys):
    pack(dim=3, n=8, rng=0, restarts=9, options=PackOptions(progress=True))
    out, err = capsys.readouterr()
    assert out == "" and "pack" in err and "restart" in err


def test_progress_keyword_still_works_for_one_release(capsys):
    from theory._warnings import TheoryDeprecationWarning

    with pytest.warns(TheoryDeprecationWarning, match="progress=.*options=PackOptions"):
        pack(dim=3, n=8, rng=0, restarts=9, progress=True)
    out, err = capsys.readouterr()
    assert out == "" and "pack" in err and "restart" in err
    assert PackOptions().progress is False and all("progress" not in p for p in pk.PACK_PRESETS.values())
    assert pk.PACK_PRESETS["capacity"]["options"].progress is False
    with pytest.raises(TypeError, match="progress"):
        PackOptions(progress="yes")


def test_cli_json(capsys):
    assert main(["pack", "--dim", "3", "--n", "8", "--time-limit", "1", "--json"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)  # stdout holds the JSON object and nothing else
    for key in (
        "value",
        "bound",
        "gap",
        "best_known",
        "best_known_source",
        "success",
        "message",
        "restarts",
        "seconds",
        "reproducible",
    ):
        assert key in doc
    assert doc["restarts"] >= 1 and doc["best_known"] == pytest.approx(reference_table()[3, 8, True][0])
    assert "restart" not in out.replace('"restarts"', "") and "pack" in err  # the bar is on stderr


def test_cli_prints_success_and_message(capsys):
    assert main(["pack", "--dim", "3", "--n", "6", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "success: yes: reached the best lower bound" in out and err == ""
    assert "0.4472135955" in out


def test_cli_help_states_the_default_budget():
    import argparse

    from theory.cli.pack import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    action = next(a for a in parser._subparsers._group_actions[0].choices["pack"]._actions if a.dest == "time_limit")
    assert f"min({BUDGET_MAX:g}, max({BUDGET_MIN:g}, {BUDGET_PER:g}*dim*n))" in action.help
