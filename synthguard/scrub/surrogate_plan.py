"""How every identifier column of a synthetic table is released, settled once from the real table.

The driver learns it (``SurrogatePlan.learn``) from the column plan, the real table and three policy settings;
from then on the sampling job carries this plan instead of the real table and the policy. It holds each
column's ``IdentifierShape`` (kind, template, year span, blank share, fingerprints of its real values), never
a real value, so the sampling work shipped to a Ray worker holds no identifier of a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from synthguard.column_types import ColumnType, restore_frame
from synthguard.errors import DataError
from synthguard.scrub.columns import ColumnPlan
from synthguard.scrub.surrogates import IdentifierShape, birth_dates, fingerprints


@dataclass(frozen=True)
class SurrogateColumn:
    column: str
    position: int  # the column's place among the plan's identifiers: its surrogate seed is ``seed + position``
    action: str  # surrogate or drop
    unique: bool  # every released value distinct (the primary key, or a column whose real values all are)
    shape: IdentifierShape
    age: str | None = None  # a birth date drawn to agree with this age column on the date in ``age_on``
    age_on: str | None = None


@dataclass(frozen=True)
class SurrogatePlan:
    columns: tuple[SurrogateColumn, ...]
    avoid: frozenset[bytes]  # fingerprints of every real identifier value (row numbers aside)
    locale: str
    order: tuple[str, ...]  # the release's column order (the input's)
    types: dict[str, ColumnType]  # modelled columns' types: dates written back in the input's format

    @classmethod
    def learn(cls, plan: ColumnPlan, frame: pd.DataFrame, primary_key: str | None, locale: str,
              birth_dates_of: dict[str, tuple[str, str]]) -> SurrogatePlan:
        """``birth_dates_of``: {date-of-birth column: (age column, date column)} from ``data.columns``."""
        columns = []
        for position, ident in enumerate(plan.identifiers):
            real = frame[ident.column]
            age, age_on = birth_dates_of.get(ident.column, (None, None))
            columns.append(SurrogateColumn(
                ident.column, position, ident.action,
                ident.action == "surrogate" and (ident.column == primary_key or real.is_unique),
                IdentifierShape.learn(ident.kind, real), age, age_on))
        avoid = frozenset().union(*(c.shape.taken for c in columns if c.shape.kind != "row_number"))
        return cls(tuple(columns), avoid, locale, tuple(plan.order), dict(plan.types))

    @property
    def unique(self) -> list[SurrogateColumn]:
        """The surrogate columns that must hold distinct values."""
        return [c for c in self.columns if c.unique]

    def draw(self, column: SurrogateColumn, rows: int, seed: int, unique: bool = False) -> pd.Series:
        return column.shape.draw(rows, seed + column.position, self.locale, unique=unique, avoid=self.avoid)

    def check(self, rows: int, seed: int) -> None:
        """Every column that must hold distinct surrogates gets them, drawn as the release will draw them (same
        seeds): a shape too narrow is an input error in seconds, not after the fit."""
        for column in self.unique:
            try:
                self.draw(column, rows, seed, unique=True)
            except DataError as error:
                raise DataError(f"identifier column {column.column!r}: {error}") from None

    def assemble(self, synthetic: pd.DataFrame, seed: int, fixed: dict[str, pd.Series] | None = None
                 ) -> pd.DataFrame:
        """Synthetic modelled columns plus fresh identifier surrogates, in the input's order.

        ``fixed`` holds surrogate columns drawn elsewhere (the ray engine's release-wide unique ones).
        """
        out = synthetic.reset_index(drop=True).copy()
        fixed = fixed or {}
        for column in self.columns:
            if column.column in fixed:
                out[column.column] = fixed[column.column].to_numpy()
            elif column.action == "surrogate":
                values = self.draw(column, len(out), seed, unique=column.unique)
                out[column.column] = column.shape.with_missing(values, seed + column.position)
        for column in self.columns:
            if column.action == "surrogate" and column.column not in fixed and column.age is not None:
                out[column.column] = column.shape.hold(birth_dates(
                    out[column.age], out[column.age_on], seed + column.position, column.shape.taken))
        out = restore_frame(out, self.types)  # dates in the input's format, whole numbers as integers
        return out[[c for c in self.order if c in out.columns]]


def birth_date_columns(columns: dict) -> dict[str, tuple[str, str]]:
    """{date-of-birth column: (age column, date column)} from a policy's ``data.columns`` specs."""
    return {name: (spec.age, spec.age_on) for name, spec in columns.items() if spec.age is not None}


__all__ = ["SurrogateColumn", "SurrogatePlan", "birth_date_columns", "fingerprints"]
