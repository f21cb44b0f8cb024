"""Scrubbing one frame (or chunk) of a table: identifier columns by the policy's action, free-text columns
span by span. Shared by the in-memory, streaming and Ray paths (table.py, stream.py, engines/ray/scrub.py).

The same original always gets the same surrogate within a release (keyed HMAC), in a
cell or inside a note, so a name in the ``name`` column and in the note agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from synthguard.errors import DataError
from synthguard.policy import Policy
from synthguard.scrub.columns import ColumnPlan
from synthguard.scrub.operators import Operators
from synthguard.scrub.scrubber import Finding, TextScrubber, recognizer_of
from synthguard.scrub.surrogates import comparable
from synthguard.sections.scrub import KIND_ENTITY

TextBatcher = Callable[..., tuple[list[str], list[list[tuple]]]]  # (texts, patients, avoid, known)


@dataclass
class Scrubbed:
    """``data`` with PHI replaced; ``findings`` as dicts {row, column, start, end, entity_type, score, recognizer}."""

    data: pd.DataFrame
    findings: list[dict] = field(default_factory=list)
    plan: ColumnPlan | None = None


def local_batcher(policy: Policy, key: bytes) -> TextBatcher:
    """Scrub texts in this process; returns texts and (start, end, entity, score, recognizer) tuples."""
    scrubber = TextScrubber(policy.scrub, key)

    def run(texts: list[str], patients: list[str], avoid: frozenset[str] = frozenset(),
            known: list[list[tuple[str, str]]] | None = None, groups: list[str] | None = None):
        scrubbed, results = scrubber.scrub(texts, patients, [avoid] * len(texts), known, groups)
        return scrubbed, [[(r.start, r.end, r.entity_type, r.score, recognizer_of(r)) for r in rs]
                          for rs in results]
    return run


def text_columns_of(plan: ColumnPlan, extra: tuple[str, ...], frame: pd.DataFrame) -> list[str]:
    """The plan's text columns and the ones the user named. A named column is scrubbed span by span whatever
    the scan judged it (short notes with unique values look like identifiers to it): ``plan`` is updated."""
    missing = [c for c in extra if c not in frame.columns]
    if missing:
        raise DataError(f"--text-column names {', '.join(missing)}, which the data does not have")
    overruled = [i.column for i in plan.identifiers if i.column in extra]
    plan.identifiers = [i for i in plan.identifiers if i.column not in extra]
    plan.model = [c for c in plan.model if c not in extra]
    plan.notes.extend(f"{c}: scrubbed as free text, as named (the scan judged it an identifier)" for c in overruled)
    plan.text = list(dict.fromkeys(list(plan.text) + list(extra)))
    return list(plan.text)


PATIENT_KEY_NAMES = ("patient_id", "patientid", "subject_id", "mrn", "patient", "person_id")


def patient_key_column(policy: Policy, plan: ColumnPlan) -> str | None:
    """The column whose value picks each patient's date shift: the primary key, else a detected
    identifier named like one (patient_id, mrn, subject_id)."""
    if policy.data.primary_key and policy.data.primary_key in plan.order:
        return policy.data.primary_key
    # A policy used for its scrub settings on another file: its key may not be there; detect one instead.
    names = {i.column.casefold(): i.column for i in plan.identifiers}
    return next((names[n] for n in PATIENT_KEY_NAMES if n in names), None)


def scrub_frame(frame: pd.DataFrame, policy: Policy, plan: ColumnPlan, text_columns: list[str],
                operators: Operators, batcher: TextBatcher, row_offset: int = 0,
                real: frozenset[str] | None = None) -> Scrubbed:
    """One chunk of a table: ``row`` in findings counts from ``row_offset``.

    ``real``: the whole input's identifier values (``real_identifiers``), so that a surrogate avoids the
    same values in every chunk and the output does not depend on how the input was cut; default: this
    chunk's own."""
    out = frame.copy()
    findings: list[dict] = []
    key_column = patient_key_column(policy, plan)
    patients = frame[key_column].astype(str).tolist() if key_column else [""] * len(frame)
    # No surrogate, in a cell or a note, may be another row's real identifier: with a small name
    # list (Faker's ja_JP has a few hundred names) a draw lands on a real patient's name otherwise.
    real = real_identifiers(frame, plan) if real is None else real
    known = row_identifiers(frame, plan) if text_columns else []
    group_column = policy.scrub.group_column
    groups = frame[group_column].astype(str).tolist() if group_column else None
    for column in text_columns:
        if column in [i.column for i in plan.identifiers]:
            continue
        values = frame[column]
        present = [i for i, v in enumerate(values) if isinstance(v, str) and v.strip()]
        texts, found = batcher([values.iat[i] for i in present], [patients[i] for i in present], real,
                               [known[i] for i in present], [groups[i] for i in present] if groups else None)
        column_out = values.astype(object).copy()
        for i, text, spans in zip(present, texts, found, strict=True):
            column_out.iat[i] = text
            findings.extend(Finding(row_offset + i, column, *span).to_dict() for span in spans)
        out[column] = column_out
    for ident in plan.identifiers:
        if ident.action == "drop":
            out = out.drop(columns=[ident.column])
            continue
        if ident.kind == "row_number":
            continue  # points at no one: kept as it is
        present = frame[ident.column].notna()
        findings.extend(Finding(row_offset + i, ident.column, 0, len(str(v)), KIND_ENTITY.get(ident.kind, "ID"),
                                1.0, f"column: {ident.reason}").to_dict()
                        for i, v in enumerate(frame[ident.column]) if pd.notna(v))
        if ident.action == "surrogate":
            out[ident.column] = _surrogate_column(frame[ident.column], ident.kind, patients, operators, present, real)
    findings.sort(key=lambda f: (f["row"], f["column"], f["start"]))
    return Scrubbed(out, findings, plan)


def row_identifiers(frame: pd.DataFrame, plan: ColumnPlan) -> list[list[tuple[str, str]]]:
    """Per row, its identifier cells as (value, entity), names also word by word: a note that names its own
    patient (Julie Price, 48F, presents ...) is scrubbed by the table's knowledge, not only by the rules."""
    rows: list[list[tuple[str, str]]] = [[] for _ in range(len(frame))]
    for ident in plan.identifiers:
        entity = KIND_ENTITY.get(ident.kind, "ID")
        if ident.kind in ("date", "date_of_birth", "row_number"):
            continue  # dates in notes are found by shape and shifted per patient
        for i, value in enumerate(frame[ident.column]):
            if pd.isna(value):
                continue
            text = str(value)
            rows[i].append((text, entity))
            if ident.kind in ("name", "first_name", "last_name"):
                rows[i].extend((w, entity) for w in text.split() if len(w) >= 3 and w != text)
    return rows


def real_identifiers(frame: pd.DataFrame, plan: ColumnPlan) -> frozenset[str]:
    """Case-folded identifier values of this chunk (and the words of names), dates excepted: dates are
    shifted per patient, and a shifted date may equal another real one by chance."""
    values: set[str] = set()
    for ident in plan.identifiers:
        if ident.kind in ("date", "date_of_birth", "row_number"):
            continue
        for value in frame[ident.column].dropna():
            folded = comparable(value)
            values.add(folded)
            if ident.kind in ("name", "first_name", "last_name"):
                values.update(folded.split())
    return frozenset(values)


def _surrogate_column(values: pd.Series, kind: str, patients: list[str], operators: Operators,
                      present: pd.Series, avoid: frozenset[str] = frozenset()) -> pd.Series:
    entity = KIND_ENTITY.get(kind, "ID")
    if entity == "DATE_TIME" and pd.api.types.is_datetime64_any_dtype(values):
        shifts = pd.to_timedelta([operators.shift_days(p) for p in patients], unit="D")
        return values + shifts
    made = [operators.surrogate(entity, str(v), p, avoid) if ok else v
            for v, p, ok in zip(values, patients, present, strict=True)]
    return pd.Series(made, index=values.index, dtype=object)
