"""Converting results to plain JSON data, strictly (sweep stores) or leniently (reports, seeds)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["to_json"]


def to_json(obj: Any, *, strict: bool = False, where: str = "value") -> Any:
    """``obj`` as plain JSON data: dicts, lists, str, int, float, bool and None.

    NumPy scalars become Python numbers and arrays become (nested) lists; tuples become lists.

    Parameters
    ----------
    obj : object
    strict : bool
        ``True`` (what a sweep store needs): refuse NaN/inf, dict keys that are not strings and
        objects of any other type with a ``ValueError``/``TypeError`` naming ``where``.
        ``False`` (reports, seeds derived from parameters): keep floats as they are, turn keys into
        strings and anything else into its ``repr``.
    where : str
        How to name ``obj`` in error messages.

    Examples
    --------
    >>> import numpy as np
    >>> to_json({"a": np.float64(0.5), "b": (1, np.int64(2)), "c": np.arange(2)})
    {'a': 0.5, 'b': [1, 2], 'c': [0, 1]}
    >>> to_json({1: object}) == {"1": repr(object)}
    True
    >>> to_json({"x": float("nan")}, strict=True, where="cell")
    Traceback (most recent call last):
    ...
    ValueError: cell['x'] is nan; JSON cannot hold NaN or infinity, ...
    """
    if not strict:
        return _lenient(obj)
    return _strict(obj, where)


def _lenient(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _lenient(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_lenient(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return repr(obj)


def _strict(obj: Any, where: str) -> Any:
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        if not math.isfinite(x):
            raise ValueError(
                f"{where} is {x!r}; JSON cannot hold NaN or infinity, so use None "
                "or a string (e.g. 'nan') for an undefined number"
            )
        return x
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "biuf":
            if obj.dtype.kind == "f" and not np.all(np.isfinite(obj)):
                bad = tuple(int(i) for i in np.argwhere(~np.isfinite(obj))[0])
                raise ValueError(
                    f"{where} is an array with a non-finite entry at index {bad}; JSON cannot hold NaN or infinity"
                )
            return obj.tolist()
        return _strict(obj.tolist(), where)
    if isinstance(obj, Mapping):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, str):
                raise TypeError(f"{where} has a key {k!r} of type {type(k).__name__}; JSON object keys must be strings")
            out[k] = _strict(v, f"{where}[{k!r}]")
        return out
    if isinstance(obj, (list, tuple)):
        return [_strict(v, f"{where}[{i}]") for i, v in enumerate(obj)]
    raise TypeError(
        f"{where} must be JSON-serialisable (None, bool, int, float, str, list, tuple, "
        f"dict with str keys, NumPy scalar or array), got {obj!r} of type "
        f"{type(obj).__name__}"
    )
