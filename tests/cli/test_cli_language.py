"""The CLI speaks LACAK_LANGUAGE (Indonesian by default) or `--lang`; numbers follow it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from lacak.cli import common, text
from lacak.cli.main import app
from lacak.config import get_settings
from tests.i18n.test_pages import ENGLISH, INDONESIAN

runner = CliRunner()
CSV = "nama,hp,no_pol,next_visit_date\nBudi,081234500001,B 1 OK,2026-12-01\n"
# Data in the output, not wording: paths, file names and URLs, `commands`, --options,
# identifiers, a|b choices.
DATA = re.compile(r"\S*[/\\|]\S*|\S+\.[A-Za-z]{2,5}\b\S*|`[^`]*`|--[\w-]+|\S*_\S*|\S*\d\S*")
WORD = re.compile(r"[^\W\d_]+")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SQLite file with the demo month, a backup of it and a workshop CSV."""
    place = tmp_path_factory.mktemp("lang")
    with pytest.MonkeyPatch.context() as mp:
        _point_at(mp, place, "en")
        assert runner.invoke(app, ["demo"]).exit_code == 0
        assert runner.invoke(app, ["backup", "run"]).exit_code == 0
    (place / "pelanggan.csv").write_text(CSV, encoding="utf-8")
    get_settings.cache_clear()
    yield place


def _point_at(mp: pytest.MonkeyPatch, place: Path, lang: str) -> None:
    mp.chdir(place)  # no developer .env is read
    mp.setenv("LACAK_VAR_DIR", str(place / "var"))
    mp.setenv("LACAK_DATABASE_URL", f"sqlite+aiosqlite:///{place / 'lacak.db'}")
    mp.setenv("LACAK_FAKE_NOW", "2026-11-20T20:00:00+07:00")
    mp.setenv("LACAK_LANGUAGE", lang)
    mp.delenv("LACAK_API_TOKEN", raising=False)
    get_settings.cache_clear()


@pytest.fixture
def wide() -> Iterator[None]:
    """Consoles wide enough that Rich never breaks a path or a word over two lines."""
    consoles = (common.console, common.err_console)
    widths = [c._width for c in consoles]
    for console in consoles:
        console.width = 400
    yield
    for console, width in zip(consoles, widths, strict=True):
        console._width = width


def _commands(place: Path) -> list[list[str]]:
    """Commands that only read, or redo what they did: safe to run in both languages."""
    backup_id = runner.invoke(app, ["backup", "list", "--ids"]).stdout.split()[0]
    return [
        ["doctor"], ["db", "current"], ["db", "upgrade"],
        ["signals", "stats", "--days", "7"], ["signals", "stats", "--symbol", "xyz"],
        ["signals", "repair"], ["signals", "evaluate", "--candles", str(place)],
        ["jobs", "run", "export_signal_logs"], ["jobs", "list"],
        ["reminders", "run", "--dry-run"], ["messages", "list", "--limit", "5"],
        ["security", "sessions"], ["security", "lockouts"],
        ["backup", "list"], ["backup", "key"], ["backup", "verify", backup_id],
        ["export", "signals", "--out", str(place / "signals.csv")],
        ["workshop", "import", str(place / "pelanggan.csv")],
        ["report", "weekly", "--week", "2026-11-09", "--out", str(place / "reports")],
        # One sentence for each kind of bad input.
        ["signals", "stats", "--from", "kemarin"], ["messages", "resend"],
        ["messages", "list", "--status", "lost"], ["report", "weekly", "--format", "pdf"],
        ["export", "signals", "--where", "oops"], ["security", "unlock"],
        ["security", "end-sessions", "nope"], ["backup", "auth", "dropbox"],
    ]  # fmt: skip


def _words(result: Result) -> set[str]:
    said = DATA.sub(" ", result.stdout + result.stderr)
    return {w.lower() for w in WORD.findall(said)}


def _run(mp: pytest.MonkeyPatch, place: Path, lang: str, args: list[str]) -> Result:
    _point_at(mp, place, lang)
    result = runner.invoke(app, args)
    assert "Traceback" not in result.output, (args, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), args
    return result


@pytest.mark.usefixtures("wide")
@pytest.mark.parametrize(("lang", "foreign"), [("id", ENGLISH), ("en", INDONESIAN)])
def test_every_command_speaks_one_language(
    home: Path, monkeypatch: pytest.MonkeyPatch, lang: str, foreign: set[str]
) -> None:
    _point_at(monkeypatch, home, lang)
    for args in _commands(home):
        result = _run(monkeypatch, home, lang, args)
        assert result.stdout + result.stderr, args
        assert _words(result) & foreign == set(), (args, result.stdout + result.stderr)


@pytest.mark.usefixtures("wide")
def test_indonesian_is_the_default_and_numbers_use_its_commas(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LACAK_LANGUAGE")
    _point_at(monkeypatch, home, "id")
    monkeypatch.delenv("LACAK_LANGUAGE")
    get_settings.cache_clear()
    stats = runner.invoke(app, ["signals", "stats", "--days", "7"])
    assert stats.exit_code == 0, stats.output
    assert "Sinyal — 7 hari terakhir (Asia/Jakarta)" in stats.stdout
    assert re.search(r"Winrate\s+│ \d+,\d\d% \(interval 95% ", stats.stdout), stats.stdout
    assert not re.search(r"\d\.\d\d%", stats.stdout)
    bad = runner.invoke(app, ["signals", "stats", "--from", "kemarin"])
    assert bad.exit_code == 1
    assert bad.stderr.strip() == (
        "error: --from 'kemarin' bukan tanggal; tulis TTTT-BB-HH, misalnya 2026-11-20."
    )
    english = runner.invoke(app, ["--lang", "en", "signals", "stats", "--days", "7"])
    assert "Signals — last 7 days (Asia/Jakarta)" in english.stdout
    assert re.search(r"Winrate\s+│ \d+\.\d\d% \(95% interval ", english.stdout), english.stdout


@pytest.mark.usefixtures("wide")
def test_wrapper_words_are_the_clis_and_the_services_sentence_stays(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _point_at(monkeypatch, home, "id")
    gone = runner.invoke(app, ["backup", "verify", "2020-01-01"])
    assert gone.exit_code == 1
    # "backup … tidak bisa dipakai" is the CLI's; what follows is lacak.backup's own sentence.
    assert gone.stderr.strip().startswith("error: backup 2020-01-01 tidak bisa dipakai: ")
    delete = runner.invoke(app, ["signals", "delete", "nope", "--reason", "salah ketik"])
    assert delete.stderr.startswith("error: No signal has the id 'nope'")
    bad = home / "rusak.csv"
    bad.write_text("nama,hp,no_pol\nBudi,081234500001,B 1 OK\nAni,12,B 2 OK\n", encoding="utf-8")
    imported = runner.invoke(app, ["workshop", "import", str(bad)])
    assert imported.exit_code == 0, imported.output
    assert "rusak.csv: 2 baris, 1 diimpor, 1 ditolak" in imported.stdout
    assert "dibaca sebagai CSV, UTF-8, dipisah koma" in imported.stdout
    # Where the row is, in the CLI's words; why it was refused, in the importer's.
    assert "\n  baris 3, kolom hp: the phone number '12' is not" in imported.stdout


def test_lang_option_and_its_mistakes(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _point_at(monkeypatch, home, "id")
    assert "Database is at revision" in runner.invoke(app, ["--lang", "en", "db", "upgrade"]).stdout
    # The option lasts one run: the next command speaks LACAK_LANGUAGE again.
    assert "Basis data ada di revisi" in runner.invoke(app, ["db", "upgrade"]).stdout
    wrong = runner.invoke(app, ["--lang", "fr", "db", "current"])
    assert wrong.exit_code == 2
    assert wrong.stderr.strip() == "error: --lang harus id atau en, bukan 'fr'."
    # `report weekly --lang` picks the report's language and the lines around it.
    out = home / "weekly-en"
    report = runner.invoke(app, ["report", "weekly", "--lang", "en", "--out", str(out)])
    assert report.exit_code == 0, report.output
    assert "Weekly Report" in report.stdout and "\nSaved: " in report.stdout


def test_an_invalid_setting_is_said_in_the_language_of_the_environment(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _point_at(monkeypatch, home, "id")
    monkeypatch.setenv("LACAK_TIMEZONE", "Asia/Jakarta")
    monkeypatch.setenv("LACAK_JOB_HISTORY_DAYS", "-5")  # refused by the settings
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: Konfigurasi tidak valid:")
    assert text.lang() == "id"  # read from LACAK_LANGUAGE itself, the settings being invalid
    monkeypatch.setenv("LACAK_LANGUAGE", "en")
    assert text.lang() == "en"


def test_the_dash_is_the_catalogs() -> None:
    from lacak import i18n

    assert text.DASH == i18n.DASH
    text.choose("id")
    assert text.pct(62.5) == "62,5%" and text.num(None) == text.DASH
    text.choose("en")
    assert text.join(["a", "b", "c"]) == "a, b and c" and text.join(["a"]) == "a"
    assert text.size(1572864) == "1.5 MB" and text.seconds(2.5) == "2.5 s"


def test_the_last_line_of_defence_speaks_indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from lacak.cli.errors import describe
    from lacak.errors import Invalid

    monkeypatch.setenv("LACAK_LANGUAGE", "id")
    get_settings.cache_clear()
    assert describe(FileNotFoundError(2, "No such file", "/x/y.csv")) == (
        "file atau folder tidak ditemukan: /x/y.csv"
    )
    odd = describe(OverflowError("date value out of range"))
    assert odd.startswith("kesalahan tak terduga (OverflowError: date value out of range); ")
    locked = OperationalError("COMMIT", None, sqlite3.OperationalError("database is locked"))
    assert describe(locked).startswith("basis data tidak terjangkau atau sedang sibuk (")
    missing = ModuleNotFoundError("No module named 'uvicorn'", name="uvicorn")
    assert describe(missing) == (
        "Perintah ini memerlukan lacak[server] (uvicorn belum terpasang): "
        "pip install 'lacak[server]'"
    )
    # A service's sentence is its own (English, as the API says it).
    assert describe(Invalid("Symbol 'x' is not valid.")) == "Symbol 'x' is not valid."
