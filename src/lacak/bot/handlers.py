"""Admin commands: each parses its arguments, calls a shared service, formats the answer."""

from __future__ import annotations

import html
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from lacak.bot import texts
from lacak.bot.context import BotDeps, deps_of
from lacak.db import session_scope
from lacak.i18n import t
from lacak.scheduler import service as scheduler_service
from lacak.signals import stats as signals_stats
from lacak.signals.stats_schemas import StatsQuery
from lacak.signals.validation import symbol_filter

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
SessionHandler = Callable[
    [Update, ContextTypes.DEFAULT_TYPE, BotDeps, AsyncSession], Coroutine[Any, Any, None]
]
MAX_DAYS = 3650


def with_session(func: SessionHandler) -> Handler:
    """Give a handler the deps and one transaction, committed when it returns."""

    @wraps(func)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        deps = deps_of(context)
        async with session_scope(deps.db) as session:
            await func(update, context, deps, session)

    return wrapper


async def reply(update: Update, text: str) -> None:
    """Answer in the chat the command came from, as Telegram HTML."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
        )


def parse_days(args: list[str], default: int | None) -> int | None:
    """The first argument as a number of days; ValueError when it is not one."""
    if not args:
        return default
    days = int(args[0])
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(days)
    return days


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: greet."""
    await reply(update, t("bot.welcome", deps_of(context).lang))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: list the commands."""
    await reply(update, t("bot.help", deps_of(context).lang))


@with_session
async def winrate(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deps: BotDeps, session: AsyncSession
) -> None:
    """/winrate [days]: winrate and PnL over the last N days (7 by default)."""
    try:
        days = parse_days(context.args or [], 7)
    except ValueError:
        await reply(update, t("bot.bad_days", deps.lang))
        return
    stats = await signals_stats.signal_stats(session, deps.clock, StatsQuery(days=days))
    await reply(update, texts.winrate_text(stats, days, deps.lang))


@with_session
async def signal_stats(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deps: BotDeps, session: AsyncSession
) -> None:
    """/signal_stats [days|symbol]: full figures, for a window or one symbol (all time)."""
    args = context.args or []
    days: int | None = None
    symbol: str | None = None
    if args:
        if args[0].isdigit():
            try:
                days = parse_days(args, None)
            except ValueError:
                await reply(update, t("bot.bad_days", deps.lang))
                return
        else:
            # As the dashboard and the CLI read it: `BTC` means BTCUSDT, and the header says so.
            symbol = symbol_filter(args[0])
            if symbol is None:
                await reply(update, t("bot.bad_symbol", deps.lang, arg=html.escape(args[0][:40])))
                return
    query = StatsQuery(days=days, symbol=symbol, min_sample=deps.settings.stats_min_sample)
    stats = await signals_stats.signal_stats(session, deps.clock, query)
    text = texts.stats_text(stats, days, deps.lang)
    await reply(update, f"<b>{symbol}</b>\n{text}" if symbol else text)


@with_session
async def jobs(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deps: BotDeps, session: AsyncSession
) -> None:
    """/jobs: every scheduled job with its next and last run."""
    listed = await scheduler_service.list_jobs(session, settings=deps.settings, clock=deps.clock)
    await reply(update, texts.jobs_text(listed, deps.lang, deps.clock.tz))
