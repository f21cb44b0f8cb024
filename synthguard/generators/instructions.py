"""Filters of the instruction-data modes, as their papers define them.

Evol-Instruct (Xu et al. 2023, WizardLM, section 3.3) drops an evolution when:
1. the evolved instruction brings no information gain over the original (the paper asks
   ChatGPT; here: it adds no content word the original lacks, or is nearly the same text);
2. the response is a refusal: it contains "sorry" and is short (under 80 words);
3. the response holds only punctuation and stop words;
4. the evolved instruction copies the evolving prompt's wording ("given prompt",
   "rewritten prompt", "#Rewritten Prompt#").
Self-Instruct (Wang et al. 2023, section 2.3) keeps a new task only when its ROUGE-L
against every task already in the pool is below 0.7 and it passes the keyword filters
(no images, files, plots...; not too short or long; starts with a word).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from synthguard.lexicons import stop_words
from synthguard.measures.text_metrics import rouge_l, tokens

REFUSAL_MAX_WORDS = 80
NO_GAIN_OVERLAP = 0.9
# The paper's strings, and any "#... Prompt#" header: small models invent "#Corrected Prompt#".
PROMPT_WORDING = re.compile(r"\b(given|rewritten|created)\s+prompt\b|#[^#\n]{0,40}\bprompt\s*#", re.IGNORECASE)
SELF_INSTRUCT_MAX_ROUGE = 0.7
SELF_INSTRUCT_BLOCKED = {"image", "images", "graph", "graphs", "picture", "pictures", "file", "files", "map",
                         "maps", "draw", "plot", "video", "audio", "music", "flowchart", "diagram"}
MIN_INSTRUCTION_WORDS, MAX_INSTRUCTION_WORDS = 3, 150


ANSWER_PROMPT = "Answer the instruction helpfully and correctly. Reply with the answer only."


@dataclass(frozen=True)
class Record:
    """One instruction-dataset record (already scrubbed when a mode sees it)."""

    instruction: str
    input: str = ""
    output: str = ""

    def prompt(self) -> str:
        return f"{self.instruction}\n\n{self.input}" if self.input.strip() else self.instruction


@dataclass
class ModeContext:
    """What a mode works with: the chat model, the judge every text passes, the policy's settings."""

    model: Any  # ChatModel
    judge: Any  # generators._judge.TextJudge
    settings: Any  # generators.text.TextSettings
    seed: int
    progress: Any
    nli: Any = None


@dataclass
class ModeResult:
    records: list[Record]
    generated: dict[str, Any]  # field -> TextResult, what the factuality suite reads
    rejected: Counter = field(default_factory=Counter)
    provenance: str = ""  # what each released field is (the model's words, or the source's own), for the card


CHUNK = 4  # records per model call: the progress bar moves after each


def ask_until_kept(ctx: ModeContext, count: int, description: str,
                   attempt: Callable[[list[int], int], Iterable[tuple[int, str | None, Any]]]):
    """Asks ``attempt(indices, seed)`` about records ``0..count-1``, a chunk at a time, and again about those it
    rejected, up to ``max_attempts`` rounds. ``attempt`` yields (index, rejection reason or None, what to keep).
    Returns (kept by index, rejections by reason, records that failed every round)."""
    pending = list(range(count))
    kept: dict[int, Any] = {}
    rejected: Counter = Counter()
    attempts = ctx.settings.max_attempts
    with ctx.progress.step(description, total=count * attempts) as advance:
        for round_ in range(attempts):
            still = []
            for start in range(0, len(pending), CHUNK):
                for i, reason, value in attempt(pending[start:start + CHUNK], ctx.seed + round_ * count + start):
                    if reason is None:
                        kept[i] = value
                        advance(attempts - round_)  # the attempts it no longer needs
                    else:
                        rejected[reason] += 1
                        still.append(i)
                        advance()
            pending = still
            if not pending:
                break
    return kept, rejected, len(pending)


def answer(ctx: ModeContext, prompts: list[str], seed: int) -> list[str]:
    return ctx.model.chat([[{"role": "system", "content": ANSWER_PROMPT}, {"role": "user", "content": p}]
                           for p in prompts], seed=seed)


def is_refusal(response: str) -> bool:
    return "sorry" in response.casefold() and len(response.split()) < REFUSAL_MAX_WORDS


def _stop_words() -> frozenset[str]:
    return stop_words()


def _content_words(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in _stop_words() and len(t) > 1}


def evol_elimination_reason(original: str, evolved: str, response: str) -> str | None:
    """Why WizardLM's filters drop this evolution, or None to keep it."""
    if PROMPT_WORDING.search(evolved):
        return "copies_prompt_wording"
    if not (_content_words(evolved) - _content_words(original)) or \
            rouge_l(tokens(original), tokens(evolved)) >= NO_GAIN_OVERLAP:
        return "no_information_gain"
    if is_refusal(response):
        return "refusal"
    if not _content_words(response):
        return "only_punctuation_and_stop_words"
    return None


def self_instruct_rejection(candidate: str, pool: list[str]) -> str | None:
    """Why Self-Instruct's filters drop this new instruction, or None to keep it."""
    words = candidate.split()
    if not MIN_INSTRUCTION_WORDS < len(words) <= MAX_INSTRUCTION_WORDS:
        return "length"
    if not candidate[:1].isalpha():
        return "starts_without_a_letter"
    if set(tokens(candidate)) & SELF_INSTRUCT_BLOCKED:
        return "unsupported_modality"
    candidate_tokens = tokens(candidate)
    if any(rouge_l(tokens(task), candidate_tokens) >= SELF_INSTRUCT_MAX_ROUGE for task in pool):
        return "too_similar"
    return None
