"""Evol-Instruct elimination filters and Self-Instruct's novelty rule, on concrete cases and real seed tasks."""

import json

import pytest

from synthguard.generators.instructions import evol_elimination_reason, self_instruct_rejection
from tests.conftest import ROOT

ORIGINAL = "List three symptoms of dehydration."
EVOLVED = "List three symptoms of dehydration in elderly patients and explain which one needs urgent care."
ANSWER = "Dry mouth, dizziness and dark urine; dizziness with confusion needs urgent care."
SEEDS = ROOT / "tests" / "data" / "self_instruct_seed_tasks.jsonl"


@pytest.mark.parametrize("evolved, response, reason", [
    (EVOLVED, ANSWER, None),
    ("List three symptoms of dehydration.", ANSWER, "no_information_gain"),
    ("Symptoms of dehydration: list three.", ANSWER, "no_information_gain"),
    ("#Rewritten Prompt#: " + EVOLVED, ANSWER, "copies_prompt_wording"),
    ("Following the given prompt, " + EVOLVED, ANSWER, "copies_prompt_wording"),
    (EVOLVED, "Sorry, I cannot help with that.", "refusal"),
    (EVOLVED, "It is, of the, and to the... !", "only_punctuation_and_stop_words"),
])
def test_wizardlm_elimination_filters(evolved, response, reason):
    assert evol_elimination_reason(ORIGINAL, evolved, response) == reason


def test_a_long_answer_that_apologises_once_is_not_a_refusal():
    long_answer = "Sorry for the detail: " + " ".join(["dehydration causes thirst and fatigue"] * 20)
    assert evol_elimination_reason(ORIGINAL, EVOLVED, long_answer) is None


def test_self_instruct_novelty_and_keyword_filters_on_the_real_seed_tasks():
    pool = [json.loads(line)["instruction"] for line in SEEDS.open()]
    assert len(pool) == 175
    copied = pool[10]
    assert self_instruct_rejection(copied, pool) == "too_similar"
    assert self_instruct_rejection(copied.rstrip(".") + " for me, please.", pool) == "too_similar"
    assert self_instruct_rejection("Draw a diagram of the heart's four chambers.", pool) == "unsupported_modality"
    assert self_instruct_rejection("Explain it.", pool) == "length"
    assert self_instruct_rejection("- explain how insulin lowers blood glucose", pool) == "starts_without_a_letter"
    assert self_instruct_rejection("Explain to a new nurse how to check a patient's capillary refill time.",
                                   pool) is None
