"""``theory toy``: train toy models, query the exact 2 -> 1 theory, run the phase diagram."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "toy",
        help="toy models of superposition (Elhage et al. 2022)",
        description="Train toy models of superposition, query the exact 2->1 theory, run the empirical phase diagram.",
    )
    tsub = p.add_subparsers(dest="toy_command", metavar="ACTION")

    t = tsub.add_parser("train", help="train a batch of toy models (one instance per density)")
    t.add_argument("--n", type=int, default=20, help="number of features (default 20)")
    t.add_argument("--dim", type=int, default=5, help="hidden dimensions (default 5)")
    t.add_argument("--instances", type=int, default=10, help="densities, log-spaced (default 10)")
    t.add_argument("--p-low", type=float, default=0.05, help="smallest density (default 0.05)")
    t.add_argument("--importance-base", type=float, default=0.7, help="importance base^i (default 0.7)")
    t.add_argument(
        "--activation", choices=("relu", "linear"), default="relu", help="output activation (default: %(default)s)"
    )
    t.add_argument("--steps", type=int, default=10_000, help="optimizer steps (default: %(default)s)")
    t.add_argument("--batch-size", type=int, default=1024, help="batch size (default: %(default)s)")
    t.add_argument("--lr", type=float, default=1e-3, help="learning rate (default: %(default)s)")
    t.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        default="float32",
        help="floating-point precision (default: %(default)s)",
    )
    t.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    t.add_argument("--out", metavar="FILE.npz", help="save the trained model here")
    t.add_argument("--no-progress", action="store_true", help="no progress bar")
    t.set_defaults(func=run_train)

    ph = tsub.add_parser("phase", help="exact phase of the 2->1 model at (p, r)")
    ph.add_argument("--p", type=float, required=True, help="feature density in (0, 1]")
    ph.add_argument("--r", type=float, required=True, help="relative importance of feature 2")
    ph.set_defaults(func=run_phase)

    d = tsub.add_parser("phase-diagram", help="empirical 2->1 phase diagram vs theory (theory.sweep)")
    d.add_argument(
        "--p-values",
        type=float,
        nargs="+",
        default=[0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0],
        help="feature densities p (default: %(default)s)",
    )
    d.add_argument(
        "--r-values",
        type=float,
        nargs="+",
        default=[0.2, 0.5, 0.8, 1.25, 2.0, 5.0],
        help="relative importances r (default: %(default)s)",
    )
    d.add_argument("--seeds", type=int, default=8, help="models trained per cell, best kept (default: %(default)s)")
    d.add_argument("--steps", type=int, default=4000, help="optimizer steps per model (default: %(default)s)")
    d.add_argument("--store", metavar="FILE.sqlite", help="persist cells (resume on rerun)")
    d.add_argument("--serial", action="store_true", help="run in-process instead of a process pool")
    d.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    d.add_argument("--figure", metavar="FILE", help="write the figure (pdf/svg/png)")
    d.set_defaults(func=run_phase_diagram)

    i = tsub.add_parser("info", help="summarise a saved model (.npz)")
    i.add_argument("path", help="a model saved by theory toy train (.npz)")
    i.set_defaults(func=run_info)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _summary(model) -> str:
    import numpy as np

    from theory.toy_models import dimensions_per_feature, n_represented

    cfg = model.config
    lines = [
        f"{cfg.n_instances} instance(s): n={cfg.n_features}, dim={cfg.n_hidden}, "
        f"activation={cfg.activation}, task={cfg.task}",
        f"{'p':>8} {'final loss':>11} {'represented':>11} {'dims/feature':>12}",
    ]
    dpf = dimensions_per_feature(model.W) if np.all(np.abs(model.W).sum(axis=(1, 2)) > 0) else None
    rep = n_represented(model.W)
    for k in range(cfg.n_instances):
        loss = f"{model.final_loss[k]:.5f}" if model.losses.size else "-"
        d = f"{dpf[k]:.3f}" if dpf is not None else "-"
        lines.append(f"{cfg.probability_matrix[k].mean():8.4f} {loss:>11} {rep[k]:>11d} {d:>12}")
    return "\n".join(lines)


def run_train(args: argparse.Namespace) -> int:
    from theory.toy_models import ToyModelConfig, geometric_importance, sparsity_sweep, train
    from theory.toy_models.train import TrainOptions

    cfg = ToyModelConfig(
        n_features=args.n,
        n_hidden=args.dim,
        n_instances=args.instances,
        importance=geometric_importance(args.n, args.importance_base),
        feature_probability=sparsity_sweep(args.instances, low=args.p_low),
        activation=args.activation,
    )
    model = train(
        cfg,
        steps=args.steps,
        batch_size=args.batch_size,
        lr=args.lr,
        rng=args.seed,
        options=TrainOptions(dtype=args.dtype),
        progress=not args.no_progress,
    )
    print(_summary(model))
    print(f"trained in {model.info['elapsed_s']:.1f} s")
    if args.out:
        print(f"saved {model.save(args.out)}")
    return 0


def run_phase(args: argparse.Namespace) -> int:
    from theory.toy_models import candidate_losses_2x1, phase_2x1, phase_boundary_2x1, phase_margin_2x1

    losses = candidate_losses_2x1(p=args.p, r=args.r)
    print(
        f"p = {args.p}, r = {args.r}: {phase_2x1(p=args.p, r=args.r)} "
        f"(margin {phase_margin_2x1(p=args.p, r=args.r):.3f}; superposition iff p < "
        f"{phase_boundary_2x1(r=args.r):.6g})"
    )
    for k, v in losses.items():
        print(f"  L_{k:<13} = {v:.6g}")
    return 0


def run_phase_diagram(args: argparse.Namespace) -> int:
    from theory.sweep import Runner
    from theory.toy_models import phase_diagram

    d = phase_diagram(
        args.p_values,
        args.r_values,
        seeds=args.seeds,
        steps=args.steps,
        runner=Runner(executor="serial" if args.serial else None, store=args.store, progress=True),
        rng=args.seed,
    )
    print("rows p, columns r = " + ", ".join(f"{r:g}" for r in d.r))
    for i, p in enumerate(d.p):
        cells = [f"{e[:5]}{'' if e == t else '*'}" for e, t in zip(d.empirical[i], d.theory[i], strict=True)]
        print(f"{p:6.3f}  " + "  ".join(f"{c:<6}" for c in cells))
    print("(* = differs from theory)")
    print(d.summary())
    if args.figure:
        import matplotlib.pyplot as plt

        from theory.figures import save, style_context
        from theory.figures.toy_models import plot_phase_diagram_2x1

        with style_context():
            fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
            plot_phase_diagram_2x1(d, ax=ax)
            print("wrote " + ", ".join(str(x) for x in save(fig, args.figure)))
    return 0


def run_info(args: argparse.Namespace) -> int:
    from theory.toy_models import ToyModel

    print(_summary(ToyModel.load(args.path)))
    return 0
