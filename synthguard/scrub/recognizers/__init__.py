"""Healthcare recognizers, one small module each, registered by name.

A module adds itself with ``@register``; ``build_analyzer`` takes every registered
recognizer, so adding one is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil

RECOGNIZERS: dict[str, type] = {}


def register(cls: type) -> type:
    if cls.__name__ in RECOGNIZERS:
        raise ValueError(f"recognizer {cls.__name__} is registered twice")
    RECOGNIZERS[cls.__name__] = cls
    return cls


for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["RECOGNIZERS", "register"]
