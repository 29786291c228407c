r"""Layered Boolean circuits, their evaluation on batches and their rewriting into ANDs.

A :class:`Circuit` has ``n_inputs`` Boolean inputs and a list of layers; every gate of layer
``l`` reads nodes of layer ``l - 1`` (layer 0 = the inputs). This is the layered form used by
Hänni, Mendel, Vaintrob & Chan (2024): a circuit of depth ``L`` is emulated layer by layer.

Every gate is a multilinear polynomial with integer coefficients in its inputs (the
"integer combination of ANDs" of the paper), e.g.

.. math::

    \mathrm{XOR}(a,b) = a + b - 2ab, \quad \mathrm{OR}(a,b) = a + b - ab,
    \quad \mathrm{NOT}(a) = 1 - a, \quad \mathrm{AND}(a_1..a_k) = \prod_i a_i .
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import as_rng, check_array, check_bool, check_int, check_size

__all__ = ["Circuit", "Gate", "gate_polynomial", "random_circuit"]


_OPS = {"AND": (2, None), "OR": (2, 2), "XOR": (2, 2), "NOT": (1, 1), "ID": (1, 1)}


@dataclass(frozen=True)
class Gate:
    """One gate: an operation on nodes of the previous layer.

    Attributes
    ----------
    op : str
        ``"AND"`` (fan-in >= 2), ``"OR"``, ``"XOR"`` (fan-in 2), ``"NOT"``, ``"ID"`` (fan-in 1).
    inputs : tuple of int
        Indices of the gate's inputs in the previous layer (distinct).

    Examples
    --------
    >>> Gate("XOR", (0, 2))
    Gate(op='XOR', inputs=(0, 2))
    """

    op: str
    inputs: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"op must be one of {sorted(_OPS)}, got {self.op!r}")
        if isinstance(self.inputs, (str, bytes)) or not isinstance(self.inputs, Iterable):
            raise TypeError(f"inputs must be a sequence of int, got {type(self.inputs).__name__}")
        ins = tuple(check_int(i, "inputs (a gate input)", minimum=0) for i in self.inputs)
        object.__setattr__(self, "inputs", ins)
        lo, hi = _OPS[self.op]
        if len(ins) < lo or (hi is not None and len(ins) > hi):
            rule = f"exactly {lo}" if lo == hi else f"at least {lo}"
            raise ValueError(f"a {self.op} gate needs {rule} inputs, got {len(ins)}: {ins}")
        if len(set(ins)) != len(ins):
            raise ValueError(f"gate inputs must be distinct, got {ins}")


def gate_polynomial(gate: Gate) -> dict[tuple[int, ...], int]:
    r"""The gate as a multilinear polynomial with integer coefficients (sum of ANDs).

    .. math:: g(x) = \sum_{S} c_S \prod_{i \in S} x_i, \qquad c_S \in \mathbb{Z},

    where ``S`` ranges over subsets of the gate's inputs (``()`` is the constant term).

    Parameters
    ----------
    gate : Gate

    Returns
    -------
    dict
        Map from sorted tuples of input indices (monomials) to integer coefficients.

    Examples
    --------
    >>> gate_polynomial(Gate("XOR", (3, 1)))
    {(1,): 1, (3,): 1, (1, 3): -2}
    >>> gate_polynomial(Gate("NOT", (0,)))
    {(): 1, (0,): -1}

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451 (Boolean functions of sparse inputs as integer
       combinations of ANDs).
    """
    if not isinstance(gate, Gate):
        raise TypeError(f"gate must be a Gate, got {type(gate).__name__}")
    ins = gate.inputs
    if gate.op == "AND":
        return {tuple(sorted(ins)): 1}
    if gate.op == "ID":
        return {(ins[0],): 1}
    if gate.op == "NOT":
        return {(): 1, (ins[0],): -1}
    a, b = sorted(ins)
    c = -1 if gate.op == "OR" else -2
    return {(a,): 1, (b,): 1, (a, b): c}


#: Largest number of inputs, and of gates, a circuit built here may have.
MAX_NODES = 10**6


class Circuit:
    r"""A layered Boolean circuit.

    Parameters
    ----------
    n_inputs : int
        Number of Boolean inputs (layer 0), ``1 <= n_inputs <= 10**6``.
    layers : sequence of sequence of Gate
        ``layers[l]`` are the gates of layer ``l + 1``; each reads nodes of the layer before.
    input_names : sequence of str, optional
        Names of the inputs (default ``x0, x1, ...``).

    Examples
    --------
    >>> c = Circuit(3, [[Gate("AND", (0, 1)), Gate("XOR", (1, 2))], [Gate("OR", (0, 1))]])
    >>> c.evaluate([[1, 1, 0], [0, 0, 1], [0, 1, 1]]).tolist()
    [[1], [1], [0]]
    >>> c.depth, c.widths
    (2, (3, 2, 1))

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451
    """

    def __init__(
        self, n_inputs: int, layers: Sequence[Sequence[Gate]], input_names: Sequence[str] | None = None
    ) -> None:
        self.n_inputs = check_size(
            n_inputs, "n_inputs", minimum=1, maximum=MAX_NODES, why="one node (and name) per input"
        )
        if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
            raise TypeError(f"layers must be a sequence of sequences of Gate, got {type(layers).__name__}")
        width = self.n_inputs
        checked: list[tuple[Gate, ...]] = []
        for li, layer in enumerate(layers):
            if isinstance(layer, (str, bytes)) or not isinstance(layer, Iterable):
                raise TypeError(f"layers: layer {li + 1} must be a sequence of Gate, got {type(layer).__name__}")
            gates = tuple(layer)
            if not gates:
                raise ValueError(f"layers: layer {li + 1} has no gates")
            for g in gates:
                if not isinstance(g, Gate):
                    raise TypeError(f"layers: layer {li + 1} contains a {type(g).__name__}, not a Gate")
                if max(g.inputs) >= width:
                    raise ValueError(
                        f"gate {g} in layer {li + 1} reads input {max(g.inputs)} but layer {li} has only {width} nodes"
                    )
            checked.append(gates)
            width = len(gates)
        self.layers: tuple[tuple[Gate, ...], ...] = tuple(checked)
        if input_names is None:
            input_names = [f"x{i}" for i in range(self.n_inputs)]
        if isinstance(input_names, (str, bytes)) or not isinstance(input_names, Sequence):
            raise TypeError(f"input_names must be a sequence of str, got {type(input_names).__name__}")
        if len(input_names) != self.n_inputs:
            raise ValueError(f"input_names must have n_inputs={self.n_inputs} names, got {len(input_names)}")
        self.input_names = tuple(str(s) for s in input_names)

    @property
    def depth(self) -> int:
        """Number of gate layers."""
        return len(self.layers)

    @property
    def widths(self) -> tuple[int, ...]:
        """Number of nodes per layer, inputs first."""
        return (self.n_inputs, *(len(layer) for layer in self.layers))

    def __repr__(self) -> str:
        return f"Circuit(n_inputs={self.n_inputs}, depth={self.depth}, widths={self.widths})"

    def _check_x(self, x: ArrayLike) -> NDArray[np.int8]:
        arr = check_array(x, "x", ndim=(1, 2))
        if arr.shape[-1] != self.n_inputs:
            raise ValueError(f"x must have n_inputs={self.n_inputs} columns, got shape {arr.shape}")
        if not np.all((arr == 0) | (arr == 1)):
            raise ValueError("x must be Boolean (entries 0 or 1)")
        return arr.astype(np.int8)

    def evaluate(self, x: ArrayLike, *, all_layers: bool = False) -> Any:
        """Evaluate the circuit on a batch of inputs.

        Parameters
        ----------
        x : array_like, shape (batch, n_inputs) or (n_inputs,)
            Boolean inputs.
        all_layers : bool
            Return every layer's values (inputs first) instead of the last layer only.

        Returns
        -------
        ndarray of int8, shape (batch, width_L), or list of such arrays (one per layer).

        Examples
        --------
        >>> c = Circuit(2, [[Gate("NOT", (0,)), Gate("ID", (1,))]])
        >>> c.evaluate([1, 1]).tolist()
        [0, 1]
        """
        all_layers = check_bool(all_layers, "all_layers")
        vals = self._check_x(x)
        single = vals.ndim == 1
        cur = np.atleast_2d(vals)
        out = [cur]
        for layer in self.layers:
            cols = []
            for g in layer:
                v = cur[:, list(g.inputs)]
                if g.op == "AND":
                    r = v.min(axis=1)
                elif g.op == "OR":
                    r = v.max(axis=1)
                elif g.op == "XOR":
                    r = v[:, 0] ^ v[:, 1]
                elif g.op == "NOT":
                    r = 1 - v[:, 0]
                else:
                    r = v[:, 0]
                cols.append(r)
            cur = np.stack(cols, axis=1).astype(np.int8)
            out.append(cur)
        if single:
            out = [o[0] for o in out]
        return out if all_layers else out[-1]

    def and_form(self) -> list[list[dict[tuple[int, ...], int]]]:
        """Every gate rewritten as an integer combination of ANDs (see :func:`gate_polynomial`).

        Returns
        -------
        list (per layer) of list (per gate) of dict monomial -> integer coefficient.

        Examples
        --------
        >>> Circuit(2, [[Gate("OR", (0, 1))]]).and_form()
        [[{(0,): 1, (1,): 1, (0, 1): -1}]]
        """
        return [[gate_polynomial(g) for g in layer] for layer in self.layers]

    def evaluate_and_form(self, x: ArrayLike) -> NDArray[np.int64]:
        """Evaluate the circuit through its AND form (an independent check of :meth:`evaluate`).

        Examples
        --------
        >>> c = Circuit(2, [[Gate("XOR", (0, 1))]])
        >>> c.evaluate_and_form([[1, 1], [1, 0]]).tolist()
        [[0], [1]]
        """
        cur = np.atleast_2d(self._check_x(x)).astype(np.int64)
        for layer in self.and_form():
            cols = []
            for poly in layer:
                r = np.zeros(cur.shape[0], dtype=np.int64)
                for mono, c in poly.items():
                    r += c * (cur[:, list(mono)].prod(axis=1) if mono else 1)
                cols.append(r)
            cur = np.stack(cols, axis=1)
        return cur

    @property
    def sparsity_preserving(self) -> bool:
        """True when no gate is a NOT, so that every node is 0 on the all-zero input and sparse
        inputs give sparse layers. Circuits with NOT compile too: :func:`compile_circuit`
        stores the nodes that are 1 on the all-zero input as their complements
        (:func:`~theory.circuits.stored_polynomials`)."""
        return all(g.op != "NOT" for layer in self.layers for g in layer)


def random_circuit(
    *, width: int, depth: int, n_inputs: int | None = None, ops: Sequence[str] = ("AND", "OR", "XOR"), rng: Any = 0
) -> Circuit:
    r"""A random layered circuit of fan-in-2 gates.

    Every layer has ``width`` gates; each gate draws an operation uniformly from ``ops`` and
    two distinct inputs uniformly from the previous layer.

    Parameters
    ----------
    width : int
        Gates per layer.
    depth : int
        Number of gate layers; ``width * depth <= 10**6``.
    n_inputs : int, optional
        Number of inputs (default ``width``), at most ``10**6``.
    ops : sequence of str
        Operations to draw from (``"AND"``, ``"OR"``, ``"XOR"``, ``"NOT"``, ``"ID"``).
    rng : int or Generator

    Returns
    -------
    Circuit

    Examples
    --------
    >>> c = random_circuit(width=6, depth=3, rng=1)
    >>> c.widths
    (6, 6, 6, 6)
    >>> bool((c.evaluate_and_form([[1, 0, 0, 0, 1, 0]]) == c.evaluate([[1, 0, 0, 0, 1, 0]])).all())
    True

    References
    ----------
    .. [1] Hänni, Mendel, Vaintrob, Chan (2024). Mathematical Models of Computation in
       Superposition. arXiv:2408.05451 (sparse Boolean circuits).
    """
    width = check_size(width, "width", minimum=1, maximum=MAX_NODES, why="gates are Python objects")
    depth = check_size(depth, "depth", minimum=1, maximum=MAX_NODES, why="gates are Python objects")
    n_inputs = (
        width
        if n_inputs is None
        else check_size(n_inputs, "n_inputs", minimum=2, maximum=MAX_NODES, why="one node per input")
    )
    if width * depth > MAX_NODES:
        raise ValueError(
            f"width * depth must be <= {MAX_NODES} gates (gates are Python objects), "
            f"got {width} * {depth} = {width * depth}"
        )
    if isinstance(ops, (str, bytes)) or not isinstance(ops, Iterable):
        raise TypeError(f"ops must be a sequence of operation names, got {type(ops).__name__}")
    ops = tuple(ops)
    if not all(isinstance(o, str) for o in ops):
        raise TypeError(f"ops must contain operation names (str), got {ops!r}")
    if not ops or any(o not in _OPS for o in ops):
        raise ValueError(f"ops must be a non-empty subset of {sorted(_OPS)}, got {ops}")
    gen = as_rng(rng)
    layers = []
    prev = n_inputs
    if prev < 2 and any(_OPS[o][0] >= 2 for o in ops):
        raise ValueError(f"n_inputs must be >= 2 for fan-in-2 gates, got {prev}")
    for _ in range(depth):
        layer = []
        for _ in range(width):
            op = ops[int(gen.integers(len(ops)))]
            k = _OPS[op][0]
            ins = tuple(int(i) for i in gen.choice(prev, size=k, replace=False))
            layer.append(Gate(op, ins))
        layers.append(layer)
        prev = width
        if prev < 2 and any(_OPS[o][0] >= 2 for o in ops):
            raise ValueError(f"width must be >= 2 for fan-in-2 gates, got {width}")
    return Circuit(n_inputs, layers)
