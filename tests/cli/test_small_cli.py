"""`signals stats --symbol` in any spelling, `report weekly` as text, `jobs list` in 80 columns."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from lacak.cli import common, report
from lacak.cli.main import app
from lacak.config import get_settings

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SQLite file holding the demo month, ending at a fixed "now"."""
    home = tmp_path_factory.mktemp("cli")
    with pytest.MonkeyPatch.context() as mp:
        _point_at(mp, home)
        loaded = runner.invoke(app, ["demo"])
        assert loaded.exit_code == 0, loaded.output
    get_settings.cache_clear()
    yield home


def _point_at(mp: pytest.MonkeyPatch, home: Path) -> None:
    mp.chdir(home)  # no developer .env is read
    mp.setenv("LACAK_VAR_DIR", str(home / "var"))
    mp.setenv("LACAK_DATABASE_URL", f"sqlite+aiosqlite:///{home / 'lacak.db'}")
    mp.setenv("LACAK_FAKE_NOW", "2026-11-20T20:00:00+07:00")
    mp.delenv("LACAK_API_TOKEN", raising=False)
    get_settings.cache_clear()


@pytest.fixture
def cli(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The CLI pointed at the demo database."""
    _point_at(monkeypatch, demo_home)
    yield demo_home
    get_settings.cache_clear()


def _stats(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["signals", "stats", "--days", "7", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_symbol_filter_takes_every_spelling_of_a_pair(cli: Path) -> None:
    docs = {spelling: _stats("--symbol", spelling) for spelling in
            ("BTCUSDT", "BTC", "btc", "BTC/USDT", "btcusdt", "BTC-USDT", " btc_usdt ")}  # fmt: skip
    reference = docs["BTCUSDT"]
    assert reference["filters"] == {"symbol": "BTCUSDT"}
    assert int(reference["closed"]) > 0  # type: ignore[call-overload]
    for spelling, doc in docs.items():
        assert doc == reference, spelling
    everything = _stats()
    assert int(everything["closed"]) > int(reference["closed"])  # type: ignore[call-overload]


def test_a_filter_that_matches_nothing_says_so(cli: Path) -> None:
    result = runner.invoke(app, ["signals", "stats", "--days", "7", "--symbol", "xyz"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "No signals match symbol XYZUSDT in the last 7 days."
    two = runner.invoke(app, ["signals", "stats", "--symbol", "BTC", "--timeframe", "1w"])
    assert two.stdout.strip() == "No signals match symbol BTCUSDT, timeframe 1w."
    dated = runner.invoke(app, ["signals", "stats", "--from", "2026-11-01", "--symbol", "ETH/BTC"])
    assert dated.stdout.strip() == "No signals match symbol ETHBTC from 1 Nov 2026 to now."
    # Matches: the table, not the sentence.
    found = runner.invoke(app, ["signals", "stats", "--days", "7", "--symbol", "BTC"])
    assert "No signals match" not in found.stdout and "Winrate" in found.stdout
    assert "filters: symbol=BTCUSDT" in found.stdout


def test_a_bad_symbol_is_one_sentence(cli: Path) -> None:
    result = runner.invoke(app, ["signals", "stats", "--symbol", "!!"])
    assert result.exit_code == 1
    assert "symbol '!!' is not valid" in result.stderr


def test_weekly_report_prints_plain_text_unless_html_is_asked(cli: Path, tmp_path: Path) -> None:
    text = runner.invoke(app, ["report", "weekly", "--week", "2026-11-09", "--out", str(tmp_path)])
    assert text.exit_code == 0, text.output
    html = runner.invoke(
        app,
        ["report", "weekly", "--week", "2026-11-09", "--out", str(tmp_path), "-f", "html"],
    )
    assert html.exit_code == 0, html.output
    assert "<b>" in html.stdout
    assert "<" not in text.stdout.split("\nSaved:")[0] and "&amp;" not in text.stdout
    assert report.plain(html.stdout.split("\nSaved:")[0]) == text.stdout.split("\nSaved:")[0]
    bad = runner.invoke(app, ["report", "weekly", "--format", "pdf"])
    assert bad.exit_code == 1 and "--format must be one of text|html, not 'pdf'" in bad.stderr


def test_plain_drops_tags_and_decodes_entities() -> None:
    telegram = "<b>📊 Laporan</b>\nR&amp;D &lt;test&gt; <i>x</i> · 5 &gt; 3"
    assert report.plain(telegram) == "📊 Laporan\nR&D <test> x · 5 > 3"


def test_jobs_list_fits_80_columns(cli: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran = runner.invoke(app, ["jobs", "run", "export_signal_logs"])
    assert ran.exit_code == 0, ran.output
    screen = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=screen, width=80))
    listed = runner.invoke(app, ["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    lines = screen.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80, "\n".join(lines)
    row = next(line for line in lines if "export_signal_logs" in line and "succeeded" in line)
    assert "55 23 * * *" in row and "20 Nov 20:" in row  # last run: day, month and time
    results = lines[lines.index("Last results:") + 1 :]
    # Summary keys worded, the day as a date of the language.
    assert results[0].startswith("  export_signal_logs: Day: 20 Nov 2026, Folder: ")
    assert all(line.startswith("    ") for line in results[1:]), results
