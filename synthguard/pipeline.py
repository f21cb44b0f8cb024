"""scrub → generate → validate → release, for tables, in one function."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from synthguard.data import check_frame, read_table
from synthguard.errors import DataError, GenerationError, opaque_errors
from synthguard.gate import DATE_KINDS, build_suites, context_for, rejected_rows, run_suites
from synthguard.generalize import RareCategoryGeneraliser
from synthguard.generators import TABLE_GENERATORS, TEXT_MODES, TableGenerator
from synthguard.generators.text import TEMPLATE_WRITER, generate_text_columns
from synthguard.policy import MAX_SYNTHETIC_ROWS, Policy, load_policy
from synthguard.progress import Progress
from synthguard.release import Release
from synthguard.report import Report
from synthguard.report.figures import build_figures
from synthguard.scrub.columns import ColumnPlan, plan_columns, settle_sdtypes
from synthguard.scrub.surrogates import comparable, surrogate_column
from synthguard.validators.base import category_strings

MIN_TRAIN_ROWS = 20
MIN_HOLDOUT_ROWS = 5


def is_ray_dataset(data) -> bool:
    return type(data).__module__.startswith("ray.data") and hasattr(data, "to_pandas")


def read_input(data: str | Path | pd.DataFrame | None, policy: Policy) -> pd.DataFrame:
    """The input table: a DataFrame, a file or folder of parts, or a ``ray.data.Dataset``.

    A Dataset is gathered here because a synthesizer fits in one process (SDV has no
    distributed fit); the sampling, validation and writing that follow stay on the cluster.
    """
    if isinstance(data, pd.DataFrame):
        frame = check_frame(data, "input DataFrame")
    elif is_ray_dataset(data):
        frame = check_frame(data.to_pandas(), "input ray Dataset")
    elif isinstance(data, (str, Path)):
        frame = read_table(data, policy.data.format)
    elif data is not None:
        raise DataError(f"data must be a path, a pandas DataFrame or a ray Dataset, got {type(data).__name__}")
    elif policy.data.source is not None:
        frame = read_table(policy.data.source, policy.data.format)
    else:
        raise DataError("no input: give data, --input, or data.source in the policy")
    named = list(policy.data.columns) + ([policy.data.primary_key] if policy.data.primary_key else [])
    named += [c for rule in policy.generate.table.constraints for c in rule.columns]
    named += [c for columns in policy.validation.suite_columns().values() for c in columns]
    missing = [c for c in dict.fromkeys(named) if c not in frame.columns]
    if missing:
        raise DataError(f"the policy names column{'s' * (len(missing) > 1)} "
                        f"{', '.join(missing)} that the data does not have")
    return frame


def derived_seeds(seed: int, count: int) -> list[int]:
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(count)]


def split_holdout(frame: pd.DataFrame, share: float, seed: int, target: str | None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Holdout rows are set aside before fitting: the privacy baseline of unseen patients."""
    from sklearn.model_selection import train_test_split

    stratify = None
    if target is not None and frame[target].value_counts().min() >= 2:
        stratify = frame[target].astype(str)
    train, holdout = train_test_split(frame, test_size=share, random_state=seed, stratify=stratify)
    if len(train) < MIN_TRAIN_ROWS or len(holdout) < MIN_HOLDOUT_ROWS:
        raise DataError(f"too few rows ({len(frame)}) to fit and keep a holdout of {share:.0%}; "
                        f"need at least {MIN_TRAIN_ROWS} training and {MIN_HOLDOUT_ROWS} holdout rows")
    return train.reset_index(drop=True), holdout.reset_index(drop=True)


def _check_codes(policy: Policy, sdtypes: dict[str, str]) -> None:
    table = policy.generate.table
    for column in {*table.top_codes, *table.bottom_codes}:
        if sdtypes.get(column) != "numerical":
            raise DataError(f"generate.table top/bottom code on {column!r}: not a modelled numeric column")


def _check_constraints(frame: pd.DataFrame, policy: Policy, sdtypes: dict[str, str]) -> None:
    """Constraints must name modelled columns of a fitting kind and hold on the real rows.

    Checked here because SDV's own error for a broken constraint prints the offending rows.
    """
    for rule in policy.generate.table.constraints:
        label = f"constraint {rule.type} on {', '.join(rule.columns)}"
        outside = [c for c in rule.columns if c not in sdtypes]
        if outside:
            raise DataError(f"{label}: {', '.join(outside)} is an identifier or text column, "
                            "which is never modelled")
        if rule.type != "fixed_combinations":
            wrong = [c for c in rule.columns if sdtypes[c] not in ("numerical", "datetime")]
            if wrong:
                raise DataError(f"{label}: {', '.join(wrong)} must hold numbers or dates")
        broken = int(rule.violated(frame).sum()) if rule.type != "fixed_combinations" else 0
        if broken:
            raise DataError(f"{label}: {broken} input rows break it; fix the data or drop the rule")


def check_suite_columns(policy: Policy, frame: pd.DataFrame, sdtypes: dict[str, str]) -> None:
    """Suites see modelled columns only: a rule on an identifier would fail after the whole fit. A modelled
    column with no value at all has nothing to learn or compare, and fails deep inside a synthesizer."""
    empty = [c for c in sdtypes if c in frame.columns and frame[c].isna().all()]
    if empty:
        raise DataError(f"column{'s' * (len(empty) > 1)} {', '.join(empty)} {'have' if len(empty) > 1 else 'has'} "
                        "no values; drop it from the input")
    for suite, columns in policy.validation.suite_columns().items():
        named = list(dict.fromkeys(columns))
        absent = [c for c in named if c not in frame.columns]
        if absent:
            raise DataError(f"validate.suites.{suite} names {', '.join(absent)}, not in the data")
        outside = [c for c in named if c not in sdtypes]
        if outside:
            raise DataError(f"validate.suites.{suite} names {', '.join(outside)}: identifier and text "
                            "columns are never modelled, so no suite can check them")


def _check_target(frame: pd.DataFrame, target: str | None) -> None:
    if target is not None and frame[target].nunique(dropna=True) < 2:
        raise DataError(f"target column {target!r} has a single class; nothing to balance or learn")


def real_identifier_values(plan: ColumnPlan, frame: pd.DataFrame) -> frozenset[str]:
    return frozenset(comparable(v) for i in plan.identifiers for v in frame[i.column].dropna())


def unique_identifiers(plan: ColumnPlan, frame: pd.DataFrame, policy: Policy):
    """(position, identifier) of the surrogate columns that must hold distinct values."""
    return [(i, ident) for i, ident in enumerate(plan.identifiers) if ident.action == "surrogate"
            and (ident.column == policy.data.primary_key or frame[ident.column].is_unique)]


def assemble_release(synthetic: pd.DataFrame, plan: ColumnPlan, frame: pd.DataFrame, policy: Policy,
              seed: int, fixed: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """Synthetic modelled columns plus fresh identifier surrogates, in the input's order.

    ``fixed`` holds surrogate columns drawn elsewhere (the ray engine's release-wide unique ones).
    """
    out = synthetic.reset_index(drop=True).copy()
    fixed = fixed or {}
    real_values = real_identifier_values(plan, frame)
    unique = {ident.column for _, ident in unique_identifiers(plan, frame, policy)}
    for i, ident in enumerate(plan.identifiers):
        if ident.column in fixed:
            out[ident.column] = fixed[ident.column].to_numpy()
        elif ident.action == "surrogate":
            out[ident.column] = surrogate_column(ident.kind, frame[ident.column], len(out), seed + i,
                                                 policy.scrub.locale, unique=ident.column in unique,
                                                 avoid=real_values)
    return out[[c for c in plan.order if c in out.columns]]


def _check_text_template(policy: Policy, plan: ColumnPlan) -> None:
    """A from_rows template may name only modelled columns: an identifier or note in it would leak or be empty."""
    settings = policy.generate.text
    if settings is None or not settings.template:
        return
    from synthguard.generators.notes_from_rows import template_columns

    try:
        named = template_columns(settings.template)
    except ValueError as error:
        raise DataError(f"generate.text.template: {error}") from None
    unknown = [c for c in named if c not in plan.model]
    if unknown:
        raise DataError(f"generate.text.template names {', '.join(map(repr, unknown))}, which "
                        f"{'is' if len(unknown) == 1 else 'are'} not a modelled column; allowed: "
                        f"{', '.join(plan.model)}")


def synthesize(data: str | Path | pd.DataFrame | None, policy: Policy | str | Path,
               progress: Progress | None = None) -> Release:
    """Run the policy on a table (path, DataFrame, or the policy's own source)."""
    policy = policy if isinstance(policy, Policy) else load_policy(policy)
    progress = progress or Progress()
    table = policy.generate.table
    timings: dict[str, float] = {}
    started = time.perf_counter()
    split_seed, fit_seed, surrogate_seed, *sample_seeds = derived_seeds(
        table.seed, 3 + policy.validation.max_filter_rounds + 1)

    if policy.relational is not None:
        if data is not None:
            raise DataError("a relational policy reads its tables from relational.tables; give no input")
        from synthguard.relational.flow import synthesize_tables

        return synthesize_tables(policy, progress)
    frame = read_input(data, policy)
    if policy.generate.text is not None and TEXT_MODES[policy.generate.text.mode].instruction_data:
        from synthguard.pipeline_instructions import synthesize_instructions

        return synthesize_instructions(frame, policy, progress)
    with progress.step("scanning columns for identifiers"):
        plan = plan_columns(frame, policy)
        if not plan.model:
            raise DataError("no column left to model once identifiers and free text are set aside")
        kept = [i.column for i in plan.identifiers if i.action == "keep"]
        if kept:
            raise DataError(f"identifier action 'keep' is for scrub only; synth never releases real "
                            f"identifiers ({', '.join(kept)}): use surrogate or drop")
        sdtypes = settle_sdtypes(frame, plan, policy)
    _check_target(frame, policy.data.target)
    check_suite_columns(policy, frame, sdtypes)
    _check_constraints(frame, policy, sdtypes)
    _check_codes(policy, sdtypes)
    _check_text_template(policy, plan)
    train, holdout = split_holdout(frame[plan.model], policy.validation.holdout, split_seed,
                                   policy.data.target if policy.data.target in plan.model else None)
    timings["prepare"] = time.perf_counter() - started

    generaliser = RareCategoryGeneraliser(table.min_category_count, table.rare_category_label, table.top_codes,
                                          table.bottom_codes)
    generaliser.fit(train, sdtypes)
    train, holdout = generaliser.code(train), generaliser.code(holdout)
    generator = TABLE_GENERATORS[table.synthesizer](table.parameters, table.constraints, sdtypes)
    try:
        generator.check_columns(sdtypes)
    except ValueError as error:
        raise DataError(f"generate.table: {error}") from None
    draw = _drawer(generator, table, policy.data.target, train)  # unknown classes stop the run before fitting
    rows = table.num_rows(len(frame))
    if rows > MAX_SYNTHETIC_ROWS:  # scale times a large input: refused before the fit, not after
        raise DataError(f"generate.table.scale {table.scale} asks for {rows:,} synthetic rows; the most is "
                        f"{MAX_SYNTHETIC_ROWS:,}")
    if policy.engine == "ray":
        from synthguard.engines.ray_engine import start_ray

        start_ray()  # fail on a missing extra before the fit, not after
    tick = time.perf_counter()
    with (progress.step(f"fitting {table.synthesizer} on {len(train)} rows"),
          opaque_errors(f"fitting {table.synthesizer}", GenerationError)):
        generator.fit(generaliser.transform(train), seed=fit_seed)
    timings["fit"] = time.perf_counter() - tick

    suites = build_suites(policy.validation)
    tick = time.perf_counter()
    cluster = None
    with opaque_errors(f"sampling {table.synthesizer}", GenerationError):
        if policy.engine == "ray":
            from synthguard.pipeline_ray import sample_for_release

            cluster = sample_for_release(draw, generaliser, rows, sample_seeds, suites, train, holdout, sdtypes, plan,
                                     frame, policy, surrogate_seed, progress)
            synthetic, released, filtered = cluster.synthetic_sample, cluster.released_sample, cluster.dropped
        else:
            synthetic, filtered = sample_filtered(draw, generaliser, rows, sample_seeds, suites,
                                                   lambda s: context_for(policy, train, holdout, s, sdtypes),
                                                   progress)
    timings["sample"] = time.perf_counter() - tick

    tick = time.perf_counter()
    if cluster is None:
        # Assembled before the gate so that the privacy suite scans what would be released.
        released = assemble_release(generaliser.restore_dtypes(synthetic), plan, frame, policy, surrogate_seed)
    timings["assemble"] = time.perf_counter() - tick
    tick = time.perf_counter()
    known = frozenset(comparable(v) for i in plan.identifiers if i.kind not in DATE_KINDS
                      for v in frame[i.column].dropna() if len(str(v)) >= 4)
    modelled = released[[c for c in plan.model if c in released.columns]] if released is not None else None
    generated = generate_text_columns(frame, plan.text, policy, derived_seeds(table.seed + 1, 1)[0], progress, known,
                                      modelled, pd.concat([train, holdout], ignore_index=True))
    timings["text"] = time.perf_counter() - tick
    tick = time.perf_counter()
    context = context_for(policy, train, holdout, synthetic, sdtypes, released, frame, plan, generated)
    if cluster is not None:
        context.population_rows, context.copies = cluster.released.rows, cluster.copies
        context.unique_copies = cluster.unique_copies
    checks = run_suites(suites, context, progress)
    timings["validate"] = time.perf_counter() - tick
    tick = time.perf_counter()
    figures = build_figures(context, checks, table.min_category_count)
    timings["figures"] = time.perf_counter() - tick
    timings["total"] = time.perf_counter() - started

    notes = [f"column scan: {note}" for note in plan.notes]
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
    guarantee = generator.guarantee() if hasattr(generator, "guarantee") else None
    if guarantee:
        notes.append(f"differential privacy: {guarantee['mechanism']}, epsilon {guarantee['epsilon']:g}, delta "
                     f"{guarantee['delta']:g}, on the modelled columns of the training rows (identifiers are "
                     "surrogates, free text is not covered); the checks above are measured on top of it"
                     + ("" if guarantee.get("reproducible", True) else "; its noise comes from a secure generator, "
                        "so the same data, policy and seed give a different release each run"))
    if filtered:
        notes.append(f"action filter dropped {filtered} synthetic rows and sampled again")
    if cluster is not None and len(synthetic) < cluster.released.rows:
        notes.append(f"engine ray: the suites read a seeded sample of {len(synthetic)} of {cluster.released.rows} "
                     "synthetic rows (validate.max_rows); exact copies were counted on every row")
    report = Report(
        policy_name=policy.name, policy_sha256=policy.digest(), seed=table.seed, checks=checks,
        generator=table.synthesizer if not guarantee else
        f"{table.synthesizer} (epsilon {guarantee['epsilon']:g}, delta {guarantee['delta']:g})",
        rows={"input": len(frame), "train": len(train), "holdout": len(holdout),
              "synthetic": len(synthetic) if cluster is None else cluster.released.rows,
              **({"validated_sample": len(synthetic)} if cluster is not None else {})},
        columns={**plan.to_dict(), "sdtypes": sdtypes, "generalised": generaliser.generalised_},
        notes=notes, timings=timings, figures=figures)
    texts = pd.DataFrame([{"column": c, "text": t, **({"row": r.rows[k]} if r.rows is not None else {})}
                          for c, r in generated.items() for k, t in enumerate(r.texts)]) if generated else None
    passed = report.passed
    return Release(data=released if passed and cluster is None else None, texts=texts if passed else None,
                   parts=cluster.released if passed and cluster is not None else None,
                   partition_cpus=policy.ray.cpus_per_actor, license=policy.release.license,
                   description=policy.description, report=report, formats=tuple(policy.release.formats))


def class_counts(shares: dict[str, float], rows: int) -> dict[str, int]:
    """Rows per class, largest remainder first, summing to ``rows``."""
    exact = {label: share * rows for label, share in shares.items()}
    counts = {label: int(value) for label, value in exact.items()}
    for label in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[: rows - sum(counts.values())]:
        counts[label] += 1
    return counts


def _drawer(generator, table, target: str | None, train: pd.DataFrame):
    """draw(rows, seed): plain sampling, or conditional sampling to the policy's target distribution."""
    if table.target_distribution is None:
        return generator.sample
    if type(generator).sample_conditioned is TableGenerator.sample_conditioned:
        raise DataError(f"generator {generator.name} cannot sample to a target distribution; "
                        "drop generate.table.target_distribution or pick an SDV synthesizer")
    labels = {category_strings(pd.Series([v], dtype=train[target].dtype)).iloc[0]: v
              for v in train[target].dropna().unique()}
    unknown = [k for k in table.target_distribution if k not in labels]
    if unknown:
        raise DataError(f"target_distribution names class{'es' * (len(unknown) > 1)} {', '.join(unknown)} "
                        f"that {target!r} does not have in the training rows; classes: {', '.join(sorted(labels))}")

    def draw(rows: int, seed: int) -> pd.DataFrame:
        counts = class_counts(table.target_distribution, rows)
        return generator.sample_conditioned(target, {labels[k]: n for k, n in counts.items()}, seed)

    return draw


def sample_filtered(draw, generaliser, rows, seeds, suites, make_context, progress):
    """Sample, drop rows a ``filter`` suite rejects, and sample again to refill, a bounded number of times."""
    filtering = any(action == "filter" for _, action in suites)
    label = f"sampling {rows} rows" + (f", up to {len(seeds)} rounds of filtering" if filtering else "")
    with progress.step(label, total=len(seeds) if filtering else None) as advance:
        synthetic = generaliser.transform(draw(rows, seeds[0]))
        advance()
        dropped = 0
        for seed in seeds[1:]:
            mask = rejected_rows(suites, make_context(synthetic))
            if not mask.any():
                break
            dropped += int(mask.sum())
            kept = synthetic[~mask]
            refill = generaliser.transform(draw(rows - len(kept), seed))
            synthetic = pd.concat([kept, refill], ignore_index=True)
            advance()
        else:
            mask = rejected_rows(suites, make_context(synthetic))
            dropped += int(mask.sum())
            synthetic = synthetic[~mask].reset_index(drop=True)
    return synthetic.reset_index(drop=True), dropped
