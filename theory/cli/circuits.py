"""``theory circuits``: U-AND predictions, simulation and compiled-circuit error tables."""

from __future__ import annotations

import argparse
from typing import Any, Literal


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "circuits",
        help="computation in superposition: U-AND and compiled circuits",
        description="Predict and simulate U-AND read-off errors, or compile and "
        "simulate a random sparse Boolean circuit.",
    )
    cs = p.add_subparsers(dest="circuits_command", metavar="ACTION")
    u = cs.add_parser("uand", help="exact error moments of the U-AND read-off, and a simulation")
    u.add_argument("--m", type=int, default=200, help="inputs (default 200)")
    u.add_argument("--d", type=int, default=1000, help="neurons (default 1000)")
    u.add_argument("--s", type=int, default=3, help="active inputs (default 3)")
    u.add_argument(
        "--kind",
        default="bernoulli",
        choices=("bernoulli", "rademacher", "gaussian"),
        help="U-AND weight kind (default: %(default)s)",
    )
    u.add_argument(
        "--p", default="optimal", help="connection probability: a number, 'paper' or 'optimal' (default: %(default)s)"
    )
    u.add_argument("--trials", type=int, default=20, help="simulated networks (default 20)")
    u.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    u.set_defaults(func=run_uand)
    c = cs.add_parser("compile", help="compile a random circuit and print its error table")
    c.add_argument("--width", type=int, default=100, help="circuit width (default 100)")
    c.add_argument("--depth", type=int, default=4, help="circuit depth (default 4)")
    c.add_argument("--d", type=int, default=3000, help="U-AND neurons per layer (default 3000)")
    c.add_argument("--dim", type=int, default=0, help="residual dimension (0 = basis-aligned)")
    c.add_argument("--s", type=int, default=3, help="active inputs (default 3)")
    c.add_argument(
        "--ec",
        default="dedicated",
        choices=("none", "superposed", "dedicated"),
        help="error correction between layers (default: %(default)s)",
    )
    c.add_argument("--samples", type=int, default=200, help="sparse inputs simulated (default: %(default)s)")
    c.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    c.set_defaults(func=run_compile)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_uand(args: argparse.Namespace) -> int:
    import numpy as np

    from theory.circuits import optimal_p, paper_p, uand_error_moments
    from theory.experiments.circuits import width_cell

    if args.kind == "bernoulli":
        if args.p == "optimal":
            p = optimal_p(d=args.d, s=args.s)
        elif args.p == "paper":
            p = paper_p(m=args.m, d=args.d)
        else:
            try:
                p = float(args.p)
            except ValueError:
                raise ValueError(f"--p must be a number, 'paper' or 'optimal', got {args.p!r}") from None
        kw: dict[str, Any] = {"p": p}
    else:
        kw = {"kind": args.kind}
    print(f"U-AND kind={args.kind} m={args.m} d={args.d} s={args.s}" + (f" p={kw['p']:.4g}" if "p" in kw else ""))
    print(f"{'case':<22}{'mean err':>10}{'std':>10}{'rms':>10}{'P(uncovered)':>14}")
    for j, name in ((2, "both inputs active"), (1, "one input active"), (0, "neither active")):
        mom = uand_error_moments(d=args.d, s=args.s, active=j, **kw)
        print(f"{name:<22}{mom.mean:>10.4f}{mom.std:>10.4f}{mom.rms:>10.4f}{mom.p_uncovered:>14.3g}")
    params = dict(m=args.m, d=args.d, s=args.s, kind=args.kind, p=kw.get("p"), trials=args.trials)
    v = width_cell(params, np.random.default_rng(args.seed))
    print(
        f"simulated ({args.trials} networks): rms both {v['rms_both']:.4f} "
        f"(predicted {v['pred_rms_both']:.4f}), rms one {v['rms_one']:.4f} "
        f"(predicted {v['pred_rms_one']:.4f})"
    )
    return 0


def run_compile(args: argparse.Namespace) -> int:
    from theory.circuits import compile_circuit, random_circuit, simulate

    c = random_circuit(width=args.width, depth=args.depth, ops=("AND", "OR"), rng=args.seed)
    ec_modes: dict[str, bool | Literal["dedicated"]] = {"none": False, "superposed": True, "dedicated": "dedicated"}
    ec = ec_modes[args.ec]
    net = compile_circuit(c, width=args.d, dim=args.dim or None, error_correction=ec, s=args.s, rng=args.seed)
    st = simulate(net, c, s=args.s, samples=args.samples, rng=args.seed)
    print(f"{c}; {net}; parameters {net.n_params}")
    print(st.summary())
    return 0
