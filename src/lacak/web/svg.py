"""Tiny server-side SVG charts (line and bars), so pages need no JavaScript library or CDN."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 480, 240, 34
GREEN, RED, BLUE, GREY = "#1a9e5c", "#d64545", "#2d5bd0", "#9aa5b1"


def _scale(values: Sequence[float], low: float, high: float) -> list[float]:
    span = (high - low) or 1.0
    usable = HEIGHT - 2 * PAD
    return [HEIGHT - PAD - (v - low) / span * usable for v in values]


def _frame(body: str, title: str) -> Markup:
    return Markup(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'class="chart" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"{body}</svg>"
    )


def line_chart(
    labels: Sequence[str], values: Sequence[float], title: str, unit: str = ""
) -> Markup:
    """A line with a zero axis and first/last labels; empty data gives an empty frame."""
    if not values:
        return _frame(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">–</text>', title
        )
    low, high = min(0.0, *values), max(0.0, *values)
    ys = _scale(values, low, high)
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    xs = [PAD + i * step for i in range(len(values))]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    zero = _scale([0.0], low, high)[0]
    colour = GREEN if values[-1] >= 0 else RED
    parts = [
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{zero:.1f}" y2="{zero:.1f}" stroke="{GREY}"/>',
        f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{points}"/>',
        f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="15">{escape(labels[0])}</text>',
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" font-size="15" text-anchor="end">'
        f"{escape(labels[-1])}</text>",
        f'<text x="{WIDTH - PAD}" y="{ys[-1] - 8:.1f}" font-size="15" text-anchor="end" '
        f'fill="{colour}">{values[-1]:+.2f}{escape(unit)}</text>',
        f'<text x="4" y="{PAD - 10}" font-size="14" fill="{GREY}">'
        f"max {high:.1f}{escape(unit)}</text>",
    ]
    return _frame("".join(parts), title)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    unit: str = "",
    threshold: float | None = None,
) -> Markup:
    """Vertical bars with value labels; bars under `threshold` are red."""
    if not values:
        return _frame(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">–</text>', title
        )
    high = max(max(values), threshold or 0.0, 1e-9)
    slot = (WIDTH - 2 * PAD) / len(values)
    width = slot * 0.7
    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = PAD + i * slot + (slot - width) / 2
        top = _scale([value], 0.0, high)[0]
        colour = RED if threshold is not None and value < threshold else BLUE
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" '
            f'height="{HEIGHT - PAD - top:.1f}" fill="{colour}" rx="2"/>'
            f'<text x="{x + width / 2:.1f}" y="{top - 4:.1f}" font-size="14" '
            f'text-anchor="middle">{value:.0f}{escape(unit)}</text>'
            f'<text x="{x + width / 2:.1f}" y="{HEIGHT - 14}" font-size="14" '
            f'text-anchor="middle">{escape(label[:8])}</text>'
        )
    if threshold is not None:
        y = _scale([threshold], 0.0, high)[0]
        parts.append(
            f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GREY}" '
            'stroke-dasharray="4 3"/>'
        )
    return _frame("".join(parts), title)


def daily_bars(labels: Sequence[str], values: Sequence[float], title: str) -> Markup:
    """Many thin bars (one per day): first/last date and the peak labelled, not every bar."""
    if not values or not any(values):
        return _frame(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">–</text>', title
        )
    high = max(values)
    slot = (WIDTH - 2 * PAD) / len(values)
    width = max(slot * 0.8, 1.0)
    peak = values.index(high)
    parts = [
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{HEIGHT - PAD}" y2="{HEIGHT - PAD}" '
        f'stroke="{GREY}"/>'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = PAD + i * slot + (slot - width) / 2
        top = _scale([value], 0.0, high)[0]
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" '
            f'height="{HEIGHT - PAD - top:.1f}" fill="{BLUE}" rx="1">'
            f"<title>{escape(label)}: {value:.0f}</title></rect>"
        )
    px = PAD + peak * slot + slot / 2
    anchor = (
        "end" if peak > len(values) * 0.7 else ("start" if peak < len(values) * 0.3 else "middle")
    )
    parts += [
        f'<text x="{px:.1f}" y="{PAD - 8}" font-size="15" text-anchor="{anchor}">'
        f"{high:.0f} · {escape(labels[peak])}</text>",
        f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="15">{escape(labels[0])}</text>',
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" font-size="15" text-anchor="end">'
        f"{escape(labels[-1])}</text>",
    ]
    return _frame("".join(parts), title)
