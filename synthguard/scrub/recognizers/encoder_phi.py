"""PHI the fine-tuned encoder (scrub/encoder.py) finds from a note's wider context: a hospital named with no
movement cue, a relative's first name in lower case, a date in a past-history list.

Like the CRF's, its scores stay below the guards' CONFIRMED, so the clinical guards (drugs, ventilator
settings, scores out of ten) judge what it finds. The scrubber hands it a whole batch of notes first
(``prepare``), because the network runs far faster on length-sorted batches than note by note.
"""

from __future__ import annotations

from presidio_analyzer import LocalRecognizer

from synthguard.errors import ScrubSetupError
from synthguard.scrub import encoder
from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._learnt import learnt_results
from synthguard.scrub.tagger import ENTITY

# Probability of PHI for a word: the lowest at which the encoder alone found PHI at precision >= 0.75 on fold 4,
# trained on folds 0-2 (0.1: 0.86 recall at 0.62 precision; 0.3: 0.82 at 0.78; 0.5: 0.78 at 0.85).
THRESHOLD = 0.3
SCORE = 0.6
CHUNK = 32  # notes a call to the network: one batch of windows, sorted by length inside it
# The CRF's labels and entities (tagger.ENTITY): OTHER, the corpus's catch-all ids, is learnt but left to the rules.


@register
class EncoderPhiRecognizer(LocalRecognizer):
    SWITCH = "encoder"  # scrub.encoder: false leaves it out
    ENTITIES = sorted(set(ENTITY.values()))
    # One network and one batch in flight a process, shared by every analyzer built in it.
    _encoder: encoder.PhiEncoder | None = None
    _prepared: dict = {}

    def __init__(self):
        super().__init__(supported_entities=self.ENTITIES, name=type(self).__name__, supported_language="en")

    def load(self) -> None:
        pass

    @classmethod
    def _model(cls) -> encoder.PhiEncoder:
        if cls._encoder is None:  # loaded on first use: listing entities needs no model
            cls._encoder = encoder.PhiEncoder(encoder.MODEL_DIR, THRESHOLD)
        return cls._encoder

    @classmethod
    def prepare(cls, texts: list[str]) -> None:
        """Starts tagging a batch on a thread of its own; ``analyze`` then waits for its text's share.

        The scrubber calls it before it loads spaCy and the rules' word lists, and ONNX Runtime lets go of the
        GIL, so on two cores the encoder runs beside all of that instead of after it. Chunks go in text order,
        so the first notes are ready first."""
        from concurrent.futures import ThreadPoolExecutor

        if not encoder.available(encoder.MODEL_DIR):
            raise ScrubSetupError(f"the PHI encoder's model is missing from {encoder.MODEL_DIR}; rebuild it with "
                                  "python -m synthguard.scrub.encoder_training, or set scrub.encoder: false")
        unique = list(dict.fromkeys(t for t in texts if t.strip()))
        cls._prepared = {}
        pool = ThreadPoolExecutor(1, thread_name_prefix="phi-encoder")
        for first in range(0, len(unique), CHUNK):
            chunk = unique[first:first + CHUNK]
            future = pool.submit(lambda part: cls._model().spans(part), chunk)
            cls._prepared.update((text, (future, k)) for k, text in enumerate(chunk))
        pool.shutdown(wait=False)  # the queued chunks still run; nothing waits here

    def analyze(self, text, entities, nlp_artifacts=None):
        pending = self._prepared.get(text)
        spans = pending[0].result()[pending[1]] if pending else self._model().spans([text])[0]
        return learnt_results(self, spans, entities, SCORE, "encoder")
