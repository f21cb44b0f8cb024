"""Constraints: the rules the policy declared hold on every synthetic row."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field

from synthguard.validators import register
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext, sampled


class ConstraintsConfig(SuiteConfig):
    max_violation_rate: float = Field(0.0, ge=0, le=1)
    # A rule can hold on every row while the gap it bounds has lost its shape: lengths of stay of 0 or 10 days
    # (KS complement 0.46 on the heart example) met admission <= discharge as well as the real 0-10 days (0.88).
    gap_shape_min: float = Field(
        0.75, ge=0, le=1, description="lowest KS complement of an inequality's gap (high - low), synthetic vs real")


def _gap(frame: pd.DataFrame, low: str, high: str) -> np.ndarray:
    values = [pd.to_numeric(frame[c], errors="coerce") if pd.api.types.is_numeric_dtype(frame[c])
              else pd.to_datetime(frame[c], errors="coerce", format="mixed") for c in (low, high)]
    gap = values[1] - values[0]
    if pd.api.types.is_timedelta64_dtype(gap):
        gap = gap / pd.Timedelta(days=1)
    return gap.dropna().to_numpy(dtype=float)


@register
class Constraints(Suite):
    name = "constraints"
    Config = ConstraintsConfig

    def run(self, ctx: ValidationContext) -> list[Check]:
        checks = []
        for constraint in ctx.constraints:
            broken = self._broken(ctx, constraint)
            rate = float(broken.mean()) if len(ctx.synthetic) else 0.0
            unreadable = {c: int(ctx.unreadable[c].sum()) for c in constraint.columns if c in ctx.unreadable}
            label = f"{constraint.type}:{'/'.join(constraint.columns)}"
            checks.append(self.check(label, rate, self.config.max_violation_rate, "<=",
                                     {"columns": constraint.columns, "rows_breaking": int(broken.sum()),
                                      **({"unreadable_cells": unreadable, "reason": "rows whose values do not read "
                                          "as the columns' type cannot be checked and count as breaking the rule"}
                                         if unreadable else {}), **sampled(ctx, rate)}, bounds=(0, 1)))
            if constraint.type == "inequality":
                checks.append(self._gap_shape(ctx, constraint.low, constraint.high))
        return checks

    def _gap_shape(self, ctx: ValidationContext, low: str, high: str) -> Check:
        from scipy.stats import ks_2samp

        real, synthetic = _gap(ctx.train, low, high), _gap(ctx.synthetic, low, high)
        name = f"gap_shape:{low}/{high}"
        if not len(real) or not len(synthetic):
            return self.not_checked(name, "no row holds both values", op=">=", threshold=self.config.gap_shape_min)
        score = 1 - float(ks_2samp(real, synthetic).statistic)
        quartiles = lambda v: [round(float(q), 2) for q in np.quantile(v, [0.25, 0.5, 0.75])]  # noqa: E731
        return self.check(name, score, self.config.gap_shape_min, ">=",
                          {"metric": "1 - two-sample KS of high - low (days for dates)",
                           "quartiles": {"real": quartiles(real), "synthetic": quartiles(synthetic)}}, bounds=(0, 1))

    @staticmethod
    def _broken(ctx: ValidationContext, constraint) -> np.ndarray:
        """Rows that break the rule, and rows it cannot be evaluated on (a value that is not of its column's
        type): a rule that met ``_RARE_`` where a date should be has not held."""
        broken = constraint.violated(ctx.synthetic, ctx.train).to_numpy()
        for column in constraint.columns:
            if column in ctx.unreadable:
                broken = broken | ctx.unreadable[column]
        return broken

    def reject(self, ctx: ValidationContext) -> np.ndarray | None:
        if not ctx.constraints:
            return None
        return np.logical_or.reduce([self._broken(ctx, c) for c in ctx.constraints])
