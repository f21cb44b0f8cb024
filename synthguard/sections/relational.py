"""The policy's ``relational`` section: tables, their keys, their time columns and the order rules.

One table is the root (the patient); every other names its ``parent`` and the ``foreign_key`` holding the
parent's ``primary_key``. Times are synthesized as offsets, so that order within a patient holds by
construction where it can: a child's ``time`` is a gap from its previous sibling (from the parent's
``time`` for the first child), and every other date of a row (``end``, ``times``) an offset from that row's
``time``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from synthguard.strict import StrictModel


class Reference(StrictModel):
    """A key to a sibling table that holds the row's time: PRESCRIPTIONS.ICUSTAY_ID is the ICU stay of the
    same admission whose [INTIME, OUTTIME] holds STARTDATE (re-derived, not generated)."""

    column: str
    table: str
    at: str = Field(description="this table's time column that falls inside the window")
    window: tuple[str, str] = Field(description="start and end columns of the referenced table")


class TableSpec(StrictModel):
    source: Path
    format: Literal["auto", "csv", "parquet", "jsonl"] = "auto"
    primary_key: str | None = None
    parent: str | None = None
    foreign_key: str | None = None
    inherited_keys: list[str] = Field(default_factory=list, description="ancestor keys the table repeats "
                                      "(ICUSTAYS.SUBJECT_ID): copied from the synthetic parent chain")
    row_id: str | None = Field(None, description="a running row number (MIMIC's ROW_ID), numbered afresh")
    sequence: str | None = Field(None, description="a 1, 2, ... position within the parent (SEQ_NUM), "
                                 "numbered afresh in the generated order")
    time: str | None = Field(None, description="the row's time: absolute for the root, else a gap from the "
                             "previous sibling")
    end: str | None = None
    overlapping: bool = Field(True, description="true: siblings may overlap (prescriptions), each row's time "
                              "counts from the parent's; false: they follow one another (admissions), each "
                              "from the previous sibling's end")
    within_parent: bool = Field(False, description="the row's time lies inside the parent's time..end; "
                                "checked against the rate the real data hold")
    times: list[str] = Field(default_factory=list, description="other dates, as offsets from the row's time")
    relative_to: dict[str, str] = Field(default_factory=dict, description="a date of ``times`` -> the earlier "
                                        "date it counts from instead of the row's time (DOD_HOSP from DOD)")
    reference: Reference | None = None
    codes: list[str] = Field(default_factory=list, description="columns of codes written in digits (NDC, GSN, "
                             "ICD-9): read as text, leading zeros kept, modelled as categories")
    code_prefix: dict[str, int] = Field(default_factory=dict, description="code column -> characters kept "
                                        "when a code is too rare to release (ICD-9 4280 -> 428, the category), "
                                        "before rare ones become the rare-category label")
    describes: dict[str, list[str]] = Field(default_factory=dict, description="column -> the columns that "
                                            "describe its value (DRUG -> its names, codes and strength): not "
                                            "modelled, filled from the combination the training rows hold most")
    columns: dict[str, Any] = Field(default_factory=dict, description="roles, as data.columns")
    parameters: dict[str, Any] = Field(default_factory=dict, description="tabular_argn parameters for this "
                                       "table (over relational.parameters)")

    def key_columns(self) -> list[str]:
        named = [self.primary_key, self.foreign_key, self.row_id, self.sequence, *self.inherited_keys]
        return [c for c in named + ([self.reference.column] if self.reference else []) if c]

    def dates(self) -> list[str]:
        return [c for c in [self.time, self.end, *self.times] if c]

    def named(self) -> list[str]:
        described = [c for k, v in self.describes.items() for c in [k, *v]]
        return list(dict.fromkeys(self.key_columns() + self.dates() + list(self.columns) + self.codes + described
                                  + ([self.reference.at] if self.reference else [])))


class OrderRule(StrictModel):
    """``earlier`` comes no later than ``later`` (TABLE.COLUMN each, on one line of descent)."""

    earlier: str
    later: str
    unit: Literal["exact", "day"] = Field("day", description="day: compared on calendar days")


class RelationalSection(StrictModel):
    tables: dict[str, TableSpec] = Field(min_length=2)
    order: list[OrderRule] = Field(default_factory=list)
    code_sets: dict[str, str] = Field(default_factory=dict, description="table -> code column: no synthetic "
                                      "parent may hold the full set of codes only one real parent holds")
    parameters: dict[str, Any] = Field(default_factory=dict, description="tabular_argn parameters for every "
                                       "table")
    code_set_min_size: int = Field(3, ge=1, description="smallest set of codes code_sets judges: one or two "
                                   "common codes held by one admission alone single out no one")
    order_margin: float = Field(0.02, ge=0, le=1, description="how far below the real rate an order rule's "
                                "synthetic rate may fall")
    child_count_min_pvalue: float = Field(0.01, ge=0, le=1, description="two-sample KS test of children per "
                                          "parent, synthetic vs training; below this p-value it fails")

    def root(self) -> str:
        return next(name for name, spec in self.tables.items() if spec.parent is None)

    def parents_first(self) -> list[str]:
        placed: list[str] = []
        while len(placed) < len(self.tables):
            placed += [n for n, s in self.tables.items() if n not in placed and (s.parent is None or
                                                                                  s.parent in placed)]
        return placed

    def line(self, name: str) -> list[str]:
        """The table and its ancestors, nearest first."""
        out = [name]
        while self.tables[out[-1]].parent is not None:
            out.append(self.tables[out[-1]].parent)
        return out

    @model_validator(mode="after")
    def _one_tree(self):
        roots = [n for n, s in self.tables.items() if s.parent is None]
        if len(roots) != 1:
            raise ValueError(f"relational.tables needs exactly one table without a parent (the root), got "
                             f"{', '.join(roots) or 'none'}")
        for name, spec in self.tables.items():
            for column, anchor in spec.relative_to.items():
                earlier = [spec.time, spec.end, *spec.times[: spec.times.index(column)]] \
                    if column in spec.times else []
                if anchor not in earlier:
                    raise ValueError(f"relational.tables.{name}.relative_to.{column}: it must be one of times, "
                                     "counting from the time, the end or a date listed before it")
            unknown = sorted(set(spec.code_prefix) - set(spec.codes))
            if unknown:
                raise ValueError(f"relational.tables.{name}.code_prefix: {', '.join(unknown)} not in codes")
            if spec.parent is None:
                if not spec.primary_key:
                    raise ValueError(f"relational.tables.{name}: the root needs a primary_key")
                continue
            if spec.parent not in self.tables:
                raise ValueError(f"relational.tables.{name}.parent {spec.parent!r} is not a table; tables: "
                                 f"{', '.join(self.tables)}")
            if not spec.foreign_key:
                raise ValueError(f"relational.tables.{name}: a child table needs a foreign_key")
            if not self.tables[spec.parent].primary_key:
                raise ValueError(f"relational.tables.{spec.parent}: it has children, so it needs a primary_key")
            seen = [name]
            while self.tables[seen[-1]].parent is not None:
                seen.append(self.tables[seen[-1]].parent)
                if seen[-1] in seen[:-1]:
                    raise ValueError(f"relational.tables: parents form a cycle ({' -> '.join(seen)})")
            if spec.within_parent and not (spec.time and self.tables[spec.parent].time
                                           and self.tables[spec.parent].end):
                raise ValueError(f"relational.tables.{name}.within_parent needs its time and the parent's time "
                                 "and end")
            if spec.reference:
                other = self.tables.get(spec.reference.table)
                if other is None or other.parent != spec.parent or not other.primary_key:
                    raise ValueError(f"relational.tables.{name}.reference.table must be a sibling table with a "
                                     "primary_key (same parent)")
        for rule in self.order:
            lines = []
            for end in (rule.earlier, rule.later):
                table, _, column = end.partition(".")
                if table not in self.tables or not column:
                    raise ValueError(f"relational.order: {end!r} must be TABLE.COLUMN of a declared table")
                if column not in self.tables[table].dates():
                    raise ValueError(f"relational.order: {end!r} is not one of {table}'s time, end or times")
                lines.append(table)
            first, second = lines
            if first not in self.line(second) and second not in self.line(first):
                raise ValueError(f"relational.order: {first} and {second} are not on one line of descent")
        for table in self.code_sets:
            if table not in self.tables or self.tables[table].parent is None:
                raise ValueError(f"relational.code_sets: {table!r} must be a child table")
        return self
