"""Input validation shared by every module.

Every public function validates its arguments at the boundary with these helpers, so that bad
input fails with one clear ``ValueError``/``TypeError`` that names the argument, the value and
the rule, instead of a broadcasting error from deep inside NumPy or a silent NaN.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "as_rng",
    "check_array",
    "check_frame",
    "check_int",
    "check_probability",
    "check_real",
]


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def check_int(value: Any, name: str, *, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` after checking it is an integer in range.

    Parameters
    ----------
    value : Any
        The argument to check. Integral floats (``3.0``) are refused: counts are integers.
    name : str
        The argument's name, used in the error message.
    minimum, maximum : int, optional
        Inclusive bounds.

    Examples
    --------
    >>> check_int(3, "dim", minimum=1)
    3
    >>> check_int(0, "dim", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: dim must be an integer >= 1, got 0
    """
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        rule = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{name} must be an integer {rule}, got {value}")
    if maximum is not None and value > maximum:
        rule = f"<= {maximum}" if minimum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{name} must be an integer {rule}, got {value}")
    return value


def check_real(value: Any, name: str, *, minimum: float | None = None,
               maximum: float | None = None, strict_min: bool = False,
               strict_max: bool = False) -> float:
    """Return ``value`` as a finite ``float`` after checking its range.

    NaN and infinities are always refused.

    Examples
    --------
    >>> check_real(0.1, "eps", minimum=0, strict_min=True)
    0.1
    >>> check_real(float("nan"), "eps")
    Traceback (most recent call last):
    ...
    ValueError: eps must be a finite real number, got nan
    """
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value}")
    if minimum is not None and (value < minimum or (strict_min and value == minimum)):
        op = ">" if strict_min else ">="
        raise ValueError(f"{name} must be {op} {minimum}, got {value}")
    if maximum is not None and (value > maximum or (strict_max and value == maximum)):
        op = "<" if strict_max else "<="
        raise ValueError(f"{name} must be {op} {maximum}, got {value}")
    return value


def check_probability(value: Any, name: str, *, allow_zero: bool = True,
                      allow_one: bool = True) -> float:
    """Return ``value`` as a float in [0, 1] (ends optionally excluded).

    Examples
    --------
    >>> check_probability(0.05, "p")
    0.05
    >>> check_probability(0.0, "p", allow_zero=False)
    Traceback (most recent call last):
    ...
    ValueError: p must be in (0, 1], got 0.0
    """
    value = check_real(value, name)
    lo_ok = value > 0 or (allow_zero and value == 0)
    hi_ok = value < 1 or (allow_one and value == 1)
    if not (lo_ok and hi_ok):
        lo = "[" if allow_zero else "("
        hi = "]" if allow_one else ")"
        raise ValueError(f"{name} must be in {lo}0, 1{hi}, got {value}")
    return value


def check_array(a: ArrayLike, name: str, *, ndim: int | tuple[int, ...] | None = None,
                dtype: Any = np.float64, finite: bool = True) -> NDArray[Any]:
    """Convert ``a`` to an array, checking its number of dimensions and finiteness.

    Examples
    --------
    >>> check_array([[1.0, 2.0]], "W", ndim=2).shape
    (1, 2)
    >>> check_array([1.0, float("inf")], "x")
    Traceback (most recent call last):
    ...
    ValueError: x must contain only finite values (found 1 NaN/inf entries)
    >>> check_array([1j], "W")
    Traceback (most recent call last):
    ...
    TypeError: W must be real; got a complex array (take .real, or realify it as [Re; Im] explicitly)
    """
    if isinstance(a, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {type(a).__name__}")
    if dtype is not None and np.dtype(dtype).kind in "iuf" and np.iscomplexobj(a):
        raise TypeError(f"{name} must be real; got a complex array (take .real, or realify it "
                        f"as [Re; Im] explicitly)")
    try:
        arr = np.asarray(a, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must be a {want}-dimensional array, got shape {arr.shape}")
    if finite and arr.dtype.kind in "fc":
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        if bad:
            raise ValueError(f"{name} must contain only finite values (found {bad} NaN/inf entries)")
    return arr


def check_frame(W: ArrayLike, name: str = "W", *, allow_zero_columns: bool = False,
                min_features: int = 1) -> NDArray[np.float64]:
    """Validate a feature matrix of shape ``(dim, n)``: finite, 2-D, non-empty.

    Parameters
    ----------
    W : array_like, shape (dim, n)
        Column ``i`` is feature ``i``'s direction.
    allow_zero_columns : bool
        Zero columns have no direction; most quantities (coherence, cosines) are undefined for
        them and refuse them. Quantities that are safe on them pass ``True``.
    min_features : int
        Smallest allowed ``n`` (e.g. 2 for quantities defined over pairs).

    Examples
    --------
    >>> check_frame([[1.0, 0.0], [0.0, 0.0]])
    Traceback (most recent call last):
    ...
    ValueError: W has a zero column (feature 1); its direction is undefined
    """
    arr = check_array(W, name, ndim=2)
    dim, n = arr.shape
    if dim < 1:
        raise ValueError(f"{name} must have at least one row (dim >= 1), got shape {arr.shape}")
    if n < min_features:
        raise ValueError(f"{name} must have at least {min_features} columns (features), got shape {arr.shape}")
    if not allow_zero_columns:
        norms = np.linalg.norm(arr, axis=0)
        zero = np.flatnonzero(norms == 0)
        if zero.size:
            raise ValueError(f"{name} has a zero column (feature {int(zero[0])}); its direction is undefined")
    return arr


def as_rng(rng: Any = None) -> np.random.Generator:
    """Normalise ``rng`` to a :class:`numpy.random.Generator`.

    Accepts a Generator (returned as is), an int seed, a :class:`numpy.random.SeedSequence`,
    or ``None`` (fresh entropy: not reproducible, so library defaults use a fixed seed instead).

    Examples
    --------
    >>> as_rng(0).integers(10) == as_rng(0).integers(10)
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if _is_bool(rng) or not isinstance(rng, numbers.Integral):
        raise TypeError(f"rng must be a numpy.random.Generator, an int seed or None, got {type(rng).__name__}")
    if int(rng) < 0:
        raise ValueError(f"rng seed must be a non-negative integer, got {rng}")
    return np.random.default_rng(int(rng))
