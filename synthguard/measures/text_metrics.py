"""Faithfulness of generated text to its source: do the facts a clinician acts on survive?

A leaf module: the text generators filter with it and the factuality suite reports with it, and neither
imports the other.

Tier 0, always on and model-free: numbers (with their units), dates, negation, laterality,
drug names and ICD-10 codes are pulled out of source and candidate and must agree.
Embedding similarity cannot stand in for this: "metoprolol 50 mg" and "metoprolol 500 mg"
embed almost identically. A candidate with no conflict scores in [0.5, 1] by how much of the
source's word order it keeps (ROUGE-L F1 over tokens); a conflict caps it below 0.5, so
``faithfulness(...) >= 0.5`` reads "no fact changed".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
UNITS = {
    "mg": "mg", "milligram": "mg", "milligrams": "mg", "g": "g", "gram": "g", "grams": "g", "mcg": "mcg",
    "ug": "mcg", "microgram": "mcg", "micrograms": "mcg", "kg": "kg", "ml": "ml", "milliliter": "ml",
    "milliliters": "ml", "l": "l", "liter": "l", "liters": "l", "units": "units", "unit": "units", "iu": "units",
    "%": "%", "percent": "%", "mmhg": "mmhg", "bpm": "bpm", "mmol": "mmol", "meq": "meq", "cm": "cm", "mm": "mm",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h", "d": "d", "day": "d", "days": "d", "wk": "wk",
    "week": "wk", "weeks": "wk", "mo": "mo", "month": "mo", "months": "mo", "y": "y", "yr": "y", "yrs": "y",
    "year": "y", "years": "y", "x": "x", "times": "x", "min": "min", "minutes": "min",
}
NEGATIONS = {"no", "not", "never", "without", "denies", "denied", "deny", "negative", "none", "neither", "nor",
             "absent", "cannot", "unable"}
LATERALITY = {"left": "left", "right": "right", "l": "left", "r": "right", "bilateral": "bilateral",
              "bilaterally": "bilateral", "lt": "left", "rt": "right"}
ICD10 = re.compile(r"\b[A-TV-Z][0-9][0-9AB](?:\.[0-9A-TV-Z]{1,4})?\b")
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b")
# Identifiers are the scrubber's business and are replaced by surrogates; their digits are
# not clinical facts (a rewrite that drops a call-back number has changed no finding).
PHONE = re.compile(r"\(?\b\d{3}\)?[-. ]?\d{3}[-. ]\d{4}\b|\+\d[\d -]{7,}\d")
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]+(?:'[a-z]+)?|%")
# Drug lexicon entries that are everyday words ("iron", "water") would turn paraphrases into conflicts.
EVERYDAY_ZIPF = 4.0


@cache
def _drugs() -> frozenset[str]:
    from wordfreq import zipf_frequency

    from synthguard.lexicons import drug_names, stop_words

    return frozenset(d for d in drug_names()
                     if d not in stop_words() and zipf_frequency(d, "en") < EVERYDAY_ZIPF)


@dataclass
class Facts:
    numbers: Counter = field(default_factory=Counter)
    dates: Counter = field(default_factory=Counter)
    negations: int = 0
    sides: Counter = field(default_factory=Counter)
    drugs: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)


def tokens(text: str) -> list[str]:
    return [t.lower() for t in TOKEN.findall(text.replace("n't", " not"))]


def extract(text: str, extra_drugs: frozenset[str] = frozenset()) -> Facts:
    facts = Facts(dates=Counter(DATE.findall(text)), codes=Counter(ICD10.findall(text)))
    without_dates = DATE.sub(" ", ICD10.sub(" ", PHONE.sub(" ", text)))
    words = tokens(without_dates)
    drugs = _drugs() | extra_drugs
    for i, word in enumerate(words):
        value = NUMBER_WORDS.get(word, word.replace(",", "") if word[0].isdigit() else None)
        if value is not None:
            unit = UNITS.get(words[i + 1], "") if i + 1 < len(words) else ""
            facts.numbers[(value.rstrip("0").rstrip(".") if "." in value else value, unit)] += 1
        elif word in NEGATIONS:
            facts.negations += 1
        elif word in LATERALITY and (len(word) > 2 or not text.isupper()):
            facts.sides[LATERALITY[word]] += 1
        elif word in drugs:
            facts.drugs[word] += 1
    return facts


def conflicts(source: str, candidate: str, extra_drugs: frozenset[str] = frozenset(),
              contained: bool = False) -> list[str]:
    """The kinds of fact that differ: numbers, dates, negation, laterality, drugs, codes.

    ``contained``: the candidate is a fresh answer, not a restatement (augment); it may leave
    facts out, so only facts it adds or changes count, and negation is not compared.
    """
    a, b = extract(source, extra_drugs), extract(candidate, extra_drugs)

    def differ(x, y) -> bool:
        return not set(y) <= set(x) if contained else set(x) != set(y)

    found = []
    # A paraphrase may drop a unit or restate a number once more; a changed value is a conflict.
    if differ({v for v, _ in a.numbers}, {v for v, _ in b.numbers}):
        found.append("numbers")
    if differ(a.dates, b.dates):
        found.append("dates")
    # Strict on purpose: merging "no fever, no chills" into "no fever or chills" is flagged too,
    # and a flipped finding is the costlier miss.
    if not contained and a.negations != b.negations:
        found.append("negation")
    if differ(a.sides, b.sides):
        found.append("laterality")
    if differ(a.drugs, b.drugs):
        found.append("drugs")
    if differ(a.codes, b.codes):
        found.append("codes")
    return found


def rouge_l(a: list[str], b: list[str]) -> float:
    """ROUGE-L F1 over tokens (longest common subsequence)."""
    if not a or not b:
        return 0.0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    lcs = previous[-1]
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(b), lcs / len(a)
    return 2 * precision * recall / (precision + recall)


def faithfulness(sources: Iterable[str], candidates: Iterable[str],
                 extra_drugs: Iterable[str] = (), nli=None, contained: bool = False) -> list[float]:
    """One score in [0, 1] per (source, candidate); below 0.5 means a fact changed.

    With ``nli`` (validators/_nli.NLIJudge, tier 1) a contradiction either way also scores
    below 0.5, and a candidate without conflicts scores 0.5 + 0.5 x the weaker entailment
    probability of the two directions instead of its word overlap. ``contained``: see ``conflicts``.
    """
    sources, candidates = list(sources), list(candidates)
    extra = frozenset(d.lower() for d in extra_drugs)
    entailments = nli.judge(sources, candidates) if nli is not None and sources else [None] * len(sources)
    scores = []
    for source, candidate, entailment in zip(sources, candidates, entailments, strict=True):
        overlap = rouge_l(tokens(source), tokens(candidate))
        found = conflicts(source, candidate, extra, contained)
        if entailment is not None and entailment.contradiction:
            found.append("contradiction")
        if found:
            scores.append(0.49 * overlap / len(found))
        elif entailment is not None:
            scores.append(0.5 + 0.5 * min(entailment.forward, entailment.backward))
        else:
            scores.append(0.5 + 0.5 * overlap)
    return scores
