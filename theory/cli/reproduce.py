"""``theory reproduce``: rerun a published result by name (resumable)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reproduce",
        help="rerun a published result by name (resumable)",
        description="Rerun the named reproductions (see --list). Each finished cell is saved "
        "in OUT/NAME.sqlite as it completes, so an interrupted run resumes when "
        "rerun with the same --out; the summary goes to OUT/NAME.json.",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="reproductions to run (default: none; see --list)")
    p.add_argument("--list", action="store_true", help="list the reproductions and exit")
    p.add_argument("--quick", action="store_true", help="a reduced grid showing the same effect")
    p.add_argument(
        "--out",
        default="theory-reproductions",
        metavar="DIR",
        help="folder for the stores and summaries (default: %(default)s)",
    )
    p.add_argument(
        "--workers", type=int, default=1, help="worker processes for the cells (default: %(default)s, this process)"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from theory.cli import CLIError
    from theory.experiments.reproductions import REPRODUCTIONS, reproduce
    from theory.sweep import Runner

    if args.list or not args.names:
        for r in REPRODUCTIONS.values():
            print(f"{r.name:24s} {r.summary}")
            print(f"{'':24s} source: {r.source[:100]}; results: docs/{r.docs}")
        if not args.list:
            print("give one or more NAMEs to run (theory reproduce NAME [--quick])")
        return 0
    unknown = [n for n in args.names if n not in REPRODUCTIONS]
    if unknown:
        raise CLIError(f"unknown reproduction(s) {unknown}; see theory reproduce --list")
    if args.workers < 1:
        raise CLIError(f"--workers must be >= 1, got {args.workers}")
    import json

    from theory._io import atomic_write
    from theory._json import to_json
    from theory._provenance import provenance

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    executor = None
    if args.workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(args.workers)
    try:
        for name in args.names:
            suffix = "_quick" if args.quick else ""
            runner = Runner(executor=executor, store=out / f"{name}{suffix}.sqlite", progress=not args.no_progress)
            result = reproduce(name, quick=args.quick, runner=runner)
            summary = {
                "reproduction": name,
                "quick": args.quick,
                "result": result.to_dict(),
                "provenance": provenance(argv=["theory", "reproduce", name] + (["--quick"] * args.quick)),
            }
            target = out / f"{name}{suffix}.json"
            atomic_write(target, json.dumps(to_json(summary), indent=1).encode())
            print(result)
            print(f"summary written to {target}")
    finally:
        if executor is not None:
            executor.shutdown()
    return 0
