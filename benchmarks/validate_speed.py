"""Validation speed: every synthguard suite vs SDMetrics (and mostlyai-qa where installed), same data, one run.

    python benchmarks/validate_speed.py --adult PATH/adult.data          # 10k rows x 12 mixed columns
    python benchmarks/validate_speed.py --adult PATH --sdmetrics-rows 2000   # SDMetrics' DCR on a subsample
    python benchmarks/validate_speed.py --adult PATH --scale 1000000     # a million rows: time and memory

Training rows come from UCI Adult (``adult.data`` from the UCI repository, CC BY 4.0), the holdout is a quarter
as many real rows the generator never saw, and the synthetic table is a GaussianCopula
sample as large as the training set (fitting is not timed). With --scale, "real" and
synthetic rows are drawn from that fitted GaussianCopula until each holds N rows: the
point is memory and time at that size, not the scores.
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ADULT_COLUMNS = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
                 "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week",
                 "native_country", "income"]
KEPT = ["age", "workclass", "education", "education_num", "marital_status", "occupation", "relationship",
        "race", "sex", "capital_gain", "hours_per_week", "income"]
POLICY = {
    "name": "validate-speed",
    "data": {"columns": {"income": "target", "sex": ["protected", "quasi_identifier"],
                         "race": ["protected", "quasi_identifier"], "age": "quasi_identifier",
                         "marital_status": "quasi_identifier", "occupation": "sensitive"}},
    "validate": {"suites": {
        "fidelity": {"critical_pairs": [["education", "education_num"]]},
        "expectations": {"rules": [
            {"expect_column_values_to_be_between": {"column": "age", "min_value": 17, "max_value": 90}},
            {"expect_column_values_to_be_in_set": {"column": "sex", "value_set": ["Male", "Female"]}},
            {"expect_column_values_to_not_be_null": {"column": "income"}}]}}},
}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(adult_path: Path, rows: int, seed: int):
    from synthguard.generators import TABLE_GENERATORS

    if not adult_path.exists():
        sys.exit(f"UCI Adult not found at {adult_path}")
    adult = pd.read_csv(adult_path, header=None, names=ADULT_COLUMNS, skipinitialspace=True, na_values="?")[KEPT]
    adult = adult.sample(frac=1, random_state=seed).reset_index(drop=True)
    train, holdout = adult.iloc[:rows].reset_index(drop=True), adult.iloc[rows: rows + rows // 4]
    sdtypes = {c: "numerical" if adult[c].dtype != object else "categorical" for c in KEPT}
    generator = TABLE_GENERATORS["gaussian_copula"]({}, [], sdtypes).fit(train, seed=seed)
    return train, holdout.reset_index(drop=True), generator, sdtypes


def synthguard_suites(train, holdout, synthetic, sdtypes):
    """(suite name, seconds, checks) for each suite, built from the policy as synth builds them."""
    from synthguard.gate import build_suites, context_for
    from synthguard.policy import parse_policy

    policy = parse_policy(POLICY)
    ctx = context_for(policy, train, holdout, synthetic, sdtypes)
    timings = []
    for suite, _ in build_suites(policy.validation):
        started = time.perf_counter()
        checks = suite.run(ctx)
        timings.append((suite.name, time.perf_counter() - started, checks))
    return timings


def privacy_on_every_row(train, holdout, synthetic, sdtypes) -> float:
    """The privacy suite with distances on every synthetic row: like for like with SDMetrics."""
    from synthguard.gate import context_for
    from synthguard.policy import parse_policy
    from synthguard.validators import SUITES

    policy = parse_policy(POLICY)
    config = policy.validation.suites.privacy.model_copy(
        update={"dcr_max_rows": max(len(synthetic), len(holdout)), "reidentification": "off"})
    started = time.perf_counter()
    SUITES["privacy"](config, "fail").run(context_for(policy, train, holdout, synthetic, sdtypes))
    return time.perf_counter() - started


def sdmetrics_dcr(train, synthetic, sdtypes, rows: int | None):
    from sdmetrics.single_table import DCRBaselineProtection

    metadata = {"columns": {c: {"sdtype": t} for c, t in sdtypes.items()}}
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        score = DCRBaselineProtection.compute(train, synthetic, metadata, None,
                                              num_rows_subsample=rows)
    return time.perf_counter() - started, score


def mostlyai_qa(train, holdout, synthetic):
    if importlib.util.find_spec("mostlyai") is None or importlib.util.find_spec("mostlyai.qa") is None:
        return None
    import tempfile

    from mostlyai import qa

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, metrics = qa.report(syn_tgt_data=synthetic, trn_tgt_data=train, hol_tgt_data=holdout,
                               report_path=Path(folder) / "report.html")
    return time.perf_counter() - started, metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adult", type=Path, required=True, help="path to UCI Adult's adult.data")
    parser.add_argument("--rows", type=int, default=10000, help="training rows (synthetic: as many)")
    parser.add_argument("--sdmetrics-rows", type=int, default=None,
                        help="synthetic rows SDMetrics' DCR reads (default: all, as synthguard's copy check)")
    parser.add_argument("--skip-peers", action="store_true", help="time synthguard only")
    parser.add_argument("--scale", type=int, default=None, help="rows of real and synthetic data for a scale run")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    train, holdout, generator, sdtypes = load(args.adult, args.rows, args.seed)
    synthetic = generator.sample(len(train), seed=args.seed + 1)
    if args.scale:
        # Drawn in blocks so the table itself is the only large thing in memory.
        train = pd.concat([generator.sample(100_000, seed=i) for i in range(-(-args.scale // 100_000))])
        train = train.iloc[: args.scale].reset_index(drop=True)
        holdout = generator.sample(args.scale // 4, seed=10**6)
        synthetic = pd.concat([generator.sample(100_000, seed=10**7 + i) for i in range(-(-args.scale // 100_000))])
        synthetic = synthetic.iloc[: args.scale].reset_index(drop=True)
    print(f"data: train {len(train):,} x {train.shape[1]}, holdout {len(holdout):,}, synthetic {len(synthetic):,}; "
          f"peak memory before validation {peak_rss_mib():,.0f} MiB")

    rows = synthguard_suites(train, holdout, synthetic, sdtypes)
    total = sum(seconds for _, seconds, _ in rows)
    print(f"\n{'synthguard suite':<16}{'seconds':>9}  checks")
    for name, seconds, checks in rows:
        shown = ", ".join(f"{c.name}={'-' if c.value is None else format(c.value, '.3g')}" for c in checks[:6])
        print(f"{name:<16}{seconds:>9.2f}  {shown}")
    print(f"{'all suites':<16}{total:>9.2f}  (goal: under 20 s at 10k rows)")
    privacy = next(seconds for name, seconds, _ in rows if name == "privacy")
    print(f"peak memory after validation {peak_rss_mib():,.0f} MiB")
    if args.skip_peers or args.scale:
        return

    print("\npeers on the same data, same run")
    seconds, score = sdmetrics_dcr(train, synthetic, sdtypes, args.sdmetrics_rows)
    read = args.sdmetrics_rows or len(synthetic)
    print(f"SDMetrics DCRBaselineProtection ({read:,} synthetic rows): {seconds:.1f} s, score {score:.3f}")
    print(f"  synthguard privacy suite (copies on every row, distances on {min(len(synthetic), 5000):,} "
          f"sampled rows, plus anonymeter where installed): {privacy:.1f} s -> {seconds / privacy:.1f}x faster")
    every_row = privacy_on_every_row(train, holdout, synthetic, sdtypes)
    print(f"  synthguard privacy suite, distances on every row, no anonymeter: {every_row:.1f} s "
          f"-> {seconds / every_row:.1f}x faster")
    qa_result = mostlyai_qa(train, holdout, synthetic)
    if qa_result is None:
        print("mostlyai-qa: not installed in this environment (pip install mostlyai-qa to compare)")
    else:
        seconds, metrics = qa_result
        dcr = getattr(getattr(metrics, "distances", None), "dcr_share", None)
        print(f"mostlyai-qa report (accuracy, similarity, distances): {seconds:.1f} s, DCR share {dcr}; "
              f"synthguard all suites {total:.1f} s -> {seconds / total:.1f}x")


if __name__ == "__main__":
    main()
