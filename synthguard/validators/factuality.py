"""The factuality suite: every released generated text re-checked against its (scrubbed) source.

The measures (tier-0 facts, ROUGE-L, ``faithfulness``) live in synthguard/measures/text_metrics.py, which the text
generators filter with too; they are re-exported here for the callers that import them from this module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field

from synthguard.measures import embeddings
from synthguard.measures.memorization import MemorizationIndex
from synthguard.measures.note_reid import MIN_MATCHED_FACTS, numeric_columns, reidentifying
from synthguard.measures.text_metrics import Facts, conflicts, extract, faithfulness, rouge_l, tokens
from synthguard.validators import register
from synthguard.validators.base import Check, Suite, SuiteConfig, ValidationContext

__all__ = ["Factuality", "FactualityConfig", "Facts", "conflicts", "extract", "faithfulness", "rouge_l", "tokens"]


class FactualityConfig(SuiteConfig):
    min_faithfulness: float = Field(0.5, ge=0, le=1, description="lowest faithfulness of any released text")
    min_kept_share: float = Field(
        0.5, ge=0, le=1, description="share of attempted records that must survive the text filters")
    min_released: int = Field(1, ge=1, description="fewest released texts per column: an empty release fails")
    min_novelty: float = Field(0.05, ge=0, le=1, description="1 - ROUGE-L to the source; below it is a copy")
    max_memorized_share: float = Field(
        0.0, ge=0, le=1, description="share of released texts copying a source (long shared run or MinHash)")
    memorized_run: int = Field(25, ge=5, description="tokens shared in one run with a source that make a copy")
    memorized_jaccard: float = Field(0.8, gt=0, le=1, description="MinHash Jaccard to a source that makes a copy")
    min_mean_quality: float = Field(
        0.7, ge=0, le=1, description="instruction modes: lowest mean quality score of the released records "
                                     "(1 - repeated-trigram share, times the LLM judge's rating when one is asked)")
    min_embedding_similarity: float = Field(
        0.5, ge=-1, le=1, description="cosine of the mean MiniLM embeddings of sources and generated texts")
    embeddings: bool = Field(True, description="embed sources and texts with all-MiniLM-L6-v2 (offline)")
    reidentifying_facts: int = Field(
        3, ge=2, le=20, description="a note whose numbers match this many values of one real row, and of no other "
                                    "row, re-identifies that patient (a table's text columns)")


@register
class Factuality(Suite):
    """Re-checks every released generated text against its (scrubbed) source, and reports rejections."""

    name = "factuality"
    Config = FactualityConfig
    reads_text = True

    def run(self, ctx: ValidationContext) -> list[Check]:
        if not ctx.generated_text:
            return [self.not_checked("text_generated", "no text column was generated")]
        checks = []
        for column, result in ctx.generated_text.items():
            attempted = len(result.texts) + result.dropped
            details = {"released": len(result.texts), "dropped": result.dropped,
                       "rejections": dict(result.rejected), "model": result.model}
            checks += [
                self.check(f"released:{column}", len(result.texts), self.config.min_released, ">=", details),
                self.check(f"kept_share:{column}", len(result.texts) / attempted if attempted else 0.0,
                           self.config.min_kept_share, ">=", details),
            ]
            if result.quality:
                checks.append(self.check(f"mean_quality:{column}", float(np.mean(result.quality)),
                                         self.config.min_mean_quality, ">=",
                                         {"lowest": min(result.quality), "records": len(result.quality),
                                          "metric": "1 - repeated word-trigram share, times (rating - 1) / 4 "
                                                    "when generate.text.judge_min_rating asks the model to rate"}))
            if result.faithful:
                checks += self._faithfulness(column, result)
            if result.memorization:
                checks.append(self._memorization(column, result))
            checks.append(self._embeddings(column, result))
            if len(ctx.train.columns):  # a table's text column, not an instruction dataset
                checks.append(self._reidentification(column, result, ctx))
        return checks

    def _reidentification(self, column, result, ctx: ValidationContext) -> Check:
        name = f"reidentifying_notes:{column}"
        real = pd.concat([ctx.train, ctx.holdout], ignore_index=True)
        columns = numeric_columns(real)
        if not columns:
            return self.not_checked(name, "the table has no numeric column a note's numbers could match")
        found = sum(reidentifying(result.texts, real, self.config.reidentifying_facts))
        return self.check(name, found, 0, "<=", {
            "texts": len(result.texts), "real_rows": len(real), "columns": columns,
            "metric": f"notes whose numbers match {self.config.reidentifying_facts} or more values of one real "
                      f"row (train or holdout) and of no other", "default_facts": MIN_MATCHED_FACTS})

    def _faithfulness(self, column, result) -> list[Check]:
        # Judged on the model's words: the second scrub gives surrogates new surrogates
        # (dates shift again), which is not the model changing a fact.
        scores = faithfulness(result.sources, result.judged, contained=result.contained)
        faithful = self.check(f"min_faithfulness:{column}", min(scores, default=1.0), self.config.min_faithfulness,
                              ">=", {"mean": round(float(sum(scores) / len(scores)), 4) if scores else None,
                                     "metric": "tier 0: numbers, dates, negation, laterality, drugs, ICD codes"})
        if result.rows is not None:
            return [faithful]  # a note restating its own synthetic row copies no one: novelty is not asked
        novelty = [1 - rouge_l(tokens(s), tokens(t)) for s, t in zip(result.sources, result.judged, strict=True)]
        return [
            faithful,
            self.check(f"min_novelty:{column}", min(novelty, default=1.0), self.config.min_novelty, ">=",
                       {"metric": "1 - ROUGE-L F1 to the scrubbed source"}),
        ]

    def _memorization(self, column, result) -> Check:
        index = MemorizationIndex(result.pool, self.config.memorized_run, self.config.memorized_jaccard)
        looks = [index.look(t) for t in result.judged]
        copied = sum(look.shared_run or look.jaccard >= self.config.memorized_jaccard for look in looks)
        return self.check(
            f"memorized_share:{column}", copied / len(looks) if looks else 0.0, self.config.max_memorized_share,
            "<=", {"copies": copied, "texts": len(looks), "sources": len(result.pool),
                   "max_jaccard": round(max((look.jaccard for look in looks), default=0.0), 4),
                   "metric": f"a shared run of {self.config.memorized_run} tokens, or MinHash Jaccard >= "
                             f"{self.config.memorized_jaccard} to any source"})

    def _embeddings(self, column, result) -> Check:
        name = f"embedding_similarity:{column}"
        if not self.config.embeddings:
            return self.not_checked(name, "turned off (validate.suites.factuality.embeddings)")
        if not embeddings.available():
            return self.not_checked(name, f"{embeddings.PACKAGE} and sentence-transformers are not installed")
        if not result.judged or not result.pool:
            return self.not_checked(name, "no generated text to compare")
        measured = embeddings.similarity(result.pool, result.judged)
        return self.check(name, measured["centroid"], self.config.min_embedding_similarity, ">=",
                          {**measured, "model": "all-MiniLM-L6-v2", "sources": len(result.pool),
                           "texts": len(result.judged)})
