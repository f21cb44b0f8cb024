"""evol_instruct: WizardLM's Evol-Instruct (Xu et al. 2023) over the seed instructions.

Each round rewrites every surviving instruction with one evolution drawn (seeded) from
in-depth evolving (add constraints, deepen, concretize, increase reasoning steps,
complicate the input) and in-breadth evolving, answers the evolved instruction, and drops
the pair by the paper's elimination filters (instructions.evol_elimination_reason); a
dropped evolution is tried again with a fresh draw, up to ``max_attempts``. Survivors are
released and seed the next round (``evolutions`` rounds in all).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from synthguard.generators import register_text_mode
from synthguard.generators._record_quality import score_records
from synthguard.generators.instructions import (
    ANSWER_PROMPT,
    ModeContext,
    ModeResult,
    Record,
    answer,
    evol_elimination_reason,
)
from synthguard.generators.text import TextResult

# The prompts follow WizardLM's published templates (Evol_Instruct/depth.py, breadth.py).
DEPTH = (
    "I want you act as a Prompt Rewriter.\n"
    "Your objective is to rewrite a given prompt into a more complex version to make those famous AI systems "
    "(e.g., chatgpt and GPT4) a bit harder to handle.\n"
    "But the rewritten prompt must be reasonable and must be understood and responded by humans.\n"
    "Your rewriting cannot omit the non-text parts such as the table and code in #The Given Prompt#:. "
    "Also, please do not omit the input in #The Given Prompt#.\n"
    "You SHOULD complicate the given prompt using the following method:\n{method}\n"
    "You should try your best not to make the #Rewritten Prompt# become verbose, #Rewritten Prompt# can only add "
    "10 to 20 words into #The Given Prompt#.\n"
    "'#The Given Prompt#', '#Rewritten Prompt#', 'given prompt' and 'rewritten prompt' are not allowed to appear "
    "in #Rewritten Prompt#\n#The Given Prompt#:\n{prompt}\n#Rewritten Prompt#:\n")
METHODS = {
    "add_constraints": "Please add one more constraints/requirements into #The Given Prompt#'",
    "deepen": "If #The Given Prompt# contains inquiries about certain issues, the depth and breadth of the inquiry "
              "can be increased.",
    "concretize": "Please replace general concepts with more specific concepts.",
    "increase_reasoning": "If #The Given Prompt# can be solved with just a few simple thinking processes, you can "
                          "rewrite it to explicitly request multiple-step reasoning.",
    "complicate_input": "Please add a piece of data in a format such as a table, code or JSON to #The Given Prompt# "
                        "as its input.",
}
BREADTH = (
    "I want you act as a Prompt Creator.\n"
    "Your goal is to draw inspiration from the #Given Prompt# to create a brand new prompt.\n"
    "This new prompt should belong to the same domain as the #Given Prompt# but be even more rare.\n"
    "The LENGTH and complexity of the #Created Prompt# should be similar to that of the #Given Prompt#.\n"
    "The #Created Prompt# must be reasonable and must be understood and responded by humans.\n"
    "'#Given Prompt#', '#Created Prompt#', 'given prompt' and 'created prompt' are not allowed to appear in "
    "#Created Prompt#\n#Given Prompt#:\n{prompt}\n#Created Prompt#:\n")
EVOLUTIONS = [*METHODS, "in_breadth"]
# The templates' own wording: a record repeating four words of it in a row is a leftover of the prompt.
WORDING = [DEPTH.format(method="", prompt=""), BREADTH.format(prompt=""), *METHODS.values(), ANSWER_PROMPT]
CHUNK = 4  # conversations per model call: the progress bar moves after each
PROVENANCE = "instructions evolved by a language model from scrubbed real instructions, and responses written by it"


def evolution_prompt(evolution: str, prompt: str) -> str:
    if evolution == "in_breadth":
        return BREADTH.format(prompt=prompt)
    return DEPTH.format(method=METHODS[evolution], prompt=prompt)


@register_text_mode("evol_instruct")
def evol_instruct(records: list[Record], ctx: ModeContext) -> ModeResult:
    settings = ctx.settings
    bases = list(dict.fromkeys(r.prompt() for r in records))
    rng = np.random.default_rng(ctx.seed)
    released: list[Record] = []
    originals, judged, texts, quality = [], [], [], []
    rejected: Counter = Counter()
    dropped = 0
    attempts = len(bases) * settings.evolutions * settings.max_attempts  # at most; a survivor counts them all
    with ctx.progress.step(f"evolving {len(bases)} instructions, {settings.evolutions} round(s): attempts",
                           total=attempts) as tick:
        for round_ in range(settings.evolutions):
            pending, survivors = list(range(len(bases))), {}
            for attempt in range(settings.max_attempts):
                seed = ctx.seed + (round_ * settings.max_attempts + attempt) * 7919
                kinds = dict(zip(pending, (EVOLUTIONS[k] for k in rng.integers(len(EVOLUTIONS), size=len(pending))),
                                 strict=True))
                still = []
                for start in range(0, len(pending), CHUNK):
                    chunk = pending[start:start + CHUNK]
                    # Seeds per chunk start, so that a record's draw does not depend on the chunk size.
                    chunk_seed = seed + start
                    evolved = [e.strip() for e in ctx.model.chat(
                        [[{"role": "user", "content": evolution_prompt(kinds[i], bases[i])}] for i in chunk],
                        seed=chunk_seed)]
                    responses = answer(ctx, evolved, chunk_seed + 1)
                    for i, pair in zip(chunk, _judge(ctx, [bases[i] for i in chunk], evolved, responses,
                                                     chunk_seed + 2), strict=True):
                        if isinstance(pair, str):
                            rejected[pair] += 1
                            still.append(i)
                            tick()
                        else:
                            survivors[i] = (kinds[i], *pair)
                            tick(settings.max_attempts - attempt)  # the attempts it no longer needs
                pending = still
                if not pending:
                    break
            dropped += len(pending)
            for i in sorted(survivors):
                _, words, instruction, response, score = survivors[i]
                released.append(Record(instruction, "", response))
                originals.append(bases[i])
                judged.append(words)
                texts.append(instruction)
                quality.append(score)
            bases = [survivors[i][2] for i in sorted(survivors)]
            if not bases:
                break
    result = TextResult(sources=originals, texts=texts, judged=judged, rejected=rejected, dropped=dropped,
                        model=ctx.model.identity(), faithful=False, memorization=False,
                        pool=[r.prompt() for r in records], quality=quality)
    return ModeResult(released, {"instruction": result}, rejected, provenance=PROVENANCE)


def _judge(ctx: ModeContext, originals: list[str], evolved: list[str], responses: list[str], seed: int):
    """Per evolution: its rejection reason, or (model words, released instruction, released response, quality)."""
    instructions, instruction_reasons = ctx.judge.release(evolved, memorization=False)
    answers, answer_reasons = ctx.judge.release(responses)
    scores = score_records(ctx, evolved, responses, WORDING, seed)
    out = []
    for original, words, response, instruction, answer_, first, second, scored in zip(
            originals, evolved, responses, instructions, answers, instruction_reasons, answer_reasons, scores,
            strict=True):
        reason = first or second or evol_elimination_reason(original, words, response) or scored.reason
        out.append(reason if reason else (words, instruction, answer_, scored.quality))
    return out
