"""Span-level recall and precision of the scrubber on annotated notes.

Annotated text marks PHI inline as ``[[TYPE|text]]``; notes are separated by a line
holding only ``---``; lines starting with ``#`` before the first note are comments.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

MARK = re.compile(r"\[\[([A-Z_]+)\|(.+?)\]\]")

# synthguard entity -> the coarse category annotators use
CATEGORY = {
    "PERSON": "PERSON", "DATE_TIME": "DATE", "AGE": "AGE", "PHONE_NUMBER": "PHONE",
    "HOSPITAL": "HOSPITAL", "LOCATION": "LOCATION", "STREET_ADDRESS": "LOCATION", "ZIP_CODE": "LOCATION",
    "EMAIL_ADDRESS": "EMAIL", "URL": "URL", "IP_ADDRESS": "ID",
}


def category(entity: str) -> str:
    return CATEGORY.get(entity, "ID")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


def parse_annotated(raw: str) -> list[tuple[str, list[Span]]]:
    body = "\n".join(line for line in raw.splitlines() if not line.startswith("#"))
    notes = []
    for block in re.split(r"^---$", body, flags=re.MULTILINE):
        block = block.strip("\n")
        if not block.strip():
            continue
        text, spans, last = [], [], 0
        length = 0
        for match in MARK.finditer(block):
            before = block[last:match.start()]
            text.append(before)
            length += len(before)
            spans.append(Span(length, length + len(match.group(2)), match.group(1)))
            text.append(match.group(2))
            length += len(match.group(2))
            last = match.end()
        text.append(block[last:])
        notes.append(("".join(text), spans))
    return notes


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def score(gold: list[list[Span]], predicted: list[list[Span]], typed: bool = True,
          ignore: frozenset[str] = frozenset()) -> dict[str, dict]:
    """Per category (and ``ALL``): recall over gold spans, precision over predicted spans.

    Gold spans whose label is in ``ignore`` (not PHI: job titles, organisations) are not
    counted, and neither is a prediction that overlaps one.
    """
    tally: dict[str, dict[str, int]] = defaultdict(lambda: {"gold": 0, "found": 0, "predicted": 0, "correct": 0})
    for all_gold, all_pred in zip(gold, predicted, strict=True):
        ignored = [g for g in all_gold if g.label in ignore]
        gold_spans = [g for g in all_gold if g.label not in ignore]
        pred_spans = [p for p in all_pred if p.label not in ignore
                      and not any(_overlaps(g, p) for g in ignored)]
        for g in gold_spans:
            hit = any(_overlaps(g, p) and (not typed or p.label == g.label) for p in pred_spans)
            for key in (g.label, "ALL"):
                tally[key]["gold"] += 1
                tally[key]["found"] += hit
        for p in pred_spans:
            ok = any(_overlaps(g, p) and (not typed or p.label == g.label) for g in gold_spans)
            for key in (p.label, "ALL"):
                tally[key]["predicted"] += 1
                tally[key]["correct"] += ok
    out = {}
    for key, t in tally.items():
        out[key] = {**t, "recall": t["found"] / t["gold"] if t["gold"] else None,
                    "precision": t["correct"] / t["predicted"] if t["predicted"] else None}
    return out


# PhysioNet deid gold standard (real nursing notes, surrogate PHI placed by the corpus authors), one
# note a JSON line: patient, note, text, spans[{start, end, type}]. Every type it marks is PHI.
DEID_TYPES = ("HCPName", "PTName", "PTNameInitial", "RelativeProxyName", "Location", "Date", "DateYear",
              "Phone", "Age", "Other")
FOLDS = 5
# Folds whose notes were read while writing rules; the others are only ever scored.
TUNED_FOLDS = frozenset({0, 1, 2, 4})


def patient_fold(patient: int | str) -> int:
    """The fold of a patient: every note of one patient falls in one fold. The development half holds
    even patient ids only, so the id is halved first."""
    return (int(patient) // 2) % FOLDS


def load_deid(path, folds: frozenset[int] | None = None) -> list[tuple[str, list[Span], int]]:
    """(text, gold spans, patient) for each note of the deid corpus, keeping only ``folds`` when given."""
    import json
    from pathlib import Path

    notes = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        if folds is not None and patient_fold(record["patient"]) not in folds:
            continue
        spans = [Span(s["start"], s["end"], s["type"]) for s in record["spans"]]
        notes.append((record["text"], spans, int(record["patient"])))
    return notes
