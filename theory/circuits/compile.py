r"""Deep Boolean circuits compiled into superposed MLPs, with and without error correction.

Each circuit layer ``l -> l+1`` becomes one U-AND stage (Hänni, Mendel, Vaintrob & Chan 2024):

1. read the current layer from the residual stream, ``x̂ = F_lᵀ h`` (``F_l`` of shape
   ``(dim, m_l)``; identity when basis-aligned);
2. ``a = ReLU(W x̂ + w_1 - 1)``: a Bernoulli U-AND layer on the ``m_l`` nodes plus a constant
   input 1 (column ``w_1``, folded into the bias), so that both ``x_i = AND(x_i, 1)`` and
   ``x_i x_j`` can be read off;
3. every gate of layer ``l+1`` as its integer combination of ANDs (:func:`gate_polynomial`),
   ``ŷ = C R a`` with ``R`` the sparse U-AND read-off;
4. write ``h' = F_{l+1} ŷ``.

The linear part of every gate (``x_i`` terms) is carried by the residual (skip) connection
``Lin``: no neuron is needed for it, and inactive inputs contribute no error.

**Error correction** (``error_correction=True``, "superposed") follows each stage with a layer of
``n_ec`` neuron pairs shared by the nodes. Node ``i`` is wired to a set ``R_i`` of exactly
``n`` pairs (``ec_degree``, chosen uniformly without replacement; or Bernoulli(``ec_p``)
wiring), pair ``r`` holds the nodes ``T_r = {i : r ∈ R_i}`` and computes the clipped step
:math:`c_r = \mathrm{ReLU}(2(z_r - 1/4)) - \mathrm{ReLU}(2(z_r - 3/4))
= \mathrm{clip}((z_r - \theta)/(1 - 2\theta), 0, 1)`, :math:`\theta = 1/4`, of
:math:`z_r = \sum_{i \in T_r} \hat x_i`. Node ``i`` is read as the *centred* mean

.. math:: \tilde x_i = \frac1{|R_i|}\sum_{r \in R_i} c_r \;-\; \frac1{n_{ec}}\sum_{r=1}^{n_{ec}} c_r .

Why centre: while every :math:`z_r` is outside :math:`(\theta, 1-\theta)`, :math:`c_r` is
exactly the indicator that ``T_r`` holds an active node. An inactive node's pairs are then on
only through collisions with the ``a`` active nodes, so its uncentred read is
:math:`\#\{r \in R_i : c_r = 1\}/n \ge 0` with mean :math:`\beta = P(c_r = 1) \approx a n / n_{ec}`
— a systematic *upward* bias on every inactive node, which the skip connection of the next
stage adds up (``OR = a + b - ab`` doubles it) and which made the uncentred layer of earlier
versions (``ec_centre=False``) increase the error. The global mean :math:`\bar c` has the same
expectation :math:`\beta` (over the wiring), so the centred read of an inactive node is
zero-mean, and an active node (all of whose pairs fire) reads exactly :math:`1 - \bar c`. Small
errors (below :math:`\theta` on every pair) are erased: the output depends only on which nodes
are active. Errors above :math:`1/2` (wrong gates of the U-AND) are *not* corrected.
``error_correction="dedicated"`` uses one clipping pair per node (``2 m_l`` neurons, not in
superposition, uncentred): an idealised reset, for comparison.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from theory._validation import (
    as_rng,
    check_array,
    check_bool,
    check_int,
    check_memory,
    check_probability,
    check_real,
    check_size,
    estimate_bytes,
)
from theory._warnings import TheoryDeprecationWarning
from theory.circuits.circuit import Circuit, gate_polynomial
from theory.circuits.moments import optimal_p
from theory.circuits.uand import embed_features, sparse_inputs

__all__ = [
    "EC_KINDS",
    "ErrorCorrection",
    "ErrorStats",
    "Stage",
    "SuperposedMLP",
    "compile_circuit",
    "simulate",
    "stored_polynomials",
]

#: Largest ``width`` (U-AND neurons per fan-in block and stage) :func:`compile_circuit` accepts.
MAX_WIDTH = 10**7
#: Largest number of ``samples`` :func:`simulate` accepts (every sample is a forward pass through all
#: layers, and its errors are kept for the confidence intervals).
MAX_SAMPLES = 10**7


def _bernoulli_sparse(rows: int, cols: int, p: float, gen: np.random.Generator) -> sps.csc_matrix:
    counts = gen.binomial(rows, p, size=cols)
    r = (
        np.concatenate([gen.choice(rows, size=c, replace=False) for c in counts])
        if counts.sum()
        else np.empty(0, dtype=np.int64)
    )
    c = np.repeat(np.arange(cols), counts)
    return sps.csc_matrix((np.ones(len(r)), (r, c)), shape=(rows, cols))


def _fixed_degree(rows: int, cols: int, n: int, gen: np.random.Generator) -> sps.csr_matrix:
    """0/1 matrix whose every column has exactly ``n`` ones at uniform distinct rows."""
    r = np.concatenate([gen.choice(rows, size=n, replace=False) for _ in range(cols)])
    c = np.repeat(np.arange(cols), n)
    return sps.csr_matrix((np.ones(len(r)), (r, c)), shape=(rows, cols))


def _substitute(poly: dict[tuple[int, ...], int], neg: NDArray[np.bool_]) -> dict[tuple[int, ...], int]:
    """Rewrite a polynomial in node values ``x`` as one in stored values ``u``
    (``x_i = 1 - u_i`` where ``neg[i]``, else ``x_i = u_i``), expanding the products."""
    out: dict[tuple[int, ...], int] = {}
    for mono, coef in poly.items():
        terms: dict[tuple[int, ...], int] = {(): coef}
        for i in mono:
            nxt: dict[tuple[int, ...], int] = {}
            for t, c in terms.items():
                if neg[i]:
                    nxt[t] = nxt.get(t, 0) + c
                    key = tuple(sorted(t + (i,)))
                    nxt[key] = nxt.get(key, 0) - c
                else:
                    key = tuple(sorted(t + (i,)))
                    nxt[key] = nxt.get(key, 0) + c
            terms = nxt
        for t, c in terms.items():
            out[t] = out.get(t, 0) + c
    return {t: c for t, c in out.items() if c}


def stored_polynomials(circuit: Circuit) -> tuple[list[list[dict[tuple[int, ...], int]]], list[NDArray[np.bool_]]]:
    r"""Each gate as an integer polynomial in the *stored* (sparse) values of the layer before.

    A node whose value is 1 on the all-zero input (``NOT a``, ``OR(NOT a, b)``, …) is stored
    as its complement ``u = 1 - x``, so that every stored layer is 0 on the all-zero input and
    stays sparse on sparse inputs; NOT costs no neuron. Substituting ``x_i = 1 - u_i`` for the
    complemented nodes of the layer before into the gate's AND form
    (:func:`~theory.circuits.gate_polynomial`) and complementing again where the constant term
    is 1 gives, for every gate, a polynomial with integer coefficients and **no constant term**:

    .. math:: u_g = \sum_{S \ne \emptyset} c_S \prod_{i \in S} u_i, \qquad
        x_g = u_g \text{ or } 1 - u_g,

    e.g. ``AND(a, NOT b) = a - ab``, ``NOT(a)`` stored as ``a`` (read ``1 - a``),
    ``AND(NOT a, NOT b)`` stored as ``a + b - ab``.

    Parameters
    ----------
    circuit : Circuit

    Returns
    -------
    polys : list of list of dict
        ``polys[l][g]``: monomial (sorted tuple of indices into layer ``l``) -> coefficient.
    negated : list of ndarray of bool
        ``negated[l][i]``: node ``i`` of layer ``l`` is stored complemented (inputs: never).

    Examples
    --------
    >>> from theory.circuits import Circuit, Gate
    >>> c = Circuit(2, [[Gate("AND", (0, 1)), Gate("NOT", (1,))], [Gate("AND", (0, 1))]])
    >>> polys, neg = stored_polynomials(c)
    >>> polys[1], [n.tolist() for n in neg]      # AND(x0 x1, NOT x1) = u0 - u0 u1
    ([{(0,): 1, (0, 1): -1}], [[False, False], [False, True], [False]])
    """
    if not isinstance(circuit, Circuit):
        raise TypeError(f"circuit must be a Circuit, got {type(circuit).__name__}")
    neg = [np.zeros(circuit.n_inputs, dtype=bool)]
    polys = []
    for layer in circuit.layers:
        prev = neg[-1]
        lp, ln = [], []
        for gate in layer:
            q = _substitute(gate_polynomial(gate), prev)
            c0 = q.pop((), 0)
            if c0 not in (0, 1):
                raise ValueError(f"gate {gate} has constant term {c0} after substitution")
            if c0 == 1:
                q = {t: -c for t, c in q.items()}
            lp.append(q)
            ln.append(c0 == 1)
        polys.append(lp)
        neg.append(np.array(ln, dtype=bool))
    return polys, neg


@dataclass
class Stage:
    """One compiled circuit layer (and its error-correction layer).

    Attributes
    ----------
    W : scipy.sparse matrix, shape (d, m_in)
        U-AND weights (bias -1).
    O : scipy.sparse matrix, shape (m_out, d)
        Read-off of the quadratic part of the next layer's gates (integer combinations of
        U-AND read-offs).
    Lin : scipy.sparse matrix, shape (m_out, m_in)
        Linear part of the gates, read through the residual (skip) connection.
    F_in, F_out : ndarray of shape (dim, m) or None
        Embeddings of the layer read and the layer written (None = basis-aligned).
    V : scipy.sparse matrix, shape (n_ec, m_out), or None
        Error-correction wiring.
    Q : scipy.sparse matrix, shape (m_out, n_ec), or None
        Error-correction read-off (mean over the pairs wired to each node).
    ec_centre : bool
        Subtract the mean output of all correction pairs from every node's read (rank-one
        centring, see the module docstring).
    bias : float or ndarray of shape (d,)
        U-AND biases: ``-(k-1)`` on the block of neurons serving fan-in ``k`` (default -1).
    """

    W: Any
    O: Any
    Lin: Any
    F_in: NDArray[np.float64] | None
    F_out: NDArray[np.float64] | None
    V: Any = None
    Q: Any = None
    ec_centre: bool = False
    bias: Any = -1.0

    def forward(self, h: NDArray[np.float64]) -> NDArray[np.float64]:
        """Map the residual stream of layer l (batch, dim or m_l) to that of layer l+1."""
        xr = h if self.F_in is None else h @ self.F_in
        a = np.maximum(np.asarray(self.W @ xr.T).T + self.bias, 0.0)
        y = np.asarray(self.O @ a.T).T + np.asarray(self.Lin @ xr.T).T
        h2 = y if self.F_out is None else y @ self.F_out.T
        if self.V is not None:
            xr2 = h2 if self.F_out is None else h2 @ self.F_out
            z = np.asarray(self.V @ xr2.T).T
            c = np.maximum(2 * (z - 0.25), 0.0) - np.maximum(2 * (z - 0.75), 0.0)
            y2 = np.asarray(self.Q @ c.T).T
            if self.ec_centre:
                y2 = y2 - c.mean(axis=1, keepdims=True)
            h2 = y2 if self.F_out is None else y2 @ self.F_out.T
        return h2

    @property
    def n_neurons(self) -> int:
        """ReLU neurons: the U-AND layer plus two per error-correction pair."""
        return int(self.W.shape[0] + (0 if self.V is None else 2 * self.V.shape[0]))

    @property
    def n_params(self) -> int:
        """Non-zero weights and biases, with the embeddings folded into the layers."""
        d = self.W.shape[0]
        n = d + (self.W.nnz if self.F_in is None else d * self.F_in.shape[0])
        n += self.O.nnz if self.F_out is None else d * self.F_out.shape[0]
        n += self.Lin.nnz
        if self.V is not None:
            k = self.V.shape[0]
            n += 2 * k + 2 * (self.V.nnz if self.F_out is None else k * self.F_out.shape[0])
            n += 2 * (self.Q.nnz if self.F_out is None else k * self.F_out.shape[0])
            if self.ec_centre:
                n += k + self.Q.shape[0]  # rank-one centring 1 (1/k)ᵀ
        return int(n)


def _check_list(value: Any, name: str) -> list[Any]:
    """A list or tuple argument, as a list (strings, arrays and scalars refused)."""
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a list or tuple, got {type(value).__name__}")
    return list(value)


class SuperposedMLP:
    """A circuit compiled into a stack of superposed MLP stages (see :func:`compile_circuit`).

    Attributes
    ----------
    stages : list of Stage
    embeddings : list of (ndarray or None)
        ``F_l`` for every circuit layer (inputs first).
    widths : tuple of int
        Circuit layer widths.
    error_correction : bool or "dedicated"
    negated : list of ndarray of bool
        Nodes stored complemented (``u = 1 - x``; see :func:`stored_polynomials`): their
        value is read as ``1 - û``.

    Parameters
    ----------
    stages : sequence of Stage
        One per circuit layer after the inputs; stage ``l`` maps ``widths[l]`` nodes to
        ``widths[l + 1]`` (its ``Lin`` has shape ``(widths[l + 1], widths[l])``).
    embeddings : sequence of (ndarray of shape (dim, widths[l]) or None)
        One per circuit layer, inputs first.
    widths : sequence of int
        Circuit layer widths, ``len(stages) + 1`` of them.
    error_correction : bool or "dedicated"
    info : dict
        Construction parameters (as recorded by :func:`compile_circuit`).
    negated : sequence of bool ndarray of shape (widths[l],), optional
        Complemented nodes per layer (default none).

    Examples
    --------
    >>> from theory.circuits import Circuit, Gate
    >>> net = compile_circuit(Circuit(2, [[Gate("AND", (0, 1))]]), width=64, error_correction=False)
    >>> SuperposedMLP(net.stages, net.embeddings, (2, 1), error_correction=False, info={})
    SuperposedMLP(depth=1, neurons=64, error_correction=False)
    """

    def __init__(
        self,
        stages: list[Stage],
        embeddings: list[NDArray[np.float64] | None],
        widths: tuple[int, ...],
        error_correction: bool | Literal["dedicated"],
        info: dict[str, Any],
        negated: list[NDArray[np.bool_]] | None = None,
    ) -> None:
        stages = _check_list(stages, "stages")
        for i, st in enumerate(stages):
            if not isinstance(st, Stage):
                raise TypeError(f"stages[{i}] must be a Stage, got {type(st).__name__}")
        widths = tuple(check_int(w, "widths (a layer width)", minimum=1) for w in _check_list(widths, "widths"))
        if len(widths) != len(stages) + 1:
            raise ValueError(f"widths must have len(stages) + 1 = {len(stages) + 1} entries, got {len(widths)}")
        for i, st in enumerate(stages):
            shape = getattr(st.Lin, "shape", None)
            if shape != (widths[i + 1], widths[i]):
                raise ValueError(
                    f"widths {widths} do not match stages[{i}], whose Lin has shape {shape} "
                    f"(expected (widths[{i + 1}], widths[{i}]) = ({widths[i + 1]}, {widths[i]}))"
                )
        embeddings = _check_list(embeddings, "embeddings")
        if len(embeddings) != len(widths):
            raise ValueError(f"embeddings must have one entry per layer ({len(widths)}), got {len(embeddings)}")
        checked: list[NDArray[np.float64] | None] = []
        for i, F in enumerate(embeddings):
            if F is not None:
                F = check_array(F, f"embeddings[{i}]", ndim=2)
                if F.shape[1] != widths[i] or F.shape[0] < 1:
                    raise ValueError(f"embeddings[{i}] must have shape (dim, widths[{i}]={widths[i]}), got {F.shape}")
            checked.append(F)
        if isinstance(error_correction, str):
            if error_correction != "dedicated":
                raise ValueError(f"error_correction must be True, False or 'dedicated', got {error_correction!r}")
        elif not isinstance(error_correction, (bool, np.bool_)):
            raise TypeError(
                f"error_correction must be True, False or 'dedicated', got {type(error_correction).__name__}"
            )
        else:
            error_correction = bool(error_correction)
        if not isinstance(info, dict):
            raise TypeError(f"info must be a dict, got {type(info).__name__}")
        if negated is None:
            neg = [np.zeros(w, dtype=bool) for w in widths]
        else:
            negs = _check_list(negated, "negated")
            if len(negs) != len(widths):
                raise ValueError(f"negated must have one entry per layer ({len(widths)}), got {len(negs)}")
            neg = []
            for i, v in enumerate(negs):
                try:
                    arr = np.asarray(v)
                except (TypeError, ValueError) as exc:  # ragged
                    raise TypeError(f"negated[{i}] must be a bool array: {exc}") from None
                if arr.dtype != np.bool_:
                    raise TypeError(f"negated[{i}] must be a bool array, got dtype {arr.dtype}")
                if arr.shape != (widths[i],):
                    raise ValueError(f"negated[{i}] must have shape (widths[{i}],) = ({widths[i]},), got {arr.shape}")
                neg.append(arr)
        self.stages = stages
        self.embeddings = checked
        self.widths = widths
        self.error_correction = error_correction
        self.info = info
        self.negated = neg

    def __repr__(self) -> str:
        return (
            f"SuperposedMLP(depth={len(self.stages)}, neurons={self.n_neurons}, "
            f"error_correction={self.error_correction})"
        )

    @property
    def n_neurons(self) -> int:
        """Total ReLU neurons."""
        return sum(s.n_neurons for s in self.stages)

    @property
    def n_params(self) -> int:
        """Total non-zero parameters."""
        return sum(s.n_params for s in self.stages)

    def embed(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Residual stream of the inputs, ``F_0 x``."""
        F = self.embeddings[0]
        return x if F is None else x @ F.T

    def forward(self, x: ArrayLike) -> list[NDArray[np.float64]]:
        """Read-off of every layer's node values, inputs first: list of ``(batch, m_l)``
        (complemented nodes read as ``1 - û``).

        Parameters
        ----------
        x : array_like, shape (batch, n_inputs)
            Boolean inputs.
        """
        X = np.atleast_2d(np.asarray(x, dtype=float))
        if X.shape[1] != self.widths[0]:
            raise ValueError(f"x must have {self.widths[0]} columns, got shape {X.shape}")
        h = self.embed(X)
        reads = [h if self.embeddings[0] is None else h @ self.embeddings[0]]
        for stage, F in zip(self.stages, self.embeddings[1:], strict=True):
            h = stage.forward(h)
            reads.append(h if F is None else h @ F)
        return [np.where(neg, 1.0 - r, r) if neg.any() else r for r, neg in zip(reads, self.negated, strict=True)]


#: The kinds of error correction :func:`compile_circuit` builds.
EC_KINDS = ("none", "superposed", "dedicated")
_EC_SHORTHANDS: dict[Any, str] = {False: "none", True: "superposed"}
_EC_LEGACY: dict[str, bool | Literal["dedicated"]] = {"none": False, "superposed": True, "dedicated": "dedicated"}


@dataclass(frozen=True)
class ErrorCorrection:
    r"""The error-correction layer that follows every stage of :func:`compile_circuit`.

    ``"superposed"``: ``pairs`` clipping neuron pairs shared by the nodes. Node ``i`` is wired to
    a set :math:`R_i` of ``degree`` pairs chosen uniformly without replacement (or, with ``p``,
    to each pair independently with probability ``p``); pair ``r`` computes
    :math:`c_r = \mathrm{clip}((z_r - 1/4)/(1/2), 0, 1)` of the sum :math:`z_r` of its nodes'
    reads, and node ``i`` is read as

    .. math:: \tilde x_i = \frac1{|R_i|}\sum_{r \in R_i} c_r \;-\; \frac1{n_{ec}}\sum_{r=1}^{n_{ec}} c_r

    (the second term only with ``centre``; see the module docstring for why it removes the
    upward bias of inactive nodes). ``"dedicated"``: one clipping pair per node (``2 m_l``
    neurons, not in superposition), an idealised reset for comparison. ``"none"``: no correction.

    Attributes
    ----------
    kind : {"superposed", "dedicated", "none"}
    pairs : int, optional
        Correction pairs per stage, ``n_ec`` (superposed only; default ``width // 2``, the same
        neuron count as the U-AND layer).
    degree : int, optional
        Pairs per node (superposed only; default ``min(8, pairs)``, at most ``pairs``); every
        node is covered.
    p : float, optional
        Bernoulli(``p``) wiring of nodes to pairs instead of a fixed degree (superposed only;
        exclusive with ``degree``).
    centre : bool
        Subtract the mean output of all pairs from every node's read (superposed only; default
        True; ``False`` gives the biased read, kept for comparison).

    Examples
    --------
    >>> ErrorCorrection("superposed", pairs=60, degree=5)
    ErrorCorrection(kind='superposed', pairs=60, degree=5)
    >>> ErrorCorrection.of(False), ErrorCorrection.of("dedicated").kind
    (ErrorCorrection(kind='none'), 'dedicated')
    >>> ErrorCorrection("dedicated", pairs=10)
    Traceback (most recent call last):
    ...
    ValueError: pairs, degree, p and centre=False apply to kind='superposed' only, got kind='dedicated'

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    """

    kind: str = "superposed"
    pairs: int | None = None
    degree: int | None = None
    p: float | None = None
    centre: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or self.kind not in EC_KINDS:
            raise ValueError(f"kind must be one of {EC_KINDS}, got {self.kind!r}")
        if self.pairs is not None:
            object.__setattr__(self, "pairs", check_int(self.pairs, "pairs", minimum=1))
        if self.degree is not None:
            object.__setattr__(self, "degree", check_int(self.degree, "degree", minimum=1))
        if self.p is not None:
            object.__setattr__(self, "p", check_probability(self.p, "p", allow_zero=False))
        object.__setattr__(self, "centre", check_bool(self.centre, "centre"))
        if self.kind != "superposed" and (
            self.pairs is not None or self.degree is not None or self.p is not None or not self.centre
        ):
            raise ValueError(
                f"pairs, degree, p and centre=False apply to kind='superposed' only, got kind={self.kind!r}"
            )
        if self.degree is not None and self.p is not None:
            raise ValueError("give degree (fixed-degree wiring) or p (Bernoulli wiring), not both")
        if self.degree is not None and self.pairs is not None and self.degree > self.pairs:
            raise ValueError(f"degree must be at most pairs={self.pairs}, got {self.degree}")

    @classmethod
    def of(cls, value: ErrorCorrection | bool | str) -> ErrorCorrection:
        """``value`` as an :class:`ErrorCorrection`: ``True`` is ``"superposed"``, ``False``
        ``"none"``, a kind name that kind with its defaults."""
        if isinstance(value, ErrorCorrection):
            return value
        if isinstance(value, (bool, np.bool_)):
            return cls(_EC_SHORTHANDS[bool(value)])
        if isinstance(value, str) and value in EC_KINDS:
            return cls(value)
        raise ValueError(
            "error_correction must be True, False or 'dedicated' (or 'none', 'superposed', "
            f"an ErrorCorrection), got {value!r}"
        )

    def replace(self, **changes: Any) -> ErrorCorrection:
        """A copy with ``changes`` (validated again)."""
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        shown = [f"kind={self.kind!r}"] + [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)[1:]
            if getattr(self, f.name) != f.default
        ]
        return f"ErrorCorrection({', '.join(shown)})"


#: The keywords of :func:`compile_circuit` that moved into :class:`ErrorCorrection`; they still
#: work for one release, with a ``DeprecationWarning``.
_EC_KEYWORDS = {"ec_pairs": "pairs", "ec_degree": "degree", "ec_p": "p", "ec_centre": "centre"}


def _error_correction(value: ErrorCorrection | bool | str, deprecated: dict[str, Any]) -> ErrorCorrection:
    """``value`` as an :class:`ErrorCorrection`, with the deprecated ``ec_*`` keywords folded in
    (ignored, as they always were, unless the correction is superposed)."""
    ec = ErrorCorrection.of(value)
    if not deprecated:
        return ec
    unknown = sorted(set(deprecated) - set(_EC_KEYWORDS))
    if unknown:
        raise TypeError(f"compile_circuit() got unexpected keyword arguments {unknown}")
    new = ", ".join(f"{_EC_KEYWORDS[k]}=..." for k in sorted(deprecated))
    warnings.warn(
        f"compile_circuit({', '.join(f'{k}=' for k in sorted(deprecated))}...) is deprecated and will be "
        f"removed in the next release; pass error_correction=ErrorCorrection('superposed', {new})",
        TheoryDeprecationWarning,
        stacklevel=3,
    )
    kw = dict(deprecated)
    if "ec_centre" in kw:
        kw["ec_centre"] = check_bool(kw["ec_centre"], "ec_centre")
    if ec.kind != "superposed":
        return ec
    if kw.get("ec_p") is not None:
        kw.pop("ec_degree", None)  # Bernoulli wiring: the degree was never used
    for name, rule in (("ec_pairs", dict(minimum=1)), ("ec_degree", dict(minimum=1))):
        if kw.get(name) is not None:
            kw[name] = check_int(kw[name], name, **rule)
    if kw.get("ec_p") is not None:
        kw["ec_p"] = check_probability(kw["ec_p"], "ec_p", allow_zero=False)
    return ec.replace(**{_EC_KEYWORDS[k]: v for k, v in kw.items()})


def compile_circuit(
    circuit: Circuit,
    *,
    width: int,
    dim: int | None = None,
    error_correction: ErrorCorrection | bool | str = True,
    s: int = 3,
    p: float | None = None,
    rng: Any = 0,
    **deprecated: Any,
) -> SuperposedMLP:
    r"""Compile a layered circuit into a superposed MLP of U-AND stages.

    See the module docstring for the construction. Every gate is first written as an integer
    polynomial without constant term in the *stored* values of the layer before
    (:func:`stored_polynomials`: a node that is 1 on the all-zero input, such as ``NOT a``, is
    stored as its complement and read as ``1 - û``, so NOT needs no neuron and
    ``AND(a, NOT b) = a - ab``). Stage ``l`` has ``width`` U-AND neurons on the ``m_l`` stored
    nodes (bias -1) for the degree-2 monomials, plus one more block of ``width`` neurons with
    bias ``-(k-1)`` for each degree ``k >= 3`` present (k-ary AND); it reads each gate
    :math:`u_g = \sum_S c_S \prod_{i\in S} u_i` as
    :math:`\sum_{|S|=1} c_S u_S + \sum_{|S|\ge2} c_S\,\widehat{\mathrm{AND}}_S` (linear terms
    through the skip connection), and (with ``error_correction``) is followed by a layer of
    clipping neuron pairs (``ErrorCorrection``).

    Parameters
    ----------
    circuit : Circuit
        Any gates (AND of any fan-in, OR, XOR, NOT, ID).
    width : int
        U-AND neurons per stage, ``d``; at most ``MAX_WIDTH``.
    dim : int, optional
        Residual dimension ``d0`` in which each layer is stored in superposition (random sign
        embeddings); ``None`` = basis-aligned (each node its own coordinate).
    error_correction : ErrorCorrection, bool or {"superposed", "dedicated", "none"}
        The correction layer after each stage: an ``ErrorCorrection`` (kind, number of
        pairs, pairs per node or Bernoulli wiring, centring), or a shorthand for a kind with its
        defaults: ``True`` = ``"superposed"`` (``width // 2`` clipping pairs shared by the nodes,
        8 pairs per node, centred read-off), ``"dedicated"`` (one clipping pair per node),
        ``False`` = ``"none"``. The keywords ``ec_pairs``, ``ec_degree``, ``ec_p`` and
        ``ec_centre`` (its ``pairs``, ``degree``, ``p``, ``centre``) still work for one
        release, with a ``DeprecationWarning``.
    s : int
        Expected number of active nodes per layer (sets the default ``p``).
    p : float, optional
        U-AND connection probability of every block (default :func:`optimal_p` for ``s``
        active inputs and the block's fan-in).
    rng : int or Generator

    Returns
    -------
    SuperposedMLP

    Examples
    --------
    >>> from theory.circuits import Circuit, Gate
    >>> c = Circuit(4, [[Gate("AND", (0, 1)), Gate("XOR", (2, 3)), Gate("OR", (1, 2))]])
    >>> net = compile_circuit(c, width=3000, rng=0)
    >>> x = np.array([[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]])
    >>> out = net.forward(x)[-1]
    >>> bool(((out > 0.5) == c.evaluate(x)).all())
    True
    >>> small = compile_circuit(c, width=400, error_correction=ErrorCorrection(pairs=50, degree=4), rng=0)
    >>> small.n_neurons                      # 400 U-AND neurons and 50 clipping pairs
    500

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    .. [2] Bushnaq, Mendel (2024). Circuits in Superposition. LessWrong.
    """
    ec = _error_correction(error_correction, deprecated)
    if not isinstance(circuit, Circuit):
        raise TypeError(f"circuit must be a Circuit, got {type(circuit).__name__}")
    width = check_size(width, "width", maximum=MAX_WIDTH, why="MAX_WIDTH; neurons per fan-in block and stage")
    if dim is not None:
        dim = check_int(dim, "dim", minimum=1)
    s = check_int(s, "s", minimum=1)
    gen = as_rng(rng)
    pv = optimal_p(d=width, s=max(s, 2)) if p is None else check_probability(p, "p", allow_zero=False)
    # the fan-in-2 blocks alone: about width * m_in * p nonzeros per stage, 12 bytes each in CSC/CSR
    check_memory(
        12 * width * sum(circuit.widths[:-1]) * pv,
        f"the compiled network's input weights (width={width}, p={pv:.3g}, layer widths {circuit.widths})",
    )
    polys, negated = stored_polynomials(circuit)
    widths = circuit.widths
    embeddings: list[NDArray[np.float64] | None] = [
        None if dim is None else embed_features(m=w, dim=dim, rng=gen).F for w in widths
    ]
    stages = []
    p_by_k: dict[int, float] = {2: pv}
    for li, layer_polys in enumerate(polys):
        m_in, m_out = widths[li], widths[li + 1]
        W = _bernoulli_sparse(width, m_in, pv, gen)
        # monomials of degree k >= 2 -> U-AND gates of fan-in k; degree 1 -> the skip connection
        index: dict[tuple[int, ...], int] = {}
        rows, cols, vals, lrows, lcols, lvals = [], [], [], [], [], []
        for g_i, poly in enumerate(layer_polys):
            for mono, coef in poly.items():
                if len(mono) == 1:
                    lrows.append(g_i)
                    lcols.append(mono[0])
                    lvals.append(coef)
                    continue
                k = index.setdefault(mono, len(index))
                rows.append(g_i)
                cols.append(k)
                vals.append(coef)
        Lin = sps.csr_matrix((lvals, (lrows, lcols)), shape=(m_out, m_in), dtype=float)
        # one block of `width` neurons per fan-in k (bias -(k-1)); fan-in 2 is always drawn
        fan_ins = sorted({len(t) for t in index} | {2})
        blocks, biases = [W.tocsc()], [np.full(width, -1.0)]
        for k in fan_ins[1:]:
            if k not in p_by_k:
                p_by_k[k] = optimal_p(d=width, s=max(s, k), fan_in=k) if p is None else pv
            blocks.append(_bernoulli_sparse(width, m_in, p_by_k[k], gen))
            biases.append(np.full(width, -(k - 1.0)))
        Wall = sps.vstack(blocks, format="csc")
        d_tot = Wall.shape[0]
        if index:
            monos = list(index)
            C = sps.csr_matrix((vals, (rows, cols)), shape=(m_out, len(index)))
            blocks = [blocks[0]] + [B.tocsc() for B in blocks[1:]]
            r_rows, r_cols, r_vals = [], [], []
            for mi, mono in enumerate(monos):
                b = fan_ins.index(len(mono))
                Wb = blocks[b]
                # neurons wired to every input of the monomial: intersect the columns' supports
                cov = Wb.indices[Wb.indptr[mono[0]] : Wb.indptr[mono[0] + 1]]
                for i in mono[1:]:
                    cov = np.intersect1d(cov, Wb.indices[Wb.indptr[i] : Wb.indptr[i + 1]], assume_unique=True)
                if len(cov):
                    r_rows.append(np.full(len(cov), mi))
                    r_cols.append(b * width + cov)
                    r_vals.append(np.full(len(cov), 1.0 / len(cov)))
            R = sps.csr_matrix(
                (
                    np.concatenate(r_vals) if r_vals else np.zeros(0),
                    (
                        np.concatenate(r_rows) if r_rows else np.zeros(0, dtype=np.int64),
                        np.concatenate(r_cols) if r_cols else np.zeros(0, dtype=np.int64),
                    ),
                ),
                shape=(len(monos), d_tot),
            )
            O = sps.csr_matrix(C @ R)
        else:
            O = sps.csr_matrix((m_out, d_tot))
        V = Q = None
        if ec.kind == "dedicated":
            V = sps.identity(m_out, format="csr")
        elif ec.kind == "superposed":
            k_ec = width // 2 if ec.pairs is None else ec.pairs
            if ec.p is not None:
                V = _bernoulli_sparse(k_ec, m_out, ec.p, gen).tocsr()
            else:
                n_deg = (
                    min(8, k_ec)
                    if ec.degree is None
                    else check_int(ec.degree, "error_correction.degree", minimum=1, maximum=k_ec)
                )
                V = _fixed_degree(k_ec, m_out, n_deg, gen)
        if V is not None:
            cnt = np.asarray(V.sum(axis=0)).ravel()
            invc = np.divide(1.0, cnt, out=np.zeros(len(cnt)), where=cnt > 0)
            Q = sps.csr_matrix((V @ sps.diags(invc)).T)
        stages.append(
            Stage(
                W=Wall.tocsr(),
                O=O,
                Lin=Lin,
                F_in=embeddings[li],
                F_out=embeddings[li + 1],
                V=V,
                Q=Q,
                ec_centre=ec.kind == "superposed" and ec.centre,
                bias=-1.0 if len(fan_ins) == 1 else np.concatenate(biases),
            )
        )
    legacy = _EC_LEGACY[ec.kind]
    info = dict(width=width, dim=dim, p=pv, p_by_fan_in=p_by_k, s=s, error_correction=legacy, ec=ec)
    return SuperposedMLP(stages, embeddings, widths, legacy, info, negated=negated)


def _mean_ci(x: NDArray[np.float64], confidence: float = 0.95) -> tuple[float, float]:
    n = len(x)
    mu = float(np.mean(x))
    if n < 2:
        return (mu, mu)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * np.std(x, ddof=1) / math.sqrt(n))
    return (mu - half, mu + half)


def _cp(k: int | np.integer[Any], n: int, confidence: float = 0.95) -> tuple[float, float]:
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method="exact")
    return (float(ci.low), float(ci.high))


@dataclass(frozen=True)
class ErrorStats:
    """Errors of a compiled circuit on random sparse inputs, per layer and per gate.

    Layer 0 is the inputs as read from the residual stream. All confidence intervals are 95%:
    ``*_ci`` of means are Student-t intervals over the (independent) samples; of fractions of
    samples, Clopper-Pearson.

    Attributes
    ----------
    eps : float
        Tolerance: a node is wrong when ``|read - truth| > eps``.
    samples, s : int
    mean_abs, max_abs : ndarray, shape (L+1,)
        Mean and largest absolute error over nodes and samples.
    mean_abs_ci : ndarray, shape (L+1, 2)
    frac_wrong : ndarray, shape (L+1,)
        Fraction of node values off by more than eps.
    frac_wrong_ci : ndarray, shape (L+1, 2)
        t-interval over per-sample fractions (nodes within a sample are dependent).
    frac_samples_wrong : ndarray, shape (L+1,)
        Fraction of samples with at least one wrong node in the layer.
    frac_samples_wrong_ci : ndarray, shape (L+1, 2)
        Clopper-Pearson.
    active : ndarray, shape (L+1,)
        Mean number of active (true 1) nodes per layer.
    gate_mean_error : list of ndarray
        Signed mean error of each node, per layer.
    gate_frac_wrong : list of ndarray
        Fraction of samples in which each node is wrong, per layer.
    mean_abs_right : ndarray, shape (L+1,)
        Mean absolute error over the node values that are right (``|error| <= eps``): the
        sub-threshold error that error correction is meant to erase, separated from the
        wrong nodes (which dominate ``mean_abs`` once a few percent are wrong).
    """

    eps: float
    samples: int
    s: int
    mean_abs: NDArray[np.float64]
    max_abs: NDArray[np.float64]
    mean_abs_ci: NDArray[np.float64]
    frac_wrong: NDArray[np.float64]
    frac_wrong_ci: NDArray[np.float64]
    frac_samples_wrong: NDArray[np.float64]
    frac_samples_wrong_ci: NDArray[np.float64]
    active: NDArray[np.float64]
    gate_mean_error: list[NDArray[np.float64]] = field(repr=False)
    gate_frac_wrong: list[NDArray[np.float64]] = field(repr=False)
    mean_abs_right: NDArray[np.float64] | None = None

    def __repr__(self) -> str:
        last = len(self.mean_abs) - 1
        return (
            f"ErrorStats(layers={last}, samples={self.samples}, s={self.s}, eps={self.eps:g}, "
            f"output mean|err|={self.mean_abs[last]:.4g}, max|err|={self.max_abs[last]:.4g}, "
            f"P(any wrong)={self.frac_samples_wrong[last]:.4g})"
        )

    def __str__(self) -> str:
        return f"{self!r}\n{self.summary()}"

    def summary(self) -> str:
        """A small text table, one row per layer."""
        lines = [
            f"{'layer':>5} {'active':>7} {'mean|err|':>10} {'right only':>10} {'max|err|':>9} "
            f"{'frac wrong':>11} {'P(any wrong) [95% CI]':>26}"
        ]
        right = self.mean_abs_right if self.mean_abs_right is not None else np.full(len(self.mean_abs), np.nan)
        for i in range(len(self.mean_abs)):
            lo, hi = self.frac_samples_wrong_ci[i]
            lines.append(
                f"{i:>5} {self.active[i]:7.2f} {self.mean_abs[i]:10.4f} {right[i]:10.4f} "
                f"{self.max_abs[i]:9.4f} {self.frac_wrong[i]:11.5f} "
                f"{self.frac_samples_wrong[i]:8.4f} [{lo:.4f}, {hi:.4f}]"
            )
        return "\n".join(lines)


def simulate(
    net: SuperposedMLP,
    circuit: Circuit,
    *,
    s: int,
    samples: int = 1000,
    eps: float = 0.5,
    batch: int = 256,
    rng: Any = 0,
) -> ErrorStats:
    r"""Run a compiled circuit on random ``s``-sparse inputs and measure its errors.

    For each sample, ``x`` has exactly ``s`` ones at uniform positions; every layer's read-off
    :math:`\hat x_l = F_l^\top h_l` is compared with the circuit's true values.

    Parameters
    ----------
    net : SuperposedMLP
    circuit : Circuit
        The circuit ``net`` was compiled from.
    s : int
        Active inputs per sample.
    samples : int
        At most ``MAX_SAMPLES``.
    eps : float
        A node is wrong when its error exceeds ``eps`` (0.5 = wrong after rounding).
    batch : int
        Samples per forward pass.
    rng : int or Generator

    Returns
    -------
    ErrorStats

    Examples
    --------
    >>> from theory.circuits import random_circuit
    >>> c = random_circuit(width=30, depth=2, ops=("AND", "OR"), rng=0)
    >>> net = compile_circuit(c, width=4000, s=2, error_correction="dedicated", rng=0)
    >>> st = simulate(net, c, s=2, samples=64, rng=0)
    >>> st.frac_samples_wrong.tolist()
    [0.0, 0.0, 0.0]

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). arXiv:2408.05451
    """
    if not isinstance(net, SuperposedMLP):
        raise TypeError(f"net must be a SuperposedMLP, got {type(net).__name__}")
    if not isinstance(circuit, Circuit):
        raise TypeError(f"circuit must be a Circuit, got {type(circuit).__name__}")
    if circuit.widths != net.widths:
        raise ValueError(f"circuit widths {circuit.widths} do not match the network's {net.widths}")
    s = check_int(s, "s", minimum=0, maximum=circuit.n_inputs)
    samples = check_size(samples, "samples", maximum=MAX_SAMPLES, why="MAX_SAMPLES; each is a forward pass")
    batch = check_int(batch, "batch", minimum=1)
    check_memory(
        estimate_bytes(samples, circuit.depth + 1, 2),
        f"per-sample error records (samples={samples}, {circuit.depth + 1} layers)",
    )
    eps = check_real(eps, "eps", minimum=0, strict_min=True)
    gen = as_rng(rng)
    L1 = circuit.depth + 1
    abs_sum: list[list[NDArray[np.float64]]] = [[] for _ in range(L1)]
    wrong_frac: list[list[NDArray[np.float64]]] = [[] for _ in range(L1)]
    any_wrong = np.zeros(L1, dtype=np.int64)
    max_abs = np.zeros(L1)
    active = np.zeros(L1)
    gsum = [np.zeros(w) for w in circuit.widths]
    right_sum = np.zeros(L1)
    right_n = np.zeros(L1)
    gwrong = [np.zeros(w) for w in circuit.widths]
    done = 0
    while done < samples:
        b = min(batch, samples - done)
        x = sparse_inputs(m=circuit.n_inputs, s=s, batch=b, rng=gen)
        truth = circuit.evaluate(x, all_layers=True)
        reads = net.forward(x)
        for li in range(L1):
            err = reads[li] - truth[li]
            ab = np.abs(err)
            if not np.all(np.isfinite(ab)):
                raise ValueError(f"non-finite read-off in layer {li}")
            abs_sum[li].append(ab.mean(axis=1))
            w = ab > eps
            wrong_frac[li].append(w.mean(axis=1))
            right_sum[li] += float(ab[~w].sum())
            right_n[li] += float((~w).sum())
            any_wrong[li] += int(w.any(axis=1).sum())
            max_abs[li] = max(max_abs[li], float(ab.max()))
            active[li] += float(truth[li].sum())
            gsum[li] += err.sum(axis=0)
            gwrong[li] += w.sum(axis=0)
        done += b
    mabs = [np.concatenate(a) for a in abs_sum]
    fw = [np.concatenate(a) for a in wrong_frac]
    return ErrorStats(
        eps=eps,
        samples=samples,
        s=s,
        mean_abs=np.array([a.mean() for a in mabs]),
        max_abs=max_abs,
        mean_abs_ci=np.array([_mean_ci(a) for a in mabs]),
        frac_wrong=np.array([a.mean() for a in fw]),
        frac_wrong_ci=np.array([_mean_ci(a) for a in fw]),
        frac_samples_wrong=any_wrong / samples,
        frac_samples_wrong_ci=np.array([_cp(k, samples) for k in any_wrong]),
        active=active / samples,
        gate_mean_error=[g / samples for g in gsum],
        gate_frac_wrong=[g / samples for g in gwrong],
        mean_abs_right=np.divide(right_sum, right_n, out=np.zeros(L1), where=right_n > 0),
    )
