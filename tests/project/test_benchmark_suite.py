"""The asv benchmark suite (``benchmarks/asv_suite``, configured by ``asv.conf.json``) is well formed.

Timings are never asserted; this checks that asv will find every benchmark, that parameters and
their names agree, that every peer comparison reports a ratio with a unit, and that one cheap
comparison runs end to end.
"""

from __future__ import annotations

import importlib
import inspect
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONF = json.loads((ROOT / "asv.conf.json").read_text())
SUITE = ROOT / CONF["benchmark_dir"]
PREFIXES = ("time_", "peakmem_", "track_", "mem_")


def _modules():
    sys.path.insert(0, str(SUITE.parent))
    try:
        return [importlib.import_module(f"{SUITE.name}.{p.stem}") for p in sorted(SUITE.glob("bench_*.py"))]
    finally:
        sys.path.remove(str(SUITE.parent))


def _benchmark_classes():
    found = []
    for mod in _modules():
        for name, cls in inspect.getmembers(mod, inspect.isclass):
            if cls.__module__ == mod.__name__ and not name.startswith("_"):
                methods = [m for m in dir(cls) if m.startswith(PREFIXES)]
                if methods:
                    found.append((cls, methods))
    return found


def test_configuration_runs_without_network_in_this_environment():
    assert CONF["environment_type"] == "existing" and SUITE.is_dir()
    assert CONF["results_dir"].startswith(".asv") and ".asv/" in (ROOT / ".gitignore").read_text()


def test_every_benchmark_class_is_well_formed():
    classes = _benchmark_classes()
    assert len(classes) >= 8
    peers = 0
    for cls, methods in classes:
        params = getattr(cls, "params", None)
        assert params, f"{cls.__name__} has no params"
        assert len(getattr(cls, "param_names", [])) == 1, cls.__name__
        assert cls.__doc__, f"{cls.__name__} does not say what it measures"
        for m in methods:
            sig = inspect.signature(getattr(cls, m))
            assert len(sig.parameters) == 2, f"{cls.__name__}.{m} must take (self, param)"
        if "track_speedup" in methods:
            peers += 1
            assert getattr(cls.track_speedup, "unit", ""), f"{cls.__name__}.track_speedup needs a unit"
    assert peers >= 6


def test_a_peer_comparison_runs():
    mod = next(m for m in _modules() if m.__name__.endswith("bench_circuits"))
    bench = mod.AllPairsReadout()
    bench.setup(200)
    try:
        ratio = bench.track_speedup(200)
    finally:
        bench.teardown(200)
    assert math.isfinite(ratio) and ratio > 0


def test_every_benchmark_script_is_listed_in_the_benchmarks_readme():
    readme = (ROOT / "benchmarks" / "README.md").read_text()
    scripts = sorted(p.name for p in (ROOT / "benchmarks").glob("*.py") if not p.name.startswith("_"))
    missing = [name for name in scripts if f"`{name}`" not in readme]
    assert not missing, f"benchmarks/README.md does not list {missing}"
