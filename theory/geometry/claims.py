"""Claims of the geometry area, checked by ``theory verify``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from theory._validation import check_int
from theory.geometry.bounds import WELCH_CITATION, welch_bound
from theory.verify.claim import Claim

__all__ = ["claims", "random_unit_frames"]


def random_unit_frames(dim: int, n: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` frames of ``n`` iid uniform unit vectors in ``R^dim``; shape ``(count, dim, n)``."""
    X = rng.standard_normal((count, dim, n))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def batched_coherence(frames: np.ndarray) -> np.ndarray:
    """Coherence of each frame in a batch of unit-column frames, shape ``(count, dim, n)``."""
    G = np.abs(np.einsum("bdi,bdj->bij", frames, frames))
    idx = np.arange(frames.shape[2])
    G[:, idx, idx] = 0.0
    return G.max(axis=(1, 2))


def _validate_n_dim(params: Mapping[str, Any]) -> None:
    dim = check_int(params.get("dim"), "dim", minimum=1)
    n = check_int(params.get("n"), "n", minimum=2)
    if n <= dim:
        raise ValueError(f"the Welch claim needs n > dim, got n={n}, dim={dim}")


def _welch_measure(params: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    frames = random_unit_frames(params["dim"], params["n"], 16, rng)
    return batched_coherence(frames)


def _welch_figure(verdicts):
    from theory.figures.verify import plot_welch_check

    return plot_welch_check(verdicts).figure


def claims() -> list[Claim]:
    """The geometry claims."""
    return [
        Claim(
            id="geometry.welch",
            statement=("The coherence of any n unit vectors in R^dim (n > dim) is at least the "
                       "Welch bound sqrt((n - dim) / (dim (n - 1))). Measured on random frames."),
            latex=r"\max_{i\neq j}|\langle w_i,w_j\rangle| \ge \sqrt{\frac{n-d}{d(n-1)}}",
            citation=WELCH_CITATION,
            domain="integers 1 <= dim < n",
            validate=_validate_n_dim,
            bound=lambda p: welch_bound(n=p["n"], dim=p["dim"]).value,
            measure=_welch_measure,
            relation=">=",
            quantity="coherence",
            params=[{"dim": d, "n": n} for d in (3, 5, 10) for n in (d + 1, 2 * d, 4 * d, 8 * d)],
            quick_params=[{"dim": d, "n": n} for d in (3, 6) for n in (d + 1, 2 * d, 4 * d)],
            trials=256,
            quick_trials=64,
            proof="welch",
            figure=_welch_figure,
            tags=("geometry", "bound"),
        ),
    ]
