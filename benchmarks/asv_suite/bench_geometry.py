"""Feature geometry: packing quality and time, certified Delsarte LP bounds."""

from __future__ import annotations

from ._common import OneThread


class Pack(OneThread):
    """``pack`` on cases with a proven optimum; ``track_gap`` is its coherence over the optimum."""

    params = ["3x6", "4x10", "6x16"]
    param_names = ["dim_x_n"]
    timeout = 300

    def setup(self, dim_n):
        self._limit_threads()

    def time_pack(self, dim_n):
        from theory.geometry import pack

        dim, n = map(int, dim_n.split("x"))
        pack(dim=dim, n=n, restarts=16, rng=0)

    def track_gap(self, dim_n):
        from theory.geometry import pack

        dim, n = map(int, dim_n.split("x"))
        return pack(dim=dim, n=n, restarts=16, rng=0).gap

    track_gap.unit = "coherence over the best lower bound (Packing.gap)"


class DelsarteLP(OneThread):
    """A certified Delsarte LP bound (LP solve plus exact rational certificate)."""

    params = [3, 8, 24]
    param_names = ["dim"]
    timeout = 300

    def setup(self, dim):
        self._limit_threads()

    def time_delsarte_lp_bound(self, dim):
        from theory.geometry import delsarte_lp_bound

        delsarte_lp_bound(dim=dim, max_cos=0.5)
