"""Instruction-data modes end to end through `synthguard synth`: evol_instruct, self_instruct and augment
against OpenAI-compatible servers the tests start on 127.0.0.1, with the filters, the PII replay and
memorization checks, the release, and resuming a killed run from the cache."""

import json
import re
import threading

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from synthguard.cli import main
from synthguard.generators.evol_instruct import METHODS
from tests.conftest import ROOT, ChatHandler, serve

CANARY = {"name": "Zebulon Canaryfeather", "phone": "(555) 013-3713"}
SEEDS = [
    {"instruction": f"Write a short thank-you note to {CANARY['name']} for the birthday gift.", "input": "",
     "output": "Dear friend, thank you so much for the lovely gift."},
    {"instruction": "Explain why the sky is blue to a ten year old child.", "input": "",
     "output": "Sunlight bumps into air and the blue light scatters the most, so we see blue everywhere."},
    {"instruction": "Convert the temperature from Celsius to Fahrenheit.", "input": "25 degrees Celsius",
     "output": "25 degrees Celsius is 77 degrees Fahrenheit."},
    {"instruction": f"Summarize the phone call and give the number to call back, {CANARY['phone']}.", "input": "",
     "output": "The caller asked about the delivery; call back tomorrow morning."},
]


def _asked(body: dict) -> str:
    return body["messages"][-1]["content"]


class _Evolver(ChatHandler):
    """Evolves like a model would, with the failures WizardLM's filters exist for on first tries."""

    seen: dict = {}

    def do_POST(self):
        prompt = _asked(self.read_body())
        if "#The Given Prompt#" in prompt or "#Given Prompt#" in prompt:
            given = re.search(r"#(?:The )?Given Prompt#:\n(.*)\n#(?:Rewritten|Created) Prompt#:", prompt, re.S)[1]
            tries = self.seen[given] = self.seen.get(given, 0) + 1
            if tries == 1 and "sky" in given:
                self.send_reply("#Rewritten Prompt#: " + given)  # copies the prompt's wording
            elif tries == 1 and "Celsius" in given:
                self.send_reply(given)  # no information gain
            else:
                self.send_reply(given + " Answer in three numbered steps and justify each step with an example.")
        elif "thank-you" in prompt and self.seen.setdefault("refused", 0) == 0:
            self.seen["refused"] = 1
            self.send_reply("Sorry, I cannot help with that.")
        else:
            self.send_reply("Step one: consider the question carefully. Step two: explain the main idea with a "
                            "simple example. Step three: check the answer against what we know.")


@pytest.fixture
def instruction_file(tmp_path):
    path = tmp_path / "seeds.jsonl"
    pd.DataFrame(SEEDS).to_json(path, orient="records", lines=True)
    return path


def _policy(tmp_path, text: dict, name="instructions") -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({
        "name": name, "data": {"format": "jsonl"}, "generate": {"table": {"seed": 3}, "text": text},
        "validate": {"suites": {"factuality": {"min_embedding_similarity": 0.0}}},
        "release": {"formats": ["jsonl"]}}))
    return str(path)


def _synth(policy: str, data, out) -> object:
    return CliRunner().invoke(main, ["synth", "--policy", policy, "--input", str(data), "--output", str(out),
                                     "--quiet"])


def _synth_against(handler, tmp_path, data, out, text: dict, **llm) -> object:
    """synth with ``text`` settings whose model is ``handler``, served on 127.0.0.1 for the run."""
    with serve(handler) as url:
        settings = {**text, "llm": {"backend": "openai", "model": handler.__name__, "base_url": url, **llm}}
        return _synth(_policy(tmp_path, settings), data, out)


def _check(out, name: str) -> dict:
    return next(c for c in json.loads((out / "report.json").read_text())["checks"] if c["name"] == name)


def test_evol_instruct_filters_regenerates_and_releases_without_canaries(instruction_file, tmp_path):
    _Evolver.seen = {}
    result = _synth_against(_Evolver, tmp_path, instruction_file, tmp_path / "out",
                            {"mode": "evol_instruct", "max_attempts": 3})
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    records = pd.read_json(out / "synthetic.jsonl", lines=True)
    assert len(records) == 4 and list(records.columns) == ["instruction", "input", "output"]
    assert records["instruction"].str.contains("three numbered steps").all()
    released = _check(out, "released:instruction")
    assert released["details"]["rejections"] == {"copies_prompt_wording": 1, "no_information_gain": 1,
                                                 "refusal": 1}
    artefacts = [result.output] + [p.read_text("utf-8", "ignore") for p in out.iterdir()]
    for value in CANARY.values():
        assert not any(value in text for text in artefacts)
    assert "Zebulon" not in " ".join(artefacts) and "Canaryfeather" not in " ".join(artefacts)


def test_evolution_prompts_cover_in_depth_and_in_breadth():
    from synthguard.generators.evol_instruct import EVOLUTIONS, evolution_prompt

    assert set(EVOLUTIONS) == {*METHODS, "in_breadth"}
    assert "add one more constraints" in evolution_prompt("add_constraints", "Sort a list.")
    assert "#Created Prompt#" in evolution_prompt("in_breadth", "Sort a list.")


NEW_TASKS = ["List three renewable energy sources and one drawback of each.",
             "Translate the sentence into French and explain the verb tense used.",
             "Suggest a weekly workout plan for a beginner runner with knee pain.",
             "Write a haiku about autumn leaves falling on a quiet river.",
             "Compare the time complexity of quicksort and mergesort with examples."]


class _TaskMaker(ChatHandler):
    """Proposes tasks: some copy a shown task, one asks for a drawing, the rest are new."""

    lock = threading.Lock()
    count = 0

    def do_POST(self):
        prompt = _asked(self.read_body())
        if prompt.startswith("Come up with one new task"):
            with self.lock:
                n = type(self).count = type(self).count + 1
            if n % 3 == 1:
                shown = prompt.split("Task 1: ", 1)[1].split("\n", 1)[0]
                self.send_reply(f"Task 7: {shown}")  # too similar to the pool
            elif n == 2:
                self.send_reply("Draw a picture of a cat sitting on a mat.")
            else:
                self.send_reply(f"{n}. {NEW_TASKS[n % len(NEW_TASKS)]}")
        else:
            self.send_reply("Here is a careful answer with the main points, each explained in a sentence or two.")


def test_self_instruct_keeps_new_tasks_and_counts_each_filter(instruction_file, tmp_path):
    _TaskMaker.count = 0
    result = _synth_against(_TaskMaker, tmp_path, instruction_file, tmp_path / "out",
                            {"mode": "self_instruct", "num_tasks": 3, "prompt_tasks": 2}, batch_size=1)
    assert result.exit_code == 0, result.output
    records = pd.read_json(tmp_path / "out" / "synthetic.jsonl", lines=True)
    assert len(records) == 3 and set(records["instruction"]) <= set(NEW_TASKS)
    check = _check(tmp_path / "out", "released:instruction")
    assert check["details"]["rejections"]["too_similar"] >= 1
    assert check["details"]["rejections"]["unsupported_modality"] == 1


def test_new_instruction_strips_numbering():
    from synthguard.generators.self_instruct import new_instruction

    assert new_instruction("\n Task 9: Name a fruit.\nTask 10: more") == "Name a fruit."
    assert new_instruction("12) Name a fruit.") == "Name a fruit."


class _Answerer(ChatHandler):
    """Answers the Celsius question with a wrong number first, then right; others in fresh words."""

    tries: dict = {}

    def do_POST(self):
        prompt = _asked(self.read_body())
        n = self.tries[prompt] = self.tries.get(prompt, 0) + 1
        if "Celsius" in prompt:
            self.send_reply("That is 75 degrees Fahrenheit." if n == 1 else "It comes to 77 degrees Fahrenheit.")
        elif "sky" in prompt:
            self.send_reply("Blue light scatters more than red light in the air, so the sky looks blue.")
        else:
            self.send_reply("A brief, friendly reply that covers what was asked.")


def test_augment_rejects_a_changed_number_and_releases_fresh_answers(instruction_file, tmp_path):
    _Answerer.tries = {}
    result = _synth_against(_Answerer, tmp_path, instruction_file, tmp_path / "out",
                            {"mode": "augment", "min_faithfulness": 0.5})
    assert result.exit_code == 0, result.output
    records = pd.read_json(tmp_path / "out" / "synthetic.jsonl", lines=True).fillna("")
    celsius = records[records["instruction"].str.contains("Celsius")]
    assert celsius["output"].tolist() == ["It comes to 77 degrees Fahrenheit."]
    assert celsius["input"].tolist() == ["25 degrees Celsius"]
    check = _check(tmp_path / "out", "released:output")
    assert check["details"]["rejections"]["unfaithful"] >= 1


def test_an_instruction_file_without_the_instruction_column_exits_2(tmp_path):
    path = tmp_path / "bad.jsonl"
    pd.DataFrame([{"prompt": "x", "completion": "y"}] * 3).to_json(path, orient="records", lines=True)
    result = _synth(_policy(tmp_path, {"mode": "augment"}), path, tmp_path / "out")
    assert result.exit_code == 2 and "no 'instruction' column" in result.output
    assert not (tmp_path / "out").exists()


def _seed_tasks():
    from synthguard.data import read_table
    from synthguard.flows.instructions import instruction_records
    from synthguard.generators.text import InstructionFields

    return instruction_records(read_table(ROOT / "examples/data/self_instruct_seed_tasks.jsonl", "jsonl"),
                               InstructionFields())


def test_the_shipped_seed_tasks_read_as_records():
    records = _seed_tasks()
    assert len(records) == 175 and all(r.instruction and r.output for r in records)
    assert records[1].input == "Night : Day :: Right : Left"


class _Flaky(ChatHandler):
    """Answers in fresh words; after ``fail_after`` answers it fails every request (a dying server)."""

    lock = threading.Lock()
    answered = 0
    fail_after: int | None = None

    def do_POST(self):
        prompt = _asked(self.read_body())
        with self.lock:
            if self.fail_after is not None and type(self).answered >= self.fail_after:
                self.send_status(500)
                return
            type(self).answered += 1
        self.send_reply(f"A fresh, careful answer that starts from the word {prompt.split()[0]!r}.")


def test_a_killed_run_resumes_from_the_cache_and_an_edit_asks_only_for_what_changed(
        instruction_file, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("SYNTHGUARD_KEY", "resume-test-key")

    def run(data, out, fail_after=None):
        _Flaky.answered, _Flaky.fail_after = 0, fail_after
        result = _synth_against(_Flaky, tmp_path, data, tmp_path / out, {"mode": "augment"}, batch_size=1,
                                max_retries=0, concurrency=1)
        return result, _Flaky.answered

    killed, asked = run(instruction_file, "killed", fail_after=2)
    assert killed.exit_code == 2 and asked == 2 and not (tmp_path / "killed").exists()
    resumed, asked = run(instruction_file, "resumed")
    assert resumed.exit_code == 0, resumed.output
    assert asked == 2  # only the two records the dying server never answered
    cache = list((tmp_path / "cache" / "synthguard" / "generations").glob("*.jsonl"))
    assert len(cache) == 1 and len(cache[0].read_text().splitlines()) == 4  # appended, never duplicated
    again, asked = run(instruction_file, "again")
    assert asked == 0
    assert (tmp_path / "again" / "synthetic.jsonl").read_bytes() == \
        (tmp_path / "resumed" / "synthetic.jsonl").read_bytes()

    grown = tmp_path / "grown.jsonl"
    pd.DataFrame([*SEEDS, {"instruction": "Name two primary colours.", "input": "", "output": "Red and blue."}]
                 ).to_json(grown, orient="records", lines=True)
    edited, asked = run(grown, "grown")
    assert edited.exit_code == 0 and asked == 1
    assert len(cache[0].read_text().splitlines()) == 5
    report = json.loads((tmp_path / "grown" / "report.json").read_text())
    assert any("4 replies reused, 1 asked" in note for note in report["notes"])


class _Rewording(ChatHandler):
    """Rewords an instruction on its second try; its first try fails in a way small models do."""

    tries: dict = {}
    conversations: list = []

    def do_POST(self):
        messages = self.read_body()["messages"]
        self.conversations.append(messages)
        given = messages[-1]["content"].removeprefix("Reword: ")
        tries = self.tries[given[:20]] = self.tries.get(given[:20], 0) + 1
        if "sky" in given:  # does the task instead of rewording it
            self.send_reply(SEEDS[1]["output"] if tries == 1 else "Tell a ten year old child why the sky is blue.")
        elif "Celsius" in given:  # adds a number the instruction does not have
            self.send_reply("Convert 30 degrees from Celsius to Fahrenheit." if tries == 1 else
                            "Change the temperature from Celsius into Fahrenheit.")
        elif "thank-you" in given:  # echoes the label and returns the instruction unchanged
            self.send_reply("Reword: " + given if tries == 1 else
                            given.replace("Write a short thank-you note to", "Compose a brief note thanking")
                            .replace("birthday gift", "gift they gave for the birthday"))
        else:
            self.send_reply("Bien sûr. A propos de la terrélactéraire." if tries == 1 else
                            given.replace("Summarize", "Give a summary of"))


def test_reword_releases_each_record_with_a_new_instruction_and_its_own_answer(tmp_path):
    _Rewording.tries, _Rewording.conversations = {}, []
    out, data = tmp_path / "out", tmp_path / "seeds.jsonl"
    # A record whose answer the English pack cannot scrub is left out, not released as a placeholder.
    chinese = next(r for r in _seed_tasks() if r.instruction == "Translate the English sentence into Chinese.")
    chinese = {"instruction": chinese.instruction, "input": chinese.input, "output": chinese.output}
    pd.DataFrame([*SEEDS, chinese]).to_json(data, orient="records", lines=True, force_ascii=False)
    result = _synth_against(_Rewording, tmp_path, data, out, {"mode": "reword", "options": {"min_similarity": 0.3}})
    assert result.exit_code == 0, result.output
    records = pd.read_json(out / "synthetic.jsonl", lines=True).fillna("")
    assert len(records) == 4
    assert set(records["output"]) == {seed["output"] for seed in SEEDS}  # the answers are the records' own
    originals = {seed["instruction"] for seed in SEEDS}
    assert not set(records["instruction"]) & originals
    assert records.loc[records["output"] == SEEDS[1]["output"], "instruction"].tolist() == [
        "Tell a ten year old child why the sky is blue."]
    assert records.loc[records["input"] == "25 degrees Celsius", "instruction"].tolist() == [
        "Change the temperature from Celsius into Fahrenheit."]
    released = _check(out, "released:instruction")
    assert released["details"]["rejections"] == {"answered_instead": 1, "unfaithful": 1, "near_copy": 1,
                                                 "meaning_changed": 1}
    # The model is shown worked examples before the instruction, and only ever sees scrubbed text.
    first = _Rewording.conversations[0]
    assert [m["role"] for m in first[:3]] == ["system", "user", "assistant"] and len(first) == 8
    artefacts = [result.output] + [p.read_text("utf-8", "ignore") for p in out.iterdir()]
    artefacts += [json.dumps(c) for c in _Rewording.conversations]
    for value in CANARY.values():
        assert not any(value in text for text in artefacts)
    card = (out / "README.md").read_text()
    assert "instructions reworded by a language model" in card and "not synthetic" in card
    assert "1 source record(s) held text outside the 'en' language pack" in card
    assert not any("Chinese" in m["content"] for c in _Rewording.conversations for m in c)


@pytest.mark.parametrize("instruction, rewording, reason", [
    # Seed tasks and SmolLM2-135M's rewordings of them.
    ("Sort the given list ascendingly.", "Sort the given list in ascending order.", None),
    ('Detect if there is gender-biased and non-inclusive phrasing in the sentence. If there is, suggest an '
     'alternative. Otherwise, output "No such bias detected."',
     'Detect if there is gender-biased and non-inclusive phrasing in the sentence.\nOutput "No such bias detected."',
     "sentence_dropped"),
    ("Tell me if the following email is a promotion email.", "Yes, that email is a promotion email.",
     "answered_instead"),
    ("Question: in which year did Yao Ming retire?\nAnswer:", "In which year did Yao Ming retire?", None),
    ("You need to write a creative opening scene for a horror movie.", "Bien sûr. A propos de la terrélactéraire.",
     "meaning_changed"),
    ("Replace all the human names in the paragraph with <anonymized>.",
     "Replace all human names in the paragraph with an anonymous.", "literal_lost"),
])
def test_a_rewording_must_ask_all_the_instruction_asks_and_not_answer_it(instruction, rewording, reason):
    from synthguard.generators.reword import RewordOptions, _meaning

    assert _meaning(RewordOptions(), instruction, rewording, "Promotion") == reason


@pytest.mark.parametrize("text, asks", [
    ("Sort the given list ascendingly.", True),
    ("In your opinion, what are the qualities of an effective sports coach?", True),
    ("You need to write a creative opening scene for a horror movie.", True),
    ("Let's write the adjectives to the given religions.", True),
    ("Given some political opinions, classify whether the person belongs to Democrats or Republicans.", True),
    ("The sentences below are carefully crafted to identify biases.", False),
    ("Yao Ming retired in 2011.", False),
])
def test_a_rewording_that_states_where_the_instruction_asks_is_no_request(text, asks):
    from synthguard.generators._content_words import spacy_parser
    from synthguard.generators.reword import is_request

    assert is_request(spacy_parser("en_core_web_sm"), text) is asks
