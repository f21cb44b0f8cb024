"""A validation suite: the release holds at least ``min_ratio`` times as many rows as the training data."""

from __future__ import annotations

from pydantic import Field

from synthguard.sections.suites import SuiteConfig
from synthguard.validators.base import Suite


class RowCountConfig(SuiteConfig):
    min_ratio: float = Field(0.5, gt=0, description="synthetic rows / training rows, at least")


class RowCount(Suite):
    name = "row_count"
    Config = RowCountConfig

    def run(self, ctx):
        rows = ctx.population_rows or len(ctx.synthetic)
        return [self.check("row_ratio", rows / max(len(ctx.train), 1), self.config.min_ratio, ">=",
                           {"synthetic_rows": rows, "train_rows": len(ctx.train)})]
