"""Settings: every knob in one place, read from the environment and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_VAR_DIR = Path("var")


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """All of lacak's configuration; env names are a public contract (see .env.example)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # --- core -------------------------------------------------------------------------
    var_dir: Path = Field(DEFAULT_VAR_DIR, validation_alias=_alias("LACAK_VAR_DIR"))
    database_url: str = Field("", validation_alias=_alias("LACAK_DATABASE_URL"))
    timezone: str = Field("Asia/Jakarta", validation_alias=_alias("LACAK_TIMEZONE"))
    language: Literal["id", "en"] = Field("id", validation_alias=_alias("LACAK_LANGUAGE"))
    api_token: SecretStr | None = Field(None, validation_alias=_alias("LACAK_API_TOKEN"))
    host: str = Field("127.0.0.1", validation_alias=_alias("LACAK_HOST"))
    port: int = Field(8000, validation_alias=_alias("LACAK_PORT"))
    log_level: str = Field("INFO", validation_alias=_alias("LACAK_LOG_LEVEL"))
    # Set to false on extra web-only processes if you want; the advisory lock makes it safe
    # to leave on everywhere.
    scheduler_enabled: bool = Field(True, validation_alias=_alias("LACAK_SCHEDULER_ENABLED"))
    job_grace_seconds: int = Field(3600, validation_alias=_alias("LACAK_JOB_GRACE_SECONDS"))

    # --- schedules (cron, business timezone) -------------------------------------------
    cron_export_logs: str = Field("55 23 * * *", validation_alias=_alias("LACAK_CRON_EXPORT_LOGS"))
    cron_evaluate_signals: str = Field(
        "*/5 * * * *", validation_alias=_alias("LACAK_CRON_EVALUATE_SIGNALS")
    )
    cron_reminders: str = Field("0 8 * * *", validation_alias=_alias("LACAK_CRON_REMINDERS"))
    cron_dispatch: str = Field("* * * * *", validation_alias=_alias("LACAK_CRON_DISPATCH"))
    cron_backup: str = Field("0 23 * * *", validation_alias=_alias("LACAK_CRON_BACKUP"))
    cron_weekly_report: str = Field(
        "0 9 * * mon", validation_alias=_alias("LACAK_CRON_WEEKLY_REPORT")
    )

    # --- signals ---------------------------------------------------------------------
    legacy_logs_dir: Path | None = Field(None, validation_alias=_alias("LACAK_LEGACY_LOGS_DIR"))
    stats_min_sample: int = Field(5, validation_alias=_alias("LACAK_STATS_MIN_SAMPLE"))

    # --- Telegram --------------------------------------------------------------------
    telegram_bot_token: SecretStr | None = Field(
        None, validation_alias=_alias("TELEGRAM_BOT_TOKEN")
    )
    telegram_api_base_url: str = Field(
        "https://api.telegram.org", validation_alias=_alias("TELEGRAM_API_BASE_URL")
    )
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, validation_alias=_alias("ADMIN_IDS")
    )
    admin1: int | None = Field(None, validation_alias=_alias("ADMIN1"))
    admin2: int | None = Field(None, validation_alias=_alias("ADMIN2"))
    admin3: int | None = Field(None, validation_alias=_alias("ADMIN3"))

    # --- WhatsApp --------------------------------------------------------------------
    whatsapp_provider: Literal["console", "cloud", "fonnte"] = Field(
        "console", validation_alias=_alias("WHATSAPP_PROVIDER")
    )
    whatsapp_cloud_base_url: str = Field(
        "https://graph.facebook.com/v21.0", validation_alias=_alias("WHATSAPP_CLOUD_BASE_URL")
    )
    whatsapp_cloud_token: SecretStr | None = Field(
        None, validation_alias=_alias("WHATSAPP_CLOUD_TOKEN")
    )
    whatsapp_cloud_phone_number_id: str | None = Field(
        None, validation_alias=_alias("WHATSAPP_CLOUD_PHONE_NUMBER_ID")
    )
    whatsapp_cloud_app_secret: SecretStr | None = Field(
        None, validation_alias=_alias("WHATSAPP_CLOUD_APP_SECRET")
    )
    whatsapp_cloud_verify_token: SecretStr | None = Field(
        None, validation_alias=_alias("WHATSAPP_CLOUD_VERIFY_TOKEN")
    )
    fonnte_base_url: str = Field(
        "https://api.fonnte.com", validation_alias=_alias("FONNTE_BASE_URL")
    )
    fonnte_token: SecretStr | None = Field(None, validation_alias=_alias("FONNTE_TOKEN"))

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @property
    def all_admin_ids(self) -> list[int]:
        """ADMIN_IDS plus ADMIN1..ADMIN3, de-duplicated, in order."""
        ids = [*self.admin_ids, self.admin1, self.admin2, self.admin3]
        return list(dict.fromkeys(i for i in ids if i is not None))

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under var/."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.var_dir / 'lacak.db').as_posix()}"

    @property
    def logs_dir(self) -> Path:
        """Where nightly legacy-format signal logs are written."""
        return self.legacy_logs_dir or self.var_dir / "logs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings read once from the environment."""
    return Settings()
