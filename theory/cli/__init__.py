"""The ``theory`` command line.

Subcommands come from two lists: the shared commands in :data:`CORE_COMMANDS` and each area's
commands named in ``theory._areas.AREAS``. Every such module defines ``register(subparsers)``,
which adds its parser and sets ``func`` (a callable taking the parsed ``argparse.Namespace`` and
returning an exit code). A misnamed module is an ``ImportError``. Heavy imports belong inside
``func`` so that ``theory --help`` stays fast.

Errors in user input (``ValueError``, ``TypeError``, ``FileNotFoundError``, :class:`CLIError`)
print one line ``theory: error: ...`` and exit with code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["CORE_COMMANDS", "CLIError", "build_parser", "command_modules", "main"]

#: Commands that belong to no area: the verification spine, figures and proofs.
CORE_COMMANDS: tuple[str, ...] = ("theory.cli.verify", "theory.cli.figures", "theory.cli.prove")


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
    for name in command_modules():
        register = getattr(importlib.import_module(name), "register", None)
        if not callable(register):
            raise TypeError(f"{name} must define register(subparsers)")
        register(sub)
    return parser


def command_modules() -> tuple[str, ...]:
    """The modules that add subcommands: :data:`CORE_COMMANDS`, then each area's, in order."""
    from theory._areas import AREAS

    return CORE_COMMANDS + tuple(m for a in AREAS for m in a.cli)


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
