"""Ages over 89, which HIPAA Safe Harbor counts as identifiers (younger ages are not)."""

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import LabelledPatternRecognizer

OLD = r"(?P<value>(?:9\d|1[0-2]\d)(?:\.\d)?)"


@register
class AgeOver89Recognizer(LabelledPatternRecognizer):
    ENTITY = "AGE"
    PATTERNS = [
        ("age then unit", rf"\b{OLD}\s*(?:-\s*)?(?:Y/?O\b|YO\b|YRS?\b|YEARS?\b|YEAR-OLD\b|Y\.O\.)", 0.9),
        ("age label", rf"\bAGE[D]?\s*(?:OF\s*)?[:=]?\s*{OLD}\b", 0.9),
        # Whole years only: 102.2F is a temperature.
        ("age then sex", r"(?<![\d.])\b(?P<value>9\d|1[0-2]\d)\s?(?:M|F|YOM|YOF|YOW)\b", 0.85),
    ]
