"""Library runners of the toy-model reproductions: sticky dimensionalities (chunked, resumable) and k-gon plateaus."""

from __future__ import annotations

import json
import sqlite3
import sys

import numpy as np
import pytest

from theory.experiments.toy_models import (
    STICKY_VALUES,
    KgonPlateaus,
    StickyDimensionality,
    kgon_plateaus,
    sticky_dimensionality,
    sticky_plateau_fractions,
)
from theory.sweep import Runner
from theory.toy_models import ToyModelConfig, feature_dimensionality, sparsity_sweep, train

KW = dict(n=12, dim=3, instances=5, steps=40, chunk=2, batch_size=64)
SERIAL = Runner(executor="serial")


@pytest.fixture()
def calls(monkeypatch):
    """Instances of every training run the sticky cells start."""
    seen: list[int] = []
    train_module = sys.modules["theory.toy_models.train"]  # the module (the package exports a function)
    real = train_module.train

    def counting(cfg, **kw):
        seen.append(cfg.n_instances)
        return real(cfg, **kw)

    monkeypatch.setattr(train_module, "train", counting)
    return seen


def test_chunks_persist_in_the_store_and_resume(tmp_path, calls):
    store = tmp_path / "sticky.sqlite"
    first = sticky_dimensionality(**KW, runner=SERIAL.replace(store=store))
    assert calls == [2, 2, 1]  # three chunks trained
    assert len(first.p) == 5 and len(first.summary["geometry_per_instance"]) == 5
    assert first.W.shape == (5, 3, 12)
    # a crash after a chunk: delete one finished cell, only that chunk is retrained, same result
    with sqlite3.connect(store) as db:
        rows = db.execute("select rowid, params from theory_sweep_cells").fetchall()
        assert len(rows) == 3
        rowid = next(r for r, p in rows if json.loads(p)["seed"] == 101)
        db.execute("delete from theory_sweep_cells where rowid = ?", (rowid,))
    calls.clear()
    again = sticky_dimensionality(**KW, runner=SERIAL.replace(store=store))
    assert calls == [2]
    assert again == first and np.array_equal(again.W, first.W)
    # a complete store is reused without training
    calls.clear()
    sticky_dimensionality(**KW, runner=SERIAL.replace(store=store))
    assert calls == []
    # other settings are other cells
    other = sticky_dimensionality(**dict(KW, steps=41), runner=SERIAL.replace(store=store))
    assert calls == [2, 2, 1] and other.settings["steps"] == 41
    assert np.all(np.asarray(other.summary["sum_D"]) <= KW["dim"] + 1e-6)


def test_one_chunk_is_the_plain_training_run():
    """Chunk c is trained with seed ``seed + c``: one chunk is exactly train(cfg, rng=seed)."""
    r = sticky_dimensionality(n=10, dim=3, instances=3, low=0.1, steps=30, chunk=3, seed=7, lr=3e-3, runner=SERIAL)
    cfg = ToyModelConfig(n_features=10, n_hidden=3, n_instances=3, feature_probability=sparsity_sweep(3, low=0.1))
    model = train(cfg, steps=30, batch_size=1024, lr=3e-3, rng=7, progress=False)
    np.testing.assert_array_equal(r.W, np.asarray(model.W, dtype=float))
    np.testing.assert_allclose(r.p, cfg.probability_matrix[:, 0])
    D = feature_dimensionality(r.W)
    np.testing.assert_allclose(r.summary["sum_D"], np.round(D.sum(axis=1), 4))


def test_result_round_trips_and_prints(tmp_path):
    r = sticky_dimensionality(n=8, dim=2, instances=2, steps=20, chunk=1, init="torch3d", runner=SERIAL)
    d = json.loads(json.dumps(r.to_dict()))
    back = StickyDimensionality.from_dict(d)
    assert back == r and back.W is None and back.to_dict() == d
    assert d["init"] == "torch3d" and "W" not in d
    text = str(r)
    assert "sticky dimensionalities" in text and "n = 8" in text and "W=" not in repr(r)


def test_plateau_fractions_by_hand():
    D = np.array([[1.0, 0.75, 0.74, 0.5, 0.2], [0.4, 0.375, 0.38, 0.0, 2 / 3]])
    f = sticky_plateau_fractions(D, tol=0.0125)
    assert set(f) == set(STICKY_VALUES)
    assert f["3/4"]["per_instance"] == [0.4, 0.0]  # 0.75 and 0.74 are within 0.0125
    assert f["3/8"]["per_instance"] == [0.0, 0.4]  # 0.375, 0.38
    assert f["2/5"]["overall"] == pytest.approx(0.1) and f["2/3"]["overall"] == pytest.approx(0.1)
    with pytest.raises(ValueError, match="shape"):
        sticky_plateau_fractions([1.0, 0.5])


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(init="kaiming"), "init"),
        (dict(low=0.5, high=0.4), "low and high"),
        (dict(quick="yes"), "quick"),
        (dict(chunk=0), "chunk"),
    ],
)
def test_bad_arguments(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        sticky_dimensionality(**{**KW, **kw}, runner=SERIAL)


def test_kgon_plateaus_small_run():
    r = kgon_plateaus(quick=True, seeds=2, protocols=["paper_sgd"], runner=SERIAL)
    d = r.to_dict()
    assert set(d["protocols"]) == {"paper_sgd"}
    s = d["protocols"]["paper_sgd"]["summary"]
    assert s["runs"] == 2 and 0 <= s["within_tol"] <= s["plateaus"]
    # every plateau's gap is the distance to the nearest critical level, recomputed
    levels = np.array(list(d["levels"].values()))
    assert d["min_level_spacing"] == pytest.approx(np.min(np.diff(np.unique(np.round(levels, 12)))))
    assert d["protocols"]["paper_sgd"]["settings"]["steps"] == 4500 * 50 // 10
    assert KgonPlateaus.from_dict(json.loads(json.dumps(d))).to_dict() == json.loads(json.dumps(d))
    assert "paper_sgd: 2 runs" in str(r)
    with pytest.raises(ValueError, match="protocols"):
        kgon_plateaus(quick=True, protocols=["nope"], runner=SERIAL)
