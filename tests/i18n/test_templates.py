"""Templates write no words of their own: every visible word comes through the catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.i18n.sources import SRC, templates
from tests.i18n.textscan import template_literals, visible_text, words

# Names and abbreviations that read the same in both languages (docs/i18n.md, glossary).
ALLOWED = frozenset(
    {"lacak", "PnL", "TP1", "TP2", "SL", "TF", "W", "L", "ID", "CSV", "XLSX", "BTCUSDT"}
)


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(SRC)))
def test_template_has_no_literal_words(path: Path) -> None:
    stray = [w for w in words(template_literals(path)) if w not in ALLOWED]
    assert stray == [], f"{path.name}: put these in src/lacak/i18n/phrases.toml"


def test_weekly_report_template_is_scanned() -> None:
    names = {p.name for p in templates()}
    assert {"weekly.html", "base.html", "signals.html", "workshop.html"} <= names


def test_the_scan_sees_text_and_reader_attributes_only() -> None:
    html = (
        '<p class="error">Hello <b>you</b></p><style>p { color: red }</style>'
        '<input placeholder="Type here" name="q"><td data-label="Entry">1</td>'
    )
    assert words(visible_text(html)) == ["Hello", "you", "Type", "here", "Entry"]


def test_the_scan_catches_a_word_written_into_a_template(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<tr><th>Symbol</th><th>{{ t('stat.side') }}</th>"
        '<td title="{{ x }}" data-label="Entry">{% if y %}{{ y }}{% endif %} PnL</td></tr>',
        encoding="utf-8",
    )
    assert [w for w in words(template_literals(page)) if w not in ALLOWED] == ["Symbol", "Entry"]
