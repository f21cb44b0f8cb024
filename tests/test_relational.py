"""Linked tables: the policy's relational section refused when it is not one tree, the real tables'
keys checked before any work, dates through offsets and back exactly, and a release of the six MIMIC-III
demo tables whose keys, dates and per-parent counts hold together, the same twice for the same seed."""

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from synthguard.cli import main
from synthguard.errors import DataError, PolicyError
from synthguard.policy import parse_policy

ROOT = Path(__file__).resolve().parents[1]

DEMO = ROOT / "examples" / "data" / "mimic3_demo"
POLICY = ROOT / "policies" / "mimic-demo.yaml"


def demo_raw() -> dict:
    raw = yaml.safe_load(POLICY.read_text())
    for spec in raw["relational"]["tables"].values():
        spec["source"] = str(DEMO / (spec["source"].rsplit("/", 1)[-1]))
    raw["release"].pop("output", None)
    return raw


def tables(raw: dict) -> dict:
    return {name: spec for name, spec in raw["relational"]["tables"].items()}


@pytest.mark.parametrize("edit, needle", [
    (lambda t: t["ADMISSIONS"].pop("parent"), "exactly one table without a parent"),
    (lambda t: t["ICUSTAYS"].update(parent="WARDS"), "parent 'WARDS' is not a table"),
    (lambda t: t["ICUSTAYS"].pop("foreign_key"), "needs a foreign_key"),
    (lambda t: t["ADMISSIONS"].update(parent="ICUSTAYS", foreign_key="ICUSTAY_ID"), "cycle"),
    (lambda t: t["PRESCRIPTIONS"]["reference"].update(table="PATIENTS"), "must be a sibling table"),
    (lambda t: t["DIAGNOSES_ICD"].update(code_prefix={"SEQ_NUM": 3}), "code_prefix: SEQ_NUM not in codes"),
])
def test_a_relational_section_that_is_not_one_tree_is_refused(edit, needle):
    raw = demo_raw()
    edit(tables(raw))
    with pytest.raises(PolicyError, match=needle):
        parse_policy(raw)


def test_an_order_rule_across_two_lines_of_descent_is_refused():
    raw = demo_raw()
    raw["relational"]["order"] = [{"earlier": "ICUSTAYS.INTIME", "later": "PRESCRIPTIONS.STARTDATE"}]
    with pytest.raises(PolicyError, match="not on one line of descent"):
        parse_policy(raw)


def copy_demo(tmp_path, edit=None):
    folder = tmp_path / "mimic"
    shutil.copytree(DEMO, folder)
    if edit:
        edit(folder)
    raw = demo_raw()
    for spec in raw["relational"]["tables"].values():
        spec["source"] = str(folder / spec["source"].rsplit("/", 1)[-1])
    return raw


def _orphan(folder):
    frame = pd.read_csv(folder / "ICUSTAYS.csv")
    frame.loc[0, "HADM_ID"] = 999999
    frame.to_csv(folder / "ICUSTAYS.csv", index=False)


def _repeated_key(folder):
    frame = pd.read_csv(folder / "ADMISSIONS.csv")
    frame.loc[1, "HADM_ID"] = frame.loc[0, "HADM_ID"]
    frame.to_csv(folder / "ADMISSIONS.csv", index=False)


def _no_time(folder):
    frame = pd.read_csv(folder / "PATIENTS.csv").drop(columns="DOB")
    frame.to_csv(folder / "PATIENTS.csv", index=False)


@pytest.mark.parametrize("edit, needle", [
    (_orphan, "ICUSTAYS.HADM_ID: 1 rows point at no ADMISSIONS row"),
    (_repeated_key, "ADMISSIONS.HADM_ID: the primary key has 0 missing and 1 repeated values"),
    (_no_time, "relational.tables.PATIENTS names column DOB that the table does not have"),
])
def test_broken_real_tables_stop_before_any_fit(tmp_path, edit, needle):
    from synthguard.flows.relational import synthesize_tables

    with pytest.raises(DataError, match=needle):
        synthesize_tables(parse_policy(copy_demo(tmp_path, edit)))


def test_dates_go_to_offsets_and_back_exactly_on_the_real_tables():
    """Patients over 89 are born 300 years before admission in MIMIC-III: past nanosecond timedeltas."""
    from synthguard.flows.relational import _read, _window, encode_tables
    from synthguard.relational.times import decode, seconds, unit_of

    section = parse_policy(demo_raw()).relational
    real = _read(section)
    encoded = encode_tables(real, section)
    anchors = {}
    for name in section.parents_first():
        spec = section.tables[name]
        units = {c: unit_of(seconds(real[name][c])) for c in spec.dates()}
        back = decode(encoded[name], spec, units, anchors.get(spec.parent))
        anchors[name] = _window(back, spec)
        key = spec.primary_key or spec.row_id
        ordered = real[name].set_index(key).loc[back[key]]
        for column in spec.dates():
            np.testing.assert_array_equal(seconds(back[column]), seconds(ordered[column].reset_index(drop=True)),
                                          err_msg=f"{name}.{column}")
    assert encoded["ADMISSIONS"]["ADMITTIME"].max() > 300 * 365  # a gap from birth, in days
    inside = encoded["PRESCRIPTIONS"]["STARTDATE"].between(0, 1, inclusive="left").mean()
    assert inside > 0.99  # a share of the admission's days


def test_fresh_keys_are_distinct_and_none_is_a_real_one():
    from synthguard.relational.keys import fresh_keys

    real = pd.Series(np.arange(100_000, 100_500))
    keys = fresh_keys(real, 2_000, seed=3)
    assert len(set(keys)) == 2_000 and not set(keys) & set(real)
    assert (keys >= 100_000).all() and (keys < 1_000_000).all()  # the real keys' width


pytest.importorskip("mostlyai.engine")


def fast_policy(raw: dict) -> dict:
    """One epoch of the small model, and the fidelity checks as warnings: these tests are about keys,
    dates and counts holding together, which must hold for any model."""
    raw["relational"]["parameters"] = {"model": "MOSTLY_AI/Small", "max_epochs": 1}
    raw["validate"] = {"holdout": 0.2, "suites": {"fidelity": {"action": "warn"}, "bias": {"action": "warn"},
                                                  "privacy": {"action": "warn"}}}
    return raw


CANARY = "Quintanilla"


def _plant_names(folder):
    """A name column the policy does not mention: the column scan must find it and surrogate it."""
    patients = pd.read_csv(folder / "PATIENTS.csv")
    patients.insert(2, "PATIENT_NAME", [f"Marisol {CANARY}{i:03d}" for i in range(len(patients))])
    patients.to_csv(folder / "PATIENTS.csv", index=False)


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mimic")
    policy = folder / "mimic.yaml"
    policy.write_text(yaml.safe_dump(fast_policy(copy_demo(folder, _plant_names))))
    outputs = []
    for name in ("a", "b"):
        result = CliRunner().invoke(main, ["synth", "--policy", str(policy), "--output", str(folder / name),
                                           "--quiet"])
        assert result.exit_code == 0, result.output
        outputs.append(folder / name)
    return outputs


def read_release(folder) -> dict:
    return {p.stem: pd.read_csv(p, dtype={"ICD9_CODE": str, "NDC": str, "GSN": str})
            for p in sorted((folder / "synthetic").glob("*.csv"))}


def test_all_six_tables_are_released_with_every_key_consistent(released):
    planted = released[0].parent / "mimic"
    out, real = read_release(released[0]), {p.stem: pd.read_csv(p) for p in planted.glob("*.csv")}
    assert sorted(out) == sorted(real)
    for name, frame in out.items():
        assert list(frame.columns) == list(real[name].columns), name
    patients, admissions, stays = out["PATIENTS"], out["ADMISSIONS"], out["ICUSTAYS"]
    assert patients["SUBJECT_ID"].is_unique and admissions["HADM_ID"].is_unique and stays["ICUSTAY_ID"].is_unique
    assert admissions["SUBJECT_ID"].isin(patients["SUBJECT_ID"]).all()
    subject_of = admissions.set_index("HADM_ID")["SUBJECT_ID"]
    for name in ("ICUSTAYS", "DIAGNOSES_ICD", "PROCEDURES_ICD", "PRESCRIPTIONS"):
        frame = out[name]
        assert frame["HADM_ID"].isin(admissions["HADM_ID"]).all(), name
        assert (frame["HADM_ID"].map(subject_of) == frame["SUBJECT_ID"]).all(), name
    referenced = out["PRESCRIPTIONS"].dropna(subset=["ICUSTAY_ID"])
    stay_admission = stays.set_index("ICUSTAY_ID")["HADM_ID"]
    assert len(referenced) and (referenced["ICUSTAY_ID"].astype("int64").map(stay_admission)
                                == referenced["HADM_ID"]).all()
    for name, key in (("PATIENTS", "SUBJECT_ID"), ("ADMISSIONS", "HADM_ID"), ("ICUSTAYS", "ICUSTAY_ID")):
        assert not set(out[name][key]) & set(real[name][key]), f"{name}.{key} reuses a real key"
    seq = out["DIAGNOSES_ICD"].groupby("HADM_ID")["SEQ_NUM"].apply(list)
    assert all(s == list(range(1, len(s) + 1)) for s in seq)


def test_dates_keep_their_order_within_each_patient(released):
    out = read_release(released[0])
    admissions = out["ADMISSIONS"].assign(ADMITTIME=lambda f: pd.to_datetime(f["ADMITTIME"]),
                                          DISCHTIME=lambda f: pd.to_datetime(f["DISCHTIME"]))
    assert (admissions["DISCHTIME"] >= admissions["ADMITTIME"]).all()
    ordered = admissions.sort_values(["SUBJECT_ID", "ADMITTIME"])
    later = ordered["SUBJECT_ID"].eq(ordered["SUBJECT_ID"].shift())
    assert (ordered["ADMITTIME"][later] >= ordered["DISCHTIME"].shift()[later]).all()
    # minutes as in the real table, days where the real column holds days
    assert (admissions["ADMITTIME"].dt.second == 0).all()
    assert (pd.to_datetime(out["PRESCRIPTIONS"]["STARTDATE"]).dt.hour == 0).all()


def test_the_report_judges_keys_counts_order_and_each_table(released):
    import json

    report = json.loads((released[0] / "report.json").read_text())
    checks = {(c["suite"], c["name"]): c for c in report["checks"]}
    assert checks[("relational", "referential_integrity")]["passed"]
    assert checks[("relational", "referential_integrity")]["value"] == 0
    for name in ("ADMISSIONS", "ICUSTAYS", "DIAGNOSES_ICD", "PROCEDURES_ICD", "PRESCRIPTIONS"):
        assert ("relational", f"child_count_pvalue[{name}]") in checks
    assert ("relational", "event_order[ADMISSIONS.ADMITTIME before PATIENTS.DOD]") in checks
    suites = {suite for suite, _ in checks}
    for name in ("PATIENTS", "ADMISSIONS", "PRESCRIPTIONS", "patient profile"):
        assert f"privacy [{name}]" in suites
    assert "fidelity [DIAGNOSES_ICD]" in suites and "privacy [DIAGNOSES_ICD]" in suites  # the info row
    files = json.loads((released[0] / "manifest.json").read_text())["files"]
    assert "synthetic/PRESCRIPTIONS.csv" in files


def test_the_same_policy_and_seed_give_the_same_release(released):
    for name in ("PATIENTS", "ADMISSIONS", "PRESCRIPTIONS"):
        digests = {hashlib.sha256((folder / "synthetic" / f"{name}.csv").read_bytes()).hexdigest()
                   for folder in released}
        assert len(digests) == 1, name


def test_no_planted_name_reaches_any_file_of_the_release(released):
    names = read_release(released[0])["PATIENTS"]["PATIENT_NAME"]
    assert names.notna().all() and names.is_unique  # surrogates, one per synthetic patient
    for path in released[0].rglob("*"):
        if path.is_file():
            assert CANARY not in path.read_text(encoding="utf-8", errors="replace"), path.name


def test_a_child_tables_dcr_baseline_looks_past_the_patients_own_rows():
    """A patient's repeated orders are each other's nearest rows; no synthetic row can be that close to the
    holdout, so the baseline counts only other patients' rows."""
    from synthguard.measures.distance import nearest
    from synthguard.validators.privacy import _other_groups

    holdout = np.array([[0.0], [0.0], [5.0], [5.0], [9.0]])
    groups = np.array(["a", "a", "b", "b", "c"])
    assert nearest(holdout, holdout, k=2)[:, 1].tolist() == [0.0, 0.0, 0.0, 0.0, 4.0]
    assert _other_groups(holdout, np.arange(5), groups).tolist() == [5.0, 5.0, 4.0, 4.0, 4.0]
