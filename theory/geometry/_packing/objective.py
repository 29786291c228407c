"""The objective of the packing solver: coherence of stacks of frames, its smooth maximum, and a
batched L-BFGS that minimises many independent rows at once."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

__all__ = ["coherence", "coherence_batch", "gram_stack", "lbfgs_batch", "lse_batch", "normalize"]

Clock = Callable[[], float]


def normalize(V: NDArray[np.float64]) -> NDArray[np.float64]:
    """Columns scaled to unit norm."""
    return V / np.linalg.norm(V, axis=0)


def gram_stack(Vs: NDArray[np.float64]) -> NDArray[np.float64]:
    """Gram matrices ``V^T V`` of a stack of frames ``(B, dim, n)`` -> ``(B, n, n)``.

    The transpose is copied to contiguous memory first: batched matmul on the strided view does
    not reach BLAS."""
    return np.matmul(np.ascontiguousarray(Vs.transpose(0, 2, 1)), Vs)


def coherence_batch(Vs: NDArray[np.float64], lines: bool) -> NDArray[np.float64]:
    """Coherence (points: largest cosine) of each frame of a stack ``(B, dim, n)`` with unit
    columns."""
    G = gram_stack(Vs)
    n = G.shape[1]
    iu = np.triu_indices(n, 1)
    g = G[:, iu[0], iu[1]]
    return np.abs(g).max(axis=1) if lines else g.max(axis=1)


def coherence(V: NDArray[np.float64], lines: bool) -> float:
    """Coherence (points: largest cosine) of one frame with unit columns."""
    return float(coherence_batch(V[None], lines)[0])


def lse_batch(
    x: NDArray[np.float64], dim: int, n: int, lines: bool, p: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Smooth max of a stack of frames and its gradient.

    Row ``b`` of ``x`` (shape ``(B, dim * n)``) holds an unnormalised frame :math:`W`; with
    :math:`V = W / \lVert w_i\rVert` and :math:`E_{ij} = G_{ij}^2` (points: :math:`G_{ij}`),

    .. math:: f = m + \tfrac1p \log \sum_{i \ne j} e^{p (E_{ij} - m)},\quad m = \max_{i\ne j} E_{ij}.
    """
    B = x.shape[0]
    W = x.reshape(B, dim, n)
    r = np.sqrt(np.einsum("bdi,bdi->bi", W, W))[:, None, :]
    V = W / r
    G = gram_stack(V)
    E = (G * G if lines else G.copy()).reshape(B, n * n)
    E[:, :: n + 1] = -2.0  # below every off-diagonal entry; its weight is zeroed below
    m = E.max(axis=1)
    E -= m[:, None]
    E *= p[:, None]
    A = np.exp(E, out=E)
    A[:, :: n + 1] = 0.0
    S = A.sum(axis=1)
    f = m + np.log(S) / p
    # The weights w = A / S are symmetric, so the gradient in V of sum w_ij E_ij is V (4 w * G)
    # (points: 2 V w).
    A *= ((4.0 if lines else 2.0) / S)[:, None]
    A = A.reshape(B, n, n)
    if lines:
        A *= G
    dV = np.matmul(V, A)
    dV -= V * np.einsum("bdi,bdi->bi", V, dV)[:, None, :]
    dV /= r
    return f, dV.reshape(B, -1)


def lbfgs_batch(
    fg: Callable[[NDArray[np.float64], NDArray[np.intp]], tuple[NDArray[np.float64], NDArray[np.float64]]],
    x: NDArray[np.float64],
    iters: int,
    memory: int = 8,
    c1: float = 1e-4,
    max_halvings: int = 30,
    deadline: float = math.inf,
    cut: list[bool] | None = None,
    clock: Clock = time.perf_counter,
) -> tuple[NDArray[np.float64], int]:
    """Minimise every row of ``x`` independently with L-BFGS (Liu & Nocedal 1989) and a backtracking
    (Armijo) line search, all rows in one set of array operations.

    ``fg(x, rows)`` returns the values and gradients of the rows ``rows`` of the stack. A row
    stops when no step of the search decreases it, or when a step decreases it by less than
    1e-16 (relative). No iteration starts after ``deadline`` (a ``clock()`` value); when that
    stops rows that would have gone on, ``True`` is appended to ``cut`` (if given).
    Returns the rows and the number of iterations run.
    """
    B, N = x.shape
    f, g = fg(x, np.arange(B))
    S = np.zeros((memory, B, N))
    Y = np.zeros((memory, B, N))
    rho = np.zeros((memory, B))
    gamma = np.ones(B)
    head = stored = 0
    active = np.ones(B, dtype=bool)
    it = 0
    while it < iters:
        if clock() > deadline:
            if cut is not None:
                cut.append(True)
            break
        it += 1
        # Two-loop recursion: d = -H g (pairs a row could not use have rho = 0 and drop out).
        q = g.copy()
        alpha = np.zeros((memory, B))
        slots = [(head - 1 - j) % memory for j in range(stored)]
        for j in slots:
            alpha[j] = rho[j] * np.vecdot(S[j], q)
            q -= alpha[j][:, None] * Y[j]
        q *= gamma[:, None]
        for j in reversed(slots):
            beta = rho[j] * np.vecdot(Y[j], q)
            q += (alpha[j] - beta)[:, None] * S[j]
        d = -q
        gd = np.vecdot(g, d)
        uphill = gd >= 0
        if uphill.any():
            d[uphill] = -g[uphill]
            gd[uphill] = -np.vecdot(g[uphill], g[uphill])
        step = np.ones(B)
        if stored == 0:
            step = np.minimum(1.0, 0.1 / np.maximum(np.sqrt(-gd), 1e-300))
        xn, fn, gn = x.copy(), f.copy(), g.copy()
        todo = active.copy()
        for _ in range(max_halvings):
            rows = np.flatnonzero(todo)
            if rows.size == 0:
                break
            xt = x[rows] + step[rows, None] * d[rows]
            ft, gt = fg(xt, rows)
            ok = ft <= f[rows] + c1 * step[rows] * gd[rows]
            acc = rows[ok]
            xn[acc], fn[acc], gn[acc] = xt[ok], ft[ok], gt[ok]
            todo[acc] = False
            step[rows[~ok]] *= 0.5
        active &= ~todo
        s, y = xn - x, gn - g
        sy = np.vecdot(s, y)
        yy = np.vecdot(y, y)
        good = active & (sy > 1e-12 * np.sqrt(np.vecdot(s, s) * yy))
        S[head], Y[head] = s, y
        rho[head] = np.where(good, 1.0 / np.where(good, sy, 1.0), 0.0)
        gamma = np.where(good, sy / np.where(good, yy, 1.0), gamma)
        head, stored = (head + 1) % memory, min(stored + 1, memory)
        active &= f - fn > 1e-16 * np.abs(f)
        x, f, g = xn, fn, gn
        if not active.any():
            break
    return x, it
