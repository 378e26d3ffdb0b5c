"""Pydantic shapes for the backup API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lacak.api.params import SchemaExtra


class BackupRunOut(BaseModel):
    """One recorded backup attempt."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    backup_id: str = Field(description="Business date the backup is for (YYYY-MM-DD)")
    target: str
    location: str | None
    size_bytes: int | None
    duration_seconds: float | None
    files: int | None = Field(description="Files in the archive, manifest included")
    status: str = Field(description="ok | failed")
    error: str | None
    sha256: str | None = Field(description="SHA-256 of the archive")
    deleted: int = Field(description="Old backups removed by retention after this one")
    trigger: str = Field(description="manual | api | schedule")
    created_at: datetime


# What `_named_targets_only` lets through, for the OpenAPI document.
TARGET_PATTERN = r"^(?:local|gdrive(?::[\s\S]*)?)$"


class BackupRequest(BaseModel):
    """Body of POST /backups (optional)."""

    target: Annotated[str, SchemaExtra(pattern=TARGET_PATTERN)] | None = Field(
        None,
        description='"local", "gdrive" or "gdrive:ROOT"; default LACAK_BACKUP_TARGET. '
        "Folder paths are accepted only by the CLI (`lacak backup run --target DIR`).",
    )

    @field_validator("target")
    @classmethod
    def _named_targets_only(cls, value: str | None) -> str | None:
        # An API caller must not choose where on the server's disk archives are written.
        if value is None or value in ("local", "gdrive") or value.startswith("gdrive:"):
            return value
        raise ValueError(
            f"target {value[:60]!r} is not allowed here: use local, gdrive or gdrive:FOLDER "
            "(folder paths only with `lacak backup run --target`)"
        )
