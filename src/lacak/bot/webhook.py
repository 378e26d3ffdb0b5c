"""`POST /webhooks/telegram`: updates pushed by Telegram in webhook mode (secret-checked)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from telegram import Update

from lacak.api.throttle import AuthGate
from lacak.bot.runtime import STATE_KEY

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/telegram", include_in_schema=False)
async def telegram_update(request: Request) -> dict[str, Any]:
    """Verify Telegram's secret header and hand the update to the bot."""
    application = getattr(request.app.state, STATE_KEY, None)
    settings = request.app.state.settings
    if application is None or settings.telegram_mode != "webhook":
        raise HTTPException(404, "The Telegram bot is not running in webhook mode.")
    expected = settings.telegram_webhook_secret
    given = request.headers.get("x-telegram-bot-api-secret-token", "")
    # The secret is a static token: guessing it is throttled like a bearer token.
    gate: AuthGate = request.app.state.auth_gate
    if expected is None or not await gate.check(request, given, expected.get_secret_value()):
        raise HTTPException(403, "The Telegram secret token is missing or wrong.")
    update = Update.de_json(await request.json(), application.bot)
    await application.process_update(update)
    return {"ok": True}
