"""A trained PHI tagger: a linear-chain CRF (CRFsuite) over word, shape, lexicon and context features.

Rules find PHI that comes with a cue; real notes also name people and places with none, in every case
and spelling. The CRF learns those contexts from annotated notes (``scripts/train_phi_tagger.py``) and
reports, per token, the probability that it is part of PHI, so a recall-leaning threshold is one number.
CRFsuite (python-crfsuite, MIT) is a C library: tagging a note takes well under a millisecond, far less
than the spaCy tokenizer, and its model is a few megabytes with no GPU or hub download.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from synthguard.lexicons import (
    CLINICAL_ABBREVIATIONS,
    RELATIONS,
    TITLES,
    census_first_names,
    census_last_names,
    drug_names,
    in_name_lists,
    is_common_word,
    is_first_name,
    is_name_like,
    stop_words,
    us_cities,
    world_cities,
    zipf,
)

TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d+|\S")
OUTSIDE = "O"
# The tagger's labels -> synthguard entities.
ENTITY = {"NAME": "PERSON", "LOCATION": "LOCATION", "DATE": "DATE_TIME", "PHONE": "PHONE_NUMBER",
          "AGE": "AGE"}  # OTHER (the corpus's catch-all) is learnt but left to the rules
# The deid corpus's types -> the tagger's labels.
LABEL = {"HCPName": "NAME", "PTName": "NAME", "PTNameInitial": "NAME", "RelativeProxyName": "NAME",
         "Location": "LOCATION", "Date": "DATE", "DateYear": "DATE", "Phone": "PHONE", "Age": "AGE",
         "Other": "OTHER"}
CREDENTIALS = frozenset("rn md np pa do lpn cna msw lcsw rt pt ot phd".split())
MODEL = Path(__file__).with_name("models") / "phi_tagger.crfsuite"


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


def _rank_bucket(rank: int | None) -> str:
    if rank is None:
        return "none"
    for limit in (100, 500, 1500, 5000, 20000):
        if rank <= limit:
            return str(limit)
    return "rare"


@lru_cache(maxsize=200_000)
def _shape(word: str) -> str:
    shape = re.sub(r"[A-Z]", "X", re.sub(r"[a-z]", "x", re.sub(r"\d", "d", word)))
    return re.sub(r"(.)\1{2,}", r"\1\1", shape)


@lru_cache(maxsize=200_000)
def _word_features(word: str) -> tuple[str, ...]:
    """What a token says by itself, cached: notes repeat their words."""
    lower = word.casefold()
    out = [f"w={lower}", f"shape={_shape(word)}", f"suf3={lower[-3:]}", f"pre3={lower[:3]}",
           f"len={min(len(word), 10)}"]
    if word.isalpha():
        out += [f"first={_rank_bucket(census_first_names().get(lower))}",
                f"last={_rank_bucket(census_last_names().get(lower))}",
                f"zipf={int(zipf(lower))}"]
        out += [flag for flag, hit in (
            ("stop", lower in stop_words()), ("clinical", lower in CLINICAL_ABBREVIATIONS),
            ("drug", lower in drug_names()), ("city", lower in us_cities() or lower in world_cities()),
            ("title", lower in TITLES), ("relation", lower in RELATIONS), ("common", is_common_word(lower)),
            ("name_like", is_name_like(lower)), ("first_name", is_first_name(lower)),
            ("listed_name", in_name_lists(lower)), ("credential", lower in CREDENTIALS)) if hit]
    elif word.isdigit():
        value = int(word)
        kind = "month" if 1 <= value <= 12 else "day" if value <= 31 else "year" if 1900 <= value <= 2099 else "other"
        out.append(f"num={kind}")
    return tuple(out)


@lru_cache(maxsize=200_000)
def _context_word(word: str) -> str:
    return "d" * min(len(word), 4) if word.isdigit() else word.casefold()


@lru_cache(maxsize=400_000)
def _neighbour_features(word: str, offset: int) -> tuple[str, ...]:
    out = [f"w{offset:+d}={_context_word(word)}"]
    if abs(offset) == 1:
        out.append(f"shape{offset:+d}={_shape(word)}")
    if abs(offset) <= 2:
        out += [f"{offset:+d}{f}" for f in _word_features(word) if not f.startswith(("w=", "suf", "pre"))]
    return tuple(out)


def features(text: str, tokens: list[Token]) -> list[list[str]]:
    letters = [c for c in text if c.isalpha()]
    capitals = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.7
    words = [t.text for t in tokens]
    out = []
    for i, token in enumerate(tokens):
        row = ["bias", *_word_features(token.text), "caps_note" if capitals else "mixed_note"]
        if not capitals and token.text[:1].isupper():
            row.append("capitalised")
        if i == 0 or "\n" in text[tokens[i - 1].end:token.start]:
            row.append("line_start")
        if i and tokens[i - 1].end == token.start:
            row.append("no_space_before")
        for offset in (-3, -2, -1, 1, 2, 3):
            j = i + offset
            if 0 <= j < len(tokens):
                row += _neighbour_features(words[j], offset)
            else:
                row.append(f"w{offset:+d}=<edge>")
        before = [w.casefold() for w in words[max(0, i - 3):i]]
        if any(w in TITLES or w in RELATIONS for w in before):
            row.append("cue_before")
        if any(w.casefold() in CREDENTIALS for w in words[i + 1:i + 3]):
            row.append("credential_after")
        if i:
            row.append(f"w-1|w={_context_word(words[i - 1])}|{token.text.casefold()}")
        out.append(row)
    return out


def bio_labels(tokens: list[Token], spans: list[tuple[int, int, str]]) -> list[str]:
    """BIO labels for training: a token is in a span when it overlaps it."""
    labels = [OUTSIDE] * len(tokens)
    for start, end, label in spans:
        inside = [i for i, t in enumerate(tokens) if t.start < end and start < t.end]
        for k, i in enumerate(inside):
            labels[i] = f"{'B' if k == 0 else 'I'}-{label}"
    return labels


class PhiTagger:
    """Loads a trained model; ``spans`` returns (start, end, label, probability) for each PHI run."""

    def __init__(self, model: str | Path = MODEL, threshold: float = 0.5):
        import pycrfsuite

        self.threshold = threshold
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model))
        self._labels = [label for label in self._tagger.labels() if label != OUTSIDE]

    def spans(self, text: str) -> list[tuple[int, int, str, float]]:
        tokens = tokenize(text)
        if not tokens:
            return []
        self._tagger.set(features(text, tokens))
        found: list[tuple[int, int, str, float]] = []
        previous = -1
        for i, token in enumerate(tokens):
            phi = 1.0 - self._tagger.marginal(OUTSIDE, i)
            if phi < self.threshold:
                continue
            best = max(self._labels, key=lambda label: self._tagger.marginal(label, i))
            kind = best[2:]
            if found and previous == i - 1 and found[-1][2] == kind and not best.startswith("B-"):
                start, _, _, p = found[-1]
                found[-1] = (start, token.end, kind, max(p, phi))
            else:
                found.append((token.start, token.end, kind, phi))
            previous = i
        return found
