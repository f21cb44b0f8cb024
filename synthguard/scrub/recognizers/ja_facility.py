"""Japanese hospitals, clinics and care facilities: a name before 病院, クリニック, 医院, 診療所,
医療センター, 訪問看護ステーション and the like (東都大学病院, さくら内科クリニック).

Generic references (当院, 近医, 前医, 他院, 同院, かかりつけ医) name no facility and are left alone.
"""

from __future__ import annotations

import re

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._ja import KANA, KANJI, JapaneseRecognizer, tokens

SUFFIXES = ("病院", "大学病院", "総合病院", "クリニック", "医院", "診療所", "医療センター", "センター",
            "ステーション", "老人ホーム", "ホーム", "歯科", "薬局")
GENERIC = {"当", "近", "前", "他", "同", "本", "当院", "近医", "前医", "他院", "同院", "かかりつけ", "専門", "地域",
           "紹介", "受診", "入院", "転院", "退院", "救急", "総合", "大学", "訪問", "看護", "介護", "老人", "医療",
           "保険", "調剤", "病院", "クリニック", "近く", "市内", "県内", "都内", "各", "某", "この", "その"}
NAMING_WORDS = {"総合", "訪問", "看護", "介護", "調剤", "医療", "保健", "療養", "救急"}
NAME_PART = re.compile(rf"^[{KANJI}{KANA}A-Za-z0-9・]+$")
MAX_PARTS = 4


@register
class JpFacilityRecognizer(JapaneseRecognizer):
    ENTITY = "HOSPITAL"
    PATTERNS = []

    def analyze(self, text, entities, nlp_artifacts=None):
        doc = tokens(nlp_artifacts)
        results = []
        i = 0
        while i < len(doc):
            end = self._suffix_end(doc, i)
            fused = end is None and self._fused(doc[i])
            if end is None and not fused:
                i += 1
                continue
            if fused:  # 東京|中央病院へ: Sudachi keeps 中央病院 as one word
                end = i + 1
                start = i
                while (start > 0 and i - start < MAX_PARTS and self._name_part(doc[start - 1])
                       and doc[start - 1].text not in GENERIC
                       and doc[start - 1].idx + len(doc[start - 1].text) == doc[start].idx):
                    start -= 1
                results.append(self.result(doc[start].idx, doc[i].idx + len(doc[i].text), 0.85,
                                           "name + facility word"))
                i = end
                continue
            start = i
            while (start > 0 and i - start < MAX_PARTS and self._name_part(doc[start - 1])
                   and doc[start - 1].idx + len(doc[start - 1].text) == doc[start].idx):  # no space between
                start -= 1
            named = [t for t in doc[start:i] if t.text not in GENERIC]
            if named:
                results.append(self.result(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text), 0.85,
                                           "name + facility word"))
            i = end
        return results

    @staticmethod
    def _fused(token) -> bool:
        """One token holding a name and a facility word (中央病院, 城南クリニック), the name not generic."""
        for suffix in SUFFIXES:
            head = token.text[:-len(suffix)]
            if token.text.endswith(suffix) and head and head not in GENERIC and NAME_PART.match(head) \
                    and token.tag_.startswith("名詞") and not any(head.endswith(g) for g in ("大学", "総合")):
                return True
        return False

    @staticmethod
    def _suffix_end(doc, i: int) -> int | None:
        """End token index when a facility word starts at token ``i`` (it may span tokens: 医療|センター)."""
        joined = ""
        for j in range(i, min(i + 3, len(doc))):
            joined += doc[j].text
            if joined in SUFFIXES and (j + 1 == len(doc) or doc[j + 1].text + joined not in SUFFIXES):
                return j + 1
            if not any(s.startswith(joined) for s in SUFFIXES):
                return None
        return None

    @staticmethod
    def _name_part(token) -> bool:
        """A noun that can be part of a facility's name (さくら, 東都, 総合); verbal nouns (受診, 紹介) and
        counters (日 in 5月2日) end the name, except the generic words facilities are named with (訪問看護)."""
        if "固有名詞" in token.tag_:
            return True
        if not token.tag_.startswith(("名詞", "接頭辞")) or NAME_PART.match(token.text) is None:
            return False
        if "数詞" in token.tag_ or "助数詞" in token.tag_:
            return False
        return not token.tag_.startswith("名詞-普通名詞-サ変") or token.text in NAMING_WORDS
