"""Local models through Hugging Face transformers: a path, a cached model id, or the embedded default.

Causal models get their tokenizer's chat template (a plain "role: text" transcript when
the tokenizer has none) and left padding for batched ``generate``; encoder-decoder models
(transformers 5 has no text2text pipeline) get the conversation as one input text.
Device and dtype follow the policy or, on ``auto``, the machine: CUDA with bfloat16
where available, else CPU with float32. Sampling is seeded per batch.
"""

from __future__ import annotations

import os
from pathlib import Path

from synthguard.errors import ModelError
from synthguard.generators import register_llm
from synthguard.generators.llm import ChatModel, Message


def _device_and_dtype(device: str, dtype: str):
    import torch

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    if dtype == "auto":
        dtype = "bfloat16" if device.startswith("cuda") and torch.cuda.is_bf16_supported() else "float32"
    return device, getattr(torch, dtype)


@register_llm
class TransformersChat(ChatModel):
    name = "transformers"
    loads_weights = True

    def __init__(self, settings):
        super().__init__(settings)
        import transformers

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()  # synthguard draws its own progress
        source = settings.model
        if source is None:
            from synthguard.generators._embedded import embedded_model_path

            source = str(embedded_model_path())
        self.source = source
        self.device, dtype = _device_and_dtype(settings.device, settings.dtype)
        offline = os.environ.get("HF_HUB_OFFLINE") == "1" or Path(source).exists()
        try:
            config = transformers.AutoConfig.from_pretrained(source, local_files_only=offline)
            self.seq2seq = bool(getattr(config, "is_encoder_decoder", False))
            loader = transformers.AutoModelForSeq2SeqLM if self.seq2seq else transformers.AutoModelForCausalLM
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=offline)
            self.model = loader.from_pretrained(source, dtype=dtype, local_files_only=offline).to(self.device)
        except (OSError, ValueError) as error:
            raise ModelError(f"cannot load model {source!r} with transformers ({type(error).__name__}); give a local "
                             "model folder with --llm-model PATH or generate.text.model, or use backend openai "
                             "with a running server") from None
        self.model.eval()
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token

    def identity(self) -> str:
        return f"transformers:{self.source}"

    def _prompt(self, messages: list[Message]) -> str:
        if not self.seq2seq and getattr(self.tokenizer, "chat_template", None):
            return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        transcript = "\n".join(f"{m['role']}: {m['content']}" for m in messages)
        return transcript if self.seq2seq else transcript + "\nassistant:"

    def chat(self, conversations: list[list[Message]], seed: int) -> list[str]:
        import torch

        replies: list[str] = []
        size = self.settings.batch_size
        for start in range(0, len(conversations), size):
            prompts = [self._prompt(m) for m in conversations[start: start + size]]
            inputs = self.tokenizer(prompts, return_tensors="pt", padding=True,
                                    add_special_tokens=self.seq2seq).to(self.device)
            torch.manual_seed(seed + start)
            sampling = self.settings.temperature > 0
            with torch.no_grad():
                output = self.model.generate(
                    **inputs, max_new_tokens=self.settings.max_new_tokens, do_sample=sampling,
                    temperature=self.settings.temperature if sampling else None,
                    top_p=self.settings.top_p if sampling else None,
                    pad_token_id=self.tokenizer.pad_token_id)
            if not self.seq2seq:
                output = output[:, inputs["input_ids"].shape[1]:]
            replies += [t.strip() for t in self.tokenizer.batch_decode(output, skip_special_tokens=True)]
        return replies
