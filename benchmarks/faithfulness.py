"""How well faithfulness() separates faithful rewrites from changed facts, on public data.

    python benchmarks/faithfulness.py --paws PATH/paws_wiki_200.jsonl --pubmedqa PATH/pubmedqa_pqal_dev.json

1. PAWS-Wiki (200 pairs of the PAWS-Wiki labelled set, JSON lines with sentence1, sentence2, label): ROC AUC
   of faithfulness() for "is a paraphrase" (label 1) against adversarial word swaps (label 0).
2. PubMedQA long answers (500, PubMedQA's PQA-L development set): each answer is corrupted in one
   way where it can be (a number changed, a negation flipped, a drug swapped, a side
   flipped); the flag rate (score < 0.5) per corruption, and for the unchanged answers.
Goal (issue 5): corrupted numbers, negations and drugs flagged >= 95%; identical text never.

Side by side, the peer: cosine similarity of all-MiniLM-L6-v2 sentence embeddings (what an
embedding-only filter would use). Its PAWS AUC, and on PubMedQA its flag rate at the
threshold that keeps 90% of the PAWS paraphrases (cosine below it = flagged).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from synthguard.measures.embeddings import embed
from synthguard.measures.text_metrics import _drugs, faithfulness

NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")
AUXILIARY = re.compile(r"\b(is|was|were|are|did|does|do|may|can|could|should|would|will|has|have|had)\b")
NEGATION = re.compile(r"\b(not|no|never)\s+", re.IGNORECASE)
SIDE = re.compile(r"\b(left|right)\b", re.IGNORECASE)
COMMON_DRUGS = ["metformin", "aspirin", "warfarin", "heparin", "insulin", "atorvastatin", "lisinopril",
                "amoxicillin", "prednisone", "morphine", "tamoxifen", "cisplatin"]


def change_number(text: str, rng: random.Random) -> str | None:
    numbers = list(NUMBER.finditer(text))
    if not numbers:
        return None
    match = rng.choice(numbers)
    value = match.group()
    new = str(int(float(value) * 10) if "." not in value else round(float(value) * 10, 2))
    if new == value:
        new = str(int(float(value)) + 7)
    return text[: match.start()] + new + text[match.end():]


def flip_negation(text: str, rng: random.Random) -> str:
    existing = list(NEGATION.finditer(text))
    if existing:
        match = rng.choice(existing)
        return text[: match.start()] + text[match.end():]
    auxiliaries = list(AUXILIARY.finditer(text))
    if auxiliaries:
        match = rng.choice(auxiliaries)
        return text[: match.end()] + " not" + text[match.end():]
    return "It is not true that " + text[0].lower() + text[1:]


def swap_drug(text: str, rng: random.Random) -> str | None:
    drugs = _drugs()
    words = [m for m in re.finditer(r"[A-Za-z]+", text) if m.group().lower() in drugs]
    if not words:
        return None
    match = rng.choice(words)
    other = rng.choice([d for d in COMMON_DRUGS if d != match.group().lower()])
    return text[: match.start()] + other + text[match.end():]


def flip_side(text: str, rng: random.Random) -> str | None:
    sides = list(SIDE.finditer(text))
    if not sides:
        return None
    match = rng.choice(sides)
    flipped = "right" if match.group().lower() == "left" else "left"
    return text[: match.start()] + flipped + text[match.end():]


def cosines(sources: list[str], candidates: list[str]) -> np.ndarray:
    return (embed(sources) * embed(candidates)).sum(axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paws", type=Path, required=True, help="PAWS-Wiki pairs, JSON lines")
    parser.add_argument("--pubmedqa", type=Path, required=True, help="PubMedQA PQA-L answers, JSON")
    args = parser.parse_args()
    rng = random.Random(0)
    pairs = [json.loads(line) for line in args.paws.open()]
    started = time.perf_counter()
    scores = faithfulness([p["sentence1"] for p in pairs], [p["sentence2"] for p in pairs])
    labels = [p["label"] for p in pairs]
    auc = roc_auc_score(labels, scores)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    similar = cosines([p["sentence1"] for p in pairs], [p["sentence2"] for p in pairs])
    embedding_auc = roc_auc_score(labels, similar)
    threshold = float(np.quantile(similar[np.array(labels) == 1], 0.10))
    print(f"PAWS-Wiki, {len(pairs)} pairs ({sum(labels)} paraphrases): ROC AUC tier 0 {auc:.3f} "
          f"({elapsed:.2f} s), MiniLM cosine {embedding_auc:.3f} ({time.perf_counter() - started:.2f} s "
          f"with loading); MiniLM threshold keeping 90% of paraphrases: {threshold:.3f}")

    answers = [r["LONG_ANSWER"] for r in json.loads(args.pubmedqa.read_text()).values()]
    print(f"\nPubMedQA long answers: {len(answers)}")
    print(f"{'corruption':<18}{'applicable':>11}{'tier 0 flagged':>16}{'MiniLM flagged':>16}")

    def row(name: str, sources: list[str], candidates: list[str]) -> None:
        tier0 = sum(s < 0.5 for s in faithfulness(sources, candidates)) / len(sources)
        embedding = float((cosines(sources, candidates) < threshold).mean())
        print(f"{name:<18}{len(sources):>11}{tier0:>16.1%}{embedding:>16.1%}")

    row("none (identical)", answers, answers)
    for name, corrupt in (("number changed", change_number), ("negation flipped", flip_negation),
                          ("drug swapped", swap_drug), ("side flipped", flip_side)):
        pairs = [(a, c) for a in answers if (c := corrupt(a, rng)) is not None and c != a]
        if not pairs:
            print(f"{name:<18}{0:>11}")
            continue
        row(name, [a for a, _ in pairs], [c for _, c in pairs])


if __name__ == "__main__":
    main()
