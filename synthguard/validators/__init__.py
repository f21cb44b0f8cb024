"""Validation suites, registered by name.

A module here that defines a ``Suite`` subclass decorated with ``@register`` is a suite: the registry
imports the package's modules on first use (not when this package is imported) and adds other
distributions' ``synthguard.suites`` entry points, so adding a suite is adding a module or a plugin.
"""

from __future__ import annotations

from synthguard.registry import SUITES
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext

register = SUITES.register

__all__ = ["SUITES", "Check", "Suite", "SuiteConfig", "ValidationContext", "register"]
