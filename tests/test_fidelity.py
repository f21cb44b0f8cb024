"""Fidelity catches damage that means hide: destroyed relationships, a broken critical pair, one bad group."""

import numpy as np
import pandas as pd
import pytest

from synthguard.policy import parse_policy
from synthguard.steps import split_holdout
from synthguard.validation import validate_tables
from tests.conftest import ROOT

ONLY_FIDELITY = {"privacy": {"enabled": False}, "bias": {"enabled": False}, "balance": {"enabled": False}}


def fidelity_checks(report):
    return {c.name: c for c in report.checks if c.suite == "fidelity"}


def fidelity_policy(columns, **fidelity):
    return parse_policy({"name": "fidelity", "data": {"columns": columns},
                         "validate": {"suites": {**ONLY_FIDELITY, "fidelity": fidelity}}})


def test_shuffled_columns_fail_pair_fidelity_and_detection():
    adult = pd.read_csv(ROOT / "tests" / "data" / "uci_adult_5000.csv")
    train, holdout = split_holdout(adult, 0.2, seed=0, target="income")
    rng = np.random.default_rng(0)
    shuffled = pd.DataFrame({c: rng.permutation(train[c].to_numpy()) for c in train.columns})
    checks = fidelity_checks(validate_tables(train, shuffled, holdout, fidelity_policy({"income": "target"})))
    assert checks["column_shapes"].passed  # every marginal is exactly the real one
    assert not checks["strong_pair_retention"].passed
    assert not checks["detection_auc"].passed
    worst = checks["strong_pair_retention"].details["worst_pairs"][0]
    assert worst["retained"] < 0.1 and worst["real"] >= 0.3


def test_critical_pair_is_judged_on_its_own(split, copula_sample):
    train, holdout = split
    policy = fidelity_policy({"target": "target"}, critical_pairs=[["age", "thalach"]])
    kept = fidelity_checks(validate_tables(train, copula_sample, holdout, policy))["critical_pair:age/thalach"]
    assert kept.passed, kept.details
    broken = copula_sample.assign(thalach=copula_sample["thalach"].sample(frac=1, random_state=0).to_numpy())
    report = validate_tables(train, broken, holdout, policy)
    check = fidelity_checks(report)["critical_pair:age/thalach"]
    assert not check.passed and check.details["real"] < -0.3 and abs(check.details["synthetic"]) < 0.15
    assert fidelity_checks(report)["column_pair_trends"].passed  # the mean over all pairs does not see it


def test_one_damaged_group_fails_the_subgroup_check(split, copula_sample):
    train, holdout = split
    policy = fidelity_policy({"target": "target", "sex": "protected"})
    assert fidelity_checks(validate_tables(train, copula_sample, holdout, policy))["subgroup_column_shapes"].passed
    women = copula_sample["sex"] == 0
    damaged = copula_sample.astype({c: "float64" for c in ("age", "trestbps", "chol", "thalach", "oldpeak")})
    for column in ("age", "trestbps", "chol", "thalach", "oldpeak"):
        damaged.loc[women, column] = damaged.loc[women, column].sample(frac=1, random_state=1).to_numpy() * 1.6
    checks = fidelity_checks(validate_tables(train, damaged, holdout, policy))
    subgroup = checks["subgroup_column_shapes"]
    assert not subgroup.passed and subgroup.details["worst_group"] == {"column": "sex", "group": "0"}
    assert checks["column_shapes"].passed


@pytest.mark.parametrize("pair, message", [(["age", "icd10"], "icd10, not in the data")])
def test_critical_pair_on_an_unknown_column_is_refused(split, copula_sample, pair, message):
    from synthguard.errors import DataError

    train, holdout = split
    with pytest.raises(DataError, match=message):
        validate_tables(train, copula_sample, holdout, fidelity_policy({}, critical_pairs=[pair]))
