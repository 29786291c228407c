"""``theory verify``: check the registered claims and write the report."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="check the registered claims against simulation",
                       description="Check every registered claim (or the chosen ones) against "
                                   "simulation; print a table and write report.md, report.json "
                                   "and figures.")
    p.add_argument("--quick", action="store_true", help="small parameter sets (under a minute)")
    p.add_argument("--claim", action="extend", nargs="+", metavar="ID", dest="claims",
                   help="check only these claims (--claim a b, or repeated); see --list")
    p.add_argument("--tag", action="extend", nargs="+", metavar="TAG", dest="tags",
                   help="only claims with this tag (repeatable; unknown tags are refused, see --list)")
    p.add_argument("--out", default="theory-report", metavar="DIR", help="report folder (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    p.add_argument("--no-figures", action="store_true", help="skip figures")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--list", action="store_true", help="list the claims and exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from theory.verify import registry, verify_all
    from theory.verify.report import known_tags

    if args.list:
        for cid, claim in registry().items():
            kind = "deterministic" if claim.deterministic else "probabilistic"
            print(f"{cid:40s} {kind:13s} {claim.statement[:90]}")
        print(f"tags: {', '.join(known_tags())}")
        return 0
    if args.seed < 0:
        raise ValueError(f"--seed must be a non-negative integer, got {args.seed}")
    report = verify_all(quick=args.quick, claims=args.claims, tags=args.tags, rng=args.seed,
                        progress=not args.no_progress, out=args.out, figures=not args.no_figures)
    print(report.table())
    print(f"report written to {args.out}/report.md and {args.out}/report.json")
    return 0 if report.ok else 1
