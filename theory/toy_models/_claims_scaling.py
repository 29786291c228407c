"""Scaling claims of the toy-model area: weak and strong superposition (Liu, Liu & Gore 2025).

:func:`scaling_claims` returns the claims; the area's claims module merges them into its list.
Each trial trains small scaling toy models (:func:`theory.toy_models.scaling.train_scaling`) from
the verifier's ``rng``; ``params`` are the full runs and ``quick_params`` the
``theory verify --quick`` runs (a few hundred steps at a raised learning rate, so that the
small models settle).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from theory._references import cite
from theory._validation import check_int, check_real
from theory.toy_models.scaling import (
    CITATION,
    fit_loss_exponent,
    train_scaling,
    unrepresented_loss,
)
from theory.verify.claim import Claim

__all__ = ["scaling_claims"]


#: Lower bound on the fitted strong-superposition exponent claimed here (the paper: about 1 or more).
STRONG_EXPONENT_MIN = 0.75

#: Largest factor between the weak-regime loss and the loss of its unrepresented features.
WEAK_FACTOR = 2.5


def _validate(params: Mapping[str, Any]) -> None:
    check_int(params.get("n"), "n", minimum=2)
    check_int(params.get("steps"), "steps", minimum=1)
    check_int(params.get("seeds", 1), "seeds", minimum=1)
    check_real(params.get("alpha"), "alpha", minimum=-1.0, maximum=50.0)
    dims = params.get("dims", [params.get("dim")])
    for d in dims:
        check_int(d, "dim", minimum=1, maximum=params["n"])


def _train(p: Mapping[str, Any], dim: int, weight_decay: float, rng: np.random.Generator) -> Any:
    seeds = p.get("seeds", 1)
    return train_scaling(
        n=p["n"],
        dim=dim,
        alpha=p["alpha"],
        weight_decay=[weight_decay] * seeds,
        steps=p["steps"],
        batch_size=p.get("batch_size", 256),
        lr=p.get("lr", 0.05),
        eval_batch=p.get("eval_batch", 4096),
        rng=rng,
    )


def _strong_fraction(p: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    """Per seed: fraction of represented features of a model trained with weight decay -1."""
    return _train(p, p["dim"], -1.0, rng).represented_fraction()


def _weak_count(p: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    """Per seed: represented features per dimension of a model trained with weight decay +1."""
    model = _train(p, p["dim"], 1.0, rng)
    return model.represented_fraction() * model.n / model.dim


def _overlap_slack(p: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    """Per seed: mean squared overlap of the represented features minus its frame-potential floor."""
    model = _train(p, p["dim"], -1.0, rng)
    out = []
    for r in model.regimes():
        if r.overlap is None:
            raise ValueError("fewer than two features represented; the claim needs strong superposition")
        out.append(r.overlap - r.overlap_floor)
    return np.array(out)


def _strong_exponent(p: Mapping[str, Any], rng: np.random.Generator) -> float:
    """Fitted exponent of the loss over ``dims`` with weight decay -1 (mean log loss over seeds)."""
    losses = np.array([_train(p, d, -1.0, rng).loss for d in p["dims"]])  # (dims, seeds)
    return fit_loss_exponent(p["dims"], losses.T, n_boot=10, rng=rng).exponent


def _weak_factor(p: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    """Per seed: max(L / L_unrep, L_unrep / L) for a model trained with weight decay +1."""
    model = _train(p, p["dim"], 1.0, rng)
    for r in model.regimes():
        if r.regime != "weak":
            raise ValueError(f"the model is not in weak superposition ({r}); the claim does not apply")
    tail = unrepresented_loss(model.W, alpha=p["alpha"])
    ratio = model.loss / tail
    return np.maximum(ratio, 1 / ratio)


def scaling_claims() -> list[Claim]:
    """The scaling claims of Liu, Liu & Gore (2025), checked on small trained toy models.

    Examples
    --------
    >>> [c.id for c in scaling_claims()][:2]
    ['toy_models.scaling_strong_represented', 'toy_models.scaling_weak_represented']
    """
    quick = {"n": 60, "alpha": 1.0, "steps": 250, "batch_size": 128, "lr": 0.05, "eval_batch": 2048}
    full = {"n": 200, "alpha": 1.0, "steps": 1500, "batch_size": 512, "lr": 0.02, "eval_batch": 16384, "seeds": 2}
    return [
        Claim(
            id="toy_models.scaling_strong_represented",
            statement=(
                "With the paper's negative weight decay (gamma = -1, every feature norm pulled to 1) the "
                "scaling toy model is in strong superposition: at least 90% of the features have "
                "norm > 1/2 (phi_1/2 >= 0.9), though n >> dim."
            ),
            citation=CITATION,
            bound=lambda p: 0.9,
            measure=_strong_fraction,
            relation=">=",
            validate=_validate,
            params=[{**full, "dim": 10}, {**full, "dim": 20, "alpha": 0.5}],
            quick_params=[{**quick, "dim": 5}],
            trials=2,
            quick_trials=1,
            quantity="phi_1/2",
            unit="fraction of features",
            tags=("toy_models", "scaling"),
        ),
        Claim(
            id="toy_models.scaling_weak_represented",
            statement=(
                "With positive weight decay (gamma = +1) the scaling toy model is in weak superposition: "
                "at most dim features have norm > 1/2 (no more features than dimensions)."
            ),
            citation=CITATION,
            bound=lambda p: 1.0,
            measure=_weak_count,
            relation="<=",
            validate=_validate,
            params=[{**full, "dim": 10}, {**full, "dim": 20, "alpha": 0.5}],
            quick_params=[{**quick, "dim": 5}],
            trials=2,
            quick_trials=1,
            quantity="represented / dim",
            unit="features per dimension",
            tags=("toy_models", "scaling"),
        ),
        Claim(
            id="toy_models.scaling_overlap_floor",
            statement=(
                "In strong superposition the mean squared cosine of the n_r represented feature "
                "directions is at least (n_r - dim)/(dim (n_r - 1)), the frame-potential (Welch) "
                "floor, about 1/dim: the geometric origin of loss ~ 1/dim. Measured: overlap minus "
                "floor, >= 0 (trained models sit within a few tens of percent of the floor)."
            ),
            citation=cite("welch1974", "benedetto_fickus2003", "liu2025"),
            bound=lambda p: 0.0,
            measure=_overlap_slack,
            relation=">=",
            validate=_validate,
            params=[{**full, "dim": 10}, {**full, "dim": 20}],
            quick_params=[{**quick, "dim": 5}],
            trials=2,
            quick_trials=1,
            rtol=0.0,
            atol=1e-12,
            quantity="mean cos^2 - floor",
            unit="dimensionless",
            tags=("toy_models", "scaling", "geometry"),
        ),
        Claim(
            id="toy_models.scaling_strong_exponent",
            statement=(
                f"In strong superposition (gamma = -1) the loss falls with the model dimension at least "
                f"as fast as dim^-{STRONG_EXPONENT_MIN} (the paper: about 1/dim for data exponents up to "
                f"about 1.5, steeper for steeper frequencies; only the lower bound is checked); fitted "
                f"log-log slope over the dims, mean log loss over seeds."
            ),
            citation=CITATION,
            bound=lambda p: STRONG_EXPONENT_MIN,
            measure=_strong_exponent,
            relation=">=",
            validate=_validate,
            params=[{**full, "dims": [6, 10, 16, 25]}],
            quick_params=[{**quick, "n": 80, "dims": [3, 5, 8]}],
            trials=1,
            quick_trials=1,
            quantity="loss exponent",
            unit="dimensionless",
            tags=("toy_models", "scaling", "slow"),
        ),
        Claim(
            id="toy_models.scaling_weak_tail",
            statement=(
                f"In weak superposition (gamma = +1) the loss is within a factor {WEAK_FACTOR} of the loss "
                f"of the unrepresented features, (<v^2>/n) sum_(|w_i| <= 1/2) p_i: the paper's 'expected "
                f"number of activated but unlearned features' account."
            ),
            citation=CITATION,
            bound=lambda p: WEAK_FACTOR,
            measure=_weak_factor,
            relation="<=",
            validate=_validate,
            params=[{**full, "dim": 10}, {**full, "dim": 20}],
            quick_params=[{**quick, "dim": 5}],
            trials=2,
            quick_trials=1,
            quantity="max(L/L_unrep, L_unrep/L)",
            unit="dimensionless",
            tags=("toy_models", "scaling"),
        ),
    ]
