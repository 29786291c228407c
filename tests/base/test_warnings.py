"""The toolkit's deprecations all emit ``TheoryDeprecationWarning``, which the test suite turns into
an error (so no test uses a deprecated keyword by accident)."""

from __future__ import annotations

import ast
import tomllib
import warnings
from pathlib import Path

import pytest

from theory._warnings import TheoryDeprecationWarning, TheoryWarning
from theory.circuits import Circuit, Gate, compile_circuit
from theory.geometry import pack
from theory.toy_models import ToyModelConfig, train
from theory.verify import Claim, check

ROOT = Path(__file__).resolve().parents[2]
FILTER = "error::theory._warnings.TheoryDeprecationWarning"


def test_class():
    assert issubclass(TheoryDeprecationWarning, DeprecationWarning)
    assert not issubclass(TheoryDeprecationWarning, TheoryWarning)


def test_the_suite_turns_it_into_an_error():
    opts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert FILTER in opts["filterwarnings"]
    with pytest.raises(TheoryDeprecationWarning, match="old="):
        warnings.warn("f(old=...) is deprecated", TheoryDeprecationWarning, stacklevel=1)
    with warnings.catch_warnings(record=True) as rec:  # the suite's filters still apply in here
        warnings.warn("a third party's deprecation", DeprecationWarning, stacklevel=1)
    assert [r.category for r in rec] == [DeprecationWarning]  # recorded, not an error


def _verdict():
    claim = Claim(
        id="t.deprecation",
        statement="test",
        citation="test",
        bound=lambda p: 1.0,
        measure=lambda p, rng: 0.5,
        relation="<=",
        params=[{}],
        trials=1,
        quantity="q",
        unit="u",
    )
    return check(claim)


CALLS = {
    "train": lambda: train(ToyModelConfig(n_features=2, n_hidden=1), steps=1, batch_size=2, progress=False, eps=1e-7),
    "compile_circuit": lambda: compile_circuit(Circuit(2, [[Gate("AND", (0, 1))]]), width=50, ec_pairs=4),
    "pack": lambda: pack(dim=2, n=3, rng=0, restarts=1, slp_iters=5),
    "Verdict.tightness": lambda: _verdict().tightness,
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_deprecated_path_emits_it(name):
    with pytest.warns(TheoryDeprecationWarning) as rec:
        CALLS[name]()
    assert all(issubclass(r.category, TheoryDeprecationWarning) for r in rec if "deprecated" in str(r.message))


def _driver_calls() -> dict:
    """One experiment driver per family, called with a deprecated loose keyword (tiny sizes)."""
    from theory.experiments.circuits import adler_shavit_comparison
    from theory.experiments.geometry import sloane_grid
    from theory.experiments.reproductions import reproduce
    from theory.experiments.sparse_coding import spud_threshold
    from theory.experiments.toy_models import sticky_dimensionality
    from theory.experiments.toy_scaling import scaling_grid
    from theory.toy_models.incidental import FAST, incidental_sweep
    from theory.toy_models.phase import phase_diagram

    return {
        "adler_shavit_comparison": lambda: adler_shavit_comparison(quick=True, executor="serial"),
        "sloane_grid": lambda: sloane_grid(cases=[(3, 4)], time_limit=0.1, executor="serial"),
        "spud_threshold": lambda: spud_threshold(ns=[5], cs=[8], trials=1, executor="serial"),
        "sticky_dimensionality": lambda: sticky_dimensionality(
            n=8, dim=2, instances=1, steps=2, chunk=1, executor="serial"
        ),
        "scaling_grid": lambda: scaling_grid(
            n=10,
            dims=[3, 4, 5],
            alphas=[0.5],
            weight_decays=[-1.0],
            steps=2,
            batch_size=8,
            eval_batch=16,
            executor="serial",
        ),
        "phase_diagram": lambda: phase_diagram([1.0], [0.2], seeds=1, steps=2, progress=False),
        "incidental_sweep": lambda: incidental_sweep([4], [8], seeds=1, settings=dict(FAST, steps=2), store=":memory:"),
        "reproduce": lambda: reproduce("circuits_adler_shavit", quick=True, executor="serial"),
    }


DRIVERS = sorted(_driver_calls())


@pytest.mark.parametrize("name", DRIVERS)
def test_every_experiment_driver_family_deprecates_its_loose_keywords(name):
    with pytest.warns(
        TheoryDeprecationWarning, match=rf"^{name}\(\w+=[^)]+\) is deprecated.*; pass runner=Runner\("
    ) as rec:
        _driver_calls()[name]()
    assert [Path(r.filename) for r in rec] == [Path(__file__)] * len(rec)  # stacklevel: the user's call


def _deprecation_categories(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, category name) of every ``warnings.warn(..., <X>DeprecationWarning, ...)`` call."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "warn"):
            continue
        args = list(node.args[1:2]) + [k.value for k in node.keywords if k.arg == "category"]
        for a in args:
            name = a.id if isinstance(a, ast.Name) else a.attr if isinstance(a, ast.Attribute) else ""
            if name.endswith("DeprecationWarning"):
                found.append((node.lineno, name))
    return found


def test_no_plain_deprecation_warning_in_the_package():
    plain = []
    for path in sorted((ROOT / "theory").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        plain += [
            f"{path.relative_to(ROOT)}:{line} {name}"
            for line, name in _deprecation_categories(tree)
            if name != "TheoryDeprecationWarning"
        ]
    assert plain == []


def test_the_scan_sees_a_plain_one():
    tree = ast.parse(
        "import warnings\nwarnings.warn('x', DeprecationWarning)\nwarnings.warn('y', category=FutureWarning)"
    )
    assert _deprecation_categories(tree) == [(2, "DeprecationWarning")]
