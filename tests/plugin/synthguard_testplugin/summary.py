"""A text mode for a table's text column: one line per synthetic row naming the options' columns, no model."""

from __future__ import annotations

from collections import Counter

from pydantic import Field

from synthguard.generators import TextMode
from synthguard.generators.text import TextResult, judge_for
from synthguard.strict import StrictModel


class SummaryOptions(StrictModel):
    columns: list[str] = Field(min_length=1)
    separator: str = "; "


def row_summary(real_texts, synthetic, model, scrubber, settings, seed, nli=None, known=frozenset(), real=None,
                least=3):
    options = settings.mode_options()
    rows = synthetic.head(settings.max_rows or len(synthetic))
    drafts = [options.separator.join(f"{c} {row[c]}" for c in options.columns) for _, row in rows.iterrows()]
    scrubbed, judge = judge_for(scrubber, real_texts, settings, known)  # the second scrub and the replay check
    notes, reasons = judge.release(drafts)
    kept = [i for i, reason in enumerate(reasons) if reason is None]
    return TextResult(sources=[drafts[i] for i in kept], texts=[notes[i] for i in kept],
                      judged=[drafts[i] for i in kept], rejected=Counter(r for r in reasons if r),
                      dropped=len(drafts) - len(kept), model="row_summary", contained=True, pool=scrubbed,
                      rows=[int(rows.index[i]) for i in kept])


ROW_SUMMARY = TextMode("row_summary", row_summary, instruction_data=False, uses_model=False, options=SummaryOptions)
