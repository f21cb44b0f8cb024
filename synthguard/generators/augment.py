"""augment: a new response for each unique instruction (with its input) of an instruction dataset.

The new response is judged against the record's original output: it may leave facts out
but must not add or change one (numbers, dates, sides, drugs, codes; with an NLI model, no
contradiction either way), it must not be a copy, and it must not be a refusal; it then
passes the shared judge (second scrub, PII replay, memorization).
"""

from __future__ import annotations

from synthguard.generators import register_text_mode
from synthguard.generators._record_quality import score_records
from synthguard.generators.instructions import (
    ANSWER_PROMPT,
    ModeContext,
    ModeResult,
    Record,
    answer,
    ask_until_kept,
    is_refusal,
)
from synthguard.generators.text import TextResult, _verdicts

PROVENANCE = ("responses written by a language model to scrubbed real instructions; each record's instruction "
              "and input are its source's own, scrubbed")


def _attempt(ctx: ModeContext, records: list[Record], indices: list[int], seed: int):
    """(index, rejection reason or None, (model words, released text, quality)) per record."""
    raw = answer(ctx, [r.prompt() for r in records], seed)
    released, reasons = ctx.judge.release(raw)
    references = [r.output for r in records]
    verdicts = _verdicts(references, raw, ctx.settings, ctx.nli, contained=True)
    scores = score_records(ctx, [r.prompt() for r in records], raw, [ANSWER_PROMPT], seed + 1)
    similar = _reference_similarity(references, raw, ctx.settings)
    for i, words, text, reason, verdict, scored, unlike in zip(indices, raw, released, reasons, verdicts, scores,
                                                               similar, strict=True):
        reason = reason or ("refusal" if is_refusal(words) else None) or verdict or scored.reason or unlike
        yield i, reason, (words, text, scored.quality)


@register_text_mode("augment")
def augment(records: list[Record], ctx: ModeContext) -> ModeResult:
    unique = list({(r.instruction, r.input): r for r in records}.values())
    kept, rejected, dropped = ask_until_kept(
        ctx, len(unique), f"answering {len(unique)} unique instructions: attempts",
        lambda chunk, seed: _attempt(ctx, [unique[i] for i in chunk], chunk, seed))
    order = sorted(kept)
    out = [Record(unique[i].instruction, unique[i].input, kept[i][1]) for i in order]
    result = TextResult(sources=[unique[i].output for i in order], texts=[kept[i][1] for i in order],
                        judged=[kept[i][0] for i in order], rejected=rejected, dropped=dropped,
                        model=ctx.model.identity(), contained=True,
                        pool=[r.output for r in records], quality=[kept[i][2] for i in order])
    return ModeResult(out, {"output": result}, rejected, provenance=PROVENANCE)


def _reference_similarity(references: list[str], answers: list[str], settings) -> list[str | None]:
    """Per answer: "unlike_reference" when its embedding is farther than the policy allows from the real answer.

    SmolLM2-135M answered "Sort [10, 2, 5, -4, 92, 101]" with "101 is not a valid integer" (cosine 0.47 to the
    real answer), "Select the oldest person" with the wrong one (0.04) and a fluent-text request with "I'm
    ready to assist you with your project." (-0.01); an answer that says what the real one says sits near it."""
    minimum = settings.min_answer_similarity
    if minimum is None or not answers:
        return [None] * len(answers)
    from synthguard.measures.embeddings import embed

    a, b = embed(references), embed(answers)
    return ["unlike_reference" if float(x @ y) < minimum else None for x, y in zip(a, b, strict=True)]
