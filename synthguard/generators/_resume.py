"""Resumable generation: every reply is appended to a cache file as soon as its batch returns.

A reply is keyed by (conversation, step, model, seed): the conversation holds the prompt
and the (scrubbed) record, the step its generation settings. A killed run therefore
resumes where it stopped without asking the model again or writing a record twice, and
an edited step (another prompt, another temperature) asks again only for what it changed.

The cache holds the model's replies to scrubbed prompts, never a real record; the key is
a SHA-256, so the file names no record either. It is used only when SYNTHGUARD_KEY is
set: without a fixed key the surrogates, hence the prompts, differ on every run and
nothing could be found again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from synthguard.generators.llm import ChatModel, Message

GENERATION_FIELDS = ("max_new_tokens", "temperature", "top_p")


class ResumableChat(ChatModel):
    """Wraps a chat model; ``chat`` answers from the cache where it can and appends the rest."""

    def __init__(self, inner: ChatModel, path: Path, step: str):
        super().__init__(inner.settings)
        self.name = inner.name
        self.inner, self.path, self.step = inner, path, step
        self.hits = self.misses = 0
        self._replies: dict[str, str] = {}
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    try:
                        entry = json.loads(line)
                        self._replies[entry["key"]] = entry["reply"]
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut short by a kill: that reply is simply asked again

    def identity(self) -> str:
        return self.inner.identity()

    def _key(self, conversation: list[Message], seed: int) -> str:
        generation = {name: getattr(self.settings, name) for name in GENERATION_FIELDS}
        # The model, not where it is served: the same vLLM model behind another port is the same model.
        model = [self.inner.name, self.settings.model or self.inner.identity()]
        body = json.dumps([self.step, model, generation, seed, conversation], sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()

    def chat(self, conversations: list[list[Message]], seed: int) -> list[str]:
        keys = [self._key(c, seed) for c in conversations]
        first: dict[str, int] = {}  # key -> its first conversation (one pass; keys.index would be quadratic)
        for i, key in enumerate(keys):
            first.setdefault(key, i)
        todo = [k for k in first if k not in self._replies]
        size = self.settings.batch_size
        self.hits += len(keys) - len(todo)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for start in range(0, len(todo), size):
            chunk = todo[start:start + size]
            # Seeded by the chunk's first key, so a chunk asked again after a kill samples alike.
            replies = self.inner.chat([conversations[first[k]] for k in chunk], seed + int(chunk[0][:6], 16))
            with self.path.open("a", encoding="utf-8") as handle:
                for key, reply in zip(chunk, replies, strict=True):
                    handle.write(json.dumps({"key": key, "reply": reply}) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            self._replies.update(zip(chunk, replies, strict=True))
            self.misses += len(chunk)
        return [self._replies[k] for k in keys]
