"""The NumPy SAE trainer against the PyTorch reference of ``_sae_reference.py``, run live (only where
torch is installed; ``test_sae_torch_recorded.py`` compares with its recorded results everywhere).

Both start from the same weights and see the same batches; in float64 a few steps agree to rounding.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
sys.path.insert(0, str(Path(__file__).parent))

from _sae_reference import CASES, LR, NAMES, STEPS, batches, initial, train_numpy, train_torch  # noqa: E402


@pytest.mark.parametrize(("kind", "l1", "k"), CASES)
def test_few_steps_agree_in_float64(kind, l1, k):
    xs = batches()
    init = initial(xs, kind, k)
    assert np.allclose(init["b_dec"], xs[0].mean(axis=0))
    sae = train_numpy(xs, kind, steps=STEPS, lr=LR, l1=l1, k=k)
    ref = train_torch(init, xs, kind, l1=l1 or 0.0, k=k)
    for name in NAMES:
        ours = getattr(sae, name)
        assert ours.shape == ref[name].shape, name
        np.testing.assert_allclose(ours, ref[name], rtol=0, atol=1e-10, err_msg=name)
    # the steps moved the parameters far beyond the tolerance, so the agreement is not vacuous
    assert np.max(np.abs(sae.W_enc - init["W_enc"])) > 1e-2
    assert np.allclose(np.linalg.norm(sae.W_dec, axis=0), 1.0)


def test_reference_detects_a_different_decoder_step():
    """Without the parallel-gradient removal the reference drifts away: the comparison has teeth."""
    xs = batches()
    init = initial(xs, "relu", None)
    sae = train_numpy(xs, "relu", steps=STEPS, lr=LR, l1=0.05)
    ref = train_torch(init, xs, "relu", l1=0.05, remove_parallel=False)
    assert np.max(np.abs(sae.W_dec - ref["W_dec"])) > 1e-6


def test_training_loss_matches_reference_loss():
    """The trainer's recorded last-step loss equals the reference objective on that batch."""
    xs = batches()
    init = initial(xs, "relu", None)
    sae = train_numpy(xs, "relu", steps=STEPS, lr=LR, l1=0.05)
    # parameters before the last step: the reference after STEPS - 1 steps
    p = train_torch(init, xs, "relu", l1=0.05, steps=STEPS - 1)
    x = xs[STEPS]
    f = np.maximum((x - p["b_dec"]) @ p["W_enc"].T + p["b_enc"], 0.0)
    r = x - (f @ p["W_dec"].T + p["b_dec"])
    expected = np.einsum("bd,bd->b", r, r).mean() + 0.05 * f.sum(axis=1).mean()
    assert sae.losses[-1] == pytest.approx(expected, rel=1e-10)
