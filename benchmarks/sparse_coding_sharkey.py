"""Reproduce the toy of Sharkey, Braun & Millidge (2022), "Taking features out of superposition with sparse
autoencoders" (interim report, AI Alignment Forum): ReLU SAEs with an L1 penalty on 512 true features in 256
dimensions, scored by MMCS against the truth over a grid of L1 coefficients x dictionary ratios.

Data: :func:`theory.sparse_coding.sharkey2022` (unit Gaussian directions, U[0, 1) magnitudes; uncorrelated
path: firing ``p_i = (5/512) 0.99^i``, mean L0 0.971; correlated path: the decay rescaled to mean L0 5 with a
rank-32 Gaussian copula). Fresh samples every step (the sampler is passed to the trainer).

Per dictionary width (ratio x 256), the whole L1 sweep is ONE batched ``train_saes(l1=[...])`` call (every
coefficient sees the same batches); the widths are the cells of a :func:`theory.sweep.sweep` persisted in
``benchmarks/results/sparse_coding_sharkey[_quick].sqlite`` (gitignored): kill the run and rerun the same
command to resume. Per (coefficient, ratio): MMCS with the true features, MCC (optimal 1:1 matching), dead
latents (never active on a held-out batch, and silent for the last ``dead_window`` training steps), held-out
L0 and explained variance, and whether the training loss had flattened. Then the paper's model-selection
heuristic without ground truth: the MMCS between the dictionaries learned at adjacent sizes with the same
coefficient (mean over the smaller dictionary's atoms of the best |cos| with an atom of the larger one; also
the pairwise MCC), which should stay high while the dictionary is no larger than the number of true features
(ratio 2 here) and fall beyond it.

Loss convention: the trainer's, per sample ``||x - x_hat||^2`` summed over the 256 dimensions plus
``l1 * sum_i f_i`` with unit-norm decoder columns. Sharkey et al. used the mean squared error over dimensions
and divided the L1 term by the number of latents, so their coefficients are not on this scale; the grid here
keeps their spacing (powers 10^(k/4), every second one) on this loss's scale.

The driver is :func:`theory.experiments.sparse_coding.sharkey_grid` (also ``theory reproduce sharkey2022``);
this script is its command line and draws the figure.

Run::

    python benchmarks/sparse_coding_sharkey.py            # full: ratios 0.25..4, 5 coefficients
    python benchmarks/sparse_coding_sharkey.py --quick    # under 2 minutes
    python benchmarks/sparse_coding_sharkey.py --ratios 0.25 0.5 1 2 4 8 --correlated both   # the 8x cells
                                                           # too, both data paths (the committed results)

Writes ``benchmarks/results/sparse_coding_sharkey.{json,md,png,pdf}`` (``_quick`` files in quick mode).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _run_info as run_info  # noqa: E402  (benchmarks/ is on sys.path when a script runs)

from theory.experiments.sparse_coding import SharkeyGrid, sharkey_grid  # noqa: E402
from theory.sweep import Runner  # noqa: E402

RESULTS = Path(__file__).with_name("results")


def _figure(out: dict[str, Any], path: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from theory.figures import save, use_style

    use_style()
    paths = out["data_paths"]
    ratios, ks = out["grid"]["ratios"], out["grid"]["l1_k"]
    fig, axes = plt.subplots(len(paths), 3, figsize=(11, 3.4 * len(paths)), squeeze=False)
    for row, dp in enumerate(paths):
        recs = [r for r in out["records"] if r["correlated"] == (dp == "correlated")]
        adj = [a for a in out["adjacent"] if a["correlated"] == (dp == "correlated")]
        panels = [
            ("mmcs", recs, ratios, "MMCS with true features", "viridis", (0, 1)),
            ("dead_fraction_eval", recs, ratios, "dead latent fraction (held-out)", "magma", (0, 1)),
            ("mmcs_small_in_large", adj, ratios[:-1], "MMCS with the next larger dictionary", "viridis", (0, 1)),
        ]
        for col, (key, src, rs, title, cmap, lim) in enumerate(panels):
            ax = axes[row, col]
            M = np.full((len(ks), len(rs)), np.nan)
            for i, k in enumerate(ks):
                for j, r in enumerate(rs):
                    rr = "ratio_small" if key == "mmcs_small_in_large" else "ratio"
                    hit = [s for s in src if s["l1_k"] == k and s[rr] == r]
                    if hit:
                        M[i, j] = hit[0][key]
            im = ax.imshow(M, origin="lower", cmap=cmap, vmin=lim[0], vmax=lim[1], aspect="auto")
            for i in range(len(ks)):
                for j in range(len(rs)):
                    if np.isfinite(M[i, j]):
                        ax.text(
                            j,
                            i,
                            f"{M[i, j]:.2f}",
                            ha="center",
                            va="center",
                            fontsize=7,
                            color="white" if M[i, j] < 0.6 else "black",
                        )
            ax.set_xticks(range(len(rs)), [f"{r:g}" for r in rs])
            ax.set_yticks(range(len(ks)), [f"{10 ** (k / 4):.2g}" for k in ks])
            ax.set_xlabel("dictionary ratio (width / 256)" + (" of the smaller" if col == 2 else ""))
            ax.set_ylabel("L1 coefficient")
            ax.set_title(f"{title}\n({dp} data)", fontsize=9)
            ax.grid(False)
            fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    return [str(p) for p in save(fig, path, formats=["png", "pdf"])]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small grid, few steps (under 2 minutes)")
    ap.add_argument(
        "--correlated",
        choices=["no", "yes", "both"],
        default="no",
        help="data path: uncorrelated (default), correlated, or both",
    )
    ap.add_argument("--ratios", type=float, nargs="+", help="override the dictionary ratios")
    ap.add_argument("--steps", type=int, help="override the training steps")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (0: serial)")
    args = ap.parse_args(argv)
    suffix = "_quick" if args.quick else ""
    RESULTS.mkdir(exist_ok=True)
    store = RESULTS / f"sparse_coding_sharkey{suffix}.sqlite"
    load0 = list(os.getloadavg())
    kw: dict[str, Any] = {
        "quick": args.quick,
        "ratios": args.ratios,
        "steps": args.steps or None,
        "correlated": args.correlated,
    }
    runner = Runner(store=store, progress=sys.stderr.isatty())
    if args.workers <= 0:
        res = sharkey_grid(runner=runner.replace(executor="serial"), **kw)
    else:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            res = sharkey_grid(runner=runner.replace(executor=pool), **kw)
    data = res.to_dict()
    machine = run_info.machine(workers=args.workers, load_start=load0)
    command = "python benchmarks/sparse_coding_sharkey.py " + " ".join(sys.argv[1:] if argv is None else argv)
    # the layout of the results file: the run's command and machine after the benchmark's name and mode
    out: dict[str, Any] = {"benchmark": data.pop("benchmark"), "command": command, "mode": data.pop("mode")}
    out["machine"] = machine
    out.update(data)
    json_path = RESULTS / f"sparse_coding_sharkey{suffix}.json"
    json_path.write_text(json.dumps(out, indent=1) + "\n")
    out["figures"] = _figure(out, RESULTS / f"sparse_coding_sharkey{suffix}")
    json_path.write_text(json.dumps(out, indent=1) + "\n")
    md = SharkeyGrid.from_dict(out).markdown() + "\n" + run_info.machine_line(machine) + "\n"
    (RESULTS / f"sparse_coding_sharkey{suffix}.md").write_text(md)
    print(md)
    wall = out["wall_seconds"]
    print(f"wall {wall:.0f} s")


if __name__ == "__main__":
    main()
