"""Checks only several tables together can fail: keys, children per parent, order in time, copied code sets.

Each compares the release with the training tables where the real data set the bar: an order rule the
real records break 3% of the time may be broken as often, not more (``order_margin``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

from synthguard.relational.keys import ancestor_values
from synthguard.relational.times import DAY, seconds
from synthguard.sections.relational import RelationalSection
from synthguard.validators.base import Check, compare

SUITE = "relational"


def _check(name: str, value, threshold, op: str, details: dict) -> Check:
    return Check(SUITE, name, float(value), float(threshold), op, bool(compare(value, threshold, op)), "fail",
                 details)


def integrity(tables: dict[str, pd.DataFrame], section: RelationalSection) -> list[Check]:
    broken: dict[str, int] = {}
    for name, spec in section.tables.items():
        frame = tables[name]
        if spec.primary_key:
            broken[f"{name}.{spec.primary_key} repeated or missing"] = int(
                frame[spec.primary_key].duplicated().sum() + frame[spec.primary_key].isna().sum())
        if spec.parent:
            parent = tables[spec.parent]
            key = section.tables[spec.parent].primary_key
            broken[f"{name}.{spec.foreign_key} without a {spec.parent}"] = int(
                (~frame[spec.foreign_key].isin(parent[key])).sum())
            for inherited in spec.inherited_keys:
                if inherited in parent:
                    upward = frame[spec.foreign_key].map(parent.set_index(key)[inherited])
                    broken[f"{name}.{inherited} unlike its {spec.parent}'s"] = int((upward != frame[inherited]).sum())
        if spec.reference:
            ref = section.tables[spec.reference.table]
            other = tables[spec.reference.table]
            values = frame[spec.reference.column]
            pairs = other.set_index(ref.primary_key)[ref.foreign_key]
            present = values.notna()
            wrong = ~values[present].isin(pairs.index) | (values[present].map(pairs) != frame.loc[present,
                                                                                            spec.foreign_key])
            broken[f"{name}.{spec.reference.column} outside its {spec.parent}"] = int(wrong.sum())
    return [_check("referential_integrity", sum(broken.values()), 0, "<=", {"broken": broken})]


def children_per_parent(frame: pd.DataFrame, foreign_key: str, parents: pd.Series) -> np.ndarray:
    counts = frame[foreign_key].value_counts()
    return parents.map(counts).fillna(0).to_numpy(dtype=float)


def child_counts(synthetic: dict[str, pd.DataFrame], train: dict[str, pd.DataFrame],
                 holdout: dict[str, pd.DataFrame], section: RelationalSection) -> list[Check]:
    checks = []
    for name, spec in section.tables.items():
        if not spec.parent:
            continue
        key = section.tables[spec.parent].primary_key
        counts = {label: children_per_parent(tables[name], spec.foreign_key, tables[spec.parent][key])
                  for label, tables in (("synthetic", synthetic), ("train", train), ("holdout", holdout))}
        test = ks_2samp(counts["synthetic"], counts["train"])
        baseline = ks_2samp(counts["holdout"], counts["train"])
        details = {"table": name, "parent": spec.parent, "ks_statistic": round(float(test.statistic), 4),
                   "holdout_ks_statistic": round(float(baseline.statistic), 4),
                   **{f"{label}_mean": round(float(c.mean()), 3) for label, c in counts.items()},
                   **{f"{label}_share_without": round(float((c == 0).mean()), 3) for label, c in counts.items()},
                   **{f"{label}_max": int(c.max()) for label, c in counts.items()}}
        checks.append(_check(f"child_count_pvalue[{name}]", test.pvalue, section.child_count_min_pvalue, ">=",
                             details))
    return checks


def _pair(tables, section, earlier: str, later: str, unit: str) -> tuple[str, np.ndarray, np.ndarray]:
    (first, first_col), (second, second_col) = earlier.split(".", 1), later.split(".", 1)
    low = first if second in section.line(first) else second
    a = seconds(ancestor_values(tables, section, low, first, first_col))
    b = seconds(ancestor_values(tables, section, low, second, second_col))
    if unit == "day":
        a, b = np.floor(a / DAY), np.floor(b / DAY)
    return low, a, b


def broken_rows(tables: dict[str, pd.DataFrame], section: RelationalSection, name: str, rules) -> np.ndarray:
    """Rows of ``name`` that break one of ``rules`` whose other end is the table itself or an ancestor (both
    dates present): what drawing a parent's rows again can mend."""
    broken = np.zeros(len(tables[name]), dtype=bool)
    for _, earlier, later, unit in rules:
        tables_named = {earlier.split(".", 1)[0], later.split(".", 1)[0]}
        if name not in tables_named or not tables_named <= set(section.line(name)):
            continue
        _, a, b = _pair(tables, section, earlier, later, unit)
        broken |= np.isfinite(a) & np.isfinite(b) & (a > b)
    return broken


def all_rules(section: RelationalSection) -> list[tuple[str, str, str, str]]:
    return structural_rules(section) + [(f"{r.earlier} before {r.later}", r.earlier, r.later, r.unit)
                                        for r in section.order]


def hard_rules(real: dict[str, pd.DataFrame], section: RelationalSection, least: float = 0.995) -> list:
    """The rules the real tables all but always keep: those a release is mended to keep (a rule real records
    break now and then, as prescriptions ending after discharge, is only measured)."""
    return [rule for rule in all_rules(section) if rule_rate(real, section, *rule[1:])[0] >= least]


def rule_rate(tables: dict[str, pd.DataFrame], section: RelationalSection, earlier: str, later: str,
              unit: str) -> tuple[float, int]:
    """Share of row pairs (both dates present) where ``earlier`` is not after ``later``, and how many pairs."""
    _, a, b = _pair(tables, section, earlier, later, unit)
    present = np.isfinite(a) & np.isfinite(b)
    return (float((a[present] <= b[present]).mean()) if present.any() else 1.0), int(present.sum())


def structural_rules(section: RelationalSection) -> list[tuple[str, str, str, str]]:
    """(label, earlier, later, unit) the declared times imply: an end after its time, a child inside its
    parent's window."""
    rules = []
    for name, spec in section.tables.items():
        if spec.end:
            rules.append((f"{name}.{spec.end} after {spec.time}", f"{name}.{spec.time}", f"{name}.{spec.end}",
                          "exact"))
        if spec.within_parent:
            parent = section.tables[spec.parent]
            rules.append((f"{name}.{spec.time} inside {spec.parent}", f"{spec.parent}.{parent.time}",
                          f"{name}.{spec.time}", "day"))
            rules.append((f"{name}.{spec.time} inside {spec.parent} (end)", f"{name}.{spec.time}",
                          f"{spec.parent}.{parent.end}", "day"))
    return rules


def siblings_in_turn(frame: pd.DataFrame, spec) -> float:
    """Share of non-first siblings that start at or after the previous one's end."""
    order = pd.DataFrame({"parent": frame[spec.foreign_key].to_numpy(), "start": seconds(frame[spec.time]),
                          "end": seconds(frame[spec.end])}).sort_values(["parent", "start"], kind="stable")
    later = order["parent"].eq(order["parent"].shift())
    previous_end = order["end"].shift()
    judged = later & previous_end.notna()
    return float((order["start"][judged] >= previous_end[judged]).mean()) if judged.any() else 1.0


def event_order(synthetic: dict[str, pd.DataFrame], real: dict[str, pd.DataFrame],
                section: RelationalSection) -> list[Check]:
    checks = []
    for label, earlier, later, unit in all_rules(section):
        real_rate, real_pairs = rule_rate(real, section, earlier, later, unit)
        rate, pairs = rule_rate(synthetic, section, earlier, later, unit)
        checks.append(_check(f"event_order[{label}]", rate, max(real_rate - section.order_margin, 0), ">=",
                             {"real_rate": round(real_rate, 4), "real_pairs": real_pairs, "pairs": pairs,
                              "unit": unit}))
    for name, spec in section.tables.items():
        if spec.parent and spec.end and not spec.overlapping:
            real_rate, rate = siblings_in_turn(real[name], spec), siblings_in_turn(synthetic[name], spec)
            checks.append(_check(f"event_order[{name} one after another]", rate,
                                 max(real_rate - section.order_margin, 0), ">=", {"real_rate": round(real_rate, 4)}))
    return checks


def _code_sets(frame: pd.DataFrame, key: str, column: str) -> pd.Series:
    return frame.groupby(key)[column].agg(lambda codes: tuple(sorted(map(str, codes.dropna()))))


def unique_sets(real: pd.DataFrame, key: str, column: str, min_size: int) -> set:
    once = _code_sets(real, key, column).value_counts()
    return {codes for codes in once[once == 1].index if len(codes) >= min_size}


def copied_sets(frame: pd.DataFrame, key: str, column: str, unique: set) -> pd.Series:
    """Per parent key: does its full set of codes equal a set only one real parent holds?"""
    return _code_sets(frame, key, column).isin(unique)


def copied_code_sets(synthetic: dict[str, pd.DataFrame], real: dict[str, pd.DataFrame],
                     section: RelationalSection) -> list[Check]:
    """A full set of diagnoses held by one real admission alone points at that patient, whatever the
    other columns say."""
    checks = []
    for name, column in section.code_sets.items():
        key = section.tables[name].foreign_key
        unique = unique_sets(real[name], key, column, section.code_set_min_size)
        made = copied_sets(synthetic[name], key, column, unique)
        copies = int(made.sum())
        checks.append(_check(f"unique_code_set_copies[{name}]", copies, 0, "<=",
                             {"column": column, "synthetic_parents": int(len(made)),
                              "min_set_size": section.code_set_min_size,
                              "real_unique_sets": len(unique)}))
    return checks
