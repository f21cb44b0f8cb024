"""generate.text.improve: the ReST^EM loop (generators/improve.py) on real models: a tiny Llama built here for the
adapter's determinism, the embedded SmolLM2-135M for the whole flow with canaries planted in the sources."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from synthguard.errors import PolicyError
from synthguard.policy import parse_policy
from tests.conftest import save_tiny_llama


@pytest.mark.parametrize("text, message", [
    ({"mode": "reword", "llm": {"backend": "openai", "base_url": "http://127.0.0.1:9/v1"}, "improve": {}},
     "needs a local model"),
    ({"mode": "paraphrase", "improve": {}}, "instruction modes"),
    ({"mode": "reword", "improve": {"rounds": 0}}, "rounds"),
    ({"mode": "reword", "improve": {"train_options": {"min_similarity": 2}}}, "min_similarity"),
])
def test_improve_is_refused_where_it_cannot_run(text, message):
    with pytest.raises(PolicyError, match=message):
        parse_policy({"name": "t", "generate": {"text": text}})


def test_a_round_learns_with_its_own_options_and_tries_while_the_release_keeps_the_policys():
    text = parse_policy({"name": "t", "generate": {"text": {
        "mode": "reword", "max_attempts": 2, "options": {"min_similarity": 0.85},
        "improve": {"attempts": 5, "train_options": {"min_similarity": 0.9}}}}}).generate.text
    learning = text.improve.learning(text)
    assert (learning.max_attempts, learning.options["min_similarity"]) == (5, 0.9)
    assert (text.max_attempts, text.options["min_similarity"]) == (2, 0.85)
    held_out = text.improve.for_run(text, 1)  # the held-out measure: the policy's options, one try
    assert (held_out.max_attempts, held_out.options["min_similarity"]) == (1, 0.85)
    assert text.improve.for_run(text, None) == learning
    untouched = parse_policy({"name": "t", "generate": {"text": {"mode": "reword", "max_attempts": 3,
                                                                  "improve": {}}}}).generate.text
    assert untouched.improve.learning(untouched).max_attempts == 3


def _tiny_chat(tmp_path):
    from synthguard.generators.llm_transformers import TransformersChat
    from synthguard.sections.text import LLMSettings

    path = save_tiny_llama(tmp_path / "tiny")
    return TransformersChat(LLMSettings(model=str(path), max_new_tokens=8, temperature=0, batch_size=4,
                                        device="cpu"))


PAIRS = [([{"role": "user", "content": f"Reword: list {n} fruits."}], f"Name {n} fruits.") for n in range(6)]


def test_one_seed_gives_one_adapter_and_the_adapter_changes_what_the_model_says(tmp_path):
    from synthguard.generators.improve import fine_tune, load_adapter, unload
    from synthguard.progress import Progress
    from synthguard.sections.text import ImproveSettings

    chat = _tiny_chat(tmp_path)
    ask = [PAIRS[0][0], PAIRS[3][0]]
    before = chat.chat(ask, seed=1)
    settings = ImproveSettings(learning_rate=0.05, epochs=3, batch_size=4)
    first = fine_tune(chat, PAIRS, settings, 5, Progress(), 1)
    after = chat.chat(ask, seed=1)
    second = fine_tune(chat, PAIRS, settings, 5, Progress(), 1)  # from the base weights again
    other = fine_tune(chat, PAIRS, settings, 6, Progress(), 1)
    assert first.digest() == second.digest() != other.digest()
    files = [p.read_bytes() for p in first.save(tmp_path / "a")]
    assert files == [p.read_bytes() for p in second.save(tmp_path / "b")]  # byte-identical on disk
    assert after != before  # the adapter is used when the model writes
    unload(chat)
    assert chat.chat(ask, seed=1) == before  # the base weights are untouched
    load_adapter(chat, first)
    assert chat.chat(ask, seed=1) == after
    config = json.loads((tmp_path / "a" / "adapter_config.json").read_text())
    assert config["r"] == 8 and config["trained_on_pairs"] == 6 and "/" not in json.dumps(config)  # no local path


def test_only_released_texts_become_training_pairs(tmp_path):
    from synthguard.generators.improve import RecordingChat, kept_pairs
    from synthguard.generators.text import TextResult

    recording = RecordingChat(_tiny_chat(tmp_path))
    conversations = [c for c, _ in PAIRS[:4]]
    replies = recording.chat(conversations, seed=3)
    assert recording.asked == list(zip(conversations, replies, strict=True))
    # The second reply was released, after the second scrub changed it; the others were rejected.
    released = TextResult(sources=["s"], texts=["scrubbed words"], judged=[replies[1]])
    pairs = kept_pairs(recording.asked, {"instruction": released})
    assert [conversation for conversation, _ in pairs] == [c for c, r in recording.asked if r == replies[1]]
    assert {text for _, text in pairs} == {"scrubbed words"}
    # The record's own turn gets the second scrub the reply got; the prompt's other turns are kept.
    again = kept_pairs(recording.asked, {"instruction": released}, rescrub=lambda texts: [t.upper() for t in texts])
    assert again[0][0][-1]["content"] == pairs[0][0][-1]["content"].upper() and again[0][0][:-1] == pairs[0][0][:-1]


CANARIES = ["canary.k7q2@example.org", "617-555-0142", "078-05-1120", "Zebulon Quackenbush"]


def test_canaries_in_the_sources_reach_neither_the_adapters_training_data_nor_the_release(tmp_path, monkeypatch):
    import synthguard
    from synthguard.generators import improve as loop

    tasks = ["Write a short thank-you note to {c} for the flowers.",
             "Summarize the visit of {c} in one sentence.",
             "Draft a reminder for {c} about the dentist appointment.",
             "List three questions to ask {c} before the trip."]
    frame = pd.DataFrame([{"instruction": tasks[i % 4].format(c=CANARIES[i % 4]), "input": "",
                           "output": f"Answer {i} for {CANARIES[(i + 1) % 4]}."} for i in range(16)])
    trained = []
    real_fine_tune = loop.fine_tune

    def spying(model, pairs, *args, **kwargs):  # the real fine-tune, its training data kept for the test
        trained.extend(pairs)
        return real_fine_tune(model, pairs, *args, **kwargs)

    monkeypatch.setattr(loop, "fine_tune", spying)
    policy = parse_policy({
        "name": "canaries", "generate": {"table": {"seed": 3}, "text": {
            "mode": "reword", "max_attempts": 2, "max_rows": 6, "options": {"min_similarity": 0.5},
            "llm": {"max_new_tokens": 32},
            "improve": {"rounds": 1, "records_per_round": 8, "held_out": 0.25, "held_out_records": 4,
                        "epochs": 1}}},
        "validate": {"action": "warn"}})
    release = synthguard.synthesize(frame, policy)
    folder = release.write(tmp_path / "release")
    improve = json.loads((folder / "report.json").read_text())["settings"]["improve"]
    assert [r["round"] for r in improve["rounds"]][0] == 0 and improve["rounds"][0]["held_out"] == 4
    text = json.dumps(trained) + "".join(p.read_text(errors="replace") for p in folder.rglob("*")
                                         if p.suffix in {".json", ".jsonl", ".md", ".html", ".csv"})
    assert not [c for c in CANARIES if c in text]
    if trained:  # the round kept something: it was learnt from, and every pair is a kept, scrubbed text
        assert all(isinstance(t, str) and t for _, t in trained)
