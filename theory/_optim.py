"""Optimiser pieces shared by the toolkit's NumPy trainers (toy models, sparse autoencoders).

Parameters live as views into one flat buffer (:class:`FlatParams`), so an optimiser step is a
handful of vector operations whatever the number of tensors; :class:`AdamW` applies PyTorch's
AdamW update to such a buffer in place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._validation import check_real

__all__ = ["AdamW", "FlatParams"]

#: Elements per block of an optimiser step: the step's passes (about a dozen) run block by block so
#: the block's parameters, gradient, moments and scratch stay in cache between passes.
_BLOCK = 1 << 18


class FlatParams:
    """Named parameter arrays (and their gradients) as views into one flat buffer.

    Parameters
    ----------
    params : dict of str to ndarray
        Initial values; copied into the buffer in this order.
    dtype : numpy dtype
        The buffer's dtype.

    Attributes
    ----------
    theta, grad : ndarray, shape (total,)
        The flat parameter and gradient buffers.
    p, g : dict of str to ndarray
        Views of ``theta`` and ``grad`` in each parameter's shape.

    Examples
    --------
    >>> import numpy as np
    >>> f = FlatParams({"W": np.ones((2, 3)), "b": np.zeros(2)}, np.float64)
    >>> f.theta.shape, f.p["W"].shape
    ((8,), (2, 3))
    >>> f.p["b"][:] = 5.0; float(f.theta[-1])
    5.0
    """

    def __init__(self, params: dict[str, NDArray[Any]], dtype: Any) -> None:
        self.keys = list(params)
        sizes = [params[k].size for k in self.keys]
        self.theta = np.empty(sum(sizes), dtype=dtype)
        self.grad = np.zeros_like(self.theta)
        self.p: dict[str, NDArray[Any]] = {}
        self.g: dict[str, NDArray[Any]] = {}
        off = 0
        for k, s in zip(self.keys, sizes, strict=True):
            shape = params[k].shape
            self.p[k] = self.theta[off : off + s].reshape(shape)
            self.g[k] = self.grad[off : off + s].reshape(shape)
            self.p[k][...] = params[k]
            off += s


@dataclass
class AdamW:
    r"""Adam with decoupled weight decay, PyTorch's ``torch.optim.AdamW`` update.

    One step at learning rate :math:`\eta_t` (step count :math:`t` from 1):

    .. math::
        \theta \leftarrow \theta(1 - \eta_t\lambda),\quad m \leftarrow \beta_1 m + (1-\beta_1) g,\quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2,

        \theta \leftarrow \theta - \frac{\eta_t}{1-\beta_1^t}\,
        \frac{m}{\sqrt{v/(1-\beta_2^t)} + \epsilon}.

    With ``weight_decay=0`` this is Adam. ``decay_mask`` (same length as the buffer, 1 where the
    decay applies) restricts the decay to some parameters.

    Parameters
    ----------
    lr : float
        Peak learning rate (> 0); each :meth:`step` may scale it by a schedule factor.
    betas : tuple of float
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float
        Added to the bias-corrected root mean square (> 0).
    weight_decay : float
        Decoupled weight decay :math:`\lambda` (>= 0).

    Examples
    --------
    >>> import numpy as np
    >>> f = FlatParams({"x": np.array([1.0])}, np.float64)
    >>> opt = AdamW(lr=0.1, weight_decay=0.0)
    >>> f.grad[:] = 2.0
    >>> opt.step(f)          # the first Adam step moves by lr, whatever the gradient's size
    >>> round(float(f.theta[0]), 6)
    0.9

    References
    ----------
    .. [1] Kingma, D. P. and Ba, J. (2015). Adam: A Method for Stochastic Optimization. ICLR.
       arXiv:1412.6980.
    .. [2] Loshchilov, I. and Hutter, F. (2019). Decoupled Weight Decay Regularization. ICLR.
       arXiv:1711.05101.
    """

    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.01
    t: int = field(default=0, init=False)
    m: FlatParams | None = field(default=None, init=False, repr=False)
    v: FlatParams | None = field(default=None, init=False, repr=False)
    _tmp: NDArray[Any] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.lr = check_real(self.lr, "lr", minimum=0.0, strict_min=True)
        if not isinstance(self.betas, (tuple, list)) or len(self.betas) != 2:
            raise ValueError(f"betas must be a pair of floats in [0, 1), got {self.betas!r}")
        b1, b2 = (check_real(b, "betas", minimum=0.0) for b in self.betas)
        if b1 >= 1 or b2 >= 1:
            raise ValueError(f"betas must be in [0, 1), got {self.betas!r}")
        self.betas = (b1, b2)
        self.eps = check_real(self.eps, "eps", minimum=0.0, strict_min=True)
        self.weight_decay = check_real(self.weight_decay, "weight_decay", minimum=0.0)

    def init(self, params: FlatParams) -> None:
        """Zero the moment estimates for ``params`` (views ``m.p[name]``, ``v.p[name]`` per tensor,
        so a trainer can reset the state of some entries) and restart the step count."""
        dtype = params.theta.dtype
        self.m = FlatParams({k: np.zeros_like(a) for k, a in params.p.items()}, dtype)
        self.v = FlatParams({k: np.zeros_like(a) for k, a in params.p.items()}, dtype)
        self._tmp = np.empty_like(params.theta)
        self.t = 0

    def step(self, params: FlatParams, scale: float = 1.0, decay_mask: NDArray[Any] | None = None) -> None:
        """Update ``params.theta`` in place from ``params.grad``, at learning rate ``lr * scale``."""
        if self.m is None or self.m.theta.shape != params.theta.shape:
            self.init(params)
        assert self.m is not None and self.v is not None and self._tmp is not None
        theta, grad = params.theta, params.grad
        m, v, tmp = self.m.theta, self.v.theta, self._tmp
        dt = theta.dtype.type
        self.t += 1
        b1, b2 = self.betas
        lr_t = self.lr * float(scale)
        c2 = math.sqrt(1 - b2**self.t)
        decay = dt(1.0 - lr_t * self.weight_decay)
        wd = dt(lr_t * self.weight_decay)
        k1, k2, eps_c, step_c = dt(1 - b1), dt(1 - b2), dt(self.eps * c2), dt(lr_t * c2 / (1 - b1**self.t))
        n = theta.size
        # the passes run over blocks that stay in cache, instead of over the whole buffer each time
        for s in range(0, n, _BLOCK):
            e = min(n, s + _BLOCK)
            th, g, mb, vb, tb = theta[s:e], grad[s:e], m[s:e], v[s:e], tmp[s:e]
            if self.weight_decay:
                if decay_mask is None:
                    th *= decay
                else:
                    th *= 1.0 - wd * decay_mask[s:e]
            # m <- m + (1 - b1)(g - m) (PyTorch's lerp_), v <- b2 v + (1 - b2) g^2
            np.subtract(g, mb, out=tb)
            tb *= k1
            mb += tb
            vb *= dt(b2)
            np.multiply(g, g, out=tb)
            tb *= k2
            vb += tb
            # lr_t/(1-b1^t) m / (sqrt(v)/c2 + eps), c2 = sqrt(1-b2^t), as (lr_t c2/(1-b1^t)) m / (sqrt(v) + eps c2)
            np.sqrt(vb, out=tb)
            tb += eps_c
            np.divide(mb, tb, out=tb)
            tb *= step_c
            th -= tb
