"""Public hypothesis strategies for property-testing claims about superposition.

Use them to test your own bounds against the same kinds of objects the toolkit's tests use::

    from hypothesis import given
    from theory import strategies as st_theory
    from theory.geometry import coherence, welch_bound

    @given(st_theory.frames(max_dim=6, max_n=12))
    def test_welch(W):
        dim, n = W.shape
        assert coherence(W) >= welch_bound(n=n, dim=dim).value - 1e-12

hypothesis is imported only when a strategy is built, so ``import theory`` does not need it.
Every strategy shrinks towards small, simple examples.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from theory._validation import check_bool, check_int, check_real

__all__ = [
    "frames",
    "sparse_boolean_circuits",
    "sparse_boolean_inputs",
    "sparse_booleans",
    "sparse_vectors",
    "toy_configs",
]


def _st() -> Any:
    try:
        return importlib.import_module("hypothesis.strategies")
    except ModuleNotFoundError:  # pragma: no cover - depends on the environment
        raise ModuleNotFoundError(
            "theory.strategies needs hypothesis: pip install 'superposition-theory[strategies]'"
        ) from None


def frames(
    *,
    min_dim: int = 1,
    max_dim: int = 8,
    min_n: int = 2,
    max_n: int = 16,
    dim: int | None = None,
    n: int | None = None,
    unit: bool = True,
    overcomplete: bool = False,
    kind: str = "any",
) -> Any:
    """Frames ``W`` of shape ``(dim, n)`` with unit-norm (or at least non-zero) columns.

    Draws a shape, then the entries from one of several families so that both generic and
    structured frames appear: Gaussian directions, ±1 (Rademacher) entries, frames with
    repeated or antipodal columns (coherence 1), and nearly-parallel pairs.

    Parameters
    ----------
    min_dim, max_dim, min_n, max_n : int
        Shape ranges (ignored for a fixed ``dim``/``n``).
    dim, n : int, optional
        Fix the shape.
    unit : bool
        Normalise columns to unit norm.
    overcomplete : bool
        Only shapes with ``n > dim``.
    kind : {"any", "gaussian", "rademacher"}
        Restrict the entry family.

    Returns
    -------
    hypothesis SearchStrategy of ndarray, shape (dim, n)

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(frames(dim=3, n=5))
    ... def test_shape(W):
    ...     assert W.shape == (3, 5)
    >>> test_shape()
    """
    unit = check_bool(unit, "unit")
    overcomplete = check_bool(overcomplete, "overcomplete")
    st = _st()
    lo_d = check_int(min_dim, "min_dim", minimum=1)
    hi_d = check_int(max_dim, "max_dim", minimum=lo_d)
    lo_n = check_int(min_n, "min_n", minimum=1)
    hi_n = check_int(max_n, "max_n", minimum=lo_n)
    if kind not in ("any", "gaussian", "rademacher"):
        raise ValueError(f"kind must be 'any', 'gaussian' or 'rademacher', got {kind!r}")
    dims = st.just(check_int(dim, "dim", minimum=1)) if dim is not None else st.integers(lo_d, hi_d)

    @st.composite
    def build(draw: Any) -> np.ndarray:
        d = draw(dims)
        if n is not None:
            m = check_int(n, "n", minimum=1)
            if overcomplete and m <= d:
                raise ValueError(f"overcomplete frames need n > dim, got n={m}, dim={d}")
        else:
            m = draw(
                st.integers(max(lo_n, d + 1) if overcomplete else lo_n, max(hi_n, d + 1) if overcomplete else hi_n)
            )
        seed = draw(st.integers(0, 2**32 - 1))
        rng = np.random.default_rng(seed)
        family = (
            kind if kind != "any" else draw(st.sampled_from(["gaussian", "rademacher", "repeated", "near_parallel"]))
        )
        if family == "rademacher":
            W = rng.choice([-1.0, 1.0], size=(d, m))
        else:
            W = rng.standard_normal((d, m))
            if family == "repeated" and m >= 2:
                i, j = rng.choice(m, size=2, replace=False)
                W[:, j] = W[:, i] * rng.choice([-1.0, 1.0])
            elif family == "near_parallel" and m >= 2:
                i, j = rng.choice(m, size=2, replace=False)
                W[:, j] = W[:, i] + 1e-3 * rng.standard_normal(d)
        norms = np.linalg.norm(W, axis=0)
        W[:, norms == 0] = 1.0  # keep every column non-zero
        return W / np.linalg.norm(W, axis=0) if unit else W

    return build()


def sparse_vectors(
    *,
    n: int | None = None,
    max_n: int = 20,
    k: int | None = None,
    max_k: int | None = None,
    nonnegative: bool = False,
    max_value: float = 1.0,
) -> Any:
    """k-sparse real vectors: at most ``k`` non-zero entries with ``|x_i| <= max_value``.

    Parameters
    ----------
    n : int, optional
        Length; drawn from ``[1, max_n]`` when None.
    k : int, optional
        Exact number of non-zeros (``k <= n``); when None, drawn from ``[0, min(n, max_k)]``.
    nonnegative : bool
        Entries in ``[0, max_value]`` (toy-model features) instead of ``[-max_value, max_value]``.
    max_value : float
        Largest magnitude, > 0.

    Returns
    -------
    hypothesis SearchStrategy of ndarray, shape (n,)
    """
    nonnegative = check_bool(nonnegative, "nonnegative")
    st = _st()
    max_value = check_real(max_value, "max_value", minimum=0, strict_min=True)
    lengths = (
        st.just(check_int(n, "n", minimum=1)) if n is not None else st.integers(1, check_int(max_n, "max_n", minimum=1))
    )

    @st.composite
    def build(draw: Any) -> np.ndarray:
        m = draw(lengths)
        if k is not None:
            kk = check_int(k, "k", minimum=0, maximum=m)
        else:
            kk = draw(st.integers(0, m if max_k is None else min(m, max_k)))
        support = draw(st.permutations(range(m)))[:kk]
        lo = 0.0 if nonnegative else -max_value
        vals = draw(st.lists(st.floats(lo, max_value, allow_nan=False, allow_infinity=False), min_size=kk, max_size=kk))
        x = np.zeros(m)
        x[list(support)] = vals
        return x

    return build()


def sparse_booleans(*, m: int | None = None, max_m: int = 32, s: int | None = None, max_s: int | None = None) -> Any:
    """s-sparse Boolean vectors (0/1 integers) of length ``m``.

    Parameters
    ----------
    m : int, optional
        Length; drawn from ``[1, max_m]`` when None.
    s : int, optional
        Exact number of ones; drawn from ``[0, min(m, max_s)]`` when None.

    Returns
    -------
    hypothesis SearchStrategy of ndarray of int8, shape (m,)
    """
    st = _st()
    lengths = (
        st.just(check_int(m, "m", minimum=1)) if m is not None else st.integers(1, check_int(max_m, "max_m", minimum=1))
    )

    @st.composite
    def build(draw: Any) -> np.ndarray:
        mm = draw(lengths)
        ss = (
            check_int(s, "s", minimum=0, maximum=mm)
            if s is not None
            else draw(st.integers(0, mm if max_s is None else min(mm, max_s)))
        )
        support = draw(st.permutations(range(mm)))[:ss]
        x = np.zeros(mm, dtype=np.int8)
        x[list(support)] = 1
        return x

    return build()


def toy_configs(**kwargs: Any) -> Any:
    """Toy-model configurations (:class:`theory.toy_models.ToyModelConfig`) of small size.

    Keyword arguments are passed to the toy-model area's strategy.
    """
    try:
        mod = importlib.import_module("theory.toy_models._strategies")
    except ModuleNotFoundError as exc:  # pragma: no cover - until the area ships it
        raise NotImplementedError("toy_configs needs theory.toy_models._strategies") from exc
    return mod.toy_configs(**kwargs)


def sparse_boolean_circuits(**kwargs: Any) -> Any:
    """Small random layered Boolean circuits (:class:`theory.circuits.Circuit`).

    Keyword arguments are passed to :func:`theory.circuits._strategies.sparse_boolean_circuits`.
    """
    from theory.circuits import _strategies

    return _strategies.sparse_boolean_circuits(**kwargs)


def sparse_boolean_inputs(m: int, **kwargs: Any) -> Any:
    """Batches of sparse Boolean inputs of length ``m`` for circuits.

    Keyword arguments are passed to :func:`theory.circuits._strategies.sparse_boolean_inputs`.
    """
    from theory.circuits import _strategies

    return _strategies.sparse_boolean_inputs(m, **kwargs)
