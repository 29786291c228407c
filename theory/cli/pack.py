"""``theory pack``: numerically pack n lines (or points) in R^dim."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pack", help="optimise n lines/points in R^dim for small interference",
                       description="Alternating projection + smooth-max descent + sequential "
                                   "linear programming, with restarts; prints the result and the "
                                   "gap to the best lower bound.")
    p.add_argument("--dim", type=int, required=True, help="ambient dimension")
    p.add_argument("--n", type=int, required=True, help="number of vectors")
    p.add_argument("--points", action="store_true", help="spherical code (signed cosines)")
    p.add_argument("--restarts", type=int, default=8, help="random starts (default: %(default)s)")
    p.add_argument("--time-limit", type=float, default=None,
                   help="seconds for the whole run (it ends at --restarts or this, whichever comes first)")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--out", metavar="PATH", help="save the frame (.npy)")
    p.add_argument("--figure", metavar="PATH", help="save a figure of the Gram matrix (pdf/svg/png)")
    p.add_argument("--quiet", action="store_true", help="no per-restart progress")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from theory.geometry import pack

    if args.seed < 0:
        raise ValueError(f"--seed must be a non-negative integer, got {args.seed}")
    P = pack(dim=args.dim, n=args.n, lines=not args.points, rng=args.seed, restarts=args.restarts,
             time_limit=args.time_limit, progress=not args.quiet)
    what = "coherence" if P.lines else "max cosine"
    print(f"{'dim':>4s} {'n':>4s} {what:>14s} {'bound':>14s} {'bound name':>12s} {'gap':>10s} "
          f"{'restarts':>8s} {'seconds':>8s}")
    print(f"{P.dim:4d} {P.n:4d} {P.value:14.10f} {P.bound.value:14.10f} {P.bound.name:>12s} "
          f"{P.gap:10.2e} {P.restarts:8d} {P.seconds:8.2f}")
    if args.out:
        np.save(args.out, P.frame)
        print(f"frame saved to {args.out}")
    if args.figure:
        from theory.figures import save
        from theory.figures.geometry import plot_gram

        ax = plot_gram(P.frame)
        save(ax.figure, args.figure)
        print(f"figure saved to {args.figure}")
    return 0
