"""What every suite's section under ``validate.suites`` has: on or off, and what a failure does."""

from __future__ import annotations

from typing import Literal

from synthguard.strict import StrictModel

Action = Literal["fail", "warn", "filter"]


class SuiteConfig(StrictModel):
    """The base of a suite's ``Config``; a suite adds its thresholds as fields."""

    enabled: bool = True
    action: Action | None = None  # None: the policy-wide validate.action

    def columns(self) -> list[str]:
        """Columns this configuration names: they must exist and be modelled, checked before fitting."""
        return []
