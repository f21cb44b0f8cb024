"""The validator protocol: a suite reads real, holdout and synthetic tables and returns Checks.

A suite is a small class with a ``name``, a pydantic ``Config`` (its thresholds, which
become the policy's ``validate.suites.<name>`` section) and ``run(context)``. Suites that
can judge single records also implement ``reject(context)`` so that ``action: filter``
can drop those records and sample again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from synthguard.sections.suites import SuiteConfig

Severity = Literal["fail", "warn", "info"]
# measured: the value was compared with the threshold; not_run: nothing was measured (the reason says why);
# underpowered: measured, but at this many rows the allowance for sampling noise leaves no value that fails.
State = Literal["measured", "not_run", "underpowered"]
STATE_WORDS = {"not_run": "not run", "underpowered": "not enough rows to check"}


@dataclass(frozen=True)
class Check:
    """One row of the report. ``op`` says how value is compared to threshold; ``threshold`` is the one applied:
    the policy's value (``policy_value``) plus the ``allowance`` for sampling noise, where there is one."""

    suite: str
    name: str
    value: float | None
    threshold: float | None
    op: Literal[">=", "<=", "=="]
    passed: bool
    severity: Severity
    details: dict[str, Any] = field(default_factory=dict)
    state: State = "measured"
    policy_value: float | None = None
    allowance: float | None = None
    bounds: tuple[float, float] | None = None  # the values the measure can take: a threshold inside can fail

    @property
    def outcome(self) -> str:
        """pass, FAIL, not run, or not enough rows to check: a check that did not run is never 'pass'."""
        if self.state != "measured":
            return STATE_WORDS[self.state] + (" (required: FAIL)" if not self.passed else "")
        return "pass" if self.passed else "FAIL"

    def describe(self) -> str:
        """One line for a log: a check without a value (nothing to measure) says so instead of a number."""
        value = "no value" if _plain(self.value) is None else format_value(self.value)
        needs = "" if self.threshold is None else f" (needs {self.op} {format_value(self.threshold)})"
        state = f" [{STATE_WORDS[self.state]}]" if self.state != "measured" else ""
        return f"{self.suite}.{self.name}: {value}{needs}{state}"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("value", "threshold", "policy_value", "allowance"):
            out[key] = _plain(out[key])
        out["bounds"] = None if self.bounds is None else [_plain(b) if np.isfinite(b) else None for b in self.bounds]
        out["outcome"] = self.outcome
        return out


def format_value(x: Any) -> str:
    """Counts as integers (301, not 301.0000), other values to four significant places."""
    x = float(x)
    if x == round(x) and abs(x) >= 1:
        return str(int(round(x)))
    return f"{x:.4g}"


def _plain(x: Any) -> Any:
    if x is None:
        return None
    x = float(x)
    return None if not np.isfinite(x) else round(x, 6)


def compare(value: float, threshold: float, op: str) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    if op == ">=":
        return value >= threshold
    if op == "<=":
        return value <= threshold
    return value == threshold


def wilson(share: float, n: int, z: float = 1.96) -> list[float]:
    """95% Wilson interval of a share measured on n sampled rows."""
    if n == 0:
        return [0.0, 1.0]
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(float(max(0.0, centre - half)), 6), round(float(min(1.0, centre + half)), 6)]


def sampled(ctx, share: float) -> dict[str, Any]:
    """Details for a per-row share read on a sample of a larger table: its size and 95% interval."""
    if ctx.population_rows is None or ctx.population_rows <= len(ctx.synthetic):
        return {}
    return {"rows_measured": len(ctx.synthetic), "rows_total": ctx.population_rows,
            "ci95": wilson(share, len(ctx.synthetic))}


@dataclass(frozen=True)
class ValidationContext:
    """What every suite may read, settled before any suite runs (frozen): no suite changes what the next one
    reads. Tables hold only the modelled columns, same order."""

    train: pd.DataFrame
    holdout: pd.DataFrame
    synthetic: pd.DataFrame
    sdtypes: dict[str, str]  # column -> numerical | categorical | datetime | boolean
    target: str | None = None
    target_shares: dict[str, float] | None = None  # the policy's target distribution, when it asks for one
    protected: list[str] = field(default_factory=list)
    quasi_identifiers: list[str] = field(default_factory=list)
    sensitive: list[str] = field(default_factory=list)
    constraints: list[Any] = field(default_factory=list)
    seed: int = 0
    # The release as it would be written (identifier surrogates, text) and the real table
    # with every column: what the residual-PII scan compares. None when not available.
    released: pd.DataFrame | None = None
    real: pd.DataFrame | None = None
    identifier_columns: list[str] = field(default_factory=list)
    text_columns: list[str] = field(default_factory=list)
    scrub_settings: Any = None
    # Generated text per column: {column: TextResult} (sources, released texts, rejections).
    generated_text: dict[str, Any] = field(default_factory=dict)
    # Set when ``synthetic`` is a seeded sample of a larger table (the ray engine): the table's
    # size, and the exact copies counted on every one of its rows.
    population_rows: int | None = None
    copies: int | None = None
    unique_copies: int | None = None  # with copies: synthetic rows equal to a real record unique in the real data
    # The patient of each holdout row, for a table with several rows per patient (prescriptions): a holdout
    # row's nearest other holdout row is then sought among other patients', as no synthetic row has its own.
    holdout_groups: np.ndarray | None = None
    # Each modelled column's type (column_types.ColumnType), and per column a mask of the synthetic cells that
    # did not read as it (now missing in ``synthetic``).
    types: dict[str, Any] = field(default_factory=dict)
    unreadable: dict[str, np.ndarray] = field(default_factory=dict)
    rare_label: str | None = None  # the label rare categories were merged into: a value the release may hold
    surrogate_columns: list[str] = field(default_factory=list)  # identifier columns released as surrogates
    known_values: pd.DataFrame | None = None  # more real rows whose values a release may hold (types suite)


class Suite:
    name: ClassVar[str]
    Config: ClassVar[type[SuiteConfig]] = SuiteConfig
    reads_text: ClassVar[bool] = False  # True: it can judge an instruction dataset, which has no table

    def __init__(self, config: SuiteConfig, severity: Severity, underpowered: str = "info"):
        self.config = config
        self.severity = severity
        self.underpowered = underpowered  # validate.underpowered: info, or fail

    def run(self, ctx: ValidationContext) -> list[Check]:
        raise NotImplementedError

    def reject(self, ctx: ValidationContext) -> np.ndarray | None:
        """Boolean mask of synthetic rows that fail this suite on their own, or None."""
        return None

    def not_checked(self, name: str, reason: str, *, op: str = "==", threshold: float | None = None,
                    required: bool = False, **details: Any) -> Check:
        """A row saying why a check did not run: information, or a failure when the policy requires it."""
        return Check(self.name, name, None, threshold, op, not required, self.severity if required else "info",
                     {"reason": reason, **details}, state="not_run")

    def check(self, name, value, threshold, op, details=None, *, policy: float | None = None,
              allowance: float | None = None, bounds: tuple[float, float] | None = None) -> Check:
        """A measured check. ``policy`` and ``allowance``: the policy's value and what sampling noise adds to it
        (``threshold`` is their sum, or stricter). ``bounds``: the values the measure can take; a threshold the
        allowance pushes beyond them cannot fail, and the check says there were not enough rows to check."""
        details = details or {}
        if policy is not None and allowance is None:
            allowance = threshold - policy
        if bounds is not None and threshold is not None and _cannot_fail(threshold, op, bounds) and not (
                policy is not None and _cannot_fail(policy, op, bounds)):
            required = self.underpowered == "fail"
            return Check(self.name, name, value, threshold, op, not required, self.severity if required else "info",
                         {**details, "reason": f"not enough rows to check: with the allowance for sampling noise the "
                                               f"limit is {format_value(threshold)}, which no value can "
                                               f"{'exceed' if op == '<=' else 'fall below'}"},
                         state="underpowered", policy_value=policy, allowance=allowance, bounds=bounds)
        return Check(
            suite=self.name,
            name=name,
            value=value,
            threshold=threshold,
            op=op,
            passed=compare(value, threshold, op),
            severity=self.severity,
            details=details,
            policy_value=policy,
            allowance=allowance,
            bounds=bounds,
        )


def _cannot_fail(threshold: float, op: str, bounds: tuple[float, float]) -> bool:
    low, high = bounds
    return (op == "<=" and threshold >= high) or (op == ">=" and threshold <= low)
