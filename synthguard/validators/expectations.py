"""Expectations: rules the policy declares (ranges, code formats, orderings), run by Great Expectations.

Rules are written the way Great Expectations names them, one mapping each::

    expectations:
      rules:
        - expect_column_values_to_be_between: {column: age, min_value: 0, max_value: 120}
        - expect_column_values_to_match_regex: {column: icd10, regex: '^[A-Z][0-9]{2}'}

They run on the synthetic table (and, for the reviewer's reference, on the real one) in an
ephemeral, in-memory Data Context: nothing is written to the user's folders and analytics
stay off. Results keep counts only, never the offending values.
"""

from __future__ import annotations

import warnings
from functools import cache
from typing import Any

from pydantic import Field, field_validator

from synthguard.validators import register
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext

COLUMN_ARGUMENTS = ("column", "column_A", "column_B", "column_list")


@cache
def _gx():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
        from great_expectations.expectations.registry import get_expectation_impl
    return gx, get_expectation_impl


def build_expectation(name: str, arguments: dict[str, Any]):
    """The Great Expectations object for one rule; ValueError (one line) when GX refuses it."""
    _, get_expectation_impl = _gx()
    try:
        cls = get_expectation_impl(name)
    except Exception:
        raise ValueError(f"{name}: not a Great Expectations expectation") from None
    try:
        return cls(**arguments)
    except Exception as exc:  # GX raises pydantic v1 errors, one per alternative type
        first = str(exc).splitlines()
        detail = " ".join(line.strip() for line in first[1:3]) if len(first) > 1 else str(exc)
        raise ValueError(f"{name}: {detail}") from None


class ExpectationsConfig(SuiteConfig):
    rules: list[dict[str, dict[str, Any]]] = Field(
        default_factory=list,
        description="Great Expectations rules, each `expect_...: {arguments}`, run on the synthetic table")

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, rules):
        for rule in rules:
            if len(rule) != 1:
                raise ValueError("each rule is one mapping `expect_name: {arguments}`")
            ((name, arguments),) = rule.items()
            build_expectation(name, arguments)
        return rules

    def columns(self) -> list[str]:
        named = []
        for rule in self.rules:
            for arguments in rule.values():
                for key in COLUMN_ARGUMENTS:
                    value = arguments.get(key)
                    named += value if isinstance(value, list) else [value] if value else []
        return named


def _columns(arguments: dict[str, Any]) -> list[str]:
    return [str(c) for key in COLUMN_ARGUMENTS for c in
            (arguments.get(key) if isinstance(arguments.get(key), list) else [arguments.get(key)]) if c]


def _label(name: str, arguments: dict[str, Any]) -> str:
    columns = _columns(arguments)
    return f"{name}:{'/'.join(columns)}" if columns else name


def _error(result) -> str | None:
    """The kind of exception GX met evaluating a rule, such as TypeError (its message may quote a value, so
    only the kind). GX gives one info dict, or one per metric it tried."""
    import re

    info = getattr(result, "exception_info", None) or {}
    infos = [info] if "raised_exception" in info else list(info.values()) if isinstance(info, dict) else []
    for item in infos:
        if isinstance(item, dict) and item.get("raised_exception"):
            found = re.search(r"^(\w*(?:Error|Exception))\b", str(item.get("exception_traceback") or ""), re.M)
            return found.group(1) if found else "an exception"
    return None


class _Runner:
    """One ephemeral context and pandas asset; validate(frame, expectation) -> GX result."""

    def __init__(self):
        gx, _ = _gx()
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            analytics_enabled=False, progress_bars=ProgressBarsConfig(globally=False))
        context = gx.get_context(mode="ephemeral", project_config=config)
        asset = context.data_sources.add_pandas("synthguard").add_dataframe_asset("table")
        self.batches = asset.add_batch_definition_whole_dataframe("whole table")

    def validate(self, frame, expectation):
        batch = self.batches.get_batch(batch_parameters={"dataframe": frame})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return batch.validate(expectation, result_format="SUMMARY")


# Aggregates over the whole column that no single patient's value is: a real table's maximum, minimum,
# median or quantile is one person's value (the 102-year-old), and is never written into the report.
POOLED_AGGREGATES = ("mean", "stdev", "sum", "proportion", "unique_value_count", "row_count")


def _summary(result, real: bool = False, expectation: str = "") -> dict[str, Any]:
    """Counts and observed values only: GX's unexpected-value lists would leak rows into the report, and a
    real table's extreme or order statistic is a real person's value."""
    raw = result.result or {}
    out = {key: raw[key] for key in ("element_count", "unexpected_count", "missing_count") if key in raw}
    if "unexpected_percent" in raw:
        out["unexpected_rate"] = round(float(raw["unexpected_percent"] or 0.0) / 100, 6)
    observed = raw.get("observed_value")
    if real and not any(word in expectation for word in POOLED_AGGREGATES):
        observed = None
    if isinstance(observed, (int, float)):
        out["observed_value"] = round(float(observed), 6)
    return out


@register
class Expectations(Suite):
    name = "expectations"
    Config = ExpectationsConfig

    def run(self, ctx: ValidationContext) -> list[Check]:
        if not self.config.rules:
            return [self.not_checked("rules_declared", "the policy declares no expectations")]
        runner = _Runner()
        checks = []
        for rule in self.config.rules:
            ((name, arguments),) = rule.items()
            expectation = build_expectation(name, arguments)
            result = runner.validate(ctx.synthetic, expectation)
            real_result = runner.validate(ctx.train, expectation)
            synthetic = _summary(result)
            value = synthetic.get("unexpected_rate", synthetic.get("observed_value"))
            mostly = arguments.get("mostly")
            threshold = 1 - float(mostly) if mostly is not None else (0.0 if "unexpected_rate" in synthetic else None)
            details = {"synthetic": synthetic, "real": _summary(real_result, real=True, expectation=name),
                       "real_passes": real_result.success}
            passed = bool(result.success)
            unreadable = {c: int(ctx.unreadable[c].sum()) for c in _columns(arguments) if c in ctx.unreadable}
            if unreadable:
                # GX skips a missing value, and a value that is not a date was made missing when the table was
                # read: the rule cannot be evaluated on those cells, so it has not held.
                passed = False
                details["unreadable_cells"] = unreadable
                details["reason"] = ("values that do not read as the column's type: the rule cannot be evaluated "
                                     "on them")
            error = _error(result)
            if error:
                passed = False
                details["reason"] = f"Great Expectations could not evaluate the rule ({error})"
            checks.append(Check(self.name, _label(name, arguments), value, threshold,
                                "<=" if "unexpected_rate" in synthetic else "==",
                                passed, self.severity, details,
                                bounds=(0, 1) if "unexpected_rate" in synthetic else None))
        return checks
