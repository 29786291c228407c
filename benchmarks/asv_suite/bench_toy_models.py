"""The NumPy toy-model trainer against a PyTorch reference written like the paper's notebook."""

from __future__ import annotations

import sys
from pathlib import Path

from ._common import OneThread, need, speedup

_SIZES = {"n5_dim2": (5, 2, 4), "n20_dim5": (20, 5, 8)}


class _Toy(OneThread):
    params = list(_SIZES)
    param_names = ["config"]
    timeout = 600

    def setup(self, config):
        from theory.toy_models import ToyModelConfig, geometric_importance, sparsity_sweep

        self._limit_threads()
        n, dim, inst = _SIZES[config]
        self.cfg = ToyModelConfig(
            n_features=n,
            n_hidden=dim,
            n_instances=inst,
            importance=geometric_importance(n, 0.9),
            feature_probability=sparsity_sweep(inst, low=1 / 20),
        )

    def _ours(self):
        from theory.toy_models import train

        return train(self.cfg, steps=200, batch_size=1024, lr=1e-3, rng=0, progress=False)

    def _peer(self):
        import numpy as np

        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from toy_training import torch_reference

        I, m, n = self.cfg.shape
        W0 = np.random.default_rng(0).standard_normal((I, m, n)) * 0.3
        return torch_reference(self.cfg, W0, steps=200, batch_size=1024, lr=1e-3, seed=0)


class ToyTraining(_Toy):
    """``train``: 200 AdamW steps, batch 1,024, one thread."""

    def time_train(self, config):
        self._ours()

    def peakmem_train(self, config):
        self._ours()


class ToyTrainingVsTorch(_Toy):
    """``benchmarks/toy_training.py``'s PyTorch loop (same model, batch and AdamW) and the ratio;
    skipped when PyTorch is not installed."""

    def setup(self, config):
        need("torch")
        super().setup(config)

    def time_torch_reference(self, config):
        self._peer()

    def track_speedup(self, config):
        return speedup(self._ours, self._peer, repeats=1)

    track_speedup.unit = "PyTorch time / ours"
