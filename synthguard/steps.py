"""The table flow's steps, each small and testable alone: settle the schema (every input check), split, sample
with filtering.

``flows.table.synthesize_table`` runs them in order; the engines (synthguard/engines) run the sampling step in one
process or per partition on Ray, and assemble identifiers with ``scrub.surrogate_plan.SurrogatePlan``; the
relational flow and ``validate_tables`` reuse the split.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthguard.column_types import parse_frame
from synthguard.data import class_counts  # noqa: F401 - used by drawer, kept importable here
from synthguard.errors import DataError
from synthguard.gate import filters, rejected_rows, with_synthetic
from synthguard.generators.base import TableGenerator
from synthguard.measures.categories import category_strings
from synthguard.policy import Policy
from synthguard.scrub.columns import ColumnPlan, ColumnRules, plan_columns, settle_sdtypes
from synthguard.scrub.surrogate_plan import SurrogatePlan, birth_date_columns

MIN_TRAIN_ROWS = 20
MIN_HOLDOUT_ROWS = 5


@dataclass(frozen=True)
class TableSchema:
    """A table's columns settled once, at the boundary, before anything is fitted: what each column is (the
    column plan: identifiers, free text, modelled columns and their types), each modelled column's sdtype, how
    identifiers are released, and the constraints. Every input check that needs no fit has passed by the time
    one exists (the surrogates' room is checked once the row count is known, still before the fit)."""

    plan: ColumnPlan
    sdtypes: dict[str, str]
    notes: tuple[str, ...]  # dirty cells read as missing (data.dirty_values: missing)
    surrogates: SurrogatePlan  # how each identifier column is released: shapes and fingerprints, no real value
    constraints: tuple  # the policy's constraints, each checked against these columns and the real rows


def settle_table(frame: pd.DataFrame, policy: Policy, progress) -> tuple[TableSchema, pd.DataFrame]:
    """The column scan and every input check that needs no fit; returns the schema and the modelled columns
    read as their types (dates as dates, numbers as numbers)."""
    with progress.step("scanning columns for identifiers"):
        plan = plan_columns(frame, ColumnRules.of(policy))
        if not plan.model:
            raise DataError("no column left to model once identifiers and free text are set aside")
        kept = [i.column for i in plan.identifiers if i.action == "keep"]
        if kept:
            raise DataError(f"identifier action 'keep' is for scrub only; synth never releases real "
                            f"identifiers ({', '.join(kept)}): use surrogate or drop")
        sdtypes = settle_sdtypes(frame, plan, ColumnRules.of(policy))
    notes = check_dirty(policy, plan)
    for ident in plan.judged_by_values():  # a measurement taken for an identifier must not pass unseen
        progress.notice(f"column {ident.column!r} was judged an identifier from its values ({ident.reason}); it "
                        f"is released as {ident.kind} surrogates" if ident.action == "surrogate" else
                        f"column {ident.column!r} was judged an identifier from its values ({ident.reason}); "
                        "it is dropped")
    typed, _ = parse_frame(frame[plan.model], plan.types)
    check_target(typed, policy.data.target)
    check_suite_columns(policy, typed, sdtypes, list(frame.columns))
    check_constraints(typed, policy, sdtypes)
    check_codes(policy, sdtypes)
    check_birth_dates(policy, sdtypes)
    check_text_template(policy, plan)
    surrogates = SurrogatePlan.learn(plan, frame, policy.data.primary_key, policy.scrub.locale,
                                     birth_date_columns(policy.data.columns))
    return TableSchema(plan, sdtypes, tuple(notes), surrogates, tuple(policy.generate.table.constraints)), typed


def text_scrubber(policy: Policy, frame: pd.DataFrame, seed: int):
    """The release's TextScrubber: its surrogates are keyed on the input, the policy and the seed, so that a
    name gets the same surrogate everywhere in one release and a different one in the next."""
    from synthguard.data import frame_digest
    from synthguard.scrub.operators import release_key
    from synthguard.scrub.scrubber import TextScrubber

    return TextScrubber(policy.scrub, release_key(frame_digest(frame, policy.digest(), seed)))


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


def check_codes(policy: Policy, sdtypes: dict[str, str]) -> None:
    table = policy.generate.table
    for column in {*table.top_codes, *table.bottom_codes}:
        if sdtypes.get(column) != "numerical":
            raise DataError(f"generate.table top/bottom code on {column!r}: not a modelled numeric column")


def check_constraints(frame: pd.DataFrame, policy: Policy, sdtypes: dict[str, str]) -> None:
    """Constraints must name modelled columns of a fitting kind and hold on the real rows (a column the data
    lacks is refused earlier, by ``data.read_input``).

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


def check_suite_columns(policy: Policy, frame: pd.DataFrame, sdtypes: dict[str, str],
                        columns: list[str] | None = None) -> None:
    """Suites see modelled columns only: a rule on an identifier would fail after the whole fit. A modelled
    column with no value at all has nothing to learn or compare, and fails deep inside a synthesizer.
    ``columns``: every column of the input, when ``frame`` holds only the modelled ones."""
    present = set(frame.columns if columns is None else columns)
    empty = [c for c in sdtypes if c in frame.columns and frame[c].isna().all()]
    if empty:
        raise DataError(f"column{'s' * (len(empty) > 1)} {', '.join(empty)} {'have' if len(empty) > 1 else 'has'} "
                        "no values; drop it from the input")
    for suite, columns in policy.validation.suite_columns().items():
        named = list(dict.fromkeys(columns))
        absent = [c for c in named if c not in present]
        if absent:
            raise DataError(f"validate.suites.{suite} names {', '.join(absent)}, not in the data")
        outside = [c for c in named if c not in sdtypes]
        if outside:
            raise DataError(f"validate.suites.{suite} names {', '.join(outside)}: identifier and text "
                            "columns are never modelled, so no suite can check them")


def check_target(frame: pd.DataFrame, target: str | None) -> None:
    if target is not None and frame[target].nunique(dropna=True) < 2:
        raise DataError(f"target column {target!r} has a single class; nothing to balance or learn")


def check_dirty(policy: Policy, plan: ColumnPlan) -> list[str]:
    """Cells of number and date columns that do not read as one: refused, or counted as missing (the notes)."""
    dirty = {c: t for c, t in plan.types.items() if t.dirty}
    if dirty and policy.data.dirty_values == "refuse":
        column, kind = next(iter(dirty.items()))
        raise DataError(f"column {column!r}: {kind.dirty} cell{'s' * (kind.dirty > 1)} do not read as "
                        f"{'numbers' if kind.storage == 'number' else 'dates'} (data.dirty_values: refuse); fix "
                        "them, or set dirty_values: missing")
    return [f"column {c!r} holds {'numbers' if t.storage == 'number' else 'dates'}: {t.dirty} cell"
            f"{'s' * (t.dirty > 1)} that do not read as such were read as missing (data.dirty_values)"
            for c, t in dirty.items()]


def check_birth_dates(policy: Policy, sdtypes: dict[str, str]) -> None:
    for column, spec in policy.data.columns.items():
        if spec.age is None:
            continue
        for name, wanted in ((spec.age, "numerical"), (spec.age_on, "datetime")):
            if sdtypes.get(name) != wanted:
                raise DataError(f"data.columns.{column}: {name!r} must be a modelled "
                                f"{'number' if wanted == 'numerical' else 'date'} column")


def check_text_template(policy: Policy, plan: ColumnPlan) -> None:
    """A from_rows template may name only modelled columns: an identifier or note in it would leak or be empty."""
    settings = policy.generate.text
    if settings is None or not settings.template:
        return
    from synthguard.generators.notes_from_rows import template_columns  # the text modes load the scrubber


    try:
        named = template_columns(settings.template)
    except ValueError as error:
        raise DataError(f"generate.text.template: {error}") from None
    unknown = [c for c in named if c not in plan.model]
    if unknown:
        raise DataError(f"generate.text.template names {', '.join(map(repr, unknown))}, which "
                        f"{'is' if len(unknown) == 1 else 'are'} not a modelled column; allowed: "
                        f"{', '.join(plan.model)}")


def drawer(generator, table, target: str | None, train: pd.DataFrame):
    """draw(rows, seed): plain sampling, or conditional sampling to the policy's target distribution."""
    if table.target_distribution is None:
        return generator.sample
    conditions = generator.conditions() if hasattr(generator, "conditions") else \
        type(generator).sample_conditioned is not TableGenerator.sample_conditioned
    if not conditions:
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


def sample_filtered(draw, generaliser, rows, seeds, suites, evidence, progress):
    """Sample, drop rows a ``filter`` suite rejects, and sample again to refill, a bounded number of times.

    ``evidence``: what the filter suites compare a draw with (``gate.with_synthetic``); None when none filters."""
    filtering = evidence is not None and filters(suites)
    label = f"sampling {rows} rows" + (f", up to {len(seeds)} rounds of filtering" if filtering else "")
    with progress.step(label, total=len(seeds) if filtering else None) as advance:
        synthetic = generaliser.transform(draw(rows, seeds[0]))
        advance()
        dropped = 0
        if not filtering:
            return synthetic.reset_index(drop=True), dropped
        for seed in seeds[1:]:
            mask = rejected_rows(suites, with_synthetic(evidence, synthetic))
            if not mask.any():
                break
            dropped += int(mask.sum())
            kept = synthetic[~mask]
            refill = generaliser.transform(draw(rows - len(kept), seed))
            synthetic = pd.concat([kept, refill], ignore_index=True)
            advance()
        else:
            mask = rejected_rows(suites, with_synthetic(evidence, synthetic))
            dropped += int(mask.sum())
            synthetic = synthetic[~mask].reset_index(drop=True)
    return synthetic.reset_index(drop=True), dropped
