"""Synthetic-table quality of every table generator, judged by a neutral tool beside synthguard's own gate.

    OMP_NUM_THREADS=1 python benchmarks/tabular_quality.py --adult PATH/uci_adult.data [--tables adult,flchain,aids]
        [--generators tabular_argn,gaussian_copula,tabular_argn:large,...] [--max-rows N] [--seed S]
        [--parameters '{"tabular_argn:large": {"model": "MOSTLY_AI/Large"}}']

Tables (real, none of them the bundled example): UCI Adult (census income, 32,561 people; the file whose path
is given), scikit-survival's flchain (serum free light chains, 7,874 Olmsted County residents) and AIDS
(ACTG 320 trial, 1,151 patients); the survival outcome joins each as columns.

Each table is split in half by a seeded shuffle: the generator fits on one half (train) and samples as many
rows; the other half (holdout) is real data it never saw. Printed per table and generator: fit and sample
seconds; mostlyai-qa's overall accuracy, univariate and bivariate accuracy, discriminator AUC (a classifier
telling synthetic from train rows: 0.5 is indistinguishable) and DCR share (share of synthetic rows closer to
a train row than to a holdout row: 0.5 is no memorisation); then synthguard's own detection AUC and gate
verdict with the default policy. The first row, ``holdout (ceiling)``, is the same measures with the holdout
standing in for synthetic data: real rows from the same population, as good as a generator can get.

A generator may carry a label after a colon (``tabular_argn:large``) so that one run compares settings of
the same generator; ``--parameters`` maps a generator or label to its policy ``parameters``. The privacy
column prints synthguard's close-record count and membership-attack AUC beside the QA tool's DCR share.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # mostlyai-qa's workers oversubscribe the cores without it
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pandas as pd  # noqa: E402

ADULT_COLUMNS = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
                 "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country",
                 "income"]
TARGETS = {"adult": "income", "flchain": "death", "aids": "censor"}
DEFAULT_GENERATORS = "tabular_argn,gaussian_copula,ctgan,tvae"


def load_table(name: str, adult_path: str | None) -> pd.DataFrame:
    if name == "adult":
        if not adult_path:
            raise SystemExit("--adult PATH is needed for the adult table (uci_adult.data)")
        return pd.read_csv(adult_path, names=ADULT_COLUMNS, skipinitialspace=True, na_values="?")
    from sksurv import datasets

    features, outcome = {"flchain": datasets.load_flchain, "aids": datasets.load_aids}[name]()
    frame = features.copy()
    for column in outcome.dtype.names:
        frame[column] = outcome[column]
    for column in frame.columns:  # sksurv hands categoricals; the generators and the QA tool read plain values
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(object)
        elif frame[column].dtype == bool:
            frame[column] = frame[column].astype(int)
    return frame


def quality(synthetic: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame | None) -> dict[str, float]:
    from mostlyai import qa

    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, metrics = qa.report(syn_tgt_data=synthetic, trn_tgt_data=train, hol_tgt_data=holdout,
                               report_path=Path(folder) / "report.html")
    return {"accuracy": metrics.accuracy.overall, "univariate": metrics.accuracy.univariate,
            "bivariate": metrics.accuracy.bivariate,
            "discriminator_auc": metrics.similarity.discriminator_auc_training_synthetic,
            "dcr_share": metrics.distances.dcr_share if metrics.distances.dcr_share is not None else float("nan")}


def gate(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, target: str) -> tuple[dict, str]:
    from synthguard.policy import Policy
    from synthguard.validation import validate_tables

    policy = Policy.model_validate({"name": "tabular-quality", "data": {"columns": {target: "target"}}})
    report = validate_tables(train, synthetic, holdout, policy)
    values = {c.name: c.value for c in report.checks}
    failed = sorted({c.name for c in report.checks if not c.passed and c.severity == "fail"})
    return values, "pass" if report.passed else "FAIL " + ",".join(failed)


def figure(values: dict, name: str, spec: str) -> str:
    value = values.get(name)
    return "" if value is None else format(int(value) if spec == "d" else value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adult", help="path to UCI Adult's adult.data")
    parser.add_argument("--tables", default="adult,flchain,aids")
    parser.add_argument("--generators", default=DEFAULT_GENERATORS)
    parser.add_argument("--max-rows", type=int, default=None, help="use a seeded sample of this many real rows")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--parameters", default="{}", help="JSON: generator or generator:label -> parameters")
    args = parser.parse_args()
    try:
        parameters = json.loads(args.parameters)
    except json.JSONDecodeError as error:
        raise SystemExit(f"--parameters is not JSON: {error}") from None

    from synthguard.generators import TABLE_GENERATORS
    from synthguard.policy import Policy
    from synthguard.scrub.columns import plan_columns, settle_sdtypes

    header = (f"{'table':9}{'generator':20}{'fit s':>8}{'sample s':>9}{'accuracy':>10}{'univar':>8}{'bivar':>8}"
              f"{'disc AUC':>9}{'DCR share':>10}{'sg det AUC':>11}{'close':>6}{'MIA AUC':>8}  gate")
    print(header)
    for name in args.tables.split(","):
        real = load_table(name, args.adult)
        if args.max_rows and len(real) > args.max_rows:
            real = real.sample(args.max_rows, random_state=args.seed)
        shuffled = real.sample(frac=1, random_state=args.seed).reset_index(drop=True)
        train, holdout = shuffled.iloc[: len(real) // 2].reset_index(drop=True), \
            shuffled.iloc[len(real) // 2:].reset_index(drop=True)
        target = TARGETS[name]
        rows = {"holdout (ceiling)": (holdout, float("nan"), float("nan"))}
        policy = Policy.model_validate({"name": "tabular-quality", "data": {"columns": {target: "target"}}})
        sdtypes = settle_sdtypes(train, plan_columns(train, policy), policy)
        for generator_name in args.generators.split(","):
            chosen = parameters.get(generator_name, {})
            TABLE_GENERATORS[generator_name.split(":")[0]].check_parameters(chosen)
            generator = TABLE_GENERATORS[generator_name.split(":")[0]](chosen, [], sdtypes)
            started = time.perf_counter()
            generator.fit(train, seed=args.seed)
            fitted = time.perf_counter()
            synthetic = generator.sample(len(train), seed=args.seed + 1)
            rows[generator_name] = (synthetic, fitted - started, time.perf_counter() - fitted)
            if hasattr(generator, "close"):
                generator.close()
        for label, (synthetic, fit_s, sample_s) in rows.items():
            ceiling = label.startswith("holdout")
            q = quality(synthetic, train, None if ceiling else holdout)
            values, verdict = ({}, "") if ceiling else gate(train, synthetic, holdout, target)
            print(f"{name:9}{label:20}{fit_s:>8.1f}{sample_s:>9.1f}{q['accuracy']:>10.3f}{q['univariate']:>8.3f}"
                  f"{q['bivariate']:>8.3f}{q['discriminator_auc']:>9.3f}"
                  f"{'' if ceiling else format(q['dcr_share'], '.3f'):>10}"
                  f"{figure(values, 'detection_auc', '.3f'):>11}{figure(values, 'close_records', 'd'):>6}"
                  f"{figure(values, 'membership_attack_auc', '.3f'):>8}  {verdict}", flush=True)


if __name__ == "__main__":
    main()
