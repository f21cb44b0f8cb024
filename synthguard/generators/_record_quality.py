"""A quality score for each generated instruction record, and the reasons a record is no record at all.

The elimination filters of Evol-Instruct and Self-Instruct pass prompt-template leftovers ("#Rewritten
Prompt#: ..."), loops ("O.O.O.O.") and answers cut off at the token limit: on the shipped demo with
SmolLM2-135M they were 2 of the 2 records released, and answers offered help instead of answering. Each
record here gets:
- ``repetition``: 1 - the share of its word trigrams that occur more than once;
- ``rating``: when ``generate.text.judge_min_rating`` is set, the model of the run (any backend) rates the
  record 1-5 as an LLM judge, mapped to 0-1;
and ``quality`` is their product. A record that leaks the prompt's wording, repeats itself (over a quarter
of its trigrams), stops mid-sentence at the token limit, offers help instead of answering, or is rated under
the minimum is dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from synthguard.generators._quality import ENDINGS, MAX_REPEATED_SHARE, QualityJudge, _words
from synthguard.generators.instructions import PROMPT_WORDING

JUDGE_PROMPT = (
    "You rate instruction-tuning data. Rate how useful, correct and coherent the response is for the "
    "instruction, from 1 (useless, wrong or garbled) to 5 (excellent). Reply with one digit only.")
RATING = re.compile(r"[1-5]")
# A small model often answers with an offer instead of an answer ("Can I help you with that?").
DEFLECTION = re.compile(r"\b(can|may|shall) i (help|assist)\b|\bhow can i (help|assist)\b|\bi'?m (ready|happy|here) "
                        r"to (help|assist)\b|\blet me know (if|how)\b", re.IGNORECASE)
WORDS_PER_TOKEN = 0.75


def repeated_share(text: str) -> float:
    words = _words(text)
    trigrams = Counter(zip(words, words[1:], words[2:], strict=False))
    total = sum(trigrams.values())
    return sum(n for n in trigrams.values() if n > 1) / total if total else 0.0


def truncated(text: str, max_new_tokens: int) -> bool:
    """Ends mid-sentence after using most of the token budget (a short answer such as "Paris" is whole)."""
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] not in ENDINGS and \
        len(stripped.split()) >= 0.6 * max_new_tokens * WORDS_PER_TOKEN


@dataclass
class Scored:
    quality: float
    reason: str | None


def rate(model, pairs: list[tuple[str, str]], seed: int) -> list[int]:
    """The model's 1-5 rating of each (instruction, response); an unreadable reply rates 1."""
    replies = model.chat([[{"role": "system", "content": JUDGE_PROMPT},
                           {"role": "user", "content": f"Instruction:\n{i}\n\nResponse:\n{r}\n\nRating:"}]
                          for i, r in pairs], seed=seed)
    return [int(m.group()) if (m := RATING.search(reply)) else 1 for reply in replies]


def score_records(ctx, instructions: list[str], responses: list[str], wording: list[str], seed: int,
                  written: tuple[str, ...] = ("instruction", "response")) -> list[Scored]:
    """One score per (instruction, response): the model's words, before the second scrub. ``written``: which of
    the two the model wrote (the others are the source's own): only those are checked for leftovers and loops,
    and the last of them for a cut-off ending or an offer of help."""
    settings = ctx.settings
    judge = QualityJudge(wording)
    minimum = settings.judge_min_rating
    ratings = rate(ctx.model, list(zip(instructions, responses, strict=True)), seed) if minimum and instructions \
        else [None] * len(instructions)
    out = []
    for instruction, response, rating in zip(instructions, responses, ratings, strict=True):
        own = [{"instruction": instruction, "response": response}[part] for part in written]
        repetition = 1 - max(map(repeated_share, own))
        quality = round(repetition * ((rating - 1) / 4 if rating is not None else 1.0), 4)
        leak = any(judge.problem(text) == "prompt_leak" or PROMPT_WORDING.search(text) for text in own)
        if leak:
            reason = "prompt_leak"
        elif 1 - repetition > MAX_REPEATED_SHARE:
            reason = "repetition"
        elif truncated(own[-1], settings.llm.max_new_tokens):
            reason = "truncated"
        elif DEFLECTION.search(own[-1]):
            reason = "deflection"
        elif rating is not None and rating < minimum:
            reason = "low_rating"
        else:
            reason = None
        out.append(Scored(quality, reason))
    return out
