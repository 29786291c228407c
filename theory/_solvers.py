"""Solver handles shared by the pillars, created quiet (nothing on the user's stdout)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["new_highs", "silenced_stdout"]

_BANNER_SHOWN = False


@contextlib.contextmanager
def silenced_stdout() -> Iterator[None]:
    """Send what native code writes to file descriptor 1 to ``/dev/null`` inside the block.

    Native libraries write to descriptor 1 whatever Python's ``sys.stdout`` is, so descriptor 1
    itself is redirected; ``sys.stdout`` is flushed first, so nothing printed before is lost. When
    descriptor 1 cannot be duplicated, the block runs unchanged.
    """
    try:
        sys.stdout.flush()
    except (AttributeError, OSError, ValueError):
        pass
    try:
        saved = os.dup(1)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            try:
                yield
            finally:
                os.dup2(saved, 1)
    finally:
        os.close(saved)


def new_highs() -> Any:
    """A ``highspy.Highs`` instance with logging off.

    HiGHS prints a copyright banner on stdout when the first instance in a process is made; that
    construction runs with stdout silenced so the toolkit's tables stay the program's own
    output.

    Examples
    --------
    >>> type(new_highs()).__name__
    'Highs'
    """
    import highspy

    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        h = highspy.Highs()
    else:
        with silenced_stdout():
            h = highspy.Highs()
        _BANNER_SHOWN = True
    h.setOptionValue("output_flag", False)
    return h
