"""Fidelity: do synthetic columns and column pairs look like the real ones? (SDMetrics)"""

from __future__ import annotations

import warnings

from pydantic import Field

from synthguard.validators import register
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext

WORST_SHOWN = 5


class FidelityConfig(SuiteConfig):
    column_shapes_min: float = Field(0.80, ge=0, le=1)
    column_pair_trends_min: float = Field(0.70, ge=0, le=1)


def sdmetrics_metadata(ctx: ValidationContext) -> dict:
    columns = {}
    for column, sdtype in ctx.sdtypes.items():
        columns[column] = {"sdtype": sdtype}
        if sdtype == "datetime" and ctx.train[column].dtype == object:
            columns[column]["datetime_format"] = "%Y-%m-%d"
    return {"columns": columns}


@register
class Fidelity(Suite):
    name = "fidelity"
    Config = FidelityConfig

    def run(self, ctx: ValidationContext) -> list[Check]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sdmetrics announces a future rename on import
            from sdmetrics.reports.single_table import QualityReport

            report = QualityReport()
            report.generate(ctx.train, ctx.synthetic, sdmetrics_metadata(ctx), verbose=False)
        scores = dict(report.get_properties()[["Property", "Score"]].itertuples(index=False))
        shapes = report.get_details("Column Shapes").sort_values("Score")
        pairs = report.get_details("Column Pair Trends").sort_values("Score")
        worst_columns = [
            {"column": r["Column"], "metric": r["Metric"], "score": round(float(r["Score"]), 4)}
            for _, r in shapes.head(WORST_SHOWN).iterrows()
        ]
        worst_pairs = [
            {"columns": [r["Column 1"], r["Column 2"]], "metric": r["Metric"],
             "score": round(float(r["Score"]), 4)}
            for _, r in pairs.dropna(subset=["Score"]).head(WORST_SHOWN).iterrows()
        ]
        return [
            self.check("column_shapes", scores["Column Shapes"], self.config.column_shapes_min, ">=",
                       {"worst_columns": worst_columns,
                        "metric": "SDMetrics KSComplement / TVComplement, mean over columns"}),
            self.check("column_pair_trends", scores["Column Pair Trends"],
                       self.config.column_pair_trends_min, ">=",
                       {"worst_pairs": worst_pairs,
                        "metric": "SDMetrics Correlation/ContingencySimilarity, mean over pairs"}),
        ]
