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
