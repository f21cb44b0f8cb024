"""Policy-declared Great Expectations rules: they catch broken rows, refuse bad rules, write nothing."""

import json
import os

import pytest
from click.testing import CliRunner

from synthguard.cli import main
from synthguard.errors import DataError, PolicyError
from synthguard.policy import parse_policy
from synthguard.validation import validate_tables

RULES = [
    {"expect_column_values_to_be_between": {"column": "age", "min_value": 18, "max_value": 100}},
    {"expect_column_values_to_be_in_set": {"column": "thal", "value_set": ["normal", "fixed", "reversible"]}},
    {"expect_column_pair_values_a_to_be_greater_than_b": {"column_A": "thalach", "column_B": "trestbps",
                                                           "mostly": 0.5}},
]
PLANTED_AGE = 613


def rules_policy(rules=RULES):
    return parse_policy({"name": "rules", "data": {"columns": {"target": "target"}},
                         "validate": {"suites": {"expectations": {"rules": rules}}}})


def expectation_checks(report):
    return {c.name: c for c in report.checks if c.suite == "expectations"}


def test_rules_pass_on_a_clean_sample_and_fail_on_broken_rows(split, copula_sample, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the ephemeral context must leave the working folder empty
    train, holdout = split
    train = train[train["thal"].isin(["normal", "fixed", "reversible"])]
    clean = copula_sample[copula_sample["thal"].isin(["normal", "fixed", "reversible"])]
    report = validate_tables(train, clean, holdout, rules_policy())
    checks = expectation_checks(report)
    assert len(checks) == 3 and all(c.passed for c in checks.values()), report.summary()

    broken = clean.copy()
    broken.loc[broken.index[:10], "age"] = PLANTED_AGE
    checks = expectation_checks(validate_tables(train, broken, holdout, rules_policy()))
    age = checks["expect_column_values_to_be_between:age"]
    assert not age.passed and age.details["synthetic"]["unexpected_count"] == 10
    assert age.details["real_passes"] is True
    # Counts only: the offending values never reach the report.
    assert str(PLANTED_AGE) not in json.dumps([c.to_dict() for c in checks.values()])
    assert os.listdir(tmp_path) == []


def test_mostly_sets_the_allowed_unexpected_share(split, copula_sample):
    train, holdout = split
    check = expectation_checks(validate_tables(train, copula_sample, holdout, rules_policy()))[
        "expect_column_pair_values_a_to_be_greater_than_b:thalach/trestbps"]
    assert check.threshold == pytest.approx(0.5)
    assert check.passed == (check.value <= 0.5)


@pytest.mark.parametrize("rule, message", [
    ({"expect_age_to_be_sane": {"column": "age"}}, "not a Great Expectations expectation"),
    ({"expect_column_values_to_be_between": {"column": "age", "min_valu": 0}}, "min_valu"),
    ({"expect_column_values_to_be_between": {"column": "age"},
      "expect_column_values_to_not_be_null": {"column": "age"}}, "one mapping"),
])
def test_bad_rules_are_refused_when_the_policy_loads(rule, message):
    with pytest.raises(PolicyError, match=message):
        rules_policy([rule])


def test_rule_on_a_column_the_data_lacks_is_a_clean_error(split, copula_sample):
    train, holdout = split
    policy = rules_policy([{"expect_column_values_to_not_be_null": {"column": "icd10"}}])
    with pytest.raises(DataError, match="icd10, not in the data"):
        validate_tables(train, copula_sample, holdout, policy)


def test_rule_on_an_identifier_stops_synth_before_fitting(medical_raw, write_policy, tmp_path):
    medical_raw["validate"]["suites"]["expectations"] = {
        "rules": [{"expect_column_values_to_not_be_null": {"column": "mrn"}}]}
    result = CliRunner().invoke(main, ["synth", "--policy", str(write_policy(medical_raw)),
                                       "--output", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "expectations names mrn" in result.output and "fitting" not in result.output
    assert not (tmp_path / "out").exists()


def test_no_real_extreme_is_written_into_the_report(split, copula_sample):
    train, holdout = split
    oldest = float(train["chol"].max())
    policy = parse_policy({"name": "t", "validation": {"suites": {"expectations": {"rules": [
        {"expect_column_max_to_be_between": {"column": "chol", "min_value": 100, "max_value": 1000}},
        {"expect_column_quantile_values_to_be_between": {"column": "chol", "quantile_ranges": {
            "quantiles": [0.0, 1.0], "value_ranges": [[0, 1000], [0, 1000]]}}},
        {"expect_column_mean_to_be_between": {"column": "chol", "min_value": 100, "max_value": 400}}]}}}})
    report = validate_tables(train, copula_sample, holdout, policy)
    rows = [c for c in report.checks if c.suite == "expectations"]
    assert len(rows) == 3
    for row in rows[:2]:  # the real table's maximum and quantiles are a real patient's values
        assert "observed_value" not in row.details["real"]
        assert oldest not in json.loads(json.dumps(row.details, default=str)).get("real", {}).values()
    assert "observed_value" in rows[2].details["real"]  # a mean over many patients may be shown
