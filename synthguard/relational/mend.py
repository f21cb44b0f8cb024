"""Mending what the engine cannot know: it has no constraints (tabular_argn re-draws per row alike), so a
parent's rows are drawn again, or a row dropped, or a patient dropped whole, where the release would break a
rule the real tables keep or copy what only one real patient holds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthguard.relational import checks as relational_checks
from synthguard.relational.codes import row_keys
from synthguard.relational.keys import root_of
from synthguard.sections.relational import RelationalSection

REDRAW_ROUNDS = 5


class Mender:
    """Mends what the engine cannot know (it has no constraints; tabular_argn re-draws per row alike): rows
    that break a rule the real tables keep, rows equal to a real row no other real row equals, and parents
    whose full code set only one real parent holds. Where siblings overlap (each row's time counts from the
    parent) a bad row is dropped; where they follow one another, or a whole set is at fault, the parent's
    rows are drawn again."""

    def __init__(self, section: RelationalSection, name: str, rules: list, unique_rows: set, unique_sets: set | None,
                 columns: list[str]):
        self.section, self.name, self.spec = section, name, section.tables[name]
        self.rules, self.unique_rows, self.unique_sets, self.columns = rules, unique_rows, unique_sets, columns
        self.redrawn: set = set()
        self.dropped = 0

    def bad_rows(self, decoded: dict[str, pd.DataFrame], rows: pd.DataFrame) -> np.ndarray:
        broken = relational_checks.broken_rows(decoded, self.section, self.name, self.rules)
        if self.unique_rows:
            broken |= row_keys(rows[self.columns]).isin(self.unique_rows).to_numpy()
        return broken

    def bad_sets(self, rows: pd.DataFrame) -> set:
        if not self.unique_sets:
            return set()
        key = self.spec.foreign_key
        copied = relational_checks.copied_sets(rows, key, self.section.code_sets[self.name], self.unique_sets)
        return set(copied[copied].index.tolist())

    def mend(self, rows: pd.DataFrame, draw, decode_rows, decoded: dict[str, pd.DataFrame], context: pd.DataFrame,
             seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        key = self.spec.foreign_key
        current = decode_rows(rows)
        for round_ in range(1, REDRAW_ROUNDS + 1):
            bad = self.bad_sets(rows)
            if not self.spec.overlapping:
                bad |= set(rows.loc[self.bad_rows({**decoded, self.name: current}, rows), key].tolist())
            if not bad:
                break
            self.redrawn |= bad
            again = draw(context[context[key].isin(bad)], seed + round_)
            rows = pd.concat([rows[~rows[key].isin(bad)], again], ignore_index=True)
            rows = rows.sort_values(key, kind="stable").reset_index(drop=True)
            current = decode_rows(rows)
        if self.spec.overlapping:
            keep = ~self.bad_rows({**decoded, self.name: current}, rows)
            self.dropped = int((~keep).sum())
            rows, current = rows[keep].reset_index(drop=True), current[keep].reset_index(drop=True)
        return rows, current


def unique_rows(frame: pd.DataFrame) -> set:
    counts = row_keys(frame).value_counts()
    return set(counts[counts == 1].index.tolist())


def prune(encoded: dict[str, pd.DataFrame], decoded: dict[str, pd.DataFrame], section: RelationalSection,
          rules: list, menders: dict[str, Mender]):
    """Patients whose rows still break a rule the real tables keep, or copy a singular code set, go whole:
    dropping one admission would shift the dates of the next."""
    bad: set = set()
    for name, spec in section.tables.items():
        if spec.parent is None:
            continue
        owners = root_of(decoded, section, name)
        broken = relational_checks.broken_rows(decoded, section, name, rules)
        bad |= set(owners[broken].tolist())
        parents = menders[name].bad_sets(decoded[name])
        bad |= set(owners[decoded[name][spec.foreign_key].isin(parents)].tolist())
    if not bad:
        return encoded, decoded, 0
    kept_encoded, kept_decoded = {}, {}
    for name in section.tables:
        keep = ~root_of(decoded, section, name).isin(bad).to_numpy()
        kept_encoded[name] = encoded[name][keep].reset_index(drop=True)
        kept_decoded[name] = decoded[name][keep].reset_index(drop=True)
    return kept_encoded, kept_decoded, len(bad)
