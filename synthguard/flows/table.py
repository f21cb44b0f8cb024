"""scrub → generate → validate for one table: the schema settled at the boundary, a generator fitted and
sampled where the policy's engine runs work, text columns written, every suite run; an ``Outcome`` back."""

from __future__ import annotations

import dataclasses
import time

import pandas as pd

from synthguard.engines import RealRows, SampleJob, engine
from synthguard.errors import DataError, GenerationError, opaque_errors
from synthguard.gate import NOT_COMPARED_KINDS, build_suites, context_for, filters, run_suites
from synthguard.generalize import RareCategoryGeneraliser
from synthguard.generators.text import TEMPLATE_WRITER, generate_text_columns
from synthguard.policy import AUTO, MAX_SYNTHETIC_ROWS, Policy
from synthguard.progress import Progress
from synthguard.release import Outcome
from synthguard.report.figures import build_figures
from synthguard.scrub.surrogates import comparable
from synthguard.selection import choose, prepared
from synthguard.steps import derived_seeds, settle_table, split_holdout, text_scrubber


def with_adapter(payload, improved, text):
    """The payload with the improve loop's adapter when the policy keeps it (``improve.keep_adapter``)."""
    if improved is None or improved.adapter is None or not text.improve.keep_adapter:
        return payload
    return dataclasses.replace(payload, adapter=improved.adapter)


def release_settings(policy: Policy, generator, generated: dict, rows: int, selection=None) -> dict:
    """How the release was made, for the dataset card: the generator's settings and the text per column."""
    table = policy.generate.table
    text = policy.generate.text
    return {
        "synthesizer": generator.name, "parameters": table.parameters, "top_codes": table.top_codes,
        **({"selection": selection.to_dict()} if selection else {}),
        "bottom_codes": table.bottom_codes, "min_category_count": table.min_category_count,
        "rare_category_label": table.rare_category_label, "stratified_by": generator.stratified(),
        "constraints": [f"{c.type} on {', '.join(c.columns)}" for c in table.constraints],
        "gaps": {rule.high: rule.low for rule in generator.gaps.rules},
        "attribution": policy.release.attribution, "license": policy.release.license,
        "text": {column: {"mode": text.mode if text else "", "released": len(r.texts),
                          "rows_without_text": rows - len(r.texts) if r.rows is not None else None,
                          "reasons": dict(r.rejected)} for column, r in generated.items()},
    }


def table_notes(plan, dirty_notes: list[str], generated: dict, guarantee: dict | None, selection, name: str,
                stratified, sampled, validated: int, engine_name: str) -> list[str]:
    """The report's notes on how a table was released: columns judged from their values, text, privacy
    guarantee, the synthesizer chosen, filtering and sampling."""
    notes = [f"column {i.column!r} was judged an identifier from its values ({i.reason}) and "
             f"{'released as ' + i.kind + ' surrogates' if i.action == 'surrogate' else 'dropped'}; name it in "
             "data.columns if it is a measurement" for i in plan.judged_by_values()]
    notes += [f"column scan: {note}" for note in plan.notes] + dirty_notes
    notes += [f"free-text column {c!r} is not released: text generation is not configured"
              for c in plan.text if c not in generated]
    notes += [f"free-text column {c!r}: {len(r.texts)} records rewritten by {r.model} and released in "
              f"synthetic_text.jsonl (not linked to table rows); {r.dropped} dropped after every attempt failed. "
              "These are de-identified rewrites of real patients' notes (paraphrase), not synthetic: each "
              "derives from one real note and keeps its clinical facts (numbers, dates, drugs)"
              if r.rows is None else
              f"free-text column {c!r}: {len(r.texts)} notes written by {r.model} from synthetic rows and "
              f"released in synthetic_text.jsonl, each with the index of its row; every number, date, side and "
              f"drug in a note comes from its synthetic row, and no note's numbers single out one real patient; "
              f"{r.dropped} dropped after every attempt failed"
              + (f"; {r.drafts} are the policy's template filled from the row, where every rewrite failed"
                 if r.drafts and r.model != TEMPLATE_WRITER else "")
              for c, r in generated.items()]
    if guarantee:
        notes.append(f"differential privacy: {guarantee['mechanism']}, epsilon {guarantee['epsilon']:g}, delta "
                     f"{guarantee['delta']:g}, on the modelled columns of the training rows (identifiers are "
                     "surrogates, free text is not covered); the checks above are measured on top of it"
                     + ("" if guarantee.get("reproducible", True) else "; its noise comes from a secure generator, "
                        "so the same data, policy and seed give a different release each run"))
    if selection:
        notes.append(f"synthesizer auto chose {name}: {selection.reason}; candidates: " + "; ".join(
            f"{c['generator']} " + (c["skipped"] if "skipped" in c else f"{len(c['failed'])} failed checks, "
                                    f"detection AUC {c['detection_auc']}") for c in selection.candidates))
    if stratified:
        notes.append(f"{name} learnt each class of {stratified!r} apart (one model per "
                     "class), so that every predictor's link to the target is kept")
    if sampled.dropped:
        notes.append(f"action filter dropped {sampled.dropped} synthetic rows and sampled again")
    if validated < sampled.rows:
        notes.append(f"engine {engine_name}: the suites read a seeded sample of {validated} of {sampled.rows} "
                     "synthetic rows (validate.max_rows); exact copies were counted on every row")
    return notes


def synthesize_table(frame: pd.DataFrame, policy: Policy, progress: Progress, started: float) -> Outcome:
    """scrub → generate → validate for one table; ``release_of`` makes the Release."""
    table = policy.generate.table
    timings: dict[str, float] = {}
    split_seed, fit_seed, surrogate_seed, *sample_seeds = derived_seeds(
        table.seed, 3 + policy.validation.max_filter_rounds + 1)
    schema, typed = settle_table(frame, policy, progress)
    plan, sdtypes = schema.plan, schema.sdtypes
    train, holdout = split_holdout(typed, policy.validation.holdout, split_seed,
                                   policy.data.target if policy.data.target in plan.model else None)
    timings["prepare"] = time.perf_counter() - started

    generaliser = RareCategoryGeneraliser(table.min_category_count, table.rare_category_label, table.top_codes,
                                          table.bottom_codes)
    generaliser.fit(train, sdtypes)
    # The gate judges the release at the granularity it is released at: real rows with their rare categories
    # merged and their top codes applied, as the generator learns them. Against the unmerged values, a column
    # of 76 rare diagnoses merged into one label failed its shape check on a perfect generator (MIMIC).
    train, holdout = generaliser.transform(train), generaliser.transform(holdout)
    rows = table.num_rows(len(frame))
    if rows > MAX_SYNTHETIC_ROWS:  # scale times a large input: refused before the fit, not after
        raise DataError(f"generate.table.scale {table.scale} asks for {rows:,} synthetic rows; the most is "
                        f"{MAX_SYNTHETIC_ROWS:,}")
    surrogates = schema.surrogates
    surrogates.check(rows, surrogate_seed)
    runner = engine(policy.engine, policy.ray, policy.validation.max_rows)
    runner.start()  # fail on a missing extra before the fit, not after
    selection = None
    if table.synthesizer == AUTO:  # a candidate that cannot do what the policy asks is skipped before any fit
        selection = choose(generaliser.transform(train), sdtypes, policy, plan, fit_seed, table.auto_budget_s,
                           progress, generaliser.transform)
        timings.update({f"auto:{candidate}": seconds for candidate, seconds in selection.seconds.items()})
    name = selection.chosen if selection else table.synthesizer
    generator, draw = prepared(name, policy, sdtypes, train)
    tick = time.perf_counter()
    with (progress.step(f"fitting {name} on {len(train)} rows"),
          opaque_errors(f"fitting {name}", GenerationError)):
        generator.fit(generaliser.transform(train), seed=fit_seed)
    timings["fit"] = time.perf_counter() - tick

    suites = build_suites(policy.validation)
    tick = time.perf_counter()
    with opaque_errors(f"sampling {name}", GenerationError):
        evidence = context_for(policy, train, holdout, train.iloc[:0], sdtypes, plan=plan) if filters(suites) else None
        sampled = runner.sample(SampleJob(draw, generaliser, rows, tuple(sample_seeds), tuple(suites), evidence,
                                          surrogates, surrogate_seed), RealRows(train, holdout, sdtypes), progress)
    synthetic, released = sampled.synthetic, sampled.released
    timings["sample"] = time.perf_counter() - tick
    tick = time.perf_counter()
    known = frozenset(comparable(v) for i in plan.identifiers if i.kind not in NOT_COMPARED_KINDS
                      for v in frame[i.column].dropna() if len(str(v)) >= 4)
    modelled = released[[c for c in plan.model if c in released.columns]]
    text_seed = derived_seeds(table.seed + 1, 1)[0]
    scrubber = text_scrubber(policy, frame, text_seed) if plan.text else None
    generated, improved = generate_text_columns(
        frame, plan.text, policy.generate.text, scrubber, runner, text_seed, progress, known, modelled,
        pd.concat([train, holdout], ignore_index=True), least=policy.validation.suites.factuality.reidentifying_facts)
    timings["text"] = time.perf_counter() - tick
    tick = time.perf_counter()
    context = context_for(policy, train, holdout, synthetic, sdtypes, released, frame, plan, generated,
                          population_rows=sampled.population_rows, copies=sampled.copies,
                          unique_copies=sampled.unique_copies)
    checks = run_suites(suites, context, progress)
    timings["validate"] = time.perf_counter() - tick
    tick = time.perf_counter()
    figures = build_figures(context, checks, table.min_category_count)
    timings["figures"] = time.perf_counter() - tick
    timings["total"] = time.perf_counter() - started

    guarantee = generator.guarantee() if hasattr(generator, "guarantee") else None
    notes = table_notes(plan, list(schema.notes), generated, guarantee, selection, name, generator.stratified(),
                        sampled, len(synthetic), runner.name)
    texts = pd.DataFrame([{"column": c, "text": t, **({"row": r.rows[k]} if r.rows is not None else {})}
                          for c, r in generated.items() for k, t in enumerate(r.texts)]) if generated else None
    return Outcome(
        checks=checks,
        generator=name if not guarantee else f"{name} (epsilon {guarantee['epsilon']:g}, delta {guarantee['delta']:g})",
        rows={"input": len(frame), "train": len(train), "holdout": len(holdout),
              "synthetic": sampled.rows, **({"validated_sample": len(synthetic)} if sampled.population_rows is not None
                                            else {})},
        columns={**plan.to_dict(), "order": plan.order, "sdtypes": sdtypes, "generalised": generaliser.generalised_},
        notes=notes, timings=timings, figures=figures,
        settings={**release_settings(policy, generator, generated, sampled.rows, selection),
                  **({"improve": improved.to_dict()} if improved is not None else {})},
        payload=with_adapter(runner.payload(sampled, texts), improved, policy.generate.text))
