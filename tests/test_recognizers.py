"""Each healthcare recognizer on true and false cases, through the real Presidio engine and guards."""

import pytest

from synthguard.policy import default_policy
from synthguard.scrub.scrubber import analyze_texts


def found(text: str) -> set[tuple[str, str]]:
    results = analyze_texts([text], default_policy().scrub)[0]
    return {(r.entity_type, text[r.start:r.end]) for r in results}


def spans(text: str) -> set[str]:
    return {span for _, span in found(text)}


@pytest.mark.parametrize("text, entity, value", [
    ("MRN: 4471902 ON CHART", "MEDICAL_RECORD_NUMBER", "4471902"),
    ("Med Rec # 55102938", "MEDICAL_RECORD_NUMBER", "55102938"),
    ("unit no. A-88213", "MEDICAL_RECORD_NUMBER", "A-88213"),
    ("PRESCRIBER NPI 1245319599", "US_NPI", "1245319599"),
    ("DEA number AB1234563 on file", "MEDICAL_LICENSE", "AB1234563"),  # Presidio's DEA checksum
    ("Member ID XJH447219003", "HEALTH_PLAN_ID", "XJH447219003"),
    ("Medicaid # MA8829104455", "HEALTH_PLAN_ID", "MA8829104455"),
    ("Medicare MBI 1EG4-TE5-MK73", "US_MBI", "1EG4-TE5-MK73"),
    ("ACCESSION #S23-004417 PENDING", "ACCESSION_NUMBER", "S23-004417"),
    ("called aetna, ref # 4471923 for the transfer", "ID", "4471923"),
    ("policy #A99812 confirmed", "ID", "A99812"),
    ("page dr smith #34567 with results", "PHONE_NUMBER", "34567"),
    ("S/P CABG 92, 95 AND 97", "DATE_TIME", "95"),
    ("PT IS A 92 YO F", "AGE", "92"),
    ("a 101-year-old woman", "AGE", "101"),
    ("aged 97, lives alone", "AGE", "97"),
    ("call (617) 555-0142 anytime", "PHONE_NUMBER", "(617) 555-0142"),
    ("FAX 617.555.0199", "PHONE_NUMBER", "617.555.0199"),
    ("PERFUSION EXT 4-5512", "PHONE_NUMBER", "4-5512"),
    ("ADMITTED ON 7/22 FROM HOME", "DATE_TIME", "7/22"),
    ("CATH 7/22/92 NORMAL", "DATE_TIME", "7/22/92"),
    ("SEEN JULY 22 IN CLINIC", "DATE_TIME", "JULY 22"),
    ("MI IN '92, STENT", "DATE_TIME", "92"),  # the gold standard marks the digits
    ("PREV MI 22-JUL, NO STENT", "DATE_TIME", "22-JUL"),
    ("admitted 2023-03-05 with DKA", "DATE_TIME", "2023-03-05"),
    ("TRANSFERRED FROM MERCY GENERAL HOSPITAL TODAY", "HOSPITAL", "MERCY GENERAL HOSPITAL"),
    ("from St. Elizabeth's Hospital yesterday", "HOSPITAL", "St. Elizabeth's Hospital"),
    ("lives at Maplewood Assisted Living", "HOSPITAL", "Maplewood Assisted Living"),
    ("D/W DR. SMITH AND DR KOWALSKI", "PERSON", "KOWALSKI"),
    ("MRS. JONES VISITED", "PERSON", "JONES"),
    ("HUSBAND JOHN AT BEDSIDE", "PERSON", "JOHN"),
    ("DAUGHTER MARY CALLED", "PERSON", "MARY"),
    ("CASE MANAGER PRIYA COORDINATING", "PERSON", "PRIYA"),
    ("EMERGENCY CONTACT LINDA CASTILLO", "PERSON", "LINDA CASTILLO"),
    ("CALLED FROM WORCESTER, UPDATED", "LOCATION", "WORCESTER"),
    ("lives at 14 Birchwood Lane, Newton, MA 02458.", "STREET_ADDRESS", "14 Birchwood Lane, Newton, MA 02458"),
    ("email susan.petrakis@examplemail.com for updates", "EMAIL_ADDRESS", "susan.petrakis@examplemail.com"),
    ("SSN 031-44-9012", "US_SSN", "031-44-9012"),
])
def test_recognizer_finds_phi(text, entity, value):
    assert (entity, value) in found(text)


@pytest.mark.parametrize("text", [
    "HEPARIN GTT, LASIX 40 MG IV BID, ZOSYN, METOPROLOL 25 MG PO",     # drugs
    "HX OF GUILLAIN-BARRE AND CUSHING'S SYNDROME, BELL'S PALSY",       # eponyms
    "ICD-10 I21.4 ON PROBLEM LIST, E11.9",                              # ICD-10 codes
    "SOB X3 DAYS, COUGH FOR 2 WEEKS, FEVER OVERNIGHT",                  # durations
    "BP 120/80, HR 88, PAIN 7/10, STRENGTH 5/5, BIPAP 12/5",           # vitals and scores
    "K 3.6, NA 138, HCT 24.1, GIVEN 1/2 NS AT 100 CC/HR",              # labs and doses
    "DOB, MRN, SSN VERIFIED. MEDS BID AND PRN.",                        # field labels
    "PT IS A 67 YO M, AGE 45",                                          # ages under 90
    "FAMILY MEETING AT 1400, RN AWARE, MD AT BEDSIDE",                  # times and roles
    "WIFE VISITED, DAUGHTER CALLED, HUSBAND AT BEDSIDE",               # relations without names
    "Sputum cx pending. Urine output 40 cc/hr.",                        # sentence-initial words
    "PT HAD A FALL AT HOME IN THE AM",                                  # everyday words
    "gram neg rods in 2/4 bl cx, POS blood cx 2/4",                     # culture bottles
    "on CPAP .5% 5/8, AVR 21MM, CVA 10 YRS AGO, MI X2",                 # vent settings, sizes, counts
    "np cough noted, PA WAVEFORM dampened, converts back to NSB",       # clinical abbreviations
])
def test_clinical_text_is_not_phi(text):
    assert found(text) == set(), found(text)


def test_dea_checksum_rejects_a_wrong_digit():
    assert ("MEDICAL_LICENSE", "AB1234563") in found("DEA AB1234563")
    assert ("MEDICAL_LICENSE", "AB1234564") not in found("DEA AB1234564")


def test_npi_luhn_with_80840_prefix():
    assert ("US_NPI", "1245319599") in found("NPI 1245319599")
    assert ("US_NPI", "1245319598") not in found("NPI 1245319598")


def test_ages_under_90_are_kept():
    assert "89" not in spans("89 YO M") and "90" in spans("90 YO M")


def test_lone_lexicon_words_are_not_names():
    assert found("WILL MAY GRANT HOPE MARK") == set()
