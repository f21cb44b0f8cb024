"""The trained PHI tagger: its shipped model, its training (reproducible, from annotated notes) and its switch."""

from pathlib import Path

import pytest

from synthguard.policy import parse_policy
from synthguard.scrub.evaluation import parse_annotated
from synthguard.scrub.guards import _impossible_date
from synthguard.scrub.scrubber import analyze_texts
from synthguard.scrub.tagger import MODEL, PhiTagger, bio_labels, tokenize
from synthguard.scrub.tagger_training import _Surrogates, altered, train

DATA = Path(__file__).parent / "data"


def found(text: str, **scrub) -> set[str]:
    settings = parse_policy({"name": "t", "scrub": scrub}).scrub
    return {text[r.start:r.end] for r in analyze_texts([text], settings)[0]}


@pytest.mark.parametrize("text, value", [
    ("pt transferred to 209 quartermain.", "quartermain"),  # a ward named with no cue a rule knows
    ("weaned per d ross. pacing wires attached", "ross"),    # "d" for doctor
])
def test_the_tagger_finds_what_no_rule_does_and_the_switch_turns_it_off(text, value):
    assert value in found(text, trained_tagger=True, encoder=False)
    assert value not in found(text, trained_tagger=False, encoder=False)


def test_the_tagger_reports_probabilities_and_a_threshold_trades_them():
    text = "case discussed with dr. pellegrino, will follow. wife at bedside."
    loose, strict = PhiTagger(MODEL, threshold=0.01).spans(text), PhiTagger(MODEL, threshold=0.9).spans(text)
    assert all(0.01 <= p <= 1 for *_, p in loose) and all(p >= 0.9 for *_, p in strict)
    assert len(strict) <= len(loose)
    assert any(text[a:b] == "pellegrino" and label == "NAME" for a, b, label, _ in strict)


def _notes() -> list[tuple[str, list[tuple[int, int, str]]]]:
    label = {"PERSON": "NAME", "DATE": "DATE", "LOCATION": "LOCATION", "HOSPITAL": "LOCATION", "PHONE": "PHONE"}
    notes = parse_annotated((DATA / "clinical_notes.txt").read_text())
    return [(text, [(s.start, s.end, label.get(s.label, "OTHER")) for s in spans]) for text, spans in notes]


def test_training_is_reproducible_and_learns_from_its_notes(tmp_path):
    notes = _notes()
    first = train(notes, tmp_path / "a.crfsuite", params={"max_iterations": 30})
    second = train(notes, tmp_path / "b.crfsuite", params={"max_iterations": 30})
    assert first.read_bytes() == second.read_bytes()
    other_seed = train(notes, tmp_path / "c.crfsuite", seed=1, params={"max_iterations": 30})
    assert other_seed.read_bytes() != first.read_bytes()  # the altered copies depend on the seed
    tagger = PhiTagger(first, threshold=0.5)
    text, spans = notes[0]
    hits = tagger.spans(text)
    names = [(a, b) for a, b, label in spans if label == "NAME"]
    assert names and all(any(a < e and s < b for s, e, _, _ in hits) for a, b in names)


def test_altered_copies_keep_every_span_on_its_new_text():
    import random

    surrogates = _Surrogates(random.Random(3))
    for text, spans in _notes():
        new_text, new_spans = altered((text, spans), surrogates)
        assert len(new_spans) == len(spans)
        for (start, end, label), (new_start, new_end, new_label) in zip(sorted(spans), new_spans, strict=True):
            old, new = text[start:end], new_text[new_start:new_end]
            assert label == new_label and new.strip()
            if label == "PHONE":  # same shape, other digits
                assert [c.isdigit() for c in old] == [c.isdigit() for c in new]
        labels = bio_labels(tokenize(new_text), new_spans)
        assert sum(label.startswith("B-") for label in labels) >= len({s for s, _, _ in new_spans}) - 1


@pytest.mark.parametrize("span, after, impossible", [
    ("14/14", "", True), ("31/13", "", True), ("3/2/1500", "", True), ("7-10", "am: ", True),
    ("12/93", "", False), ("1/78", "", False), ("9/7", " am", False), ("8/24/89", "", False),
    ("10/26/2005", "", False), ("0/5", "", True),
])
def test_numbers_no_calendar_has_are_not_dates(span, after, impossible):
    assert _impossible_date(span, after) is impossible
