"""Streamed dictionary statistics equal the dense computation; safe loading."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.interference import dictionary_stats, load_dictionary, worst_case_interference


def dense_stats(W, eps, k, bins):
    Wn = W / np.linalg.norm(W, axis=0)
    C = np.abs(Wn.T @ Wn)
    n = C.shape[0]
    iu = np.triu_indices(n, 1)
    pairs = C[iu]
    D = C.copy()
    np.fill_diagonal(D, -1)
    return {
        "max_cos": min(1.0, pairs.max()),
        "max_int": D.max(axis=0),
        "hist": np.histogram(np.minimum(pairs, 1 - 1e-15), bins=bins, range=(0, 1))[0],
        "frac": np.mean(pairs > eps),
        "topk": worst_case_interference(Wn, k=k) if k else np.zeros(0),
        "mean_abs": pairs.mean(),
        "mean_sq": (pairs**2).mean(),
    }


@settings(max_examples=30)
@given(
    dim=st.integers(1, 8), n=st.integers(2, 40), chunk=st.integers(1, 50), seed=st.integers(0, 10**6), data=st.data()
)
def test_streamed_equals_dense(dim, n, chunk, seed, data):
    W = np.random.default_rng(seed).standard_normal((dim, n))
    k = data.draw(st.integers(0, min(5, n - 1)))
    eps = data.draw(st.sampled_from([0.0, 0.1, 0.5]))
    s = dictionary_stats(W, chunk=chunk, eps=eps, k=k, bins=20, random_null=False)
    d = dense_stats(W, eps, k, 20)
    assert s.max_cos == pytest.approx(d["max_cos"], abs=1e-12)
    np.testing.assert_allclose(s.max_interference, np.minimum(d["max_int"], 1.0), atol=1e-12)
    Wn = W / np.linalg.norm(W, axis=0)
    C = np.abs(Wn.T @ Wn)
    np.testing.assert_allclose(C[s.nearest, np.arange(n)], d["max_int"], atol=1e-12)
    assert np.all(s.nearest != np.arange(n))
    assert int(s.hist_counts.sum()) == n * (n - 1) // 2
    # bins can differ only for pairs within rounding of a bin edge
    assert np.abs(s.hist_counts - d["hist"]).sum() <= 2 * np.sum(
        np.abs(C[np.triu_indices(n, 1)] * 20 - np.round(C[np.triu_indices(n, 1)] * 20)) < 1e-9
    )
    assert s.frac_above_eps == pytest.approx(d["frac"], abs=1e-12)
    np.testing.assert_allclose(s.topk_interference, d["topk"], atol=1e-11)
    assert s.mean_abs_cos == pytest.approx(d["mean_abs"], abs=1e-12)
    assert s.mean_sq_cos == pytest.approx(d["mean_sq"], abs=1e-12)


def test_float32_and_welch_ratio():
    W = np.random.default_rng(0).standard_normal((32, 300)).astype(np.float32)
    s32 = dictionary_stats(W, chunk=64, random_null=True, rng=0)
    s64 = dictionary_stats(W.astype(np.float64), chunk=64, random_null=True, rng=0)
    assert s32.max_cos == pytest.approx(s64.max_cos, abs=1e-5)
    assert s64.welch == pytest.approx(math.sqrt((300 - 32) / (32 * 299)))
    assert s64.max_cos >= s64.welch
    assert 0.5 < s64.ratio_to_random < 2.0  # a random dictionary looks random
    assert "coherence" in s64.summary()


def test_bad_input():
    with pytest.raises(ValueError, match="zero column"):
        dictionary_stats(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="chunk must be an integer >= 1"):
        dictionary_stats(np.eye(3), chunk=0)
    W = np.eye(3)
    W[0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        dictionary_stats(W)


def test_load_formats(tmp_path):
    W = np.random.default_rng(0).standard_normal((4, 7)).astype(np.float32)
    np.save(tmp_path / "w.npy", W)
    np.testing.assert_array_equal(load_dictionary(tmp_path / "w.npy"), W)
    np.testing.assert_array_equal(load_dictionary(tmp_path / "w.npy", transpose=True), W.T)
    np.savez(tmp_path / "w.npz", dec=W, bias=np.zeros(7))
    np.testing.assert_array_equal(load_dictionary(tmp_path / "w.npz"), W)  # the only 2-D array
    np.savez(tmp_path / "two.npz", a=W, b=W.T)
    with pytest.raises(ValueError, match="holds 2 2-D arrays"):
        load_dictionary(tmp_path / "two.npz")
    np.testing.assert_array_equal(load_dictionary(tmp_path / "two.npz", key="b"), W.T)
    with pytest.raises(ValueError, match="key 'c' not found"):
        load_dictionary(tmp_path / "two.npz", key="c")
    from safetensors.numpy import save_file

    save_file({"emb": W.T.copy(), "other": np.ones(3, np.float32)}, str(tmp_path / "w.safetensors"))
    np.testing.assert_array_equal(load_dictionary(tmp_path / "w.safetensors", transpose=True), W)


def test_load_refuses_pickle_and_bad_paths(tmp_path):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="pickled files are refused"):
        load_dictionary(tmp_path / "obj.npy")
    with pytest.raises(ValueError, match="does not exist"):
        load_dictionary(tmp_path / "missing.npy")
    (tmp_path / "w.pkl").write_bytes(b"x")
    with pytest.raises(ValueError, match="must end in .npy, .npz or .safetensors"):
        load_dictionary(tmp_path / "w.pkl")
    np.save(tmp_path / "v.npy", np.ones(3))
    with pytest.raises(ValueError, match="must be a 2-D matrix"):
        load_dictionary(tmp_path / "v.npy")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_topk_fast_path_equals_sort(dtype):
    from theory.interference.dictionary import _topk_rows

    rng = np.random.default_rng(0)
    C = np.abs(rng.standard_normal((9, 9000))).astype(dtype)
    C[3, :] = 0.25  # all ties
    C[5, ::7] = 2.0  # many equal maxima
    C[np.arange(9), np.arange(9)] = -1.0
    for k in (1, 8, 40):
        expect = np.sort(C.astype(np.float64), axis=1)[:, -k:].sum(axis=1)
        np.testing.assert_allclose(_topk_rows(C, k), expect, rtol=1e-6 if dtype == np.float32 else 1e-12)


def test_safetensors_key_errors(tmp_path):
    from safetensors.numpy import save_file

    save_file({"a": np.ones((2, 3), np.float32), "b": np.ones((3, 2), np.float32)}, str(tmp_path / "m.safetensors"))
    with pytest.raises(ValueError, match="holds 2 2-D arrays"):
        load_dictionary(tmp_path / "m.safetensors")
    with pytest.raises(ValueError, match="key 'c' not found"):
        load_dictionary(tmp_path / "m.safetensors", key="c")
    assert load_dictionary(tmp_path / "m.safetensors", key="b").shape == (3, 2)


def test_progress_bar_on_request_and_quiet_by_default(capsys):
    W = np.random.default_rng(0).standard_normal((16, 300))
    dictionary_stats(W, chunk=32, k=2, random_null=False)
    assert capsys.readouterr().err == ""
    dictionary_stats(W, chunk=32, k=2, random_null=False, progress=True)
    captured = capsys.readouterr()
    assert "dictionary_stats" in captured.err and captured.out == ""
    with pytest.raises(TypeError, match="progress"):
        dictionary_stats(W, progress="yes")
