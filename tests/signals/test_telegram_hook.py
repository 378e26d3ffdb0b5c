"""python-telegram-bot hook: real Application, real Update payloads, prompts in the DB."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from lacak.db import Database
from lacak.signals.models import Prompt
from lacak.signals.telegram import install_command_tracking, parse_command
from lacak.signals.tracker import Tracker

App = Application[Any, Any, Any, Any, Any, Any]
BOT_USER = {"id": 123, "is_bot": True, "first_name": "Signal Bot", "username": "MyBot"}


def _bot_api(request: httpx.Request) -> httpx.Response:
    """Answers like the Telegram Bot API: getMe returns the bot, anything else `true`."""
    method = request.url.path.rsplit("/", 1)[-1]
    result: Any = BOT_USER if method == "getMe" else True
    return httpx.Response(200, json={"ok": True, "result": result})


def _request() -> HTTPXRequest:
    return HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(_bot_api)})


@pytest.fixture
async def app_and_tracker(db: Database) -> AsyncIterator[tuple[App, Tracker, list[str]]]:
    """An initialised Application with the hook and one ordinary command handler."""
    app = (
        ApplicationBuilder()
        .token("123:ABC")
        .updater(None)
        .request(_request())
        .get_updates_request(_request())
        .build()
    )
    handled: list[str] = []

    async def analyze(update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        handled.append(update.message.text)

    app.add_handler(CommandHandler("analyze", analyze))
    tracker = Tracker(db.url, flush_interval=0.05, auto_migrate=False)
    install_command_tracking(app, tracker)
    await app.initialize()
    try:
        yield app, tracker, handled
    finally:
        await app.shutdown()
        await tracker.aclose()


def _update(
    update_id: int, text: str, *, user_id: int = 7, username: str | None = "alice"
) -> dict[str, Any]:
    sender: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "A"}
    if username:
        sender["username"] = username
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": 1795000000,
        "chat": {"id": -1001, "type": "supergroup", "title": "signals"},
        "from": sender,
        "text": text,
    }
    if text.startswith("/"):
        length = len(text.split()[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": update_id, "message": message}


async def test_every_command_is_recorded_and_handlers_still_run(
    app_and_tracker: tuple[App, Tracker, list[str]],
    db: Database,
) -> None:
    app, tracker, handled = app_and_tracker
    payloads = [
        _update(1, "/analyze BTC 1h"),
        _update(2, "/analyze@MyBot btcusdt 4H", user_id=8, username=None),
        _update(3, "/start"),
        _update(4, "hello there"),
        _update(5, "/alert 65000 eth/usdt"),
    ]
    for payload in payloads:
        # A JSON round trip, as the payload would arrive from a webhook.
        update = Update.de_json(json.loads(json.dumps(payload)), app.bot)
        await app.process_update(update)
    assert handled == ["/analyze BTC 1h", "/analyze@MyBot btcusdt 4H"]
    assert await tracker.aflush(10)
    async with db.sessionmaker() as s:
        rows = (await s.scalars(select(Prompt).order_by(Prompt.id))).all()
    assert [(r.user_id, r.username, r.command, r.symbol, r.timeframe) for r in rows] == [
        (7, "alice", "/analyze", "BTC", "1h"),
        (8, None, "/analyze", "BTCUSDT", "4h"),
        (7, "alice", "/start", None, None),
        (7, "alice", "/alert", "ETHUSDT", None),
    ]
    assert rows[0].chat_id == -1001 and rows[1].args == "btcusdt 4H"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/analyze BTC 1h", ("/analyze", "BTC", "1h")),
        ("/Analyze@MyBot 1D sol", ("/analyze", "SOL", "1d")),
        ("/futures xrp", ("/futures", "XRP", None)),
        ("/price", ("/price", None, None)),
        ("/alert 65000 12h", ("/alert", None, "12h")),
    ],
)
def test_parse_command(text: str, expected: tuple[str, str | None, str | None]) -> None:
    parsed = parse_command(text)
    assert parsed is not None
    assert (parsed.command, parsed.symbol, parsed.timeframe) == expected


def test_parse_command_ignores_plain_text() -> None:
    assert parse_command("hello") is None
    assert parse_command("") is None
    assert parse_command(None) is None
    assert parse_command("/") is None
