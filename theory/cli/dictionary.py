"""``theory dictionary``: interference statistics of a real dictionary (features as columns)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dictionary",
        help="interference statistics of a dictionary file",
        description="Load a feature matrix from .npy, .npz or .safetensors (never "
        "pickle), print its interference statistics against the Welch "
        "bound and a random frame of the same shape; optionally write a "
        "histogram figure.",
    )
    p.add_argument("path", help="a .npy, .npz or .safetensors file")
    p.add_argument("--key", default=None, help="array name inside .npz/.safetensors")
    p.add_argument(
        "--transpose", action="store_true", help="stored rows are features (e.g. an embedding matrix vocab x dim)"
    )
    p.add_argument("--chunk", type=int, default=1024, help="columns per block (default: %(default)s)")
    p.add_argument("--k", type=int, default=8, help="sparsity of the worst-case interference (default: %(default)s)")
    p.add_argument("--eps", type=float, default=0.1, help="|cos| threshold (default: %(default)s)")
    p.add_argument("--max-features", type=int, default=None, metavar="N", help="use only the first N features")
    p.add_argument("--no-random", action="store_true", help="skip the random-frame comparison")
    p.add_argument(
        "--figure",
        default=None,
        metavar="FILE",
        help="also write the |cos| histogram to FILE (.pdf/.svg/.png; default: no figure)",
    )
    p.add_argument("--json", action="store_true", help="print the statistics as JSON instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from theory.interference import dictionary_stats, load_dictionary

    W = load_dictionary(args.path, key=args.key, transpose=args.transpose)
    if args.max_features is not None:
        if args.max_features < 2:
            raise ValueError(f"--max-features must be >= 2, got {args.max_features}")
        W = W[:, : args.max_features]
    stats = dictionary_stats(W, chunk=args.chunk, eps=args.eps, k=args.k, random_null=not args.no_random, rng=0)
    worst = np.argsort(stats.max_interference)[-5:][::-1]
    if args.json:
        import json

        from theory._json import to_json

        out = {
            key: getattr(stats, key)
            for key in (
                "dim",
                "n",
                "max_cos",
                "eps",
                "frac_above_eps",
                "k",
                "welch",
                "ratio_to_welch",
                "mean_abs_cos",
                "mean_sq_cos",
                "random_max_cos",
                "ratio_to_random",
            )
        }
        out["median_max_interference"] = float(np.median(stats.max_interference))
        out["most_interfered"] = [
            {"feature": int(i), "max_abs_cos": float(stats.max_interference[i]), "nearest": int(stats.nearest[i])}
            for i in worst
        ]
        out["path"] = str(args.path)
        print(json.dumps(to_json(out), indent=2))
    else:
        print(stats.summary())
        print("most interfered features (index: max |cos| with nearest):")
        for i in worst:
            print(f"  {int(i)}: {stats.max_interference[i]:.4f} with {int(stats.nearest[i])}")
    if args.figure is not None:
        from theory.figures import save, style_context
        from theory.figures.interference import plot_interference_histogram

        with style_context():
            ax = plot_interference_histogram(stats, label=str(args.path).rsplit("/", 1)[-1])
            paths = save(ax.figure, args.figure)
        print("figure written to " + ", ".join(str(p) for p in paths), file=sys.stderr if args.json else sys.stdout)
    return 0
