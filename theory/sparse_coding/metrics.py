r"""Recovery metrics: how well a learned dictionary and its codes match a known ground truth.

Conventions (every function in this module):

* Dictionaries have shape ``(dim, width)`` (learned) and ``(dim, n)`` (true); column ``i`` is
  atom ``i``. The **learned dictionary comes first, the true one second**. Columns are
  normalised inside; their norms and signs never matter (every similarity is an absolute
  cosine).
* A zero column in the **true** dictionary is refused (its direction is undefined). A zero
  column in a **learned** dictionary (a dead latent whose decoder column is all zero) is
  accepted: it has :math:`|\cos| = 0` with every true feature (as SynthSAEBench's clamped
  normalisation gives), it has no best match, and it counts in every denominator.
* Codes have shape ``(batch, width)`` / ``(batch, n)``, dense arrays or ``scipy.sparse``
  matrices (never densified whole: they are read in row blocks). A latent or feature is
  *active* on a sample when its code is nonzero. For non-negative codes (ReLU, TopK, JumpReLU
  SAEs and SynthSAEBench's features) this is SynthSAEBench's ``> 0``.
* Metrics that SynthSAEBench (Chanin & Garriga-Alonso 2026; ``sae_lens.synthetic.evals``)
  defines follow its definition, so numbers are comparable; each docstring says where this
  implementation differs.

The optimal one-to-one matching is SciPy's ``linear_sum_assignment`` (the shortest augmenting
path algorithm of Crouse 2016) on the dense ``(min(width, n), max(width, n))`` float64 cost
matrix :math:`-|\cos|`, built in row blocks directly in the layout the solver uses, so the solver
makes no copy: 16,384 against 16,384 needs 2 GiB. Larger problems are refused before
allocating (``check_memory``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment

from theory._validation import check_array, check_frame, check_real
from theory._warnings import TheoryWarning
from theory.sparse_coding._checks import check_data, check_memory

__all__ = [
    "AbsorptionScores",
    "DetectionScores",
    "LatentActivity",
    "Matching",
    "RecoveryScores",
    "absorption_gap",
    "code_mcc",
    "dead_latents",
    "dense_latents",
    "detection_scores",
    "explained_variance",
    "match_features",
    "mcc",
    "mmcs",
    "pairwise_mcc",
    "score_all",
    "shrinkage",
    "uniqueness",
]

_BLOCK_ENTRIES = 2**22  # entries per row block of a similarity or indicator matrix


# ----------------------------------------------------------------------------------------------
# result objects
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Matching:
    r"""An optimal one-to-one matching of learned latents to true features.

    Attributes
    ----------
    rows : ndarray of int, shape (m,)
        Learned (latent) indices, increasing; ``m = min(width, n)``.
    cols : ndarray of int, shape (m,)
        The true feature matched to each of ``rows``.
    similarity : ndarray of float, shape (m,)
        The matched similarities: :math:`|\cos|` of the matched columns (or the entries of the
        given similarity matrix).
    total : float
        Their sum, the maximum over all one-to-one matchings.
    mean : float
        ``total / m``: SynthSAEBench's MCC when the similarity is :math:`|\cos|`.
    width, n : int
        Number of latents and of true features.

    Examples
    --------
    >>> m = match_features(similarity=[[0.9, 0.8], [0.8, 0.0]])
    >>> m.total, m.cols.tolist()
    (1.6, [1, 0])
    >>> m.latent_to_feature.tolist(), m.feature_to_latent.tolist()
    ([1, 0], [1, 0])
    """

    rows: NDArray[np.int64] = field(repr=False, compare=False)
    cols: NDArray[np.int64] = field(repr=False, compare=False)
    similarity: NDArray[np.float64] = field(repr=False, compare=False)
    total: float
    mean: float
    width: int
    n: int

    @property
    def latent_to_feature(self) -> NDArray[np.int64]:
        """Shape ``(width,)``: the true feature matched to each latent, ``-1`` when unmatched."""
        out = np.full(self.width, -1, dtype=np.int64)
        out[self.rows] = self.cols
        return out

    @property
    def feature_to_latent(self) -> NDArray[np.int64]:
        """Shape ``(n,)``: the latent matched to each true feature, ``-1`` when unmatched."""
        out = np.full(self.n, -1, dtype=np.int64)
        out[self.cols] = self.rows
        return out

    def __str__(self) -> str:
        return (
            f"Matching of {self.width} latents to {self.n} features: {self.rows.size} pairs, "
            f"total {self.total:.6g}, mean {self.mean:.4f}"
        )


@dataclass(frozen=True)
class RecoveryScores:
    """The dictionary metrics of a learned dictionary against the true one (see :func:`score_all`).

    Attributes
    ----------
    mcc, mmcs, uniqueness : float
        As :func:`mcc`, :func:`mmcs` and :func:`uniqueness`.
    width, n : int
    matching : Matching
        The optimal one-to-one matching behind ``mcc``.

    Examples
    --------
    >>> import numpy as np
    >>> print(score_all(np.eye(3), np.eye(3)))
    RecoveryScores(width=3, n=3): mcc 1.0000, mmcs 1.0000, uniqueness 1.0000
    """

    mcc: float
    mmcs: float
    uniqueness: float
    width: int
    n: int
    matching: Matching = field(repr=False, compare=False)

    def __str__(self) -> str:
        return (
            f"RecoveryScores(width={self.width}, n={self.n}): mcc {self.mcc:.4f}, "
            f"mmcs {self.mmcs:.4f}, uniqueness {self.uniqueness:.4f}"
        )


@dataclass(frozen=True)
class DetectionScores:
    """Each latent scored as a binary detector of the true feature assigned to it.

    Attributes
    ----------
    precision, recall, f1, accuracy : ndarray of float, shape (width,)
        Per latent; 0 where undefined (a dead latent has precision 0).
    feature : ndarray of int, shape (width,)
        The true feature each latent is scored against, ``-1`` for none (all four scores 0).
    tp, fp, fn, tn : ndarray of int, shape (width,)
        The confusion counts over the batch.
    mean_precision, mean_recall, mean_f1, mean_accuracy : float
        Means over all ``width`` latents (SynthSAEBench's ``classification`` numbers).
    assignment : str
        ``"argmax"`` (each latent's best :math:`|\\cos|` feature, SynthSAEBench) or ``"matching"``
        (a one-to-one :class:`Matching`).

    Examples
    --------
    >>> import numpy as np
    >>> s = detection_scores(np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[2.0, 0.0], [0.0, 1.0]]),
    ...                      learned=np.eye(2), true=np.eye(2))
    >>> s.precision.tolist(), s.recall.tolist(), s.mean_f1
    ([1.0, 0.0], [1.0, 0.0], 0.5)
    """

    precision: NDArray[np.float64] = field(repr=False, compare=False)
    recall: NDArray[np.float64] = field(repr=False, compare=False)
    f1: NDArray[np.float64] = field(repr=False, compare=False)
    accuracy: NDArray[np.float64] = field(repr=False, compare=False)
    feature: NDArray[np.int64] = field(repr=False, compare=False)
    tp: NDArray[np.int64] = field(repr=False, compare=False)
    fp: NDArray[np.int64] = field(repr=False, compare=False)
    fn: NDArray[np.int64] = field(repr=False, compare=False)
    tn: NDArray[np.int64] = field(repr=False, compare=False)
    mean_precision: float
    mean_recall: float
    mean_f1: float
    mean_accuracy: float
    assignment: str

    def __str__(self) -> str:
        return (
            f"DetectionScores({self.precision.size} latents, {self.assignment}): precision "
            f"{self.mean_precision:.4f}, recall {self.mean_recall:.4f}, F1 {self.mean_f1:.4f}"
        )


@dataclass(frozen=True)
class LatentActivity:
    """Which latents are dead (never active) or dense (active too often).

    Attributes
    ----------
    kind : str
        ``"dead"`` or ``"dense"``.
    indices : ndarray of int
        The latents of that kind, increasing.
    count : int
    fraction : float
        ``count / width``.
    firing_rate : ndarray of float, shape (width,)
        Fraction of samples on which each latent is active.
    threshold : float
        For ``"dead"`` the activation threshold (active means ``|code| > threshold``); for
        ``"dense"`` the firing-rate threshold (dense means ``firing_rate > threshold``).
    batch, width : int

    Examples
    --------
    >>> import numpy as np
    >>> print(dead_latents(np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]])))
    dead latents: 1 of 3 (0.3333), indices [1]
    """

    kind: str
    indices: NDArray[np.int64] = field(repr=False, compare=False)
    count: int
    fraction: float
    firing_rate: NDArray[np.float64] = field(repr=False, compare=False)
    threshold: float
    batch: int
    width: int

    def __str__(self) -> str:
        shown = self.indices[:8].tolist()
        more = ", ..." if self.count > 8 else ""
        listed = ", ".join(str(i) for i in shown)
        return f"{self.kind} latents: {self.count} of {self.width} ({self.fraction:.4f}), indices [{listed}{more}]"


@dataclass(frozen=True)
class AbsorptionScores:
    """Feature absorption on parent/child pairs (see :func:`absorption_gap`).

    Attributes
    ----------
    pairs : ndarray of int, shape (m, 2)
        ``(parent, child)`` true-feature indices.
    latent : ndarray of int, shape (m,)
        The latent standing for each parent, ``-1`` if the parent is unmatched.
    recall_with_child, recall_without_child, gap : ndarray of float, shape (m,)
        Per pair; NaN exactly where ``defined`` is False.
    n_with_child, n_without_child : ndarray of int, shape (m,)
        Samples in each conditioning set.
    defined : ndarray of bool, shape (m,)
        The parent is matched and both conditioning sets are non-empty.
    mean_gap : float
        Mean of ``gap`` over defined pairs (NaN, with a ``TheoryWarning``, when none is).

    Examples
    --------
    >>> import numpy as np
    >>> true_codes = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 0.0], [1.0, 0.0]])  # child 1 of parent 0
    >>> learned_codes = np.array([[0.0], [0.0], [1.0], [1.0]])  # fires for the parent only alone
    >>> s = absorption_gap(learned_codes, true_codes, [(0, 1)], learned=np.eye(2)[:, :1], true=np.eye(2))
    >>> s.recall_with_child.tolist(), s.recall_without_child.tolist(), s.mean_gap
    ([0.0], [1.0], 1.0)
    """

    pairs: NDArray[np.int64] = field(repr=False, compare=False)
    latent: NDArray[np.int64] = field(repr=False, compare=False)
    recall_with_child: NDArray[np.float64] = field(repr=False, compare=False)
    recall_without_child: NDArray[np.float64] = field(repr=False, compare=False)
    gap: NDArray[np.float64] = field(repr=False, compare=False)
    n_with_child: NDArray[np.int64] = field(repr=False, compare=False)
    n_without_child: NDArray[np.int64] = field(repr=False, compare=False)
    defined: NDArray[np.bool_] = field(repr=False, compare=False)
    mean_gap: float

    def __str__(self) -> str:
        return (
            f"AbsorptionScores({self.pairs.shape[0]} pairs, {int(self.defined.sum())} defined): "
            f"mean gap {self.mean_gap:.4f}"
        )


# ----------------------------------------------------------------------------------------------
# input checks
# ----------------------------------------------------------------------------------------------


def _unit(D: NDArray[np.float64]) -> NDArray[np.float64]:
    """Columns scaled to unit norm; zero columns stay zero."""
    norms = np.linalg.norm(D, axis=0)
    return D / np.where(norms > 0, norms, 1.0)


def _check_pair(
    learned: ArrayLike, true: ArrayLike, *, names: tuple[str, str] = ("learned", "true"), allow_zero_true: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate ``(dim, width)`` and ``(dim, n)`` dictionaries; return them with unit columns."""
    a_name, b_name = names
    A = check_frame(learned, a_name, allow_zero_columns=True)
    B = check_frame(true, b_name, allow_zero_columns=allow_zero_true)
    if A.shape[0] != B.shape[0]:
        if A.shape[1] == B.shape[0]:
            raise ValueError(
                f"{a_name} has shape {A.shape} but {b_name} has dimension {B.shape[0]}: {a_name} "
                f"looks transposed (a (width, dim) decoder layout); pass {a_name}.T, of shape "
                f"(dim, width)"
            )
        if B.shape[1] == A.shape[0]:
            raise ValueError(
                f"{b_name} has shape {B.shape} but {a_name} has dimension {A.shape[0]}: {b_name} "
                f"looks transposed; pass {b_name}.T, of shape (dim, n)"
            )
        raise ValueError(
            f"{a_name} and {b_name} must have the same number of rows (dim); got shapes {A.shape} and {B.shape}"
        )
    return _unit(A), _unit(B)


def _check_codes(
    codes: Any, name: str, *, width: int | None = None, batch: int | None = None
) -> NDArray[Any] | sp.csr_array:
    """Validate codes of shape ``(batch, width)``: a real dense array or a scipy.sparse matrix.

    Sparse input is returned as CSR (never densified); dense input keeps its dtype.
    """
    if sp.issparse(codes):
        if codes.ndim != 2:
            raise ValueError(f"{name} must be 2-dimensional (batch, width), got shape {codes.shape}")
        out = sp.csr_array(codes)
        if out.dtype.kind not in "fiu":
            raise TypeError(f"{name} must hold real numbers, got dtype {out.dtype}")
        if out.dtype.kind == "f":
            bad = int(np.size(out.data) - np.count_nonzero(np.isfinite(out.data)))
            if bad:
                raise ValueError(f"{name} must contain only finite values (found {bad} NaN/inf entries)")
    else:
        if isinstance(codes, (str, bytes)):
            raise TypeError(f"{name} must be an array of numbers, got {type(codes).__name__}")
        try:
            out = np.asarray(codes)
        except (TypeError, ValueError) as exc:  # a ragged nested list
            raise TypeError(f"{name} must be an array of numbers: {exc}") from None
        if out.dtype.kind == "b":
            raise TypeError(f"{name} must hold real code values, got a boolean array (pass it as float)")
        if out.dtype.kind == "c":
            raise TypeError(f"{name} must be real; got a complex array")
        if out.dtype.kind not in "fiu":
            out = check_array(out, name, ndim=2)
        if out.ndim != 2:
            raise ValueError(f"{name} must be a 2-dimensional array (batch, width), got shape {out.shape}")
        if out.dtype.kind == "f":
            step = _rows_per_block(out.shape[1])
            for s in range(0, out.shape[0], step):
                if not np.isfinite(out[s : s + step]).all():
                    raise ValueError(f"{name} must contain only finite values (found NaN/inf entries)")
    if out.shape[0] < 1 or out.shape[1] < 1:
        raise ValueError(f"{name} must have at least one sample and one column, got shape {out.shape}")
    if width is not None and out.shape[1] != width:
        raise ValueError(
            f"{name} has {out.shape[1]} columns but the dictionary has {width}; codes must have shape (batch, {width})"
        )
    if batch is not None and out.shape[0] != batch:
        raise ValueError(
            f"{name} has {out.shape[0]} samples but learned_codes has {batch}; both must have the same batch"
        )
    return out


def _rows_per_block(ncols: int) -> int:
    return max(1, _BLOCK_ENTRIES // max(1, ncols))


def _active_blocks(codes: Any, rows: int, threshold: float = 0.0) -> Iterator[NDArray[np.bool_]]:
    """Boolean ``|code| > threshold`` in blocks of ``rows`` samples."""
    for s in range(0, codes.shape[0], rows):
        blk = codes[s : s + rows]
        if sp.issparse(blk):
            if threshold == 0:
                yield (blk != 0).toarray()
            else:
                yield (abs(blk) > threshold).toarray()
        else:
            yield np.abs(blk) > threshold if threshold else blk != 0


def _select_columns(codes: Any, idx: NDArray[np.int64], name: str) -> Any:
    """``codes[:, idx]`` without densifying sparse input."""
    if sp.issparse(codes):
        return sp.csc_array(codes)[:, idx].tocsr()
    check_memory(codes.shape[0] * idx.size * codes.dtype.itemsize, f"the selected columns of {name}")
    return codes[:, idx]


# ----------------------------------------------------------------------------------------------
# similarities and the assignment
# ----------------------------------------------------------------------------------------------


def _neg_abs_cos(A: NDArray[np.float64], B: NDArray[np.float64]) -> NDArray[np.float64]:
    """The C-contiguous float64 matrix ``-|A^T B|`` of shape ``(A.shape[1], B.shape[1])``, in row blocks."""
    r, c = A.shape[1], B.shape[1]
    check_memory(8.0 * r * c, f"the ({r}, {c}) float64 |cos| matrix of the matching")
    out = np.empty((r, c), dtype=np.float64)
    At = np.ascontiguousarray(A.T)
    step = _rows_per_block(c)
    for s in range(0, r, step):
        blk = out[s : s + step]
        np.matmul(At[s : s + step], B, out=blk)
        np.abs(blk, out=blk)
        np.negative(blk, out=blk)
    return out


def _abs_cos_blocks(A: NDArray[np.float64], B: NDArray[np.float64]) -> Iterator[tuple[int, NDArray[np.float64]]]:
    """Yield ``(start, |A[:, start:stop]^T B|)`` in row blocks (never the whole matrix)."""
    At = np.ascontiguousarray(A.T)
    step = _rows_per_block(B.shape[1])
    for s in range(0, At.shape[0], step):
        yield s, np.abs(At[s : s + step] @ B)


def _solve(cost: NDArray[np.float64], *, transposed: bool, width: int, n: int) -> Matching:
    """Minimise ``cost`` (rows <= cols, C-contiguous float64: the solver copies nothing)."""
    r, c = linear_sum_assignment(cost)
    values = -cost[r, c]
    if transposed:  # rows were true features
        r, c = c, r
    order = np.argsort(r, kind="stable")
    rows = np.asarray(r[order], dtype=np.int64)
    cols = np.asarray(c[order], dtype=np.int64)
    values = np.asarray(values[order], dtype=np.float64)
    total = float(values.sum())
    return Matching(rows=rows, cols=cols, similarity=values, total=total, mean=total / rows.size, width=width, n=n)


def _match_unit(A: NDArray[np.float64], B: NDArray[np.float64]) -> tuple[Matching, NDArray[np.float64], bool]:
    """Match unit-column dictionaries; also return the cost matrix and whether its rows are ``B``'s."""
    width, n = A.shape[1], B.shape[1]
    transposed = width > n
    cost = _neg_abs_cos(B, A) if transposed else _neg_abs_cos(A, B)
    return _solve(cost, transposed=transposed, width=width, n=n), cost, transposed


def match_features(
    learned: ArrayLike | None = None, true: ArrayLike | None = None, *, similarity: ArrayLike | None = None
) -> Matching:
    r"""The one-to-one matching of latents to true features that maximises the total :math:`|\cos|`.

    .. math::

        \max_{\pi}\ \sum_{j \in \operatorname{dom}\pi} |\cos(\ell_j, t_{\pi(j)})|

    over injective maps :math:`\pi` between the ``width`` latents and the ``n`` features that
    match :math:`m = \min(\text{width}, n)` pairs. Solved exactly by
    ``scipy.optimize.linear_sum_assignment`` (the linear assignment problem; Kuhn 1955), which a
    greedy pass does not do: on the similarity ``[[0.9, 0.8], [0.8, 0.0]]`` greedy takes 0.9 and
    stops, the optimum is 0.8 + 0.8 = 1.6.

    Parameters
    ----------
    learned : array_like, shape (dim, width)
        Learned dictionary (an SAE decoder as ``W_dec.T``). Zero columns are allowed
        (:math:`|\cos| = 0` with everything).
    true : array_like, shape (dim, n)
        True dictionary; no zero column.
    similarity : array_like, shape (width, n), optional
        Instead of the dictionaries: the weights to maximise, used as given (finite values).

    Returns
    -------
    Matching

    Examples
    --------
    >>> import numpy as np
    >>> true = np.eye(3)
    >>> learned = -2.0 * true[:, [2, 0, 1]]           # permuted, rescaled, sign-flipped
    >>> m = match_features(learned, true)
    >>> m.cols.tolist(), m.mean
    ([2, 0, 1], 1.0)
    >>> match_features(similarity=[[0.9, 0.8], [0.8, 0.0]]).total
    1.6

    References
    ----------
    Kuhn, H. W. (1955). The Hungarian method for the assignment problem. Naval Research
    Logistics Quarterly 2, 83-97. DOI:10.1002/nav.3800020109.
    Crouse, D. F. (2016). On implementing 2D rectangular assignment algorithms. IEEE Transactions
    on Aerospace and Electronic Systems 52(4), 1679-1696. DOI:10.1109/TAES.2016.140952.
    """
    if similarity is not None:
        if learned is not None or true is not None:
            raise ValueError("pass either similarity or the two dictionaries (learned, true), not both")
        S = check_array(similarity, "similarity", ndim=2)
        width, n = S.shape
        if width < 1 or n < 1:
            raise ValueError(f"similarity must have at least one row and one column, got shape {S.shape}")
        transposed = width > n
        cost = np.ascontiguousarray(-(S.T if transposed else S))
        return _solve(cost, transposed=transposed, width=width, n=n)
    if learned is None or true is None:
        raise ValueError("match_features needs the dictionaries learned (dim, width) and true (dim, n), or similarity=")
    A, B = _check_pair(learned, true)
    return _match_unit(A, B)[0]


def mcc(learned: ArrayLike, true: ArrayLike) -> float:
    r"""Mean correlation coefficient of dictionaries: mean :math:`|\cos|` over the optimal matching.

    .. math::

        \mathrm{MCC} = \frac{1}{\min(\text{width}, n)}\max_{\pi}\sum_j |\cos(\ell_j, t_{\pi(j)})|

    with :math:`\pi` one-to-one (see :func:`match_features`). Normalised by
    :math:`\min(\text{width}, n)`, the number of matched pairs, exactly as SynthSAEBench's
    ``mean_correlation_coefficient`` (mean over the pairs ``linear_sum_assignment`` returns), so a
    4,096-latent SAE against 16,384 features is scored on its 4,096 pairs. Divide
    ``match_features(...).total`` by ``n`` for the coverage-penalising variant.

    Parameters
    ----------
    learned : array_like, shape (dim, width)
    true : array_like, shape (dim, n)

    Returns
    -------
    float
        In [0, 1]; 1 exactly when every matched pair is parallel.

    Examples
    --------
    >>> import numpy as np
    >>> mcc(np.eye(3)[:, ::-1], np.eye(3))
    1.0
    >>> round(mcc(np.array([[1.0, 1.0], [0.0, 1.0]]), np.eye(2)), 6)
    0.853553

    References
    ----------
    O'Neill, C., Gumran, A. & Klindt, D. (2024). Compute optimal inference and provable
    amortisation gap in sparse autoencoders. arXiv:2411.13117.
    Chanin, D. & Garriga-Alonso, A. (2026). SynthSAEBench. arXiv:2602.14687.
    """
    return match_features(learned, true).mean


def pairwise_mcc(dict_a: ArrayLike, dict_b: ArrayLike) -> float:
    r"""MCC between two learned dictionaries (agreement across seeds or runs).

    .. math::

        \frac{1}{\min(w_a, w_b)}\max_{\pi}\sum_j |\cos(a_j, b_{\pi(j)})|

    Symmetric in its arguments; zero columns are allowed in both (as dead latents, see the module
    notes).

    Parameters
    ----------
    dict_a : array_like, shape (dim, w_a)
    dict_b : array_like, shape (dim, w_b)

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    >>> pairwise_mcc(a, a[:, [2, 0, 1]]) == pairwise_mcc(a[:, [2, 0, 1]], a) == 1.0
    True

    References
    ----------
    Paulo, G. & Belrose, N. (2025). Sparse autoencoders trained on the same data learn different
    features. arXiv:2501.16615. O'Neill, C. et al. (2025). Position: mechanistic interpretability
    should prioritize feature consistency in SAEs. arXiv:2505.20254.
    """
    A, B = _check_pair(dict_a, dict_b, names=("dict_a", "dict_b"), allow_zero_true=True)
    return _match_unit(A, B)[0].mean


def mmcs(learned: ArrayLike, true: ArrayLike) -> float:
    r"""Mean max cosine similarity: for each true feature, its best :math:`|\cos|` with any latent.

    .. math::

        \mathrm{MMCS} = \frac{1}{n}\sum_{i=1}^{n} \max_{j} |\cos(t_i, \ell_j)|

    Not one-to-one: several features may credit the same latent. Sharkey, Braun & Millidge state
    the plain cosine; the absolute value here makes the score invariant to the sign of a latent
    (equal to theirs whenever each feature's best latent points its way). Computed in blocks,
    never forming the ``(width, n)`` matrix.

    Parameters
    ----------
    learned : array_like, shape (dim, width)
    true : array_like, shape (dim, n)

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> mmcs(np.array([[1.0], [0.0]]), np.eye(2))  # one latent finds one of two features
    0.5

    References
    ----------
    Sharkey, L., Braun, D. & Millidge, B. (2022). Taking features out of superposition with
    sparse autoencoders. Interim research report, AI Alignment Forum.
    """
    A, B = _check_pair(learned, true)
    best = np.concatenate([blk.max(axis=1) for _, blk in _abs_cos_blocks(B, A)])
    return float(best.mean())


def _best_features(A: NDArray[np.float64], B: NDArray[np.float64]) -> NDArray[np.int64]:
    """Per latent (column of ``A``), the feature of largest |cos|; ``-1`` for a zero column."""
    zero = ~np.any(A != 0, axis=0)
    best = np.concatenate([blk.argmax(axis=1) for _, blk in _abs_cos_blocks(A, B)]).astype(np.int64)
    best[zero] = -1
    return best


def uniqueness(learned: ArrayLike, true: ArrayLike) -> float:
    r"""Fraction of latents tracking distinct true features (SynthSAEBench's feature uniqueness).

    Each latent's best match is :math:`b(j) = \arg\max_i |\cos(\ell_j, t_i)|` (the lowest index on
    ties); then

    .. math::

        U = \frac{|\{b(j) : j = 1..\text{width}\}|}{\text{width}} .

    Not computed over a one-to-one matching (where it would always be 1). ``width`` copies of one
    atom score :math:`1/\text{width}`. Where this differs from SynthSAEBench: a zero decoder column
    has no best match here (it adds nothing to the numerator and counts in the denominator),
    whereas SynthSAEBench's clamped normalisation sends it to feature 0.

    Parameters
    ----------
    learned : array_like, shape (dim, width)
    true : array_like, shape (dim, n)

    Returns
    -------
    float
        In [0, 1]; at most :math:`\min(\text{width}, n)/\text{width}`.

    Examples
    --------
    >>> import numpy as np
    >>> uniqueness(np.ones((2, 4)), np.eye(2))  # four copies of one atom
    0.25

    References
    ----------
    Chanin, D. & Garriga-Alonso, A. (2026). SynthSAEBench: evaluating sparse autoencoders on
    scalable realistic synthetic data. arXiv:2602.14687.
    """
    A, B = _check_pair(learned, true)
    best = _best_features(A, B)
    return float(np.unique(best[best >= 0]).size / A.shape[1])


def score_all(learned: ArrayLike, true: ArrayLike) -> RecoveryScores:
    r"""MCC, MMCS and uniqueness of a learned dictionary from one :math:`|\cos|` matrix.

    Same values as :func:`mcc`, :func:`mmcs` and :func:`uniqueness` called separately, with the
    similarity computed once (the ``(min(width, n), max(width, n))`` float64 matrix of the
    matching).

    Parameters
    ----------
    learned : array_like, shape (dim, width)
    true : array_like, shape (dim, n)

    Returns
    -------
    RecoveryScores

    Examples
    --------
    >>> import numpy as np
    >>> s = score_all(np.array([[1.0, 1.0], [0.0, 1.0]]), np.eye(2))
    >>> round(s.mcc, 4), round(s.mmcs, 4), s.uniqueness
    (0.8536, 0.8536, 0.5)

    References
    ----------
    Chanin, D. & Garriga-Alonso, A. (2026). SynthSAEBench. arXiv:2602.14687.
    Sharkey, L., Braun, D. & Millidge, B. (2022). Taking features out of superposition with
    sparse autoencoders. AI Alignment Forum.
    """
    A, B = _check_pair(learned, true)
    matching, cost, transposed = _match_unit(A, B)
    width, n = A.shape[1], B.shape[1]
    # cost = -|cos| with rows = latents (or features when transposed)
    if transposed:
        feature_best = -cost.min(axis=1)
        latent_best = np.argmin(cost, axis=0).astype(np.int64)
    else:
        feature_best = -cost.min(axis=0)
        latent_best = np.argmin(cost, axis=1).astype(np.int64)
    del cost
    latent_best[~np.any(A != 0, axis=0)] = -1
    uniq = float(np.unique(latent_best[latent_best >= 0]).size / width)
    return RecoveryScores(
        mcc=matching.mean, mmcs=float(feature_best.mean()), uniqueness=uniq, width=width, n=n, matching=matching
    )


# ----------------------------------------------------------------------------------------------
# code metrics
# ----------------------------------------------------------------------------------------------


def _col_scale(codes: Any) -> NDArray[np.float64]:
    """Column max |value| (1 for all-zero columns): correlations are computed on codes divided by it."""
    if sp.issparse(codes):
        m = np.asarray(abs(codes).max(axis=0).toarray()).ravel().astype(np.float64)
    else:
        m = np.zeros(codes.shape[1])
        step = _rows_per_block(codes.shape[1])
        for s in range(0, codes.shape[0], step):
            np.maximum(m, np.abs(np.asarray(codes[s : s + step], dtype=np.float64)).max(axis=0), out=m)
    return np.where(m > 0, m, 1.0)


def _scaled(codes: Any, scale: NDArray[np.float64]) -> Any:
    """``codes / scale`` (columnwise) in float64; sparse stays sparse."""
    if sp.issparse(codes):
        return sp.csr_array(codes.astype(np.float64) @ sp.diags_array(1.0 / scale))
    return None  # dense codes are scaled block by block


def _dense_blocks(codes: Any, scale: NDArray[np.float64], rows: int) -> Iterator[NDArray[np.float64]]:
    for s in range(0, codes.shape[0], rows):
        yield np.asarray(codes[s : s + rows], dtype=np.float64) / scale


def _moments(codes: Any, scale: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Column means and second moments of ``codes / scale``, in float64."""
    batch = codes.shape[0]
    if sp.issparse(codes):
        c = _scaled(codes, scale)
        return np.asarray(c.sum(axis=0)).ravel() / batch, np.asarray(c.multiply(c).sum(axis=0)).ravel() / batch
    s1 = np.zeros(codes.shape[1])
    s2 = np.zeros(codes.shape[1])
    for blk in _dense_blocks(codes, scale, _rows_per_block(codes.shape[1])):
        s1 += blk.sum(axis=0)
        s2 += np.einsum("ij,ij->j", blk, blk)
    return s1 / batch, s2 / batch


def _cross(X: Any, Y: Any, sx: NDArray[np.float64], sy: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(X / sx)^T (Y / sy) / batch`` as a C-contiguous float64 ``(width, n)`` array."""
    batch = X.shape[0]
    check_memory(8.0 * X.shape[1] * Y.shape[1], f"the ({X.shape[1]}, {Y.shape[1]}) float64 code correlation matrix")
    if sp.issparse(X) and sp.issparse(Y):
        out = (_scaled(X, sx).T @ _scaled(Y, sy)).toarray()
    elif sp.issparse(X) or sp.issparse(Y):
        out = np.zeros((X.shape[1], Y.shape[1]))
        rows = _rows_per_block(max(X.shape[1], Y.shape[1]))
        if sp.issparse(X):
            Xs = _scaled(X, sx)
            for s, blk in zip(range(0, batch, rows), _dense_blocks(Y, sy, rows), strict=True):
                out += np.asarray(Xs[s : s + rows].T @ blk)
        else:
            Ys = _scaled(Y, sy)
            for s, blk in zip(range(0, batch, rows), _dense_blocks(X, sx, rows), strict=True):
                out += np.asarray(Ys[s : s + rows].T @ blk).T
    else:
        out = np.zeros((X.shape[1], Y.shape[1]))
        rows = _rows_per_block(max(X.shape[1], Y.shape[1]))
        for bx, by in zip(_dense_blocks(X, sx, rows), _dense_blocks(Y, sy, rows), strict=True):
            out += bx.T @ by
    out /= batch
    return np.ascontiguousarray(out)


def code_mcc(learned_codes: Any, true_codes: Any, *, matching: Matching | None = None) -> float:
    r"""Mean correlation coefficient of codes: mean :math:`|\rho|` of matched code columns.

    With :math:`\rho_{ji}` the Pearson correlation over the batch of latent ``j``'s code and true
    feature ``i``'s code,

    .. math::

        \mathrm{MCC}_{\text{codes}} = \frac{1}{\min(\text{width}, n)}
        \max_{\pi}\sum_j |\rho_{j\,\pi(j)}|

    over one-to-one :math:`\pi` (Hungarian matching on :math:`|\rho|`), as O'Neill, Gumran &
    Klindt compute it (their ``vanilla_mcc``, for equal widths). A constant column (zero variance
    over the batch, up to a relative :math:`10^{-12}`; e.g. a dead latent) has undefined
    correlation, taken as 0, as they do: the result is never NaN. For unequal widths the mean is
    over the :math:`\min(\text{width}, n)` matched pairs (their code then falls back to unmatched
    columns; this does not).

    Parameters
    ----------
    learned_codes : array_like or scipy.sparse matrix, shape (batch, width)
    true_codes : array_like or scipy.sparse matrix, shape (batch, n)
    matching : Matching, optional
        Score these pairs (e.g. the dictionary matching of :func:`match_features`) instead of
        matching the codes; unmatched latents are left out, the mean is over the pairs.

    Returns
    -------
    float
        In [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> s = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0], [0.0, 0.0]])
    >>> code_mcc(-0.5 * s[:, ::-1], s)        # permuted, rescaled, sign-flipped latents
    1.0
    >>> code_mcc(np.zeros((4, 2)), s)          # dead latents: correlation 0, not NaN
    0.0

    References
    ----------
    O'Neill, C., Gumran, A. & Klindt, D. (2024). Compute optimal inference and provable
    amortisation gap in sparse autoencoders. arXiv:2411.13117.
    Hyvärinen, A. & Morioka, H. (2016). Unsupervised feature extraction by time-contrastive
    learning and nonlinear ICA. NeurIPS (the MCC of identifiability studies).
    """
    X = _check_codes(learned_codes, "learned_codes")
    Y = _check_codes(true_codes, "true_codes", batch=X.shape[0])
    batch, width = X.shape
    n = Y.shape[1]
    if batch < 2:
        raise ValueError(f"code_mcc needs at least 2 samples to correlate, got batch {batch}")
    if matching is not None:
        if not isinstance(matching, Matching):
            raise TypeError(f"matching must be a Matching, got {type(matching).__name__}")
        if (matching.width, matching.n) != (width, n):
            raise ValueError(
                f"matching is for {matching.width} latents and {matching.n} features but the codes "
                f"have {width} and {n} columns"
            )
    cx, cy = _col_scale(X), _col_scale(Y)  # correlations are scale-free; this keeps squares finite
    mx, qx = _moments(X, cx)
    my, qy = _moments(Y, cy)
    vx = qx - mx**2
    vy = qy - my**2
    okx = vx > 1e-12 * np.maximum(qx, np.finfo(float).tiny)
    oky = vy > 1e-12 * np.maximum(qy, np.finfo(float).tiny)
    sx = np.where(okx, np.sqrt(np.maximum(vx, 0.0)), np.inf)
    sy = np.where(oky, np.sqrt(np.maximum(vy, 0.0)), np.inf)
    if matching is not None:
        r, c = matching.rows, matching.cols
        check_memory(16.0 * batch * r.size, "the matched code columns (dense float64)")
        Xm = _select_columns(X, r, "learned_codes")
        Ym = _select_columns(Y, c, "true_codes")
        Xd = Xm.toarray() if sp.issparse(Xm) else Xm
        Yd = Ym.toarray() if sp.issparse(Ym) else Ym
        Xd = np.asarray(Xd, dtype=np.float64) / cx[r]
        Yd = np.asarray(Yd, dtype=np.float64) / cy[c]
        cov = np.einsum("ij,ij->j", Xd, Yd) / batch - mx[r] * my[c]
        rho = np.clip(np.abs(cov / (sx[r] * sy[c])), 0.0, 1.0)
        return float(rho.mean())
    transposed = width > n
    if transposed:
        cost = _cross(Y, X, cy, cx)
        cost -= np.outer(my, mx)
        cost /= np.outer(sy, sx)
    else:
        cost = _cross(X, Y, cx, cy)
        cost -= np.outer(mx, my)
        cost /= np.outer(sx, sy)
    np.abs(cost, out=cost)
    np.minimum(cost, 1.0, out=cost)
    np.negative(cost, out=cost)
    return _solve(cost, transposed=transposed, width=width, n=n).mean


def _assignment(
    learned: ArrayLike | None, true: ArrayLike | None, matching: Matching | None, width: int, n: int, *, side: str
) -> tuple[NDArray[np.int64], str]:
    """Per latent (``side='latent'``) or per feature (``side='feature'``) the partner index."""
    if matching is not None:
        if learned is not None or true is not None:
            raise ValueError("pass either matching or the dictionaries (learned=, true=), not both")
        if not isinstance(matching, Matching):
            raise TypeError(f"matching must be a Matching, got {type(matching).__name__}")
        if (matching.width, matching.n) != (width, n):
            raise ValueError(
                f"matching is for {matching.width} latents and {matching.n} features but the codes "
                f"have {width} and {n} columns"
            )
        return (matching.latent_to_feature if side == "latent" else matching.feature_to_latent), "matching"
    if learned is None or true is None:
        raise ValueError("pass the dictionaries learned= (dim, width) and true= (dim, n), or matching=")
    A, B = _check_pair(learned, true)
    if A.shape[1] != width or B.shape[1] != n:
        raise ValueError(
            f"the dictionaries have {A.shape[1]} latents and {B.shape[1]} features but the codes "
            f"have {width} and {n} columns"
        )
    if side == "latent":
        return _best_features(A, B), "argmax"
    return _match_unit(A, B)[0].feature_to_latent, "matching"


def detection_scores(
    learned_codes: Any,
    true_codes: Any,
    matching: Matching | None = None,
    *,
    learned: ArrayLike | None = None,
    true: ArrayLike | None = None,
) -> DetectionScores:
    r"""Per-latent precision, recall and F1 as a detector of its true feature.

    Latent ``j`` is scored against feature :math:`f(j)`: with the dictionaries, its best
    :math:`|\cos|` feature :math:`\arg\max_i|\cos(\ell_j, t_i)|` (SynthSAEBench's choice; several
    latents may share a feature); with ``matching``, its partner in that one-to-one matching (an
    unmatched latent has no feature and scores 0). Over the batch, with *active* meaning nonzero,

    .. math::

        P_j = \frac{TP_j}{TP_j + FP_j},\quad R_j = \frac{TP_j}{TP_j + FN_j},\quad
        F_{1,j} = \frac{2 P_j R_j}{P_j + R_j},

    each taken as 0 when its denominator is 0, so a dead latent (never active) has precision,
    recall and F1 0 and counts against the means, which are over all ``width`` latents. This is
    SynthSAEBench's ``ClassificationMetricsCalculator`` except that it calls a latent active when
    its code is ``> 0`` (the same for non-negative codes) and sends a zero decoder column to
    feature 0 (here: no feature, scores 0).

    Parameters
    ----------
    learned_codes : array_like or scipy.sparse matrix, shape (batch, width)
    true_codes : array_like or scipy.sparse matrix, shape (batch, n)
    matching : Matching, optional
        Pairs to score; or give ``learned`` and ``true``.
    learned : array_like, shape (dim, width), optional
    true : array_like, shape (dim, n), optional

    Returns
    -------
    DetectionScores

    Examples
    --------
    >>> import numpy as np
    >>> true_codes = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]])
    >>> learned_codes = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, 0.0]])  # latent 1 is dead
    >>> s = detection_scores(learned_codes, true_codes, learned=np.eye(2), true=np.eye(2))
    >>> s.precision.tolist(), s.recall.tolist(), s.mean_f1
    ([0.5, 0.0], [0.5, 0.0], 0.25)

    References
    ----------
    Chanin, D. & Garriga-Alonso, A. (2026). SynthSAEBench: evaluating sparse autoencoders on
    scalable realistic synthetic data. arXiv:2602.14687.
    """
    X = _check_codes(learned_codes, "learned_codes")
    Y = _check_codes(true_codes, "true_codes", batch=X.shape[0])
    batch, width = X.shape
    n = Y.shape[1]
    feature, how = _assignment(learned, true, matching, width, n, side="latent")
    has = feature >= 0
    Ysel = _select_columns(Y, np.where(has, feature, 0), "true_codes")
    rows = _rows_per_block(width)
    tp = np.zeros(width, dtype=np.int64)
    n_lat = np.zeros(width, dtype=np.int64)
    n_feat = np.zeros(width, dtype=np.int64)
    for la, ta in zip(_active_blocks(X, rows), _active_blocks(Ysel, rows), strict=True):
        ta &= has
        tp += np.count_nonzero(la & ta, axis=0)
        n_lat += np.count_nonzero(la, axis=0)
        n_feat += np.count_nonzero(ta, axis=0)
    fp = n_lat - tp
    fn = n_feat - tp
    tn = batch - tp - fp - fn
    precision = np.divide(tp, n_lat, out=np.zeros(width), where=n_lat > 0)
    recall = np.divide(tp, n_feat, out=np.zeros(width), where=n_feat > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros(width), where=denom > 0)
    accuracy = np.where(has, (tp + tn) / batch, 0.0)
    return DetectionScores(
        precision=precision,
        recall=recall,
        f1=f1,
        accuracy=accuracy,
        feature=feature,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        mean_precision=float(precision.mean()),
        mean_recall=float(recall.mean()),
        mean_f1=float(f1.mean()),
        mean_accuracy=float(accuracy.mean()),
        assignment=how,
    )


def absorption_gap(
    learned_codes: Any,
    true_codes: Any,
    pairs: ArrayLike,
    matching: Matching | None = None,
    *,
    learned: ArrayLike | None = None,
    true: ArrayLike | None = None,
) -> AbsorptionScores:
    r"""How much the parent's latent stops firing when a child feature fires (feature absorption).

    For a pair (parent :math:`p`, child :math:`c`) of true features and the latent :math:`\ell`
    matched to the parent (one-to-one: ``matching``, or the optimal matching of the dictionaries),
    over the samples where the parent is active,

    .. math::

        r_{+} = \Pr[\ell \text{ active} \mid p, c \text{ active}],\qquad
        r_{-} = \Pr[\ell \text{ active} \mid p \text{ active}, c \text{ inactive}],\qquad
        \text{gap} = r_{-} - r_{+} .

    Full absorption (the child's latent takes over the parent's direction, so the parent's latent
    is silent whenever the child fires) gives a gap near :math:`r_{-}`; no absorption gives 0.
    A pair is undefined (NaN, ``defined`` False) when the parent is unmatched or either
    conditioning set is empty. This ground-truth form of Chanin et al.'s absorption (who measure
    it on language models with probes and ablations) is this toolkit's.

    Parameters
    ----------
    learned_codes : array_like or scipy.sparse matrix, shape (batch, width)
    true_codes : array_like or scipy.sparse matrix, shape (batch, n)
    pairs : array_like of int, shape (m, 2)
        ``(parent, child)`` indices of true features.
    matching : Matching, optional
    learned, true : array_like, optional
        The dictionaries, shapes ``(dim, width)`` and ``(dim, n)``, matched optimally when
        ``matching`` is not given.

    Returns
    -------
    AbsorptionScores

    Warns
    -----
    TheoryWarning
        When no pair is defined (``mean_gap`` is then NaN).

    Examples
    --------
    >>> import numpy as np
    >>> true_codes = np.array([[1.0, 1.0], [1.0, 0.0], [1.0, 1.0], [1.0, 0.0]])
    >>> learned_codes = true_codes.copy()          # perfect latents: no absorption
    >>> absorption_gap(learned_codes, true_codes, [[0, 1]], learned=np.eye(2), true=np.eye(2)).mean_gap
    0.0

    References
    ----------
    Chanin, D., Wilken-Smith, J., Dulka, T., Bhatnagar, H., Golechha, S. & Bloom, J. (2024).
    A is for absorption: studying feature splitting and absorption in sparse autoencoders.
    arXiv:2409.14507.
    """
    X = _check_codes(learned_codes, "learned_codes")
    Y = _check_codes(true_codes, "true_codes", batch=X.shape[0])
    width, n = X.shape[1], Y.shape[1]
    P = check_array(pairs, "pairs", dtype=None)
    if P.ndim == 1 and P.size == 2:
        P = P[None, :]
    if P.ndim != 2 or P.shape[1] != 2 or P.shape[0] < 1:
        raise ValueError(f"pairs must have shape (m, 2) with m >= 1 (parent, child) rows, got shape {P.shape}")
    if P.dtype.kind == "b" or P.dtype.kind not in "iu":
        raise TypeError(f"pairs must be integer indices, got dtype {P.dtype}")
    P = P.astype(np.int64)
    if P.min() < 0 or P.max() >= n:
        raise ValueError(f"pairs must index true features in [0, {n - 1}], got values in [{P.min()}, {P.max()}]")
    if np.any(P[:, 0] == P[:, 1]):
        raise ValueError("pairs must have parent != child")
    f2l, _ = _assignment(learned, true, matching, width, n, side="feature")
    lat = f2l[P[:, 0]]
    ok = lat >= 0
    Xs = _select_columns(X, np.where(ok, lat, 0), "learned_codes")
    Ypar = _select_columns(Y, P[:, 0], "true_codes")
    Ychi = _select_columns(Y, P[:, 1], "true_codes")
    rows = _rows_per_block(P.shape[0])
    m = P.shape[0]
    n_with = np.zeros(m, dtype=np.int64)
    n_without = np.zeros(m, dtype=np.int64)
    hit_with = np.zeros(m, dtype=np.int64)
    hit_without = np.zeros(m, dtype=np.int64)
    for la, pa, ca in zip(
        _active_blocks(Xs, rows), _active_blocks(Ypar, rows), _active_blocks(Ychi, rows), strict=True
    ):
        w = pa & ca
        wo = pa & ~ca
        n_with += np.count_nonzero(w, axis=0)
        n_without += np.count_nonzero(wo, axis=0)
        hit_with += np.count_nonzero(w & la, axis=0)
        hit_without += np.count_nonzero(wo & la, axis=0)
    defined = ok & (n_with > 0) & (n_without > 0)
    r_with = np.full(m, np.nan)
    r_without = np.full(m, np.nan)
    r_with[defined] = hit_with[defined] / n_with[defined]
    r_without[defined] = hit_without[defined] / n_without[defined]
    gap = r_without - r_with
    if defined.any():
        mean_gap = float(gap[defined].mean())
    else:
        mean_gap = float("nan")
        warnings.warn(
            "absorption_gap: no pair is defined (parent unmatched, or the child never / always fires "
            "with the parent in this batch); mean_gap is NaN",
            TheoryWarning,
            stacklevel=2,
        )
    return AbsorptionScores(
        pairs=P,
        latent=lat,
        recall_with_child=r_with,
        recall_without_child=r_without,
        gap=gap,
        n_with_child=n_with,
        n_without_child=n_without,
        defined=defined,
        mean_gap=mean_gap,
    )


# ----------------------------------------------------------------------------------------------
# reconstruction and activity
# ----------------------------------------------------------------------------------------------


def _check_recon(x: ArrayLike, x_hat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    X = check_data(x, "x")
    Xh = check_data(x_hat, "x_hat")
    if X.shape != Xh.shape:
        raise ValueError(f"x and x_hat must have the same shape (batch, dim), got {X.shape} and {Xh.shape}")
    return X, Xh


def explained_variance(x: ArrayLike, x_hat: ArrayLike) -> float:
    r"""Fraction of the data's total variance that a reconstruction explains.

    .. math::

        \mathrm{EV} = 1 - \frac{\sum_b \lVert x_b - \hat x_b\rVert^2}{\sum_b \lVert x_b - \bar x\rVert^2},
        \qquad \bar x = \frac{1}{B}\sum_b x_b ,

    pooled over all dimensions (total variance, not a per-dimension average of :math:`R^2`),
    with the mean over the batch: SynthSAEBench's ``ExplainedVarianceCalculator``. Can be
    negative. Data with zero total variance is refused (SynthSAEBench returns 1 or 0 there).

    Parameters
    ----------
    x : array_like, shape (batch, dim)
        The data.
    x_hat : array_like, shape (batch, dim)
        Its reconstruction.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    >>> explained_variance(x, x), explained_variance(x, np.tile(x.mean(0), (3, 1)))
    (1.0, 0.0)

    References
    ----------
    Chanin, D. & Garriga-Alonso, A. (2026). SynthSAEBench. arXiv:2602.14687.
    """
    X, Xh = _check_recon(x, x_hat)
    total = float(np.sum((X - X.mean(axis=0)) ** 2))
    if not total > 0:
        raise ValueError("x has zero variance over the batch (all samples equal); explained variance is undefined")
    return 1.0 - float(np.sum((X - Xh) ** 2)) / total


def shrinkage(x: ArrayLike, x_hat: ArrayLike, *, min_norm: float = 1e-6) -> float:
    r"""Mean ratio of reconstructed to input norm (SynthSAEBench's shrinkage; 1 means none).

    .. math::

        \mathrm{shrinkage} = \frac{1}{|S|}\sum_{b \in S}\frac{\lVert \hat x_b\rVert}{\lVert x_b\rVert},
        \qquad S = \{b : \lVert x_b\rVert > \text{min\_norm}\},

    samples of (near) zero norm being skipped as in SynthSAEBench's ``ShrinkageCalculator``
    (threshold :math:`10^{-6}`). Below 1: the reconstruction is shrunk (as an L1 penalty does).

    Parameters
    ----------
    x, x_hat : array_like, shape (batch, dim)
    min_norm : float
        Samples with :math:`\lVert x_b\rVert \le` ``min_norm`` are skipped.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])
    >>> shrinkage(x, 0.5 * x)
    0.5

    References
    ----------
    Chanin, D. & Garriga-Alonso, A. (2026). SynthSAEBench. arXiv:2602.14687.
    Wright, B. & Sharkey, L. (2024). Addressing feature suppression in SAEs. AI Alignment Forum.
    """
    X, Xh = _check_recon(x, x_hat)
    min_norm = check_real(min_norm, "min_norm", minimum=0.0)
    nx = np.linalg.norm(X, axis=1)
    keep = nx > min_norm
    if not keep.any():
        raise ValueError(f"every sample of x has norm <= min_norm = {min_norm}; shrinkage is undefined")
    return float(np.mean(np.linalg.norm(Xh[keep], axis=1) / nx[keep]))


def _firing_rate(codes: Any, threshold: float) -> NDArray[np.float64]:
    counts = np.zeros(codes.shape[1], dtype=np.int64)
    for blk in _active_blocks(codes, _rows_per_block(codes.shape[1]), threshold):
        counts += np.count_nonzero(blk, axis=0)
    return counts / codes.shape[0]


def dead_latents(codes: Any, threshold: float = 0.0) -> LatentActivity:
    r"""Latents never active over the batch.

    Latent ``j`` is dead when :math:`|z_{bj}| \le` ``threshold`` for every sample ``b``; with the
    default 0 it is never nonzero, SynthSAEBench's ``dead_latents`` (which counts never ``> 0``,
    the same for non-negative codes).

    Parameters
    ----------
    codes : array_like or scipy.sparse matrix, shape (batch, width)
    threshold : float
        Activation magnitude at or below which a latent counts as inactive (>= 0).

    Returns
    -------
    LatentActivity

    Examples
    --------
    >>> import numpy as np
    >>> d = dead_latents(np.array([[0.0, 1.0, 0.0], [0.0, 2.0, 1e-9]]))
    >>> d.indices.tolist(), dead_latents(np.array([[0.0, 1.0, 0.0], [0.0, 2.0, 1e-9]]), threshold=1e-6).count
    ([0], 2)

    References
    ----------
    Chanin, D. & Garriga-Alonso, A. (2026). SynthSAEBench. arXiv:2602.14687.
    Bricken, T. et al. (2023). Towards monosemanticity: decomposing language models with
    dictionary learning. Transformer Circuits Thread.
    """
    Z = _check_codes(codes, "codes")
    threshold = check_real(threshold, "threshold", minimum=0.0)
    rate = _firing_rate(Z, threshold)
    idx = np.flatnonzero(rate == 0).astype(np.int64)
    return LatentActivity(
        kind="dead",
        indices=idx,
        count=int(idx.size),
        fraction=idx.size / Z.shape[1],
        firing_rate=rate,
        threshold=threshold,
        batch=Z.shape[0],
        width=Z.shape[1],
    )


def dense_latents(codes: Any, threshold: float = 0.1) -> LatentActivity:
    r"""Latents active (nonzero) on more than a fraction ``threshold`` of the samples.

    .. math::

        \text{dense} = \{ j : \tfrac{1}{B}\,|\{b : z_{bj} \ne 0\}| > \text{threshold} \}

    The default 0.1 is a convention, not a standard: with ground truth, compare with the true
    features' firing rates (SynthSAEBench's most frequent feature fires with probability 0.4), and
    raise it above them.

    Parameters
    ----------
    codes : array_like or scipy.sparse matrix, shape (batch, width)
    threshold : float
        Firing-rate threshold in [0, 1).

    Returns
    -------
    LatentActivity

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    >>> dense_latents(z, threshold=0.5).indices.tolist()
    [0]

    References
    ----------
    Sun, X. et al. (2025). Dense SAE latents are features, not bugs. arXiv:2506.15679.
    """
    Z = _check_codes(codes, "codes")
    threshold = check_real(threshold, "threshold", minimum=0.0, maximum=1.0, strict_max=True)
    rate = _firing_rate(Z, 0.0)
    idx = np.flatnonzero(rate > threshold).astype(np.int64)
    return LatentActivity(
        kind="dense",
        indices=idx,
        count=int(idx.size),
        fraction=idx.size / Z.shape[1],
        firing_rate=rate,
        threshold=threshold,
        batch=Z.shape[0],
        width=Z.shape[1],
    )
