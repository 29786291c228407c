"""Every public callable, from a known-good call, with one argument at a time made bad.

For each callable in ``__all__`` of ``theory`` and of every area and shared package, the baseline
is the first call in its own docstring ``Examples`` (recorded by running them, see ``_fuzz.py``).
Each named argument is then replaced by bad values of its kind (NaN, inf, negative, zero, 10**12,
10**400, wrong type, ``None``, booleans for numbers and strings for booleans, arrays with a NaN,
empty, the wrong number of dimensions, ragged, complex). The call must either still work and
return no NaN, or raise ``ValueError``/``TypeError`` whose message names the argument; any other
exception, a NaN result, a ``MemoryError`` (the address space is capped during the call) or no
answer within the time bound is a failure.

Open failures are listed in ``_fuzz_known.py`` (the test also fails when one of them is fixed, so
that the list only shrinks). Callables without a baseline must be in :data:`ALLOW_LIST` with the
reason; a new public callable with neither fails :func:`test_every_public_callable_is_covered`.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import tempfile
from pathlib import Path
from typing import Any

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
            "geometry.Polytope",
            "interference.DictionaryStats",
            "interference.PhaseTransition",
            "interference.RIPBound",
            "interference.ReadoutError",
            "interference.RecoveryCertificate",
            "circuits.AdlerShavit",
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
def _baselines() -> dict[str, _fuzz.Baseline]:
    return _fuzz.record_baselines({k: v for k, v in _targets().items() if k not in ALLOW_LIST})


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
            failure = _fuzz.run_bad_call(fn, _baselines()[key], param, bad, seconds=SECONDS_PER_CALL)
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
        failure = _fuzz.run_bad_call(_targets()[key], _baselines()[key], param, bad, seconds=SECONDS_PER_CALL)
    assert failure is None, f"{key}({param}={label}): {failure}"
