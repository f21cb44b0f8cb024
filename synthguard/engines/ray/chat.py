"""Text generation on Ray: one chat model per actor, GPUs per actor when the policy asks.

The text modes call ``chat`` several times per run (attempts, evolution rounds), and
loading a model is the expensive part, so the actors live as long as the run, not as
long as one call: a Ray Data ``map_batches`` pool would start and load them again on
every call. Conversations go out in the local engine's batches with the local engine's
per-batch seeds, so each reply is the one the local engine would give. A dead actor is
restarted (``max_restarts=-1``) and its call retried (``max_task_retries=-1``); replies
are placed by batch position, so nothing is lost or answered twice.
"""

from __future__ import annotations

from synthguard.engines.ray.cluster import pool_size, start_ray
from synthguard.errors import SynthguardError
from synthguard.generators import chat_model
from synthguard.generators.llm import ChatModel, LLMSettings, Message


class ChatActor:
    def __init__(self, settings_json: str):

        # Kept, not raised: Ray reports a failed constructor as a bare ActorDiedError, while an
        # error raised by a method reaches the driver with its type and one-line message.
        self.model, self.error = None, None
        try:
            self.model = chat_model(LLMSettings.model_validate_json(settings_json))
        except SynthguardError as error:
            self.error = error

    def identity(self) -> str:
        if self.error is not None:
            raise self.error
        return self.model.identity()

    def chat(self, conversations: list[list[Message]], seed: int) -> list[str]:
        return self.model.chat(conversations, seed)


class RayChat(ChatModel):
    """The same interface as a local chat model; the work spread over an actor pool."""

    def __init__(self, settings: LLMSettings, ray_settings, actor: type = ChatActor):
        super().__init__(settings)
        self.name = settings.backend
        ray = start_ray()
        actors = ray_settings.llm_actors or pool_size(ray_settings)
        remote = ray.remote(num_cpus=ray_settings.cpus_per_actor, num_gpus=ray_settings.gpus_per_actor,
                            max_restarts=-1, max_task_retries=-1)(actor)
        payload = settings.model_dump_json()
        self.actors = [remote.remote(payload) for _ in range(actors)]
        try:  # fails here when the actors cannot load the model
            self._identity = ray.get([a.identity.remote() for a in self.actors])[0]
        except ray.exceptions.RayError as error:
            self.close()
            raise _cause(error) from None

    def identity(self) -> str:
        return self._identity

    def chat(self, conversations: list[list[Message]], seed: int) -> list[str]:
        import ray

        size = self.settings.batch_size
        calls = [self.actors[i % len(self.actors)].chat.remote(conversations[start: start + size], seed + start)
                 for i, start in enumerate(range(0, len(conversations), size))]
        return [reply for replies in ray.get(calls) for reply in replies]

    def close(self) -> None:
        """Stop the actors and free their CPUs and GPUs."""
        import ray

        for actor in self.actors:
            ray.kill(actor)
        self.actors = []


def _cause(error: Exception) -> Exception:
    """A synthguard error raised inside an actor, unwrapped, so its one-line message reaches the user."""

    seen = error
    for _ in range(5):
        seen = getattr(seen, "cause", None) or getattr(seen, "__cause__", None)
        if seen is None or isinstance(seen, SynthguardError):
            break
    return seen if isinstance(seen, SynthguardError) else error
