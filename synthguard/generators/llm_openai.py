"""Any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp server, hosted) over HTTP.

Requests run ``concurrency`` at a time; a timeout, a dropped connection, 429 or a 5xx
is retried with exponential backoff, ``max_retries`` times. The key comes from the
environment variable the policy names and is sent only as the Authorization header:
never logged, never in an error message.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

from synthguard.errors import ModelError
from synthguard.generators import register_llm
from synthguard.generators.llm import ChatModel, Message

RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}
BACKOFF_S = 0.5


@register_llm
class OpenAIChat(ChatModel):
    name = "openai"

    def __init__(self, settings):
        super().__init__(settings)
        if not settings.base_url:
            raise ModelError("generate.text.backend openai needs base_url (e.g. http://127.0.0.1:8000/v1 for vLLM, "
                             "http://127.0.0.1:11434/v1 for Ollama)")
        if not settings.model:
            raise ModelError("generate.text.backend openai needs model: the name the endpoint serves")
        import httpx

        key = os.environ.get(settings.api_key_env)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._client = httpx.Client(base_url=settings.base_url.rstrip("/"), headers=headers,
                                    timeout=settings.timeout_s)

    def identity(self) -> str:
        return f"openai:{self.settings.model}@{self.settings.base_url}"

    def chat(self, conversations: list[list[Message]], seed: int) -> list[str]:
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            return list(pool.map(lambda item: self._one(item[1], seed + item[0]), enumerate(conversations)))

    def _one(self, messages: list[Message], seed: int) -> str:
        import httpx

        body = {"model": self.settings.model, "messages": messages, "seed": seed,
                "temperature": self.settings.temperature, "top_p": self.settings.top_p,
                "max_tokens": self.settings.max_new_tokens}
        where = f"model {self.settings.model!r} at {self.settings.base_url}"
        for attempt in range(self.settings.max_retries + 1):
            last = attempt == self.settings.max_retries
            try:
                response = self._client.post("/chat/completions", json=body)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                if last:
                    raise ModelError(f"cannot reach {where} ({type(error).__name__} after "
                                     f"{attempt + 1} tries); start the server or fix generate.text.base_url") from None
            else:
                if response.status_code == 200:
                    return _reply(response, where)
                if response.status_code in (401, 403):
                    raise ModelError(f"{where} refused the key (HTTP {response.status_code}); "
                                     f"set {self.settings.api_key_env}")
                if response.status_code == 404:
                    raise ModelError(f"{where}: HTTP 404; check the model name and that base_url ends in /v1")
                if response.status_code not in RETRYABLE_STATUS or last:
                    raise ModelError(f"{where} answered HTTP {response.status_code} after {attempt + 1} tries")
            time.sleep(BACKOFF_S * 2 ** attempt)
        raise AssertionError("unreachable")


def _reply(response, where: str) -> str:
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ModelError(f"{where} sent a reply that is not an OpenAI chat completion") from None
    if not isinstance(content, str):
        raise ModelError(f"{where} sent a reply without text content")
    return content.strip()  # an empty reply is the text filters' business, not a transport failure
