"""Module-level cell functions for ``test_sweep.py`` (importable by worker processes).

Environment variables (read at call time, so a test can steer a subprocess or a forked pool):
``SWEEP_TEST_LOG`` — a file to which every call appends its parameters (canonical JSON), so a
test can count which cells were computed; ``SWEEP_TEST_SLEEP`` — seconds each ``slow`` cell
sleeps; ``SWEEP_TEST_FAIL`` — the ``n`` for which ``fragile`` raises.
"""

import json
import os
import time

import numpy as np


def _log(params):
    path = os.environ.get("SWEEP_TEST_LOG")
    if path:
        line = json.dumps(params, sort_keys=True, separators=(",", ":")) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)


def noisy(params, rng):
    """A value using the generator, NumPy scalars and arrays, and the parameters."""
    _log(params)
    time.sleep(0.002 * (params.get("n", 0) % 3))  # vary the finishing order
    return {
        "x": rng.standard_normal(),
        "draws": rng.integers(0, 1000, size=3),
        "n": np.int64(params.get("n", 0)),
        "ok": np.bool_(True),
    }


def other(params, rng):
    """A second function with the same signature (a different sweep key)."""
    return {"x": float(rng.random())}


def first_draw(params, rng):
    """The first standard-normal draw of the cell's generator."""
    return float(rng.standard_normal())


def echo(params, rng):
    """Return the parameter ``v`` unchanged."""
    return params["v"]


def slow(params, rng):
    """Sleep ``SWEEP_TEST_SLEEP`` seconds, log the call, return a random value."""
    _log(params)
    time.sleep(float(os.environ.get("SWEEP_TEST_SLEEP", "0")))
    return {"u": float(rng.random()), "k": int(rng.integers(1 << 40))}


def fragile(params, rng):
    """Raise for ``n == SWEEP_TEST_FAIL``; otherwise log and return a random value."""
    if str(params["n"]) == os.environ.get("SWEEP_TEST_FAIL"):
        raise RuntimeError(f"cell n={params['n']} failed on purpose")
    _log(params)
    return float(rng.random())


def returns_nan(params, rng):
    """NaN for ``n == 2`` (JSON cannot hold it)."""
    return {"loss": [0.5, float("nan")] if params["n"] == 2 else [0.5, 0.25]}


def returns_object(params, rng):
    """A value that is not JSON data."""
    return {"w": object()}


def returns_int_keys(params, rng):
    """A dict with a non-string key."""
    return {1: 2.0}
