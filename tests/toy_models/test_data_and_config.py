"""Feature sampling: marginals (binomial tests), uniform values (KS), pair structure, the sparse
path against the dense one, and input validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from scipy import stats

from theory.strategies import toy_configs
from theory.toy_models import ToyModelConfig, sample_features, sparsity_sweep


def _binom_ok(count, n, p, alpha=1e-4):
    return stats.binomtest(int(count), int(n), p).pvalue > alpha


@pytest.mark.parametrize("thr", [0.0, 0.2])
def test_density_and_values(thr):
    p = [1.0, 0.3, 0.1, 0.01]
    cfg = ToyModelConfig(n_features=5, n_hidden=2, n_instances=4, feature_probability=p)
    x = sample_features(cfg, 20_000, rng=0, sparse_threshold=thr)
    for k, pk in enumerate(p):
        nz = x[k] != 0
        assert _binom_ok(nz.sum(), nz.size, pk) if pk < 1 else nz.all()
        vals = x[k][nz]
        assert stats.kstest(vals, "uniform").pvalue > 1e-4
        # presence is independent across features: pairs co-occur at rate p^2
        both = (nz[:, 0] & nz[:, 1]).sum()
        assert _binom_ok(both, nz.shape[0], pk * pk) if pk < 1 else True


def test_sparse_path_same_distribution_as_dense():
    cfg = ToyModelConfig(n_features=50, n_hidden=2, n_instances=2, feature_probability=0.03)
    a = sample_features(cfg, 4000, rng=1, sparse_threshold=0.0)
    b = sample_features(cfg, 4000, rng=2, sparse_threshold=0.05)
    ca, cb = (a != 0).sum(axis=2).ravel(), (b != 0).sum(axis=2).ravel()
    # number of active features per sample ~ Binomial(50, 0.03) for both paths
    expected = stats.binom(50, 0.03)
    for c in (ca, cb):
        ks = np.bincount(c, minlength=12)[:12]
        probs = expected.pmf(np.arange(12))
        probs[-1] += expected.sf(11)
        assert stats.chisquare(ks[:6], probs[:6] / probs[:6].sum() * ks[:6].sum()).pvalue > 1e-4
    assert stats.ks_2samp(a[a != 0], b[b != 0]).pvalue > 1e-4


def test_abs_task_values_symmetric():
    cfg = ToyModelConfig(n_features=4, n_hidden=3, task="abs", feature_probability=0.5)
    x = sample_features(cfg, 20_000, rng=3)
    v = x[x != 0]
    assert stats.kstest(v, "uniform", args=(-1, 2)).pvalue > 1e-4


def test_correlated_and_anticorrelated_pairs():
    cfg = ToyModelConfig(
        n_features=6, n_hidden=2, feature_probability=0.3, n_correlated_pairs=1, n_anticorrelated_pairs=1
    )
    x = sample_features(cfg, 20_000, rng=4)[0]
    on = x != 0
    assert np.array_equal(on[:, 0], on[:, 1])
    assert not np.any(on[:, 2] & on[:, 3])
    for j in range(6):
        assert _binom_ok(on[:, j].sum(), on.shape[0], 0.3)
    assert abs(np.corrcoef(x[:, 0], x[:, 1])[0, 1]) < 0.9  # values independent, only presence shared


@settings(max_examples=20)
@given(toy_configs(tasks=("reconstruct", "abs")))
def test_shapes_and_ranges_random_configs(cfg):
    x = sample_features(cfg, 17, rng=0, dtype="float32")
    assert x.shape == (cfg.n_instances, 17, cfg.n_features) and x.dtype == np.float32
    lo = -1 if cfg.task == "abs" else 0
    assert np.all((x >= lo) & (x <= 1))


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(n_features=0, n_hidden=1), ValueError, "n_features"),
        (dict(n_features=2.0, n_hidden=1), TypeError, "n_features"),
        (dict(n_features=3, n_hidden=1, feature_probability=1.5), ValueError, "feature_probability"),
        (dict(n_features=3, n_hidden=1, feature_probability=0.0), ValueError, "feature_probability"),
        (dict(n_features=3, n_hidden=1, importance=[1.0, np.nan, 1.0]), ValueError, "importance"),
        (dict(n_features=3, n_hidden=1, importance=[1.0, 2.0]), ValueError, "importance"),
        (dict(n_features=3, n_hidden=1, importance=-1.0), ValueError, "importance"),
        (dict(n_features=3, n_hidden=1, activation="tanh"), ValueError, "activation"),
        (dict(n_features=3, n_hidden=1, task="sort"), ValueError, "task"),
        (dict(n_features=3, n_hidden=1, task="abs", activation="linear"), ValueError, "activation"),
        (dict(n_features=3, n_hidden=1, n_correlated_pairs=2), ValueError, "n_correlated_pairs"),
        (
            dict(n_features=4, n_hidden=1, n_anticorrelated_pairs=1, feature_probability=0.8),
            ValueError,
            "anti-correlated",
        ),
    ],
)
def test_config_validation(kwargs, err, match):
    with pytest.raises(err, match=match):
        ToyModelConfig(**kwargs)


def test_sample_validation_and_sweep():
    cfg = ToyModelConfig(n_features=3, n_hidden=1)
    with pytest.raises(ValueError, match="batch_size"):
        sample_features(cfg, 0)
    with pytest.raises(ValueError, match="dtype"):
        sample_features(cfg, 3, dtype="float16")
    with pytest.raises(TypeError, match="config"):
        sample_features({"n": 3}, 3)
    with pytest.raises(ValueError, match="out"):
        sample_features(cfg, 3, out=np.zeros((1, 4, 3)))
    np.testing.assert_allclose(sparsity_sweep(20, low=1 / 20), 20.0 ** -np.linspace(0, 1, 20))
