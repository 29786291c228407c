"""Explicit frames: regular polytopes, equiangular tight frames, products and random frames.

Every construction returns a frame of shape ``(dim, n)`` with unit-norm columns (except
``random_frame(kind="gaussian")``, whose columns have expected squared norm 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory._validation import (
    as_rng,
    check_bool,
    check_frame,
    check_int,
    check_memory,
    check_real,
    check_size,
    estimate_bytes,
)

__all__ = [
    "POLYTOPES",
    "cross_polytope",
    "hadamard",
    "mub_frame",
    "mub_frame_coherence",
    "naimark_complement",
    "paley_etf",
    "polytope",
    "random_frame",
    "regular_polygon",
    "simplex",
    "steiner_etf",
    "steiner_system",
    "tegum_product",
]


def simplex(dim: int) -> NDArray[np.float64]:
    r"""The regular simplex: ``dim + 1`` unit vectors in :math:`\mathbb{R}^{dim}` with all
    cosines :math:`-1/dim` (an equiangular tight frame attaining the Welch bound).

    Built from the Helmert basis of the hyperplane :math:`\sum_i x_i = 0` of
    :math:`\mathbb{R}^{dim+1}`, applied to the centred standard basis:

    .. math:: w_i = \sqrt{\tfrac{dim+1}{dim}}\, H e_i, \qquad \langle w_i, w_j\rangle = -\tfrac{1}{dim}.

    Parameters
    ----------
    dim : int
        Ambient dimension, ``dim >= 1``.

    Returns
    -------
    ndarray, shape (dim, dim + 1)

    Examples
    --------
    >>> import numpy as np
    >>> W = simplex(3)
    >>> np.round(W.T @ W, 6)
    array([[ 1.      , -0.333333, -0.333333, -0.333333],
           [-0.333333,  1.      , -0.333333, -0.333333],
           [-0.333333, -0.333333,  1.      , -0.333333],
           [-0.333333, -0.333333, -0.333333,  1.      ]])

    References
    ----------
    .. [1] Coxeter, H. S. M. (1973). "Regular Polytopes", 3rd ed., Dover.
    """
    dim = check_int(dim, "dim", minimum=1)
    check_memory(estimate_bytes(dim, dim + 1), f"the ({dim}, {dim + 1}) simplex frame for dim={dim}")
    H = np.zeros((dim, dim + 1))
    for k in range(1, dim + 1):
        H[k - 1, :k] = 1.0
        H[k - 1, k] = -float(k)
        H[k - 1] /= math.sqrt(k * (k + 1))
    return H * math.sqrt((dim + 1) / dim)


def cross_polytope(dim: int) -> NDArray[np.float64]:
    r"""The cross-polytope (orthoplex): :math:`\pm e_1, \dots, \pm e_{dim}`, the tegum product of
    ``dim`` digons.

    .. math:: W = [\,I_{dim}\;\; -I_{dim}\,]

    Parameters
    ----------
    dim : int
        ``dim >= 1``.

    Returns
    -------
    ndarray, shape (dim, 2 dim)

    Examples
    --------
    >>> cross_polytope(2)
    array([[ 1.,  0., -1., -0.],
           [ 0.,  1., -0., -1.]])

    References
    ----------
    .. [1] Coxeter, H. S. M. (1973). "Regular Polytopes", 3rd ed., Dover.
    """
    dim = check_int(dim, "dim", minimum=1)
    check_memory(estimate_bytes(dim, 3 * dim), f"the ({dim}, {2 * dim}) cross-polytope frame for dim={dim}")
    eye = np.eye(dim)
    return np.hstack([eye, -eye])


def regular_polygon(n: int) -> NDArray[np.float64]:
    r"""``n`` unit vectors in the plane at angles :math:`2\pi k/n`.

    .. math:: w_k = (\cos(2\pi k/n), \sin(2\pi k/n))

    For ``n >= 3`` it is a tight frame; as lines, the ``n`` vectors at angles :math:`\pi k/n`
    (``regular_polygon(2n)[:, :n]``) are the optimal packing of ``n`` lines in the plane.

    Parameters
    ----------
    n : int
        Number of vertices, ``n >= 2`` (``n = 2`` is the digon).

    Returns
    -------
    ndarray, shape (2, n)

    Examples
    --------
    >>> from theory.geometry import feature_dimensionality
    >>> feature_dimensionality(regular_polygon(5)).round(6)
    array([0.4, 0.4, 0.4, 0.4, 0.4])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy Models of Superposition." arXiv:2209.10652
    """
    n = check_int(n, "n", minimum=2)
    check_memory(estimate_bytes(n, 5), f"the (2, {n}) polygon frame for n={n}")
    a = 2 * np.pi * np.arange(n) / n
    W = np.vstack([np.cos(a), np.sin(a)])
    W[np.abs(W) < 1e-15] = 0.0
    return W


def _square_antiprism() -> NDArray[np.float64]:
    # Two squares rotated by 45 degrees at heights +-1/sqrt(2): the tight version (D = 3/8).
    a = np.pi * np.arange(8) / 4
    z = np.where(np.arange(8) % 2 == 0, 1.0, -1.0) / math.sqrt(2.0)
    W = np.vstack([np.cos(a), np.sin(a), z])
    return W / np.linalg.norm(W, axis=0)


def _cube() -> NDArray[np.float64]:
    signs = np.array([[(i >> k) & 1 for k in range(3)] for i in range(8)], dtype=float).T
    return (2 * signs - 1) / math.sqrt(3.0)


def _icosahedron() -> NDArray[np.float64]:
    g = (1 + math.sqrt(5.0)) / 2
    pts = []
    for s1 in (1, -1):
        for s2 in (1, -1):
            pts += [(0, s1, s2 * g), (s1, s2 * g, 0), (s2 * g, 0, s1)]
    W = np.array(pts, dtype=float).T
    return W / np.linalg.norm(W, axis=0)


def _digon() -> NDArray[np.float64]:
    return np.array([[1.0, -1.0]])


#: Names accepted by :func:`polytope` -> (dim, n, description).
POLYTOPES: dict[str, tuple[int, int, str]] = {
    "digon": (1, 2, "antipodal pair, D = 1/2"),
    "triangle": (2, 3, "D = 2/3"),
    "square": (2, 4, "two orthogonal digons (tegum product), D = 1/2"),
    "pentagon": (2, 5, "D = 2/5"),
    "hexagon": (2, 6, "D = 1/3"),
    "tetrahedron": (3, 4, "regular simplex in R^3, D = 3/4"),
    "octahedron": (3, 6, "cross-polytope = three digons, D = 1/2"),
    "cube": (3, 8, "D = 3/8"),
    "square_antiprism": (3, 8, "tight square antiprism, D = 3/8"),
    "icosahedron": (3, 12, "D = 1/4"),
}


def polytope(name: str) -> NDArray[np.float64]:
    r"""A named toy-model polytope (Elhage et al. 2022, "Toy Models of Superposition").

    Each is a unit-norm tight frame of ``n`` vectors spanning ``dim`` dimensions, so every
    feature has dimensionality :math:`D_i = dim/n`:

    .. math:: \sum_j \langle \hat w_i, w_j\rangle^2 = n/dim \;\Rightarrow\; D_i = dim/n.

    Names: ``digon`` (1/2), ``triangle`` (2/3), ``square`` (1/2), ``pentagon`` (2/5),
    ``hexagon`` (1/3), ``tetrahedron`` (3/4), ``octahedron`` (1/2), ``cube`` (3/8),
    ``square_antiprism`` (3/8; heights :math:`\pm 1/\sqrt2` so that the frame is tight),
    ``icosahedron`` (1/4). See :data:`POLYTOPES`.

    Parameters
    ----------
    name : str
        One of the keys of :data:`POLYTOPES` (case-insensitive; ``-``/space allowed for ``_``).

    Returns
    -------
    ndarray, shape (dim, n)

    Examples
    --------
    >>> from theory.geometry import feature_dimensionality
    >>> W = polytope("square_antiprism")
    >>> W.shape, feature_dimensionality(W).round(6)[0]
    ((3, 8), 0.375)

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy Models of Superposition." arXiv:2209.10652
    .. [2] Coxeter, H. S. M. (1973). "Regular Polytopes", 3rd ed., Dover.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    builders = {
        "digon": _digon,
        "triangle": lambda: regular_polygon(3),
        "square": lambda: regular_polygon(4),
        "pentagon": lambda: regular_polygon(5),
        "hexagon": lambda: regular_polygon(6),
        "tetrahedron": lambda: simplex(3),
        "octahedron": lambda: cross_polytope(3),
        "cube": _cube,
        "square_antiprism": _square_antiprism,
        "icosahedron": _icosahedron,
    }
    if key not in builders:
        raise ValueError(f"name must be one of {sorted(builders)}, got {name!r}")
    return builders[key]()


def _is_prime(q: int) -> bool:
    if q < 2:
        return False
    return all(q % p for p in range(2, math.isqrt(q) + 1))


def _legendre(a: int, q: int) -> int:
    a %= q
    if a == 0:
        return 0
    return 1 if pow(a, (q - 1) // 2, q) == 1 else -1


def _jacobsthal(q: int) -> NDArray[np.float64]:
    """Jacobsthal matrix Q[i, j] = chi(j - i) of the quadratic character mod a prime q."""
    chi = np.array([_legendre(a, q) for a in range(q)], dtype=float)
    idx = (np.arange(q)[None, :] - np.arange(q)[:, None]) % q
    return chi[idx]


def paley_etf(q: int) -> NDArray[np.float64]:
    r"""Paley equiangular tight frame of ``q + 1`` vectors in :math:`\mathbb{R}^{(q+1)/2}`,
    for a prime :math:`q \equiv 1 \pmod 4`.

    With the symmetric Paley conference matrix :math:`C` (zero diagonal, :math:`C^2 = qI`),
    :math:`G = I + C/\sqrt q` is positive semidefinite of rank :math:`(q+1)/2`, with eigenvalues
    0 and 2; it is the Gram matrix of an ETF with coherence

    .. math:: \mu = 1/\sqrt q = \sqrt{\frac{n - dim}{dim\,(n-1)}} \quad (n = q+1,\ dim = (q+1)/2).

    Parameters
    ----------
    q : int
        A prime with ``q % 4 == 1`` (5, 13, 17, 29, ...). Prime powers need finite-field
        arithmetic and are not supported.

    Returns
    -------
    ndarray, shape ((q + 1) // 2, q + 1)

    Examples
    --------
    >>> from theory.geometry import coherence, welch_bound
    >>> W = paley_etf(5)
    >>> W.shape, round(coherence(W), 6), round(welch_bound(n=6, dim=3).value, 6)
    ((3, 6), 0.447214, 0.447214)

    References
    ----------
    .. [1] Paley, R. E. A. C. (1933). "On orthogonal matrices." J. Math. Phys. 12, 311-320.
    .. [2] Strohmer, T. and Heath, R. W. (2003). "Grassmannian frames with applications to coding
       and communication." Appl. Comput. Harmon. Anal. 14(3), 257-275.
       doi:10.1016/S1063-5203(03)00023-X
    """
    q = check_int(q, "q", minimum=5)
    check_memory(estimate_bytes(q + 1, q + 1, itemsize=24), f"the ({q + 1}, {q + 1}) Paley conference matrix for q={q}")
    if not _is_prime(q) or q % 4 != 1:
        raise ValueError(f"q must be a prime congruent to 1 mod 4 (5, 13, 17, 29, ...), got {q}")
    n = q + 1
    C = np.zeros((n, n))
    C[0, 1:] = C[1:, 0] = 1.0
    C[1:, 1:] = _jacobsthal(q)
    G = np.eye(n) + C / math.sqrt(q)
    vals, vecs = np.linalg.eigh(G)
    top = vecs[:, n // 2 :] * np.sqrt(np.clip(vals[n // 2 :], 0.0, None))
    W = top.T
    return W / np.linalg.norm(W, axis=0)


def mub_frame(p: int, *, real: bool = True) -> NDArray[Any]:
    r"""The :math:`p + 1` mutually unbiased bases of :math:`\mathbb{C}^p` for an odd prime
    :math:`p` (the standard basis and :math:`p` chirp bases), optionally realified.

    .. math:: v_{a,b}(j) = \frac{1}{\sqrt p}\,\omega^{a j^2 + b j},\qquad
              \omega = e^{2\pi i/p},\ a, b, j \in \mathbb{Z}_p .

    Vectors with the same ``a`` are orthogonal; for :math:`a \ne a'` the inner product is a
    quadratic Gauss sum of modulus :math:`\sqrt p`, so
    :math:`|\langle v_{a,b}, v_{a',b'}\rangle| = 1/\sqrt p`, as it is between a chirp and a
    standard basis vector. The complex frame has :math:`n = p(p+1)` vectors in
    :math:`\mathbb{C}^p` with coherence :math:`1/\sqrt p`.

    Realified (``real=True``), each complex :math:`u` gives the two real vectors
    :math:`R(u) = (\operatorname{Re} u, \operatorname{Im} u)` and
    :math:`R(iu) = (-\operatorname{Im} u, \operatorname{Re} u)` of
    :math:`\mathbb{R}^{2p}`, with :math:`\langle R(u), R(v)\rangle = \operatorname{Re}\langle
    u, v\rangle` and :math:`\langle R(u), R(iv)\rangle = -\operatorname{Im}\langle u, v\rangle`:
    :math:`2p(p+1)` unit vectors in :math:`\mathbb{R}^{2p}`, a union of :math:`p+1` orthonormal
    bases (so a tight frame), with coherence exactly :math:`1/\sqrt p` (about
    :math:`\sqrt 2` times the orthoplex bound :math:`1/\sqrt{2p}`). This is the densest
    explicit line packing the library knows at coherence around :math:`1/\sqrt{dim/2}`; for
    example ``mub_frame(383)`` holds 294,144 features in :math:`\mathbb{R}^{766}` at
    :math:`|\cos| \le 0.0511`. Its coherence can be checked without the Gram matrix by
    :func:`mub_frame_coherence`.

    Parameters
    ----------
    p : int
        An odd prime.
    real : bool
        Return the realified frame (default) instead of the complex one.

    Returns
    -------
    ndarray
        Shape ``(2p, 2p(p+1))`` (float) if ``real``, else ``(p, p(p+1))`` (complex). Columns:
        the standard basis first, then ``v_{a,b}`` with ``a`` major; realified columns
        alternate ``R(u), R(iu)``.

    Examples
    --------
    >>> from theory.geometry import coherence, is_tight
    >>> W = mub_frame(5)
    >>> W.shape, round(coherence(W), 6), round(1 / 5 ** 0.5, 6), is_tight(W)
    ((10, 60), 0.447214, 0.447214, True)

    References
    ----------
    .. [1] Ivanovic, I. D. (1981). "Geometrical description of quantal state determination."
       J. Phys. A 14(12), 3241-3245. doi:10.1088/0305-4470/14/12/019
    .. [2] Wootters, W. K. and Fields, B. D. (1989). "Optimal state-determination by mutually
       unbiased measurements." Ann. Phys. 191(2), 363-381. doi:10.1016/0003-4916(89)90322-9
    .. [3] Alltop, W. O. (1980). "Complex sequences with low periodic correlations." IEEE Trans.
       Inf. Theory 26(3), 350-354. doi:10.1109/TIT.1980.1056185
    """
    real = check_bool(real, "real")
    p = check_int(p, "p", minimum=3)
    check_memory(estimate_bytes(p, p, p, itemsize=40), f"the {p}**3 chirp entries of the MUB frame for p={p}")
    if not _is_prime(p):
        raise ValueError(f"p must be an odd prime (3, 5, 7, 11, ...), got {p}")
    j = np.arange(p)
    a = np.arange(p)[:, None, None]
    b = np.arange(p)[None, :, None]
    phase = (a * j * j + b * j) % p  # (a, b, j), exact integers
    chirps = np.exp(2j * np.pi * phase / p) / math.sqrt(p)  # (p, p, p)
    V = np.concatenate([np.eye(p, dtype=complex), chirps.reshape(p * p, p).T], axis=1)
    if not real:
        return V
    W = np.empty((2 * p, 2 * V.shape[1]))
    W[:p, 0::2], W[p:, 0::2] = V.real, V.imag
    W[:p, 1::2], W[p:, 1::2] = -V.imag, V.real
    return W


def mub_frame_coherence(p: int, *, real: bool = True) -> float:
    r"""Coherence of :func:`mub_frame` computed from its difference structure, without forming
    the :math:`n \times n` Gram matrix (:math:`O(p^3)` instead of :math:`O(p^5)`).

    Inner products between chirps depend only on the differences:
    :math:`\langle v_{a,b}, v_{a',b'}\rangle = S(a'-a, b'-b)/p` with
    :math:`S(c, e) = \sum_j \omega^{c j^2 + e j}`, and a standard basis vector meets a chirp in
    :math:`\omega^{a j^2 + b j}/\sqrt p`. So the coherence is the largest of
    :math:`|S(c, e)|/p` over :math:`(c, e) \ne (0, 0)` and :math:`1/\sqrt p` (complex), or of
    :math:`|\operatorname{Re} S|/p`, :math:`|\operatorname{Im} S|/p` and
    :math:`\max_{a,b,j} |\operatorname{Re}/\operatorname{Im}\ \omega^{a j^2 + b j}|/\sqrt p`
    (realified; :math:`\langle R(u), R(iu)\rangle = 0`). The theorem says this is exactly
    :math:`1/\sqrt p`; this function measures it in floating point, as an independent check.

    Parameters
    ----------
    p : int
        An odd prime.
    real : bool

    Returns
    -------
    float

    Examples
    --------
    >>> round(mub_frame_coherence(383), 12) == round(383 ** -0.5, 12)
    True
    """
    real = check_bool(real, "real")
    p = check_int(p, "p", minimum=3)
    check_memory(estimate_bytes(p, p, itemsize=48), f"the ({p}, {p}) chirp sums for p={p}")
    if not _is_prime(p):
        raise ValueError(f"p must be an odd prime (3, 5, 7, 11, ...), got {p}")
    j = np.arange(p)
    # S(c, e) = sum_j w^(c j^2) w^(e j) is p times the inverse DFT of w^(c j^2) in j.
    x = np.exp(2j * np.pi * ((np.arange(p)[:, None] * j * j) % p) / p)  # (c, j)
    S = p * np.fft.ifft(x, axis=1)  # (c, e)
    S[0, 0] = 0.0  # a vector with itself
    m = max(np.abs(S.real).max(), np.abs(S.imag).max()) if real else np.abs(S).max()
    # a standard basis vector meets a chirp in w^(a j^2 + b j) / sqrt(p): its real or imaginary
    # part reaches 1/sqrt(p) at j = 0
    worst = max(1.0 / math.sqrt(p), float(m) / p)
    return worst


#: Largest order :func:`hadamard` builds (the matrix takes 8 * order**2 bytes).
_HADAMARD_MAX_ORDER = 8192


def hadamard(order: int) -> NDArray[np.float64]:
    r"""A real Hadamard matrix (:math:`H H^\top = order\cdot I`, entries :math:`\pm1`), normalised
    so that its first row and column are all ones.

    Sylvester's doubling gives orders :math:`2^k`; Paley's first construction gives
    :math:`p + 1` for primes :math:`p \equiv 3 \pmod 4`; products (Kronecker) combine them.

    .. math:: H_{2m} = \begin{pmatrix} H_m & H_m \\ H_m & -H_m\end{pmatrix}

    Parameters
    ----------
    order : int
        1, 2, or a multiple of 4 reachable by the constructions above (4, 8, 12, 16, 20, 24, ...),
        at most 8192 (a 512 MiB matrix).

    Returns
    -------
    ndarray, shape (order, order)

    Examples
    --------
    >>> H = hadamard(12)
    >>> bool((H @ H.T == 12 * np.eye(12)).all())
    True

    References
    ----------
    .. [1] Sylvester, J. J. (1867). "Thoughts on inverse orthogonal matrices." Phil. Mag. 34, 461-475.
    .. [2] Paley, R. E. A. C. (1933). "On orthogonal matrices." J. Math. Phys. 12, 311-320.
    """
    order = check_size(
        order, "order", minimum=1, maximum=_HADAMARD_MAX_ORDER, why="the matrix has order**2 float64 entries"
    )
    H = _hadamard(order)
    if H is None:
        raise ValueError(
            f"order must be 1, 2 or a multiple of 4 built from 2^k and p+1 (p prime, "
            f"p % 4 == 3); no construction here for order {order}"
        )
    return _normalise_hadamard(H)


def _normalise_hadamard(H: NDArray[np.float64]) -> NDArray[np.float64]:
    H = H * H[:, :1]
    return H * H[:1, :]


def _hadamard(order: int) -> NDArray[np.float64] | None:
    if order == 1:
        return np.ones((1, 1))
    if order == 2:
        return np.array([[1.0, 1.0], [1.0, -1.0]])
    if order % 4:
        return None
    p = order - 1
    if _is_prime(p) and p % 4 == 3:
        Q = _jacobsthal(p)
        S = np.zeros((order, order))
        S[0, 1:] = 1.0
        S[1:, 0] = -1.0
        S[1:, 1:] = Q
        return S + np.eye(order)
    for a in range(2, order):
        if order % a == 0:
            A, B = _hadamard(a), _hadamard(order // a)
            if A is not None and B is not None:
                return np.asarray(np.kron(A, B), dtype=np.float64)  # the stubs type kron as floating
    return None


def steiner_system(name: str) -> list[tuple[int, ...]]:
    r"""Blocks of a named :math:`(2, k, v)`-Steiner system (every pair of points lies in
    exactly one block).

    * ``"fano"``: the Fano plane, :math:`(2,3,7)`, lines :math:`\{i, i+1, i+3\} \bmod 7`;
    * ``"k<v>"`` (e.g. ``"k4"``, ``"k8"``): the edges of the complete graph, :math:`(2,2,v)`;
    * ``"affine<q>"`` (q prime, e.g. ``"affine2"``, ``"affine3"``): the lines of the affine plane
      :math:`AG(2,q)`, a :math:`(2,q,q^2)` system.

    .. math:: b = \frac{v(v-1)}{k(k-1)} \text{ blocks}, \quad r = \frac{v-1}{k-1} \text{ blocks per point}

    Parameters
    ----------
    name : str

    Returns
    -------
    list of tuple of int
        The blocks, each a sorted tuple of points in ``range(v)``.

    Examples
    --------
    >>> steiner_system("fano")[:2]
    [(0, 1, 3), (1, 2, 4)]

    References
    ----------
    .. [1] Fickus, M., Mixon, D. G. and Tremain, J. C. (2012). "Steiner equiangular tight frames."
       Linear Algebra Appl. 436(5), 1014-1027. arXiv:1009.5730
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    key = name.strip().lower()
    if key == "fano":
        return [tuple(sorted({i % 7, (i + 1) % 7, (i + 3) % 7})) for i in range(7)]
    if key.startswith("k") and key[1:].isdigit():
        v = int(key[1:])
        if v < 2:
            raise ValueError(f"complete graph K_v needs v >= 2, got {name!r}")
        return [(i, j) for i in range(v) for j in range(i + 1, v)]
    if key.startswith("affine") and key[6:].isdigit():
        q = int(key[6:])
        if not _is_prime(q):
            raise ValueError(f"affine plane order must be a prime here, got {name!r}")
        pts = {(x, y): x * q + y for x in range(q) for y in range(q)}
        blocks = [tuple(sorted(pts[(x, (m * x + c) % q)] for x in range(q))) for m in range(q) for c in range(q)]
        blocks += [tuple(sorted(pts[(c, y)] for y in range(q))) for c in range(q)]
        return blocks
    raise ValueError(f"name must be 'fano', 'k<v>' or 'affine<q>' (q prime), got {name!r}")


def steiner_etf(blocks: str | Sequence[Sequence[int]]) -> NDArray[np.float64]:
    r"""Steiner equiangular tight frame from a :math:`(2, k, v)`-Steiner system (Fickus, Mixon,
    Tremain 2012).

    Each point lies in :math:`r = (v-1)/(k-1)` blocks. For each point, a Hadamard matrix of order
    :math:`r + 1` with its all-ones row removed gives :math:`r+1` vectors in :math:`\mathbb{R}^r`
    (a simplex); placing them on the point's blocks gives :math:`n = v(r+1)` vectors in
    :math:`\mathbb{R}^b` with

    .. math:: |\langle w_i, w_j\rangle| = \frac{1}{r} = \sqrt{\frac{n - b}{b\,(n-1)}} .

    Parameters
    ----------
    blocks : str or sequence of sequences of int
        A name accepted by :func:`steiner_system` (``"fano"``, ``"k4"``, ``"affine2"``, ...) or
        the blocks themselves (points ``0 .. v-1``). A real Hadamard matrix of order ``r + 1``
        must exist (see :func:`hadamard`).

    Returns
    -------
    ndarray, shape (b, v (r + 1))

    Examples
    --------
    >>> from theory.geometry import coherence, welch_bound
    >>> W = steiner_etf("fano")
    >>> W.shape, round(coherence(W), 6), round(welch_bound(n=28, dim=7).value, 6)
    ((7, 28), 0.333333, 0.333333)

    References
    ----------
    .. [1] Fickus, M., Mixon, D. G. and Tremain, J. C. (2012). "Steiner equiangular tight frames."
       Linear Algebra Appl. 436(5), 1014-1027. arXiv:1009.5730
    """
    if isinstance(blocks, str):
        try:
            blocks = steiner_system(blocks)
        except ValueError as exc:
            raise ValueError(f"blocks: {exc}") from None
    try:
        B = [tuple(int(x) for x in blk) for blk in blocks]
    except (TypeError, ValueError):
        raise TypeError("blocks must be a name or a sequence of sequences of integers") from None
    if len(B) < 1:
        raise ValueError("blocks must contain at least one block")
    points = sorted({x for blk in B for x in blk})
    v = len(points)
    if points != list(range(v)):
        raise ValueError(f"blocks must use the points 0..v-1 exactly, got points {points}")
    seen: set[tuple[int, int]] = set()
    for blk in B:
        if len(set(blk)) != len(blk) or len(blk) < 2:
            raise ValueError(f"every block must have >= 2 distinct points, got {blk}")
        for a in blk:
            for c in blk:
                if a < c:
                    if (a, c) in seen:
                        raise ValueError(f"blocks are not a 2-design: pair {(a, c)} lies in two blocks")
                    seen.add((a, c))
    if len(seen) != v * (v - 1) // 2:
        raise ValueError("blocks are not a 2-design: some pair of points lies in no block")
    member = [[b for b, blk in enumerate(B) if x in blk] for x in range(v)]
    r = len(member[0])
    if any(len(m) != r for m in member):
        raise ValueError("every point must lie in the same number r of blocks")
    H = _hadamard(r + 1)
    if H is None:
        raise ValueError(
            f"a real Steiner ETF needs a Hadamard matrix of order r + 1 = {r + 1}; "
            "none is available (use a system with r + 1 = 2, 4, 8, 12, 16, ...)"
        )
    S = _normalise_hadamard(H)[1:, :]  # r x (r+1), rows orthogonal to ones
    W = np.zeros((len(B), v * (r + 1)))
    for x in range(v):
        W[np.array(member[x])[:, None], np.arange(x * (r + 1), (x + 1) * (r + 1))[None, :]] = S
    return W / math.sqrt(r)


def naimark_complement(W: ArrayLike, *, atol: float = 1e-8) -> NDArray[np.float64]:
    r"""Naimark complement of a unit-norm tight frame of ``n`` vectors in :math:`\mathbb{R}^{dim}`:
    a unit-norm tight frame of ``n`` vectors in :math:`\mathbb{R}^{n - dim}` with Gram matrix

    .. math:: G' = \frac{n}{n - dim}\Big(I - \frac{dim}{n} G\Big), \qquad
              |G'_{ij}| = \frac{dim}{n - dim} |G_{ij}|,

    so the complement of an ETF is an ETF.

    Parameters
    ----------
    W : array_like, shape (dim, n), dim < n
        A unit-norm tight frame (columns are normalised first; tightness is checked).
    atol : float
        Tolerance of the tightness check.

    Returns
    -------
    ndarray, shape (n - dim, n)

    Examples
    --------
    >>> from theory.geometry import coherence
    >>> Wc = naimark_complement(simplex(3))
    >>> Wc.shape, round(coherence(Wc), 6)
    ((1, 4), 1.0)

    References
    ----------
    .. [1] Casazza, P. G., Fickus, M., Mixon, D. G., Wang, Y. and Zhou, Z. (2013). "Constructing
       tight fusion frames." Appl. Comput. Harmon. Anal. 30, 175-187. arXiv:1004.1607
    """
    from scipy.linalg import null_space

    from theory.geometry.frames import is_tight, normalize

    V = normalize(W)
    dim, n = V.shape
    if n <= dim:
        raise ValueError(f"W must have more columns than rows (n > dim), got shape {V.shape}")
    if not is_tight(V, atol=atol):
        raise ValueError(f"W must be a unit-norm tight frame (W W^T = (n/dim) I to within atol={atol}); it is not")
    N = null_space(V)  # (n, n - dim), orthonormal basis of the complement of the row space
    Wc = math.sqrt(n / (n - dim)) * N.T
    return Wc / np.linalg.norm(Wc, axis=0)


def tegum_product(*frames: ArrayLike) -> NDArray[np.float64]:
    r"""Tegum product: place frames in mutually orthogonal subspaces (block diagonal).

    .. math:: W = \begin{pmatrix} W_1 & 0 \\ 0 & W_2 \end{pmatrix}

    Elhage et al. (2022) observe trained toy models that are tegum products of polytopes (e.g. the
    octahedron = three digons).

    Parameters
    ----------
    *frames : array_like, each of shape (dim_k, n_k)

    Returns
    -------
    ndarray, shape (sum dim_k, sum n_k)

    Examples
    --------
    >>> tegum_product([[1.0, -1.0]], [[1.0, -1.0]])
    array([[ 1., -1.,  0.,  0.],
           [ 0.,  0.,  1., -1.]])

    References
    ----------
    .. [1] Elhage, N. et al. (2022). "Toy Models of Superposition." arXiv:2209.10652
    """
    if not frames:
        raise ValueError("tegum_product needs at least one frame")
    Fs = [check_frame(F, f"frames[{k}]", allow_zero_columns=True) for k, F in enumerate(frames)]
    dim = sum(F.shape[0] for F in Fs)
    n = sum(F.shape[1] for F in Fs)
    W = np.zeros((dim, n))
    r = c = 0
    for F in Fs:
        W[r : r + F.shape[0], c : c + F.shape[1]] = F
        r += F.shape[0]
        c += F.shape[1]
    return W


_KINDS = ("gaussian", "sphere", "rademacher", "sparse")


def random_frame(
    dim: int, n: int, *, kind: str = "sphere", density: float = 1 / 3, rng: int | np.random.Generator | None = 0
) -> NDArray[np.float64]:
    r"""A random frame of ``n`` vectors in :math:`\mathbb{R}^{dim}`.

    * ``"gaussian"``: iid :math:`N(0, 1/dim)` entries (columns not normalised);
    * ``"sphere"``: iid uniform unit vectors (normalised Gaussians);
    * ``"rademacher"``: iid :math:`\pm 1/\sqrt{dim}` entries;
    * ``"sparse"``: Achlioptas-type entries :math:`\pm1` with probability ``density`` (split
      evenly), else 0, then columns normalised (an all-zero column is redrawn).

    .. math:: \mathbb{E}\,\langle w_i, w_j\rangle^2 = 1/dim \quad (i \ne j)

    Parameters
    ----------
    dim, n : int
        Shape, both ``>= 1``.
    kind : {"gaussian", "sphere", "rademacher", "sparse"}
    density : float
        Fraction of non-zero entries for ``"sparse"``, in ``(0, 1]``.
    rng : Generator or int seed

    Returns
    -------
    ndarray, shape (dim, n)

    Examples
    --------
    >>> W = random_frame(4, 10, kind="rademacher", rng=0)
    >>> W.shape, sorted(set(np.abs(W).round(6).ravel()))
    ((4, 10), [0.5])

    References
    ----------
    .. [1] Achlioptas, D. (2003). "Database-friendly random projections: Johnson-Lindenstrauss with
       binary coins." J. Comput. Syst. Sci. 66(4), 671-687. doi:10.1016/S0022-0000(03)00025-4
    """
    dim = check_int(dim, "dim", minimum=1)
    n = check_int(n, "n", minimum=1)
    check_memory(estimate_bytes(dim, n, itemsize=24), f"a random ({dim}, {n}) frame (dim={dim}, n={n})")
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}")
    density = check_real(density, "density", minimum=0, maximum=1, strict_min=True)
    g = as_rng(rng)
    if kind == "gaussian":
        return g.standard_normal((dim, n)) / math.sqrt(dim)
    if kind == "sphere":
        X = g.standard_normal((dim, n))
        return X / np.linalg.norm(X, axis=0)
    if kind == "rademacher":
        return g.choice([-1.0, 1.0], size=(dim, n)) / math.sqrt(dim)
    X = np.zeros((dim, n))
    todo = np.arange(n)
    while todo.size:
        mask = g.random((dim, todo.size)) < density
        signs = g.choice([-1.0, 1.0], size=(dim, todo.size))
        X[:, todo] = mask * signs
        todo = todo[~mask.any(axis=0)]
    return X / np.linalg.norm(X, axis=0)
