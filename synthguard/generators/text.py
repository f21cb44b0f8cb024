"""Text modes on top of a chat model. ``paraphrase``: each record of a text column rewritten.

The flow for one column, so that nothing unfaithful or identifying is released:
1. the real texts are scrubbed (Presidio + surrogates) before any model sees them;
2. the model rewrites each scrubbed text;
3. each rewrite is scrubbed again (a model can echo or invent identifiers);
4. a rewrite is rejected when a fact changed (tier-0 faithfulness), when it is a near copy
   of its source, when it is empty, or when a value detected as PII in the real text
   appears in it (PII replay); rejected records are generated again, up to
   ``max_attempts``, and every rejection's reason is counted.
Records still failing after the last attempt are dropped, never released as None.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from synthguard.cache import cache_dir
from synthguard.errors import GenerationError, opaque_errors
from synthguard.generators import TEXT_MODES, register_text_mode
from synthguard.generators._judge import TextJudge
from synthguard.generators._resume import ResumableChat
from synthguard.generators.llm import ChatModel
from synthguard.measures.nli import NLIJudge
from synthguard.measures.text_metrics import faithfulness, rouge_l, tokens
from synthguard.sections.text import InstructionFields, LLMSettings, TextSettings  # noqa: F401 (re-exported)

TEMPLATE_WRITER = "the policy's template"  # TextResult.model when no language model wrote the texts
PARAPHRASE_PROMPT = ("Rewrite the following clinical text in different words. Keep every fact, number, drug, "
                     "side (left/right) and negation exactly. Reply with the rewritten text only.")


@dataclass
class TextResult:
    sources: list[str]  # per kept record, what it is judged against (scrubbed); "" when nothing is
    texts: list[str]  # the released texts (scrubbed again)
    judged: list[str] = field(default_factory=list)  # the model's words as judged, before the second scrub
    rejected: Counter = field(default_factory=Counter)  # reason -> rejections, over all attempts
    dropped: int = 0  # records that failed every attempt
    model: str = ""  # backend and model that wrote the texts
    faithful: bool = True  # whether the texts restate their sources (faithfulness and novelty apply)
    contained: bool = False  # fresh answers: only facts they add or change conflict (factuality.conflicts)
    pool: list[str] = field(default_factory=list)  # every scrubbed source: memorization and embedding reference
    memorization: bool = True  # False where texts build on their source by design (evolved instructions)
    rows: list[int] | None = None  # from_rows: the synthetic row each text describes; None: from real notes
    drafts: int = 0  # from_rows: released texts that are the policy's filled template, not the model's words
    quality: list[float] = field(default_factory=list)  # instruction modes: each released record's score


def _verdicts(sources: list[str], candidates: list[str], settings: TextSettings, nli=None,
              contained: bool = False) -> list[str | None]:
    """None when a rewrite keeps its source's facts and is no copy of it, else why not."""
    scores = faithfulness(sources, candidates, settings.extra_drugs, nli=nli, contained=contained)
    verdicts: list[str | None] = []
    for source, candidate, score in zip(sources, candidates, scores, strict=True):
        if score < settings.min_faithfulness:
            verdicts.append("unfaithful")
        elif rouge_l(tokens(source), tokens(candidate)) > settings.max_copy_overlap:
            verdicts.append("near_copy")
        else:
            verdicts.append(None)
    return verdicts


def judge_for(scrubber, texts: list[str], settings: TextSettings, known: frozenset[str] = frozenset()):
    """Scrub ``texts`` once; the scrubbed texts and a judge that knows their real values.

    ``known``: real values from elsewhere (a table's identifier columns, case-folded): no
    surrogate may equal one, and a generated text holding one is a replay. Without them a
    surrogate name drawn from Faker's lists can be another real patient's name.
    """
    from synthguard.scrub.scrubber import real_values

    scrubbed, findings = scrubber.scrub(texts, avoid=[known] * len(texts))
    pairs = list(zip(texts, findings, strict=True))
    # Surrogates avoid every word of a real name; the replay check looks for whole detected
    # values only: a lone "Mark" or "Will" left in a rewrite is a word, not a leaked name.
    avoid = known.union(*(real_values(t, f) for t, f in pairs))
    replayed = known.union(*(real_values(t, f, words=False) for t, f in pairs))
    return scrubbed, TextJudge(scrubber, avoid, scrubbed, settings, replayed)


def paraphrase(texts: list[str], model: ChatModel, scrubber, settings: TextSettings, seed: int,
               nli=None, known: frozenset[str] = frozenset()) -> TextResult:
    """Scrub, rewrite, scrub again and judge ``texts`` (see the module docstring)."""
    scrubbed, judge = judge_for(scrubber, texts, settings, known)
    pending = list(range(len(texts)))
    released: dict[int, tuple[str, str]] = {}
    rejected: Counter = Counter()
    for attempt in range(settings.max_attempts):
        if not pending:
            break
        conversations = [[{"role": "system", "content": PARAPHRASE_PROMPT},
                          {"role": "user", "content": scrubbed[i]}] for i in pending]
        raw = model.chat(conversations, seed=seed + attempt * len(texts))
        # Judged before the second scrub: it would give the source's surrogates new surrogates
        # (a phone number changes digits) and every rewrite would look unfaithful.
        rewrites, reasons = judge.release(raw)
        verdicts = _verdicts([scrubbed[i] for i in pending], raw, settings, nli)
        still = []
        for i, words, rewrite, reason, verdict in zip(pending, raw, rewrites, reasons, verdicts, strict=True):
            if (reason or verdict) is None:
                released[i] = (words, rewrite)
            else:
                rejected[reason or verdict] += 1
                still.append(i)
        pending = still
    kept = sorted(released)
    return TextResult(sources=[scrubbed[i] for i in kept], texts=[released[i][1] for i in kept],
                      judged=[released[i][0] for i in kept], rejected=rejected, dropped=len(pending),
                      model=model.identity(), pool=scrubbed)


def load_chat_model(settings: TextSettings, step: str, progress, runner=None):
    """The policy's chat model, resumable when a fixed release key makes prompts repeatable.

    ``runner``: the flow's engine (``engines.Engine``), which loads it (engine ray: a model that runs in-process
    is loaded once per Ray actor); None loads it in this process."""
    from synthguard.generators import chat_model
    from synthguard.scrub.operators import KEY_ENV

    on_actors = runner is not None and runner.loads_on_actors(settings.llm)
    with progress.step(f"loading language model ({settings.llm.backend}{f' on {runner.name} actors' * on_actors})"), \
            opaque_errors("loading the language model", GenerationError):
        model = runner.chat_model(settings.llm) if runner is not None else chat_model(settings.llm)
    # Not under improve: the cache would hand a fine-tuned model the base model's replies.
    if settings.resume and settings.improve is None and os.environ.get(KEY_ENV):

        name = hashlib.sha256(f"{model.name}:{settings.llm.model or model.identity()}".encode()).hexdigest()[:16]
        return ResumableChat(model, cache_dir() / "generations" / f"{name}.jsonl", step)
    return model


def load_nli(settings: TextSettings, progress):
    if settings.nli_model is None:
        return None

    with progress.step("loading the NLI model"):
        return NLIJudge(settings.nli_model)


@register_text_mode("paraphrase", instruction_data=False)
def _paraphrase_mode(real_texts: list[str], synthetic: pd.DataFrame, model, scrubber, settings, seed: int,
                     nli=None, known: frozenset[str] = frozenset(), real=None, least: int = 3) -> TextResult:
    # Each rewrite keeps its real patient's facts by design: the gate's reidentifying_notes check judges them.
    return paraphrase(real_texts, model, scrubber, settings, seed, nli, known)


def generate_text_columns(frame: pd.DataFrame, columns: list[str], settings: TextSettings | None, scrubber,
                          runner, seed: int, progress, known: frozenset[str] = frozenset(),
                          synthetic: pd.DataFrame | None = None, real: pd.DataFrame | None = None,
                          least: int = 3) -> tuple[dict, Any]:
    """({column: TextResult}, the ``improve`` loop's result or None) for the free-text ``columns``, when the policy
    configures text generation.

    ``scrubber``: the release's TextScrubber; ``runner``: the flow's engine, which loads the model; ``least``:
    the gate's own ``reidentifying_facts``, so that the generator holds back what the gate would fail.
    ``known``: the table's real identifier values (see ``judge_for``); ``synthetic``: the modelled columns of
    the synthetic rows, which ``from_rows`` writes notes from; ``real``: the real rows' modelled columns (train
    and holdout), which no note written from a synthetic row may single a patient out of."""
    if settings is None or not columns:
        return {}, None
    mode = TEXT_MODES[settings.mode]
    model = load_chat_model(settings, settings.mode, progress, runner) if mode.uses_model else None
    nli = load_nli(settings, progress) if mode.uses_model else None
    improved = None
    if settings.improve is not None and synthetic is not None and len(synthetic):
        improved = _improve_on_rows(frame[columns[0]], synthetic, model, scrubber, settings, seed, nli, known, real,
                                    least, progress)
    generated = {}
    for column in columns:
        texts = frame[column].dropna().astype(str)
        texts = texts[texts.str.strip() != ""]
        if settings.max_rows is not None and len(texts) > settings.max_rows:
            texts = texts.sample(settings.max_rows, random_state=seed % 2**32)
        rows = synthetic if synthetic is not None else frame.iloc[:0]
        doing = (f"writing {min(len(rows), settings.max_rows or len(rows))} {column!r} notes from synthetic rows"
                 if synthetic is not None and mode.name != "paraphrase" else
                 f"rewriting {len(texts)} {column!r} records")
        with progress.step(f"{doing}{f' with {model.identity()}' if model is not None else ''}"), \
                opaque_errors(f"generating text for {column!r}", GenerationError):
            generated[column] = mode.run(list(texts), rows, model, scrubber, settings, seed, nli, known,
                                         real=real, least=least)
    return generated, improved


def _improve_on_rows(notes: pd.Series, synthetic: pd.DataFrame, model, scrubber, settings: TextSettings, seed: int,
                     nli, known, real, least: int, progress):
    """from_rows' improve loop (generators/improve.py): the records are the synthetic rows, never a real note; the
    held-out rows and each round's are drawn from all of them, not from the release's ``max_rows`` sample."""
    from synthguard.generators.improve import RoundResult, improve

    mode = TEXT_MODES[settings.mode]
    style = [t for t in notes.dropna().astype(str) if t.strip()][:1]  # what the mode itself shows for style

    def run(batch: list[int], chat, run_seed: int, attempts: int | None):
        asked = settings.improve.for_run(settings, attempts).model_copy(update={"max_rows": None})
        with opaque_errors(f"improve: text mode {settings.mode}", GenerationError):
            result = mode.run(style, synthetic.iloc[batch].reset_index(drop=True), chat, scrubber, asked, run_seed,
                              nli, known, real=real, least=least)
        return RoundResult(result.texts, {str(notes.name): result})

    return improve(model, run, list(range(len(synthetic))), settings.improve, seed, progress,
                   rescrub=lambda texts: scrubber.scrub(texts)[0])
