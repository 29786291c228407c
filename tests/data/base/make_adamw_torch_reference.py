"""Generate ``adamw_torch_reference.json``: parameters after several ``torch.optim.AdamW`` steps on a
recorded gradient sequence, with a per-step learning-rate factor, for the toolkit's AdamW to match.

Run (in an environment with torch, e.g. the ``bench`` extra):
    python tests/data/base/make_adamw_torch_reference.py
"""

from __future__ import annotations

import json
import pathlib

import numpy as np

SETTINGS = [
    # lr, betas, eps, weight_decay
    (1e-2, (0.9, 0.999), 1e-8, 0.0),
    (3e-2, (0.8, 0.95), 1e-6, 0.1),
    (1e-3, (0.9, 0.999), 1e-8, 0.01),
]
STEPS = 8


def main() -> None:
    import torch  # only here: the test collector imports this file where torch is not installed

    gen = np.random.default_rng(23)
    rows = []
    for lr, betas, eps, wd in SETTINGS:
        theta0 = gen.standard_normal(9)
        grads = gen.standard_normal((STEPS, 9)) * np.geomspace(1e-3, 10.0, 9)  # entries of very different sizes
        factors = np.linspace(1.0, 0.2, STEPS)  # a decaying schedule: lr_t = lr * factor_t
        p = torch.nn.Parameter(torch.tensor(theta0, dtype=torch.float64))
        opt = torch.optim.AdamW([p], lr=lr, betas=betas, eps=eps, weight_decay=wd)
        for g, f in zip(grads, factors, strict=True):
            opt.param_groups[0]["lr"] = lr * float(f)
            p.grad = torch.tensor(g, dtype=torch.float64)
            opt.step()
        rows.append(
            {
                "lr": lr,
                "betas": list(betas),
                "eps": eps,
                "weight_decay": wd,
                "theta0": theta0.tolist(),
                "grads": grads.tolist(),
                "factors": factors.tolist(),
                "theta": p.detach().numpy().tolist(),
            }
        )
    out = {
        "source": f"torch {torch.__version__} torch.optim.AdamW, float64, "
        "by tests/data/base/make_adamw_torch_reference.py",
        "runs": rows,
    }
    pathlib.Path(__file__).with_name("adamw_torch_reference.json").write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
