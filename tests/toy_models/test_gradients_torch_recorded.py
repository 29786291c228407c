"""The toy models' hand-derived losses and gradients against PyTorch autograd, recorded in float64
(tests/data/toy_models/make_torch_gradients.py writes the file from the models' definitions)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from theory.toy_models import ToyModelConfig
from theory.toy_models.model import loss_and_gradients

DATA = Path(__file__).resolve().parents[1] / "data" / "toy_models" / "torch_gradients.json"
CASES = json.loads(DATA.read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_loss_and_gradients_equal_autograd(case):
    cfg = ToyModelConfig(**case["config"], importance=np.array(case["importance"]))
    params = {k: np.array(v) for k, v in case["params"].items()}
    loss, grads = loss_and_gradients(cfg, params, np.array(case["x"]))
    np.testing.assert_allclose(loss, case["loss"], rtol=1e-13)
    assert set(grads) == set(case["grads"])
    for name, g in case["grads"].items():
        g = np.array(g)
        np.testing.assert_allclose(grads[name], g, rtol=1e-12, atol=1e-15, err_msg=name)
        assert np.max(np.abs(g)) > 1e-3, name  # a nonzero gradient: the comparison is not vacuous
