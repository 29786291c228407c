"""Claims on the k-gon critical points of the 2-dimensional toy model (Chen et al. 2023).

:func:`kgon_claims` returns the claims; the area's claims module merges them into its list.
Setting: ``n`` features, 2 hidden dimensions, inputs with exactly one active feature
``x = mu e_i`` (``mu ~ U[0, 1]``), loss ``E ||x - ReLU(W^T W x + b)||^2`` summed over features.

* ``toy_models.kgon_loss_monte_carlo``: the closed form :func:`~theory.toy_models.kgon.kgon_loss`
  against a Monte Carlo estimate with the trainer's forward pass (:func:`theory.toy_models.forward`);
  the measured quantity is the z-score, refuted by a binomial test on its normal tail.
* ``toy_models.kgon_critical``: the gradient of the trainer's loss
  (:func:`theory.toy_models.loss_and_gradients`) on a midpoint-rule quadrature batch of ``Q``
  inputs per feature is at most ``1/Q`` at every tabulated critical point (and at least 4e-3
  when the k-gon's length is changed by 1%).
* ``toy_models.kgon_plateaus``: Adam from small random weights; every plateau of the exact loss
  curve lies within ``LEVEL_TOL`` of a k-gon level.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from theory._validation import check_int
from theory.toy_models.config import ToyModelConfig
from theory.toy_models.kgon import (
    CITATION,
    find_plateaus,
    kgon_configuration,
    kgon_critical_points,
    kgon_loss,
    nearest_level,
    sample_one_hot,
    train_tms,
)
from theory.toy_models.model import forward, loss_and_gradients
from theory.verify.claim import Claim

__all__ = ["LEVEL_TOL", "kgon_claims"]

#: Plateau-to-level tolerance (absolute loss). For n = 6 the distinct k-gon levels are at least
#: 1/(4n^2) = 0.0069 apart, so a plateau within 1e-3 of a level identifies it.
LEVEL_TOL = 1e-3
#: Plateau detection: the loss moves less than FLAT_TOL across WINDOW consecutive records.
WINDOW, FLAT_TOL = 10, 2e-4
#: |z| above this has probability 0.001 under the normal approximation (two-sided).
Z_999 = 3.2905


def _mc_z(params: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    n, B = check_int(params["n"], "n", minimum=4), check_int(params["batch"], "batch", minimum=2)
    out = []
    for k, sig in params["configs"]:
        W, b = kgon_configuration(n, k, sigma_plus=sig, rotation=float(rng.uniform(0, 2 * np.pi)))
        cfg = ToyModelConfig(n_features=n, n_hidden=2)
        x = sample_one_hot(n, B, rng=rng)
        y = forward(cfg, {"W": W[None], "b": b[None]}, x)
        per = ((y - x) ** 2).sum(axis=-1)[0]
        out.append(abs(per.mean() - kgon_loss(n, k, sigma_plus=sig)) / (per.std(ddof=1) / np.sqrt(B)))
    return np.asarray(out)


def _quadrature_batch(n: int, Q: int) -> np.ndarray:
    """Rows mu_q e_i, mu_q = (q + 1/2)/Q: a uniform-weight midpoint rule for E over x."""
    mu = (np.arange(Q) + 0.5) / Q
    return (np.eye(n)[:, None, :] * mu[None, :, None]).reshape(1, n * Q, n)


def _grad_at(n: int, W: np.ndarray, b: np.ndarray, x: np.ndarray) -> float:
    cfg = ToyModelConfig(n_features=n, n_hidden=2)
    _, g = loss_and_gradients(cfg, {"W": W[None], "b": b[None]}, x)
    return float(max(np.abs(g["W"]).max(), np.abs(g["b"]).max()) * n)


def _max_grad(params: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    n, Q = params["n"], params["quadrature"]
    x = _quadrature_batch(n, Q)
    out = []
    for pt in kgon_critical_points(n, k_min=params.get("k_min", 0)):
        W, b = kgon_configuration(
            n, pt.k, sigma_plus=pt.sigma_plus, root=pt.root, rotation=float(rng.uniform(0, 2 * np.pi))
        )
        out.append(_grad_at(n, W, b, x))
    return np.asarray(out)


def _plateau_gaps(params: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    n = params["n"]
    run = train_tms(
        n,
        steps=params["steps"],
        batch_size=20,
        lr=params["lr"],
        optimizer="adam",
        n_instances=params["instances"],
        init="random",
        init_scale=0.1,
        log_every=params["log_every"],
        rng=rng,
    )
    pts = kgon_critical_points(n)
    gaps = []
    for i in range(run.losses.shape[1]):
        curve = run.losses[:, i]
        pl = find_plateaus(curve, window=WINDOW, flat_tol=FLAT_TOL)
        levels = [v for _, _, v in pl] or [float(np.mean(curve[-WINDOW:]))]
        gaps.append(max(nearest_level(v, pts)[1] for v in levels))
    return np.asarray(gaps)


def kgon_claims() -> list[Claim]:
    """The k-gon claims of the toy-model area."""
    configs = [[4, 0], [4, 1], [5, 0], [5, 1], [6, 0]]
    return [
        Claim(
            id="toy_models.kgon_loss_monte_carlo",
            statement=(
                "With 2 hidden dimensions and one active feature x = mu e_i, the closed-form loss "
                "L = [k G_k + (n-k)/3 - sigma_+/(4n)]/n of the critical k-gon equals the expected "
                "squared error of the model at that configuration: the Monte Carlo z-score "
                f"|mean - L|/SE exceeds {Z_999} with probability at most 0.001."
            ),
            latex=r"\Big|\overline{\lVert x - f(x)\rVert^2} - L_{k,\sigma_+}\Big| \big/ \widehat{SE} \le 3.29",
            citation=CITATION,
            bound=lambda p: Z_999,
            measure=_mc_z,
            relation="<=",
            failure_prob=0.001,
            quantity="Monte Carlo z-score of the closed-form loss",
            unit="standard errors",
            params=[
                {"n": 6, "batch": 200_000, "configs": configs},
                {"n": 8, "batch": 200_000, "configs": [[5, 2], [6, 1], [7, 0], [8, 0]]},
            ],
            quick_params=[{"n": 6, "batch": 20_000, "configs": configs}],
            trials=50,
            quick_trials=5,
            proof="toy_kgon",
            tags=("toy_models", "kgon"),
        ),
        Claim(
            id="toy_models.kgon_critical",
            statement=(
                "Every regular k-gon of the table (k = 0..n, each number sigma_+ of dead columns with "
                "bias 1/(2n), rotated at random) is a critical point of the population loss: the "
                "gradient of the trainer's loss on a midpoint-rule batch of Q inputs per feature is "
                "at most 1/Q (the rule is first order: the self output switches on inside [0, 1]); "
                "changing the length of a k-gon with k >= 1 by 1% gives gradients >= 4e-3 (n = 6)."
            ),
            latex=r"\max |\nabla_{W,b} L_Q| \le 1/Q\ \text{at every critical k-gon}",
            citation=CITATION,
            bound=lambda p: 1.0 / p["quadrature"],
            measure=_max_grad,
            relation="<=",
            quantity="largest gradient entry at a k-gon",
            unit="loss per parameter unit",
            atol=0.0,
            rtol=0.0,
            params=[{"n": 6, "quadrature": 16000}, {"n": 8, "quadrature": 16000, "k_min": 5}],
            quick_params=[{"n": 6, "quadrature": 4000, "k_min": 4}],
            trials=27,
            quick_trials=6,
            proof="toy_kgon",
            tags=("toy_models", "kgon"),
        ),
        Claim(
            id="toy_models.kgon_plateaus",
            statement=(
                "Adam (lr 2e-3, batch 20) from small random weights on one-active-feature inputs: every "
                "plateau of the exact loss curve (moving < 2e-4 over 10 records) lies within "
                f"{LEVEL_TOL} of the loss of a critical k-gon (a run without a plateau is judged by its "
                "last 10 records)."
            ),
            latex=r"\min_{k,\sigma_+} |L_{\text{plateau}} - L_{k,\sigma_+}| \le 10^{-3}",
            citation=CITATION,
            bound=lambda p: LEVEL_TOL,
            measure=_plateau_gaps,
            relation="<=",
            quantity="largest plateau-to-level gap of a run",
            unit="loss",
            atol=0.0,
            rtol=0.0,
            params=[{"n": 6, "steps": 30_000, "lr": 2e-3, "log_every": 100, "instances": 16}],
            quick_params=[{"n": 6, "steps": 8000, "lr": 2e-3, "log_every": 50, "instances": 6}],
            trials=16,
            quick_trials=6,
            tags=("toy_models", "kgon", "trained"),
        ),
    ]
