"""Training plateaus of the 2-dimensional toy model sit at k-gon critical losses (Chen et al. 2023).

Setting of Chen, Lau, Mendel, Wei & Murfet (2023), arXiv:2310.06301: ``n = 6`` features, 2
hidden dimensions, ``f(x) = ReLU(W^T W x + b)``, inputs ``x = mu e_i`` (``i`` uniform,
``mu ~ U[0, 1]``), loss ``E ||x - f(x)||^2``. Three protocols, each over seeds:

* ``paper_sgd``: the paper's Section 5 SGD protocol: a fixed training set of 1000 samples,
  batch 20, lr 0.005, 4500 epochs, initialised at the 4-gon plus N(0, 0.01^2) noise;
* ``sgd_random``: online SGD (fresh batch each step), batch 20, lr 0.005, from small random
  weights (std 0.1, zero biases);
* ``adam_random``: the same with Adam, lr 1e-3.

Along each run the exact population loss (``theory.toy_models.kgon.tms_loss``) is recorded;
plateaus are found from the curve alone (``find_plateaus``: the loss moves less than
``FLAT_TOL`` over ``WINDOW`` records) and each plateau's level is compared with the nearest loss
of ``kgon_critical_points(6)``. The experiment is
``theory.experiments.toy_models.kgon_plateaus`` (also ``theory reproduce toy_kgon``); cells run
through ``theory.sweep`` (``--store`` to resume).

Run::

    python benchmarks/toy_kgon.py            # 3 protocols x 3 blocks of 10 seeds
    python benchmarks/toy_kgon.py --quick    # fewer steps and seeds

Writes ``benchmarks/results/toy_kgon.json`` (``toy_kgon_quick.json`` with ``--quick``) and
prints the machine and the run time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.experiments.toy_models import KGON_PROTOCOLS, kgon_plateaus  # noqa: E402
from theory.sweep import Runner  # noqa: E402

OUT = Path(__file__).with_name("results")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--blocks", type=int, default=None, help="blocks of seeds per protocol")
    ap.add_argument("--seeds", type=int, default=10, help="seeds per block")
    ap.add_argument("--protocols", nargs="*", default=list(KGON_PROTOCOLS))
    ap.add_argument("--store", default=None, help="SQLite file to resume from")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    r = kgon_plateaus(
        quick=args.quick,
        blocks=args.blocks,
        seeds=args.seeds,
        protocols=args.protocols,
        runner=Runner(executor="serial", store=args.store),
    )
    out = r.to_dict()
    out["machine"] = {
        "processor": platform.processor(),
        "cpu_count": os.cpu_count(),
        "loadavg": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    out["seconds"] = time.perf_counter() - t0
    print(r)
    print(f"machine: {out['machine']}; run time {out['seconds']:.1f} s")
    OUT.mkdir(exist_ok=True)
    path = OUT / ("toy_kgon_quick.json" if args.quick else "toy_kgon.json")
    path.write_text(json.dumps(out, indent=1))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
