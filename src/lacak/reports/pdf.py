"""The weekly report as a PDF (A4), drawn with matplotlib's PDF backend: no external tools."""

from __future__ import annotations

import html
import io
import re
import textwrap
from datetime import datetime
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # headless servers have no display

import matplotlib.image as mpimg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font

from lacak.i18n import day, t
from lacak.reports.service import WeeklyReport

A4 = (8.27, 11.69)  # inches
MARGIN = 0.7
LINE = 0.21  # inches per text line
WRAP = 92  # characters per line at the body font size
_TAG = re.compile(r"<[^>]+>")
# Emoji the PDF font has no glyph for, and what stands in for them.
_ICONS = {"📊": "", "✅": "✓", "⚠️": "!", "⚠": "!", "ℹ️": "i", "ℹ": "i", "\ufe0f": ""}


@lru_cache(maxsize=1)
def _font() -> FT2Font:
    return FT2Font(findfont(FontProperties(family=matplotlib.rcParams["font.family"])))


def _printable(text: str) -> str:
    for icon, stand_in in _ICONS.items():
        text = text.replace(icon, stand_in)
    font = _font()
    # Any other glyph the font lacks would print as an empty box: leave it out.
    return "".join(ch for ch in text if ch.isspace() or font.get_char_index(ord(ch)))


def report_lines(report: WeeklyReport) -> list[tuple[str, bool]]:
    """The report's text as (line, is_heading) pairs, tags removed, wrapped to the page."""
    out: list[tuple[str, bool]] = []
    for raw in "\n".join(report.chunks).split("\n"):
        stripped = raw.strip()
        heading = stripped.startswith("<b>") and stripped.endswith("</b>")
        text = _printable(html.unescape(_TAG.sub("", raw))).strip()
        if not text:
            out.append(("", False))
            continue
        for piece in textwrap.wrap(text, WRAP, subsequent_indent="   ") or [""]:
            out.append((piece, heading))
    # The title and period are drawn as the page header, not repeated in the body.
    return out[3:] if len(out) > 3 else out


def _page() -> Figure:
    # A bare Figure, not pyplot: pyplot's global state is not safe off the main thread,
    # and the API renders PDFs in a worker thread.
    fig = Figure(figsize=A4)
    fig.patch.set_facecolor("white")
    return fig


def _put(fig: Figure, x: float, y: float, text: str, **style: object) -> None:
    # Positions in inches from the top-left corner are easier to reason about.
    fig.text(x / A4[0], 1 - y / A4[1], text, va="top", ha="left", **style)  # type: ignore[arg-type]


def weekly_pdf(report: WeeklyReport) -> bytes:
    """Page 1: header, chart and the first part of the text; more pages as the text needs."""
    f = report.figures
    lang = report.lang
    title = f"lacak · {t('report.title', lang)}"
    period = f"{day(f.period_start, lang)} – {day(f.period_end, lang)}"
    lines = report_lines(report)
    buffer = io.BytesIO()
    created = f.generated_at if isinstance(f.generated_at, datetime) else None
    meta = {
        "Title": f"{t('report.title', lang)} {period}",
        "Author": "lacak",
        "CreationDate": created,
    }
    with PdfPages(buffer, metadata=meta) as pdf:
        page_no = 1
        fig = _page()
        _put(fig, MARGIN, MARGIN, _printable(title), fontsize=17, fontweight="bold")
        _put(fig, MARGIN, MARGIN + 0.38, period, fontsize=10.5, color="#52606d")
        y = MARGIN + 0.75
        if report.chart_png:
            image = mpimg.imread(io.BytesIO(report.chart_png), format="png")
            height = (A4[0] - 2 * MARGIN) * image.shape[0] / image.shape[1]
            axes = fig.add_axes((MARGIN / A4[0], 1 - (y + height) / A4[1],
                                 1 - 2 * MARGIN / A4[0], height / A4[1]))  # fmt: skip
            axes.imshow(image, interpolation="antialiased")
            axes.axis("off")
            y += height + 0.25
        for text, heading in lines:
            # A heading never ends a page without at least two lines under it.
            if y + LINE * (3 if heading else 1) > A4[1] - MARGIN:
                _footer(fig, page_no)
                pdf.savefig(fig)
                page_no += 1
                fig = _page()
                y = MARGIN
            if text:
                style: dict[str, object] = {"fontsize": 9.5, "color": "#1f2933"}
                if heading:
                    style.update(fontsize=11, fontweight="bold")
                _put(fig, MARGIN, y, text, **style)
            y += LINE * (1.25 if heading else 1)
        _footer(fig, page_no)
        pdf.savefig(fig)
    return buffer.getvalue()


def _footer(fig: Figure, page_no: int) -> None:
    fig.text(0.5, MARGIN / 2 / A4[1], str(page_no), ha="center", fontsize=8, color="#9aa5b1")
