"""Reproduction: O'Neill, Gumran & Klindt (2024), the 16/8/3 toy with an unknown dictionary.

O'Neill, Gumran & Klindt, "Compute optimal inference and provable amortisation gap in sparse
autoencoders" (arXiv:2411.13117), experiment "unknown Z and D": 16 sources in 8 dimensions, exactly
3 active (Zipf-weighted supports, magnitudes |N(0,1)|(w_i + 0.1)), 1,024 training and 1,024 test
samples, loss MSE + 0.01 mean|s|, Adam at 1e-3, full-batch steps, 5 initialisation seeds on one data
set. Their repository (charlieoneill11/sparse-inference, ``experiments/unknown_Z_D.py`` at commit 9b1952f,
which wrote ``experiments/results/unknown_Z_D_flops_reconstruction.json``) trains 40,000 full-batch steps and logs
every 500; the published figures are their last logged step (39,500), mean and population std
(``np.std``) over the 5 seeds:

    code MCC:  sparse coding 0.691 +- 0.051,  MLP-256 0.643 +- 0.072,  SAE 0.566 +- 0.011
    dict MCC:  MLP-256 0.851 +- 0.038,  sparse coding 0.837 +- 0.038,  SAE 0.745 +- 0.015
    (SAE + per-sample inference on its dictionary, "SAE_ITO": code MCC 0.583 +- 0.020)

Models here (one ``theory.sweep`` cell per (model, seed), stored in
``benchmarks/results/sparse_coding_oneill.sqlite``; rerunning resumes):

- ``sae``: :func:`theory.sparse_coding.train_sae`, ``kind="relu"``, width 16, 40,000 full-batch Adam
  steps at 1e-3. sae.py's loss is ``(1/B) sum ||x - x_hat||^2 + l1 (1/B) sum f`` (squared error summed
  over the 8 dimensions); theirs is the element mean ``(1/(8B)) sum ||.||^2 + 0.01 (1/(16B)) sum f``;
  multiplying theirs by 8 gives sae.py's with ``l1 = 0.01 * 8/16 = 0.005``: the same objective up to
  a constant factor, to which Adam is invariant (up to its eps). Differences left: sae.py's SAE has
  an encoder bias and a decoder bias subtracted before encoding (theirs has neither), initialises the
  encoder as the decoder's transpose (theirs: PyTorch's default), and projects the decoder gradient
  before renormalising (theirs renormalises only).
- ``sae_oneill`` (cross-check, not a row of theirs): their SAE written out here (no biases, PyTorch's
  default encoder init, decoder renormalised before every step without gradient projection), to
  separate the effect of sae.py's architecture from the rest of the protocol.
- ``mlp``: :func:`theory.sparse_coding.learners.mlp_encoder_learner`, 256 hidden units, no biases
  (their published configuration), the same loss and 40,000 full-batch Adam steps.
- ``sparse_coding``: :func:`theory.sparse_coding.learners.sparse_coding_learner`: codes by FISTA
  (nonnegative LASSO with ``lam = 0.01 * 8 / (2 * 16) = 0.0025``, the same objective per sample) and
  the dictionary by Adam at 1e-3, ``--sc-inner`` Adam steps per code solve (400 x 100 = 40,000 Adam
  steps on the dictionary, as theirs), Gaussian initial dictionary (as theirs), atoms unused by the
  codes re-drawn from the data; test codes by FISTA on the learned dictionary. (They instead run Adam
  jointly on the dictionary and free codes exp(log S) for 40,000 steps, and infer test codes with
  10,000 Adam steps.)

Metrics on the test set: code MCC (:func:`theory.sparse_coding.code_mcc`: Pearson correlation,
Hungarian matching, as their ``mcc``) and dictionary MCC (:func:`theory.sparse_coding.mcc`: |cos| with
Hungarian matching). Their dictionary score (``greedy_mcc`` on the (8, 16) matrices) is the
Pearson correlation of atoms across the 8 coordinates (atoms centred), greedily paired then
Hungarian-matched, which for equal widths is the Hungarian optimum; it is reported too as
``dict_mcc_pearson`` (= ``code_mcc`` applied to the dictionaries, coordinates as samples).

The driver is :func:`theory.experiments.sparse_coding.oneill_toy` (also ``theory reproduce oneill2024``);
this script is its command line.

Run::

    python benchmarks/sparse_coding_oneill.py                 # 5 seeds, the paper's lengths
    python benchmarks/sparse_coding_oneill.py --quick         # short smoke run, separate store key
    python benchmarks/sparse_coding_oneill.py --workers 1

Writes ``benchmarks/results/sparse_coding_oneill.json`` and ``.md``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _run_info as run_info  # noqa: E402  (benchmarks/ is on sys.path when a script runs)

from theory.experiments.sparse_coding import OneillToy, oneill_toy  # noqa: E402
from theory.sweep import Runner  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=40_000, help="Adam steps (SAE, MLP); theirs 40,000")
    ap.add_argument("--sc-steps", type=int, default=400, help="sparse coding: code solves")
    ap.add_argument("--sc-inner", type=int, default=100, help="sparse coding: Adam steps on D per code solve")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="short run (1,000 steps, 2 seeds)")
    ap.add_argument("--store", default=str(RESULTS / "sparse_coding_oneill.sqlite"))
    args = ap.parse_args()
    if args.quick:
        args.steps, args.sc_steps, args.sc_inner, args.seeds = 1000, 20, 50, 2
    t0 = time.perf_counter()
    executor: Any = "serial" if args.workers == 1 else ProcessPoolExecutor(max_workers=args.workers)
    try:
        res = oneill_toy(
            seeds=args.seeds,
            steps=args.steps,
            sc_steps=args.sc_steps,
            sc_inner=args.sc_inner,
            runner=Runner(executor=executor, store=args.store, progress=sys.stderr.isatty()),
        )
    finally:
        if executor != "serial":
            executor.shutdown()
    wall = time.perf_counter() - t0
    out = res.to_dict()
    out.update(machine=run_info.machine(workers=args.workers), command=" ".join(["python"] + sys.argv))
    suffix = "_quick" if args.quick else ""
    (RESULTS / f"sparse_coding_oneill{suffix}.json").write_text(json.dumps(out, indent=2) + "\n")
    md = OneillToy.from_dict(out).markdown() + "\n" + run_info.machine_line(out["machine"]) + "\n"
    (RESULTS / f"sparse_coding_oneill{suffix}.md").write_text(md)
    print(md, end="")
    print(f"wall {wall:.0f} s")


if __name__ == "__main__":
    main()
