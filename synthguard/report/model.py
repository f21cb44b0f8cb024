"""report.json: every check with its value, threshold and verdict, plus how the data was handled.

Holds column names, counts and scores only: nothing in it is a value from the data, but for a few
sample texts of a release that passed the gate (they are in its synthetic_text.jsonl anyway); a failed
gate's report drops them, as it releases no text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synthguard.validators.base import Check
from synthguard.version import __version__

SCHEMA_VERSION = 1
# The order a reviewer reads suites in: who could be exposed first, then whether the values are what they
# claim to be, then how alike the tables are. A suite not listed (a plugin's) comes after these.
SUITE_ORDER = ("privacy", "types", "constraints", "expectations", "factuality", "fidelity", "balance", "bias")


def ordered(checks: list[Check]) -> list[Check]:
    """Blocking failures first, then warnings, then every other check; within each, by suite importance."""
    def key(item):
        index, check = item
        failed = not check.passed and check.severity in ("fail", "warn")
        outcome = (0 if check.severity == "fail" else 1) if failed else 2
        suite = SUITE_ORDER.index(check.suite) if check.suite in SUITE_ORDER else len(SUITE_ORDER)
        return outcome, suite, index
    return [c for _, c in sorted(enumerate(checks), key=key)]


def _without_samples(figures: dict[str, Any]) -> dict[str, Any]:
    if "text" not in figures:
        return figures
    return {**figures, "text": [{k: v for k, v in t.items() if k != "samples"} for t in figures["text"]]}


@dataclass
class Report:
    policy_name: str
    policy_sha256: str
    seed: int
    checks: list[Check]
    generator: str = ""
    rows: dict[str, int] = field(default_factory=dict)
    columns: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)  # report/figures.py: shares and bins behind the plots
    # How the data was made, for the dataset card: the generator's settings, codes, the source's attribution.
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks if c.severity == "fail")

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.severity == "fail" and not c.passed]

    def suites(self) -> list[str]:
        return list(dict.fromkeys(c.suite for c in self.checks))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "synthguard_version": __version__,
            "policy": {"name": self.policy_name, "sha256": self.policy_sha256},
            "seed": self.seed,
            "passed": self.passed,
            "generator": self.generator,
            "rows": self.rows,
            "columns": self.columns,
            "notes": self.notes,
            "checks": [c.to_dict() for c in ordered(self.checks)],
            "settings": self.settings,
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "figures": self.figures if self.passed else _without_samples(self.figures),
        }

    def summary(self) -> str:
        verdict = "PASSED" if self.passed else "FAILED"
        failed = ", ".join(f"{c.suite}.{c.name}" for c in ordered(self.failures))
        tail = f": {failed}" if failed else ""
        return f"gate {verdict} ({len(self.checks)} checks in {len(self.suites())} suites){tail}"
