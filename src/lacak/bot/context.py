"""What handlers need from the host app, kept in `application.bot_data`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, ContextTypes

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database

KEY = "lacak"


@dataclass(frozen=True)
class BotDeps:
    """Settings, clock and database shared by every handler."""

    settings: Settings
    clock: Clock
    db: Database

    @property
    def lang(self) -> str:
        """Language of replies."""
        return self.settings.language


def attach(application: Application[Any, Any, Any, Any, Any, Any], deps: BotDeps) -> None:
    """Make `deps` reachable from every handler."""
    application.bot_data[KEY] = deps


def deps_of(context: ContextTypes.DEFAULT_TYPE) -> BotDeps:
    """The deps attached to the running application."""
    return context.application.bot_data[KEY]
