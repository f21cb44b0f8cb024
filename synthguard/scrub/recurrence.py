"""A name found once in a note is PHI wherever else the note repeats it; so is a value of the row's own
identifier columns (the patient's name, phone, MRN in a notes table).

Notes name a hospital or a doctor once with a cue (``transferred to GH``, ``Dr. Tyro``) and then bare
(``at GH EW``, ``per Tyro``); the cue-based recognizers see only the first. Each word of a detected
person, hospital or place that is not an everyday word is looked for again, whole-word and case-blind,
in the same document.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from synthguard.lexicons import in_name_lists, is_common_word, is_frequent_word, is_name_like
from synthguard.scrub.guards import TRAINED

SPREAD = {"PERSON", "HOSPITAL", "LOCATION"}
WORD = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]")
SCORE = 0.85


def _spreadable(word: str) -> bool:
    if is_common_word(word):
        return False
    if word.isupper() and 2 <= len(word) <= 5:
        return not is_frequent_word(word, 3.5)  # GH, VAMC
    return len(word) >= 3 and (not is_frequent_word(word, 3.0) or is_name_like(word))


def spread_words(results: list[RecognizerResult], text: str) -> dict[str, str]:
    """The words of ``text``'s detected names and places worth looking for again, each with its entity."""
    words: dict[str, str] = {}
    for result in results:
        if result.entity_type in SPREAD:
            learnt = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY) in TRAINED
            for match in WORD.finditer(text[result.start:result.end]):
                # A learnt model's person spreads only when a name list knows the word: its mistakes are chart
                # words (rales, hugger) that a note repeats, and spreading would repeat each one.
                if _spreadable(match.group()) and not (learnt and result.entity_type == "PERSON"
                                                       and not in_name_lists(match.group())):
                    words.setdefault(match.group().casefold(), result.entity_type)
    return words


def recurrences(results: list[RecognizerResult], text: str,
                words: dict[str, str] | None = None) -> list[RecognizerResult]:
    """Results for the other whole-word occurrences of detected names in ``text``, not overlapping any result.
    ``words``: the names to look for, when they come from more than this text (the patient's other notes)."""
    words = spread_words(results, text) if words is None else words
    if not words:
        return []
    pattern = re.compile(r"(?<![A-Za-z'])(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
                         + r")(?![A-Za-z'])", re.IGNORECASE)
    taken = [(r.start, r.end) for r in results]
    added = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if any(start < b and a < end for a, b in taken):
            continue
        added.append(RecognizerResult(words[match.group().casefold()], start, end, SCORE, recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: "DocumentRecurrence",
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: "document-recurrence"}))
        taken.append((start, end))
    return added


def known_values(text: str, known: list[tuple[str, str]]) -> list[RecognizerResult]:
    """Whole-word, case-blind occurrences in ``text`` of (value, entity) pairs already known to be PHI: the
    identifier cells of the note's own row. Scored 1.0, so they win every overlap."""
    out = []
    for value, entity in known:
        value = value.strip()
        if len(value) < 3:
            continue
        pattern = re.compile(r"(?<![\w])" + r"\s+".join(map(re.escape, value.split())) + r"(?![\w])", re.IGNORECASE)
        out += [RecognizerResult(entity, m.start(), m.end(), 1.0, recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: "RowIdentifier",
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: "row-identifier"}) for m in pattern.finditer(text)]
    return out
