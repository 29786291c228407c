"""Where a result came from: package versions, the git commit, the machine, the command line."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["DEPENDENCIES", "provenance", "show_versions"]

#: Distributions whose versions every report records.
DEPENDENCIES: tuple[str, ...] = (
    "numpy",
    "scipy",
    "cvxpy",
    "highspy",
    "sympy",
    "clarabel",
    "scs",
    "matplotlib",
    "scikit-learn",
    "safetensors",
    "dask",
)


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    """The commit of the source tree the package runs from, when it is a git checkout."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False
        )
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    commit = out.stdout.strip()
    return commit + ("+dirty" if dirty.returncode == 0 and dirty.stdout.strip() else "")


def provenance(*, seed: int | None = None, argv: list[str] | None = None) -> dict[str, Any]:
    """A JSON-ready record of what produced a result.

    Parameters
    ----------
    seed : int, optional
        The seed of the run, recorded as given.
    argv : list of str, optional
        The command line; defaults to ``sys.argv``.

    Returns
    -------
    dict
        ``package`` (name and version), ``git_commit`` (None outside a git checkout; ``+dirty``
        when tracked files differ from it), ``dependencies`` (distribution -> version or None),
        ``python``, ``platform``, ``machine`` (processor, architecture, cores), ``date`` (UTC,
        ISO 8601), ``seed``, ``command``.

    Examples
    --------
    >>> p = provenance(seed=0, argv=["theory", "verify", "--quick"])
    >>> p["package"]["name"], p["seed"], p["command"]
    ('superposition-theory', 0, 'theory verify --quick')
    >>> sorted(p["dependencies"])[:3]
    ['clarabel', 'cvxpy', 'dask']
    """
    from theory import __version__

    args = sys.argv if argv is None else argv
    return {
        "package": {"name": "superposition-theory", "version": __version__},
        "git_commit": _git_commit(),
        "dependencies": {d: _version(d) for d in DEPENDENCIES},
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": {
            "processor": platform.processor() or platform.machine(),
            "architecture": platform.machine(),
            "cores": os.cpu_count(),
        },
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "command": " ".join(str(a) for a in args),
    }


def show_versions(file: Any = None) -> None:
    """Print the package version, the git commit, the dependencies' versions and the machine.

    Paste its output into a bug report.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> show_versions(file=buf)
    >>> buf.getvalue().splitlines()[0].startswith("superposition-theory ")
    True
    """
    if file is not None and not callable(getattr(file, "write", None)):
        raise TypeError(f"file must be a writable text stream (with .write) or None, got {type(file).__name__}")
    p = provenance(seed=None, argv=[])
    out = sys.stdout if file is None else file
    lines = [
        f"superposition-theory {p['package']['version']}",
        f"git commit: {p['git_commit'] or 'not a git checkout'}",
        f"python: {p['python']}",
        f"platform: {p['platform']}",
        f"machine: {p['machine']['processor']}, {p['machine']['cores']} cores",
        "dependencies:",
    ]
    lines += [f"  {d}: {v or 'not installed'}" for d, v in p["dependencies"].items()]
    print("\n".join(lines), file=out)
