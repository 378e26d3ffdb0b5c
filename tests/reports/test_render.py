"""Telegram HTML, splitting, the standalone page and the chart."""

from __future__ import annotations

from lacak.reports.chart import weekly_chart_png
from lacak.reports.render import TELEGRAM_LIMIT, html_page, split_message, telegram_text
from tests.reports.factories import figures

TZ = "Asia/Jakarta"


def test_telegram_text_has_every_section_in_indonesian() -> None:
    text = telegram_text(figures(), "id", TZ)
    for phrase in (
        "Laporan Mingguan",
        "Senin, 9 November 2026",
        "Winrate: <b>63,33%</b>",
        "Aktivitas Pengguna",
        "Pengingat Servis",
        "Analisis",
    ):
        assert phrase in text


def test_english_on_request() -> None:
    text = telegram_text(figures(), "en", TZ)
    assert "Weekly Report" in text and "Winrate: <b>63.33%</b>" in text


def test_user_text_is_escaped() -> None:
    week = figures()
    week.activity.top_commands = [("/x<script>", 3)]
    assert "/x&lt;script&gt;" in telegram_text(week, "en", TZ)


def test_split_keeps_lines_whole_and_under_limit() -> None:
    lines = [f"line {i} " + "x" * 90 for i in range(200)]
    chunks = split_message("\n".join(lines))
    assert len(chunks) > 1
    assert all(len(c) <= TELEGRAM_LIMIT for c in chunks)
    assert "\n".join(chunks).split("\n") == lines


def test_split_cuts_a_giant_line() -> None:
    chunks = split_message("a" * (TELEGRAM_LIMIT * 2 + 5))
    assert [len(c) for c in chunks] == [TELEGRAM_LIMIT, TELEGRAM_LIMIT, 5]


def test_html_page_is_standalone() -> None:
    page = html_page(figures(), "en", TZ, "data:image/png;base64,AAAA")
    assert page.startswith("<!doctype html>")
    assert "http://" not in page and "https://" not in page
    assert "DOGEUSDT" in page


def test_chart_is_a_png() -> None:
    png = weekly_chart_png(figures(), "id")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
