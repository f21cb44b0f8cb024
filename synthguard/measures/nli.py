"""Tier-1 faithfulness: a local NLI model reads source and candidate in both directions.

A faithful rewrite is entailed by its source and entails it back; a contradiction either
way rejects it. The label order comes from the model's own ``id2label`` (MNLI-style models
disagree on it), so any sequence-classification NLI checkpoint with entailment and
contradiction labels works; one without them is refused when it loads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from synthguard.errors import ModelError

BATCH = 16


@dataclass(frozen=True)
class Entailment:
    forward: float  # P(source entails candidate)
    backward: float  # P(candidate entails source)
    contradiction: bool  # contradiction is the most likely label in either direction


class NLIJudge:
    def __init__(self, source: str):
        import transformers

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        offline = os.environ.get("HF_HUB_OFFLINE") == "1" or Path(source).exists()
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=offline)
            self.model = transformers.AutoModelForSequenceClassification.from_pretrained(
                source, local_files_only=offline).eval()
        except (OSError, ValueError) as error:
            raise ModelError(f"cannot load NLI model {source!r} ({type(error).__name__}); give a local "
                             "sequence-classification NLI model folder in generate.text.nli_model") from None
        labels = {str(v).lower(): int(k) for k, v in self.model.config.id2label.items()}
        try:
            self.entail, self.contradict = labels["entailment"], labels["contradiction"]
        except KeyError:
            raise ModelError(f"NLI model {source!r} has no entailment/contradiction labels "
                             f"(id2label: {', '.join(sorted(labels))})") from None
        self.source = source

    def _probabilities(self, premises: list[str], hypotheses: list[str]):
        import torch

        out = []
        for start in range(0, len(premises), BATCH):
            inputs = self.tokenizer(premises[start:start + BATCH], hypotheses[start:start + BATCH],
                                    return_tensors="pt", padding=True, truncation=True)
            with torch.no_grad():
                out.append(self.model(**inputs).logits.softmax(-1))
        return torch.cat(out) if out else torch.empty(0, 3)

    def judge(self, sources: list[str], candidates: list[str]) -> list[Entailment]:
        forward = self._probabilities(sources, candidates)
        backward = self._probabilities(candidates, sources)
        return [Entailment(float(f[self.entail]), float(b[self.entail]),
                           int(f.argmax()) == self.contradict or int(b.argmax()) == self.contradict)
                for f, b in zip(forward, backward, strict=True)]
