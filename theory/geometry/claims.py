"""Claims of the geometry area, checked by ``theory verify``.

Every claim is confronted where it is (nearly) tight: besides random frames, the measurements
include equiangular tight frames and numerically optimised packings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from typing import Any

import numpy as np

from theory._references import cite
from theory._validation import check_int
from theory.geometry.bounds import WELCH_CITATION, coherence_lower_bound, welch_bound
from theory.geometry.frames import coherence
from theory.verify.claim import Claim

__all__ = ["claims", "extremal_frame", "random_unit_frames"]


def random_unit_frames(dim: int, n: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` frames of ``n`` iid uniform unit vectors in ``R^dim``; shape ``(count, dim, n)``."""
    X = rng.standard_normal((count, dim, n))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def batched_coherence(frames: np.ndarray) -> np.ndarray:
    """Coherence of each frame in a batch of unit-column frames, shape ``(count, dim, n)``."""
    G = np.abs(np.einsum("bdi,bdj->bij", frames, frames))
    idx = np.arange(frames.shape[2])
    G[:, idx, idx] = 0.0
    return G.max(axis=(1, 2))


@lru_cache(maxsize=64)
def extremal_frame(dim: int, n: int) -> np.ndarray:
    """A frame of ``n`` lines in ``R^dim`` with (nearly) minimal coherence: a known ETF or
    orthoplex configuration when one exists, else a quick deterministic optimised packing.
    Shape ``(dim, n)``; cached."""
    from theory.geometry.constructions import paley_etf, simplex, steiner_etf
    from theory.geometry.packing import PACK_PRESETS, pack

    known: dict[tuple[int, int], Callable[[], np.ndarray]] = {(d, d + 1): partial(simplex, d) for d in range(1, 30)}
    known.update(
        {
            (3, 6): lambda: paley_etf(5),
            (7, 14): lambda: paley_etf(13),
            (9, 18): lambda: paley_etf(17),
            (7, 28): lambda: steiner_etf("fano"),
            (6, 16): lambda: steiner_etf("k4"),
        }
    )
    if (dim, n) in known:
        return known[(dim, n)]()
    P = pack(dim=dim, n=n, rng=0, **PACK_PRESETS["reproducible"])
    return P.frame


def _validate_n_dim(params: Mapping[str, Any]) -> None:
    dim = check_int(params.get("dim"), "dim", minimum=1)
    n = check_int(params.get("n"), "n", minimum=2)
    if n <= dim:
        raise ValueError(f"the claim needs n > dim, got n={n}, dim={dim}")


@lru_cache(maxsize=64)
def _extremal_coherence(dim: int, n: int) -> float:
    return coherence(extremal_frame(dim, n))


def _coherence_samples(params: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    frames = random_unit_frames(params["dim"], params["n"], 16, rng)
    return np.concatenate([batched_coherence(frames), [_extremal_coherence(params["dim"], params["n"])]])


# ---- ETFs: coherence equals Welch (upper side; the lower side is geometry.welch)

_ETFS: dict[str, tuple[str, Any]] = {
    "simplex5": ("simplex", 5),
    "paley5": ("paley", 5),
    "paley13": ("paley", 13),
    "paley17": ("paley", 17),
    "fano": ("steiner", "fano"),
    "k4": ("steiner", "k4"),
    "k8": ("steiner", "k8"),
    "fano_naimark": ("naimark", "fano"),
}


def _etf(name: str) -> np.ndarray:
    from theory.geometry.constructions import naimark_complement, paley_etf, simplex, steiner_etf

    kind, arg = _ETFS[name]
    if kind == "simplex":
        return simplex(arg)
    if kind == "paley":
        return paley_etf(arg)
    if kind == "steiner":
        return steiner_etf(arg)
    return naimark_complement(steiner_etf(arg))


def _validate_etf(params: Mapping[str, Any]) -> None:
    if params.get("etf") not in _ETFS:
        raise ValueError(f"etf must be one of {sorted(_ETFS)}, got {params.get('etf')!r}")


def _etf_welch(params: Mapping[str, Any]) -> float:
    dim, n = _etf(params["etf"]).shape
    return welch_bound(n=n, dim=dim).value


def _etf_coherence(params: Mapping[str, Any], rng: np.random.Generator) -> float:
    from theory.geometry.frames import coherence

    return coherence(_etf(params["etf"]))


# ---- Delsarte LP: no construction or packing exceeds it


def _lp_system(params: Mapping[str, Any]) -> tuple[int, int, float]:
    """(dim, n, coherence) of the line system named by ``params``; realified MUB frames are
    described from their structure (``mub_frame(383)`` has 226 million entries)."""
    from theory.geometry.constructions import mub_frame_coherence
    from theory.geometry.frames import coherence

    if "mub" in params:
        p = int(params["mub"])
        return 2 * p, 2 * p * (p + 1), mub_frame_coherence(p)
    W = _etf(params["etf"]) if "etf" in params else extremal_frame(int(params["dim"]), int(params["n"]))
    return W.shape[0], W.shape[1], coherence(W)


def _lp_count(params: Mapping[str, Any]) -> float:
    from theory.geometry.delsarte import delsarte_lp_bound

    dim, _, mu = _lp_system(params)
    lp = delsarte_lp_bound(dim=dim, max_cos=min(mu + 1e-9, 0.999999), lines=True, degree=params.get("degree", 4))
    if not lp.rigorous:
        raise ValueError(f"the Delsarte certificate could not be verified exactly at {dict(params)}")
    return float(lp.count)


def _lp_measure(params: Mapping[str, Any], rng: np.random.Generator) -> float:
    return float(_lp_system(params)[1])


def _validate_lp(params: Mapping[str, Any]) -> None:
    from theory.geometry.constructions import _is_prime

    if "mub" in params:
        p = params["mub"]
        if not isinstance(p, int) or p < 3 or not _is_prime(p):
            raise ValueError(f"mub must be an odd prime, got {p!r}")
    elif "etf" in params:
        _validate_etf(params)
    else:
        _validate_n_dim(params)


# ---- Frame potential


def _fp_measure(params: Mapping[str, Any], rng: np.random.Generator) -> np.ndarray:
    frames = random_unit_frames(params["dim"], params["n"], 16, rng)
    G = np.einsum("bdi,bdj->bij", frames, frames)
    fp = np.sum(G * G, axis=(1, 2))
    W = extremal_frame(params["dim"], params["n"])
    G1 = W.T @ W
    return np.concatenate([fp, [np.sum(G1 * G1)]])


def claims() -> list[Claim]:
    """The geometry claims."""
    lp_params = (
        [{"etf": e} for e in ("paley5", "paley13", "fano", "k4")]
        + [{"dim": 3, "n": n} for n in (5, 8, 10)]
        + [{"mub": 5}, {"mub": 7}, {"mub": 383, "degree": 8}]
    )
    return [
        Claim(
            id="geometry.welch",
            statement=(
                "The coherence of any n unit vectors in R^dim (n > dim) is at least the "
                "Welch bound sqrt((n - dim) / (dim (n - 1))). Measured on random frames "
                "and on an extremal frame (an ETF when one exists, else an optimised "
                "packing), where the bound is tight or nearly so."
            ),
            latex=r"\max_{i\neq j}|\langle w_i,w_j\rangle| \ge \sqrt{\frac{n-d}{d(n-1)}}",
            citation=WELCH_CITATION,
            domain="integers 1 <= dim < n",
            validate=_validate_n_dim,
            bound=lambda p: welch_bound(n=p["n"], dim=p["dim"]).value,
            measure=_coherence_samples,
            relation=">=",
            quantity="coherence (max |cos| over pairs)",
            unit="dimensionless",
            params=[{"dim": d, "n": n} for d in (3, 5, 7) for n in (d + 1, 2 * d, 4 * d)]
            + [{"dim": 6, "n": 16}, {"dim": 9, "n": 18}],  # (5, 10) is already in the grid
            quick_params=[
                {"dim": 3, "n": 4},
                {"dim": 3, "n": 6},
                {"dim": 3, "n": 12},
                {"dim": 6, "n": 7},
                {"dim": 7, "n": 14},
            ],
            trials=256,
            quick_trials=64,
            proof="welch",
            figure="welch_check",
            tags=("geometry", "bound"),
        ),
        Claim(
            id="geometry.best_lower_bound",
            statement=(
                "The coherence of any n unit vectors in R^dim is at least the largest of "
                "the Welch, higher-order Welch, orthoplex, Levenshtein and Bukh-Cox "
                "bounds. Measured on random frames and on an extremal frame."
            ),
            latex=r"\mu(W) \ge \max(\text{Welch}_t, \text{orthoplex}, \text{Levenshtein}, \text{Bukh--Cox})",
            citation=(cite("welch1974", "conway1996", "levenshtein1982", "bukh_cox2020")),
            domain="integers 1 <= dim < n",
            validate=_validate_n_dim,
            bound=lambda p: coherence_lower_bound(n=p["n"], dim=p["dim"]).value,
            measure=_coherence_samples,
            relation=">=",
            quantity="coherence (max |cos| over pairs)",
            unit="dimensionless",
            params=[{"dim": 3, "n": n} for n in (5, 7, 8, 10, 16)] + [{"dim": 4, "n": 12}, {"dim": 5, "n": 16}],
            quick_params=[{"dim": 3, "n": 5}, {"dim": 3, "n": 7}],
            trials=128,
            quick_trials=32,
            tags=("geometry", "bound"),
        ),
        Claim(
            id="geometry.etf_attains_welch",
            statement=(
                "Equiangular tight frames (simplex, Paley, Steiner, Naimark complements) "
                "attain the Welch bound: their coherence is at most (hence equal to) it."
            ),
            latex=r"\mu(\text{ETF}) \le \sqrt{\frac{n-d}{d(n-1)}}",
            citation=(cite("fickus2012", "strohmer_heath2003")),
            domain=f"etf in {sorted(_ETFS)}",
            validate=_validate_etf,
            bound=_etf_welch,
            measure=_etf_coherence,
            relation="<=",
            quantity="coherence (max |cos| over pairs)",
            unit="dimensionless",
            params=[{"etf": e} for e in _ETFS],
            quick_params=[{"etf": e} for e in ("paley13", "fano", "fano_naimark")],
            trials=1,
            quick_trials=1,
            rtol=1e-10,
            proof="welch_etf",
            tags=("geometry", "construction"),
        ),
        Claim(
            id="geometry.delsarte_upper",
            statement=(
                "No system of lines exceeds the exactly certified Delsarte LP bound at its "
                "own coherence. Measured on ETFs (where the bound is attained), on "
                "optimised packings and on realified mutually unbiased bases (up to "
                "294,144 lines in R^766)."
            ),
            latex=r"n \le \min_f f(1)/f_0,\ f\le 0 \text{ on } [-\mu,\mu]",
            citation=(cite("delsarte1977")),
            domain="an ETF name, an odd prime mub, or integers 1 <= dim < n",
            validate=_validate_lp,
            bound=_lp_count,
            measure=_lp_measure,
            relation="<=",
            quantity="number of lines",
            unit="lines",
            params=lp_params,
            quick_params=[{"etf": "paley5"}, {"etf": "fano"}, {"mub": 7}],
            trials=1,
            quick_trials=1,
            proof="delsarte_relative",
            tags=("geometry", "bound", "lp"),
        ),
        Claim(
            id="geometry.frame_potential",
            statement=(
                "The frame potential of n unit vectors in R^dim (n >= dim) is at least "
                "n^2/dim, with equality for unit-norm tight frames."
            ),
            latex=r"\lVert W^\top W\rVert_F^2 \ge n^2/d",
            citation=(cite("benedetto_fickus2003")),
            domain="integers 1 <= dim < n",
            validate=_validate_n_dim,
            bound=lambda p: p["n"] ** 2 / p["dim"],
            measure=_fp_measure,
            relation=">=",
            quantity="frame potential (sum of squared Gram entries)",
            unit="dimensionless",
            params=[{"dim": d, "n": n} for d in (3, 5, 7) for n in (d + 1, 2 * d)] + [{"dim": 7, "n": 28}],
            quick_params=[{"dim": 3, "n": 6}, {"dim": 7, "n": 14}],
            trials=64,
            quick_trials=32,
            rtol=1e-9,
            proof="frame_potential",
            tags=("geometry", "bound"),
        ),
    ]
