"""One :class:`theory.sweep.Runner` from an experiment's ``runner=`` or its deprecated loose keywords."""

from __future__ import annotations

import warnings
from typing import Any

from theory._validation import check_bool
from theory._warnings import TheoryDeprecationWarning
from theory.sweep import Runner

__all__ = ["as_runner"]


def as_runner(
    runner: Any = None,
    *,
    executor: Any = None,
    store: Any = None,
    progress: bool = False,
    caller: str = "as_runner",
    stacklevel: int = 3,
) -> Runner:
    """The :class:`~theory.sweep.Runner` an experiment hands to its sweeps.

    ``runner`` if given; otherwise ``Runner(executor=executor, store=store, progress=progress)``,
    with a :class:`~theory._warnings.TheoryDeprecationWarning` naming ``caller`` when a loose
    keyword is not its default. ``progress`` is a bool (``None`` is refused, as for every boolean
    of the toolkit), so ``progress=False`` counts as not given.

    Parameters
    ----------
    runner : Runner, optional
        Where and how the sweeps run.
    executor, store, progress
        The deprecated loose keywords (see :class:`~theory.sweep.Runner`); ``runner`` together with
        ``executor``, ``store`` or ``progress=True`` is a ``TypeError``.
    caller : str
        The experiment's name, for the warning.
    stacklevel : int
        For :func:`warnings.warn`, counted from here: 3 points at the caller of ``caller``.

    Returns
    -------
    Runner

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     as_runner(executor="serial", caller="sloane_grid")
    Runner(executor='serial', store=None, progress=False)
    >>> str(caught[0].message).split(";")[0]
    'sloane_grid(executor=...) is deprecated and will be removed in the next release'
    >>> as_runner(Runner(), progress=True)
    Traceback (most recent call last):
    ...
    TypeError: give runner= or progress=, not both (the runner holds the executor, the store and the progress setting)
    """
    progress = check_bool(progress, "progress")
    given = [n for n, v in (("executor", executor), ("store", store), ("progress", progress or None)) if v is not None]
    if runner is not None:
        if not isinstance(runner, Runner):
            raise TypeError(f"runner must be a theory.sweep.Runner or None, got {type(runner).__name__}")
        if given:
            raise TypeError(
                f"give runner= or {', '.join(g + '=' for g in given)}, not both (the runner holds the executor, "
                "the store and the progress setting)"
            )
        return runner
    out = Runner(executor=executor, store=store, progress=progress)  # a bad value is refused before the warning
    if given:
        kw = ", ".join(f"{g}=..." for g in given)
        warnings.warn(
            f"{caller}({kw}) is deprecated and will be removed in the next release; pass runner=Runner({kw})",
            TheoryDeprecationWarning,
            stacklevel=stacklevel,
        )
    return out
