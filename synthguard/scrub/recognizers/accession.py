"""Accession and specimen numbers from lab, pathology and imaging reports."""

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import LabelledPatternRecognizer


@register
class AccessionNumberRecognizer(LabelledPatternRecognizer):
    ENTITY = "ACCESSION_NUMBER"
    PATTERNS = [
        ("labelled accession", r"\b(?:ACCESSION|ACC\.?|SPECIMEN|SPEC\.?|CASE|SURGICAL PATH(?:OLOGY)?)"
                               r"\s*(?:NO\.?|NUM(?:BER)?|#|ID)?\s*[:#=]?\s*"
                               r"(?P<value>(?=[A-Z0-9-]*\d)[A-Z]{0,4}-?\d{2,4}-?\d{3,8})\b", 0.85),
        ("pathology style", r"\b(?P<value>[A-Z]{1,3}\d{2}-\d{3,6})\b", 0.6),
    ]
