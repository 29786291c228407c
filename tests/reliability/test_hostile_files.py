"""Hostile and damaged files: every loader refuses them with one named ValueError, never a
traceback from a decoder, never a pickle, never a huge allocation."""

import json
import struct
import zipfile

import numpy as np
import pytest

from theory.cli import main
from theory.interference import load_dictionary
from theory.toy_models import ToyModel, ToyModelConfig

W = np.arange(12, dtype=np.float64).reshape(3, 4) + 1.0


def _toy(tmp_path):
    cfg = ToyModelConfig(n_features=3, n_hidden=2)
    m = ToyModel(cfg, W=np.ones((1, 2, 3)), b=np.zeros((1, 3)))
    return m.save(tmp_path / "m.npz")


def _safetensors_bytes(header: dict, data: bytes) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data


def _good_safetensors(tmp_path, name="w.safetensors"):
    data = W.astype("<f8").tobytes()
    p = tmp_path / name
    p.write_bytes(_safetensors_bytes({"W": {"dtype": "F64", "shape": [3, 4], "data_offsets": [0, len(data)]}}, data))
    return p


def _npy_with_shape(path, shape):
    """A tiny .npy whose header claims ``shape`` (the data is 8 bytes)."""
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    path.write_bytes(buf.getvalue() + b"\0" * 8)
    return path


# --------------------------------------------------------------------------- the good files load
def test_round_trip_every_format(tmp_path):
    from theory._io import load_arrays

    np.save(tmp_path / "w.npy", W)
    np.savez(tmp_path / "w.npz", W=W)
    np.savez_compressed(tmp_path / "c.npz", W=W)
    for p in ("w.npy", "w.npz", "c.npz"):
        np.testing.assert_array_equal(load_dictionary(tmp_path / p), W)
    np.testing.assert_array_equal(load_dictionary(_good_safetensors(tmp_path)), W)
    np.save(tmp_path / "f.npy", np.asfortranarray(W))
    np.testing.assert_array_equal(load_arrays(tmp_path / "f.npy")["f.npy"], W)


def test_big_endian_npy_loads_as_native_float64(tmp_path):
    np.save(tmp_path / "be.npy", W.astype(">f8"))
    out = load_dictionary(tmp_path / "be.npy")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, W)


def test_safetensors_agrees_with_the_reference_reader(tmp_path):
    from theory._io import load_arrays

    st = pytest.importorskip("safetensors.numpy")
    arrays = {
        "a": np.arange(6, dtype=np.float32).reshape(2, 3),
        "b": np.arange(4, dtype=np.int64),
        "c": np.array([[True, False]]),
        "d": np.ones((0, 3), dtype=np.float16),
    }
    st.save_file(arrays, str(tmp_path / "x.safetensors"), metadata={"k": "v"})
    got = load_arrays(tmp_path / "x.safetensors")
    ref = st.load_file(str(tmp_path / "x.safetensors"))
    assert set(got) == set(ref)
    for k in ref:
        assert got[k].dtype == ref[k].dtype and got[k].shape == ref[k].shape
        np.testing.assert_array_equal(got[k], ref[k])


def test_bfloat16_decodes_to_float32(tmp_path):
    from theory._io import load_arrays

    vals = np.array([1.0, -2.5, 0.15625, 1.5 * 2.0**100], dtype=np.float32)
    bf16 = (vals.view(np.uint32) >> 16).astype("<u2")  # these values are exact in bfloat16
    p = tmp_path / "b.safetensors"
    p.write_bytes(_safetensors_bytes({"x": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 8]}}, bf16.tobytes()))
    out = load_arrays(p)["x"]
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, vals)


# ------------------------------------------------------------------------------------ truncation
@pytest.mark.parametrize("keep", [0, 5, 10, 60, 100, -8])
def test_truncated_npy(tmp_path, keep):
    np.save(tmp_path / "w.npy", W)
    data = (tmp_path / "w.npy").read_bytes()
    (tmp_path / "w.npy").write_bytes(data[:keep] if keep >= 0 else data[:keep])
    with pytest.raises(ValueError, match=r"w\.npy: not a valid \.npy file \(truncated or damaged\)"):
        load_dictionary(tmp_path / "w.npy")


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize("frac", [0.0, 0.3, 0.6, 0.95])
def test_truncated_npz(tmp_path, compressed, frac):
    from theory._io import load_arrays

    (np.savez_compressed if compressed else np.savez)(tmp_path / "w.npz", W=W, b=np.zeros(50))
    data = (tmp_path / "w.npz").read_bytes()
    (tmp_path / "w.npz").write_bytes(data[: int(frac * len(data))])
    with pytest.raises(ValueError, match=r"w\.npz: not a valid \.npz file \(truncated or damaged\)"):
        load_dictionary(tmp_path / "w.npz")
    with pytest.raises(ValueError, match=r"not a valid \.npz file"):
        load_arrays(tmp_path / "w.npz")


@pytest.mark.parametrize("keep", [0, 4, 8, 20, -1, -50])
def test_truncated_safetensors(tmp_path, keep):
    p = _good_safetensors(tmp_path)
    data = p.read_bytes()
    p.write_bytes(data[:keep])
    with pytest.raises(ValueError, match=r"not a valid \.safetensors file \(truncated or damaged\)"):
        load_dictionary(p)


def test_truncated_toy_model(tmp_path):
    p = _toy(tmp_path)
    data = p.read_bytes()
    for keep in (0, 30, len(data) // 2, len(data) - 10):
        p.write_bytes(data[:keep])
        with pytest.raises(ValueError, match=r"not a valid \.npz file \(truncated or damaged\)"):
            ToyModel.load(p)


def test_npz_member_with_damaged_bytes(tmp_path):
    np.savez_compressed(tmp_path / "w.npz", W=np.random.default_rng(0).standard_normal((30, 30)))
    data = bytearray((tmp_path / "w.npz").read_bytes())
    for i in range(200, 400):
        data[i] ^= 0xFF  # flip the compressed stream (the central directory is intact)
    (tmp_path / "w.npz").write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"not a valid \.npz file"):
        load_dictionary(tmp_path / "w.npz")


# ----------------------------------------------------------------------------- oversized claims
def test_npy_claiming_a_huge_shape_is_refused_before_allocating(tmp_path):
    from theory._io import inspect_arrays

    p = _npy_with_shape(tmp_path / "big.npy", (10**6, 10**6))
    with pytest.raises(ValueError, match="truncated or damaged.*7.28 TiB"):
        load_dictionary(p)
    with pytest.raises(ValueError, match="truncated or damaged"):
        inspect_arrays(p)


def test_npz_member_claiming_a_huge_shape(tmp_path):
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)})
    with zipfile.ZipFile(tmp_path / "big.npz", "w") as zf:
        zf.writestr("W.npy", buf.getvalue() + b"\0" * 64)
    with pytest.raises(ValueError, match=r"big\.npz: not a valid \.npz file.*claims shape \(1000000, 1000000\)"):
        load_dictionary(tmp_path / "big.npz")


def test_safetensors_claiming_a_huge_shape(tmp_path):
    p = tmp_path / "big.safetensors"
    n = 8 * 10**12
    p.write_bytes(
        _safetensors_bytes({"W": {"dtype": "F64", "shape": [10**6, 10**6], "data_offsets": [0, n]}}, b"\0" * 64)
    )
    with pytest.raises(ValueError, match="extends past the end of the file"):
        load_dictionary(p)


def test_memory_limit_applies_to_honest_files(tmp_path):
    from theory._io import load_arrays

    np.save(tmp_path / "w.npy", np.zeros((100, 100)))
    with pytest.raises(ValueError, match=r"would need 78.1 KiB \(limit 1000 B\)"):
        load_arrays(tmp_path / "w.npy", limit=1000)


def test_safetensors_header_length_beyond_the_file(tmp_path):
    p = tmp_path / "h.safetensors"
    p.write_bytes(struct.pack("<Q", 2**62) + b"{}")
    with pytest.raises(ValueError, match="header length"):
        load_dictionary(p)


# ----------------------------------------------------------------------------- malformed headers
@pytest.mark.parametrize(
    "header",
    [
        b"not json at all",
        b"[1, 2, 3]",
        b'{"W": {"dtype": "F64", "shape": [3, 4]}}',
        b'{"W": {"dtype": "X99", "shape": [3, 4], "data_offsets": [0, 96]}}',
        b'{"W": {"dtype": "F64", "shape": [3, -4], "data_offsets": [0, 96]}}',
        b'{"W": {"dtype": "F64", "shape": "34", "data_offsets": [0, 96]}}',
        b'{"W": {"dtype": "F64", "shape": [3, 4], "data_offsets": [0, 95]}}',
        b'{"W": {"dtype": "F64", "shape": [3, 4], "data_offsets": [96, 0]}}',
        b'{"W": {"dtype": "F64", "shape": [3, 4], "data_offsets": [0.0, 96]}}',
        b'{"W": {"dtype": "F64", "shape": [3.5, 4], "data_offsets": [0, 96]}}',
        b"\xff\xfe{}",
    ],
)
def test_malformed_safetensors_headers(tmp_path, header):
    p = tmp_path / "m.safetensors"
    p.write_bytes(struct.pack("<Q", len(header)) + header + W.astype("<f8").tobytes())
    with pytest.raises(ValueError, match=r"m\.safetensors: not a valid \.safetensors file"):
        load_dictionary(p)


@pytest.mark.parametrize(
    "payload",
    [
        b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f8'}\n",  # missing keys
        b"\x93NUMPY\x01\x00\x40\x00"
        + b"{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 3), }".ljust(63)
        + b"\n",
        b"\x93NUMPY\x09\x00\x10\x00" + b"{}".ljust(15) + b"\n",  # bad version
        b"\x93NUMPX\x01\x00",  # bad magic
        b"\x93NUMPY\x01\x00\xff\xff" + b"{",  # header past the end
        b"\x93NUMPY\x01\x00\x40\x00" + b"__import__('os').system('echo pwned')".ljust(63) + b"\n",
    ],
)
def test_malformed_npy_headers(tmp_path, payload):
    (tmp_path / "m.npy").write_bytes(payload + b"\0" * 96)
    with pytest.raises(ValueError, match=r"m\.npy: not a valid \.npy file"):
        load_dictionary(tmp_path / "m.npy")


def test_npz_with_a_non_array_member(tmp_path):
    with zipfile.ZipFile(tmp_path / "x.npz", "w") as zf:
        zf.writestr("W.npy", b"")
        zf.writestr("evil.pkl", b"cos\nsystem\n(S'echo pwned'\ntR.")
    with pytest.raises(ValueError, match=r"not a valid \.npz file"):
        load_dictionary(tmp_path / "x.npz")


def test_not_a_zip_at_all(tmp_path):
    (tmp_path / "x.npz").write_bytes(b"hello" * 100)
    with pytest.raises(ValueError, match=r"x\.npz: not a valid \.npz file \(truncated or damaged\)"):
        load_dictionary(tmp_path / "x.npz")
    (tmp_path / "m.npz").write_bytes(b"")
    with pytest.raises(ValueError, match=r"not a valid \.npz file"):
        ToyModel.load(tmp_path / "m.npz")


# -------------------------------------------------------------------------------------- pickles
def test_pickled_npy_is_refused_and_never_unpickled(tmp_path, monkeypatch):
    import pickle

    from theory._io import load_arrays

    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.savez(tmp_path / "obj.npz", W=np.array([{"a": 1}], dtype=object))

    def boom(*a, **k):
        raise AssertionError("unpickled")

    monkeypatch.setattr(pickle, "load", boom)
    monkeypatch.setattr(pickle, "loads", boom)
    for p in ("obj.npy", "obj.npz"):
        with pytest.raises(ValueError, match="pickled files are refused"):
            load_dictionary(tmp_path / p)
        with pytest.raises(ValueError, match="pickled files are refused"):
            load_arrays(tmp_path / p)


def test_structured_dtype_is_refused(tmp_path):
    np.save(tmp_path / "s.npy", np.zeros(3, dtype=[("a", "<f8"), ("b", "<i4")]))
    with pytest.raises(ValueError, match="unsupported dtype"):
        load_dictionary(tmp_path / "s.npy")


def test_toy_model_with_pickled_member(tmp_path):
    p = _toy(tmp_path)
    with np.load(p) as f:
        arrays = {k: f[k] for k in f.files}
    arrays["W"] = np.array([object()], dtype=object)
    np.savez(tmp_path / "evil.npz", **arrays)
    with pytest.raises(ValueError, match="pickled files are refused"):
        ToyModel.load(tmp_path / "evil.npz")


@pytest.mark.parametrize(
    "meta",
    [
        "not json",
        json.dumps([1, 2]),
        json.dumps({"format": "other"}),
        json.dumps({"format": "superposition-theory/toy-model/1", "config": {"x": 1}}),
    ],
)
def test_toy_model_with_bad_meta(tmp_path, meta):
    np.savez(
        tmp_path / "bad.npz",
        W=np.ones((1, 2, 3)),
        b=np.zeros((1, 3)),
        loss_steps=np.zeros(0, np.int64),
        losses=np.zeros((0, 1)),
        meta=np.array(meta),
    )
    with pytest.raises(ValueError, match="bad.npz"):
        ToyModel.load(tmp_path / "bad.npz")


def test_toy_model_meta_must_be_a_string(tmp_path):
    np.savez(
        tmp_path / "bad.npz",
        W=np.ones((1, 2, 3)),
        b=np.zeros((1, 3)),
        loss_steps=np.zeros(0, np.int64),
        losses=np.zeros((0, 1)),
        meta=np.zeros(10**3),
    )
    with pytest.raises(ValueError, match="'meta' must be a JSON string"):
        ToyModel.load(tmp_path / "bad.npz")


# ------------------------------------------------------------------------------ the command line
@pytest.mark.parametrize(
    "argv",
    [
        ["dictionary", "{p}", "--no-random"],
        ["rip", "{p}"],
    ],
)
@pytest.mark.parametrize("suffix", [".npy", ".npz", ".safetensors"])
def test_cli_reports_damaged_files_in_one_line(tmp_path, capsys, argv, suffix):
    p = tmp_path / f"w{suffix}"
    if suffix == ".npy":
        np.save(p, W)
    elif suffix == ".npz":
        np.savez(p, W=W)
    else:
        _good_safetensors(tmp_path, p.name)
    p.write_bytes(p.read_bytes()[:-20])
    code = main([a.format(p=p) for a in argv])
    err = capsys.readouterr().err
    assert code == 2
    assert "truncated or damaged" in err and "Traceback" not in err


def test_cli_toy_info_damaged(tmp_path, capsys):
    p = _toy(tmp_path)
    p.write_bytes(p.read_bytes()[:100])
    assert main(["toy", "info", str(p)]) == 2
    assert "not a valid .npz file" in capsys.readouterr().err
