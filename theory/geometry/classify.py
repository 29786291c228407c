"""Recognise the polytopes of Elhage et al. (2022) in a trained feature matrix."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike

from theory._validation import check_frame, check_real
from theory.geometry.frames import feature_dimensionality

__all__ = ["Geometry", "Polytope", "classify_geometry", "describe_geometry"]

#: (number of features, rank) -> name; the expected dimensionality is rank / number.
_NAMES: dict[tuple[int, int], str] = {
    (1, 1): "dedicated",
    (2, 1): "digon",
    (3, 2): "triangle",
    (4, 2): "square",
    (5, 2): "pentagon",
    (6, 2): "hexagon",
    (4, 3): "tetrahedron",
    (8, 3): "square_antiprism",  # or "cube" when it holds antipodal pairs
    (12, 3): "icosahedron",
}


@dataclass(frozen=True)
class Polytope:
    """A group of features sharing a subspace, recognised by :func:`classify_geometry`.

    Attributes
    ----------
    name : str
        ``"digon"``, ``"triangle"``, ``"tetrahedron"``, ``"pentagon"``, ``"square_antiprism"``,
        ``"dedicated"``, ``"ignored"``, ``"<k>-gon"`` or ``"other"``.
    features : tuple of int
        Column indices of the features in the group.
    rank : int
        Dimension of the subspace the group spans (0 for ignored features).
    dimensionality : float
        Mean measured feature dimensionality :math:`D_i` over the group.
    expected : Fraction
        ``rank / len(features)``, the dimensionality of the ideal (tight) polytope.
    """

    name: str
    features: tuple[int, ...]
    rank: int
    dimensionality: float
    expected: Fraction

    @property
    def size(self) -> int:
        """Number of features in the group."""
        return len(self.features)


def classify_geometry(
    W: ArrayLike, *, link: float = 0.2, rank_tol: float = 0.2, ignore_tol: float = 0.1
) -> list[Polytope]:
    r"""Group the features of ``W`` into the polytopes of Elhage et al. (2022).

    Features whose norm is below ``ignore_tol`` times the largest norm are *ignored*
    (:math:`D_i = 0`). The others are linked when their cosine exceeds ``link`` in absolute
    value; each connected component is one polytope. Features in different components are
    (nearly) orthogonal, so a tegum product (e.g. the octahedron = three digons) is reported as
    its factors (:func:`describe_geometry` names the product). A component of ``k`` features
    spanning ``r`` dimensions (numerical rank: singular values above ``rank_tol`` times the
    largest) is named from :math:`(k, r)` and its dimensionalities, whose ideal value is

    .. math:: D_i = \frac{r}{k} \quad\text{(tight polytope)}:\ \text{dedicated } 1,\
              \text{digon } \tfrac12,\ \text{triangle } \tfrac23,\ \text{tetrahedron } \tfrac34,\
              \text{pentagon } \tfrac25,\ \text{square antiprism } \tfrac38.

    Parameters
    ----------
    W : array_like, shape (dim, n)
        Trained feature matrix (columns = features); zero columns allowed.
    link : float
        Absolute cosine above which two features are in the same polytope, in ``(0, 1)``.
    rank_tol : float
        Relative singular-value threshold for the rank of a group, in ``(0, 1)``.
    ignore_tol : float
        Relative norm below which a feature counts as ignored, in ``[0, 1)``.

    Returns
    -------
    list of Polytope
        Sorted by the smallest feature index of each group; every feature appears exactly once.

    Examples
    --------
    >>> from theory.geometry import polytope, tegum_product
    >>> W = tegum_product(polytope("triangle"), polytope("digon"), [[0.0]])
    >>> [(p.name, p.features, str(p.expected)) for p in classify_geometry(W)]
    [('triangle', (0, 1, 2), '2/3'), ('digon', (3, 4), '1/2'), ('ignored', (5,), '0')]

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy Models of Superposition." Transformer Circuits Thread.
       arXiv:2209.10652
    """
    W = check_frame(W, allow_zero_columns=True)
    link = check_real(link, "link", minimum=0, maximum=1, strict_min=True, strict_max=True)
    rank_tol = check_real(rank_tol, "rank_tol", minimum=0, maximum=1, strict_min=True, strict_max=True)
    ignore_tol = check_real(ignore_tol, "ignore_tol", minimum=0, maximum=1, strict_max=True)
    n = W.shape[1]
    norms = np.linalg.norm(W, axis=0)
    top = norms.max()
    D = feature_dimensionality(W)
    live = norms > ignore_tol * top if top > 0 else np.zeros(n, dtype=bool)
    out: list[Polytope] = []
    idx = np.flatnonzero(live)
    if idx.size:
        V = W[:, idx] / norms[idx]
        A = np.abs(V.T @ V) > link
        comp = -np.ones(idx.size, dtype=int)
        c = 0
        for s in range(idx.size):
            if comp[s] >= 0:
                continue
            stack = [s]
            comp[s] = c
            while stack:
                u = stack.pop()
                for v in np.flatnonzero(A[u] & (comp < 0)):
                    comp[v] = c
                    stack.append(int(v))
            c += 1
        for k in range(c):
            members = idx[comp == k]
            sv = np.linalg.svd(W[:, members], compute_uv=False)
            r = int(np.sum(sv > rank_tol * sv[0]))
            size = members.size
            name = _NAMES.get((size, r))
            if name == "square_antiprism":
                Vm = W[:, members] / norms[members]
                if (Vm.T @ Vm).min() < -0.95:  # antipodal pairs: the cube, not the antiprism
                    name = "cube"
            if name is None:
                name = f"{size}-gon" if r == 2 else "other"
            out.append(Polytope(name, tuple(int(i) for i in members), r, float(D[members].mean()), Fraction(r, size)))
    dead = np.flatnonzero(~live)
    for i in dead:
        out.append(Polytope("ignored", (int(i),), 0, float(D[i]), Fraction(0)))
    out.sort(key=lambda p: p.features[0])
    return out


#: Tegum products with a name of their own, keyed by the sorted factor names.
_TEGUM_NAMES: dict[tuple[str, ...], str] = {
    ("digon", "digon"): "square",
    ("digon", "digon", "digon"): "octahedron",
    ("digon", "triangle"): "triangular_bipyramid",
    ("digon", "square"): "square_bipyramid",  # = octahedron when the square is two digons
    ("digon", "pentagon"): "pentagonal_bipyramid",
}


@dataclass(frozen=True)
class Geometry:
    """The whole feature geometry of a frame: its polytopes and how they combine.

    Attributes
    ----------
    polytopes : list of Polytope
        As returned by :func:`classify_geometry`.
    factors : tuple of tuple of int
        Indices into ``polytopes`` of each tegum product: groups of live polytopes whose
        subspaces are mutually orthogonal and that together span the sum of their ranks. A
        polytope orthogonal to nothing else is a factor on its own.
    names : tuple of str
        One name per tegum product: a polytope's own name, a classical name when the product has
        one (``square`` = digon ⊕ digon, ``octahedron`` = 3 digons, ``triangular_bipyramid``,
        ``pentagonal_bipyramid``), else the factors joined by ``" ⊕ "``.
    """

    polytopes: list[Polytope]
    factors: tuple[tuple[int, ...], ...]
    names: tuple[str, ...]

    def __str__(self) -> str:
        return "; ".join(self.names) if self.names else "no live features"


def describe_geometry(
    W: ArrayLike, *, link: float = 0.2, rank_tol: float = 0.2, ignore_tol: float = 0.1, orth_tol: float = 0.2
) -> Geometry:
    r"""Name the feature geometry of ``W``: the polytopes of :func:`classify_geometry` and the
    tegum products they form.

    A tegum product places polytopes in mutually orthogonal subspaces,
    :math:`P \oplus Q \subset \mathbb{R}^{r_P} \oplus \mathbb{R}^{r_Q}` (Elhage et al. 2022: the
    octahedron is the tegum product of three digons, the square of two). Two polytopes are
    taken as orthogonal when the largest cosine of the principal angles between their spans,
    :math:`\sigma_{\max}(U_P^\top U_Q)`, is below ``orth_tol``. The live polytopes are split
    greedily into products: each polytope joins the first product all of whose members it is
    orthogonal to, in order of the smallest feature index. In a trained toy model all the
    polytopes usually form one product, which is then the whole geometry.

    Parameters
    ----------
    W : array_like, shape (dim, n)
    link, rank_tol, ignore_tol : float
        As in :func:`classify_geometry`.
    orth_tol : float
        Largest principal-angle cosine still counted as orthogonal, in ``(0, 1)``.

    Returns
    -------
    Geometry

    Examples
    --------
    >>> from theory.geometry import polytope, tegum_product
    >>> print(describe_geometry(polytope("octahedron")))
    octahedron
    >>> print(describe_geometry(tegum_product(polytope("pentagon"), polytope("digon"),
    ...                                       polytope("tetrahedron"))))
    pentagon ⊕ digon ⊕ tetrahedron

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy Models of Superposition." Transformer Circuits Thread.
       arXiv:2209.10652
    """
    groups = classify_geometry(W, link=link, rank_tol=rank_tol, ignore_tol=ignore_tol)
    orth_tol = check_real(orth_tol, "orth_tol", minimum=0, maximum=1, strict_min=True, strict_max=True)
    Wf = np.asarray(check_frame(W, allow_zero_columns=True))
    live = [i for i, g in enumerate(groups) if g.rank > 0]
    bases: dict[int, np.ndarray] = {}
    for i in live:
        U, sv, _ = np.linalg.svd(Wf[:, list(groups[i].features)], full_matrices=False)
        bases[i] = U[:, : groups[i].rank]
    products: list[list[int]] = []
    for i in live:
        for prod in products:
            if all(np.linalg.svd(bases[i].T @ bases[j], compute_uv=False).max() < orth_tol for j in prod):
                prod.append(i)
                break
        else:
            products.append([i])
    names = []
    for prod in products:
        parts = [groups[i].name for i in prod]
        if len(parts) == 1:
            names.append(parts[0])
            continue
        special = _TEGUM_NAMES.get(tuple(sorted(parts)))
        if special is None and set(parts) == {"digon"}:
            special = f"cross_polytope({len(parts)})"
        names.append(special if special else " ⊕ ".join(parts))
    return Geometry(groups, tuple(tuple(p) for p in products), tuple(names))
