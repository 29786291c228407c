"""Sparse forward/backward pass of the ReLU-output model: work only on the present inputs.

When the feature density ``p`` is small most entries of a batch are zero, and most *rows*
(examples) are entirely zero when ``p·n`` is small. For such a row ``h = Wx = 0`` and the output
is ``σ(b)``, the same for every empty row, so all empty rows together contribute in closed form.
The remaining rows are compacted (padded to the largest count over instances), the encoder
``h = Wx`` and its weight gradient ``xᵀ(δWᵀ)`` are sparse-dense products over the present entries
only (a CSR matrix built directly from the sampled positions), and the decoder runs densely on
the compacted rows.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

__all__ = ["SparseBatch", "sparse_batch", "sparse_loss_and_gradients"]


class SparseBatch(NamedTuple):
    """Present entries of a batch of ``n_instances`` instances, in row-major order.

    ``inst``, ``row``, ``col`` (int64) and ``vals`` (float) all have shape ``(E,)``; entry ``e`` is
    ``x[inst[e], row[e], col[e]] = vals[e]``, sorted by ``(inst, row, col)``."""

    inst: NDArray[np.int64]
    row: NDArray[np.int64]
    col: NDArray[np.int64]
    vals: NDArray[Any]
    n_instances: int
    batch_size: int
    n_features: int


def sparse_batch(x: NDArray[Any]) -> SparseBatch:
    """The present (nonzero) entries of a dense batch ``x`` of shape (n_instances, B, n)."""
    inst, row, col = np.nonzero(x)
    return SparseBatch(
        inst.astype(np.int64),
        row.astype(np.int64),
        col.astype(np.int64),
        x[inst, row, col],
        x.shape[0],
        x.shape[1],
        x.shape[2],
    )


def sparse_loss_and_gradients(
    W: NDArray[Any],
    b: NDArray[Any],
    importance: NDArray[Any],
    batch: SparseBatch,
    *,
    relu: bool = True,
    with_loss: bool = True,
) -> tuple[NDArray[Any] | None, NDArray[Any], NDArray[Any]]:
    r"""Loss and gradients of the reconstruct model from the present entries only.

    Same quantities as :func:`theory.toy_models.loss_and_gradients` (``h = Wx``,
    ``z = Wᵀh + b``, ``L = (1/Bn) Σ I_i (σ(z) − x)²``): with :math:`R` the non-empty rows,
    :math:`c = 2/(Bn)` and :math:`\delta = c\,I\odot(\sigma(z)-x)\odot\sigma'(z)` on them,

    .. math::
        L = \frac{1}{Bn}\Big[\sum_{\beta\in R}\sum_i I_i(\sigma(z_{\beta i}) - x_{\beta i})^2
            + (B - |R|)\sum_i I_i \sigma(b_i)^2\Big],\\
        \nabla_W L = h_R^\top\delta + x_R^\top(\delta W^\top),\quad
        \nabla_b L = \sum_{\beta\in R}\delta_\beta + (B-|R|)\,c\,I\odot\sigma(b)\odot\sigma'(b).

    Parameters
    ----------
    W : ndarray, shape (n_instances, dim, n)
    b : ndarray, shape (n_instances, n)
    importance : ndarray, shape (n_instances, n)
    batch : SparseBatch
    relu : bool
        ReLU output (else linear).
    with_loss : bool
        Also return the per-instance loss (else None).

    Returns
    -------
    loss : ndarray, shape (n_instances,) or None
    gW : ndarray, shape (n_instances, dim, n)
    gb : ndarray, shape (n_instances, n)

    Examples
    --------
    >>> from theory.toy_models import ToyModelConfig, init_params, sample_features, loss_and_gradients
    >>> cfg = ToyModelConfig(n_features=50, n_hidden=5, n_instances=2, feature_probability=0.002)
    >>> params, x = init_params(cfg, rng=0), sample_features(cfg, 512, rng=1)
    >>> loss, gW, gb = sparse_loss_and_gradients(params["W"], params["b"], cfg.importance_matrix,
    ...                                          sparse_batch(x))
    >>> ref_loss, ref = loss_and_gradients(cfg, params, x)
    >>> bool(np.allclose(loss, ref_loss) and np.allclose(gW, ref["W"]) and np.allclose(gb, ref["b"]))
    True

    References
    ----------
    .. [1] Elhage, N. et al. (2022). Toy Models of Superposition. arXiv:2209.10652.
    """
    S, m, n = W.shape
    B = batch.batch_size
    dt = W.dtype.type
    c = 2.0 / (B * n)
    # non-empty rows: keys sorted because the entries are
    key = batch.inst * B + batch.row
    E = key.size
    if E:
        new = np.empty(E, dtype=bool)
        new[0] = True
        np.not_equal(key[1:], key[:-1], out=new[1:])
        starts = np.flatnonzero(new)
        row_inst = batch.inst[starts]
        counts = np.bincount(row_inst, minlength=S)
    else:
        starts = np.zeros(0, dtype=np.int64)
        row_inst = starts
        counts = np.zeros(S, dtype=np.int64)
    R = max(int(counts.max()) if S else 0, 1)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    local = np.arange(starts.size) - first[row_inst]
    prow = row_inst * R + local  # padded row of each non-empty row
    entry_prow = np.repeat(prow, np.diff(np.append(starts, E)))
    indptr = np.zeros(S * R + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(entry_prow, minlength=S * R))
    X = sps.csr_matrix((batch.vals.astype(dt, copy=False), batch.inst * n + batch.col, indptr), shape=(S * R, S * n))
    Wt = np.ascontiguousarray(W.transpose(0, 2, 1)).reshape(S * n, m)
    hb = np.zeros((S, R, m + 1), dtype=dt)
    hb[:, :, :m] = np.asarray(X @ Wt).reshape(S, R, m)
    hb.reshape(S * R, m + 1)[prow, m] = 1.0
    Wb = np.concatenate([W, b[:, None, :]], axis=1)
    z = np.matmul(hb, Wb)
    xr = np.zeros((S, R, n), dtype=dt)
    xr.reshape(S * R, n)[entry_prow, batch.col] = batch.vals
    imp = importance.astype(dt)[:, None, :]
    err = (np.maximum(z, 0) if relu else z) - xr
    loss = None
    sb = np.maximum(b, 0) if relu else b
    empty = (B - counts).astype(dt)
    if with_loss:
        loss = (
            np.einsum("kbi,kbi->k", imp * err, err) + empty * np.einsum("ki,ki->k", importance.astype(dt) * sb, sb)
        ) / (B * n)
    if relu:
        err *= z > 0
    err *= imp
    err *= dt(c)  # err now holds δ (zero on padding rows)
    gWb = np.matmul(hb.transpose(0, 2, 1), err)
    dh = np.matmul(err, W.transpose(0, 2, 1)).reshape(S * R, m)
    gWb[:, :m, :] += np.asarray(X.T @ dh).reshape(S, n, m).transpose(0, 2, 1)
    gb = gWb[:, m, :] + (empty * dt(c))[:, None] * importance.astype(dt) * sb
    return loss, gWb[:, :m, :], gb
