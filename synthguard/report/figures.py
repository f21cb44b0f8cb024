"""The numbers behind the report's plots, stored in report.json so that the HTML can be
re-rendered from it alone (``synthguard report``).

Only shares, bin edges and scores, never a record (but for a few released texts, kept only when the
gate passes, see Report.to_dict): numeric bins span the real 1st to 99th
percentile, widened so that at least ``min_count`` real values lie beyond each end (the extremes,
often one patient, are counted as "below"/"above", never shown), with the ends rounded inward to a
round step so that no edge is read off a patient's value,
and a category seen fewer than ``min_count`` times in the real data is folded into
"(other)". Each figure reads a seeded sample of at most ``max_rows`` rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthguard.measures.categories import category_strings
from synthguard.measures.distance import numeric_values
from synthguard.measures.pairs import PairAssociations
from synthguard.measures.text_metrics import faithfulness

BINS = 20
TOP_CATEGORIES = 20
MAX_MATRIX_COLUMNS = 30
OTHER = "(other)"
SAMPLE_TEXTS = 5


def _sample(frame: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    return frame.sample(rows, random_state=seed) if len(frame) > rows else frame


def _shares(counts: np.ndarray) -> list[float]:
    total = counts.sum()
    return [round(float(c / total), 4) if total else 0.0 for c in counts]


def _edge_label(value: float, sdtype: str) -> str:
    if sdtype == "datetime":
        return str((pd.Timestamp(0) + pd.Timedelta(days=float(value))).date())
    return f"{value:.4g}"


def _round_step(span: float) -> float:
    """A step of 1, 2 or 5 times a power of ten, about a bin wide."""
    raw = span / BINS
    power = 10 ** np.floor(np.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def numeric_distribution(real: pd.Series, synthetic: pd.Series, sdtype: str,
                         min_count: int = 5) -> dict[str, Any] | None:
    r, s = numeric_values(real, sdtype), numeric_values(synthetic, sdtype)
    r, s = r[~np.isnan(r)], s[~np.isnan(s)]
    if not len(r):
        return None
    tail = min(0.49, max(0.01, min_count / len(r)))
    low, high = np.quantile(r, [tail, 1 - tail])
    if high <= low:
        return None
    step = _round_step(high - low)
    low, high = np.ceil(low / step) * step, np.floor(high / step) * step  # inward: the tails only grow
    if high <= low:
        return None
    edges = np.linspace(low, high, BINS + 1)

    def counts(values):
        inside = np.histogram(values, edges)[0]
        return np.concatenate([[np.sum(values < low)], inside, [np.sum(values > high)]])

    labels = ["below"] + [f"{_edge_label(a, sdtype)}–{_edge_label(b, sdtype)}"
                          for a, b in zip(edges[:-1], edges[1:], strict=True)] + ["above"]
    return {"kind": "numeric", "labels": labels, "real": _shares(counts(r)), "synthetic": _shares(counts(s))}


def categorical_distribution(real: pd.Series, synthetic: pd.Series, min_count: int) -> dict[str, Any]:
    r, s = category_strings(real), category_strings(synthetic)
    frequent = r.value_counts()
    frequent = [str(k) for k, v in frequent.items() if v >= min_count][:TOP_CATEGORIES]
    r = r.where(r.isin(frequent), OTHER)
    s = s.where(s.isin(frequent), OTHER)
    labels = frequent + ([OTHER] if (r == OTHER).any() or (s == OTHER).any() else [])
    real_counts = r.value_counts().reindex(labels, fill_value=0).to_numpy()
    synthetic_counts = s.value_counts().reindex(labels, fill_value=0).to_numpy()
    return {"kind": "categorical", "labels": labels, "real": _shares(real_counts),
            "synthetic": _shares(synthetic_counts)}


def distribution(real: pd.Series, synthetic: pd.Series, sdtype: str, min_count: int) -> dict[str, Any] | None:
    if sdtype in ("numerical", "datetime"):
        return numeric_distribution(real, synthetic, sdtype, min_count)
    return categorical_distribution(real, synthetic, min_count)


def correlations(real: pd.DataFrame, synthetic: pd.DataFrame, sdtypes: dict[str, str]) -> dict[str, Any] | None:
    columns = list(sdtypes)
    if len(columns) < 2:
        return None
    pairs = PairAssociations(real, sdtypes).compare(real, synthetic)
    index = {c: i for i, c in enumerate(columns)}
    matrices = {name: np.eye(len(columns)) for name in ("real", "synthetic")}
    for pair in pairs:
        i, j = (index[c] for c in pair["columns"])
        for name in matrices:
            matrices[name][i, j] = matrices[name][j, i] = pair[name]
    shown = columns
    if len(columns) > MAX_MATRIX_COLUMNS:
        # The columns whose relationships moved most are the ones a reviewer needs to see.
        worst = np.abs(matrices["real"] - matrices["synthetic"]).max(axis=1)
        keep = sorted(np.argsort(-worst, kind="stable")[:MAX_MATRIX_COLUMNS])
        shown = [columns[i] for i in keep]
        matrices = {k: m[np.ix_(keep, keep)] for k, m in matrices.items()}
    return {"columns": shown, "of": len(columns),
            "measure": "Pearson r between numbers and dates, bias-corrected Cramér's V otherwise",
            **{k: np.round(m, 3).tolist() for k, m in matrices.items()}}


def _check(checks, name: str):
    return next((c for c in checks if c.name == name), None)


def dcr_shares(histogram: dict[str, list]) -> dict[str, Any]:
    """Shares per distance bin: the synthetic and holdout sets differ in size, raw counts do not compare."""
    return {"edges": histogram["edges"],
            **{name: _shares(np.asarray(histogram[name])) for name in ("synthetic", "holdout")},
            "rows": {name: int(sum(histogram[name])) for name in ("synthetic", "holdout")}}


def _samples(result, count: int, seed: int) -> list[str]:
    """A seeded few of the released texts. Stripped from the report unless the gate passes (Report.to_dict):
    they are records of the release, never shown for data that was not released."""
    if not result.texts:
        return []
    picks = np.random.default_rng(seed).choice(len(result.texts), min(count, len(result.texts)), replace=False)
    return [result.texts[i] for i in sorted(picks)]


def text_figures(generated: dict, seed: int = 0, samples: int = SAMPLE_TEXTS) -> list[dict[str, Any]]:
    out = []
    for column, result in generated.items():
        figure: dict[str, Any] = {"column": column, "rejections": dict(result.rejected),
                                  "released": len(result.texts), "dropped": result.dropped,
                                  "samples": _samples(result, samples, seed)}
        if result.quality:
            figure["quality"] = {"labels": [f"{a:.1f}–{a + 0.1:.1f}" for a in np.linspace(0, 0.9, 10)],
                                 "texts": np.histogram(result.quality, np.linspace(0, 1, 11))[0].tolist()}
        if result.faithful and result.judged:
            scores = faithfulness(result.sources, result.judged, contained=result.contained)
            counts = np.histogram(scores, np.linspace(0, 1, 11))[0]
            figure["faithfulness"] = {"labels": [f"{a:.1f}–{a + 0.1:.1f}" for a in np.linspace(0, 0.9, 10)],
                                      "texts": counts.tolist()}
        out.append(figure)
    return out


def build_figures(ctx, checks, min_count: int = 5, max_rows: int = 20_000) -> dict[str, Any]:
    """Figures for a table release (``ctx`` a ValidationContext) plus any generated text."""
    figures: dict[str, Any] = {"rows_read": max_rows}
    if len(ctx.sdtypes):
        real = _sample(ctx.train, max_rows, ctx.seed)
        synthetic = _sample(ctx.synthetic, max_rows, ctx.seed)
        figures["distributions"] = {c: d for c, t in ctx.sdtypes.items()
                                    if (d := distribution(real[c], synthetic[c], t, min_count)) is not None}
        figures["correlations"] = correlations(real, synthetic, ctx.sdtypes)
        representation = {c: d for c in ctx.protected
                          if (d := distribution(real[c], synthetic[c], ctx.sdtypes[c], min_count)) is not None}
        if representation:
            figures["representation"] = representation
        if ctx.target is not None:
            shares = categorical_distribution(real[ctx.target], synthetic[ctx.target], 1)
            series = {"real": shares["real"], "synthetic": shares["synthetic"]}
            if ctx.target_shares:
                series["requested"] = [round(ctx.target_shares.get(label, 0.0), 4) for label in shares["labels"]]
            figures["balance"] = {"column": ctx.target, "labels": shares["labels"], "series": series}
    dcr = _check(checks, "dcr_closer_to_train_share")
    if dcr is not None and "histogram" in dcr.details:
        figures["dcr"] = dcr_shares(dcr.details["histogram"])
    if ctx.generated_text:
        figures["text"] = text_figures(ctx.generated_text, ctx.seed)
    return figures
