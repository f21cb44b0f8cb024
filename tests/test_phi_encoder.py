"""The fine-tuned PHI encoder: the shipped model, its batching, its switch; and names spread within a patient."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from synthguard.policy import parse_policy
from synthguard.scrub import encoder
from synthguard.scrub.engine import build_analyzer
from synthguard.scrub.evaluation import parse_annotated
from synthguard.scrub.recognizers.encoder_phi import THRESHOLD
from synthguard.scrub.scrubber import SWITCHES, analyze_texts

DATA = Path(__file__).parent / "data"


def found(texts: list[str], groups=None, **scrub) -> list[set[str]]:
    settings = parse_policy({"name": "t", "scrub": scrub}).scrub
    results = analyze_texts(texts, settings, groups=groups)
    return [{t[r.start:r.end].casefold() for r in rs} for t, rs in zip(texts, results, strict=True)]


@pytest.fixture(scope="module")
def model():
    return encoder.PhiEncoder(encoder.MODEL_DIR, THRESHOLD)


def test_the_encoder_alone_finds_most_phi_in_notes_it_was_not_trained_on(model):
    # The fixture notes were written for the tests, in the style of ICU notes; the encoder never saw them.
    notes = parse_annotated((DATA / "clinical_notes_heldout.txt").read_text())
    spans = model.spans([text for text, _ in notes])
    gold = [g for _, gs in notes for g in gs if g.label in {"PERSON", "DATE", "HOSPITAL", "LOCATION", "PHONE"}]
    hit = sum(any(a < g.end and g.start < b for a, b, _, _ in spans[i])
              for i, (_, gs) in enumerate(notes) for g in gs if g in gold)
    assert hit / len(gold) >= 0.7
    assert all(THRESHOLD <= p <= 1 for note in spans for *_, p in note)


def test_a_batch_gives_each_note_what_it_gets_alone_and_long_notes_are_read_to_the_end(model):
    tail = "son michaelangelo called at 0300, updated on plan."
    filler = "pt resting comfortably, vss, afebrile, lungs clear, no changes overnight."
    long_note = " ".join([filler] * 40) + " " + tail
    texts = ["dtr zebulina called from fl, will visit on 7/22.", long_note, "wife at bedside, dr. pellegrino aware."]
    together, alone = model.spans(texts), [model.spans([t])[0] for t in texts]
    # Padding changes the int8 kernels' rounding in the last digits, never the spans.
    assert [[s[:3] for s in note] for note in together] == [[s[:3] for s in note] for note in alone]
    assert all(abs(a[3] - b[3]) < 0.02 for x, y in zip(together, alone, strict=True)
               for a, b in zip(x, y, strict=True))
    assert any(long_note[a:b].casefold() == "michaelangelo" for a, b, _, _ in together[1])


def test_the_switch_leaves_the_encoder_out():
    settings = parse_policy({"name": "t"}).scrub
    names = lambda **off: {type(r).__name__ for r in build_analyzer(  # noqa: E731
        settings.spacy_model, "en", tuple(settings.phone_regions), False, frozenset(off)).registry.recognizers}
    assert "EncoderPhiRecognizer" in names()
    assert "EncoderPhiRecognizer" not in names(encoder=True)
    assert "encoder" in SWITCHES and "trained_tagger" in SWITCHES


def test_a_name_found_in_one_note_is_found_in_the_patients_other_notes_and_no_one_elses():
    texts = ["dtr zebulina at bedside, updated.", "zebulina visited this evening, tearful.",
             "zebulina rounds with team."]
    plain = found(texts, trained_tagger=False, encoder=False)
    grouped = found(texts, groups=["p1", "p1", "p2"], trained_tagger=False, encoder=False)
    assert "zebulina" in plain[0] and "zebulina" not in plain[1]
    assert "zebulina" in grouped[1]
    assert "zebulina" not in grouped[2]


def test_the_group_column_works_from_the_command_line_and_a_missing_one_stops_at_once(tmp_path):
    source = tmp_path / "notes.csv"
    pd.DataFrame({"patient": ["a", "a", "b"], "text": ["dtr zebulina at bedside, updated.",
                                                        "zebulina visited this evening, tearful.",
                                                        "zebulina rounds with team."]}).to_csv(source, index=False)
    out, findings = tmp_path / "out.csv", tmp_path / "f.jsonl"
    command = [sys.executable, "-m", "synthguard.cli", "scrub", str(source), "--text-column", "text",
               "--output", str(out), "--findings", str(findings), "--quiet"]
    done = subprocess.run([*command, "--group-column", "patient"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = {json.loads(line)["row"] for line in findings.read_text().splitlines()
            if json.loads(line)["column"] == "text"}
    assert {0, 1} <= rows
    scrubbed = pd.read_csv(out)["text"].tolist()
    assert "zebulina" not in scrubbed[1].casefold()
    bad = subprocess.run([*command, "--group-column", "nobody"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert "nobody" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_presidio_loads_without_torch_and_transformers_which_still_import_afterwards():
    probe = ("import sys, synthguard.scrub, presidio_analyzer\n"
             "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
             "import torch, transformers\n"
             "print(torch.tensor([1]).item(), hasattr(transformers, 'AutoModel'))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "1 True"]
