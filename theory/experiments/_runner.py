"""One :class:`theory.sweep.Runner` from an experiment's ``runner=`` or its older loose keywords."""

from __future__ import annotations

from typing import Any

from theory._validation import check_bool
from theory.sweep import Runner

__all__ = ["as_runner"]


def as_runner(runner: Any = None, *, executor: Any = None, store: Any = None, progress: bool = False) -> Runner:
    """The :class:`~theory.sweep.Runner` an experiment hands to its sweeps.

    ``runner`` if given; otherwise ``Runner(executor=executor, store=store, progress=progress)``.
    The loose keywords are kept for one release. ``progress`` is a bool (``None`` is refused, as
    for every boolean of the toolkit), so ``progress=False`` counts as not given.

    Parameters
    ----------
    runner : Runner, optional
        Where and how the sweeps run.
    executor, store, progress
        The older loose keywords (see :class:`~theory.sweep.Runner`); ``runner`` together with
        ``executor``, ``store`` or ``progress=True`` is a ``TypeError``.

    Returns
    -------
    Runner

    Examples
    --------
    >>> as_runner(executor="serial")
    Runner(executor='serial', store=None, progress=False)
    >>> as_runner(Runner(), progress=True)
    Traceback (most recent call last):
    ...
    TypeError: give runner= or progress=, not both (the runner holds the executor, the store and the progress setting)
    """
    progress = check_bool(progress, "progress")
    if runner is not None:
        if not isinstance(runner, Runner):
            raise TypeError(f"runner must be a theory.sweep.Runner or None, got {type(runner).__name__}")
        given = [
            n for n, v in (("executor", executor), ("store", store), ("progress", progress or None)) if v is not None
        ]
        if given:
            raise TypeError(
                f"give runner= or {', '.join(g + '=' for g in given)}, not both (the runner holds the executor, "
                "the store and the progress setting)"
            )
        return runner
    return Runner(executor=executor, store=store, progress=progress)
