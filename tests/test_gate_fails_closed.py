"""The gate fails closed (issue 27): a wrong type or a generator's own token fails it naming the column, a
measurement with a few stray strings stays a measurement, ``validate()`` judges by the values and not by the
dtypes a reader gave them, a check not run is never shown as passed, and no check can pass whatever it reads."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from synthguard.cli import main
from synthguard.errors import PolicyError
from synthguard.generators import TABLE_GENERATORS
from synthguard.policy import parse_policy
from synthguard.validation import validate_tables
from tests.conftest import CLINICAL, EXAMPLE_CSV

DATES = ["admission_date", "discharge_date"]
RULES = {"expectations": {"rules": [{"expect_column_pair_values_a_to_be_greater_than_b": {
    "column_A": "discharge_date", "column_B": "admission_date", "or_equal": True}}]}}


def _policy(**suites) -> dict:
    return {"name": "closed", "data": {"columns": {"target": "target", "admission_date": "quasi_identifier",
                                                   "discharge_date": "quasi_identifier"}},
            "generate": {"table": {"synthesizer": "gaussian_copula", "seed": 5, "constraints": [
                {"type": "inequality", "low": "admission_date", "high": "discharge_date"}]}},
            "validate": {"suites": {"privacy": {"enabled": False}, "bias": {"enabled": False}, **RULES, **suites}}}


@pytest.fixture(scope="module")
def dated():
    frame = pd.read_csv(EXAMPLE_CSV)[DATES + CLINICAL]
    order = np.random.default_rng(0).permutation(len(frame))
    return frame.iloc[order[:200]].reset_index(drop=True), frame.iloc[order[200:]].reset_index(drop=True)


def test_rare_tokens_where_dates_should_be_fail_the_gate_naming_the_column_and_counting(dated):
    real, unseen = dated
    holdout, synthetic = unseen.iloc[:40], unseen.iloc[40:].reset_index(drop=True)
    assert validate_tables(real, synthetic, holdout, parse_policy(_policy())).passed  # real unseen rows pass
    ruined = synthetic.assign(admission_date="_RARE_", discharge_date="_RARE_")
    report = validate_tables(real, ruined, holdout, parse_policy(_policy()))
    failed = {f"{c.suite}.{c.name}": c for c in report.failures}
    assert {"types.unreadable_values:admission_date", "types.unreadable_values:discharge_date",
            "constraints.inequality:admission_date/discharge_date",
            "expectations.expect_column_pair_values_a_to_be_greater_than_b:discharge_date/admission_date"} <= set(
        failed)
    unread = failed["types.unreadable_values:admission_date"]
    assert unread.value == len(ruined) and unread.details["expected"] == "dates"
    assert "_RARE_" not in json.dumps(report.to_dict())  # counts, never the values


class _RareDates(TABLE_GENERATORS["gaussian_copula"]):
    """A generator that writes its own token where a date should be, and blanks a full column."""

    name = "rare_dates_for_test"

    def sample(self, num_rows, seed):
        rows = super().sample(num_rows, seed)
        return rows.assign(admission_date="_RARE_", chol=np.nan)


def test_a_generator_that_writes_tokens_and_blanks_fails_synth_naming_each_column(example_copy):
    from synthguard.pipeline import synthesize

    TABLE_GENERATORS.register(_RareDates)
    try:
        release = synthesize(example_copy, parse_policy(_policy() | {"name": "rare"} | {
            "generate": {"table": {"synthesizer": "rare_dates_for_test", "seed": 5}}}))
    finally:
        TABLE_GENERATORS.unregister("rare_dates_for_test")
    failed = {f"{c.suite}.{c.name}" for c in release.report.failures}
    assert not release.passed and release.data is None
    assert {"types.unreadable_values:admission_date", "types.missing_share:chol"} <= failed


def test_a_measurement_with_a_few_stray_strings_stays_numbers_with_its_bad_cells_counted(tmp_path, write_policy):
    from synthguard.pipeline import synthesize

    frame = pd.read_csv(EXAMPLE_CSV)[CLINICAL]
    frame["trestbps"] = frame["trestbps"].astype(object)
    for row, dirty in zip((3, 50, 120, 250), ("n/a", "120/80", "?", "not done"), strict=True):
        frame.loc[row, "trestbps"] = dirty
    path = tmp_path / "dirty.csv"
    frame.to_csv(path, index=False)
    minimal = {"name": "dirty", "data": {"columns": {"target": "target"}},
               "generate": {"table": {"synthesizer": "gaussian_copula"}}}
    release = synthesize(path, parse_policy(minimal))
    columns = release.report.columns
    assert "trestbps" in columns["model"] and columns["sdtypes"]["trestbps"] == "numerical"
    # "n/a" is one of the CSV reader's own missing markers; the other three are the dirty cells.
    assert columns["types"]["trestbps"] == {"storage": "number", "whole": True, "dirty": 3}
    assert any("'trestbps'" in n and "3 cells" in n for n in release.report.notes)
    assert pd.api.types.is_integer_dtype(release.data["trestbps"])
    refusing = write_policy({**minimal, "data": {**minimal["data"], "source": str(path), "dirty_values": "refuse"}})
    result = CliRunner().invoke(main, ["synth", "--policy", str(refusing), "--output", str(tmp_path / "out")])
    assert result.exit_code == 2 and "'trestbps': 3 cells do not read as numbers" in result.output
    assert not (tmp_path / "out").exists()


def test_validate_gives_one_verdict_whatever_the_reader_parsed(tmp_path, dated):
    real, unseen = dated
    generator = TABLE_GENERATORS["gaussian_copula"]({}, [], {})
    synthetic = generator.fit(real[CLINICAL], seed=1).sample(len(real), seed=2)
    synthetic[DATES] = real[DATES].sample(frac=1, random_state=3).to_numpy()
    for name, frame in (("real", real), ("synthetic", synthetic), ("holdout", unseen)):
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    policy = parse_policy({"name": "readers", "data": {"columns": {"target": "target"}}})

    def verdict(**read):
        tables = [pd.read_csv(tmp_path / f"{n}.csv", **read) for n in ("real", "synthetic", "holdout")]
        report = validate_tables(*tables, policy, target="target")
        return report.passed, {(c.suite, c.name): c.value for c in report.checks}

    plain, parsed = verdict(), verdict(parse_dates=DATES)
    assert plain[0] == parsed[0]
    assert {k: v for k, v in plain[1].items() if v != parsed[1].get(k)} == {}
    # An MRN read as numbers in one table and as text in the other is one code, not a crash.
    real_ids, synthetic_ids = real.assign(mrn=np.arange(len(real)) + 1000), synthetic.assign(
        mrn=(np.arange(len(synthetic)) + 5000).astype(str))
    report = validate_tables(real_ids, synthetic_ids, unseen.assign(mrn=np.arange(len(unseen)) + 9000), policy,
                             target="target")
    assert {c.suite for c in report.checks} >= {"types", "privacy", "fidelity"}


def test_a_check_not_run_is_shown_as_not_run_and_can_be_required(dated, tmp_path):
    from synthguard.release import Release

    real, unseen = dated
    holdout, synthetic = unseen.iloc[:40], unseen.iloc[40:].reset_index(drop=True)
    policy = parse_policy({"name": "shown", "data": {"columns": {"target": "target", "age": "quasi_identifier"}}})
    report = validate_tables(real[CLINICAL], synthetic[CLINICAL], holdout[CLINICAL], policy)
    by_name = {c.name: c for c in report.checks}
    attacks = by_name.get("reidentification_risk")
    if attacks is not None:  # anonymeter absent: the attacks did not run, and nothing says they passed
        assert attacks.state == "not_run" and attacks.outcome == "not run"
    dcr = by_name["dcr_closer_to_train_share"]  # 40 holdout rows: the allowance reaches past 1
    assert dcr.state == "underpowered" and dcr.outcome == "not enough rows to check" and dcr.severity == "info"
    Release(report).write(tmp_path / "r")
    html = (tmp_path / "r" / "report.html").read_text()
    card = (tmp_path / "r" / "README.md").read_text()
    assert "not enough rows to check" in html and "dcr_closer_to_train_share was not checked" in card
    strict = parse_policy({"name": "strict", "data": {"columns": {"target": "target"}},
                           "validate": {"underpowered": "fail"}})
    required = validate_tables(real[CLINICAL], synthetic[CLINICAL], holdout[CLINICAL], strict)
    assert ("privacy", "dcr_closer_to_train_share") in {(c.suite, c.name) for c in required.failures}


def test_every_threshold_shown_is_the_one_applied_with_the_policy_value_and_allowance(dated):
    real, unseen = dated
    report = validate_tables(real[CLINICAL], unseen[CLINICAL].iloc[40:], unseen[CLINICAL].iloc[:40],
                             parse_policy({"name": "t", "data": {"columns": {"target": "target"}}}))
    auc = next(c for c in report.checks if c.name == "membership_attack_auc")
    assert auc.policy_value == 0.6 and auc.threshold == pytest.approx(auc.policy_value + auc.allowance, abs=1e-6)
    shown = auc.to_dict()
    assert shown["policy_value"] == 0.6 and shown["outcome"] in ("pass", "FAIL")


def test_no_check_at_the_smallest_table_synth_accepts_is_one_that_cannot_fail(patients):
    """25 rows (20 training, 5 holdout): every check either can fail, or says it has not enough rows."""
    from synthguard.pipeline import synthesize

    small = patients[DATES + CLINICAL].sample(25, random_state=4).reset_index(drop=True)
    policy = parse_policy(_policy() | {"data": {"columns": {"target": "target", "sex": "protected",
                                                            "admission_date": "quasi_identifier",
                                                            "discharge_date": "quasi_identifier"}}}
                          | {"validate": {"action": "warn", "suites": RULES}})
    report = synthesize(small, policy).report
    measured = [c for c in report.checks if c.state == "measured" and c.threshold is not None]
    assert measured
    for check in measured:
        assert check.bounds is not None, f"{check.suite}.{check.name} states no range"
        low, high = check.bounds
        can_fail = check.threshold < high if check.op == "<=" else check.threshold > low
        assert can_fail, f"{check.suite}.{check.name}: {check.op} {check.threshold} cannot fail in {check.bounds}"
    assert any(c.state == "underpowered" for c in report.checks)


def test_a_row_number_stays_a_row_number(tmp_path):
    from synthguard.scrub.table import scrub

    notes = pd.DataFrame({"note_id": range(1, 11), "text": [f"Seen by Dr. Alvarez on day {i}." for i in range(10)]})
    scrubbed = scrub(notes, text_columns=("text",))
    assert scrubbed.data["note_id"].tolist() == list(range(1, 11))
    plan = {i.column: i.kind for i in scrubbed.plan.identifiers}
    assert plan.get("note_id") == "row_number"


def test_a_column_judged_an_identifier_from_its_values_is_said_on_the_command_line(tmp_path, write_policy, patients):
    frame = patients[CLINICAL].copy()
    frame["contact"] = patients["phone"]  # phones under a name that says nothing
    frame.to_csv(tmp_path / "t.csv", index=False)
    policy = write_policy({"name": "judged", "data": {"source": str(tmp_path / "t.csv"),
                                                      "columns": {"target": "target"}},
                           "generate": {"table": {"synthesizer": "gaussian_copula"}},
                           "validate": {"action": "warn"}})
    result = CliRunner().invoke(main, ["synth", "--policy", str(policy), "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "'contact' was judged an identifier from its values" in result.output
    card = (tmp_path / "out" / "README.md").read_text()
    assert "| contact | surrogate (phone), never a real value | **judged an identifier from its values**" in card


def test_a_policy_naming_a_type_for_an_identifier_is_refused():
    with pytest.raises(PolicyError, match="type applies to modelled columns"):
        parse_policy({"name": "x", "data": {"columns": {"mrn": {"roles": ["identifier"], "type": "number"}}}})
