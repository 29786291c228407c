"""Tests for SAELens-layout SAE files (theory.sparse_coding.sae_io): round trips and damaged files."""

from __future__ import annotations

import json
import struct
import warnings

import numpy as np
import pytest

import theory.sparse_coding.sae_io as sae_io
from theory._warnings import TheoryWarning
from theory.sparse_coding.sae import SAEOptions, train_sae
from theory.sparse_coding.sae_io import load_sae, save_sae

QUIET = SAEOptions(progress=False)
_CODES = {np.dtype("<f4"): "F32", np.dtype("<f8"): "F64", np.dtype("<f2"): "F16"}


def _raw_safetensors(tensors, *, header_patch=None, length_override=None, trailing=b""):
    """Write the safetensors format by hand (8-byte little-endian header length, JSON header, data)."""
    header, chunks, off = {}, [], 0
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr)
        data = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": _CODES[arr.dtype], "shape": list(arr.shape), "data_offsets": [off, off + len(data)]}
        chunks.append(data)
        off += len(data)
    if header_patch:
        header_patch(header)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    n = len(raw) if length_override is None else length_override
    return struct.pack("<Q", n) + raw + b"".join(chunks) + trailing


def _saelens_tensors(d_in=3, d_sae=5, seed=0, threshold=False, dtype=np.float32):
    rng = np.random.default_rng(seed)
    t = {
        "W_enc": rng.standard_normal((d_in, d_sae)),
        "b_enc": rng.standard_normal(d_sae),
        "W_dec": rng.standard_normal((d_sae, d_in)),
        "b_dec": rng.standard_normal(d_in),
    }
    if threshold:
        t["threshold"] = rng.random(d_sae)
    return {k: v.astype(dtype) for k, v in t.items()}


def _write(folder, tensors=None, cfg=None, *, raw=None, cfg_text=None):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sae_weights.safetensors").write_bytes(raw if raw is not None else _raw_safetensors(tensors))
    if cfg_text is None:
        cfg_text = json.dumps(cfg)
    (folder / "cfg.json").write_text(cfg_text)
    return folder


def _cfg(**kw):
    base = {
        "d_in": 3,
        "d_sae": 5,
        "dtype": "float32",
        "device": "cpu",
        "apply_b_dec_to_input": True,
        "normalize_activations": "none",
        "architecture": "standard",
        "meta": {"model_name": "toy", "hook_name": "blocks.0.hook_resid_post"},
    }
    base.update(kw)
    return base


# ----------------------------------------------------------------------------------------------
# round trips
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained():
    with warnings.catch_warnings():  # short runs: the JumpReLU thresholds have not moved yet
        warnings.filterwarnings("ignore", "JumpReLU instance", TheoryWarning)
        return _train_all()


def _train_all():
    X = np.abs(np.random.default_rng(0).standard_normal((200, 4))) * (np.random.default_rng(1).random((200, 4)) < 0.4)
    common = dict(width=6, steps=30, batch_size=32, options=QUIET)
    return {
        "relu": train_sae(X, kind="relu", l1=0.1, **common),
        "tied": train_sae(X, kind="relu", l1=0.1, tied=True, **common),
        "topk": train_sae(X, kind="topk", k=2, **common),
        "batchtopk": train_sae(X, kind="batchtopk", k=2, **common),
        "jumprelu": train_sae(X, kind="jumprelu", l0=0.01, **common),
        "matryoshka": train_sae(X, kind="matryoshka", k=2, **common),
        "float64": train_sae(
            X, kind="relu", l1=0.1, width=6, steps=5, batch_size=8, options=SAEOptions(progress=False, dtype="float64")
        ),
        "nobias": train_sae(X, kind="topk", k=2, **{**common, "options": SAEOptions(progress=False, bias=False)}),
        "normalized": train_sae(
            10 * X,
            kind="jumprelu",
            l0=0.01,
            **{**common, "options": SAEOptions(progress=False, normalize="expected_norm")},
        ),
        "X": X,
    }


@pytest.mark.parametrize(
    "name", ["relu", "tied", "topk", "batchtopk", "jumprelu", "matryoshka", "float64", "nobias", "normalized"]
)
def test_round_trip(tmp_path, trained, name):
    sae = trained[name]
    folder = save_sae(sae, tmp_path / name)
    back = load_sae(folder)
    assert (back.kind, back.k, back.tied, back.bias) == (sae.kind, sae.k, sae.tied, sae.bias)
    assert back.bias == (name != "nobias")
    assert back.sparsity_coefficient == sae.sparsity_coefficient
    for attr in ("W_enc", "b_enc", "W_dec", "b_dec", "threshold"):
        a, b = getattr(sae, attr), getattr(back, attr)
        assert (a is None) == (b is None)
        if a is not None:
            assert a.dtype == b.dtype and np.array_equal(a, b), attr
    X = trained["X"]
    np.testing.assert_array_equal(back.encode(X), sae.encode(X))
    assert sorted(p.name for p in folder.iterdir()) == ["cfg.json", "sae_weights.safetensors"]  # no temp files


def test_layout_is_saelens(tmp_path, trained):
    import safetensors.numpy

    sae = trained["jumprelu"]
    folder = save_sae(sae, tmp_path / "s")
    tensors = safetensors.numpy.load_file(folder / "sae_weights.safetensors")
    assert {k: v.shape for k, v in tensors.items()} == {
        "W_enc": (4, 6),
        "b_enc": (6,),
        "W_dec": (6, 4),
        "b_dec": (4,),
        "threshold": (6,),
    }
    np.testing.assert_array_equal(tensors["W_enc"], sae.W_enc.T)
    np.testing.assert_array_equal(tensors["W_dec"], sae.W_dec.T)
    cfg = json.loads((folder / "cfg.json").read_text())
    assert (cfg["d_in"], cfg["d_sae"], cfg["architecture"], cfg["dtype"]) == (4, 6, "jumprelu", "float32")
    assert cfg["apply_b_dec_to_input"] is True
    topk_cfg = json.loads((save_sae(trained["topk"], tmp_path / "t") / "cfg.json").read_text())
    assert (topk_cfg["architecture"], topk_cfg["k"]) == ("topk", 2)
    assert (
        json.loads((save_sae(trained["relu"], tmp_path / "r") / "cfg.json").read_text())["architecture"] == "standard"
    )
    # batchtopk is stored as JumpReLU with the global threshold repeated (as SAELens does)
    bt = json.loads((save_sae(trained["batchtopk"], tmp_path / "b") / "cfg.json").read_text())
    assert bt["architecture"] == "jumprelu" and bt["theory"]["kind"] == "batchtopk"
    # header: 8-byte little-endian length then JSON, parsed by hand
    raw = (folder / "sae_weights.safetensors").read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    assert header["W_enc"]["shape"] == [4, 6] and header["W_enc"]["dtype"] == "F32"


@pytest.mark.parametrize("arch", ["standard", "topk", "jumprelu"])
def test_reads_a_hand_written_saelens_folder(tmp_path, arch):
    t = _saelens_tensors(threshold=arch == "jumprelu")
    extra = {"k": 2} if arch == "topk" else {}
    folder = _write(tmp_path / arch, t, _cfg(architecture=arch, **extra))
    sae = load_sae(folder)
    x = np.random.default_rng(3).standard_normal((7, 3))
    z = (x - t["b_dec"]) @ t["W_enc"].astype(float) + t["b_enc"]  # SAELens: (x - b_dec) @ W_enc + b_enc
    if arch == "standard":
        expected = np.maximum(z, 0)
    elif arch == "topk":
        expected = np.zeros_like(z)
        for b in range(7):
            top = np.argsort(z[b])[-2:]
            expected[b, top] = np.maximum(z[b, top], 0)
    else:
        expected = z * (z > t["threshold"])
    np.testing.assert_allclose(sae.encode(x), expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(sae.decode(expected), expected @ t["W_dec"] + t["b_dec"], rtol=1e-6, atol=1e-6)
    assert sae.dictionary.shape == (3, 5)


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path, trained, monkeypatch):
    folder = save_sae(trained["relu"], tmp_path / "s")
    before = (folder / "sae_weights.safetensors").read_bytes()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(sae_io.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        save_sae(trained["topk"], folder)
    assert (folder / "sae_weights.safetensors").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["cfg.json", "sae_weights.safetensors"]
    monkeypatch.undo()
    save_sae(trained["topk"], folder)  # overwriting works
    assert load_sae(folder).kind == "topk"


def test_save_refuses_bad_arguments(tmp_path, trained):
    with pytest.raises(TypeError, match="sae must be an SAE"):
        save_sae({"W_enc": 1}, tmp_path / "x")
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ValueError, match="not a folder"):
        save_sae(trained["relu"], f)


# ----------------------------------------------------------------------------------------------
# damaged files
# ----------------------------------------------------------------------------------------------


def test_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_sae(tmp_path / "nope")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "cfg.json").write_text(json.dumps(_cfg()))
    with pytest.raises(FileNotFoundError, match="sae_weights.safetensors"):
        load_sae(tmp_path / "a")


def _good_raw(**kw):
    return _raw_safetensors(_saelens_tensors(), **kw)


def _nan_header(h):
    h["b_enc"]["dtype"] = "BF16"


@pytest.mark.parametrize(
    "raw,match",
    [
        (b"", "truncated safetensors file"),
        (b"\x05\x00\x00", "truncated safetensors file"),
        (_good_raw()[:-10], "truncated or corrupt"),
        (_good_raw(length_override=2**60), r"header claims 1152921504606846976 bytes"),
        (struct.pack("<Q", 6) + b"{nope}", "not valid JSON"),
        (struct.pack("<Q", 2) + b"[]", "must be a JSON object"),
        (_good_raw(header_patch=lambda h: h["W_enc"].update(shape=[10**9, 10**9])), "needs"),
        (_good_raw(header_patch=lambda h: h["W_dec"].update(data_offsets=[0, 10**12])), "truncated or corrupt"),
        (_good_raw(header_patch=lambda h: h["b_dec"].update(shape=[-3])), "invalid shape"),
        (_good_raw(header_patch=lambda h: h["b_dec"].update(data_offsets="x")), "invalid data_offsets"),
        (_good_raw(header_patch=lambda h: h["b_dec"].pop("dtype")), "malformed header entry"),
        (_good_raw(header_patch=_nan_header), "dtype 'BF16'"),
        (_good_raw(header_patch=lambda h: h["b_enc"].update(data_offsets=[0, 20])), "overlap"),
    ],
)
def test_damaged_safetensors(tmp_path, raw, match):
    folder = _write(tmp_path / "d", cfg=_cfg(), raw=raw)
    with pytest.raises(ValueError, match=match):
        load_sae(folder)


def test_header_is_checked_before_reading(tmp_path, monkeypatch):
    # a header claiming a huge tensor must be refused before the library reads anything
    folder = _write(
        tmp_path / "h", cfg=_cfg(), raw=_good_raw(header_patch=lambda h: h["W_enc"].update(data_offsets=[0, 2**40]))
    )
    monkeypatch.setattr(sae_io, "_safetensors", lambda: pytest.fail("read before validating"))
    with pytest.raises(ValueError, match="truncated or corrupt"):
        load_sae(folder)


@pytest.mark.parametrize(
    "cfg_text,match",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        (json.dumps({"d_sae": 5}), "no 'd_in'"),
        (json.dumps(_cfg(d_in=True)), "d_in must be an integer"),
        (json.dumps(_cfg(d_in=0)), "d_in must be an integer >= 1"),
        (json.dumps(_cfg(architecture="gated")), "architecture 'gated' is not supported"),
        (json.dumps(_cfg(apply_b_dec_to_input=False)), "apply_b_dec_to_input"),
        (json.dumps(_cfg(normalize_activations="layer_norm")), "normalize_activations"),
        (json.dumps(_cfg(dtype="int8")), "dtype 'int8' is not supported"),
        (json.dumps(_cfg(dtype="float64")), "disagrees with the tensors' dtype 'float32'"),
        (json.dumps(_cfg(d_sae=6)), r"W_enc has shape \(3, 5\) but cfg.json \(d_in=3, d_sae=6\)"),
        (json.dumps(_cfg(architecture="topk")), "no 'k'"),
        (json.dumps(_cfg(architecture="topk", k=2, rescale_acts_by_decoder_norm=True)), "rescale_acts_by_decoder_norm"),
        (json.dumps(_cfg(architecture="topk", k=9)), r"k must be an integer in \[1, 5\]"),
        (json.dumps(_cfg(architecture="jumprelu")), r"lacks \['threshold'\]"),
        (json.dumps(_cfg(theory={"kind": "topk"})), "disagrees with architecture 'standard'"),
        (json.dumps(_cfg(theory={"tied": "yes"})), "theory.tied"),
        (json.dumps(_cfg(theory={"bias": 0})), "theory.bias must be true or false"),
        (json.dumps(_cfg(theory={"bias": False})), "theory.bias is false but b_enc or b_dec is not zero"),
        ("x" * (2**20 + 1), "more than a config needs"),
    ],
)
def test_bad_cfg(tmp_path, cfg_text, match):
    folder = _write(tmp_path / "c", _saelens_tensors(), cfg_text=cfg_text)
    with pytest.raises(ValueError, match=match):
        load_sae(folder)


def test_bad_tensors(tmp_path):
    good = _saelens_tensors()
    cases = {
        "transposed": ({**good, "W_enc": good["W_enc"].T.copy()}, r"W_enc has shape \(5, 3\).*looks transposed"),
        "transposed_dec": ({**good, "W_dec": good["W_dec"].T.copy()}, r"W_dec .*looks transposed"),
        "wrong_shape": ({**good, "b_dec": np.zeros(4, np.float32)}, r"b_dec has shape \(4,\)"),
        "nan": (
            {**good, "W_dec": np.where(np.eye(5, 3) > 0, np.nan, good["W_dec"]).astype(np.float32)},
            "W_dec contains 3 NaN/inf",
        ),
        "inf": ({**good, "b_enc": np.array([0, 0, np.inf, 0, 0], np.float32)}, "b_enc contains 1 NaN/inf"),
        "missing": ({k: v for k, v in good.items() if k != "b_enc"}, r"lacks \['b_enc'\]"),
        "extra": ({**good, "log_threshold": np.zeros(5, np.float32)}, r"unexpected tensors \['log_threshold'\]"),
        "mixed": ({**good, "b_dec": good["b_dec"].astype(np.float64)}, "mixed dtypes"),
    }
    for name, (tensors, match) in cases.items():
        folder = _write(tmp_path / name, tensors, _cfg())
        with pytest.raises(ValueError, match=match):
            load_sae(folder)


def test_jumprelu_threshold_nan_and_float16(tmp_path):
    t = _saelens_tensors(threshold=True)
    t["threshold"][1] = np.nan
    with pytest.raises(ValueError, match="threshold contains 1 NaN/inf"):
        load_sae(_write(tmp_path / "j", t, _cfg(architecture="jumprelu")))
    t16 = _saelens_tensors(dtype=np.float16)
    sae = load_sae(_write(tmp_path / "h", t16, _cfg(dtype="float16")))
    assert sae.W_dec.dtype == np.float16 and sae.encode(np.ones((1, 3))).shape == (1, 5)
