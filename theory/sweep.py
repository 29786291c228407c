r"""Parameter sweeps on any executor, persisted cell by cell and resumable.

``sweep(fn, grid)`` calls ``fn(params, rng)`` once per *cell* of a parameter grid and returns a
:class:`SweepResult` in grid order. The design:

Determinism
    Each cell gets its own generator,

    .. math::

        \mathrm{rng}_{\text{cell}} = \texttt{default\_rng}\big(\texttt{SeedSequence}(
        \text{seed},\ \text{spawn\_key} = (h(\text{cell}),))\big),
        \qquad h(\text{cell}) = \mathrm{int}\big(\mathrm{SHA256}(\text{canonical JSON of
        the cell's parameters})\big),

    where the canonical JSON sorts keys and writes floats with their shortest round-trip
    representation. A cell's random numbers therefore depend only on the sweep seed and on the
    cell itself: not on the executor, the number of workers, the order in which cells finish, or
    which other cells are in the grid. :func:`cell_rng` rebuilds one cell's generator for
    debugging. Values are converted to JSON in the worker and decoded in the parent, so a value
    computed now and a value loaded from a store are the same Python object (tuples become lists,
    NumPy scalars and arrays become Python numbers and lists).

Persistence
    Finished cells are written to a :class:`ResultStore` (SQLite in WAL mode) by the parent
    process only, one transaction per cell, as soon as each future completes. Rows are keyed
    by *(sweep key, canonical parameters)*; the sweep key names ``fn`` (module and qualified
    name; for a script run as ``__main__``, the script's module name) and the seed, so several
    sweeps can share one file without mixing. Values are JSON text (never pickles); each row
    also records the cell's compute time and a UTC timestamp, which never enter the returned
    values.

Resume
    Rerunning the same sweep on the same store loads the finished cells and computes only the
    missing ones, so a sweep killed at any point (even by ``SIGKILL``) loses no finished cell
    and its rerun returns exactly what an uninterrupted run returns. Changing the grid reuses the
    cells the old and new grids share. The key identifies ``fn`` by name, not by its code: after
    editing ``fn``, use a new seed or a new store file.

Errors
    If ``fn`` raises (or returns something JSON cannot hold), the sweep cancels the cells that
    have not started, waits for the running ones, records every cell that finished successfully
    and re-raises the first exception, with a note naming the failing cell. Fix the problem and
    rerun: finished cells are not recomputed.

Non-finite floats
    JSON cannot hold NaN or infinity. Rather than storing them in a non-standard encoding, a
    value containing NaN or infinity is refused with a ``ValueError`` naming the cell and where
    in the value it occurs; return ``None`` (or a string) for an undefined result instead.
"""

from __future__ import annotations

import concurrent.futures as cf
import copy
import dataclasses
import hashlib
import itertools
import json
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, overload

import numpy as np

from theory._json import to_json
from theory._validation import check_real

__all__ = ["ResultStore", "Runner", "SweepResult", "cell_rng", "sweep"]

_TABLE = "theory_sweep_cells"
_SCHEMA_VERSION = "1"


# --------------------------------------------------------------------------- JSON and keys


def _jsonable(obj: Any, where: str) -> Any:
    """Return ``obj`` as plain JSON data (dict/list/str/int/float/bool/None), or raise."""
    return to_json(obj, strict=True, where=where)


def _canonical(obj: Any) -> str:
    """Canonical JSON text of plain JSON data: sorted keys, no spaces, shortest float repr."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _spawn_key(canonical: str) -> tuple[int]:
    return (int.from_bytes(hashlib.sha256(canonical.encode("utf-8")).digest(), "big"),)


def _sweep_seed(rng: Any) -> int:
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63))
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, (int, np.integer)):
        raise TypeError(
            "rng must be a non-negative int seed or a numpy.random.Generator (from "
            f"which one seed is drawn), got {rng!r} of type {type(rng).__name__}"
        )
    if int(rng) < 0:
        raise ValueError(f"rng must be a non-negative int seed, got {int(rng)}")
    return int(rng)


def _fn_id(fn: Any) -> str:
    if not callable(fn):
        raise TypeError(f"fn must be a callable fn(params, rng), got {fn!r} of type {type(fn).__name__}")
    module = getattr(fn, "__module__", None)
    qualname = getattr(fn, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str):
        raise TypeError(
            "fn must be a module-level function (its module and qualified name identify "
            f"the sweep in the store), got {fn!r} of type {type(fn).__name__}"
        )
    if module == "__main__":
        # A script run as ``python exp.py`` or ``python -m pkg.exp`` names its functions
        # ``__main__.f``; key them by the module's real name so that the same function imported
        # elsewhere (e.g. ``from exp import f`` in a notebook) resumes the same sweep.
        main = sys.modules.get("__main__")
        spec = getattr(main, "__spec__", None)
        file = getattr(main, "__file__", None)
        if spec is not None and getattr(spec, "name", None):
            module = spec.name
        elif isinstance(file, str):
            module = Path(file).stem
    return f"{module}:{qualname}"


def _sweep_key(fn_id: str, seed: int) -> str:
    return _canonical({"fn": fn_id, "seed": seed})


def _cells(grid: Any) -> list[tuple[dict[str, Any], str]]:
    """Validate ``grid``; return the cells in grid order as (params, canonical JSON)."""
    if isinstance(grid, Mapping):
        if not grid:
            raise ValueError("grid must not be empty: give at least one parameter, e.g. {'n': [8, 16]}")
        names, axes = [], []
        for name, values in grid.items():
            if not isinstance(name, str):
                raise TypeError(f"grid keys must be parameter names (str), got {name!r} of type {type(name).__name__}")
            if isinstance(values, np.ndarray):
                if values.ndim != 1:
                    raise ValueError(f"grid[{name!r}] must be a 1-D array of values, got shape {values.shape}")
                values = list(values)
            elif isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Sequence):
                raise TypeError(
                    f"grid[{name!r}] must be a sequence of values (list, tuple, range or "
                    f"1-D array), got {values!r} of type {type(values).__name__}; wrap a "
                    f"single value in a list: [{values!r}]"
                )
            if len(values) == 0:
                raise ValueError(f"grid[{name!r}] is empty, so the grid has no cells")
            names.append(name)
            axes.append([_jsonable(v, f"grid[{name!r}][{j}]") for j, v in enumerate(values)])
        raw = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
    elif isinstance(grid, Sequence) and not isinstance(grid, (str, bytes)):
        if len(grid) == 0:
            raise ValueError("grid must not be empty: give at least one cell, e.g. [{'n': 8}]")
        raw = []
        for j, cell in enumerate(grid):
            if not isinstance(cell, Mapping):
                raise TypeError(f"grid[{j}] must be a dict of parameters, got {cell!r} of type {type(cell).__name__}")
            raw.append(_jsonable(cell, f"grid[{j}]"))
    else:
        raise TypeError(
            "grid must be a dict name -> sequence of values (Cartesian product) or a "
            f"sequence of parameter dicts, got {type(grid).__name__}"
        )
    cells: list[tuple[dict[str, Any], str]] = []
    seen: dict[str, int] = {}
    for j, params in enumerate(raw):
        canon = _canonical(params)
        if canon in seen:
            raise ValueError(
                f"grid has a duplicate cell {canon} (cells {seen[canon]} and {j}); "
                "cells must be distinct (add e.g. a 'rep' parameter for repetitions)"
            )
        seen[canon] = j
        cells.append((params, canon))
    return cells


def _cell_generator(seed: int, canonical: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=_spawn_key(canonical)))


def cell_rng(params: Mapping[str, Any], *, rng: int = 0) -> np.random.Generator:
    r"""The generator that :func:`sweep` gives the cell ``params`` of a sweep seeded with ``rng``.

    .. math::

        \texttt{default\_rng}(\texttt{SeedSequence}(\text{rng},\ \text{spawn\_key} =
        (\mathrm{int}(\mathrm{SHA256}(\text{canonical JSON}(\text{params}))),)))

    Use it to rerun one cell by hand: ``fn(params, cell_rng(params, rng=seed))`` returns what
    the sweep stored for that cell.

    Parameters
    ----------
    params : dict
        One cell's parameters (JSON-serialisable values; key order does not matter).
    rng : int
        The sweep's seed (for a sweep seeded with a Generator, use ``SweepResult.seed``).

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> a = cell_rng({"n": 3, "p": 0.5}, rng=0).random()
    >>> b = cell_rng({"p": 0.5, "n": 3}, rng=0).random()
    >>> a == b
    True
    >>> a == cell_rng({"n": 3, "p": 0.5}, rng=1).random()
    False
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of parameters, got {type(params).__name__}")
    if isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be an int seed here (a sweep seeded with a Generator reports the "
            "seed it drew as SweepResult.seed)"
        )
    return _cell_generator(_sweep_seed(rng), _canonical(_jsonable(params, "params")))


def _run_cell(
    fn: Callable[[dict[str, Any], np.random.Generator], Any], params: dict[str, Any], seed: int, canonical: str
) -> tuple[str, float]:
    """Run one cell (in a worker): return (value as JSON text, elapsed seconds)."""
    gen = _cell_generator(seed, canonical)
    t0 = time.perf_counter()
    value = fn(copy.deepcopy(params), gen)
    elapsed = time.perf_counter() - t0
    plain = _jsonable(value, f"sweep cell {canonical}: value returned by fn")
    return json.dumps(plain, separators=(",", ":"), ensure_ascii=False, allow_nan=False), elapsed


# --------------------------------------------------------------------------- the store


class ResultStore:
    """A SQLite file holding finished sweep cells, shared safely by several sweeps.

    One table, one row per finished cell, keyed by *(sweep, params)*: ``sweep`` is the canonical
    JSON ``{"fn": "module:qualname", "seed": seed}`` and ``params`` the cell's canonical JSON;
    ``value`` is JSON text, ``elapsed`` the cell's compute time in seconds (measured in the
    worker) and ``finished`` an ISO 8601 UTC timestamp. The database runs in WAL mode, so readers
    (e.g. a notebook watching a running sweep) never block the writer. Only the process that
    runs :func:`sweep` writes, one transaction per cell; nothing is ever unpickled.

    Parameters
    ----------
    path : str or os.PathLike
        The SQLite file (created if absent; its folder must exist). ``":memory:"`` keeps
        everything in memory.
    durable : bool
        ``True`` (default): ``PRAGMA synchronous=FULL``, each finished cell survives a power
        failure. ``False``: ``synchronous=NORMAL``, faster commits that still survive a killed
        process but may lose the last cells on an operating-system crash.
    timeout : float
        Seconds to wait for a lock held by another process (finite, >= 0).

    Examples
    --------
    >>> def double(params, rng):
    ...     return 2 * params["x"]
    >>> with ResultStore(":memory:", timeout=5.0) as store:
    ...     _ = sweep(double, {"x": [3]}, store=store, executor="serial", progress=False)
    ...     [r["value"] for r in store.rows()]
    [6]

    On disk (the usual case: a later run with the same store skips the finished cells):

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with ResultStore(os.path.join(d, "runs.sqlite")) as store:
    ...         _ = sweep(double, {"x": [1, 2]}, store=store, executor="serial", progress=False)
    ...         rows = store.rows()
    >>> [(r["params"], r["value"]) for r in rows]
    [({'x': 1}, 2), ({'x': 2}, 4)]
    """

    def __init__(self, path: str | os.PathLike[str], *, durable: bool = True, timeout: float = 30.0) -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike, got {path!r} of type {type(path).__name__}")
        if not isinstance(durable, bool):
            raise TypeError(f"durable must be a bool, got {durable!r}")
        timeout = check_real(timeout, "timeout", minimum=0.0)
        self.path = str(path) if path == ":memory:" else str(Path(path))
        if self.path != ":memory:" and not Path(self.path).parent.is_dir():
            raise ValueError(
                f"path {self.path!r} cannot be used as a sweep store: its folder "
                f"{str(Path(self.path).parent)!r} does not exist"
            )
        try:
            self._conn: sqlite3.Connection | None = sqlite3.connect(
                self.path, timeout=float(timeout), isolation_level=None
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            self._conn.execute(
                f"CREATE TABLE IF NOT EXISTS {_TABLE} ("
                "sweep TEXT NOT NULL, params TEXT NOT NULL, value TEXT NOT NULL, "
                "elapsed REAL NOT NULL, finished TEXT NOT NULL, PRIMARY KEY (sweep, params))"
            )
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS theory_sweep_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            self._conn.execute("INSERT OR IGNORE INTO theory_sweep_meta VALUES ('schema', ?)", (_SCHEMA_VERSION,))
            (version,) = self._conn.execute("SELECT value FROM theory_sweep_meta WHERE key = 'schema'").fetchone()
        except sqlite3.Error as exc:
            raise ValueError(f"path {self.path!r} cannot be used as a sweep store: {exc}") from None
        if version != _SCHEMA_VERSION:
            self.close()
            raise ValueError(
                f"path {self.path!r} holds a sweep store of schema version {version}; "
                f"this version of theory.sweep reads version {_SCHEMA_VERSION}"
            )

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError(f"the ResultStore at {self.path!r} is closed")
        return self._conn

    def _load(self, key: str) -> dict[str, tuple[str, float]]:
        rows = self._connection().execute(f"SELECT params, value, elapsed FROM {_TABLE} WHERE sweep = ?", (key,))
        return {p: (v, e) for p, v, e in rows}

    def _record(self, key: str, params: str, value: str, elapsed: float) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        # Autocommit mode: this single statement is one transaction, durable when it returns.
        self._connection().execute(
            f"INSERT OR IGNORE INTO {_TABLE} (sweep, params, value, elapsed, finished) VALUES (?, ?, ?, ?, ?)",
            (key, params, value, float(elapsed), stamp),
        )

    def keys(self) -> list[str]:
        """The sweep keys present in the store, sorted.

        Returns
        -------
        list of str
            Canonical JSON ``{"fn": "module:qualname", "seed": seed}`` per sweep.

        Examples
        --------
        >>> ResultStore(":memory:").keys()
        []
        """
        rows = self._connection().execute(f"SELECT DISTINCT sweep FROM {_TABLE} ORDER BY sweep")
        return [k for (k,) in rows]

    def rows(self, key: str | None = None) -> list[dict[str, Any]]:
        """Every stored cell (of one sweep if ``key`` is given), in the order they finished.

        Parameters
        ----------
        key : str, optional
            A sweep key (see :meth:`keys` and ``SweepResult.key``).

        Returns
        -------
        list of dict
            ``{"sweep": key, "params": dict, "value": Any, "elapsed": float, "finished": str}``.

        Examples
        --------
        >>> ResultStore(":memory:").rows()
        []
        """
        if key is not None and not isinstance(key, str):
            raise TypeError(f"key must be a sweep key (str) or None, got {type(key).__name__}")
        sql = f"SELECT sweep, params, value, elapsed, finished FROM {_TABLE}"
        args: tuple[str, ...] = ()
        if key is not None:
            sql, args = sql + " WHERE sweep = ?", (key,)
        rows = self._connection().execute(sql + " ORDER BY finished, rowid", args)
        return [
            {"sweep": s, "params": json.loads(p), "value": json.loads(v), "elapsed": e, "finished": f}
            for s, p, v, e, f in rows
        ]

    def __len__(self) -> int:
        (n,) = self._connection().execute(f"SELECT COUNT(*) FROM {_TABLE}").fetchone()
        return int(n)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._conn is None else f"{len(self)} cells"
        return f"ResultStore({self.path!r}, {state})"


# --------------------------------------------------------------------------- the result


class SweepResult(Sequence[tuple[dict[str, Any], Any]]):
    """The cells of a sweep in grid order: a sequence of ``(params, value)`` pairs.

    Equality compares the sweep key, the parameters and the values; compute times
    (``elapsed``) are informational and do not take part.

    Attributes
    ----------
    key : str
        The sweep key ``{"fn": "module:qualname", "seed": seed}`` (canonical JSON).
    seed : int
        The sweep seed (drawn from the Generator if ``sweep`` was given one).
    params : list of dict
    values : list
    elapsed : list of float
        Compute time of each cell in seconds, measured in the worker (for a resumed cell, the
        time recorded when it was computed).

    Examples
    --------
    >>> def area(params, rng):
    ...     return {"area": params["w"] * params["h"]}
    >>> res = sweep(area, {"w": [1, 2], "h": [3, 4]}, executor="serial", progress=False)
    >>> res.params
    [{'w': 1, 'h': 3}, {'w': 1, 'h': 4}, {'w': 2, 'h': 3}, {'w': 2, 'h': 4}]
    >>> res.select(w=2).to_records()
    [{'w': 2, 'h': 3, 'area': 6}, {'w': 2, 'h': 4, 'area': 8}]
    >>> res[0]
    ({'w': 1, 'h': 3}, {'area': 3})
    """

    __slots__ = ("_elapsed", "_params", "_values", "key", "seed")

    def __init__(
        self,
        params: Sequence[dict[str, Any]],
        values: Sequence[Any],
        *,
        key: str,
        seed: int,
        elapsed: Sequence[float] | None = None,
    ) -> None:
        if len(params) != len(values):
            raise ValueError(f"params and values must have the same length, got {len(params)} and {len(values)}")
        self._params = list(params)
        self._values = list(values)
        self._elapsed = [0.0] * len(self._params) if elapsed is None else [float(e) for e in elapsed]
        self.key = key
        self.seed = seed

    @property
    def params(self) -> list[dict[str, Any]]:
        """The cells' parameters in grid order (a new list; the dicts are shared)."""
        return list(self._params)

    @property
    def values(self) -> list[Any]:
        """The cells' values in grid order (a new list; the values are shared)."""
        return list(self._values)

    @property
    def elapsed(self) -> list[float]:
        """Compute time of each cell in seconds (not part of equality)."""
        return list(self._elapsed)

    def __len__(self) -> int:
        return len(self._params)

    @overload
    def __getitem__(self, i: int) -> tuple[dict[str, Any], Any]: ...
    @overload
    def __getitem__(self, i: slice) -> SweepResult: ...
    def __getitem__(self, i: int | slice) -> tuple[dict[str, Any], Any] | SweepResult:
        if isinstance(i, slice):
            return SweepResult(self._params[i], self._values[i], key=self.key, seed=self.seed, elapsed=self._elapsed[i])
        return self._params[i], self._values[i]

    def __iter__(self) -> Iterator[tuple[dict[str, Any], Any]]:
        return iter(zip(self._params, self._values, strict=True))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SweepResult):
            return NotImplemented
        return (self.key, self._params, self._values) == (other.key, other._params, other._values)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SweepResult(key={self.key!r}, cells={len(self)})"

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per cell: the parameters merged with the value.

        A dict value is merged key by key; any other value goes under ``"value"``. The result
        feeds ``pandas.DataFrame(...)`` directly, but needs no pandas.

        Returns
        -------
        list of dict

        Raises
        ------
        ValueError
            If a value's key (or ``"value"``) is also a parameter name.

        Examples
        --------
        >>> SweepResult([{"n": 1}], [0.5], key="k", seed=0).to_records()
        [{'n': 1, 'value': 0.5}]
        """
        out = []
        for params, value in self:
            extra = value if isinstance(value, dict) else {"value": value}
            clash = sorted(set(params) & set(extra))
            if clash:
                raise ValueError(
                    f"cannot merge cell {params} with its value: key(s) {clash} are both parameters and value fields"
                )
            out.append({**params, **extra})
        return out

    def select(self, /, **fixed: Any) -> SweepResult:
        """The cells whose parameters equal every ``name=value`` given, in grid order.

        Parameters
        ----------
        **fixed
            Parameter values to keep (each name must occur in at least one cell).

        Returns
        -------
        SweepResult

        Examples
        --------
        >>> r = SweepResult([{"n": 1, "p": 0.1}, {"n": 2, "p": 0.1}], [1, 2], key="k", seed=0)
        >>> r.select(n=2).values
        [2]
        """
        names = set().union(*self._params) if self._params else set()
        for name, value in fixed.items():
            if name not in names:
                raise ValueError(f"select: no cell has a parameter {name!r}; parameters are {sorted(names)}")
            fixed[name] = _jsonable(value, f"select {name}")
        keep = [i for i, p in enumerate(self._params) if all(name in p and p[name] == v for name, v in fixed.items())]
        return SweepResult(
            [self._params[i] for i in keep],
            [self._values[i] for i in keep],
            key=self.key,
            seed=self.seed,
            elapsed=[self._elapsed[i] for i in keep],
        )


# --------------------------------------------------------------------------- the sweep


def _check_executor(executor: Any) -> None:
    if isinstance(executor, str):
        if executor != "serial":
            raise ValueError(f"executor must be None, 'serial' or a concurrent.futures.Executor, got {executor!r}")
    elif executor is not None and not isinstance(executor, cf.Executor):
        hint = " (for a Dask Client pass client.get_executor())" if hasattr(executor, "get_executor") else ""
        raise TypeError(
            f"executor must be None, 'serial' or a concurrent.futures.Executor, got {type(executor).__name__}{hint}"
        )


def _check_store(store: Any) -> None:
    if store is not None and not isinstance(store, (ResultStore, str, os.PathLike)):
        raise TypeError(f"store must be None, a path or a ResultStore, got {type(store).__name__}")


@dataclass(frozen=True)
class Runner:
    """Where and how sweeps run: the executor, the result store and the progress bar, in one object.

    A ``Runner`` is what an experiment passes down instead of three loose arguments:
    ``sweep(fn, grid, runner=runner)`` (or ``runner.sweep(fn, grid)``) is
    ``sweep(fn, grid, executor=runner.executor, store=runner.store, progress=runner.progress)``.
    An experiment function takes ``runner: Runner | None = None`` and hands it to every sweep it
    runs; the caller decides once where those sweeps run and where their cells are kept.

    Attributes
    ----------
    executor : None, "serial" or concurrent.futures.Executor
        ``None``: a local ``ProcessPoolExecutor`` per sweep, one worker per available core.
        ``"serial"``: in the calling process, in grid order. An ``Executor`` you own (a
        ``ProcessPoolExecutor``, ``distributed.Client(...).get_executor()``): used as is, never
        shut down by a sweep.
    store : None, path or ResultStore
        ``None``: results in memory only. A path: a SQLite :class:`ResultStore` file each sweep
        opens and closes. A ``ResultStore``: used and left open. Several sweeps (other functions,
        other seeds) share one store without mixing; finished cells are loaded, not recomputed.
    progress : bool
        Show a tqdm progress bar per sweep (default ``False``).

    Examples
    --------
    >>> def square(params, rng):
    ...     return params["x"] ** 2
    >>> runner = Runner(executor="serial")
    >>> runner
    Runner(executor='serial', store=None, progress=False)
    >>> sweep(square, {"x": [1, 2, 3]}, runner=runner).values
    [1, 4, 9]
    >>> runner.replace(progress=True).progress
    True
    >>> Runner(executor="threads")
    Traceback (most recent call last):
    ...
    ValueError: executor must be None, 'serial' or a concurrent.futures.Executor, got 'threads'
    """

    executor: cf.Executor | str | None = None
    store: ResultStore | str | os.PathLike[str] | None = None
    progress: bool = False

    def __post_init__(self) -> None:
        _check_executor(self.executor)
        _check_store(self.store)
        if not isinstance(self.progress, (bool, np.bool_)):
            raise TypeError(f"progress must be True or False, got {self.progress!r}")
        object.__setattr__(self, "progress", bool(self.progress))

    def replace(self, **changes: Any) -> Runner:
        """A copy with ``changes`` (validated again)."""
        return dataclasses.replace(self, **changes)

    def sweep(
        self,
        fn: Callable[[dict[str, Any], np.random.Generator], Any],
        grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
        *,
        rng: int | np.random.Generator = 0,
        desc: str | None = None,
    ) -> SweepResult:
        """:func:`sweep` on this runner: ``sweep(fn, grid, runner=self, rng=rng, desc=desc)``."""
        return sweep(fn, grid, runner=self, rng=rng, desc=desc)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def sweep(
    fn: Callable[[dict[str, Any], np.random.Generator], Any],
    grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
    *,
    executor: cf.Executor | str | None = None,
    store: ResultStore | str | os.PathLike[str] | None = None,
    rng: int | np.random.Generator = 0,
    progress: bool | None = None,
    desc: str | None = None,
    runner: Runner | None = None,
) -> SweepResult:
    r"""Run ``fn(params, rng)`` on every cell of a parameter grid, on any executor, resumably.

    Cell ``params`` gets the generator

    .. math::

        \texttt{default\_rng}(\texttt{SeedSequence}(\text{seed},\ \text{spawn\_key} =
        (\mathrm{int}(\mathrm{SHA256}(\text{canonical JSON}(\text{params}))),)))

    so its value depends only on ``fn``, the seed and the cell: not on the executor, the order
    in which cells finish or the rest of the grid (see the module docstring and
    :func:`cell_rng`).

    Parameters
    ----------
    fn : callable ``fn(params: dict, rng: numpy.random.Generator) -> JSON data``
        A module-level function (so worker processes can import it; its module and qualified
        name identify the sweep in a store). It must draw randomness only from the ``rng`` it is
        given. Its value may hold dicts (str keys), lists, tuples, str, int, finite float, bool,
        None and NumPy scalars/arrays; it is returned as plain JSON data (tuples become lists,
        arrays nested lists). NaN and infinity are refused (``ValueError`` naming the cell).
    grid : dict name -> sequence, or sequence of dicts
        A dict gives the Cartesian product of its value sequences (keys in insertion order, the
        last key varying fastest); a sequence of dicts lists the cells explicitly. Parameter
        values must be JSON data; cells must be distinct.
    executor : None, "serial" or concurrent.futures.Executor
        ``None`` (default): a local ``ProcessPoolExecutor`` with one worker per available core
        (at most one per cell), created and shut down here. ``"serial"``: run in this process,
        in grid order (for debugging). An ``Executor`` you own, e.g.
        ``distributed.Client(...).get_executor()`` or a ``ProcessPoolExecutor``: used as is and
        not shut down.
    store : None, path or ResultStore
        ``None``: results are kept in memory only. A path: a SQLite :class:`ResultStore` file,
        opened and closed here. A ``ResultStore``: used and left open. With a store, finished
        cells are loaded instead of recomputed.
    rng : int or numpy.random.Generator
        The sweep seed (default 0). A Generator is accepted for convenience: one seed is drawn
        from it (advancing it), so the sweep resumes only from a Generator in the same state.
    progress : bool, optional
        Show a tqdm progress bar (default ``True``); cells loaded from the store count as done.
    desc : str, optional
        Label of the progress bar.
    runner : Runner, optional
        ``executor``, ``store`` and ``progress`` in one object (then none of the three may be
        given): what an experiment passes to every sweep it runs. Its ``progress`` defaults to
        ``False``.

    Returns
    -------
    SweepResult
        ``(params, value)`` for every cell, in grid order.

    Raises
    ------
    TypeError, ValueError
        For an invalid argument (naming it); also re-raised from a failing cell, after every
        finished cell has been recorded (the exception carries a note naming the cell).

    Examples
    --------
    >>> def mean_of_draws(params, rng):
    ...     return float(rng.standard_normal(params["m"]).mean())
    >>> a = sweep(mean_of_draws, {"m": [10, 1000]}, executor="serial", progress=False)
    >>> b = sweep(mean_of_draws, [{"m": 1000}], executor="serial", progress=False)
    >>> a.values[1] == b.values[0]  # a cell does not depend on the rest of the grid
    True
    >>> sweep(mean_of_draws, {"m": 10}, executor="serial")
    Traceback (most recent call last):
    ...
    TypeError: grid['m'] must be a sequence of values ... wrap a single value in a list: [10]

    On a Dask cluster: ``with distributed.Client(n_workers=4) as client:
    sweep(fn, grid, executor=client.get_executor(), store="runs.sqlite")``.
    """
    if runner is not None:
        if not isinstance(runner, Runner):
            raise TypeError(f"runner must be a Runner or None, got {type(runner).__name__}")
        given = [
            name for name, v in (("executor", executor), ("store", store), ("progress", progress)) if v is not None
        ]
        if given:
            raise TypeError(
                f"give runner= or {', '.join(given)}=, not both (the runner holds the executor, "
                "the store and the progress setting)"
            )
        executor, store, progress = runner.executor, runner.store, runner.progress
    elif progress is None:
        progress = True
    fn_id = _fn_id(fn)
    cells = _cells(grid)
    seed = _sweep_seed(rng)
    key = _sweep_key(fn_id, seed)
    _check_executor(executor)
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be a bool, got {progress!r}")
    if desc is not None and not isinstance(desc, str):
        raise TypeError(f"desc must be a str or None, got {desc!r}")
    _check_store(store)
    store_path = store.path if isinstance(store, ResultStore) else store
    persistent = store_path is not None and str(store_path) != ":memory:"
    if persistent and ("<lambda>" in fn_id or "<locals>" in fn_id):
        raise ValueError(
            f"fn {fn_id} is a lambda or a local function, whose name does not identify "
            "it in a store; define it at module level"
        )
    if executor is None or isinstance(executor, cf.ProcessPoolExecutor):
        try:
            pickle.dumps(fn)
        except Exception as exc:
            raise TypeError(
                f"fn {fn_id} cannot be sent to worker processes ({exc}); define it at "
                "module level, or use executor='serial'"
            ) from None

    from tqdm.auto import tqdm

    own_store = not isinstance(store, ResultStore)
    if isinstance(store, ResultStore):
        db = store
    else:
        db = ResultStore(":memory:" if store is None else store)
    assert isinstance(db, ResultStore)
    try:
        n = len(cells)
        values: list[Any] = [None] * n
        elapsed = [0.0] * n
        done = db._load(key)
        todo = []
        for i, (_, canon) in enumerate(cells):
            if canon in done:
                text, elapsed[i] = done[canon]
                values[i] = json.loads(text)
            else:
                todo.append(i)
        with tqdm(total=n, initial=n - len(todo), desc=desc, disable=not progress, unit="cell") as bar:

            def record(i: int, out: tuple[str, float]) -> None:
                text, dt = out
                db._record(key, cells[i][1], text, dt)
                values[i], elapsed[i] = json.loads(text), dt
                bar.update(1)

            if todo and executor == "serial":
                for i in todo:
                    params, canon = cells[i]
                    try:
                        out = _run_cell(fn, params, seed, canon)
                    except Exception as exc:
                        exc.add_note(f"raised by sweep cell {canon}")
                        raise
                    record(i, out)
            elif todo:
                own_pool = executor is None
                pool = cf.ProcessPoolExecutor(max_workers=min(len(todo), _cpu_count())) if own_pool else executor
                assert isinstance(pool, cf.Executor)
                clean = False
                try:
                    _run_on(pool, fn, cells, todo, seed, record)
                    clean = True
                finally:
                    if own_pool:
                        pool.shutdown(wait=clean, cancel_futures=True)
    finally:
        if own_store:
            db.close()
    return SweepResult([p for p, _ in cells], values, key=key, seed=seed, elapsed=elapsed)


def _run_on(
    pool: cf.Executor,
    fn: Callable[..., Any],
    cells: list[tuple[dict[str, Any], str]],
    todo: list[int],
    seed: int,
    record: Callable[[int, tuple[str, float]], None],
) -> None:
    """Submit the cells ``todo`` to ``pool``; record each as it finishes; on the first error
    cancel what has not started, record what still finishes, and re-raise."""
    futures = {pool.submit(_run_cell, fn, cells[i][0], seed, cells[i][1]): i for i in todo}
    recorded: set[cf.Future[Any]] = set()
    try:
        for fut in cf.as_completed(futures):
            exc = fut.exception()
            if exc is not None:
                exc.add_note(f"raised by sweep cell {cells[futures[fut]][1]}")
                raise exc
            record(futures[fut], fut.result())
            recorded.add(fut)
    except Exception:
        for fut in futures:
            fut.cancel()
        running = [f for f in futures if not f.cancelled() and f not in recorded]
        for fut in cf.wait(running).done:
            if not fut.cancelled() and fut.exception() is None:
                record(futures[fut], fut.result())
        raise
    except BaseException:  # KeyboardInterrupt: stop at once; finished cells are already stored
        for fut in futures:
            fut.cancel()
        raise
