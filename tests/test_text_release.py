"""synth with text generation: rewritten notes released beside the table, canaries nowhere,
an unreachable model a clean exit 2, and the embedded default model answering offline."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from synthguard.cli import main
from tests.conftest import ChatHandler, serve

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


def test_notes_written_from_synthetic_rows_state_only_their_row_and_describe_no_real_patient(
        patients, medical_raw, write_policy, careful_endpoint, tmp_path):
    columns = ["age", "chol", "trestbps"]
    with serve(_FromFacts) as url:
        medical_raw["generate"]["text"] = {"mode": "from_rows", "max_rows": 12, "max_attempts": 3,
                                           "llm": {"backend": "openai", "model": "facts", "base_url": url}}
        result = CliRunner().invoke(main, ["synth", "--policy", str(write_policy(medical_raw)), "--output",
                                           str(tmp_path / "rows"), "--quiet"])
    assert result.exit_code == 0, result.output
    notes = pd.read_json(tmp_path / "rows" / "synthetic_text.jsonl", lines=True)
    table = pd.read_csv(tmp_path / "rows" / "synthetic.csv")
    assert len(notes) == 12 and "Troponin" not in " ".join(notes["text"])  # the invented number was rejected
    for text, row in zip(notes["text"], notes["row"], strict=True):
        assert f"aged {table.loc[row, 'age']}," in text and f"cholesterol {table.loc[row, 'chol']}," in text
    assert _unique_real_matches(notes["text"], patients, columns) == 0
    report = json.loads((tmp_path / "rows" / "report.json").read_text())
    assert any("from synthetic rows" in n for n in report["notes"])
    assert "de-identified rewrites" not in (tmp_path / "rows" / "README.md").read_text()

    # The same check on paraphrased notes: each keeps its real patient's numbers.
    medical_raw["generate"]["text"] = {"max_rows": 12, "llm": {"backend": "openai", "model": "careful",
                                                               "base_url": careful_endpoint}}
    result = CliRunner().invoke(main, ["synth", "--policy", str(write_policy(medical_raw, "p2.yaml")), "--output",
                                       str(tmp_path / "para"), "--quiet"])
    assert result.exit_code == 0, result.output
    paraphrased = pd.read_json(tmp_path / "para" / "synthetic_text.jsonl", lines=True)["text"]
    assert _unique_real_matches(paraphrased, patients, columns) > 0
    assert "de-identified rewrites" in (tmp_path / "para" / "README.md").read_text()
