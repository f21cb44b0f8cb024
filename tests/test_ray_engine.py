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
from tests.conftest import CONVERSATIONS, EXAMPLE_CSV, MEDICAL_POLICY, ROOT, save_tiny_llama

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


def test_a_folder_of_parts_scrubs_like_the_single_file(notes_csv, tmp_path, monkeypatch):
    folder = tmp_path / "parts"
    folder.mkdir()
    frame = pd.read_csv(notes_csv)
    for i, start in enumerate(range(0, 60, 25)):
        frame.iloc[start: start + 25].to_csv(folder / f"part-{i:05d}.csv", index=False)
    whole = _scrub(notes_csv, tmp_path / "whole.csv", monkeypatch, "local")
    parts = _scrub(folder, tmp_path / "parts.csv", monkeypatch, "local")
    assert parts[1] == whole[1] and parts[2] == whole[2] and parts[0]["rows"] == 60


def test_a_ray_dataset_is_scrubbed_on_actors_and_comes_back_as_a_dataset(notes_csv):
    import synthguard

    frame = pd.read_csv(notes_csv)
    policy = parse_policy({"name": "t", "engine": "ray", "ray": {"actors": 2}})
    key = KEY.encode()
    scrubbed = synthguard.scrub(ray.data.from_pandas(frame).repartition(3), policy, key=key)
    assert isinstance(scrubbed, ray.data.Dataset)
    on_ray = scrubbed.to_pandas().reset_index(drop=True)
    expected = synthguard.scrub(frame, policy, key=key).data.reset_index(drop=True)
    pd.testing.assert_frame_equal(on_ray, expected, check_dtype=False)
    assert not (on_ray["name"] == frame["name"]).any()


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

    from synthguard.engines.ray.scrub import ScrubActor

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # Ray's workers cannot import this test module
    dying = type("DyingScrubActor", (_DiesOnce, ScrubActor), {"marker": str(tmp_path / "died")})
    local = _scrub(notes_csv, tmp_path / "local.csv", monkeypatch, "local")
    on_ray = _scrub(notes_csv, tmp_path / "ray.csv", monkeypatch, "ray", ray_actor=dying)
    assert (tmp_path / "died").exists()  # an actor did die
    assert on_ray[1] == local[1] and on_ray[2] == local[2]
    rows = [json.loads(line)["row"] for line in on_ray[2].splitlines()]
    assert sorted(set(rows)) == list(range(60))


def test_partitions_draw_different_rows_and_the_same_count_reproduces(patients):
    from synthguard.engines.ray.partitions import partition_seeds, unfiltered
    from synthguard.engines.ray.table import collect, sample_partitions
    from synthguard.generators import TABLE_GENERATORS

    sdtypes = {c: "numerical" for c in ("age", "chol", "trestbps", "thalach")}
    generator = TABLE_GENERATORS["gaussian_copula"]({}, [], sdtypes)
    generator.fit(patients[list(sdtypes)], seed=1)
    first = collect(sample_partitions(unfiltered(generator.sample), 200, 7, 2, 1)[0])
    again = collect(sample_partitions(unfiltered(generator.sample), 200, 7, 2, 1)[0])
    pd.testing.assert_frame_equal(first, again)
    halves = first.iloc[:100].reset_index(drop=True), first.iloc[100:].reset_index(drop=True)
    assert not halves[0].equals(halves[1])  # each partition reseeded: no repeated block of rows
    assert len(set(partition_seeds(7, 4))) == 4


def _synth_on_ray(tmp_path, name, **table):
    from click.testing import CliRunner

    from synthguard.cli import main

    raw = yaml.safe_load(MEDICAL_POLICY.read_text())
    raw["data"]["source"] = str(EXAMPLE_CSV)
    raw["release"].pop("output", None)
    raw["generate"].pop("text", None)
    raw["generate"]["table"].update(table)
    raw["ray"] = {"partitions": 3}
    raw["validate"]["max_rows"] = 1000
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump(raw))
    out = tmp_path / name
    result = CliRunner().invoke(main, ["synth", "--policy", str(policy), "--engine", "ray", "--output", str(out),
                                       "--quiet"])
    return result, out


def test_synth_with_the_ray_engine_releases_partitions_written_in_parallel_and_passes_the_gate(tmp_path):
    from synthguard.release import verify_release

    result, out = _synth_on_ray(tmp_path, "out")
    assert result.exit_code == 0, result.output
    parts = sorted(p.relative_to(out).as_posix() for p in (out / "synthetic").rglob("*.*"))
    assert parts == sorted(f"synthetic/{fmt}/part-0000{i}.{fmt}" for fmt in ("csv", "parquet") for i in range(3))
    table = pd.read_parquet(out / "synthetic" / "parquet")
    assert len(table) == 303 and table["patient_id"].is_unique  # unique across partitions, not only within
    assert verify_release(out) == ([], len(json.loads((out / "manifest.json").read_text())["files"]))
    card = (out / "README.md").read_text()
    assert "configs:\n- config_name: default\n  data_files: synthetic/parquet/*.parquet" in card
    again, out_again = _synth_on_ray(tmp_path, "again")
    assert again.exit_code == 0
    first, second = (json.loads((o / "manifest.json").read_text())["files"] for o in (out, out_again))
    assert {k: v for k, v in first.items() if k.startswith("synthetic/")} == \
        {k: v for k, v in second.items() if k.startswith("synthetic/")}  # same policy, seed, partitions


def test_synthesize_takes_a_ray_dataset_and_hands_the_release_back_as_one(tmp_path, medical_raw):
    import synthguard

    raw = {**medical_raw, "engine": "ray", "ray": {"partitions": 2}}
    raw["generate"] = {k: v for k, v in raw["generate"].items() if k != "text"}
    release = synthguard.synthesize(ray.data.from_pandas(pd.read_csv(EXAMPLE_CSV)), parse_policy(raw))
    assert release.passed and release.data is None
    out = release.to_ray()
    assert isinstance(out, ray.data.Dataset) and out.count() == 303
    assert out.to_pandas()["patient_id"].is_unique


def test_on_ray_the_suites_read_a_stated_sample_and_copies_are_counted_on_every_row(tmp_path):
    result, out = _synth_on_ray(tmp_path, "big", scale=None, rows=4000)
    report = json.loads((out / "report.json").read_text())
    assert report["rows"]["synthetic"] == 4000 and report["rows"]["validated_sample"] == 1000
    checks = {(c["suite"], c["name"]): c for c in report["checks"]}
    assert checks["privacy", "exact_copy_rate"]["details"]["synthetic_rows"] == 4000
    unique = checks["privacy", "unique_record_copies"]  # counted on all 4000 rows, against every real record
    assert unique["value"] == 0 and unique["details"]["counted"] == "on every row"
    rule = next(c for (suite, _), c in checks.items() if suite == "constraints")
    assert rule["details"]["rows_measured"] == 1000 and rule["details"]["rows_total"] == 4000
    low, high = rule["details"]["ci95"]
    assert low <= rule["value"] <= high and high > 0
    assert any("seeded sample of 1000 of 4000" in note for note in report["notes"])
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(out / "synthetic" / "parquet")) == 4000


def test_exact_copies_are_counted_by_a_hash_join_over_every_partition(patients):
    from synthguard.engines.ray import table as ray_table
    from synthguard.measures.distance import RecordEncoder, row_keys

    columns = ["age", "sex", "chol"]
    sdtypes = {"age": "numerical", "sex": "categorical", "chol": "numerical"}
    train = patients[columns].head(100).reset_index(drop=True)
    fresh = train.assign(chol=train["chol"] + 0.5)
    planted = [fresh.iloc[:40], pd.concat([fresh.iloc[40:70], train.iloc[:3]]), train.iloc[10:14]]
    parts = ray_table.Partitions([ray.put(p.reset_index(drop=True)) for p in planted], [len(p) for p in planted])
    encoder = RecordEncoder().fit(train, sdtypes)
    assert ray_table.count_copies(parts, encoder, columns, row_keys(encoder.transform(train)), 1, row_keys) == 7
    sample = ray_table.take_sample(parts, 20, 3, 1)
    assert ray_table.quotas(parts.sizes, 20) == [10, 9, 1] and len(sample) == 20
    pd.testing.assert_frame_equal(sample, ray_table.take_sample(parts, 20, 3, 1))


@pytest.fixture(scope="module")
def tiny_llama(tmp_path_factory):
    return save_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))


def _llm(path):
    from synthguard.generators.llm import LLMSettings

    return LLMSettings(model=str(path), max_new_tokens=6, batch_size=2, temperature=0.8)


class _ChatDiesOnce:
    """Mixed into the chat actor: its first call kills its process."""

    marker = None

    def chat(self, conversations, seed):
        import os
        from pathlib import Path

        if not Path(self.marker).exists():
            Path(self.marker).write_text("died")
            os._exit(1)
        return super().chat(conversations, seed)


def test_text_generation_on_ray_actors_gives_the_local_engines_replies(tiny_llama, tmp_path):
    from ray import cloudpickle

    from synthguard.engines.ray.chat import ChatActor, RayChat
    from synthguard.generators import chat_model
    from synthguard.policy import RaySection

    conversations = [c for _ in range(5) for c in CONVERSATIONS]  # 10: five batches over two actors
    local = chat_model(_llm(tiny_llama))
    expected = local.chat(conversations, seed=3)
    assert len(set(expected)) > 1  # sampled: a mixed-up seed or order would show
    pool = RayChat(_llm(tiny_llama), RaySection(actors=2))
    assert len(pool.actors) == 2 and pool.identity() == local.identity()
    assert pool.chat(conversations, 3) == expected
    pool.close()

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    dying = type("DyingChatActor", (_ChatDiesOnce, ChatActor), {"marker": str(tmp_path / "died")})
    pool = RayChat(_llm(tiny_llama), RaySection(llm_actors=2), actor=dying)
    assert pool.chat(conversations, 3) == expected  # restarted and retried: nothing lost, nothing twice
    assert (tmp_path / "died").exists()
    pool.close()


def test_the_ray_engine_loads_an_in_process_model_on_actors_and_names_a_missing_one(tiny_llama, tmp_path):
    from synthguard.engines import engine
    from synthguard.engines.ray.chat import RayChat
    from synthguard.errors import GenerationError, ModelError
    from synthguard.generators.text import TextSettings, load_chat_model
    from synthguard.progress import Progress

    policy = parse_policy({"name": "t", "engine": "ray", "ray": {"llm_actors": 1}})
    runner = engine(policy.engine, policy.ray)
    model = load_chat_model(TextSettings(llm=_llm(tiny_llama)), "paraphrase", Progress(), runner)
    assert isinstance(model, RayChat)
    model.close()
    with pytest.raises((ModelError, GenerationError), match=r"cannot load model .*no-such-model"):
        load_chat_model(TextSettings(llm=_llm(tmp_path / "no-such-model")), "paraphrase", Progress(), runner)


def test_the_local_engine_never_imports_ray(tmp_path):
    code = ("import sys, synthguard, pandas as pd\n"
            f"synthguard.scrub(pd.read_csv({str(EXAMPLE_CSV)!r}).head(5))\n"
            "print('ray' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_no_input_row_identifier_or_note_reaches_a_ray_worker(patients, medical_raw, monkeypatch):
    """Everything the ray engine puts into the object store for its tasks (the sampling job, the surrogate plan,
    the copy-count keys), pickled as Ray pickles it, holds none of the identifiers or notes planted here."""
    import ray.cloudpickle

    from synthguard.pipeline import synthesize

    planted = patients.copy()
    planted.loc[7, ["name", "mrn"]] = ["Quillbrook Zanthera", "MRN-50719386"]
    planted.loc[11, "notes"] = "Quillbrook family visited at Vexhollow Hospice"
    shipped, put = [], ray.put
    monkeypatch.setattr(ray, "put", lambda value, *a, **k: (shipped.append(ray.cloudpickle.dumps(value)),
                                                             put(value, *a, **k))[1])
    raw = {**medical_raw, "engine": "ray", "ray": {"partitions": 2}}
    raw["generate"]["table"].update({"synthesizer": "cart", "parameters": {}})
    release = synthesize(planted, parse_policy(raw))
    assert release.report.rows["synthetic"] == len(planted) and len(shipped) >= 3
    for blob in shipped:
        for canary in (b"Quillbrook", b"Zanthera", b"50719386", b"Vexhollow"):
            assert canary not in blob
