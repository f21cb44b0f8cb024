"""The sequential CART generator (synthpop's method, issue 28): on a small real table it keeps the target's
links and each column's shape, copies no patient, writes numbers as the real column writes them, and gives
the same rows for the same seed."""

import pandas as pd
import pytest

from synthguard.generators import TABLE_GENERATORS
from synthguard.policy import parse_policy
from synthguard.validation import validate_tables


@pytest.fixture(scope="module")
def cart_sample(split):
    train, _ = split
    generator = TABLE_GENERATORS["cart"]({}, [], {c: "numerical" for c in ("age", "chol", "oldpeak", "thalach",
                                                                              "trestbps")})
    generator.stratify_on("target")
    return generator.fit(train, seed=1).sample(len(train), seed=2), generator


def test_cart_passes_the_default_gate_on_the_heart_table(split, cart_sample):
    train, holdout = split
    sample, _ = cart_sample
    report = validate_tables(train, sample, holdout, parse_policy({"name": "cart", "data": {"columns": {
        "target": "target", "sex": "protected"}}}))
    assert report.passed, [c.describe() for c in report.failures]
    links = [c for c in report.checks if c.name.startswith("target_link:")]
    assert links and all(c.passed for c in links)


def test_numbers_are_written_as_the_real_column_writes_them(split, cart_sample):
    train, _ = split
    sample, _ = cart_sample
    assert pd.api.types.is_integer_dtype(sample["chol"]) and pd.api.types.is_integer_dtype(sample["age"])
    decimals = sample["oldpeak"].dropna().map(lambda v: len(f"{v:.6f}".rstrip("0").split(".")[1]))
    assert decimals.max() <= 1  # oldpeak is written to one decimal
    assert set(sample["thal"].dropna()) <= set(train["thal"].dropna())


def test_the_same_seed_gives_the_same_rows_and_conditioning_reaches_the_counts(split, cart_sample):
    train, _ = split
    sample, generator = cart_sample
    assert sample.equals(generator.sample(len(train), seed=2))
    conditioned = generator.sample_conditioned("target", {0: 30, 1: 70}, seed=3)
    assert conditioned["target"].value_counts().to_dict() == {1: 70, 0: 30}


def test_unknown_parameters_and_a_bad_leaf_size_are_refused():
    with pytest.raises(ValueError, match="unknown parameter"):
        TABLE_GENERATORS["cart"].check_parameters({"depth": 3})
    with pytest.raises(ValueError, match="min_samples_leaf"):
        TABLE_GENERATORS["cart"].check_parameters({"min_samples_leaf": 0})


def test_auto_chooses_by_the_gates_checks_on_the_training_rows_and_says_so(patients):
    """synthesizer: auto (the default) fits the candidates on an internal split of the training rows, judges them
    by the policy's own checks, and names each with its failed checks; the winner has the fewest."""
    from synthguard.pipeline import synthesize
    from tests.conftest import CLINICAL

    release = synthesize(patients[CLINICAL], parse_policy({"name": "auto", "data": {"columns": {
        "target": "target"}}}))
    selection = release.report.settings["selection"]
    tried = [c for c in selection["candidates"] if "failed" in c]
    assert len(tried) >= 2 and {c["generator"] for c in tried} >= {"cart", "gaussian_copula"}
    chosen = next(c for c in tried if c["generator"] == selection["chosen"])
    assert len(chosen["failed"]) == min(len(c["failed"]) for c in tried)
    assert release.report.generator == selection["chosen"]
    assert any(n.startswith(f"synthesizer auto chose {selection['chosen']}") for n in release.report.notes)
    assert release.passed, [c.describe() for c in release.report.failures]


def test_no_record_replays_a_unique_patient_or_sits_next_to_one(split, cart_sample):
    """synthpop's rm.replicated.uniques, and closeness: no released row equals a training record no other
    shares, and none is nearer to a training record than the closest 1% of training records are to each other.
    Without the redraw (the same draw, unfiltered) this table had rows that close."""
    train, _ = split
    sample, generator = cart_sample
    real = set(map(tuple, train.astype(str).to_numpy()))
    assert not any(tuple(row) in real for row in sample.astype(str).to_numpy())
    closeness = generator.closeness_
    assert not closeness.too_close(generator._as_numbers(sample)).any()
    unfiltered = generator._draw(len(train), seed=2)
    assert closeness.too_close(generator._as_numbers(unfiltered)).any()
