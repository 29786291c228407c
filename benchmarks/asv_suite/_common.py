"""Shared pieces of the asv benchmarks: one BLAS thread, best-of timing, skipping a missing peer."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class OneThread:
    """Mixin: every benchmark runs with one BLAS/OpenMP thread on each side (threadpoolctl)."""

    def _limit_threads(self) -> None:
        from threadpoolctl import threadpool_limits

        self._limiter = threadpool_limits(1)

    def teardown(self, *params: Any) -> None:
        limiter = getattr(self, "_limiter", None)
        if limiter is not None:
            limiter.restore_original_limits()


def best_of(fn: Callable[[], Any], repeats: int = 3) -> float:
    """Smallest wall time of ``repeats`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def speedup(ours: Callable[[], Any], peer: Callable[[], Any], repeats: int = 3) -> float:
    """Peer time / our time, both measured here, alternately, best of ``repeats`` each."""
    t_ours, t_peer = float("inf"), float("inf")
    for _ in range(repeats):
        t_ours = min(t_ours, best_of(ours, 1))
        t_peer = min(t_peer, best_of(peer, 1))
    return t_peer / t_ours


def need(module: str) -> None:
    """Skip the benchmark (asv's NotImplementedError) when the peer ``module`` is not installed."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise NotImplementedError(f"peer {module!r} not installed")
