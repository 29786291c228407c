"""Batched NumPy SAE training against a PyTorch reference (``benchmarks/sae_training.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ._common import OneThread, need, speedup

_STEPS = 50


class _SAE(OneThread):
    params = ["relu", "topk"]
    param_names = ["kind"]
    timeout = 600

    def setup(self, kind):
        self._limit_threads()
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        import sae_training as bench

        self.bench = bench
        self.pool, self.plan, _ = bench.make_data("sharkey", 8192, _STEPS, 256)
        self.k = 5 if kind == "topk" else None

    def _ours(self, kind):
        coefs = np.array([0.1]) if kind == "relu" else None
        return self.bench.run_numpy(self.pool, self.plan, kind=kind, width=512, coefs=coefs, k=self.k, steps=_STEPS)


class SAETraining(_SAE):
    """``train_saes`` on the Sharkey et al. toy (dim 256, width 512, batch 256, 50 Adam steps, float32)."""

    def time_train_saes(self, kind):
        self._ours(kind)

    def peakmem_train_saes(self, kind):
        self._ours(kind)


class SAETrainingVsTorch(_SAE):
    """The PyTorch reference on the same start, batches and Adam, and the ratio (skipped without PyTorch)."""

    def setup(self, kind):
        need("torch")
        super().setup(kind)
        self.init = self.bench.initial_weights(self.pool, self.plan, kind=kind, width=512, k=self.k, dtype="float32")

    def _peer(self, kind):
        return self.bench.run_torch(self.init, self.pool, self.plan, kind=kind, l1=0.1, k=self.k, steps=_STEPS)

    def time_torch_reference(self, kind):
        self._peer(kind)

    def track_speedup(self, kind):
        return speedup(lambda: self._ours(kind), lambda: self._peer(kind), repeats=2)  # best of 2: no warm-up

    track_speedup.unit = "PyTorch time / ours"
