"""report.html: self-contained (inline CSS and SVG, no scripts, no network), escaped by Jinja2.

A Content-Security-Policy of ``default-src 'none'`` in the page itself makes any request
a browser might be talked into (a stray URL in a label) a blocked, logged error.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from jinja2 import Environment, select_autoescape

from synthguard.report import svg
from synthguard.validators.base import format_value


def _difference(correlations: dict[str, Any]) -> list[list[float]]:
    return [[round(abs(a - b), 3) for a, b in zip(row_r, row_s, strict=True)]
            for row_r, row_s in zip(correlations["real"], correlations["synthetic"], strict=True)]


def render_html(report: dict[str, Any]) -> str:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals.update(bars=svg.bars, heatmap=svg.heatmap, difference=_difference, fmt=format_value)
    template = env.from_string(
        files("synthguard.report").joinpath("templates/report.html").read_text(encoding="utf-8"))
    return template.render(r=report, f=report.get("figures") or {})
