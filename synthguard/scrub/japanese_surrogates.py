"""Surrogates for Japanese values from Faker's ja_JP locale, of the same kind and shape.

A name stays a name in the same script (kanji for kanji, katakana for katakana), with
the surname and given name split where the original splits them; an address keeps its
levels (prefecture, municipality, town, block numbers); a facility keeps its kind
(クリニック stays クリニック). Each part is seeded by the original part through the keyed
HMAC, so 山田 maps to the same surname in 山田様 and in 山田 太郎.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from synthguard.scrub.recognizers.ja_address import PREFECTURES
from synthguard.scrub.recognizers.ja_facility import SUFFIXES
from synthguard.sections.languages import JAPANESE_TEXT

JAPANESE_KINDS = {"PERSON", "LOCATION", "STREET_ADDRESS", "HOSPITAL"}
CODE_KANJI = "東西南北中央本新"
KATAKANA = re.compile(r"^[\u30a1-\u30ff\uff66-\uff9f・\s]+$")
SPLIT = re.compile(r"[\s\u3000・]+")
BLOCK = re.compile(r"[0-9０-９].*$")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
# Faker's ja_JP lists hold 50 surnames and about 50 given names: a real patient's name is then often
# drawn as a surrogate (and must be redrawn), and 20 redraws can run out. Names are composed from
# kanji that Japanese surnames and given names are commonly written with instead: ~1,600 of each.
SURNAME_KANJI = "山田中川木村本井藤野原小大高松林森池石上西東岡島谷沢宮平橋竹内佐清水長吉前後今土北"
GIVEN_KANJI = "健太郎一美子花翔大輝真由恵和彦香奈直明智優陽悠結愛誠正博秀幸久雅浩春菜咲"


def match_width(made: str, like: str) -> str:
    """Full-width digits when the original wrote them so (０９０ stays full-width)."""
    if any("０" <= c <= "９" for c in like):
        return made.translate(FULL_WIDTH_DIGITS)
    return made


def japanese_surrogate(entity: str, text: str, seeded: Callable, shape: Callable[[str], str]) -> str:
    """``seeded(value)`` is a Faker seeded by ``value`` (keyed); ``shape(value)`` redraws digits."""
    if not JAPANESE_TEXT.search(text):
        return ""  # not Japanese: the caller's English surrogate applies
    if entity == "PERSON":
        return _person(text, seeded)
    if entity == "HOSPITAL":
        suffix = next((s for s in sorted(SUFFIXES, key=len, reverse=True) if text.endswith(s)), "病院")
        return seeded(text).last_name() + suffix
    prefecture = next((p for p in PREFECTURES if text.startswith(p)), None)
    fake = seeded(text)
    made = (fake.prefecture() if prefecture else "") + fake.city()
    block = BLOCK.search(text)
    if entity == "STREET_ADDRESS" or block:
        made += fake.town() + (shape(block.group()) if block else "")
    return made


def _compose(fake, kanji: str) -> str:
    return fake.random.choice(kanji) + fake.random.choice(kanji)


def _person(text: str, seeded: Callable) -> str:
    kana = bool(KATAKANA.match(text))
    parts = [p for p in SPLIT.split(text) if p]
    separator = next(iter(SPLIT.findall(text.strip())), "")
    if len(parts) >= 2:  # surname, given name: each seeded by its own original
        last = seeded(parts[0]).last_kana_name() if kana else _compose(seeded(parts[0]), SURNAME_KANJI)
        first = seeded(parts[1]).first_kana_name() if kana else _compose(seeded(parts[1]), GIVEN_KANJI)
        return f"{last}{separator}{first}"
    if kana:
        fake = seeded(text)
        return fake.last_kana_name() + (fake.first_kana_name() if len(text) > 4 else "")
    # Unsplit kanji: a known two-character surname at the start splits it (山本零 is 山本 + 零), so
    # that 山本 becomes the same surname here as in 山本様; otherwise two or three characters are
    # taken for a surname alone and four or more for a full name.
    surname = text[:2] if len(text) > 2 and text[:2] in _known_surnames() else text if len(text) < 4 else text[:2]
    made = _compose(seeded(surname), SURNAME_KANJI)
    if len(text) > len(surname):
        made += _compose(seeded(text[len(surname):]), GIVEN_KANJI)[: max(1, min(2, len(text) - len(surname)))]
    return made


def _known_surnames() -> frozenset[str]:
    from faker.providers.person.ja_JP import Provider

    return frozenset(pair[0] for pair in Provider.last_name_pairs)
