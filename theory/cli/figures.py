"""``theory figures``: draw the toolkit's standard figures into a folder.

Each area's figure module (``theory.figures.<area>``) may define ``FIGURES``: a dict mapping a
figure name to a callable ``(quick: bool) -> matplotlib Figure``. This command lists and draws
them with the shipped style and saves them deterministically.
"""

from __future__ import annotations

import argparse


def recipes() -> dict[str, object]:
    """All figure recipes by name (``area.name``)."""
    from theory.figures import figure_modules

    found: dict[str, object] = {}
    for mod in figure_modules():
        area = mod.__name__.rsplit(".", 1)[1]
        for name, fn in getattr(mod, "FIGURES", {}).items():
            found[f"{area}.{name}"] = fn
    return dict(sorted(found.items()))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("figures", help="draw the standard figures",
                       description="Draw the toolkit's standard figures (all, or the named ones) "
                                   "as PDF and PNG into a folder.")
    p.add_argument("names", nargs="*", metavar="NAME", help="figures to draw (default: all); see --list")
    p.add_argument("--out", default="figures", metavar="DIR", help="output folder (default: %(default)s)")
    p.add_argument("--quick", action="store_true", help="smaller computations behind each figure")
    p.add_argument("--format", action="append", dest="formats", choices=["pdf", "svg", "png"],
                   help="output format (repeatable; default pdf and png)")
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
            fig = available[name](args.quick)  # type: ignore[operator]
            paths = figures.save(fig, out / name.replace(".", "_"), formats=args.formats or ("pdf", "png"))
        print(f"{name}: " + ", ".join(str(p) for p in paths))
    return 0
