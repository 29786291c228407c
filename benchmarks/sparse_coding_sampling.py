"""Sampling throughput of ``GroundTruth.sample`` at SynthSAEBench-16k size, next to a dense NumPy peer.

n = 16,384 features in dim = 768, batches of 4,096, one core (BLAS/OpenMP limited to one thread
with environment variables and ``threadpoolctl``). Three cases, each in a fresh child process so
its peak resident memory (``ru_maxrss``) counts only its own work:

* ``independent``: ``GroundTruth.sample`` with SynthSAEBench's Zipf firing (exponent 0.5 onto
  [5e-4, 0.4]) and folded-normal magnitudes, features independent (goal >= 1M samples/min);
* ``all_knobs``: the same plus the rank-25 copula, the 128-tree hierarchy (exclusive, scaled by
  the parent), a bias and noise 0.1 (goal >= 250k samples/min);
* ``dense_peer``: a plain dense NumPy implementation of the independent case: one uniform draw per
  feature per sample (``rng.random((batch, n)) < p``), dense magnitudes, ``codes @ D.T``.

Peak memory goal: < 1 GB for the two ``GroundTruth`` cases. Each child times ``--reps`` batches
after one warm-up batch and reports the median and the best per-batch wall time (samples/min
uses the median) and the median CPU time of the process (samples per CPU-minute, the figure that
stays meaningful when other jobs share the machine; the load average is recorded). It also
records the ``tracemalloc`` peak of one batch (NumPy reports its allocations to ``tracemalloc``).

Also checks whether ``sae-lens`` can be downloaded here (``pip download --no-deps``, into a
temporary directory, nothing installed) and whether it requires torch.

Run::

    python benchmarks/sparse_coding_sampling.py            # 8 timed batches per case
    python benchmarks/sparse_coding_sampling.py --reps 3   # quicker

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
                      tracemalloc_peak_bytes=traced,
                      peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)))
"""


def run_case(case: str, reps: int) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    code = CHILD.format(root=str(ROOT), case=case, batch=BATCH, reps=reps)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
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
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", name, "-d", tmp],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            return dict(downloadable=False, error=proc.stderr.strip()[-400:])
        wheels = list(Path(tmp).glob("*.whl"))
        info: dict = dict(downloadable=True, files=[w.name for w in Path(tmp).iterdir()])
        if wheels:
            with zipfile.ZipFile(wheels[0]) as zf:
                meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
                reqs = [ln.split(":", 1)[1].strip() for ln in zf.read(meta).decode().splitlines()
                        if ln.startswith("Requires-Dist:")]
            info["requires"] = reqs
            info["requires_torch"] = any(r.split()[0].lower().startswith("torch") for r in reqs)
        return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=8, help="timed batches per case")
    parser.add_argument("--skip-sae-lens", action="store_true", help="do not try pip download sae-lens")
    args = parser.parse_args()
    results = {case: run_case(case, args.reps) for case in ("independent", "all_knobs", "dense_peer")}
    ratio = results["independent"]["samples_per_min"] / results["dense_peer"]["samples_per_min"]
    ratio_cpu = results["independent"]["samples_per_cpu_min"] / results["dense_peer"]["samples_per_cpu_min"]
    report = dict(
        n=16_384, dim=768, batch=BATCH, threads=1, cases=results,
        ratio_independent_vs_dense=ratio, ratio_independent_vs_dense_cpu=ratio_cpu,
        goals=dict(independent_samples_per_min=1_000_000, all_knobs_samples_per_min=250_000, peak_rss_bytes=10**9),
        sae_lens=None if args.skip_sae_lens else check_sae_lens(),
        machine=dict(processor=platform.processor(), cores=os.cpu_count(), load_avg=list(os.getloadavg())),
        command="python benchmarks/sparse_coding_sampling.py" + (f" --reps {args.reps}" if args.reps != 8 else ""),
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "sparse_coding_sampling.json"
    path.write_text(json.dumps(report, indent=1) + "\n")
    for case, r in results.items():
        print(f"{case:12s} {r['samples_per_min'] / 1e3:8.0f}k samples/min (best {r['best_samples_per_min'] / 1e3:.0f}k,"
              f" per CPU-min {r['samples_per_cpu_min'] / 1e3:.0f}k)"
              f"  mean L0 {r['mean_l0']:.2f}  peak RSS {r['peak_rss_bytes'] / 2**20:.0f} MiB"
              f"  tracemalloc {r['tracemalloc_peak_bytes'] / 2**20:.0f} MiB")
    print(f"independent / dense peer: {ratio:.1f}x (CPU time {ratio_cpu:.1f}x)   "
          f"machine: {platform.processor()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    if report["sae_lens"] is not None:
        print(f"sae-lens: {report['sae_lens']}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
