"""Which columns hold identifiers or free text, decided before anything is modelled.

SDV's own detection calls names, MRNs, zip codes and notes "categorical" and copies
their values into synthetic rows. Here a column the policy does not declare is judged
by its name, by Presidio on a sample of its values, by uniqueness, and by its length;
anything that looks like an identifier is kept away from the synthesizer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from synthguard.column_types import ColumnType, infer, parse_frame
from synthguard.policy import DataSection, Policy, ScrubSection
from synthguard.sections.languages import JAPANESE_TEXT
from synthguard.sections.scrub import ENTITY_KINDS

# (pattern on the normalised column name, surrogate kind). First match wins.
NAME_HINTS: list[tuple[str, str]] = [
    (r"(^|_)(first_?name|given_?name|forename)($|_)", "first_name"),
    (r"(^|_)(last_?name|surname|family_?name)($|_)", "last_name"),
    (r"(^|_)(full_?name|patient_?name|name)$", "name"),
    (r"e_?mail", "email"),
    (r"(^|_)(phone|telephone|tel|mobile|cell|fax)(_?(no|num|number))?($|_)", "phone"),
    (r"(^|_)(ssn|social_?security(_?number)?)($|_)", "ssn"),
    (r"(^|_)(mrn|medical_?record(_?(no|num|number))?)($|_)", "mrn"),
    (r"(^|_)(address|street|addr)($|_)", "address"),
    (r"(^|_)city($|_)", "city"),
    (r"(^|_)(zip|zipcode|zip_?code|postal_?code|postcode)($|_)", "zip"),
    (r"(^|_)(dob|birth_?date|date_?of_?birth|birthday)($|_)", "date_of_birth"),
    (r"(^|_)(ip|ip_?address)($|_)", "ip"),
    (r"(^|_)(url|website|homepage)($|_)", "url"),
    (r"(^|_)(id|uuid|guid|identifier|record_?(no|num|number)|account_?(no|num|number))$", "id"),
]

# Structured date columns (admission, discharge) are modelled like any quasi-identifier:
# synthetic dates belong to no patient. Dates of birth are caught by name.
NOT_COLUMN_ENTITIES = {"DATE_TIME", "NRP", "AGE"}
TEXT_MIN_CHARS = 40
TEXT_MIN_WORDS = 6
UNIQUE_SHARE = 0.9
# Entities that, held by many rows, are categories rather than someone's identifier: countries and cities.
CATEGORY_ENTITIES = {"LOCATION", "HOSPITAL"}
REPEATED_PLACE_SHARE = 0.5


# How a column was found to be an identifier without reading its values.
NOT_FROM_VALUES = ("policy", "column name")


@dataclass(frozen=True)
class IdentifierColumn:
    column: str
    kind: str
    action: str  # surrogate | drop
    reason: str  # how it was found; never a value

    @property
    def judged_by_values(self) -> bool:
        """Found by what its values look like, not by its name or the policy: said prominently, since a
        measurement taken for an identifier is replaced by surrogates."""
        return self.reason not in NOT_FROM_VALUES and self.kind != "row_number"


@dataclass
class ColumnPlan:
    """The fate of every input column; ``model`` columns are the only ones SDV sees."""

    order: list[str]
    model: list[str] = field(default_factory=list)
    identifiers: list[IdentifierColumn] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What each modelled column holds (settle_sdtypes): how every table is read, and the release written.
    types: dict[str, ColumnType] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "identifiers": [{**i.__dict__, "judged_by_values": i.judged_by_values} for i in self.identifiers],
            "text": self.text,
            "scan_notes": self.notes,
            "types": {c: t.to_dict() for c, t in self.types.items()},
        }

    def judged_by_values(self) -> list[IdentifierColumn]:
        return [i for i in self.identifiers if i.judged_by_values]


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()).strip("_")


def kind_from_name(column: str) -> str | None:
    name = _normalise(column)
    return next((kind for pattern, kind in NAME_HINTS if re.search(pattern, name)), None)


def kind_of(series: pd.Series, column: str) -> str | None:
    """The surrogate kind a column's name suggests, unless its values are dates: MIMIC's DOD_SSN is a date of
    death (from the Social Security file), and surrogates shaped like SSNs would change what it holds."""
    kind = kind_from_name(column)
    if kind is None or kind in ("date", "date_of_birth"):
        return kind
    strings = series.dropna().astype(str)
    dated = pd.api.types.is_datetime64_any_dtype(series) or (
        not pd.api.types.is_numeric_dtype(series) and _looks_like_dates(strings))
    return "date" if dated else kind


def _is_text(values: pd.Series) -> bool:
    if values.empty:
        return False
    # Japanese and Chinese put no spaces between words: about two characters make a word.
    words = np.maximum(values.str.split().str.len(), values.str.count(JAPANESE_TEXT.pattern) / 2)
    return values.str.len().mean() >= TEXT_MIN_CHARS and words.mean() >= TEXT_MIN_WORDS


@lru_cache(maxsize=1)
def _street_pattern() -> re.Pattern:
    # The address recognizer's suffix list (Faker's, Alley to Turnpike); Presidio's LOCATION
    # covers only the town in "12 Oak Alley, Akron". Any case here: a column is all addresses.
    from synthguard.scrub.recognizers.address import street_suffixes

    return re.compile(rf"^\s*\d{{1,6}}\s+(?:[\w.'-]+\s+){{0,4}}(?:{street_suffixes()})\b", re.IGNORECASE)


def _looks_like_addresses(values: pd.Series) -> bool:
    return not values.empty and values.str.match(_street_pattern()).mean() >= 0.5


def _looks_like_dates(values: pd.Series) -> bool:
    """Dates of a person are PHI under Safe Harbor; a policy that models them declares them."""
    if values.empty or not values.str.contains(r"\d").all():
        return False
    parsed = pd.to_datetime(values.head(500), errors="coerce", format="mixed")
    return parsed.notna().mean() >= 0.9


def _looks_unique(series: pd.Series, share: float = UNIQUE_SHARE) -> bool:
    values = series.dropna()
    return len(values) >= 20 and values.nunique() >= share * len(values)


def is_row_number(series: pd.Series) -> bool:
    """Distinct whole numbers, none missing, that run from 0 or 1 without a gap (in any order): a row number.
    It points at no one, and a surrogate of its digits' shape ("0, 0, 9, 0") would make it useless. A run that
    starts elsewhere (100000, 100001, ...) may be a hospital's own numbering, and stays an identifier."""
    if series.isna().any() or len(series) < 2:
        return False
    numbers = pd.to_numeric(series.astype(str).str.strip() if series.dtype == object else series, errors="coerce")
    if numbers.isna().any() or not np.all(numbers == np.round(numbers)) or not numbers.is_unique:
        return False
    return bool(numbers.min() in (0, 1) and numbers.max() - numbers.min() + 1 == len(numbers))


@dataclass(frozen=True)
class ColumnRules:
    """What the column scan reads of a policy, and nothing more: the declared columns and key, the scrub
    settings, and the seed its value samples are drawn with. The relational flow builds one per table."""

    data: DataSection
    scrub: ScrubSection
    seed: int = 0

    @classmethod
    def of(cls, policy: Policy) -> ColumnRules:
        return cls(policy.data, policy.scrub, policy.generate.table.seed)


def scan_values(values: list[str], settings: ScrubSection) -> tuple[str, float] | None:
    """The PII entity that covers most of the sampled values, with its share, if any."""
    from synthguard.scrub.scrubber import analyze_texts

    entities = [e for e in settings.entities if e not in NOT_COLUMN_ENTITIES]
    if not values or not entities:
        return None
    # The learnt models read running notes: a cell alone gives them no context, and the encoder called ward
    # codes such as 007 phone numbers. Values are judged by the rules, as before the models.
    scrub = settings.model_copy(update={"encoder": False, "trained_tagger": False})
    counts: Counter[str] = Counter()
    results = analyze_texts(values, scrub, threshold=scrub.column_min_score, entities=entities)
    for value, found in zip(values, results, strict=True):
        length = max(1, len(value.strip()))
        covering = {r.entity_type for r in found if (r.end - r.start) >= 0.5 * length}
        counts.update(covering)
    if not counts:
        return None
    entity, hits = counts.most_common(1)[0]
    return entity, hits / len(values)


def _sample(series: pd.Series, size: int, seed: int) -> list[str]:
    values = series.dropna().astype(str).drop_duplicates()
    if len(values) > size:
        values = values.sample(size, random_state=seed)
    return values.tolist()


def plan_columns(frame: pd.DataFrame, rules: ColumnRules) -> ColumnPlan:
    """Decide, column by column, what is modelled, surrogated, dropped or held as text."""
    scrub, declared = rules.scrub, rules.data.columns
    plan = ColumnPlan(order=list(frame.columns))
    for column in frame.columns:
        spec = declared.get(column)
        if column == rules.data.primary_key or (spec and "identifier" in spec.roles):
            kind = (spec.kind if spec else None) or kind_of(frame[column], column) or "id"
            action = (spec.action if spec else None) or scrub.identifier_action
            plan.identifiers.append(IdentifierColumn(column, kind, action, "policy"))
        elif spec and "text" in spec.roles:
            plan.text.append(column)
        elif spec or not scrub.detect_unlisted:
            plan.model.append(column)
        else:
            fate, kind, reason = _detect(frame[column], column, rules)
            if fate == "identifier":
                plan.identifiers.append(IdentifierColumn(column, kind, scrub.identifier_action, reason))
            else:
                (plan.text if fate == "text" else plan.model).append(column)
                if reason:
                    plan.notes.append(f"{column}: {reason}")
    return plan


def _detect(series: pd.Series, column: str, rules: ColumnRules) -> tuple[str, str, str]:
    """(fate, kind, reason): fate is identifier, text or model; the reason never quotes a value."""
    kind = kind_of(series, column)
    # Named like an id, or (unnamed) long enough that a measurement cannot run 1..n by chance.
    if (kind == "id" or (kind is None and len(series) >= 20)) and is_row_number(series):
        return "identifier", "row_number", "values: a row number (distinct whole numbers without a gap)"
    if kind:
        return "identifier", kind, "column name"
    if pd.api.types.is_datetime64_any_dtype(series):  # as dates written as text are, whatever the reader did
        return "identifier", "date", "values: dates"
    if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
        return "model", "", ""
    measured = infer(series)
    if measured.storage == "number":
        # A measurement with a few cells like "n/a" or "120/80" is numbers with dirty cells, never an identifier:
        # a scan of its values once took 500 blood pressures for phone numbers.
        return "model", "", (f"values: numbers, {measured.dirty} cell{'s' * (measured.dirty != 1)} that are not "
                             "read as missing" if measured.dirty else "")
    strings = series.dropna().astype(str)
    if _looks_like_addresses(strings):
        return "identifier", "address", "values: street addresses"
    if _is_text(strings):
        return "text", "", "values: free text"
    if _looks_like_dates(strings):
        return "identifier", "date", "values: dates"
    sample = _sample(series, rules.scrub.sample_size, rules.seed)
    scanned = scan_values(sample, rules.scrub)
    if scanned and scanned[1] >= rules.scrub.min_share:
        entity, share = scanned
        reason = f"values: {entity} in {share:.0%} of {len(sample)} sampled"
        # Single words a scan takes for names ("ENGL", "SPAN" in a language column of 129 admissions with five
        # values) are codes when repeated; a repeated full name (a referring doctor) stays an identifier.
        coded = entity == "PERSON" and not strings.str.contains(r"\s").any()
        if (entity in CATEGORY_ENTITIES or coded) and not _looks_unique(series, REPEATED_PLACE_SHARE):
            # Countries or cities shared by many rows are categories; the rare ones, which
            # could point at a person, are generalised before fitting.
            return "model", "", f"{reason}; repeated values, modelled as categories"
        return "identifier", ENTITY_KINDS.get(entity, "id"), reason
    if _looks_unique(series):
        return "identifier", "id", "unique values"
    return "model", "", ""


BASIC_SDTYPES = {"numerical", "categorical", "datetime", "boolean"}
# A target or protected attribute with few distinct codes is a class label, not a quantity:
# balance and fairness need its classes, and SDV would otherwise model 0/1 as a float.
MAX_CLASS_CODES = 20


def column_types(frame: pd.DataFrame, columns: list[str], rules: ColumnRules) -> dict[str, ColumnType]:
    """Each column's type from its values (and the policy's ``type`` where it gives one)."""
    declared = rules.data.columns
    return {c: infer(frame[c], declared[c].type if c in declared else None) for c in columns}


def settle_sdtypes(frame: pd.DataFrame, plan: ColumnPlan, rules: ColumnRules) -> dict[str, str]:
    """SDV's sdtype for each modelled column, read on the values as their types settle them (``plan.types``);
    a column SDV calls an id or PII joins the identifiers."""
    import warnings

    from sdv.metadata import Metadata

    types = column_types(frame, plan.model, rules)
    typed, _ = parse_frame(frame[plan.model], types)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metadata = Metadata.detect_from_dataframes({"data": typed})
    columns = metadata.tables["data"].columns
    sdtypes = {}
    labels = set(rules.data.with_role("target")) | set(rules.data.with_role("protected"))
    for column in list(plan.model):
        sdtype = {"ordinal": "categorical"}.get(columns[column]["sdtype"], columns[column]["sdtype"])
        if types[column].storage == "date" or (sdtype == "datetime" and types[column].storage == "text"):
            # Dates are dates whatever SDV guessed; a date SDV found where the values fell short of the share
            # ``infer`` asks is read as one, and its unreadable cells counted.
            types[column] = types[column] if types[column].storage == "date" else infer(frame[column], "date")
            sdtypes[column] = "datetime"
        elif sdtype == "numerical" and column in labels and typed[column].nunique() <= MAX_CLASS_CODES:
            sdtypes[column] = "categorical"
        elif sdtype in BASIC_SDTYPES:
            sdtypes[column] = sdtype
        elif column in rules.data.columns:  # declared non-identifier: the policy decides
            sdtypes[column] = "numerical" if types[column].storage == "number" else "categorical"
        else:
            plan.model.remove(column)
            kind = sdtype if sdtype in {"email", "phone_number", "ssn"} else "id"
            kind = {"phone_number": "phone"}.get(kind, kind)
            plan.identifiers.append(IdentifierColumn(
                column, kind, rules.scrub.identifier_action, f"sdv detected {sdtype}"))
    plan.types = {c: types[c] for c in plan.model}
    return sdtypes
