"""The public API's pieces beside ``synthesize`` (pipeline.py), ``scrub`` (scrub/table.py) and ``scrub_file``
(scrub/stream.py): scrub a list of strings, validate a synthetic table made elsewhere. Each takes an optional
policy (the medical defaults otherwise). ``synthguard/__init__.py`` re-exports them all lazily.

Only what a call needs is imported: ``validate`` without a scan never loads Presidio or SDV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from synthguard.errors import DataError
from synthguard.policy import Policy, default_policy, load_policy
from synthguard.progress import Progress
from synthguard.report import Report
from synthguard.validation import validate_tables

__all__ = ["ScrubbedTexts", "scrub_texts", "validate"]


@dataclass
class ScrubbedTexts:
    """``texts`` with PHI replaced, in order; ``findings`` as dicts {index, start, end, entity_type, score,
    recognizer}: positions in the input text, never the value."""

    texts: list[str]
    findings: list[dict] = field(default_factory=list)


def _policy(policy: Policy | str | Path | None) -> Policy:
    if policy is None:
        return default_policy()
    return policy if isinstance(policy, Policy) else load_policy(policy)


def scrub_texts(texts: Sequence[str], policy: Policy | str | Path | None = None, key: bytes | None = None,
                patients: Sequence[str] | None = None) -> ScrubbedTexts:
    """Scrub a list of strings with the policy's ``scrub`` section (Presidio, the clinical recognizers and
    guards, then Faker surrogates). The same value gets the same surrogate for one ``key`` (default:
    SYNTHGUARD_KEY, else a fresh random key); ``patients`` (one per text) keeps each patient's date shift."""
    from synthguard.scrub.operators import release_key
    from synthguard.scrub.scrubber import TextScrubber, recognizer_of

    if isinstance(texts, str):
        raise DataError("scrub_texts takes a list of strings, not one string: wrap it in a list")
    texts = list(texts)
    wrong = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if wrong is not None:
        raise DataError(f"scrub_texts: item {wrong} is a {type(texts[wrong]).__name__}, not a string")
    if patients is not None and len(patients) != len(texts):
        raise DataError(f"scrub_texts: {len(patients)} patients for {len(texts)} texts; give one per text")
    settings = _policy(policy).scrub
    scrubbed, results = TextScrubber(settings, key or release_key()).scrub(
        texts, [str(p) for p in patients] if patients is not None else None)
    findings = [{"index": i, "start": r.start, "end": r.end, "entity_type": r.entity_type,
                 "score": round(r.score, 4), "recognizer": recognizer_of(r)}
                for i, found in enumerate(results) for r in found]
    return ScrubbedTexts(scrubbed, findings)


def validate(real: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame | None = None,
             policy: Policy | str | Path | None = None, *, target: str | None = None,
             protected: Sequence[str] = (), quasi_identifiers: Sequence[str] = (), sensitive: Sequence[str] = (),
             identifiers: Sequence[str] = (), text: Sequence[str] = (), scan: bool = False,
             progress: Progress | None = None) -> Report:
    """Judge a synthetic table against the real one with the policy's suites and thresholds.

    ``holdout``: real rows the generator never saw (the privacy baselines); without one, a share of ``real``
    is split off and the report says so. Roles name columns as the policy's ``data.columns`` would; the
    columns named ``identifiers`` or ``text`` are not compared. ``scan=True`` also looks for identifier
    columns nobody named (Presidio and SDV's type detection: minutes on a wide table); by default every
    other column is compared, typed by its dtype.
    """

    for name, frame in (("real", real), ("synthetic", synthetic), ("holdout", holdout)):
        if frame is not None and not isinstance(frame, pd.DataFrame):
            raise DataError(f"validate: {name} must be a pandas DataFrame, got {type(frame).__name__}")
    named = {"protected": protected, "quasi_identifier": quasi_identifiers, "sensitive": sensitive,
             "identifier": identifiers, "text": text}
    roles: dict[str, list[str]] = {}
    for role, columns in named.items():
        for column in [columns] if isinstance(columns, str) else columns:
            if column not in real.columns:
                raise DataError(f"validate: {role} column {column!r} is not in the real table")
            roles.setdefault(column, []).append(role)
    return validate_tables(real, synthetic, holdout, _policy(policy).overridden(roles=roles), target=target,
                           progress=progress, scan=scan)
