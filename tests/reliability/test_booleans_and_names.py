"""Boolean parameters are type-checked everywhere (``"no"`` is truthy), and messages name the
argument the caller passed, not an internal or third-party name."""

import numpy as np
import pytest

from theory.circuits import Circuit, Gate, moments
from theory.circuits import compile as ccompile
from theory.geometry import capacity, constructions, delsarte, packing
from theory.interference import dictionary, random_projections, recovery, worst_case
from theory.toy_models import ToyModel, ToyModelConfig, analysis, phase, train
from theory.verify import report

W = np.eye(2, 3) + 0.1


def _saved(tmp_path):
    np.save(tmp_path / "w.npy", W)
    return tmp_path / "w.npy"


CIRCUIT = Circuit(2, [[Gate("AND", (0, 1))]])
ABS_MODEL = ToyModel(
    ToyModelConfig(n_features=2, n_hidden=1, task="abs"),
    W=np.ones((1, 1, 2)),
    b=np.zeros((1, 2)),
    W2=np.ones((1, 2, 1)),
)

CASES = [
    ("transpose", lambda v, tmp: dictionary.load_dictionary(_saved(tmp), transpose=v)),
    ("random_null", lambda v, tmp: dictionary.dictionary_stats(W, random_null=v)),
    ("sparse", lambda v, tmp: random_projections.achlioptas_projection(k=2, dim=3, sparse=v)),
    ("nonnegative", lambda v, tmp: recovery.basis_pursuit(W, [1.0, 0.0], nonnegative=v)),
    ("nonnegative", lambda v, tmp: recovery.statistical_dimension_l1(n=10, k=2, nonnegative=v)),
    ("nonnegative", lambda v, tmp: recovery.l1_weak_threshold(0.5, nonnegative=v)),
    ("screen", lambda v, tmp: recovery.l1_recovers(W, [1.0, 0, 0], screen=v)),
    ("nonnegative", lambda v, tmp: recovery.recovery_trial(10, 5, 2, np.random.default_rng(0), nonnegative=v)),
    ("progress", lambda v, tmp: recovery.empirical_phase_transition(n=10, deltas=[0.5], rhos=[0.5], progress=v)),
    ("signed", lambda v, tmp: worst_case.worst_case_interference(W, k=1, signed=v)),
    ("lines", lambda v, tmp: capacity.max_features(dim=2, max_cos=0.5, lines=v)),
    ("optimise", lambda v, tmp: capacity.max_features(dim=2, max_cos=0.5, optimise=v)),
    ("real", lambda v, tmp: constructions.mub_frame(3, real=v)),
    ("real", lambda v, tmp: constructions.mub_frame_coherence(3, real=v)),
    ("exact", lambda v, tmp: delsarte.gegenbauer(2, 3, exact=v, t=[0.5])),
    ("lines", lambda v, tmp: delsarte.verify_delsarte_certificate([1.0], dim=3, max_cos=0.5, lines=v)),
    ("lines", lambda v, tmp: delsarte.delsarte_lp_bound(dim=3, max_cos=0.5, lines=v)),
    ("lines", lambda v, tmp: packing.pack(dim=2, n=3, lines=v)),
    ("progress", lambda v, tmp: packing.pack(dim=2, n=3, progress=v)),
    ("all_layers", lambda v, tmp: CIRCUIT.evaluate([[1, 0]], all_layers=v)),
    (
        "centre",
        lambda v, tmp: ccompile.compile_circuit(
            CIRCUIT, width=100, error_correction=ccompile.ErrorCorrection("superposed", centre=v)
        ),
    ),
    ("strict", lambda v, tmp: moments.uand_error_tail(d=10, p=0.1, s=2, active=2, t=0.5, strict=v)),
    ("per_sign", lambda v, tmp: analysis.abs_features_computed(ABS_MODEL, per_sign=v)),
    ("progress", lambda v, tmp: phase.phase_diagram([0.1], [1.0], progress=v)),
    ("progress", lambda v, tmp: train(ToyModelConfig(n_features=2, n_hidden=1), steps=1, progress=v)),
    ("quick", lambda v, tmp: report.verify_all(quick=v, claims=["geometry.welch"])),
    ("figures", lambda v, tmp: report.Report([], {}).write(tmp, figures=v)),
]


@pytest.mark.parametrize("value", ["no", 0, None])
@pytest.mark.parametrize("name,call", CASES, ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
def test_booleans_are_type_checked(tmp_path, name, call, value):
    with pytest.raises(TypeError, match=f"{name} must be True or False, got {value!r}"):
        call(value, tmp_path)


def test_transpose_no_does_not_transpose(tmp_path):
    """The issue's example: transpose="no" used to transpose (a non-empty string is truthy)."""
    with pytest.raises(TypeError, match="transpose must be True or False"):
        dictionary.load_dictionary(_saved(tmp_path), transpose="no")
    np.testing.assert_array_equal(dictionary.load_dictionary(_saved(tmp_path), transpose=np.bool_(False)), W)


def test_check_bool():
    from theory._validation import check_bool

    assert check_bool(np.bool_(True), "x") is True
    for bad in ("True", 1, 1.0, None, [True]):
        with pytest.raises(TypeError, match="x must be True or False"):
            check_bool(bad, "x")


def test_compile_error_correction_accepts_dedicated_but_not_ints():
    with pytest.raises(ValueError, match="error_correction must be True, False or 'dedicated'"):
        ccompile.compile_circuit(CIRCUIT, width=100, error_correction=1)


def test_uand_calibration_s_is_named():
    from theory.circuits.uand import UAnd

    with pytest.raises(ValueError, match="calibration_s must be an integer >= 2, got 0"):
        UAnd(
            kind="rademacher",
            W=np.ones((2, 3)),
            bias=np.zeros(2),
            fan_in=2,
            p=None,
            embedding=None,
            pairs=None,
            calibration_s=0,
        )


@pytest.mark.parametrize("dtype", [3, None, "float16", "nonsense"])
def test_dictionary_dtype_is_named(dtype):
    with pytest.raises((TypeError, ValueError), match="dtype must be one of 'float32', 'float64'"):
        dictionary.dictionary_stats(W, dtype=dtype) if dtype is not None else dictionary.random_frame_max_cos(
            dim=2, n=3, dtype=dtype
        )
