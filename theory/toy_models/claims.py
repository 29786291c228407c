"""Claims of the toy-model area, checked by ``theory verify``.

Seeds for the 2 -> 1 claim: with one hidden dimension, an initialisation whose two weights have
the same sign is driven to a one-feature solution, so a single seed finds the superposed optimum
only about half of the time; with 10 seeds per cell all fail with probability about 2^-10.

Every claim trains small models with fixed seeds (the verifier's ``rng``) and confronts them
with an exact statement. Counting: each *trial* is one cell or one trained instance, and the
measured quantity is a count of disagreements (bound 0) or a sum of dimensionalities.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from theory._references import cite
from theory._validation import check_int
from theory.toy_models.analysis import feature_dimensionality, feature_norms
from theory.toy_models.config import ToyModelConfig, geometric_importance, sparsity_sweep
from theory.toy_models.exact import phase_margin_2x1
from theory.toy_models.phase import train_2x1
from theory.toy_models.train import TrainOptions, train
from theory.verify.claim import Claim

__all__ = ["claims"]

CITATION = cite("elhage2022")

#: Smallest phase margin (relative loss gap between the best and second-best candidate, see
#: ``phase_margin_2x1``) at which the 2 -> 1 claim is made. Every cell checked lies above it
#: (margins 0.67-0.80); nothing between 0.25 and 0.5 is tested, so the claim does not extend there.
MIN_MARGIN = 0.5

#: (p, r) cells well inside a phase (margin >= MIN_MARGIN, p >= 0.2): superposition at p = 0.2,
#: r in {0.8, 1.25}; not learned at r = 0.2-0.3; dedicated at r = 3-5.
INSIDE_CELLS = [[0.2, 0.8], [0.2, 1.25], [0.9, 0.3], [1.0, 0.2], [0.7, 5.0], [0.9, 3.0]]


def _validate_cells(params: Mapping[str, Any]) -> None:
    check_int(params.get("seeds"), "seeds", minimum=1)
    check_int(params.get("steps"), "steps", minimum=1)
    for p, r in params["cells"]:
        margin = phase_margin_2x1(p=p, r=r)
        if margin < MIN_MARGIN:
            raise ValueError(
                f"cell (p={p}, r={r}) is too close to a phase boundary "
                f"(margin {margin:.3g} < {MIN_MARGIN}) for this claim"
            )


def _measure_2x1(params: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    out = train_2x1(
        [tuple(c) for c in params["cells"]],
        seeds=params["seeds"],
        steps=params["steps"],
        batch_size=params.get("batch_size", 1024),
        rng=rng,
    )
    return np.array([float(c["phase"] != c["theory"]) for c in out])


def _top_k_mismatch(W: np.ndarray, k: int, threshold: float = 0.5) -> np.ndarray:
    """Per instance: size of the symmetric difference between the represented features and
    the ``k`` most important ones (importance decreasing with the index)."""
    rep = feature_norms(W) > threshold
    want = np.zeros_like(rep)
    want[:, :k] = True
    return (rep != want).sum(axis=1).astype(float)


def _measure_dense(params: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    n, dim, k = params["n"], params["dim"], params["instances"]
    cfg = ToyModelConfig(
        n_features=n,
        n_hidden=dim,
        n_instances=k,
        importance=geometric_importance(n, params["base"]),
        feature_probability=params["p"],
        activation=params["activation"],
    )
    model = train(
        cfg,
        steps=params["steps"],
        lr=1e-2,
        batch_size=512,
        rng=rng,
        options=TrainOptions(schedule="cosine"),
        progress=False,
    )
    return _top_k_mismatch(model.W, dim)


def _measure_dsum(params: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    n, dim, k = params["n"], params["dim"], params["instances"]
    cfg = ToyModelConfig(
        n_features=n, n_hidden=dim, n_instances=k, feature_probability=sparsity_sweep(k, low=params["low"])
    )
    model = train(
        cfg,
        steps=params["steps"],
        lr=1e-2,
        batch_size=512,
        rng=rng,
        options=TrainOptions(schedule="cosine"),
        progress=False,
    )
    return feature_dimensionality(model.W).sum(axis=1)


def claims() -> list[Claim]:
    """The toy-model claims (k-gon critical points: ``theory.toy_models._claims_kgon``; incidental
    polysemanticity: ``theory.toy_models._claims_incidental``; scaling: ``theory.toy_models._claims_scaling``)."""
    from theory.toy_models._claims_incidental import incidental_claims
    from theory.toy_models._claims_kgon import kgon_claims
    from theory.toy_models._claims_scaling import scaling_claims

    return [
        *kgon_claims(),
        *incidental_claims(),
        *scaling_claims(),
        Claim(
            id="toy_models.phase_2x1",
            statement=(
                "Trained 2-feature, 1-dimension ReLU toy models (best of `seeds` seeds, "
                "AdamW lr 1e-2 cosine, batch 1024) land in the phase of least exact "
                f"candidate loss, for cells well inside a phase (margin >= {MIN_MARGIN}, the relative loss "
                "gap between the best and second-best candidate)."
            ),
            latex=r"\arg\min_{\text{seeds}} L = \arg\min\{r(\tfrac p3-\tfrac{p^2}4),\ "
            r"\tfrac p3-\tfrac{p^2}4,\ (1+r)\tfrac{p^2}6\}",
            citation=CITATION,
            domain=f"cells with phase margin >= {MIN_MARGIN}",
            validate=_validate_cells,
            bound=lambda p: 0.0,
            measure=_measure_2x1,
            relation="<=",
            quantity="cell whose trained phase disagrees with theory",
            unit="indicator (1 = disagrees)",
            atol=0.0,
            rtol=0.0,
            params=[{"cells": INSIDE_CELLS, "seeds": 10, "steps": 4000}],
            quick_params=[{"cells": INSIDE_CELLS, "seeds": 10, "steps": 1000, "batch_size": 256}],
            trials=len(INSIDE_CELLS),
            proof="toy_2x1",
            tags=("toy_models", "trained"),
        ),
        Claim(
            id="toy_models.dense_top_features",
            statement=(
                "With p = 1 (dense features) and importances 0.7^i, a ReLU toy model "
                "represents exactly its dim most important features and drops the "
                "rest: no superposition."
            ),
            latex=r"p=1 \Rightarrow \{i: \lVert W_i\rVert > 1/2\} = \{0,\dots,\mathrm{dim}-1\}",
            citation=CITATION,
            bound=lambda p: 0.0,
            measure=_measure_dense,
            relation="<=",
            quantity="features misassigned (represented but not top-dim, or vice versa)",
            unit="features",
            atol=0.0,
            rtol=0.0,
            params=[{"n": 20, "dim": 5, "p": 1.0, "base": 0.7, "activation": "relu", "instances": 4, "steps": 4000}],
            quick_params=[
                {"n": 8, "dim": 3, "p": 1.0, "base": 0.7, "activation": "relu", "instances": 3, "steps": 1000}
            ],
            trials=4,
            quick_trials=3,
            tags=("toy_models", "trained"),
        ),
        Claim(
            id="toy_models.linear_no_superposition",
            statement=(
                "A linear toy model (x' = W^T W x + b) never superposes: even with "
                "sparse features (p = 0.05) it represents exactly its dim most "
                "important features (the PCA solution)."
            ),
            latex=r"x' = W^\top W x + b \Rightarrow \{i: \lVert W_i\rVert > 1/2\} = "
            r"\{0,\dots,\mathrm{dim}-1\}",
            citation=CITATION,
            bound=lambda p: 0.0,
            measure=_measure_dense,
            relation="<=",
            quantity="features misassigned (represented but not top-dim, or vice versa)",
            unit="features",
            atol=0.0,
            rtol=0.0,
            params=[{"n": 20, "dim": 5, "p": 0.05, "base": 0.7, "activation": "linear", "instances": 4, "steps": 4000}],
            quick_params=[
                {"n": 8, "dim": 3, "p": 0.05, "base": 0.7, "activation": "linear", "instances": 3, "steps": 1000}
            ],
            trials=4,
            quick_trials=3,
            tags=("toy_models", "trained"),
        ),
        Claim(
            id="toy_models.dimensionality_sum",
            statement=(
                "The feature dimensionalities of any W sum to at most dim "
                "(sum_i D_i <= dim, equality iff the non-zero features form a tight "
                "frame); measured on trained models across densities, where sparse "
                "models come close to equality."
            ),
            latex=r"\sum_i \frac{\lVert W_i\rVert^2}{\sum_j(\hat W_i\cdot W_j)^2} \le \mathrm{dim}",
            citation=CITATION,
            bound=lambda p: float(p["dim"]),
            measure=_measure_dsum,
            relation="<=",
            quantity="sum of feature dimensionalities D_i",
            unit="dimensions",
            rtol=1e-6,
            atol=1e-9,
            params=[{"n": 20, "dim": 5, "instances": 10, "low": 0.01, "steps": 3000}],
            quick_params=[{"n": 6, "dim": 2, "instances": 6, "low": 0.02, "steps": 1000}],
            trials=10,
            quick_trials=6,
            tags=("toy_models", "trained"),
        ),
    ]
