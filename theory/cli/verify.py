"""``theory verify``: check the registered claims (and your own) and write the report."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help="check the registered claims against simulation",
        description="Check every registered claim (or the chosen ones) against "
        "simulation; print a table and write report.md, report.json "
        "and figures. Claims come from the toolkit, from installed "
        "packages (entry-point group superposition_theory.claims) and "
        "from --module.",
    )
    p.add_argument("--quick", action="store_true", help="small parameter sets and fewer trials")
    p.add_argument(
        "--claim",
        action="extend",
        nargs="+",
        metavar="ID",
        dest="claims",
        help="check only these claims (--claim a b, or repeated); see --list",
    )
    p.add_argument(
        "--tag",
        action="extend",
        nargs="+",
        metavar="TAG",
        dest="tags",
        help="only claims with this tag (repeatable; unknown tags are refused, see --list)",
    )
    p.add_argument(
        "--module",
        action="append",
        metavar="MODULE",
        dest="modules",
        default=[],
        help="also check the claims returned by claims() in this .py file or dotted module "
        "(repeatable; default: none); their ids must not collide with others",
    )
    p.add_argument(
        "--no-plugins",
        action="store_true",
        help="leave out claims from installed packages (entry-point group superposition_theory.claims)",
    )
    p.add_argument("--out", default="theory-report", metavar="DIR", help="report folder (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    p.add_argument("--no-figures", action="store_true", help="skip figures")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--list", action="store_true", help="list the claims with their tags and exit")
    p.set_defaults(func=run)


def _command(args: argparse.Namespace) -> list[str]:
    """The command line, rebuilt from the parsed arguments (recorded in the report)."""
    argv = ["theory", "verify"]
    if args.quick:
        argv.append("--quick")
    for m in args.modules:
        argv += ["--module", m]
    if args.no_plugins:
        argv.append("--no-plugins")
    if args.claims:
        argv += ["--claim", *args.claims]
    if args.tags:
        argv += ["--tag", *args.tags]
    argv += ["--seed", str(args.seed), "--out", str(args.out)]
    if args.no_figures:
        argv.append("--no-figures")
    return argv


def run(args: argparse.Namespace) -> int:
    from theory.cli import CLIError
    from theory.verify import claim_pool, load_claims, verify_all
    from theory.verify.report import known_tags

    extra = []
    for m in args.modules:
        try:
            extra += load_claims(m)
        except ImportError as exc:
            raise CLIError(f"--module {m}: {type(exc).__name__}: {exc}") from exc
    if args.list:
        # an id colliding with a built-in or plugin claim is a ValueError
        pool = claim_pool(extra_claims=extra, plugins=not args.no_plugins)
        for cid, claim in pool.items():
            kind = "deterministic" if claim.deterministic else "probabilistic"
            tags = ",".join(claim.tags) or "-"
            print(f"{cid:40s} {kind:13s} [{tags}] {claim.statement[:80]}")
        print(f"tags: {', '.join(known_tags(pool.values()))}")
        return 0
    if args.seed < 0:
        raise ValueError(f"--seed must be a non-negative integer, got {args.seed}")
    report = verify_all(
        quick=args.quick,
        claims=args.claims,
        tags=args.tags,
        rng=args.seed,
        progress=not args.no_progress,
        out=args.out,
        figures=not args.no_figures,
        extra_claims=extra,
        plugins=not args.no_plugins,
        argv=_command(args),
    )
    print(report.table())
    print(f"report written to {args.out}/report.md and {args.out}/report.json")
    return 0 if report.ok else 1
