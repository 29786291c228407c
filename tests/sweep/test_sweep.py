"""theory.sweep: determinism across executors, crash-safe resume, store isolation, validation.

Oracles: the documented seed formula recomputed here from hashlib/json/numpy alone; an
uninterrupted run in a fresh store (for a killed-and-resumed run); per-call log files written by
the cell functions (for "no finished cell is recomputed").
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import hashlib
import json
import math
import multiprocessing
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import _sweep_cells as cells  # noqa: E402
import _sweep_worker  # noqa: E402

from theory.sweep import ResultStore, SweepResult, cell_rng, sweep  # noqa: E402

GRID = {"n": [0, 1, 2, 3, 4, 5], "p": [0.1, 0.5]}


def _canon(params):
    return json.dumps(params, sort_keys=True, separators=(",", ":"))


def _logged(path):
    """The cells a log file says were computed (each call appends one line)."""
    if not Path(path).exists():
        return []
    return Path(path).read_text().splitlines()


def _stored(db):
    """Canonical params of the cells in a store file, read without the library."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return {p for (p,) in conn.execute("SELECT params FROM theory_sweep_cells")}


def _plain(fn, grid, **kw):
    return sweep(fn, grid, executor="serial", progress=False, **kw)


# --------------------------------------------------------------------------- determinism


def test_seed_formula_matches_an_independent_computation():
    res = _plain(cells.first_draw, {"n": [3, 1], "name": ["a", "é"], "eps": [0.1]}, rng=42)
    for params, value in res:
        digest = hashlib.sha256(
            json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        ).digest()
        ss = np.random.SeedSequence(42, spawn_key=(int.from_bytes(digest, "big"),))
        assert value == np.random.default_rng(ss).standard_normal()
        assert value == cell_rng(params, rng=42).standard_normal()


def test_cell_value_is_independent_of_the_rest_of_the_grid_and_of_key_order():
    full = _plain(cells.noisy, GRID, rng=5)
    alone = _plain(cells.noisy, [{"p": 0.5, "n": 4}], rng=5)
    reordered = _plain(cells.noisy, {"p": [0.5, 0.1], "n": [5, 4, 3]}, rng=5)
    target = full.values[full.params.index({"n": 4, "p": 0.5})]
    assert alone.values == [target]
    assert reordered.select(n=4, p=0.5).values == [target]
    assert full.select(n=4, p=0.5).values == [target]


def test_seeds_same_seed_same_results_different_seed_different_results():
    a, b, c = (_plain(cells.noisy, GRID, rng=s) for s in (0, 0, 1))
    assert a == b
    assert a != c
    xs_a = [v["x"] for v in a.values]
    xs_c = [v["x"] for v in c.values]
    assert all(x != y for x, y in zip(xs_a, xs_c, strict=True))
    assert len(set(xs_a)) == len(xs_a)  # cells of one sweep get distinct streams


def test_generator_seed_is_drawn_once_and_reported():
    r1 = _plain(cells.first_draw, {"n": [1, 2]}, rng=np.random.default_rng(7))
    r2 = _plain(cells.first_draw, {"n": [1, 2]}, rng=np.random.default_rng(7))
    assert r1 == r2
    assert r1.seed == int(np.random.default_rng(7).integers(0, 2**63))
    assert r1 == _plain(cells.first_draw, {"n": [1, 2]}, rng=r1.seed)


def test_values_are_plain_json_data():
    params, value = _plain(cells.noisy, {"n": [2]})[0]
    assert params == {"n": 2}
    assert type(value["x"]) is float and type(value["n"]) is int and value["ok"] is True
    assert isinstance(value["draws"], list) and all(type(d) is int for d in value["draws"])
    assert value["x"] == cell_rng({"n": 2}).standard_normal()


def test_serial_process_pool_and_thread_pool_give_identical_results():
    serial = _plain(cells.noisy, GRID, rng=3)
    default_pool = sweep(cells.noisy, GRID, rng=3, progress=False)
    assert multiprocessing.active_children() == []  # the pool sweep made was shut down
    with cf.ProcessPoolExecutor(max_workers=2) as pool:
        own_pool = sweep(cells.noisy, GRID, executor=pool, rng=3, progress=False)
        assert pool.submit(int, "7").result() == 7  # a caller's executor is left open
    with cf.ThreadPoolExecutor(max_workers=3) as pool:
        threads = sweep(cells.noisy, GRID, executor=pool, rng=3, progress=False)
    assert serial == default_pool == own_pool == threads
    assert serial.params == [{"n": n, "p": p} for n in GRID["n"] for p in GRID["p"]]


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_dask_local_cluster_gives_identical_results(processes):
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    serial = _plain(cells.noisy, GRID, rng=3)
    # processes=True: fn, parameters and values cross process boundaries through Dask's own
    # serialisation (the worker processes import _sweep_cells from the inherited sys.path).
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=processes, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            res = sweep(cells.noisy, GRID, executor=client.get_executor(), rng=3, progress=False)
    assert res == serial


@given(
    st.dictionaries(
        st.text(max_size=4),
        st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=4)
        | st.booleans()
        | st.none(),
        min_size=1,
        max_size=5,
    )
)
def test_cell_rng_ignores_key_order(params):
    reversed_params = dict(reversed(list(params.items())))
    assert cell_rng(params, rng=3).random() == cell_rng(reversed_params, rng=3).random()


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)


@given(_json)
def test_values_round_trip_exactly_through_the_store(v):
    with ResultStore(":memory:") as store:
        fresh = sweep(cells.echo, [{"v": v}], store=store, executor="serial", progress=False)
        loaded = sweep(cells.echo, [{"v": v}], store=store, executor="serial", progress=False)
        (row,) = store.rows()
    assert fresh.values == [v] and loaded.values == [v] and row["value"] == v
    # exact float round trip (== alone would accept 0.0 for -0.0)
    assert json.dumps(loaded.values[0]) == json.dumps(v)


# --------------------------------------------------------------------------- persistence and resume


def test_sigkill_mid_run_then_rerun_matches_uninterrupted_run(tmp_path, monkeypatch):
    db = tmp_path / "killed.sqlite"
    log_before, log_after = tmp_path / "before.log", tmp_path / "after.log"
    grid = _sweep_worker.GRID
    n_cells = len(grid["n"]) * len(grid["p"])
    env = {
        **os.environ,
        "SWEEP_TEST_LOG": str(log_before),
        "SWEEP_TEST_SLEEP": "0.1",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_sweep_worker.py"), str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if db.exists() and len(_stored(db)) >= 3:
                    break
            except sqlite3.OperationalError:
                pass  # the table does not exist yet
            assert proc.poll() is None, proc.communicate()[1].decode()
            assert time.monotonic() < deadline, "the sweep subprocess made no progress in 30 s"
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)  # the parent and its pool workers
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    done_at_kill = _stored(db)
    assert 3 <= len(done_at_kill) < n_cells, "kill the sweep while it is part-way"

    monkeypatch.setenv("SWEEP_TEST_LOG", str(log_after))
    monkeypatch.setenv("SWEEP_TEST_SLEEP", "0")
    resumed = sweep(cells.slow, grid, store=db, rng=11, progress=False)
    recomputed = _logged(log_after)
    assert not set(recomputed) & done_at_kill, "a finished cell was recomputed"
    assert len(recomputed) == len(set(recomputed)) == n_cells - len(done_at_kill)
    assert set(recomputed) | done_at_kill == {_canon(p) for p in resumed.params}

    monkeypatch.delenv("SWEEP_TEST_LOG")
    uninterrupted = sweep(cells.slow, grid, store=tmp_path / "fresh.sqlite", rng=11, progress=False)
    assert resumed == uninterrupted
    assert resumed.values == uninterrupted.values and resumed.params == uninterrupted.params
    with ResultStore(db) as store:
        assert len(store) == n_cells
    # and a third run only loads
    monkeypatch.setenv("SWEEP_TEST_LOG", str(tmp_path / "third.log"))
    assert sweep(cells.slow, grid, store=db, rng=11, progress=False) == uninterrupted
    assert _logged(tmp_path / "third.log") == []


def test_store_layout_wal_and_metadata(tmp_path):
    db = tmp_path / "runs.sqlite"
    res = sweep(cells.noisy, {"n": [1, 2]}, store=db, executor="serial", progress=False)
    with sqlite3.connect(db) as conn:
        (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
        rows = conn.execute("SELECT sweep, params, value, elapsed, finished FROM theory_sweep_cells").fetchall()
    assert mode == "wal"
    assert {json.loads(r[0])["fn"] for r in rows} == {"_sweep_cells:noisy"}
    assert {r[0] for r in rows} == {res.key}
    for _key, params, value, elapsed, finished in rows:
        assert json.loads(value) == res.values[res.params.index(json.loads(params))]
        assert elapsed >= 0 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", finished)
    assert all(e >= 0 for e in res.elapsed)
    assert not any("finished" in v or "elapsed" in v for v in res.values)


def test_resume_with_a_changed_grid_reuses_old_cells(tmp_path, monkeypatch):
    db, log = tmp_path / "s.sqlite", tmp_path / "calls.log"
    monkeypatch.setenv("SWEEP_TEST_LOG", str(log))
    first = sweep(cells.noisy, {"n": [0, 1, 2]}, store=db, executor="serial", progress=False)
    second = sweep(cells.noisy, {"n": [1, 2, 3, 4]}, store=db, executor="serial", progress=False)
    assert _logged(log) == [_canon({"n": n}) for n in (0, 1, 2, 3, 4)]  # 1, 2 not recomputed
    assert second.values[:2] == first.values[1:]
    monkeypatch.delenv("SWEEP_TEST_LOG")
    assert second == _plain(cells.noisy, {"n": [1, 2, 3, 4]})


def test_progress_bar_counts_stored_cells_as_done(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    sweep(cells.noisy, {"n": [0, 1, 2]}, store=db, executor="serial", progress=False)
    sweep(cells.noisy, {"n": [0, 1, 2, 3, 4]}, store=db, executor="serial", desc="resume")
    err = capsys.readouterr().err
    assert "resume" in err and "3/5" in err and "5/5" in err


def test_two_sweeps_share_a_store_without_mixing(tmp_path):
    db = tmp_path / "shared.sqlite"
    grid = {"n": [0, 1, 2]}
    with ResultStore(db) as store:
        a = sweep(cells.noisy, grid, store=store, executor="serial", progress=False, rng=0)
        b = sweep(cells.noisy, grid, store=store, executor="serial", progress=False, rng=1)
        c = sweep(cells.other, grid, store=store, executor="serial", progress=False, rng=0)
        assert len(store) == 9 and len(store.keys()) == 3
        assert sorted(store.keys()) == sorted([a.key, b.key, c.key])
        for res in (a, b, c):
            rows = store.rows(res.key)
            assert [r["params"] for r in rows] == res.params
            assert [r["value"] for r in rows] == res.values
    assert a == _plain(cells.noisy, grid, rng=0)
    assert b == _plain(cells.noisy, grid, rng=1)
    assert c == _plain(cells.other, grid, rng=0)
    assert a != b and a.values != c.values
    # reopening through a path resumes each one from its own rows
    assert sweep(cells.noisy, grid, store=db, executor="serial", progress=False, rng=1) == b


def test_error_in_fn_records_finished_cells_and_rerun_resumes(tmp_path, monkeypatch):
    db, log = tmp_path / "s.sqlite", tmp_path / "calls.log"
    grid = {"n": list(range(6))}
    monkeypatch.setenv("SWEEP_TEST_LOG", str(log))
    monkeypatch.setenv("SWEEP_TEST_FAIL", "3")
    with pytest.raises(RuntimeError, match="n=3 failed on purpose") as info:
        sweep(cells.fragile, grid, store=db, executor="serial", progress=False)
    assert any('{"n":3}' in note for note in info.value.__notes__)
    assert _stored(db) == {_canon({"n": n}) for n in (0, 1, 2)}
    monkeypatch.delenv("SWEEP_TEST_FAIL")
    log.unlink()
    res = sweep(cells.fragile, grid, store=db, executor="serial", progress=False)
    assert _logged(log) == [_canon({"n": n}) for n in (3, 4, 5)]
    monkeypatch.delenv("SWEEP_TEST_LOG")
    assert res == _plain(cells.fragile, grid)


def test_error_in_fn_on_a_process_pool(tmp_path, monkeypatch):
    db, log = tmp_path / "s.sqlite", tmp_path / "calls.log"
    grid = {"n": list(range(8))}
    monkeypatch.setenv("SWEEP_TEST_FAIL", "5")
    with pytest.raises(RuntimeError, match="n=5 failed on purpose") as info:
        sweep(cells.fragile, grid, store=db, progress=False)
    assert any('{"n":5}' in note for note in info.value.__notes__)
    stored = _stored(db)
    assert _canon({"n": 5}) not in stored
    monkeypatch.delenv("SWEEP_TEST_FAIL")
    monkeypatch.setenv("SWEEP_TEST_LOG", str(log))
    res = sweep(cells.fragile, grid, store=db, progress=False)
    assert set(_logged(log)) == {_canon(p) for p in res.params} - stored
    monkeypatch.delenv("SWEEP_TEST_LOG")
    assert res == _plain(cells.fragile, grid)


def test_non_json_values_are_refused_naming_the_cell(tmp_path):
    db = tmp_path / "s.sqlite"
    with pytest.raises(ValueError, match=re.escape("""sweep cell {"n":2}: value returned by fn['loss'][1] is nan""")):
        sweep(cells.returns_nan, {"n": [0, 1, 2, 3]}, store=db, executor="serial", progress=False)
    assert _stored(db) == {_canon({"n": 0}), _canon({"n": 1})}
    with pytest.raises(ValueError, match=r"is nan"):
        sweep(cells.returns_nan, {"n": [2]}, progress=False)  # also through a process pool
    with pytest.raises(TypeError, match=r"\['w'\] must be JSON-serialisable .* got <object"):
        _plain(cells.returns_object, {"n": [0]})
    with pytest.raises(TypeError, match="has a key 1 of type int; JSON object keys must be strings"):
        _plain(cells.returns_int_keys, {"n": [0]})


# --------------------------------------------------------------------------- SweepResult


def test_sweep_result_sequence_records_and_select():
    res = _plain(cells.other, {"n": [1, 2], "p": [0.1, 0.2]})
    assert len(res) == 4 and res[1][0] == {"n": 1, "p": 0.2}
    assert list(res) == list(zip(res.params, res.values, strict=True))
    assert isinstance(res[1:3], SweepResult) and res[1:3].params == res.params[1:3]
    assert res.select(p=0.2).params == [{"n": 1, "p": 0.2}, {"n": 2, "p": 0.2}]
    assert res.select(n=np.int64(2), p=np.float64(0.1)).params == [{"n": 2, "p": 0.1}]
    assert res.select(n=7).params == []
    recs = res.to_records()
    assert recs[0] == {"n": 1, "p": 0.1, "x": res.values[0]["x"]}
    with pytest.raises(ValueError, match="no cell has a parameter 'q'"):
        res.select(q=1)
    clash = SweepResult([{"x": 1}], [{"x": 2}], key="k", seed=0)
    with pytest.raises(ValueError, match=r"key\(s\) \['x'\]"):
        clash.to_records()
    assert SweepResult([{"n": 1}], [3], key="k", seed=0).to_records() == [{"n": 1, "value": 3}]
    assert "cells=4" in repr(res)
    res.params.append({"n": 3})  # .params and .values hand out new lists
    res.values.clear()
    assert len(res) == 4 and len(res.params) == len(res.values) == 4
    assert _plain(lambda p, r: p["n"], {"n": [1]}, store=":memory:").values == [1]
    with pytest.raises(ValueError, match="same length"):
        SweepResult([{}], [], key="k", seed=0)


# --------------------------------------------------------------------------- validation


class _FakeClient:
    def get_executor(self):  # pragma: no cover - never called
        raise AssertionError


@pytest.mark.parametrize(
    ("grid", "exc", "pattern"),
    [
        ({}, ValueError, "grid must not be empty"),
        ([], ValueError, "grid must not be empty"),
        ({"n": 3}, TypeError, r"grid\['n'\] must be a sequence of values .* wrap a single value in a list: \[3\]"),
        ({"n": "abc"}, TypeError, r"grid\['n'\] must be a sequence of values"),
        ({"n": {1, 2}}, TypeError, r"grid\['n'\] must be a sequence of values"),
        ({"n": []}, ValueError, r"grid\['n'\] is empty"),
        ({"n": np.zeros((2, 2))}, ValueError, r"grid\['n'\] must be a 1-D array"),
        ({"n": [object()]}, TypeError, r"grid\['n'\]\[0\] must be JSON-serialisable"),
        ({"z": [1j]}, TypeError, r"grid\['z'\]\[0\] must be JSON-serialisable"),
        ({"eps": [0.1, float("nan")]}, ValueError, r"grid\['eps'\]\[1\] is nan; JSON cannot hold NaN"),
        ({"eps": [math.inf]}, ValueError, r"grid\['eps'\]\[0\] is inf"),
        ({"n": [1, 1]}, ValueError, r'duplicate cell \{"n":1\} \(cells 0 and 1\)'),
        ([{"a": 1, "b": 2}, {"b": 2, "a": 1}], ValueError, "duplicate cell"),
        ([{"n": 1}, 3], TypeError, r"grid\[1\] must be a dict of parameters"),
        ([{1: 2}], TypeError, r"grid\[0\] has a key 1 of type int"),
        ({1: [2]}, TypeError, "grid keys must be parameter names"),
        (5, TypeError, "grid must be a dict"),
        ("n", TypeError, "grid must be a dict"),
    ],
)
def test_bad_grids(grid, exc, pattern):
    with pytest.raises(exc, match=pattern):
        sweep(cells.other, grid, executor="serial", progress=False)


@pytest.mark.parametrize(
    ("kwargs", "exc", "pattern"),
    [
        ({"rng": -1}, ValueError, "rng must be a non-negative int seed, got -1"),
        ({"rng": 1.5}, TypeError, "rng must be a non-negative int seed or a numpy.random.Generator"),
        ({"rng": True}, TypeError, "rng must be"),
        ({"rng": None}, TypeError, "rng must be"),
        (
            {"executor": "threads"},
            ValueError,
            "executor must be None, 'serial' or a concurrent.futures.Executor, got 'threads'",
        ),
        ({"executor": 3}, TypeError, "executor must be None, 'serial' or a concurrent.futures.Executor, got int"),
        ({"executor": _FakeClient()}, TypeError, r"for a Dask Client pass client.get_executor\(\)"),
        ({"store": 3}, TypeError, "store must be None, a path or a ResultStore, got int"),
        ({"progress": "yes"}, TypeError, "progress must be a bool"),
        ({"desc": 3}, TypeError, "desc must be a str or None"),
    ],
)
def test_bad_arguments(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        sweep(cells.other, {"n": [1]}, **{"executor": "serial", **kwargs})


def test_functions_of_a_script_are_keyed_by_the_script_name(monkeypatch):
    import types

    def f(params, rng):
        return 1

    f.__module__, f.__qualname__ = "__main__", "f"
    script = types.ModuleType("__main__")
    script.__file__ = "/somewhere/my_experiment.py"
    script.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", script)  # python my_experiment.py
    assert json.loads(_plain(f, {"n": [1]}).key) == {"fn": "my_experiment:f", "seed": 0}
    script.__spec__ = types.SimpleNamespace(name="pkg.my_experiment")  # python -m pkg.my_experiment
    assert json.loads(_plain(f, {"n": [1]}).key)["fn"] == "pkg.my_experiment:f"


def test_bad_functions(tmp_path):
    with pytest.raises(TypeError, match="fn must be a callable"):
        sweep(3, {"n": [1]}, executor="serial")
    with pytest.raises(TypeError, match="fn must be a module-level function"):
        sweep(functools.partial(cells.other), {"n": [1]}, executor="serial")
    with pytest.raises(TypeError, match="cannot be sent to worker processes"):
        sweep(lambda p, r: 1, {"n": [1]}, progress=False)
    with pytest.raises(ValueError, match="lambda or a local function"):
        sweep(lambda p, r: 1, {"n": [1]}, store=tmp_path / "s.sqlite", executor="serial")
    # in memory and in process, a lambda is fine
    assert _plain(lambda p, r: p["n"] + 1, {"n": [1]}).values == [2]


def test_bad_store_paths(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("not a database " * 100)
    with pytest.raises(ValueError, match="cannot be used as a sweep store"):
        ResultStore(junk)
    with pytest.raises(ValueError, match="cannot be used as a sweep store"):
        ResultStore(tmp_path / "missing-folder" / "s.sqlite")
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        ResultStore(3)
    with pytest.raises(ValueError, match="timeout must be"):
        ResultStore(":memory:", timeout=-1)
    store = ResultStore(":memory:")
    store.close()
    store.close()
    with pytest.raises(ValueError, match="is closed"):
        store.rows()
    with pytest.raises(TypeError, match="params must be a dict"):
        cell_rng([1, 2])
    with pytest.raises(TypeError, match="rng must be an int seed here"):
        cell_rng({"n": 1}, rng=np.random.default_rng(0))


# --------------------------------------------------------------------------- Runner


def test_runner_gives_what_the_three_loose_arguments_give(tmp_path):
    from theory.sweep import Runner

    loose = sweep(cells.noisy, GRID, executor="serial", store=tmp_path / "a.sqlite", rng=5, progress=False)
    runner = Runner(executor="serial", store=tmp_path / "b.sqlite")
    via = sweep(cells.noisy, GRID, runner=runner, rng=5)
    assert via == loose and via == runner.sweep(cells.noisy, GRID, rng=5)
    with ResultStore(tmp_path / "b.sqlite") as store:  # the runner's store was used
        assert len(store.rows(via.key)) == len(via)
    with cf.ThreadPoolExecutor(2) as pool:
        assert Runner(executor=pool).sweep(cells.noisy, GRID, rng=5) == loose
        assert not pool._shutdown  # a runner's executor is not shut down


def test_runner_resumes_from_its_store(tmp_path, monkeypatch):
    from theory.sweep import Runner

    log = tmp_path / "calls.log"
    monkeypatch.setenv("SWEEP_TEST_LOG", str(log))
    with ResultStore(tmp_path / "runs.sqlite") as store:
        runner = Runner(executor="serial", store=store)
        first = runner.sweep(cells.noisy, {"n": [1, 2]}, rng=0)
        again = runner.sweep(cells.noisy, {"n": [1, 2, 3]}, rng=0)
        assert store._conn is not None  # a ResultStore is left open
    assert again[:2] == first
    assert [json.loads(line)["n"] for line in log.read_text().splitlines()] == [1, 2, 3]


def test_runner_progress_defaults_off_and_is_used(capsys):
    from theory.sweep import Runner

    assert Runner().progress is False
    sweep(cells.echo, [{"v": 1}], runner=Runner(executor="serial"), desc="quiet-bar")
    assert "quiet-bar" not in capsys.readouterr().err
    sweep(cells.echo, [{"v": 1}], runner=Runner(executor="serial", progress=True), desc="loud-bar")
    assert "loud-bar" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kw, exc, match",
    [
        (dict(executor="threads"), ValueError, "executor must be None, 'serial' or a concurrent.futures.Executor"),
        (dict(executor=3), TypeError, "executor must be None, 'serial'"),
        (dict(store=3), TypeError, "store must be None, a path or a ResultStore"),
        (dict(progress="no"), TypeError, "progress must be True or False"),
        (dict(progress=None), TypeError, "progress must be True or False"),
    ],
)
def test_runner_is_validated(kw, exc, match):
    from theory.sweep import Runner

    with pytest.raises(exc, match=match):
        Runner(**kw)


def test_runner_is_frozen_and_exclusive_with_the_loose_arguments(tmp_path):
    import dataclasses

    from theory.sweep import Runner

    runner = Runner(executor="serial")
    with pytest.raises(dataclasses.FrozenInstanceError):
        runner.progress = True
    assert runner.replace(progress=True) == Runner(executor="serial", progress=True)
    with pytest.raises(ValueError, match="executor"):
        runner.replace(executor="pool")
    for loose in (dict(executor="serial"), dict(store=tmp_path / "x.sqlite"), dict(progress=False)):
        with pytest.raises(TypeError, match=f"give runner= or {next(iter(loose))}=, not both"):
            sweep(cells.echo, [{"v": 1}], runner=runner, **loose)
    with pytest.raises(TypeError, match="runner must be a Runner"):
        sweep(cells.echo, [{"v": 1}], runner={"executor": "serial"})
    assert repr(runner) == "Runner(executor='serial', store=None, progress=False)"
