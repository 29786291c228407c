"""Loading arrays from ``.npy``, ``.npz`` and ``.safetensors`` files, safely.

Every loader in the toolkit reads files through this module, so that every file is treated the
same way:

* nothing is ever unpickled (``allow_pickle=False``; object and structured dtypes are refused);
* every header is parsed and checked against the file size *before* any data is read: an array
  whose declared shape needs more bytes than the file holds is refused as truncated or damaged,
  and one whose size exceeds the memory limit is refused before allocating;
* any decoding failure (a truncated zip, a malformed header, bad JSON) becomes a ``ValueError``
  that names the file and the format: ``"<path>: not a valid .npz file (truncated or damaged):
  ..."``.

The ``.safetensors`` format is read directly (8-byte little-endian header length, a JSON header
mapping each tensor name to ``dtype``, ``shape`` and ``data_offsets``, then the raw little-endian
data), so it needs no extra package.

References
----------
.. [1] NumPy developers. "numpy.lib.format: the .npy binary format (NEP 1)."
   https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
.. [2] Hugging Face (2023). "safetensors: a simple, safe way to store and distribute tensors."
   https://github.com/huggingface/safetensors
"""

from __future__ import annotations

import json
import math
import os
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from theory._validation import MEMORY_LIMIT_BYTES, _human, check_memory, estimate_bytes

__all__ = ["ArrayInfo", "SUFFIXES", "atomic_write", "inspect_arrays", "load_arrays"]

#: File suffixes this module reads.
SUFFIXES = (".npy", ".npz", ".safetensors")

#: Largest header accepted (bytes): a safetensors JSON header or an .npy header.
_MAX_HEADER = 100 * 2**20

#: dtype kinds accepted: booleans, integers, floats, complex, fixed-width strings. Never objects.
_KINDS = "biufcUS"

_SAFETENSORS_DTYPES = {
    "BOOL": np.dtype("?"),
    "U8": np.dtype("u1"),
    "I8": np.dtype("i1"),
    "U16": np.dtype("<u2"),
    "I16": np.dtype("<i2"),
    "U32": np.dtype("<u4"),
    "I32": np.dtype("<i4"),
    "U64": np.dtype("<u8"),
    "I64": np.dtype("<i8"),
    "F16": np.dtype("<f2"),
    "F32": np.dtype("<f4"),
    "F64": np.dtype("<f8"),
    "BF16": np.dtype("<u2"),  # decoded to float32 on load
}


@dataclass(frozen=True)
class ArrayInfo:
    """What a file's header says about one array (nothing of the data is read).

    Attributes
    ----------
    name : str
        The array's name (the file's name for ``.npy``).
    dtype : numpy.dtype
        The type the array loads as: the stored one, except ``bfloat16`` tensors, which report
        (and load as) float32.
    shape : tuple of int
    nbytes : int
        Bytes the data occupies in the file.
    """

    name: str
    dtype: np.dtype[Any]
    shape: tuple[int, ...]
    nbytes: int

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return len(self.shape)


class _Invalid(Exception):
    """A decoding problem, turned into the public ValueError by the callers."""


class _TooLarge(Exception):
    """The requested arrays exceed the memory limit (the message is complete)."""


def _kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{path}: unsupported file type {suffix!r}; expected one of {', '.join(SUFFIXES)}")
    return suffix


def _check_path(path: Any) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"path {str(p)!r} does not exist or is not a file")
    return p


def _invalid(path: Path, suffix: str, exc: BaseException) -> ValueError:
    detail = str(exc) or type(exc).__name__
    return ValueError(f"{path}: not a valid {suffix} file (truncated or damaged): {detail}")


def _check_dtype(dtype: Any, name: str) -> np.dtype[Any]:
    if not isinstance(dtype, np.dtype):
        raise _Invalid(f"array {name!r} has no valid dtype")
    if dtype.hasobject:
        raise _Invalid(f"array {name!r} holds Python objects (a pickle); pickled files are refused")
    if dtype.names is not None or dtype.subdtype is not None or dtype.kind not in _KINDS:
        raise _Invalid(f"array {name!r} has unsupported dtype {dtype}; only plain numeric or string arrays are read")
    return dtype


def _check_shape(shape: Any, name: str) -> tuple[int, ...]:
    if not isinstance(shape, (tuple, list)) or any(
        isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in shape
    ):
        raise _Invalid(f"array {name!r} has an invalid shape {shape!r}")
    return tuple(int(s) for s in shape)


# ------------------------------------------------------------------------------------- .npy
def _npy_header(fp: IO[bytes], name: str) -> tuple[ArrayInfo, bool, int]:
    """Parse an .npy header from ``fp``; return (info, fortran_order, header length in bytes)."""
    try:
        version = np.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp, max_header_size=_MAX_HEADER)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp, max_header_size=_MAX_HEADER)
        else:
            raise _Invalid(f"unsupported .npy format version {version}")
    except _Invalid:
        raise
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        raise _Invalid(f"bad .npy header for {name!r}: {exc}") from None
    dtype = _check_dtype(dtype, name)
    shape = _check_shape(shape, name)
    return ArrayInfo(name, dtype, shape, estimate_bytes(*shape, itemsize=dtype.itemsize)), bool(fortran), fp.tell()


def _read_into(fp: IO[bytes], dtype: np.dtype[Any], count: int, name: str) -> NDArray[Any]:
    """Read ``count`` items straight into a new array (no intermediate bytes copy)."""
    arr = np.empty(count, dtype=dtype)
    view = arr.view(np.uint8).data  # a memoryview of the array's bytes
    got = 0
    while got < view.nbytes:
        n = fp.readinto(view[got:])  # type: ignore[attr-defined]
        if not n:
            raise _Invalid(f"array {name!r} is truncated: {got} of {view.nbytes} bytes present")
        got += n
    return arr


def _read_npy_data(fp: IO[bytes], info: ArrayInfo, fortran: bool) -> NDArray[Any]:
    arr = _read_into(fp, info.dtype, math.prod(info.shape), info.name)
    if not arr.dtype.isnative:  # big-endian files load as native arrays of the same type
        arr = arr.astype(arr.dtype.newbyteorder("="))
    return arr.reshape(info.shape, order="F" if fortran else "C")


def _inspect_npy(p: Path) -> dict[str, ArrayInfo]:
    size = p.stat().st_size
    with open(p, "rb") as fp:
        info, _, offset = _npy_header(fp, p.name)
    if offset + info.nbytes > size:
        raise _Invalid(
            f"the header claims shape {info.shape} of {info.dtype} ({_human(info.nbytes)}) "
            f"but the file holds only {_human(size - offset)} of data"
        )
    return {p.name: info}


def _load_npy(p: Path, names: Iterable[str] | None, limit: float) -> dict[str, NDArray[Any]]:
    infos = _inspect_npy(p)
    _check_total(p, infos.values(), limit)
    with open(p, "rb") as fp:
        info, fortran, _ = _npy_header(fp, p.name)
        return {p.name: _read_npy_data(fp, info, fortran)}


# ------------------------------------------------------------------------------------- .npz
def _npz_members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    out = {}
    for zi in zf.infolist():
        if zi.is_dir():
            continue
        if not zi.filename.endswith(".npy"):
            raise _Invalid(f"member {zi.filename!r} is not an .npy array")
        out[zi.filename[:-4]] = zi
    return out


def _inspect_npz_open(p: Path, zf: zipfile.ZipFile) -> tuple[dict[str, ArrayInfo], dict[str, zipfile.ZipInfo]]:
    size = p.stat().st_size
    members = _npz_members(zf)
    infos = {}
    for name, zi in members.items():
        if zi.header_offset + zi.compress_size > size:
            raise _Invalid(f"member {name!r} extends past the end of the file")
        with zf.open(zi) as fp:
            info, _, offset = _npy_header(fp, name)
        if offset + info.nbytes > zi.file_size:
            raise _Invalid(
                f"array {name!r} claims shape {info.shape} of {info.dtype} "
                f"({_human(info.nbytes)}) but its member holds only {_human(zi.file_size - offset)}"
            )
        infos[name] = info
    return infos, members


def _inspect_npz(p: Path) -> dict[str, ArrayInfo]:
    with zipfile.ZipFile(p) as zf:
        return _inspect_npz_open(p, zf)[0]


def _load_npz(p: Path, names: Iterable[str] | None, limit: float) -> dict[str, NDArray[Any]]:
    with zipfile.ZipFile(p) as zf:
        infos, members = _inspect_npz_open(p, zf)
        wanted = _select(p, infos, names)
        _check_total(p, (infos[n] for n in wanted), limit)
        out = {}
        for name in wanted:
            with zf.open(members[name]) as fp:
                info, fortran, _ = _npy_header(fp, name)
                out[name] = _read_npy_data(fp, info, fortran)
        return out


# ------------------------------------------------------------------------------ .safetensors
def _safetensors_header(p: Path, fp: IO[bytes]) -> tuple[dict[str, ArrayInfo], dict[str, tuple[int, int, str]], int]:
    size = p.stat().st_size
    head = fp.read(8)
    if len(head) != 8:
        raise _Invalid("the file is shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", head)
    if n > _MAX_HEADER or 8 + n > size:
        raise _Invalid(f"the header length {n} exceeds the file ({size} bytes) or {_human(_MAX_HEADER)}")
    try:
        header = json.loads(fp.read(n).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Invalid(f"the JSON header does not parse: {exc}") from None
    if not isinstance(header, dict):
        raise _Invalid("the JSON header is not an object")
    data_size = size - 8 - n
    infos: dict[str, ArrayInfo] = {}
    offsets: dict[str, tuple[int, int, str]] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(entry, dict) or not {"dtype", "shape", "data_offsets"} <= set(entry):
            raise _Invalid(f"tensor {name!r}: the entry must give dtype, shape and data_offsets")
        code = entry["dtype"]
        if not isinstance(code, str) or code not in _SAFETENSORS_DTYPES:
            raise _Invalid(f"tensor {name!r}: unsupported dtype {code!r}")
        dtype = _SAFETENSORS_DTYPES[code]
        shape = _check_shape(entry["shape"], name)
        off = entry["data_offsets"]
        if (
            not isinstance(off, list)
            or len(off) != 2
            or any(isinstance(o, bool) or not isinstance(o, int) for o in off)
            or not 0 <= off[0] <= off[1]
        ):
            raise _Invalid(f"tensor {name!r}: invalid data_offsets {off!r}")
        nbytes = estimate_bytes(*shape, itemsize=dtype.itemsize)
        if off[1] - off[0] != nbytes:
            raise _Invalid(
                f"tensor {name!r}: shape {shape} of {code} needs {_human(nbytes)} "
                f"but data_offsets span {off[1] - off[0]} bytes"
            )
        if off[1] > data_size:
            raise _Invalid(
                f"tensor {name!r}: shape {shape} of {code} ({_human(nbytes)}) extends past the "
                f"end of the file ({_human(data_size)} of data)"
            )
        infos[name] = ArrayInfo(name, np.dtype(np.float32) if code == "BF16" else dtype, shape, nbytes)
        offsets[name] = (off[0], off[1], code)
    return infos, offsets, 8 + n


def _inspect_safetensors(p: Path) -> dict[str, ArrayInfo]:
    with open(p, "rb") as fp:
        return _safetensors_header(p, fp)[0]


def _load_safetensors(p: Path, names: Iterable[str] | None, limit: float) -> dict[str, NDArray[Any]]:
    with open(p, "rb") as fp:
        infos, offsets, start = _safetensors_header(p, fp)
        wanted = _select(p, infos, names)
        # bfloat16 doubles in memory once decoded to float32
        _check_total(
            p,
            (
                replace(i, nbytes=estimate_bytes(*i.shape, itemsize=i.dtype.itemsize))
                for i in (infos[n] for n in wanted)
            ),
            limit,
        )
        out = {}
        for name in wanted:
            lo, hi, code = offsets[name]
            fp.seek(start + lo)
            stored = _SAFETENSORS_DTYPES[code]
            arr = _read_into(fp, stored, (hi - lo) // stored.itemsize, name)
            if code == "BF16":
                arr = (arr.astype(np.uint32) << 16).view(np.float32)
            out[name] = arr.reshape(infos[name].shape)
        return out


# ----------------------------------------------------------------------------------- public
def _select(p: Path, infos: dict[str, ArrayInfo], names: Iterable[str] | None) -> list[str]:
    if names is None:
        return list(infos)
    wanted = [names] if isinstance(names, str) else list(names)
    for n in wanted:
        if not isinstance(n, str):
            raise TypeError(f"names must be strings, got {n!r} of type {type(n).__name__}")
        if n not in infos:
            raise KeyError(n)
    return wanted


def _check_total(p: Path, infos: Iterable[ArrayInfo], limit: float) -> None:
    infos = list(infos)
    total = sum(i.nbytes for i in infos)
    what = ", ".join(f"{i.name} {i.shape}" for i in infos[:3]) + (" ..." if len(infos) > 3 else "")
    try:
        check_memory(total, f"{p}: loading {what}", limit=limit)
    except ValueError as exc:
        raise _TooLarge(str(exc)) from None


_INSPECT = {".npy": _inspect_npy, ".npz": _inspect_npz, ".safetensors": _inspect_safetensors}
_LOAD = {".npy": _load_npy, ".npz": _load_npz, ".safetensors": _load_safetensors}
_ERRORS = (
    _Invalid,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    NotImplementedError,
    struct.error,
    OverflowError,
    RuntimeError,
)


def inspect_arrays(path: str | os.PathLike[str]) -> dict[str, ArrayInfo]:
    """The arrays a ``.npy``/``.npz``/``.safetensors`` file holds, from its headers only.

    Each header is checked against the file size: a shape that needs more bytes than the file
    holds is refused.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    dict of str to ArrayInfo
        In file order (``.npy``: one entry named after the file).

    Raises
    ------
    ValueError
        The file is missing, of another type, or not valid (truncated, damaged, pickled).

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.npz")
    >>> np.savez(p, W=np.zeros((3, 4)), b=np.arange(3))
    >>> {k: v.shape for k, v in inspect_arrays(p).items()}
    {'W': (3, 4), 'b': (3,)}
    """
    p = _check_path(path)
    suffix = _kind_of(p)
    try:
        return _INSPECT[suffix](p)
    except _ERRORS as exc:
        raise _invalid(p, suffix, exc) from None


def load_arrays(
    path: str | os.PathLike[str], names: str | Iterable[str] | None = None, *, limit: float = MEMORY_LIMIT_BYTES
) -> dict[str, NDArray[Any]]:
    """Load arrays from a ``.npy``, ``.npz`` or ``.safetensors`` file; never unpickles.

    Headers are validated against the file size before anything is read, and the total size of
    the requested arrays against ``limit``.

    Parameters
    ----------
    path : str or Path
    names : str or iterable of str, optional
        The arrays to load (default: all). ``.npy`` files hold one array, named after the file.
    limit : float
        Largest total size in bytes (default 4 GiB).

    Returns
    -------
    dict of str to ndarray
        ``bfloat16`` tensors are returned as ``float32``.

    Raises
    ------
    ValueError
        Missing file, unknown suffix, invalid file (``"<path>: not a valid .npz file (truncated
        or damaged): ..."``), or more than ``limit`` bytes.
    KeyError
        A requested name is not in the file (the message lists the available ones).

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.npz")
    >>> np.savez(p, W=np.eye(2), b=np.arange(3))
    >>> load_arrays(p, "b")["b"].tolist()
    [0, 1, 2]
    >>> with open(p, "r+b") as f:
    ...     _ = f.truncate(100)
    >>> load_arrays(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ...: not a valid .npz file (truncated or damaged): File is not a zip file
    """
    p = _check_path(path)
    suffix = _kind_of(p)
    try:
        return _LOAD[suffix](p, names, limit)
    except KeyError as exc:
        if isinstance(exc.args[0] if exc.args else None, str) and names is not None:
            available = sorted(_INSPECT[suffix](p))
            raise KeyError(f"{exc.args[0]!r} not found in {p.name}; available: {available[:20]}") from None
        raise _invalid(p, suffix, exc) from None
    except _TooLarge as exc:
        raise ValueError(str(exc)) from None
    except _ERRORS as exc:
        raise _invalid(p, suffix, exc) from None


def atomic_write(path: str | os.PathLike[str], content: bytes | Callable[[IO[bytes]], Any]) -> Path:
    """Write a file so that it is either complete or absent: never half-written.

    ``content`` (bytes, or a callable writing to a binary file object) goes to a temporary file in
    the target's folder, which is flushed to disk and then renamed onto ``path`` with
    :func:`os.replace` (atomic on POSIX and Windows). On any error the temporary file is removed
    and the previous file at ``path``, if any, is left as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write(folder / "a.bin", b"abc").read_bytes()
    b'abc'
    >>> atomic_write(folder / "b.bin", lambda fh: fh.write(b"xyz")).read_bytes()
    b'xyz'
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if callable(content):
                content(fh)
            else:
                fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target
