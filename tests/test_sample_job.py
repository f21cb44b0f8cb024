"""What the table flow ships to where sampling runs (engines.SampleJob): the fitted drawer and the identifier
surrogate plan, never the input table nor the policy. Canary identifiers and a canary note are planted in
the input; the pickled job (what Ray's object store would hold) must not contain any of them."""

import pickle

import pandas as pd
import pytest

from synthguard.engines.local import LocalEngine
from synthguard.pipeline import synthesize
from synthguard.policy import parse_policy

CANARY_NAME = "Quillbrook Zanthera"
CANARY_MRN = "MRN-50719386"
CANARY_NOTE = "Quillbrook family visited at Vexhollow Hospice"


@pytest.fixture
def planted(patients) -> pd.DataFrame:
    frame = patients.copy()
    frame.loc[7, "name"] = CANARY_NAME
    frame.loc[7, "mrn"] = CANARY_MRN
    frame.loc[11, "notes"] = CANARY_NOTE
    return frame


def _shipped(planted, medical_raw, monkeypatch, **validate):
    raw = {**medical_raw, "validate": {**medical_raw["validate"], **validate}}
    raw["generate"]["table"].update({"synthesizer": "cart", "parameters": {}, "scale": 0.5})
    jobs = []
    original = LocalEngine.sample

    def spy(self, job, real, progress):
        jobs.append(job)
        return original(self, job, real, progress)

    monkeypatch.setattr(LocalEngine, "sample", spy)
    release = synthesize(planted, parse_policy(raw))
    assert len(jobs) == 1 and release.report.rows["synthetic"] > 0
    return jobs[0]


def _frames_in(job) -> list[pd.DataFrame]:
    """Every DataFrame reachable from the job's own fields (the fitted drawer aside: it is the model)."""
    found = []
    for name in ("generaliser", "rows", "seeds", "suites", "filter_evidence", "surrogates", "surrogate_seed"):
        value = getattr(job, name)
        if value is not None and hasattr(value, "__dict__"):
            found += [v for v in vars(value).values() if isinstance(v, pd.DataFrame)]
        found += [value] if isinstance(value, pd.DataFrame) else []
    return found


def test_the_sampling_job_holds_no_input_row_identifier_note_or_policy(planted, medical_raw, monkeypatch):
    job = _shipped(planted, medical_raw, monkeypatch)
    shipped = pickle.dumps(job)
    for canary in (CANARY_NAME, CANARY_MRN, CANARY_NOTE, "Quillbrook", "Vexhollow", "50719386"):
        assert canary.encode() not in shipped, canary
    assert job.filter_evidence is None  # nothing filters: no real row travels at all beside the model
    assert _frames_in(job) == []
    assert b"Policy" not in shipped and b"synthguard.policy" not in shipped
    # The surrogate plan still keeps every real value out of the release: it holds their fingerprints.
    assert len(job.surrogates.avoid) >= planted["mrn"].nunique()


def test_a_filter_ships_only_the_modelled_columns_it_compares_with(planted, medical_raw, monkeypatch):
    job = _shipped(planted, medical_raw, monkeypatch, action="filter")
    shipped = pickle.dumps(job)
    for canary in (CANARY_NAME, CANARY_MRN, CANARY_NOTE, "Quillbrook", "Vexhollow"):
        assert canary.encode() not in shipped, canary
    evidence = job.filter_evidence
    assert evidence is not None and evidence.synthetic.empty
    modelled = set(evidence.sdtypes)
    assert set(evidence.train.columns) <= modelled and set(evidence.holdout.columns) <= modelled
    assert not {"name", "mrn", "notes", "phone", "address"} & modelled
    assert evidence.real is None and evidence.released is None
