"""The table flow's steps, each small and testable alone: split, check, sample with filtering, assemble.

``pipeline.synthesize`` runs them in order; the engines (synthguard/engines) run the sampling and assembly
steps in one process or per partition on Ray; the relational flow and ``validate_tables`` reuse the split.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthguard.column_types import restore_frame
from synthguard.data import class_counts  # noqa: F401 - used by drawer, kept importable here
from synthguard.errors import DataError
from synthguard.gate import rejected_rows
from synthguard.generators.base import TableGenerator
from synthguard.policy import Policy
from synthguard.scrub.columns import ColumnPlan
from synthguard.scrub.surrogates import birth_dates, comparable, like, surrogate_column
from synthguard.validators.base import category_strings

MIN_TRAIN_ROWS = 20
MIN_HOLDOUT_ROWS = 5


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


def check_target(frame: pd.DataFrame, target: str | None) -> None:
    if target is not None and frame[target].nunique(dropna=True) < 2:
        raise DataError(f"target column {target!r} has a single class; nothing to balance or learn")


def real_identifier_values(plan: ColumnPlan, frame: pd.DataFrame) -> frozenset[str]:
    return frozenset(comparable(v) for i in plan.identifiers if i.kind != "row_number"
                     for v in frame[i.column].dropna())


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


def unique_identifiers(plan: ColumnPlan, frame: pd.DataFrame, policy: Policy):
    """(position, identifier) of the surrogate columns that must hold distinct values."""
    return [(i, ident) for i, ident in enumerate(plan.identifiers) if ident.action == "surrogate"
            and (ident.column == policy.data.primary_key or frame[ident.column].is_unique)]


def check_surrogates(plan: ColumnPlan, frame: pd.DataFrame, policy: Policy, rows: int, seed: int) -> None:
    """Every column that must hold distinct surrogates gets them, drawn as the release will draw them (same
    seeds), right after the column scan: a shape too narrow is an input error in seconds, not after the fit."""
    real_values = real_identifier_values(plan, frame)
    for i, ident in unique_identifiers(plan, frame, policy):
        try:
            surrogate_column(ident.kind, frame[ident.column], rows, seed + i, policy.scrub.locale, unique=True,
                             avoid=real_values)
        except DataError as error:
            raise DataError(f"identifier column {ident.column!r}: {error}") from None


def assemble_release(synthetic: pd.DataFrame, plan: ColumnPlan, frame: pd.DataFrame, policy: Policy,
              seed: int, fixed: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """Synthetic modelled columns plus fresh identifier surrogates, in the input's order.

    ``fixed`` holds surrogate columns drawn elsewhere (the ray engine's release-wide unique ones).
    """
    out = synthetic.reset_index(drop=True).copy()
    fixed = fixed or {}
    unique = {ident.column for _, ident in unique_identifiers(plan, frame, policy)}
    real_values = real_identifier_values(plan, frame)
    for i, ident in enumerate(plan.identifiers):
        if ident.column in fixed:
            out[ident.column] = fixed[ident.column].to_numpy()
        elif ident.action == "surrogate":
            values = surrogate_column(ident.kind, frame[ident.column], len(out), seed + i,
                                      policy.scrub.locale, unique=ident.column in unique, avoid=real_values)
            out[ident.column] = with_missing_like(values, frame[ident.column], seed + i)
    for i, ident in enumerate(plan.identifiers):
        spec = policy.data.columns.get(ident.column)
        if ident.action == "surrogate" and ident.column not in fixed and spec is not None and spec.age is not None:
            out[ident.column] = like(birth_dates(out[spec.age], out[spec.age_on], seed + i, frozenset(
                comparable(v) for v in frame[ident.column].dropna())), frame[ident.column])
    out = restore_frame(out, plan.types)  # dates in the input's format, whole numbers as integers
    return out[[c for c in plan.order if c in out.columns]]


def with_missing_like(values: pd.Series, real: pd.Series, seed: int) -> pd.Series:
    """Surrogates blank in about the share of rows the real column is blank in (seeded): a death time known for
    one patient in ten must not be released for every row."""
    share = float(real.isna().mean())
    if share == 0:
        return values
    blank = np.random.default_rng(seed % 2**32).random(len(values)) < share
    return like(values.astype(object).where(~blank, None), real)


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
