"""Chat models behind one interface: local transformers or an OpenAI-compatible endpoint.

A backend turns a batch of chat conversations into one reply each. Text modes
(paraphrase, augment, Evol-Instruct, Self-Instruct) only ever call ``chat``; which model
answers is the policy's choice (``generate.text``), registered by name.
"""

from __future__ import annotations

from typing import ClassVar

from synthguard.sections.text import LLMSettings

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": ...}

__all__ = ["ChatModel", "LLMSettings", "Message"]


class ChatModel:
    """``chat(conversations, seed)`` -> one reply per conversation, in order."""

    name: ClassVar[str]
    # True when the model runs in this process (its weights loaded here): the ray engine then
    # spreads it over actors; an endpoint (openai) scales on its own server.
    loads_weights: ClassVar[bool] = False

    def __init__(self, settings: LLMSettings):
        self.settings = settings

    def chat(self, conversations: list[list[Message]], seed: int) -> list[str]:
        raise NotImplementedError

    def identity(self) -> str:
        """What produced the text, for cache keys and the report: backend and model, no secrets."""
        return f"{self.name}:{self.settings.model}"
