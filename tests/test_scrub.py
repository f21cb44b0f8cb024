"""Scrubbing tables and files: consistent surrogates, date shifts, findings, the CLI, the canary."""

import json
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

import synthguard
from synthguard.cli import main
from synthguard.policy import parse_policy
from synthguard.scrub.dates import shift_date
from synthguard.scrub.operators import Operators
from synthguard.scrub.stream import scrub_file

KEY = b"test-release-key"


@pytest.mark.parametrize("original, days, shifted", [
    ("7/22", 10, "8/1"), ("07/22/1992", 10, "08/01/1992"), ("7/22/92", -200, "1/4/92"),
    ("2019-07-22", 10, "2019-08-01"), ("JULY 22", 10, "AUGUST 1"), ("July 22, 2019", 10, "August 1, 2019"),
    ("22-JUL-92", 10, "01-AUG-92"), ("22nd of July", 10, "1st of August"), ("12/2021", 40, "1/2022"),
    ("'92", 400, "'93"), ("last tuesday", 10, "[DATE]"),
])
def test_dates_shift_and_keep_their_style(original, days, shifted):
    assert shift_date(original, days) == shifted


def test_surrogates_are_consistent_for_a_key_and_differ_across_keys():
    ops, other = Operators(KEY), Operators(b"another key")
    assert ops.replace("PERSON", "JOHN SMITH") == ops.replace("PERSON", "john smith").upper()
    assert ops.replace("PERSON", "SMITH") == ops.replace("PERSON", "JOHN SMITH").split()[1]
    assert ops.replace("PERSON", "JOHN SMITH") != other.replace("PERSON", "JOHN SMITH")
    assert ops.shift_days("P1") == ops.shift_days("P1") != 0


def test_surrogates_keep_kind_and_shape():
    ops = Operators(KEY)
    phone = ops.replace("PHONE_NUMBER", "(617) 555-0142")
    assert phone != "(617) 555-0142" and pd.Series([phone]).str.fullmatch(r"\(\d{3}\) \d{3}-\d{4}").all()
    mrn = ops.replace("MEDICAL_RECORD_NUMBER", "A-88213")
    assert len(mrn) == 7 and mrn[1] == "-" and mrn[2:].isdigit()
    assert ops.replace("AGE", "92") == "90+"
    assert ops.replace("HOSPITAL", "Maplewood Assisted Living").endswith(" Assisted Living")
    assert "@" in ops.replace("EMAIL_ADDRESS", "someone@example.org")


@pytest.mark.parametrize("entity, value", [("PERSON", "John Smith"), ("PHONE_NUMBER", "(617) 555-0142"),
                                           ("LOCATION", "Springfield")])
def test_a_surrogate_equal_to_a_real_value_is_redrawn(entity, value):
    # Surrogates come from the same name lists as real people: one can land on another real
    # name of the same note, which would put a real value back (seen in CI on a rewrite).
    ops = Operators(KEY)
    first = ops.replace(entity, value)
    taken = frozenset({" ".join(first.casefold().split()), *first.casefold().split()})
    redrawn = ops.replace(entity, value, avoid=taken)
    assert redrawn != first and not taken & {redrawn.casefold(), *redrawn.casefold().split()}
    assert redrawn == ops.replace(entity, value, avoid=taken)  # still a function of the key
    assert ops.replace(entity, value) == first  # nothing to avoid: the release-consistent one


def test_text_scrub_never_swaps_one_real_name_for_another_in_the_same_note():
    from synthguard.scrub.scrubber import TextScrubber

    scrubber = TextScrubber(parse_policy({"name": "t"}).scrub, KEY)
    ops = Operators(KEY)
    # A note naming both a patient and the doctor the patient's surname would turn into.
    doctor = ops.replace("PERSON", "Jones")
    note = f"Mr. Jones was seen today by Dr. {doctor} for chest pain."
    (scrubbed,), (found,) = scrubber.scrub([note])
    assert {r.entity_type for r in found} == {"PERSON"}
    assert doctor.casefold() not in scrubbed.casefold() and "jones" not in scrubbed.casefold()


def test_replay_matches_whole_words_only():
    from synthguard.generators._judge import ReplayIndex

    index = ReplayIndex(frozenset({"ross", "(555) 013-3713"}))
    assert "Seen by Dr. Ross today" in index and "call 555.013.3713 back" in index
    assert "Pain radiating across the chest" not in index and "call 555 013 3714" not in index


@pytest.mark.parametrize("operator, check", [
    ("redact", lambda out: out == "[PERSON]"),
    ("mask", lambda out: out == "**** *****"),
    ("hash", lambda out: len(out) == 16 and out.isalnum()),
    ("keep", lambda out: out == "JOHN SMITH"),
])
def test_operator_alternatives(operator, check):
    assert check(Operators(KEY, choices={"PERSON": operator}).replace("PERSON", "JOHN SMITH"))


def test_per_patient_shift_keeps_intervals(tmp_path):
    frame = pd.DataFrame({
        "patient_id": ["P1", "P1", "P2"],
        "admitted": pd.to_datetime(["2020-01-01", "2020-01-10", "2020-01-01"]),
        "note": ["ADMITTED 1/1/2020 WITH CHEST PAIN AND SHORTNESS OF BREATH, STABLE.",
                 "FOLLOW UP 1/10/2020, DOING WELL, NO CHEST PAIN, WALKING DAILY.",
                 "ADMITTED 1/1/2020 WITH A FALL AT HOME, NO FRACTURE ON IMAGING."],
    })
    policy = parse_policy({"name": "t", "data": {"primary_key": "patient_id", "columns": {
        "admitted": {"roles": ["identifier"], "kind": "date"}, "note": "text"}}})
    out = synthguard.scrub(frame, policy, key=KEY).data
    assert (out.loc[1, "admitted"] - out.loc[0, "admitted"]).days == 9
    assert out.loc[0, "admitted"] != frame.loc[0, "admitted"]
    assert out.loc[0, "admitted"] != out.loc[2, "admitted"]  # another patient, another shift
    assert "1/1/2020" not in out.loc[0, "note"]


def test_table_scrub_agrees_between_columns_and_notes(patients):
    result = synthguard.scrub(patients.head(30), key=KEY)
    data = result.data
    for i in range(30):
        assert data.loc[i, "name"] in data.loc[i, "notes"]  # the note names the same surrogate
        assert patients.loc[i, "name"] not in data.loc[i, "notes"]
        assert patients.loc[i, "phone"] not in data.loc[i, "notes"]
    kinds = {i.column: i.kind for i in result.plan.identifiers}
    assert kinds["name"] == "name" and kinds["admission_date"] == "date"
    assert {"row", "column", "start", "end", "entity_type", "score", "recognizer"} == set(result.findings[0])


def test_findings_hold_no_raw_value(patients):
    result = synthguard.scrub(patients.head(20), key=KEY)
    text = json.dumps(result.findings)
    for column in ("name", "mrn", "phone", "address"):
        assert not any(v in text for v in patients[column].head(20))


@pytest.mark.parametrize("suffix", ["csv", "parquet", "jsonl"])
def test_scrub_command_formats_and_row_indices(suffix, tmp_path, patients):
    source = tmp_path / f"in.{suffix}"
    frame = patients.head(40)
    {"csv": lambda: frame.to_csv(source, index=False), "parquet": lambda: frame.to_parquet(source),
     "jsonl": lambda: frame.to_json(source, orient="records", lines=True)}[suffix]()
    out, findings = tmp_path / f"out.{suffix}", tmp_path / "f.jsonl"
    result = CliRunner().invoke(main, ["scrub", str(source), "--output", str(out), "--findings", str(findings),
                                       "--quiet"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in findings.read_text().splitlines()]
    note_rows = {f["row"] for f in rows if f["column"] == "notes"}
    assert note_rows == set(range(40))
    first_name = next(f for f in rows if f["column"] == "notes" and f["row"] == 7 and f["start"] == 0)
    assert first_name["end"] == len(frame.loc[7, "name"]) and first_name["entity_type"] == "PERSON"


def test_streaming_in_chunks_with_workers_matches_one_pass(tmp_path, patients, monkeypatch):
    monkeypatch.setenv("SYNTHGUARD_KEY", "fixed-key-for-this-test")
    monkeypatch.setattr(sys.modules["synthguard.scrub.stream"], "PARALLEL_MIN_TEXTS", 10)
    source = tmp_path / "in.csv"
    patients.head(120).to_csv(source, index=False)
    scrub_file(source, tmp_path / "one.csv", workers=1, chunk_rows=1000)
    scrub_file(source, tmp_path / "sharded.csv", workers=2, chunk_rows=50,
               findings_path=tmp_path / "f.jsonl")
    assert (tmp_path / "one.csv").read_text() == (tmp_path / "sharded.csv").read_text()
    assert max(json.loads(line)["row"] for line in (tmp_path / "f.jsonl").read_text().splitlines()) == 119


def test_scrub_bad_inputs_exit_2_and_write_nothing(tmp_path, patients):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,notes\nJosé,Señor José visited on 7/22\n".encode("latin-1"))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    good = tmp_path / "good.csv"
    patients.head(5).to_csv(good, index=False)
    cases = [([str(latin)], "not UTF-8"), ([str(empty)], "empty"), ([str(tmp_path / "nope.csv")], "not found"),
             ([str(good), "--text-column", "diagnosis"], "diagnosis")]
    for args, needle in cases:
        out = tmp_path / "out.csv"
        result = CliRunner().invoke(main, ["scrub", *args, "--output", str(out), "--quiet"])
        assert result.exit_code == 2 and needle in result.output, result.output
        assert "Traceback" not in result.output and "José" not in result.output
        assert not out.exists() and not list(tmp_path.glob(".out.csv*"))


def test_canary_phi_appears_in_no_output_finding_or_log(tmp_path, patients, caplog):
    canaries = {"name": "Zebulon Canaryfeather", "phone": "(555) 013-3713", "mrn": "MRN-13371337"}
    frame = patients.head(25).copy()
    for column, value in canaries.items():
        frame.loc[3, column] = value
    frame.loc[3, "notes"] = ("DAUGHTER ZEBULON CANARYFEATHER CALLED FROM (555) 013-3713 ABOUT MRN 13371337, "
                             "SEEN 7/22/2021 BY DR. QUIXWORTH.")
    source, out, findings = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "f.jsonl"
    frame.to_csv(source, index=False)
    result = CliRunner().invoke(main, ["scrub", str(source), "--output", str(out), "--findings", str(findings)])
    assert result.exit_code == 0
    planted = list(canaries.values()) + ["ZEBULON", "CANARYFEATHER", "013-3713", "13371337", "7/22/2021",
                                         "QUIXWORTH"]
    artefacts = [out.read_text(), findings.read_text(), result.output, caplog.text]
    for value in planted:
        assert not any(value in text for text in artefacts), value


def test_normal_scrub_run_prints_no_warning_or_traceback(tmp_path, patients):
    import subprocess

    source = tmp_path / "in.csv"
    patients.head(10).to_csv(source, index=False)
    run = subprocess.run([sys.executable, "-m", "synthguard.cli", "scrub", str(source), "--output",
                          str(tmp_path / "out.csv"), "--quiet"], capture_output=True, text=True,
                         env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr
    assert "Warning" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.count("\n") == 1  # the one summary line
