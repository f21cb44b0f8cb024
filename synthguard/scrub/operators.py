"""What replaces a detected span: a consistent surrogate, a shifted date, or redact / mask / hash.

Consistency comes from a keyed HMAC: the same original (case-folded) seeds the same
Faker draw, in every process, for the whole release. The key is SYNTHGUARD_KEY when
set, otherwise drawn fresh per release; it is never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import re
import secrets
import string

from faker import Faker

from synthguard.lexicons import first_names
from synthguard.scrub.dates import shift_date
from synthguard.scrub.japanese_surrogates import CODE_KANJI, JAPANESE_KINDS, japanese_surrogate, match_width
from synthguard.scrub.normalize import nfkc
from synthguard.scrub.recognizers.facility import SUFFIX as FACILITY_SUFFIX
from synthguard.scrub.recognizers.ja_my_number import with_check_digit
from synthguard.sections.scrub import OperatorName

UNCOVERED = "UNSUPPORTED_LANGUAGE"  # scrubber.UNCOVERED: a text the policy's language pack does not cover
KEY_ENV = "SYNTHGUARD_KEY"
HASH_CHARS = 16
CODE_ENTITIES = {"US_SSN", "MEDICAL_RECORD_NUMBER", "US_NPI", "HEALTH_PLAN_ID", "US_MBI",
                 "ACCESSION_NUMBER", "ZIP_CODE", "US_DRIVER_LICENSE", "US_PASSPORT", "US_BANK_NUMBER",
                 "CREDIT_CARD", "IBAN_CODE", "MEDICAL_LICENSE", "US_ITIN", "PHONE_NUMBER", "JP_MY_NUMBER"}


MAX_REDRAWS = 20
BUILT_IN = {"EMAIL_ADDRESS", "URL", "IP_ADDRESS", "LOCATION", "STREET_ADDRESS", "HOSPITAL", "PERSON", "DATE_TIME",
            "AGE", *CODE_ENTITIES}


def _plugin_surrogate(entity: str):
    """``surrogate(fake, text)`` of a registered recognizer that finds ``entity`` (a plugin's own kind of
    value); None: the built-in surrogate, or digits and letters redrawn in the value's shape."""
    if entity in BUILT_IN:
        return None
    from synthguard.scrub.engine import declared_entities
    from synthguard.scrub.recognizers import RECOGNIZERS

    return next((cls.surrogate for cls in RECOGNIZERS.values()
                 if callable(getattr(cls, "surrogate", None)) and entity in declared_entities(cls)), None)


def _collides(made: str, avoid: frozenset[str]) -> bool:
    if not avoid:
        return False
    folded = " ".join(made.casefold().split())
    return folded in avoid or any(word in avoid for word in re.findall(r"[^\W\d_][\w'\-]*", folded))


def release_key(derive_from: bytes | None = None) -> bytes:
    """SYNTHGUARD_KEY (any string) when set; else, for a release, a key derived from ``derive_from`` (the
    input data's digest, the policy's and the seed), so that the same data, policy and seed give the same
    surrogates; else a fresh random key.

    A derived key is as secret as the data it comes from: recomputing it takes the whole input file, whose
    holder sees every real value anyway. Set SYNTHGUARD_KEY to keep surrogates stable across data versions."""
    configured = os.environ.get(KEY_ENV)
    if configured:
        return configured.encode()
    if derive_from is not None:
        return hmac.new(b"synthguard release key", derive_from, hashlib.sha256).digest()
    return secrets.token_bytes(32)


def _style(value: str, like: str) -> str:
    letters = [c for c in like if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return value.upper()
    if letters and all(c.islower() for c in letters):
        return value.lower()
    return value


class Operators:
    """Replacement text per entity, consistent for a key."""

    def __init__(self, key: bytes, locale: str = "en_US", choices: dict[str, OperatorName] | None = None,
                 default: OperatorName = "surrogate", max_shift_days: int = 365):
        self._key = key
        self._fake = Faker(locale)
        self.japanese = locale.startswith("ja")
        self.choices = choices or {}
        self.default = default
        self.max_shift_days = max_shift_days

    def _digest(self, purpose: str, value: str) -> bytes:
        return hmac.new(self._key, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()

    def _rng(self, purpose: str, value: str) -> random.Random:
        return random.Random(int.from_bytes(self._digest(purpose, " ".join(value.casefold().split()))[:8]))

    def shift_days(self, patient: str) -> int:
        """The patient's own date shift, never zero, within +-max_shift_days."""
        span = self.max_shift_days
        offset = int.from_bytes(self._digest("date-shift", patient)[:8]) % (2 * span) + 1
        return offset - span - 1 if offset <= span else offset - span

    def replace(self, entity: str, text: str, patient: str = "", avoid: frozenset[str] = frozenset()) -> str:
        if entity == UNCOVERED:
            return f"[{UNCOVERED}]"  # fail-closed, whatever the operators say: no rules ran on this text
        operator = self.choices.get(entity, self.default)
        if operator == "keep":
            return text
        if operator == "redact":
            return f"[{entity}]"
        if operator == "mask":
            return re.sub(r"[^\W_]", "*", text)  # letters and digits of any script
        if operator == "hash":
            return self._digest(f"hash:{entity}", text.casefold()).hex()[:HASH_CHARS]
        return self.surrogate(entity, text, patient, avoid)

    def surrogate(self, entity: str, text: str, patient: str = "", avoid: frozenset[str] = frozenset()) -> str:
        """``avoid``: case-folded real values the surrogate must not equal (nor, for names, any word of).

        A surrogate drawn from the same name lists as the real data can land on another real
        name of the same document (Smith for Jones beside a real Dr. Smith): that would put a
        real value back into the text, so such a draw is redrawn. Dates keep the patient's shift.
        """
        if entity == "DATE_TIME":
            return match_width(shift_date(text, self.shift_days(patient)), text)
        if entity == "AGE":
            return "90+"  # HIPAA Safe Harbor: ages over 89 fold into one category
        made = self._surrogate_once(entity, text, 0)
        for redraw in range(1, MAX_REDRAWS + 1):
            if not _collides(made, avoid):
                break
            made = self._surrogate_once(entity, text, redraw)
        return match_width(made, text)

    def _surrogate_once(self, entity: str, text: str, redraw: int) -> str:
        salt = f"#{redraw}" if redraw else ""  # redraw 0 is the release-consistent surrogate
        if self.japanese and entity in JAPANESE_KINDS:
            made = japanese_surrogate(entity, text, lambda value: self._seeded(entity + salt, value),
                                      lambda value: self._shape(entity + salt, value))
            if made:
                return made
        if entity == "PERSON":
            return self._person(text, salt)
        if entity in CODE_ENTITIES:
            made = self._shape(entity + salt, text)
            return with_check_digit(made) if entity == "JP_MY_NUMBER" else made
        fake = self._seeded(entity + salt, text)
        plugin = _plugin_surrogate(entity)
        if plugin is not None:
            return plugin(fake, text)
        made = {
            "EMAIL_ADDRESS": fake.email, "URL": fake.url, "IP_ADDRESS": fake.ipv4,
            "LOCATION": fake.city,
            "STREET_ADDRESS": (lambda: fake.address().replace("\n", ", ")) if "," in text else fake.street_address,
            "HOSPITAL": lambda: self._facility(fake, text),
        }.get(entity, lambda: self._shape(entity + salt, text))()
        return _style(made, text) if entity not in ("EMAIL_ADDRESS", "URL") else made

    def _seeded(self, purpose: str, value: str) -> Faker:
        self._fake.seed_instance(self._rng(purpose, value).getrandbits(64))
        return self._fake

    def _person(self, text: str, salt: str = "") -> str:
        """Token by token, so SMITH in "DR. SMITH" and "JOHN SMITH" becomes the same surname."""
        def one(match: re.Match) -> str:
            token = match.group()
            fake = self._seeded("PERSON" + salt, token)
            made = fake.first_name() if token.casefold() in first_names() else fake.last_name()
            return _style(made, token) if token[:1].isupper() or token.isupper() else made
        return re.sub(r"[A-Za-z][A-Za-z'\-]*", one, text)

    def _facility(self, fake: Faker, text: str) -> str:
        kept = FACILITY_SUFFIX.search(text)  # the recognizer's own list: "Assisted Living" stays
        return f"{fake.last_name()} {text[kept.start():]}" if kept else f"{fake.last_name()} Hospital"

    def _shape(self, entity: str, text: str) -> str:
        """Digits stay digits and letters letters, so a phone stays a phone and an MRN an MRN."""
        rng = self._rng(f"shape:{entity}", text)
        entity = entity.split("#")[0]
        out = []
        for i, char in enumerate(text):
            if char.isdigit():
                if self.japanese and entity == "PHONE_NUMBER" and nfkc(text[:i]).text in ("", "0", "09", "08", "07",
                                                                                          "05"):
                    # Japanese numbers start with 0 and mobiles with 0X0: the kind of line stays. A
                    # landline keeps its first area digit (03 Tokyo, 06 Osaka: prefecture level or wider).
                    out.append(char)
                    continue
                low = 2 if entity == "PHONE_NUMBER" and (i == 0 or not text[i - 1].isdigit()) else 0
                out.append(str(rng.randint(low, 9)))
            elif not char.isascii() and char.isalpha():
                out.append(rng.choice(CODE_KANJI))  # a kanji in an insurance symbol (東1234)
            elif char.isalpha():
                letter = rng.choice(string.ascii_uppercase)
                out.append(letter if char.isupper() else letter.lower())
            else:
                out.append(char)
        return "".join(out)
