r"""Read and write sparse autoencoders in SAELens's folder layout (safetensors + ``cfg.json``).

A saved SAE is a folder holding

- ``sae_weights.safetensors`` with ``W_enc`` of shape ``(d_in, d_sae)``, ``b_enc (d_sae,)``,
  ``W_dec (d_sae, d_in)``, ``b_dec (d_in,)`` and, for JumpReLU, ``threshold (d_sae,)``;
- ``cfg.json`` with ``d_in``, ``d_sae``, ``architecture`` (``"standard"``, ``"topk"`` or
  ``"jumprelu"``), ``dtype``, ``device``, ``apply_b_dec_to_input`` (true), ``normalize_activations``
  (``"none"``), ``reshape_activations`` (``"none"``) and for TopK ``k`` (and
  ``rescale_acts_by_decoder_norm`` false, a field of newer SAELens versions),

the file and key names of SAELens v6 (``sae_lens/constants.py``: ``SAE_WEIGHTS_FILENAME``,
``SAE_CFG_FILENAME``; ``SAE.save_model`` and ``SAEConfig.to_dict`` in ``sae_lens/saes/sae.py``).
As in SAELens, BatchTopK and Matryoshka SAEs are saved as JumpReLU SAEs whose thresholds all equal
the global threshold. The toolkit adds a ``"theory"`` entry (kind, k, tied, bias, sparsity coefficient)
that SAELens ignores (its config loader keeps only its own fields), so a folder written here
round-trips exactly.

The toolkit's :class:`~theory.sparse_coding.SAE` stores the transposes (``W_enc (width, dim)``,
``W_dec (dim, width)``); the conversion happens here.

Loading never unpickles. The safetensors header (8-byte little-endian length, then JSON) is
checked against the file size and every tensor's byte range before any tensor is read.
"""

from __future__ import annotations

import json
import math
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory._io import atomic_write
from theory._validation import check_int
from theory.sparse_coding._checks import check_memory
from theory.sparse_coding.sae import SAE

__all__ = ["CFG_FILENAME", "WEIGHTS_FILENAME", "load_sae", "save_sae"]

#: SAELens's file names (``sae_lens.constants``)
WEIGHTS_FILENAME = "sae_weights.safetensors"
CFG_FILENAME = "cfg.json"

_ARCHITECTURE = {
    "relu": "standard",
    "topk": "topk",
    "jumprelu": "jumprelu",
    "batchtopk": "jumprelu",
    "matryoshka": "jumprelu",
}
_KIND_OF = {"standard": "relu", "topk": "topk", "jumprelu": "jumprelu"}
_ST_DTYPES: dict[str, np.dtype[Any]] = {"F16": np.dtype("<f2"), "F32": np.dtype("<f4"), "F64": np.dtype("<f8")}
_MAX_HEADER = 100 * 2**20
_MAX_CFG = 2**20


def _safetensors() -> Any:
    try:
        import safetensors.numpy as st
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "reading and writing SAEs needs the 'safetensors' package: "
            "pip install 'superposition-theory[io]' (or pip install safetensors)"
        ) from None
    return st


def _check_path(path: Any) -> Path:
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path-like folder, got {path!r} of type {type(path).__name__}")
    return Path(path)


def save_sae(sae: SAE, path: str | os.PathLike[str]) -> Path:
    """Write ``sae`` to the folder ``path`` in SAELens's layout (created if needed; files replaced).

    Both files are written atomically (a temporary file in the same folder, then ``os.replace``).

    Parameters
    ----------
    sae : SAE
    path : str or path-like
        The folder.

    Returns
    -------
    Path
        The folder.

    Examples
    --------
    >>> import tempfile
    >>> sae = SAE(W_enc=np.eye(2, 3), b_enc=np.zeros(2), W_dec=np.eye(3, 2), b_dec=np.zeros(3),
    ...           kind="topk", k=1)
    >>> folder = save_sae(sae, tempfile.mkdtemp() + "/my_sae")
    >>> sorted(p.name for p in folder.iterdir())
    ['cfg.json', 'sae_weights.safetensors']
    >>> back = load_sae(folder)
    >>> back.kind, back.k, bool(np.array_equal(back.W_dec, sae.W_dec))
    ('topk', 1, True)

    References
    ----------
    .. [1] Bloom, J. et al. (2024). SAELens. https://github.com/jbloomAus/SAELens
    """
    if not isinstance(sae, SAE):
        raise TypeError(f"sae must be an SAE, got {type(sae).__name__}")
    folder = _check_path(path)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"path {str(folder)!r} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    st = _safetensors()
    dt = sae.W_dec.dtype
    tensors = {
        "W_enc": np.ascontiguousarray(sae.W_enc.T),
        "b_enc": np.ascontiguousarray(sae.b_enc),
        "W_dec": np.ascontiguousarray(sae.W_dec.T),
        "b_dec": np.ascontiguousarray(sae.b_dec),
    }
    if sae.threshold is not None:
        tensors["threshold"] = np.ascontiguousarray(sae.threshold)
    tensors = {key: val.astype(dt, copy=False) for key, val in tensors.items()}
    cfg: dict[str, Any] = {
        "d_in": sae.dim,
        "d_sae": sae.width,
        "dtype": np.dtype(dt).name,
        "device": "cpu",
        "apply_b_dec_to_input": True,
        "normalize_activations": "none",
        "reshape_activations": "none",
        "architecture": _ARCHITECTURE[sae.kind],
        "theory": {
            "kind": sae.kind,
            "k": sae.k,
            "tied": sae.tied,
            "bias": sae.bias,
            "sparsity_coefficient": sae.sparsity_coefficient,
        },
    }
    if sae.kind == "topk":
        cfg["k"] = sae.k
        cfg["rescale_acts_by_decoder_norm"] = False
    atomic_write(folder / WEIGHTS_FILENAME, st.save(tensors))
    atomic_write(folder / CFG_FILENAME, (json.dumps(cfg, indent=2) + "\n").encode())
    return folder


def _cfg_int(value: Any, name: str, *, maximum: int | None = None) -> int:
    """``check_int`` for a value read from ``cfg.json``: a wrong type is a bad file, so a ``ValueError``."""
    try:
        return check_int(value, name, minimum=1, maximum=maximum)
    except TypeError as exc:
        raise ValueError(str(exc)) from None


def _read_cfg(path: Path) -> dict[str, Any]:
    size = path.stat().st_size
    if size > _MAX_CFG:
        raise ValueError(f"{path}: cfg.json is {size} bytes, more than a config needs ({_MAX_CFG}); refusing it")
    try:
        cfg = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cfg.json is not valid JSON ({exc})") from None
    if not isinstance(cfg, dict):
        raise ValueError(f"{path}: cfg.json must hold a JSON object, got {type(cfg).__name__}")
    for key in ("d_in", "d_sae"):
        if key not in cfg:
            raise ValueError(f"{path}: cfg.json has no {key!r}")
        _cfg_int(cfg[key], f"cfg.json {key}")
    arch = cfg.get("architecture", "standard")
    if arch not in _KIND_OF:
        raise ValueError(f"{path}: cfg.json architecture {arch!r} is not supported; expected one of {tuple(_KIND_OF)}")
    if cfg.get("apply_b_dec_to_input", True) is not True:
        raise ValueError(
            f"{path}: cfg.json apply_b_dec_to_input={cfg['apply_b_dec_to_input']!r}; only SAEs that "
            f"subtract b_dec before encoding (true) are supported"
        )
    if cfg.get("normalize_activations", "none") not in ("none", None, False):
        raise ValueError(
            f"{path}: cfg.json normalize_activations={cfg['normalize_activations']!r}; only 'none' is supported"
        )
    if cfg.get("reshape_activations", "none") not in ("none", None):
        raise ValueError(
            f"{path}: cfg.json reshape_activations={cfg['reshape_activations']!r}; only 'none' is supported"
        )
    if cfg.get("rescale_acts_by_decoder_norm", False) not in (False, None):
        raise ValueError(
            f"{path}: cfg.json rescale_acts_by_decoder_norm={cfg['rescale_acts_by_decoder_norm']!r}; "
            f"only SAEs whose codes are not rescaled by decoder norms are supported"
        )
    if "dtype" in cfg and str(cfg["dtype"]).removeprefix("torch.") not in ("float16", "float32", "float64"):
        raise ValueError(f"{path}: cfg.json dtype {cfg['dtype']!r} is not supported (float16/32/64)")
    return cfg


def _read_safetensors(path: Path) -> dict[str, NDArray[Any]]:
    """Validate the header of a safetensors file against its size, then read it."""
    size = path.stat().st_size
    if size < 8:
        raise ValueError(f"{path}: truncated safetensors file ({size} bytes; the 8-byte header length is missing)")
    with open(path, "rb") as fh:
        (n,) = struct.unpack("<Q", fh.read(8))
        if n > size - 8:
            raise ValueError(
                f"{path}: safetensors header claims {n} bytes but the file has only {size - 8} "
                f"after the length field (truncated or corrupt)"
            )
        if n > _MAX_HEADER:
            raise ValueError(f"{path}: safetensors header of {n} bytes is implausibly large; refusing it")
        raw = fh.read(n)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: safetensors header is not valid JSON ({exc})") from None
    if not isinstance(header, dict):
        raise ValueError(f"{path}: safetensors header must be a JSON object")
    data_len = size - 8 - n
    spans = []
    total = 0
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if not (isinstance(info, dict) and {"dtype", "shape", "data_offsets"} <= set(info)):
            raise ValueError(f"{path}: tensor {name!r} has a malformed header entry {info!r}")
        if info["dtype"] not in _ST_DTYPES:
            raise ValueError(f"{path}: tensor {name!r} has dtype {info['dtype']!r}; supported: {tuple(_ST_DTYPES)}")
        shape, offs = info["shape"], info["data_offsets"]
        if not (
            isinstance(shape, list) and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape)
        ):
            raise ValueError(f"{path}: tensor {name!r} has an invalid shape {shape!r}")
        if not (
            isinstance(offs, list)
            and len(offs) == 2
            and all(isinstance(o, int) and not isinstance(o, bool) for o in offs)
        ):
            raise ValueError(f"{path}: tensor {name!r} has invalid data_offsets {offs!r}")
        nbytes = math.prod(shape) * _ST_DTYPES[info["dtype"]].itemsize
        begin, end = offs
        if not 0 <= begin <= end <= data_len:
            raise ValueError(
                f"{path}: tensor {name!r} claims bytes [{begin}, {end}) but the data section has "
                f"{data_len} bytes (truncated or corrupt)"
            )
        if end - begin != nbytes:
            raise ValueError(
                f"{path}: tensor {name!r} of shape {tuple(shape)} and dtype {info['dtype']} needs "
                f"{nbytes} bytes but its data_offsets span {end - begin}"
            )
        spans.append((begin, end, name))
        total += nbytes
    spans.sort()
    for (_, e0, a), (b1, _, b) in zip(spans, spans[1:], strict=False):
        if b1 < e0:
            raise ValueError(f"{path}: tensors {a!r} and {b!r} overlap in the data section")
    check_memory(total, f"{path}: the tensors")
    st = _safetensors()
    try:
        return dict(st.load(path.read_bytes()))
    except Exception as exc:  # the library's own checks (e.g. gaps in the data section)
        raise ValueError(f"{path}: not a valid safetensors file ({exc})") from None


def load_sae(path: str | os.PathLike[str]) -> SAE:
    """Read an SAE from a folder in SAELens's layout (see the module docstring).

    Parameters
    ----------
    path : str or path-like
        The folder holding ``sae_weights.safetensors`` and ``cfg.json``.

    Returns
    -------
    SAE
        ``standard`` → ``"relu"``, ``topk`` → ``"topk"``, ``jumprelu`` → ``"jumprelu"`` (or
        ``"batchtopk"``/``"matryoshka"`` when the toolkit wrote it), weights transposed into the
        toolkit's shapes.

    Raises
    ------
    FileNotFoundError
        The folder or one of its two files is missing.
    ValueError
        A truncated or malformed file, a header inconsistent with the file size, a ``cfg.json``
        disagreeing with the tensors, missing, extra, wrong-shaped or transposed tensors, NaN/inf
        weights, or settings this toolkit does not implement.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "cfg.json").write_text('{"d_in": 3, "d_sae": 2}')
    >>> _ = (folder / "sae_weights.safetensors").write_bytes(b"\\x10\\x00")
    >>> load_sae(folder)
    Traceback (most recent call last):
    ...
    ValueError: ...truncated safetensors file (2 bytes; the 8-byte header length is missing)

    References
    ----------
    .. [1] Bloom, J. et al. (2024). SAELens. https://github.com/jbloomAus/SAELens
    """
    folder = _check_path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"SAE folder {str(folder)!r} does not exist")
    for fname in (CFG_FILENAME, WEIGHTS_FILENAME):
        if not (folder / fname).is_file():
            raise FileNotFoundError(f"{folder} has no {fname}")
    cfg = _read_cfg(folder / CFG_FILENAME)
    tensors = _read_safetensors(folder / WEIGHTS_FILENAME)
    d_in, d_sae, arch = int(cfg["d_in"]), int(cfg["d_sae"]), cfg.get("architecture", "standard")
    wanted = {"W_enc": (d_in, d_sae), "b_enc": (d_sae,), "W_dec": (d_sae, d_in), "b_dec": (d_in,)}
    if arch == "jumprelu":
        wanted["threshold"] = (d_sae,)
    missing = sorted(set(wanted) - set(tensors))
    if missing:
        raise ValueError(f"{folder}: sae_weights.safetensors lacks {missing} (architecture {arch!r})")
    extra = sorted(set(tensors) - set(wanted))
    if extra:
        raise ValueError(f"{folder}: sae_weights.safetensors has unexpected tensors {extra} for architecture {arch!r}")
    for name, shape in wanted.items():
        got = tuple(tensors[name].shape)
        if got != shape:
            hint = (
                " (it looks transposed: SAELens stores W_enc as (d_in, d_sae) and W_dec as (d_sae, d_in))"
                if len(shape) == 2 and got == shape[::-1]
                else ""
            )
            raise ValueError(
                f"{folder}: {name} has shape {got} but cfg.json (d_in={d_in}, d_sae={d_sae}) implies {shape}{hint}"
            )
        bad = int(tensors[name].size - np.count_nonzero(np.isfinite(tensors[name])))
        if bad:
            raise ValueError(f"{folder}: {name} contains {bad} NaN/inf entries")
    dtypes = {np.dtype(t.dtype).name for t in tensors.values()}
    if len(dtypes) != 1:
        raise ValueError(f"{folder}: tensors have mixed dtypes {sorted(dtypes)}")
    dtype = dtypes.pop()
    if "dtype" in cfg and str(cfg["dtype"]).removeprefix("torch.") != dtype:
        raise ValueError(f"{folder}: cfg.json dtype {cfg['dtype']!r} disagrees with the tensors' dtype {dtype!r}")
    theory_cfg = cfg.get("theory")
    extra_cfg: dict[str, Any] = theory_cfg if isinstance(theory_cfg, dict) else {}
    kind = _KIND_OF[arch]
    k = None
    if arch == "topk":
        if "k" not in cfg:
            raise ValueError(f"{folder}: cfg.json has architecture 'topk' but no 'k'")
        k = _cfg_int(cfg["k"], "cfg.json k", maximum=d_sae)
    own = extra_cfg.get("kind")
    if own is not None:
        if own not in _ARCHITECTURE or _ARCHITECTURE[own] != arch:
            raise ValueError(f"{folder}: cfg.json theory.kind {own!r} disagrees with architecture {arch!r}")
        kind = own
        if own in ("batchtopk", "matryoshka"):
            k = _cfg_int(extra_cfg.get("k"), "cfg.json theory.k", maximum=d_sae)
        if own == "topk" and extra_cfg.get("k") not in (None, k):
            raise ValueError(f"{folder}: cfg.json theory.k {extra_cfg.get('k')!r} disagrees with k {k!r}")
    tied = extra_cfg.get("tied", False)
    if not isinstance(tied, bool):
        raise ValueError(f"{folder}: cfg.json theory.tied must be true or false, got {tied!r}")
    bias = extra_cfg.get("bias", True)
    if not isinstance(bias, bool):
        raise ValueError(f"{folder}: cfg.json theory.bias must be true or false, got {bias!r}")
    if not bias and (np.any(tensors["b_enc"]) or np.any(tensors["b_dec"])):
        raise ValueError(f"{folder}: cfg.json theory.bias is false but b_enc or b_dec is not zero")
    coef = extra_cfg.get("sparsity_coefficient")
    if coef is not None and not (isinstance(coef, (int, float)) and not isinstance(coef, bool) and math.isfinite(coef)):
        raise ValueError(f"{folder}: cfg.json theory.sparsity_coefficient must be a finite number, got {coef!r}")
    return SAE(
        W_enc=tensors["W_enc"].T.copy(),
        b_enc=tensors["b_enc"].copy(),
        W_dec=tensors["W_dec"].T.copy(),
        b_dec=tensors["b_dec"].copy(),
        kind=kind,
        k=k,
        threshold=tensors["threshold"].copy() if "threshold" in tensors else None,
        tied=tied,
        bias=bias,
        sparsity_coefficient=None if coef is None else float(coef),
        info={"source": str(folder), "architecture": arch},
    )
