"""Input checks shared by the sparse-coding pillar: dictionaries, data, codes and memory."""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import MEMORY_LIMIT_BYTES, check_array, check_frame, check_memory
from theory._warnings import TheoryWarning

__all__ = ["MEMORY_LIMIT_BYTES", "check_data", "check_dictionary", "check_memory"]


def check_dictionary(
    D: ArrayLike, name: str = "D", *, data_dim: int | None = None, normalize: bool = False, data_name: str = "x"
) -> NDArray[np.float64]:
    """Validate a dictionary of shape ``(dim, n)``: finite, 2-D, no zero column.

    Parameters
    ----------
    D : array_like, shape (dim, n)
        Column ``i`` is atom (feature) ``i``.
    data_dim : int, optional
        The dimension of the data it will be used with. When ``D.shape[1] == data_dim !=
        D.shape[0]`` the dictionary is stored transposed (as SAE decoders are, ``(n, dim)``) and a
        ``ValueError`` says to pass ``D.T``.
    normalize : bool
        Return the columns scaled to unit norm.
    data_name : str
        Name of the data argument, for the message when the dimensions disagree.

    Warns
    -----
    TheoryWarning
        Without ``data_dim``, when ``D`` has more rows than columns and its rows, not its
        columns, have unit norm: the usual sign of an ``(n, dim)`` decoder passed as is.

    Examples
    --------
    >>> check_dictionary([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]]).shape
    (2, 3)
    >>> check_dictionary([[1.0, 0.0, 0.6], [0.0, 1.0, 0.8]], data_dim=3)
    Traceback (most recent call last):
    ...
    ValueError: D has shape (2, 3) but the data has dimension 3: it looks transposed ...
    """
    arr = check_frame(D, name)
    dim, n = arr.shape
    if data_dim is not None and dim != data_dim:
        if n == data_dim:
            raise ValueError(
                f"{name} has shape {arr.shape} but the data has dimension {data_dim}: it looks "
                f"transposed (an (n, dim) layout); pass {name}.T, of shape (dim, n)"
            )
        raise ValueError(
            f"{name} has {dim} rows but the data has dimension {data_dim} ({data_name} has "
            f"{data_dim} columns); {name} must have shape (dim, n)"
        )
    if data_dim is None and dim > n:
        rows = np.linalg.norm(arr, axis=1)
        cols = np.linalg.norm(arr, axis=0)
        if np.allclose(rows, 1.0, atol=1e-3) and not np.allclose(cols, 1.0, atol=1e-3):
            warnings.warn(
                f"{name} has shape {arr.shape} with unit-norm rows: it looks like an (n, dim) "
                f"decoder; the toolkit expects (dim, n) with one atom per column, so pass {name}.T",
                TheoryWarning,
                stacklevel=3,
            )
    if normalize:
        arr = arr / np.linalg.norm(arr, axis=0)
    return arr


def check_data(x: ArrayLike, name: str = "x", *, dim: int | None = None) -> NDArray[np.float64]:
    """Validate data of shape ``(batch, dim)`` (a single vector of shape ``(dim,)`` becomes one row).

    Examples
    --------
    >>> check_data([1.0, 2.0]).shape
    (1, 2)
    >>> check_data([[1.0, 2.0]], dim=3)
    Traceback (most recent call last):
    ...
    ValueError: x must have shape (batch, 3), got (1, 2)
    """
    arr = check_array(x, name, ndim=(1, 2))
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"{name} must have at least one sample and one dimension, got shape {arr.shape}")
    if dim is not None and arr.shape[1] != dim:
        raise ValueError(f"{name} must have shape (batch, {dim}), got {arr.shape}")
    return arr
