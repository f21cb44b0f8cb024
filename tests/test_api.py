"""The public API a piece at a time: validate a table made elsewhere, scrub strings, save and load a fitted
generator, and policy objects that check what is assigned to them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

import synthguard
from synthguard import DataError, PolicyError, load_generator, load_policy
from synthguard.generators import TABLE_GENERATORS

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT / "tests" / "data" / "uci_adult_5000.csv"


def test_validate_compares_every_column_by_its_dtype_without_a_column_scan():
    code = f"""
import json, sys
import numpy as np, pandas as pd
import synthguard
adult = pd.read_csv({str(ADULT)!r}).head(1200)
real, holdout = adult.iloc[:900], adult.iloc[900:]
rng = np.random.default_rng(0)
shuffled = real.apply(lambda c: c.sample(frac=1.0, random_state=int(rng.integers(1 << 30))).to_numpy())
report = synthguard.validate(real, shuffled, holdout, target="income", protected=["sex"])
print(json.dumps({{"sdtypes": report.columns["sdtypes"], "identifiers": report.columns["identifiers"],
                  "suites": sorted({{c.suite for c in report.checks}}), "passed": report.passed,
                  "presidio": "presidio_analyzer" in sys.modules, "sdv": "sdv" in sys.modules}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # fnlwgt (a census weight) is a number to compare, not an id; no scan means no Presidio and no SDV detection.
    assert result["sdtypes"]["fnlwgt"] == "numerical" and result["sdtypes"]["workclass"] == "categorical"
    assert result["sdtypes"]["income"] == "categorical" and result["identifiers"] == []
    assert not result["presidio"] and not result["sdv"]
    assert {"fidelity", "privacy", "bias"} <= set(result["suites"])
    assert not result["passed"]  # columns shuffled independently lose every association: fidelity fails


def test_validate_refuses_what_it_cannot_judge(heart):
    with pytest.raises(DataError, match="protected column 'religion' is not in the real table"):
        synthguard.validate(heart, heart, protected=["religion"])
    with pytest.raises(DataError, match="synthetic must be a pandas DataFrame"):
        synthguard.validate(heart, heart.to_dict())


def test_scrub_texts_replaces_phi_and_reports_positions_not_values():
    notes = ["Seen by Dr. Washington; call back at (899) 346-4731.", "No PHI in this sentence.", ""]
    result = synthguard.scrub_texts(notes, key=b"k" * 32)
    assert len(result.texts) == 3 and result.texts[1:] == notes[1:]
    assert "Washington" not in result.texts[0] and "346-4731" not in result.texts[0]
    assert {f["entity_type"] for f in result.findings} >= {"PERSON", "PHONE_NUMBER"}
    assert all(f["index"] == 0 for f in result.findings)
    assert "Washington" not in json.dumps(result.findings)
    again = synthguard.scrub_texts(notes, key=b"k" * 32)
    assert again.texts == result.texts  # the same key gives the same surrogates
    with pytest.raises(DataError, match="a list of strings, not one string"):
        synthguard.scrub_texts(notes[0])
    with pytest.raises(DataError, match="item 1 is a float"):
        synthguard.scrub_texts(["a", float("nan")])
    with pytest.raises(DataError, match="2 patients for 3 texts"):
        synthguard.scrub_texts(notes, patients=["p1", "p2"])


def test_a_fitted_generator_saved_and_loaded_samples_the_same_rows(heart, tmp_path):
    sdtypes = {c: "numerical" for c in ["age", "chol", "thalach"]}
    generator = TABLE_GENERATORS["gaussian_copula"]({}, [], sdtypes).fit(heart[list(sdtypes)], seed=1)
    folder = generator.save(tmp_path / "copula")
    assert sorted(p.name for p in folder.iterdir()) == ["generator.json", "generator.pkl"]
    loaded = load_generator(folder)
    pd.testing.assert_frame_equal(loaded.sample(50, seed=7), generator.sample(50, seed=7))
    with pytest.raises(DataError, match="exists"):
        generator.save(folder)
    payload = folder / "generator.pkl"
    payload.write_bytes(payload.read_bytes()[:-1] + b"\x00")
    with pytest.raises(DataError, match="does not match its manifest"):
        load_generator(folder)
    with pytest.raises(DataError, match="not a saved generator"):
        load_generator(tmp_path)


def test_a_policy_is_frozen_and_a_change_makes_a_new_checked_one():
    policy = load_policy(ROOT / "policies" / "medical.yaml")
    with pytest.raises(ValidationError, match="frozen"):
        policy.generate.table.seed = 7
    with pytest.raises(ValidationError, match="frozen"):
        policy.engine = "ray"
    with pytest.raises(PolicyError, match=r"generate\.table\.seed"):
        policy.updated({"generate": {"table": {"seed": -1}}})
    with pytest.raises(PolicyError, match="engine"):
        policy.updated({"engine": "spark"})
    with pytest.raises(PolicyError, match="gan9000"):
        policy.updated({"generate": {"table": {"synthesizer": "gan9000"}}})
    changed = policy.updated({"generate": {"table": {"seed": 7}, "text": None}})
    assert changed.generate.table.seed == 7 and changed.generate.text is None
    assert changed.generate.table.rows == policy.generate.table.rows  # the rest kept
    assert policy.generate.table.seed != 7 and policy.generate.text is not None  # the loaded one is left as it is
    assert changed.data.source == policy.data.source and changed.data.source.is_absolute()
    assert policy.updated({"validation": {"action": "warn"}}).validation.action == "warn"  # Python name or YAML's
