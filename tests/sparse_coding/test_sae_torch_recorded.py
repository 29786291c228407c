"""The NumPy SAE trainer against recorded results of the PyTorch reference (runs everywhere).

``tests/data/sparse_coding/sae_torch_reference.json`` holds the batches, the toolkit's initial weights
and the weights the SAELens-style PyTorch reference of ``_sae_reference.py`` reached from them
(float64, ``torch.optim.Adam``), written by ``make_sae_torch_reference.py`` next to it. The trainer,
run here on the recorded batches, must reach the same weights to rounding.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _sae_reference import LR, NAMES, STEPS, initial, train_numpy  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "sparse_coding" / "sae_torch_reference.json"
REFERENCE = json.loads(DATA.read_text())
XS = np.array(REFERENCE["xs"])
RUNS = {(r["kind"], r["l1"], r["k"], r["steps"], r["remove_parallel"]): r for r in REFERENCE["runs"]}


def _run(kind, l1, k, steps, remove_parallel=True):
    r = RUNS[(kind, l1, k, steps, remove_parallel)]
    return {n: np.array(r["init"][n]) for n in NAMES}, {n: np.array(r["params"][n]) for n in NAMES}


@pytest.mark.parametrize(("kind", "l1", "k"), [("relu", 0.05, None), ("relu", 0.5, None), ("topk", None, 4)])
def test_trainer_reaches_the_recorded_reference_weights(kind, l1, k):
    init, ref = _run(kind, l1, k, STEPS)
    ours0 = initial(XS, kind, k)
    for name in NAMES:  # a changed initialisation would make the comparison meaningless
        np.testing.assert_allclose(ours0[name], init[name], rtol=0, atol=1e-12, err_msg=f"initial {name}")
    sae = train_numpy(XS, kind, steps=STEPS, lr=LR, l1=l1, k=k)
    for name in NAMES:
        ours = getattr(sae, name)
        assert ours.shape == ref[name].shape, name
        np.testing.assert_allclose(ours, ref[name], rtol=0, atol=1e-10, err_msg=name)
    assert np.max(np.abs(ref["W_enc"] - init["W_enc"])) > 1e-2  # the steps moved the weights: not vacuous


def test_recorded_reference_without_the_decoder_projection_differs():
    """The reference without the parallel-gradient removal is far from the trainer: the comparison has teeth."""
    _, drift = _run("relu", 0.05, None, STEPS, remove_parallel=False)
    sae = train_numpy(XS, "relu", steps=STEPS, lr=LR, l1=0.05)
    assert np.max(np.abs(sae.W_dec - drift["W_dec"])) > 1e-6


def test_last_step_loss_is_the_reference_objective():
    """The trainer's recorded last-step loss is the objective at the reference's weights one step earlier."""
    _, p = _run("relu", 0.05, None, STEPS - 1)
    sae = train_numpy(XS, "relu", steps=STEPS, lr=LR, l1=0.05)
    x = XS[STEPS]
    f = np.maximum((x - p["b_dec"]) @ p["W_enc"].T + p["b_enc"], 0.0)
    r = x - (f @ p["W_dec"].T + p["b_dec"])
    expected = np.einsum("bd,bd->b", r, r).mean() + 0.05 * f.sum(axis=1).mean()
    assert sae.losses[-1] == pytest.approx(expected, rel=1e-10)
