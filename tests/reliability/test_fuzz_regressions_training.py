"""What the public-API fuzz found in training loops, result records and the verify/figure helpers, one
test each: step and trial counts of 10**12 are refused by name before any work, absurd learning rates
are refused up front, a run that diverges anyway is a ``ValueError`` naming the hyperparameters, wrong
types are ``TypeError`` naming the argument, and nothing returns NaN."""

from __future__ import annotations

import io

import numpy as np
import pytest

from theory import show_versions
from theory.circuits import Gate, all_pairs, compressed_ablation, gate_polynomial, train_compressed, uand
from theory.figures import save
from theory.sparse_coding import (
    AmortisedEncoder,
    Firing,
    LearnedDictionary,
    fit_amortised_encoder,
    ground_truth,
    mlp_encoder_learner,
    sparse_coding_learner,
    spud_success_rate,
)
from theory.toy_models import classify_regime, kgon_critical_points, nearest_level, train_2x1, train_tms
from theory.verify import check, claim_quantile, known_tags, registry


def _data() -> np.ndarray:
    rng = np.random.default_rng(0)
    return (np.abs(rng.standard_normal((64, 6))) * (rng.random((64, 6)) < 0.3)) @ rng.standard_normal((6, 4))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: sparse_coding_learner(_data(), width=6, lam=0.01, steps=10**12), "steps"),
        (lambda: sparse_coding_learner(_data(), width=6, lam=0.01, inner_steps=10**12), "inner_steps"),
        (lambda: mlp_encoder_learner(_data(), width=6, steps=10**12), "steps"),
        (lambda: spud_success_rate(n=4, batch=60, theta=0.3, trials=10**12), "trials"),
        (lambda: check(registry()["geometry.welch"], {"n": 8, "dim": 3}, trials=10**12), "trials"),
        (lambda: all_pairs(10**12), "m"),
        (lambda: uand(m=6, d=20, embedding=10**12), "embedding"),
    ],
)
def test_huge_step_and_trial_counts_are_refused_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_amortised_encoder_steps_refused_before_allocating():
    truth = ground_truth(dim=6, n=4, firing=Firing.exactly(2), rng=0)
    x, codes = truth.sample(32, rng=1)
    with pytest.raises(ValueError, match="steps must be <= "):
        fit_amortised_encoder(truth.dictionary, x, codes, steps=10**12)
    with pytest.raises(ValueError, match="lr must be <= 10"):
        fit_amortised_encoder(truth.dictionary, x, codes, lr=1e300)


@pytest.mark.parametrize(
    "call",
    [
        lambda: mlp_encoder_learner(_data(), width=6, steps=5, lr=1e300),
        lambda: sparse_coding_learner(_data(), width=6, lam=0.01, steps=2, lr=1e300),
        lambda: train_2x1([(0.05, 1.0)], seeds=1, steps=5, lr=1e300),
        lambda: train_tms(6, steps=5, lr=1e300),
        lambda: train_compressed(n=8, dim=40, width=4, steps=2, lr=1e300),
    ],
)
def test_absurd_learning_rates_are_refused_up_front(call):
    with pytest.raises(ValueError, match="lr must be <= 10"):
        call()


def test_weight_decay_beyond_one_over_lr_is_refused():
    with pytest.raises(ValueError, match="weight_decay must be <= 1/lr"):
        train_compressed(n=8, dim=40, width=4, steps=2, weight_decay=1e300)


def test_divergence_is_a_value_error_naming_the_hyperparameters():
    with pytest.raises(ValueError, match="diverged.*l1=1e\\+300"):
        mlp_encoder_learner(_data(), width=6, hidden=8, steps=20, l1=1e300, lr=1.0)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: gate_polynomial(None), "gate"),
        (lambda: Gate("AND", None), "inputs"),
        (lambda: known_tags("x"), "claims"),
        (lambda: save(None, "fig.svg"), "fig"),
        (lambda: nearest_level(0.1, "x"), "points"),
        (lambda: show_versions(file="x"), "file"),
        (lambda: train_2x1(0.5), "cells"),
    ],
)
def test_wrong_types_are_type_errors_naming_the_argument(call, name):
    with pytest.raises(TypeError, match=name):
        call()


def test_show_versions_writes_to_a_stream():
    buf = io.StringIO()
    show_versions(file=buf)
    assert buf.getvalue().startswith("superposition-theory ")


def test_nearest_level_accepts_any_iterable_of_points():
    pts = kgon_critical_points(6, k_min=4)
    pt, gap = nearest_level(0.0688, tuple(pts))
    assert pt.label == "5" and gap < 1e-3


def test_classify_regime_of_an_empty_matrix_is_refused():
    with pytest.raises(ValueError, match="W must have at least one"):
        classify_regime(np.zeros((3, 0)))


def test_overlap_without_mixing_is_none_not_nan():
    ab = compressed_ablation(
        n=8, dim=40, width=4, p=0.1, steps=2, batch=32, eval_batch=200, conditions=("mixed", "clean_labels")
    )
    assert ab.results["clean_labels"].top_overlap is None
    mixed = ab.results["mixed"].top_overlap
    assert mixed is not None and np.all(np.isfinite(mixed))


def test_records_refuse_nan_instead_of_storing_it():
    with pytest.raises(ValueError, match="losses"):
        LearnedDictionary(dictionary=np.eye(2), method="sparse_coding", lam=0.5, log_steps=[1], losses=[np.nan])
    with pytest.raises(ValueError, match="losses"):
        LearnedDictionary(dictionary=np.eye(2), method="sparse_coding", lam=0.5, log_steps=[1, 2], losses=[1.0])
    with pytest.raises(ValueError, match="W"):
        AmortisedEncoder(
            W=[[np.nan, 0.0], [0.0, 1.0]], b=np.zeros(2), dictionary=np.eye(2), losses=np.zeros(1), train_error=0.0
        )
    with pytest.raises(ValueError, match="train_error"):
        AmortisedEncoder(W=np.eye(2), b=np.zeros(2), dictionary=np.eye(2), losses=np.zeros(1), train_error=np.nan)


def test_claim_quantile_refuses_nan_samples():
    with pytest.raises(ValueError, match="samples"):
        claim_quantile([1.0, np.nan], 0.1, "<=")
    assert claim_quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.1, "<=") == 9.0
