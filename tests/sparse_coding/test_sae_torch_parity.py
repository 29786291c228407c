"""The NumPy SAE trainer against a tiny PyTorch autograd reference (runs only where torch is installed).

The reference is written here, the way SAELens trains (SAELens layout, autograd, ``torch.optim.Adam``,
gradient component parallel to each decoder row removed before the step, rows rescaled to unit norm
after it). Both start from the same weights and see the same batches; in float64 a few steps agree to
rounding.
"""

from __future__ import annotations

import numpy as np
import pytest

from theory.sparse_coding.sae import SAEOptions, train_saes

torch = pytest.importorskip("torch")

DIM, WIDTH, BATCH, STEPS, LR = 12, 24, 32, 6, 1e-2


class _Replay:
    """``.sample`` returns the batches of ``xs`` in order (batch 0 initialises ``b_dec``)."""

    def __init__(self, xs: np.ndarray) -> None:
        self.xs, self.j = xs, 0

    def sample(self, batch, rng=None):
        x = self.xs[self.j]
        self.j += 1
        return x


def _batches(seed: int = 5) -> np.ndarray:
    gen = np.random.default_rng(seed)
    codes = gen.random((STEPS + 2, BATCH, 3 * DIM)) * (gen.random((STEPS + 2, BATCH, 3 * DIM)) < 0.1)
    atoms = gen.standard_normal((3 * DIM, DIM))
    return codes @ atoms + 0.05 * gen.standard_normal((STEPS + 2, BATCH, DIM))


def _numpy(xs, kind, *, steps, lr, l1=None, k=None):
    kw = {"l1": l1} if kind == "relu" else {"k": k}
    return train_saes(
        _Replay(xs),
        kind=kind,
        width=WIDTH,
        steps=steps,
        batch_size=BATCH,
        lr=lr,
        options=SAEOptions(progress=False, dtype="float64"),
        rng=3,
        **kw,
    )[0]


def _torch(init, xs, kind, *, l1=0.0, k=None, steps=STEPS, remove_parallel=True):
    """SAELens-style training in float64; returns (W_enc, b_enc, W_dec, b_dec) in the toolkit's layout."""
    f64 = torch.float64
    W_enc = torch.nn.Parameter(torch.tensor(init.W_enc.T.copy(), dtype=f64))  # (d_in, d_sae)
    b_enc = torch.nn.Parameter(torch.zeros(WIDTH, dtype=f64))
    W_dec = torch.nn.Parameter(torch.tensor(init.W_dec.T.copy(), dtype=f64))  # (d_sae, d_in)
    b_dec = torch.nn.Parameter(torch.tensor(init.b_dec.copy(), dtype=f64))
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
    return tuple(p.detach().numpy() for p in (W_enc.T, b_enc, W_dec.T, b_dec))


def _initial(xs, kind, k):
    # one step at a learning rate too small to move a float64 parameter: the trainer's initialisation
    return _numpy(xs, kind, steps=1, lr=1e-30, l1=0.0 if kind == "relu" else None, k=k)


@pytest.mark.parametrize(("kind", "l1", "k"), [("relu", 0.05, None), ("relu", 0.5, None), ("topk", None, 4)])
def test_few_steps_agree_in_float64(kind, l1, k):
    xs = _batches()
    init = _initial(xs, kind, k)
    assert np.allclose(init.b_dec, xs[0].mean(axis=0))
    sae = _numpy(xs, kind, steps=STEPS, lr=LR, l1=l1, k=k)
    ref = _torch(init, xs, kind, l1=l1 or 0.0, k=k)
    for name, theirs in zip(("W_enc", "b_enc", "W_dec", "b_dec"), ref, strict=True):
        ours = getattr(sae, name)
        assert ours.shape == theirs.shape, name
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10, err_msg=name)
    # the steps moved the parameters far beyond the tolerance, so the agreement is not vacuous
    assert np.max(np.abs(sae.W_enc - init.W_enc)) > 1e-2
    assert np.allclose(np.linalg.norm(sae.W_dec, axis=0), 1.0)


def test_reference_detects_a_different_decoder_step():
    """Without the parallel-gradient removal the reference drifts away: the comparison has teeth."""
    xs = _batches()
    init = _initial(xs, "relu", None)
    sae = _numpy(xs, "relu", steps=STEPS, lr=LR, l1=0.05)
    ref = _torch(init, xs, "relu", l1=0.05, remove_parallel=False)
    assert np.max(np.abs(sae.W_dec - ref[2])) > 1e-6


def test_training_loss_matches_reference_loss():
    """The trainer's recorded last-step loss equals the reference objective on that batch."""
    xs = _batches()
    init = _initial(xs, "relu", None)
    sae = _numpy(xs, "relu", steps=STEPS, lr=LR, l1=0.05)
    # parameters before the last step: the reference after STEPS - 1 steps
    W_enc, b_enc, W_dec, b_dec = _torch(init, xs, "relu", l1=0.05, steps=STEPS - 1)
    x = xs[STEPS]
    f = np.maximum((x - b_dec) @ W_enc.T + b_enc, 0.0)
    r = x - (f @ W_dec.T + b_dec)
    expected = np.einsum("bd,bd->b", r, r).mean() + 0.05 * f.sum(axis=1).mean()
    assert sae.losses[-1] == pytest.approx(expected, rel=1e-10)
