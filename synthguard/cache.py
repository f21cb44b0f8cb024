"""Where synthguard keeps what it derives from installed packages (lexicons, converted models)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/synthguard, else ~/.cache/synthguard. Holds public data only, never input data."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "synthguard"
