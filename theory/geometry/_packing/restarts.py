"""Start strategies of the packing solver: where each restart begins.

Each strategy is an object with one method that draws a start from the generator it is given
(the solver's, so the same seed gives the same starts): :class:`RandomStart`,
:class:`PerturbationStart` (the best frame with a few columns redrawn, an iterated local search),
:class:`OrbitStart` (frames invariant under a random orthogonal map of finite order) and
:class:`WarmStart` (packings of ``n + d`` vectors cut or extended to ``n``). :class:`StartSchedule`
says which kind restart ``j`` takes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from theory.geometry._packing.objective import normalize
from theory.geometry._packing.stages import SmoothMaxDescent

__all__ = [
    "START_KINDS",
    "WARM_POOL",
    "OrbitStart",
    "PerturbationStart",
    "RandomStart",
    "StartSchedule",
    "WarmStart",
    "above",
    "add_lines",
    "check_starts",
    "drop_lines",
    "orbit_start",
    "orbit_types",
]

WARM_POOL = 16  # sub-packings of one offset polished together (see WarmStart)


def above(value: float, rel: float | None) -> float:
    """``value`` plus a relative margin of ``max(|value|, 0.01)`` (positive also for points with
    value <= 0); ``inf`` when there is no value yet or no margin (``rel`` None)."""
    if rel is None or value == math.inf:
        return math.inf
    return value + rel * max(abs(value), 0.01)


#: The kinds of start a user may name (``pack(starts=...)``), with the solver's name of each.
START_KINDS = {"random": "random", "perturbation": "perturb", "orbit": "orbit", "warm": "warm"}


def check_starts(starts: object) -> tuple[str, ...] | None:
    """``starts`` (``None`` or a non-empty sequence of names of :data:`START_KINDS`) as a tuple of
    the solver's kind names, or ``None``.

    >>> check_starts(["orbit", "perturbation"])
    ('orbit', 'perturb')
    >>> check_starts(["orbits"])
    Traceback (most recent call last):
    ...
    ValueError: starts: unknown start kind 'orbits'; the kinds are 'random', 'perturbation', 'orbit', 'warm'
    """
    if starts is None:
        return None
    valid = ", ".join(repr(k) for k in START_KINDS)
    if isinstance(starts, (str, bytes)) or not isinstance(starts, Sequence):
        raise TypeError(f"starts must be None or a sequence of start kinds ({valid}), got {starts!r}")
    if not starts:
        raise ValueError(f"starts must hold at least one start kind ({valid}), got an empty sequence")
    out = []
    for k in starts:
        if not isinstance(k, str):
            raise TypeError(f"starts must hold names of start kinds ({valid}), got {k!r} of type {type(k).__name__}")
        if k not in START_KINDS:
            raise ValueError(f"starts: unknown start kind {k!r}; the kinds are {valid}")
        out.append(START_KINDS[k])
    return tuple(out)


@dataclass(frozen=True)
class StartSchedule:
    """Which kind of start restart ``j`` takes: the given ``init`` first, then every
    ``warm_every``-th restart warm, every ``perturb_every``-th a perturbation of the best frame
    (once there is one), every ``orbit_every``-th an orbit start, the rest random (``0``: never;
    the first listed kind that applies wins).

    With a ``cycle`` of kinds (``pack(starts=...)``) the ``*_every`` frequencies are not used:
    the restarts after ``init`` (all of them without one) take the kinds of ``cycle`` in turn,
    and a perturbation before there is a best frame (the first round) is a random start."""

    init: bool = False
    warm_every: int = 6
    perturb_every: int = 3
    orbit_every: int = 2
    cycle: tuple[str, ...] = ()

    def kind(self, j: int, have_best: bool) -> str:
        """``"init"``, ``"warm"``, ``"perturb"``, ``"orbit"`` or ``"random"``.

        >>> s = StartSchedule()
        >>> " ".join(s.kind(j, have_best=j >= 8)[0] for j in range(12))  # r(andom), o(rbit), w(arm), p(erturb)
        'r o r o r w r o p o r w'
        >>> s = StartSchedule(init=True, cycle=("perturb", "orbit"))
        >>> " ".join(s.kind(j, have_best=j >= 3)[0] for j in range(6))  # i(nit)
        'i r o p o p'
        """
        if j == 0 and self.init:
            return "init"
        if self.cycle:
            k = self.cycle[(j - self.init) % len(self.cycle)]
            return "random" if k == "perturb" and not have_best else k
        if self.warm_every and j > 0 and j % self.warm_every == self.warm_every - 1:
            return "warm"
        if have_best and self.perturb_every and j % self.perturb_every == self.perturb_every - 1:
            return "perturb"
        if self.orbit_every and j > 0 and j % self.orbit_every == self.orbit_every - 1:
            return "orbit"
        return "random"

    def uses(self, kind: str) -> bool:
        """Whether some restart may take ``kind`` (``"warm"``, ``"perturb"`` or ``"orbit"``; a kind
        whose restarts all go to kinds listed before it counts as used)."""
        if self.cycle:
            return kind in self.cycle
        return bool({"warm": self.warm_every, "perturb": self.perturb_every, "orbit": self.orbit_every}[kind])

    def warm_count(self, cap: int) -> int:
        """How many of the restarts ``0 .. cap - 1`` are warm starts.

        >>> StartSchedule().warm_count(18), StartSchedule(cycle=("warm", "random")).warm_count(5)
        (3, 3)
        """
        if self.cycle:
            L, off = len(self.cycle), int(self.init)
            return sum(len(range(off + p, cap, L)) for p, k in enumerate(self.cycle) if k == "warm")
        every = self.warm_every
        return len(range(max(every - 1, 1), cap, every)) if every else 0


@dataclass(frozen=True)
class RandomStart:
    """A frame of ``n`` Gaussian directions in R^dim."""

    dim: int
    n: int

    def __call__(self, g: np.random.Generator) -> NDArray[np.float64]:
        return normalize(g.standard_normal((self.dim, self.n)))


class PerturbationStart:
    """The best frame so far with ``q`` columns redrawn at random, ``q`` taken from ``lines`` in
    turn (capped at ``n``): the perturbation step of an iterated local search (Lourenço et al.
    2003)."""

    def __init__(self, lines: Sequence[int]) -> None:
        self.lines = tuple(lines)
        self.count = 0

    def __call__(self, best: NDArray[np.float64], g: np.random.Generator) -> NDArray[np.float64]:
        dim, n = best.shape
        q = min(self.lines[self.count % len(self.lines)], n)
        W = best.copy()
        W[:, g.choice(n, q, replace=False)] = g.standard_normal((dim, q))
        self.count += 1
        return normalize(W)


def _fixed_space_holds(fixed: int, r: int, dim: int) -> bool:
    """Whether the ``r`` remaining vectors of an orbit start are drawn from the fixed space of
    ``U`` (of dimension ``fixed``): there are some, the space is not all of R^dim (then it
    would be the same draw), and it can hold them as distinct lines (dimension >= 2, or one
    vector)."""
    return r > 0 and fixed < dim and (fixed >= 2 or (r == 1 and fixed >= 1))


def orbit_types(dim: int, n: int, k: int) -> list[tuple[tuple[int, ...], bool]]:
    """The kinds of orbit start of order ``k`` (capped at ``n``) for ``n`` lines in R^dim: the
    exponent patterns ``a`` of the maps ``U = Q diag(R(2 pi a_1 / k), ..., R(2 pi a_h / k)
    [, 1]) Q^T`` (``h = dim // 2``) up to what does not change the frames ``U`` generates, each
    with where the ``n mod k`` remaining vectors come from (``True``: the fixed space of ``U``).

    Two patterns give the same random frames when they differ by an order of the planes, by
    ``a_b -> k - a_b`` (a rotation conjugated by a reflection) or by ``a -> u a`` for ``u`` prime
    to ``k`` (the same cyclic group): each class is listed once, by its smallest member with
    ``0 <= a_b <= k / 2``, sorted. Maps with ``U^j = +-I`` for some ``0 < j < k``, ``U = I``
    among them, are kept: their orbits repeat each line ``k / j`` times, and stage 2 pulls the
    copies apart, a start of clustered lines (``docs/results_geometry.md`` records where these help).
    The fixed space is offered when ``_fixed_space_holds``.

    >>> orbit_types(4, 8, 2)
    [((0, 0), False), ((0, 1), False), ((1, 1), False)]
    >>> orbit_types(4, 9, 2)
    [((0, 0), False), ((0, 1), True), ((0, 1), False), ((1, 1), False)]
    >>> sorted(set(a for a, _ in orbit_types(6, 27, 5)))
    [(0, 0, 0), (0, 0, 1), (0, 1, 1), (0, 1, 2), (1, 1, 1), (1, 1, 2)]
    """
    k = min(k, n)
    h = dim // 2
    units = [u for u in range(1, k) if math.gcd(u, k) == 1]
    r = n % k
    kinds: list[tuple[tuple[int, ...], bool]] = []
    for a in itertools.combinations_with_replacement(range(k // 2 + 1), h):
        if min(tuple(sorted(min(u * x % k, k - u * x % k) for x in a)) for u in units) != a:
            continue
        if _fixed_space_holds(2 * a.count(0) + dim % 2, r, dim):
            kinds.append((a, True))
        kinds.append((a, False))
    return kinds


def orbit_start(
    dim: int, n: int, k: int, a: Sequence[int], invariant: bool, g: np.random.Generator
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A frame of ``n`` unit vectors invariant under a random orthogonal map ``U`` with
    ``U^k = I``.

    ``U = Q diag(R(2 pi a_1 / k), ..., R(2 pi a_h / k) [, 1]) Q^T`` with ``Q`` Haar-random,
    ``R`` the plane rotations and the exponents ``a`` given (``h = dim // 2`` of them; see
    ``orbit_types``); the frame is ``n // k`` orbits ``x, U x, ..., U^(k-1) x`` of Gaussian
    ``x`` and ``n mod k`` further vectors, drawn from the fixed space of ``U`` when
    ``invariant`` and ``_fixed_space_holds``, otherwise from all of R^dim. Returns the frame
    ``(dim, n)`` and ``U``.
    """
    k = min(k, n)
    h = dim // 2
    exps = np.asarray(a, dtype=int)
    if exps.shape != (h,):
        raise ValueError(f"a must hold dim // 2 = {h} exponents, got {exps.tolist()}")
    D = np.zeros((dim, dim))
    ang = 2 * np.pi * exps / k
    c, s_ = np.cos(ang), np.sin(ang)
    i0 = 2 * np.arange(h)
    D[i0, i0], D[i0, i0 + 1], D[i0 + 1, i0], D[i0 + 1, i0 + 1] = c, -s_, s_, c
    fixed = sorted([*i0[exps % k == 0], *(i0[exps % k == 0] + 1)] + ([dim - 1] if dim % 2 else []))
    if dim % 2:
        D[-1, -1] = 1.0
    Q = np.linalg.qr(g.standard_normal((dim, dim)))[0]
    U = Q @ D @ Q.T
    cols = []
    for _ in range(n // k):
        x = g.standard_normal(dim)
        for _ in range(k):
            cols.append(x)
            x = U @ x
    r = n - len(cols)
    F = Q[:, fixed] if invariant and _fixed_space_holds(len(fixed), r, dim) else np.eye(dim)
    for _ in range(r):
        cols.append(F @ g.standard_normal(F.shape[1]))
    return normalize(np.array(cols).T), U


class OrbitStart:
    """Orbit starts (group frames, Vale & Waldron 2005): each call draws a frame invariant under a
    random orthogonal map of finite order, the kinds taken in turn: one order of ``orders``
    after the other, and within an order its kinds (``orbit_types``) in turn. The smooth max
    keeps the symmetry, so stage 2 searches symmetric frames."""

    def __init__(self, dim: int, n: int, orders: Sequence[int]) -> None:
        self.dim, self.n = dim, n
        self.kinds = [(q, orbit_types(dim, n, q)) for q in orders]
        self.count = 0

    def kind(self, i: int) -> tuple[int, tuple[int, ...], bool]:
        """``(order, exponents, invariant)`` of the ``i``-th orbit start."""
        order, kinds = self.kinds[i % len(self.kinds)]
        a, invariant = kinds[(i // len(self.kinds)) % len(kinds)]
        return order, a, invariant

    def __call__(self, g: np.random.Generator) -> NDArray[np.float64]:
        order, a, invariant = self.kind(self.count)
        self.count += 1
        return orbit_start(self.dim, self.n, order, a, invariant, g)[0]


def drop_lines(V: NDArray[np.float64], k: int, lines: bool) -> NDArray[np.float64]:
    """Greedily delete ``k`` columns, each time the one whose removal leaves the smallest
    coherence; ties go to the smallest second-largest |cosine|, then the third, ... (the
    remaining off-diagonal entries sorted in decreasing order, compared lexicographically after
    rounding to 1e-12), then to the lowest index, so the choice depends on the frame only."""
    for _ in range(k):
        m = V.shape[1]
        if m <= 2:
            return V[:, : m - 1]
        G = V.T @ V
        E = np.abs(G) if lines else G
        iu, ju = np.triu_indices(m, 1)
        e = E[iu, ju]
        keys = []
        for i in range(m):
            rest = np.sort(e[(iu != i) & (ju != i)])[::-1]
            keys.append(tuple(np.round(rest, 12)))
        i = min(range(m), key=lambda j: (keys[j], j))
        V = np.delete(V, i, axis=1)
    return V


def add_lines(
    V: NDArray[np.float64], k: int, lines: bool, g: np.random.Generator, candidates: int
) -> NDArray[np.float64]:
    """Greedily append ``k`` columns, each the best of ``candidates`` random unit vectors: the
    one whose largest |cosine| (points: cosine) with the columns so far is smallest."""
    dim = V.shape[0]
    for _ in range(k):
        C = normalize(g.standard_normal((dim, candidates)))
        P = V.T @ C
        score = (np.abs(P) if lines else P).max(axis=0) if V.shape[1] else np.zeros(candidates)
        V = np.concatenate([V, C[:, [int(np.argmin(score))]]], axis=1)
    return V


class WarmStart:
    """Warm starts: a quick packing of ``n + d`` vectors (``d`` from ``offsets``, in turn) with ``d``
    columns deleted greedily (``d > 0``, :func:`drop_lines`) or ``-d`` appended greedily from
    ``candidates`` random vectors (``d < 0``, :func:`add_lines`); some best packings are a larger
    one minus a line (Conway, Hardin and Sloane 1996).

    The sub-packings of an offset are polished by ``descent`` up to ``WARM_POOL`` at a time and
    kept for later calls (stage 2 costs about the same for 2 frames as for 16), no more than the
    warm restarts left can use (``slots`` warm restarts in the whole run, ``batch`` the largest
    round). A sub-packing whose screening value is more than ``cutoff`` (relative) above the best
    of its offset so far is dropped: its start is ``None``. ``iterations`` counts the descent's
    iterations.
    """

    def __init__(
        self,
        dim: int,
        n: int,
        lines: bool,
        offsets: Sequence[int],
        *,
        candidates: int = 64,
        descent: SmoothMaxDescent | None = None,
        cutoff: float | None = 0.002,
        slots: int = 10**12,
        batch: int = 64,
    ) -> None:
        self.dim, self.n, self.lines = dim, n, lines
        self.offsets = tuple(offsets)
        self.candidates = candidates
        self.descent = descent if descent is not None else SmoothMaxDescent()
        self.cutoff = cutoff
        self.slots, self.batch = slots, batch
        self.pool: dict[int, list[NDArray[np.float64] | None]] = {}
        self.screen: dict[int, float] = {}  # best screening value of the sub-packings, per offset
        self.count = 0
        self.iterations = 0

    def __call__(
        self, count: int, g: np.random.Generator, deadline: float = math.inf, cut: list[bool] | None = None
    ) -> list[NDArray[np.float64] | None]:
        """Starts for the next ``count`` warm restarts (``None`` for a dropped one)."""
        first, offs, n = self.count, self.offsets, self.n
        offsets = [offs[i % len(offs)] for i in range(first, first + count)]
        last = min(self.slots, first + len(offs) * min(WARM_POOL, self.batch))
        future = [offs[i % len(offs)] for i in range(first, last)]
        for d in sorted(set(offsets)):
            need = offsets.count(d)
            have = self.pool.setdefault(d, [])
            m = n + d
            if len(have) >= need:
                continue
            extra = max(need, min(WARM_POOL, self.batch, future.count(d))) - len(have)
            if self.lines and m <= self.dim:
                have.extend(np.linalg.qr(g.standard_normal((self.dim, m)))[0][:, :m] for _ in range(extra))
                continue
            prev = self.screen.get(d, math.inf)
            cut_at = above(prev, self.cutoff)
            Ws, _, it, scr = self.descent(
                np.stack([normalize(g.standard_normal((self.dim, m))) for _ in range(extra)]),
                self.lines,
                abandon_above=cut_at,
                deadline=deadline,
                cut=cut,
            )
            self.iterations += it
            # A poor sub-packing is not worth cutting: its restart is dropped.
            have.extend(W if si <= cut_at else None for W, si in zip(Ws, scr, strict=True))
            self.screen[d] = min(float(scr.min()), prev)
        out: list[NDArray[np.float64] | None] = []
        for d in offsets:
            W = self.pool[d].pop(0)
            if W is not None:
                W = drop_lines(W, d, self.lines) if d > 0 else add_lines(W, -d, self.lines, g, self.candidates)
            out.append(W)
        self.count += count
        return out
