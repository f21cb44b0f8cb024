"""Validate tables made elsewhere: the same suites and thresholds as the synth gate."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from synthguard.column_types import parse_frame
from synthguard.data import check_frame
from synthguard.errors import DataError
from synthguard.gate import build_suites, context_for, run_suites
from synthguard.policy import Policy
from synthguard.progress import Progress
from synthguard.release import Outcome, report_of
from synthguard.report import Report
from synthguard.report.figures import build_figures
from synthguard.scrub.columns import MAX_CLASS_CODES, ColumnRules, column_types, plan_columns, settle_sdtypes
from synthguard.steps import MIN_HOLDOUT_ROWS, check_suite_columns, split_holdout

MIN_SYNTHETIC_ROWS = 5  # fewer, and a distribution test or a nearest-neighbour ratio has nothing to read


def type_sdtypes(frame: pd.DataFrame, plan, policy: Policy) -> dict[str, str]:
    """Each column's sdtype read from its values (``plan.types``, settled here), not from the dtype its reader
    gave it: what SDV's detection says for plain columns, without its id and PII guesses (it once called a
    weight column an id). A label column (target, protected) with few codes is categorical, as
    ``settle_sdtypes`` decides."""
    labels = {*policy.data.with_role("target"), *policy.data.with_role("protected")}
    plan.types = column_types(frame, plan.model, ColumnRules.of(policy))
    typed, _ = parse_frame(frame[plan.model], plan.types)
    storage = {"bool": "boolean", "date": "datetime", "text": "categorical"}
    sdtypes = {}
    for column, kind in plan.types.items():
        if kind.storage == "number":
            few = column in labels and typed[column].nunique() <= MAX_CLASS_CODES
            sdtypes[column] = "categorical" if few else "numerical"
        else:
            sdtypes[column] = storage[kind.storage]
    return sdtypes


def _holdout(real: pd.DataFrame, holdout: pd.DataFrame | None, plan, policy: Policy, notes: list[str]
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real rows and the holdout, read through the real columns' types; one split off ``real`` when none is
    given (said in ``notes``)."""
    if holdout is None:
        real, holdout = split_holdout(real[plan.model], policy.validation.holdout,
                                      policy.generate.table.seed, policy.data.target)
        notes.append("no holdout given: one was split off the real table; if the generator saw "
                     "those rows, the privacy baselines are lenient")
    else:
        holdout = check_frame(holdout, "holdout")
        lacking = [c for c in plan.model if c not in holdout.columns]
        if lacking:
            raise DataError(f"the holdout lacks column{'s' * (len(lacking) > 1)} {', '.join(lacking)}")
        holdout, unread = parse_frame(holdout, plan.types)
        for column, cells in unread.items():
            if cells > max(plan.types[column].dirty, 0) and cells >= 0.5 * holdout[column].size:
                raise DataError(f"holdout column {column!r}: {cells} of {len(holdout)} cells do not read as "
                                f"{plan.types[column].storage}s as the real column's do")
    if len(holdout) < MIN_HOLDOUT_ROWS:
        raise DataError(f"the holdout has {len(holdout)} row{'s' * (len(holdout) != 1)}; the privacy baselines "
                        f"need at least {MIN_HOLDOUT_ROWS}")
    return real, holdout


def validate_tables(real: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame | None,
                    policy: Policy, target: str | None = None, protected: tuple[str, ...] = (),
                    progress: Progress | None = None, holdout_groups=None, scan: bool = True,
                    known: pd.DataFrame | None = None) -> Report:
    """Check ``synthetic`` against ``real`` (and ``holdout``, real rows the generator never saw).

    ``holdout_groups`` names the patient of each holdout row where a patient has several (a child table).
    ``scan``: look for identifier columns the policy does not name (Presidio on sampled values, SDV's type
    detection); without it every column the policy does not call an identifier or text is compared, typed
    by its values. ``known``: more real rows whose values a release may hold (the types suite's foreign values),
    such as the same rows before rare codes were coarsened."""
    started = time.perf_counter()
    real, synthetic = check_frame(real, "real"), check_frame(synthetic, "synthetic")
    full_real = real
    if target and target not in real.columns:
        raise DataError(f"target column {target!r} is not in the real table")
    for column in protected:
        if column not in real.columns:
            raise DataError(f"protected column {column!r} is not in the real table")
    # The caller's policy stays as it is: the options make a new one.
    policy = policy.overridden(target=target or None, roles={c: ["protected"] for c in protected},
                               detect_unlisted=None if scan else False)
    missing = [c for c in real.columns if c not in synthetic.columns]
    if scan:
        plan = plan_columns(real, ColumnRules.of(policy))
        sdtypes = settle_sdtypes(real, plan, ColumnRules.of(policy))
    else:
        plan = plan_columns(real, ColumnRules.of(policy))
        sdtypes = type_sdtypes(real, plan, policy)
    # Every table is read through the real table's column types: the same verdict whether a reader parsed the
    # dates or not, and codes read as numbers in one table and text in another compare as the same codes.
    real, _ = parse_frame(real, plan.types)
    check_suite_columns(policy, real, sdtypes)
    for rule in policy.generate.table.constraints:
        outside = [c for c in rule.columns if c not in sdtypes]
        if outside:
            raise DataError(f"constraint {rule.type} on {', '.join(rule.columns)}: {', '.join(outside)} is not "
                            "compared (an identifier, text, or a date column the policy does not name)")
    absent = [c for c in plan.model if c in missing]
    if absent:
        raise DataError(f"the synthetic table lacks column{'s' * (len(absent) > 1)} {', '.join(absent)}")
    notes = []
    holdout_given = holdout is not None
    real, holdout = _holdout(real, holdout, plan, policy, notes)
    if len(synthetic) < MIN_SYNTHETIC_ROWS:
        raise DataError(f"the synthetic table has {len(synthetic)} row{'s' * (len(synthetic) != 1)}; the checks "
                        f"need at least {MIN_SYNTHETIC_ROWS}")
    ctx = context_for(
        policy, real, holdout, synthetic, sdtypes, released=synthetic, real=full_real, plan=plan,
        # a holdout split off here has no patients to group
        holdout_groups=np.asarray(holdout_groups) if holdout_groups is not None and holdout_given else None,
        known_values=parse_frame(known[[c for c in sdtypes if c in known.columns]], plan.types)[0]
        if known is not None else None)
    checks = run_suites(build_suites(policy.validation), ctx, progress or Progress())
    return report_of(Outcome(
        checks=checks, generator="external",
        rows={"train": len(real), "holdout": len(holdout), "synthetic": len(synthetic)},
        columns={**plan.to_dict(), "sdtypes": sdtypes, "generalised": {}}, notes=notes,
        timings={"total": time.perf_counter() - started},
        figures=build_figures(ctx, checks, policy.generate.table.min_category_count)), policy)
