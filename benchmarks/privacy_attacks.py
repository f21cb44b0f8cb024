"""Attacks on the privacy gate, per real table: each attack's verdict, and the membership attack on an honest
sample, side by side with SDMetrics' DCR scores for the same releases.

    python benchmarks/privacy_attacks.py [--csv heart.csv ...]

Tables: lifelines' GBSG2 (German Breast Cancer Study Group trial, 686 patients), NCCTG lung cancer (228,
167 complete) and kidney transplant (863) — real tables shipped inside the lifelines package — plus any
``--csv`` given. Each is split 50/50 into training and holdout rows by a seeded permutation; the honest
sample is SDV's Gaussian copula fitted on the training half. The attacks replace part of the honest sample:
the holdout rows themselves; 4% near copies (training rows with one column moved by a millionth of a
standard deviation); the 1% most extreme training patients verbatim; 1% exact copies. A verdict is the
privacy checks that fail (fidelity set to warn, so the privacy verdict shows). mostlyai-qa's distances are
not printed: it does not install beside this environment's torch (see README).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd


def tables(extra: list[str]) -> dict[str, pd.DataFrame]:
    from lifelines.datasets import load_gbsg2, load_kidney_transplant, load_lung

    out = {"GBSG2": load_gbsg2(), "lung": load_lung().dropna().reset_index(drop=True),
           "kidney": load_kidney_transplant()}
    for path in extra:
        out[Path(path).stem] = pd.read_csv(path)
    return out


def _numeric(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and frame[c].nunique() > 10]


def attacks(train: pd.DataFrame, holdout: pd.DataFrame, honest: pd.DataFrame) -> dict[str, pd.DataFrame]:
    numeric = _numeric(train)
    near = honest.copy()
    count = max(2, int(0.04 * len(honest)))
    rows = train.sample(count, random_state=1).reset_index(drop=True)
    rows[numeric[0]] = rows[numeric[0]].astype(float) + 1e-6 * train[numeric[0]].std()
    near[numeric[0]] = near[numeric[0]].astype(float)
    near.iloc[:count] = rows[near.columns].to_numpy()
    z = ((train[numeric] - train[numeric].mean()) / train[numeric].std()).abs().max(axis=1)
    extreme = train.loc[z.sort_values(ascending=False).index[:max(1, len(train) // 100)]]
    copies = train.sample(max(1, len(train) // 100), random_state=2)
    return {
        "honest copula sample": honest,
        "holdout rows as synthetic": holdout.copy(),
        "4% near copies": near,
        "1% most extreme verbatim": pd.concat([honest.iloc[len(extreme):], extreme], ignore_index=True),
        "1% exact copies": pd.concat([honest.iloc[len(copies):], copies], ignore_index=True),
    }


def sdmetrics_dcr(train: pd.DataFrame, holdout: pd.DataFrame, synthetic: pd.DataFrame) -> tuple[float, float]:
    from sdmetrics.single_table import DCRBaselineProtection, DCROverfittingProtection
    from sdv.metadata import Metadata

    metadata = Metadata.detect_from_dataframes({"t": train}).to_dict()
    overfit = DCROverfittingProtection.compute(train, synthetic, holdout, metadata, "t")
    baseline = DCRBaselineProtection.compute(train, synthetic, metadata, "t")
    return float(overfit), float(baseline)


def main() -> None:
    from threadpoolctl import threadpool_limits

    from synthguard.generators import TABLE_GENERATORS
    from synthguard.policy import parse_policy
    from synthguard.validation import validate_tables

    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", action="append", default=[], help="another real table (CSV)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    threadpool_limits(1)  # one core per process: BLAS threads only fight over two cores
    policy = parse_policy({"name": "attacks", "validation": {"suites": {"fidelity": {"action": "warn"}}}})
    for name, frame in tables(args.csv).items():
        order = np.random.default_rng(0).permutation(len(frame))
        half = len(frame) // 2
        train = frame.iloc[order[:half]].reset_index(drop=True)
        holdout = frame.iloc[order[half:]].reset_index(drop=True)
        honest = TABLE_GENERATORS["gaussian_copula"]({}, [], {}).fit(train, seed=1).sample(len(train), seed=2)
        print(f"\n{name}: {len(train)} training, {len(holdout)} holdout rows")
        print(f"{'release':28}{'synthguard privacy verdict':72}{'SDMetrics DCR overfit':>22}{'DCR baseline':>14}")
        for label, synthetic in attacks(train, holdout, honest).items():
            started = time.perf_counter()
            report = validate_tables(train, synthetic, holdout, policy)
            failed = [c.name for c in report.failures if c.suite == "privacy"]
            verdict = "FAIL " + ", ".join(failed) if failed else "pass"
            overfit, baseline = sdmetrics_dcr(train, holdout, synthetic)
            print(f"{label:28}{verdict:72}{overfit:>22.3f}{baseline:>14.3f}")
            if label.startswith("honest"):
                checks = {c.name: c for c in report.checks}
                auc, named = checks["membership_attack_auc"], checks["membership_identified"]
                close = checks["close_records"]
                print(f"{'':28}membership attack AUC {auc.value:.3f} (95% {auc.details['ci95'][0]:.3f}–"
                      f"{auc.details['ci95'][1]:.3f}), records named with no false positive {named.value:.0f}, "
                      f"close records {close.value:.0f} of {close.threshold:.0f} allowed "
                      f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
