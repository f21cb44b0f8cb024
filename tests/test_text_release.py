"""synth with text generation: rewritten notes released beside the table, canaries nowhere,
an unreachable model a clean exit 2, and the embedded default model answering offline."""

import json

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from synthguard.cli import main
from tests.conftest import ROOT, ChatHandler, serve

CANARY = {"name": "Zebulon Canaryfeather", "phone": "(555) 013-3713"}


class _Careful(ChatHandler):
    """Rewrites the way a careful model would: same facts, other words."""

    def do_POST(self):
        note = self.read_body()["messages"][-1]["content"]
        self.send_reply("Summary: " + note.replace("presents with", "is seen for").replace("Seen by", "Reviewed by"))


@pytest.fixture
def careful_endpoint():
    with serve(_Careful) as url:
        yield url


def test_rewritten_notes_are_released_and_no_canary_reaches_any_artefact(
        patients, medical_raw, write_policy, careful_endpoint, tmp_path):
    planted = patients.copy()
    planted.loc[:3, "name"] = CANARY["name"]
    planted.loc[:3, "notes"] = f"{CANARY['name']}, 61M, presents with chest pain. BP 150/90, chol 250. " \
                               f"Call back at {CANARY['phone']}."
    source = tmp_path / "planted.csv"
    planted.to_csv(source, index=False)
    medical_raw["generate"]["text"] = {"max_rows": 12, "llm": {"backend": "openai", "model": "careful",
                                                               "base_url": careful_endpoint}}
    # Paraphrases keep their patients' numbers: the re-identification finding is a warning here so that
    # every artefact is written and scanned.
    medical_raw["validate"]["suites"]["factuality"] = {"action": "warn"}
    result = CliRunner().invoke(main, ["synth", "--policy", str(write_policy(medical_raw)), "--input", str(source),
                                       "--output", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    texts = pd.read_json(out / "synthetic_text.jsonl", lines=True)
    assert len(texts) == 12 and set(texts["column"]) == {"notes"}
    assert texts["text"].str.startswith("Summary:").all()
    artefacts = [result.output] + [p.read_text("utf-8", "ignore") for p in out.iterdir()]
    for value in CANARY.values():
        assert not any(value in text for text in artefacts)
    report = json.loads((out / "report.json").read_text())
    kept = next(c for c in report["checks"] if c["name"] == "kept_share:notes")
    assert kept["value"] == 1.0 and kept["details"]["model"].startswith("openai:careful@")


def test_a_model_that_cannot_be_loaded_stops_synth_with_exit_2(medical_raw, write_policy, tmp_path):
    missing = tmp_path / "no-model-here"
    medical_raw["generate"]["text"] = {"max_rows": 2}
    result = CliRunner().invoke(main, ["synth", "--policy", str(write_policy(medical_raw)), "--llm-model",
                                       str(missing), "--output", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 2
    assert "no-model-here" in result.output and "--llm-model PATH" in result.output
    assert not (tmp_path / "out").exists()


def test_embedded_default_model_answers_offline():
    from synthguard.generators import chat_model
    from synthguard.generators.llm import LLMSettings

    model = chat_model(LLMSettings(max_new_tokens=12, temperature=0))
    (reply,) = model.chat([[{"role": "user", "content": "Say hello."}]], seed=0)
    assert isinstance(reply, str) and reply
    assert "smollm2" in model.identity()


class _FromFacts(ChatHandler):
    """Writes a note from the facts it is given, as a careful model would; one request in three invents a number."""

    calls = 0

    def do_POST(self):
        prompt = self.read_body()["messages"][-1]["content"]
        facts = dict(part.split(": ", 1) for part in prompt.split("Facts:\n", 1)[1].split("; "))
        type(self).calls += 1
        invented = " Troponin 9.99." if type(self).calls % 3 == 0 else ""
        self.send_reply(f"Patient aged {facts['age']}, cholesterol {facts['chol']}, resting blood pressure "
                        f"{facts['trestbps']}.{invented}")


def _unique_real_matches(notes: pd.Series, real: pd.DataFrame, columns: list[str], least: int = 3) -> int:
    """Notes whose numbers match at least ``least`` of one real row's values, and of no other row."""
    import re

    found = 0
    values = real[columns].astype(str).to_numpy()
    for note in notes:
        numbers = set(re.findall(r"\d+(?:\.\d+)?", note))
        hits = (pd.DataFrame(values).isin(numbers)).sum(axis=1)
        found += int((hits >= least).sum() == 1)
    return found


def _notes_from(handler, text: dict, medical_raw, write_policy, out) -> tuple[pd.DataFrame, pd.DataFrame]:
    """synth with ``text`` settings and ``handler`` serving the model: the released notes and table."""
    with serve(handler) as url:
        medical_raw["generate"]["text"] = {**text, "llm": {"backend": "openai", "model": "m", "base_url": url}}
        result = CliRunner().invoke(main, ["synth", "--policy", str(write_policy(medical_raw)), "--output",
                                           str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return pd.read_json(out / "synthetic_text.jsonl", lines=True), pd.read_csv(out / "synthetic.csv")


def test_notes_written_from_synthetic_rows_state_only_their_row_and_describe_no_real_patient(
        patients, medical_raw, write_policy, careful_endpoint, tmp_path):
    columns = ["age", "chol", "trestbps"]
    notes, table = _notes_from(_FromFacts, {"mode": "from_rows", "max_rows": 12, "max_attempts": 3}, medical_raw,
                               write_policy, tmp_path / "rows")
    assert len(notes) == 12 and "Troponin" not in " ".join(notes["text"])  # the invented number was rejected
    for text, row in zip(notes["text"], notes["row"], strict=True):
        assert f"aged {table.loc[row, 'age']}," in text and f"cholesterol {table.loc[row, 'chol']}," in text
    assert _unique_real_matches(notes["text"], patients, columns) == 0
    report = json.loads((tmp_path / "rows" / "report.json").read_text())
    assert any("from synthetic rows" in n for n in report["notes"])
    assert "de-identified rewrites" not in (tmp_path / "rows" / "README.md").read_text()

    # The same check on paraphrased notes: each keeps its real patient's numbers, and the gate says so.
    medical_raw["generate"]["text"] = {"max_rows": 12, "llm": {"backend": "openai", "model": "careful",
                                                               "base_url": careful_endpoint}}
    result = CliRunner().invoke(main, ["synth", "--policy", str(write_policy(medical_raw, "p2.yaml")), "--output",
                                       str(tmp_path / "blocked"), "--quiet"])
    assert result.exit_code == 1 and "factuality.reidentifying_notes:notes" in result.output
    assert not (tmp_path / "blocked" / "synthetic_text.jsonl").exists()
    medical_raw["validate"]["suites"]["factuality"] = {"action": "warn"}
    result = CliRunner().invoke(main, ["synth", "--policy", str(write_policy(medical_raw, "p3.yaml")), "--output",
                                       str(tmp_path / "para"), "--quiet"])
    assert result.exit_code == 0, result.output
    paraphrased = pd.read_json(tmp_path / "para" / "synthetic_text.jsonl", lines=True)["text"]
    found = _unique_real_matches(paraphrased, patients, columns)
    report = json.loads((tmp_path / "para" / "report.json").read_text())
    check = next(c for c in report["checks"] if c["name"] == "reidentifying_notes:notes")
    assert found > 0 and check["value"] >= found and not check["passed"]
    assert "de-identified rewrite" in (tmp_path / "para" / "README.md").read_text()


class _Rewords(ChatHandler):
    """Rewords the draft it is given; one request in four copies a phone number, one in four leaks the prompt."""

    calls = 0

    def do_POST(self):
        prompt = self.read_body()["messages"][-1]["content"]
        note = prompt.split("Note:\n", 1)[1]
        type(self).calls += 1
        if type(self).calls % 4 == 1:
            note += " Call back at (415) 555-0199."
        elif type(self).calls % 4 == 2:
            note = "Note:\n" + note
        self.send_reply(note.replace("presenting with", "who presents with"))


def test_a_template_draft_is_reworded_and_invented_identifiers_and_prompt_leftovers_are_rejected(
        patients, medical_raw, write_policy, tmp_path):
    shipped = yaml.safe_load((ROOT / "policies" / "medical.yaml").read_text())["generate"]["text"]
    notes, table = _notes_from(_Rewords, {**shipped, "mode": "from_rows", "max_rows": 8, "max_attempts": 4},
                               medical_raw, write_policy, tmp_path / "out")
    assert len(notes) == 8 and notes["text"].str.contains("who presents with").all()
    assert not notes["text"].str.contains("555|Note:").any()
    for text, row in zip(notes["text"], notes["row"], strict=True):
        assert text.startswith(f"{table.loc[row, 'age']}-year-old") and f"cholesterol {table.loc[row, 'chol']} " in text
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    rejections = next(c for c in report["checks"] if c["name"] == "released:notes")["details"]["rejections"]
    assert rejections.get("invented_identifier", 0) >= 2 and rejections.get("prompt_leak", 0) >= 2


def test_the_shipped_medical_notes_are_written_from_synthetic_rows_and_single_out_no_real_patient(
        patients, tmp_path):
    from synthguard.measures.note_reid import reidentifying

    raw = yaml.safe_load((ROOT / "policies" / "medical.yaml").read_text())
    raw["data"]["source"] = str(ROOT / "examples" / "data" / "heart_patients.csv")
    raw["release"]["output"] = str(tmp_path / "out")
    policy = tmp_path / "medical.yaml"
    policy.write_text(yaml.safe_dump(raw, sort_keys=False))
    result = CliRunner().invoke(main, ["synth", "--policy", str(policy), "--quiet"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    notes = pd.read_json(out / "synthetic_text.jsonl", lines=True)
    table = pd.read_csv(out / "synthetic.csv")
    assert len(notes) >= 0.9 * len(table)
    real_notes = set(patients["notes"])
    for text, row in zip(notes["text"], notes["row"], strict=True):
        assert text not in real_notes
        assert text.startswith(f"{table.loc[row, 'age']}-year-old") and f"BP {table.loc[row, 'trestbps']} " in text
    numeric = ["age", "trestbps", "chol", "thalach"]
    assert _unique_real_matches(notes["text"], patients, numeric) == 0
    assert not any(reidentifying(list(notes["text"]), patients.select_dtypes("number")))
    card = (out / "README.md").read_text()
    assert "written from synthetic rows, never from a real note" in card and "no real person" not in card
