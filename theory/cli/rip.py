"""``theory rip``: restricted isometry constants and recovery certificates of a frame file."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rip",
        help="RIP constants (exact / SDP / Gershgorin) of a frame file",
        description="Load a feature matrix (.npy/.npz/.safetensors, never pickle), "
        "print rigorous brackets on its restricted isometry constants "
        "delta_k and the coherence / RIP recovery certificates; "
        "optionally write a figure of the bounds side by side.",
    )
    p.add_argument("path", help="a .npy, .npz or .safetensors file")
    p.add_argument("--key", default=None, help="array name inside .npz/.safetensors")
    p.add_argument("--transpose", action="store_true", help="stored rows are features")
    p.add_argument("--k", type=int, nargs="+", default=[2, 3, 4], help="sparsities (default: 2 3 4)")
    p.add_argument(
        "--max-supports",
        type=int,
        default=200_000,
        help="enumerate supports exactly up to this count (default: %(default)s)",
    )
    p.add_argument(
        "--sdp-max-n",
        type=int,
        default=60,
        help="solve the SDP relaxation only up to this many features (default: %(default)s)",
    )
    p.add_argument(
        "--figure",
        default=None,
        metavar="FILE",
        help="also write the bounds figure to FILE (.pdf/.svg/.png; default: no figure)",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON instead of text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    import math
    import sys

    from theory.geometry import normalize
    from theory.interference import coherence_recovery, load_dictionary, rip_constant

    if args.max_supports < 0:
        raise ValueError(f"--max-supports must be >= 0, got {args.max_supports}")
    if args.sdp_max_n < 0:
        raise ValueError(f"--sdp-max-n must be >= 0, got {args.sdp_max_n}")
    W = normalize(load_dictionary(args.path, key=args.key, transpose=args.transpose))
    dim, n = W.shape
    for k in args.k:
        if not 2 <= k <= n:
            raise ValueError(f"--k values must be in [2, n = {n}], got {k}")
    rows = []
    for k in args.k:
        row = {"k": k, "gershgorin": rip_constant(W, k=k, method="gershgorin"), "sdp": None, "exact": None}
        if math.comb(n, k) <= args.max_supports:
            row["exact"] = rip_constant(W, k=k, method="exact", max_supports=args.max_supports)
        if n <= args.sdp_max_n:
            row["sdp"] = rip_constant(W, k=k, method="sdp", solver="CLARABEL")
        rows.append(row)
    cert = coherence_recovery(W, k=1)
    kmax = math.ceil(cert.threshold) - 1 if math.isfinite(cert.threshold) else n
    recovery = []
    for row in rows:
        k2 = row["k"]
        if k2 % 2 == 0:
            best = min(r.upper for r in (row["exact"], row["sdp"], row["gershgorin"]) if r is not None)
            recovery.append({"k": k2 // 2, "delta_2k_upper": best, "certified": best < 1 / math.sqrt(2)})
    if args.json:

        def bracket(b):
            return None if b is None else {"lower": b.lower, "upper": b.upper, "rigorous": b.rigorous, "exact": b.exact}

        out = {
            "path": str(args.path),
            "dim": dim,
            "n": n,
            "coherence": cert.quantity,
            "coherence_recovery_k_max": kmax,
            "rip": [{"k": r["k"], **{m: bracket(r[m]) for m in ("exact", "sdp", "gershgorin")}} for r in rows],
            "rip_recovery": recovery,
            "citation_rip_recovery": "Cai & Zhang 2014: delta_2k < 1/sqrt(2) certifies every k-sparse x",
        }
        print(json.dumps(out, indent=2))
    else:
        print(f"frame: n = {n} unit features in dim = {dim} (columns normalised)")
        for row in rows:
            for name in ("exact", "sdp", "gershgorin"):
                if row[name] is not None:
                    print(f"  k = {row['k']:2d}  {name:10s} {row[name]}")
        print(
            f"coherence mu = {cert.quantity:.6f}: basis pursuit / OMP recover every k-sparse x for "
            f"k <= {kmax}  (k < (1 + 1/mu)/2)"
        )
        for rec in recovery:
            ok = rec["certified"]
            print(
                f"  delta_{2 * rec['k']} <= {rec['delta_2k_upper']:.6f} {'<' if ok else '>='} 1/sqrt(2): recovery "
                f"of every {rec['k']}-sparse x {'certified' if ok else 'not certified'} (Cai & Zhang 2014)"
            )
    if args.figure is not None:
        from theory.figures import save, style_context
        from theory.figures.interference import plot_rip_bounds

        with style_context():
            ax = plot_rip_bounds(rows)
            paths = save(ax.figure, args.figure)
        print("figure written to " + ", ".join(str(p) for p in paths), file=sys.stderr if args.json else sys.stdout)
    return 0
