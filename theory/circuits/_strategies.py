"""Hypothesis strategies for sparse Boolean circuits and sparse Boolean inputs.

Imported lazily (hypothesis is a test dependency); the lead re-exports them from
``theory.strategies``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["sparse_boolean_circuits", "sparse_boolean_inputs"]


def sparse_boolean_circuits(
    *, max_width: int = 12, max_depth: int = 4, ops: tuple[str, ...] = ("AND", "OR", "XOR")
) -> Any:
    """Strategy for layered random circuits of fan-in-2 gates (no NOT: sparsity-preserving).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(sparse_boolean_circuits(max_width=5, max_depth=2))
    ... def check(c):
    ...     assert c.depth <= 2 and c.sparsity_preserving
    >>> check()
    """
    from hypothesis import strategies as st

    from theory.circuits.circuit import random_circuit

    return st.builds(
        lambda w, L, seed: random_circuit(width=w, depth=L, ops=ops, rng=seed),
        st.integers(2, max_width),
        st.integers(1, max_depth),
        st.integers(0, 2**32 - 1),
    )


def sparse_boolean_inputs(m: int, *, max_active: int = 3) -> Any:
    """Strategy for Boolean vectors of length ``m`` with at most ``max_active`` ones (int8).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(sparse_boolean_inputs(6, max_active=2))
    ... def check(x):
    ...     assert x.shape == (6,) and x.sum() <= 2
    >>> check()
    """
    import numpy as np
    from hypothesis import strategies as st

    def build(idx: list[int]) -> Any:
        x = np.zeros(m, dtype=np.int8)
        x[list(idx)] = 1
        return x

    return st.lists(st.integers(0, m - 1), max_size=max_active, unique=True).map(build)
