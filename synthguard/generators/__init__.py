"""Generators, registered by name. Each module here registers what it provides."""

from __future__ import annotations

import importlib
import pkgutil

from synthguard.generators.base import TableGenerator
from synthguard.generators.llm import ChatModel

TABLE_GENERATORS: dict[str, type[TableGenerator]] = {}
LLM_BACKENDS: dict[str, type[ChatModel]] = {}


def register_table(cls: type[TableGenerator]) -> type[TableGenerator]:
    if cls.name in TABLE_GENERATORS:
        raise ValueError(f"table generator {cls.name!r} is registered twice")
    TABLE_GENERATORS[cls.name] = cls
    return cls


def register_llm(cls: type[ChatModel]) -> type[ChatModel]:
    if cls.name in LLM_BACKENDS:
        raise ValueError(f"LLM backend {cls.name!r} is registered twice")
    LLM_BACKENDS[cls.name] = cls
    return cls


def chat_model(settings) -> ChatModel:
    """The backend the settings name, ready to ``chat``."""
    return LLM_BACKENDS[settings.backend](settings)


for _module in pkgutil.iter_modules(__path__):
    if _module.name not in ("base", "llm") and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["LLM_BACKENDS", "TABLE_GENERATORS", "ChatModel", "TableGenerator", "chat_model", "register_llm",
           "register_table"]
