"""Library drivers of the sparse-coding reproductions (O'Neill 2024, Sharkey 2022, SynthSAEBench).

The drivers moved from ``benchmarks/sparse_coding_{oneill,sharkey,synthbench}.py`` into
:mod:`theory.experiments.sparse_coding`; the committed results files must load through ``from_dict``
and the summaries must agree with the records they summarise (recomputed here independently).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from theory._warnings import TheoryWarning
from theory.experiments.reproductions import REPRODUCTIONS, reproduce
from theory.experiments.sparse_coding import (
    ONEILL_PUBLISHED,
    SYNTH_KINDS,
    OneillToy,
    SharkeyGrid,
    SynthBenchRanking,
    oneill_cell,
    oneill_toy,
    sharkey_grid,
    synthbench_ranking,
)
from theory.sweep import Runner

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"

#: results file stem -> result class
FILES: dict[str, Any] = {
    "sparse_coding_oneill": OneillToy,
    "sparse_coding_sharkey": SharkeyGrid,
    "sparse_coding_synthbench": SynthBenchRanking,
}


def _committed(stem: str) -> dict:
    path = RESULTS / f"{stem}.json"
    if not path.exists():
        pytest.skip(f"{path.name} not present")
    return json.loads(path.read_text())


# ------------------------------------------------------------------ committed results round trip


@pytest.mark.parametrize("stem", sorted(FILES))
def test_committed_results_round_trip(stem: str) -> None:
    data = _committed(stem)
    res = FILES[stem].from_dict(data)
    assert res.to_dict() == data
    assert FILES[stem].from_dict(res.to_dict()).to_dict() == data
    text = str(res)
    assert text.startswith("# ") and "|---" in text
    assert len(repr(res)) < 300


def test_committed_oneill_summary_matches_seeds() -> None:
    data = _committed("sparse_coding_oneill")
    res = OneillToy.from_dict(data)
    for row in res["results"].values():
        for key in ("code_mcc", "dict_mcc", "dict_mcc_pearson"):
            per_seed = np.array(row["per_seed"][key])
            assert row[key][0] == pytest.approx(per_seed.mean())
            assert row[key][1] == pytest.approx(per_seed.std())
    assert "O'Neill" in str(res) and "Ranking by code MCC" in str(res)


def test_committed_synthbench_ranking_is_f1_order() -> None:
    res = SynthBenchRanking.from_dict(_committed("sparse_coding_synthbench"))
    for target, rk in res["ranking"].items():
        rows = [r for r in res["rows"] if str(r["l0_target"]) == target and r["kind"] in SYNTH_KINDS]
        f1 = {r["kind"]: r["f1"]["mean"] for r in rows}
        assert sorted(rk["f1_order"]) == sorted(f1)
        assert [f1[k] for k in rk["f1_order"]] == sorted(f1.values(), reverse=True)


def test_committed_sharkey_best_is_max() -> None:
    res = SharkeyGrid.from_dict(_committed("sparse_coding_sharkey"))
    for dp in res["data_paths"]:
        recs = [r for r in res["records"] if r["correlated"] == (dp == "correlated")]
        assert res["summary"][dp]["best_mmcs"] == max(r["mmcs"] for r in recs)


@pytest.mark.parametrize("stem", sorted(FILES))
def test_from_dict_refuses_bad_data(stem: str) -> None:
    cls = FILES[stem]
    with pytest.raises(TypeError, match="dict"):
        cls(data=[1, 2])
    with pytest.raises(ValueError, match="misses the keys"):
        cls.from_dict({"unrelated": 1})


def test_result_is_frozen_copy() -> None:
    data = _committed("sparse_coding_oneill")
    res = OneillToy.from_dict(data)
    out = res.to_dict()
    out["results"]["mlp"]["code_mcc"][0] = -1.0
    assert res.to_dict() == data
    with pytest.raises(AttributeError):
        res.data = {}


# ------------------------------------------------------------------ small runs of the drivers


@pytest.fixture(scope="module")
def oneill_small() -> OneillToy:
    return oneill_toy(seeds=2, steps=30, sc_steps=2, sc_inner=5, runner=Runner(executor="serial"))


def test_oneill_small_run(oneill_small: OneillToy) -> None:
    d = oneill_small.to_dict()
    assert set(d["results"]) == set(ONEILL_PUBLISHED)
    assert d["settings"]["seeds"] == 2 and d["settings"]["steps"] == 30
    for name, row in d["results"].items():
        for key in ("code_mcc", "dict_mcc", "dict_mcc_pearson"):
            seeds = np.array(row["per_seed"][key])
            assert seeds.shape == (2,)
            assert np.all((seeds >= 0) & (seeds <= 1 + 1e-12))
            assert row[key] == pytest.approx([seeds.mean(), seeds.std()])
        m, s = ONEILL_PUBLISHED[name]["code_mcc"]
        assert row["code_mcc_within_published_spread"] == (abs(row["code_mcc"][0] - m) <= s)
    means = {k: d["results"][k]["code_mcc"][0] for k in ("sparse_coding", "mlp", "sae")}
    assert d["ranking_code_mcc"] == sorted(means, key=lambda k: -means[k])
    # SAE_ITO shares the SAE's dictionary
    assert d["results"]["sae_fista"]["dict_mcc"] == d["results"]["sae"]["dict_mcc"]
    assert OneillToy.from_dict(d).to_dict() == d
    assert "Ranking by code MCC" in str(oneill_small)


def test_oneill_cell_deterministic_and_checked() -> None:
    p = {"model": "sae_oneill", "steps": 10}
    a = oneill_cell(p, np.random.default_rng(3))
    b = oneill_cell(p, np.random.default_rng(3))
    c = oneill_cell(p, np.random.default_rng(4))
    keys = ("code_mcc", "dict_mcc", "dict_mcc_pearson", "test_loss")
    assert [a[k] for k in keys] == [b[k] for k in keys]
    assert [a[k] for k in keys] != [c[k] for k in keys]
    with pytest.raises(ValueError, match="model"):
        oneill_cell({"model": "nope", "steps": 1}, np.random.default_rng(0))


def test_oneill_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="seeds"):
        oneill_toy(seeds=0)
    with pytest.raises(TypeError, match="steps"):
        oneill_toy(steps=1.5)  # type: ignore[arg-type]


def test_sharkey_small_run_and_resume(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    kw: dict[str, Any] = {"quick": True, "ratios": [0.125, 0.25], "l1_k": [-4, -2], "steps": 6, "correlated": "both"}
    r = sharkey_grid(runner=Runner(executor="serial", store=store), **kw)
    d = r.to_dict()
    assert d["mode"] == "quick" and d["data_paths"] == ["uncorrelated", "correlated"]
    assert len(d["records"]) == 2 * 2 * 2 and len(d["adjacent"]) == 2 * 2
    assert {rec["width"] for rec in d["records"]} == {32, 64}
    for rec in d["records"]:
        assert 0.0 <= rec["mmcs"] <= 1.0 + 1e-12 and "dictionary_f16" not in rec
    for dp in d["data_paths"]:
        recs = [x for x in d["records"] if x["correlated"] == (dp == "correlated")]
        best = max(recs, key=lambda x: x["mmcs"])
        assert d["summary"][dp]["best_mmcs"] == best["mmcs"]
        assert d["summary"][dp]["best_at"] == {"l1": best["l1"], "ratio": best["ratio"]}
    assert d["grid"]["ratios"] == [0.125, 0.25] and d["grid"]["l1"] == [10 ** (-1.0), 10 ** (-0.5)]
    again = sharkey_grid(runner=Runner(executor="serial", store=store), **kw).to_dict()  # loaded from the store
    assert again["records"] == d["records"] and again["adjacent"] == d["adjacent"]
    assert SharkeyGrid.from_dict(d).to_dict() == d
    assert "MMCS with the true features" in str(r)


def test_sharkey_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="correlated"):
        sharkey_grid(correlated="maybe")
    with pytest.raises(ValueError, match="ratios"):
        sharkey_grid(ratios=[0.5, -1])
    with pytest.raises(TypeError, match="quick"):
        sharkey_grid(quick=1)  # type: ignore[arg-type]


def test_synthbench_small_run() -> None:
    r = synthbench_ranking(quick=True, l0=[8], steps=4, single=False, runner=Runner(executor="serial"))
    d = r.to_dict()
    kinds = [row["kind"] for row in d["rows"]]
    assert sorted(kinds) == sorted([*SYNTH_KINDS, "omp (TopK dictionary)"])
    assert d["single_sae"] is None and set(d["tuning"]) == {"relu", "jumprelu"}
    rk = d["ranking"]["8"]
    f1 = {row["kind"]: row["f1"]["mean"] for row in d["rows"] if row["kind"] in SYNTH_KINDS}
    assert [f1[k] for k in rk["f1_order"]] == sorted(f1.values(), reverse=True)
    ev = {row["kind"]: row["explained_variance"]["mean"] for row in d["rows"]}
    assert ev[rk["highest_explained_variance"]] == max(ev.values())
    for row in d["rows"]:
        if row["kind"] in ("topk", "batchtopk", "matryoshka"):
            assert row["coef"] is None
        if row["kind"] in ("relu", "jumprelu"):
            assert row["coef"] == d["tuning"][row["kind"]]["targets"]["8"]["coef"]
    assert SynthBenchRanking.from_dict(d).to_dict() == d
    assert "Target L0 = 8" in str(r)
    with pytest.raises(ValueError, match="l0"):
        synthbench_ranking(l0=[0])


# ------------------------------------------------------------------ registry


@pytest.mark.parametrize("name", ["oneill2024", "sharkey2022", "synthsaebench"])
def test_registered(name: str) -> None:
    rep = REPRODUCTIONS[name]
    assert rep.docs == "results_sparse_coding.md"
    assert callable(rep.load())
    assert "arXiv" in rep.source or "Forum" in rep.source


def test_reproduce_quick_runs() -> None:
    """The registered quick runs are the benchmark scripts' ``--quick`` settings."""
    r = reproduce("sharkey2022", quick=True)
    assert isinstance(r, SharkeyGrid) and r["grid"]["ratios"] == [0.5, 1, 2] and r["mode"] == "quick"
    assert len(r["records"]) == 9 and str(r).startswith("# Sharkey")
    with warnings.catch_warnings():  # FISTA on the SAE's dictionary may stop at its iteration cap
        warnings.simplefilter("ignore", TheoryWarning)
        o = reproduce("oneill2024", quick=True)
    assert isinstance(o, OneillToy) and o["settings"]["seeds"] == 2 and o["settings"]["steps"] == 1000
    assert str(o).startswith("# O'Neill")
