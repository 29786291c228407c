"""Every public callable, from a known-good call, with one argument at a time made bad.

For each callable in ``__all__`` of ``theory`` and of every area and shared package, the baseline
is the first call in its own docstring ``Examples`` (recorded by running them, see ``_fuzz.py``).
Each named argument is then replaced by bad values of its kind (NaN, inf, negative, zero, the tiny
positive reals 1e-300 and 5e-324 (the smallest subnormal), 10**12, 10**400, wrong type, ``None``,
booleans for numbers and strings for booleans, arrays with a NaN, an inf or an entry of 1e300, the
baseline array times 1e150, empty, the wrong number of dimensions, ragged, complex). The call must
either still work and return no NaN and no infinity (anywhere in the result: fields, tuples, dicts,
arrays), or raise ``ValueError``/``TypeError`` whose message names the argument; any other exception, a NaN or
infinite result, a ``MemoryError`` (the address space is capped during the call) or no answer
within the time bound is a failure. The baseline calls themselves must return no NaN or infinity
either. A result may be infinite only where ``_fuzz.INF_BY_CONTRACT`` allows it, and an entry there
must quote the callable's docstring saying when it is infinite.

Open failures are listed in ``_fuzz_known.py`` (the test also fails when one of them is fixed, so
that the list only shrinks). Callables without a baseline must be in :data:`ALLOW_LIST` with the
reason; a new public callable with neither fails :func:`test_every_public_callable_is_covered`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import math
import re
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

import _fuzz  # noqa: E402
from _fuzz_known import KNOWN  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGALRM and RLIMIT_AS (POSIX only)")

_RESULT = "result record: built by the library from validated inputs and returned, not an entry point"
_BUILT_BY = "no constructor example; built by {} (fuzzed through it)"

#: Public callables not fuzzed, each with the reason.
ALLOW_LIST: dict[str, str] = {
    "theory.TheoryWarning": "a Warning subclass: takes any message, like Warning itself",
    "theory.TheoryDeprecationWarning": "a Warning subclass: takes any message, like DeprecationWarning itself",
    "theory.toy_models.TrainingDivergedError": "an exception class: takes any message, like ValueError itself",
    # result records (frozen dataclasses returned by the functions that are fuzzed)
    **{
        f"theory.{name}": _RESULT
        for name in (
            "geometry.Bound",
            "geometry.Capacity",
            "geometry.Geometry",
            "geometry.LPBound",
            "geometry.Packing",
            "geometry.PackRound",
            "geometry.Polytope",
            "interference.DictionaryStats",
            "interference.PhaseTransition",
            "interference.RIPBound",
            "interference.ReadoutError",
            "interference.RecoveryCertificate",
            "circuits.AdlerShavit",
            "circuits.SNMFBaseline",
            "circuits.SemiNMF",
            "circuits.DepthBound",
            "circuits.ErrorStats",
            "circuits.UAndMoments",
            "toy_models.PhaseDiagram",
            "toy_models.SparseExpansion",
            "toy_models.SparseLimit",
            "sparse_coding.AbsorptionScores",
            "sparse_coding.AmortisationGap",
            "sparse_coding.Certificate",
            "sparse_coding.Correlation",
            "sparse_coding.DetectionScores",
            "sparse_coding.GroundTruth",
            "sparse_coding.LatentActivity",
            "sparse_coding.Magnitudes",
            "sparse_coding.Matching",
            "sparse_coding.RecoveryScores",
            "sparse_coding.SAEScore",
            "sparse_coding.SparseCodes",
            "sparse_coding.SpudResult",
            "sparse_coding.SpudTrials",
            "sparse_coding.ThresholdingWitness",
            "verify.Report",
            "verify.Verdict",
            "verify.Verdicts",
            "sweep.SweepResult",
            "circuits.CompressedAblation",
            "circuits.CompressedResult",
            "circuits.MixingDiagnostic",
            "interference.AccessCheck",
            "interference.AccessConstruction",
            "interference.AccessDims",
            "interference.MinDim",
            "toy_models.CollisionCount",
            "toy_models.ExponentFit",
            "toy_models.IncidentalGrid",
            "toy_models.IncidentalRun",
            "toy_models.KGonCriticalPoint",
            "toy_models.KGonSolution",
            "toy_models.TMSRun",
            "toy_models.LossExponentFit",
            "toy_models.Regime",
            "toy_models.ScalingModel",
        )
    },
    "theory.circuits.Embedding": _BUILT_BY.format("embed_features"),
    "theory.circuits.Stage": _BUILT_BY.format("compile_circuit"),
    # rendering helpers: arguments are matplotlib objects or none at all
    "theory.figures.figure_modules": "takes no arguments",
    "theory.figures.recipes": "takes no arguments",
    "theory.figures.get_ax": "takes an arbitrary matplotlib Axes (or None)",
    "theory.figures.style_context": "a context manager over matplotlib rcParams (arbitrary mapping)",
    "theory.figures.verdict_figures": "takes Verdicts (a result record)",
    # test support: hypothesis strategy builders, whose arguments hypothesis checks when drawing
    "theory.strategies.sparse_boolean_circuits": "hypothesis strategy builder (checked when drawn)",
    "theory.strategies.sparse_boolean_inputs": "hypothesis strategy builder (checked when drawn)",
    "theory.strategies.sparse_booleans": "hypothesis strategy builder (checked when drawn)",
    "theory.strategies.sparse_vectors": "hypothesis strategy builder (checked when drawn)",
    "theory.strategies.toy_configs": "hypothesis strategy builder (checked when drawn)",
    "theory.strategies.frames": "hypothesis strategy builder (checked when drawn)",
}

#: Callables whose baseline call trains, solves or simulates for a noticeable time: instead of every
#: bad value, hypothesis picks a few (argument, bad value) pairs each (derandomised).
SLOW: frozenset[str] = frozenset(
    {
        "theory.geometry.pack",
        "theory.geometry.delsarte_lp_bound",
        "theory.geometry.max_features",
        "theory.geometry.coherence_lower_bound",
        "theory.geometry.all_coherence_bounds",
        "theory.interference.empirical_phase_transition",
        "theory.circuits.compile_circuit",
        "theory.circuits.depth_failure_bound",
        "theory.circuits.simulate",
        "theory.circuits.uand_min_width",
        "theory.toy_models.best_2d_sparse_expansion",
        "theory.toy_models.best_2d_sparse_limit",
        "theory.toy_models.phase_diagram",
        "theory.toy_models.train",
        "theory.toy_models.train_2x1",
        "theory.sparse_coding.amortisation_gap",
        "theory.sparse_coding.mlp_encoder_learner",
        "theory.sparse_coding.sklearn_dictionary_learning",
        "theory.sparse_coding.sparse_coding_learner",
        "theory.sparse_coding.spud_success_rate",
        "theory.sparse_coding.train_sae",
        "theory.sparse_coding.train_saes",
        "theory.verify.check",
        "theory.verify.verify_all",
        "theory.figures.save",
    }
)

SECONDS_PER_CALL = 10.0


@functools.lru_cache(maxsize=1)
def _targets() -> dict[str, Any]:
    return _fuzz.public_callables()


@functools.lru_cache(maxsize=1)
def _recorded() -> tuple[dict[str, _fuzz.Baseline], dict[str, str]]:
    failures: dict[str, str] = {}
    baselines = _fuzz.record_baselines({k: v for k, v in _targets().items() if k not in ALLOW_LIST}, failures)
    return baselines, failures


def _baselines() -> dict[str, _fuzz.Baseline]:
    return _recorded()[0]


def _mutations(key: str) -> list[tuple[str, str, Any]]:
    return _fuzz.mutations(_targets()[key], _baselines()[key])


def _not_rerun(failure: str) -> bool:
    outcome = failure.split(": ", 1)[-1]
    return outcome.startswith(("no answer", "process exits"))


def _fuzzed(package: str) -> list[str]:
    # callables without a baseline fail test_every_public_callable_is_covered_or_allow_listed
    return [k for k in _targets() if k.rsplit(".", 1)[0] == package and k not in ALLOW_LIST and k in _baselines()]


def test_every_public_callable_is_covered_or_allow_listed() -> None:
    targets = _targets()
    missing = sorted(k for k in targets if k not in ALLOW_LIST and k not in _baselines())
    assert not missing, (
        f"public callables with no baseline call in their docstring Examples and not in ALLOW_LIST: {missing}"
    )
    stale = sorted(set(ALLOW_LIST) - set(targets))
    assert not stale, f"ALLOW_LIST names callables that are not public: {stale}"
    assert not (set(SLOW) - set(targets)), "SLOW names callables that are not public"
    assert len(_baselines()) >= 150  # the recorder really ran the examples


@pytest.mark.parametrize("package", _fuzz.PACKAGES)
def test_fuzz_one_argument_at_a_time(package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # any file a mutated call writes lands here
    new: list[str] = []
    fixed: list[str] = []
    for key in _fuzzed(package):
        if key in SLOW:
            continue
        fn = _targets()[key]
        failing: set[str] = set()
        for param, label, bad in _mutations(key):
            if (key, param, label) in _fuzz.PROCESS_EXITS or (
                (key, param) in KNOWN and _not_rerun(KNOWN[(key, param)])
            ):
                failing.add(param)  # a known hang or process exit is not re-run
                continue
            failure = _fuzz.run_bad_call(fn, _baselines()[key], param, bad, seconds=SECONDS_PER_CALL, key=key)
            if failure is None:
                continue
            failing.add(param)
            if (key, param) not in KNOWN:
                new.append(f"{key}({param}={label}): {failure}")
        fixed += [f"{key}({param})" for (k, param) in KNOWN if k == key and param not in failing]
    assert not new, "bad input mishandled:\n" + "\n".join(new)
    assert not fixed, "fixed (remove from _fuzz_known.KNOWN): " + ", ".join(fixed)


@settings(max_examples=25, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzz_slow_callables_sampled(data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(sorted(k for k in SLOW if k in _baselines())), label="callable")
    param, label, bad = data.draw(st.sampled_from(_mutations(key)), label="mutation")
    if (key, param) in KNOWN:
        return
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        failure = _fuzz.run_bad_call(_targets()[key], _baselines()[key], param, bad, seconds=SECONDS_PER_CALL, key=key)
    assert failure is None, f"{key}({param}={label}): {failure}"


def test_baseline_results_have_no_nan_and_no_unlisted_inf() -> None:
    failures = _recorded()[1]
    assert not failures, "docstring-example calls returning NaN/inf: " + "; ".join(
        f"{k}: {v}" for k, v in sorted(failures.items())
    )


_INF_WORD = re.compile(r"\binf\b|(?i:\binfinit)|∞|\\infty")


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("entry", sorted(_fuzz.INF_BY_CONTRACT))
def test_inf_contracts_are_documented(entry: str) -> None:
    """Each entry names a public callable and quotes its docstring where that says when it is infinite."""
    key = entry.partition(":")[0]
    assert key in _targets(), f"INF_BY_CONTRACT names {key!r}, which is not a public callable"
    doc = _squash(inspect.getdoc(_targets()[key]) or "")
    assert _INF_WORD.search(doc), f"{key}: its docstring does not mention inf/infinity/∞"
    quotes = re.findall(r'"([^"]+)"', _fuzz.INF_BY_CONTRACT[entry])
    assert quotes, f"{entry}: the reason quotes no docstring text (in double quotes)"
    missing = [q for q in quotes if _squash(q) not in doc]
    assert not missing, f"{entry}: quoted text not in the docstring of {key}: {missing}"
    assert any(_INF_WORD.search(q) for q in quotes), f"{entry}: no quote says when the result is infinite"


@functools.lru_cache(maxsize=1)
def _spark_score() -> Any:
    from theory import sparse_coding as sc
    from theory.sparse_coding.scoring import score

    truth = sc.oneill2024()
    return score(truth.dictionary[:, :6], truth, encoder="omp", batch=64, k=2)


#: For each contract entry, a call whose result is infinite exactly there (so that no entry is stale).
_INF_EXAMPLES: dict[str, Any] = {
    "theory.geometry.max_features:.upper": lambda: _targets()["theory.geometry.max_features"](
        dim=2, max_cos=0.99, optimise=False, lp_max_degree=4
    ),
    "theory.geometry.relative_bound:.value": lambda: _targets()["theory.geometry.relative_bound"](10, 0.5),
    "theory.interference.coherence_recovery:.threshold": lambda: _targets()["theory.interference.coherence_recovery"](
        np.eye(3), k=2
    ),
    "theory.interference.dictionary_stats:.ratio_to_welch": lambda: _targets()["theory.interference.dictionary_stats"](
        [[1.0, 0.6], [0.0, 0.8], [0.0, 0.0]], k=1
    ),
    "theory.sparse_coding.score:.spark_lower": _spark_score,
    "theory.sparse_coding.score:.certificates['spark'].value": _spark_score,
    "theory.sparse_coding.spark_lower_bound:.value": lambda: _targets()["theory.sparse_coding.spark_lower_bound"](
        np.eye(3)
    ),
    "theory.verify.bound_slack": lambda: _targets()["theory.verify.bound_slack"](1e300, 1e-300, "<="),
}


@pytest.mark.parametrize("entry", sorted(_fuzz.INF_BY_CONTRACT))
def test_inf_contracts_are_reachable(entry: str) -> None:
    assert entry in _INF_EXAMPLES, f"add an example call for the INF_BY_CONTRACT entry {entry!r}"
    key, _, path = entry.partition(":")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = [p for p, kind in _fuzz.non_finite(_INF_EXAMPLES[entry]()) if kind == "inf"]
    assert found and all(_fuzz.inf_allowed(key, p) for p in found), found
    assert not path or path in found, f"{entry}: inf found at {found}, not at {path}"


@dataclasses.dataclass(frozen=True)
class _Rec:
    value: float
    parts: tuple[object, ...] = ()


def test_the_walker_finds_nan_and_inf_where_they_are() -> None:
    result = _Rec(1.0, (np.array([1.0, np.inf]), {"a": _Rec(float("-inf"))}, [float("nan")], 10**400, "inf"))
    assert sorted(_fuzz.non_finite(result)) == [
        (".parts[0]", "inf"),
        (".parts[1]['a'].value", "inf"),
        (".parts[2][0]", "nan"),
    ]
    assert list(_fuzz.non_finite((1.0, np.zeros(3), complex(1, 2), True, None))) == []
    assert _fuzz.result_failure("x.f", len, _Rec(math.inf)) == "returned inf at .value"
    assert _fuzz.result_failure("x.f", len, math.inf) == "returned inf at <result>"
    assert _fuzz.result_failure("x.f", len, _Rec(math.nan)) == "returned NaN"


def test_contract_paths_match_only_where_they_say() -> None:
    old = dict(_fuzz.INF_BY_CONTRACT)
    try:
        _fuzz.INF_BY_CONTRACT.clear()
        _fuzz.INF_BY_CONTRACT.update({"x.f:.parts[*].value": "r", "x.g": "r"})
        assert _fuzz.inf_allowed("x.f", ".parts[3].value")
        assert not _fuzz.inf_allowed("x.f", ".value")
        assert not _fuzz.inf_allowed("x.f", ".parts[3].value.more")
        assert not _fuzz.inf_allowed("x.h", ".value")
        assert _fuzz.inf_allowed("x.g", ".anything[0]")
    finally:
        _fuzz.INF_BY_CONTRACT.clear()
        _fuzz.INF_BY_CONTRACT.update(old)


def test_a_function_shadowed_by_its_submodule_is_still_fuzzed() -> None:
    # a public function may share its name with a module of an eagerly imported package
    # (theory.circuits.uand); the walk must find the function, here theory.sparse_coding.score
    assert inspect.isfunction(_targets()["theory.sparse_coding.score"])
    assert "theory.sparse_coding.score" in _baselines()
