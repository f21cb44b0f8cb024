"""Hospitals, wards and campuses named after a movement cue: ``transferred to GH``, ``admitted to
quartermain 2``, ``from er mazur campus``, ``went to holy cross``, ``U of MD Med Center``.

Real notes name places by a bare word or an abbreviation, often in lower case. After a cue
(transfer, admit, present, send, go, return ... to / from / at) a word counts when it is not
ordinary English and not a unit of this hospital (CCU, MICU, OR, the floor): an abbreviation
(GH, VAMC), a word no dictionary knows (QUARTERMAIN, MACKERER), a title-case word in a
mixed-case note (Franklin Square), or one of the words hospital names are made of (HOLY CROSS,
GOOD SAM, UNION MEMORIAL).
"""

from __future__ import annotations

import re

from synthguard.lexicons import (
    bare,
    in_name_lists,
    is_common_word,
    is_frequent_word,
    is_misspelt_word,
    is_name_like,
    mixed_case,
    title_case,
    zipf,
)
from synthguard.scrub.recognizers import register
from synthguard.scrub.recognizers._base import WORD, LabelledPatternRecognizer
from synthguard.scrub.recognizers.address import STATES

MOVE = (r"(?:trans?f?e?r+e?d?|tranfer+ed|transfered|xfer(?:r?ed)?|tx(?:'?d)?|admit(?:ted)?|presented|present|sent|"
        r"went|go|going|goes|brought|taken|returned|return(?:ing)?|discharged|d/?c'?d|back|re?cie?ve?d|rec'?d|"
        r"arrived|arrive|came|come|coming|called\s+out|flew|fly|flown|seen|treated|followed|f/u|care)")
CUE = re.compile(rf"\b(?:{MOVE}(?:\s+back)?\s+(?:to|from|at)|at|from|to|w/|on|enroute\s+to)(?:\s+the)?"
                 r"(?:\s+(?:er|ed|ew))?\s+$",
                 re.IGNORECASE)
WEAKEST_CUE = re.compile(r"\b(?:w/|on)(?:\s+the)?\s+$", re.IGNORECASE)  # only before a campus word or ward number
STRONG_CUE = re.compile(rf"\b{MOVE}(?:\s+back)?\s+(?:to|from|at)(?:\s+the)?(?:\s+(?:er|ed|ew))?\s+$",
                        re.IGNORECASE)
# Places inside any hospital: never a name of one.
UNITS = frozenset("""
ccu micu sicu csru ctic icu nicu picu cvicu cticu msicu tsicu ccru cvu cru or er ed ew ct mri cath lab labs
rehab home floor unit ward tele telemetry stepdown step sdu pacu ir ep eps us osh nh snf ltc lrc vna hospice
bathroom chair commode radiology echo surgery dialysis endo cardiology neuro ot pt mr bed room house shelter
hd cvl ekg ecg eeg cxr kub ugi egd ercp tee tte ivc hosp clinic cabg avr mvr picc bay gi ob pacer
""".split())
HOSPITAL_WORDS = frozenset("""
holy cross samaritan union memorial mercy sacred heart providence presbyterian baptist methodist
lutheran adventist kaiser veterans shriners st saint university general regional county community children's
""".split())
CAMPUS = re.compile(r"^[ \t]*(?:campus|hospital|hosp|medical center|med center|med ctr|heart center|rehab|"
                    r"medical|center|square|river|memorial|cross|"
                    r"\d\b(?![./:-]\d)(?![ \t]*(?:units?|u|mg|mcg|g|ml|cc|l|hrs?|hours?|days?|times|x|am|pm)\b))",
                    re.IGNORECASE)
# Heart rhythms a patient converts "back to": not places.
RHYTHMS = frozenset("nsr nsb sb sr af afib aflutter svt vt vf pea nsvt psvt mat junctional paced".split())
# "seen by the Hebrew Rehab nurse", "screened by Spaulding liaison": a place's own staff, named by the place.
STAFF_OF_PLACE = re.compile(r"\b(?:seen|screened|evaluated|assessed|visited|followed)\s+by\s+(?:the\s+)?"
                            r"(?P<value>[A-Za-z][A-Za-z'&.-]+(?:\s+[A-Za-z][A-Za-z'&.-]+)??)\s+(?:rehab\s+)?"
                            r"(?:nurse|nursing|liaison|screener|admissions|intake)\b", re.IGNORECASE)
# Services of this hospital that see patients: "seen by ortho nurse" names no other place.
SERVICES = frozenset("""
ortho orthopedics renal nephro nephrology cards cardiology neuro neurology neurosurg psych psychiatry gi surgery
surgical medicine med palliative pain wound ostomy iv social case hospice pt ot slp speech nutrition dietary
respiratory pulm pulmonary id ent uro urology onc oncology heme transplant liver vascular thoracic trauma burn
plastics derm diabetes infection resource charge floor night day evening clinical staff home visiting
""".split())
GOOD_SAM = re.compile(r"\bgood\s+sam(?:aritan)?\b", re.IGNORECASE)


def _states() -> str:
    names = ("alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho "
             "illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota "
             "mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah "
             "vermont virginia washington wisconsin wyoming").split()
    return "|".join([*names, *(s.lower() for s in STATES), "mass", "penn", "conn", "wash"])


# "U OF MD MED CENTER", "university of maryland hospital"; "u of met acidosis" is not one.
UNIVERSITY = re.compile(rf"\b(?:university\s+of\s+[a-z]+|u\s+of\s+(?:{_states()}))\b"
                        r"(?:\s+(?:medical|med)(?:\s+(?:center|ctr))?|\s+hospital)?", re.IGNORECASE)
HOSPITAL_ABBREVIATION = re.compile(r"^(?:[A-Z]{1,4}H|[A-Z]{0,3}MC|[A-Z]{0,2}HC|VA[A-Z]{0,3})$")
MAX_WORDS = 3


def _place_word(token: str, mixed: bool, strong: bool) -> bool:
    """``mixed``: the note uses both cases, so capitals carry information."""
    """``strong``: after a movement cue, or before a campus word or ward number."""
    word = bare(token)
    if word in UNITS or word in HOSPITAL_WORDS:
        return word in HOSPITAL_WORDS
    if is_common_word(word) or len(word) < 2 or word in RHYTHMS or word.endswith(("icu", "ccu")):
        return False  # converts back to NSB, to the NISICU
    if not (mixed and title_case(token)) and not in_name_lists(word) and (
            is_misspelt_word(word) or (word.endswith(("ing", "ed", "ly")) and zipf(word) >= 2.0)):
        return False  # transfered to commonde, RETURN TO DOZING: a typo or a verb; not Spaulding, Redding
    if token.isupper() and len(token) <= 5 and not mixed:
        # In an all-capitals note only the shape of a hospital's initials tells: GH, MGH; not SENT FROM THE BILE.
        return HOSPITAL_ABBREVIATION.match(token) is not None and not is_frequent_word(word, 3.5)
    if token.isupper() and len(token) <= 5:
        # After a weak cue (at, to, from) only the shapes hospital abbreviations take: GH, MGH, BIDMC, VAMC;
        # not ON NRB, W/ CPT, TO LWS.
        return not is_frequent_word(word, 3.5) and (strong or HOSPITAL_ABBREVIATION.match(token) is not None)
    if title_case(token):
        return not is_frequent_word(word, 4.0) or is_name_like(word)  # Franklin, Kessler, Chester; not Nursing
    # Medical words are rare in general English (rectal, respirator), so a lower-case unknown word
    # needs the strong cue: quartermain, mazur, zagaria.
    return strong and not is_frequent_word(word, 3.0)


@register
class CareSiteRecognizer(LabelledPatternRecognizer):
    ENTITY = "HOSPITAL"
    PATTERNS = []

    def analyze(self, text, entities, nlp_artifacts=None):
        mixed = mixed_case(text)
        words = list(WORD.finditer(text))
        results = [self.result(*m.span(), 0.85, "university of") for m in UNIVERSITY.finditer(text)]
        results += [self.result(*m.span(), 0.85, "good samaritan") for m in GOOD_SAM.finditer(text)]
        for match in STAFF_OF_PLACE.finditer(text):
            heads = [bare(w) for w in match.group("value").split()]
            if not any(h in SERVICES or h in UNITS for h in heads) and all(
                    _place_word(w, mixed, True) for w in match.group("value").split()):
                results.append(self.result(*match.span("value"), 0.8, "place before its staff"))
        i = 0
        while i < len(words):
            word = words[i]
            cue = CUE.search(text[max(0, word.start() - 40):word.start()])
            campus = bool(CAMPUS.match(text[word.end():]))
            strong = bool(cue and STRONG_CUE.search(cue.group())) or campus
            if cue and not campus and WEAKEST_CUE.search(cue.group()):
                cue = None
            following = text[word.end():word.end() + 12].split()
            if following and bare(following[0]) in UNITS - {"er", "ed", "cath", "lab", "rehab"} \
                    and is_frequent_word(word.group(), 3.0):
                i += 1
                continue  # to Cardiac floor, to Medical ICU
            if not cue or text[word.end():word.end() + 1].isdigit() or not _place_word(word.group(), mixed,
                                                                                        strong):
                i += 1
                continue
            j = i + 1
            while j < len(words) and j - i < MAX_WORDS and text[words[j - 1].end():words[j].start()] == " " \
                    and _place_word(words[j].group(), mixed, True):
                j += 1
            heads = [bare(w.group()) for w in words[i:j]]
            if all(h in HOSPITAL_WORDS for h in heads) and not CAMPUS.match(text[words[j - 1].end():]) and j - i < 2:
                i = j
                continue  # "at university" alone; "holy cross" and "good sam" are two words
            end = words[j - 1].end()
            follow = CAMPUS.match(text[end:])
            if follow and "\n" not in follow.group():
                end += follow.end()
            results.append(self.result(word.start(), end, 0.8, "place after movement cue"))
            i = j
        return results
