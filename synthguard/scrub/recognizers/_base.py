"""Shared shapes for recognizers whose evidence is a label or a neighbouring word."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult

# A word as nursing notes write it: letters with inner apostrophes or hyphens (O'NEIL, ANNE-MARIE).
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")


class LabelledPatternRecognizer(LocalRecognizer):
    """Regexes with a ``value`` group: the label ("MRN:", "NPI") is evidence, only the value is PHI.

    Subclasses set ENTITY and PATTERNS [(name, regex, score)]; ``valid`` is the checksum hook.
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[list[tuple[str, str, float]]]
    FLAGS: ClassVar[int] = re.IGNORECASE
    LANGUAGE: ClassVar[str] = "en"  # the language pack that runs it (sections/languages.py)

    def __init__(self):
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__,
                         supported_language=self.LANGUAGE)
        self._compiled = [(name, re.compile(rx, self.FLAGS), score) for name, rx, score in self.PATTERNS]

    def load(self) -> None:
        pass

    def valid(self, value: str) -> bool:
        return True

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for name, regex, score in self._compiled:
            for match in regex.finditer(text):
                start, end = match.span("value")
                if start < end and self.valid(match.group("value")):
                    results.append(self.result(start, end, score, name))
        return results

    def result(self, start: int, end: int, score: float, pattern: str) -> RecognizerResult:
        explanation = AnalysisExplanation(recognizer=self.name, original_score=score,
                                          pattern_name=pattern)
        return RecognizerResult(self.ENTITY, start, end, score, analysis_explanation=explanation,
                                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})

