"""Clinical false-positive guards: what looks like PHI to a generic model but is not.

Plain Presidio on nursing notes calls drug names PERSON, durations DATE_TIME and ICD
codes driver licences. Each guard below drops one such kind of result. Results found
with explicit context (a label or title, score >= CONFIRMED) are never dropped.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from synthguard.lexicons import (
    COMMON_FIRST_RANK,
    COMMON_LAST_RANK,
    census_first_names,
    census_last_names,
    in_name_lists,
    is_common_word,
    is_frequent_word,
    is_misspelt_word,
    is_name_word,
    title_case,
    us_cities,
    world_cities,
)
from synthguard.sections.languages import JAPANESE_TEXT

CONFIRMED = 0.9
# The learnt recognizers (the CRF, the encoder): they find words with no rule behind them, so the word itself
# is judged.
TRAINED = frozenset({"TrainedPhiRecognizer", "EncoderPhiRecognizer"})
NAME_LIKE = {"PERSON", "LOCATION", "HOSPITAL", "NRP", "ORGANIZATION"}
ID_LIKE = {"US_DRIVER_LICENSE", "US_PASSPORT", "US_BANK_NUMBER", "MEDICAL_LICENSE", "ACCESSION_NUMBER",
           "HEALTH_PLAN_ID", "US_ITIN", "US_NPI", "CRYPTO"}
ICD10 = re.compile(r"^[A-TV-Z]\d[0-9AB](?:\.[0-9A-TV-Z]{1,4})?$", re.IGNORECASE)
DATE_PART = re.compile(
    r"^\d{2}$|^\d{1,2}(?:ST|ND|RD|TH)$|\b18\d{2}\b|\b\d{1,4}[/-]\d{1,2}(?:[/-]\d{2,4})?\b|'\d{2}\b|\b(?:19|20)\d{2}\b|\b(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)",
    re.IGNORECASE)
MEASURE_BEFORE = re.compile(
    r"(?:\b(?:BP|B/P|SBP|DBP|HR|RR|SAT|SATS|SPO2|O2|TEMP|T|MAP|CVP|PAP|PA|PAIN|STRENGTH|GCS|RASS|CPOT|"
    r"FIO2|PEEP|PS|VT|TV|I/O|IO|UO|K|NA|CL|HCT|HGB|WBC|PLT|INR|PTT|GLUCOSE|BS|FS|FSBS|MOTOR|GRIPS?|"
    r"GRASPS?|SCORE|PUPILS|PERRLA?|PERLA?|LEVEL|RATIO|DOSE|RATE|ABG|VBG|PH|PCO2|PO2|MMHG|BALANCE|LOS|HA|HEADACHE|"
    r"RELIEF|RATED?|RATES|SCALE|BIPAP|CPAP|IPAP|EPAP|VENT|AC|SIMV|SINEMET|CARBIDOPA)\b)"
    r"[\s:=,]*(?:OF\s+|IS\s+|WAS\s+|->\s*|TO\s+|AT\s+|GIVEN\s+\w+\s+WITH\s+RELIEF\s+TO\s+)?$",
    re.IGNORECASE)
UNIT_AFTER = re.compile(
    r"^\s*(?:%|(?:MG|MCG|G|KG|ML|L|CC|UNITS?|U|MEQ|MMOL|MMHG|BPM|MIN|HRS?|L/MIN|LPM|MM|CM|TABS?|"
    r"STRENGTH|NS|DOSE|PUFFS?)\b)", re.IGNORECASE)
# Ventilator settings written like dates: PSV 10/5, IMV 800X10X5/5, trialed on 5/5, flowby 6/3.
VENT_AFTER = re.compile(r"^\s*(?:PEEP|PS|CPAP)\b", re.IGNORECASE)
VENT_BEFORE = re.compile(r"(?:\b(?:PSV?|PEEP|SIMV|IMV|CPAP|AC|A/C|VENT(?:ED)?|VENTILATION|MASK|FLOWBY|SETTINGS?|FIO2|"
                         r"BIPAP|IPAP|EPAP|NIPPV|NIV|PRVC|APRV|PCV?|TRACH\s+COLLAR|T-?PIECE|"
                         r"MODE|PS/PEEP|"
                         r"TRIALED\s+ON|WEAN(?:ING|ED)?\s+(?:DOWN\s+)?(?:TO|ON)|CHANGED?\s+(?:BACK\s+)?TO)\b|"
                         r"\d+X\d+X?)(?:[^.;\n]|\.\d){0,16}$", re.IGNORECASE)  # CPAP .5% 5/8: FiO2, then PS/PEEP
# Blood cultures counted in bottles: "gram neg rods in 2/4 bl cx", "POS blood cx 2/4". A dated culture
# ("blood cx 7/22") is still a date: only n of at most 4 bottles is taken for a count.
BOTTLES = re.compile(r"^([1-4])/([2-4])$")
CULTURE_NEAR = re.compile(r"\b(?:CX'?S?|CULTURES?|BOTTLES?|BCX)\b", re.IGNORECASE)
PAIN_BEFORE = re.compile(r"(?:\bPAIN\b|\bRAT(?:ED|ING|ES)\b|#)[^.;\n]{0,30}$", re.IGNORECASE)
OUT_OF_TEN = re.compile(r"^(?:10|[0-9])/10$")
FRACTION = re.compile(r"^(?:1/[234]|2/3|3/4)$")  # 1/2 NS, 3/4 TAB; 3/2 is a date
NOT_A_PHONE = re.compile(r"/|^(?:[01]\d|2[0-3])[0-5]\d\s*-\s*(?:[01]\d|2[0-3])[0-5]\d$")  # 7.38/42/88, 0700-1900
YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}$")  # HIPAA Safe Harbor keeps years; also 24h times (1900)
MONTH_THEN_DAY = re.compile(r"^\s+\d{1,2}\b")
MONTHS = {"jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
          "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november",
          "dec", "december"}
SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")


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
    return not any(is_name_word(t) for t in _alpha_tokens(span) if not is_common_word(t))


def trim_ner_span(result: RecognizerResult, text: str) -> RecognizerResult | None:
    """Cut everyday words off both ends of a spaCy name ("FAMILY MEETING JUNE" -> "JUNE")."""
    words = list(re.finditer(r"[A-Za-z][A-Za-z'\-]*", text[result.start:result.end]))

    def filler(word: str) -> bool:
        known = is_name_word(word) or word.casefold() in us_cities()
        return not known and (is_common_word(word) or is_frequent_word(word))

    while words and filler(words[0].group()):
        words.pop(0)
    while words and filler(words[-1].group()):
        words.pop()
    if not words:
        return None
    start, end = result.start + words[0].start(), result.start + words[-1].end()
    return RecognizerResult(result.entity_type, start, end, result.score,
                            analysis_explanation=result.analysis_explanation,
                            recognition_metadata=result.recognition_metadata)


def _ner_name_unlikely(result: RecognizerResult, text: str, caps: bool) -> bool:
    span = text[result.start:result.end]
    tokens = _alpha_tokens(span)
    if "\n" in span or (not caps and span == span.lower()):
        return True  # names do not cross lines, and mixed-case notes capitalise them
    if caps and (result.entity_type == "PERSON" and _caps_ner_person_unsupported(span)):
        return True
    if caps and len(tokens) == 1 and len(tokens[0]) <= 3:
        return True  # LWS, ICU: abbreviations read as places or people
    if len(tokens) == 1 and not is_name_word(tokens[0]):
        before = text[:result.start]
        if result.entity_type == "PERSON" and SENTENCE_START.search(before):
            return True  # "Sputum cx pending", "Urine output": capitalised by position
    # JUNE 14 is a date
    return len(tokens) == 1 and tokens[0].casefold() in MONTHS and bool(MONTH_THEN_DAY.match(text[result.end:]))


def _ner_unsupported(result: RecognizerResult, span: str) -> bool:
    """spaCy's small model on real nursing notes: its dates are vitals and ranges (MAPS 65-70, 1900-0700) and
    its places and people are mostly abbreviations, drugs and chart names (Cont, CPK, Carevue). The rules cover
    dates; a person needs a word from the name lists and a place a known city."""
    if result.entity_type == "DATE_TIME":
        return True
    tokens = [t for t in _alpha_tokens(span) if not is_common_word(t)]
    if result.entity_type == "PERSON":
        # Or two title-case words no dictionary knows: Zebulon Canaryfeather, not Foley Draining Clear.
        titled = len(tokens) >= 2 and all(title_case(t) for t in tokens)
        return not (any(in_name_lists(t) for t in tokens)
                    or (titled and sum(not is_frequent_word(t, 2.5) for t in tokens) >= 2))
    if result.entity_type == "LOCATION":
        return not any(t.casefold() in us_cities() or t.casefold() in world_cities() for t in tokens)
    return False


NUMERIC_DATE = re.compile(r"^(\d{1,2})([/-])(\d{1,2})(?:[/-](\d+))?$")
CLOCK_TIME = re.compile(r"^(?:[01]\d|2[0-3])[0-5]\d$")
CLOCK_AFTER = re.compile(r"^\s*(?:AM|PM|A\.M|P\.M)\b", re.IGNORECASE)


def _impossible_date(span: str, after: str) -> bool:
    """14/14, 31/13, 3/2/1500, 7-10am: numbers no calendar has, or a clock range. (12/93 is a month and a year.)"""
    match = NUMERIC_DATE.match(span)
    if match is None:
        return False
    a, separator, b, c = int(match.group(1)), match.group(2), int(match.group(3)), match.group(4)
    if a == 0 or a > 31 or (a > 12 and (b > 12 or b == 0)):
        return True
    if c is not None and not (len(c) == 2 or (len(c) == 4 and c[:2] in ("19", "20"))):
        return True
    return separator == "-" and c is None and CLOCK_AFTER.match(after) is not None


AGE_AFTER = re.compile(r"^\s*-?\s*(?:years?|yrs?|y)[\s-]*(?:old|o\b|/o)|^\s*(?:yo|y/o|y\.o\.)\b", re.IGNORECASE)


def _age_under_90(span: str, after: str) -> bool:
    value = span.strip()
    return value.isdigit() and int(value) < 90 and AGE_AFTER.match(after) is not None


def _tagger_word_unlikely(span: str) -> bool:
    """A word the trained tagger calls a name or place with no rule behind it: everyday words (SPOKE, informed,
    Manual) and their one-letter typos (PRESNT, PATINET) are dropped unless a name list or a city list has
    them; plurals of drugs and chart words too (percocets)."""
    tokens = _alpha_tokens(span)
    if len(tokens) != 1:
        return False
    word = tokens[0].casefold()
    first, last = census_first_names().get(word, 10**6), census_last_names().get(word, 10**6)
    if first <= COMMON_FIRST_RANK or last <= COMMON_LAST_RANK or word in us_cities() or word in world_cities():
        return False
    return (is_frequent_word(word, 3.0) or is_misspelt_word(word)
            or (word.endswith("s") and is_common_word(word[:-1])))


def keep(result: RecognizerResult, text: str, caps: bool) -> bool:
    if result.score >= CONFIRMED:
        return True
    span = text[result.start:result.end]
    entity = result.entity_type
    recognizer = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
    if entity == "DATE_TIME" and _impossible_date(span.strip(), text[result.end:result.end + 5]):
        return False
    if recognizer in TRAINED and entity in NAME_LIKE and _tagger_word_unlikely(span):
        return False
    if recognizer in TRAINED and _age_under_90(span, text[result.end:result.end + 14]):
        return False  # 59-year-old, 67 yo: an age under 90 is not PHI, whatever the model calls it
    if recognizer in TRAINED and entity == "DATE_TIME" and CLOCK_TIME.match(span.strip()):
        return False  # BY 2000: year.py tells years from 24-hour times by their context; the tagger cannot
    if recognizer == "SpacyRecognizer" and _ner_unsupported(result, span):
        return False
    if entity in NAME_LIKE and _name_like_is_common(span):
        return False  # drugs, eponyms, abbreviations, field labels, stop words
    if entity in NAME_LIKE and recognizer == "SpacyRecognizer" and _ner_name_unlikely(result, text, caps):
        return False
    if entity == "PHONE_NUMBER" and NOT_A_PHONE.search(span):
        return False  # lab triplets and shift times that libphonenumber reads as numbers
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
        if entity == "DATE_TIME" and "/" in span and (VENT_BEFORE.search(text[max(0, result.start - 40):result.start])
                                                      or VENT_AFTER.match(text[result.end:])):
            return False
        bottles = BOTTLES.match(span) if entity == "DATE_TIME" else None
        if bottles and int(bottles.group(1)) <= int(bottles.group(2)) and CULTURE_NEAR.search(
                text[max(0, result.start - 24):result.end + 16]):
            return False
        if entity == "DATE_TIME" and OUT_OF_TEN.match(span) and PAIN_BEFORE.search(
                text[max(0, result.start - 40):result.start]):
            return False  # pain 7/10
    return not (entity in ID_LIKE and len(span) < 5)  # X2, O2


def apply_guards(results: list[RecognizerResult], text: str) -> list[RecognizerResult]:
    caps = _is_caps_document(text)
    trimmed = []
    for result in results:
        recognizer = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
        if result.entity_type in NAME_LIKE and recognizer == "SpacyRecognizer":
            result = trim_ner_span(result, text)
        if result is not None:
            trimmed.append(result)
    return [r for r in trimmed if keep(r, text, caps)]


GENERIC_PLACES = {"首都", "都内", "市内", "県内", "区内", "町内", "村内", "地元", "郊外", "都心", "市街",
                  "近所", "自宅"}


def apply_japanese_guards(results: list[RecognizerResult], text: str) -> list[RecognizerResult]:
    """GiNZA's NER on Japanese text: it labels Latin-script runs (Labor Code, FIFA) and spans across a line
    break as people, single characters too, and generic place words (首都, 市内) as cities; the Japanese
    rules never produce those shapes."""
    kept = []
    for result in results:
        recognizer = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
        value = text[result.start:result.end]
        if recognizer == "SpacyRecognizer" and (not JAPANESE_TEXT.search(value) or "\n" in value
                                                 or len(value.strip()) < 2 or value in GENERIC_PLACES):
            continue
        kept.append(result)
    return kept


GUARDS = {"english": apply_guards, "japanese": apply_japanese_guards}
