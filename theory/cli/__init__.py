"""The ``theory`` command line.

Subcommands come from two lists: the shared commands in :data:`CORE_COMMANDS` and each area's
commands named in ``theory._areas.AREAS``. Every such module defines ``register(subparsers)``,
which adds its parser and sets ``func`` (a callable taking the parsed ``argparse.Namespace`` and
returning an exit code). A misnamed module is an ``ImportError``. Heavy imports belong inside
``func`` so that ``theory --help`` stays fast.

Errors in user input (``ValueError``, ``FileNotFoundError``, :class:`CLIError`), unreadable or
unwritable files (``OSError``) and a missing optional package print one line
``theory: error: ...`` and exit with code 2. Anything else (a ``TypeError`` or ``KeyError`` from
inside the library) is a bug and shows its traceback. The toolkit's own warnings
(:class:`theory.TheoryWarning` and :class:`theory.TheoryDeprecationWarning`) print as one line
``theory: warning: ...``, without the library source line Python would show.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence
from typing import Any

__all__ = ["CORE_COMMANDS", "CLIError", "build_parser", "command_modules", "main"]

#: Optional packages and the extra that installs each (a missing one is reported in one line).
OPTIONAL_EXTRAS: dict[str, str] = {
    "safetensors": "io",
    "distributed": "distributed",
    "dask": "distributed",
    "torch": "bench",
    "hypothesis": "strategies",
}

#: Commands that belong to no area: the verification spine, figures and proofs.
CORE_COMMANDS: tuple[str, ...] = ("theory.cli.verify", "theory.cli.figures", "theory.cli.prove", "theory.cli.reproduce")


class CLIError(Exception):
    """An error to report to the user as one line (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every discovered subcommand."""
    from theory import __version__

    parser = argparse.ArgumentParser(
        prog="theory",
        description="superposition-theory: derive, bound, construct and check the mathematics of superposition.",
    )
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


_python_showwarning = warnings.showwarning


def _show_warning(
    message: Warning | str, category: type[Warning], filename: str, lineno: int, file: Any = None, line: Any = None
) -> None:
    """The toolkit's warnings as ``theory: warning: ...`` on stderr; any other as Python shows it."""
    from theory._warnings import TheoryDeprecationWarning, TheoryWarning

    if issubclass(category, (TheoryWarning, TheoryDeprecationWarning)):
        print(f"theory: warning: {message}", file=sys.stderr if file is None else file)
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return int(args.func(args) or 0)
    except ModuleNotFoundError as exc:
        extra = OPTIONAL_EXTRAS.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        print(
            f"theory: error: this needs the optional package {exc.name!r}; install it with "
            f"pip install 'superposition-theory[{extra}]'",
            file=sys.stderr,
        )
        return 2
    except (CLIError, ValueError, FileNotFoundError) as exc:
        print(f"theory: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (e.g. `theory ... | head`): stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:  # an unreadable input or an unwritable output (permissions, a file in the way, a full disk)
        where = f": {exc.filename}" if exc.filename else ""
        print(f"theory: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("theory: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
