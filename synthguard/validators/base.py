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


@dataclass(frozen=True)
class Check:
    """One row of the report. ``op`` says how value is compared to threshold."""

    suite: str
    name: str
    value: float | None
    threshold: float | None
    op: Literal[">=", "<=", "=="]
    passed: bool
    severity: Severity
    details: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """One line for a log: a check without a value (nothing to measure) says so instead of a number."""
        value = "no value" if _plain(self.value) is None else f"{float(self.value):.4f}"
        needs = "" if self.threshold is None else f" (needs {self.op} {float(self.threshold):.4g})"
        return f"{self.suite}.{self.name}: {value}{needs}"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["value"] = _plain(self.value)
        out["threshold"] = _plain(self.threshold)
        return out


def _plain(x: Any) -> Any:
    if x is None:
        return None
    x = float(x)
    return None if not np.isfinite(x) else round(x, 6)


def category_strings(series: pd.Series) -> pd.Series:
    """Category labels that agree across dtypes: 4, 4.0 and Int64 4 are all "4".

    Generalising a rare code turns an integer column into floats; compared as raw strings,
    "4.0" would never match "4" and every synthetic row would look new.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
        return values.map(lambda v: "nan" if np.isnan(v) else format(v, ".12g"))
    return series.astype(str)


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


@dataclass
class ValidationContext:
    """What every suite may read. Tables hold only the modelled columns, same order."""

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


class Suite:
    name: ClassVar[str]
    Config: ClassVar[type[SuiteConfig]] = SuiteConfig
    reads_text: ClassVar[bool] = False  # True: it can judge an instruction dataset, which has no table

    def __init__(self, config: SuiteConfig, severity: Severity):
        self.config = config
        self.severity = severity

    def run(self, ctx: ValidationContext) -> list[Check]:
        raise NotImplementedError

    def reject(self, ctx: ValidationContext) -> np.ndarray | None:
        """Boolean mask of synthetic rows that fail this suite on their own, or None."""
        return None

    def not_checked(self, name: str, reason: str, *, op: str = "==", threshold: float | None = None,
                    required: bool = False, **details: Any) -> Check:
        """A row saying why a check did not run: information, or a failure when the policy requires it."""
        return Check(self.name, name, None, threshold, op, not required, self.severity if required else "info",
                     {"reason": reason, **details})

    def check(self, name, value, threshold, op, details=None) -> Check:
        return Check(
            suite=self.name,
            name=name,
            value=value,
            threshold=threshold,
            op=op,
            passed=compare(value, threshold, op),
            severity=self.severity,
            details=details or {},
        )
