"""Where synthguard keeps what it derives from installed packages (lexicons, converted models)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/synthguard, else ~/.cache/synthguard.

    Holds public data (lexicons, the converted default model) and, under ``generations/``,
    the resume cache: model replies to scrubbed prompts, keyed by hashes (generators/_resume.py).
    """
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "synthguard"
