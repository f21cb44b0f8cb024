"""Every bad input: one line naming the problem, exit code 2, no traceback, nothing written."""

import time

import pandas as pd
import pytest
from click.testing import CliRunner

from synthguard.cli import main


def run_synth(policy_path, output, *extra):
    return CliRunner().invoke(main, ["synth", "--policy", str(policy_path), "--output", str(output),
                                     "--quiet", *extra])


def assert_bad_input(result, output, needle):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ") and needle in lines[0]
    assert "Traceback" not in result.output
    assert not output.exists() or not any(p.suffix in (".csv", ".parquet") for p in output.iterdir())


def test_malformed_yaml(tmp_path):
    policy = tmp_path / "p.yaml"
    policy.write_text("name: medical\ngenerate: {table: [\n")
    result = run_synth(policy, tmp_path / "out")
    assert_bad_input(result, tmp_path / "out", "malformed YAML")
    assert not (tmp_path / "out").exists()


def test_unknown_policy_key(medical_raw, write_policy, tmp_path):
    medical_raw["generate"]["table"]["synthesiser"] = "ctgan"
    result = run_synth(write_policy(medical_raw), tmp_path / "out")
    assert_bad_input(result, tmp_path / "out", "generate.table.synthesiser: unknown key")
    assert not (tmp_path / "out").exists()


def test_policy_column_missing_from_data(medical_raw, write_policy, tmp_path):
    medical_raw["data"]["columns"]["blood_type"] = "sensitive"
    result = run_synth(write_policy(medical_raw), tmp_path / "out")
    assert_bad_input(result, tmp_path / "out", "blood_type")
    assert not (tmp_path / "out").exists()


def test_empty_file(medical_raw, write_policy, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run_synth(write_policy(medical_raw), tmp_path / "out", "--input", str(empty))
    assert_bad_input(result, tmp_path / "out", "empty")


def test_header_only_csv(medical_raw, write_policy, tmp_path, patients):
    header = tmp_path / "header.csv"
    header.write_text(",".join(patients.columns) + "\n")
    result = run_synth(write_policy(medical_raw), tmp_path / "out", "--input", str(header))
    assert_bad_input(result, tmp_path / "out", "no rows")


def test_non_utf8_csv(medical_raw, write_policy, tmp_path, patients):
    latin = tmp_path / "latin1.csv"
    frame = patients.copy()
    frame.loc[0, "name"] = "José Müller"
    latin.write_bytes(frame.to_csv(index=False).encode("latin-1"))
    result = run_synth(write_policy(medical_raw), tmp_path / "out", "--input", str(latin))
    assert_bad_input(result, tmp_path / "out", "not UTF-8")
    assert "Jos" not in result.output


def test_malformed_csv(medical_raw, write_policy, tmp_path, patients):
    ragged = tmp_path / "ragged.csv"
    text = patients.head(30).to_csv(index=False) + "1,2,3\n" + ",".join(["9"] * 40) + "\n"
    ragged.write_text(text)
    result = run_synth(write_policy(medical_raw), tmp_path / "out", "--input", str(ragged))
    assert_bad_input(result, tmp_path / "out", "malformed CSV")


def test_target_with_a_single_class(medical_raw, write_policy, tmp_path, patients):
    single = tmp_path / "single.csv"
    patients.assign(target=1).to_csv(single, index=False)
    result = run_synth(write_policy(medical_raw), tmp_path / "out", "--input", str(single))
    assert_bad_input(result, tmp_path / "out", "single class")
    assert not (tmp_path / "out").exists()


def test_output_folder_that_is_not_a_release(medical_raw, write_policy, tmp_path):
    output = tmp_path / "mine"
    output.mkdir()
    (output / "thesis.docx").write_text("precious")
    result = run_synth(write_policy(medical_raw), output)
    assert_bad_input(result, output, "not a previous synthguard release")
    assert sorted(p.name for p in output.iterdir()) == ["thesis.docx"]


def test_missing_policy_file(tmp_path):
    result = run_synth(tmp_path / "nope.yaml", tmp_path / "out")
    assert_bad_input(result, tmp_path / "out", "policy file not found")


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_other_formats_are_read(fmt, tmp_path, patients):
    from synthguard.data import read_table

    path = tmp_path / f"p.{fmt}"
    if fmt == "parquet":
        patients.to_parquet(path)
    else:
        patients.to_json(path, orient="records", lines=True)
    assert read_table(path).shape == patients.shape


def test_a_folder_of_parts_reads_as_one_table_in_name_order(tmp_path, patients):
    from synthguard.data import read_table

    folder = tmp_path / "parts"
    folder.mkdir()
    for i, start in enumerate(range(0, len(patients), 100)):
        patients.iloc[start: start + 100].to_parquet(folder / f"part-{i:05d}.parquet")
    (folder / "_SUCCESS").write_text("")
    (folder / ".part-00000.parquet.crc").write_bytes(b"x")
    pd.testing.assert_frame_equal(read_table(folder), patients.astype(read_table(folder).dtypes.to_dict()))


@pytest.mark.parametrize(("files", "message"), [
    ({"a.csv": "x\n1\n", "b.parquet": None}, "mixes formats (csv, parquet)"),
    ({"a.csv": "x\n1\n", "b.csv": "y\n1\n"}, "b.csv: its columns differ from those of a.csv"),
    ({"notes.txt": "hello"}, "holds no .csv, .parquet or .jsonl file"),
])
def test_a_folder_that_is_not_one_table_is_a_clear_error(tmp_path, files, message, medical_raw, write_policy):
    folder = tmp_path / "parts"
    folder.mkdir()
    for name, text in files.items():
        if text is None:
            pd.DataFrame({"x": [1]}).to_parquet(folder / name)
        else:
            (folder / name).write_text(text)
    medical_raw["data"]["format"] = "auto"  # the shipped policy says csv, which picks the csv parts
    result = run_synth(write_policy(medical_raw), tmp_path / "out", "--input", str(folder))
    assert_bad_input(result, tmp_path / "out", message)


def test_wrong_cli_type_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["synth", "--policy", "x.yaml", "--seed", "abc"])
    assert result.exit_code == 2


def test_constraint_broken_by_the_real_data(medical_raw, write_policy, tmp_path, patients):
    broken = tmp_path / "broken.csv"
    frame = patients.copy()
    frame.loc[[1, 2], "discharge_date"] = "2023-01-01"
    frame.to_csv(broken, index=False)
    result = run_synth(write_policy(medical_raw), tmp_path / "out", "--input", str(broken))
    assert_bad_input(result, tmp_path / "out", "2 input rows break it")
    assert "2023-01-01" not in result.output


def test_constraint_on_an_identifier_column(medical_raw, write_policy, tmp_path):
    medical_raw["generate"]["table"]["constraints"] = [
        {"type": "inequality", "low": "date_of_birth", "high": "admission_date"}]
    result = run_synth(write_policy(medical_raw), tmp_path / "out")
    assert_bad_input(result, tmp_path / "out", "date_of_birth is an identifier")


def test_constraint_on_a_missing_column_is_refused_before_any_fit(medical_raw, write_policy, tmp_path):
    medical_raw["generate"]["table"]["constraints"] = [
        {"type": "inequality", "low": "admission_date", "high": "discharged_on"}]
    started = time.perf_counter()
    result = run_synth(write_policy(medical_raw), tmp_path / "out")
    assert_bad_input(result, tmp_path / "out", "the policy names column discharged_on that the data does not have")
    assert time.perf_counter() - started < 30  # the column scan only, no candidate or final fit


def test_a_suite_naming_an_identifier_column_says_so(medical_raw, write_policy, tmp_path):
    medical_raw["validate"]["suites"]["fidelity"]["critical_pairs"] = [["name", "age"]]
    result = run_synth(write_policy(medical_raw), tmp_path / "out")
    assert_bad_input(result, tmp_path / "out", "validate.suites.fidelity names name: identifier and text columns")


def test_version_option():
    from synthguard import __version__

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_api_rejects_data_of_the_wrong_type(medical_raw):
    import synthguard
    from synthguard.policy import parse_policy

    with pytest.raises(synthguard.DataError, match="a path, a pandas DataFrame or a ray Dataset, got list"):
        synthguard.synthesize([1, 2, 3], parse_policy(medical_raw))


def test_a_negative_seed_is_refused(medical_raw, write_policy, tmp_path):
    result = run_synth(write_policy(medical_raw), tmp_path / "out", "--seed", "-1")
    assert result.exit_code == 2 and "Traceback" not in result.output and "--seed" in result.output
    medical_raw["generate"]["table"]["seed"] = -3
    assert_bad_input(run_synth(write_policy(medical_raw), tmp_path / "out"), tmp_path / "out", "generate.table.seed")


@pytest.mark.parametrize("key, value", [("rows", 10**12), ("scale", 1e6)])
def test_absurd_row_counts_are_refused_at_load(medical_raw, write_policy, tmp_path, key, value):
    medical_raw["generate"]["table"].pop("rows", None)
    medical_raw["generate"]["table"].pop("scale", None)
    medical_raw["generate"]["table"][key] = value
    result = run_synth(write_policy(medical_raw), tmp_path / "out")
    assert_bad_input(result, tmp_path / "out", f"generate.table.{key}")
    assert not (tmp_path / "out").exists()  # refused before any fitting


def _gbsg2(tmp_path):
    from lifelines.datasets import load_gbsg2

    frame = load_gbsg2()
    real, holdout = frame.iloc[:343], frame.iloc[343:]
    real.to_csv(tmp_path / "real.csv", index=False)
    holdout.to_csv(tmp_path / "holdout.csv", index=False)
    return real, holdout


def run_validate(*args):
    return CliRunner().invoke(main, ["validate", *map(str, args)])


def test_validate_refuses_tables_it_cannot_judge(tmp_path):
    import numpy as np

    real, holdout = _gbsg2(tmp_path)
    out = tmp_path / "report"
    holdout.drop(columns=["age"]).to_csv(tmp_path / "lacking.csv", index=False)
    holdout.head(1).to_csv(tmp_path / "one.csv", index=False)
    real.assign(tsize=real["tsize"].astype(float).where(real.index != 3, np.inf)).to_csv(tmp_path / "inf.csv",
                                                                                         index=False)
    real.assign(empty=np.nan).to_csv(tmp_path / "real_empty.csv", index=False)
    holdout.assign(empty=np.nan).to_csv(tmp_path / "holdout_empty.csv", index=False)
    cases = [
        (("--real", tmp_path / "real.csv", "--synthetic", tmp_path / "holdout.csv", "--holdout",
          tmp_path / "lacking.csv"), "the holdout lacks column age"),
        (("--real", tmp_path / "real.csv", "--synthetic", tmp_path / "one.csv", "--holdout",
          tmp_path / "holdout.csv"), "the synthetic table has 1 row"),
        (("--real", tmp_path / "real.csv", "--synthetic", tmp_path / "holdout.csv", "--holdout",
          tmp_path / "one.csv"), "the holdout has 1 row"),
        (("--real", tmp_path / "inf.csv", "--synthetic", tmp_path / "holdout.csv"), "column tsize holds infinite"),
        (("--real", tmp_path / "real.csv", "--synthetic", tmp_path / "inf.csv"), "column tsize holds infinite"),
        (("--real", tmp_path / "real_empty.csv", "--synthetic", tmp_path / "holdout_empty.csv"),
         "column empty has no values"),
    ]
    for args, needle in cases:
        assert_bad_input(run_validate(*args, "--report", out), out, needle)


def test_synth_refuses_infinite_and_empty_columns_before_fitting(medical_raw, write_policy, tmp_path):
    import numpy as np

    from tests.conftest import EXAMPLE_CSV

    frame = pd.read_csv(EXAMPLE_CSV)
    for name, edited, needle in [("inf.csv", frame.assign(chol=frame["chol"].astype(float).where(frame.index != 0,
                                                                                                   np.inf)),
                                  "holds infinite values"),
                                 ("empty.csv", frame.assign(empty=np.nan), "column empty has no values")]:
        edited.to_csv(tmp_path / name, index=False)
        medical_raw["data"]["source"] = str(tmp_path / name)
        assert_bad_input(run_synth(write_policy(medical_raw), tmp_path / "out"), tmp_path / "out", needle)


@pytest.mark.parametrize("text, message", [
    ({"mode": "row_template"}, "generate.text"),
    ({"mode": "row_template", "template": "{age}-year-old {name}"}, "generate.text.template names 'name'"),
    ({"mode": "row_template", "template": "{age"}, "generate.text.template"),
])
def test_a_note_template_that_cannot_be_filled_is_refused_before_fitting(medical_raw, write_policy, tmp_path,
                                                                         text, message):
    medical_raw["generate"]["text"] = text
    result = run_synth(write_policy(medical_raw), tmp_path / "out")
    assert_bad_input(result, tmp_path / "out", message)


def test_identifiers_without_room_for_distinct_surrogates_stop_before_any_fit(medical_raw, write_policy, tmp_path):
    """1,000 admissions with distinct times, all in one year: a date surrogate has 366 days to choose from, so
    the release cannot give each row its own. Known from the column scan, so refused before any fit."""
    from tests.conftest import EXAMPLE_CSV

    frame = pd.read_csv(EXAMPLE_CSV)
    frame = pd.concat([frame] * (1000 // len(frame) + 1), ignore_index=True).iloc[:1000]
    frame["admitted"] = pd.date_range("2020-01-01", periods=len(frame), freq="7h").strftime("%Y-%m-%d %H:%M")
    frame.to_csv(tmp_path / "admissions.csv", index=False)
    medical_raw["data"]["source"] = str(tmp_path / "admissions.csv")
    medical_raw["data"]["columns"]["admitted"] = {"roles": ["identifier"], "kind": "date"}
    medical_raw["generate"]["table"] = {"synthesizer": "auto"}
    result = CliRunner().invoke(main, ["synth", "--policy", str(write_policy(medical_raw)),
                                       "--output", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "identifier column 'admitted': cannot draw 1000 distinct date surrogates" in result.output
    assert "fitting" not in result.output and "choosing a generator" not in result.output  # nothing was fitted
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
