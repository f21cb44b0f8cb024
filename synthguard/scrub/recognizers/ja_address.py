"""Japanese addresses: 都道府県 + 市区町村 (+ town + 番地), or 市区町村 + town + 番地 without a prefecture.

A prefecture alone is state-level, which Safe Harbor lets stay; a city or anything finer is PHI.
With a block number the span is a street address, without one a location.
"""

from __future__ import annotations

import re

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._ja import DASH, KANA, KANJI, JapaneseRecognizer

PREFECTURES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 新潟県 富山県 "
    "石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 "
    "岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 熊本県 "
    "大分県 宮崎県 鹿児島県 沖縄県").split()
PREFECTURE = "|".join(PREFECTURES)
NAME = rf"[{KANJI}{KANA}]"
MUNICIPALITY = rf"(?:{NAME}{{1,6}}?郡)?{NAME}{{1,6}}?[市区町村](?:{NAME}{{1,4}}?区)?"
BLOCK = rf"\d+(?:丁目|番地?|号|{DASH}\d+)+(?:{DASH}?\d+号?)*"
TOWN = rf"[{KANJI}{KANA}]{{0,8}}?"
WITH_PREFECTURE = re.compile(rf"(?:{PREFECTURE}){MUNICIPALITY}(?:{TOWN}{BLOCK})?")
WITHOUT_PREFECTURE = re.compile(rf"(?<![{KANJI}])[{KANJI}]{{1,5}}?[市区町村]{TOWN}{BLOCK}")
NOT_PLACES = ("市販", "区別", "区分", "町内", "村落")


@register
class JpAddressRecognizer(JapaneseRecognizer):
    ENTITY = "STREET_ADDRESS"
    PATTERNS = []

    def __init__(self):
        super().__init__()
        self.supported_entities = ["STREET_ADDRESS", "LOCATION"]

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for regex, score in ((WITH_PREFECTURE, 0.9), (WITHOUT_PREFECTURE, 0.8)):
            for match in regex.finditer(text):
                value = match.group()
                if any(word in value for word in NOT_PLACES):
                    continue
                has_block = re.search(r"\d", value) is not None
                result = self.result(match.start(), match.end(), score, "japanese address")
                if not has_block:
                    result.entity_type = "LOCATION"
                results.append(result)
        return results
