"""Attacks on the release gate, on real clinical tables the project does not ship (lifelines' GBSG2 breast
cancer trial and NCCTG lung cancer cohort): every one fails with a named privacy check, an honest sample
passes. Every real record (training and holdout) is the reference."""

import numpy as np
import pandas as pd
import pytest

from synthguard.generators import TABLE_GENERATORS
from synthguard.policy import parse_policy
from synthguard.validation import validate_tables

POLICY = parse_policy({"name": "attacks", "validation": {"suites": {"fidelity": {"action": "warn"}}}})


def _tables():
    from lifelines.datasets import load_gbsg2, load_lung

    return {"gbsg2": load_gbsg2(), "lung": load_lung().dropna().reset_index(drop=True)}


@pytest.fixture(scope="module", params=["gbsg2", "lung"])
def table(request):
    frame = _tables()[request.param]
    order = np.random.default_rng(0).permutation(len(frame))
    half = len(frame) // 2
    train = frame.iloc[order[:half]].reset_index(drop=True)
    holdout = frame.iloc[order[half:]].reset_index(drop=True)
    honest = TABLE_GENERATORS["gaussian_copula"]({}, [], {}).fit(train, seed=1).sample(len(train), seed=2)
    return request.param, train, holdout, honest


def privacy_failures(train, holdout, synthetic) -> set[str]:
    report = validate_tables(train, synthetic, holdout, POLICY)
    return {c.name for c in report.failures if c.suite == "privacy"}


def _numeric(frame):
    return [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and frame[c].nunique() > 10]


def test_an_honest_sample_passes_privacy(table):
    _, train, holdout, honest = table
    assert privacy_failures(train, holdout, honest) == set()


def test_holdout_rows_presented_as_synthetic_fail(table):
    _, train, holdout, _ = table
    assert "unique_record_copies" in privacy_failures(train, holdout, holdout.copy())


def test_a_few_percent_of_near_copies_fail(table):
    _, train, holdout, honest = table
    near = honest.copy()
    count = max(2, int(0.04 * len(honest)))
    rows = train.sample(count, random_state=1).reset_index(drop=True)
    column = _numeric(train)[0]
    rows[column] = rows[column].astype(float) + 1e-6 * train[column].std()  # a millionth of a deviation
    near[column] = near[column].astype(float)
    near.iloc[:count] = rows[near.columns].to_numpy()
    failures = privacy_failures(train, holdout, near)
    assert "membership_identified" in failures
    assert "unique_record_copies" not in failures  # not one is an exact copy


def test_the_most_extreme_patients_verbatim_fail(table):
    _, train, holdout, honest = table
    numeric = _numeric(train)
    z = ((train[numeric] - train[numeric].mean()) / train[numeric].std()).abs().max(axis=1)
    extreme = train.loc[z.sort_values(ascending=False).index[:max(1, len(train) // 100)]]
    release = pd.concat([honest.iloc[len(extreme):], extreme], ignore_index=True)
    assert {"unique_record_copies", "membership_identified"} <= privacy_failures(train, holdout, release)


def test_one_percent_exact_copies_fail(table):
    _, train, holdout, honest = table
    copies = train.sample(max(1, len(train) // 100), random_state=2)
    release = pd.concat([honest.iloc[len(copies):], copies], ignore_index=True)
    assert "unique_record_copies" in privacy_failures(train, holdout, release)


def test_the_attack_reports_an_auc_with_an_interval(table):
    _, train, holdout, honest = table
    report = validate_tables(train, honest, holdout, POLICY)
    auc = next(c for c in report.checks if c.name == "membership_attack_auc")
    low, high = auc.details["ci95"]
    assert low <= auc.value <= high and 0.3 < auc.value < 0.6
    copied = validate_tables(train, train.copy(), holdout, POLICY)
    assert next(c for c in copied.checks if c.name == "membership_attack_auc").value > 0.9
