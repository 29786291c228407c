"""The chunked, resumable dimensionality experiment of benchmarks/toy_reproduction.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def bench(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("toy_reproduction_bench",
                                                  ROOT / "benchmarks" / "toy_reproduction.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "OUT", tmp_path)
    calls = []
    real_train = mod.train

    def counting_train(cfg, **kw):
        calls.append(cfg.n_instances)
        return real_train(cfg, **dict(kw, progress=False))

    monkeypatch.setattr(mod, "train", counting_train)
    mod.calls = calls
    return mod


KW = dict(n=12, dim=3, instances=5, steps=40, chunk=2, batch_size=64, name="sticky_t")


def test_chunks_persist_and_resume(bench, tmp_path):
    first = bench.sticky_paper_experiment(**KW)
    assert bench.calls == [2, 2, 1]                       # three chunks trained
    chunks = sorted((tmp_path / "sticky_t").glob("chunk_*.npz"))
    assert [c.name for c in chunks] == ["chunk_00.npz", "chunk_01.npz", "chunk_02.npz"]
    assert len(first["p"]) == 5 and len(first["geometry_per_instance"]) == 5
    # a crash after chunk 1: only the lost chunk is retrained, and the result is the same
    chunks[1].unlink()
    bench.calls.clear()
    again = bench.sticky_paper_experiment(**KW)
    assert bench.calls == [2]
    assert again["dims_per_feature"] == first["dims_per_feature"]
    assert again["final_loss"] == first["final_loss"]
    # a complete store is reused without training
    bench.calls.clear()
    bench.sticky_paper_experiment(**KW)
    assert bench.calls == []


def test_chunks_with_other_settings_are_not_reused(bench):
    bench.sticky_paper_experiment(**KW)
    bench.calls.clear()
    out = bench.sticky_paper_experiment(**dict(KW, steps=41))
    assert bench.calls == [2, 2, 1]
    assert out["steps"] == 41
    assert np.all(np.asarray(out["sum_D"]) <= KW["dim"] + 1e-6)
