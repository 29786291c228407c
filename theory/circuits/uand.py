r"""The universal AND (U-AND) layer and Boolean inputs stored in superposition.

One ReLU layer ``a = ReLU(W x + b)`` of ``d`` neurons from which the AND of every pair (or
every ``k``-tuple) of ``m`` Boolean inputs can be read off linearly, for sparse inputs, with
``d`` far smaller than ``C(m, 2)`` (Hänni, Mendel, Vaintrob & Chan 2024).

* ``kind="bernoulli"`` (the papers' construction): ``W_{ri} ~ Bernoulli(p)`` iid, bias
  ``-(k-1)``; the AND of gate ``S`` is the mean of ``a_r`` over the neurons wired to every
  input of ``S``. For all pairs at once:
  :math:`\hat Y = (W^\top \mathrm{diag}(a) W) \oslash (W^\top W)` (0 where no neuron covers a pair).
* ``kind="rademacher"`` / ``"gaussian"``: dense iid ``±1`` / ``N(0,1)`` weights, bias 0, the
  sign read-off :math:`\hat y_{ij} = \frac{1}{d\,g}\sum_r \mathrm{sgn} W_{ri}\,\mathrm{sgn} W_{rj}\, a_r`,
  unbiased when the gain ``g = g(s-2)`` is calibrated for ``s`` active inputs
  (:func:`theory.circuits.random_gain`).

With ``embedding`` the inputs are stored in superposition, ``h = F x`` (``F`` of shape
``(dim, m)``), and the layer's weights on ``h`` are :math:`W F^\top` (shape ``(d, dim)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray

from theory._validation import (
    as_rng,
    check_array,
    check_int,
    check_memory,
    check_probability,
    check_size,
    estimate_bytes,
)
from theory.circuits.moments import KINDS, optimal_p, paper_p, random_gain

__all__ = ["Embedding", "UAnd", "all_pairs", "embed_features", "sparse_inputs", "uand"]

#: Largest m for which the dense all-pairs read-off (batch, m, m) is formed.
DENSE_ALL_PAIRS_MAX_M = 4096


def all_pairs(m: int) -> NDArray[np.int64]:
    """All pairs ``i < j`` of ``range(m)``, shape ``(m(m-1)/2, 2)``, row-major order.

    Examples
    --------
    >>> all_pairs(3).tolist()
    [[0, 1], [0, 2], [1, 2]]
    """
    m = check_int(m, "m", minimum=2)
    check_memory(estimate_bytes(m, m, 2), f"all pairs i < j of m={m} inputs")
    i, j = np.triu_indices(m, k=1)
    return np.stack([i, j], axis=1).astype(np.int64)


def _check_boolean(x: ArrayLike, m: int, name: str = "x") -> tuple[NDArray[np.float64], bool]:
    arr = check_array(x, name, ndim=(1, 2))
    if arr.shape[-1] != m:
        raise ValueError(f"{name} must have m={m} entries per row, got shape {arr.shape}")
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must be Boolean (entries 0 or 1)")
    return np.atleast_2d(arr), arr.ndim == 1


@dataclass(frozen=True)
class Embedding:
    r"""``m`` Boolean features stored as near-orthogonal directions in ``R^dim``.

    Attributes
    ----------
    F : ndarray, shape (dim, m)
        Column ``i`` is feature ``i``'s unit direction (random signs ``±1/sqrt(dim)``).

    Examples
    --------
    >>> E = embed_features(m=5, dim=400, rng=0)
    >>> h = E.embed([1, 0, 0, 1, 0]); h.shape
    (400,)
    >>> x_hat = E.read(h)                 # x + interference of std ~ 1/sqrt(dim)
    >>> (np.abs(x_hat - [1, 0, 0, 1, 0]) < 0.25).all()
    True
    """

    F: NDArray[np.float64] = field(repr=False)

    @property
    def dim(self) -> int:
        """Ambient dimension."""
        return int(self.F.shape[0])

    @property
    def m(self) -> int:
        """Number of features."""
        return int(self.F.shape[1])

    def embed(self, x: ArrayLike) -> NDArray[np.float64]:
        """``h = F x`` for Boolean ``x`` of shape ``(batch, m)`` or ``(m,)``; returns
        ``(batch, dim)`` or ``(dim,)``."""
        arr, single = _check_boolean(x, self.m)
        h = arr @ self.F.T
        return h[0] if single else h

    def read(self, h: ArrayLike) -> NDArray[np.float64]:
        """Linear read-off ``Fᵀ h`` of every feature: ``x_i + Σ_{j≠i} <f_i, f_j> x_j``."""
        arr = check_array(h, "h", ndim=(1, 2))
        if arr.shape[-1] != self.dim:
            raise ValueError(f"h must have dim={self.dim} entries per row, got shape {arr.shape}")
        return arr @ self.F


def embed_features(*, m: int, dim: int, rng: Any = 0, kind: str = "rademacher") -> Embedding:
    r"""Store ``m`` Boolean features in superposition as random directions in ``R^dim``
    (:func:`theory.geometry.random_frame` with ``kind="rademacher"`` or ``"sphere"``).

    ``F_{ai} = ε_{ai}/\sqrt{dim}`` with iid signs (``kind="rademacher"``) or
    ``F_{ai} = g_{ai}/\|g_i\|`` (``"gaussian"``): unit columns with
    :math:`E\langle f_i, f_j\rangle = 0`, :math:`\mathrm{Var}\langle f_i, f_j\rangle = 1/dim`, so
    the interference on a read-off :math:`f_i^\top F x` from ``s`` active features is zero-mean
    with variance ``≈ s/dim``.

    Parameters
    ----------
    m : int
        Number of features.
    dim : int
        Ambient dimension ``d0``.
    rng : int or Generator
    kind : {"rademacher", "gaussian"}

    Returns
    -------
    Embedding

    Examples
    --------
    >>> E = embed_features(m=1000, dim=256, rng=0)
    >>> E.F.shape, bool(np.allclose(np.linalg.norm(E.F, axis=0), 1))
    ((256, 1000), True)

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451 (inputs in superposition).
    .. [2] Achlioptas, D. (2003). Database-friendly random projections. J. Comput. Syst. Sci.
       66(4), 671-687.
    """
    from theory.geometry import random_frame

    m = check_int(m, "m", minimum=1)
    dim = check_int(dim, "dim", minimum=1)
    check_memory(estimate_bytes(dim, m), f"an embedding of shape (dim={dim}, m={m})")
    if kind not in ("rademacher", "gaussian"):
        raise ValueError(f"kind must be 'rademacher' or 'gaussian', got {kind!r}")
    # the geometry pillar's random frames: +-1/sqrt(dim) entries, or normalised Gaussian columns
    return Embedding(random_frame(dim, m, kind="rademacher" if kind == "rademacher" else "sphere", rng=rng))


def _check_weights(W: Any, kind: str) -> Any:
    """U-AND weights of shape ``(d, m)``: a 0/1 CSR matrix (Bernoulli) or a finite dense array."""
    if sps.issparse(W):
        if W.ndim != 2:
            raise ValueError(f"W must be 2-dimensional, got shape {W.shape}")
        if kind != "bernoulli":
            check_memory(estimate_bytes(*W.shape), f"W of shape {W.shape} as a dense array")
            W = W.toarray()
        else:
            W = sps.csr_matrix(W)
            if W.dtype.kind not in "biuf":
                raise TypeError(f"W must hold real numbers, got dtype {W.dtype}")
    if not sps.issparse(W):
        W = check_array(W, "W", ndim=2)
    d, m = W.shape
    if d < 1 or m < 2:
        raise ValueError(f"W must have shape (d, m) with d >= 1 neurons and m >= 2 inputs, got {W.shape}")
    if kind == "bernoulli":
        values = W.data if sps.issparse(W) else W
        if not np.all((values == 0) | (values == 1)):
            raise ValueError("W must have 0/1 entries for kind='bernoulli'")
        return sps.csr_matrix(W, dtype=np.int8)
    return W


class UAnd:
    r"""A U-AND layer: weights, bias, read-off; see :func:`uand` for the construction.

    Attributes
    ----------
    kind : str
    m, d, fan_in : int
    p : float or None
        Connection probability (Bernoulli).
    W : scipy.sparse.csr_matrix (Bernoulli) or ndarray, shape (d, m)
    bias : ndarray, shape (d,)
    embedding : Embedding or None
    pairs : ndarray of int, shape (K, fan_in), or None
        Default gates of :meth:`UAnd.read`.
    calibration_s : int or None
        Sparsity the sign read-off gain is calibrated for (random kinds).

    Parameters
    ----------
    kind : {"bernoulli", "rademacher", "gaussian"}
    W : array_like or scipy.sparse matrix, shape (d, m)
        Weights: 0/1 entries for ``"bernoulli"`` (stored sparse), finite reals otherwise.
    bias : array_like, shape (d,)
    fan_in : int
        Gate fan-in, ``1 <= fan_in <= m``; 2 for the random kinds.
    p : float in (0, 1] or None
        The Bernoulli connection probability the weights were drawn with (None if unknown);
        None for the random kinds.
    embedding : Embedding or None
        Inputs in superposition (``embedding.m == m``).
    pairs : array_like of int, shape (K, fan_in), or None
    calibration_s : int or None
        ``>= 2`` for the random kinds (their gain needs it), None for ``"bernoulli"``.

    Examples
    --------
    >>> W = np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    >>> net = UAnd(kind="bernoulli", W=W, bias=np.full(4, -1.0), fan_in=2, p=0.5, embedding=None,
    ...            pairs=[[0, 1], [1, 2]], calibration_s=None)
    >>> net
    UAnd(kind='bernoulli', m=3, d=4, fan_in=2, p=0.5)
    >>> net.read(net.forward([1, 1, 0])).tolist()   # AND(x0, x1) exact; x0 adds 0.5 to AND(x1, x2)
    [1.0, 0.5]
    """

    def __init__(
        self,
        *,
        kind: str,
        W: Any,
        bias: NDArray[np.float64],
        fan_in: int,
        p: float | None,
        embedding: Embedding | None,
        pairs: NDArray[np.int64] | None,
        calibration_s: int | None,
    ) -> None:
        if not isinstance(kind, str):
            raise TypeError(f"kind must be one of {KINDS}, got {kind!r} of type {type(kind).__name__}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        self.kind = kind
        self.W = _check_weights(W, kind)
        self.d, self.m = self.W.shape
        b = check_array(bias, "bias", ndim=1)
        if b.shape != (self.d,):
            raise ValueError(f"bias must have shape (d,) = ({self.d},) like W's rows, got {b.shape}")
        self.bias = b
        self.fan_in = check_int(fan_in, "fan_in", minimum=1, maximum=self.m)
        if kind != "bernoulli" and self.fan_in != 2:
            raise ValueError(f"fan_in must be 2 for kind={kind!r}, got {self.fan_in}")
        if p is not None:
            if kind != "bernoulli":
                raise ValueError(f"p applies to kind='bernoulli' only, got p={p!r}")
            p = check_probability(p, "p", allow_zero=False)
        self.p = p
        if embedding is not None:
            if not isinstance(embedding, Embedding):
                raise TypeError(f"embedding must be an Embedding or None, got {type(embedding).__name__}")
            if embedding.m != self.m:
                raise ValueError(f"embedding stores {embedding.m} features but W has m={self.m} columns")
        self.embedding = embedding
        if kind == "bernoulli":
            if calibration_s is not None:
                raise ValueError(f"calibration_s applies to the random kinds only, got {calibration_s!r}")
        else:
            if calibration_s is None:
                raise ValueError(f"calibration_s (an integer >= 2) is needed for kind={kind!r}")
            calibration_s = check_int(calibration_s, "calibration_s", minimum=2)
        self.calibration_s = calibration_s
        self.gain = random_gain(s_other=calibration_s - 2, kind=kind) if calibration_s is not None else None
        self._dense_bool: NDArray[np.bool_] | None = None
        self._signs: NDArray[np.float64] | None = None
        self._coverage_all: NDArray[np.int64] | None = None
        self.pairs = None if pairs is None else self._check_pairs(pairs)
        self._R = None if self.pairs is None else self.readout_matrix(self.pairs)

    def __repr__(self) -> str:
        emb = "" if self.embedding is None else f", dim={self.embedding.dim}"
        p = "" if self.p is None else f", p={self.p:.4g}"
        return f"UAnd(kind={self.kind!r}, m={self.m}, d={self.d}, fan_in={self.fan_in}{p}{emb})"

    # ----------------------------------------------------------------------------- helpers
    @property
    def _Wb(self) -> NDArray[np.bool_]:
        if self._dense_bool is None:
            self._dense_bool = self.W.toarray().astype(bool)
        return self._dense_bool

    @property
    def _S(self) -> NDArray[np.float64]:
        if self._signs is None:
            self._signs = np.sign(self.W)
        return self._signs

    def _check_pairs(self, pairs: ArrayLike) -> NDArray[np.int64]:
        if isinstance(pairs, (str, bytes)):
            raise TypeError(f"pairs must be an integer array of shape (K, fan_in), got {type(pairs).__name__}")
        try:
            arr = np.asarray(pairs)
        except (TypeError, ValueError) as exc:  # ragged
            raise TypeError(f"pairs must be an integer array of shape (K, fan_in): {exc}") from None
        if arr.ndim == 1 and arr.size == self.fan_in:
            arr = arr[None, :]
        if arr.ndim != 2 or arr.shape[1] != self.fan_in:
            raise ValueError(f"pairs must have shape (K, fan_in={self.fan_in}), got {arr.shape}")
        if arr.size and (arr.dtype.kind not in "iu" or arr.min() < 0 or arr.max() >= self.m):
            raise ValueError(f"pairs must hold integer input indices in [0, {self.m - 1}]")
        if self.fan_in > 1 and arr.size and np.any(np.diff(np.sort(arr, axis=1), axis=1) == 0):
            raise ValueError("each gate in pairs must have distinct inputs")
        return arr.astype(np.int64)

    # ----------------------------------------------------------------------------- forward
    def forward(self, x: ArrayLike) -> NDArray[np.float64]:
        """Activations ``a = ReLU(W x + b)`` for Boolean ``x`` (through the embedding, if any:
        ``ReLU(W Fᵀ F x + b)``).

        Parameters
        ----------
        x : array_like, shape (batch, m) or (m,)

        Returns
        -------
        ndarray, shape (batch, d) or (d,)
        """
        arr, single = _check_boolean(x, self.m)
        if self.embedding is not None:
            a = self._forward_h(arr @ self.embedding.F.T)
        else:
            a = np.maximum(np.asarray(self.W @ arr.T).T + self.bias, 0.0)
        return a[0] if single else a

    def forward_embedded(self, h: ArrayLike) -> NDArray[np.float64]:
        """Activations ``ReLU(W Fᵀ h + b)`` for embedded inputs ``h`` of shape ``(batch, dim)``."""
        if self.embedding is None:
            raise ValueError("forward_embedded needs a UAnd built with an embedding")
        arr = check_array(h, "h", ndim=(1, 2))
        if arr.shape[-1] != self.embedding.dim:
            raise ValueError(f"h must have dim={self.embedding.dim} entries per row, got {arr.shape}")
        a = self._forward_h(np.atleast_2d(arr))
        return a[0] if arr.ndim == 1 else a

    def _forward_h(self, h: NDArray[np.float64]) -> NDArray[np.float64]:
        assert self.embedding is not None  # both callers check it
        xr = h @ self.embedding.F  # (batch, m): Fᵀ h
        return np.maximum(np.asarray(self.W @ xr.T).T + self.bias, 0.0)

    # ----------------------------------------------------------------------------- read-off
    def coverage(self, pairs: ArrayLike) -> NDArray[np.int64]:
        """Number of neurons wired to every input of each gate (Bernoulli), shape ``(K,)``."""
        pairs = self._check_pairs(pairs)
        if self.kind != "bernoulli":
            return np.full(len(pairs), self.d, dtype=np.int64)
        return self._incidence(pairs).sum(axis=0).A1.astype(np.int64)

    def _incidence(self, pairs: NDArray[np.int64]) -> sps.csc_matrix:
        Wc = self.W.tocsc()
        P = Wc[:, pairs[:, 0]]
        for c in range(1, self.fan_in):
            P = P.multiply(Wc[:, pairs[:, c]])
        return sps.csc_matrix(P)

    def readout_matrix(self, pairs: ArrayLike) -> sps.csr_matrix:
        r"""The linear read-off ``R`` of shape ``(K, d)``: ``ŷ = R a``.

        Bernoulli: ``R_{S r} = Π_{i∈S} W_{ri} / N_S`` (zero row if ``N_S = 0``), sparse.
        Random kinds: ``R_{ij, r} = sgn W_{ri} sgn W_{rj} / (d g)``.
        """
        pairs = self._check_pairs(pairs)
        if self.kind == "bernoulli":
            P = self._incidence(pairs)
            N = P.sum(axis=0).A1
            inv = np.divide(1.0, N, out=np.zeros(len(N)), where=N > 0)
            return sps.csr_matrix((P @ sps.diags(inv)).T)
        S = self._S
        R = S[:, pairs[:, 0]] * S[:, pairs[:, 1]] / (self.d * self.gain)
        return sps.csr_matrix(R.T)

    def read(self, a: ArrayLike, pairs: ArrayLike | None = None) -> Any:
        r"""Read the AND of gates from activations.

        Parameters
        ----------
        a : array_like, shape (batch, d) or (d,)
            Activations from :meth:`forward`.
        pairs : array_like of int, shape (K, fan_in), optional
            Gates to read. Default: the layer's ``pairs``; if it has none (fan-in 2), all pairs
            as a dense ``(batch, m, m)`` array (``m <= 4096``; use :meth:`read_all_sparse`
            for larger ``m``), computed as :math:`(W^\top \mathrm{diag}(a) W) \oslash (W^\top W)`
            over the active neurons only.

        Returns
        -------
        ndarray, shape (batch, K) or (K,), or (batch, m, m) / (m, m) for all pairs (entry
        ``[i, j]``, ``i < j``, is ``AND(x_i, x_j)``; the diagonal and lower triangle are 0).
        """
        arr = check_array(a, "a", ndim=(1, 2))
        if arr.shape[-1] != self.d:
            raise ValueError(f"a must have d={self.d} entries per row, got shape {arr.shape}")
        single = arr.ndim == 1
        A = np.atleast_2d(arr)
        if pairs is None and self.pairs is None:
            out = self._read_all_dense(A)
        else:
            R = self._R if pairs is None else self.readout_matrix(pairs)
            out = np.asarray((R @ A.T).T)
        return out[0] if single else out

    def _read_all_dense(self, A: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.fan_in != 2:
            raise ValueError("the all-pairs read-off needs fan_in=2; pass pairs for other fan-ins")
        if self.m > DENSE_ALL_PAIRS_MAX_M:
            raise ValueError(
                f"dense all-pairs read-off needs m <= {DENSE_ALL_PAIRS_MAX_M} "
                f"(got m={self.m}); use iter_all_pairs, read_all_sparse or pass pairs"
            )
        out = np.empty((A.shape[0], self.m, self.m))
        if self.kind == "bernoulli":
            if self._coverage_all is None:
                Wf = self.W.astype(np.float64)
                self._coverage_all = np.asarray((Wf.T @ Wf).toarray())
            N = self._coverage_all
            Wr = self.W.tocsr().astype(np.float64)
            for b in range(A.shape[0]):
                rows = np.flatnonzero(A[b])
                Wa = Wr[rows]
                num = (Wa.T @ sps.diags(A[b, rows]) @ Wa).toarray()
                out[b] = np.divide(num, N, out=np.zeros_like(num), where=N > 0)
        else:
            S = self._S
            for b in range(A.shape[0]):
                rows = np.flatnonzero(A[b])
                Sa = S[rows]
                out[b] = (Sa.T * A[b, rows]) @ Sa / (self.d * self.gain)
        return np.triu(out, k=1)

    def iter_all_pairs(self, a: ArrayLike, *, block: int = 1024):
        r"""All-pairs read-off of one sample in row blocks, for any ``m`` (all kinds, fan-in 2).

        Yields ``(i0, i1, Y)`` with ``Y`` of shape ``(i1 - i0, m)``: row ``i - i0`` holds the
        read-off of ``AND(x_i, x_j)`` for ``j > i`` (entries ``j <= i`` are 0), computed as
        rows ``i0:i1`` of :math:`(W_A^\top \mathrm{diag}(a_A) W_A) \oslash (W^\top W)`
        (Bernoulli) or :math:`S_A^\top \mathrm{diag}(a_A) S_A / (d g)` (random kinds, ``S`` the
        weight signs) over the firing neurons ``A``. Memory ``O(block · m)`` instead of the
        ``O(m²)`` of :meth:`UAnd.read`; the dense read-off of the random kinds has no zero entries,
        so this is how they scale past ``m = 4096``.

        Parameters
        ----------
        a : array_like, shape (d,)
            Activations of one sample.
        block : int
            Rows per block.

        Yields
        ------
        (int, int, ndarray of shape (i1 - i0, m))

        Examples
        --------
        >>> net = uand(m=300, d=200, kind="rademacher", s=3, rng=0)
        >>> x = np.zeros(300); x[[4, 9, 100]] = 1
        >>> a = net.forward(x)
        >>> Y = np.concatenate([blk for _, _, blk in net.iter_all_pairs(a, block=128)])
        >>> bool(np.allclose(Y, net.read(a)))
        True
        """
        if self.fan_in != 2:
            raise ValueError("the all-pairs read-off needs fan_in=2; pass pairs for other fan-ins")
        arr = check_array(a, "a", ndim=1)
        if arr.shape[0] != self.d:
            raise ValueError(f"a must have d={self.d} entries, got shape {arr.shape}")
        block = check_int(block, "block", minimum=1)
        rows = np.flatnonzero(arr)
        if self.kind == "bernoulli":
            Wf = self.W.tocsc().astype(np.float64)
            Wa = self.W.tocsr()[rows].astype(np.float64)
            Wa_w = sps.diags(arr[rows]) @ Wa
        else:
            Sa = self._S[rows]
            SaT_w = (Sa * arr[rows, None]).T / (self.d * self.gain)
        for i0 in range(0, self.m, block):
            i1 = min(self.m, i0 + block)
            if self.kind == "bernoulli":
                num = np.asarray((Wa[:, i0:i1].T @ Wa_w).toarray())
                N = np.asarray((Wf[:, i0:i1].T @ Wf).toarray())
                Y = np.divide(num, N, out=np.zeros_like(num), where=N > 0)
            else:
                Y = SaT_w[i0:i1] @ Sa
            Y[np.arange(i1 - i0)[:, None] + i0 >= np.arange(self.m)[None, :]] = 0.0
            yield i0, i1, Y

    def read_all_sparse(self, a: ArrayLike) -> sps.coo_matrix:
        r"""All-pairs read-off of one sample as a sparse upper-triangular matrix (Bernoulli).

        Only pairs wired to a firing neuron have a non-zero read-off, so
        :math:`W_A^\top \mathrm{diag}(a_A) W_A` over the firing rows ``A`` is sparse; coverage
        ``N_ij`` is computed on that support only. Scales to ``m = 10^4`` and more.

        Parameters
        ----------
        a : array_like, shape (d,)

        Returns
        -------
        scipy.sparse.coo_matrix, shape (m, m)
            Entry ``(i, j)``, ``i < j``: the read-off of ``AND(x_i, x_j)``; absent entries are 0.
        """
        if self.kind != "bernoulli" or self.fan_in != 2:
            raise ValueError("read_all_sparse needs kind='bernoulli' and fan_in=2")
        arr = check_array(a, "a", ndim=1)
        if arr.shape[0] != self.d:
            raise ValueError(f"a must have d={self.d} entries, got shape {arr.shape}")
        rows = np.flatnonzero(arr)
        Wa = self.W.tocsr()[rows].astype(np.float64)
        num = sps.triu(Wa.T @ sps.diags(arr[rows]) @ Wa, k=1).tocoo()
        if num.nnz == 0:
            return num
        # N_ij = |col_i AND col_j| on the support: columns packed as 64-bit words, AND, popcount
        packed = self._packed_columns()
        N = np.empty(num.nnz)
        chunk = 1 << 16
        for s0 in range(0, num.nnz, chunk):
            i, j = num.row[s0 : s0 + chunk], num.col[s0 : s0 + chunk]
            both = packed[i] & packed[j]
            if hasattr(np, "bitwise_count"):  # NumPy >= 2.0
                N[s0 : s0 + chunk] = np.bitwise_count(both).sum(axis=1)
            else:
                N[s0 : s0 + chunk] = np.unpackbits(both.view(np.uint8), axis=1).sum(axis=1)
        return sps.coo_matrix((num.data / N, (num.row, num.col)), shape=(self.m, self.m))

    def _packed_columns(self) -> NDArray[np.uint64]:
        if getattr(self, "_packed", None) is None:
            Wc = self.W.tocsc()
            words = (self.d + 63) // 64
            bits = np.zeros((self.m, words * 64), dtype=bool)
            cols = np.repeat(np.arange(self.m), np.diff(Wc.indptr))
            bits[cols, Wc.indices] = True
            self._packed = np.packbits(bits, axis=1).view(np.uint64)
        return self._packed

    def read_pair_loop(self, a: ArrayLike, pairs: ArrayLike) -> NDArray[np.float64]:
        """Reference read-off with a straightforward Python loop over gates (for tests and the
        read-off benchmark; slow). One sample ``a`` of shape ``(d,)``; returns ``(K,)``."""
        arr = check_array(a, "a", ndim=1)
        pairs = self._check_pairs(pairs)
        out = np.zeros(len(pairs))
        if self.kind == "bernoulli":
            Wb = self._Wb
            for t, gate in enumerate(pairs):
                mask = Wb[:, gate[0]].copy()
                for c in gate[1:]:
                    mask &= Wb[:, c]
                if mask.any():
                    out[t] = arr[mask].mean()
        else:
            S = self._S
            for t, (i, j) in enumerate(pairs):
                out[t] = float(np.dot(S[:, i] * S[:, j], arr)) / (self.d * self.gain)
        return out

    # ----------------------------------------------------------------------------- counts
    @property
    def n_neurons(self) -> int:
        """Hidden neurons ``d``."""
        return int(self.d)

    def n_params(self, pairs: ArrayLike | None = None) -> int:
        """Non-zero parameters: input weights (``W``, or ``W Fᵀ`` when embedded), biases and the
        read-off for ``pairs`` (default: the layer's pairs, or none)."""
        if self.embedding is not None:
            n_in = self.d * self.embedding.dim
        else:
            n_in = int(self.W.nnz) if sps.issparse(self.W) else int(np.count_nonzero(self.W))
        n_b = int(np.count_nonzero(self.bias))
        if pairs is None:
            n_out = 0 if self._R is None else int(self._R.nnz)
        else:
            n_out = int(self.readout_matrix(pairs).nnz)
        return n_in + n_b + n_out


def _bernoulli_matrix(d: int, m: int, p: float, gen: np.random.Generator) -> sps.csr_matrix:
    """iid Bernoulli(p) 0/1 matrix of shape (d, m), sparse (int8)."""
    if d * m <= 4_000_000:
        return sps.csr_matrix((gen.random((d, m)) < p).astype(np.int8))
    # large: column by column, nnz ~ d m p, never a dense d x m float array
    counts = gen.binomial(d, p, size=m)
    rows = (
        np.concatenate([gen.choice(d, size=c, replace=False) for c in counts])
        if counts.sum()
        else np.empty(0, dtype=np.int64)
    )
    cols = np.repeat(np.arange(m), counts)
    return sps.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(d, m))


def uand(
    *,
    m: int,
    d: int,
    kind: str = "bernoulli",
    p: float | str | None = "optimal",
    fan_in: int = 2,
    pairs: ArrayLike | None = None,
    embedding: Embedding | int | None = None,
    s: int = 2,
    rng: Any = 0,
) -> UAnd:
    r"""Build a U-AND layer of ``d`` ReLU neurons on ``m`` Boolean inputs.

    .. math::

        a = \mathrm{ReLU}(W x - (k - 1)), \qquad
        \widehat{\mathrm{AND}}_S(x) = \frac{1}{N_S}\sum_{r:\,W_{ri}=1\ \forall i \in S} a_r
        \quad (\text{Bernoulli}),

    exact when at most the gate's own inputs are active and ``N_S >= 1``; otherwise each other
    active input wired to a neuron adds 1 (mean error ``s' p``, variance ``≈ s'/(d p)``; see
    :func:`uand_error_moments`). Random kinds use bias 0 and the calibrated sign read-off.

    Parameters
    ----------
    m : int
        Number of Boolean inputs.
    d : int
        Number of neurons.
    kind : {"bernoulli", "rademacher", "gaussian"}
    p : float, "optimal" (default), "paper" or None
        Bernoulli connection probability. ``"optimal"`` (and ``None``): the MSE-optimal ``p`` for
        sparsity ``s`` (:func:`optimal_p`), the same default as ``theory circuits uand``;
        ``"paper"``: the papers' asymptotic choice :math:`\log^2(m)/\sqrt d` clipped to 1
        (:func:`paper_p`; it is 1, which makes every neuron see every input, unless
        ``d > log^4 m``).
    fan_in : int
        Gate fan-in ``k`` (bias ``-(k-1)``); random kinds support 2 only.
    pairs : array_like of int, shape (K, fan_in), optional
        Gates whose sparse read-off is precomputed (default for :meth:`UAnd.read`).
    embedding : Embedding or int, optional
        Inputs in superposition: an :class:`Embedding`, or its dimension (drawn with ``rng``).
    s : int
        Sparsity used for ``p="optimal"`` and for calibrating the random kinds' gain.
    rng : int or Generator

    Returns
    -------
    UAnd

    Examples
    --------
    >>> net = uand(m=6, d=2000, p=0.2, rng=0)
    >>> x = np.array([0, 1, 0, 1, 0, 0])
    >>> y = net.read(net.forward(x))          # (6, 6): AND of every pair
    >>> float(y[1, 3])                        # the active pair: exact
    1.0
    >>> bool(0 < y[1, 2] < 0.5)               # one active: upward error ~ s' p = 0.2
    True
    >>> bool(y[0, 2] < 0.1)                   # neither active: error ~ p^2
    True
    >>> bool(((y > 0.5) == np.triu(np.outer(x, x), 1)).all())  # every AND right after rounding
    True
    >>> uand(m=100, d=400, kind="rademacher", s=3, rng=0)
    UAnd(kind='rademacher', m=100, d=400, fan_in=2)

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    .. [2] Vaintrob, Mendel, Hänni (2024). Toward a Mathematical Framework for Computation in
       Superposition. AI Alignment Forum.
    .. [3] Adler, Shavit (2024). On the Complexity of Neural Computation in Superposition.
       arXiv:2409.15318
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    m = check_size(m, "m", minimum=2, maximum=10**15, why="one weight column per input")
    d = check_size(d, "d", maximum=10**15, why="one weight row per neuron")
    fan_in = check_int(fan_in, "fan_in", minimum=1, maximum=m)
    s = check_int(s, "s", minimum=1)
    gen = as_rng(rng)
    if isinstance(embedding, (int, np.integer)) and not isinstance(embedding, bool):
        dim = check_int(embedding, "embedding", minimum=1)
        check_memory(estimate_bytes(dim, m), f"an embedding of dimension embedding={dim} for m={m} features")
        embedding = embed_features(m=m, dim=dim, rng=gen)
    if embedding is not None:
        if not isinstance(embedding, Embedding):
            raise TypeError(f"embedding must be an Embedding or an int dimension, got {type(embedding).__name__}")
        if embedding.m != m:
            raise ValueError(f"embedding stores {embedding.m} features but m={m}")
    if kind == "bernoulli":
        if p == "paper":
            pv = paper_p(m=m, d=d)
        elif p is None or p == "optimal":
            pv = optimal_p(d=d, s=max(s, fan_in), fan_in=fan_in)
        elif isinstance(p, str):
            raise ValueError(f"p must be a probability, 'paper', 'optimal' or None, got {p!r}")
        else:
            pv = check_probability(p, "p", allow_zero=False)
        # expected nonzeros (int8 data + int32 indices) and, for small layers, the dense draw
        check_memory(
            max(estimate_bytes(d, m, itemsize=1) * pv * 5, estimate_bytes(min(d * m, 4_000_000))),
            f"a Bernoulli(p={pv:.3g}) U-AND layer of shape (d={d}, m={m})",
        )
        W = _bernoulli_matrix(d, m, pv, gen)
        bias = np.full(d, -(fan_in - 1.0))
        return UAnd(
            kind=kind,
            W=W,
            bias=bias,
            fan_in=fan_in,
            p=pv,
            embedding=embedding,
            pairs=None if pairs is None else np.asarray(pairs),
            calibration_s=None,
        )
    if fan_in != 2:
        raise ValueError(f"kind={kind!r} supports fan_in=2 only, got {fan_in}")
    if p is not None and p != "optimal":  # the default, for the Bernoulli kind
        raise ValueError(f"p applies to kind='bernoulli' only, got p={p!r}")
    if s < 2:
        raise ValueError(f"s (the calibration sparsity) must be >= 2 for kind={kind!r}, got {s}")
    check_memory(estimate_bytes(d, m), f"a dense {kind} U-AND layer of shape (d={d}, m={m})")
    if kind == "rademacher":
        W = 2.0 * gen.integers(0, 2, size=(d, m)) - 1.0
    else:
        W = gen.standard_normal((d, m))
    return UAnd(
        kind=kind,
        W=W,
        bias=np.zeros(d),
        fan_in=2,
        p=None,
        embedding=embedding,
        pairs=None if pairs is None else np.asarray(pairs),
        calibration_s=s,
    )


def sparse_inputs(*, m: int, s: int, batch: int, rng: Any = 0) -> NDArray[np.int8]:
    """``batch`` Boolean vectors of length ``m`` with exactly ``s`` ones at uniform positions.

    Examples
    --------
    >>> sparse_inputs(m=5, s=2, batch=3, rng=0).sum(axis=1).tolist()
    [2, 2, 2]
    """
    m = check_int(m, "m", minimum=1)
    s = check_int(s, "s", minimum=0, maximum=m)
    batch = check_int(batch, "batch", minimum=1)
    check_memory(
        estimate_bytes(batch, m, itemsize=17 if m <= 4096 else 1), f"batch={batch} Boolean inputs of length m={m}"
    )
    gen = as_rng(rng)
    x = np.zeros((batch, m), dtype=np.int8)
    if s:
        idx = (
            np.argsort(gen.random((batch, m)), axis=1)[:, :s]
            if m <= 4096
            else np.stack([gen.choice(m, size=s, replace=False) for _ in range(batch)])
        )
        np.put_along_axis(x, idx, 1, axis=1)
    return x
