"""Is the gate fair to real people and hard on attacks? Per real table, side by side in one run:

* unseen rows: the table is halved (a seeded permutation per seed); one half is split as synth splits its input
  (80% training, 20% holdout) and the other half, real people the "generator" never saw, is judged as the
  release with the default policy (the target and one protected column named). Printed: how many seeds
  pass, and every check that failed with how often.
* attacks: the whole table (complete rows) split as synth splits it; an honest Gaussian-copula sample, then the
  holdout rows, 4% near copies, the 1% most extreme patients verbatim and 1% exact copies put in its place.
  Printed: the privacy checks each release fails.

    python benchmarks/gate_calibration.py --seeds 5 [--csv PATH:TARGET[:PROTECTED] ...]

Built in: UCI Heart (Cleveland, examples/data), lifelines' GBSG2, NCCTG lung, larynx, kidney transplant and
Rossi recidivism tables, scikit-learn's Wisconsin breast cancer.
"""

from __future__ import annotations

import argparse
import collections
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def tables(extra: list[str]) -> dict[str, tuple[pd.DataFrame, str, str | None]]:
    from lifelines import datasets
    from sklearn.datasets import load_breast_cancer

    out = {"heart": (pd.read_csv(ROOT / "examples" / "data" / "uci_heart_cleveland.csv"), "target", "sex"),
           "gbsg2": (datasets.load_gbsg2(), "cens", "menostat"), "lung": (datasets.load_lung(), "status", "sex"),
           "larynx": (datasets.load_larynx(), "death", "Stage_IV"),
           "kidney": (datasets.load_kidney_transplant(), "death", "black_male"),
           "rossi": (datasets.load_rossi(), "arrest", "race"),
           "breast_cancer": (load_breast_cancer(as_frame=True).frame, "target", None)}
    for spec in extra:
        path, target, *protected = spec.split(":")
        out[Path(path).stem] = (pd.read_csv(path), target, protected[0] if protected else None)
    return out


def policy(target: str, protected: str | None):
    from synthguard.policy import parse_policy

    columns = {target: "target", **({protected: "protected"} if protected else {})}
    return parse_policy({"name": "calibration", "data": {"columns": columns}})


def attacks(train: pd.DataFrame, holdout: pd.DataFrame, honest: pd.DataFrame) -> dict[str, pd.DataFrame]:
    numeric = [c for c in train.columns if pd.api.types.is_numeric_dtype(train[c]) and train[c].nunique() > 10]
    near = honest.copy()
    count = max(2, int(0.04 * len(honest)))
    rows = train.sample(count, random_state=1).reset_index(drop=True)
    rows[numeric[0]] = rows[numeric[0]].astype(float) + 1e-6 * train[numeric[0]].std()
    near[numeric[0]] = near[numeric[0]].astype(float)
    near.iloc[:count] = rows[near.columns].to_numpy()
    z = ((train[numeric] - train[numeric].mean()) / train[numeric].std()).abs().max(axis=1)
    extreme = train.loc[z.sort_values(ascending=False).index[:max(1, len(train) // 100)]]
    copies = train.sample(max(1, len(train) // 100), random_state=2)
    return {"honest copula": honest, "holdout rows": holdout.copy(), "4% near copies": near,
            "1% most extreme verbatim": pd.concat([honest.iloc[len(extreme):], extreme], ignore_index=True),
            "1% exact copies": pd.concat([honest.iloc[len(copies):], copies], ignore_index=True)}


def main() -> None:
    from threadpoolctl import threadpool_limits

    from synthguard.generators import TABLE_GENERATORS
    from synthguard.steps import split_holdout
    from synthguard.validation import validate_tables

    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5, help="halvings of each table for the unseen-rows test")
    parser.add_argument("--csv", action="append", default=[], help="PATH:TARGET[:PROTECTED], another real table")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    threadpool_limits(1)  # one core per process: BLAS threads only fight over two cores
    print(f"{'table':14}{'rows':>6}  {'unseen rows pass':18}{'checks failed by unseen rows':40}attacks: privacy "
          "checks failed")
    for name, (frame, target, protected) in tables(args.csv).items():
        started = time.perf_counter()
        failed: collections.Counter = collections.Counter()
        passed = 0
        for seed in range(args.seeds):
            order = np.random.default_rng(seed).permutation(len(frame))
            seen, unseen = frame.iloc[order[: len(frame) // 2]], frame.iloc[order[len(frame) // 2:]]
            train, holdout = split_holdout(seen.reset_index(drop=True), 0.2, seed, target)
            report = validate_tables(train, unseen.reset_index(drop=True), holdout, policy(target, protected))
            passed += report.passed
            failed.update(f"{c.suite}.{c.name}" for c in report.failures)
        complete = frame.dropna().reset_index(drop=True)
        train, holdout = split_holdout(complete, 0.2, 0, target)
        honest = TABLE_GENERATORS["gaussian_copula"]({}, [], {}).fit(train, seed=1).sample(len(train), seed=2)
        verdicts = []
        for label, release in attacks(train, holdout, honest).items():
            report = validate_tables(train, release, holdout, policy(target, protected))
            names = sorted(c.name for c in report.failures if c.suite == "privacy")
            verdicts.append(f"{label}: {', '.join(names) or 'pass'}")
        unseen_failures = ", ".join(f"{k} x{v}" for k, v in failed.most_common()) or "none"
        print(f"{name:14}{len(frame):>6}  {f'{passed} of {args.seeds}':18}{unseen_failures:40}"
              f"{' | '.join(verdicts)}  ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
