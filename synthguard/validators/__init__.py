"""Validation suites, registered by name.

Every module in this package that defines a ``Suite`` subclass decorated with
``@register`` is imported here, so adding a suite is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil

from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext

SUITES: dict[str, type[Suite]] = {}


def register(cls: type[Suite]) -> type[Suite]:
    if cls.name in SUITES:
        raise ValueError(f"validation suite {cls.name!r} is registered twice")
    SUITES[cls.name] = cls
    return cls


for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base" and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["SUITES", "Check", "Suite", "SuiteConfig", "ValidationContext", "register"]
