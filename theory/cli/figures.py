"""``theory figures``: draw the toolkit's standard figures into a folder.

Two kinds of figure are listed and drawn: the recipes of each area's figure module
(``FIGURES``: name -> ``(quick) -> Figure``, computed from the pillars) and, for each registered
claim that names a figure, the figure of its verdicts (``verify.<key>``: the claim is checked
first, then its verdicts are drawn).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def recipes() -> dict[str, Callable[[bool], Any]]:
    """All figure recipes by name (``area.name``, and ``verify.<key>`` for claims' verdict figures)."""
    from theory import figures
    from theory.verify import registry

    found = figures.recipes()
    drawers = figures.verdict_figures()
    for claim in registry().values():
        if isinstance(claim.figure, str):
            if claim.figure not in drawers:
                raise ValueError(
                    f"claim {claim.id} names figure {claim.figure!r}, which no figure "
                    f"module defines; known: {sorted(drawers)}"
                )
            found[f"verify.{claim.figure}"] = _verdict_recipe(claim.id, drawers[claim.figure])
    return dict(sorted(found.items()))


def _verdict_recipe(claim_id: str, draw: Callable[..., Any]) -> Callable[[bool], Any]:
    def recipe(quick: bool) -> Any:
        from theory.verify import verify_all

        report = verify_all(quick=quick, claims=[claim_id], figures=False)
        return draw([v for v in report.verdicts if v.status != "error"]).figure

    return recipe


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "figures",
        help="draw the standard figures",
        description="Draw the toolkit's standard figures (all, or the named ones) as PDF and PNG into a folder.",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="figures to draw (default: all); see --list")
    p.add_argument("--out", default="figures", metavar="DIR", help="output folder (default: %(default)s)")
    p.add_argument("--quick", action="store_true", help="smaller computations behind each figure")
    p.add_argument(
        "--format",
        action="append",
        dest="formats",
        choices=["pdf", "svg", "png"],
        help="output format (repeatable; default pdf and png)",
    )
    p.add_argument("--list", action="store_true", help="list the figures and exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from theory import figures

    available = recipes()
    if args.list:
        print("\n".join(available))
        return 0
    names = args.names or list(available)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ValueError(f"unknown figure(s) {unknown}; available: {list(available)}")
    out = Path(args.out)
    for name in names:
        with figures.style_context():
            fig = available[name](args.quick)
            paths = figures.save(fig, out / name.replace(".", "_"), formats=args.formats or ("pdf", "png"))
        print(f"{name}: " + ", ".join(str(p) for p in paths))
    return 0
