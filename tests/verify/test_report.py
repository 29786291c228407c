"""Reports say what they measured and how close it came; users add claims; results read well."""

from __future__ import annotations

import importlib.metadata
import json
import math
import sys
import textwrap

import numpy as np
import pytest

from theory.cli import main
from theory.verify import (
    ENTRY_POINT_GROUP,
    Claim,
    Verdict,
    Verdicts,
    bound_slack,
    check,
    claim_pool,
    claim_quantile,
    load_claims,
    registry,
    verify_all,
)


def _const(cid, value, bound, relation, **kw):
    """A deterministic claim whose every trial measures ``value``."""
    return Claim(
        id=cid,
        statement="test",
        citation="test",
        bound=lambda p: bound,
        measure=lambda p, rng: value,
        relation=relation,
        params=[{}],
        trials=3,
        quantity="q",
        unit="u",
        **kw,
    )


# ------------------------------------------------------------------------------------- slack
@pytest.mark.parametrize(
    "value, bound, relation, slack, status",
    [
        (0.5, 1.0, "<=", 0.5, "consistent"),  # upper bound held: measured/bound
        (2.0, 1.0, ">=", 0.5, "consistent"),  # lower bound held: bound/measured
        (2.0, 1.0, "<=", 2.0, "refuted"),  # upper bound crossed
        (0.5, 1.0, ">=", 2.0, "refuted"),  # lower bound crossed
        (1.0, 1.0, ">=", 1.0, "consistent"),  # tight
    ],
)
def test_slack_has_one_direction_for_upper_and_lower_bounds(value, bound, relation, slack, status):
    v = check(_const("t.slack", value, bound, relation))
    assert v.status == status
    assert v.slack == pytest.approx(slack)
    assert v.to_dict()["slack"] == pytest.approx(slack)
    assert bound_slack(value, bound, relation) == pytest.approx(slack)


@pytest.mark.parametrize(
    "value, bound, relation",
    [(0.0, 0.0, "<="), (-1e-3, 0.0, "<="), (0.0, 1.0, "<="), (1.0, 0.0, ">="), (-1.0, -2.0, "<=")],
)
def test_undefined_slack_is_undefined_never_zero(value, bound, relation, tmp_path):
    claim = _const("t.undefined", value, bound, relation)
    v = check(claim)
    assert math.isnan(v.slack)
    assert v.to_dict()["slack"] is None
    rep = verify_all(claims=["t.undefined"], extra_claims=[claim], plugins=False, out=tmp_path, figures=False)
    assert rep.rows()[0]["slack"] == "-"
    row = json.loads((tmp_path / "report.json").read_text())["verdicts"][0]
    assert row["slack"] is None
    assert "| `t.undefined` |" in (tmp_path / "report.md").read_text()


def test_deprecated_tightness_is_the_slack():
    v = check(_const("t.tight", 0.5, 1.0, "<="))
    with pytest.warns(DeprecationWarning, match="slack"):
        assert v.tightness == v.slack == 0.5


# ---------------------------------------------------------------------- JSON rows by kind
def _prob_claim(cid="t.prob", q=0.1, relation="<=", **kw):
    """'U[0,1] > 0.9 with probability at most q' (exactly 0.1)."""
    return Claim(
        id=cid,
        statement="uniform tail",
        citation="test",
        bound=lambda p: 0.9 if relation == "<=" else 0.1,
        measure=lambda p, rng: rng.random(500),
        relation=relation,
        failure_prob=q,
        params=[{}],
        trials=2000,
        quantity="uniform draw",
        unit="dimensionless",
        **kw,
    )


def test_json_rows_are_unambiguous_per_kind(tmp_path):
    claims = [_const("t.det", 0.5, 1.0, "<="), _prob_claim()]
    rep = verify_all(
        claims=["t.det", "t.prob", "interference.jl_pair"],
        extra_claims=claims,
        plugins=False,
        quick=True,
        out=tmp_path,
        figures=False,
    )
    assert rep.ok
    rows = {}
    for r in json.loads((tmp_path / "report.json").read_text())["verdicts"]:
        rows.setdefault(r["claim"], r)
    det = rows["t.det"]
    assert det["kind"] == "deterministic"
    assert (det["bound"], det["measured"], det["relation"], det["slack"]) == (1.0, 0.5, "<=", 0.5)
    assert (det["quantity"], det["unit"]) == ("q", "u")
    for cid in ("t.prob", "interference.jl_pair"):
        row = rows[cid]
        assert row["kind"] == "probabilistic"
        # no bound/measured pair that reads as a violation when the claim holds
        assert "bound" not in row and "measured" not in row and "slack" not in row
        for key in (
            "violation_rate",
            "claimed_failure_prob",
            "p_value",
            "ci",
            "quantile",
            "quantile_level",
            "quantile_slack",
            "threshold",
            "violation_event",
            "test",
        ):
            assert key in row, (cid, key)
        assert row["violation_rate"] == pytest.approx(row["violations"] / row["trials"])
    prob = rows["t.prob"]
    assert prob["claimed_failure_prob"] == 0.1 and prob["threshold"] == 0.9 and prob["test"] == "one-sided"
    assert prob["quantile_level"] == pytest.approx(0.9)
    # the 0.9 quantile of 2000 uniforms is close to the bound 0.9: slack near 1
    assert 0.95 < prob["quantile_slack"] < 1.05
    assert prob["violation_event"] == "uniform draw > 0.9"


@pytest.mark.parametrize("relation", ["<=", ">="])
def test_quantile_slack_crosses_1_exactly_when_the_rate_crosses_the_claimed_probability(relation):
    rng = np.random.default_rng(3)
    s = rng.random(1000)
    bound = 0.8 if relation == "<=" else 0.2
    for q in (0.05, 0.19, 0.2, 0.21, 0.5):
        rate = np.mean(s > bound) if relation == "<=" else np.mean(s < bound)
        quant = claim_quantile(s, q, relation)
        slack = bound_slack(quant, bound, relation)
        assert (rate <= q) == (slack <= 1.0), (q, rate, slack)


def test_probabilistic_verdict_carries_both_rate_and_quantile():
    v = check(_prob_claim(q=0.02), rng=1)  # the true rate 0.1 is five times the claimed 0.02
    assert v.status == "refuted"
    assert v.violation_rate == pytest.approx(0.1, abs=0.03) and v.failure_prob == 0.02
    assert v.p_value < 1e-6 and v.ci[0] > 0.02
    assert v.quantile == pytest.approx(0.98, abs=0.02)
    assert v.quantile_slack > 1.0 and v.slack == v.quantile_slack
    v2 = check(_prob_claim(q=0.3), rng=1)  # claimed 0.3, true 0.1: loose
    assert v2.status == "consistent" and v2.quantile_slack == pytest.approx(0.7 / 0.9, abs=0.03)


def test_two_sided_claims_are_refuted_by_too_few_violations():
    # the true rate is 0.1; claiming it is exactly 0.2 is wrong, but only a two-sided test sees it
    one = check(_prob_claim(q=0.2), rng=0)
    two = check(_prob_claim(q=0.2, two_sided=True), rng=0)
    assert one.status == "consistent" and two.status == "refuted"
    assert "two-sided" in str(two) and two.to_dict()["test"] == "two-sided"
    exact = check(_prob_claim(q=0.1, two_sided=True), rng=0)
    assert exact.status == "consistent"
    with pytest.raises(ValueError, match="two_sided=True needs a failure_prob"):
        _const("t.x", 1.0, 1.0, "<=", two_sided=True)
    assert registry()["circuits.uand_error_tail"].two_sided


# -------------------------------------------------------------------------------- provenance
def test_reports_record_provenance(tmp_path):
    rep = verify_all(
        claims=["t.det"],
        extra_claims=[_const("t.det", 0.5, 1.0, "<=")],
        plugins=False,
        rng=5,
        out=tmp_path,
        figures=False,
        argv=["theory", "verify", "--seed", "5"],
    )
    prov = json.loads((tmp_path / "report.json").read_text())["provenance"]
    assert prov["seed"] == 5 and prov["command"] == "theory verify --seed 5"
    assert prov["package"]["name"] == "superposition-theory" and prov["package"]["version"]
    for key in ("git_commit", "dependencies", "date", "machine", "python", "platform"):
        assert key in prov
    assert "numpy" in prov["dependencies"]
    md = (tmp_path / "report.md").read_text()
    assert "## Provenance" in md and "`theory verify --seed 5`" in md and prov["date"] in md
    assert rep.provenance is not None and rep.provenance["seed"] == 5


# --------------------------------------------------------------------------- users' claims
_USER_MODULE = """
from theory.verify import Claim

def claims():
    return [Claim(id={cid!r}, statement="my bound: a U[0,1] draw is at most 1", citation="mine",
                  bound=lambda p: 1.0, measure=lambda p, rng: rng.random(8), relation="<=",
                  params=[{{"n": 1}}, {{"n": 2}}], trials=8, tags=("mine", "demo"),
                  quantity="draw", unit="dimensionless")]
"""


def _write_module(tmp_path, cid="mine.uniform", name="my_claims.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(_USER_MODULE.format(cid=cid)))
    return path


def test_module_file_is_listed_and_checked(tmp_path, capsys):
    path = _write_module(tmp_path)
    assert main(["verify", "--list", "--module", str(path)]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("mine.uniform"))
    assert "[mine,demo]" in line
    assert "geometry.welch" in out and "mine" in out.splitlines()[-1]  # built-ins and the new tags
    rep_dir = tmp_path / "rep"
    code = main(
        [
            "verify",
            "--quick",
            "--module",
            str(path),
            "--tag",
            "mine",
            "--out",
            str(rep_dir),
            "--no-progress",
            "--no-figures",
        ]
    )
    assert code == 0
    data = json.loads((rep_dir / "report.json").read_text())
    assert [v["claim"] for v in data["verdicts"]] == ["mine.uniform", "mine.uniform"]
    assert {v["status"] for v in data["verdicts"]} == {"consistent"}
    assert data["claims"]["mine.uniform"]["tags"] == ["mine", "demo"]
    assert f"--module {path}" in data["provenance"]["command"]


def test_module_dotted_name_and_collisions(tmp_path, monkeypatch, capsys):
    _write_module(tmp_path, name="user_claims_dotted.py")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert [c.id for c in load_claims("user_claims_dotted")] == ["mine.uniform"]
    clash = _write_module(tmp_path, cid="geometry.welch", name="clash.py")
    with pytest.raises(ValueError, match="'geometry.welch'.*collides"):
        verify_all(extra_claims=load_claims(clash), claims=["geometry.welch"], figures=False)
    assert main(["verify", "--list", "--module", str(clash)]) == 2
    assert "collides" in capsys.readouterr().err
    assert main(["verify", "--list", "--module", str(tmp_path / "missing.py")]) == 2
    assert main(["verify", "--list", "--module", "no_such_module_xyz"]) == 2
    assert "--module no_such_module_xyz" in capsys.readouterr().err
    bad = tmp_path / "bad.py"
    bad.write_text("def claims():\n    return [1]\n")
    with pytest.raises(TypeError, match="returned a int, not a Claim"):
        load_claims(bad)


class _FakeEntryPoint:
    def __init__(self, name, make):
        self.name, self.value, self.group, self._make = name, f"fake:{name}", ENTRY_POINT_GROUP, make

    def load(self):
        return self._make


def _fake_entry_points(eps):
    def entry_points(**kw):
        assert kw == {"group": ENTRY_POINT_GROUP}
        return list(eps)

    return entry_points


def test_entry_point_claims_are_listed_and_checked(monkeypatch, capsys, tmp_path):
    plugin = _const("plugin.half", 0.5, 1.0, "<=", tags=("plugin",))
    monkeypatch.setattr(
        importlib.metadata, "entry_points", _fake_entry_points([_FakeEntryPoint("mine", lambda: [plugin])])
    )
    assert "plugin.half" in claim_pool()
    assert "plugin.half" not in claim_pool(plugins=False) and "plugin.half" not in registry()
    assert main(["verify", "--list"]) == 0
    out = capsys.readouterr().out
    assert any(x.startswith("plugin.half") and "[plugin]" in x for x in out.splitlines())
    assert main(["verify", "--list", "--no-plugins"]) == 0
    out = capsys.readouterr().out
    assert not any(x.startswith("plugin.half") for x in out.splitlines()) and "geometry.welch" in out
    rep = verify_all(tags="plugin", figures=False)
    assert [v.claim_id for v in rep.verdicts] == ["plugin.half"] and rep.verdicts[0].slack == 0.5
    # a plugin may not shadow a built-in claim
    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        _fake_entry_points([_FakeEntryPoint("evil", lambda: [_const("geometry.welch", 0.0, 1.0, "<=")])]),
    )
    with pytest.raises(ValueError, match="collides"):
        claim_pool()
    monkeypatch.setattr(importlib.metadata, "entry_points", _fake_entry_points([_FakeEntryPoint("bad", 3)]))
    with pytest.raises(TypeError, match="entry point 'bad'.*callable"):
        claim_pool()


# ------------------------------------------------------------------ check on several sets
def test_check_without_params_checks_every_parameter_set():
    seen = []

    def measure(p, rng):
        seen.append(p["a"])
        return float(p["a"])

    claim = Claim(
        id="t.multi",
        statement="a <= 2",
        citation="t",
        bound=lambda p: 2.0,
        measure=measure,
        params=[{"a": 1}, {"a": 2}, {"a": 3}],
        quick_params=[{"a": 1}],
        trials=1,
    )
    vs = check(claim)
    assert isinstance(vs, Verdicts) and len(vs) == 3 and seen == [1, 2, 3]
    assert [v.params["a"] for v in vs] == [1, 2, 3]
    assert [v.status for v in vs] == ["consistent", "consistent", "refuted"] and vs.status == "refuted"
    assert not vs.consistent and len(str(vs).splitlines()) == 3 and "3 verdicts" in repr(vs)
    one = check(claim, {"a": 1})  # one parameter set: one Verdict, as before
    assert isinstance(one, Verdict) and one.consistent
    assert isinstance(check(claim, quick=True), Verdict)  # a single quick set
    two = check(claim, [{"a": 1}, {"a": 3}])
    assert isinstance(two, Verdicts) and [v.status for v in two] == ["consistent", "refuted"]
    with pytest.raises(ValueError, match="empty"):
        check(claim, [])


def test_parameter_sets_are_not_repeated():
    welch = registry()["geometry.welch"]
    keys = [json.dumps(p, sort_keys=True) for p in welch.params]
    assert len(keys) == len(set(keys))
    with pytest.raises(ValueError, match=r"params\[1\] repeats params\[0\]"):
        Claim(
            id="t.dup",
            statement="",
            citation="",
            bound=lambda p: 0,
            measure=lambda p, r: 0,
            params=[{"n": 1}, {"n": 1}],
        )


def test_phase_2x1_statement_and_check_agree_on_the_margin():
    from theory.toy_models.claims import MIN_MARGIN

    c = registry()["toy_models.phase_2x1"]
    assert MIN_MARGIN == 0.5 and "margin >= 0.5" in c.statement and "0.5" in c.domain
    with pytest.raises(ValueError, match="too close to a phase boundary"):  # margin 0.4
        c.validate({"cells": [[0.9, 0.6]], "seeds": 1, "steps": 1})
    c.validate(c.params[0])


# -------------------------------------------------------------------------------- readable
def test_verdict_str_and_repr_are_short_summaries():
    claim = Claim(
        id="t.big",
        statement="",
        citation="",
        bound=lambda p: 1.0,
        measure=lambda p, rng: rng.random(10_000),
        params=[{"cells": list(range(1000))}],
        trials=10_000,
        quantity="draw",
        unit="dimensionless",
    )
    v = check(claim)
    s, r = str(v), repr(v)
    assert "\n" not in s and s.startswith("t.big [cells=") and ": consistent: draw [dimensionless]" in s
    assert "slack" in s and len(s) < 300
    assert r.startswith("Verdict(") and "slack=" in r and "array" not in r and len(r) < 300
    p = check(_prob_claim(), rng=0)
    assert "quantile" in str(p) and "claimed <= 0.1" in str(p) and "quantile_slack=" in repr(p)


def test_error_stats_and_toy_model_print_summaries():
    from theory.circuits import compile_circuit, random_circuit, simulate
    from theory.toy_models import ToyModelConfig, train

    c = random_circuit(width=6, depth=1, rng=0)
    st = simulate(compile_circuit(c, width=50, rng=0), c, s=2, samples=20, rng=0)
    text = str(st)
    assert text.startswith("ErrorStats(") and "layer" in text and "array" not in text
    assert "array" not in repr(st) and len(repr(st)) < 300
    m = train(ToyModelConfig(n_features=5, n_hidden=2), steps=5, progress=False)
    assert str(m).startswith("ToyModel(") and "array" not in str(m) and "\n" not in str(m)
    assert "array" not in repr(m) and len(repr(m)) < 300 and "n_features=5" in repr(m)


# ---------------------------------------------------------------------------- summary figure
def test_summary_figure_with_undefined_values_and_long_labels():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.patches import Rectangle

    from theory.figures import plot_verdict_summary

    long_id = "user.a_rather_long_claim_identifier_that_needs_wrapping"
    claims = [
        _const(long_id, 0.5, 1.0, "<="),
        _const("t.zero_bound", 0.0, 0.0, "<="),  # undefined slack
        _const("t.lower", 3.0, 1.0, ">="),
    ]
    params = {
        "dimension_of_the_space": 12345,
        "features": 67890,
        "cells": [[0.2, 0.8], [0.9, 0.3]] * 8,
        "note": "x" * 90,
    }
    verdicts = [check(dataclass_with(c, params)) for c in claims] + [check(_prob_claim(), rng=0)]
    ax = plot_verdict_summary(verdicts, label_width=30)
    fig = ax.figure
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 4
    full_tokens = [f"{k}={x}" for k, x in params.items()]
    for label in labels[:3]:
        lines = label.split("\n")
        assert all(len(line) <= 30 for line in lines), label
        for tok in full_tokens:
            if tok in label:  # whole, on one line
                continue
            key = tok.split("=")[0] + "="
            hit = [line for line in lines if key in line]
            if not hit:  # dropped after the last line's ellipsis
                assert lines[-1].endswith("…"), label
                continue
            shown = hit[0][hit[0].index(key) :].split("…")[0]
            # shortened only at a separator: the shown part is a prefix ending at one
            assert tok.startswith(shown) and len(shown) < len(tok), (shown, tok)
            assert tok[len(shown)] in ", ._=" or shown.endswith(("_", ".", "=", ",")), (shown, tok)
    assert labels[0].startswith("user.a_rather_long_claim")
    # undefined is drawn as an empty hatched band and named in the legend
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_facecolor()[3] == 0
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("undefined" in t for t in legend)
    texts = [t.get_text() for t in ax.texts]
    assert "1 = tight" in texts
    assert "1 = tight" in ax.get_xlabel() and "bound/measured" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    matplotlib.pyplot.close(fig)


def dataclass_with(claim, params):
    import dataclasses

    return dataclasses.replace(claim, params=[params])


def test_verify_exports_are_importable():
    import theory.verify as tv

    for name in tv.__all__:
        assert hasattr(tv, name), name
    assert sys.modules["theory.verify"] is tv
