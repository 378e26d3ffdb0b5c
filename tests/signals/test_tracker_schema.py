"""Tracker without lacak's schema: events are held (never dropped), the reason is said once,
reads give a sentence, and everything lands once the database is upgraded."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from lacak import compat, migrate
from lacak.errors import Invalid
from lacak.signals.tracker import Tracker, TrackerNotReady

HEAD = "0011_dashboard_sessions"


def _file_url(tmp_path: Path, name: str = "bot.db") -> tuple[str, Path]:
    # The plain form a bot author copies from a tutorial; lacak maps it to aiosqlite.
    path = tmp_path / name
    return f"sqlite:///{path}", path


def _messages(caplog: pytest.LogCaptureFixture, word: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if word in r.getMessage()]


def _track_some(tracker: Tracker) -> str:
    for i in range(5):
        tracker.track_command(i, f"u{i}", "/analyze", "BTC", "1h")
    sid = tracker.record_signal(1, "BTCUSDT", "1h", 100.0, 104.0, 108.0, 97.0)
    assert sid is not None
    assert tracker.record_outcome(sid, "WIN", 4.0)
    return sid


def test_no_schema_holds_events_until_upgrade_then_writes_all(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="lacak.tracker")
    url, _ = _file_url(tmp_path)
    tracker = Tracker(url, flush_interval=3600, auto_migrate=False)
    try:
        _track_some(tracker)
        # Answered at once (False), not after the timeout: waiting cannot create tables.
        assert tracker.flush(30) is False
        c = tracker.counters
        assert tracker.pending == 7
        assert (c.prompts, c.signals, c.outcomes, c.dropped) == (0, 0, 0, 0)
        assert c.held_because is not None
        assert "no lacak tables" in c.held_because and "lacak db upgrade" in c.held_because
        with pytest.raises(TrackerNotReady, match="lacak db upgrade") as raised:
            tracker.winrate()
        assert "no such table" not in str(raised.value)
        assert tracker.flush(30) is False
        held = _messages(caplog, "holding")
        assert len(held) == 1, held  # said once, not on every check
        assert "no lacak tables" in held[0] and "lacak db upgrade" in held[0]

        migrate.upgrade(url)
        assert tracker.flush(30) is True
        assert c.held_because is None
        assert (c.prompts, c.signals, c.outcomes, c.dropped) == (5, 1, 1, 0)
        assert tracker.winrate() == 100.0
        assert _messages(caplog, "is ready; writing 7 held event(s)")
    finally:
        tracker.close()


def test_older_schema_names_both_revisions(tmp_path: Path) -> None:
    url, _ = _file_url(tmp_path)
    migrate.upgrade(url, "0009_signal_deletions")
    with Tracker(url, flush_interval=3600, auto_migrate=False) as tracker:
        tracker.track_command(1, "a", "/start")
        assert tracker.flush(30) is False
        held = tracker.counters.held_because or ""
        assert "0009_signal_deletions" in held and HEAD in held
        migrate.upgrade(url)
        assert tracker.flush(30) is True
        assert tracker.counters.prompts == 1


def test_failed_auto_migration_is_retried_and_nothing_is_lost(tmp_path: Path) -> None:
    url, path = _file_url(tmp_path)
    migrate.upgrade(url, "0010_messaging_in_doubt")
    # A stray table where the next migration creates its first one makes it fail.
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE dashboard_sessions (x INTEGER)")
    with Tracker(url, flush_interval=3600, auto_migrate=True) as tracker:
        _track_some(tracker)
        assert tracker.flush(30) is False
        held = tracker.counters.held_because or ""
        assert "migrating it automatically failed" in held and "dashboard_sessions" in held
        assert tracker.counters.dropped == 0
        with sqlite3.connect(path) as conn:
            conn.execute("DROP TABLE dashboard_sessions")
        assert tracker.flush(30) is True  # the next check migrates again, and succeeds
        c = tracker.counters
        assert (c.prompts, c.signals, c.outcomes, c.dropped) == (5, 1, 1, 0)


def test_table_dropped_under_a_running_writer_holds_instead_of_dropping(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="lacak.tracker")
    url, path = _file_url(tmp_path)
    migrate.upgrade(url)
    with Tracker(url, flush_interval=3600, auto_migrate=False) as tracker:
        tracker.track_command(1, "a", "/start")
        assert tracker.flush(30) is True
        with sqlite3.connect(path) as conn:
            ddl = [
                r[0]
                for r in conn.execute(
                    "SELECT sql FROM sqlite_master WHERE tbl_name = 'prompts' AND sql IS NOT NULL"
                    " ORDER BY type DESC"
                )
            ]
            conn.execute("DROP TABLE prompts")
        tracker.track_command(2, "b", "/price")
        tracker.track_command(3, "c", "/price")
        assert tracker.flush(30) is False
        c = tracker.counters
        assert (tracker.pending, c.dropped) == (2, 0)
        assert "table or column is missing" in (c.held_because or "")
        assert not _messages(caplog, "permanent error")
        with sqlite3.connect(path) as conn:
            for statement in ddl:  # the table first ("table" sorts after "index")
                conn.execute(statement)
        assert tracker.flush(30) is True
        assert (c.prompts, c.dropped, c.held_because) == (3, 0, None)


def test_newer_schema_is_written_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="lacak.tracker")
    url, path = _file_url(tmp_path)
    migrate.upgrade(url)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_a_newer_lacak'")
    with Tracker(url, flush_interval=3600, auto_migrate=False) as tracker:
        tracker.track_command(1, "a", "/start")
        assert tracker.flush(30) is True
        assert tracker.counters.prompts == 1
    assert _messages(caplog, "newer than this lacak")


def test_close_while_held_says_why_events_were_lost(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="lacak.tracker")
    url, _ = _file_url(tmp_path)
    tracker = Tracker(url, flush_interval=3600, auto_migrate=False)
    tracker.track_command(1, "a", "/start")
    tracker.track_command(2, "b", "/start")
    assert tracker.close(30) is False
    assert tracker.counters.dropped == 2
    closed = _messages(caplog, "closed with 2 event(s) not written")
    assert closed and "lacak db upgrade" in closed[0]


def test_reads_on_an_empty_database_give_a_sentence(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url, _ = _file_url(tmp_path)
    tracker = Tracker(url, flush_interval=3600, auto_migrate=False)
    old = compat.set_default_tracker(tracker)
    try:
        with pytest.raises(TrackerNotReady, match="lacak db upgrade"):
            tracker.winrate()
        caplog.set_level(logging.ERROR, logger="lacak.tracker")
        assert compat.get_current_winrate() == dict.fromkeys(
            ("total_signals", "wins", "losses", "winrate", "avg_pnl"), 0
        )
        failed = [r for r in caplog.records if "reading the winrate failed" in r.getMessage()]
        assert len(failed) == 1 and failed[0].exc_info is None  # one line, no traceback
        assert "lacak db upgrade" in failed[0].getMessage()
    finally:
        compat.set_default_tracker(old)
        tracker.close()


def test_closed_tracker_read_is_a_sentence(tmp_path: Path) -> None:
    url, _ = _file_url(tmp_path)
    migrate.upgrade(url)
    tracker = Tracker(url, auto_migrate=False)
    assert tracker.close()
    with pytest.raises(TrackerNotReady, match="closed"):
        tracker.summary()


def test_unknown_scheme_is_refused_with_the_accepted_forms() -> None:
    with pytest.raises(Invalid) as refused:
        Tracker("mysql://bot:s3cret@db.example/lacak")
    message = refused.value.detail
    assert "mysql://" in message and "sqlite:///" in message and "postgresql://" in message
    assert "s3cret" not in message


def test_plain_sqlite_url_is_mapped_to_the_async_driver(tmp_path: Path) -> None:
    url, path = _file_url(tmp_path)
    with Tracker(url, auto_migrate=True) as tracker:
        assert tracker.database_url == f"sqlite+aiosqlite:///{path}"
        tracker.track_command(1, "a", "/start")
        assert tracker.flush(30) is True
    assert tracker.counters.prompts == 1
