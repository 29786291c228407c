"""``theory pack``: numerically pack n lines (or points) in R^dim."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pack",
        help="optimise n lines/points in R^dim for small interference",
        description="Alternating projection + smooth-max descent + sequential "
        "linear programming, with restarts until the best lower bound "
        "(or a proven optimum) is reached or the time is up; prints the "
        "result, the gap to the bound, the comparison with the best known "
        "packing when there is one, and whether the search succeeded.",
    )
    p.add_argument("--dim", type=int, required=True, help="ambient dimension")
    p.add_argument("--n", type=int, required=True, help="number of vectors")
    p.add_argument("--points", action="store_true", help="spherical code (signed cosines)")
    p.add_argument(
        "--restarts",
        type=int,
        default=None,
        help="cap on the number of restarts (default: none, the time limit decides); "
        "with a cap and no --time-limit the run is reproducible",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds for the whole run (default: min(30, max(5, 0.2*dim*n)) s when "
        "--restarts is not given, else none); the run stops earlier when it reaches "
        "the best lower bound or a proven optimum",
    )
    p.add_argument(
        "--starts",
        metavar="KINDS",
        default=None,
        help="comma-separated kinds of start taken in turn: random, perturbation, orbit, warm "
        "(default: the solver's schedule)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    p.add_argument("--out", metavar="PATH", help="save the frame (.npy)")
    p.add_argument("--figure", metavar="PATH", help="save a figure of the Gram matrix (pdf/svg/png)")
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (value, bound, gap, best_known, success, message, "
        "restarts, seconds, ...) instead of the table",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar (on stderr)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    import numpy as np

    from theory.geometry import PackOptions, pack

    if args.seed < 0:
        raise ValueError(f"--seed must be a non-negative integer, got {args.seed}")
    P = pack(
        dim=args.dim,
        n=args.n,
        lines=not args.points,
        rng=args.seed,
        restarts=args.restarts,
        time_limit=args.time_limit,
        starts=None if args.starts is None else [k.strip() for k in args.starts.split(",")],
        options=PackOptions(progress=not args.quiet),
    )
    if args.out:
        np.save(args.out, P.frame)
    if args.figure:
        from theory.figures import save
        from theory.figures.geometry import plot_gram

        ax = plot_gram(P.frame)
        save(ax.figure, args.figure)
    if args.json:
        print(
            json.dumps(
                {
                    "dim": P.dim,
                    "n": P.n,
                    "lines": P.lines,
                    "seed": args.seed,
                    "value": P.value,
                    "bound": P.bound.value,
                    "bound_name": P.bound.name,
                    "gap": P.gap,
                    "best_known": P.best_known,
                    "best_known_source": P.best_known_source,
                    "success": P.success,
                    "message": P.message,
                    "stopped": P.stopped,
                    "reproducible": P.reproducible,
                    "restarts": P.restarts,
                    "start_kinds": P.start_kinds,
                    "seconds": P.seconds,
                    "seconds_to_best": P.seconds_to_best,
                    "out": args.out,
                    "figure": args.figure,
                },
                indent=1,
            )
        )
        return 0
    what = "coherence" if P.lines else "max cosine"
    print(
        f"{'dim':>4s} {'n':>4s} {what:>14s} {'bound':>14s} {'bound name':>12s} {'gap':>10s} "
        f"{'best known':>14s} {'restarts':>8s} {'seconds':>8s}"
    )
    known = f"{P.best_known:14.10f}" if P.best_known is not None else f"{'-':>14s}"
    print(
        f"{P.dim:4d} {P.n:4d} {P.value:14.10f} {P.bound.value:14.10f} {P.bound.name:>12s} "
        f"{P.gap:10.2e} {known} {P.restarts:8d} {P.seconds:8.2f}"
    )
    print(f"success: {'yes' if P.success else 'no'}: {P.message}")
    if P.best_known_source:
        print(f"best known: {P.best_known_source}")
    if not P.reproducible:
        print(
            "the time limit cut the run short: another machine or load may give another frame "
            "(give --restarts without --time-limit for a reproducible run)"
        )
    if args.out:
        print(f"frame saved to {args.out}")
    if args.figure:
        print(f"figure saved to {args.figure}")
    return 0
