"""Keys: the real tables' integrity before any work, the split by patient, fresh keys for the release."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthguard.errors import DataError
from synthguard.relational.times import seconds
from synthguard.sections.relational import RelationalSection


def check_tables(tables: dict[str, pd.DataFrame], section: RelationalSection) -> None:
    """Every named column present, keys unique and complete, every child pointing at a parent that exists."""
    for name, spec in section.tables.items():
        frame = tables[name]
        if frame.empty:
            raise DataError(f"table {name} has no rows")
        missing = [c for c in spec.named() if c not in frame.columns]
        if missing:
            raise DataError(f"relational.tables.{name} names column{'s' * (len(missing) > 1)} "
                            f"{', '.join(missing)} that the table does not have")
        if spec.primary_key:
            key = frame[spec.primary_key]
            if key.isna().any() or key.duplicated().any():
                raise DataError(f"{name}.{spec.primary_key}: the primary key has {int(key.isna().sum())} missing "
                                f"and {int(key.duplicated().sum())} repeated values")
        if spec.parent:
            parent = section.tables[spec.parent]
            orphans = int((~frame[spec.foreign_key].isin(tables[spec.parent][parent.primary_key])).sum())
            if orphans:
                raise DataError(f"{name}.{spec.foreign_key}: {orphans} rows point at no {spec.parent} row")
        if spec.time and frame[spec.time].isna().any():
            raise DataError(f"{name}.{spec.time}: {int(frame[spec.time].isna().sum())} rows have no time; the "
                            "order within a parent is read from it")


def ancestor_values(tables: dict[str, pd.DataFrame], section: RelationalSection, low: str, high: str,
                    column: str) -> pd.Series:
    """``high``'s ``column`` for each row of ``low`` (``high`` is ``low`` or one of its ancestors), through the
    chain of parents."""
    if low == high:
        return tables[low][column]
    spec = section.tables[low]
    above = ancestor_values(tables, section, spec.parent, high, column)
    by_key = pd.Series(above.to_numpy(), index=tables[spec.parent][section.tables[spec.parent].primary_key])
    return tables[low][spec.foreign_key].map(by_key)


def root_of(tables: dict[str, pd.DataFrame], section: RelationalSection, name: str) -> pd.Series:
    """Each row's root key (its patient)."""
    root = section.root()
    return ancestor_values(tables, section, name, root, section.tables[root].primary_key)


def split_by_root(tables: dict[str, pd.DataFrame], section: RelationalSection, share: float, seed: int
                  ) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Whole patients go to the holdout, every row of theirs with them: a patient is the unit of privacy."""
    root = section.root()
    keys = tables[root][section.tables[root].primary_key].to_numpy()
    held = set(np.random.default_rng(seed).permutation(keys)[: max(int(round(len(keys) * share)), 1)].tolist())
    train, holdout = {}, {}
    for name in section.tables:
        mask = root_of(tables, section, name).isin(held).to_numpy()
        train[name] = tables[name][~mask].reset_index(drop=True)
        holdout[name] = tables[name][mask].reset_index(drop=True)
    return train, holdout


def fresh_keys(real: pd.Series, count: int, seed: int) -> np.ndarray:
    """Distinct keys none of the real ones: integers of the real keys' width, else ``S-000001`` strings."""
    rng = np.random.default_rng(seed)
    numeric = pd.to_numeric(real, errors="coerce")
    if numeric.notna().all() and (numeric % 1 == 0).all() and (numeric >= 0).all():
        width = max(len(str(int(numeric.max()))), len(str(count * 10)))
        low, high = 10 ** (width - 1), 10 ** width
        taken = set(numeric.astype("int64").tolist())
        out: list[int] = []
        while len(out) < count:
            for value in rng.integers(low, high, size=(count - len(out)) * 2).tolist():
                if value not in taken:
                    taken.add(value)
                    out.append(value)
        return np.array(out[:count], dtype="int64")
    return np.array([f"S-{k:06d}" for k in rng.permutation(count) + 1], dtype=object)


def derive_reference(frame: pd.DataFrame, spec, other: pd.DataFrame, other_spec, unit_step: float) -> pd.Series:
    """The sibling row (same parent) whose window holds the row's time, on the row's time's precision;
    missing where none does. The first such sibling wins where windows overlap."""
    reference = spec.reference
    start = np.floor(seconds(other[reference.window[0]]) / unit_step) * unit_step
    end = np.floor(seconds(other[reference.window[1]]) / unit_step) * unit_step
    at = seconds(frame[reference.at])
    windows: dict = {}
    owners, keys = other[other_spec.foreign_key], other[other_spec.primary_key]
    for parent, key, low, high in zip(owners, keys, start, end, strict=True):
        windows.setdefault(parent, []).append((low, high, key))
    found = []
    for parent, when in zip(frame[spec.foreign_key], at, strict=True):
        match = next((key for low, high, key in windows.get(parent, []) if low <= when <= high), None)
        found.append(match)
    keys = other[other_spec.primary_key]
    return pd.Series(pd.array(found, dtype="Int64" if keys.dtype.kind in "iu" else object), index=frame.index)
