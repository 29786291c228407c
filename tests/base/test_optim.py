"""The shared AdamW against a hand-written reference of PyTorch's update."""

from __future__ import annotations

import math

import numpy as np
import pytest

from theory._optim import AdamW, FlatParams


def _reference(theta, grads, lr, b1, b2, eps, wd):
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        theta = theta * (1 - lr * wd)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mhat = m / (1 - b1**t)
        vhat = v / (1 - b2**t)
        theta = theta - lr * mhat / (np.sqrt(vhat) + eps)
    return theta


def test_adamw_matches_the_reference_over_several_steps():
    rng = np.random.default_rng(0)
    theta0 = rng.standard_normal(7)
    grads = [rng.standard_normal(7) for _ in range(5)]
    f = FlatParams({"a": theta0[:3].reshape(3, 1), "b": theta0[3:]}, np.float64)
    opt = AdamW(lr=0.01, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1)
    for g in grads:
        f.grad[:] = g
        opt.step(f)
    ref = _reference(theta0, grads, 0.01, 0.8, 0.95, 1e-6, 0.1)
    np.testing.assert_allclose(f.theta, ref, rtol=1e-12)
    assert opt.t == 5


def test_decay_mask_spares_masked_parameters():
    f = FlatParams({"w": np.ones(2)}, np.float64)
    opt = AdamW(lr=0.5, weight_decay=0.5)
    f.grad[:] = 0.0
    opt.step(f, decay_mask=np.array([1.0, 0.0]))
    assert f.theta[0] == pytest.approx(0.75) and f.theta[1] == 1.0
    assert not math.isnan(f.theta.sum())


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"lr": 0.0}, "lr"),
        ({"betas": (1.0, 0.9)}, "betas"),
        ({"eps": -1.0}, "eps"),
        ({"weight_decay": float("nan")}, "weight_decay"),
        ({"betas": 0.9}, "betas"),
    ],
)
def test_bad_hyperparameters_are_named(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        AdamW(**kwargs)


def test_adamw_two_steps_by_hand():
    lr, b1, b2, eps, wd = 0.1, 0.9, 0.999, 1e-8, 0.01
    f = FlatParams({"w": np.array([1.0, -2.0])}, np.float64)
    opt = AdamW(lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)
    g1 = np.array([0.5, -3.0])
    f.grad[:] = g1
    opt.step(f)
    # step 1: the bias-corrected moments are g and g^2, so the update is lr * g / (|g| + eps)
    ref = np.array([1.0, -2.0]) * (1 - lr * wd) - lr * g1 / (np.abs(g1) + eps)
    np.testing.assert_allclose(f.theta, ref, rtol=1e-15)
    g2 = np.array([-0.25, 1.0])
    f.grad[:] = g2
    opt.step(f)
    m_ref = b1 * (1 - b1) * g1 + (1 - b1) * g2
    v_ref = b2 * (1 - b2) * g1**2 + (1 - b2) * g2**2
    ref = ref * (1 - lr * wd) - lr * (m_ref / (1 - b1**2)) / (np.sqrt(v_ref / (1 - b2**2)) + eps)
    np.testing.assert_allclose(f.theta, ref, rtol=1e-14)
    np.testing.assert_allclose(opt.m.p["w"], m_ref)
    np.testing.assert_allclose(opt.v.p["w"], v_ref)
    # a number written out: theta=1, g=0.5, lr=0.1, wd=0.01, first step -> 0.999 - 0.1 * 0.5/(0.5+1e-8)
    one = FlatParams({"w": np.array([1.0])}, np.float64)
    one.grad[:] = 0.5
    AdamW(lr=0.1, weight_decay=0.01).step(one)
    assert one.theta[0] == pytest.approx(0.999 - 0.1 * 0.5 / (0.5 + 1e-8), rel=1e-15)


def _torch_runs():
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "base" / "adamw_torch_reference.json"
    return json.loads(path.read_text())["runs"]


@pytest.mark.parametrize("run", _torch_runs(), ids=lambda r: f"lr{r['lr']}-wd{r['weight_decay']}")
def test_adamw_matches_recorded_torch_adamw(run):
    """Eight steps with a decaying learning-rate factor (``step(scale=)``) against
    ``torch.optim.AdamW`` recorded in float64 (tests/data/base/make_adamw_torch_reference.py)."""
    theta0 = np.array(run["theta0"])
    f = FlatParams({"a": theta0[:4].reshape(2, 2), "b": theta0[4:]}, np.float64)
    opt = AdamW(lr=run["lr"], betas=tuple(run["betas"]), eps=run["eps"], weight_decay=run["weight_decay"])
    for g, factor in zip(run["grads"], run["factors"], strict=True):
        f.grad[:] = g
        opt.step(f, scale=factor)
    expected = np.array(run["theta"])
    np.testing.assert_allclose(f.theta, expected, rtol=1e-13, atol=1e-15)
    assert np.max(np.abs(expected - theta0)) > 1e-3  # the steps moved the parameters: not vacuous
