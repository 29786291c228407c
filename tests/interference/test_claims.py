"""The interference claims hold at their quick parameters and can fail (power)."""

from __future__ import annotations

import dataclasses

import pytest

from theory.interference.claims import claims
from theory.verify import check

CLAIMS = {c.id: c for c in claims()}


def test_ids_and_tags():
    assert {"interference.jl_pair", "interference.jl_chernoff"} <= set(CLAIMS)
    for c in CLAIMS.values():
        assert "interference" in c.tags and c.citation


@pytest.mark.parametrize("cid", ["interference.worst_case_coherence", "interference.rip_gershgorin"])
def test_tight_claims_refuted_when_bound_lowered(cid):
    c = dataclasses.replace(CLAIMS[cid], bound=lambda p: 0.99)
    v = check(c, {"frame": "simplex", "dim": 4, "n": 5, "k": 3 if "worst" in cid else 2}, trials=3, rng=0)
    assert v.status == "refuted"


def test_no_false_positive_claim_refuted_with_weaker_bias():
    c = CLAIMS["interference.no_false_positives"]
    weaker = dataclasses.replace(c, bound=lambda p: -1e-3)  # the adversarial input reaches 0
    assert check(weaker, {"dim": 5, "n": 20, "k": 2}, trials=20, rng=0).status == "refuted"


def test_l1_transition_claim_refuted_on_the_wrong_side():
    c = CLAIMS["interference.l1_transition"]
    # claim success with probability >= 0.9 below the transition: must be refuted
    from theory.interference.claims import l1_success_indicator

    wrong = dataclasses.replace(c, measure=l1_success_indicator, failure_prob=lambda p: 0.1)
    v = check(wrong, {"n": 150, "k": 70, "eta": 0.5, "side": "below"}, trials=20, rng=0)
    assert v.status == "refuted"


def test_l1_transition_below_side_is_not_vacuous():
    # the "below" side claims failure with probability >= 1 - eta; a simulation that always
    # recovers there must refute it (with the old bound 0 on the success indicator nothing could)
    c = CLAIMS["interference.l1_transition"]
    prm = {"n": 150, "k": 70, "eta": 0.5, "side": "below"}
    assert check(c, prm, trials=20, rng=0).status == "consistent"
    always_recovers = dataclasses.replace(c, measure=lambda p, rng: 0.0)  # never fails
    assert check(always_recovers, prm, trials=20, rng=0).status == "refuted"


def test_tail_claim_refuted_with_smaller_probability():
    c = CLAIMS["interference.random_tail"]
    wrong = dataclasses.replace(c, failure_prob=lambda p: 1e-4)
    assert check(wrong, {"dim": 50, "k": 4, "t": 0.6}, trials=2048, rng=0).status == "refuted"


def test_statdim_derivation_verifies():
    from theory.proofs.interference_statdim import derive

    assert derive().verified
