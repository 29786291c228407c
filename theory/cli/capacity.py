"""``theory capacity``: how many features fit in R^dim at a given interference."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "capacity",
        help="how many features fit in R^dim at |cos| <= max-cos",
        description="Lower bound (with a witness construction) and upper bound "
        "(Delsarte LP, relative bound) on the number of features with "
        "pairwise interference at most --max-cos.",
    )
    p.add_argument("--dim", type=int, required=True, help="ambient dimension")
    p.add_argument("--max-cos", type=float, required=True, help="largest allowed cosine")
    p.add_argument(
        "--points", action="store_true", help="signed cosines (ReLU read-out, spherical codes) instead of |cos|"
    )
    p.add_argument("--no-optimise", action="store_true", help="skip the packing search")
    p.add_argument("--lp-max-degree", type=int, default=20, help="largest Delsarte degree (default: %(default)s)")
    p.add_argument("--save-witness", metavar="PATH", help="save the witness frame (.npy; default: not saved)")
    p.add_argument("--json", action="store_true", help="print the result as JSON instead of text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from theory.geometry import max_features

    c = max_features(
        dim=args.dim,
        max_cos=args.max_cos,
        lines=not args.points,
        optimise=not args.no_optimise,
        lp_max_degree=args.lp_max_degree,
    )
    if args.json:
        import json
        import math

        print(
            json.dumps(
                {
                    "dim": c.dim,
                    "max_cos": c.max_cos,
                    "lines": c.lines,
                    "lower": c.lower,
                    "lower_name": c.lower_name,
                    "upper": None if math.isinf(c.upper) else c.upper,
                    "upper_name": c.upper_name,
                    "upper_rigorous": c.upper_rigorous,
                    "candidates": dict(c.candidates),
                },
                indent=2,
            )
        )
    else:
        print(c)
        print(f"{'candidate':60s} value")
        for name, v in c.candidates.items():
            print(f"{name:60s} {v:g}")
        status = "proven" if c.upper_rigorous else "not proven"
        print(f"upper bound {status}")
    if args.save_witness:
        if c.witness is None:
            why = (
                "it is a probabilistic guarantee"
                if "random" in c.lower_name
                else f"it is too large to hold (build it with {c.lower_name})"
            )
            raise ValueError(f"the lower bound has no stored witness: {why}")
        import numpy as np

        np.save(args.save_witness, c.witness)
        import sys

        print(
            f"witness of shape {c.witness.shape} saved to {args.save_witness}",
            file=sys.stderr if args.json else sys.stdout,
        )
    return 0
