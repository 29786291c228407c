"""Tests for theory.sparse_coding.scoring: one-call scoring of SAEs against the truth, and batch export."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp

from theory.sparse_coding import (
    SAE,
    Firing,
    Hierarchy,
    Magnitudes,
    SAEOptions,
    detection_scores,
    ground_truth,
    oneill2024,
    save_sae,
    train_sae,
)
from theory.sparse_coding.scoring import SAEScore, export_batches, score

QUIET = SAEOptions(progress=False)


def _orthonormal(dim, seed=0):
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((dim, dim)))
    return q


def _perfect_sae(D):
    """Encoder = D^T (exact for an orthonormal D and nonnegative codes, up to rounding), decoder = D;
    a JumpReLU threshold of 1e-9 removes the rounding noise of inactive features."""
    dim, n = D.shape
    return SAE(W_enc=D.T, b_enc=np.zeros(n), W_dec=D, b_dec=np.zeros(dim), kind="jumprelu", threshold=np.full(n, 1e-9))


@pytest.fixture(scope="module")
def ortho_truth():
    return ground_truth(dictionary=_orthonormal(10), firing=Firing.uniform(0.3), rng=0, name="ortho")


def test_perfect_sae_scores_one_everywhere(ortho_truth):
    s = score(_perfect_sae(ortho_truth.dictionary), ortho_truth, batch=1024, rng=3)
    for name in ("mcc", "mmcs", "uniqueness", "f1", "precision", "recall", "code_mcc"):
        assert getattr(s, name) == pytest.approx(1.0, abs=1e-12), name
    assert s.explained_variance == pytest.approx(1.0, abs=1e-12) and s.shrinkage == pytest.approx(1.0, abs=1e-12)
    assert s.dead_fraction == 0.0 and s.dense_fraction == 0.0
    assert s.l0 == pytest.approx(s.true_l0) and abs(s.true_l0 - 3.0) < 0.3
    # an orthonormal decoder: coherence 0, every sparsity certified, thresholding needs no dynamic range
    assert s.coherence == pytest.approx(0.0, abs=1e-12)
    assert s.unique_recovery_k == 10 and s.thresholding_valid and s.thresholding_ratio == pytest.approx(0, abs=1e-12)
    assert s.spark_lower == float("inf") and s.spark_exact
    assert s.absorption is None and s.absorption_pairs == 0


def test_perfect_sae_has_no_absorption_on_a_hierarchy():
    truth = ground_truth(
        dictionary=_orthonormal(8, seed=1),
        firing=Firing.uniform(0.3),
        hierarchy=Hierarchy(roots=2, branching=2, depth=1),
        rng=0,
    )
    s = score(_perfect_sae(truth.dictionary), truth, batch=2048, rng=0)
    assert s.absorption_pairs == 4 and s.absorption == 0.0
    assert s.absorption_scores.pairs.tolist() == [[0, 2], [0, 3], [1, 4], [1, 5]]


def test_absorbing_latent_is_detected():
    """A parent latent whose encoder is silenced whenever a child fires: gap = its recall without the child."""
    truth = ground_truth(
        dictionary=np.eye(3),
        firing=Firing.explicit([0.5, 0.25, 0.5]),
        magnitudes=Magnitudes.constant(1.0),
        hierarchy=Hierarchy(roots=1, branching=1, depth=1, exclusive=False),
        rng=0,
    )
    # latent 0 reads parent minus 2*child: active only when the child (feature 1) is off
    W_enc = np.array([[1.0, -2.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    sae = SAE(W_enc=W_enc, b_enc=np.zeros(3), W_dec=np.eye(3), b_dec=np.zeros(3), kind="relu")
    s = score(sae, truth, batch=4000, rng=0)
    assert s.absorption_pairs == 1 and s.absorption == pytest.approx(1.0)
    assert s.mcc == 1.0 and s.recall < 1.0


def test_random_sae_scores_low():
    truth = oneill2024()
    rng = np.random.default_rng(5)
    W_dec = rng.standard_normal((8, 16))
    sae = SAE(W_enc=rng.standard_normal((16, 8)), b_enc=np.zeros(16), W_dec=W_dec, b_dec=np.zeros(8), kind="relu")
    s = score(sae, truth, batch=2048)
    good = score(truth.dictionary, truth, encoder="omp", batch=2048)
    assert s.mcc < 0.75 < good.mcc == 1.0
    assert s.f1 < 0.3 < good.f1 and s.code_mcc < good.code_mcc and s.explained_variance < 0


def test_score_matches_the_metrics_on_the_same_batch():
    truth = oneill2024()
    sae = train_sae(truth, kind="topk", width=12, k=3, steps=60, batch_size=128, lr=1e-2, options=QUIET)
    s = score(sae, truth, batch=777, rng=11)
    x, codes = truth.sample(777, rng=11)
    z = sae.encode(x)
    x_hat = sae.decode(z)
    ev = 1 - np.sum((x - x_hat) ** 2) / np.sum((x - x.mean(0)) ** 2)  # by hand
    assert s.explained_variance == pytest.approx(ev, rel=1e-10)
    assert s.l0 == pytest.approx(np.count_nonzero(z) / 777)
    assert s.true_l0 == 3.0
    det = detection_scores(z, codes, learned=sae.W_dec, true=truth.dictionary)
    assert s.f1 == det.mean_f1 and s.precision == det.mean_precision
    assert s.thresholding_k == 3 and s.width == 12
    mu = s.coherence
    assert s.thresholding_ratio == pytest.approx(5 * mu, rel=1e-9)  # (2k - 1) mu
    assert s.thresholding_valid == (5 * s.coherence_upper < 1)
    # same seed, same score; another seed, another batch
    assert score(sae, truth, batch=777, rng=11) == s
    assert score(sae, truth, batch=777, rng=12).explained_variance != s.explained_variance


def test_thresholding_k_defaults_to_expected_l0_and_k_overrides(ortho_truth):
    s = score(_perfect_sae(ortho_truth.dictionary), ortho_truth, batch=64)
    assert s.thresholding_k == 3  # round(10 * 0.3)
    assert score(_perfect_sae(ortho_truth.dictionary), ortho_truth, batch=64, k=5).thresholding_k == 5


def test_to_dict_is_json_and_str_is_a_table(ortho_truth):
    s = score(_perfect_sae(ortho_truth.dictionary), ortho_truth, batch=256)
    d = s.to_dict()
    back = json.loads(json.dumps(d, allow_nan=False))
    assert back["mcc"] == 1.0 and back["spark_lower"] == "inf" and back["absorption"] is None
    assert set(back["certificates"]) == {"unique_recovery", "thresholding", "spark"}
    assert back["certificates"]["thresholding"]["rigorous"] is True
    text = str(s)
    lines = text.splitlines()
    assert lines[0].startswith("SAE(kind='jumprelu'") and "ortho" in lines[0]
    assert len(lines) == 2 + len(s.rows()) and any(line.split()[0] == "mcc" for line in lines[2:])
    assert "array" not in repr(s) and len(repr(s)) < 1500
    assert isinstance(s, SAEScore)


def test_transposed_or_mismatched_decoder_is_refused():
    truth = oneill2024()
    with pytest.raises(ValueError, match="looks transposed"):
        score(truth.dictionary.T, truth)
    wrong = SAE(W_enc=np.zeros((8, 16)), b_enc=np.zeros(8), W_dec=np.ones((16, 8)), b_dec=np.zeros(16), kind="relu")
    with pytest.raises(ValueError, match="W_dec.*looks transposed"):
        score(wrong, truth)
    with pytest.raises(ValueError, match="rows but the data has dimension 8"):
        score(np.ones((5, 3)), truth)


def test_bad_arguments():
    truth = oneill2024()
    with pytest.raises(TypeError, match="truth must be a GroundTruth"):
        score(truth.dictionary, truth.dictionary)
    with pytest.raises(ValueError, match="encoder must be"):
        score(truth.dictionary, truth, encoder="fista")
    with pytest.raises(ValueError, match="batch must be an integer >= 2"):
        score(truth.dictionary, truth, batch=1)
    with pytest.raises(ValueError, match="returned codes of shape"):
        score(truth.dictionary, truth, encoder=lambda x: np.zeros((x.shape[0], 3)), batch=8)
    with pytest.raises(ValueError, match="finite"):
        score(truth.dictionary, truth, encoder=lambda x: np.full((x.shape[0], 16), np.nan), batch=8)
    with pytest.raises(ValueError, match="k must be an integer in"):
        score(truth.dictionary, truth, k=17)
    with pytest.raises(ValueError, match="dense_threshold"):
        score(truth.dictionary, truth, dense_threshold=1.0)
    with pytest.raises(ValueError, match="would need"):
        score(truth.dictionary, truth, batch=10**10)


def test_bare_dictionary_with_encoders():
    truth = ground_truth(dictionary=_orthonormal(6, seed=2), firing=Firing.exactly(2), rng=0)

    def relu(x):
        z = x @ truth.dictionary
        return np.where(z > 1e-9, z, 0.0)  # a threshold above rounding noise

    for enc in ("threshold", "omp", relu):
        s = score(truth.dictionary, truth, encoder=enc, batch=300)
        assert s.mcc == pytest.approx(1.0) and s.f1 == pytest.approx(1.0) and s.explained_variance == pytest.approx(1.0)
    # sparse codes from the callable are accepted
    s = score(truth.dictionary, truth, encoder=lambda x: sp.csr_matrix(relu(x)), batch=300)
    assert s.code_mcc == pytest.approx(1.0)


@pytest.mark.filterwarnings("ignore:JumpReLU instance")  # a short run: its thresholds have not moved yet
def test_score_an_saelens_folder_in_one_call(tmp_path):
    truth = oneill2024()
    sae = train_sae(truth, kind="jumprelu", width=16, l0=0.01, steps=40, batch_size=64, options=QUIET)
    folder = save_sae(sae, tmp_path / "sae")
    from_file = score(folder, truth, batch=512)
    direct = score(sae, truth, batch=512)
    assert from_file.mcc == direct.mcc and from_file.f1 == direct.f1
    assert score(str(folder), truth, batch=512).explained_variance == direct.explained_variance
    with pytest.raises(FileNotFoundError):
        score(tmp_path / "missing", truth)


def test_zero_decoder_columns_are_left_out_of_the_certificates():
    truth = oneill2024()
    D = np.concatenate([truth.dictionary, np.zeros((8, 2))], axis=1)
    s = score(D, truth, encoder=lambda x: np.zeros((x.shape[0], 18)), batch=64)
    assert s.zero_columns == 2 and s.coherence == pytest.approx(truth.coherence)
    assert s.dead_fraction == 1.0 and s.f1 == 0.0 and "2 zero decoder columns" in str(s)


# ----------------------------------------------------------------------------------------------
# export
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".npz", ".safetensors"])
def test_export_round_trip(tmp_path, suffix):
    truth = oneill2024()
    path = export_batches(truth, tmp_path / f"acts{suffix}", n_batches=3, batch=10, rng=4, dtype="float64")
    if suffix == ".npz":
        with np.load(path) as f:
            arrays = {k: f[k] for k in f.files}
        meta = json.loads(str(arrays.pop("meta")))
    else:
        from safetensors import safe_open
        from safetensors.numpy import load_file

        arrays = load_file(str(path))
        with safe_open(str(path), framework="np") as f:
            meta = json.loads(f.metadata()["meta"])
    expect = list(truth.batches(10, 3, rng=4))
    x = np.concatenate([b[0] for b in expect])
    C = sp.vstack([b[1] for b in expect]).tocsr()
    np.testing.assert_array_equal(arrays["x"], x)
    np.testing.assert_array_equal(arrays["dictionary"], truth.dictionary)
    got = sp.csr_array(
        (arrays["codes_data"], arrays["codes_indices"], arrays["codes_indptr"]), shape=tuple(arrays["codes_shape"])
    )
    np.testing.assert_array_equal(got.toarray(), C.toarray())
    np.testing.assert_allclose(got @ truth.dictionary.T, x, atol=1e-12)  # x = D c for this truth
    assert meta["truth"] == "oneill2024" and meta["samples"] == 30 and meta["seed"] == 4
    assert [p.name for p in tmp_path.iterdir()] == [f"acts{suffix}"]  # no temporary file left


def test_export_options_and_errors(tmp_path):
    truth = oneill2024()
    p = export_batches(truth, tmp_path / "a.npz", batch=5, codes=False)
    with np.load(p) as f:
        assert set(f.files) == {"x", "dictionary", "meta"} and f["x"].dtype == np.float32
    a = export_batches(truth, tmp_path / "b.npz", batch=5, rng=1)
    b = export_batches(truth, tmp_path / "c.npz", batch=5, rng=1)
    with np.load(a) as fa, np.load(b) as fb:
        np.testing.assert_array_equal(fa["x"], fb["x"])
    with pytest.raises(ValueError, match=r"\.npz or \.safetensors"):
        export_batches(truth, tmp_path / "a.csv")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        export_batches(truth, tmp_path / "no" / "a.npz")
    with pytest.raises(ValueError, match="dtype"):
        export_batches(truth, tmp_path / "a.npz", dtype="float16")
    with pytest.raises(TypeError, match="codes must be True or False"):
        export_batches(truth, tmp_path / "a.npz", codes=1)
    with pytest.raises(ValueError, match="would need"):
        export_batches(truth, tmp_path / "a.npz", n_batches=10**6, batch=10**6)
    with pytest.raises(TypeError, match="GroundTruth"):
        export_batches(truth.dictionary, tmp_path / "a.npz")
