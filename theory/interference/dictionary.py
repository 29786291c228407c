"""Statistics of large real dictionaries (e.g. sparse-autoencoder decoders), streamed over
column blocks so the full Gram matrix is never formed; loading ``.npy``/``.npz``/``.safetensors``."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._io import SUFFIXES, _check_path, inspect_arrays, load_arrays
from theory._validation import (
    as_rng,
    check_array,
    check_bool,
    check_dtype,
    check_frame,
    check_int,
    check_memory,
    check_real,
    check_size,
    estimate_bytes,
)

__all__ = ["DictionaryStats", "dictionary_stats", "load_dictionary", "random_frame_max_cos"]


@dataclass(frozen=True)
class DictionaryStats:
    r"""Interference statistics of a dictionary of ``n`` unit features in ``dim`` dimensions.

    Attributes
    ----------
    dim, n : int
    max_cos : float
        Coherence :math:`\mu = \max_{i\ne j}|\cos(w_i, w_j)|`.
    max_interference : ndarray, shape (n,)
        Per feature, :math:`\max_{j\ne i}|\cos(w_i, w_j)|`.
    nearest : ndarray, shape (n,)
        Per feature, the index of that nearest neighbour (as a line).
    hist_edges : ndarray, shape (bins + 1,)
        Bin edges of the histogram of :math:`|\cos|` on [0, 1].
    hist_counts : ndarray, shape (bins,)
        Number of unordered pairs per bin (sums to n(n-1)/2).
    eps : float
    frac_above_eps : float
        Fraction of unordered pairs with :math:`|\cos| > \varepsilon`.
    k : int
    topk_interference : ndarray, shape (n,)
        Exact worst-case signed k-sparse interference per feature, the sum of its ``k``
        largest :math:`|\cos|` (empty when ``k = 0``).
    welch : float
        The Welch bound :math:`\sqrt{(n-\text{dim})/(\text{dim}(n-1))}` (0 when ``n <= dim``).
    ratio_to_welch : float
        ``max_cos / welch`` (``inf`` when the Welch bound is 0 and ``max_cos > 0``).
    random_max_cos : float or None
        Coherence of one Gaussian random frame of the same shape (when computed).
    ratio_to_random : float or None
    mean_abs_cos, mean_sq_cos : float
        Mean :math:`|\cos|` and :math:`\cos^2` over unordered pairs.

    Examples
    --------
    >>> import numpy as np
    >>> s = dictionary_stats(np.eye(3), k=1, random_null=False)
    >>> s.max_cos, int(s.hist_counts.sum())
    (0.0, 3)
    """

    dim: int
    n: int
    max_cos: float
    max_interference: NDArray[np.float64] = field(repr=False)
    nearest: NDArray[np.int64] = field(repr=False)
    hist_edges: NDArray[np.float64] = field(repr=False)
    hist_counts: NDArray[np.int64] = field(repr=False)
    eps: float
    frac_above_eps: float
    k: int
    topk_interference: NDArray[np.float64] = field(repr=False)
    welch: float
    ratio_to_welch: float
    mean_abs_cos: float
    mean_sq_cos: float
    random_max_cos: float | None = None
    ratio_to_random: float | None = None

    def summary(self) -> str:
        """A human-readable multi-line summary."""
        lines = [
            f"dictionary: n = {self.n} features in dim = {self.dim}",
            f"max |cos| (coherence)      : {self.max_cos:.6f}",
            f"Welch bound                : {self.welch:.6f}   (ratio {self.ratio_to_welch:.3f})",
        ]
        if self.random_max_cos is not None:
            lines.append(f"random frame max |cos|     : {self.random_max_cos:.6f}   (ratio {self.ratio_to_random:.3f})")
        lines += [
            f"mean |cos|, mean cos^2     : {self.mean_abs_cos:.6f}, {self.mean_sq_cos:.6f}"
            f"   (random: ~{math.sqrt(2 / (math.pi * self.dim)):.6f}, {1 / self.dim:.6f})",
            f"pairs with |cos| > {self.eps:g}   : {self.frac_above_eps:.3e}",
            f"median per-feature max |cos|: {float(np.median(self.max_interference)):.6f}",
        ]
        if self.k:
            lines.append(
                f"worst {self.k}-sparse interference: median {float(np.median(self.topk_interference)):.4f}, "
                f"max {float(np.max(self.topk_interference)):.4f}"
            )
        return "\n".join(lines)


def _welch(n: int, dim: int) -> float:
    return math.sqrt((n - dim) / (dim * (n - 1))) if n > dim else 0.0


#: Work (multiply-adds, ``dim * n**2``) from which :func:`dictionary_stats` shows a progress bar.
PROGRESS_MIN_WORK = 3 * 10**12


def dictionary_stats(
    W: ArrayLike,
    *,
    chunk: int = 1024,
    eps: float = 0.1,
    k: int = 8,
    bins: int = 100,
    random_null: bool = True,
    rng: Any = 0,
    dtype: Any = None,
    progress: bool | None = None,
) -> DictionaryStats:
    r"""Interference statistics of a large dictionary, streamed over column blocks.

    Columns are normalised; for each block :math:`B` of ``chunk`` columns the cosines
    :math:`C_B = \hat W^\top \hat W_B` (shape ``(n, chunk)``, one BLAS GEMM) give every
    statistic of those features, then are discarded. Memory is
    :math:`O(n\cdot\text{chunk} + \text{dim}\cdot n)`, never :math:`n^2`; work is one
    :math:`2\,\text{dim}\,n^2` GEMM plus :math:`O(n^2)` reductions.

    .. math::
        \mu = \max_{i \ne j}|\hat w_i^\top \hat w_j|, \quad
        \text{Welch: } \mu \ge \sqrt{\frac{n - d}{d(n-1)}}, \quad
        I_i^{(k)} = \sum_{\text{top-}k,\ j\ne i} |\hat w_i^\top \hat w_j| .

    Parameters
    ----------
    W : array_like, shape (dim, n)
        Features as columns (no zero columns). ``float32`` input is processed in ``float32``.
    chunk : int
        Columns per block.
    eps : float
        Threshold for the fraction of pairs with :math:`|\cos| > \varepsilon`.
    k : int
        Sparsity of the worst-case interference, ``0 <= k <= n - 1`` (0 skips it).
    bins : int
        Histogram bins on [0, 1].
    random_null : bool
        Also compute the coherence of one Gaussian frame of the same shape (same streaming).
    rng : Generator or int
        For the random null.
    dtype : numpy dtype, optional
        Working precision (default: float32 for float32 input, else float64).
    progress : bool, optional
        Show a progress bar (tqdm, on stderr) over the column blocks; by default only for long
        runs (at least ``PROGRESS_MIN_WORK`` multiply-adds, e.g. 65,536 features in dim 768).

    Returns
    -------
    DictionaryStats
        Returns ``ratio_to_welch = inf`` when the Welch bound is 0 (``n <= dim``) and the columns
        are not orthogonal (``max_cos > 0``).

    Examples
    --------
    >>> import numpy as np
    >>> W = np.random.default_rng(0).standard_normal((16, 100))
    >>> s = dictionary_stats(W, chunk=32, k=3, random_null=False)
    >>> bool(s.max_cos >= s.welch)
    True

    References
    ----------
    .. [1] Welch, L. R. (1974). "Lower bounds on the maximum cross correlation of signals."
       IEEE Trans. Inf. Theory 20(3), 397-399. doi:10.1109/TIT.1974.1055219
    .. [2] Bricken, T. et al. (2023). "Towards monosemanticity: decomposing language models with
       dictionary learning." Transformer Circuits Thread.
    """
    random_null = check_bool(random_null, "random_null")
    if progress is not None:
        progress = check_bool(progress, "progress")
    arr = np.asarray(W) if isinstance(W, np.ndarray) else W
    work = (
        check_dtype(dtype, "dtype")
        if dtype is not None
        else (np.float32 if getattr(arr, "dtype", None) == np.float32 else np.float64)
    )
    W = check_frame(arr) if work == np.float64 else _check_frame32(arr)
    dim, n = W.shape
    if n < 2:
        raise ValueError(f"W must have at least 2 columns (features), got shape {W.shape}")
    chunk = check_int(chunk, "chunk", minimum=1)
    eps = check_real(eps, "eps", minimum=0.0, maximum=1.0)
    k = check_int(k, "k", minimum=0)
    if k > (n - 1):
        raise ValueError(f"k must be an integer in [0, {n - 1}], got {k} (W has n={n} columns)")
    bins = check_size(bins, "bins", maximum=10**6, why="one histogram count per bin")
    check_memory(
        estimate_bytes(min(chunk, n), n, itemsize=np.dtype(work).itemsize * 2),
        f"a ({min(chunk, n)}, {n}) block of cosines (lower chunk)",
    )
    norms = np.linalg.norm(W.astype(np.float64, copy=False), axis=0)
    Wn = np.ascontiguousarray((W / norms).astype(work, copy=False).T)  # (n, dim): feature rows
    del norms

    max_int = np.empty(n, dtype=np.float64)
    nearest = np.empty(n, dtype=np.int64)
    topk = np.zeros(n if k else 0, dtype=np.float64)
    counts = np.zeros(bins, dtype=np.int64)
    above = 0
    s_abs = 0.0
    s_sq = 0.0
    show = progress if progress is not None else dim * n * n >= PROGRESS_MIN_WORK
    from tqdm.auto import tqdm

    for start in tqdm(
        range(0, n, chunk), desc="dictionary_stats", unit="block", disable=not show, file=sys.stderr, mininterval=1.0
    ):
        stop = min(n, start + chunk)
        b = stop - start
        rows = np.arange(b)
        C = Wn[start:stop] @ Wn.T  # (b, n): cosines of the block's features with all features
        np.abs(C, out=C)
        C[rows, start + rows] = -1.0  # exclude self-pairs from the per-feature maxima
        idx = np.argmax(C, axis=1)
        nearest[start:stop] = idx
        max_int[start:stop] = C[rows, idx]
        if k:
            topk[start:stop] = _topk_rows(C, k)
        # pair statistics over unordered pairs: the strict upper triangle of the diagonal
        # block, and everything right of it
        iu = np.triu_indices(b, 1)
        parts = [C[:, start:stop][iu], C[:, stop:]]
        for P in parts:
            if P.size == 0:
                continue
            s_abs += float(P.sum(dtype=np.float64))
            sub = "i,i->" if P.ndim == 1 else "ij,ij->"
            s_sq += float(np.einsum(sub, P, P, dtype=np.float64))
            above += int(np.count_nonzero(P > eps))
            q = np.multiply(P, bins, dtype=work).astype(np.uint8 if bins < 255 else np.int64)
            np.minimum(q, bins - 1, out=q)
            counts += np.bincount(q.ravel(), minlength=bins)[:bins]
            del q
        del C, parts
    pairs = n * (n - 1) // 2
    max_cos = float(min(1.0, max_int.max()))
    welch = _welch(n, dim)
    rnd = None
    if random_null:
        rnd = random_frame_max_cos(dim=dim, n=n, rng=rng, chunk=chunk, dtype=work)
    return DictionaryStats(
        dim=dim,
        n=n,
        max_cos=max_cos,
        max_interference=np.minimum(max_int, 1.0),
        nearest=nearest,
        hist_edges=np.linspace(0.0, 1.0, bins + 1),
        hist_counts=counts,
        eps=eps,
        frac_above_eps=above / pairs,
        k=k,
        topk_interference=topk,
        welch=welch,
        ratio_to_welch=(max_cos / welch if welch > 0 else (math.inf if max_cos > 0 else 1.0)),
        mean_abs_cos=s_abs / pairs,
        mean_sq_cos=s_sq / pairs,
        random_max_cos=rnd,
        ratio_to_random=(None if rnd is None else max_cos / rnd),
    )


def _topk_rows(C: NDArray[Any], k: int) -> NDArray[np.float64]:
    """Sum of the k largest entries of each row of ``C`` (self-entries are -1, never chosen).

    Fast path for long rows: the k-th largest entry of a 1/16 subsample is at most the row's
    k-th largest, so thresholding there keeps every top-k entry plus a few more; only those
    candidates are sorted."""
    b, n = C.shape
    if n <= 64 * k or n < 4096:
        part = np.partition(C, n - k, axis=1)[:, n - k :]
        return part.sum(axis=1, dtype=np.float64)
    sub = np.ascontiguousarray(C[:, ::16])
    t = np.partition(sub, sub.shape[1] - k, axis=1)[:, sub.shape[1] - k]
    flat = np.flatnonzero(C >= t[:, None])  # much faster than 2-D np.nonzero
    r = flat // n
    vals = C.ravel()[flat] if C.flags.c_contiguous else C[r, flat % n]
    order = np.lexsort((-vals, r))
    vals = vals[order]
    cnt = np.bincount(r, minlength=b)
    offs = np.concatenate([[0], np.cumsum(cnt)[:-1]])
    take = offs[:, None] + np.arange(k)[None, :]
    return vals[take].sum(axis=1, dtype=np.float64)


def _check_frame32(W: Any) -> NDArray[np.float32]:
    arr = check_array(W, "W", ndim=2, dtype=np.float32)
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"W must be non-empty, got shape {arr.shape}")
    zero = np.flatnonzero(~np.any(arr != 0, axis=0))
    if zero.size:
        raise ValueError(f"W has a zero column (feature {int(zero[0])}); its direction is undefined")
    return arr


def random_frame_max_cos(*, dim: int, n: int, rng: Any = 0, chunk: int = 1024, dtype: Any = np.float64) -> float:
    r"""Coherence of a Gaussian random frame (iid :math:`N(0,1)` columns, normalised), streamed.

    .. math:: \mu(\hat G) = \max_{i\ne j} |\hat g_i^\top \hat g_j|,\qquad g_i \sim N(0, I_{\text{dim}})

    The null model a real dictionary is compared with.

    Parameters
    ----------
    dim, n : int
    rng : Generator or int
    chunk : int
    dtype : float32 or float64

    Returns
    -------
    float

    Examples
    --------
    >>> 0 < random_frame_max_cos(dim=8, n=50, rng=0) <= 1
    True

    References
    ----------
    .. [1] Cai, T. T. and Jiang, T. (2011). "Limiting laws of coherence of random matrices with
       applications to testing covariance structure and construction of compressed sensing
       matrices." Ann. Statist. 39(3), 1496-1525. doi:10.1214/11-AOS879
    """
    dim = check_int(dim, "dim", minimum=1)
    n = check_int(n, "n", minimum=2)
    chunk = check_int(chunk, "chunk", minimum=1)
    dtype = check_dtype(dtype, "dtype")
    check_memory(
        estimate_bytes(n, dim) + estimate_bytes(n, min(chunk, n)), f"a random ({dim}, {n}) frame (dim={dim}, n={n})"
    )
    gen = as_rng(rng)
    R = gen.standard_normal((n, dim)).astype(dtype, copy=False)
    R /= np.linalg.norm(R, axis=1, keepdims=True)
    best = 0.0
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        C = np.abs(R @ R[start:stop].T)
        C[start + np.arange(stop - start), np.arange(stop - start)] = 0.0
        best = max(best, float(C.max()))
    return min(best, 1.0)


def load_dictionary(path: str | Path, key: str | None = None, *, transpose: bool = False) -> NDArray[Any]:
    r"""Load a dictionary (feature matrix) from ``.npy``, ``.npz`` or ``.safetensors``; never unpickles.

    Returns an array of shape ``(dim, n)`` with features as columns: as stored, or transposed
    when ``transpose=True`` (e.g. an embedding matrix stored ``(vocab, dim)``).

    Parameters
    ----------
    path : str or Path
    key : str, optional
        Array name inside an ``.npz`` or ``.safetensors`` file; required when it holds several
        2-D arrays.
    transpose : bool
        Transpose the stored matrix (stored rows are features).

    Returns
    -------
    ndarray, shape (dim, n)
        float32 or float64 (other float types are converted to float32).

    Raises
    ------
    ValueError
        A missing, truncated or damaged file, a header whose shape needs more bytes than the file
        holds or more than 4 GiB, a pickled or non-numeric array (all read through
        ``theory._io``, which checks every header before reading data).

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "W.npy")
    >>> np.save(p, np.eye(3, 5))
    >>> load_dictionary(p).shape
    (3, 5)
    >>> load_dictionary(p, transpose=True).shape
    (5, 3)

    References
    ----------
    .. [1] Hugging Face (2023). "safetensors: a simple, safe way to store and distribute tensors."
       https://github.com/huggingface/safetensors
    """
    transpose = check_bool(transpose, "transpose")
    p = _check_path(path)  # a str or path to an existing file
    if key is not None and not isinstance(key, str):
        raise TypeError(f"key must be a str, got {type(key).__name__}")
    if p.suffix.lower() not in SUFFIXES:
        raise ValueError(f"path must end in .npy, .npz or .safetensors, got {p.name!r}")
    infos = inspect_arrays(p)  # headers only, checked against the file size
    if p.suffix.lower() == ".npy":
        name = str(p)
        key = next(iter(infos))
    elif key is None:
        two_d = [kk for kk, info in infos.items() if info.ndim == 2]
        if len(two_d) != 1:
            raise ValueError(f"{p.name} holds {len(two_d)} 2-D arrays {sorted(two_d)[:10]}; pass key=NAME")
        key = name = two_d[0]
    else:
        if key not in infos:
            raise ValueError(f"key {key!r} not found in {p.name}; available: {sorted(infos)[:20]}")
        name = key
    if infos[key].ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got shape {infos[key].shape}")
    arr = load_arrays(p, [key])[key]
    if arr.dtype.kind not in "fiu":
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float32)
    arr = arr.T if transpose else arr
    return check_array(arr, name, ndim=2, dtype=arr.dtype)
