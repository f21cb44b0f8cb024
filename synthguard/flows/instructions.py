"""scrub → generate → validate → release for instruction datasets (augment, evol_instruct, self_instruct).

The records (instruction / input / output) are scrubbed before any model sees them; the
policy's text mode generates new records through the chat model; every generated text
passes the shared judge (second scrub, PII replay, memorization) and the mode's own
filters; the suites that read text (factuality) gate the release.
"""

from __future__ import annotations

import time

import pandas as pd

from synthguard.engines import engine
from synthguard.errors import DataError, GenerationError, opaque_errors
from synthguard.gate import build_suites, run_suites
from synthguard.generators import TEXT_MODES
from synthguard.generators.improve import improve
from synthguard.generators.instructions import ModeContext, Record
from synthguard.generators.text import judge_for, load_chat_model, load_nli
from synthguard.policy import Policy
from synthguard.progress import Progress
from synthguard.release import Outcome, TablePayload
from synthguard.report.card import PROVENANCE_NOTE
from synthguard.report.figures import build_figures
from synthguard.steps import text_scrubber
from synthguard.validators import ValidationContext


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def instruction_records(frame: pd.DataFrame, fields) -> list[Record]:
    """Records from Alpaca-style columns, or from Self-Instruct's ``instances`` lists (first instance)."""
    if fields.instruction not in frame.columns:
        raise DataError(f"instruction dataset: no {fields.instruction!r} column (set generate.text.fields)")
    if fields.output not in frame.columns and "instances" in frame.columns:
        firsts = [v[0] if isinstance(v, list) and v and isinstance(v[0], dict) else {} for v in frame["instances"]]
        frame = frame.assign(**{fields.input: [_text(f.get("input")) for f in firsts],
                                fields.output: [_text(f.get("output")) for f in firsts]})
    records = [Record(_text(i), _text(x), _text(o)) for i, x, o in zip(
        frame[fields.instruction], frame.get(fields.input, [""] * len(frame)),
        frame.get(fields.output, [""] * len(frame)), strict=True)]
    records = [r for r in records if r.instruction.strip()]
    if not records:
        raise DataError(f"instruction dataset: every {fields.instruction!r} value is empty")
    return records


def scrubbed_records(records: list[Record], policy: Policy, frame: pd.DataFrame) -> tuple[list[Record], object]:
    """The records scrubbed with the release's key, and the judge built on them (second scrub, PII replay,
    memorization)."""
    flat = [part for r in records for part in (r.instruction, r.input, r.output)]
    scrubbed, judge = judge_for(text_scrubber(policy, frame, policy.generate.table.seed), flat, policy.generate.text)
    return [Record(*scrubbed[i:i + 3]) for i in range(0, len(scrubbed), 3)], judge


def self_train(model, records: list[Record], policy: Policy, frame: pd.DataFrame, nli, progress):
    """The ReST^EM loop on every scrubbed source record (generators/improve.py); ``model`` ends with the best
    round's adapter. Records outside the release's sample are scrubbed here with the same key."""
    settings = policy.generate.text
    seed = policy.generate.table.seed
    with progress.step(f"improve: scrubbing {len(records)} source records"):
        # Judged against every source record (memorization, PII replay), not only the release's sample.
        clean, judge = scrubbed_records(records, policy, frame)
    mode = TEXT_MODES[settings.mode]

    def run(batch, chat, run_seed, attempts):
        asked = settings.improve.for_run(settings, attempts)
        with opaque_errors(f"improve: text mode {settings.mode}", GenerationError):
            return mode.run(batch, ModeContext(chat, judge, asked, run_seed, progress, nli))

    return improve(model, run, clean, settings.improve, seed, progress,
                   rescrub=lambda texts: judge.release(texts, memorization=False)[0])


def synthesize_instructions(frame: pd.DataFrame, policy: Policy, progress: Progress) -> Outcome:
    from synthguard.scrub.scrubber import uncovered

    settings = policy.generate.text
    seed = policy.generate.table.seed
    timings: dict[str, float] = {}
    started = time.perf_counter()
    records = instruction_records(frame, settings.fields)
    source_rows = len(records)
    # A field the language pack does not cover is redacted whole ([UNSUPPORTED_LANGUAGE]): a record holding one
    # would reach the model, and a mode that keeps fields would release, a placeholder in its place.
    records = [r for r in records if not any(uncovered(part, policy.scrub.language)
                                             for part in (r.instruction, r.input, r.output) if part.strip())]
    if not records:
        raise DataError(f"instruction dataset: every record holds text that the {policy.scrub.language!r} "
                        "language pack does not cover; set scrub.language")
    unreadable = source_rows - len(records)
    every = records  # improve: the held-out records and each round's are drawn from all of them, not the sample
    if settings.max_rows is not None and len(records) > settings.max_rows:
        keep = pd.Series(range(len(records))).sample(settings.max_rows, random_state=seed % 2**32).sort_values()
        records = [records[i] for i in keep]
    with progress.step(f"scrubbing {len(records)} records"):
        clean, judge = scrubbed_records(records, policy, frame)
    timings["scrub"] = time.perf_counter() - started
    model = load_chat_model(settings, settings.mode, progress, engine(policy.engine, policy.ray))
    nli = load_nli(settings, progress)
    improved = None
    if settings.improve is not None:
        tick = time.perf_counter()
        improved = self_train(model, every, policy, frame, nli, progress)
        timings["improve"] = time.perf_counter() - tick
    tick = time.perf_counter()
    with opaque_errors(f"text mode {settings.mode}", GenerationError):
        result = TEXT_MODES[settings.mode].run(clean, ModeContext(model, judge, settings, seed, progress, nli))
    timings["generate"] = time.perf_counter() - tick

    tick = time.perf_counter()
    suites = [(s, a) for s, a in build_suites(policy.validation) if s.reads_text]
    empty = pd.DataFrame()
    context = ValidationContext(empty, empty, empty, {}, seed=seed, generated_text=result.generated)
    checks = run_suites(suites, context, progress)
    timings["validate"] = time.perf_counter() - tick
    timings["total"] = time.perf_counter() - started
    notes = [f"{settings.mode}: {len(result.records)} records generated by {model.identity()} from "
             f"{len(records)} source records"]
    if result.provenance:
        notes.append(f"{PROVENANCE_NOTE}{result.provenance}")
    if unreadable:
        notes.append(f"{unreadable} source record(s) held text outside the {policy.scrub.language!r} language "
                     "pack and were left out")
    if len(records) < source_rows - unreadable:
        notes.append(f"a seeded sample of {len(records)} of {source_rows - unreadable} source records was used "
                     "(max_rows)")
    if hasattr(model, "hits"):
        notes.append(f"resume cache: {model.hits} replies reused, {model.misses} asked")
    fields = settings.fields
    data = pd.DataFrame([{fields.instruction: r.instruction, fields.input: r.input, fields.output: r.output}
                         for r in result.records], columns=[fields.instruction, fields.input, fields.output])
    return Outcome(
        checks=checks, generator=f"{settings.mode} ({model.identity()})",
        rows={"input": source_rows, "source": len(records), "synthetic": len(data)},
        columns={"instruction_fields": fields.model_dump()}, notes=notes, timings=timings,
        figures=build_figures(context, checks),
        settings={"improve": improved.to_dict()} if improved is not None else {},
        payload=TablePayload(data, adapter=improved.adapter if improved and settings.improve.keep_adapter else None))
