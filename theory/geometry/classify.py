"""Recognise the polytopes of Elhage et al. (2022) in a trained feature matrix."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike

from theory._validation import check_frame, check_real
from theory.geometry.frames import feature_dimensionality

__all__ = ["Polytope", "classify_geometry"]

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


def classify_geometry(W: ArrayLike, *, link: float = 0.2, rank_tol: float = 0.2,
                      ignore_tol: float = 0.1) -> list[Polytope]:
    r"""Group the features of ``W`` into the polytopes of Elhage et al. (2022).

    Features whose norm is below ``ignore_tol`` times the largest norm are *ignored*
    (:math:`D_i = 0`). The others are linked when their cosine exceeds ``link`` in absolute
    value; each connected component is one polytope. Features in different components are
    (nearly) orthogonal, so a tegum product (e.g. the octahedron = three digons) is reported as
    its factors. A component of ``k`` features spanning ``r`` dimensions (numerical rank: singular
    values above ``rank_tol`` times the largest) is named from :math:`(k, r)` and its
    dimensionalities, whose ideal value is

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
            out.append(Polytope(name, tuple(int(i) for i in members), r, float(D[members].mean()),
                                Fraction(r, size)))
    dead = np.flatnonzero(~live)
    for i in dead:
        out.append(Polytope("ignored", (int(i),), 0, float(D[i]), Fraction(0)))
    out.sort(key=lambda p: p.features[0])
    return out
