"""The ray engine on a local Ray instance (2 CPUs): scrubbing identical to the local engine, an actor
killed mid-run retried without losing or duplicating rows, partitioned sampling that releases and
passes the gate, and a local engine that never imports Ray."""

import json
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from synthguard.policy import parse_policy
from synthguard.scrub.stream import scrub_file
from tests.conftest import EXAMPLE_CSV, MEDICAL_POLICY, ROOT

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'synthguard[ray]')")

KEY = "ray-engine-test-key"


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    yield
    ray.shutdown()


@pytest.fixture
def notes_csv(tmp_path, patients):
    path = tmp_path / "patients.csv"
    patients.head(60).to_csv(path, index=False)
    return path


def _scrub(source, out, monkeypatch, engine, **kwargs):
    monkeypatch.setenv("SYNTHGUARD_KEY", KEY)
    policy = parse_policy({"name": "t", "engine": engine, "ray": {"actors": 2}})
    counts = scrub_file(source, out, policy, findings_path=out.with_suffix(".findings.jsonl"), chunk_rows=20,
                        **kwargs)
    return counts, out.read_bytes(), out.with_suffix(".findings.jsonl").read_text()


def test_scrub_on_ray_is_identical_to_local(notes_csv, tmp_path, monkeypatch):
    local = _scrub(notes_csv, tmp_path / "local.csv", monkeypatch, "local")
    on_ray = _scrub(notes_csv, tmp_path / "ray.csv", monkeypatch, "ray")
    assert on_ray[1] == local[1] and on_ray[2] == local[2]
    assert on_ray[0]["rows"] == 60 and on_ray[0]["findings"] == local[0]["findings"] > 60


class _DiesOnce:
    """Mixed into the scrub actor: the first batch kills its process, as a lost node would."""

    marker = None

    def __call__(self, batch):
        import os
        from pathlib import Path

        if not Path(self.marker).exists():
            Path(self.marker).write_text("died")
            os._exit(1)
        return super().__call__(batch)


def test_an_actor_killed_mid_run_is_retried_without_losing_or_duplicating_rows(notes_csv, tmp_path, monkeypatch):
    from ray import cloudpickle

    from synthguard.scrub.ray_scrub import ScrubActor

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # Ray's workers cannot import this test module
    dying = type("DyingScrubActor", (_DiesOnce, ScrubActor), {"marker": str(tmp_path / "died")})
    local = _scrub(notes_csv, tmp_path / "local.csv", monkeypatch, "local")
    on_ray = _scrub(notes_csv, tmp_path / "ray.csv", monkeypatch, "ray", ray_actor=dying)
    assert (tmp_path / "died").exists()  # an actor did die
    assert on_ray[1] == local[1] and on_ray[2] == local[2]
    rows = [json.loads(line)["row"] for line in on_ray[2].splitlines()]
    assert sorted(set(rows)) == list(range(60))


def test_partitions_draw_different_rows_and_the_same_count_reproduces(patients):
    from synthguard.generators import TABLE_GENERATORS
    from synthguard.generators.partitions import partition_seeds, sample_on_ray

    sdtypes = {c: "numerical" for c in ("age", "chol", "trestbps", "thalach")}
    generator = TABLE_GENERATORS["gaussian_copula"]({}, [], sdtypes)
    generator.fit(patients[list(sdtypes)], seed=1)
    first = sample_on_ray(generator.sample, 200, 7, partitions=2)
    again = sample_on_ray(generator.sample, 200, 7, partitions=2)
    pd.testing.assert_frame_equal(first, again)
    halves = first.iloc[:100].reset_index(drop=True), first.iloc[100:].reset_index(drop=True)
    assert not halves[0].equals(halves[1])  # each partition reseeded: no repeated block of rows
    assert len(set(partition_seeds(7, 4))) == 4


def test_synth_with_the_ray_engine_releases_and_passes_the_gate(tmp_path):
    from click.testing import CliRunner

    from synthguard.cli import main

    raw = yaml.safe_load(MEDICAL_POLICY.read_text())
    raw["data"]["source"] = str(EXAMPLE_CSV)
    raw["release"].pop("output", None)
    raw["generate"].pop("text", None)
    raw["ray"] = {"partitions": 3}
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump(raw))
    result = CliRunner().invoke(main, ["synth", "--policy", str(policy), "--engine", "ray", "--output",
                                       str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(tmp_path / "out" / "synthetic.parquet")) == 303


def test_the_local_engine_never_imports_ray(tmp_path):
    code = ("import sys, synthguard, pandas as pd\n"
            f"synthguard.scrub(pd.read_csv({str(EXAMPLE_CSV)!r}).head(5))\n"
            "print('ray' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
