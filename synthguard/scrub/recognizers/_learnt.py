"""Results of the learnt recognizers (the CRF, the encoder): one shape for both, so the guards and the
findings treat them alike."""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, RecognizerResult

from synthguard.scrub.tagger import ENTITY


def learnt_results(recognizer, spans, entities, score: float, source: str) -> list[RecognizerResult]:
    """A result for each (start, end, label, probability) whose label maps to a requested entity."""
    out = []
    for start, end, label, probability in spans:
        entity = ENTITY.get(label)
        if entity not in entities:
            continue
        explanation = AnalysisExplanation(recognizer=recognizer.name, original_score=score,
                                          pattern_name=f"{source} {label.lower()} p={probability:.2f}")
        out.append(RecognizerResult(entity, start, end, score, analysis_explanation=explanation,
                                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
                                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id}))
    return out
