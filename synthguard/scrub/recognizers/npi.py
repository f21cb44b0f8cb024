"""National Provider Identifier, Presidio's recognizer (Luhn over the 80840 prefix) with scores
raised so that a number beside "NPI" clears the default threshold (0.1 + context stays under it)."""

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import UsNpiRecognizer

from synthguard.scrub.recognizers import register


@register
class NpiRecognizer(UsNpiRecognizer):
    PATTERNS = [
        Pattern("NPI (10 digits)", r"\b[12]\d{9}\b", 0.3),
        Pattern("NPI (grouped)", r"\b[12]\d{3}[ -]\d{3}[ -]\d{3}\b", 0.4),
    ]

    def __init__(self):
        super().__init__(patterns=self.PATTERNS, name="NpiRecognizer")
