"""Correlated and anti-correlated feature pairs (Elhage et al. 2022, section "Superposition and
correlated features"): trained 4 -> 2 models, best of 4 independent instances by a Monte Carlo
estimate of the expected loss, as the paper keeps the best of several runs."""

from __future__ import annotations

import numpy as np
import pytest

from theory.toy_models import ToyModelConfig, TrainOptions, train


def _best_pair_cosines(kind: str):
    kw = {"n_correlated_pairs": 2} if kind == "correlated" else {"n_anticorrelated_pairs": 2}
    cfg = ToyModelConfig(n_features=4, n_hidden=2, n_instances=4, feature_probability=0.05, **kw)
    model = train(
        cfg, steps=3000, batch_size=512, lr=1e-2, options=TrainOptions(schedule="cosine"), rng=0, progress=False
    )
    best = int(np.argmin(model.evaluate(batch_size=200_000, rng=1)))
    W = model.W[best]
    U = W / np.linalg.norm(W, axis=0)
    return U.T @ U, np.linalg.norm(W, axis=0)


@pytest.mark.parametrize("kind", ["correlated", "anticorrelated"])
def test_pairs_take_the_paper_geometry(kind):
    """Correlated pairs (always present together) are placed orthogonally, so they never
    interfere; anti-correlated pairs (never present together) are placed antipodally, which the
    ReLU makes free. In both cases the two independent pairs share the 2 dimensions."""
    C, norms = _best_pair_cosines(kind)
    assert np.all(norms > 0.9)  # all four features represented
    within = np.array([C[0, 1], C[2, 3]])
    if kind == "correlated":
        assert np.all(np.abs(within) < 0.1), C
    else:
        assert np.all(within < -0.95), C
