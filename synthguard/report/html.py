"""report.html: self-contained (inline CSS, no scripts, no network), escaped by Jinja2."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from jinja2 import Environment, select_autoescape


def render_html(report: dict[str, Any]) -> str:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(
        files("synthguard.report").joinpath("templates/report.html").read_text(encoding="utf-8"))
    return template.render(r=report)
