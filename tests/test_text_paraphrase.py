"""Paraphrase mode end to end on real parts: Presidio scrubbing before and after, a real chat backend
(an OpenAI-compatible server the test starts), and the judge that rejects unfaithful or leaking rewrites."""

import pytest

from synthguard.generators import chat_model
from synthguard.generators.llm import LLMSettings
from synthguard.generators.text import TextSettings, paraphrase
from synthguard.policy import parse_policy
from synthguard.scrub.operators import release_key
from synthguard.scrub.scrubber import TextScrubber
from tests.conftest import ChatHandler, serve

NOTES = ["Mr. Zebulon Canaryfeather denies chest pain. Metoprolol 50 mg daily, left knee swelling.",
         "Pt c/o SOB and chest pain x2 days. No fever."]


class _Rewriter(ChatHandler):
    """Answers like a careless model on the first try (changes the dose, invents, echoes a name)
    and like a careful one afterwards."""

    calls: dict = {}

    def do_POST(self):
        note = self.read_body()["messages"][-1]["content"]
        key = note[:20]
        self.calls[key] = self.calls.get(key, 0) + 1
        if self.calls[key] == 1:
            reply = ("Zebulon Canaryfeather takes metoprolol 500 mg." if "Metoprolol" in note
                     else "A chest pain caused by a heart attack.")
        else:
            reply = note.replace("denies", "reports no").replace("Pt c/o", "The patient complains of")
            reply = reply.replace("No fever.", "He has no fever.") if "No fever" in reply else reply
        self.send_reply(reply)


@pytest.fixture
def rewriter():
    _Rewriter.calls = {}
    with serve(_Rewriter) as url:
        yield url


def test_unfaithful_and_leaking_rewrites_are_rejected_and_regenerated(rewriter):
    settings = TextSettings(llm=LLMSettings(backend="openai", model="careless", base_url=rewriter))
    scrubber = TextScrubber(parse_policy({"name": "t"}).scrub, release_key())
    result = paraphrase(NOTES, chat_model(settings.llm), scrubber, settings, seed=0)
    assert len(result.texts) == 2 and result.dropped == 0
    assert result.rejected["unfaithful"] == 2  # the changed dose and the invented cause
    released = " ".join(result.texts + result.sources)
    assert "Canaryfeather" not in released and "Zebulon" not in released
    assert "50 mg" in result.texts[0] and "500" not in result.texts[0]


def test_a_record_failing_every_attempt_is_dropped_not_released_empty(rewriter):
    settings = TextSettings(llm=LLMSettings(backend="openai", model="careless", base_url=rewriter), max_attempts=1)
    scrubber = TextScrubber(parse_policy({"name": "t"}).scrub, release_key())
    result = paraphrase(NOTES, chat_model(settings.llm), scrubber, settings, seed=0)
    assert result.texts == [] and result.dropped == 2
    assert sum(result.rejected.values()) == 2


def test_surrogates_in_text_never_equal_a_real_identifier_of_the_table():
    # Seen in CI: a note's surrogate name was another real patient's name from the name column.
    from synthguard.generators.text import judge_for
    from synthguard.scrub.operators import Operators

    key = b"fixed key"
    scrubber = TextScrubber(parse_policy({"name": "t"}).scrub, key)
    note = "Mark Rivera, 67M, presents with no chest pain."
    another_patient = " ".join(Operators(key).replace("PERSON", "Mark Rivera").casefold().split())
    plain, _ = judge_for(scrubber, [note], TextSettings())
    assert another_patient in plain[0].casefold()  # without the table's names, the collision happens
    (scrubbed,), judge = judge_for(scrubber, [note], TextSettings(), known=frozenset({another_patient}))
    assert another_patient not in scrubbed.casefold() and "rivera" not in scrubbed.casefold()
    assert ("Summary: " + another_patient.title() + " was seen.") in judge.replay


def test_replay_looks_for_whole_names_while_surrogates_avoid_every_name_word():
    from synthguard.generators.text import judge_for

    scrubber = TextScrubber(parse_policy({"name": "t"}).scrub, b"fixed key")
    _, judge = judge_for(scrubber, ["Mark Rivera, 67M, presents with no chest pain."], TextSettings())
    assert "Summary: Mark Rivera called back." in judge.replay
    assert "Please mark the follow-up date." not in judge.replay  # a word, not the name
    assert "mark" in judge.real_values and "rivera" in judge.real_values
