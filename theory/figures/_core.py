"""Figure style and deterministic saving."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from theory._validation import check_bool

__all__ = ["STYLE", "get_ax", "save", "style_context", "use_style"]

#: Path of the shipped matplotlib style sheet.
STYLE = str(Path(__file__).with_name("theory.mplstyle"))

_FORMATS = ("pdf", "svg", "png")


def use_style() -> None:
    """Apply the toolkit's matplotlib style globally.

    Examples
    --------
    >>> use_style()
    """
    plt.style.use(STYLE)


@contextlib.contextmanager
def style_context() -> Iterator[None]:
    """Apply the toolkit's style inside a ``with`` block only."""
    with plt.style.context(STYLE):
        yield


def get_ax(ax: Any = None, **subplot_kw: Any) -> Any:
    """Return ``ax``, or a fresh Axes on a new figure when ``ax`` is None."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(**subplot_kw)
    return ax


def save(fig: Any, path: str | Path, *, formats: Sequence[str] | None = None, close: bool = True) -> list[Path]:
    """Save ``fig`` deterministically: byte-identical output for identical figures.

    Timestamps and software metadata are removed, SVG ids use a fixed salt, and PDF fonts are
    embedded as TrueType (Type 42).

    Parameters
    ----------
    fig : matplotlib Figure
    path : str or Path
        Target file. With a suffix (``.pdf``, ``.svg``, ``.png``) and no ``formats``, that one
        format is written; otherwise one file per format is written next to ``path``'s stem.
    formats : sequence of str, optional
        Any of ``"pdf"``, ``"svg"``, ``"png"``.
    close : bool
        Close the figure after saving.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile, matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.plot([0, 1])
    >>> [p.suffix for p in save(fig, tempfile.mkdtemp() + "/line", formats=["svg", "pdf"])]
    ['.svg', '.pdf']
    """
    if not callable(getattr(fig, "savefig", None)):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    close = check_bool(close, "close")
    path = Path(path)
    if formats is None:
        suffix = path.suffix.lstrip(".").lower()
        formats = (suffix,) if suffix else ("pdf", "png")
    elif isinstance(formats, (str, bytes)) or not isinstance(formats, Iterable):
        raise TypeError(f"formats must be a sequence of str, got {type(formats).__name__}")
    formats = tuple(formats)
    bad = [f for f in formats if f not in _FORMATS]
    if bad:
        raise ValueError(f"formats must be among {_FORMATS}, got {bad}")
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.with_suffix("") if path.suffix.lstrip(".").lower() in _FORMATS else path
    written = []
    meta = {
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
        "svg": {"Date": None, "Creator": None},
        "png": {"Software": None},
    }
    with plt.rc_context({"svg.hashsalt": "superposition-theory", "pdf.fonttype": 42}):
        for fmt in formats:
            target = stem.with_name(stem.name + "." + fmt)
            fig.savefig(target, format=fmt, metadata=meta[fmt])
            written.append(target)
    if close:
        plt.close(fig)
    return written
