"""Tiny server-side SVG charts (line and bars), so pages need no JavaScript library or CDN.

Every number drawn goes through the page's locale (`lacak.i18n.num`/`signed`: 62,5 in
Indonesian, 62.5 in English). Bar charts come with an HTML legend under the picture: it
wraps on a phone and a screen reader reads it, which text inside the SVG would not do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Literal

from markupsafe import Markup

from lacak.i18n import num, signed

WIDTH, HEIGHT, TOP, BOTTOM, SIDE = 480, 240, 30, 46, 34
GREEN, RED, BLUE, GREY, INK = "#1a9e5c", "#d64545", "#2d5bd0", "#9aa5b1", "#323f4b"
Swatch = Literal["good", "bad", "few", "bar", "average"]
_FILL = {"good": GREEN, "bad": RED, "few": GREY, "bar": BLUE}
_STROKE = {"average": (INK, "5 3")}
# A white outline under value labels keeps them readable where the average line crosses them.
HALO = 'paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"'


@dataclass(frozen=True)
class LegendItem:
    """One entry under a chart: a colour sample and the words for what it means."""

    swatch: Swatch
    text: str


def _scale(values: Sequence[float], low: float, high: float) -> list[float]:
    span = (high - low) or 1.0
    usable = HEIGHT - TOP - BOTTOM
    return [HEIGHT - BOTTOM - (v - low) / span * usable for v in values]


def _sample(swatch: Swatch) -> str:
    # The sample is drawn with the chart's own colour constants, so legend and bars never drift.
    if swatch in _FILL:
        return (
            '<svg class="swatch" viewBox="0 0 12 12" aria-hidden="true">'
            f'<rect width="12" height="12" rx="2" fill="{_FILL[swatch]}"/></svg>'
        )
    colour, dash = _STROKE[swatch]
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        '<svg class="swatch wide" viewBox="0 0 24 12" aria-hidden="true">'
        f'<line x1="0" x2="24" y1="6" y2="6" stroke="{colour}" stroke-width="2.5"{dashed}/></svg>'
    )


def legend(items: Sequence[LegendItem]) -> Markup:
    """The legend as a list; empty when there is nothing to explain."""
    if not items:
        return Markup("")
    entries = "".join(f"<li>{_sample(i.swatch)}{escape(i.text)}</li>" for i in items)
    return Markup(f'<ul class="legend">{entries}</ul>')


def _frame(body: str, title: str, items: Sequence[LegendItem] = ()) -> Markup:
    svg = (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'class="chart" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"{body}</svg>"
    )
    return Markup(svg) + legend(items)


def _empty(title: str) -> Markup:
    return _frame(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">–</text>', title)


def line_chart(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    lang: str,
    unit: str = "",
    items: Sequence[LegendItem] = (),
) -> Markup:
    """A line with a zero axis, first/last date, the axis range and the last value labelled."""
    if not values:
        return _empty(title)
    low, high = min(0.0, *values), max(0.0, *values)
    ys = _scale(values, low, high)
    step = (WIDTH - 2 * SIDE) / max(len(values) - 1, 1)
    xs = [SIDE + i * step for i in range(len(values))]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    zero = _scale([0.0], low, high)[0]
    colour = GREEN if values[-1] >= 0 else RED
    last_y = min(max(ys[-1] - 8, TOP - 6), HEIGHT - BOTTOM - 4)
    parts = [
        f'<line x1="{SIDE}" x2="{WIDTH - SIDE}" y1="{zero:.1f}" y2="{zero:.1f}" stroke="{GREY}"/>',
        f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{points}"/>',
        f'<text x="{SIDE}" y="{HEIGHT - 10}" font-size="15">{escape(labels[0])}</text>',
        f'<text x="{WIDTH - SIDE}" y="{HEIGHT - 10}" font-size="15" text-anchor="end">'
        f"{escape(labels[-1])}</text>",
        f'<text x="{WIDTH - SIDE}" y="{last_y:.1f}" font-size="15" text-anchor="end" '
        f'fill="{colour}">{escape(signed(values[-1], lang))}{escape(unit)}</text>',
        f'<text x="4" y="{TOP - 12}" font-size="13" fill="{INK}">'
        f"{escape(signed(high, lang, 1))}{escape(unit)}</text>",
    ]
    if low < 0:
        parts.append(
            f'<text x="4" y="{HEIGHT - BOTTOM + 16}" font-size="13" fill="{INK}">'
            f"{escape(signed(low, lang, 1))}{escape(unit)}</text>"
        )
    return _frame("".join(parts), title, items)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    lang: str,
    *,
    unit: str = "",
    threshold: float | None = None,
    average: float | None = None,
    counts: Sequence[int] | None = None,
    min_count: int = 0,
    items: Sequence[LegendItem] = (),
) -> Markup:
    """Vertical bars with value labels and `n` under each.

    With a `threshold`, bars at or above it are green and below it red; a bar whose count
    is under `min_count` is grey (too few signals to judge). `average` draws a dashed line.
    """
    if not values:
        return _empty(title)
    high = max(max(values), average or 0.0, 1e-9)
    slot = (WIDTH - 2 * SIDE) / len(values)
    width = slot * 0.7
    size = 14 if slot >= 34 else 11  # a dozen bars still leave room for "100%"
    bars, texts = [], []  # texts go last: over the average line, not under it
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = SIDE + i * slot + (slot - width) / 2
        top = _scale([value], 0.0, high)[0]
        count = counts[i] if counts is not None else None
        if count is not None and count < min_count:
            colour = GREY
        elif threshold is not None:
            colour = GREEN if value >= threshold else RED
        else:
            colour = BLUE
        centre = x + width / 2
        bars.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" '
            f'height="{HEIGHT - BOTTOM - top:.1f}" fill="{colour}" rx="2"/>'
        )
        texts.append(
            f'<text x="{centre:.1f}" y="{top - 4:.1f}" font-size="{size}" text-anchor="middle" '
            f"{HALO}>{escape(num(value, lang, 0))}{escape(unit)}</text>"
            f'<text x="{centre:.1f}" y="{HEIGHT - BOTTOM + 17}" font-size="{size}" '
            f'text-anchor="middle">{escape(label[:8])}</text>'
        )
        if count is not None:
            texts.append(
                f'<text x="{centre:.1f}" y="{HEIGHT - BOTTOM + 34}" font-size="{size - 2}" '
                f'text-anchor="middle" fill="{INK}">n={count}</text>'
            )
    if average is not None:
        y = _scale([average], 0.0, high)[0]
        bars.append(
            f'<line x1="{SIDE}" x2="{WIDTH - SIDE}" y1="{y:.1f}" y2="{y:.1f}" stroke="{INK}" '
            'stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
    return _frame("".join(bars + texts), title, items)


def daily_bars(labels: Sequence[str], values: Sequence[float], title: str, lang: str) -> Markup:
    """Many thin bars (one per day): first/last date and the peak labelled, not every bar."""
    if not values or not any(values):
        return _empty(title)
    high = max(values)
    slot = (WIDTH - 2 * SIDE) / len(values)
    width = max(slot * 0.8, 1.0)
    peak = values.index(high)
    parts = [
        f'<line x1="{SIDE}" x2="{WIDTH - SIDE}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="{GREY}"/>'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = SIDE + i * slot + (slot - width) / 2
        top = _scale([value], 0.0, high)[0]
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" '
            f'height="{HEIGHT - BOTTOM - top:.1f}" fill="{BLUE}" rx="1">'
            f"<title>{escape(label)}: {escape(num(value, lang, 0))}</title></rect>"
        )
    px = SIDE + peak * slot + slot / 2
    anchor = (
        "end" if peak > len(values) * 0.7 else ("start" if peak < len(values) * 0.3 else "middle")
    )
    parts += [
        f'<text x="{px:.1f}" y="{TOP - 10}" font-size="15" text-anchor="{anchor}">'
        f"{escape(num(high, lang, 0))} · {escape(labels[peak])}</text>",
        f'<text x="{SIDE}" y="{HEIGHT - BOTTOM + 20}" font-size="15">{escape(labels[0])}</text>',
        f'<text x="{WIDTH - SIDE}" y="{HEIGHT - BOTTOM + 20}" font-size="15" text-anchor="end">'
        f"{escape(labels[-1])}</text>",
    ]
    return _frame("".join(parts), title)
