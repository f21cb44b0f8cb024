"""Chat models behind one interface: local transformers or an OpenAI-compatible endpoint.

A backend turns a batch of chat conversations into one reply each. Text modes
(paraphrase, augment, Evol-Instruct, Self-Instruct) only ever call ``chat``; which model
answers is the policy's choice (``generate.text``), registered by name.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from synthguard.strict import StrictModel

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": ...}


class LLMSettings(StrictModel):
    backend: str = Field("transformers", description="a registered LLM backend: transformers | openai")
    model: str | None = Field(
        None, description="local path or model id (transformers), or the endpoint's model name (openai); "
                          "none: the embedded SmolLM2-135M-Instruct (transformers)")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    api_key_env: str = Field("OPENAI_API_KEY", description="environment variable holding the key (never logged)")
    timeout_s: float = Field(60.0, gt=0)
    max_retries: int = Field(3, ge=0, le=10)
    concurrency: int = Field(4, ge=1, le=64)
    max_new_tokens: int = Field(256, ge=1, le=8192)
    temperature: float = Field(0.7, ge=0, le=2)
    top_p: float = Field(0.95, gt=0, le=1)
    batch_size: int = Field(8, ge=1, le=512)
    device: str = Field("auto", description="auto | cpu | cuda | cuda:N | mps")
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = "auto"

    @field_validator("backend")
    @classmethod
    def _registered(cls, value: str) -> str:
        from synthguard.generators import LLM_BACKENDS

        if value not in LLM_BACKENDS:
            raise ValueError(f"unknown LLM backend {value!r}; allowed: {', '.join(sorted(LLM_BACKENDS))} "
                             "(vLLM, Ollama and llama.cpp server: backend openai with base_url)")
        return value


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
