"""Shared pieces of the Japanese recognizers: they read NFKC-normalised text (ASCII digits and
hyphens; scrub/normalize.py maps findings back) and Sudachi's part-of-speech tags, which
GiNZA's tokenizer sets without its morphologizer (``名詞-固有名詞-人名-姓``)."""

from __future__ import annotations

from typing import ClassVar

from synthguard.scrub.recognizers._base import LabelledPatternRecognizer

# Hyphen-like marks Japanese records put between digit groups, after NFKC.
DASH = "[-‐‑–−ー]"
KANJI = r"\u4e00-\u9fff\u3005\u30f6"  # with 々 and ヶ
KANA = r"\u3041-\u309f\u30a1-\u30ff"


class JapaneseRecognizer(LabelledPatternRecognizer):
    LANGUAGE: ClassVar[str] = "ja"
    FLAGS: ClassVar[int] = 0


def tokens(nlp_artifacts) -> list:
    return list(nlp_artifacts.tokens) if nlp_artifacts is not None and nlp_artifacts.tokens is not None else []


def near(text: str, start: int, words: tuple[str, ...], reach: int = 12) -> bool:
    """A label word in the ``reach`` characters before ``start`` (電話, 保険者番号)."""
    window = text[max(0, start - reach): start]
    return any(word in window for word in words)
