"""``theory sae``: ground-truth presets, SAE training, scoring and benchmarks against the truth."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from typing import Any

#: Preset names accepted on the command line -> (function name in theory.sparse_coding, kwargs).
PRESETS: dict[str, tuple[str, dict[str, Any]]] = {
    "sharkey2022": ("sharkey2022", {}),
    "sharkey2022-correlated": ("sharkey2022", {"correlated": True}),
    "oneill2024": ("oneill2024", {}),
    "synthsaebench-16k": ("synth_sae_bench", {"size": "16k"}),
    "synthsaebench-cpu": ("synth_sae_bench", {"size": "cpu"}),
}
_KINDS = ("relu", "topk", "batchtopk", "jumprelu", "matryoshka")
_K_KINDS = ("topk", "batchtopk", "matryoshka")  # the kinds that take --k
#: File written next to the SAELens files by ``theory sae train --out``: what the SAE was trained on.
TRAINING_FILE = "theory_training.json"
_BENCH_COLUMNS = ("f1", "mcc", "uniqueness", "explained_variance", "l0")


def register(sub: argparse._SubParsersAction) -> None:
    presets = ", ".join(PRESETS)
    p = sub.add_parser(
        "sae",
        help="sparse autoencoders against ground truth (train, eval, bench)",
        description="Describe ground-truth presets and export their data, train sparse "
        "autoencoders on them, and score SAEs (SAELens layout) against the truth: "
        "MCC, F1, explained variance, ... and the decoder's certificates.",
    )
    ssub = p.add_subparsers(dest="sae_command", metavar="ACTION")

    t = ssub.add_parser(
        "truth",
        help="describe a ground-truth preset; optionally export batches",
        description=f"Describe a ground-truth preset ({presets}): sizes, exact E[L0] and "
        "E|x|^2, coherence. With --out, write activations and codes for training "
        "elsewhere (.npz or .safetensors).",
    )
    t.add_argument("preset", metavar="PRESET", help=f"one of: {presets}")
    t.add_argument("--out", metavar="FILE", help="write batches here (.npz or .safetensors; default: write nothing)")
    t.add_argument("--batches", type=int, default=1, help="batches to export (default: %(default)s)")
    t.add_argument("--batch", type=int, default=4096, help="samples per batch (default: %(default)s)")
    t.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        default="float32",
        help="float type of the exported arrays (default: %(default)s)",
    )
    t.add_argument("--no-codes", action="store_true", help="export the activations only, not the true codes")
    _common(t, seed_help="seed of the exported samples")
    t.add_argument("--json", action="store_true", help="print the description as JSON")
    t.set_defaults(func=run_truth)

    tr = ssub.add_parser(
        "train",
        help="train one SAE on a preset, save it (SAELens layout), print its score",
        description="Train one sparse autoencoder on samples of a ground-truth preset "
        "(progress on stderr), optionally save it in SAELens's folder layout, "
        "and print its score against the truth on a fresh batch drawn with seed "
        "SEED+1 (what 'theory sae eval' draws by default).",
    )
    tr.add_argument("preset", metavar="PRESET", help=f"one of: {presets}")
    _training(tr)
    tr.add_argument("--out", metavar="DIR", help="save the SAE in this folder (default: save nothing)")
    _scoring(tr)
    _common(tr, seed_help="seed of the initialisation and the training batches")
    tr.add_argument("--json", action="store_true", help="print the score as JSON")
    tr.set_defaults(func=run_train)

    ev = ssub.add_parser(
        "eval",
        help="score a saved SAE (SAELens layout) against a preset",
        description="Load an SAE folder in SAELens's layout (sae_weights.safetensors + "
        "cfg.json) and print every ground-truth metric and the decoder's "
        "certificates.",
    )
    ev.add_argument("path", metavar="PATH", help="the SAE folder")
    ev.add_argument(
        "--truth",
        metavar="PRESET",
        help=f"the ground truth ({presets}; default: the one recorded by 'theory sae train')",
    )
    _scoring(ev)
    ev.add_argument(
        "--truth-seed",
        type=int,
        default=None,
        help="seed of the preset's dictionary (default: the recorded one, else 0)",
    )
    ev.add_argument("--seed", type=int, default=1, help="seed of the scoring batch (default: %(default)s)")
    ev.add_argument("--json", action="store_true", help="print the score as JSON")
    ev.set_defaults(func=run_eval)

    b = ssub.add_parser(
        "bench",
        help="train several SAE kinds on a preset and tabulate their scores",
        description="Train each SAE kind (seeds batched) on a ground-truth preset and print "
        "F1, MCC, uniqueness, explained variance and L0 per kind and seed, with "
        "the mean over seeds. Every SAE is scored on the same fresh batch (seed "
        "SEED+1).",
    )
    b.add_argument("--truth", metavar="PRESET", required=True, help=f"the ground truth ({presets})")
    b.add_argument(
        "--kinds",
        default="relu,topk,batchtopk,jumprelu,matryoshka",
        help="comma-separated SAE kinds (default: %(default)s)",
    )
    b.add_argument("--width", type=int, required=True, help="latents per SAE")
    b.add_argument(
        "--seeds", type=int, default=1, help="initialisations per kind, trained at once (default: %(default)s)"
    )
    b.add_argument(
        "--k",
        type=int,
        default=None,
        help="latents per input for topk/batchtopk/matryoshka (default: the truth's E[L0] rounded)",
    )
    b.add_argument("--l1", type=float, default=0.1, help="L1 coefficient for relu (default: %(default)s)")
    b.add_argument("--l0", type=float, default=0.01, help="L0 coefficient for jumprelu (default: %(default)s)")
    _optimisation(b)
    _scoring(b)
    _common(b, seed_help="seed of the initialisations and the training batches")
    b.add_argument("--out", metavar="FILE.json", help="write every score as JSON here (default: write nothing)")
    b.add_argument("--figure", metavar="FILE", help="draw the metric table (pdf/svg/png; default: draw nothing)")
    b.add_argument("--json", action="store_true", help="print the scores as JSON instead of the table")
    b.set_defaults(func=run_bench)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _common(p: argparse.ArgumentParser, *, seed_help: str) -> None:
    p.add_argument("--truth-seed", type=int, default=0, help="seed of the preset's dictionary (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, help=f"{seed_help} (default: %(default)s)")


def _training(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kind", choices=_KINDS, default="topk", help="SAE architecture (default: %(default)s)")
    p.add_argument("--width", type=int, required=True, help="number of latents")
    p.add_argument("--l1", type=float, default=None, help="relu: L1 coefficient (default: 0.1)")
    p.add_argument(
        "--k",
        type=int,
        default=None,
        help="topk/batchtopk/matryoshka: latents per input (default: the truth's E[L0] rounded)",
    )
    p.add_argument("--l0", type=float, default=None, help="jumprelu: L0 coefficient (default: 0.01)")
    _optimisation(p)


def _optimisation(p: argparse.ArgumentParser) -> None:
    """Training-loop flags shared by ``theory sae train`` and ``theory sae bench``."""
    p.add_argument("--steps", type=int, default=2000, help="training steps (default: %(default)s)")
    p.add_argument("--batch-size", type=int, default=256, help="training batch size (default: %(default)s)")
    p.add_argument("--lr", type=float, default=1e-3, help="peak learning rate (default: %(default)s)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    p.add_argument(
        "--no-bias",
        action="store_true",
        help="train without encoder/decoder biases (O'Neill et al. 2024's SAE; default: with biases)",
    )
    p.add_argument(
        "--normalize",
        choices=("none", "expected_norm", "unit_mean_squared_norm"),
        default="none",
        help="scale the inputs while training (expected_norm: mean norm sqrt(dim), as SAELens; "
        "unit_mean_squared_norm: E|x|^2 = 1); folded into the saved weights (default: %(default)s)",
    )
    p.add_argument(
        "--jumprelu-threshold",
        type=_number_or_auto,
        default=1e-3,
        metavar="THETA",
        help="jumprelu: initial threshold, in the (scaled) units the optimiser sees, or 'auto' (half the "
        "RMS input coordinate of the first batch; use it when that is much larger than the default) "
        "(default: %(default)s, SAELens's)",
    )
    p.add_argument(
        "--jumprelu-bandwidth",
        type=_number_or_auto,
        default=1e-3,
        metavar="EPS",
        help="jumprelu: width of the straight-through estimator's kernel, or 'auto' (default: %(default)s)",
    )


def _number_or_auto(text: str) -> float | str:
    """A command-line value that is a number or the word ``auto``."""
    if text == "auto":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', got {text!r}") from None


def _scoring(p: argparse.ArgumentParser) -> None:
    p.add_argument("--eval-batch", type=int, default=4096, help="samples drawn to score (default: %(default)s)")


def _truth(name: str | None, seed: int) -> Any:
    from theory import sparse_coding as sc

    if name is None:
        raise ValueError("no ground truth given: pass --truth PRESET")
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; presets: {', '.join(PRESETS)}")
    _check_seed(seed, "--truth-seed")
    fn, kwargs = PRESETS[name]
    return getattr(sc, fn)(**kwargs, rng=seed)


def _check_seed(seed: int, flag: str = "--seed") -> None:
    if seed < 0:
        raise ValueError(f"{flag} must be a non-negative integer, got {seed}")


def _positive_real(value: float | str, flag: str) -> float | str:
    if value == "auto":
        return value
    assert isinstance(value, float)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{flag} must be a positive finite number, got {value}")
    return value


def _positive(value: int, flag: str) -> int:
    if value < 1:
        raise ValueError(f"{flag} must be a positive integer, got {value}")
    return value


def run_truth(args: argparse.Namespace) -> int:
    _check_seed(args.seed)
    _positive(args.batches, "--batches")
    _positive(args.batch, "--batch")
    truth = _truth(args.preset, args.truth_seed)
    info = {
        "preset": args.preset,
        "name": truth.name,
        "dim": truth.dim,
        "n": truth.n,
        "features_per_dim": truth.n / truth.dim,
        "expected_l0": truth.expected_l0,
        "expected_sq_norm": truth.expected_sq_norm,
        "coherence": truth.coherence,
        "hierarchy_features": truth.hierarchy.n_features if truth.hierarchy is not None else 0,
        "truth_seed": args.truth_seed,
    }
    if args.out:
        from theory.sparse_coding.scoring import export_batches

        path = export_batches(
            truth,
            args.out,
            n_batches=args.batches,
            batch=args.batch,
            rng=args.seed,
            codes=not args.no_codes,
            dtype=args.dtype,
        )
        info["exported"] = {"path": str(path), "samples": args.batches * args.batch, "seed": args.seed}
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(truth.describe())
    print(f"  features per dimension: {info['features_per_dim']:.4g}")
    print(f"  E|x|^2 (exact): {info['expected_sq_norm']:.6g}")
    print(f"  coherence of the dictionary: {info['coherence']:.6g}")
    if args.out:
        print(f"wrote {args.batches * args.batch} samples to {info['exported']['path']}")
    return 0


def _train(
    truth: Any, args: argparse.Namespace, kind: str, *, k: Any, l1: Any, l0: Any, n_seeds: int, progress: bool
) -> list[Any]:
    from theory.sparse_coding import SAEOptions, train_saes

    _check_seed(args.seed)
    _positive(args.width, "--width")
    _positive(args.steps, "--steps")
    _positive(args.batch_size, "--batch-size")
    if kind in _K_KINDS and k is None:
        k = min(args.width, max(1, round(truth.expected_l0)))
    return train_saes(
        truth,
        kind=kind,
        width=args.width,
        k=k,
        l1=l1,
        l0=l0,
        n_seeds=n_seeds,
        steps=args.steps,
        batch_size=args.batch_size,
        lr=args.lr,
        options=SAEOptions(
            progress=progress,
            bias=not args.no_bias,
            normalize=args.normalize,
            jumprelu_init_threshold=_positive_real(args.jumprelu_threshold, "--jumprelu-threshold"),
            jumprelu_bandwidth=_positive_real(args.jumprelu_bandwidth, "--jumprelu-bandwidth"),
        ),
        rng=args.seed,
    )


def _score(sae: Any, truth: Any, args: argparse.Namespace, seed: int) -> Any:
    from theory.sparse_coding.scoring import score

    return score(sae, truth, batch=_positive(args.eval_batch, "--eval-batch"), rng=seed)


def run_train(args: argparse.Namespace) -> int:
    from pathlib import Path

    truth = _truth(args.preset, args.truth_seed)
    for flag, val, kinds in (("--l1", args.l1, ("relu",)), ("--l0", args.l0, ("jumprelu",)), ("--k", args.k, _K_KINDS)):
        if val is not None and args.kind not in kinds:
            raise ValueError(f"{flag} applies to --kind {'/'.join(kinds)}, not {args.kind}")
    _positive(args.eval_batch, "--eval-batch")
    if args.out and Path(args.out).exists() and not Path(args.out).is_dir():
        raise ValueError(f"--out {args.out!r} exists and is not a folder")
    sae = _train(truth, args, args.kind, k=args.k, l1=args.l1, l0=args.l0, n_seeds=1, progress=not args.no_progress)[0]
    s = _score(sae, truth, args, args.seed + 1)
    if args.out:
        from theory._io import atomic_write
        from theory.sparse_coding import save_sae

        folder = save_sae(sae, args.out)
        record = {
            "truth": args.preset,
            "truth_seed": args.truth_seed,
            "seed": args.seed,
            "kind": args.kind,
            "width": args.width,
            "k": sae.k,
            "sparsity_coefficient": sae.sparsity_coefficient,
            "steps": args.steps,
            "batch_size": args.batch_size,
            "lr": args.lr,
        }
        atomic_write(folder / TRAINING_FILE, (json.dumps(record, indent=2) + "\n").encode())
    if args.json:
        print(json.dumps({"sae": str(sae), "saved": args.out, "score": s.to_dict()}, indent=2))
    else:
        print(sae)
        print(s)
        if args.out:
            print(f"saved to {args.out} (SAELens layout)")
    return 0


def run_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from theory.sparse_coding import load_sae

    _check_seed(args.seed)
    folder = Path(args.path)
    record: dict[str, Any] = {}
    rec_path = folder / TRAINING_FILE
    if rec_path.is_file():
        try:
            loaded = json.loads(rec_path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{rec_path}: not valid JSON ({exc})") from None
        record = loaded if isinstance(loaded, dict) else {}
    name = args.truth if args.truth is not None else record.get("truth")
    seed = args.truth_seed if args.truth_seed is not None else record.get("truth_seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"{rec_path}: truth_seed must be an integer, got {seed!r}")
    truth = _truth(name, seed)
    sae = load_sae(folder)
    s = _score(sae, truth, args, args.seed)
    if args.json:
        print(json.dumps({"path": str(folder), "truth": name, "truth_seed": seed, "score": s.to_dict()}, indent=2))
    else:
        print(s)
    return 0


def run_bench(args: argparse.Namespace) -> int:
    import numpy as np

    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if not kinds:
        raise ValueError("--kinds must name at least one SAE kind")
    bad = [k for k in kinds if k not in _KINDS]
    if bad:
        raise ValueError(f"unknown SAE kind(s) {bad}; kinds: {', '.join(_KINDS)}")
    if len(set(kinds)) != len(kinds):
        raise ValueError(f"--kinds names a kind twice: {args.kinds}")
    _positive(args.seeds, "--seeds")
    _positive(args.eval_batch, "--eval-batch")
    if args.k is not None:
        _positive(args.k, "--k")
    if args.out and not args.out.endswith(".json"):
        raise ValueError(f"--out must end in .json, got {args.out!r}")
    truth = _truth(args.truth, args.truth_seed)
    rows: list[dict[str, Any]] = []
    scores = []
    for kind in kinds:
        saes = _train(
            truth,
            args,
            kind,
            k=args.k if kind in _K_KINDS else None,
            l1=args.l1 if kind == "relu" else None,
            l0=args.l0 if kind == "jumprelu" else None,
            n_seeds=args.seeds,
            progress=not args.no_progress,
        )
        for i, sae in enumerate(saes):
            s = _score(sae, truth, args, args.seed + 1)
            scores.append((f"{kind}" if args.seeds == 1 else f"{kind}/{i}", s))
            rows.append({"kind": kind, "seed_index": i, "score": s.to_dict()})
    if args.out:
        from pathlib import Path

        from theory._io import atomic_write

        doc = {
            "truth": args.truth,
            "truth_seed": args.truth_seed,
            "width": args.width,
            "steps": args.steps,
            "seeds": args.seeds,
            "seed": args.seed,
            "results": rows,
        }
        atomic_write(Path(args.out), (json.dumps(doc, indent=2) + "\n").encode())
    if args.figure:
        from theory.figures import save, style_context
        from theory.figures.sparse_coding import plot_metric_table

        with style_context():
            ax = plot_metric_table(scores)
            save(ax.figure, args.figure)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(
        f"{truth.name}: dim={truth.dim}, n={truth.n}, E[L0]={truth.expected_l0:.4g}; width={args.width}, "
        f"steps={args.steps}, seeds={args.seeds}"
    )
    widths = [max(len(c), 15) + 2 for c in _BENCH_COLUMNS]
    label_width = max(len(k) for k in kinds) + 6
    print(f"{'kind':<{label_width}}" + "".join(f"{c:>{w}}" for c, w in zip(_BENCH_COLUMNS, widths, strict=True)))

    def line(label: str, vals: list[float], sds: Sequence[float | None] | None = None) -> str:
        cells = []
        for w, v, sd in zip(widths, vals, sds or [None] * len(vals), strict=True):
            txt = f"{v:.3f}" if sd is None else f"{v:.3f} ± {sd:.3f}"
            cells.append(f"{txt:>{w}}")
        return f"{label:<{label_width}}" + "".join(cells)

    for kind in kinds:
        mine = [s for lab, s in scores if lab.split("/")[0] == kind]
        vals = np.array([[getattr(s, c) for c in _BENCH_COLUMNS] for s in mine])
        if args.seeds == 1:
            print(line(kind, vals[0].tolist()))
        else:
            for i, v in enumerate(vals):
                print(line(f"{kind}/{i}", v.tolist()))
            print(line(f"{kind} mean", vals.mean(axis=0).tolist(), vals.std(axis=0, ddof=1).tolist()))
    if args.out:
        print(f"wrote {args.out}")
    if args.figure:
        print(f"wrote {args.figure}")
    return 0
