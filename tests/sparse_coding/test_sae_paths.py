"""The sparse-code training path, bias-free SAEs and data-scale normalisation (theory.sparse_coding.sae)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from theory.sparse_coding import sae as sae_mod
from theory.sparse_coding.sae import SAE, SAEOptions, _input_scale, _loss_and_grads, _select_loss_and_grads, _Spec
from theory.sparse_coding.sae import train_saes as _train_saes

QUIET = SAEOptions(progress=False)


def _params(rng, I, d, W, *, tied=False, bias=True):
    D = rng.standard_normal((I, d, W))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    P = {
        "b_enc": 0.1 * rng.standard_normal((I, W)) * bias,
        "W_dec": D,
        "b_dec": 0.1 * rng.standard_normal((I, d)) * bias,
    }
    if not tied:
        P["W_enc"] = rng.standard_normal((I, W, d))
    return P


def _select(spec, P, x, coef, kk, *, bias=True):
    """Run the per-instance path on toolkit-layout parameters; gradients back in the toolkit layout."""
    Ps = {k: (np.ascontiguousarray(v.transpose(0, 2, 1)) if k == "W_dec" else v) for k, v in P.items()}
    G = {k: np.zeros_like(v) for k, v in Ps.items()}
    res = _select_loss_and_grads(spec, Ps, G, x, coef, kk, bias=bias)
    G["W_dec"] = G["W_dec"].transpose(0, 2, 1)
    return res, G


@pytest.fixture(params=["sparse", "dense"])
def path(request, monkeypatch):
    """Force every step through the sparse (CSR) path, or through the dense one."""
    if request.param == "sparse":
        monkeypatch.setattr(sae_mod, "_SPARSE_MAX_DENSITY", 1.0)
    else:
        monkeypatch.setattr(sae_mod, "_SPARSE_MAX_DENSITY", -1.0)
    return request.param


CASES = [
    ("relu", False, False, None),
    ("relu", True, False, None),
    ("relu", False, True, None),
    ("topk", False, False, [2, 3]),
    ("topk", True, False, [1, 4]),
    ("batchtopk", False, False, [1, 2]),
]


@pytest.mark.parametrize("gather_cost", [0.0, 2.0, 1e9])
@pytest.mark.parametrize("kind,tied,dn,k", CASES)
def test_select_path_equals_reference(kind, tied, dn, k, gather_cost, path, monkeypatch):
    """Loss, residual, active set and every gradient equal the vectorised reference (itself checked
    against finite differences in test_sae.py), on both paths and with the code gradient gathered
    for every row (cost 0), for none (1e9) or split between the two (2.0, checked below for ReLU)."""
    monkeypatch.setattr(sae_mod, "_GATHER_COST", gather_cost)
    monkeypatch.setattr(sae_mod, "_GATHER_BLOCK", 7)  # several gathered blocks per batch
    rng = np.random.default_rng(7)
    I, B, d, W = 2, 9, 5, 8
    P = _params(rng, I, d, W, tied=tied)
    if dn:
        P["W_dec"] *= 0.3 + rng.random((I, 1, W))
    x = rng.standard_normal((B, d))
    coef = np.array([0.3, 1.1]) if kind == "relu" else np.zeros(I)
    kk = None if k is None else np.array(k)
    spec = _Spec(kind, tied, dn, 1e-3, ((0, W),))
    ref = _loss_and_grads(spec, P, x, coef, kk)
    res, G = _select(spec, P, x, coef, kk)
    np.testing.assert_allclose(res["loss"], ref["loss"], rtol=1e-12)
    np.testing.assert_allclose(res["mse"], ref["mse"], rtol=1e-12)
    np.testing.assert_allclose(res["l0"], ref["l0"], rtol=0)
    np.testing.assert_array_equal(res["fired"], ref["mask"].any(axis=1))
    np.testing.assert_allclose(res["residual"], ref["residual"], rtol=1e-12, atol=1e-12)
    if kind == "batchtopk":
        np.testing.assert_allclose(res["min_selected"], ref["min_selected"], rtol=1e-12)
    for name, g in ref["grads"].items():
        np.testing.assert_allclose(G[name], g, rtol=1e-10, atol=1e-12, err_msg=name)
    # relu rows have different numbers of active latents; at cost 2 every instance has rows on
    # both sides of width / cost (dense product for some rows, gathered atoms for the others)
    if kind == "relu":
        for i in range(I):
            per_row = ref["mask"][i].sum(axis=1)
            assert len(set(per_row.tolist())) > 1
            if gather_cost == 2.0:
                heavy = per_row * gather_cost > W
                assert heavy.any() and not heavy.all(), per_row


@pytest.mark.parametrize("kind,k", [("relu", None), ("topk", [2, 3]), ("batchtopk", [1, 2])])
def test_no_active_codes(kind, k, path):
    """Encoder biases far below every pre-activation: nothing fires, the reconstruction is b_dec and
    only the decoder bias gets a gradient."""
    rng = np.random.default_rng(5)
    I, B, d, W = 2, 6, 4, 5
    P = _params(rng, I, d, W)
    P["b_enc"][...] = -100.0
    x = rng.standard_normal((B, d))
    kk = None if k is None else np.array(k)
    spec = _Spec(kind, False, False, 1e-3, ((0, W),))
    ref = _loss_and_grads(spec, P, x, np.full(I, 0.1), kk)
    res, G = _select(spec, P, x, np.full(I, 0.1), kk)
    assert not res["fired"].any() and np.all(res["l0"] == 0)
    np.testing.assert_allclose(res["loss"], ref["loss"], rtol=1e-12)
    for name in ("W_enc", "W_dec", "b_enc"):
        assert not np.any(G[name]), name
    np.testing.assert_allclose(G["b_dec"], 2 * (P["b_dec"] - x.mean(axis=0)), rtol=1e-12)


@pytest.mark.parametrize("kind,k", [("relu", None), ("topk", [2, 3]), ("batchtopk", [1, 2])])
def test_bias_free_gradients_by_finite_differences(kind, k, path):
    """Without biases: central differences of the per-instance loss on every weight entry whose
    perturbation keeps the active set; the biases get no gradient."""
    rng = np.random.default_rng(11)
    I, B, d, W = 2, 7, 4, 6
    P = _params(rng, I, d, W, bias=False)
    x = rng.standard_normal((B, d))
    coef = np.array([0.2, 0.7]) if kind == "relu" else np.zeros(I)
    kk = None if k is None else np.array(k)
    spec = _Spec(kind, False, False, 1e-3, ((0, W),))
    res, G = _select(spec, P, x, coef, kk, bias=False)
    assert not np.any(G["b_enc"]) and not np.any(G["b_dec"])
    fired0 = res["fired"]
    h, checked = 1e-6, 0
    for name in ("W_enc", "W_dec"):
        it = np.nditer(P[name], flags=["multi_index"])
        for _ in it:
            idx = it.multi_index
            old = P[name][idx]
            P[name][idx] = old + h
            rp, _ = _select(spec, P, x, coef, kk, bias=False)
            P[name][idx] = old - h
            rm, _ = _select(spec, P, x, coef, kk, bias=False)
            P[name][idx] = old
            if not (
                np.array_equal(rp["fired"], fired0)
                and np.array_equal(rm["fired"], fired0)
                and np.array_equal(rp["l0"], res["l0"])
                and np.array_equal(rm["l0"], res["l0"])
            ):
                continue
            fd = (rp["loss"].sum() - rm["loss"].sum()) / (2 * h)
            assert math.isclose(fd, G[name][idx], rel_tol=1e-5, abs_tol=1e-7), (name, idx, fd, G[name][idx])
            checked += 1
    assert checked > 60


def _data(seed=0, n=2048, d=6, m=12):
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((d, m))
    D /= np.linalg.norm(D, axis=0)
    codes = rng.random((n, m)) * (rng.random((n, m)) < 0.15)
    return codes @ D.T


@pytest.mark.parametrize("kind,kw", [("topk", {"k": [2, 3]}), ("relu", {"l1": [0.01, 0.05]}), ("batchtopk", {"k": 2})])
def test_sparse_and_dense_training_agree(kind, kw, monkeypatch):
    """The same seed trained with every step on the sparse path and with every step on the dense
    path gives the same SAEs (float64, so the two orders of summation differ by rounding only)."""
    X = _data()
    opts = SAEOptions(progress=False, dtype="float64", lr=3e-3)
    out = {}
    for name, dens in (("sparse", 1.0), ("dense", -1.0)):
        monkeypatch.setattr(sae_mod, "_SPARSE_MAX_DENSITY", dens)
        out[name] = _train_saes(X, kind=kind, width=12, steps=60, batch_size=64, options=opts, **kw)
    for a, b in zip(out["sparse"], out["dense"], strict=True):
        for name in ("W_enc", "b_enc", "W_dec", "b_dec"):
            np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-9, atol=1e-11, err_msg=name)
        np.testing.assert_allclose(a.losses, b.losses, rtol=1e-10)
        if a.threshold is not None:
            np.testing.assert_allclose(a.threshold, b.threshold, rtol=1e-10)


def test_float32_paths_agree_with_the_reference_trainer(monkeypatch):
    """float32 (the default): sparse path vs the dense vectorised reference of the other kinds'
    trainer, a few steps from the same start, agree to float32 rounding."""
    X = _data(1)
    opts = SAEOptions(progress=False, lr=1e-3)
    monkeypatch.setattr(sae_mod, "_SPARSE_MAX_DENSITY", 1.0)
    a = _train_saes(X, kind="topk", width=12, k=3, steps=20, batch_size=64, options=opts)[0]
    monkeypatch.setattr(sae_mod, "_SELECT_KINDS", ())  # every kind through _loss_and_grads
    b = _train_saes(X, kind="topk", width=12, k=3, steps=20, batch_size=64, options=opts)[0]
    assert a.W_dec.dtype == np.float32
    np.testing.assert_allclose(a.W_dec, b.W_dec, atol=2e-5)
    np.testing.assert_allclose(a.W_enc, b.W_enc, atol=2e-5)


# ----------------------------------------------------------------------------------------------
# bias-free SAEs
# ----------------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:JumpReLU instance")  # a short run: its thresholds have not moved yet
@pytest.mark.parametrize(
    "kind,kw",
    [
        ("relu", {"l1": 0.02}),
        ("topk", {"k": 2}),
        ("jumprelu", {"l0": 0.01}),
        ("matryoshka", {"k": 2}),
        ("batchtopk", {"k": 2}),
    ],
)
def test_bias_free_training_keeps_biases_zero(kind, kw):
    X = _data(2) + 0.5  # an offset a bias would absorb
    opts = SAEOptions(progress=False, bias=False, lr=3e-3)
    s = _train_saes(X, kind=kind, width=12, steps=80, batch_size=64, options=opts, **kw)[0]
    assert not s.bias and "no bias" in str(s)
    assert not np.any(s.b_enc) and not np.any(s.b_dec)
    np.testing.assert_allclose(s.encode(X[:5]), s.pre_activations(X[:5]) * (s.encode(X[:5]) != 0))
    biased = _train_saes(
        X, kind=kind, width=12, steps=80, batch_size=64, options=SAEOptions(progress=False, lr=3e-3), **kw
    )[0]
    assert biased.bias and np.any(biased.b_dec)


def test_bias_flag_is_checked():
    kw = {"W_enc": np.eye(2), "W_dec": np.eye(2), "kind": "relu"}
    SAE(b_enc=np.zeros(2), b_dec=np.zeros(2), bias=False, **kw)
    with pytest.raises(ValueError, match="bias=False needs b_enc and b_dec to be zero"):
        SAE(b_enc=np.zeros(2), b_dec=np.ones(2), bias=False, **kw)
    with pytest.raises(TypeError, match="bias"):
        SAE(b_enc=np.zeros(2), b_dec=np.zeros(2), bias=1, **kw)
    with pytest.raises(TypeError, match="bias"):
        SAEOptions(bias="no")


# ----------------------------------------------------------------------------------------------
# data-scale normalisation
# ----------------------------------------------------------------------------------------------


def test_input_scale_formulas():
    x = np.array([[3.0, 4.0], [0.0, 1.0]])
    assert math.isclose(_input_scale(x, "expected_norm"), math.sqrt(2) / 3.0)
    assert math.isclose(_input_scale(x, "unit_mean_squared_norm"), 1 / math.sqrt(13.0))
    with pytest.raises(ValueError, match="positive finite mean norm"):
        _input_scale(np.zeros((3, 2)), "expected_norm")
    with pytest.raises(ValueError, match="normalize must be one of"):
        SAEOptions(normalize="layernorm")


@pytest.mark.filterwarnings("ignore:JumpReLU instance")  # a short run: its thresholds have not moved yet
@pytest.mark.parametrize("how", ["expected_norm", "unit_mean_squared_norm"])
@pytest.mark.parametrize("kind,kw", [("topk", {"k": 2}), ("jumprelu", {"l0": 0.01}), ("relu", {"l1": 0.01})])
def test_normalisation_makes_training_scale_invariant(how, kind, kw):
    """Training on c·X with normalisation gives the SAE trained on X, rescaled: the same codes on
    the respective raw data, and reconstructions c times as large."""
    X = _data(3)
    opts = SAEOptions(progress=False, dtype="float64", normalize=how, lr=3e-3)
    a = _train_saes(X, kind=kind, width=12, steps=60, batch_size=64, options=opts, **kw)[0]
    c = 37.0
    b = _train_saes(c * X, kind=kind, width=12, steps=60, batch_size=64, options=opts, **kw)[0]
    assert math.isclose(b.info["input_scale"] * c, a.info["input_scale"], rel_tol=1e-12)
    np.testing.assert_allclose(b.encode(c * X[:50]), a.encode(X[:50]), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(b.reconstruct(c * X[:50]), c * a.reconstruct(X[:50]), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b.mses, c**2 * a.mses, rtol=1e-6)


def test_normalised_sae_acts_on_raw_data():
    """The folded SAE's codes on raw data are the codes the optimiser saw on scaled data, and its
    recorded error is in raw units."""
    X = 5.0 * _data(4)
    s = _input_scale(X[:4096], "expected_norm")
    sae = _train_saes(
        X,
        kind="topk",
        width=12,
        k=2,
        steps=50,
        batch_size=64,
        options=SAEOptions(progress=False, dtype="float64", normalize="expected_norm"),
    )[0]
    assert math.isclose(sae.info["input_scale"], s, rel_tol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(sae.W_dec, axis=0), 1 / s, rtol=1e-10)
    # undo the fold by hand: the scaled-space SAE on scaled data
    scaled = SAE(W_enc=sae.W_enc / s, b_enc=sae.b_enc, W_dec=sae.W_dec * s, b_dec=sae.b_dec * s, kind="topk", k=2)
    np.testing.assert_allclose(sae.encode(X[:40]), scaled.encode(s * X[:40]), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sae.reconstruct(X[:40]), scaled.reconstruct(s * X[:40]) / s, rtol=1e-10, atol=1e-12)
    unnormalised = _train_saes(
        X, kind="topk", width=12, k=2, steps=50, batch_size=64, options=SAEOptions(progress=False, dtype="float64")
    )[0]
    assert unnormalised.info["input_scale"] == 1.0


@pytest.mark.parametrize("kind,tied,k", [("relu", False, None), ("relu", True, None), ("topk", False, [2, 3])])
def test_select_path_projects_decoder_gradient(kind, tied, k, path):
    """``project=True`` gives the reference decoder gradient minus, row by row, its component along
    the decoder row (computed here independently); the other gradients are unchanged."""
    rng = np.random.default_rng(11)
    I, B, d, W = 2, 9, 5, 8
    P = _params(rng, I, d, W, tied=tied)
    x = rng.standard_normal((B, d))
    coef = np.array([0.3, 1.1]) if kind == "relu" else np.zeros(I)
    kk = None if k is None else np.array(k)
    spec = _Spec(kind, tied, False, 1e-3, ((0, W),))
    ref = _loss_and_grads(spec, P, x, coef, kk)["grads"]
    Ps = {key: (np.ascontiguousarray(v.transpose(0, 2, 1)) if key == "W_dec" else v) for key, v in P.items()}
    G = {key: np.zeros_like(v) for key, v in Ps.items()}
    _select_loss_and_grads(spec, Ps, G, x, coef, kk, project=True)
    D = P["W_dec"]  # (I, d, W), unit columns
    g = ref["W_dec"]
    expected = g - D * (g * D).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(G["W_dec"].transpose(0, 2, 1), expected, rtol=1e-10, atol=1e-12)
    assert np.allclose((G["W_dec"].transpose(0, 2, 1) * D).sum(axis=1), 0, atol=1e-12)
    for name in ("b_enc", "b_dec") + (() if tied else ("W_enc",)):
        np.testing.assert_allclose(G[name], ref[name], rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("weight_decay,masked", [(0.0, False), (0.1, False), (0.1, True)])
def test_adamw_blockwise_step_equals_the_formula(weight_decay, masked, monkeypatch):
    """AdamW steps taken block by block (blocks of 7 entries, the last one partial) equal PyTorch's
    update written out in float64 over the whole buffer."""
    from theory import _optim

    monkeypatch.setattr(_optim, "_BLOCK", 7)
    rng = np.random.default_rng(3)
    n = 25
    flat = _optim.FlatParams({"a": rng.standard_normal(n)}, np.float64)
    opt = _optim.AdamW(lr=0.05, betas=(0.8, 0.95), eps=1e-3, weight_decay=weight_decay)
    mask = (rng.random(n) < 0.5).astype(np.float64) if masked else None
    theta, m, v = flat.theta.copy(), np.zeros(n), np.zeros(n)
    for t in range(1, 6):
        g = rng.standard_normal(n)
        flat.grad[:] = g
        scale = 0.5 + 0.1 * t
        opt.step(flat, scale=scale, decay_mask=mask)
        lr = 0.05 * scale
        theta = theta * (1 - lr * weight_decay * (1.0 if mask is None else mask))
        m = 0.8 * m + 0.2 * g
        v = 0.95 * v + 0.05 * g**2
        theta = theta - lr / (1 - 0.8**t) * m / (np.sqrt(v / (1 - 0.95**t)) + 1e-3)
        np.testing.assert_allclose(flat.theta, theta, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(opt.m.theta, m, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(opt.v.theta, v, rtol=1e-12, atol=1e-14)
