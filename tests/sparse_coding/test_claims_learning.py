"""Tests for the learning claims of the sparse-coding area (theory.sparse_coding._claims_learning)."""

from __future__ import annotations

import numpy as np
import pytest

from theory.sparse_coding._claims_learning import (
    absorption_claim,
    chanin_absorption_claim,
    learning_claims,
    oracle_claim,
    topk_claim,
    topk_prediction,
)
from theory.verify import check

CLAIMS = {c.id: c for c in learning_claims()}


def _quick(claim_id):
    c = CLAIMS[claim_id]
    return c, c.parameter_sets(quick=True)


def test_ids_tags_and_quick_sets():
    assert len(CLAIMS) == len(learning_claims()) == 6
    for cid, c in CLAIMS.items():
        assert cid.startswith("sparse_coding.")
        assert c.tags[0] == "sparse_coding"
        assert c.quick_params and c.params
        assert c.citation and c.statement


@pytest.mark.parametrize(
    "claim_id",
    ["sparse_coding.amortisation_gap", "sparse_coding.amortisation_gap_vanishes", "sparse_coding.topk_true_dictionary"],
)
def test_cheap_claims_consistent_on_quick_params(claim_id):
    c, sets = _quick(claim_id)
    for p in sets:
        v = check(c, p, trials=c.n_trials(quick=True), rng=0)
        assert v.status == "consistent", (p, v)


def test_amortisation_gap_false_variants_refuted():
    c = CLAIMS["sparse_coding.amortisation_gap"]
    p = {**c.quick_params[0], "batch": 256, "steps": 100}
    # the measured gap (about 0.05) is far from 0.2
    assert check(c, {**p, "margin": 0.2}, trials=1, rng=0).status == "refuted"
    # "the gap vanishes" is false below dim = n
    v = CLAIMS["sparse_coding.amortisation_gap_vanishes"]
    assert check(v, {**p, "tolerance": 1e-3}, trials=1, rng=0).status == "refuted"


def test_topk_false_variant_refuted_and_above_fraction():
    bad = topk_claim(claim_id="sparse_coding.topk_false", side_values=("below_succeeds",))
    verdict = check(bad, bad.quick_params[0], trials=2, rng=0)
    assert verdict.status == "refuted" and verdict.measured == 0.0
    gen = np.random.default_rng(0)
    loose = topk_prediction({"q": 13, "k": 2, "side": "above", "batch": 2000, "slack": 1e-9}, gen)
    assert loose == 1.0  # just above the certified condition: still all recovered
    assert topk_prediction({"q": 13, "k": 2, "side": "below", "factor": 0.5}, gen) == 1.0


def test_tied_absorption_claim_quick_and_false_variant():
    c, sets = _quick("sparse_coding.tied_no_absorption")
    v = check(c, sets[0], trials=1, rng=0)
    assert v.status == "consistent", v
    # "untied SAEs absorb fully and tied ones not at all" (contrast >= 0.3 of the 1/3 maximum) is false
    small = {"l1": 0.3, "n_seeds": 4, "steps": 200, "n_train": 2048, "n_test": 1000}
    assert check(c, {**small, "margin": 0.3}, trials=1, rng=0).status == "refuted"


def test_chanin_toy_absorption_claim_quick_and_false_variants():
    c, sets = _quick("sparse_coding.tied_no_absorption_chanin")
    v = check(c, sets[0], trials=1, rng=0)
    assert v.status == "consistent", v
    small = {"toy": "chanin", "l1": 0.03, "n_seeds": 4, "steps": 200, "lr": 0.02, "n_train": 2048, "n_test": 1000}
    # "tied SAEs never read a gap while untied ones always absorb fully" is false here
    assert check(c, {**small, "margin": 0.9}, trials=1, rng=0).status == "refuted"
    # on the toy with three frequent exclusive children tying does not remove absorption: the same margin fails
    three = {"l1": 0.3, "n_seeds": 16, "steps": 500}
    assert check(c, {**three, "toy": "children3"}, trials=1, rng=0).status == "refuted"
    assert chanin_absorption_claim().id == c.id
    with pytest.raises(ValueError, match="toy must be"):
        check(c, {**small, "toy": "mine"}, trials=1)


def test_oracle_claim_quick_and_false_variant():
    c, sets = _quick("sparse_coding.oracle_dictionary")
    v = check(c, sets[0], trials=2, rng=0)
    assert v.status == "consistent", v
    small = {"n_seeds": 1, "steps": 200, "n_train": 2048, "n_test": 256, "margin": 0.6}
    assert check(c, small, trials=1, rng=0).status == "refuted"


def test_validation_refuses_bad_params():
    with pytest.raises(ValueError, match="side"):
        check(CLAIMS["sparse_coding.topk_true_dictionary"], {"q": 13, "k": 2, "side": "middle"}, trials=1)
    with pytest.raises(ValueError, match="k must be an integer"):
        check(CLAIMS["sparse_coding.topk_true_dictionary"], {"q": 13, "k": 1, "side": "above", "batch": 4}, trials=1)
    with pytest.raises(ValueError, match="batch"):
        check(CLAIMS["sparse_coding.amortisation_gap"], {"batch": 1, "steps": 10}, trials=1)
    with pytest.raises(ValueError, match=r"^n must be an integer >= 2, got 1"):
        check(
            CLAIMS["sparse_coding.amortisation_gap_vanishes"],
            {"dictionary": "orthonormal", "dim": 4, "n": 1, "k": 1, "batch": 8, "steps": 1},
            trials=1,
        )
    with pytest.raises(TypeError, match="n_seeds"):
        check(absorption_claim(), {"l1": 0.3, "n_seeds": 2.0, "steps": 10}, trials=1)
    with pytest.raises(ValueError, match="steps"):
        check(oracle_claim(), {"n_seeds": 1, "steps": 0}, trials=1)
    for claim, extra in ((absorption_claim(), {"l1": 0.3}), (oracle_claim(), {})):
        with pytest.raises(ValueError, match="margin must be a finite"):
            check(claim, {**extra, "n_seeds": 1, "steps": 10, "margin": float("nan")}, trials=1)
    with pytest.raises(ValueError, match="condition"):
        # k = 3 on the q = 13 ETF: (2k - 1) mu = 5/sqrt(13) > 1, no dynamic range satisfies the condition
        check(CLAIMS["sparse_coding.topk_true_dictionary"], {"q": 13, "k": 3, "side": "above", "batch": 4}, trials=1)
