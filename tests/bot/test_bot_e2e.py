"""The real python-telegram-bot application against a local fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from lacak.app import create_app
from lacak.bot.models import BotAuditEntry
from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.signals import service as signals_service
from lacak.signals.schemas import OutcomeIn, SignalIn
from tests.conftest import ADMIN, OTHER_ADMIN
from tests.fakes.telegram import FakeTelegram, Sent

STRANGER = 999


@pytest.fixture
async def running_app(
    telegram_settings: Settings, clock: Clock, db: Database
) -> AsyncIterator[FastAPI]:
    app = create_app(telegram_settings, clock=clock, db=db)
    async with app.router.lifespan_context(app):
        yield app


async def _closed_signals(db: Database, clock: Clock) -> None:
    """Three wins and one loss closed yesterday (business time)."""
    outcomes = [("WIN", 2.0), ("WIN", 3.0), ("WIN", 1.0), ("LOSS", -2.0)]
    async with session_scope(db) as session:
        for i, (result, pnl) in enumerate(outcomes):
            given = clock.now() - timedelta(days=2, hours=i)
            signal = await signals_service.create_signal(
                session,
                clock,
                SignalIn(
                    symbol="BTCUSDT",
                    timeframe="1h",
                    side="LONG",
                    entry=100,
                    tp1=102,
                    tp2=104,
                    sl=98,
                    user_id=1000 + i,
                    given_at=given,
                ),
            )
            closed = clock.now() - timedelta(days=1, hours=i)
            await signals_service.set_outcome(
                session,
                clock,
                signal.id,
                OutcomeIn(result=result, pnl_percent=pnl, closed_at=closed),
            )


def _texts(sent: list[Sent], chat: int) -> str:
    return "\n".join(s.text or "" for s in sent if s.chat_id == chat)


async def test_admin_winrate_gets_the_right_figures(
    running_app: FastAPI, telegram: FakeTelegram, db: Database, clock: Clock
) -> None:
    await _closed_signals(db, clock)
    telegram.push_command(ADMIN, "/winrate 7")
    sent = await telegram.wait_for(lambda s: any(m.chat_id == ADMIN for m in s))
    text = _texts(sent, ADMIN)
    assert "4 (3 W / 1 L)" in text
    assert "75,00%" in text  # Indonesian by default
    assert "+1,00%" in text  # average PnL (2+3+1-2)/4


async def test_signal_stats_names_the_pair_it_counted(
    running_app: FastAPI, telegram: FakeTelegram, db: Database, clock: Clock
) -> None:
    await _closed_signals(db, clock)
    telegram.push_command(ADMIN, "/signal_stats btc")
    sent = await telegram.wait_for(lambda s: any(m.chat_id == ADMIN for m in s))
    text = _texts(sent, ADMIN)
    # `btc` is read as BTCUSDT (as the dashboard and the CLI read it), and the header says so.
    assert text.startswith("<b>BTCUSDT</b>\n"), text
    assert "4 (3 W / 1 L)" in text


async def test_stranger_is_refused_and_audited(
    running_app: FastAPI, telegram: FakeTelegram, db: Database
) -> None:
    telegram.push_command(STRANGER, "/winrate 7", username="mallory")
    sent = await telegram.wait_for(lambda s: any(m.chat_id == STRANGER for m in s))
    assert [m.text for m in sent if m.chat_id == STRANGER] == [
        "Maaf, bot ini hanya untuk admin. Permintaan Anda sudah dicatat."
    ]
    async with session_scope(db) as session:
        entries = list(await session.scalars(select(BotAuditEntry)))
    assert [(e.user_id, e.username, e.allowed, e.command) for e in entries] == [
        (STRANGER, "mallory", False, "/winrate 7")
    ]


async def test_admin2_from_legacy_variables_is_an_admin(
    running_app: FastAPI, telegram: FakeTelegram
) -> None:
    telegram.push_command(OTHER_ADMIN, "/help")
    sent = await telegram.wait_for(lambda s: any(m.chat_id == OTHER_ADMIN for m in s))
    assert "/winrate" in _texts(sent, OTHER_ADMIN)


async def test_weekly_report_delivers_text_and_chart(
    running_app: FastAPI, telegram: FakeTelegram, db: Database, clock: Clock
) -> None:
    await _closed_signals(db, clock)
    telegram.push_command(ADMIN, "/weekly_report")
    sent = await telegram.wait_for(lambda s: any(m.method == "sendPhoto" for m in s))
    text = _texts(sent, ADMIN)
    assert "Laporan Mingguan" in text and "Analisis" in text
    photo = next(m for m in sent if m.method == "sendPhoto")
    assert photo.chat_id == ADMIN and photo.file_bytes is not None
    assert photo.file_bytes[:4] == b"\x89PNG"


async def test_bad_argument_gets_a_clear_answer(
    running_app: FastAPI, telegram: FakeTelegram
) -> None:
    telegram.push_command(ADMIN, "/winrate lots")
    sent = await telegram.wait_for(lambda s: any(m.chat_id == ADMIN for m in s))
    assert "1–3650" in _texts(sent, ADMIN) or "1 to 3650" in _texts(sent, ADMIN)


async def test_rate_limited_reply_is_retried(running_app: FastAPI, telegram: FakeTelegram) -> None:
    # Only the next sendMessage should fail; getUpdates polls keep going meanwhile.
    telegram.push_command(ADMIN, "/start")
    telegram.inject_for("sendMessage", "429", retry_after=1)
    sent = await telegram.wait_for(lambda s: any(m.chat_id == ADMIN for m in s), within=15)
    assert "lacak" in _texts(sent, ADMIN)
    attempts = [r for r in telegram.requests if r.path.endswith("/sendMessage")]
    assert len(attempts) == 2
