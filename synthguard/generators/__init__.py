"""Generators, registered by name. Each module here registers what it provides."""

from __future__ import annotations

import importlib
import pkgutil

from synthguard.generators.base import TableGenerator

TABLE_GENERATORS: dict[str, type[TableGenerator]] = {}


def register_table(cls: type[TableGenerator]) -> type[TableGenerator]:
    if cls.name in TABLE_GENERATORS:
        raise ValueError(f"table generator {cls.name!r} is registered twice")
    TABLE_GENERATORS[cls.name] = cls
    return cls


for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base" and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["TABLE_GENERATORS", "TableGenerator", "register_table"]
