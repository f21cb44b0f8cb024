"""Residual PII: real identifier values that reach the synthetic release anyway.

The canaries are the real table's own identifier values (names, MRNs, phones, ...). A
released identifier column must hold none of them (surrogates never equal a real value);
released free text is scanned by the same Presidio analyzer as ``scrub``, and a detected
span equal to a real identifier value counts as a leak, as does a text copied verbatim.
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
        per_column[column] = leaked + copied
        rows_scanned[column] = len(texts)
    return {"leaks": sum(per_column.values()), "per_column": per_column,
            "entity_types": dict(entity_types), "text_rows_scanned": rows_scanned,
            "real_values_checked": len(known)}
