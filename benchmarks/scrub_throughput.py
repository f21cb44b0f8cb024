"""Scrubbing throughput: synthguard vs plain Presidio vs bare spaCy, same notes, same run.

    python benchmarks/scrub_throughput.py --notes NOTES.jsonl [--docs 1000] [--workers 2]
    python benchmarks/scrub_throughput.py --language ja [--docs 600]

Two kinds of figure, in one run:
- whole processes, start-up included: the ``synthguard scrub NOTES --text-column text`` command
  (detection and replacement, findings written) against a Python process that builds plain
  Presidio and calls ``analyze`` on every note (detection only);
- steady state, models loaded:

- plain Presidio: ``AnalyzerEngine.analyze`` one document at a time, Presidio's default
  recognizers on the same spaCy model (detection only, nothing replaced);
- bare spaCy: ``nlp.pipe`` over the documents with the full model, and with the pipes
  synthguard keeps (no parser), no recognizers;
- synthguard: ``scrub_file`` on a CSV of the notes, detection *and* replacement, with
  one Presidio engine per worker process, and in one process.
``--notes`` takes a JSONL file with a ``text`` field per line, such as the PhysioNet deid nursing
notes (real notes); without it, the fixture notes in tests/data, repeated to --docs documents. With
``--language ja``: the Japanese fixture records, GiNZA (``ja_ginza``) in place of spaCy's English
model, and Presidio on GiNZA as shipped.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


FIXTURES = {"en": ("clinical_notes.txt", "clinical_notes_heldout.txt"),
            "ja": ("clinical_notes_ja.txt", "clinical_notes_ja_heldout.txt")}
MODELS = {"en": "en_core_web_sm", "ja": "ja_ginza"}


def load_notes(count: int, language: str = "en", path: str | None = None) -> list[str]:
    from synthguard.scrub.evaluation import parse_annotated

    if path:
        import json

        notes = [json.loads(line)["text"] for line in Path(path).read_text(encoding="utf-8").splitlines() if line]
        return [notes[i % len(notes)] for i in range(count)]
    notes = []
    for name in FIXTURES[language]:
        notes += [text for text, _ in parse_annotated((ROOT / "tests" / "data" / name).read_text())]
    return [notes[i % len(notes)] for i in range(count)]


def plain_presidio(notes: list[str], language: str = "en") -> float:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from synthguard.scrub.engine import _quiet, ner_configuration, resolve_spacy_model

    _quiet()
    if language == "en":
        provider = NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy", "ner_model_configuration": ner_configuration("en"),
            "models": [{"lang_code": "en", "model_name": resolve_spacy_model("en_core_web_sm")}]})
        engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    else:  # as shipped: Presidio's own NER settings and predefined recognizers for the language
        from presidio_analyzer import RecognizerRegistry

        registry = RecognizerRegistry(supported_languages=[language])
        registry.load_predefined_recognizers(languages=[language])
        provider = NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy", "models": [{"lang_code": language, "model_name": MODELS[language]}]})
        engine = AnalyzerEngine(nlp_engine=provider.create_engine(), registry=registry,
                                supported_languages=[language])
    engine.analyze(notes[0], language=language)  # warm-up
    start = time.perf_counter()
    for note in notes:
        engine.analyze(note, language=language)
    return time.perf_counter() - start


def bare_spacy(notes: list[str], exclude: list[str], language: str = "en") -> float:
    import spacy

    from synthguard.scrub.engine import resolve_spacy_model

    nlp = spacy.load(resolve_spacy_model(MODELS[language], language), exclude=exclude)
    list(nlp.pipe(notes[:10]))
    start = time.perf_counter()
    for _ in nlp.pipe(notes, batch_size=64):
        pass
    return time.perf_counter() - start


def encoder_alone(notes: list[str]) -> float:
    """The fine-tuned encoder by itself, model loaded, on the threads it takes in one scrubbing process."""
    from synthguard.scrub import encoder

    model = encoder.PhiEncoder(encoder.MODEL_DIR)
    model.spans(notes[:8])
    start = time.perf_counter()
    model.spans(notes)
    return time.perf_counter() - start


def synthguard_scrub(notes: list[str], workers: int, language: str = "en") -> float:
    from synthguard.policy import parse_policy
    from synthguard.scrub.stream import scrub_file

    policy = parse_policy({"name": "bench", "data": {"columns": {"note": "text"}}, "scrub": {"language": language}})
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "notes.csv"
        pd.DataFrame({"note": notes}).to_csv(source, index=False)
        scrub_file(source, Path(tmp) / "warm.csv", policy, workers=1)  # loads models in this process
        start = time.perf_counter()
        scrub_file(source, Path(tmp) / "out.csv", policy, workers=workers, chunk_rows=len(notes))
        return time.perf_counter() - start


PLAIN_PRESIDIO_PROCESS = """
import json, sys, warnings
warnings.simplefilter("ignore")
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider
from synthguard.scrub.engine import _quiet, ner_configuration, resolve_spacy_model
_quiet()
provider = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy",
    "ner_model_configuration": ner_configuration("en"),
    "models": [{"lang_code": "en", "model_name": resolve_spacy_model("en_core_web_sm")}]})
engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
found = 0
for line in open(sys.argv[1], encoding="utf-8"):
    found += len(engine.analyze(json.loads(line)["text"], language="en"))
print(found)
"""


def whole_processes(notes: list[str], workers: int) -> list[tuple[str, float]]:
    """Wall seconds of each tool as a fresh process on the same JSONL file, imports and model loading included."""
    import json
    import subprocess
    import sys

    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    synthguard = Path(sys.executable).with_name("synthguard")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "notes.jsonl"
        source.write_text("".join(json.dumps({"text": n}) + "\n" for n in notes), encoding="utf-8")
        no_encoder = Path(tmp) / "no-encoder.yaml"
        no_encoder.write_text("name: no-encoder\nscrub:\n  encoder: false\n")
        command = [str(synthguard), "scrub", str(source), "--text-column", "text", "--quiet"]
        commands = {
            "plain Presidio process (analyze loop)": [sys.executable, "-c", PLAIN_PRESIDIO_PROCESS, str(source)],
            "synthguard scrub command, 1 worker": [*command, "--output", f"{tmp}/o1.jsonl",
                                                   "--findings", f"{tmp}/f1.jsonl", "--workers", "1"],
            f"synthguard scrub command, {workers} workers": [
                *command, "--output", f"{tmp}/o2.jsonl", "--findings", f"{tmp}/f2.jsonl", "--workers", str(workers)],
            "synthguard scrub, encoder off": [*command, "--output", f"{tmp}/o3.jsonl", "--findings",
                                              f"{tmp}/f3.jsonl", "--workers", "1", "--policy", str(no_encoder)],
        }
        for label, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            rows.append((label, time.perf_counter() - start))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--notes", help="JSONL with a 'text' field per line (real notes)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--language", choices=sorted(MODELS), default="en")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    os.environ.setdefault("SYNTHGUARD_KEY", "benchmark")
    language = args.language
    notes = load_notes(args.docs, language, args.notes)
    chars = sum(map(len, notes))
    from synthguard.sections.languages import LANGUAGE_PACKS

    kept_pipes = list(LANGUAGE_PACKS[language].excluded_pipes) if language != "en" else ["parser"]
    rows = [
        ("bare spaCy nlp.pipe, full model", bare_spacy(notes, [], language)),
        *([("PHI encoder alone (int8 ONNX)", encoder_alone(notes))] if language == "en" else []),
        ("bare spaCy nlp.pipe, no parser", bare_spacy(notes, kept_pipes, language)),
        ("plain Presidio analyze per doc", plain_presidio(notes, language)),
        ("synthguard scrub, 1 process", synthguard_scrub(notes, 1, language)),
        (f"synthguard scrub, {args.workers} workers", synthguard_scrub(notes, args.workers, language)),
    ]
    base = dict(rows)
    print(f"{len(notes)} notes, {chars} chars, {os.cpu_count()} cores")
    if language == "en":
        processes = whole_processes(notes, args.workers)
        peer = processes[0][1]
        print(f"{'whole processes, start-up included':40}{'seconds':>9}{'notes/s':>11}{'x Presidio':>12}")
        for label, seconds in processes:
            print(f"{label:40}{seconds:>9.1f}{len(notes) / seconds:>11.1f}{peer / seconds:>12.2f}")
        print("steady state, models loaded:")
    print(f"{'':40}{'docs/s':>9}{'chars/s':>11}{'x Presidio':>12}{'x spaCy full':>14}{'x spaCy no-parser':>19}")
    for label, seconds in rows:
        print(f"{label:40}{len(notes) / seconds:>9.0f}{chars / seconds:>11.0f}"
              f"{base['plain Presidio analyze per doc'] / seconds:>12.2f}"
              f"{base['bare spaCy nlp.pipe, full model'] / seconds:>14.2f}"
              f"{base['bare spaCy nlp.pipe, no parser'] / seconds:>19.2f}")


if __name__ == "__main__":
    main()
