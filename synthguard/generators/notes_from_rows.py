"""``from_rows``: a note for a synthetic table written from one synthetic row, not from a real patient's note.

A paraphrase keeps its source's facts by design, so a rewritten note still describes the real patient
whose note it was (age, blood pressure, cholesterol: a tuple that can match one real row). Here the
model is given the facts of one synthetic row and, for style only, one scrubbed real note that is never
released; a note is kept only when every number, date, side, drug and code in it comes from its row
(tier-0 faithfulness in ``contained`` mode), and it is scrubbed and judged for PII replay like any
generated text. Each note is released with the index of the synthetic row it describes.
"""

from __future__ import annotations

import random
from collections import Counter

import pandas as pd

from synthguard.generators import register_text_mode

FROM_ROW_PROMPT = ("Write a short clinical note (two or three sentences) about the patient described by the facts "
                   "below. Use only these facts: add no other number, date, name, place or drug. Reply with the "
                   "note only.")
STYLE = "A note about another patient, for its style only (use none of its facts):\n{example}\n\nFacts:\n{facts}"


def row_facts(row: pd.Series) -> str:
    """One synthetic row as the facts a note may state: ``age: 58; chol: 300``. Missing values are left out."""
    parts = []
    for column, value in row.items():
        if pd.isna(value):
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, float):
            value = round(value, 1)
        parts.append(f"{column}: {value}")
    return "; ".join(parts)


@register_text_mode("from_rows", instruction_data=False)
def notes_from_rows(real_texts: list[str], synthetic: pd.DataFrame, model, scrubber, settings, seed: int,
                    nli=None, known: frozenset[str] = frozenset()):
    """TextResult for ``synthetic``'s rows (a seeded sample of ``max_rows``); ``real_texts`` only lend style."""
    from synthguard.generators.text import TextResult, _verdicts, judge_for

    scrubbed, judge = judge_for(scrubber, real_texts, settings, known)
    rows = synthetic if settings.max_rows is None or len(synthetic) <= settings.max_rows else \
        synthetic.sample(settings.max_rows, random_state=seed % 2**32)
    facts = [row_facts(row) for _, row in rows.iterrows()]
    rng = random.Random(seed)
    examples = [rng.choice(scrubbed) if scrubbed and settings.style_examples else "" for _ in facts]
    pending = list(range(len(facts)))
    released: dict[int, tuple[str, str]] = {}
    rejected: Counter = Counter()
    for attempt in range(settings.max_attempts):
        if not pending:
            break
        conversations = [[{"role": "system", "content": FROM_ROW_PROMPT},
                          {"role": "user", "content": STYLE.format(example=examples[i], facts=facts[i])
                           if examples[i] else f"Facts:\n{facts[i]}"}] for i in pending]
        raw = model.chat(conversations, seed=seed + attempt * len(facts))
        notes, reasons = judge.release(raw)
        verdicts = _verdicts([facts[i] for i in pending], raw, settings, nli, contained=True)
        still = []
        for i, words, note, reason, verdict in zip(pending, raw, notes, reasons, verdicts, strict=True):
            if verdict == "near_copy":
                verdict = None  # restating its own row's facts is the point
            if (reason or verdict) is None:
                released[i] = (words, note)
            else:
                rejected[reason or verdict] += 1
                still.append(i)
        pending = still
    kept = sorted(released)
    return TextResult(sources=[facts[i] for i in kept], texts=[released[i][1] for i in kept],
                      judged=[released[i][0] for i in kept], rejected=rejected, dropped=len(pending),
                      model=model.identity(), contained=True, pool=scrubbed,
                      rows=[int(rows.index[i]) for i in kept])
