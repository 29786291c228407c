"""What a benchmark run records about where it ran: machine, worker count and load average.

The scripts store it in their JSON (``"machine"``) and append :func:`machine_line` to their
Markdown; the library's result objects never record the machine (measurements of a run belong to
the run's results files and the docs' results pages).
"""

from __future__ import annotations

import os
import platform
from typing import Any

import numpy as np


def machine(*, workers: int | None = None, load_start: list[float] | None = None) -> dict[str, Any]:
    """Processor, CPUs, versions, workers and the 1/5/15-minute load average at start and now."""
    out: dict[str, Any] = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    if workers is not None:
        out["workers"] = workers
    if load_start is not None:
        out["loadavg_start"] = load_start
    out["loadavg_end"] = list(os.getloadavg())
    return out


def machine_line(m: dict[str, Any]) -> str:
    """One Markdown line naming the machine and its load during the run."""
    text = f"Machine: {m.get('processor')}, {m.get('cpu_count', m.get('cpus'))} CPUs"
    if m.get("workers") is not None:
        text += f", workers: {m['workers']}"
    if "loadavg_start" in m:
        text += f"; load average {m['loadavg_start'][0]:.1f} at start, {m['loadavg_end'][0]:.1f} at end"
    elif "loadavg_end" in m:
        text += f"; load average {m['loadavg_end'][0]:.1f} at end"
    return text + "."
