"""The relational gate: every suite per table, the privacy suite per patient, and the checks across tables.

Each table is judged on its own modelled columns (dates as offsets). A table with one modelled column (a
diagnosis code) gets no row-level privacy suite: every synthetic row equals some real row by construction;
its privacy is judged per parent (a copied code set) and per patient. Real rows are taken at the release's
granularity (rare codes as their category or the rare label, as they were fitted); the report lists what was
generalised.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from synthguard.policy import DataSection, Policy
from synthguard.progress import Progress
from synthguard.relational import checks as across
from synthguard.relational.keys import root_of
from synthguard.sections.relational import RelationalSection
from synthguard.validation import validate_tables
from synthguard.validators.base import Check

PROFILE = "patient profile"


@dataclass
class Fitted:
    """Everything one relational run made: real splits (raw and encoded), synthetic (encoded and released)."""

    section: RelationalSection
    plans: dict
    coarseners: dict
    real: dict[str, pd.DataFrame]
    train: dict[str, pd.DataFrame]
    holdout: dict[str, pd.DataFrame]
    encoded_train: dict[str, pd.DataFrame]
    encoded_holdout: dict[str, pd.DataFrame]
    encoded: dict[str, pd.DataFrame]
    released: dict[str, pd.DataFrame]


def _tagged(checks: list[Check], label: str) -> list[Check]:
    return [replace(check, suite=f"{check.suite} [{label}]") for check in checks]


def view(run: Fitted, name: str, tables: dict[str, pd.DataFrame], coarse: bool) -> pd.DataFrame:
    """The table's modelled columns, real ones at the release's granularity."""
    own = run.coarseners[name].transform(tables[name]) if coarse else tables[name]
    return own[run.plans[name].model].reset_index(drop=True)


def judge_policy(policy: Policy, columns: dict | None = None, only: str | None = None,
                 without: str | None = None) -> Policy:
    """The table's roles, no second column scan (the first found no identifier among these columns)."""
    off = {suite: {"enabled": False} for suite in type(policy.validation.suites).model_fields
           if suite == without or (only is not None and suite != only)}
    sub = policy.updated({"scrub": {"detect_unlisted": False}, "validate": {"suites": off}})
    if columns is None:
        return sub
    return sub.model_copy(update={"data": DataSection.model_validate({"columns": columns})})


def profiles(run: Fitted, tables: dict[str, pd.DataFrame], coarse: bool) -> pd.DataFrame:
    """One row per patient: the root's columns, how many rows of each table are theirs, and the first
    child's dates of each table under the root (age at first admission, its length of stay)."""
    section = run.section
    root = section.root()
    key = section.tables[root].primary_key
    profile = view(run, root, tables, coarse)
    keys = tables[root][key].reset_index(drop=True)
    for name, spec in section.tables.items():
        if spec.parent is None:
            continue
        owners = root_of(tables, section, name)
        profile[f"{name} rows"] = keys.map(owners.value_counts()).fillna(0).astype(int).to_numpy()
        if spec.parent == root:
            first = tables[name].assign(_owner=owners.to_numpy()).drop_duplicates("_owner").set_index("_owner")
            for column in [c for c in spec.dates() if c in run.plans[name].model]:
                profile[f"first {name} {column}"] = keys.map(first[column]).to_numpy()
    return profile


def judge(policy: Policy, run: Fitted, progress: Progress) -> tuple[list[Check], dict]:
    section = run.section
    coarse_real = {name: run.coarseners[name].transform(frame) for name, frame in run.real.items()}
    checks: list[Check] = across.integrity(run.released, section)
    checks += across.child_counts(run.encoded, run.encoded_train, run.encoded_holdout, section)
    checks += across.event_order(run.released, run.train, section)
    checks += across.copied_code_sets(run.released, coarse_real, section)
    figures: dict = {}
    for name in section.parents_first():
        plan = run.plans[name]
        one_column = len(plan.model) < 2
        groups = root_of(run.encoded_holdout, section, name).to_numpy() if section.tables[name].parent else None
        with progress.step(f"validating {name}"):
            report = validate_tables(view(run, name, run.encoded_train, coarse=True),
                                     view(run, name, run.encoded, coarse=False),
                                     view(run, name, run.encoded_holdout, coarse=True),
                                     judge_policy(plan.policy, without="privacy" if one_column else None),
                                     holdout_groups=groups,
                                     # a code is released as written where it is common, so real values count
                                     # at their own granularity too, not only coarsened
                                     known=pd.concat([view(run, name, run.encoded_train, coarse=False),
                                                      view(run, name, run.encoded_holdout, coarse=False)]))
        checks += _tagged(report.checks, name)
        if one_column:
            checks.append(Check(f"privacy [{name}]", "row_privacy", None, None, "==", True, "info", {
                "reason": "one modelled column: every synthetic row equals a real one by construction; judged "
                          "per parent (unique_code_set_copies) and per patient instead"}, state="not_run"))
        if name == section.root():
            figures = report.figures
    real_profiles = profiles(run, run.encoded_train, coarse=True)
    with progress.step("validating patient profiles (privacy)"):
        report = validate_tables(real_profiles, profiles(run, run.encoded, coarse=False),
                                 profiles(run, run.encoded_holdout, coarse=True),
                                 judge_policy(run.plans[section.root()].policy, only="privacy"))
    checks += _tagged(report.checks, PROFILE)
    return checks, figures
