"""Generate ``sae_torch_reference.json``: the PyTorch reference of
``tests/sparse_coding/_sae_reference.py`` trained from the toolkit's initial weights, recorded so that
``test_sae_torch_recorded.py`` can compare the NumPy trainer with it where torch is not installed.

Run (in an environment with torch, e.g. the ``bench`` extra):
    python tests/data/sparse_coding/make_sae_torch_reference.py
"""

from __future__ import annotations

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve()


def _arrays(d):
    return {name: a.tolist() for name, a in d.items()}


def main() -> None:
    # imported here: the test collector imports this file where torch is not installed
    import torch

    sys.path.insert(0, str(HERE.parents[2] / "sparse_coding"))
    from _sae_reference import CASES, DIM, STEPS, WIDTH, batches, initial, train_torch

    xs = batches()
    runs = []
    plan = [(kind, l1, k, STEPS, True) for kind, l1, k in CASES]
    plan += [("relu", 0.05, None, STEPS, False), ("relu", 0.05, None, STEPS - 1, True)]
    for kind, l1, k, steps, remove_parallel in plan:
        init = initial(xs, kind, k)
        params = train_torch(init, xs, kind, l1=l1 or 0.0, k=k, steps=steps, remove_parallel=remove_parallel)
        runs.append(
            {
                "kind": kind,
                "l1": l1,
                "k": k,
                "steps": steps,
                "remove_parallel": remove_parallel,
                "init": _arrays(init),
                "params": _arrays(params),
            }
        )
    out = {
        "source": f"torch {torch.__version__}, float64, by tests/data/sparse_coding/make_sae_torch_reference.py",
        "dim": DIM,
        "width": WIDTH,
        "xs": xs.tolist(),
        "runs": runs,
    }
    HERE.with_name("sae_torch_reference.json").write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
