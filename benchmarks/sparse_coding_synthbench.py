"""SynthSAEBench at CPU size: five SAE architectures scored against the ground truth at L0 = 25 and 20.

Data: :func:`theory.sparse_coding.synth_sae_bench` ``("cpu")``: 1,024 true features in 128 dimensions, Zipf
firing, a hierarchy (8 trees, branching 4, depth 3), rank-25 correlations, magnitudes |N(5..4, sigma_i)|;
its exact expected data L0 is about 7.4. Fresh samples every training step.

SAEs: width 256 (SynthSAEBench trains 4,096 latents on 16,384 features, a quarter of n; a quarter of 1,024 is
256), three seeds trained at once (``n_seeds=3``) per (architecture, target L0):

- ``topk``, ``batchtopk``, ``matryoshka``: ``k`` = target L0;
- ``relu`` (L1) and ``jumprelu`` (L0 penalty): a batched sweep of coefficients (one ``train_saes`` call, one
  seed, the same steps) measures the held-out L0 per coefficient; the coefficient for each target is the
  log-log interpolation between the two sweep points bracketing the target (the closest sweep point if
  none brackets it); then three seeds are trained at that coefficient. Both are recorded.

Scores on a held-out batch (means over the three seeds, with the spread): per-latent detection F1 (each
latent against its best-|cos| true feature, dead latents counted, as SynthSAEBench), MCC (optimal one-to-one
matching of decoder columns with true features), uniqueness, explained variance, L0, dead-latent fraction;
plus whether the training loss had flattened. Matching pursuit, SynthSAEBench's fifth method, is not an SAE
here: as a stand-in, OMP with ``k`` = target atoms on the learned TopK dictionary (applied to ``x - b_dec``;
signed codes, nonzero = active) is scored too; its MCC and uniqueness are the TopK dictionary's.

Every training run is a cell of a :func:`theory.sweep.sweep` persisted in
``benchmarks/results/sparse_coding_synthbench[_quick].sqlite`` (gitignored): rerun the same command to resume.
One extra cell times a single TopK SAE (one instance) at L0 25 with the same steps.

The driver is :func:`theory.experiments.sparse_coding.synthbench_ranking` (also ``theory reproduce
synthsaebench``); this script is its command line.

Run::

    python benchmarks/sparse_coding_synthbench.py            # full: L0 25 and 20, 3 seeds
    python benchmarks/sparse_coding_synthbench.py --quick    # L0 25, few steps, under 2 minutes
    python benchmarks/sparse_coding_synthbench.py --l0 25    # one target only
    python benchmarks/sparse_coding_synthbench.py --l0 25 20 8   # also near the data's own L0 (about 7.4)

Writes ``benchmarks/results/sparse_coding_synthbench.{json,md}`` (``_quick`` files in quick mode).
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _run_info as run_info  # noqa: E402  (benchmarks/ is on sys.path when a script runs)

from theory.experiments.sparse_coding import SynthBenchRanking, synthbench_ranking  # noqa: E402
from theory.sweep import Runner  # noqa: E402

RESULTS = Path(__file__).with_name("results")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="L0 25 only, few steps (under 2 minutes)")
    ap.add_argument("--l0", type=int, nargs="+", help="override the target L0 values")
    ap.add_argument("--steps", type=int, help="override the training steps")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (0: serial)")
    args = ap.parse_args(argv)
    suffix = "_quick" if args.quick else ""
    RESULTS.mkdir(exist_ok=True)
    store = RESULTS / f"sparse_coding_synthbench{suffix}.sqlite"
    load0 = list(os.getloadavg())
    kw: dict[str, Any] = {
        "quick": args.quick,
        "l0": args.l0 or None,
        "steps": args.steps or None,
    }
    runner = Runner(store=store, progress=sys.stderr.isatty())
    if args.workers <= 0:
        res = synthbench_ranking(runner=runner.replace(executor="serial"), **kw)
    else:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            res = synthbench_ranking(runner=runner.replace(executor=pool), **kw)
    data = res.to_dict()
    machine = run_info.machine(workers=args.workers, load_start=load0)
    command = "python benchmarks/sparse_coding_synthbench.py " + " ".join(sys.argv[1:] if argv is None else argv)
    # the layout of the results file: the run's command and machine after the benchmark's name and mode
    out: dict[str, Any] = {"benchmark": data.pop("benchmark"), "command": command, "mode": data.pop("mode")}
    out["machine"] = machine
    out.update(data)
    (RESULTS / f"sparse_coding_synthbench{suffix}.json").write_text(json.dumps(out, indent=1) + "\n")
    md = SynthBenchRanking.from_dict(out).markdown() + "\n" + run_info.machine_line(machine) + "\n"
    (RESULTS / f"sparse_coding_synthbench{suffix}.md").write_text(md)
    print(md)
    wall = out["wall_seconds_total"]
    print(f"wall {wall:.0f} s")


if __name__ == "__main__":
    main()
