"""Plugins from outside synthguard: a distribution installed from tests/plugin adds a recognizer, a suite, a
synthesizer and a text mode through entry points, and a policy uses all four without synthguard being edited."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from synthguard import PolicyError
from synthguard.policy import parse_policy
from synthguard.registry import SUITES

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "tests" / "plugin"
VIN = "1HGCM82633A004352"  # a well-formed VIN (valid check digit), planted in the notes


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory) -> Path:
    """The plugin installed (wheel built by pip) into a folder of its own, put on PYTHONPATH by each test."""
    work = tmp_path_factory.mktemp("plugin")
    shutil.copytree(PLUGIN, work / "src")  # the build writes egg-info beside the sources: not into the repo
    target = work / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(work / "src")], check=True)
    assert (target / "synthguard_testplugin").is_dir()
    return target


def _run(args: list[str], plugin_path: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(plugin_path), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, **kwargs)


def test_a_policy_uses_a_plugin_recognizer_suite_synthesizer_and_text_mode(plugin_path, medical_raw, tmp_path,
                                                                             patients):
    frame = patients.head(150).copy()
    frame.loc[:9, "notes"] = frame.loc[:9, "notes"] + f" Drove in, VIN {VIN}."
    source = tmp_path / "patients.csv"
    frame.to_csv(source, index=False)
    raw = medical_raw
    raw["data"]["source"] = str(source)
    raw["generate"]["table"] = {"synthesizer": "independent_marginals", "parameters": {"jitter": 0.05}, "seed": 3}
    raw["generate"]["text"] = {"mode": "row_summary", "options": {"columns": ["age", "chol"]}}
    raw["validate"]["action"] = "warn"  # independent columns lose every correlation: the gate warns, still writes
    raw["validate"]["suites"]["row_count"] = {"min_ratio": 0.9}
    raw["validate"]["suites"]["factuality"] = {"embeddings": False}
    policy = tmp_path / "plugins.yaml"
    policy.write_text(yaml.safe_dump(raw, sort_keys=False))
    out = tmp_path / "release"

    done = _run([sys.executable, "-m", "synthguard.cli", "synth", "--policy", str(policy), "--output", str(out),
                 "--quiet"], plugin_path)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((out / "report.json").read_text())
    assert report["generator"] == "independent_marginals"
    row_count = [c for c in report["checks"] if c["suite"] == "row_count"]
    assert [c["name"] for c in row_count] == ["row_ratio"] and row_count[0]["passed"]
    texts = [json.loads(line) for line in (out / "synthetic_text.jsonl").read_text().splitlines()]
    # Written by the plugin's mode, then scrubbed again by synthguard (which may rewrite a word it misreads).
    odd = [t["text"] for t in texts if not (t["text"].startswith("age ") and "; chol " in t["text"])]
    assert len(texts) >= 140 and len(odd) <= len(texts) // 20, odd[:5]
    for path in out.rglob("*"):
        if path.is_file():
            assert VIN not in path.read_text(errors="ignore"), path.name

    # The plugin's entity runs by default, and its surrogate is the plugin's: a fresh VIN, check digit valid.
    script = (f"import synthguard; from synthguard_testplugin.vehicle import check_digit\n"
              f"r = synthguard.scrub_texts(['Patient drove in, VIN {VIN}, today.'], key=b'k' * 32)\n"
              f"[f] = [f for f in r.findings if f['entity_type'] == 'VEHICLE_ID']\n"
              f"made = r.texts[0][f['start']:f['start'] + 17]\n"
              f"assert made != {VIN!r} and check_digit(made) == made[8] and {VIN!r} not in r.texts[0], r.texts\n"
              f"print(f['recognizer'])")
    done = _run([sys.executable, "-c", script], plugin_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "VehicleIdRecognizer"


def test_plugin_options_and_names_are_checked_when_the_policy_is_parsed(plugin_path):
    script = """
import synthguard
from synthguard.policy import parse_policy
for raw in ({"generate": {"text": {"mode": "row_summary", "options": {"columns": []}}}},
            {"generate": {"text": {"mode": "row_template", "template": "{age}", "options": {"x": 1}}}},
            {"generate": {"table": {"synthesizer": "independent_marginals", "parameters": {"sigma": 1}}}},
            {"validate": {"suites": {"row_count": {"min_ratio": 0}}}}):
    try:
        parse_policy({"name": "p", **raw})
    except synthguard.PolicyError as error:
        print(error)
"""
    done = _run([sys.executable, "-c", script], plugin_path)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 4
    assert "generate.text" in lines[0] and "options.columns" in lines[0]
    assert "takes no options" in lines[1]
    assert "unknown parameter sigma" in lines[2]
    assert "validate.suites.row_count.min_ratio" in lines[3]


def test_without_the_plugin_its_names_are_refused_with_the_registered_ones():
    with pytest.raises(PolicyError) as error:
        parse_policy({"name": "p", "generate": {"table": {"synthesizer": "independent_marginals"}}})
    assert "unknown table generator 'independent_marginals'" in str(error.value)
    assert "'gaussian_copula'" in str(error.value) and "synthguard.generators" in str(error.value)
    with pytest.raises(PolicyError, match="validate.suites.row_count: unknown key; allowed: balance"):
        parse_policy({"name": "p", "validate": {"suites": {"row_count": {}}}})


def test_a_suite_registered_at_run_time_is_accepted_by_policies_parsed_after(split):
    from synthguard.gate import build_suites, run_suites
    from synthguard.progress import Progress
    from synthguard.sections.suites import SuiteConfig
    from synthguard.validators import ValidationContext
    from synthguard.validators.base import Suite

    class HoldoutSize(Suite):
        name = "holdout_size"

        class Config(SuiteConfig):
            min_rows: int = 10

        def run(self, ctx):
            return [self.check("holdout_rows", len(ctx.holdout), self.config.min_rows, ">=")]

    SUITES.register(HoldoutSize)
    try:
        policy = parse_policy({"name": "p", "validate": {"suites": {"holdout_size": {"min_rows": 1000}}}})
        suites = [(s, a) for s, a in build_suites(policy.validation) if s.name == "holdout_size"]
        assert suites and suites[0][0].config.min_rows == 1000
        train, holdout = split
        ctx = ValidationContext(train=train, holdout=holdout, synthetic=train, sdtypes={})
        [check] = run_suites(suites, ctx, Progress())
        assert check.value == len(holdout) and not check.passed
    finally:
        SUITES.unregister("holdout_size")
    with pytest.raises(PolicyError):
        parse_policy({"name": "p", "validate": {"suites": {"holdout_size": {}}}})


def test_a_name_registered_twice_is_refused():
    from synthguard.registry import TABLE_GENERATORS, PluginError

    copula = TABLE_GENERATORS["gaussian_copula"]

    class Impostor(copula):
        name = "gaussian_copula"

    with pytest.raises(PluginError, match="registered twice"):
        TABLE_GENERATORS.register(Impostor)
    assert TABLE_GENERATORS["gaussian_copula"] is copula
