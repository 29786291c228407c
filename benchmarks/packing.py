"""Packing benchmark: quality and time of ``theory.geometry.pack`` against reference values.

Run:  python benchmarks/packing.py [--quick] [--time-limit 20]

References (``theory/data/geometry_packings.json``) are *proven* optima with their source
(ETFs attaining Welch, orthoplex-attaining configurations, lines in the plane, solved Tammes
cases). Sloane's table of putatively optimal Grassmannian packings was not available offline, so
cases without a proven optimum are compared with the best lower bound only, and said so.

Writes ``benchmarks/results/packing.json``, ``packing.md`` (a README-ready markdown table) and
``packing_gap.pdf``/``.png``.
"""

from __future__ import annotations

# pack() runs with one BLAS thread by default (blas_threads=1): the matrices are small.
import argparse
import json
import os
import pathlib
import platform
import time

import numpy as np

import theory
from theory.geometry import coherence, max_cosine, pack, welch_bound

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "results"


def machine() -> str:
    try:
        load = os.getloadavg()
        load_s = f"load average {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}"
    except OSError:  # pragma: no cover
        load_s = "load average unavailable"
    cpu = platform.processor() or platform.machine()
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} logical CPUs, "
            f"Python {platform.python_version()}, NumPy {np.__version__}; {load_s} at start "
            "(shared machine: other developers' jobs were running)")


def reference_cases() -> list[dict]:
    path = pathlib.Path(theory.__file__).parent / "data" / "geometry_packings.json"
    return json.loads(path.read_text())["cases"]


def run_case(dim: int, n: int, lines: bool, ref: float | None, ref_src: str, time_limit: float,
             seed: int, big: bool = False) -> dict:
    t0 = time.perf_counter()
    kw = dict(restarts=3, lse_iters=1500, slp_iters=0, ap_iters=300) if big else dict(restarts=50)
    P = pack(dim=dim, n=n, lines=lines, rng=seed, time_limit=time_limit, **kw)
    secs = time.perf_counter() - t0
    val = coherence(P.frame) if lines else max_cosine(P.frame)
    row = {"dim": dim, "n": n, "lines": lines, "found": val, "bound": P.bound.value,
           "bound_name": P.bound.name, "reference": ref, "reference_source": ref_src,
           "seconds": P.seconds_to_best, "seconds_total": secs, "restarts": P.restarts}
    if ref is not None:
        row["gap"] = (val - ref) / abs(ref) if ref != 0 else val - ref
        row["gap_kind"] = "relative to reference" if ref != 0 else "absolute (reference 0)"
    else:
        row["gap"] = (val - P.bound.value) / P.bound.value if P.bound.value > 0 else val - P.bound.value
        row["gap_kind"] = "relative to best lower bound (no reference offline)"
    return row


def markdown(rows: list[dict]) -> str:
    head = ("| dim | n | kind | found | reference | gap | best lower bound | time to best (s) "
            "| total (s) |\n|---:|---:|:---|---:|---:|---:|---:|---:|---:|\n")
    body = []
    for r in rows:
        ref = f"{r['reference']:.8f}" if r["reference"] is not None else "—"
        kind = "lines" if r["lines"] else "points"
        body.append(f"| {r['dim']} | {r['n']} | {kind} | {r['found']:.8f} | {ref} | "
                    f"{r['gap']:.2e}{'' if r['reference'] is not None else ' (vs bound)'} | "
                    f"{r['bound']:.8f} ({r['bound_name']}) | {r['seconds']:.1f} | {r['seconds_total']:.1f} |")
    return head + "\n".join(body) + "\n"


def summary(rows: list[dict], time_limit: float) -> str:
    refd = [r for r in rows if r["reference"] is not None]
    ok = [r for r in refd if r["gap"] <= 1e-3]
    etf = [r for r in refd if r["lines"] and r["n"] > r["dim"] and
           abs(r["reference"] - welch_bound(n=r["n"], dim=r["dim"]).value) < 1e-12]
    etf_ok = [r for r in etf if r["found"] - r["reference"] <= 1e-6]
    big = [r for r in rows if r["dim"] >= 50]
    lines = [f"- cases with a proven optimum: {len(ok)}/{len(refd)} within 0.1% "
             f"(max gap {max((r['gap'] for r in refd), default=0):.2e}); "
             f"{sum(r['seconds'] <= time_limit for r in refd)}/{len(refd)} within {time_limit:g} s "
             f"(max {max((r['seconds'] for r in refd), default=0):.1f} s; time to best)",
             f"- Welch-attaining (ETF) cases: {len(etf_ok)}/{len(etf)} within 1e-6 of Welch"]
    for r in big:
        w = welch_bound(n=r["n"], dim=r["dim"]).value
        lines.append(f"- ({r['dim']}, {r['n']}): coherence {r['found']:.4f} vs Welch {w:.4f} "
                     f"({100 * (r['found'] / w - 1):.1f}% above) in {r['seconds']:.1f} s")
    nb = [r for r in rows if r["reference"] is None and r["dim"] < 50]
    if nb:
        lines.append(f"- {len(nb)} cases without an offline reference: median gap to the best lower "
                     f"bound {np.median([r['gap'] for r in nb]):.3f} (a bound, not the optimum)")
    return "\n".join(lines) + "\n"


def blas_threads_comparison(seed: int) -> int:
    """Side by side: pack() with blas_threads=1 (the default) and with BLAS left alone."""
    cases = [(3, 8), (5, 16), (7, 28), (8, 30)]
    rows = []
    for dim, n in cases:
        t = {}
        for label, threads in (("one", 1), ("default", None)):
            t0 = time.perf_counter()
            P = pack(dim=dim, n=n, rng=seed, restarts=3, blas_threads=threads)
            t[label] = time.perf_counter() - t0
            t[label + "_value"] = P.value
        rows.append({"dim": dim, "n": n, **t, "ratio": t["default"] / t["one"]})
        print(f"dim={dim} n={n}: one thread {t['one']:.2f} s, BLAS default {t['default']:.2f} s, "
              f"ratio {t['default'] / t['one']:.2f}x (values {t['one_value']:.8f} / "
              f"{t['default_value']:.8f})", flush=True)
    total = sum(r["default"] for r in rows) / sum(r["one"] for r in rows)
    print(f"total: BLAS default / one thread = {total:.2f}x  (cpus: {os.cpu_count()})")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "packing_blas_threads.json").write_text(json.dumps(
        {"machine": machine(), "rows": rows, "total_ratio": total}, indent=1))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a small subset (a few minutes)")
    ap.add_argument("--time-limit", type=float, default=20.0, help="seconds per small case")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-large", action="store_true", help="skip (50, 100) and (64, 128)")
    ap.add_argument("--large-only", action="store_true", help="only (50, 100) and (64, 128)")
    ap.add_argument("--large-time", type=float, default=25.0,
                    help="start no new restart of a large case after this many seconds")
    ap.add_argument("--blas-threads", action="store_true",
                    help="only compare pack() with one BLAS thread against the BLAS default")
    args = ap.parse_args()
    print(machine())
    if args.blas_threads:
        return blas_threads_comparison(args.seed)
    refs = reference_cases()
    todo: list[tuple] = []
    seen = set()
    for c in refs:
        key = (c["dim"], c["n"], c["lines"])
        if (args.quick and c["n"] > 16) or key in seen:
            continue
        seen.add(key)
        todo.append((c["dim"], c["n"], c["lines"], c["value"], c["source"], False))
    known = {(c["dim"], c["n"], c["lines"]) for c in refs}
    extra = [(d, n) for d in range(3, 9) for n in sorted({d + 2, 2 * d + 1, 3 * d, 30})
             if n <= 30 and (d, n, True) not in known]
    if args.quick:
        extra = [(3, 8), (3, 10), (4, 8), (5, 12)]
    todo += [(d, n, True, None, "", False) for d, n in extra]
    if not args.no_large:
        todo += [(50, 100, True, None, "", True), (64, 128, True, None, "", True)]
    if args.large_only:
        todo = [t for t in todo if t[5]]
    rows = []
    for dim, n, lines, ref, src, big in todo:
        row = run_case(dim, n, lines, ref, src, args.large_time if big else args.time_limit,
                       args.seed, big)
        rows.append(row)
        print(f"dim={dim:3d} n={n:4d} {'lines ' if lines else 'points'} found={row['found']:.10f} "
              f"ref={row['reference'] if ref is not None else '-'} gap={row['gap']:.2e} "
              f"({row['gap_kind']}) best after {row['seconds']:.1f}s of {row['seconds_total']:.1f}s", flush=True)
    md = markdown(rows)
    summ = summary(rows, args.time_limit)
    print()
    print(md)
    print(summ)
    OUT.mkdir(parents=True, exist_ok=True)
    stem = "packing_quick" if args.quick else "packing_large" if args.large_only else "packing"
    (OUT / f"{stem}.json").write_text(json.dumps({"machine": machine(), "rows": rows,
                                                  "summary": summ}, indent=1))
    (OUT / f"{stem}.md").write_text(f"Machine: {machine()}\n\n{md}\nSummary:\n\n{summ}")
    if not any(r["reference"] is not None for r in rows):
        print(f"wrote {OUT / (stem + '.json')}, {OUT / (stem + '.md')}")
        return 0
    try:
        from theory.figures import save
        from theory.figures.geometry import plot_packing_gap

        ax = plot_packing_gap([r for r in rows if r["reference"] is not None])
        save(ax.figure, OUT / f"{stem}_gap", formats=("pdf", "png"))
    except Exception as exc:  # pragma: no cover - figures are optional
        print(f"figure skipped: {exc}")
    print(f"wrote {OUT / (stem + '.json')}, {OUT / (stem + '.md')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
