"""US phone, fax and pager numbers in the forms notes use; Presidio's generic one scores them 0.4."""

from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import LabelledPatternRecognizer

AREA = r"\(?[2-9]\d{2}\)?"


@register
class UsPhoneRecognizer(LabelledPatternRecognizer):
    ENTITY = "PHONE_NUMBER"
    PATTERNS = [
        ("separated", rf"(?<![\d/])(?P<value>(?:\+?1[\s.-]?)?{AREA}[\s.-]?\d{{3}}[\s.-]\d{{4}}"
                      rf"(?:\s?(?:X|EXT\.?)\s?\d{{1,5}})?)(?![\d/])", 0.8),
        ("labelled digits", r"\b(?:PHONE|TEL|TELEPHONE|CELL|MOBILE|FAX|PAGER|BEEPER|CALL|CONTACT|PH)"
                            r"\s*(?:NO\.?|NUMBER|#)?\s*[:#=]?\s*(?P<value>\d{7}|\d{10}|\d{3}-\d{4})\b", 0.8),
        ("extension", r"\b(?:(?:EXT\.?|EXTENSION)\s*|X)(?P<value>\d{1,2}-\d{4}|\d{4,5})\b", 0.8),
        # Written by hand in notes: 201/324/1423, 212- 476- 8356, 135-442-9738 (an area code no plan has).
        ("slashed", r"(?<![\d/.])(?P<value>(?:\(\d{3}\)|\d{3})/\d{3}/\d{4})(?![\d/])", 0.9),
        ("dashed", r"(?<![\d/.-])(?P<value>\d{3}-[ \t]?\d{3}-[ \t]?\d{4})(?![\d/])", 0.85),
        ("pager", r"\b(?:PAGER|PAGE|PG|BEEPER|BEEP|BPR)\s*(?:NO\.?|NUMBER)?\s*[#:]?\s*(?P<value>\d{4,7})\b", 0.85),
        # "page dr smith #34567", "call the resident at # 4-1234": a number after # a few words after the cue.
        ("pager after #", r"\b(?:PAGE[DR]?|PAGING|BEEP(?:ED|ER)?|CALL(?:ED)?|CONTACT(?:ED)?|REACH(?:ED)?)\b"
                          r"[^.\n#]{0,30}#\s*(?P<value>\d{4,7}|\d-\d{4})\b", 0.85),
    ]


@register
class InternationalPhoneRecognizer(PhoneRecognizer):
    """Presidio's libphonenumber matcher (valid numbers of many regions), scored to pass the
    0.5 threshold: a number libphonenumber validates is evidence enough in a clinical text."""

    SCORE = 0.6
    # Regions come from scrub.phone_regions: each one is another full libphonenumber pass
    # (30 regions cost 9 ms a note); numbers written with +country code are found whatever
    # the list.
    TAKES_REGIONS = True

    def __init__(self, regions: tuple[str, ...] = ("US", "GB")):
        super().__init__(supported_regions=regions, name="InternationalPhoneRecognizer")
