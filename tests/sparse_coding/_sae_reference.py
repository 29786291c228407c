"""The SAELens-style PyTorch reference for the NumPy SAE trainer, and the data both see.

Shared by ``test_sae_torch_parity.py`` (run live where torch is installed),
``tests/data/sparse_coding/make_sae_torch_reference.py`` (which records the reference's results) and
``test_sae_torch_recorded.py`` (which compares the trainer with those recorded results everywhere).
The reference is written here the way SAELens trains: SAELens's layout, autograd,
``torch.optim.Adam``, the gradient component parallel to each decoder row removed before the step,
rows rescaled to unit norm after it. torch is imported only inside :func:`train_torch`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from theory.sparse_coding.sae import SAEOptions, train_saes

DIM, WIDTH, BATCH, STEPS, LR = 12, 24, 32, 6, 1e-2
#: (kind, l1, k) of the compared runs
CASES = [("relu", 0.05, None), ("relu", 0.5, None), ("topk", None, 4)]
NAMES = ("W_enc", "b_enc", "W_dec", "b_dec")


class Replay:
    """``.sample`` returns the batches of ``xs`` in order (batch 0 initialises ``b_dec``)."""

    def __init__(self, xs: np.ndarray) -> None:
        self.xs, self.j = xs, 0

    def sample(self, batch: int, rng: Any = None) -> np.ndarray:
        x = self.xs[self.j]
        self.j += 1
        return x


def batches(seed: int = 5) -> np.ndarray:
    """``STEPS + 2`` batches of sparse combinations of random atoms plus a little noise."""
    gen = np.random.default_rng(seed)
    codes = gen.random((STEPS + 2, BATCH, 3 * DIM)) * (gen.random((STEPS + 2, BATCH, 3 * DIM)) < 0.1)
    atoms = gen.standard_normal((3 * DIM, DIM))
    return codes @ atoms + 0.05 * gen.standard_normal((STEPS + 2, BATCH, DIM))


def train_numpy(xs: np.ndarray, kind: str, *, steps: int, lr: float, l1: Any = None, k: Any = None) -> Any:
    """The toolkit's trainer in float64 on the batches ``xs`` (initialisation seed 3)."""
    kw = {"l1": l1} if kind == "relu" else {"k": k}
    return train_saes(
        Replay(xs),
        kind=kind,
        width=WIDTH,
        steps=steps,
        batch_size=BATCH,
        lr=lr,
        options=SAEOptions(progress=False, dtype="float64"),
        rng=3,
        **kw,
    )[0]


def initial(xs: np.ndarray, kind: str, k: Any) -> dict[str, np.ndarray]:
    """The trainer's initial weights: one step at a learning rate too small to move a float64 parameter."""
    sae = train_numpy(xs, kind, steps=1, lr=1e-30, l1=0.0 if kind == "relu" else None, k=k)
    return {name: np.array(getattr(sae, name)) for name in NAMES}


def train_torch(
    init: dict[str, np.ndarray],
    xs: np.ndarray,
    kind: str,
    *,
    l1: float = 0.0,
    k: Any = None,
    steps: int = STEPS,
    remove_parallel: bool = True,
) -> dict[str, np.ndarray]:
    """SAELens-style training in float64 from ``init``; the weights in the toolkit's layout."""
    import torch

    f64 = torch.float64
    W_enc = torch.nn.Parameter(torch.tensor(init["W_enc"].T.copy(), dtype=f64))  # (d_in, d_sae)
    b_enc = torch.nn.Parameter(torch.zeros(WIDTH, dtype=f64))
    W_dec = torch.nn.Parameter(torch.tensor(init["W_dec"].T.copy(), dtype=f64))  # (d_sae, d_in)
    b_dec = torch.nn.Parameter(torch.tensor(init["b_dec"].copy(), dtype=f64))
    opt = torch.optim.Adam([W_enc, b_enc, W_dec, b_dec], lr=LR, betas=(0.9, 0.999), eps=1e-8)
    for step in range(steps):
        x = torch.tensor(xs[step + 1], dtype=f64)
        pre = (x - b_dec) @ W_enc + b_enc
        if kind == "topk":
            top = torch.topk(pre, k, dim=-1)
            acts = torch.zeros_like(pre).scatter(-1, top.indices, torch.relu(top.values))
        else:
            acts = torch.relu(pre)
        out = acts @ W_dec + b_dec
        loss = (out - x).pow(2).sum(-1).mean()
        if kind == "relu":
            loss = loss + l1 * acts.norm(p=1, dim=-1).mean()
        loss.backward()
        with torch.no_grad():
            if remove_parallel:
                W_dec.grad -= (W_dec.grad * W_dec).sum(dim=1, keepdim=True) * W_dec
        opt.step()
        opt.zero_grad()
        with torch.no_grad():
            W_dec /= W_dec.norm(dim=1, keepdim=True)
    values = (W_enc.T, b_enc, W_dec.T, b_dec)
    return {name: p.detach().numpy().copy() for name, p in zip(NAMES, values, strict=True)}
