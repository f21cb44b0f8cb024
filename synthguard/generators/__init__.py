"""Generators, registered by name: table synthesizers, LLM backends and text modes.

Each module here registers what it provides; the registries import them on first use (not when this
package is imported), and add other distributions' entry points (synthguard.registry).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from synthguard.registry import LLM_BACKENDS, TABLE_GENERATORS, TEXT_MODES

if TYPE_CHECKING:
    from synthguard.generators.base import TableGenerator
    from synthguard.generators.llm import ChatModel


@dataclass(frozen=True)
class TextMode:
    """A text mode: ``run(records, context)`` returns the mode's result (generators/instructions.py).

    ``instruction_data``: True for instruction datasets (records of instruction, input, output); False
    for a mode that writes a text column of a table (``run`` is then called by generators/text.py).
    ``uses_model``: False when no language model is loaded (row_template fills the policy's template).
    ``options``: a StrictModel of the mode's own settings, read from ``generate.text.options``.
    """

    name: str
    run: Callable
    instruction_data: bool = True
    uses_model: bool = True
    options: type | None = None


def register_table(cls: type[TableGenerator]) -> type[TableGenerator]:
    return TABLE_GENERATORS.register(cls)


def register_llm(cls: type[ChatModel]) -> type[ChatModel]:
    return LLM_BACKENDS.register(cls)


def register_text_mode(name: str, instruction_data: bool = True, uses_model: bool = True, options: type | None = None):
    def decorate(run: Callable) -> Callable:
        TEXT_MODES.register(TextMode(name, run, instruction_data, uses_model, options))
        return run
    return decorate


def chat_model(settings) -> ChatModel:
    """The backend the settings name, ready to ``chat``."""
    return LLM_BACKENDS[settings.backend](settings)


def __getattr__(name: str):
    # The base classes stay importable from here without this package importing them up front.
    if name in ("TableGenerator", "ChatModel"):
        from synthguard.generators.base import TableGenerator
        from synthguard.generators.llm import ChatModel

        return {"TableGenerator": TableGenerator, "ChatModel": ChatModel}[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["LLM_BACKENDS", "TABLE_GENERATORS", "TEXT_MODES", "ChatModel", "TableGenerator", "TextMode", "chat_model",
           "register_llm", "register_table", "register_text_mode"]
