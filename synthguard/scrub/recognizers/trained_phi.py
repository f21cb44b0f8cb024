"""PHI the trained tagger (scrub/tagger.py) finds with no cue a rule knows: ``pt's friend chrissy``,
``from quartermain``, ``dr. nessenson``.

Its scores stay below the guards' CONFIRMED, so the clinical guards (drug names, ventilator settings,
scores out of ten) still judge what it finds.
"""

from __future__ import annotations

from presidio_analyzer import LocalRecognizer

from synthguard.scrub import tagger
from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._learnt import learnt_results

THRESHOLD = 0.1  # per-token probability of PHI; chosen on patient folds of the tuned notes (README)
SCORE = 0.6


@register
class TrainedPhiRecognizer(LocalRecognizer):
    SWITCH = "trained_tagger"  # scrub.trained_tagger: false leaves it out
    def __init__(self):
        super().__init__(supported_entities=sorted(set(tagger.ENTITY.values())), name=type(self).__name__,
                         supported_language="en")
        self._tagger = None

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        if self._tagger is None:  # loaded on first use: listing entities needs no model
            self._tagger = tagger.PhiTagger(tagger.MODEL, THRESHOLD)
        return learnt_results(self, self._tagger.spans(text), entities, SCORE, "tagger")
