"""Charts as SVG made on the server (no script, no CDN): a bar chart of one figure per label, with an axis
scaled to the largest value (or a fixed one, e.g. 100 for per cents). Text is escaped; an empty value (no calls
to divide by) draws no bar and says "-". Only presentation attributes, no style: the console's CSP allows them."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 44


@dataclass(frozen=True)
class BarChart:
    title: str
    labels: list[str]
    values: list[float | None]
    unit: str = ""
    maximum: float | None = None  # the axis' top; default the largest value


def axis_top(values: list[float | None], maximum: float | None) -> float:
    """The axis' top: the fixed maximum, else the largest value rounded up to 1, 2 or 5 times a power of ten."""
    if maximum is not None:
        return maximum
    largest = max((v for v in values if v is not None), default=0.0)
    if largest <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= largest:
        step *= 10
    while step > largest:
        step /= 10
    return next(step * k for k in (1, 2, 5, 10) if step * k >= largest)


def svg(chart: BarChart) -> str:
    top = axis_top(chart.values, chart.maximum)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / max(len(chart.labels), 1)
    every = max(1, len(chart.labels) // 12)  # at most about 12 labels under the axis
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img" aria-label="{escape(chart.title)}" font-family="sans-serif" '
             f'font-size="11"><title>{escape(chart.title)}</title>',
             f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(chart.title)}</text>',
             f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" y2="{TOP + inner_h}" stroke="#444"/>',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + inner_h}" stroke="#444"/>']
    for share in (0.0, 0.5, 1.0):
        y = TOP + inner_h * (1 - share)
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{_number(top * share)}'
                     f'{escape(chart.unit)}</text>')
    for n, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        x = LEFT + n * slot
        if value is not None:
            h = inner_h * min(max(value, 0.0), top) / top
            parts.append(f'<rect x="{x + slot * 0.15:.1f}" y="{TOP + inner_h - h:.1f}" width="{slot * 0.7:.1f}" '
                         f'height="{h:.1f}" fill="#3a6ea5"><title>{escape(label)}: {_number(value)}'
                         f'{escape(chart.unit)}</title></rect>')
        if n % every == 0:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{TOP + inner_h + 14}" text-anchor="middle">'
                         f'{escape(label)}</text>')
    if not chart.labels:
        parts.append(f'<text x="{LEFT + inner_w / 2}" y="{TOP + inner_h / 2}" text-anchor="middle">no data</text>')
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
