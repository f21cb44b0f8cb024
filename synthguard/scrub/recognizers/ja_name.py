"""Japanese personal names: before an honorific or title (山田様, 鈴木健一氏, 田中先生, 佐藤医師,
ヤマダ タロウさん), and surname + given-name pairs, read from Sudachi's tags (人名-姓, 人名-名).

The honorific stays in the text; only the name is the value. Role and kinship words
(主治医, 長男, 患者) before a name are never part of it: the walk back stops at any token
that is not a name.
"""

from __future__ import annotations

import re

from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._ja import KANA, KANJI, JapaneseRecognizer, tokens

HONORIFICS = ("様", "さま", "さん", "氏", "先生", "医師", "Dr", "Dr.", "ちゃん", "くん", "君", "看護師", "師長", "殿")
# Job titles also follow words that are not names (病棟看護師, 担当医師): only a name Sudachi
# tags as one counts before them.
TITLES = ("医師", "看護師", "師長", "Dr", "Dr.")
NAME_CHARS = re.compile(rf"^[{KANJI}{KANA}]+$")
ROLES = {"患者", "本人", "家族", "主治医", "担当医", "担当", "医師", "看護師", "長男", "長女", "次男", "次女", "三男",
         "三女", "妻", "夫", "母", "父", "娘", "息子", "兄", "姉", "弟", "妹", "孫", "嫁", "祖母", "祖父", "叔母",
         "叔父", "薬剤師", "栄養士", "ケアマネ", "ケアマネジャー", "先生", "当院", "同室者", "隣人", "友人", "上司",
         "Dr", "Ns", "PT", "OT", "ST", "MSW", "受け持ち", "夜勤", "日勤", "リーダー", "師長", "主任"}


def _is_name(token) -> bool:
    return "人名" in token.tag_


def _unknown_proper_noun(token) -> bool:
    return (token.tag_ == "名詞-固有名詞-一般" and token.text not in ROLES and NAME_CHARS.match(token.text) is not None
            and len(token.text) <= 6)


@register
class JpNameRecognizer(JapaneseRecognizer):
    ENTITY = "PERSON"
    PATTERNS = []

    def analyze(self, text, entities, nlp_artifacts=None):
        doc = tokens(nlp_artifacts)
        results = []
        for i, token in enumerate(doc):
            if token.text in HONORIFICS and i > 0:
                span = self._walk_back(doc, i)
                if span:
                    start, end, tagged = span
                    results.append(self.result(start, end, 0.9 if tagged else 0.75, "name + honorific"))
            elif i + 1 < len(doc) and "人名-姓" in token.tag_ and "人名-名" in doc[i + 1].tag_:
                results.append(self.result(token.idx, doc[i + 1].idx + len(doc[i + 1].text), 0.85,
                                           "surname + given name"))
        return results

    @staticmethod
    def _walk_back(doc, honorific: int):
        """(start, end, tagged) of the name ending before ``doc[honorific]``, or None."""
        j = honorific - 1
        first = None
        while j >= 0 and _is_name(doc[j]) and honorific - j <= 3:
            first = j
            j -= 1
        if first is not None and j >= 0 and _unknown_proper_noun(doc[j]):
            first = j  # スズキ ハナコ: Sudachi knows the given name, not the surname
        if first is not None:
            return doc[first].idx, doc[honorific - 1].idx + len(doc[honorific - 1].text), True
        # A name Sudachi does not know is tagged as a common or unknown noun: take one such
        # word of at most four characters, never a role or kinship word.
        before = doc[honorific - 1]
        if doc[honorific].text in TITLES:
            return None
        if (before.tag_.startswith("名詞") and before.text not in ROLES and NAME_CHARS.match(before.text)
                and len(before.text) <= 4 and not before.tag_.startswith("名詞-普通名詞-サ変")):
            return before.idx, before.idx + len(before.text), False
        return None
