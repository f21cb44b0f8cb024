import json

import pytest
from click.testing import CliRunner

from synthguard import PolicyError, load_policy
from synthguard.cli import main
from synthguard.policy import parse_policy
from tests.conftest import MEDICAL_POLICY


def test_shipped_medical_policy_loads_with_paths_relative_to_the_file():
    policy = load_policy(MEDICAL_POLICY)
    assert policy.data.source.exists()
    assert policy.data.target == "target"
    assert policy.generate.table.constraints[0].low == "admission_date"


def test_unknown_key_names_its_path_and_the_allowed_keys():
    with pytest.raises(PolicyError) as error:
        parse_policy({"name": "x", "validate": {"suites": {"fidelty": {}}}})
    message = str(error.value)
    assert "validate.suites.fidelty: unknown key" in message
    assert "fidelity" in message and "privacy" in message and "balance" in message


def test_unknown_key_inside_a_constraint_names_the_constraint_fields():
    with pytest.raises(PolicyError, match=r"constraints\.0\.inequality\.lo: unknown key; allowed: high, low"):
        parse_policy({"name": "x", "generate": {"table": {"constraints": [
            {"type": "inequality", "lo": "a", "high": "b"}]}}})


def test_bad_synthesizer_lists_the_allowed_values():
    with pytest.raises(PolicyError) as error:
        parse_policy({"name": "x", "generate": {"table": {"synthesizer": "gan9000"}}})
    assert "generate.table.synthesizer" in str(error.value)
    assert "'gaussian_copula'" in str(error.value) and "'ctgan'" in str(error.value)


def test_wrong_type_names_the_key():
    with pytest.raises(PolicyError, match=r"generate\.table\.rows: .*integer"):
        parse_policy({"name": "x", "generate": {"table": {"rows": "many"}}})


def test_unknown_sdv_parameter_is_rejected_with_the_accepted_ones():
    with pytest.raises(PolicyError, match="unknown parameter 'epocs' for ctgan; allowed: .*epochs"):
        parse_policy({"name": "x", "generate": {"table": {"synthesizer": "ctgan",
                                                          "parameters": {"epocs": 3}}}})


def test_unknown_role_is_rejected():
    with pytest.raises(PolicyError, match=r"data\.columns\.age\.roles\.0"):
        parse_policy({"name": "x", "data": {"columns": {"age": "secret"}}})


def test_malformed_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\ndata: [unclosed\n")
    with pytest.raises(PolicyError, match="malformed YAML at line"):
        load_policy(path)


def test_digest_ignores_paths_but_not_rules(medical_raw):
    first = parse_policy(medical_raw)
    medical_raw["data"]["source"] = "/elsewhere/data.csv"
    assert parse_policy(medical_raw).digest() == first.digest()
    medical_raw["generate"]["table"]["seed"] = 7
    assert parse_policy(medical_raw).digest() != first.digest()


def test_policy_schema_command_exports_the_json_schema():
    result = CliRunner().invoke(main, ["policy", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert "validate" in schema["properties"]
    suites = schema["$defs"]["Suites"]["properties"]
    assert {"fidelity", "privacy", "balance", "constraints"} <= set(suites)


def test_unknown_scrub_entity_lists_the_supported_ones():
    with pytest.raises(PolicyError, match=r"scrub\.entities: unknown entity BLOOD_TYPE; supported: .*PERSON"):
        parse_policy({"name": "x", "scrub": {"entities": ["PERSON", "BLOOD_TYPE"]}})
    assert parse_policy({"name": "x", "scrub": {"entities": ["PERSON", "NRP"]}})


@pytest.mark.parametrize("table, columns, message", [
    ({"target_distribution": {0: 0.5, 1: 0.6}}, {"y": "target"}, "add up to 1"),
    ({"target_distribution": {0: 0.5, 1: 0.5}}, {}, "needs a column with role 'target'"),
])
def test_target_distribution_is_checked_when_the_policy_loads(table, columns, message):
    with pytest.raises(PolicyError, match=message):
        parse_policy({"name": "t", "data": {"columns": columns}, "generate": {"table": table}})


@pytest.mark.parametrize("text, message", [
    ({"llm": {"backend": "ollama"}}, "backend openai with base_url"),
    ({"mode": "evolve"}, r"generate\.text\.mode: .*unknown text mode 'evolve'; allowed: augment, evol_instruct"),
])
def test_text_generation_settings_are_checked_when_the_policy_loads(text, message):
    with pytest.raises(PolicyError, match=message):
        parse_policy({"name": "t", "generate": {"text": text}})


@pytest.mark.parametrize("body, key, lines", [
    ("name: d\nvalidation:\n  suites:\n    privacy:\n      action: fail\n      max_residual_pii: 0\n"
     "      action: warn\n",
     "action", "lines 5 and 7"),
    ("name: d\nvalidation:\n  suites:\n    privacy:\n      exact_copy_rate_max: 0.0\n      exact_copy_rate_max: 0.5\n",
     "exact_copy_rate_max", "lines 5 and 6"),
    ("name: d\nname: e\n", "name", "lines 1 and 2"),
])
def test_a_key_given_twice_is_an_error_naming_it_and_both_lines(tmp_path, body, key, lines):
    path = tmp_path / "p.yaml"
    path.write_text(body)
    with pytest.raises(PolicyError, match=f"key '{key}' is given twice \\({lines}\\)"):
        load_policy(path)
    result = CliRunner().invoke(main, ["policy", "check", str(path)])
    assert result.exit_code == 2 and "given twice" in result.output and "ok" not in result.output
