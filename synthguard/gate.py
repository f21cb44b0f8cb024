"""The policy gate: build the enabled suites, run them, and filter records for ``action: filter``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from synthguard.column_types import parse_frame, parse_masks
from synthguard.errors import opaque_errors
from synthguard.policy import Policy, ValidateSection
from synthguard.progress import Progress
from synthguard.validators import SUITES, Check, Suite, ValidationContext

DATE_KINDS = ("date", "date_of_birth")
# Identifier kinds whose released values may equal real ones by design: dates collide by chance, and a row
# number is renumbered from the real start.
NOT_COMPARED_KINDS = (*DATE_KINDS, "row_number")


def build_suites(section: ValidateSection) -> list[tuple[Suite, str]]:
    """(suite, action) for each enabled suite, in registry order."""
    suites = []
    for name, cls in SUITES.items():
        config = getattr(section.suites, name)
        if not config.enabled:
            continue
        action = config.action or section.action
        suite = cls(config, "warn" if action == "warn" else "fail")
        suite.underpowered = section.underpowered
        suites.append((suite, action))
    return suites


def run_suites(suites: list[tuple[Suite, str]], ctx: ValidationContext,
               progress: Progress) -> list[Check]:
    checks: list[Check] = []
    with progress.step("validating", total=len(suites)) as advance:
        for suite, _ in suites:
            with opaque_errors(f"validation suite {suite.name}"):
                checks.extend(suite.run(ctx))
            advance()
    return checks


def filters(suites: list[tuple[Suite, str]]) -> bool:
    """Whether a suite has ``action: filter``: rows are then judged between sampling rounds."""
    return any(action == "filter" for _, action in suites)


def rejected_rows(suites: list[tuple[Suite, str]], ctx: ValidationContext) -> np.ndarray:
    """Rows that a suite with ``action: filter`` rejects on their own."""
    mask = np.zeros(len(ctx.synthetic), dtype=bool)
    for suite, action in suites:
        if action == "filter":
            rejected = suite.reject(ctx)
            if rejected is not None:
                mask |= np.asarray(rejected, dtype=bool)
    return mask


def context_for(policy: Policy, train: pd.DataFrame, holdout: pd.DataFrame,
                synthetic: pd.DataFrame, sdtypes: dict[str, str], released: pd.DataFrame | None = None,
                real: pd.DataFrame | None = None, plan=None, generated_text=None, **counted) -> ValidationContext:
    """What the suites read; ``released``, ``real`` and ``plan`` (a ColumnPlan) feed the residual-PII scan.
    ``counted``: more ValidationContext fields (copies an engine counted on every row, holdout patients).

    With ``plan``, every table is read through its column types: a synthetic value that does not read as its
    column's type (a ``_RARE_`` in a date column) is counted for the types suite and missing from then on."""
    columns = list(sdtypes)
    types = {c: t for c, t in plan.types.items() if c in sdtypes} if plan else {}
    train, _ = parse_frame(train[columns], types)
    holdout, _ = parse_frame(holdout[columns], types)
    synthetic, unreadable = parse_masks(synthetic[columns], types)
    return ValidationContext(
        types=types, unreadable=unreadable, rare_label=policy.generate.table.rare_category_label,
        surrogate_columns=[i.column for i in plan.identifiers if i.action == "surrogate"] if plan else [],
        released=released, real=real, scrub_settings=policy.scrub, generated_text=generated_text or {},
        # A shared date is no evidence of a leak: 300 birth dates collide by chance.
        identifier_columns=[i.column for i in plan.identifiers if i.kind not in NOT_COMPARED_KINDS] if plan else [],
        text_columns=list(plan.text) if plan else [],
        train=train, holdout=holdout, synthetic=synthetic,
        sdtypes=sdtypes, target=policy.data.target if policy.data.target in sdtypes else None,
        target_shares=policy.generate.table.target_distribution,
        protected=[c for c in policy.data.with_role("protected") if c in sdtypes],
        quasi_identifiers=[c for c in policy.data.with_role("quasi_identifier") if c in sdtypes],
        sensitive=[c for c in policy.data.with_role("sensitive") if c in sdtypes],
        constraints=list(policy.generate.table.constraints), seed=policy.generate.table.seed, **counted)


def with_synthetic(evidence: ValidationContext, synthetic: pd.DataFrame) -> ValidationContext:
    """``evidence`` (a ``context_for`` built once, its synthetic rows empty) reading ``synthetic`` instead: what
    a filter suite judges each draw with, with no policy and no input table at hand (engines.SampleJob)."""
    rows, unreadable = parse_masks(synthetic[list(evidence.sdtypes)], evidence.types)
    return replace(evidence, synthetic=rows, unreadable=unreadable)
