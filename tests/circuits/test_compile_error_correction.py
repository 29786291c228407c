"""``compile_circuit``'s ``ErrorCorrection``: validated and frozen, the shorthands and the old
``ec_*`` keywords (deprecated) build the same networks, and the same seed builds the same network as
before the dataclass existed (pinned digests of every weight matrix)."""

from __future__ import annotations

import dataclasses
import hashlib
import warnings

import numpy as np
import pytest

from theory.circuits import Circuit, Gate, compile_circuit, random_circuit
from theory.circuits.compile import EC_KINDS, ErrorCorrection

CIRC = random_circuit(width=12, depth=3, ops=("AND", "OR", "XOR"), rng=0)


def _digest(net) -> str:
    """SHA-256 of every stage's weights (CSR structure and values), biases, centring flag and
    embeddings: all drawn by NumPy's generators, so the same on any machine."""
    h = hashlib.sha256()
    for s in net.stages:
        for M in (s.W, s.O, s.Lin, s.V, s.Q):
            if M is None:
                continue
            M = M.tocsr()
            M.sort_indices()
            for a in (M.data, M.indices, M.indptr):
                h.update(np.ascontiguousarray(a).tobytes())
        h.update(np.atleast_1d(np.asarray(s.bias, dtype=float)).tobytes())
        h.update(np.array([s.ec_centre]).tobytes())
    for F in net.embeddings:
        if F is not None:
            h.update(np.ascontiguousarray(F).tobytes())
    return h.hexdigest()[:16]


# (size and seed, old keywords, the same as error_correction=, digest, neurons, parameters), measured
# with the 11-keyword compile_circuit just before ErrorCorrection.
PINNED = [
    ("ec_true", dict(width=200, rng=0), {}, ErrorCorrection(), "030ed37053a07c50", 1200, 3629),
    (
        "ec_false_dim",
        dict(width=200, dim=40, rng=1),
        dict(error_correction=False),
        ErrorCorrection("none"),
        "36a2aca13a0b13b5",
        600,
        48650,
    ),
    (
        "dedicated",
        dict(width=150, s=2, rng=2),
        dict(error_correction="dedicated"),
        ErrorCorrection("dedicated"),
        "e691e12a391a9aaf",
        522,
        1478,
    ),
    (
        "pairs_degree",
        dict(width=200, rng=3),
        dict(error_correction=True, ec_pairs=60, ec_degree=5),
        ErrorCorrection(pairs=60, degree=5),
        "7b842b286bf6348c",
        960,
        2777,
    ),
    (
        "bern_uncentred",
        dict(width=200, rng=4),
        dict(error_correction=True, ec_p=0.1, ec_centre=False),
        ErrorCorrection(p=0.1, centre=False),
        "4b202c99d138caec",
        1200,
        3679,
    ),
    (
        "p_given",
        dict(width=300, p=0.05, dim=50, rng=5),
        dict(ec_pairs=30),
        ErrorCorrection(pairs=30),
        "a630bd33b6c71252",
        1080,
        109256,
    ),
]


@pytest.mark.parametrize("name, size, old, ec, digest, neurons, params", PINNED, ids=[c[0] for c in PINNED])
def test_same_networks_as_before_the_dataclass(name, size, old, ec, digest, neurons, params):
    net = compile_circuit(CIRC, error_correction=ec, **size)
    assert (_digest(net), net.n_neurons, net.n_params) == (digest, neurons, params)
    assert net.info["ec"] == ec
    legacy_kw = {k: v for k, v in old.items() if k.startswith("ec_")}
    if legacy_kw:
        with pytest.warns(DeprecationWarning, match=r"error_correction=ErrorCorrection\('superposed'"):
            legacy = compile_circuit(CIRC, **size, **old)
    else:
        legacy = compile_circuit(CIRC, **size, **old)
    assert _digest(legacy) == digest
    x = (np.random.default_rng(0).random((8, CIRC.n_inputs)) < 0.2).astype(float)
    for a, b in zip(net.forward(x), legacy.forward(x), strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "short, kind",
    [
        (True, "superposed"),
        (False, "none"),
        (np.bool_(True), "superposed"),
        ("superposed", "superposed"),
        ("dedicated", "dedicated"),
        ("none", "none"),
    ],
)
def test_shorthands_are_kinds_with_their_defaults(short, kind):
    assert ErrorCorrection.of(short) == ErrorCorrection(kind)
    a = compile_circuit(CIRC, width=100, error_correction=short, rng=7)
    b = compile_circuit(CIRC, width=100, error_correction=ErrorCorrection(kind), rng=7)
    assert _digest(a) == _digest(b)
    assert a.error_correction == {"none": False, "superposed": True, "dedicated": "dedicated"}[kind]


def test_the_correction_layer_has_the_requested_shape():
    # oracle: count the wiring directly
    c = Circuit(30, [[Gate("ID", (i,)) for i in range(30)]])
    net = compile_circuit(c, width=100, error_correction=ErrorCorrection(pairs=20, degree=3), rng=0)
    V = net.stages[0].V.toarray()
    assert V.shape == (20, 30) and (V.sum(axis=0) == 3).all() and net.stages[0].ec_centre
    assert net.n_neurons == 100 + 2 * 20
    net = compile_circuit(c, width=100, error_correction=ErrorCorrection(centre=False), rng=0)
    assert net.stages[0].V.shape == (50, 30) and (net.stages[0].V.toarray().sum(axis=0) == 8).all()
    assert not net.stages[0].ec_centre
    net = compile_circuit(c, width=100, error_correction="dedicated", rng=0)
    assert (net.stages[0].V.toarray() == np.eye(30)).all() and not net.stages[0].ec_centre


@pytest.mark.parametrize(
    "kw, exc, match",
    [
        (dict(kind="both"), ValueError, "kind must be one of"),
        (dict(kind=True), ValueError, "kind must be one of"),
        (dict(pairs=0), ValueError, "pairs"),
        (dict(pairs=2.5), (TypeError, ValueError), "pairs"),
        (dict(degree=0), ValueError, "degree"),
        (dict(p=0.0), ValueError, "p must be in"),
        (dict(p=float("nan")), ValueError, "p must be"),
        (dict(centre="no"), TypeError, "centre must be True or False"),
        (dict(kind="dedicated", pairs=10), ValueError, "apply to kind='superposed' only"),
        (dict(kind="none", centre=False), ValueError, "apply to kind='superposed' only"),
        (dict(degree=3, p=0.1), ValueError, "not both"),
        (dict(pairs=4, degree=5), ValueError, "degree must be at most pairs=4"),
    ],
)
def test_error_correction_is_validated(kw, exc, match):
    with pytest.raises(exc, match=match):
        ErrorCorrection(**kw)


def test_degree_above_the_default_pairs_is_refused_at_compile_time():
    with pytest.raises(ValueError, match="error_correction.degree"):
        compile_circuit(CIRC, width=10, error_correction=ErrorCorrection(degree=6))  # 5 pairs


def test_frozen_printable_and_replace_validates():
    ec = ErrorCorrection(pairs=60, degree=5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ec.pairs = 3
    assert repr(ec) == "ErrorCorrection(kind='superposed', pairs=60, degree=5)"
    assert repr(ErrorCorrection("none")) == "ErrorCorrection(kind='none')"
    assert hash(ec) == hash(ErrorCorrection("superposed", 60, 5))
    with pytest.raises(ValueError, match="not both"):
        ec.replace(p=0.2)
    assert ec.replace(degree=None, p=0.2).p == 0.2
    assert EC_KINDS == ("none", "superposed", "dedicated")


def test_bad_error_correction_values_and_keywords():
    for bad in (1, "yes", None, 0.5):
        with pytest.raises(ValueError, match="error_correction must be True, False or 'dedicated'"):
            compile_circuit(CIRC, width=10, error_correction=bad)
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['ec_width'\]"):
        compile_circuit(CIRC, width=10, ec_width=3)
    with pytest.warns(DeprecationWarning), pytest.raises(TypeError, match="ec_centre must be True or False"):
        compile_circuit(CIRC, width=10, ec_centre="no")
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="ec_pairs"):
        compile_circuit(CIRC, width=10, ec_pairs=0)


def test_old_keywords_keep_their_old_meaning():
    # ignored when the correction is not superposed (as they always were), but still warned about
    with pytest.warns(DeprecationWarning) as rec:
        a = compile_circuit(CIRC, width=100, error_correction=False, ec_pairs=7, rng=3)
    assert rec[0].filename == __file__
    assert _digest(a) == _digest(compile_circuit(CIRC, width=100, error_correction=False, rng=3))
    # with Bernoulli wiring the degree was never used
    with pytest.warns(DeprecationWarning):
        b = compile_circuit(CIRC, width=100, ec_p=0.2, ec_degree=3, rng=3)
    assert _digest(b) == _digest(compile_circuit(CIRC, width=100, error_correction=ErrorCorrection(p=0.2), rng=3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile_circuit(CIRC, width=100, error_correction=ErrorCorrection(pairs=7), rng=3)
