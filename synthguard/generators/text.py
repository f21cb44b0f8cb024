"""Text modes on top of a chat model. ``paraphrase``: each record of a text column rewritten.

The flow for one column, so that nothing unfaithful or identifying is released:
1. the real texts are scrubbed (Presidio + surrogates) before any model sees them;
2. the model rewrites each scrubbed text;
3. each rewrite is scrubbed again (a model can echo or invent identifiers);
4. a rewrite is rejected when a fact changed (tier-0 faithfulness), when it is a near copy
   of its source, when it is empty, or when a value detected as PII in the real text
   appears in it (PII replay); rejected records are generated again, up to
   ``max_attempts``, and every rejection's reason is counted.
Records still failing after the last attempt are dropped, never released as None.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from pydantic import Field

from synthguard.errors import GenerationError, opaque_errors
from synthguard.generators.llm import ChatModel, LLMSettings
from synthguard.strict import StrictModel
from synthguard.validators.factuality import faithfulness, rouge_l, tokens

PARAPHRASE_PROMPT = ("Rewrite the following clinical text in different words. Keep every fact, number, drug, "
                     "side (left/right) and negation exactly. Reply with the rewritten text only.")


class TextSettings(StrictModel):
    # augment, evol_instruct and self_instruct are not wired yet (issue 5): refused, not silently paraphrased.
    mode: Literal["paraphrase"] = Field("paraphrase", description="paraphrase: each record of a text column rewritten")
    llm: LLMSettings = Field(default_factory=LLMSettings)
    max_rows: int | None = Field(None, ge=1, description="rewrite a seeded sample of this many records")
    max_attempts: int = Field(3, ge=1, le=20, description="generations per record before it is dropped")
    min_faithfulness: float = Field(0.5, ge=0, le=1)
    max_copy_overlap: float = Field(0.95, gt=0, le=1, description="ROUGE-L to the source above this is a copy")
    extra_drugs: list[str] = Field(default_factory=list, description="drug names added to the tier-0 lexicon")


@dataclass
class TextResult:
    sources: list[str]  # the scrubbed inputs of the kept records
    texts: list[str]  # their released rewrites (scrubbed again)
    judged: list[str] = field(default_factory=list)  # the model's words as judged, before the second scrub
    rejected: Counter = field(default_factory=Counter)  # reason -> rejections, over all attempts
    dropped: int = 0  # records that failed every attempt
    model: str = ""  # backend and model that wrote the texts


def replays(text: str, values: frozenset[str]) -> bool:
    """Whether any real value appears in ``text`` as whole words ("Ross" is not in "across")."""
    folded = " ".join(text.casefold().split())
    return any(re.search(rf"(?<!\w){re.escape(value)}(?!\w)", folded) for value in values)


def _verdicts(sources: list[str], candidates: list[str], released: list[str], real_pii: list[frozenset[str]],
              settings: TextSettings) -> list[str | None]:
    """None when a rewrite may be released, else the first reason it may not.

    ``candidates`` are the model's words, judged against ``sources`` (both scrubbed once);
    ``released`` are the same rewrites scrubbed again, searched for the real PII.
    """
    scores = faithfulness(sources, candidates, settings.extra_drugs)
    verdicts: list[str | None] = []
    for source, candidate, final, score, pii in zip(sources, candidates, released, scores, real_pii, strict=True):
        if not candidate.strip():
            verdicts.append("empty")
        elif replays(final, pii):
            verdicts.append("pii_replay")
        elif score < settings.min_faithfulness:
            verdicts.append("unfaithful")
        elif rouge_l(tokens(source), tokens(candidate)) > settings.max_copy_overlap:
            verdicts.append("near_copy")
        else:
            verdicts.append(None)
    return verdicts


def paraphrase(texts: list[str], model: ChatModel, scrubber, settings: TextSettings, seed: int) -> TextResult:
    """Scrub, rewrite, scrub again and judge ``texts`` (see the module docstring)."""
    from synthguard.scrub.scrubber import real_values

    scrubbed, findings = scrubber.scrub(texts)
    real_pii = [real_values(text, found) for text, found in zip(texts, findings, strict=True)]
    pending = list(range(len(texts)))
    released: dict[int, tuple[str, str]] = {}
    rejected: Counter = Counter()
    for attempt in range(settings.max_attempts):
        if not pending:
            break
        conversations = [[{"role": "system", "content": PARAPHRASE_PROMPT},
                          {"role": "user", "content": scrubbed[i]}] for i in pending]
        raw = model.chat(conversations, seed=seed + attempt * len(texts))
        # Judged before the second scrub: it would give the source's surrogates new surrogates
        # (a phone number changes digits) and every rewrite would look unfaithful.
        rewrites, _ = scrubber.scrub(raw, avoid=[real_pii[i] for i in pending])
        verdicts = _verdicts([scrubbed[i] for i in pending], raw, rewrites, [real_pii[i] for i in pending],
                             settings)
        still = []
        for i, words, rewrite, verdict in zip(pending, raw, rewrites, verdicts, strict=True):
            if verdict is None:
                released[i] = (words, rewrite)
            else:
                rejected[verdict] += 1
                still.append(i)
        pending = still
    kept = sorted(released)
    return TextResult(sources=[scrubbed[i] for i in kept], texts=[released[i][1] for i in kept],
                      judged=[released[i][0] for i in kept],
                      rejected=rejected, dropped=len(pending), model=model.identity())


def generate_text_columns(frame: pd.DataFrame, columns: list[str], policy, seed: int, progress) -> dict:
    """{column: TextResult} for the free-text ``columns``, when the policy configures text generation."""
    settings = policy.generate.text
    if settings is None or not columns:
        return {}
    from synthguard.generators import chat_model
    from synthguard.scrub.operators import release_key
    from synthguard.scrub.scrubber import TextScrubber

    with progress.step(f"loading language model ({settings.llm.backend})"), \
            opaque_errors("loading the language model", GenerationError):
        model = chat_model(settings.llm)
    scrubber = TextScrubber(policy.scrub, release_key())
    generated = {}
    for column in columns:
        texts = frame[column].dropna().astype(str)
        texts = texts[texts.str.strip() != ""]
        if settings.max_rows is not None and len(texts) > settings.max_rows:
            texts = texts.sample(settings.max_rows, random_state=seed % 2**32)
        with progress.step(f"rewriting {len(texts)} {column!r} records with {model.identity()}"), \
                opaque_errors(f"generating text for {column!r}", GenerationError):
            generated[column] = paraphrase(list(texts), model, scrubber, settings, seed)
    return generated
