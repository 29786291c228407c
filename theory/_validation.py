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
    "MAX_ABS_ENTRY",
    "MAX_ABS_ENTRY_FLOAT32",
    "MEMORY_LIMIT_BYTES",
    "as_rng",
    "check_array",
    "check_bool",
    "check_dtype",
    "check_frame",
    "check_int",
    "check_memory",
    "check_probability",
    "check_real",
    "check_size",
    "estimate_bytes",
]

#: Largest single allocation a function makes without being asked to (bytes). Work that would
#: need more is refused before allocating, with the estimate in the message.
MEMORY_LIMIT_BYTES = 4 * 2**30


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` as a ``bool`` after checking it is one (``True``/``False``/``numpy.bool_``).

    Strings, numbers and ``None`` are refused: ``"no"`` is truthy and ``0``/``1`` hide typos.

    Examples
    --------
    >>> check_bool(True, "transpose")
    True
    >>> check_bool("no", "transpose")
    Traceback (most recent call last):
    ...
    TypeError: transpose must be True or False, got 'no' of type str
    """
    if not _is_bool(value):
        raise TypeError(f"{name} must be True or False, got {value!r} of type {type(value).__name__}")
    return bool(value)


def check_dtype(
    dtype: Any, name: str = "dtype", *, allowed: tuple[Any, ...] = (np.float32, np.float64)
) -> np.dtype[Any]:
    """Return ``dtype`` as a :class:`numpy.dtype` after checking it is one of ``allowed``.

    Accepts names (``"float32"``), NumPy types and dtypes; ``None`` and other objects are refused
    with a message naming the argument (NumPy would read ``None`` as float64).

    Examples
    --------
    >>> check_dtype("float32")
    dtype('float32')
    >>> check_dtype(3)
    Traceback (most recent call last):
    ...
    TypeError: dtype must be one of 'float32', 'float64', got 3 of type int
    """
    names = ", ".join(repr(np.dtype(a).name) for a in allowed)
    if dtype is None or _is_bool(dtype) or isinstance(dtype, numbers.Number):
        raise TypeError(f"{name} must be one of {names}, got {dtype!r} of type {type(dtype).__name__}")
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be one of {names}, got {dtype!r} of type {type(dtype).__name__}") from None
    if dt not in [np.dtype(a) for a in allowed]:
        raise ValueError(f"{name} must be one of {names}, got {dtype!r}")
    return dt


def _human(n_bytes: float) -> str:
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
    if n_bytes >= 1024**9:  # beyond yobibytes (and maybe beyond floats): a power of two
        return f"2^{int(n_bytes).bit_length() - 1} B" if isinstance(n_bytes, int) else f"{n_bytes:.3g} B"
    i = 0
    value = float(n_bytes)
    while value >= 1024 and i < len(units) - 1:
        value /= 1024
        i += 1
    return f"{value:.3g} {units[i]}" if value != int(value) else f"{int(value)} {units[i]}"


def estimate_bytes(*sizes: int, itemsize: int = 8) -> int:
    """Bytes of an array of the given sizes, in exact integer arithmetic (never overflows).

    Examples
    --------
    >>> estimate_bytes(10**6, 10**6)
    8000000000000
    """
    total = int(itemsize)
    for s in sizes:
        total *= max(int(s), 0)
    return total


def check_memory(n_bytes: float, what: str, *, limit: float = MEMORY_LIMIT_BYTES) -> None:
    """Refuse work whose estimated memory exceeds ``limit`` bytes, before allocating it.

    Parameters
    ----------
    n_bytes : int or float
        The estimate (see :func:`estimate_bytes`).
    what : str
        What would be allocated, for the message.
    limit : float
        Bytes; default :data:`MEMORY_LIMIT_BYTES` (4 GiB).

    Examples
    --------
    >>> check_memory(8 * 10**6, "codes")
    >>> check_memory(estimate_bytes(10**6, 10**6), "a (10^6, 10^6) float64 array")
    Traceback (most recent call last):
    ...
    ValueError: a (10^6, 10^6) float64 array would need 7.28 TiB (limit 4 GiB); use smaller sizes
    """
    if n_bytes > limit:
        raise ValueError(f"{what} would need {_human(n_bytes)} (limit {_human(limit)}); use smaller sizes")


def check_size(value: Any, name: str, *, minimum: int = 1, maximum: int, why: str = "") -> int:
    """Check a size or count argument before any work: an integer in ``[minimum, maximum]``.

    Like :func:`check_int`, but the upper bound is a resource limit, and the message says so (and
    why), so that a size of 10**12 is refused at once instead of looping or allocating for ever.

    Parameters
    ----------
    value : Any
    name : str
    minimum : int
    maximum : int
        The largest size the function handles in reasonable time and memory.
    why : str, optional
        What the limit protects (e.g. ``"the matrix has order**2 entries"``).

    Examples
    --------
    >>> check_size(12, "order", maximum=16384)
    12
    >>> check_size(10**12, "order", maximum=16384, why="the matrix has order**2 entries")
    Traceback (most recent call last):
    ...
    ValueError: order must be <= 16384 (the matrix has order**2 entries), got 1000000000000
    """
    value = check_int(value, name, minimum=minimum)
    if value > maximum:
        reason = f" ({why})" if why else " (resource limit)"
        raise ValueError(f"{name} must be <= {maximum}{reason}, got {value}")
    return value


def check_int(value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
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


def check_real(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_min: bool = False,
    strict_max: bool = False,
) -> float:
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
    try:
        value = float(value)
    except OverflowError:  # an integer beyond the float range, e.g. 10**400
        raise ValueError(
            f"{name} must be a finite real number, got an integer of {len(str(abs(value)))} "
            "digits, beyond the float range"
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value}")
    if minimum is not None and (value < minimum or (strict_min and value == minimum)):
        op = ">" if strict_min else ">="
        raise ValueError(f"{name} must be {op} {minimum}, got {value}")
    if maximum is not None and (value > maximum or (strict_max and value == maximum)):
        op = "<" if strict_max else "<="
        raise ValueError(f"{name} must be {op} {maximum}, got {value}")
    return value


def check_probability(value: Any, name: str, *, allow_zero: bool = True, allow_one: bool = True) -> float:
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


#: Largest absolute value :func:`check_array` accepts in a float64 array by default. Squares of
#: entries up to ``1e150`` are at most ``1e300``, so a sum of squares over up to ~1e8 entries (norms,
#: Gram matrices, squared errors, variances of arrays of a million entries and more) stays below the
#: float64 maximum ``1.8e308``; one entry of ``1e155`` already makes a single square overflow.
MAX_ABS_ENTRY = 1e150

#: The same rule for float32 (maximum ``3.4e38``): squares of entries up to ``1e16`` are at most
#: ``1e32``, so sums of up to ~1e6 of them stay finite.
MAX_ABS_ENTRY_FLOAT32 = 1e16


_F64 = np.dtype(np.float64)
_F32 = np.dtype(np.float32)


def _magnitude_limit(dtype: np.dtype[Any], max_abs: float) -> float:
    if dtype == _F64:
        return max_abs
    if dtype == _F32:
        return min(max_abs, MAX_ABS_ENTRY_FLOAT32)
    if dtype.itemsize < 4:  # float16: squares overflow beyond ~255
        return min(max_abs, 1e2)
    return max_abs


#: Entries per dot product in :func:`_within`: below the size at which BLAS splits a dot product
#: over threads (erratic on a loaded machine) and small enough to stay in cache.
_SCAN_CHUNK = 8192

#: dtype -> (largest finite value, 1 - twice the worst relative rounding error of a chunk's sum of squares)
_SUM_INFO: dict[np.dtype[Any], tuple[float, float]] = {}


def _within(arr: NDArray[Any], limit: float) -> bool:
    r"""Whether every entry of the float array ``arr`` is finite with absolute value at most ``limit``.

    One pass without a temporary array: the sums of squares :math:`\sum x_i^2` of chunks of the
    array (``np.vdot``, which unlike ``np.dot`` does not warn on overflow). A NaN makes a sum NaN
    and an inf makes it inf, both failing the comparison; a sum at most ``limit**2`` (shrunk by
    twice the chunk's worst relative rounding error) bounds every entry. ``False`` is not
    conclusive (many entries just under the limit): the caller then checks entry by entry.
    """
    dt = arr.dtype
    info = _SUM_INFO.get(dt)
    if info is None:
        fi = np.finfo(dt)
        info = _SUM_INFO[dt] = (float(fi.max), 1.0 - 2 * _SCAN_CHUNK * float(fi.eps))
    if dt.itemsize < 4 or not (arr.flags.c_contiguous or arr.flags.f_contiguous):
        # float16 (too coarse for the sums), or a strided view (min and max need no copy)
        lim = min(limit, info[0])  # finite: an inf entry fails
        return bool(-lim <= np.minimum.reduce(arr, axis=None) and np.maximum.reduce(arr, axis=None) <= lim)
    bound = min(limit * limit, info[0]) * info[1]
    flat = arr.ravel(order="K")
    if flat.size <= _SCAN_CHUNK:
        return bool(np.vdot(flat, flat) <= bound)
    for start in range(0, flat.size, _SCAN_CHUNK):
        chunk = flat[start : start + _SCAN_CHUNK]
        if not np.vdot(chunk, chunk) <= bound:
            return False
    return True


def check_array(
    a: ArrayLike,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    dtype: Any = np.float64,
    finite: bool = True,
    max_abs: float | None = MAX_ABS_ENTRY,
) -> NDArray[Any]:
    r"""Convert ``a`` to an array, checking its number of dimensions, finiteness and magnitude.

    The magnitude rule: a float array's entries must be at most ``max_abs`` in absolute value
    (default :data:`MAX_ABS_ENTRY` ``= 1e150`` for float64, ``1e16`` for float32). The arithmetic:
    almost every quantity the toolkit computes from an array sums squares of its entries (norms,
    Gram matrices, squared errors, variances); with :math:`|a_i| \le 10^{150}` each square is at most
    :math:`10^{300}`, so sums of up to :math:`10^8` squares (arrays of a million entries with room to
    spare) stay below the float64 maximum :math:`1.8 \cdot 10^{308}`, while larger entries would turn
    them into ``inf`` or ``NaN``.
    A caller that never squares the entries (or has its own tighter rule) passes another
    ``max_abs``, or ``None`` to skip the rule, and says why. One pass of sums of squares (the very
    quantity the rule protects) answers both the finiteness and the magnitude check: NaN and inf
    make it non-finite.

    Parameters
    ----------
    a : array_like
    name : str
        The argument's name, used in the messages.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    dtype : dtype, optional
        Conversion target (default float64).
    finite : bool
        Refuse NaN and infinite entries (and apply the magnitude rule).
    max_abs : float or None
        Largest allowed absolute value of an entry (float arrays, with ``finite=True``).

    Examples
    --------
    >>> check_array([[1.0, 2.0]], "W", ndim=2).shape
    (1, 2)
    >>> check_array([1.0, float("inf")], "x")
    Traceback (most recent call last):
    ...
    ValueError: x must contain only finite values (found 1 NaN/inf entries)
    >>> check_array([1.0, -1e300], "W")
    Traceback (most recent call last):
    ...
    ValueError: entries of W must be at most 1e+150 in absolute value (sums of their squares ...), got 1e+300
    >>> check_array([1j], "W")
    Traceback (most recent call last):
    ...
    TypeError: W must be real; got a complex array (take .real, or realify it as [Re; Im] explicitly)
    """
    if isinstance(a, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {type(a).__name__}")
    try:
        complex_input = dtype is not None and np.dtype(dtype).kind in "iuf" and np.iscomplexobj(a)
    except (TypeError, ValueError) as exc:  # a ragged nested list
        raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if complex_input:
        raise TypeError(f"{name} must be real; got a complex array (take .real, or realify it as [Re; Im] explicitly)")
    try:
        arr = np.asarray(a, dtype=dtype)
    except OverflowError:  # an integer beyond the float range, e.g. 10**400
        raise ValueError(
            f"{name} must contain finite real numbers; an entry is an integer beyond the float range"
        ) from None
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must be a {want}-dimensional array, got shape {arr.shape}")
    if finite and arr.dtype.kind in "fc" and arr.size:
        # max_abs=None: no magnitude rule (the scan still refuses NaN and inf)
        limit = math.inf if max_abs is None else _magnitude_limit(arr.dtype, max_abs)
        if not (arr.dtype.kind == "f" and _within(arr, limit)):  # find out which rule failed, for the message
            bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
            if bad:
                raise ValueError(f"{name} must contain only finite values (found {bad} NaN/inf entries)")
            biggest = float(np.max(np.abs(arr)))
            if biggest > limit:
                raise ValueError(
                    f"entries of {name} must be at most {limit:.0e} in absolute value (sums of their squares "
                    f"overflow {arr.dtype.name}), got {biggest:.3g}"
                )
    return arr


def check_frame(
    W: ArrayLike, name: str = "W", *, allow_zero_columns: bool = False, min_features: int = 1
) -> NDArray[np.float64]:
    """Validate a feature matrix of shape ``(dim, n)``: finite, 2-D, non-empty.

    Its entries must be at most :data:`MAX_ABS_ENTRY` in absolute value (the magnitude rule of
    :func:`check_array`).

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
