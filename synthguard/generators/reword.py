"""reword: each instruction said again in other words by the model; the record's input and output are kept.

A request put another way, with its answer, teaches a model to follow the request however it is phrased, and it
is the one instruction task the embedded SmolLM2-135M-Instruct manages: of its answers to 32 Self-Instruct seed
tasks 5 passed the filters and all 5 were wrong, while three worked examples in the conversation are enough for it
to reword many instructions.
Its failures are kept out, each counted by reason:
- ``meaning_changed``: MiniLM cosine to the original instruction under ``min_similarity``
  (a French non sequitur scored 0.01, "sort from large to small" turned into "sort by size" 0.82);
- ``sentence_dropped``: a sentence of the instruction (three words or more) no longer said, cosine under
  ``min_sentence_similarity`` (0.05 for a dropped "If there is, suggest an alternative.");
- ``answered_instead``: nearer the record's answer than its instruction, or opening like an answer ("Yes, that
  email is a promotion email."): the model did the task;
- ``literal_lost``: a quoted or bracketed literal of the instruction (an output label such as "not ethical", a
  token such as <anonymized>) not kept verbatim ("with <anonymized>" became "with an anonymous");
- ``not_a_request`` (English): the instruction asks (an imperative, a question, a "you need to") and the
  rewording states ("Analyze the sentences below to identify biases." became "The sentences below are
  carefully crafted to identify biases."), by spaCy's parse of each sentence's root;
- ``content_dropped`` / ``content_added`` (English): a noun, adjective, number or qualifier of the instruction
  lost, or one it did not have, or one more request (synthguard.generators._content_words): the drift a
  sentence embedding forgives ("yet includes protein" dropped at cosine 0.9);
- ``unfaithful`` / ``near_copy``: a number, date, side, drug or code added, dropped or changed (tier 0, both
  ways), or the instruction returned nearly unchanged (ROUGE-L above ``max_copy_overlap``);
- ``prompt_leak``, ``repetition``, ``truncated``, ``deflection``: no usable instruction
  (synthguard.generators._record_quality), and the second scrub's ``pii_replay``.
The released record is (reworded instruction, input, output), input and output being the source's own, scrubbed:
a de-identified source record with a new instruction, not a synthetic one, as the report and card say.
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import Field

from synthguard.generators import register_text_mode
from synthguard.generators._content_words import content_change, spacy_parser
from synthguard.generators._record_quality import score_records
from synthguard.generators.instructions import ModeContext, ModeResult, Record, ask_until_kept
from synthguard.generators.text import TextResult, _verdicts
from synthguard.strict import StrictModel

SYSTEM = "You reword instructions. Reply with the same instruction in other words. Never answer or follow it."
LABEL = "Reword: "
# Worked examples, shown as earlier turns of the conversation: told what to do, the 135M model did the task
# instead in 12 of 12 instructions; shown these three, it reworded most.
EXAMPLES = [("Write a poem about the sea.", "Compose a poem whose subject is the ocean."),
            ("List three benefits of regular exercise.", "Name three advantages of exercising regularly."),
            ("Translate the sentence into French.", "Give the French translation of this sentence.")]
# The model often starts its reply with the label of the user's turn; that label is ours, not its words.
ECHOED_LABEL = re.compile(rf"^\s*{LABEL.strip()}\s*", re.IGNORECASE)
SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+|\n+")
MIN_SENTENCE_WORDS = 3
# A reply that opens like an answer has done the task ("Yes, that email is a promotion email.").
ANSWER_OPENING = re.compile(r"(yes|no|sure|certainly|of course|here (is|are)|here's)\b", re.IGNORECASE)
# The prompt's own wording: a rewording that repeats four words of it in a row is a leftover of the prompt.
WORDING = [SYSTEM, *(text for pair in EXAMPLES for text in pair)]
LITERAL = re.compile(r'"[^"\n]+"|<[^<>\n]+>|`[^`\n]+`')
PROVENANCE = ("instructions reworded by a language model from scrubbed real instructions; each record's input "
              "and output are its source's own, scrubbed: de-identified source records, not synthetic ones")


class RewordOptions(StrictModel):
    min_similarity: float = Field(0.85, ge=-1, le=1, description="lowest MiniLM cosine of a rewording to its "
                                                                 "instruction")
    min_sentence_similarity: float = Field(0.5, ge=-1, le=1, description="lowest MiniLM cosine of the rewording "
                                                                          "to each sentence of the instruction")
    keep_content: bool = Field(True, description="English: reject a rewording that drops or adds a noun, "
                                                 "adjective, number or qualifier, or adds a request")


def conversation(instruction: str) -> list[dict[str, str]]:
    turns = [{"role": "system", "content": SYSTEM}]
    for before, after in EXAMPLES:
        turns += [{"role": "user", "content": LABEL + before}, {"role": "assistant", "content": after}]
    return [*turns, {"role": "user", "content": LABEL + instruction}]


def sentences(instruction: str) -> list[str]:
    """The instruction's sentences that say something (a label such as "Answer:" does not)."""
    return [part for part in SENTENCE_BREAK.split(instruction) if len(part.split()) >= MIN_SENTENCE_WORDS]


def _meaning(options: RewordOptions, original: str, rewording: str, answer: str) -> str | None:
    """Why the rewording does not ask what the instruction asks, or None."""
    from synthguard.measures.embeddings import embed

    parts = sentences(original)
    vectors = embed([rewording, original, answer or original, *parts])
    said, asked, answered, each = vectors[0], vectors[1], vectors[2], vectors[3:]
    similarity = float(asked @ said)
    if similarity < options.min_similarity:
        return "meaning_changed"
    if len(parts) > 1 and min(float(part @ said) for part in each) < options.min_sentence_similarity:
        return "sentence_dropped"
    if float(answered @ said) > similarity or ANSWER_OPENING.match(rewording):
        return "answered_instead"
    if any(literal not in rewording for literal in LITERAL.findall(original)):
        return "literal_lost"
    return None


@cache
def _instruction_asks(model: str, instruction: str) -> bool:
    # The same instruction is judged on every attempt at it; its parse does not change.
    return is_request(spacy_parser(model), instruction)


def is_request(parser, text: str) -> bool:
    """Whether a sentence of ``text`` asks for something: a question, an imperative (a base-form root verb with no
    subject; the small English model tags some imperatives VBP), "let's", or a sentence addressed to "you"."""
    for sentence in parser(text).sents:
        root = sentence.root
        subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "expl")]
        if sentence.text.rstrip().endswith("?") or root.lower_ == "let" or \
                (root.tag_ in ("VB", "VBP") and not subjects) or any(s.lower_ == "you" for s in subjects):
            return True
    return False


def _attempt(ctx: ModeContext, records: list[Record], indices: list[int], seed: int, options: RewordOptions):
    """(index, rejection reason or None, (model words, released instruction, quality)) per record."""
    raw = [ECHOED_LABEL.sub("", reply).strip() for reply in
           ctx.model.chat([conversation(r.instruction) for r in records], seed=seed)]
    released, reasons = ctx.judge.release(raw, memorization=False)  # a rewording shares words with its source
    verdicts = _verdicts([r.instruction for r in records], raw, ctx.settings, ctx.nli)
    # The record as released is judged (the LLM judge, when set, rates the output as an answer to the rewording);
    # the model wrote only the instruction, so only it is checked for leftovers, loops and cut-offs.
    scores = score_records(ctx, raw, [r.output for r in records], WORDING, seed + 1, written=("instruction",))
    scrub = ctx.judge.scrubber.settings
    english = scrub.language == "en"
    for i, record, words, text, reason, verdict, scored in zip(indices, records, raw, released, reasons, verdicts,
                                                               scores, strict=True):
        reason = reason or scored.reason or _meaning(options, record.instruction, words, record.output) or verdict
        if reason is None and english and _instruction_asks(scrub.spacy_model, record.instruction) and \
                not is_request(spacy_parser(scrub.spacy_model), words):
            reason = "not_a_request"
        if reason is None and english and options.keep_content:
            from synthguard.measures.embeddings import embed

            reason = content_change(spacy_parser(scrub.spacy_model), embed, record.instruction, words)
        yield i, reason, (words, text, scored.quality)


@register_text_mode("reword", options=RewordOptions)
def reword(records: list[Record], ctx: ModeContext) -> ModeResult:
    options = ctx.settings.mode_options() or RewordOptions()
    unique = list({(r.instruction, r.input): r for r in records}.values())
    kept, rejected, dropped = ask_until_kept(
        ctx, len(unique), f"rewording {len(unique)} unique instructions: attempts",
        lambda chunk, seed: _attempt(ctx, [unique[i] for i in chunk], chunk, seed, options))
    order = sorted(kept)
    out = [Record(kept[i][1], unique[i].input, unique[i].output) for i in order]
    result = TextResult(sources=[unique[i].instruction for i in order], texts=[kept[i][1] for i in order],
                        judged=[kept[i][0] for i in order], rejected=rejected, dropped=dropped,
                        model=ctx.model.identity(), memorization=False,
                        pool=[r.instruction for r in records], quality=[kept[i][2] for i in order])
    return ModeResult(out, {"instruction": result}, rejected, provenance=PROVENANCE)
