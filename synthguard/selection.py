"""``synthesizer: auto``: the generator is chosen on evidence, by the gate's own checks, never by habit.

The candidates for the table's size are each fitted on an internal split of the training rows and judged by
the policy's fidelity and privacy suites against the part they did not see. The holdout the gate judges the
release with is never read here: choosing on it would make the gate's verdict optimistic. The fewest failed
checks win, then the lower detection AUC (a classifier telling synthetic from real rows), then the earlier
candidate (never the time a fit took, which would make the choice depend on the machine).
On small clinical tables TabularARGN stops early on a validation split of 50-200 rows and lost the links the
outcome depends on, where a sequential CART passed (issue 28); on large ones it is the one that keeps
distributions (README "Table quality beside a neutral judge").
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from synthguard.errors import DataError, opaque_errors
from synthguard.gate import build_suites, context_for, run_suites
from synthguard.generators import TABLE_GENERATORS
from synthguard.generators.date_gaps import WithDateGaps
from synthguard.policy import Policy
from synthguard.progress import Progress
from synthguard.steps import drawer, split_holdout

SMALL_TABLE_ROWS = 5_000  # training rows up to which a tree-based or copula model is a real candidate
JUDGES = ("fidelity", "privacy", "types", "constraints")
INNER_HOLDOUT = 0.25


@dataclass
class Selection:
    chosen: str
    candidates: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # per candidate, fit and sample: report timings only

    def to_dict(self) -> dict[str, Any]:
        return {"chosen": self.chosen, "candidates": self.candidates, "reason": self.reason}


def candidates(training_rows: int) -> list[str]:
    """The generators worth trying at this size, the likeliest first (the budget may stop after it)."""
    argn = ["tabular_argn"] if _installed("tabular_argn") else []
    if training_rows <= SMALL_TABLE_ROWS:
        return ["cart", "gaussian_copula", *argn]
    return [*argn, "cart", "gaussian_copula"]


def _installed(name: str) -> bool:
    try:
        TABLE_GENERATORS[name].check_parameters({})
    except ValueError:
        return False
    return True


def prepared(name: str, policy: Policy, sdtypes: dict[str, str], train: pd.DataFrame,
             parameters: dict | None = None):
    """(generator, draw) for ``name`` as the policy asks for it, unfitted; DataError when it cannot do what the
    policy asks (a column type it lacks, a target distribution it cannot sample to): known before any fit."""
    table = policy.generate.table
    generator = WithDateGaps(TABLE_GENERATORS[name], table.parameters if parameters is None else parameters,
                             table.constraints, sdtypes)
    try:
        generator.check_columns(sdtypes)
    except ValueError as error:
        raise DataError(f"generate.table: {error}") from None
    target = policy.data.target
    if table.stratify_by_target and target in sdtypes:
        generator.stratify_on(target)
    return generator, drawer(generator, table, target, train)  # unknown classes stop the run here


def usable(policy: Policy, sdtypes: dict[str, str], train: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """The candidates for this table's size that can do what the policy asks, and why each other one cannot.
    No candidate left is an input error, raised before any fit."""
    names, refused = [], {}
    for name in candidates(len(train)):
        try:
            prepared(name, policy, sdtypes, train, {})
        except DataError as error:
            refused[name] = str(error)
            continue
        names.append(name)
    if not names:
        raise DataError("synthesizer auto: no candidate can do what the policy asks: " + "; ".join(
            f"{name}: {why}" for name, why in refused.items()))
    return names, refused


def choose(train: pd.DataFrame, sdtypes: dict[str, str], policy: Policy, plan, seed: int, budget_s: float,
           progress: Progress, transform=lambda rows: rows) -> Selection:
    """The candidate that fails fewest of the gate's checks on an internal split of ``train`` (the training rows
    only); ``transform`` is what the release applies to drawn rows (rare categories merged)."""
    target = policy.data.target if policy.data.target in sdtypes else None
    names, refused = usable(policy, sdtypes, train)
    inner_train, inner_holdout = split_holdout(train, INNER_HOLDOUT, seed, target)
    present = policy.validation.suites
    judged = policy.updated({"validate": {"suites": {
        name: {"enabled": getattr(present, name).enabled and name in JUDGES, "action": "fail"}
        for name in type(present).model_fields}}})
    suites = build_suites(judged.validation)
    started, seconds = time.perf_counter(), {}
    scored: list[dict[str, Any]] = [{"generator": name, "skipped": why} for name, why in refused.items()]
    with progress.step(f"choosing a generator: {len(names)} candidates on {len(inner_train)} training rows",
                       total=len(names)) as advance:
        for name in names:
            if seconds and time.perf_counter() - started > budget_s:
                # A budget cut depends on the machine's speed: the report says so, as it says which ran.
                scored.append({"generator": name, "skipped": f"the {budget_s:g} s budget was spent"})
                continue
            tick = time.perf_counter()
            # Judged on plain draws: a target distribution the policy asks for reshapes every candidate alike.
            generator, _ = prepared(name, policy, sdtypes, inner_train, {})
            with opaque_errors(f"fitting candidate {name}"):
                synthetic = transform(generator.fit(inner_train, seed=seed).sample(len(inner_train), seed=seed + 1))
            fit_s = time.perf_counter() - tick
            checks = run_suites(suites, context_for(judged, inner_train, inner_holdout, synthetic, sdtypes, plan=plan),
                                Progress())
            failed = sorted(f"{c.suite}.{c.name}" for c in checks if c.severity == "fail" and not c.passed)
            auc = next((c.value for c in checks if c.name == "detection_auc"), None)
            scored.append({"generator": name, "failed": failed,
                           "detection_auc": None if auc is None else round(auc, 4)})
            seconds[name] = fit_s
            advance()
    order = {name: k for k, name in enumerate(names)}
    ranked = sorted((s for s in scored if "failed" in s),
                    key=lambda s: (len(s["failed"]), s["detection_auc"] if s["detection_auc"] is not None else 1,
                                   order[s["generator"]]))
    best = ranked[0]
    reason = (f"fewest failed checks ({len(best['failed'])}) on an internal split of the training rows, then the "
              f"lowest detection AUC ({best['detection_auc']})")
    return Selection(best["generator"], scored, reason, seconds)
