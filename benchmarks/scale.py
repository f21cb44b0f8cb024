"""Local engine vs the ray engine on this machine: synthetic rows/s and scrubbed notes/s.

    python benchmarks/scale.py [--rows 1000000] [--notes 303] [--partitions 4]

Same data, same key, one run each, printed side by side with the ratio. Ray's start-up and
actor start-up (each actor loads spaCy/Presidio) are reported apart from steady throughput:
on 2 cores they are most of Ray's time. The projection for a cluster is in docs/scaling.md.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "data" / "heart_patients.csv"


def timed(fn):
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--notes", type=int, default=303)
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("SYNTHGUARD_KEY", "benchmark-key")

    from synthguard.engines.ray.cluster import start_ray
    from synthguard.engines.ray.partitions import unfiltered
    from synthguard.engines.ray.table import sample_partitions
    from synthguard.generators import TABLE_GENERATORS
    from synthguard.policy import parse_policy
    from synthguard.scrub.stream import scrub_file

    patients = pd.read_csv(EXAMPLE)
    columns = ["age", "sex", "cp", "trestbps", "chol", "thalach", "oldpeak", "target"]
    sdtypes = {c: "numerical" for c in ("age", "trestbps", "chol", "thalach", "oldpeak")} | \
              {c: "categorical" for c in ("sex", "cp", "target")}
    generator = TABLE_GENERATORS["gaussian_copula"]({}, [], sdtypes)
    generator.fit(patients[columns], seed=0)

    _, ray_start = timed(start_ray)
    cpus = int(__import__("ray").cluster_resources().get("CPU", 1))
    _, local_sample = timed(lambda: generator.sample(args.rows, 1))
    job = unfiltered(generator.sample)
    sample_partitions(job, 1000, 1, args.partitions, 1)  # warm the workers
    # Partitions end in Ray's object store, where the pipeline keeps them (validated and written in place).
    _, ray_sample = timed(lambda: sample_partitions(job, args.rows, 1, args.partitions, 1))

    with tempfile.TemporaryDirectory() as folder:
        notes = Path(folder) / "notes.csv"
        pd.concat([patients] * -(-args.notes // len(patients))).head(args.notes).to_csv(notes, index=False)
        local_policy = parse_policy({"name": "b", "engine": "local"})
        ray_policy = parse_policy({"name": "b", "engine": "ray", "ray": {"actors": cpus}})
        # Warm caches (lexicons, spaCy model files) so that neither side pays them.
        scrub_file(notes, Path(folder) / "warm.csv", local_policy, workers=1)
        _, local_scrub = timed(lambda: scrub_file(notes, Path(folder) / "local.csv", local_policy, workers=1))
        _, ray_scrub = timed(lambda: scrub_file(notes, Path(folder) / "ray.csv", ray_policy))
        _, ray_scrub_again = timed(lambda: scrub_file(notes, Path(folder) / "ray2.csv", ray_policy))
        same = (Path(folder) / "local.csv").read_bytes() == (Path(folder) / "ray.csv").read_bytes()

    print(f"machine: {os.cpu_count()} cores; Ray start {ray_start:.1f} s ({cpus} CPUs)")
    print(f"{'work':<44}{'local':>12}{'ray':>12}{'ray/local':>11}")
    print(f"{f'sample {args.rows:,} rows ({args.partitions} partitions)':<44}"
          f"{args.rows / local_sample:>10,.0f}/s{args.rows / ray_sample:>10,.0f}/s{local_sample / ray_sample:>10.2f}x")
    print(f"{f'scrub {args.notes} rows with notes, first run':<44}"
          f"{args.notes / local_scrub:>10,.1f}/s{args.notes / ray_scrub:>10,.1f}/s{local_scrub / ray_scrub:>10.2f}x")
    print(f"{f'scrub {args.notes} rows, actors started again':<44}"
          f"{'':>12}{args.notes / ray_scrub_again:>10,.1f}/s{local_scrub / ray_scrub_again:>10.2f}x")
    print(f"scrubbed output identical (local vs ray): {same}")


if __name__ == "__main__":
    main()
