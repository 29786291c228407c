"""Generate ``torch_gradients.json``: losses and autograd gradients of the toy models, computed by
PyTorch from the models' definitions (Elhage et al. 2022), independently of ``theory.toy_models``.

The models, per instance k, with importance I and batch x of shape (B, n):
``reconstruct``: y = act(x W^T W + b), loss = mean over batch and features of I (y - x)^2;
``abs``: y = relu(relu(x W^T) W2^T + b), target |x|.
Inputs are random with some exact zeros (sparse features) and negative entries for ``abs``.

Run (in an environment with torch, e.g. the ``bench`` extra):
    python tests/data/toy_models/make_torch_gradients.py
"""

from __future__ import annotations

import json
import pathlib

import numpy as np

CASES = [
    # name, n_instances, n_features, n_hidden, activation, task
    ("reconstruct_relu", 3, 7, 3, "relu", "reconstruct"),
    ("reconstruct_linear", 2, 6, 2, "linear", "reconstruct"),
    ("abs", 2, 5, 4, "relu", "abs"),
]
BATCH = 11


def main() -> None:
    import torch  # only here: the test collector imports this file where torch is not installed

    gen = np.random.default_rng(17)
    rows = []
    for name, inst, n, dim, act, task in CASES:
        imp = 0.9 ** np.arange(n) * (1.0 + 0.5 * gen.random((inst, 1)))  # (inst, n)
        mask = gen.random((inst, BATCH, n)) < 0.4
        x = gen.random((inst, BATCH, n)) * mask
        if task == "abs":
            x = x * np.where(gen.random((inst, BATCH, n)) < 0.5, -1.0, 1.0)
        params = {"W": gen.standard_normal((inst, dim, n)) * 0.6, "b": gen.standard_normal((inst, n)) * 0.2}
        if task == "abs":
            params["W2"] = gen.standard_normal((inst, n, dim)) * 0.6
        t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
        tx = torch.tensor(x, dtype=torch.float64)
        timp = torch.tensor(imp, dtype=torch.float64)[:, None, :]
        if task == "abs":
            h = torch.relu(torch.einsum("kbi,khi->kbh", tx, t["W"]))
            y = torch.relu(torch.einsum("kbh,kih->kbi", h, t["W2"]) + t["b"][:, None, :])
            target = tx.abs()
        else:
            h = torch.einsum("kbi,khi->kbh", tx, t["W"])
            z = torch.einsum("kbh,khi->kbi", h, t["W"]) + t["b"][:, None, :]
            y = torch.relu(z) if act == "relu" else z
            target = tx
        loss = (timp * (y - target) ** 2).mean(dim=(1, 2))  # (inst,)
        loss.sum().backward()  # instances are independent: each gets its own gradient
        rows.append(
            {
                "name": name,
                "config": {"n_instances": inst, "n_features": n, "n_hidden": dim, "activation": act, "task": task},
                "importance": imp.tolist(),
                "x": x.tolist(),
                "params": {k: v.tolist() for k, v in params.items()},
                "loss": loss.detach().numpy().tolist(),
                "grads": {k: v.grad.numpy().tolist() for k, v in t.items()},
            }
        )
    out = {
        "source": f"torch {torch.__version__} autograd, float64, by tests/data/toy_models/make_torch_gradients.py",
        "cases": rows,
    }
    pathlib.Path(__file__).with_name("torch_gradients.json").write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
