"""Span-level recall and precision per entity type: synthguard vs plain Presidio, same texts.

    python benchmarks/scrub_accuracy.py --deid physionet_deid_dev.jsonl \
        [--previous DIR] [--presidio-research synth_dataset_v2.json] [--folds 4 --encoder-dir DIR]

The real notes: the PhysioNet deid gold standard's nursing notes (``--deid``, one note a JSON line with
``patient``, ``text`` and ``spans``), split by patient into five folds (synthguard/scrub/evaluation.py).
The rules were written reading folds 0, 1, 2 and 4, and the CRF and the encoder were trained on them; fold 3
was never read nor trained on and is the result. Both are printed, labelled; on fold 3 the false positives
are counted by recognizer and entity (counts only, so the fold stays unread).

Each component is switched on and off in the same run, on the same notes, and timed (models loaded first):
synthguard as shipped (the rules and the encoder), with a note's patient as its group (``--group-column``),
with the CRF added (``scrub.trained_tagger: true``), rules and CRF without the encoder, the rules alone, the
CRF alone and the encoder alone (no guards), and plain Presidio. ``--folds 4 --encoder-dir DIR`` scores an
encoder trained on folds 0-2 (``encoder_training --folds 0,1,2 --out DIR``) on fold 4, which is how its
threshold was chosen. ``--previous DIR`` adds the recognizers of an earlier synthguard (a checkout of that
release, run in a subprocess with DIR on the path).

Also: presidio-research's synthetic sentences (MIT) and the
fake ICU nursing notes in tests/data (clinical_notes.txt, which the scrubber was tuned
on, and clinical_notes_heldout.txt, written afterwards), and fake Japanese nursing records
(clinical_notes_ja.txt, tuned on, and clinical_notes_ja_heldout.txt, written afterwards),
where the peer is Presidio on GiNZA as shipped. A gold span counts as found when
a prediction of the same category overlaps it ("typed"), or any prediction ("any type",
what matters for de-identification). Job titles, organisations and nationalities are
not PHI under HIPAA Safe Harbor and are left out of both counts.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from synthguard.scrub.evaluation import Span, category, parse_annotated, score

ROOT = Path(__file__).resolve().parents[1]
RESEARCH_CATEGORY = {
    "PERSON": "PERSON", "STREET_ADDRESS": "LOCATION", "GPE": "LOCATION", "ZIP_CODE": "LOCATION",
    "DATE_TIME": "DATE", "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL", "AGE": "AGE",
    "DOMAIN_NAME": "URL", "TITLE": "NOT_PHI", "ORGANIZATION": "NOT_PHI", "NRP": "NOT_PHI",
}
NOT_PHI = frozenset({"NOT_PHI", "ORGANIZATION", "NRP"})


def research_dataset(path: str) -> list[tuple[str, list[Span]]]:
    records = json.loads(Path(path).read_text())
    return [(r["full_text"], [Span(s["start_position"], s["end_position"],
                                   RESEARCH_CATEGORY.get(s["entity_type"], "ID")) for s in r["spans"]])
            for r in records]


def notes_dataset(name: str) -> list[tuple[str, list[Span]]]:
    return parse_annotated((ROOT / "tests" / "data" / name).read_text())


# The Japanese fixtures split identifiers finer: postal codes, My Number, insurance numbers.
JA_CATEGORY = {"ZIP_CODE": "ZIP", "JP_MY_NUMBER": "MY_NUMBER", "HEALTH_PLAN_ID": "INSURANCE"}


def synthguard_predict(texts: list[str], language: str = "en", groups: list[str] | None = None,
                       **scrub) -> list[list[Span]]:
    from synthguard.policy import parse_policy
    from synthguard.scrub.scrubber import analyze_texts

    settings = parse_policy({"name": "benchmark", "scrub": {"language": language, **scrub}}).scrub
    results = analyze_texts(texts, settings, groups=groups)
    names = JA_CATEGORY if language == "ja" else {}
    return [[Span(r.start, r.end, names.get(r.entity_type) or category(r.entity_type)) for r in rs]
            for rs in results]


def crf_alone(texts: list[str]) -> list[list[Span]]:
    """The CRF by itself, at the threshold the scrubber uses, no guards."""
    from synthguard.scrub import tagger
    from synthguard.scrub.recognizers.trained_phi import THRESHOLD

    model = tagger.PhiTagger(tagger.MODEL, THRESHOLD)
    return [[Span(a, b, "ANY") for a, b, _, _ in model.spans(t)] for t in texts]


def encoder_alone(texts: list[str]) -> list[list[Span]]:
    """The encoder by itself, at the threshold the scrubber uses, no guards."""
    from synthguard.scrub import encoder
    from synthguard.scrub.recognizers import encoder_phi

    model = encoder.PhiEncoder(encoder.MODEL_DIR, encoder_phi.THRESHOLD)
    return [[Span(a, b, "ANY") for a, b, _, _ in spans] for spans in model.spans(texts)]


def presidio_ja_predict(texts: list[str]) -> list[list[Span]]:
    """Presidio as shipped, on GiNZA: its predefined recognizers for ``ja`` and its default NER mapping."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from synthguard.scrub.engine import _quiet

    _quiet()
    registry = RecognizerRegistry(supported_languages=["ja"])
    registry.load_predefined_recognizers(languages=["ja"])
    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "ja", "model_name": "ja_ginza"}]}).create_engine()
    engine = AnalyzerEngine(registry=registry, supported_languages=["ja"], nlp_engine=nlp)
    return [[Span(r.start, r.end, JA_CATEGORY.get(r.entity_type) or category(r.entity_type))
             for r in engine.analyze(t, language="ja")] for t in texts]


def presidio_predict(texts: list[str]) -> list[list[Span]]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from synthguard.scrub.engine import _quiet, ner_configuration, resolve_spacy_model

    _quiet()
    config = ner_configuration("en")
    config.pop("default_score")
    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "ner_model_configuration": config,
        "models": [{"lang_code": "en", "model_name": resolve_spacy_model("en_core_web_sm")}]}).create_engine(),
        supported_languages=["en"])
    return [[Span(r.start, r.end, category(r.entity_type)) for r in engine.analyze(t, language="en")]
            for t in texts]


PREVIOUS = """
import json, sys, warnings
warnings.simplefilter("ignore")
from synthguard.policy import parse_policy
from synthguard.scrub.scrubber import analyze_texts
texts = json.load(open(sys.argv[1]))
results = analyze_texts(texts, parse_policy({"name": "benchmark"}).scrub)
print(json.dumps([[[r.start, r.end] for r in rs] for rs in results]))
"""


def previous_predict(texts: list[str], checkout: str) -> list[list[Span]]:
    """The recognizers of another synthguard checkout, in a fresh process with that checkout on the path."""
    import os
    import subprocess
    import sys
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(texts, handle)
    env = {**os.environ, "PYTHONPATH": str(Path(checkout).resolve())}
    out = subprocess.run([sys.executable, "-c", PREVIOUS, handle.name], check=True, env=env, capture_output=True,
                         text=True, cwd=tempfile.gettempdir()).stdout
    Path(handle.name).unlink()
    return [[Span(a, b, "ANY") for a, b in rs] for rs in json.loads(out)]


def false_positive_kinds(texts: list[str], gold: list[list[Span]], groups: list[str] | None = None) -> dict[str, int]:
    """Detections overlapping no gold span, counted by the recognizer that made them and its entity."""
    from collections import Counter

    from presidio_analyzer import RecognizerResult

    from synthguard.policy import parse_policy
    from synthguard.scrub.scrubber import analyze_texts

    kinds: Counter = Counter()
    results_all = analyze_texts(texts, parse_policy({"name": "benchmark"}).scrub, groups=groups)
    for results, spans in zip(results_all, gold, strict=True):
        for r in results:
            if not any(g.start < r.end and r.start < g.end for g in spans):
                name = (r.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "?")
                kinds[f"{name} {r.entity_type}"] += 1
    return dict(kinds.most_common())


def deid_tools(texts: list[str], patients: list[str], presidio: bool = True, previous: str | None = None):
    """Each component on and off, and each model alone, timed on the same notes (models loaded first)."""
    import time

    runs = {
        "synthguard": lambda: synthguard_predict(texts),
        "+ --group-column": lambda: synthguard_predict(texts, groups=patients),
        "+ CRF": lambda: synthguard_predict(texts, trained_tagger=True),
        "rules+CRF (no encoder)": lambda: synthguard_predict(texts, encoder=False, trained_tagger=True),
        "rules only": lambda: synthguard_predict(texts, encoder=False),
        "CRF alone": lambda: crf_alone(texts),
        "encoder alone": lambda: encoder_alone(texts),
    }
    if presidio:
        runs["plain Presidio"] = lambda: presidio_predict(texts)
    if previous:
        runs["previous synthguard"] = lambda: previous_predict(texts, previous)
    for settings in ({}, {"trained_tagger": True}, {"encoder": False}, {"encoder": False, "trained_tagger": True}):
        synthguard_predict(texts[:2], **settings)  # models and word lists loaded before the clock starts
    tools, seconds = {}, {}
    for name, run in runs.items():
        start = time.perf_counter()
        tools[name] = run()
        seconds[name] = time.perf_counter() - start
    return tools, seconds


def deid_report(path: str, folds: frozenset[int], label: str, previous: str | None,
                list_false_positives: bool = False) -> None:
    """Recall per gold type (the corpus's own) and overall recall/precision, any type counted, for each
    component combination; a note's patient is its group."""
    from synthguard.scrub.evaluation import load_deid

    notes = load_deid(path, folds)
    texts, gold, patients = [t for t, _, _ in notes], [g for _, g, _ in notes], [str(p) for _, _, p in notes]
    tools, seconds = deid_tools(texts, patients, previous=previous)
    untyped = {t: [[Span(p.start, p.end, "ANY") for p in ps] for ps in preds] for t, preds in tools.items()}
    width = max(14, *(len(t) + 2 for t in tools))
    print(f"\n{label}: {len(texts)} notes, {len(set(patients))} patients, {sum(map(len, texts))} characters")
    print(f"{'gold type':20}{'spans':>6}" + "".join(f"{t:>{width}}" for t in tools))
    types = sorted({g.label for gs in gold for g in gs})
    for kind in types:
        kept = [[Span(g.start, g.end, "ANY") for g in gs if g.label == kind] for gs in gold]
        recalls = [score(kept, untyped[t], typed=False)["ALL"]["recall"] for t in tools]
        print(f"{kind:20}{sum(map(len, kept)):>6}" + "".join(f"{_fmt(r):>{width}}" for r in recalls))
    all_gold = [[Span(g.start, g.end, "ANY") for g in gs] for gs in gold]
    totals = {t: score(all_gold, untyped[t], typed=False)["ALL"] for t in tools}
    recalls = "".join(f"{_fmt(totals[t]['recall']):>{width}}" for t in tools)
    print(f"{'ALL recall':20}{sum(map(len, gold)):>6}" + recalls)
    print(f"{'ALL precision':20}{'':>6}" + "".join(f"{_fmt(totals[t]['precision']):>{width}}" for t in tools))
    print(f"{'detections':20}{'':>6}" + "".join(f"{totals[t]['predicted']:>{width}}" for t in tools))
    print(f"{'notes/s':20}{'':>6}" + "".join(f"{len(texts) / seconds[t]:>{width}.1f}" for t in tools))
    if list_false_positives:
        print("synthguard's false positives by recognizer and entity:")
        for kind, count in false_positive_kinds(texts, gold).items():
            print(f"  {count:>4}  {kind}")


def report(name: str, data: list[tuple[str, list[Span]]], language: str = "en") -> None:
    texts, gold = [t for t, _ in data], [g for _, g in data]
    if language == "ja":
        tools = {"synthguard": synthguard_predict(texts, "ja"), "Presidio+GiNZA": presidio_ja_predict(texts)}
    else:
        tools = {"synthguard": synthguard_predict(texts), "plain Presidio": presidio_predict(texts)}
    print(f"\n{name}: {len(texts)} texts")
    print(f"{'category':10}{'gold':>6}" + "".join(f"{t + ' R':>18}{t + ' P':>18}" for t in tools))
    scores = {t: score(gold, p, ignore=NOT_PHI) for t, p in tools.items()}
    untyped = {t: score(gold, p, typed=False, ignore=NOT_PHI)["ALL"] for t, p in tools.items()}
    categories = sorted({k for s in scores.values() for k in s if k != "ALL"} - NOT_PHI)
    for cat in categories + ["ALL"]:
        gold_n = scores["synthguard"].get(cat, {}).get("gold", 0)
        cells = ""
        for tool in tools:
            row = scores[tool].get(cat, {})
            cells += "".join(f"{_fmt(row.get(k)):>18}" for k in ("recall", "precision"))
        print(f"{cat:10}{gold_n:>6}{cells}")
    cells = "".join(f"{_fmt(untyped[t]['recall']):>18}{_fmt(untyped[t]['precision']):>18}" for t in tools)
    print(f"{'any type':10}{untyped['synthguard']['gold']:>6}{cells}")


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def main() -> None:
    import argparse

    from synthguard.scrub.evaluation import FOLDS, TUNED_FOLDS

    parser = argparse.ArgumentParser()
    parser.add_argument("--deid", help="PhysioNet deid notes as JSONL (patient, text, spans)")
    parser.add_argument("--previous", help="a checkout of an earlier synthguard, to compare its recognizers")
    parser.add_argument("--presidio-research", help="presidio-research synth_dataset_v2.json")
    parser.add_argument("--skip-fixtures", action="store_true", help="only the real notes")
    parser.add_argument("--folds", help="score only these deid folds (e.g. 4, to choose settings with a model "
                                        "trained on folds 0-2); default: fold 3, then the tuned folds")
    parser.add_argument("--encoder-dir", help="an encoder other than the shipped one (encoder_training --out)")
    parser.add_argument("--encoder-threshold", type=float, help="the encoder's threshold (default: the shipped one)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.encoder_dir:
        from synthguard.scrub import encoder

        encoder.MODEL_DIR = Path(args.encoder_dir)
    if args.encoder_threshold is not None:
        from synthguard.scrub.recognizers import encoder_phi

        encoder_phi.THRESHOLD = args.encoder_threshold
    if args.deid and args.folds:
        folds = frozenset(int(f) for f in args.folds.split(","))
        deid_report(args.deid, folds, f"deid nursing notes, folds {sorted(folds)}", args.previous,
                    list_false_positives=True)
        return
    if args.deid:
        held_out = frozenset(range(FOLDS)) - TUNED_FOLDS
        deid_report(args.deid, held_out, f"deid nursing notes, fold {sorted(held_out)} (never read nor trained on: "
                                         "the result)", args.previous, list_false_positives=True)
        deid_report(args.deid, TUNED_FOLDS, f"deid nursing notes, folds {sorted(TUNED_FOLDS)} (read while tuning, "
                                            "the tagger's training notes)", args.previous)
    if args.presidio_research:
        report("presidio-research synth_v2", research_dataset(args.presidio_research))
    if args.skip_fixtures:
        return
    report("project notes written for the tests (tuned on)", notes_dataset("clinical_notes.txt"))
    report("project notes written for the tests (written after tuning)", notes_dataset("clinical_notes_heldout.txt"))
    report("Japanese nursing records (tuned on)", notes_dataset("clinical_notes_ja.txt"), "ja")
    heldout = ROOT / "tests" / "data" / "clinical_notes_ja_heldout.txt"
    if heldout.exists():
        report("Japanese nursing records (held out)", notes_dataset(heldout.name), "ja")


if __name__ == "__main__":
    main()
