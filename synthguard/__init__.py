"""synthguard: policy-driven synthetic data with a validation gate.

Importing the package costs only this module and the version: every name below is imported on first use
(PEP 562), so ``import synthguard`` loads no Presidio, SDV or torch (tests/test_layers.py pins that).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from synthguard.errors import (
    DataError,
    GenerationError,
    ModelError,
    OutputError,
    PolicyError,
    ScrubSetupError,
    SynthguardError,
)
from synthguard.version import __version__

# name -> module that defines it
_LAZY = {
    "synthesize": "synthguard.pipeline", "scrub_texts": "synthguard.api", "scrub_file": "synthguard.scrub.stream",
    "validate": "synthguard.api", "ScrubbedTexts": "synthguard.api",
    "Policy": "synthguard.policy", "load_policy": "synthguard.policy", "parse_policy": "synthguard.policy",
    "Release": "synthguard.release", "Report": "synthguard.report", "Scrubbed": "synthguard.scrub.frames",
    "TableGenerator": "synthguard.generators.base", "load_generator": "synthguard.generators.base",
    "Suite": "synthguard.validators.base", "SuiteConfig": "synthguard.sections.suites",
    "Check": "synthguard.validators.base", "PluginError": "synthguard.registry",
}

if TYPE_CHECKING:
    from synthguard import scrub
    from synthguard.api import ScrubbedTexts, scrub_texts, validate
    from synthguard.generators.base import TableGenerator, load_generator
    from synthguard.pipeline import synthesize
    from synthguard.policy import Policy, load_policy, parse_policy
    from synthguard.registry import PluginError
    from synthguard.release import Release
    from synthguard.report import Report
    from synthguard.scrub.frames import Scrubbed
    from synthguard.scrub.stream import scrub_file
    from synthguard.sections.suites import SuiteConfig
    from synthguard.validators.base import Check, Suite


def __getattr__(name: str) -> Any:
    if name == "scrub":
        # The subpackage is callable (synthguard.scrub(data, policy), as the README's Python API shows) and stays
        # a package, so ``import synthguard.scrub.recognizers as r`` works too.
        return importlib.import_module("synthguard.scrub")
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'synthguard' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Check", "DataError", "GenerationError", "ModelError", "OutputError", "PluginError", "Policy", "PolicyError",
    "Release", "Report", "ScrubSetupError", "Scrubbed", "ScrubbedTexts", "Suite", "SuiteConfig", "SynthguardError",
    "TableGenerator", "__version__", "load_generator", "load_policy", "parse_policy", "scrub", "scrub_file",
    "scrub_texts", "synthesize", "validate",
]
