"""Toy-model hot paths check their inputs at the public boundary (and only there)."""

import numpy as np
import pytest

from theory.toy_models import ToyModel, ToyModelConfig, forward, loss_and_gradients, train

CFG = ToyModelConfig(n_features=3, n_hidden=2)
ABS = ToyModelConfig(n_features=3, n_hidden=2, task="abs")


def _params(cfg=CFG, dtype=np.float64):
    rng = np.random.default_rng(0)
    I, m, n = cfg.shape
    p = {"W": rng.standard_normal((I, m, n)).astype(dtype), "b": rng.standard_normal((I, n)).astype(dtype)}
    if cfg.task == "abs":
        p["W2"] = rng.standard_normal((I, n, m)).astype(dtype)
    return p


X = np.random.default_rng(1).random((1, 4, 3))
FUNCS = [forward, lambda c, p, x: loss_and_gradients(c, p, x)]


@pytest.mark.parametrize("f", FUNCS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_are_refused(f, bad):
    x = X.copy()
    x[0, 1, 2] = bad
    with pytest.raises(ValueError, match="x must contain only finite values"):
        f(CFG, _params(), x)


@pytest.mark.parametrize("f", FUNCS)
@pytest.mark.parametrize("key", ["W", "b"])
def test_non_finite_parameters_are_refused(f, key):
    p = _params()
    p[key].flat[0] = np.nan
    with pytest.raises(ValueError, match=rf"params\['{key}'\] must contain only finite values"):
        f(CFG, p, X)


def test_abs_task_parameters_checked():
    p = _params(ABS)
    p["W2"].flat[0] = np.inf
    with pytest.raises(ValueError, match=r"params\['W2'\] must contain only finite"):
        forward(ABS, p, X)
    with pytest.raises(ValueError, match=r"missing \['W2'\]"):
        forward(ABS, _params(), X)


@pytest.mark.parametrize("f", FUNCS)
def test_nested_lists_are_accepted_as_arrays(f):
    p = {k: v.tolist() for k, v in _params().items()}
    out = f(CFG, p, X.tolist())
    ref = f(CFG, _params(), X)
    if isinstance(out, tuple):
        np.testing.assert_allclose(out[0], ref[0])
    else:
        np.testing.assert_allclose(out, ref)


@pytest.mark.parametrize("f", FUNCS)
def test_params_keys_and_shapes(f):
    with pytest.raises(ValueError, match=r"params must have exactly the keys \['W', 'b'\]"):
        f(CFG, {}, X)
    with pytest.raises(TypeError, match="params must be a dict"):
        f(CFG, [1, 2], X)
    p = _params()
    p["W"] = p["W"][:, :1]
    with pytest.raises(ValueError, match=r"params\['W'\] must have shape \(1, 2, 3\)"):
        f(CFG, p, X)
    with pytest.raises(ValueError, match="unexpected"):
        f(CFG, {**_params(), "W2": np.zeros((1, 3, 2))}, X)


@pytest.mark.parametrize("f", FUNCS)
def test_empty_batch_and_bad_x(f):
    with pytest.raises(ValueError, match="empty batch"):
        f(CFG, _params(), np.zeros((1, 0, 3)))
    with pytest.raises(ValueError, match=r"x must have shape \(n_instances=1, batch, n_features=3\)"):
        f(CFG, _params(), np.zeros((1, 4, 5)))
    with pytest.raises(TypeError, match="x must be real"):
        f(CFG, _params(), X + 1j)
    with pytest.raises(TypeError, match="x must be an array of real numbers"):
        f(CFG, _params(), np.full((1, 2, 3), "a"))
    with pytest.raises(TypeError, match="config must be a ToyModelConfig"):
        f(None, _params(), X)


def test_float32_is_kept():
    out = forward(CFG, _params(dtype=np.float32), X.astype(np.float32))
    assert out.dtype == np.float32


def test_checked_and_unchecked_agree():
    from theory.toy_models.model import _forward, _loss_and_gradients

    for cfg in (CFG, ABS):
        p = _params(cfg)
        np.testing.assert_array_equal(forward(cfg, p, X), _forward(cfg, p, X))
        l1, g1 = loss_and_gradients(cfg, p, X)
        l2, g2 = _loss_and_gradients(cfg, p, X)
        np.testing.assert_array_equal(l1, l2)
        for k in g1:
            np.testing.assert_array_equal(g1[k], g2[k])


def test_gradients_still_match_finite_differences():
    p = _params()
    _, g = loss_and_gradients(CFG, p, X)
    h = 1e-6
    for key in ("W", "b"):
        for idx in np.ndindex(p[key].shape):
            q = {k: v.copy() for k, v in p.items()}
            q[key][idx] += h
            up = loss_and_gradients(CFG, q, X)[0][0]
            q[key][idx] -= 2 * h
            down = loss_and_gradients(CFG, q, X)[0][0]
            assert abs((up - down) / (2 * h) - g[key][idx]) < 1e-6


@pytest.mark.parametrize(
    "bad,exc,match",
    [
        (np.zeros((1, 2, 3), dtype=complex), TypeError, "W must be real"),
        (np.full((1, 2, 3), "x"), TypeError, "W must be an array of real numbers"),
        (np.zeros((1, 2, 3), dtype=bool), TypeError, "W must be an array of real numbers"),
        (np.full((1, 2, 3), np.nan), ValueError, "W must contain only finite"),
        ("abc", TypeError, "W must be an array"),
    ],
)
def test_toy_model_refuses_non_real_arrays(bad, exc, match):
    with pytest.raises(exc, match=match):
        ToyModel(CFG, W=bad, b=np.zeros((1, 3)))


def test_toy_model_other_fields():
    with pytest.raises(ValueError, match="W2 applies to the 'abs' task only"):
        ToyModel(CFG, W=np.zeros((1, 2, 3)), b=np.zeros((1, 3)), W2=np.zeros((1, 3, 2)))
    with pytest.raises(TypeError, match="info must be a dict"):
        ToyModel(CFG, W=np.zeros((1, 2, 3)), b=np.zeros((1, 3)), info=[])
    with pytest.raises(TypeError, match="b must be real"):
        ToyModel(CFG, W=np.zeros((1, 2, 3)), b=np.zeros((1, 3), dtype=complex))


def test_predict_checks_x():
    m = ToyModel(CFG, W=np.zeros((1, 2, 3)), b=np.zeros((1, 3)))
    with pytest.raises(ValueError, match="finite"):
        m.predict(np.full((1, 2, 3), np.nan))
    with pytest.raises(ValueError, match="empty batch"):
        m.predict(np.zeros((1, 0, 3)))


@pytest.mark.parametrize("dtype", [3, None, "float16", "int", object, True])
def test_dtype_is_named(dtype):
    with pytest.raises((TypeError, ValueError), match="dtype must be one of 'float32', 'float64'"):
        train(CFG, steps=1, options={"dtype": dtype}, progress=False)


def test_train_2x1_names_eval_batch():
    from theory.toy_models.phase import train_2x1

    with pytest.raises(ValueError, match="eval_batch must be an integer >= 1"):
        train_2x1([(0.1, 1.0)], eval_batch=0, steps=2)


def test_training_loop_still_runs():
    m = train(CFG, steps=50, batch_size=16, rng=0, progress=False)
    assert np.all(np.isfinite(m.final_loss))
