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
of ``kgon_critical_points(6)``. Cells run through ``theory.sweep`` (``--store`` to resume).

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
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from theory.sweep import sweep  # noqa: E402
from theory.toy_models.kgon import find_plateaus, kgon_critical_points, nearest_level, train_tms  # noqa: E402

OUT = Path(__file__).with_name("results")
N = 6
WINDOW = 10
FLAT_TOL = 2e-4
#: A plateau "sits at" a k-gon level when its level is within this of the level (absolute).
LEVEL_TOL = 1e-3

PROTOCOLS: dict[str, dict[str, Any]] = {
    "paper_sgd": dict(optimizer="sgd", lr=0.005, batch_size=20, init="4-gon", init_scale=0.01,
                      dataset_size=1000, steps=4500 * 50, log_every=30 * 50),
    "sgd_random": dict(optimizer="sgd", lr=0.005, batch_size=20, init="random", init_scale=0.1,
                       dataset_size=None, steps=30_000, log_every=100),
    "adam_random": dict(optimizer="adam", lr=1e-3, batch_size=20, init="random", init_scale=0.1,
                        dataset_size=None, steps=30_000, log_every=100),
}


def plateau_cell(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """One block of seeds of one protocol: plateaus and their nearest k-gon levels."""
    kw = dict(PROTOCOLS[params["protocol"]])
    kw["steps"] = int(kw["steps"] * params["scale"])
    kw["log_every"] = max(1, int(kw["log_every"] * params["scale"]))
    t0 = time.perf_counter()
    run = train_tms(N, n_instances=params["seeds"], rng=rng, **kw)
    pts = kgon_critical_points(N)
    runs = []
    for i in range(params["seeds"]):
        curve = run.losses[:, i]
        plateaus = []
        for a, b, level in find_plateaus(curve, window=WINDOW, flat_tol=FLAT_TOL):
            pt, gap = nearest_level(level, pts)
            plateaus.append({"start": int(run.steps[a]), "stop": int(run.steps[min(b + WINDOW - 1, len(curve) - 1)]),
                             "level": level, "nearest": pt.label, "nearest_loss": pt.loss, "gap": gap})
        runs.append({"plateaus": plateaus, "final_loss": float(curve[-1]),
                     "curve": [float(v) for v in curve[:: max(1, len(curve) // 150)]]})
    return {"runs": runs, "seconds": time.perf_counter() - t0, "records": int(run.losses.shape[0]),
            "steps": int(run.steps[-1])}


def summarise(cells: list[dict[str, Any]]) -> dict[str, Any]:
    plats = [p for c in cells for r in c["runs"] for p in r["plateaus"]]
    gaps = np.array([p["gap"] for p in plats]) if plats else np.zeros(0)
    seq = Counter(" -> ".join(dict.fromkeys(p["nearest"] for p in r["plateaus"])) for c in cells for r in c["runs"])
    return {"runs": sum(len(c["runs"]) for c in cells), "plateaus": len(plats),
            "within_tol": int(np.sum(gaps <= LEVEL_TOL)),
            "fraction_within_tol": float(np.mean(gaps <= LEVEL_TOL)) if plats else None,
            "gap_median": float(np.median(gaps)) if plats else None,
            "gap_max": float(gaps.max()) if plats else None,
            "levels_visited": dict(Counter(p["nearest"] for p in plats).most_common()),
            "sequences": dict(seq.most_common(8)),
            "final_levels": dict(Counter(nearest_level(r["final_loss"], kgon_critical_points(N))[0].label
                                         for c in cells for r in c["runs"]).most_common()),
            "seconds": float(sum(c["seconds"] for c in cells))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--blocks", type=int, default=None, help="blocks of seeds per protocol")
    ap.add_argument("--seeds", type=int, default=10, help="seeds per block")
    ap.add_argument("--protocols", nargs="*", default=list(PROTOCOLS))
    ap.add_argument("--store", default=None, help="SQLite file to resume from")
    args = ap.parse_args(argv)
    blocks = args.blocks or (1 if args.quick else 3)
    scale = 0.1 if args.quick else 1.0
    t0 = time.perf_counter()
    grid = [{"protocol": p, "block": j, "seeds": args.seeds, "scale": scale}
            for p in args.protocols for j in range(blocks)]
    res = sweep(plateau_cell, grid, executor="serial", store=args.store, rng=2310, progress=False)
    by_proto: dict[str, list[dict[str, Any]]] = {}
    for params, value in zip(grid, res.values, strict=True):
        by_proto.setdefault(params["protocol"], []).append(value)
    pts = kgon_critical_points(N)
    levels = sorted({round(p.loss, 12) for p in pts})
    out = {
        "setting": {"n": N, "dim": 2, "input": "x = mu e_i, i uniform, mu ~ U[0,1]",
                    "loss": "E ||x - ReLU(W^T W x + b)||^2 (summed over features)",
                    "window": WINDOW, "flat_tol": FLAT_TOL, "level_tol": LEVEL_TOL, "scale": scale},
        "levels": {p.label: p.loss for p in pts},
        "min_level_spacing": float(np.min(np.diff(levels))),
        "protocols": {p: {"settings": {k: v for k, v in PROTOCOLS[p].items()},
                          "summary": summarise(cells),
                          "example_curves": [r["curve"] for r in cells[0]["runs"][:4]]}
                      for p, cells in by_proto.items()},
        "machine": {"processor": platform.processor(), "cpu_count": os.cpu_count(),
                    "loadavg": list(os.getloadavg()) if hasattr(os, "getloadavg") else None},
        "seconds": time.perf_counter() - t0,
    }
    for p, d in out["protocols"].items():
        d["settings"]["steps"] = int(d["settings"]["steps"] * scale)
        d["settings"]["log_every"] = max(1, int(d["settings"]["log_every"] * scale))
        s = d["summary"]
        med = "n/a" if s["gap_median"] is None else f"{s['gap_median']:.2e}"
        mx = "n/a" if s["gap_max"] is None else f"{s['gap_max']:.2e}"
        print(f"{p}: {s['runs']} runs, {s['plateaus']} plateaus, {s['within_tol']} within {LEVEL_TOL} of a k-gon "
              f"level (median gap {med}, max {mx}); levels {s['levels_visited']}; "
              f"final {s['final_levels']}; sequences {s['sequences']}")
    print(f"min spacing between distinct k-gon levels (n={N}): {out['min_level_spacing']:.5f}")
    print(f"machine: {out['machine']}; run time {out['seconds']:.1f} s")
    OUT.mkdir(exist_ok=True)
    path = OUT / ("toy_kgon_quick.json" if args.quick else "toy_kgon.json")
    path.write_text(json.dumps(out, indent=1))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
