"""anonymeter's attacks inside the privacy suite, in both installs: with the extra and without it."""

import pandas as pd
import pytest

from synthguard.generators import TABLE_GENERATORS
from synthguard.policy import parse_policy
from synthguard.steps import split_holdout
from synthguard.validation import validate_tables
from synthguard.validators import _reidentification
from tests.conftest import ROOT

ADULT = ROOT / "tests" / "data" / "uci_adult_5000.csv"
QUASI = ["age", "sex", "race", "education", "marital_status"]
needs_anonymeter = pytest.mark.skipif(not _reidentification.available(), reason="anonymeter extra not installed")
without_anonymeter = pytest.mark.skipif(_reidentification.available(), reason="anonymeter extra installed")


def adult_policy(**privacy):
    columns = {c: "quasi_identifier" for c in QUASI}
    columns.update(income="target", occupation="sensitive", hours_per_week="sensitive")
    return parse_policy({"name": "adult", "data": {"columns": columns},
                         "validate": {"suites": {"privacy": privacy, "fidelity": {"enabled": False},
                                                 "bias": {"enabled": False}}}})


@pytest.fixture(scope="module")
def adult_split():
    adult = pd.read_csv(ADULT)
    return split_holdout(adult, 0.2, seed=0, target="income")


def attack_checks(report):
    return {c.name: c for c in report.checks if c.name.endswith("_risk")}


@needs_anonymeter
def test_attacks_pass_a_copula_sample_and_fail_a_verbatim_copy(adult_split):
    train, holdout = adult_split
    sdtypes = {c: "numerical" if train[c].dtype != object else "categorical" for c in train.columns}
    sample = TABLE_GENERATORS["gaussian_copula"]({}, [], sdtypes).fit(train, seed=1).sample(len(train), seed=2)

    checks = attack_checks(validate_tables(train, sample, holdout, adult_policy()))
    assert set(checks) == {"singling_out_risk", "linkability_risk", "inference_risk"}
    assert all(c.passed for c in checks.values()), {n: c.value for n, c in checks.items()}
    assert checks["inference_risk"].details["ci95"][0] <= checks["inference_risk"].value

    copied = attack_checks(validate_tables(train, train, holdout, adult_policy()))
    assert not copied["singling_out_risk"].passed
    assert copied["inference_risk"].value > 0.3


@needs_anonymeter
def test_singling_out_runs_on_date_quasi_identifiers(split, copula_sample):
    train, holdout = split
    train, holdout, sample = (
        frame.assign(seen=pd.Timestamp("2024-01-01") + pd.to_timedelta(frame["chol"], unit="D"))
        for frame in (train, holdout, copula_sample))
    policy = parse_policy({"name": "dates", "data": {"columns": {
        "age": "quasi_identifier", "seen": "quasi_identifier", "sex": "quasi_identifier", "target": "target"}}})
    checks = attack_checks(validate_tables(train, sample, holdout, policy))
    assert checks["singling_out_risk"].value is not None


@without_anonymeter
def test_without_the_extra_the_report_says_how_to_install_it(adult_split):
    train, holdout = adult_split
    report = validate_tables(train, train.sample(frac=1, random_state=0), holdout, adult_policy())
    (check,) = [c for c in report.checks if c.name == "reidentification_risk"]
    assert check.severity == "info" and "synthguard[anonymeter]" in check.details["reason"]

    strict = validate_tables(train, train, holdout, adult_policy(reidentification="required"))
    assert ("privacy", "reidentification_risk") in {(c.suite, c.name) for c in strict.failures}
