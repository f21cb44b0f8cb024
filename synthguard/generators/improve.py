"""improve: the model taught by its own accepted outputs, a ReST^EM loop (Singh et al., DeepMind 2023).

Each round generates with the current model, keeps what every filter and the second scrub accept (the reward
the release itself uses), fine-tunes a fresh LoRA adapter (peft) of the base model on the kept pairs, and
measures the kept share on held-out source records that no round trains on. A round that does not raise the
held-out kept share stops the loop, and the best round's adapter is the one the release is generated with.

Privacy: the pairs are (the conversation built from scrubbed records, the released text, scrubbed a second
time): no raw source text reaches the adapter's training data, by construction. Only a model whose weights are
in this process (the transformers backend) can be fine-tuned; an endpoint cannot (``require_local``).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthguard.errors import GenerationError, PolicyError


class RecordingChat:
    """A chat model that remembers each (conversation, reply) it was asked, to pair kept texts with prompts."""

    def __init__(self, model):
        self.model = model
        self.asked: list[tuple[list[dict[str, str]], str]] = []

    def chat(self, conversations, seed: int) -> list[str]:
        replies = self.model.chat(conversations, seed)
        self.asked += list(zip(conversations, replies, strict=True))
        return replies

    def identity(self) -> str:
        return self.model.identity()

    def __getattr__(self, name: str) -> Any:  # settings, name, ...: the model's own
        return getattr(self.model, name)


def kept_pairs(asked: list[tuple[list[dict[str, str]], str]], generated: dict,
               rescrub=None) -> list[tuple[list[dict], str]]:
    """(conversation, released text) for every reply that was released: its judged words found among the
    replies asked, its target the text as released (after the second scrub).

    ``rescrub``: the second scrub (texts -> texts). It gives the record's own turn the surrogates it gave the
    reply: the source's "Ashley Golden" became "Kristi Brown" in the released rewording, and a pair that kept
    the one in the prompt and the other in the reply would teach the model to change names."""
    released = {}
    for result in generated.values():
        for words, text in zip(result.judged, result.texts, strict=False):
            released.setdefault(words, text)
    pairs, seen = [], set()
    for conversation, reply in asked:
        text = released.get(reply)
        key = (json.dumps(conversation, sort_keys=True), text)
        if text is not None and key not in seen:
            seen.add(key)
            pairs.append((conversation, text))
    if rescrub is None or not pairs:
        return pairs
    turns = rescrub([conversation[-1]["content"] for conversation, _ in pairs])
    return [([*conversation[:-1], {**conversation[-1], "content": turn}], text)
            for (conversation, text), turn in zip(pairs, turns, strict=True)]


def require_local(model) -> None:
    if not hasattr(model, "model") or not hasattr(model, "tokenizer") or getattr(model, "seq2seq", False):
        raise PolicyError("generate.text.improve fine-tunes the model's weights: it needs a local causal model "
                          "(llm.backend: transformers); an endpoint (openai) cannot be fine-tuned here")


@dataclass
class Adapter:
    """A trained LoRA adapter: its weights (name -> tensor) and what it was trained on."""

    state: dict
    pairs: int
    round: int
    config: dict = field(default_factory=dict)

    def digest(self) -> str:
        sha = hashlib.sha256()
        for name in sorted(self.state):
            sha.update(name.encode())
            sha.update(self.state[name].detach().cpu().numpy().tobytes())
        return sha.hexdigest()

    def save(self, folder: Path) -> list[Path]:
        """adapter_model.safetensors and adapter_config.json (peft's file names), byte-identical for one seed."""
        from safetensors.torch import save_file

        folder.mkdir(parents=True, exist_ok=True)
        weights = folder / "adapter_model.safetensors"
        save_file({k: v.detach().cpu().contiguous() for k, v in sorted(self.state.items())}, str(weights))
        config = folder / "adapter_config.json"
        config.write_text(json.dumps({**self.config, "peft_type": "LORA", "task_type": "CAUSAL_LM",
                                      "trained_on_pairs": self.pairs, "round": self.round}, indent=1,
                                     sort_keys=True) + "\n")
        return [weights, config]


def _tokenized(model, conversation, text: str) -> tuple[list[int], list[int]]:
    """Prompt and reply token ids; the loss is taken on the reply (and its end token) only."""
    tokenizer = model.tokenizer
    prompt = tokenizer(model._prompt(conversation), add_special_tokens=False)["input_ids"]
    reply = tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    return prompt + reply, [-100] * len(prompt) + reply


def fine_tune(model, pairs: list[tuple[list[dict], str]], settings, seed: int, progress, round_: int) -> Adapter:
    """A fresh LoRA adapter on ``model``'s base weights, trained on ``pairs``; ``model`` then generates with it.

    Seeded (torch and the batch order) and without dropout, so one seed gives one adapter on one machine."""
    import torch
    from peft import LoraConfig, get_peft_model, get_peft_model_state_dict

    if not pairs:
        raise GenerationError("improve: no kept record to fine-tune on")
    base = unload(model)
    config = dict(r=settings.lora_r, lora_alpha=settings.lora_alpha, lora_dropout=0.0,
                  target_modules=list(settings.target_modules), task_type="CAUSAL_LM")
    torch.manual_seed(seed)
    tuned = get_peft_model(base, LoraConfig(**config))
    examples = [_tokenized(model, c, t) for c, t in pairs]
    examples = [(ids[-settings.max_tokens:], labels[-settings.max_tokens:]) for ids, labels in examples]
    optimiser = torch.optim.AdamW([p for p in tuned.parameters() if p.requires_grad], lr=settings.learning_rate)
    order = random.Random(seed)
    pad = model.tokenizer.pad_token_id
    steps = settings.epochs * -(-len(examples) // settings.batch_size)
    tuned.train()
    with progress.step(f"improve round {round_}: fine-tuning a LoRA adapter on {len(pairs)} kept records",
                       total=steps) as advance:
        for _ in range(settings.epochs):
            batch_order = list(range(len(examples)))
            order.shuffle(batch_order)
            for start in range(0, len(batch_order), settings.batch_size):
                batch = [examples[i] for i in batch_order[start:start + settings.batch_size]]
                width = max(len(ids) for ids, _ in batch)
                # Padded on the right: positions count from the first token, as at generation.
                ids = torch.tensor([i + [pad] * (width - len(i)) for i, _ in batch])
                labels = torch.tensor([lab + [-100] * (width - len(lab)) for _, lab in batch])
                mask = torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i, _ in batch])
                loss = tuned(input_ids=ids.to(model.device), attention_mask=mask.to(model.device),
                             labels=labels.to(model.device)).loss
                loss.backward()
                optimiser.step()
                optimiser.zero_grad()
                advance(1)
    tuned.eval()
    model.model = tuned
    state = {k: v.detach().clone() for k, v in get_peft_model_state_dict(tuned).items()}
    return Adapter(state, len(pairs), round_, {k: v for k, v in config.items() if k != "task_type"})


def unload(model):
    """The base model without any adapter (a round trains a fresh one, as ReST^EM fine-tunes the base)."""
    current = model.model
    if hasattr(current, "unload"):
        current = current.unload()
    model.model = current
    return current


def load_adapter(model, adapter: Adapter):
    """``model`` generating with ``adapter`` (the best round's), on its base weights."""
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict

    base = unload(model)
    tuned = get_peft_model(base, LoraConfig(**adapter.config, task_type="CAUSAL_LM"))
    set_peft_model_state_dict(tuned, adapter.state)
    tuned.eval()
    model.model = tuned


@dataclass
class RoundResult:
    """What a round's generation gives the loop: the kept records and {field or column: TextResult}; an
    instruction mode's ModeResult has both."""

    records: list
    generated: dict


@dataclass
class RoundFigures:
    """One round as the report gives it: measured on the held-out records, which no round trains on."""

    round: int
    trained_on: int  # kept pairs the round's adapter learnt from (0 for round 0: the base model)
    held_out: int
    kept: int
    rejected: dict[str, int]
    faithfulness: float | None
    quality: float | None
    seconds: float
    examples: list[tuple[str, str]] = field(default_factory=list)  # (scrubbed source, kept text), to read

    @property
    def kept_share(self) -> float:
        return self.kept / self.held_out if self.held_out else 0.0

    def to_dict(self) -> dict:
        return {"round": self.round, "trained_on": self.trained_on, "held_out": self.held_out, "kept": self.kept,
                "kept_share": round(self.kept_share, 4), "rejected": dict(sorted(self.rejected.items())),
                "faithfulness": self.faithfulness, "quality": self.quality, "seconds": round(self.seconds, 1),
                "examples": [list(pair) for pair in self.examples]}


@dataclass
class Improved:
    rounds: list[RoundFigures]
    adapter: Adapter | None  # the best round's; None when no round beat the base model
    stopped: str  # why the loop ended

    def to_dict(self) -> dict:
        return {"rounds": [r.to_dict() for r in self.rounds], "stopped": self.stopped,
                "adapter": None if self.adapter is None else {"round": self.adapter.round,
                                                              "trained_on": self.adapter.pairs,
                                                              "sha256": self.adapter.digest()}}


def held_out_split(count: int, share: float, most: int, seed: int) -> tuple[list[int], list[int]]:
    """(held-out indices, training pool indices): a seeded share of the source records, at most ``most``."""
    indices = list(range(count))
    random.Random(seed).shuffle(indices)
    size = min(most, max(1, round(count * share)))
    return sorted(indices[:size]), sorted(indices[size:])


def _figures(round_: int, trained_on: int, held_out: int, result, seconds: float) -> RoundFigures:
    from synthguard.measures.text_metrics import faithfulness

    kept = len(result.records)
    rejected: dict[str, int] = {}
    scores, quality, examples = [], [], []
    for text_result in result.generated.values():
        examples += list(zip(text_result.sources, text_result.texts, strict=False))
        for reason, n in text_result.rejected.items():
            rejected[reason] = rejected.get(reason, 0) + n
        if text_result.faithful and text_result.sources:
            scores += faithfulness(text_result.sources, text_result.texts, contained=text_result.contained)
        quality += list(text_result.quality)
    return RoundFigures(round_, trained_on, held_out, kept, rejected, _mean(scores), _mean(quality), seconds,
                        examples)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def improve(model, run, records: list, settings, seed: int, progress, rescrub=None) -> Improved:
    """The ReST^EM loop. ``run(records, model, seed, attempts)`` is the text mode with the release's filters
    (a ModeResult); ``records``: every scrubbed source record; ``settings``: ``generate.text.improve``;
    ``rescrub``: the second scrub (``kept_pairs``)."""
    import time

    require_local(model)
    held, pool = held_out_split(len(records), settings.held_out, settings.held_out_records, seed)
    if not pool:
        raise PolicyError("generate.text.improve: no source record is left to train on beside the held-out ones")
    held_records = [records[i] for i in held]
    tick = time.perf_counter()
    # Held-out records get one attempt each: the share measures the model, not the rejection sampling.
    with progress.step(f"improve round 0: the base model on {len(held)} held-out records"):
        measured = run(held_records, model, seed, 1)
    rounds = [_figures(0, 0, len(held), measured, time.perf_counter() - tick)]
    best, best_share, stopped = None, rounds[0].kept_share, f"{settings.rounds} rounds run"
    draw = random.Random(seed + 1)
    for round_ in range(1, settings.rounds + 1):
        tick = time.perf_counter()
        batch = [records[i] for i in sorted(draw.sample(pool, min(settings.records_per_round, len(pool))))]
        recording = RecordingChat(model)
        with progress.step(f"improve round {round_}: generating from {len(batch)} training records"):
            result = run(batch, recording, seed + round_, None)
            pairs = kept_pairs(recording.asked, result.generated, rescrub)
        if not pairs:
            stopped = f"round {round_} kept no record to learn from"
            break
        adapter = fine_tune(model, pairs, settings, seed + round_, progress, round_)
        with progress.step(f"improve round {round_}: the tuned model on {len(held)} held-out records"):
            measured = run(held_records, model, seed, 1)
        figures = _figures(round_, len(pairs), len(held), measured, time.perf_counter() - tick)
        rounds.append(figures)
        if figures.kept_share <= best_share:
            stopped = (f"round {round_} did not raise the held-out kept share ({figures.kept_share:.2f} against "
                       f"{best_share:.2f})")
            break
        best, best_share = adapter, figures.kept_share
    if best is None:
        unload(model)
    else:
        load_adapter(model, best)
    return Improved(rounds, best, stopped)

