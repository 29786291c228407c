"""Every public stochastic function has a fixed default seed (same call, same result)."""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest

from theory._areas import AREAS

MODULES = [a.package for a in AREAS] + ["theory.sweep", "theory.verify"]
#: Callables whose generator is a required argument by design (called by the library with a
#: stream it derives, e.g. sweep cells and claim measurements).
REQUIRED = {"Correlation.build", "Magnitudes.draw", "SweepResult", "claim_rng"}


def _public_callables():
    for m in MODULES:
        mod = importlib.import_module(m)
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isclass(obj):
                yield name, obj
                for attr in dir(obj):
                    if not attr.startswith("_") and callable(getattr(obj, attr, None)):
                        yield f"{name}.{attr}", getattr(obj, attr)
            elif callable(obj):
                yield name, obj


def test_every_rng_parameter_has_a_fixed_default():
    missing = []
    for qual, fn in _public_callables():
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            continue
        for pname in ("rng", "seed"):
            p = sig.parameters.get(pname)
            if p is None or qual in REQUIRED:
                continue
            if p.default is None or p.default is inspect.Parameter.empty:
                missing.append(f"{qual}({pname}={p.default!r})")
    assert not missing, "stochastic functions without a fixed default seed: " + ", ".join(sorted(set(missing)))


@pytest.mark.parametrize(
    "call",
    [
        lambda: (
            __import__("theory.toy_models", fromlist=["x"])
            .train(
                __import__("theory.toy_models", fromlist=["x"]).ToyModelConfig(
                    n_features=5, n_hidden=2, n_instances=1, importance=1.0, feature_probability=0.5
                ),
                steps=20,
                batch_size=32,
                progress=False,
            )
            .W
        ),
        lambda: __import__("theory.interference", fromlist=["x"]).rademacher_frame(dim=4, n=6),
        lambda: __import__("theory.interference", fromlist=["x"]).interference_distribution(
            dim=8, x=[1.0, 1.0], samples=50
        ),
    ],
)
def test_default_calls_repeat_exactly(call):
    assert np.array_equal(call(), call())
