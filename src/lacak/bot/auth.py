"""The admin gate: runs before every handler; strangers get a polite no and an audit entry."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from lacak.bot import service as bot_service
from lacak.bot.context import deps_of
from lacak.db import session_scope
from lacak.i18n import t

log = logging.getLogger(__name__)


async def admin_gate(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let admins through; refuse and stop everyone else."""
    if not isinstance(update, Update):
        return
    deps = deps_of(context)
    user = update.effective_user
    chat = update.effective_chat
    message = update.effective_message
    user_id = user.id if user else None
    allowed = bot_service.is_admin(deps.settings, user_id)
    async with session_scope(deps.db) as session:
        await bot_service.audit(
            session,
            at=deps.clock.now(),
            user_id=user_id,
            username=user.username if user else None,
            chat_id=chat.id if chat else None,
            command=message.text if message and message.text else None,
            allowed=allowed,
        )
    if allowed:
        return
    log.warning("refused bot update from user %s", user_id)
    if message is not None:
        await message.reply_text(t("bot.refusal", deps.lang))
    raise ApplicationHandlerStop
