"""Sparse inference, ground-truth sampling and feature matching against their peers."""

from __future__ import annotations

import numpy as np

from ._common import OneThread, speedup


def _data(batch: int, dim: int = 128, n: int = 1024, k: int = 10, seed: int = 0):
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((dim, n))
    D /= np.linalg.norm(D, axis=0)
    support = np.argsort(rng.random((batch, n)), axis=1)[:, :k]
    codes = np.zeros((batch, n))
    np.put_along_axis(codes, support, rng.uniform(0.5, 1.5, (batch, k)), axis=1)
    return D, codes @ D.T + 0.01 * rng.standard_normal((batch, dim))


class Lasso(OneThread):
    """Nonnegative LASSO codes: ``fista`` vs scikit-learn ``sparse_encode(algorithm="lasso_cd")``
    (the same objective, see ``benchmarks/sparse_coding_inference.py``)."""

    params = [512, 2048]
    param_names = ["batch"]
    timeout = 600

    def setup(self, batch):
        self._limit_threads()
        self.D, self.x = _data(batch)

    def _ours(self):
        from theory.sparse_coding import fista

        return fista(self.D, self.x, lam=0.1, nonneg=True, tol=1e-8)

    def _peer(self):
        from sklearn.decomposition import sparse_encode

        return sparse_encode(self.x, self.D.T, algorithm="lasso_cd", alpha=0.1, positive=True)

    def time_fista(self, batch):
        self._ours()

    def time_sklearn_lasso_cd(self, batch):
        self._peer()

    def peakmem_fista(self, batch):
        self._ours()

    def track_speedup(self, batch):
        return speedup(self._ours, self._peer, repeats=2)

    track_speedup.unit = "sklearn time / ours"


class OMP(OneThread):
    """k-step orthogonal matching pursuit: ``omp`` vs scikit-learn ``sparse_encode(algorithm="omp")``."""

    params = [512, 2048]
    param_names = ["batch"]
    timeout = 600

    def setup(self, batch):
        self._limit_threads()
        self.D, self.x = _data(batch)

    def _ours(self):
        from theory.sparse_coding import omp

        return omp(self.D, self.x, k=10)

    def _peer(self):
        from sklearn.decomposition import sparse_encode

        return sparse_encode(self.x, self.D.T, algorithm="omp", n_nonzero_coefs=10)

    def time_omp(self, batch):
        self._ours()

    def time_sklearn_omp(self, batch):
        self._peer()

    def track_speedup(self, batch):
        return speedup(self._ours, self._peer, repeats=2)

    track_speedup.unit = "sklearn time / ours"


class Sampling(OneThread):
    """``GroundTruth.sample`` (sparse codes) vs drawing the same distribution densely with NumPy."""

    params = [2048, 8192]
    param_names = ["n"]

    def setup(self, n):
        from theory.sparse_coding import Firing, ground_truth

        self._limit_threads()
        self.truth = ground_truth(dim=256, n=n, firing=Firing.uniform(25 / n), rng=0)
        self.D = self.truth.dictionary
        self.p = np.full(n, 25 / n)

    def _ours(self):
        return self.truth.sample(1024, rng=1)

    def _peer(self):
        gen = np.random.default_rng(1)
        codes = gen.random((1024, self.p.size)) * (gen.random((1024, self.p.size)) < self.p)
        return codes @ self.D.T, codes

    def time_sample(self, n):
        self._ours()

    def peakmem_sample(self, n):
        self._ours()

    def peakmem_dense_numpy(self, n):
        self._peer()

    def track_speedup(self, n):
        return speedup(self._ours, self._peer)

    track_speedup.unit = "dense NumPy time / ours"


class Matching(OneThread):
    """Optimal one-to-one matching of learned to true features: ``match_features`` vs SciPy's
    ``linear_sum_assignment`` on the dense cost matrix."""

    params = [512, 2048]
    param_names = ["n"]

    def setup(self, n):
        self._limit_threads()
        rng = np.random.default_rng(0)
        self.true = rng.standard_normal((64, n))
        self.learned = self.true + 0.5 * rng.standard_normal((64, n))

    def _ours(self):
        from theory.sparse_coding import match_features

        return match_features(self.learned, self.true)

    def _peer(self):
        from scipy.optimize import linear_sum_assignment

        a = self.learned / np.linalg.norm(self.learned, axis=0)
        b = self.true / np.linalg.norm(self.true, axis=0)
        cos = np.abs(a.T @ b)
        r, c = linear_sum_assignment(1.0 - cos)
        return cos[r, c].sum()

    def time_match_features(self, n):
        self._ours()

    def peakmem_match_features(self, n):
        self._ours()

    def track_speedup(self, n):
        return speedup(self._ours, self._peer, repeats=2)

    track_speedup.unit = "SciPy dense time / ours"
