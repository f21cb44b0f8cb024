"""augment: a new response for each unique instruction (with its input) of an instruction dataset.

The new response is judged against the record's original output: it may leave facts out
but must not add or change one (numbers, dates, sides, drugs, codes; with an NLI model, no
contradiction either way), it must not be a copy, and it must not be a refusal; it then
passes the shared judge (second scrub, PII replay, memorization).
"""

from __future__ import annotations

from collections import Counter

from synthguard.generators import register_text_mode
from synthguard.generators.instructions import ModeContext, ModeResult, Record, answer, is_refusal
from synthguard.generators.text import TextResult, _verdicts


@register_text_mode("augment")
def augment(records: list[Record], ctx: ModeContext) -> ModeResult:
    unique = list({(r.instruction, r.input): r for r in records}.values())
    pending = list(range(len(unique)))
    kept: dict[int, tuple[str, str]] = {}
    rejected: Counter = Counter()
    with ctx.progress.step(f"answering {len(unique)} unique instructions", total=ctx.settings.max_attempts) as advance:
        for attempt in range(ctx.settings.max_attempts):
            if not pending:
                break
            raw = answer(ctx, [unique[i].prompt() for i in pending], ctx.seed + attempt * len(unique))
            released, reasons = ctx.judge.release(raw)
            verdicts = _verdicts([unique[i].output for i in pending], raw, ctx.settings, ctx.nli, contained=True)
            still = []
            for i, words, text, reason, verdict in zip(pending, raw, released, reasons, verdicts, strict=True):
                reason = reason or ("refusal" if is_refusal(words) else None) or verdict
                if reason is None:
                    kept[i] = (words, text)
                else:
                    rejected[reason] += 1
                    still.append(i)
            pending = still
            advance()
    order = sorted(kept)
    out = [Record(unique[i].instruction, unique[i].input, kept[i][1]) for i in order]
    result = TextResult(sources=[unique[i].output for i in order], texts=[kept[i][1] for i in order],
                        judged=[kept[i][0] for i in order], rejected=rejected, dropped=len(pending),
                        model=ctx.model.identity(), contained=True,
                        pool=[r.output for r in records])
    return ModeResult(out, {"output": result}, rejected)
