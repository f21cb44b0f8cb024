"""self_instruct: new tasks bootstrapped from seed tasks (Wang et al. 2023, Self-Instruct).

Each request shows ``prompt_tasks`` tasks drawn (seeded) from the pool (the seeds plus the
tasks kept so far) and asks for one new task. A new instruction is kept only when its
ROUGE-L against every task in the pool is below 0.7 and the keyword filters pass
(instructions.self_instruct_rejection); it is then answered, and the pair passes the
shared judge. Kept tasks join the pool. Requests stop at ``num_tasks`` kept tasks or after
``num_tasks x max_attempts`` requests.
"""

from __future__ import annotations

import re
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
    is_refusal,
    self_instruct_rejection,
)
from synthguard.generators.text import TextResult

PROMPT = "Come up with one new task, different from these:\n\n{tasks}\n\nReply with the new task's instruction only."
NUMBERING = re.compile(r"^\s*(?:task\s*\d*\s*[:.)-]|\d+\s*[:.)-])\s*", re.IGNORECASE)
PROVENANCE = "tasks and responses written by a language model from scrubbed seed tasks"


def new_instruction(reply: str) -> str:
    """The first non-empty line of a reply, without the "Task 7:" or "7." a model puts before it."""
    line = next((x for x in reply.splitlines() if x.strip()), "")
    return NUMBERING.sub("", line).strip()


@register_text_mode("self_instruct")
def self_instruct(records: list[Record], ctx: ModeContext) -> ModeResult:
    settings = ctx.settings
    pool = list(dict.fromkeys(r.instruction for r in records))
    seeds = list(pool)
    rng = np.random.default_rng(ctx.seed)
    budget = settings.num_tasks * settings.max_attempts
    kept: list[tuple[str, str, str]] = []  # model words, released instruction, released answer
    rejected: Counter = Counter()
    asked = 0
    with ctx.progress.step(f"bootstrapping {settings.num_tasks} tasks from {len(seeds)} seeds",
                           total=settings.num_tasks) as tick:
        while len(kept) < settings.num_tasks and asked < budget:
            size = min(settings.llm.batch_size, budget - asked, settings.num_tasks - len(kept))
            prompts = []
            for _ in range(size):
                shown = rng.choice(len(pool), size=min(settings.prompt_tasks, len(pool)), replace=False)
                listing = "\n".join(f"Task {n + 1}: {pool[i]}" for n, i in enumerate(shown))
                prompts.append([{"role": "user", "content": PROMPT.format(tasks=listing)}])
            candidates = [new_instruction(r) for r in ctx.model.chat(prompts, seed=ctx.seed + asked)]
            asked += size
            fresh = []
            for candidate in candidates:
                reason = self_instruct_rejection(candidate, pool)
                if reason:
                    rejected[reason] += 1
                else:
                    fresh.append(candidate)
                    pool.append(candidate)  # Self-Instruct compares later candidates with accepted ones too
            if not fresh:
                continue
            instructions, reasons = ctx.judge.release(fresh)
            responses = answer(ctx, fresh, ctx.seed + asked)
            answers, answer_reasons = ctx.judge.release(responses)
            scores = score_records(ctx, fresh, responses, [PROMPT.format(tasks=""), ANSWER_PROMPT], ctx.seed + asked)
            for words, instruction, response, answer_, first, second, scored in zip(
                    fresh, instructions, responses, answers, reasons, answer_reasons, scores, strict=True):
                reason = first or second or ("refusal" if is_refusal(response) else None) or scored.reason
                if reason:
                    rejected[reason] += 1
                    pool.remove(words)
                elif len(kept) < settings.num_tasks:
                    kept.append((words, instruction, answer_, scored.quality))
                    tick()
    result = TextResult(sources=[""] * len(kept), texts=[k[1] for k in kept], judged=[k[0] for k in kept],
                        rejected=rejected, dropped=asked - len(kept), model=ctx.model.identity(),
                        faithful=False, pool=seeds, quality=[k[3] for k in kept])
    return ModeResult([Record(k[1], "", k[2]) for k in kept], {"instruction": result}, rejected, provenance=PROVENANCE)
