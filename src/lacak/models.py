"""Imports every domain's tables so `Base.metadata` is complete (Alembic, tests)."""

from lacak.db import Base
from lacak.signals import models as signals_models

__all__ = ["Base", "signals_models"]
