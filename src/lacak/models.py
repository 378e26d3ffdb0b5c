"""Imports every domain's tables so `Base.metadata` is complete (Alembic, tests)."""

from lacak.api import models as api_models
from lacak.backup import models as backup_models
from lacak.bot import models as bot_models
from lacak.db import Base
from lacak.messaging import models as messaging_models
from lacak.scheduler import models as scheduler_models
from lacak.signals import candle_models as signals_candle_models
from lacak.signals import models as signals_models
from lacak.signals import stats_models as signals_stats_models
from lacak.web import models as web_models
from lacak.workshop import models as workshop_models

__all__ = [
    "Base",
    "api_models",
    "backup_models",
    "bot_models",
    "messaging_models",
    "scheduler_models",
    "signals_candle_models",
    "signals_models",
    "signals_stats_models",
    "web_models",
    "workshop_models",
]
