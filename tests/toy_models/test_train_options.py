"""``train``'s short signature: ``TrainOptions`` and ``OptimizerSpec`` are validated frozen objects,
the old loose keywords still work (with a ``DeprecationWarning``) and give bit-identical weights,
and the same seed gives the same weights as before the options existed (pinned values)."""

from __future__ import annotations

import dataclasses
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory._optim import AdamW
from theory.toy_models import ToyModelConfig, init_params, loss_and_gradients, sample_features, train
from theory.toy_models.train import OptimizerSpec, TrainOptions, _train_options

CFG = ToyModelConfig(
    n_features=5, n_hidden=2, n_instances=3, importance=[1.0, 0.9, 0.8, 0.7, 0.6], feature_probability=[1.0, 0.2, 0.03]
)
CFG_ABS = ToyModelConfig(n_features=4, n_hidden=3, n_instances=2, feature_probability=0.3, task="abs")

# (config, size keywords, old loose keywords, the same as options, first three entries of W[0], final
# losses), measured with the 17-keyword train just before TrainOptions: the same seed must keep
# giving the same weights. The runs cover AdamW and SGD, every schedule, both dtypes and inits,
# log_every, the sparse sampling and compute paths forced on and off, and the abs task.
PINNED = [
    (
        "default",
        CFG,
        dict(steps=40, batch_size=32, rng=0),
        {},
        TrainOptions(),
        [0.1085849478840828, -0.031048379838466644, 0.3821425437927246],
        [0.15291163325309753, 0.0356099009513855, 0.003718890715390444],
    ),
    (
        "adamw64",
        CFG,
        dict(steps=40, batch_size=32, lr=3e-2, rng=1),
        dict(weight_decay=0.05, betas=(0.8, 0.99), eps=1e-6, schedule="cosine", dtype="float64", log_every=7),
        TrainOptions(
            optimizer=OptimizerSpec(weight_decay=0.05, betas=(0.8, 0.99), eps=1e-6),
            schedule="cosine",
            dtype="float64",
            log_every=7,
        ),
        [0.25303244533391533, 0.6277925441531176, 0.19809797614193006],
        [0.03983146760896942, 0.010929779331145433, 0.006068629940084208],
    ),
    (
        "sgd_torch3d",
        CFG,
        dict(steps=30, batch_size=16, lr=0.1, rng=2),
        dict(optimizer="sgd", schedule="linear", init="torch3d", dtype="float32"),
        TrainOptions(optimizer="sgd", schedule="linear", init="torch3d"),
        [-0.006240676157176495, -0.2907516062259674, -0.22236262261867523],
        [0.081348717212677, 0.02091270685195923, 0.0018557559233158827],
    ),
    (
        "sparse",
        CFG,
        dict(steps=25, batch_size=64, lr=1e-2, rng=3),
        dict(sparse_threshold=0.25, sparse_compute=True, dtype="float64"),
        TrainOptions(sparse_threshold=0.25, sparse_compute=True, dtype="float64"),
        [1.222807360838495, -1.1716107409834426, 0.40691631407489814],
        [0.11630237870225857, 0.01748538383417847, 0.0035577954949069664],
    ),
    (
        "dense_forced",
        CFG,
        dict(steps=25, batch_size=64, lr=1e-2, rng=3),
        dict(sparse_compute=False, dtype="float64"),
        TrainOptions(sparse_compute=False, dtype="float64"),
        [1.2229649183050657, -1.1630004630202135, 0.40974493659162087],
        [0.11840155827072303, 0.021643596180933644, 0.00560397489030449],
    ),
    (
        "abs",
        CFG_ABS,
        dict(steps=20, batch_size=16, lr=1e-2, rng=4),
        dict(dtype="float64", schedule="cosine"),
        TrainOptions(dtype="float64", schedule="cosine"),
        [-0.2541495323070096, -0.0638862208916065, 0.8006953759109221],
        [0.07608750924196084, 0.07357984432078532],
    ),
]


def _same_model(a, b):
    for name in ("W", "b", "W2", "losses", "loss_steps"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            assert x.dtype == y.dtype and np.array_equal(x, y), name
    drop = {"elapsed_s"}
    assert {k: v for k, v in a.info.items() if k not in drop} == {k: v for k, v in b.info.items() if k not in drop}


@pytest.mark.parametrize("name, cfg, size, old, opts, w0, loss", PINNED, ids=[c[0] for c in PINNED])
def test_same_weights_as_before_the_options(name, cfg, size, old, opts, w0, loss):
    model = train(cfg, options=opts, progress=False, **size)
    rel = 1e-12 if opts.dtype == "float64" else 1e-6
    assert model.W[0].ravel()[:3].astype(float).tolist() == pytest.approx(w0, rel=rel)
    assert model.losses[-1].tolist() == pytest.approx(loss, rel=rel)
    # the old keywords build the same options and give bit-identical weights
    if old:
        with pytest.warns(DeprecationWarning, match=r"pass options=TrainOptions\("):
            legacy = train(cfg, progress=False, **size, **old)
        _same_model(model, legacy)
    # a mapping of the fields is the same as the options object
    as_dict = {f.name: getattr(opts, f.name) for f in dataclasses.fields(opts)}
    _same_model(model, train(cfg, options=as_dict, progress=False, **size))


def test_deprecation_message_names_the_new_spelling():
    with pytest.warns(DeprecationWarning) as rec:
        train(CFG, steps=2, batch_size=4, weight_decay=0.0, schedule="cosine", progress=False)
    msg = str(rec[0].message)
    assert "train(schedule=, weight_decay=...)" in msg
    assert "options=TrainOptions(schedule=..., optimizer=OptimizerSpec(weight_decay=...))" in msg
    assert rec[0].filename == __file__  # points at the caller


def test_no_warning_without_the_old_keywords():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train(CFG, steps=2, batch_size=4, options=TrainOptions(schedule="linear"), progress=False)


def test_old_keywords_override_the_options_they_are_given_with():
    base = TrainOptions(dtype="float64", optimizer=OptimizerSpec(weight_decay=0.3))
    with pytest.warns(DeprecationWarning):
        out = _train_options(base, {"eps": 1e-6, "schedule": "cosine"})
    assert out == TrainOptions(dtype="float64", schedule="cosine", optimizer=OptimizerSpec(weight_decay=0.3, eps=1e-6))
    with pytest.warns(DeprecationWarning):
        assert _train_options(base, {"optimizer": "sgd"}).optimizer == OptimizerSpec("sgd", weight_decay=0.3)


def test_unknown_keywords_are_a_type_error():
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['optimiser'\]"):
        train(CFG, steps=1, optimiser="sgd", progress=False)
    with pytest.raises(TypeError, match="options must be a TrainOptions"):
        train(CFG, steps=1, options="cosine", progress=False)
    with pytest.raises(TypeError, match="unexpected keyword"):
        train(CFG, steps=1, options={"schedule": "cosine", "lr": 1.0}, progress=False)


@pytest.mark.parametrize(
    "kw, exc, match",
    [
        (dict(optimizer="lbfgs"), ValueError, "optimizer must be one of"),
        (dict(optimizer=AdamW()), TypeError, "optimizer must be an OptimizerSpec"),
        (dict(schedule="exp"), ValueError, "schedule must be one of"),
        (dict(schedule=3), ValueError, "schedule must be one of"),
        (dict(dtype="float16"), ValueError, "dtype must be one of 'float32', 'float64'"),
        (dict(init="he"), ValueError, "init must be one of"),
        (dict(log_every=0), ValueError, "log_every"),
        (dict(log_every=2.5), (TypeError, ValueError), "log_every"),
        (dict(sparse_threshold=1.5), ValueError, "sparse_threshold"),
        (dict(sparse_threshold=float("nan")), ValueError, "sparse_threshold"),
        (dict(sparse_compute="yes"), ValueError, "sparse_compute must be True, False or 'auto'"),
        (dict(sparse_compute=1), ValueError, "sparse_compute must be True, False or 'auto'"),
    ],
)
def test_train_options_are_validated(kw, exc, match):
    with pytest.raises(exc, match=match):
        TrainOptions(**kw)


@pytest.mark.parametrize(
    "kw, exc, match",
    [
        (dict(kind="adam"), ValueError, "optimizer must be one of"),
        (dict(weight_decay=-0.1), ValueError, "weight_decay"),
        (dict(weight_decay=float("inf")), ValueError, "weight_decay"),
        (dict(betas=0.9), TypeError, "betas must be a pair"),
        (dict(betas=(0.9, 1.0)), ValueError, r"betas\[1\]"),
        (dict(betas=(-0.1, 0.9)), ValueError, r"betas\[0\]"),
        (dict(eps=0.0), ValueError, "eps"),
        (dict(eps=10**400), ValueError, "eps"),
    ],
)
def test_optimizer_spec_is_validated(kw, exc, match):
    with pytest.raises(exc, match=match):
        OptimizerSpec(**kw)


def test_options_are_frozen_hashable_picklable_and_print_their_changes():
    opts = TrainOptions(schedule="cosine", optimizer=OptimizerSpec(weight_decay=0.0), dtype=np.float64)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.schedule = "linear"
    assert opts.dtype == "float64" and opts.optimizer.kind == "adamw"
    assert hash(opts) == hash(
        TrainOptions(schedule="cosine", optimizer=OptimizerSpec(weight_decay=0.0), dtype="float64")
    )
    assert pickle.loads(pickle.dumps(opts)) == opts
    assert repr(TrainOptions()) == "TrainOptions()"
    assert repr(opts) == (
        "TrainOptions(optimizer=OptimizerSpec(kind='adamw', weight_decay=0.0, "
        "betas=(0.9, 0.999), eps=1e-08), schedule='cosine', dtype='float64')"
    )
    with pytest.raises(ValueError, match="init"):
        opts.replace(init="nope")  # replace validates again
    assert TrainOptions(optimizer="sgd").optimizer == OptimizerSpec("sgd")
    assert OptimizerSpec(betas=[0.5, 0.6]).betas == (0.5, 0.6)


def test_optimizer_spec_builds_a_fresh_adamw_each_time():
    spec = OptimizerSpec(weight_decay=0.2, betas=(0.8, 0.9), eps=1e-5)
    a, b = spec.build(0.01), spec.build(0.01)
    assert isinstance(a, AdamW) and a is not b
    assert (a.lr, a.betas, a.eps, a.weight_decay, a.t) == (0.01, (0.8, 0.9), 1e-5, 0.2, 0)
    assert OptimizerSpec("sgd").build(0.01) is None


def test_sgd_option_takes_the_reference_gradient_step():
    # oracle: one SGD step from the initialisation, with the reference gradient function
    cfg = ToyModelConfig(n_features=6, n_hidden=2, n_instances=2, feature_probability=[1.0, 0.5])
    gen = np.random.default_rng(11)
    p0 = init_params(cfg, rng=gen)
    x = sample_features(cfg, 64, rng=gen)
    _, g = loss_and_gradients(cfg, p0, x)
    m = train(
        cfg,
        steps=1,
        batch_size=64,
        lr=0.5,
        rng=11,
        progress=False,
        options=TrainOptions(optimizer="sgd", dtype="float64"),
    )
    np.testing.assert_allclose(m.W, p0["W"] - 0.5 * g["W"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(m.b, p0["b"] - 0.5 * g["b"], rtol=1e-12, atol=1e-14)


def test_each_option_reaches_the_training_run():
    size = dict(steps=12, batch_size=16, lr=1e-2, rng=0, progress=False)
    base = train(CFG, options=TrainOptions(dtype="float64"), **size)
    for change in (
        dict(schedule="cosine"),
        dict(init="torch3d"),
        dict(optimizer=OptimizerSpec(weight_decay=0.5)),
        dict(optimizer=OptimizerSpec(betas=(0.5, 0.9))),
        dict(optimizer="sgd"),
    ):
        other = train(CFG, options=TrainOptions(dtype="float64", **change), **size)
        assert not np.array_equal(other.W, base.W), change
    logged = train(CFG, options=TrainOptions(log_every=5), **size)
    assert logged.loss_steps.tolist() == [5, 10, 12]


@settings(max_examples=25, deadline=None)
@given(
    kind=st.sampled_from(["adamw", "sgd"]),
    wd=st.floats(0, 1),
    b1=st.floats(0, 0.99),
    eps=st.floats(1e-12, 1e-3),
    schedule=st.sampled_from(["constant", "linear", "cosine"]),
    dtype=st.sampled_from(["float32", "float64"]),
    init=st.sampled_from(["xavier_normal", "torch3d"]),
    log_every=st.none() | st.integers(1, 100),
    thr=st.floats(0, 1),
    sc=st.sampled_from([True, False, "auto"]),
)
def test_old_keywords_map_onto_the_same_options(kind, wd, b1, eps, schedule, dtype, init, log_every, thr, sc):
    old = dict(
        optimizer=kind,
        weight_decay=wd,
        betas=(b1, 0.999),
        eps=eps,
        schedule=schedule,
        dtype=dtype,
        init=init,
        log_every=log_every,
        sparse_threshold=thr,
        sparse_compute=sc,
    )
    with pytest.warns(DeprecationWarning):
        mapped = _train_options(None, dict(old))
    direct = TrainOptions(
        optimizer=OptimizerSpec(kind, weight_decay=wd, betas=(b1, 0.999), eps=eps),
        schedule=schedule,
        dtype=dtype,
        init=init,
        log_every=log_every,
        sparse_threshold=thr,
        sparse_compute=sc,
    )
    assert mapped == direct and mapped.replace() == direct
