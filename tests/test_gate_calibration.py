"""The gate passes real rows the generator never saw and fails every attack, on five real tables (issue 27).

Real tables: UCI Heart (Cleveland), GBSG2 breast-cancer trial, NCCTG lung cancer (with its missing values),
larynx cancer (90 patients) from lifelines, and the Wisconsin breast-cancer table from scikit-learn. Unseen
rows: half of each table is split as synth splits its input (80% training, 20% holdout) and the other half,
real people the "generator" never saw, is judged as the release, with the default policy (target and one
protected column named). Attacks: on the whole table split as synth splits it, an honest copula sample with
the holdout rows, 4% near copies, the 1% most extreme patients verbatim, or 1% exact copies put in.
"""

import numpy as np
import pandas as pd
import pytest

from synthguard.generators import TABLE_GENERATORS
from synthguard.policy import parse_policy
from synthguard.steps import split_holdout
from synthguard.validation import validate_tables
from tests.conftest import ROOT


def _tables() -> dict[str, tuple[pd.DataFrame, str, str | None]]:
    from lifelines.datasets import load_gbsg2, load_larynx, load_lung
    from sklearn.datasets import load_breast_cancer

    return {"heart": (pd.read_csv(ROOT / "examples" / "data" / "uci_heart_cleveland.csv"), "target", "sex"),
            "gbsg2": (load_gbsg2(), "cens", "menostat"), "lung": (load_lung(), "status", "sex"),
            "larynx": (load_larynx(), "death", "Stage_IV"),
            "breast_cancer": (load_breast_cancer(as_frame=True).frame, "target", None)}


def _policy(target: str, protected: str | None):
    columns = {target: "target", **({protected: "protected"} if protected else {})}
    return parse_policy({"name": "calibration", "data": {"columns": columns}})


TABLES = ["heart", "gbsg2", "lung", "larynx", "breast_cancer"]


@pytest.mark.parametrize("name", TABLES)
def test_real_rows_the_generator_never_saw_pass_the_default_gate(name):
    frame, target, protected = _tables()[name]
    order = np.random.default_rng(0).permutation(len(frame))
    seen, unseen = frame.iloc[order[: len(frame) // 2]], frame.iloc[order[len(frame) // 2:]]
    train, holdout = split_holdout(seen.reset_index(drop=True), 0.2, 0, target)
    report = validate_tables(train, unseen.reset_index(drop=True), holdout, _policy(target, protected))
    assert report.passed, [c.describe() for c in report.failures]


def _attacks(train: pd.DataFrame, holdout: pd.DataFrame, honest: pd.DataFrame) -> dict[str, pd.DataFrame]:
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
    return {"holdout rows": holdout.copy(), "4% near copies": near,
            "1% most extreme verbatim": pd.concat([honest.iloc[len(extreme):], extreme], ignore_index=True),
            "1% exact copies": pd.concat([honest.iloc[len(copies):], copies], ignore_index=True)}


@pytest.mark.parametrize("name", TABLES)
def test_every_attack_still_fails_the_privacy_gate(name):
    frame, target, protected = _tables()[name]
    frame = frame.dropna().reset_index(drop=True)
    train, holdout = split_holdout(frame, 0.2, 0, target)
    honest = TABLE_GENERATORS["gaussian_copula"]({}, [], {}).fit(train, seed=1).sample(len(train), seed=2)
    for attack, release in _attacks(train, holdout, honest).items():
        report = validate_tables(train, release, holdout, _policy(target, protected))
        privacy = {c.name for c in report.failures if c.suite == "privacy"}
        assert privacy, f"{name}: {attack} passed the privacy suite"
