"""The ``theory`` command line.

Subcommands are discovered: every module ``theory/cli/<name>.py`` (not starting with ``_``)
defines ``register(subparsers)``, which adds its parser and sets ``func`` (a callable taking the
parsed ``argparse.Namespace`` and returning an exit code). Heavy imports belong inside ``func``
so that ``theory --help`` stays fast.

Errors in user input (``ValueError``, ``TypeError``, ``FileNotFoundError``, :class:`CLIError`)
print one line ``theory: error: ...`` and exit with code 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

__all__ = ["CLIError", "build_parser", "main"]


class CLIError(Exception):
    """An error to report to the user as one line (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every discovered subcommand."""
    from theory import __version__

    parser = argparse.ArgumentParser(
        prog="theory",
        description="superposition-theory: derive, bound, construct and check the mathematics "
                    "of superposition.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (CLIError, ValueError, TypeError, FileNotFoundError, KeyError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"theory: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("theory: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
