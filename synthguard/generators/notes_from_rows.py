"""``from_rows``: a note for a synthetic table written from one synthetic row, not from a real patient's note.

A paraphrase keeps its source's facts by design, so a rewritten note still describes the real patient
whose note it was (age, blood pressure, cholesterol: a tuple that can match one real row). Here the
model is given the facts of one synthetic row and, for style only, one scrubbed real note that is never
released; a note is kept only when every number, date, side, drug and code in it comes from its row
(tier-0 faithfulness in ``contained`` mode), and it is scrubbed and judged for PII replay like any
generated text. Each note is released with the index of the synthetic row it describes.

With a ``template`` the row is first written as a draft note ("63-year-old man, BP 145, chol 233")
that the model rewrites: a small model rephrases a sentence far better than it composes one from
"column: value" pairs. A synthetic row can still coincide with one real patient on a few columns;
a row whose draft already singles out a real row (see measures/note_reid.py) is passed over
for the next synthetic row, and every note is checked again once written.
"""

from __future__ import annotations

import random
import string
from collections import Counter

import pandas as pd

from synthguard.generators import register_text_mode
from synthguard.generators._quality import QualityJudge
from synthguard.measures.note_reid import MIN_MATCHED_FACTS, reidentifying

FROM_ROW_PROMPT = ("Write a short clinical note (two or three sentences) about the patient described by the facts "
                   "below. Use only these facts: add no other number, date, name, place or drug. Reply with the "
                   "note only.")
DRAFT_PROMPT = ("Rewrite the following clinical note in different words, as a clinician would write it. Keep "
                "every fact and number exactly; add no other number, date, name, place, drug or diagnosis. Reply "
                "with the note only.")
# Two worked rewrites, shown as earlier turns of the conversation when there is a template (reword does the
# same): with a scrubbed real note for style instead, the 135M model kept 0 of 20 notes (6 prompt leftovers, 4
# dropped facts). The examples are made up, about no row of any dataset; a note that copies one is caught by its
# numbers (not its row's) and words (not its draft's). Their phrasing is not a prompt leftover: "year old man
# reports" is what they are there to teach.
DRAFT_EXAMPLES = [
    ("47-year-old woman presenting with shortness of breath. Heart rate 112, temperature 38.4 C; cough at night.",
     "A 47-year-old woman presents with shortness of breath. Her heart rate is 112 and her temperature 38.4 C, "
     "and she has a cough at night."),
    ("72-year-old man presenting with dizziness. Glucose 96 mg/dl, sodium 131 mmol/l; ECG: sinus rhythm.",
     "This 72-year-old man reports dizziness. His glucose is 96 mg/dl and his sodium 131 mmol/l. The ECG shows "
     "sinus rhythm."),
]
STYLE = "A note about another patient, for its style only (use none of its facts):\n{example}\n\nFacts:\n{facts}"
DRAFT_STYLE = "A note about another patient, for its style only (use none of its facts):\n{example}\n\nNote:\n{facts}"


def _plain(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value


def template_columns(template: str) -> list[str]:
    """The ``{column}`` placeholders of a template, in order."""
    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


def draft(row: pd.Series, template: str, labels: dict[str, dict[str, str]]) -> str:
    """The template filled from one row; a coded value reads as its label (``sex 1`` -> ``man``)."""
    values = {}
    for column in template_columns(template):
        value = _plain(row[column])
        values[column] = "unknown" if pd.isna(value) else labels.get(column, {}).get(str(value), value)
    return template.format(**values)


def row_facts(row: pd.Series) -> str:
    """One synthetic row as the facts a note may state: ``age: 58; chol: 300``. Missing values are left out."""
    return "; ".join(f"{column}: {_plain(value)}" for column, value in row.items() if not pd.isna(value))


def _rows_to_write(synthetic: pd.DataFrame, settings, seed: int, real: pd.DataFrame | None, least: int,
                   rejected: Counter) -> tuple[pd.DataFrame, list[str]]:
    """Up to ``max_rows`` synthetic rows, in a seeded order, with the facts (or draft) each note is written from.

    Rows whose draft singles out one real patient are passed over (and counted) for the next."""
    order = synthetic.sample(frac=1.0, random_state=seed % 2**32)
    wanted = len(order) if settings.max_rows is None else min(settings.max_rows, len(order))
    chosen, facts = [], []
    for start in range(0, len(order), max(wanted, 1)):
        block = order.iloc[start:start + max(wanted, 1)]
        written = [draft(row, settings.template, settings.labels) if settings.template else row_facts(row)
                   for _, row in block.iterrows()]
        # Without a template the facts are the whole row, which the table's own privacy checks judge;
        # what a note states of them is judged once it is written.
        unsafe = singled_out(written, real if settings.template else None, least)
        for index, text, bad in zip(block.index, written, unsafe, strict=True):
            if bad:
                rejected["facts_match_one_real_row"] += 1
            elif len(chosen) < wanted:
                chosen.append(index)
                facts.append(text)
        if len(chosen) >= wanted:
            break
    return synthetic.loc[chosen], facts


def singled_out(notes: list[str], real: pd.DataFrame | None, least: int) -> list[bool]:
    return reidentifying(notes, real, least) if real is not None else [False] * len(notes)


def judge_drafts(judge, drafts: list[str], real: pd.DataFrame | None, least: int) -> tuple[list[str], list[str | None]]:
    """The drafts scrubbed again, and per draft None or why it may not be released (the shared judge's
    reason, or ``facts_match_one_real_row``)."""
    notes, reasons = judge.release(drafts)
    return notes, [reason or ("facts_match_one_real_row" if bad else None)
                   for reason, bad in zip(reasons, singled_out(notes, real, least), strict=True)]


def _same_words(a: str, b: str) -> bool:
    """The reply is the draft it was given, word for word: the template's note, not the model's (``keep_draft``
    decides whether a draft is released, and counts it). A model taught by its own kept notes (improve) learnt
    to return the draft unchanged: 5 of its 9 held-out notes after two rounds."""
    return _words(a) == _words(b)


def _words(text: str) -> list[str]:
    return text.lower().translate(str.maketrans(string.punctuation, " " * len(string.punctuation))).split()


def _says(text: str, phrase: str) -> bool:
    return f" {phrase} " in f" {text} "


def dropped_facts(row: pd.Series, settings, note: str) -> list[str]:
    """The template's columns whose value the note does not state, as a number or as the label the draft used:
    a rewording that leaves out "angina on exercise" or says "no angina on exercise" in its place has lost a
    finding, which the number checks cannot see (a self-trained model learnt to drop one clause of its draft)."""
    text = " ".join(_words(note))
    missing = []
    for column in template_columns(settings.template):
        value = _plain(row[column])
        if pd.isna(value):
            continue
        coded = settings.labels.get(column, {})
        phrase = " ".join(_words(str(coded.get(str(value), value))))
        # A longer label holding this one ("no angina on exercise" holds "angina on exercise") says the opposite.
        longer = [w for w in (" ".join(_words(label)) for label in coded.values()) if phrase in w and w != phrase]
        if phrase and (not _says(text, phrase) or any(_says(text, w) for w in longer)):
            missing.append(column)
    return missing


# Words a note may use though its draft does not: what it is about, not a finding.
NOTE_WORDS = frozenset({"patient", "result", "finding"})


def _invention_check(scrubber, settings):
    """``(draft, note) -> bool``: the note states a noun, adjective, name or number its draft has no word near
    ("The erythrocyte gold test has reversed the reversible defect", "a rare genetic disorder that affects the
    liver"): an invented finding the number checks cannot see. English drafts only (spaCy lemmas)."""
    language = getattr(getattr(scrubber, "settings", None), "language", None)
    if not settings.template or language != "en":
        return lambda draft, note: False
    from synthguard.generators._content_words import invented, spacy_parser
    from synthguard.measures.embeddings import embed

    parser = spacy_parser(scrubber.settings.spacy_model)
    return lambda draft, note: bool(invented(parser, embed, draft, note, NOTE_WORDS))


@register_text_mode("from_rows", instruction_data=False)
def notes_from_rows(real_texts: list[str], synthetic: pd.DataFrame, model, scrubber, settings, seed: int,
                    nli=None, known: frozenset[str] = frozenset(), real: pd.DataFrame | None = None,
                    least: int = MIN_MATCHED_FACTS):
    """TextResult for ``synthetic``'s rows (a seeded sample of ``max_rows``); ``real_texts`` only lend style.

    ``real``: the real table's modelled columns, which no note's numbers may single a row out of (``least``
    values of one row and of no other)."""
    from synthguard.generators.text import TextResult, _verdicts, judge_for

    scrubbed, judge = judge_for(scrubber, real_texts, settings, known)
    rejected: Counter = Counter()
    rows, facts = _rows_to_write(synthetic, settings, seed, real, least, rejected)
    # A note about a synthetic row has no identifier to keep: whatever the second scrub changes
    # in it (a name or phone copied from the style example, an invented one) was made up.
    draft_notes, draft_reasons = judge_drafts(judge, facts, real, least)
    plain = [f == n for f, n in zip(facts, draft_notes, strict=True)]
    rng = random.Random(seed)
    examples = [rng.choice(scrubbed) if scrubbed and settings.style_examples else "" for _ in facts]
    system, style, label = (DRAFT_PROMPT, DRAFT_STYLE, "Note") if settings.template else \
        (FROM_ROW_PROMPT, STYLE, "Facts")
    worked = [turn for before, after in DRAFT_EXAMPLES for turn in
              ({"role": "user", "content": f"Note:\n{before}"}, {"role": "assistant", "content": after})] \
        if settings.template else []
    quality = QualityJudge([system, style.split("\n")[0]], labels=[f"{label}:", "Facts:", "Note:"])
    invents = _invention_check(scrubber, settings)
    pending = list(range(len(facts)))
    released: dict[int, tuple[str, str]] = {}
    for attempt in range(settings.max_attempts):
        if not pending:
            break
        conversations = [[{"role": "system", "content": system}, *worked,
                          {"role": "user", "content": style.format(example=examples[i], facts=facts[i])
                           if examples[i] else f"{label}:\n{facts[i]}"}] for i in pending]
        raw = model.chat(conversations, seed=seed + attempt * len(facts))
        notes, reasons = judge.release(raw)
        verdicts = _verdicts([facts[i] for i in pending], raw, settings, nli, contained=True)
        unique = singled_out(notes, real, least)
        still = []
        for i, words, note, reason, verdict, bad in zip(pending, raw, notes, reasons, verdicts, unique, strict=True):
            if verdict == "near_copy":
                verdict = None  # restating its own row's facts is the point
            reason = reason or quality.problem(words) or verdict or \
                ("draft_copied" if settings.template and _same_words(words, facts[i]) else None) or \
                ("fact_dropped" if settings.template and dropped_facts(rows.iloc[i], settings, words) else None) or \
                ("invented_identifier" if plain[i] and note != words else None) or \
                ("content_added" if invents(facts[i], words) else None) or \
                ("facts_match_one_real_row" if bad else None)
            if reason is None:
                released[i] = (words, note)
            else:
                rejected[reason] += 1
                still.append(i)
        pending = still
    drafted = []
    if settings.template and settings.keep_draft:
        # The draft is the row's facts in the policy's own words, judged like the model's notes above.
        drafted = [i for i in pending if draft_reasons[i] is None]
        released.update({i: (facts[i], draft_notes[i]) for i in drafted})
        pending = [i for i in pending if i not in released]
    kept = sorted(released)
    return TextResult(sources=[facts[i] for i in kept], texts=[released[i][1] for i in kept],
                      judged=[released[i][0] for i in kept], rejected=rejected, dropped=len(pending),
                      model=model.identity(), contained=True, pool=scrubbed,
                      rows=[int(rows.index[i]) for i in kept], drafts=len(drafted))
