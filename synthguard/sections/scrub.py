"""The policy's ``scrub`` section and the words it is written in (roles, kinds, operators, entities).

Below the scrubber and the policy alike: the scrubber reads this section, and the policy composes it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from synthguard.sections.languages import LANGUAGE_PACKS
from synthguard.strict import StrictModel

Role = Literal["identifier", "quasi_identifier", "sensitive", "target", "protected", "text"]
SurrogateKind = Literal[
    "name", "first_name", "last_name", "email", "phone", "address", "street", "city",
    "zip", "ssn", "mrn", "id", "date_of_birth", "date", "url", "ip", "row_number",
]
IdentifierAction = Literal["surrogate", "drop", "keep"]
OperatorName = Literal["surrogate", "redact", "mask", "hash", "keep"]

# Column kind (policy / detection) -> the entity its surrogate is made as.
KIND_ENTITY = {
    "name": "PERSON", "first_name": "PERSON", "last_name": "PERSON", "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER", "address": "STREET_ADDRESS", "street": "STREET_ADDRESS", "city": "LOCATION",
    "zip": "ZIP_CODE", "ssn": "US_SSN", "mrn": "MEDICAL_RECORD_NUMBER", "id": "ID",
    "date_of_birth": "DATE_TIME", "date": "DATE_TIME", "url": "URL", "ip": "IP_ADDRESS", "row_number": "ID",
}
# A detected entity -> the column kind a column full of it is surrogated as (the column scan).
ENTITY_KINDS = {
    "PERSON": "name", "EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "US_SSN": "ssn",
    "IP_ADDRESS": "ip", "URL": "url", "LOCATION": "city", "STREET_ADDRESS": "address",
    "ZIP_CODE": "zip", "MEDICAL_RECORD_NUMBER": "mrn",
}

# HIPAA Safe Harbor's identifiers, as entities: names; geographic units below a state;
# dates and ages over 89; phone and fax; email; SSN; medical record, health-plan and
# account numbers; certificate and licence numbers; URLs; IP addresses; other unique
# numbers (accession). Vehicle and device serials and biometrics have no recognizer yet.
HIPAA_ENTITIES = [
    "PERSON", "LOCATION", "STREET_ADDRESS", "ZIP_CODE", "HOSPITAL", "DATE_TIME", "AGE",
    "PHONE_NUMBER", "EMAIL_ADDRESS", "US_SSN", "MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_ID", "US_MBI",
    "US_BANK_NUMBER", "CREDIT_CARD", "IBAN_CODE", "MEDICAL_LICENSE", "US_DRIVER_LICENSE",
    "US_PASSPORT", "US_NPI", "US_ITIN", "URL", "IP_ADDRESS", "ACCESSION_NUMBER",
]


def _check_entities(names: list[str], language: str = "en") -> None:
    if set(names) <= set(HIPAA_ENTITIES) | set(LANGUAGE_PACKS[language].extra_entities):
        return  # the defaults are known; skip building the recognizers
    from synthguard.registry import supported_entities

    known = supported_entities(language)
    unknown = [e for e in names if e not in known]
    if unknown:
        raise ValueError(f"unknown entity {', '.join(unknown)}; supported: {', '.join(sorted(known))}")


class ScrubSection(StrictModel):
    """How identifier columns are found and handled before anything is modelled."""

    # Validated first: the defaults and checks of the fields below depend on the language.
    language: str = Field("en", description="a configured language pack: en | ja")
    spacy_model: str = Field("", validate_default=True,
                             description="installed spaCy model (default: the language pack's: en_core_web_sm, "
                                         "ja_ginza)")
    locale: str = Field("", validate_default=True,
                        description="Faker locale for surrogates (default: the language pack's: en_US, ja_JP)")
    identifier_action: IdentifierAction = "surrogate"
    detect_unlisted: bool = True
    entities: list[str] = Field(default_factory=list, validate_default=True,
                                description="entity types to find (default: the HIPAA identifiers, plus the "
                                            "language pack's own)")
    sample_size: int = Field(200, ge=10)
    min_share: float = Field(0.3, gt=0, le=1)
    column_min_score: float = Field(0.4, ge=0, le=1)  # Presidio scores a bare phone number 0.4
    min_score: float = Field(0.5, ge=0, le=1)
    default_operator: OperatorName = "surrogate"
    operators: dict[str, OperatorName] = Field(default_factory=dict)
    date_shift_days: int = Field(365, ge=1, le=3650)
    statistical_ner: bool | None = Field(None, description="run the spaCy model's statistical NER beside the rules "
                                                           "(default: the language pack's: en no, ja yes)")
    trained_tagger: bool = Field(False, description="run the CRF tagger trained on real nursing notes beside the "
                                                    "rules (English; scrub/models/README.md has its licence). Off by "
                                                    "default: beside the encoder it found nothing more on unseen "
                                                    "notes and cost precision (README)")
    encoder: bool = Field(True, description="run the transformer encoder fine-tuned on real nursing notes beside the "
                                            "rules (English; scrub/models/README.md has its licence and speed)")
    group_column: str | None = Field(None, description="a column naming each text's patient (or other group): a name "
                                                       "found in one of a group's texts is looked for in all of that "
                                                       "group's texts of a chunk, never in another group's")
    keep_years: bool = Field(False, description="HIPAA Safe Harbor's 'years may stay': a year written alone (IN 1993, "
                                                 "'08) is left as it is; dates with a day or month are still replaced")
    phone_regions: list[str] = Field(default_factory=lambda: ["US", "GB"], min_length=1)
    batch_size: int = Field(64, ge=1)
    workers: int | None = Field(None, ge=1)

    @field_validator("language")
    @classmethod
    def _configured_language(cls, value: str) -> str:
        if value not in LANGUAGE_PACKS:
            raise ValueError(f"no language pack for {value!r}; configured: {', '.join(sorted(LANGUAGE_PACKS))}")
        return value

    @field_validator("spacy_model", "locale", "entities")
    @classmethod
    def _language_default(cls, value, info):
        language = info.data.get("language")
        if language is None:  # the language was refused; its error is the one to show
            return value
        pack = LANGUAGE_PACKS[language]
        if info.field_name == "entities":
            value = value or [*HIPAA_ENTITIES, *pack.extra_entities]
            _check_entities(value, language)
            return value
        return value or getattr(pack, info.field_name)

    @field_validator("operators")
    @classmethod
    def _known_operator_entities(cls, value: dict[str, str], info) -> dict[str, str]:
        _check_entities(list(value), info.data.get("language") or "en")
        return value
