"""``theory bounds``: every coherence lower bound and line-count upper bound for (dim, n)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bounds",
        help="lower bounds on the coherence of n vectors in R^dim",
        description="Print every lower bound on the coherence (lines) and on the "
        "largest cosine (points) of n unit vectors in R^dim, the best "
        "one, and optionally the Delsarte LP bound on the number of "
        "lines at that coherence.",
    )
    p.add_argument("--dim", type=int, required=True, help="ambient dimension")
    p.add_argument("--n", type=int, required=True, help="number of vectors (features)")
    p.add_argument("--max-order", type=int, default=6, help="largest higher-order Welch bound (default: %(default)s)")
    p.add_argument(
        "--lp", action="store_true", help="also certify the Delsarte LP count bound at the best coherence bound"
    )
    p.add_argument("--json", action="store_true", help="print the bounds as JSON instead of a table")
    p.set_defaults(func=run)


def _bound_dict(b) -> dict:
    return {
        "name": b.name,
        "value": b.value if b.valid else None,
        "valid": b.valid,
        "condition": b.condition,
        "kind": b.kind,
        "quantity": b.quantity,
        "citation": b.citation,
    }


def run(args: argparse.Namespace) -> int:
    from theory.geometry import all_coherence_bounds, coherence_lower_bound, simplex_bound

    bounds = all_coherence_bounds(n=args.n, dim=args.dim, max_order=args.max_order)
    best = coherence_lower_bound(n=args.n, dim=args.dim, max_order=args.max_order)
    sb = simplex_bound(n=args.n, dim=args.dim) if args.n >= 2 else None
    lp = None
    if args.lp and best.valid and best.value < 1 and args.dim >= 2:
        from theory.geometry import delsarte_lp_bound

        lp = delsarte_lp_bound(dim=args.dim, max_cos=best.value, lines=True, max_degree=16)
    if args.json:
        import json

        out = {
            "dim": args.dim,
            "n": args.n,
            "bounds": [_bound_dict(b) for b in bounds],
            "best": _bound_dict(best),
            "points_largest_cosine": None if sb is None else _bound_dict(sb),
            "delsarte_lp": None
            if lp is None
            else {
                "count": lp.count,
                "value": lp.value,
                "degree": lp.degree,
                "rigorous": lp.rigorous,
                "max_cos": best.value,
            },
        }
        print(json.dumps(out, indent=2))
        return 0
    print(f"Lower bounds on the coherence of n={args.n} lines in R^{args.dim}")
    print(f"{'bound':14s} {'value':>12s}  {'valid':5s}  condition")
    for b in bounds:
        val = f"{b.value:.10f}" if b.valid else "-"
        print(f"{b.name:14s} {val:>12s}  {'yes' if b.valid else 'no':5s}  {b.condition}")
    print(f"best: {best.name} = {best.value:.10f}")
    if sb is not None:
        print(f"points (largest signed cosine) >= {sb.value:.10f} ({sb.name})")
    if lp is not None:
        print(lp)
    return 0
