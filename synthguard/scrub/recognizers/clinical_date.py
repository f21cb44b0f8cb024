"""Dates as clinicians write them: 7/22, 7/22/92, JULY 22, 22-JUL, '92, 2019-07-22.

Times, weekdays and durations are not dates of a person and are left alone.
"""

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import LabelledPatternRecognizer

MONTH = (r"(?:JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?"
         r"|SEP(?:T(?:EMBER)?)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?)\.?")
DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:ST|ND|RD|TH)?"
NUM_MONTH = r"(?:0?[1-9]|1[0-2])"
NUM_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
YEAR = r"(?:19\d{2}|20\d{2})"
NO_NUMBER_BEFORE = r"(?<![\d/:])(?<!\d[.-])"  # "Quartermain.8/31" and "LA-10/3" are dates; "7.8/31" is not
NO_NUMBER_AFTER = r"(?![\d/]|[.:]\d)"
TWO_DIGIT_YEAR = r"(?:3[2-9]|[4-9]\d|0\d)"  # a month then 32..99 or 0x cannot be a day: 12/93, 8/87, 4/05


@register
class ClinicalDateRecognizer(LabelledPatternRecognizer):
    ENTITY = "DATE_TIME"
    PATTERNS = [
        ("m/d/y", rf"{NO_NUMBER_BEFORE}(?P<value>{NUM_MONTH}[/-]{NUM_DAY}[/-](?:(?:18|19|20)\d{{2}}|\d{{2}}))"
                  rf"{NO_NUMBER_AFTER}",
         0.85),
        ("m/yyyy", rf"{NO_NUMBER_BEFORE}(?P<value>{NUM_MONTH}/{YEAR}){NO_NUMBER_AFTER}", 0.8),
        # Above spaCy's 0.72, or Presidio folds the date into spaCy's longer "4/13 0446", which the guards drop.
        ("m/d", rf"{NO_NUMBER_BEFORE}(?P<value>{NUM_MONTH}/{NUM_DAY}){NO_NUMBER_AFTER}", 0.74),
        ("m/yy", rf"{NO_NUMBER_BEFORE}(?P<value>{NUM_MONTH}/{TWO_DIGIT_YEAR}){NO_NUMBER_AFTER}", 0.74),
        # Not THE 1ST/2ND (attempt, step bed, day of admission): those are counts.
        ("the nth", r"\b(?:THE|ON)\s+(?P<value>(?:[4-9]|1\d|2[04-9]|30)TH|2[123](?:ST|ND|RD)|31ST)\b"
                    r"(?!\s+(?:DAY|TIME|STEP|HOUR|DOSE|ATTEMPT|TRY|WAKE))", 0.74),
        ("iso", rf"{NO_NUMBER_BEFORE}(?P<value>{YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])){NO_NUMBER_AFTER}",
         0.9),
        ("month day year", rf"\b(?P<value>{MONTH}\s+{DAY}(?:,?\s+{YEAR})?)\b", 0.8),
        ("day month year", rf"\b(?P<value>{DAY}\s+(?:OF\s+)?{MONTH}(?:,?\s+{YEAR})?)(?![A-Z])", 0.8),
        ("d-mon-y", rf"\b(?P<value>{NUM_DAY}-{MONTH}(?:-(?:\d{{4}}|\d{{2}}))?)(?![A-Z])", 0.85),
        ("month year", rf"\b(?P<value>{MONTH}\s+{YEAR})\b", 0.75),
        ("'yy", r"(?<![\dA-Z])'(?P<value>\d{2})\b", 0.74),
    ]
