"""Inline SVG charts for report.html: grouped bars and heatmaps, a few hundred bytes each.

Written by hand rather than with matplotlib on purpose: one matplotlib SVG weighs 30-60 kB,
so a 100-column table's report would not stay light enough to e-mail, and an inline SVG
needs no script and no network. Every label is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

COLOURS = {"real": "#4c78a8", "synthetic": "#f58518", "holdout": "#4c78a8", "requested": "#54a24b",
           "texts": "#b279a2"}
ROW, BAR, LABEL_WIDTH, PLOT_WIDTH = 16, 6, 150, 220


def _number(value: float) -> str:
    return f"{value:.3g}"


def bars(labels: list[str], series: dict[str, list[float]], title: str, percent: bool = True) -> Markup:
    """Horizontal grouped bars, one row per label, one bar per series."""
    top = max((max(v, default=0) for v in series.values()), default=0) or 1
    axis_y = 24 + ROW * len(labels) + 2
    height = axis_y + 16 + 18
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_WIDTH + PLOT_WIDTH + 50}" height="{height}" '
           f'role="img" aria-label="{escape(title)}"><text x="0" y="14" class="t">{escape(title)}</text>']
    for i, label in enumerate(labels):
        y = 24 + i * ROW
        out.append(f'<text x="{LABEL_WIDTH - 4}" y="{y + 11}" text-anchor="end">{escape(str(label)[:24])}</text>')
        for k, (name, values) in enumerate(series.items()):
            value = values[i] if i < len(values) else 0
            width = PLOT_WIDTH * value / top
            shown = f"{value:.1%}" if percent else _number(value)
            out.append(f'<rect x="{LABEL_WIDTH}" y="{y + 1 + k * BAR}" width="{width:.1f}" height="{BAR - 1}" '
                       f'fill="{COLOURS.get(name, "#888")}"><title>{escape(name)}: {shown}</title></rect>')
    # The value axis: a baseline with its start, middle and end, so a bar's length reads as a share or a count.
    out.append(f'<line x1="{LABEL_WIDTH}" y1="{axis_y}" x2="{LABEL_WIDTH + PLOT_WIDTH}" y2="{axis_y}" '
               'stroke="#999" stroke-width="0.6"/>')
    for fraction in (0, 0.5, 1):
        x = LABEL_WIDTH + PLOT_WIDTH * fraction
        tick = top * fraction
        out.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 3}" stroke="#999" '
                   f'stroke-width="0.6"/><text x="{x:.1f}" y="{axis_y + 13}" text-anchor="middle">'
                   f'{f"{tick:.0%}" if percent else _number(tick)}</text>')
    legend_y = height - 4
    x = LABEL_WIDTH
    for name in series:
        out.append(f'<rect x="{x}" y="{legend_y - 8}" width="8" height="8" fill="{COLOURS.get(name, "#888")}"/>'
                   f'<text x="{x + 11}" y="{legend_y}">{escape(name)}</text>')
        x += 14 + 7 * len(name)
    out.append("</svg>")
    return Markup("".join(out))


def _colour(value: float, diverging: bool) -> str:
    value = max(-1.0, min(1.0, value))
    fade = int(255 * (1 - abs(value)))
    if diverging and value < 0:
        return f"rgb({fade},{fade},255)"
    return f"rgb(255,{fade},{fade})"


def _scale(x: int, y: int, diverging: bool) -> list[str]:
    """A colour key under the matrix: -1 (or 0) to 1 in ten steps, with its end and middle values."""
    low = -1.0 if diverging else 0.0
    steps = [low + (1 - low) * k / 10 for k in range(11)]
    out = [f'<rect x="{x + k * 12}" y="{y}" width="12" height="8" fill="{_colour(v, diverging)}" stroke="#ccc" '
           f'stroke-width="0.3"/>' for k, v in enumerate(steps)]
    for k, v in ((0, low), (5, steps[5]), (10, 1.0)):
        out.append(f'<text x="{x + k * 12 + 6}" y="{y + 19}" text-anchor="middle">{_number(v)}</text>')
    return out


def heatmap(columns: list[str], matrix: list[list[float]], title: str, diverging: bool = True) -> Markup:
    """A square matrix, columns named on both axes; red positive, blue negative (diverging) or white-to-red
    magnitude, with a colour key beneath."""
    cell = max(6, min(16, 480 // max(len(columns), 1)))
    left, top = 110, 24 + 90  # the column names stand above the matrix, rotated
    size = cell * len(columns)
    height = top + size + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{max(left + size + 4, left + 140)}" height="{height}" '
           f'role="img" aria-label="{escape(title)}"><text x="0" y="14" class="t">{escape(title)}</text>']
    for j, name in enumerate(columns):
        x = left + j * cell + cell - 3
        out.append(f'<text x="{x}" y="{top - 4}" transform="rotate(-60 {x} {top - 4})">{escape(str(name)[:16])}</text>')
    for i, name in enumerate(columns):
        out.append(f'<text x="{left - 4}" y="{top + i * cell + cell - 3}" text-anchor="end">'
                   f'{escape(str(name)[:16])}</text>')
        for j, value in enumerate(matrix[i]):
            out.append(f'<rect x="{left + j * cell}" y="{top + i * cell}" width="{cell}" height="{cell}" '
                       f'fill="{_colour(value, diverging)}"><title>{escape(name)} / {escape(columns[j])}: '
                       f'{_number(value)}</title></rect>')
    out += _scale(left, top + size + 6, diverging)
    out.append("</svg>")
    return Markup("".join(out))
