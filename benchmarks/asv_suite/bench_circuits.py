"""Reading every pairwise AND off a U-AND layer: vectorised vs a per-pair loop."""

from __future__ import annotations

from ._common import OneThread, speedup


class AllPairsReadout(OneThread):
    """``UAnd.read`` (all pairs at once) vs ``UAnd.read_pair_loop`` over the same pairs."""

    params = [200, 500]
    param_names = ["m"]

    def setup(self, m):
        from theory.circuits import all_pairs, sparse_inputs, uand

        self._limit_threads()
        self.net = uand(m=m, d=500, p=0.1, rng=0)
        self.a = self.net.forward(sparse_inputs(m=m, s=3, batch=1, rng=1)[0])
        self.pairs = all_pairs(m)

    def time_read(self, m):
        self.net.read(self.a)

    def time_pair_loop(self, m):
        self.net.read_pair_loop(self.a, self.pairs)

    def track_speedup(self, m):
        return speedup(lambda: self.net.read(self.a), lambda: self.net.read_pair_loop(self.a, self.pairs), 1)

    track_speedup.unit = "loop time / vectorised"
