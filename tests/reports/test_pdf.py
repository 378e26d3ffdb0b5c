"""The weekly report as PDF: a real PDF from matplotlib, over HTTP and from the CLI."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from lacak.cli.main import app
from lacak.config import get_settings
from lacak.reports.chart import weekly_chart_png
from lacak.reports.pdf import report_lines, weekly_pdf
from lacak.reports.render import split_message, telegram_text
from lacak.reports.service import WeeklyReport
from tests.reports.factories import figures


def _report(lang: str = "en") -> WeeklyReport:
    f = figures()
    return WeeklyReport(
        figures=f, lang=lang,  # type: ignore[arg-type]
        chunks=split_message(telegram_text(f, lang, "Asia/Jakarta")),  # type: ignore[arg-type]
        chart_png=weekly_chart_png(f, lang),  # type: ignore[arg-type]
        html="",
    )  # fmt: skip


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_pdf_has_the_text_and_the_chart() -> None:
    report = _report()
    pdf = weekly_pdf(report)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert _pages(pdf) >= 1
    assert b"/Subtype /Image" in pdf  # the chart
    lines = [text for text, _ in report_lines(report)]
    assert ("Signals", True) in report_lines(report)
    assert any(line.startswith("Winrate: 63.33%") for line in lines)
    assert not any("<b>" in line or "📊" in line for line in lines)


def test_long_report_continues_on_more_pages() -> None:
    report = _report()
    long = WeeklyReport(
        figures=report.figures, lang="en", chunks=["\n".join(f"line {i}" for i in range(200))],
        chart_png=report.chart_png, html="",
    )  # fmt: skip
    assert _pages(weekly_pdf(long)) >= 4


async def test_endpoint(client: httpx.AsyncClient) -> None:
    response = await client.get("/reports/weekly?format=pdf&lang=id")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "weekly-2026-11-09-id.pdf" in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF-")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI runner on a private SQLite file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LACAK_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LACAK_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'lacak.db'}")
    monkeypatch.setenv("LACAK_FAKE_NOW", "2026-11-20T20:00:00+07:00")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_cli_pdf(cli: CliRunner, tmp_path: Path) -> None:
    assert cli.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = cli.invoke(app, ["report", "weekly", "--pdf", "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "r" / "weekly-2026-11-09-id.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
