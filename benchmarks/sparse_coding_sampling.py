"""Sampling throughput of ``GroundTruth.sample`` at SynthSAEBench-16k size, next to a dense NumPy peer and SAELens.

n = 16,384 features in dim = 768, batches of 4,096, one core (BLAS/OpenMP limited to one thread
with environment variables and ``threadpoolctl``; torch with ``torch.set_num_threads(1)``). Each
case runs in a fresh child process so its peak resident memory (``ru_maxrss``) counts only its
own work:

* ``independent``: ``GroundTruth.sample`` with SynthSAEBench's Zipf firing (exponent 0.5 onto
  [5e-4, 0.4]) and folded-normal magnitudes, features independent (goal >= 1M samples/min);
* ``all_knobs``: the same plus the rank-25 copula, the 128-tree hierarchy (exclusive, scaled by
  the parent), a bias and noise 0.1 (goal >= 250k samples/min);
* ``dense_peer``: a plain dense NumPy implementation of the independent case: one uniform draw per
  feature per sample (``rng.random((batch, n)) < p``), dense magnitudes, ``codes @ D.T``;
* with ``--peer saelens``: SAELens's own generator (``sae_lens.synthetic.SyntheticModel``, CPU,
  float32, its default dense activation tensors), built from a ``SyntheticModelConfig`` with the
  parameters of ``synth_sae_bench("16k")``: ``saelens_independent`` (Zipf firing and magnitudes
  only) and ``saelens_all_knobs`` (plus ``HierarchyConfig(128 roots, branching 4, depth 3, all
  parents mutually exclusive, compensated rates, children scaled by the parent)``,
  ``LowRankCorrelationConfig(rank 25, scale 0.1)`` and a bias of norm 0.5), each timed through
  ``SyntheticModel.sample_with_features``; with ``--saelens-sparse`` also
  ``saelens_all_knobs_sparse`` (the same model with ``use_sparse_tensors=True``, SAELens's
  option for very many features). No orthogonalisation of the dictionary (it changes
  the dictionary's values, not the cost of sampling). Skipped, with the import error recorded,
  when ``sae_lens.synthetic`` does not import in the running interpreter.

Where the generators' semantics differ (see ``theory.sparse_coding.truth``): SAELens draws every
feature (through the copula, over all n features), then switches off children of inactive parents
and keeps one random winner among active exclusive siblings, with approximately compensated base
rates (a child's base rate is divided by its ancestors', so far more features are drawn than
survive: their sum is recorded as ``base_rate_sum``); ``GroundTruth`` draws children given
their parent with exact conditional rates, and its copula acts on roots and out-of-tree features
only. SAELens rectifies magnitudes
(``max(0, N)``, a zero counts as inactive) where ``GroundTruth`` folds them (``|N|``); it scales a
child by the parent's value over the parent's *parameter* mean, ``GroundTruth`` over the parent's
expected magnitude; it caps each copula row of norm > 0.99 on its own, ``GroundTruth`` scales the
whole factor; it computes in float32, ``GroundTruth`` in float64; it has no additive noise
(``all_knobs`` adds noise 0.1, one extra ``(batch, dim)`` Gaussian draw). The mean L0 of the
two therefore differ slightly; both are recorded.

Peak memory goal: < 1 GB for the two ``GroundTruth`` cases. Each child times ``--reps`` batches
after one warm-up batch and reports the median and the best per-batch wall time (samples/min
uses the median) and the median CPU time of the process (samples per CPU-minute, the figure that
stays meaningful when other jobs share the machine; the load average is recorded before and
after). It also records the ``tracemalloc`` peak of one batch (NumPy reports its allocations to
``tracemalloc``; torch does not, so it is ``null`` for SAELens) and the peak RSS reached before
the first batch (imports and construction; torch's import alone is a few hundred MiB).

Run (in an interpreter where the project, threadpoolctl and, for the SAELens cases, torch and
sae-lens are installed)::

    python benchmarks/sparse_coding_sampling.py                   # 8 timed batches per case
    python benchmarks/sparse_coding_sampling.py --peer saelens    # also SAELens
    python benchmarks/sparse_coding_sampling.py --peer saelens --saelens-sparse   # and its sparse mode
    python benchmarks/sparse_coding_sampling.py --reps 3          # quicker

Writes ``benchmarks/results/sparse_coding_sampling.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

RESULTS = Path(__file__).with_name("results")
ROOT = Path(__file__).resolve().parents[1]
BATCH = 4096

CHILD = r"""
import json, resource, statistics, sys, time, tracemalloc
sys.path.insert(0, {root!r})
t_setup = time.perf_counter()
import numpy as np
from threadpoolctl import threadpool_limits
threadpool_limits(1)
from theory.sparse_coding.truth import Correlation, Firing, Hierarchy, Magnitudes, ground_truth, synth_sae_bench
case, batch, reps = {case!r}, {batch}, {reps}
ref = synth_sae_bench("16k", rng=0)
firing = Firing.zipf(exponent=0.5, p_min=5e-4, p_max=0.4)
if case == "independent":
    truth = ground_truth(dictionary=ref.dictionary, firing=firing, magnitudes=ref.magnitudes, rng=0)
elif case == "all_knobs":
    truth = ground_truth(dictionary=ref.dictionary, firing=firing, magnitudes=ref.magnitudes,
                         correlation=ref.correlation, hierarchy=ref.hierarchy, bias=ref.bias, noise=0.1, rng=0)
else:
    truth = None
D = ref.dictionary
mean, std = np.asarray(ref.magnitudes.a), np.asarray(ref.magnitudes.b)
p = firing.probabilities(D.shape[1])
Dt = np.ascontiguousarray(D.T)
del ref
setup_s = time.perf_counter() - t_setup
rss_setup = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

def dense(gen):
    fire = gen.random((batch, p.size)) < p
    codes = np.abs(mean + std * gen.standard_normal((batch, p.size)))
    codes *= fire
    return codes @ Dt, codes

def one(gen):
    if truth is None:
        return dense(gen)
    return truth.sample(batch, rng=gen)

gen = np.random.default_rng(1)
x, codes = one(gen)  # warm-up (also fills cached arrays)
times, cpu, l0 = [], [], []
for _ in range(reps):
    t0, c0 = time.perf_counter(), time.process_time()
    x, codes = one(gen)
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
    l0.append(float((codes != 0).sum()) / batch)
tracemalloc.start()
one(gen)
traced = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
med = statistics.median(times)
print(json.dumps(dict(case=case, batch=batch, reps=reps, median_batch_s=med, best_batch_s=min(times),
                      samples_per_min=60.0 * batch / med, best_samples_per_min=60.0 * batch / min(times),
                      median_cpu_s=statistics.median(cpu),
                      samples_per_cpu_min=60.0 * batch / statistics.median(cpu),
                      mean_l0=statistics.fmean(l0), expected_l0=None if truth is None else truth.expected_l0,
                      tracemalloc_peak_bytes=traced, setup_s=setup_s, setup_peak_rss_bytes=rss_setup,
                      peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)))
"""


SAELENS_CHILD = r"""
import json, resource, statistics, sys, time
t_setup = time.perf_counter()
case, batch, reps = {case!r}, {batch}, {reps}
try:
    import torch
    from sae_lens.synthetic import (FoldedNormalMagnitudeConfig, HierarchyConfig, LinearMagnitudeConfig,
                                    LowRankCorrelationConfig, SyntheticModel, SyntheticModelConfig,
                                    ZipfianFiringProbabilityConfig)
except Exception as exc:  # ImportError, or torch failing to load
    print(json.dumps(dict(case=case, skipped=f"{{type(exc).__name__}}: {{exc}}")))
    sys.exit(0)
from threadpoolctl import threadpool_limits
threadpool_limits(1)
torch.set_num_threads(1)
torch.set_num_interop_threads(1)
import sae_lens
all_knobs = case.startswith("saelens_all_knobs")
sparse = case.endswith("_sparse")
cfg = SyntheticModelConfig(
    num_features=16_384, hidden_dim=768,
    firing_probability=ZipfianFiringProbabilityConfig(exponent=0.5, max_prob=0.4, min_prob=5e-4),
    hierarchy=HierarchyConfig(total_root_nodes=128, branching_factor=4, max_depth=3, mutually_exclusive_portion=1.0,
                              compensate_probabilities=True, scale_children_by_parent=True) if all_knobs else None,
    correlation=LowRankCorrelationConfig(rank=25, correlation_scale=0.1, seed=0) if all_knobs else None,
    orthogonalization=None,
    mean_firing_magnitudes=LinearMagnitudeConfig(start=5.0, end=4.0),
    std_firing_magnitudes=FoldedNormalMagnitudeConfig(mean=0.5, std=0.5),
    bias=0.5 if all_knobs else False, dtype="float32", seed=0)
model = SyntheticModel(cfg, device="cpu")
model.use_sparse_tensors = sparse
n_in_trees = None
if model.hierarchy is not None:
    def count(node):
        return 1 + sum(count(c) for c in node.children)
    n_in_trees = sum(count(r) for r in model.hierarchy.roots)
p = model.activation_generator.firing_probabilities
setup_s = time.perf_counter() - t_setup
rss_setup = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
torch.manual_seed(1)
x, codes = model.sample_with_features(batch)  # warm-up
times, cpu, l0 = [], [], []
for _ in range(reps):
    t0, c0 = time.perf_counter(), time.process_time()
    x, codes = model.sample_with_features(batch)
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
    nz = codes.coalesce().values() if codes.is_sparse else codes
    l0.append(float((nz != 0).sum()) / batch)
med = statistics.median(times)
print(json.dumps(dict(case=case, batch=batch, reps=reps, median_batch_s=med, best_batch_s=min(times),
                      samples_per_min=60.0 * batch / med, best_samples_per_min=60.0 * batch / min(times),
                      median_cpu_s=statistics.median(cpu),
                      samples_per_cpu_min=60.0 * batch / statistics.median(cpu),
                      mean_l0=statistics.fmean(l0), expected_l0=None, use_sparse_tensors=sparse,
                      base_rate_sum=float(p.sum()), features_in_trees=n_in_trees,
                      tracemalloc_peak_bytes=None, setup_s=setup_s, setup_peak_rss_bytes=rss_setup,
                      peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      versions=dict(sae_lens=sae_lens.__version__, torch=torch.__version__),
                      dtype=str(codes.dtype), threads=torch.get_num_threads())))
"""


def run_case(case: str, reps: int) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    template = SAELENS_CHILD if case.startswith("saelens") else CHILD
    code = template.format(root=str(ROOT), case=case, batch=BATCH, reps=reps)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"case {case} failed (exit {out.returncode}):\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def check_sae_lens() -> dict:
    info = pip_requires("sae-lens")
    if info.get("downloadable") and not info.get("requires_torch"):
        # sae-lens reaches torch through transformer-lens; record that one level down
        tl = pip_requires("transformer-lens")
        info["transformer_lens_requires_torch"] = tl.get("requires_torch")
    return info


def pip_requires(name: str) -> dict:
    """Download one wheel without dependencies into a temporary directory and read its Requires-Dist."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", name, "-d", tmp],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            return dict(downloadable=False, error=proc.stderr.strip()[-400:])
        wheels = list(Path(tmp).glob("*.whl"))
        info: dict = dict(downloadable=True, files=[w.name for w in Path(tmp).iterdir()])
        if wheels:
            with zipfile.ZipFile(wheels[0]) as zf:
                meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
                reqs = [
                    ln.split(":", 1)[1].strip()
                    for ln in zf.read(meta).decode().splitlines()
                    if ln.startswith("Requires-Dist:")
                ]
            info["requires"] = reqs
            info["requires_torch"] = any(r.split()[0].lower().startswith("torch") for r in reqs)
        return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=8, help="timed batches per case")
    parser.add_argument(
        "--peer",
        choices=("dense", "saelens"),
        default="dense",
        help="'saelens' also times sae_lens.synthetic.SyntheticModel (the dense peer always runs)",
    )
    parser.add_argument(
        "--saelens-sparse",
        action="store_true",
        help="with --peer saelens, also time SAELens with use_sparse_tensors=True",
    )
    parser.add_argument("--skip-sae-lens", action="store_true", help="do not try pip download sae-lens")
    args = parser.parse_args()
    load_before = list(os.getloadavg())
    cases = ["independent", "all_knobs", "dense_peer"]
    if args.peer == "saelens":
        cases += ["saelens_independent", "saelens_all_knobs"]
        if args.saelens_sparse:
            cases.append("saelens_all_knobs_sparse")
    results = {case: run_case(case, args.reps) for case in cases}
    load_after = list(os.getloadavg())
    ours, dense = results["independent"], results["dense_peer"]
    ratio = ours["samples_per_min"] / dense["samples_per_min"]
    ratio_cpu = ours["samples_per_cpu_min"] / dense["samples_per_cpu_min"]
    report = dict(
        n=16_384,
        dim=768,
        batch=BATCH,
        threads=1,
        cases=results,
        ratio_independent_vs_dense=ratio,
        ratio_independent_vs_dense_cpu=ratio_cpu,
        goals=dict(independent_samples_per_min=1_000_000, all_knobs_samples_per_min=250_000, peak_rss_bytes=10**9),
    )
    saelens_skipped = None
    if args.peer == "saelens":
        sl_ind, sl_all = results["saelens_independent"], results["saelens_all_knobs"]
        saelens_skipped = sl_ind.get("skipped") or sl_all.get("skipped")
        if saelens_skipped is None:
            for mine, theirs in (("independent", sl_ind), ("all_knobs", sl_all)):
                report[f"ratio_{mine}_vs_saelens"] = results[mine]["samples_per_min"] / theirs["samples_per_min"]
                report[f"ratio_{mine}_vs_saelens_cpu"] = (
                    results[mine]["samples_per_cpu_min"] / theirs["samples_per_cpu_min"]
                )
                report[f"ratio_{mine}_vs_saelens_peak_rss"] = results[mine]["peak_rss_bytes"] / theirs["peak_rss_bytes"]
            sparse = results.get("saelens_all_knobs_sparse")
            if sparse is not None:
                report["ratio_all_knobs_vs_saelens_sparse"] = (
                    results["all_knobs"]["samples_per_min"] / sparse["samples_per_min"]
                )
                report["ratio_all_knobs_vs_saelens_sparse_cpu"] = (
                    results["all_knobs"]["samples_per_cpu_min"] / sparse["samples_per_cpu_min"]
                )
        report["saelens_skipped"] = saelens_skipped
    report["sae_lens"] = None if args.skip_sae_lens or args.peer == "saelens" else check_sae_lens()
    report["machine"] = dict(
        processor=platform.processor(),
        machine=platform.machine(),
        cores=os.cpu_count(),
        python=platform.python_version(),
        python_executable=sys.executable,
        load_avg_before=load_before,
        load_avg_after=load_after,
    )
    command = "python benchmarks/sparse_coding_sampling.py"
    if args.reps != 8:
        command += f" --reps {args.reps}"
    if args.peer != "dense":
        command += f" --peer {args.peer}" + (" --saelens-sparse" if args.saelens_sparse else "")
    report["command"] = command
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "sparse_coding_sampling.json"
    path.write_text(json.dumps(report, indent=1) + "\n")
    for case, r in results.items():
        if "skipped" in r:
            print(f"{case:24s} skipped: {r['skipped']}")
            continue
        traced = r["tracemalloc_peak_bytes"]
        print(
            f"{case:24s} {r['samples_per_min'] / 1e3:8.0f}k samples/min (best {r['best_samples_per_min'] / 1e3:.0f}k,"
            f" per CPU-min {r['samples_per_cpu_min'] / 1e3:.0f}k)"
            f"  mean L0 {r['mean_l0']:.2f}  peak RSS {r['peak_rss_bytes'] / 2**20:.0f} MiB"
            f" (before sampling {r['setup_peak_rss_bytes'] / 2**20:.0f} MiB)"
            + ("" if traced is None else f"  tracemalloc {traced / 2**20:.0f} MiB")
        )
    print(f"independent / dense peer: {ratio:.1f}x (CPU time {ratio_cpu:.1f}x)")
    if args.peer == "saelens":
        if saelens_skipped is None:
            for mine in ("independent", "all_knobs"):
                print(
                    f"{mine} / saelens_{mine}: {report[f'ratio_{mine}_vs_saelens']:.2f}x"
                    f" (CPU time {report[f'ratio_{mine}_vs_saelens_cpu']:.2f}x,"
                    f" peak RSS {report[f'ratio_{mine}_vs_saelens_peak_rss']:.2f}x)"
                )
        else:
            print(f"SAELens peer skipped: sae_lens.synthetic does not import here ({saelens_skipped})")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores;"
        f" load average before {load_before[0]:.1f}/{load_before[1]:.1f}/{load_before[2]:.1f},"
        f" after {load_after[0]:.1f}/{load_after[1]:.1f}/{load_after[2]:.1f}"
    )
    if report["sae_lens"] is not None:
        print(f"sae-lens: {report['sae_lens']}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
