"""``row_template``: a note for each synthetic row, the policy's template filled from that row, no model.

The offline default model (SmolLM2-135M) cannot write a usable note from a row: on the bundled heart
table, 4 of 10 ``from_rows`` notes passed the fact checks and those were prompt leftovers and loops;
with the leftover, loop and cut-off checks 0 of 10 notes survive (README). A
template is what a clinician's charting system writes anyway, states only the row's facts, and is
reproducible. Use ``from_rows`` with the same template and a capable model to vary the wording.
Each note still goes through the second scrub and PII replay, and a row whose note would single out
one real patient by its numbers is passed over for the next.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from synthguard.generators import register_text_mode
from synthguard.generators.notes_from_rows import _rows_to_write, judge_drafts
from synthguard.measures.note_reid import MIN_MATCHED_FACTS


@register_text_mode("row_template", instruction_data=False, uses_model=False)
def notes_from_template(real_texts: list[str], synthetic: pd.DataFrame, model, scrubber, settings, seed: int,
                        nli=None, known: frozenset[str] = frozenset(), real: pd.DataFrame | None = None,
                        least: int = MIN_MATCHED_FACTS):
    from synthguard.generators.text import TEMPLATE_WRITER, TextResult, judge_for

    if not settings.template:
        raise ValueError("text mode row_template needs generate.text.template")
    scrubbed, judge = judge_for(scrubber, real_texts, settings, known)
    rejected: Counter = Counter()
    rows, drafts = _rows_to_write(synthetic, settings, seed, real, least, rejected)
    notes, reasons = judge_drafts(judge, drafts, real, least)
    rejected.update(reason for reason in reasons if reason)
    kept = [i for i, reason in enumerate(reasons) if reason is None]
    return TextResult(sources=[drafts[i] for i in kept], texts=[notes[i] for i in kept],
                      judged=[drafts[i] for i in kept], rejected=rejected, dropped=len(drafts) - len(kept),
                      model=TEMPLATE_WRITER, contained=True, pool=scrubbed,
                      rows=[int(rows.index[i]) for i in kept], drafts=len(kept))
