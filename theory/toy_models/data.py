"""Synthetic sparse features for the toy models."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._validation import as_rng, check_dtype, check_int, check_memory, check_probability, estimate_bytes
from theory.toy_models.config import ToyModelConfig

__all__ = ["sample_features"]

_DTYPES = {"float32": np.float32, "float64": np.float64}


def _dtype(dtype: Any) -> type:
    return _DTYPES[check_dtype(dtype, "dtype").name]


def _sparse_positions(
    p: NDArray[np.float64], size: int, rng: np.random.Generator
) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """Positions of the successes of ``len(p)`` independent Bernoulli(p_g) processes of length
    ``size``, from geometric gaps :math:`\\lfloor \\log(1-u)/\\log(1-p)\\rfloor + 1` (exact).

    Returns (row, position) index arrays, or None when the drawn gaps did not cover a row
    (probability below ~1e-9; the caller then samples densely)."""
    mean = size * p
    kmax = int(np.ceil(np.max(mean + 7.0 * np.sqrt(mean * (1.0 - p)) + 16.0)))
    u = rng.random((p.shape[0], kmax))
    gaps = np.floor(np.log1p(-u) / np.log1p(-p)[:, None])
    pos = np.cumsum(gaps, axis=1) + np.arange(kmax)  # cumsum(gaps + 1) - 1
    if np.any(pos[:, -1] < size):
        return None
    rows, cols = np.nonzero(pos < size)
    return rows, pos[rows, cols].astype(np.int64)


def sample_features(
    config: ToyModelConfig,
    batch_size: int,
    *,
    rng: Any = 0,
    dtype: Any = "float64",
    sparse_threshold: float = 0.05,
    out: NDArray[Any] | None = None,
) -> NDArray[Any]:
    r"""Draw a batch of feature vectors for every instance of ``config``.

    Feature :math:`i` of instance :math:`k` is present with probability :math:`p_{ki}` and then
    uniform on :math:`[0, 1]` (``task="abs"``: on :math:`[-1, 1]`), else 0. Correlated pairs share
    their presence; anti-correlated pairs are never present together (a pair is "on" with
    probability :math:`2p`, then one of its two features is chosen), both keeping density
    :math:`p`.

    One uniform :math:`u` per entry gives both presence and value: given :math:`u < p`,
    :math:`u/p` is uniform on :math:`[0, 1)`. For instances whose density is the same for every
    feature and at most ``sparse_threshold``, the present entries are located directly by
    geometric gaps between successes (exact, and it draws :math:`O(p\,B\,n)` numbers instead of
    :math:`B\,n`).

    Parameters
    ----------
    config : ToyModelConfig
    batch_size : int
        ``B`` (>= 1).
    rng : int or Generator, optional
    dtype : {"float64", "float32"}
    sparse_threshold : float
        In [0, 1]; 0 disables the sparse path.
    out : ndarray, shape (n_instances, batch_size, n_features), optional
        Buffer to fill (C-contiguous, matching ``dtype``).

    Returns
    -------
    ndarray, shape (n_instances, batch_size, n_features)

    Examples
    --------
    >>> cfg = ToyModelConfig(n_features=4, n_hidden=2, n_instances=2, feature_probability=[1.0, 0.01])
    >>> x = sample_features(cfg, 1000, rng=0)
    >>> x.shape, bool((x[0] > 0).all()), bool((x[1] > 0).mean() < 0.05)
    ((2, 1000, 4), True, True)

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    .. [2] Devroye, L. (1986). Non-Uniform Random Variate Generation, ch. X.2 (geometric gaps
       of a Bernoulli process). Springer.
    """
    if not isinstance(config, ToyModelConfig):
        raise TypeError(f"config must be a ToyModelConfig, got {type(config).__name__}")
    B = check_int(batch_size, "batch_size", minimum=1)
    thr = check_probability(sparse_threshold, "sparse_threshold")
    dt = _dtype(dtype)
    shape = (config.n_instances, B, config.n_features)
    check_memory(estimate_bytes(*shape, itemsize=np.dtype(dt).itemsize), f"a batch of batch_size={B} (shape {shape})")
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy array of shape {shape} or None, got {type(out).__name__}")
    if out is not None and (out.shape != shape or out.dtype != dt or not out.flags.c_contiguous):
        raise ValueError(
            f"out must be a C-contiguous {np.dtype(dt).name} array of shape {shape}, got {out.dtype} {out.shape}"
        )
    return _Sampler(config, B, dt, thr).draw(as_rng(rng), out)


class _Sampler:
    """Pre-computed plan for drawing batches of one shape (used by :func:`sample_features` and,
    reused across steps, by the trainer)."""

    def __init__(self, config: ToyModelConfig, B: int, dt: type, thr: float) -> None:
        self.config, self.B, self.dt = config, B, dt
        I, n = config.n_instances, config.n_features
        P = config.probability_matrix
        self.signed = config.task == "abs"
        self.paired = config.n_correlated_pairs + config.n_anticorrelated_pairs > 0
        uniform_rows = np.all(P == P[:, :1], axis=1)
        sparse = (thr > 0) & uniform_rows & (P[:, 0] <= thr) & (not self.paired)
        self.dense_idx = np.flatnonzero(~sparse)
        self.sparse_idx = np.flatnonzero(sparse)
        self.p_sparse = P[self.sparse_idx, 0]
        self.p: NDArray[Any] = P[self.dense_idx][:, None, :].astype(dt)
        # contiguous runs of densely sampled instances: drawn in place, no copies
        self.runs: list[tuple[int, int, NDArray[Any]]] = []
        if not self.paired:
            idx = self.dense_idx
            cuts = np.flatnonzero(np.diff(idx) != 1) + 1
            for run in np.split(idx, cuts) if idx.size else []:
                i0, i1 = int(run[0]), int(run[-1]) + 1
                inv: NDArray[Any] = np.ascontiguousarray(
                    np.broadcast_to((1.0 / P[i0:i1])[:, None, :], (i1 - i0, B, n))
                ).astype(dt)
                self.runs.append((i0, i1, inv))
        self.all_dense = self.dense_idx.size == I

    def draw(
        self, gen: np.random.Generator, out: NDArray[Any] | None = None, keep: NDArray[np.bool_] | None = None
    ) -> Any:
        """Fill ``out`` with a batch. With ``keep`` (a mask over ``sparse_idx``), the entries of
        those instances are returned as a :class:`~theory.toy_models._sparse.SparseBatch`
        (instances numbered within the kept set) instead of written to ``out``; the random
        stream is the same either way."""
        cfg, B, dt = self.config, self.B, self.dt
        I, n = cfg.n_instances, cfg.n_features
        x = np.empty((I, B, n), dtype=dt) if out is None else out
        dense_idx = self.dense_idx
        kept = None
        if self.sparse_idx.size:
            found = _sparse_positions(self.p_sparse, B * n, gen)
            if found is None:  # pragma: no cover - probability < 1e-9
                _Sampler(cfg, B, dt, 0.0).draw(gen, x)
                if keep is None:
                    return x
                from theory.toy_models._sparse import sparse_batch

                return x, sparse_batch(x[self.sparse_idx[keep]])
            rows, pos = found
            vals = gen.random(pos.size, dtype=dt)
            if self.signed:
                vals = 2 * vals - 1
            if keep is not None and keep.any():
                from theory.toy_models._sparse import SparseBatch

                rank = np.cumsum(keep) - 1
                sel = keep[rows]
                kr, kp = rank[rows[sel]], pos[sel]
                kept = SparseBatch(kr, kp // n, kp % n, vals[sel], int(keep.sum()), B, n)
                rows, pos, vals = rows[~sel], pos[~sel], vals[~sel]
                x[self.sparse_idx[~keep]] = 0
            else:
                x[self.sparse_idx] = 0
            x.reshape(I, B * n)[self.sparse_idx[rows], pos] = vals
        if keep is not None and kept is None:
            from theory.toy_models._sparse import SparseBatch

            e = np.zeros(0, dtype=np.int64)
            kept = SparseBatch(e, e, e, np.zeros(0, dtype=dt), int(keep.sum()), B, n)
        if dense_idx.size == 0:
            return x if keep is None else (x, kept)
        if dense_idx.size == 0:
            return x
        nd = dense_idx.size
        if self.paired:
            nc, na = cfg.n_correlated_pairs, cfg.n_anticorrelated_pairs
            p = self.p
            pres = gen.random((nd, B, n), dtype=dt) < p
            k = 2 * nc
            pres[:, :, 1:k:2] = pres[:, :, 0:k:2]
            if na:
                a0, a1 = 2 * nc, 2 * (nc + na)
                on = gen.random((nd, B, na), dtype=dt) < 2 * p[:, :, a0:a1:2]
                first = gen.random((nd, B, na), dtype=dt) < 0.5
                pres[:, :, a0:a1:2] = on & first
                pres[:, :, a0 + 1 : a1 : 2] = on & ~first
            vals = gen.random((nd, B, n), dtype=dt)
            if self.signed:
                vals = 2 * vals - 1
            x[dense_idx] = np.where(pres, vals, dt(0))
            return x if keep is None else (x, kept)
        for i0, i1, inv_p in self.runs:
            xd = x[i0:i1]
            gen.random(dtype=dt, out=xd)
            # given u < p, u / p is uniform on [0, 1): one uniform gives presence and value
            np.multiply(xd, inv_p, out=xd)
            present = xd < 1
            if self.signed:
                xd *= 2
                xd -= 1
            np.multiply(xd, present, out=xd)  # branch-free (copyto with a random mask is slow)
        return x if keep is None else (x, kept)
