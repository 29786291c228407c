"""The exact l1 recovery decision and streamed dictionary statistics against their peers."""

from __future__ import annotations

import warnings

import numpy as np

from ._common import OneThread, speedup


class L1Decision(OneThread):
    """Does basis pursuit recover ``x`` from ``Wx``? ``l1_recovers`` (a certificate first, an LP
    when needed) vs solving the basis-pursuit program with cvxpy (Clarabel) and comparing."""

    params = [64, 200]
    param_names = ["n"]

    def setup(self, n):
        self._limit_threads()
        rng = np.random.default_rng(0)
        dim, k = n // 2, max(1, n // 10)
        self.problems = []
        for _ in range(5):
            W = rng.standard_normal((dim, n))
            x = np.zeros(n)
            x[rng.choice(n, k, replace=False)] = rng.standard_normal(k)
            self.problems.append((W, x))

    def _ours(self):
        from theory.interference import l1_recovers

        return [l1_recovers(W, x) for W, x in self.problems]

    def _peer(self):
        import cvxpy as cp

        out = []
        for W, x in self.problems:
            z = cp.Variable(W.shape[1])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cp.Problem(cp.Minimize(cp.norm1(z)), [W @ z == W @ x]).solve(solver="CLARABEL")
            out.append(z.value is not None and np.linalg.norm(z.value - x) <= 1e-5 * np.linalg.norm(x))
        return out

    def time_l1_recovers(self, n):
        self._ours()

    def time_cvxpy_clarabel(self, n):
        self._peer()

    def track_speedup(self, n):
        return speedup(self._ours, self._peer, repeats=1)

    track_speedup.unit = "cvxpy time / ours"


class DictionaryStats(OneThread):
    """Coherence and cosine histogram of a dictionary: streamed ``dictionary_stats`` vs the dense
    Gram matrix in NumPy."""

    params = [4096, 16384]
    param_names = ["n"]
    timeout = 600

    def setup(self, n):
        self._limit_threads()
        rng = np.random.default_rng(0)
        W = rng.standard_normal((256, n)).astype(np.float32)
        self.W = W / np.linalg.norm(W, axis=0)

    def _ours(self):
        from theory.interference import dictionary_stats

        return dictionary_stats(self.W, random_null=False, progress=False)

    def _peer(self):
        G = np.abs(self.W.T @ self.W)
        np.fill_diagonal(G, 0.0)
        return G.max(), np.histogram(G, bins=50, range=(0, 1))  # every pair twice, plus the zeroed diagonal

    def time_dictionary_stats(self, n):
        self._ours()

    def peakmem_dictionary_stats(self, n):
        self._ours()

    def peakmem_dense_gram(self, n):
        self._peer()

    def track_speedup(self, n):
        return speedup(self._ours, self._peer, repeats=1)

    track_speedup.unit = "dense NumPy time / ours"
