"""Tests for the batched NumPy SAE trainers (theory.sparse_coding.sae)."""

from __future__ import annotations

import json
import math
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory._warnings import TheoryWarning
from theory.sparse_coding.sae import (
    SAE,
    SAEOptions,
    _loss_and_grads,
    _resample,
    _schedule_factor,
    _Spec,
    train_sae,
    train_saes,
)

sys.path.insert(0, str(Path(__file__).parent))
from _sae_reference import Replay  # noqa: E402

QUIET = SAEOptions(progress=False)


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def _params(rng, I, d, W, *, tied=False, jumprelu=False, dec_scale=1.0):
    D = rng.standard_normal((I, d, W))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    P = {"b_enc": 0.1 * rng.standard_normal((I, W)), "W_dec": dec_scale * D, "b_dec": 0.1 * rng.standard_normal((I, d))}
    if not tied:
        P["W_enc"] = rng.standard_normal((I, W, d))
    if jumprelu:
        P["log_threshold"] = np.log(0.2 + 0.3 * rng.random((I, W)))
    return P


def _total(spec, P, x, coef, kk):
    return float(_loss_and_grads(spec, P, x, coef, kk, grads=False)["loss"].sum())


def _fd_check(spec, P, x, coef, kk, *, skip=("log_threshold",), h=1e-6, rtol=1e-5, atol=1e-7):
    """Central differences on every parameter entry whose perturbation keeps the active set fixed."""
    res = _loss_and_grads(spec, P, x, coef, kk)
    mask0 = res["mask"]
    checked = 0
    for name, g in res["grads"].items():
        if name in skip:
            continue
        assert g.shape == P[name].shape
        it = np.nditer(P[name], flags=["multi_index"])
        for _ in it:
            idx = it.multi_index
            old = P[name][idx]
            P[name][idx] = old + h
            rp = _loss_and_grads(spec, P, x, coef, kk, grads=False)
            P[name][idx] = old - h
            rm = _loss_and_grads(spec, P, x, coef, kk, grads=False)
            P[name][idx] = old
            if not (np.array_equal(rp["mask"], mask0) and np.array_equal(rm["mask"], mask0)):
                continue  # crossed a tie/threshold: the loss is not differentiable there
            fd = (rp["loss"].sum() - rm["loss"].sum()) / (2 * h)
            assert math.isclose(fd, g[idx], rel_tol=rtol, abs_tol=atol), (name, idx, fd, g[idx])
            checked += 1
    return checked


def _spec(kind, *, tied=False, dn=False, bw=1e-3, groups=None, W=6):
    return _Spec(kind, tied, dn, bw, groups or ((0, W),))


# ----------------------------------------------------------------------------------------------
# gradients against finite differences (float64, small sizes)
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tied,dn", [(False, False), (True, False), (False, True)])
def test_relu_gradients(tied, dn):
    rng = np.random.default_rng(1)
    I, B, d, W = 2, 7, 4, 6
    P = _params(rng, I, d, W, tied=tied, dec_scale=0.7 if dn else 1.0)
    x = rng.standard_normal((B, d))
    n = _fd_check(_spec("relu", tied=tied, dn=dn), P, x, np.array([0.3, 1.1]), None)
    assert n > 50


def test_topk_gradients():
    rng = np.random.default_rng(2)
    I, B, d, W = 2, 7, 4, 6
    P = _params(rng, I, d, W)
    x = rng.standard_normal((B, d))
    kk = np.array([2, 3])
    res = _loss_and_grads(_spec("topk"), P, x, np.zeros(I), kk)
    assert np.all(res["mask"].sum(axis=2) <= kk[:, None])
    assert _fd_check(_spec("topk"), P, x, np.zeros(I), kk) > 50


@pytest.mark.parametrize("kind", ["batchtopk", "matryoshka"])
def test_batchtopk_and_matryoshka_gradients(kind):
    rng = np.random.default_rng(3)
    I, B, d, W = 2, 5, 4, 6
    P = _params(rng, I, d, W)
    x = rng.standard_normal((B, d))
    kk = np.array([1, 2])
    groups = ((0, 2), (2, 4), (4, 6)) if kind == "matryoshka" else None
    spec = _spec(kind, groups=groups)
    res = _loss_and_grads(spec, P, x, np.zeros(I), kk)
    assert np.all(res["mask"].sum(axis=(1, 2)) <= kk * B)  # k·B selected over the batch
    assert _fd_check(spec, P, x, np.zeros(I), kk) > 50


def test_matryoshka_loss_is_the_sum_over_prefixes():
    rng = np.random.default_rng(4)
    I, B, d, W = 1, 5, 3, 6
    P = _params(rng, I, d, W)
    x = rng.standard_normal((B, d))
    kk = np.array([2])
    f = _loss_and_grads(_spec("batchtopk"), P, x, np.zeros(1), kk, grads=False)
    res = _loss_and_grads(_spec("matryoshka", groups=((0, 2), (2, 6))), P, x, np.zeros(1), kk, grads=False)
    # codes: the same BatchTopK selection over the whole dictionary
    assert np.array_equal(res["mask"], f["mask"])
    codes = np.where(res["mask"][0], (x - P["b_dec"][0]) @ P["W_enc"][0].T + P["b_enc"][0], 0.0)
    expected = 0.0
    for m in (2, 6):
        xh = codes[:, :m] @ P["W_dec"][0][:, :m].T + P["b_dec"][0]
        expected += ((x - xh) ** 2).sum() / B
    assert res["loss"][0] == pytest.approx(expected, rel=1e-12)


def test_jumprelu_gradients_and_ste():
    rng = np.random.default_rng(5)
    I, B, d, W = 2, 9, 4, 6
    P = _params(rng, I, d, W, jumprelu=True)
    x = rng.standard_normal((B, d))
    coef = np.array([0.05, 0.4])
    eps = 0.5  # wide kernel so that many pre-activations fall inside it
    spec = _spec("jumprelu", bw=eps)
    # exact parameters: finite differences away from the thresholds
    assert _fd_check(spec, P, x, coef, None) > 50
    # threshold: the straight-through pseudo-gradient of Rajamanoharan et al. (2024), written out
    res = _loss_and_grads(spec, P, x, coef, None)
    for i in range(I):
        xc = x - P["b_dec"][i]
        z = xc @ P["W_enc"][i].T + P["b_enc"][i]
        th = np.exp(P["log_threshold"][i])
        codes = z * (z > th)
        dL_dcodes = 2.0 / B * (codes @ P["W_dec"][i].T + P["b_dec"][i] - x) @ P["W_dec"][i]
        K = (np.abs((z - th) / eps) < 0.5).astype(float)
        d_theta = (dL_dcodes * (-(th / eps)) * K).sum(0) + coef[i] / B * (-(1.0 / eps) * K).sum(0)
        assert K.sum() > 0
        np.testing.assert_allclose(res["grads"]["log_threshold"][i], th * d_theta, rtol=1e-12, atol=1e-14)
    # and the L0 part alone is the kernel-smoothed derivative of the expected count
    P2 = {key: v.copy() for key, v in P.items()}
    P2["W_dec"][:] = 0.0  # no reconstruction dependence on the codes
    res2 = _loss_and_grads(spec, P2, x, coef, None)
    z = (x[None] - P2["b_dec"][:, None]) @ P2["W_enc"].transpose(0, 2, 1) + P2["b_enc"][:, None]
    th = np.exp(P2["log_threshold"])
    K = np.abs((z - th[:, None]) / eps) < 0.5
    np.testing.assert_allclose(res2["grads"]["log_threshold"], -coef[:, None] / (B * eps) * th * K.sum(1))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 5))
def test_topk_encode_matches_sorting(seed, k):
    rng = np.random.default_rng(seed)
    W_enc = rng.standard_normal((5, 3))
    sae = SAE(
        W_enc=W_enc,
        b_enc=rng.standard_normal(5),
        W_dec=rng.standard_normal((3, 5)),
        b_dec=rng.standard_normal(3),
        kind="topk",
        k=k,
    )
    x = rng.standard_normal((4, 3))
    z = (x - sae.b_dec) @ W_enc.T + sae.b_enc
    expected = np.zeros_like(z)
    for b in range(4):
        top = np.argsort(z[b])[::-1][:k]
        expected[b, top] = np.maximum(z[b, top], 0)
    np.testing.assert_allclose(sae.encode(x), expected)


def test_schedule_factor():
    f = [_schedule_factor(s, 10, 0.2, 0.3) for s in range(10)]
    assert f == pytest.approx([0.5, 1, 1, 1, 1, 1, 1, 1, 2 / 3, 1 / 3])
    assert [_schedule_factor(s, 10, 0.0, 0.0) for s in range(10)] == [1.0] * 10
    assert _schedule_factor(0, 1, 0.5, 0.0) == 1.0  # a warmup shorter than one step never exceeds 1
    assert max(_schedule_factor(s, 7, 0.3, 0.7) for s in range(7)) <= 1.0


# ----------------------------------------------------------------------------------------------
# training
# ----------------------------------------------------------------------------------------------


class _Truth:
    """A tiny ground truth: orthogonal dictionary (dim 8, n 8), codes Bernoulli(0.2) × U[0, 1)."""

    def __init__(self, seed=0, dim=8, p=0.2):
        self.D = np.linalg.qr(np.random.default_rng(seed).standard_normal((dim, dim)))[0]
        self.p = p

    def sample(self, batch, rng=0):
        g = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        c = g.random((batch, self.D.shape[1])) * (g.random((batch, self.D.shape[1])) < self.p)
        return c @ self.D.T, c


def _mmcs(learned, true):
    Ln = learned / np.linalg.norm(learned, axis=0)
    return float(np.abs(true.T @ Ln).max(axis=1).mean())


@pytest.mark.parametrize("kind,kw", [("relu", {"l1": 0.03}), ("topk", {"k": 2})])
def test_recovers_tiny_ground_truth(kind, kw):
    truth = _Truth()
    sae = train_sae(truth, kind=kind, width=16, steps=1500, batch_size=128, lr=1e-2, options=QUIET, **kw)
    assert _mmcs(sae.dictionary, truth.D) > 0.95
    assert sae.mses[-1] < sae.mses[0]
    # the codes reconstruct fresh data
    x, _ = truth.sample(500, rng=7)
    assert np.mean(np.sum((sae(x) - x) ** 2, axis=1)) < 0.1 * np.mean(np.sum(x**2, axis=1))


def test_batchtopk_inference_threshold_gives_about_k():
    truth = _Truth()
    sae = train_sae(truth, kind="batchtopk", width=16, k=2, steps=1000, batch_size=128, lr=1e-2, options=QUIET)
    assert sae.threshold is not None and np.all(sae.threshold == sae.threshold[0]) and sae.threshold[0] > 0
    x, _ = truth.sample(4000, rng=11)
    l0 = np.count_nonzero(sae.encode(x), axis=1).mean()
    assert 1.2 < l0 < 2.8
    assert _mmcs(sae.dictionary, truth.D) > 0.9


@pytest.mark.parametrize(
    "kind,kw",
    [
        ("relu", {"l1": [0.3, 3.0]}),
        ("topk", {"k": [1, 3]}),
        ("jumprelu", {"l0": [0.05, 0.5]}),
        ("matryoshka", {"k": [1, 2]}),
    ],
)
def test_batched_instances_equal_separate_runs(kind, kw, monkeypatch):
    import theory.sparse_coding.sae as sae_module

    # data in 2 of 8 dimensions, so that latents die and resampling runs
    X = np.zeros((400, 8))
    X[:, :2] = np.abs(np.random.default_rng(0).standard_normal((400, 2)))
    resampled = []
    real = sae_module._resample

    def spy(P, M, V, since, *args, **kwargs):
        resampled.append(int((since >= 20).sum()))
        return real(P, M, V, since, *args, **kwargs)

    monkeypatch.setattr(sae_module, "_resample", spy)
    opts = SAEOptions(
        progress=False,
        dtype="float64",
        resample_every=40,
        dead_window=20,
        jumprelu_init_threshold=1.0,
        jumprelu_bandwidth=0.1,
    )
    common = dict(kind=kind, width=8, steps=120, batch_size=32, lr=2e-2, options=opts, rng=3)
    batched = train_saes(X, **common, **kw)
    assert sum(resampled) > 0
    ((name, values),) = kw.items()
    for sae, v in zip(batched, values, strict=True):
        single = train_sae(X, **common, **{name: v})
        for attr in ("W_enc", "b_enc", "W_dec", "b_dec"):
            np.testing.assert_allclose(getattr(sae, attr), getattr(single, attr), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(sae.losses, single.losses, rtol=1e-9)
    assert not np.allclose(batched[0].W_dec, batched[1].W_dec)


def test_seeds_sweep_and_determinism():
    truth = _Truth()
    common = dict(kind="relu", width=8, l1=0.05, steps=60, batch_size=32, options=QUIET)
    a = train_saes(truth, n_seeds=2, **common, rng=0)
    b = train_saes(truth, n_seeds=2, **common, rng=0)
    c = train_saes(truth, n_seeds=2, **common, rng=1)
    assert len(a) == 2 and a[0].info["seed_index"] == 0 and a[1].info["seed_index"] == 1
    assert not np.allclose(a[0].W_dec, a[1].W_dec)
    for s, t in zip(a, b, strict=True):
        assert np.array_equal(s.W_dec, t.W_dec) and np.array_equal(s.losses, t.losses)
    assert not np.allclose(a[0].W_dec, c[0].W_dec)
    # array data: also deterministic
    X, _ = truth.sample(300, rng=5)
    s1 = train_sae(X, kind="topk", k=2, width=8, steps=30, batch_size=64, options=QUIET)
    s2 = train_sae(X, kind="topk", k=2, width=8, steps=30, batch_size=64, options=QUIET)
    assert np.array_equal(s1.W_enc, s2.W_enc)


def test_decoder_norm_constraint_and_dtype():
    truth = _Truth()
    sae = train_sae(truth, kind="relu", width=8, l1=0.05, steps=50, batch_size=32, options=QUIET)
    assert sae.W_dec.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(sae.W_dec.astype(float), axis=0), 1.0, atol=1e-5)
    dn = train_sae(
        truth,
        kind="relu",
        width=8,
        l1=0.05,
        steps=50,
        batch_size=32,
        options=SAEOptions.preset("anthropic_april_2024", progress=False, dtype="float64"),
    )
    assert dn.W_dec.dtype == np.float64
    assert not np.allclose(np.linalg.norm(dn.W_dec, axis=0), 1.0)
    tied = train_sae(truth, kind="relu", width=8, l1=0.05, steps=50, batch_size=32, tied=True, options=QUIET)
    np.testing.assert_array_equal(tied.W_enc, tied.W_dec.T)


def test_jumprelu_l0_penalty_sparsifies_and_recovers():
    truth = _Truth()
    opts = SAEOptions(progress=False, jumprelu_bandwidth=0.05, jumprelu_init_threshold=0.05)
    saes = train_saes(
        truth, kind="jumprelu", width=16, l0=[0.0, 0.01, 0.05, 0.2], steps=1000, batch_size=128, lr=1e-2, options=opts
    )
    l0 = [s.l0s[-1] for s in saes]
    assert all(a > b for a, b in zip(l0, l0[1:], strict=False))  # a larger L0 coefficient, fewer active latents
    assert _mmcs(saes[2].dictionary, truth.D) > 0.95
    for sae in saes:
        assert sae.threshold is not None and np.all(sae.threshold > 0)
    x, _ = truth.sample(50, rng=1)
    codes = saes[2].encode(x)
    assert np.all((codes == 0) | (codes > saes[2].threshold))


def test_jumprelu_warns_when_thresholds_stay_far_below_the_pre_activations():
    """SAELens's 1e-3 threshold on data whose coordinates are ~0.2: after a short run the thresholds are
    still far below the pre-activations, the L0 penalty has had no effect (L0 as with no penalty),
    and a warning names the instances and a scale to start from; thresholds started at that scale
    sparsify and give no warning. The instance with a zero coefficient is never reported."""
    truth = _Truth()
    kw = dict(kind="jumprelu", width=16, l0=[0.0, 0.05], steps=300, batch_size=128, lr=1e-2)
    with pytest.warns(TheoryWarning, match=r"JumpReLU instance\(s\) \[1\]: the median threshold") as rec:
        stuck = train_saes(truth, options=QUIET, **kw)
    suggested = float(re.search(r"near ([0-9.e-]+)", str(rec[0].message)).group(1))
    x, _ = truth.sample(4096, rng=0)
    assert suggested == pytest.approx(0.5 * np.sqrt(np.mean(np.sum(x**2, axis=1)) / 8), rel=0.15)
    assert stuck[1].l0s[-1] > 0.8 * stuck[0].l0s[-1]  # the penalty did (almost) nothing
    opts = SAEOptions(progress=False, jumprelu_init_threshold=suggested, jumprelu_bandwidth=suggested)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TheoryWarning)
        moved = train_saes(truth, options=opts, **kw)
    assert moved[1].l0s[-1] < 0.5 * stuck[1].l0s[-1]


def test_real_ground_truth_object():
    truth_mod = pytest.importorskip("theory.sparse_coding.truth")
    truth = truth_mod.ground_truth(dim=8, n=12, rng=0)
    saes = train_saes(
        truth,
        kind="batchtopk",
        k=[1, 2],
        width=12,
        steps=20,
        batch_size=16,
        options=SAEOptions(progress=False, lr_warmup=0.1),
    )
    assert [s.dictionary.shape for s in saes] == [(8, 12), (8, 12)]
    json.dumps(saes[0].info)  # plain JSON


def test_curves_and_str():
    sae = train_sae(
        _Truth(), kind="topk", k=2, width=8, steps=40, batch_size=16, options=SAEOptions(progress=False, log_every=10)
    )
    assert sae.log_steps.tolist() == [10, 20, 30, 40]
    for arr in (sae.losses, sae.mses, sae.l0s, sae.dead_fractions):
        assert arr.shape == (4,) and np.all(np.isfinite(arr))
    assert np.all(sae.l0s <= 2)
    text = str(sae)
    assert text.startswith("SAE(kind='topk', dim=8, width=8, k=2") and "steps=40" in text and len(text) < 200


def test_resample_reinitialises_dead_latents_toward_high_loss_inputs():
    rng = np.random.default_rng(0)
    I, B, d, W = 1, 4, 3, 5
    P = _params(rng, I, d, W)
    M = {key: np.ones_like(v) for key, v in P.items()}
    V = {key: np.ones_like(v) for key, v in P.items()}
    since = np.zeros((I, W), dtype=np.int64)
    since[0, [1, 3]] = 100
    x = rng.standard_normal((B, d))
    residual = np.zeros((I, B, d))
    residual[0, 2] = 1.0  # only input 2 is badly reconstructed
    opts = SAEOptions(dead_window=50)
    W_enc_alive = P["W_enc"][0, [0, 2, 4]].copy()
    _resample(P, M, V, since, residual, x, [np.random.default_rng(0)], opts, tied=False, normalize=True)
    direction = (x[2] - P["b_dec"][0]) / np.linalg.norm(x[2] - P["b_dec"][0])
    for j in (1, 3):
        np.testing.assert_allclose(P["W_dec"][0][:, j], direction)
        np.testing.assert_allclose(np.linalg.norm(P["W_enc"][0, j]), 0.2 * np.linalg.norm(W_enc_alive, axis=1).mean())
        assert P["b_enc"][0, j] == 0 and M["W_dec"][0][:, j].sum() == 0 and V["W_enc"][0, j].sum() == 0
    assert np.all(since == 0)
    np.testing.assert_array_equal(P["W_enc"][0, [0, 2, 4]], W_enc_alive)


def test_dead_latents_are_counted():
    # data living in 2 of 8 dimensions with many latents: most latents never fire
    X = np.zeros((400, 8))
    X[:, :2] = np.abs(np.random.default_rng(0).standard_normal((400, 2)))
    sae = train_sae(
        X,
        kind="topk",
        k=1,
        width=16,
        steps=150,
        batch_size=32,
        lr=1e-2,
        options=SAEOptions(progress=False, dead_window=50),
    )
    assert sae.dead_fractions[-1] > 0.3


# ----------------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------------


def test_bad_inputs():
    X = np.random.default_rng(0).standard_normal((50, 4))
    with pytest.raises(ValueError, match="kind"):
        train_saes(X, kind="gated", width=4)
    with pytest.raises(ValueError, match="width"):
        train_saes(X, kind="relu", width=0)
    with pytest.raises(ValueError, match="needs k"):
        train_saes(X, kind="topk", width=4)
    with pytest.raises(ValueError, match="k must be <= width"):
        train_saes(X, kind="topk", width=4, k=5)
    with pytest.raises(ValueError, match="l1 does not apply"):
        train_saes(X, kind="topk", width=4, k=1, l1=0.1)
    with pytest.raises(ValueError, match="l1 must be >= 0"):
        train_saes(X, kind="relu", width=4, l1=[0.1, -1.0])
    with pytest.raises(TypeError, match="k must be an integer"):
        train_saes(X, kind="topk", width=4, k=1.5)
    with pytest.raises(TypeError, match="tied"):
        train_saes(X, kind="relu", width=4, tied=1)
    with pytest.raises(ValueError, match="finite"):
        train_saes(np.full((10, 4), np.nan), kind="relu", width=4)
    with pytest.raises(ValueError, match="data must have shape"):
        train_saes(np.ones(4), kind="relu", width=4)
    with pytest.raises(TypeError, match="options"):
        train_saes(X, kind="relu", width=4, options={"lr": 1})
    with pytest.raises(ValueError, match="would need"):
        train_saes(X, kind="relu", width=10**6, l1=np.linspace(0, 1, 100), batch_size=4096)
    with pytest.raises(ValueError, match="train_sae trains one SAE"):
        train_sae(X, kind="relu", width=4, l1=[0.1, 0.2])
    with pytest.raises(ValueError, match="tied=True with l1_weighting"):
        train_saes(X, kind="relu", width=4, tied=True, options=SAEOptions(l1_weighting="decoder_norm"))
    with pytest.raises(ValueError, match="l1_weighting applies"):
        train_saes(X, kind="topk", width=4, k=1, options=SAEOptions(l1_weighting="decoder_norm"))
    with pytest.raises(ValueError, match="prefixes"):
        train_saes(X, kind="matryoshka", width=4, k=1, options=SAEOptions(prefixes=(2, 8), progress=False))

    class BadSampler:
        def sample(self, batch, rng=0):
            return np.ones((batch + 1, 4)), None

    with pytest.raises(ValueError, match="must return x of shape"):
        train_saes(BadSampler(), kind="relu", width=4, steps=2)


@pytest.mark.parametrize(
    "kw,match",
    [
        ({"lr": 0}, "lr"),
        ({"betas": (0.9, 1.0)}, "betas"),
        ({"eps": float("nan")}, "eps"),
        ({"dtype": "float16"}, "dtype"),
        ({"lr_warmup": 0.7, "lr_decay": 0.5}, "lr_warmup"),
        ({"prefixes": (4, 2)}, "increasing"),
        ({"progress": 1}, "progress"),
        ({"resample_every": 0}, "resample_every"),
        ({"l1_weighting": "l2"}, "l1_weighting"),
        ({"blas_threads": 0}, "blas_threads"),
    ],
)
def test_bad_options(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        SAEOptions(**kw)


def test_sae_object_checks():
    ok = dict(W_enc=np.zeros((4, 3)), b_enc=np.zeros(4), W_dec=np.zeros((3, 4)), b_dec=np.zeros(3))
    with pytest.raises(ValueError, match="transposed"):
        SAE(**{**ok, "W_enc": np.zeros((3, 4))}, kind="relu")
    with pytest.raises(ValueError, match="needs a threshold"):
        SAE(**ok, kind="jumprelu")
    with pytest.raises(ValueError, match="needs k"):
        SAE(**ok, kind="topk")
    with pytest.raises(ValueError, match="finite"):
        SAE(**{**ok, "b_dec": np.array([0, np.inf, 0])}, kind="relu")
    with pytest.raises(TypeError, match="tied must be True or False"):
        SAE(**ok, kind="relu", tied=1)
    sae = SAE(**ok, kind="relu")
    with pytest.raises(ValueError, match=r"shape \(batch, 3\)"):
        sae.encode(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"codes must have shape \(batch, 4\)"):
        sae.decode(np.ones((2, 3)))
    with pytest.raises(ValueError):
        sae.W_dec[0, 0] = 1.0  # read-only


def test_jumprelu_auto_threshold_is_half_the_rms_coordinate_of_the_first_batch():
    xs = np.abs(np.random.default_rng(4).standard_normal((12, 32, 6))) * 3.0
    expected = 0.5 * math.sqrt(np.mean(np.sum(xs[0] ** 2, axis=1)) / 6)
    opts = SAEOptions(progress=False, dtype="float64", jumprelu_init_threshold="auto", jumprelu_bandwidth="auto")
    # a learning rate too small to move anything: the thresholds are the initial ones
    sae = train_sae(Replay(xs), kind="jumprelu", width=5, l0=0.1, steps=2, batch_size=32, lr=1e-30, options=opts)
    np.testing.assert_allclose(sae.threshold, expected, rtol=1e-12)
    used = sae.info["options"]
    assert used["jumprelu_init_threshold"] == pytest.approx(expected, rel=1e-12)
    assert used["jumprelu_bandwidth"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("bias", [True, False])
def test_jumprelu_auto_equals_the_same_number_given_explicitly(bias):
    """'auto' only chooses the number: with it written out, training is identical (also without
    biases, where the first batch is looked at and put back rather than used for b_dec)."""
    xs = np.abs(np.random.default_rng(5).standard_normal((40, 32, 6)))
    first = xs[0].astype(np.float32).astype(np.float64)  # the trainer sees float32 batches
    value = 0.5 * math.sqrt(np.mean(np.sum(first**2, axis=1)) / 6)
    kw = dict(kind="jumprelu", width=5, l0=0.05, steps=30, batch_size=32, lr=1e-2)
    auto = train_sae(Replay(xs), options=SAEOptions(progress=False, bias=bias, jumprelu_init_threshold="auto"), **kw)
    given = train_sae(Replay(xs), options=SAEOptions(progress=False, bias=bias, jumprelu_init_threshold=value), **kw)
    for name in ("W_enc", "W_dec", "b_enc", "b_dec", "threshold"):
        np.testing.assert_array_equal(getattr(auto, name), getattr(given, name), err_msg=name)


def test_jumprelu_option_values_are_checked():
    with pytest.raises(ValueError, match="jumprelu_init_threshold must be a positive number or 'auto'"):
        SAEOptions(jumprelu_init_threshold="automatic")
    with pytest.raises(ValueError, match="jumprelu_bandwidth"):
        SAEOptions(jumprelu_bandwidth=0.0)
    assert SAEOptions(jumprelu_bandwidth=1).jumprelu_bandwidth == 1.0 and isinstance(
        SAEOptions(jumprelu_bandwidth=1).jumprelu_bandwidth, float
    )
    zeros = np.zeros((64, 3))
    with pytest.raises(ValueError, match="not all zero"):
        train_sae(
            zeros,
            kind="jumprelu",
            width=2,
            steps=2,
            batch_size=16,
            options=SAEOptions(progress=False, jumprelu_init_threshold="auto"),
        )
