"""Text scrubbing: analyze many documents at once, guard, resolve overlaps, replace.

spaCy runs over a batch with ``nlp.pipe`` (Presidio's ``process_batch``); every
recognizer then reads the precomputed tokens, so each document is tokenised and
tagged once. Findings carry positions, types and scores, never the text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import partial

from presidio_analyzer import RecognizerResult

from synthguard.scrub.engine import build_analyzer, build_anonymizer, plugin_entities
from synthguard.scrub.guards import GUARDS
from synthguard.scrub.normalize import nfkc
from synthguard.scrub.operators import UNCOVERED, Operators
from synthguard.scrub.recurrence import known_values, recurrences, spread_words
from synthguard.sections.languages import LANGUAGE_PACKS


@dataclass(frozen=True)
class Finding:
    """One detected span. ``row`` is the 0-based row of the input; no raw value is kept."""

    row: int
    column: str
    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str

    def to_dict(self) -> dict:
        out = asdict(self)
        out["score"] = round(self.score, 4)
        return out


def recognizer_of(result: RecognizerResult) -> str:
    return (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "unknown")


# Scrub settings that switch a recognizer off (its class's SWITCH).
SWITCHES = ("trained_tagger", "encoder")
BARE_YEAR = re.compile(r"^'?(?:\d{2}|1[89]\d{2}|20\d{2})$")


def resolve_overlaps(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Keep the strongest of overlapping spans (score, then length, then position), in text order."""
    chosen: list[RecognizerResult] = []
    ranked = sorted(results, key=lambda r: (-r.score, -(r.end - r.start), r.start, r.entity_type))
    for result in ranked:
        if all(result.end <= c.start or result.start >= c.end for c in chosen):
            chosen.append(result)
    return sorted(chosen, key=lambda r: r.start)


def analyze_texts(texts: list[str], settings, threshold: float | None = None,
                  entities: list[str] | None = None,
                  known: list[list[tuple[str, str]]] | None = None,
                  groups: list[str] | None = None) -> list[list[RecognizerResult]]:
    """Guarded, non-overlapping results for each text, with one spaCy pass over the batch.

    ``settings`` is the policy's scrub section; ``threshold`` and ``entities`` override it. ``known``: per
    text, (value, entity) pairs known to be PHI (its row's identifier cells), found wherever they occur.
    ``groups``: per text, its group (the patient): a name found in one text of a group is looked for in all
    of them, and never in another group's.
    """
    pack = LANGUAGE_PACKS[settings.language]
    ner = pack.statistical_ner if settings.statistical_ner is None else settings.statistical_ner
    switched_off = frozenset(name for name in SWITCHES if not getattr(settings, name))
    normalized = [nfkc(t) for t in texts] if pack.normalize else None
    seen = [n.text for n in normalized] if normalized else texts
    if entities is None:
        entities = list(settings.entities)
        if "entities" not in settings.model_fields_set:
            entities += plugin_entities(settings.language, entities)
    _prepare(seen, settings.language, switched_off, entities)
    analyzer = build_analyzer(settings.spacy_model, settings.language, tuple(settings.phone_regions), ner,
                              switched_off)
    batch = analyzer.nlp_engine.process_batch(seen, settings.language, batch_size=settings.batch_size)
    threshold = settings.min_score if threshold is None else threshold
    found = []
    for i, (text, artifacts) in enumerate(batch):
        results = analyzer.analyze(text=text, language=settings.language, entities=entities,
                                   nlp_artifacts=artifacts, score_threshold=threshold)
        results = GUARDS[pack.guards](results, text)
        if known and known[i]:
            results = results + known_values(text, [(nfkc(v).text if normalized else v, e) for v, e in known[i]])
        found.append((text, results))
    spread = _group_words(found, groups) if pack.recurrence and groups else None
    out = []
    for i, (text, results) in enumerate(found):
        if pack.recurrence:
            results = results + recurrences(results, text, spread[i] if spread else None)
        if settings.keep_years:
            results = [r for r in results
                       if not (r.entity_type == "DATE_TIME" and BARE_YEAR.match(text[r.start:r.end]))]
        results = resolve_overlaps(results)
        if normalized:
            results = [_moved(r, *normalized[i].span(r.start, r.end)) for r in results]
        out.append(results)
    return out


def _prepare(texts: list[str], language: str, switched_off: frozenset[str], entities: list[str]) -> None:
    """Hands the batch to every recognizer class with a ``prepare`` (the encoder) before the analyzer is even
    built, so that its model starts while spaCy and the word lists load."""
    from synthguard.scrub.engine import declared_entities, registered

    for cls in registered(language, switched_off):
        if hasattr(cls, "prepare") and set(declared_entities(cls)) & set(entities):
            cls.prepare(texts)


def _group_words(found: list[tuple[str, list[RecognizerResult]]], groups: list[str]) -> list[dict[str, str]]:
    """Per text, the spreadable words found anywhere in its group's texts."""
    pooled: dict[str, dict[str, str]] = {}
    for (text, results), group in zip(found, groups, strict=True):
        for word, entity in spread_words(results, text).items():
            pooled.setdefault(group, {}).setdefault(word, entity)
    return [pooled.get(group, {}) for group in groups]


def _moved(result: RecognizerResult, start: int, end: int) -> RecognizerResult:
    """A result found in normalised text, placed on the original's offsets."""
    return RecognizerResult(result.entity_type, start, end, result.score, result.analysis_explanation,
                            result.recognition_metadata)




def uncovered(text: str, language: str) -> bool:
    """True when ``text`` is not in the pack's language: it must not be scrubbed with that language's rules."""
    return not LANGUAGE_PACKS[language].covers(text)


def real_values(text: str, found: list[RecognizerResult], min_chars: int = 4, words: bool = True) -> frozenset[str]:
    """Case-folded detected values of ``text`` (and, with ``words``, each word of a detected name),
    for surrogates to avoid and for replay checks; short ones (initials, "Dr") are left out."""
    values = set()
    for result in found:
        value = " ".join(text[result.start:result.end].casefold().split())
        if result.entity_type == "DATE_TIME":
            continue  # dates are shifted per patient, not drawn; a shifted date may equal another real one
        if len(value) >= min_chars:
            values.add(value)
        if words and result.entity_type == "PERSON":
            values.update(w for w in re.findall(r"[^\W\d_][\w'\-]*", value) if len(w) >= min_chars)
    return frozenset(values)


class TextScrubber:
    """Finds PHI in documents and replaces it as the policy's operators say."""

    def __init__(self, settings, key: bytes):
        self.settings = settings
        self.operators = Operators(key, settings.locale, dict(settings.operators), settings.default_operator,
                                   settings.date_shift_days)

    def analyze(self, texts: list[str], known: list[list[tuple[str, str]]] | None = None,
                groups: list[str] | None = None) -> list[list[RecognizerResult]]:
        """Results per text; a text in a language the policy does not cover gets one result over all of it
        (entity UNSUPPORTED_LANGUAGE), so it is reported in the findings and redacted whole."""
        foreign = [i for i, t in enumerate(texts) if uncovered(t, self.settings.language)]
        if not foreign:
            return analyze_texts(texts, self.settings, known=known, groups=groups)
        skipped = set(foreign)
        covered = [i for i in range(len(texts)) if i not in skipped]
        found = dict(zip(covered, analyze_texts([texts[i] for i in covered], self.settings,
                                                known=[known[i] for i in covered] if known else None,
                                                groups=[groups[i] for i in covered] if groups else None),
                         strict=True))
        for i in foreign:
            found[i] = [RecognizerResult(UNCOVERED, 0, len(texts[i]), 1.0, recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: "LanguageCoverage",
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: "language-coverage"})]
        return [found[i] for i in range(len(texts))]

    def scrub(self, texts: list[str], patients: list[str] | None = None,
              avoid: list[frozenset[str]] | None = None, known: list[list[tuple[str, str]]] | None = None,
              groups: list[str] | None = None) -> tuple[list[str], list[list[RecognizerResult]]]:
        """Scrubbed texts and the results behind them; empty documents pass through.

        No surrogate equals a value detected in its own document, nor one in ``avoid`` (per
        document: the real values when the text being scrubbed is already a rewrite).
        """
        from presidio_anonymizer.entities import OperatorConfig

        patients = patients or [""] * len(texts)
        avoid = avoid or [frozenset()] * len(texts)
        results = self.analyze(texts, known, groups)
        anonymizer = build_anonymizer()
        scrubbed = []
        for text, found, patient, extra in zip(texts, results, patients, avoid, strict=True):
            if not found:
                scrubbed.append(text)
                continue
            taken = real_values(text, found, min_chars=1) | extra
            operators = {
                entity: OperatorConfig("custom", {"lambda": partial(self.operators.replace, entity,
                                                                    patient=patient, avoid=taken)})
                for entity in {r.entity_type for r in found}
            }
            scrubbed.append(anonymizer.anonymize(text=text, analyzer_results=found, operators=operators).text)
        return scrubbed, results
