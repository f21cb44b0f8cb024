"""Residual PII: real identifier values that reach the synthetic release anyway.

The canaries are the real table's own identifier values (names, MRNs, phones, ...). A
released identifier column must hold none of them (surrogates never equal a real value);
released free text is scanned by the same Presidio analyzer as ``scrub``, and a detected
span equal to a real identifier value counts as a leak, as does a text copied verbatim.

The real notes name more people than the identifier columns do: staff, relatives, other hospitals.
Every name, place and number the scrubber finds in any source note is a canary too, and released text
is searched for those word for word (the scrubber that missed one in a rewrite would miss it again).
Only counts and entity types leave this module.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from synthguard.scrub.surrogates import comparable as _norm

# Shorter values ("M", "12") collide with ordinary text and data by chance.
MIN_VALUE_LENGTH = 4


def _known_values(real: pd.DataFrame, columns: list[str]) -> set[str]:
    known: set[str] = set()
    for column in columns:
        values = real[column].dropna().map(_norm)
        known.update(v for v in values if len(v) >= MIN_VALUE_LENGTH)
    return known


# What a note names that is not a date or an age: dates and ages repeat across patients by chance.
NOTE_CANARY_ENTITIES = frozenset({"PERSON", "LOCATION", "HOSPITAL", "STREET_ADDRESS", "PHONE_NUMBER",
                                  "EMAIL_ADDRESS", "MEDICAL_RECORD_NUMBER", "US_SSN", "HEALTH_PLAN_ID",
                                  "ACCESSION_NUMBER", "URL", "IP_ADDRESS", "US_NPI"})
MAX_NGRAM = 4


def _note_canaries(real: pd.DataFrame, text_columns: list[str], settings, max_rows: int, seed: int
                   ) -> dict[str, str]:
    """comparable value -> entity type, for what the scrubber finds in the real notes (a seeded sample of
    at most ``max_rows`` per column)."""
    from synthguard.scrub.scrubber import analyze_texts

    canaries: dict[str, str] = {}
    for column in (c for c in text_columns if c in real.columns):
        texts = real[column].dropna().astype(str)
        texts = list(texts.sample(min(len(texts), max_rows), random_state=seed))
        for text, findings in zip(texts, analyze_texts(texts, settings), strict=True):
            for finding in findings:
                value = _norm(text[finding.start:finding.end])
                if finding.entity_type in NOTE_CANARY_ENTITIES and len(value) >= MIN_VALUE_LENGTH \
                        and not _common_single_word(value):
                    canaries.setdefault(value, finding.entity_type)
    return canaries


def _common_single_word(value: str) -> bool:
    """One common name or word (WILSON, Michael) identifies nobody, and surrogates drawn from the same name
    lists hit it by chance; a rare one (Okonkwo) or a full name does."""
    from synthguard.lexicons import (
        COMMON_FIRST_RANK,
        COMMON_LAST_RANK,
        census_first_names,
        census_last_names,
        zipf,
    )

    if " " in value or not value.isalpha():
        return False
    return (census_first_names().get(value, 10**6) <= COMMON_FIRST_RANK
            or census_last_names().get(value, 10**6) <= COMMON_LAST_RANK or zipf(value) >= 3.0)


def _word_ngrams(text: str) -> set[str]:
    words = [w.strip(".,;:()[]\"'") for w in _norm(text).split()]
    return {" ".join(words[i:i + n]) for n in range(1, MAX_NGRAM + 1) for i in range(len(words) - n + 1)}


def residual_pii(real: pd.DataFrame, released: pd.DataFrame, identifier_columns: list[str],
                 text_columns: list[str], settings, max_rows: int, seed: int,
                 generated: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """{leaks, per_column, entity_types, rows_scanned} for the released identifier and text columns.

    ``generated`` holds released model-written texts per source column (synthetic_text.jsonl),
    scanned like a text column of the release.
    """
    known = _known_values(real, [c for c in identifier_columns if c in real.columns])
    per_column: dict[str, int] = {}
    for column in (c for c in identifier_columns if c in released.columns):
        per_column[column] = int(released[column].dropna().map(_norm).isin(known).sum())
    entity_types: Counter[str] = Counter()
    rows_scanned = {}
    sources = {c: released[c] for c in text_columns if c in released.columns}
    sources.update({c: pd.Series(texts, dtype="object") for c, texts in (generated or {}).items()})
    canaries = _note_canaries(real, list(sources), settings, max_rows, seed) if sources else {}
    canaries = {v: e for v, e in canaries.items() if v not in known}
    for column, values in sources.items():
        texts = values.dropna().astype(str)
        texts = texts.sample(min(len(texts), max_rows), random_state=seed)
        real_texts = set(real[column].dropna().map(_norm)) if column in real.columns else set()
        copied = int(texts.map(_norm).isin(real_texts).sum())
        leaked = 0
        if len(texts):
            from synthguard.scrub.scrubber import analyze_texts

            for text, findings in zip(texts, analyze_texts(list(texts), settings), strict=True):
                for finding in findings:
                    if _norm(text[finding.start:finding.end]) in known:
                        leaked += 1
                        entity_types[finding.entity_type] += 1
                for value in _word_ngrams(text) & canaries.keys():
                    leaked += 1
                    entity_types[canaries[value]] += 1
        per_column[column] = leaked + copied
        rows_scanned[column] = len(texts)
    return {"leaks": sum(per_column.values()), "per_column": per_column,
            "entity_types": dict(entity_types), "text_rows_scanned": rows_scanned,
            "real_values_checked": len(known), "note_values_checked": len(canaries)}
