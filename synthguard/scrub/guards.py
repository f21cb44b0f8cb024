"""Clinical false-positive guards: what looks like PHI to a generic model but is not.

Plain Presidio on nursing notes calls drug names PERSON, durations DATE_TIME and ICD
codes driver licences. Each guard below drops one such kind of result. Results found
with explicit context (a label or title, score >= CONFIRMED) are never dropped.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from synthguard.scrub.lexicons import first_names, is_common_word, last_names

CONFIRMED = 0.9
NAME_LIKE = {"PERSON", "LOCATION", "HOSPITAL", "NRP", "ORGANIZATION"}
ID_LIKE = {"US_DRIVER_LICENSE", "US_PASSPORT", "US_BANK_NUMBER", "MEDICAL_LICENSE", "ACCESSION_NUMBER",
           "HEALTH_PLAN_ID", "US_ITIN", "US_NPI", "US_DEA", "CRYPTO"}
ICD10 = re.compile(r"^[A-TV-Z]\d[0-9AB](?:\.[0-9A-TV-Z]{1,4})?$", re.IGNORECASE)
DATE_PART = re.compile(
    r"\d{1,4}[/-]\d{1,2}|'\d{2}\b|\b(?:19|20)\d{2}\b|\b(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)",
    re.IGNORECASE)
MEASURE_BEFORE = re.compile(
    r"(?:\b(?:BP|B/P|SBP|DBP|HR|RR|SAT|SATS|SPO2|O2|TEMP|T|MAP|CVP|PAP|PA|PAIN|STRENGTH|GCS|RASS|CPOT|"
    r"FIO2|PEEP|PS|VT|TV|I/O|IO|UO|K|NA|CL|HCT|HGB|WBC|PLT|INR|PTT|GLUCOSE|BS|FS|FSBS|MOTOR|GRIPS?|"
    r"GRASPS?|SCORE|PUPILS|LEVEL|RATIO|DOSE|RATE|ABG|VBG|PH|PCO2|PO2|MMHG|BALANCE|LOS)\b)"
    r"[\s:=]*(?:OF\s+|IS\s+|WAS\s+|->\s*|TO\s+)?$", re.IGNORECASE)
UNIT_AFTER = re.compile(
    r"^\s*(?:MG|MCG|G|KG|ML|L|CC|UNITS?|U|MEQ|MMOL|MMHG|%|BPM|MIN|HRS?|L/MIN|LPM|MM|CM|TABS?|"
    r"STRENGTH|NS|DOSE|PUFFS?)\b", re.IGNORECASE)
FRACTION = re.compile(r"^[1-3]/[2-4]$")


def _alpha_tokens(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'\-]*", text)


def _is_caps_document(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _name_like_is_common(span: str) -> bool:
    tokens = [t.removesuffix("'S").removesuffix("'s") for t in _alpha_tokens(span)]
    return not tokens or all(is_common_word(t) for t in tokens)


def _caps_ner_person_unsupported(span: str) -> bool:
    """In ALL-CAPS notes spaCy tags almost any capitalised run: keep it only with a known name."""
    return not any(t.casefold() in first_names() or t.casefold() in last_names()
                   for t in _alpha_tokens(span) if not is_common_word(t))


def keep(result: RecognizerResult, text: str, caps: bool) -> bool:
    if result.score >= CONFIRMED:
        return True
    span = text[result.start:result.end]
    entity = result.entity_type
    recognizer = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
    if entity in NAME_LIKE and _name_like_is_common(span):
        return False  # drugs, eponyms, abbreviations, field labels, stop words
    if entity == "PERSON" and caps and recognizer == "SpacyRecognizer" and _caps_ner_person_unsupported(span):
        return False
    if entity in ID_LIKE and ICD10.match(span):
        return False
    if entity == "DATE_TIME" and not DATE_PART.search(span):
        return False  # durations, weekdays, "TODAY", "X3 DAYS", "OVERNIGHT"
    if entity in ("DATE_TIME", "PHONE_NUMBER", "ZIP_CODE"):
        before, after = text[max(0, result.start - 24):result.start], text[result.end:result.end + 12]
        if MEASURE_BEFORE.search(before) or UNIT_AFTER.match(after):
            return False  # BP 120/80, PAIN 7/10, K 3/4 repleted, 5/10 MG
        if entity == "DATE_TIME" and FRACTION.match(span):
            return False  # 1/2 NS, 3/4 TAB
    return True


def apply_guards(results: list[RecognizerResult], text: str) -> list[RecognizerResult]:
    caps = _is_caps_document(text)
    return [r for r in results if keep(r, text, caps)]
