"""How real nursing notes are typed: lower case, all capitals, run-on stops, w/, lists; and the deid gold
standard's development notes where ../shared holds them (the fold never read while tuning)."""

from pathlib import Path

import pytest

from synthguard.policy import default_policy, parse_policy
from synthguard.scrub.scrubber import analyze_texts

DEID = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pii" / "physionet_deid_dev.jsonl"


def spans(text: str, **scrub) -> set[str]:
    settings = parse_policy({"name": "t", "scrub": scrub}).scrub if scrub else default_policy().scrub
    return {text[r.start:r.end] for r in analyze_texts([text], settings)[0]}


@pytest.mark.parametrize("text, value", [
    ("discussed w dr. rafferty,will reeval in am", "rafferty"),
    ("stridor noted, dr green aware", "green"),
    ("DR.DISANGRO AWARE DIAMOX ORDERED", "DISANGRO"),
    ("dr vasquez, dr rizzo, dr small at bedside", "rizzo"),
    ("Dr. Rakusin and Toolis aware.", "Toolis"),
    ("dtr suzette called this am", "suzette"),
    ("social: son jonathan arrived with pt", "jonathan"),
    ("wife, rose, left phone number", "rose"),
    ("irene snell, rn", "irene snell"),
    ("FRANCIS G. LEVINE, RRT", "FRANCIS G. LEVINE"),
    ("INR THIS AM 6.0. E. WELSH AWARE.", "E. WELSH"),
    ("TRY AND CONTACT A 3RD BROTHER MICHAEL WHO LIVES NEARBY", "MICHAEL"),
    ("please call Pager #54321 with results", "54321"),
    ("CALL PG 33445 IF SBP < 90", "33445"),
    ("his wife (201/324/1423) confirms", "201/324/1423"),
    ("dtr Frances Baker- 212- 476- 8356.", "212- 476- 8356"),
    ("PT WAS TRANSFERRED TO GH THIS EVENING", "GH"),
    ("plan: transfer to quartermain 2 today", "quartermain 2"),
    ("transferred from er mazur campus. this is", "mazur campus"),
    ("PRESENTED TO U OF MD MED CENTER ON 9/14", "U OF MD MED CENTER"),
    ("WENT TO HOLY CROSS WITH FEVER", "HOLY CROSS"),
    ("IN 1993 PT S/P TUMOR DEBULKING", "1993"),
    ("OVARIAN CA (12/93) S/P DEBULKING", "12/93"),
    ("mi in '08, endometrial ca", "08"),
    ("knows that it is the 11th today", "11th"),
    ("Did well, transferred to floor.8/31. Readmitted", "8/31"),
])
def test_phi_as_nurses_type_it(text, value):
    assert value in spans(text), spans(text)


@pytest.mark.parametrize("text", [
    "no bleeding or hematoma noted.Resp: had increasing edema.please note SHIFT.PRESENT",  # run-on stops
    "Remains on PSV 10/5 with stable gases, IMV 800X10X5/5, trialed on 5/5",             # vent settings
    "SHIFT NURSING NOTE 1900-0700. Neo dc'd AT 1900 and restarted BY 2000",               # shift times
    "3 WAY FOLEY IN PLACE, 14 BEAT RUN OF VT, HR 100 ST.",                                 # counts, not streets
    "pt received general ventilator management. CareVue updated; NPN per Cont",            # chart words
    "EKG SHOWED ST ELEVATION, ST DEPRESSIONS LATERALLY",                                   # ST segments
    "c/o incisional pain 7/10, rating 3/10 after dilaudid",                                # pain scores
    "fever 102.2F, currently 101.7F rectally",                                             # temperatures
    "NP suctioned x3 for thick secretions; family aware; MD notified",                     # NP: nasopharyngeal
    "returned to SIMV, remains on VANCO, NRB 100%",                                        # units and drugs
])
def test_clinical_shorthand_is_not_phi(text):
    assert spans(text) == set(), spans(text)


def test_years_go_by_default_and_stay_under_keep_years():
    text = "S/P CABG 1957, 1971 AND MI IN '08; ADMITTED 8/23/2019"
    assert {"1957", "1971", "08"} <= spans(text)
    kept = spans(text, keep_years=True)
    assert not {"1957", "1971", "08"} & kept and "8/23/2019" in kept


def test_keep_years_is_off_in_the_medical_policy():
    from synthguard.policy import load_policy

    policy = load_policy(Path(__file__).resolve().parents[1] / "policies" / "medical.yaml")
    assert policy.scrub.keep_years is False


@pytest.mark.skipif(not DEID.exists(), reason="../shared/fixtures (the deid development notes) is not here")
def test_recall_and_precision_hold_on_real_notes_never_tuned_on():
    from synthguard.scrub.evaluation import FOLDS, TUNED_FOLDS, load_deid, score
    from synthguard.scrub.evaluation import Span as Gold

    notes = load_deid(DEID, frozenset(range(FOLDS)) - TUNED_FOLDS)
    found = analyze_texts([t for t, _, _ in notes], default_policy().scrub)
    gold = [[Gold(g.start, g.end, "ANY") for g in gs] for _, gs, _ in notes]
    predicted = [[Gold(r.start, r.end, "ANY") for r in rs] for rs in found]
    result = score(gold, predicted, typed=False)["ALL"]
    # Measured on this fold by benchmarks/scrub_accuracy.py (README: 0.930 / 0.817); the floors catch a regression.
    assert result["recall"] >= 0.9 and result["precision"] >= 0.8, result


def test_english_runs_spacy_tokens_only_unless_the_policy_asks_for_its_ner():
    from synthguard.scrub.engine import build_analyzer

    default = default_policy().scrub
    assert default.statistical_ner is None
    tokens_only = build_analyzer(default.spacy_model, "en", tuple(default.phone_regions), False)
    with_ner = build_analyzer(default.spacy_model, "en", tuple(default.phone_regions), True)
    assert "ner" not in tokens_only.nlp_engine.nlp["en"].pipe_names
    assert "ner" in with_ner.nlp_engine.nlp["en"].pipe_names
    asked = parse_policy({"name": "t", "scrub": {"statistical_ner": True}}).scrub
    text = "Seen today by Ms. Natalie Okonkwo-Briggs."
    assert analyze_texts([text], asked)[0] and analyze_texts([text], default_policy().scrub)[0]


def test_a_note_is_scrubbed_with_its_own_rows_identifier_cells():
    import pandas as pd

    import synthguard

    frame = pd.DataFrame({"name": ["Julie Price", "Todd Moon"], "phone": ["(617) 555-0142", "(617) 555-0199"],
                          "notes": ["Julie Price, 48F, presents with angina; Price called back.",
                                    "moon todd seen; no complaints."]})
    scrubbed = synthguard.scrub(frame, key=b"k" * 32).data
    for i, row in frame.iterrows():
        for word in row["name"].split():
            assert word.casefold() not in scrubbed.loc[i, "notes"].casefold(), scrubbed.loc[i, "notes"]
