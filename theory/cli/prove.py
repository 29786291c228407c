"""``theory prove``: run the symbolic derivations in ``theory/proofs/``."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "prove",
        help="run the symbolic derivations (sympy)",
        description="Run every derivation in theory/proofs/ (or the named ones), print "
        "each checked step, optionally write LaTeX.",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="derivations to run (default: all)")
    p.add_argument("--latex", metavar="DIR", help="also write NAME.tex files here")
    p.add_argument("--list", action="store_true", help="list the derivations and exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from theory import proofs

    if args.list:
        print("\n".join(proofs.available()))
        return 0
    names = args.names or proofs.available()
    failed = []
    for name in names:
        d = proofs.run(name)
        print(d.to_text(), end="\n\n")
        if args.latex:
            out = Path(args.latex)
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{name}.tex").write_text(d.to_latex(), encoding="utf-8")
        if not d.verified:
            failed.append(name)
    print(
        f"{len(names) - len(failed)} of {len(names)} derivations verified"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0
