"""Generators, registered by name. Each module here registers what it provides."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from synthguard.generators.base import TableGenerator
from synthguard.generators.llm import ChatModel

TABLE_GENERATORS: dict[str, type[TableGenerator]] = {}
LLM_BACKENDS: dict[str, type[ChatModel]] = {}
TEXT_MODES: dict[str, TextMode] = {}


@dataclass(frozen=True)
class TextMode:
    """A text mode: ``run(records, model, judge, settings, seed, progress)`` for instruction data."""

    name: str
    run: Callable
    instruction_data: bool  # False: the mode rewrites a text column of a table (paraphrase)
    uses_model: bool = True  # False: no language model is loaded (row_template fills the policy's template)


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


def register_text_mode(name: str, instruction_data: bool = True, uses_model: bool = True):
    def decorate(run: Callable) -> Callable:
        if name in TEXT_MODES:
            raise ValueError(f"text mode {name!r} is registered twice")
        TEXT_MODES[name] = TextMode(name, run, instruction_data, uses_model)
        return run
    return decorate


def chat_model(settings) -> ChatModel:
    """The backend the settings name, ready to ``chat``."""
    return LLM_BACKENDS[settings.backend](settings)


for _module in pkgutil.iter_modules(__path__):
    if _module.name not in ("base", "llm") and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["LLM_BACKENDS", "TABLE_GENERATORS", "TEXT_MODES", "ChatModel", "TableGenerator", "TextMode", "chat_model",
           "register_llm", "register_table", "register_text_mode"]
