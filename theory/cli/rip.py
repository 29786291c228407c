"""``theory rip``: restricted isometry constants and recovery certificates of a frame file."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rip", help="RIP constants (exact / SDP / Gershgorin) of a frame file",
                       description="Load a feature matrix (.npy/.npz/.safetensors, never pickle), "
                                   "print rigorous brackets on its restricted isometry constants "
                                   "delta_k and the coherence / RIP recovery certificates, and "
                                   "write a figure of the bounds side by side.")
    p.add_argument("path")
    p.add_argument("--key", default=None, help="array name inside .npz/.safetensors")
    p.add_argument("--transpose", action="store_true", help="stored rows are features")
    p.add_argument("--k", type=int, nargs="+", default=[2, 3, 4], help="sparsities (default: 2 3 4)")
    p.add_argument("--max-supports", type=int, default=200_000,
                   help="enumerate supports exactly up to this count (default: %(default)s)")
    p.add_argument("--sdp-max-n", type=int, default=60,
                   help="solve the SDP relaxation only up to this many features (default: %(default)s)")
    p.add_argument("--figure", default="rip_bounds.pdf", metavar="FILE",
                   help="figure path (default: %(default)s); 'none' to skip")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import math

    from theory.geometry import normalize
    from theory.interference import coherence_recovery, load_dictionary, rip_constant

    W = normalize(load_dictionary(args.path, key=args.key, transpose=args.transpose))
    dim, n = W.shape
    print(f"frame: n = {n} unit features in dim = {dim} (columns normalised)")
    rows = []
    for k in args.k:
        if not 2 <= k <= n:
            raise ValueError(f"--k values must be in [2, n = {n}], got {k}")
        row = {"k": k, "gershgorin": rip_constant(W, k=k, method="gershgorin"), "sdp": None, "exact": None}
        if math.comb(n, k) <= args.max_supports:
            row["exact"] = rip_constant(W, k=k, method="exact", max_supports=args.max_supports)
        if n <= args.sdp_max_n:
            row["sdp"] = rip_constant(W, k=k, method="sdp", solver="CLARABEL")
        rows.append(row)
        for name in ("exact", "sdp", "gershgorin"):
            if row[name] is not None:
                print(f"  k = {k:2d}  {name:10s} {row[name]}")
    cert = coherence_recovery(W, k=1)
    kmax = math.ceil(cert.threshold) - 1 if math.isfinite(cert.threshold) else n
    print(f"coherence mu = {cert.quantity:.6f}: basis pursuit / OMP recover every k-sparse x for "
          f"k <= {kmax}  (k < (1 + 1/mu)/2)")
    for row in rows:
        k2 = row["k"]
        if k2 % 2 == 0:
            best = min(r.upper for r in (row["exact"], row["sdp"], row["gershgorin"]) if r is not None)
            ok = best < 1 / math.sqrt(2)
            print(f"  delta_{k2} <= {best:.6f} {'<' if ok else '>='} 1/sqrt(2): recovery of every "
                  f"{k2 // 2}-sparse x {'certified' if ok else 'not certified'} (Cai & Zhang 2014)")
    if args.figure.lower() != "none":
        from theory.figures import save, style_context
        from theory.figures.interference import plot_rip_bounds

        with style_context():
            ax = plot_rip_bounds(rows)
            paths = save(ax.figure, args.figure)
        print("figure written to " + ", ".join(str(p) for p in paths))
    return 0
