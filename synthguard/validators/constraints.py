"""Constraints: the rules the policy declared hold on every synthetic row."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from synthguard.validators import register
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext, sampled


class ConstraintsConfig(SuiteConfig):
    max_violation_rate: float = Field(0.0, ge=0, le=1)


@register
class Constraints(Suite):
    name = "constraints"
    Config = ConstraintsConfig

    def run(self, ctx: ValidationContext) -> list[Check]:
        checks = []
        for constraint in ctx.constraints:
            rate = float(constraint.violated(ctx.synthetic, ctx.train).mean()) if len(ctx.synthetic) else 0.0
            label = f"{constraint.type}:{'/'.join(constraint.columns)}"
            checks.append(self.check(label, rate, self.config.max_violation_rate, "<=",
                                     {"columns": constraint.columns, **sampled(ctx, rate)}))
        return checks

    def reject(self, ctx: ValidationContext) -> np.ndarray | None:
        if not ctx.constraints:
            return None
        masks = [c.violated(ctx.synthetic, ctx.train).to_numpy() for c in ctx.constraints]
        return np.logical_or.reduce(masks)
