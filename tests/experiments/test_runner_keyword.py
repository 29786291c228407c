"""``runner=`` on the experiment drivers: the same cells, seeds and store keys as the deprecated loose keywords."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from theory._warnings import TheoryDeprecationWarning
from theory.experiments._runner import as_runner
from theory.experiments.circuits import adler_shavit_comparison
from theory.experiments.reproductions import REPRODUCTIONS, reproduce
from theory.experiments.sparse_coding import spud_threshold
from theory.experiments.toy_models import sticky_dimensionality
from theory.experiments.toy_scaling import scaling_grid
from theory.sweep import ResultStore, Runner
from theory.toy_models.incidental import FAST, incidental_sweep
from theory.toy_models.phase import phase_diagram

_TIMING = ("elapsed", "seconds", "wall", "machine", "time", "step_s")


def _plain(obj):
    """``to_dict()`` (or the dataclass fields) without timing entries, arrays as lists."""
    if hasattr(obj, "to_dict"):
        obj = obj.to_dict()
    elif hasattr(obj, "__dataclass_fields__"):
        obj = {k: getattr(obj, k) for k in obj.__dataclass_fields__}
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items() if not any(t in str(k) for t in _TIMING)}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return obj


# driver name -> (call with extra keywords, quick arguments)
DRIVERS = {
    "spud_threshold": lambda **kw: spud_threshold(ns=[5], cs=[1.5, 8], trials=3, **kw),
    "sticky_dimensionality": lambda **kw: sticky_dimensionality(n=8, dim=2, instances=2, steps=20, chunk=1, **kw),
    "scaling_grid": lambda **kw: scaling_grid(
        n=30, dims=[3, 5, 8], alphas=[0.5], weight_decays=[-1.0], steps=40, batch_size=64, eval_batch=128, **kw
    ),
    "incidental_sweep": lambda **kw: incidental_sweep([4], [8], seeds=2, settings=dict(FAST, steps=50), **kw),
    "phase_diagram": lambda **kw: phase_diagram([1.0], [0.2], seeds=1, steps=30, **kw),
}


@pytest.mark.parametrize("name", sorted(DRIVERS))
def test_runner_and_loose_keywords_give_identical_results_and_store_rows(name, tmp_path):
    call = DRIVERS[name]
    loose_path, runner_path = tmp_path / "loose.sqlite", tmp_path / "runner.sqlite"
    with pytest.warns(TheoryDeprecationWarning, match=rf"{name}\(executor=\.\.\., store=\.\.\..*\) is deprecated"):
        a = call(executor="serial", store=loose_path, progress=False)
    b = call(runner=Runner(executor="serial", store=runner_path))
    assert _plain(a) == _plain(b)
    with ResultStore(loose_path) as s1, ResultStore(runner_path) as s2:
        assert s1.keys() == s2.keys() and len(s1) == len(s2) > 0
        rows = {(r["sweep"], str(r["params"])): _plain(r["value"]) for r in s1.rows()}
        assert rows == {(r["sweep"], str(r["params"])): _plain(r["value"]) for r in s2.rows()}
        before = s1.rows()
    # a store written through the loose keywords resumes under a runner: nothing recomputed
    c = call(runner=Runner(executor="serial", store=loose_path))
    assert _plain(c) == _plain(a)
    with ResultStore(loose_path) as s1:
        assert s1.rows() == before  # same rows, same timestamps


@pytest.mark.parametrize("name", sorted(DRIVERS))
@pytest.mark.parametrize("loose", [{"executor": "serial"}, {"store": ":memory:"}])
def test_runner_with_a_loose_keyword_is_a_type_error(name, loose):
    with pytest.raises(TypeError, match="not both"):
        DRIVERS[name](runner=Runner(executor="serial"), **loose)


def test_non_default_progress_with_a_runner_is_a_type_error():
    with pytest.raises(TypeError, match="not both"):
        spud_threshold(ns=[5], cs=[8], trials=1, runner=Runner(executor="serial"), progress=True)
    with pytest.raises(TypeError, match="not both"):
        phase_diagram([1.0], [0.2], seeds=1, steps=5, runner=Runner(executor="serial"), progress=False)
    with pytest.raises(TypeError, match="not both"):
        adler_shavit_comparison(quick=True, runner=Runner(), store="x.sqlite")
    with pytest.raises(TypeError, match="runner must be a theory.sweep.Runner"):
        spud_threshold(ns=[5], cs=[8], trials=1, runner="serial")
    with pytest.raises(TypeError, match="runner must be a theory.sweep.Runner"):
        incidental_sweep([4], [8], seeds=1, runner={"executor": "serial"})


def test_as_runner():
    with pytest.warns(
        TheoryDeprecationWarning, match=r"f\(executor=\.\.\.\) .*; pass runner=Runner\(executor=\.\.\.\)"
    ):
        assert as_runner(executor="serial", caller="f") == Runner(executor="serial")
    r = Runner(executor="serial", progress=True)
    assert as_runner(r) is r
    assert as_runner(r, progress=False) is r  # the default counts as not given
    with pytest.raises(TypeError, match="give runner= or executor=, store=, not both"):
        as_runner(r, executor="serial", store=":memory:")
    with pytest.raises(TypeError, match="progress must be True or False, got None"):
        as_runner(progress=None)
    with pytest.raises(ValueError, match="executor must be None, 'serial'"):
        as_runner(executor="threads")


@pytest.mark.parametrize("name", sorted(REPRODUCTIONS))
def test_every_reproduction_runner_takes_quick_and_runner(name):
    params = inspect.signature(REPRODUCTIONS[name].load()).parameters
    assert {"quick", "runner"} <= set(params)
    assert params["runner"].default is None or params["runner"].kind is inspect.Parameter.KEYWORD_ONLY


def test_reproduce_builds_one_runner_and_refuses_both(tmp_path):
    with pytest.warns(TheoryDeprecationWarning, match=r"reproduce\(executor=\.\.\., store=\.\.\.\)"):
        a = reproduce("spud_threshold", quick=True, executor="serial", store=tmp_path / "a.sqlite")
    b = reproduce("spud_threshold", quick=True, runner=Runner(executor="serial", store=tmp_path / "b.sqlite"))
    assert _plain(a) == _plain(b)
    with ResultStore(tmp_path / "a.sqlite") as s1, ResultStore(tmp_path / "b.sqlite") as s2:
        assert s1.keys() == s2.keys()
    with pytest.raises(TypeError, match="not both"):
        reproduce("spud_threshold", quick=True, runner=Runner(executor="serial"), store=tmp_path / "c.sqlite")
    with pytest.raises(TypeError, match="runner must be a theory.sweep.Runner"):
        reproduce("spud_threshold", quick=True, runner="serial")
