"""Machinery for the one-argument-at-a-time fuzz of the public API (``test_fuzz_public.py``).

* :func:`public_callables` walks ``__all__`` of ``theory`` and of every area and shared package.
* :func:`record_baselines` runs each callable's own docstring ``Examples`` with every public
  callable wrapped, and keeps the first top-level call of each as its known-good baseline
  (arguments deep-copied at call time). Hand-written baselines fill the gaps.
* :func:`bad_values` gives the bad values of an argument's kind (read from its baseline value).
* :func:`run_bad_call` makes one call with one argument replaced, under a wall-clock bound and an
  address-space cap, and returns ``None`` if the outcome is acceptable or a one-line failure (a
  numpy floating-point warning reaching the caller counts as a failure).
* :func:`non_finite` walks a result (dataclass fields, tuples, lists, dicts, arrays, numbers) for
  NaN and infinity; :func:`result_failure` allows NaN only by :data:`NAN_BY_CONTRACT` and an
  infinity only where :data:`INF_BY_CONTRACT` names the callable (and the path, if given).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import doctest
import functools
import importlib
import inspect
import math
import numbers
import re
import resource
import signal
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from theory._areas import AREAS, SHARED

PACKAGES: tuple[str, ...] = ("theory", *(f"theory.{a.name}" for a in AREAS), *(f"theory.{s}" for s in SHARED))

#: Extra address space a single fuzzed call may map (bytes): an attempt to allocate a size of
#: 10**12 fails with MemoryError (a failure of the test) instead of swapping the machine.
ADDRESS_SPACE_HEADROOM = 6 * 2**30


class CallTimeout(BaseException):
    """Raised by the alarm handler; a BaseException so that ``except Exception`` cannot swallow it."""


Baseline = tuple[tuple[Any, ...], dict[str, Any]]


def public_callables() -> dict[str, Any]:
    """``{"theory.pkg.name": obj}`` for every callable in some ``__all__`` (first name wins)."""
    seen: dict[int, str] = {}
    out: dict[str, Any] = {}
    for pkg_name in PACKAGES:
        pkg = importlib.import_module(pkg_name)
        for name in getattr(pkg, "__all__", ()):
            obj = getattr(pkg, name)
            if inspect.ismodule(obj) and obj.__name__ not in PACKAGES and callable(vars(obj).get(name)):
                # a submodule bound on its package once imported shadows the function it exports
                # under the same name (theory.sparse_coding.score): fuzz the function
                obj = vars(obj)[name]
            if inspect.ismodule(obj) or not callable(obj) or id(obj) in seen:
                continue
            seen[id(obj)] = f"{pkg_name}.{name}"
            out[f"{pkg_name}.{name}"] = obj
    return out


# --------------------------------------------------------------------------- baselines
def _deepcopy_or_none(value: Any) -> Any:
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - an argument that cannot be copied gives no baseline
        return None


class _Recorder:
    def __init__(self, targets: dict[str, Any]) -> None:
        self.targets = targets
        self.calls: dict[str, Baseline] = {}
        self.failures: dict[str, str] = {}  # a baseline call whose own result fails result_failure
        self.depth = 0
        self._undo: list[Callable[[], None]] = []

    def _wrap(self, key: str, fn: Callable[..., Any], *, method: bool) -> Callable[..., Any]:
        rec = self

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            first = rec.depth == 0 and key not in rec.calls
            if first:
                call_args = args[1:] if method else args
                copied = _deepcopy_or_none((call_args, kwargs))
                if copied is not None:
                    rec.calls[key] = copied
            rec.depth += 1
            try:
                result = fn(*args, **kwargs)
            finally:
                rec.depth -= 1
            if first and key in rec.calls:
                failure = result_failure(key, fn, args[0] if method else result)
                if failure is not None:
                    rec.failures[key] = failure
            return result

        return wrapper

    def _setattr(self, obj: Any, name: str, value: Any) -> None:
        had = name in vars(obj)
        old = vars(obj).get(name)
        setattr(obj, name, value)
        if had:
            self._undo.append(lambda: setattr(obj, name, old))
        else:
            self._undo.append(lambda: delattr(obj, name))

    def install(self) -> None:
        modules = [
            m for m in list(sys.modules.values()) if m is not None and getattr(m, "__name__", "").startswith("theory")
        ]
        for key, obj in self.targets.items():
            if inspect.isclass(obj):
                init = vars(obj).get("__init__")
                if init is not None and not issubclass(obj, BaseException):
                    self._setattr(obj, "__init__", self._wrap(key, init, method=True))
                continue
            wrapped = self._wrap(key, obj, method=False)
            for mod in modules:
                for attr, val in list(vars(mod).items()):
                    if val is obj:
                        self._setattr(mod, attr, wrapped)

    def uninstall(self) -> None:
        while self._undo:
            self._undo.pop()()


def _docstring_examples(obj: Any) -> list[tuple[doctest.DocTest, dict[str, Any]]]:
    module = inspect.getmodule(obj)
    globs = dict(vars(module)) if module is not None else {}
    finder = doctest.DocTestFinder(recurse=False)
    tests = finder.find(obj, globs=globs)
    return [(t, globs) for t in tests if t.examples]


def record_baselines(targets: dict[str, Any], failures: dict[str, str] | None = None) -> dict[str, Baseline]:
    """Run every target's docstring examples with all targets wrapped; first top-level call wins.

    ``failures``, if given, receives ``key -> failure`` for each baseline call whose own result has a
    NaN or an infinity that the contracts do not allow (see :func:`result_failure`).

    A target's own examples are run first, then the others' (an example of ``f`` that calls ``g``
    gives ``g`` a baseline too).
    """
    rec = _Recorder(targets)
    tests = {key: _docstring_examples(obj) for key, obj in targets.items()}
    runner = doctest.DocTestRunner(verbose=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    rec.install()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), _quiet_matplotlib():
            warnings.simplefilter("ignore")
            for key, ts in tests.items():
                for test, _ in ts:
                    if key in rec.calls:
                        break
                    # modules were patched after the finder copied their globals: patch the copy
                    for attr, val in list(test.globs.items()):
                        mod = inspect.getmodule(targets[key])
                        if mod is not None and attr in vars(mod) and vars(mod)[attr] is not val:
                            test.globs[attr] = vars(mod)[attr]
                    with contextlib.redirect_stdout(_Sink()):
                        runner.run(test, out=lambda _s: None, clear_globs=False)
    finally:
        rec.uninstall()
    if failures is not None:
        failures.update(rec.failures)
    return rec.calls


class _Sink:
    def write(self, _s: str) -> int:
        return 0

    def flush(self) -> None:
        pass


@contextlib.contextmanager
def _quiet_matplotlib() -> Iterator[None]:
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover
        yield
        return
    try:
        yield
    finally:
        plt.close("all")


# --------------------------------------------------------------------------- bad values
def _kind(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, numbers.Integral):
        return "int"
    if isinstance(value, numbers.Real):
        return "real"
    if isinstance(value, str):
        return "str"
    if isinstance(value, np.random.Generator):
        return "rng"
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return "array"
    if (
        isinstance(value, (list, tuple))
        and value
        and all(isinstance(v, numbers.Real) or isinstance(v, (list, tuple, np.ndarray)) for v in value)
    ):
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return "object"
        return "array" if arr.size else "object"
    if value is None:
        return "none"
    return "object"


def _bad_arrays(value: Any) -> list[tuple[str, Any]]:
    arr = np.asarray(value, dtype=float)
    out: list[tuple[str, Any]] = []
    if arr.size:
        nan = arr.copy()
        nan.flat[0] = np.nan
        inf = arr.copy()
        inf.flat[-1] = np.inf
        huge = arr.copy()
        huge.flat[-1] = 1e300
        out += [("nan entry", nan), ("inf entry", inf), ("1e300 entry", huge), ("x 1e150", arr * 1e150)]
    out += [
        ("empty", np.zeros((0,) * max(arr.ndim, 1))),
        ("extra dim", arr[None, ...]),
        ("scalar", 1.0),
        ("[[1]]", [[1.0]]),
        ("string", "x"),
        ("None", None),
        ("ragged", [[1.0], [1.0, 2.0]]),
        ("complex", arr.astype(complex) + 1j),
    ]
    if arr.ndim >= 1 and arr.size:
        out.append(("drop dim", arr.reshape(-1)[:1] if arr.ndim == 1 else arr[0]))
    return out


def bad_values(value: Any) -> list[tuple[str, Any]]:
    """``(label, bad value)`` pairs for an argument whose known-good value is ``value``."""
    kind = _kind(value)
    common = [("None", None), ("'x'", "x")]
    if kind == "bool":
        return [("'no'", "no"), ("0", 0), ("1", 1), ("None", None)]
    if kind == "int":
        return [
            ("-1", -1),
            ("0", 0),
            ("10**12", 10**12),
            ("10**400", 10**400),
            ("2.5", 2.5),
            ("nan", float("nan")),
            ("True", True),
            *common,
        ]
    if kind == "real":
        return [
            ("nan", float("nan")),
            ("inf", float("inf")),
            ("-inf", float("-inf")),
            ("-1", -1.0),
            ("0", 0.0),
            ("1e-300", 1e-300),  # tiny positive: 1/x**2 overflows, x**2 underflows to 0
            ("5e-324", 5e-324),  # the smallest subnormal: x/2 == 0, log(x) ~ -744
            ("1e300", 1e300),
            ("10**400", 10**400),
            ("True", True),
            ("[[1]]", [[1.0]]),
            *common,
        ]
    if kind == "str":
        return [("unknown 'x'", "x"), ("3", 3), ("None", None), ("True", True)]
    if kind == "rng":
        return [("'x'", "x"), ("-1", -1), ("2.5", 2.5), ("True", True)]
    if kind == "array":
        return _bad_arrays(value)
    if kind == "none":
        return [("'x'", "x"), ("nan", float("nan")), ("-1", -1), ("10**12", 10**12), ("[[1]]", [[1.0]]), ("True", True)]
    return [*common, ("3", 3), ("True", True), ("[[1]]", [[1.0]])]


# --------------------------------------------------------------------------- running one call
def non_finite(result: Any, path: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """``(path, "nan" | "inf")`` for every NaN or infinite value in ``result``.

    Walks floats, numpy arrays, lists/tuples (``[i]``), dicts (``['key']``) and dataclass fields
    (``.name``) to depth 4 and the first 1000 items of a container; the path of the root is ``""``.
    """
    if depth > 4 or isinstance(result, (bool, np.bool_, str, bytes)) or result is None:
        return
    if isinstance(result, numbers.Integral):
        return
    if isinstance(result, (numbers.Real, numbers.Complex)):
        try:
            value = complex(result)
        except (OverflowError, TypeError, ValueError):  # an exact number beyond float range is finite
            return
        if math.isnan(value.real) or math.isnan(value.imag):
            yield path, "nan"
        elif math.isinf(value.real) or math.isinf(value.imag):
            yield path, "inf"
        return
    if isinstance(result, np.ndarray):
        if result.dtype.kind in "fc":
            if bool(np.isnan(result).any()):
                yield path, "nan"
            if bool(np.isinf(result).any()):
                yield path, "inf"
        return
    if isinstance(result, (list, tuple)):
        for i, r in enumerate(result[:1000]):
            yield from non_finite(r, f"{path}[{i}]", depth + 1)
    elif isinstance(result, dict):
        for k, r in list(result.items())[:1000]:
            yield from non_finite(r, f"{path}[{k!r}]", depth + 1)
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        for f in dataclasses.fields(result):
            yield from non_finite(getattr(result, f.name, None), f"{path}.{f.name}", depth + 1)


def _has_nan(result: Any) -> bool:
    return any(kind == "nan" for _, kind in non_finite(result))


def inf_allowed(key: str, path: str) -> bool:
    """Whether :data:`INF_BY_CONTRACT` allows an infinity at ``path`` of the result of ``key``.

    An entry ``"theory.pkg.f"`` allows it anywhere in the result; ``"theory.pkg.f:.field[*].x"`` only
    at that path (``[*]`` stands for any index).
    """
    for entry in INF_BY_CONTRACT:
        name, _, pattern = entry.partition(":")
        if name != key:
            continue
        if not pattern or re.fullmatch(re.escape(pattern).replace(r"\[\*\]", r"\[\d+\]"), path):
            return True
    return False


def result_failure(key: str, fn: Any, result: Any) -> str | None:
    """``None`` if ``result`` has no NaN and no infinity outside the contracts, else a one-line failure."""
    found = list(non_finite(result))
    if any(kind == "nan" for _, kind in found) and getattr(fn, "__qualname__", "") not in NAN_BY_CONTRACT:
        return "returned NaN"
    bad = sorted({p or "<result>" for p, kind in found if kind == "inf" and not inf_allowed(key, p)})
    if bad:
        return f"returned inf at {', '.join(bad)[:120]}"
    return None


@contextlib.contextmanager
def time_and_memory_bound(seconds: float) -> Iterator[None]:
    """Raise :class:`CallTimeout` after ``seconds``; cap the address space (POSIX only)."""
    armed = [True]

    def fire(*_: Any) -> None:
        if armed[0]:
            raise CallTimeout

    old = signal.signal(signal.SIGALRM, fire)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = _address_space()
    cap = used + ADDRESS_SPACE_HEADROOM if used else resource.RLIM_INFINITY
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    # re-fires every 0.1 s: an alarm landing in a gc callback is swallowed by the interpreter
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        while True:  # an alarm may land here too: disarm until it sticks, then restore
            try:
                armed[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                break
            except CallTimeout:
                continue
        signal.signal(signal.SIGALRM, old)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
    except OSError:
        return 0
    return pages * resource.getpagesize()


def call_with(fn: Any, baseline: Baseline, param: str, bad: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The baseline call of ``fn`` with ``param`` replaced by ``bad`` (positional-only stays positional)."""
    args, kwargs = copy.deepcopy(baseline)
    sig = inspect.signature(fn)
    bound = sig.bind(*args, **kwargs)
    bound.arguments[param] = bad
    # rebuild: positional-only and already-positional arguments stay positional, the rest by name
    pos: list[Any] = []
    kw: dict[str, Any] = {}
    for name, p in sig.parameters.items():
        if name not in bound.arguments:
            if p.kind is p.POSITIONAL_ONLY:
                break
            continue
        val = bound.arguments[name]
        if p.kind is p.VAR_POSITIONAL:
            pos.extend(val)
        elif p.kind is p.VAR_KEYWORD:
            kw.update(val)
        elif p.kind is p.POSITIONAL_ONLY:
            pos.append(val)
        else:
            kw[name] = val
    return tuple(pos), kw


def fuzzable_params(fn: Any) -> list[inspect.Parameter]:
    """Named parameters of ``fn`` (not ``*args``/``**kwargs``, not ``self``)."""
    params = list(inspect.signature(fn).parameters.values())
    return [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def mutations(fn: Any, baseline: Baseline) -> list[tuple[str, str, Any]]:
    """``(param, label, bad value)`` for every named parameter of ``fn``, by the kind of its baseline value.

    ``None`` is not tried where it is the parameter's default (it is a valid value there).
    """
    args, kwargs = baseline
    bound = inspect.signature(fn).bind(*args, **kwargs)
    out = []
    for p in fuzzable_params(fn):
        good = bound.arguments.get(p.name, None if p.default is p.empty else p.default)
        out += [(p.name, label, bad) for label, bad in bad_values(good) if not (bad is None and p.default is None)]
    return out


#: The floating-point error settings of a fuzzed call: numpy's defaults (underflow is silent).
LEAK_ERRSTATE = {"over": "warn", "divide": "warn", "invalid": "warn", "under": "ignore"}


def run_bad_call(
    fn: Any, baseline: Baseline, param: str, bad: Any, *, seconds: float = 10.0, key: str = ""
) -> str | None:
    """One fuzzed call of the public callable ``key``. ``None`` if acceptable, else a one-line failure.

    The result may hold no NaN (unless in :data:`NAN_BY_CONTRACT`) and no infinity (unless
    :data:`INF_BY_CONTRACT` allows it at that path), and the call may not leak a numpy
    floating-point ``RuntimeWarning`` or a ``ComplexWarning`` under numpy's default settings.
    """
    try:
        args, kwargs = call_with(fn, baseline, param, bad)
    except TypeError as exc:  # the baseline itself does not bind (a hand-table error)
        return f"cannot bind: {exc}"
    try:
        # numpy's default floating-point settings: an overflow, a division by zero, an invalid value
        # or a discarded imaginary part that reaches the user as a warning is a failure (the call
        # should refuse the value by name or handle it quietly); other warnings are allowed
        with warnings.catch_warnings(), np.errstate(**LEAK_ERRSTATE), _quiet_matplotlib():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", RuntimeWarning)
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            with time_and_memory_bound(seconds), contextlib.redirect_stdout(_Sink()):
                result = fn(*args, **kwargs)
    except CallTimeout:
        return f"no answer within {seconds} s"
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        if param not in msg:
            return f"{type(exc).__name__} not naming {param!r}: {msg[:160]}"
        return None
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        # a path or module that does not exist is reported as such, naming what was asked for
        if isinstance(bad, str) and bad in str(exc):
            return None
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    except Exception as exc:  # noqa: BLE001 - any other exception is the failure being looked for
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    return result_failure(key, fn, result)


#: Callables whose documented result for some inputs is NaN, with the reason.
NAN_BY_CONTRACT = {
    "bound_slack": "nan is the documented 'undefined' slack (a ratio with a zero, a sign change or a "
    "non-finite value says nothing about closeness); reports print it as '-'",
}

#: Results that may be infinite by the callable's documented contract: ``"theory.pkg.f"`` (anywhere in
#: the result) or ``"theory.pkg.f:path"`` (only there, ``[*]`` = any index) -> the reason, quoting the
#: docstring. Every entry's docstring must say when it is infinite (``test_inf_contracts_are_documented``).
INF_BY_CONTRACT: dict[str, str] = {
    "theory.geometry.max_features:.upper": "no upper bound found is an honest inf; docstring: "
    "\"Returns ``upper = inf`` (named ``'none found'``) when no upper bound applies\"",
    "theory.geometry.relative_bound:.value": "the relative bound is vacuous when dim * max_cos^2 >= 1; docstring: "
    '"``valid`` False (value ``inf``) when"',
    "theory.interference.coherence_recovery:.threshold": "mu = 0 puts no limit on k; docstring: "
    '"Returns ``threshold = inf`` when the columns are mutually orthogonal"',
    "theory.interference.dictionary_stats:.ratio_to_welch": "max_cos over a zero Welch bound; docstring: "
    '"Returns ``ratio_to_welch = inf`` when the Welch bound is 0"',
    "theory.sparse_coding.score:.spark_lower": "independent columns have infinite spark; docstring: "
    '"Returns ``spark_lower = inf`` when the decoder\'s nonzero columns are certified linearly independent"',
    "theory.sparse_coding.score:.certificates['spark'].value": "the spark_lower_bound certificate behind "
    'spark_lower; docstring: "Returns ``spark_lower = inf`` when"',
    "theory.sparse_coding.spark_lower_bound:.value": "independent columns have infinite spark; docstring: "
    '"(:math:`\\infty` when all columns are independent)"',
    "theory.verify.bound_slack": "a ratio beyond the float range; docstring: "
    '"Returns ``inf`` when the ratio is beyond the float range"',
}


# --------------------------------------------------------------------------- regenerating the known list
def _cause(failure: str) -> str:
    if failure.startswith(("no answer", "process exits")):
        return "no answer within the time bound, or the process exits (not re-run by the test)"
    if "not naming" in failure:
        return "ValueError/TypeError whose message does not name the argument"
    if failure.startswith("returned NaN"):
        return "returns NaN"
    if failure.startswith("returned inf"):
        return "returns inf outside INF_BY_CONTRACT"
    if "int too large to convert to float" in failure:
        return "OverflowError converting a huge int to float (check_real in theory/_validation.py, or a formula)"
    return "other exceptions"


def write_known(failures: list[tuple[str, str, str, str]], path: Path) -> None:
    """Write ``_fuzz_known.py``: the first failure per ``(callable, argument)``, hangs preferred, by cause."""
    first: dict[tuple[str, str], tuple[str, str]] = {}
    for key, param, label, failure in failures:
        hang = failure.startswith(("no answer", "process exits"))
        if (key, param) not in first or (hang and not first[(key, param)][1].startswith(("no answer", "process"))):
            first[(key, param)] = (label, failure)
    groups: dict[str, list[str]] = {}
    for (key, param), (label, failure) in sorted(first.items()):
        msg = f"{param}={label}: {failure}".replace("\\", "\\\\").replace('"', "'")
        msg = msg if len(msg) <= 100 else msg[:97] + "..."
        groups.setdefault(_cause(failure), []).append(f'    ("{key}", "{param}"): "{msg}",')
    lines = [
        '"""Open failures of the public-API fuzz (``test_fuzz_public.py``), grouped by cause.',
        "",
        "``(callable, argument) -> the first failure seen`` as ``argument=bad value: outcome``. The fuzz test",
        "fails on a failure not listed here and on a listed pair that no longer fails (remove it then), so the",
        "list only shrinks. Regenerate with ``python tests/reliability/_fuzz.py --write-known`` (a few minutes).",
        '"""',
        "",
        "# ruff: noqa: E501",
        "",
        "KNOWN: dict[tuple[str, str], str] = {",
    ]
    for cause in sorted(groups):
        lines += [f"    # ---- {cause}", *groups[cause]]
    path.write_text("\n".join([*lines, "}"]) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Fuzz every covered callable exhaustively (slow ones too); ``--write-known`` rewrites the known list."""
    import argparse
    import os
    import tempfile
    import time

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--write-known", action="store_true")
    parser.add_argument("--only", nargs="*", default=[], help="callable name prefixes")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).parent))
    from test_fuzz_public import ALLOW_LIST, SECONDS_PER_CALL

    targets = {k: v for k, v in public_callables().items() if k not in ALLOW_LIST}
    baseline_failures: dict[str, str] = {}
    baselines = record_baselines(targets, baseline_failures)
    for key, msg in sorted(baseline_failures.items()):
        print(f"{key}(baseline): {msg}", flush=True)
    failures: list[tuple[str, str, str, str]] = []
    t0, calls = time.perf_counter(), 0
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        for key, fn in targets.items():
            if key not in baselines or (args.only and not key.startswith(tuple(args.only))):
                continue
            for param, label, bad in mutations(fn, baselines[key]):
                if (key, param, label) in PROCESS_EXITS:
                    failures.append((key, param, label, "process exits during the call"))
                    continue
                calls += 1
                failure = run_bad_call(fn, baselines[key], param, bad, seconds=SECONDS_PER_CALL, key=key)
                if failure is not None:
                    failures.append((key, param, label, failure))
                    print(f"{key}({param}={label}): {failure}", flush=True)
    print(f"{calls} calls, {len(failures)} failures, {time.perf_counter() - t0:.0f} s")
    if args.write_known:
        from _fuzz_known import KNOWN

        # with --only, the entries of the other callables are kept as they are
        kept: list[tuple[str, str, str, str]] = []
        for (k, p), msg in KNOWN.items():
            if args.only and not k.startswith(tuple(args.only)):
                head, outcome = msg.split(": ", 1)  # "param=label: outcome"
                kept.append((k, p, head.split("=", 1)[1], outcome))
        write_known([*kept, *failures], Path(__file__).with_name("_fuzz_known.py"))
    return 0


#: Calls that end the whole process (cannot be caught in it): never made, recorded as failures.
PROCESS_EXITS: frozenset[tuple[str, str, str]] = frozenset()


if __name__ == "__main__":
    raise SystemExit(main())
