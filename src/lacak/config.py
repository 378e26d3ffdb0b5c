"""Settings: every knob in one place, read from the environment and `.env`."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, AwareDatetime, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from lacak.dburl import normalize_url
from lacak.errors import Invalid

DEFAULT_VAR_DIR = Path("var")


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """All of lacak's configuration; env names are a public contract (see .env.example)."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        # Every setting is LACAK_<FIELD NAME>; the contract names without the prefix
        # (TELEGRAM_*, WHATSAPP_*, FONNTE_*, ADMIN*) keep an explicit alias below.
        env_prefix="LACAK_",
        extra="ignore",
        populate_by_name=True,
        # `ADMIN1=` or `LACAK_API_TOKEN=` left empty means "not set", as in .env.example.
        env_ignore_empty=True,
        # A refused value may be a database URL with its password: never echo inputs.
        hide_input_in_errors=True,
    )

    # --- core -------------------------------------------------------------------------
    var_dir: Path = DEFAULT_VAR_DIR
    database_url: str = ""
    timezone: str = "Asia/Jakarta"
    language: Literal["id", "en"] = "id"
    api_token: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    # Set to false on extra web-only processes if you want; the advisory lock makes it safe
    # to leave on everywhere.
    scheduler_enabled: bool = True
    job_grace_seconds: int = 3600
    # Runs older than this many days are deleted after each run of the same job; 0 keeps all.
    job_history_days: int = Field(90, ge=0)
    # Largest request body accepted, in bytes, checked while reading (docs/limits.md).
    max_body_bytes: int = Field(1_048_576, ge=1024)
    # The same for provider webhooks (/webhooks/...); Meta's deliveries are a few kB.
    webhook_max_body_bytes: int = Field(1_048_576, ge=1024)
    # --- scheduler (tests only) --------------------------------------------------------
    # FOR TESTS ONLY: freeze the app's clock at this instant (ISO 8601 with offset) so
    # several real processes agree on "now" (occurrence keys, catch-up). Never set it in
    # production: every "today" and every schedule would stand still.
    fake_now: AwareDatetime | None = None

    # --- security: throttling, sessions, proxies, /metrics (docs/security.md) ----------
    # Wrong tokens (bearer or dashboard login) one client may send within the window
    # before it is locked out; each further failure within a day doubles the lockout.
    # 0 turns per-client lockouts off (failures are still logged).
    auth_max_failures: int = Field(5, ge=0)
    auth_failure_window_seconds: int = Field(300, ge=1)
    auth_lockout_seconds: int = Field(300, ge=1)
    auth_lockout_max_seconds: int = Field(3600, ge=1)
    # Cluster-wide ceiling on wrong tokens from all clients together (0 = no ceiling).
    auth_global_max_failures: int = Field(100, ge=0)
    auth_global_window_seconds: int = Field(3600, ge=1)
    # How stale a process's copy of the lockout list may get (lockouts made elsewhere).
    auth_sync_seconds: float = Field(5.0, ge=0)
    session_idle_seconds: int = Field(1800, ge=60)
    session_absolute_seconds: int = Field(43200, ge=60)
    # A session's last-seen time is written at most this often (not on every page view).
    session_touch_seconds: int = Field(60, ge=0)
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed: IPs, CIDRs, `*` (any,
    # only when nothing else can reach the port) or `none`.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
    )
    # Bearer token Prometheus must send to /metrics; unset = /metrics is open.
    metrics_token: SecretStr | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        # Checked here so a typo is a sentence at start-up, not a crash in the first job.
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a time zone name; use an IANA name such as Asia/Jakarta, "
                "Asia/Makassar or Asia/Jayapura"
            ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _normalize_database_url(cls, value: str) -> str:
        # Plain sqlite:/// and postgresql:// (what tutorials show) run on the async drivers.
        if not value.strip():
            return ""
        try:
            return normalize_url(value, what="LACAK_DATABASE_URL")
        except Invalid as exc:
            raise ValueError(exc.detail) from None

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_trusted_proxies(cls, value: object) -> object:
        items = value.replace(";", ",").split(",") if isinstance(value, str) else value
        if not isinstance(items, list):
            return value
        names = [str(item).strip() for item in items if str(item).strip()]
        if [n.lower() for n in names] == ["none"]:
            return []
        for name in names:
            if name == "*":
                continue
            try:
                ipaddress.ip_network(name, strict=False)
            except ValueError:
                raise ValueError(f"{name!r} is not an IP address or CIDR network") from None
        return names

    # --- schedules (cron, business timezone) -------------------------------------------
    cron_export_logs: str = "55 23 * * *"
    cron_evaluate_signals: str = "*/5 * * * *"
    cron_reminders: str = "0 8 * * *"
    cron_dispatch: str = "* * * * *"
    cron_backup: str = "0 23 * * *"
    cron_weekly_report: str = "0 9 * * mon"

    # --- signals ---------------------------------------------------------------------
    legacy_logs_dir: Path | None = None
    stats_min_sample: int = 5

    # --- signal evaluation (docs/outcomes.md) ------------------------------------------
    # Candles come from CSV files when a folder is set, else from the exchange via ccxt.
    eval_exchange: str = "binance"
    eval_exchange_options: dict[str, object] = Field(default_factory=dict)
    eval_candles_dir: Path | None = None
    eval_max_age_days: float = Field(7.0, gt=0)
    eval_exit_split: str = "0.5,0.5"
    eval_breakeven: bool = True
    eval_leverage: float = Field(1.0, gt=0)
    eval_same_candle: Literal["finer", "pessimistic"] = "finer"
    eval_finer_timeframe: str = "1m"
    eval_fetch_retries: int = Field(5, ge=0)
    eval_retry_seconds: float = Field(1.0, ge=0)

    @field_validator("eval_exit_split")
    @classmethod
    def _check_exit_split(cls, value: str) -> str:
        parts = [float(p) for p in value.replace(";", ",").split(",") if p.strip()]
        if not 1 <= len(parts) <= 3 or any(p <= 0 for p in parts) or abs(sum(parts) - 1) > 1e-6:
            raise ValueError("exit split needs 1 to 3 positive fractions summing to 1")
        return value

    @property
    def eval_fractions(self) -> tuple[float, ...]:
        """Exit split as fractions per take-profit leg."""
        return tuple(
            float(p) for p in self.eval_exit_split.replace(";", ",").split(",") if p.strip()
        )

    # --- workshop & reminders (docs/workshop.md) -----------------------------------------
    workshop_name: str = "Bengkel Kami"
    workshop_service_phone: str = ""
    service_interval_days: int = Field(180, ge=1)
    # Due when reminder_min_days <= next_visit_date - today < reminder_max_days (old: 0, 3).
    reminder_min_days: int = 0
    reminder_max_days: int = 3
    reminder_language: Literal["id", "en"] | None = None
    # Quiet hours in business time, "HH:MM"; reminders queued inside wait for the end.
    quiet_hours_start: str = "21:00"
    quiet_hours_end: str = "07:00"
    # Folder with reminder_id.txt / reminder_en.txt Jinja2 overrides (default var/templates).
    reminder_templates_dir: Path | None = None
    reminder_template: str | None = None
    # Pre-approved WhatsApp Cloud API template for sends outside the 24-hour window.
    reminder_cloud_template: str | None = None
    reminder_cloud_template_language: str = "id"

    # --- reports & admin bot (docs/reports.md) --------------------------------------
    # A service visit this many days after a reminder counts as "came in after a reminder".
    reminder_effect_days: int = 30
    telegram_mode: Literal["polling", "webhook"] = "polling"
    # Public HTTPS URL Telegram should call in webhook mode (ends in /webhooks/telegram).
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None

    # --- embedded Tracker (lacak.Tracker / lacak.compat in a bot process) -------------
    tracker_flush_interval: float = Field(0.5, gt=0)
    tracker_max_batch: int = Field(5000, ge=1)
    tracker_max_buffer: int = Field(1_000_000, ge=1)
    tracker_auto_migrate: bool = True

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

    # --- messaging: outbox dispatcher (docs/messaging.md) -------------------------------
    fonnte_country_code: str = "62"
    # Shared secret Fonnte must append as `?token=` to its status webhook URL.
    fonnte_webhook_token: SecretStr | None = None
    # Messages per second, per dispatcher process (see docs for several processes).
    messaging_rate_cloud: float = 80.0
    # Telegram allows about 30 messages/s per bot; stay under it.
    messaging_rate_telegram: float = 25.0
    messaging_rate_fonnte: float = 5.0
    messaging_rate_console: float = 1000.0
    # Minimum gap between two messages to one recipient, cluster-wide; 0 disables it.
    messaging_recipient_interval_seconds: float = 6.0
    messaging_concurrency: int = 16
    messaging_batch_size: int = 200
    messaging_max_attempts: int = 5
    messaging_backoff_base_seconds: float = 30.0
    messaging_backoff_max_seconds: float = 3600.0
    # A claimed message whose sender died is retried once its lease ends.
    messaging_lease_seconds: float = 120.0
    messaging_http_timeout_seconds: float = 15.0
    # The in-process dispatcher loop of `lacak serve` wakes this often; 0 turns it off
    # (the every-minute `dispatch` job still drains the queue).
    messaging_poll_seconds: float = 2.0
    # At-least-once opt-in: resend a message whose request may have reached a provider
    # that does not de-duplicate (after a crash or a timeout) instead of holding it
    # `in_doubt` for a person. A customer may then get it twice.
    messaging_resend_in_doubt: bool = False

    # --- backup (issue 5; docs/backup.md) ---------------------------------------------
    # "local" (= backup_dir), a folder path, "gdrive" or "gdrive:ROOT_FOLDER_NAME".
    backup_target: str = "local"
    # Default: <LACAK_VAR_DIR>/backups (./var/backups/).
    backup_dir: Path | None = None
    backup_compress_level: int = Field(1, ge=0, le=9)
    backup_keep_daily: int = Field(7, ge=0)
    backup_keep_weekly: int = Field(4, ge=0)
    backup_keep_monthly: int = Field(12, ge=0)
    # HMAC-SHA256 key authenticating archives (32+ characters). Unset: generated once into
    # backup_key_file. Keep a copy apart from the backups: restoring elsewhere needs it.
    backup_key: SecretStr | None = None
    # Default: <LACAK_VAR_DIR>/backup_key (mode 0600); never inside the backup folder.
    backup_key_file: Path | None = None
    gdrive_api_base_url: str = "https://www.googleapis.com/"
    gdrive_auth_uri: str = Field(
        "https://accounts.google.com/o/oauth2/auth",
    )
    gdrive_token_uri: str = "https://oauth2.googleapis.com/token"
    gdrive_service_account_file: Path | None = None
    gdrive_client_secrets_file: Path | None = None
    gdrive_token_file: Path | None = None
    gdrive_root_folder: str = "lacak-backups"
    # A folder shared with a service account; when set it is used instead of the name.
    gdrive_root_folder_id: str | None = None
    gdrive_scope: str = "https://www.googleapis.com/auth/drive.file"
    gdrive_chunk_size: int = Field(8 * 1024 * 1024, ge=256 * 1024)
    gdrive_upload_attempts: int = Field(3, ge=1)

    # --- exports, alerts, retention (issue 7; docs/exports.md, docs/alerts.md) ------------
    # Rows fetched from the database per round trip while streaming an export.
    export_chunk_rows: int = Field(5000, ge=100, le=100_000)
    # "Messaged too often": more than N reminders to one customer+vehicle in M days.
    alert_max_reminders: int = Field(3, ge=1)
    alert_window_days: int = Field(30, ge=1)
    # Unset (the default) keeps everything; N deletes rows older than N days, daily.
    retention_prompts_days: int | None = Field(None, ge=1)
    retention_messages_days: int | None = Field(None, ge=1)
    retention_batch_rows: int = Field(2000, ge=1)
    cron_retention_cleanup: str = "30 2 * * *"

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
    def backups_dir(self) -> Path:
        """The local backup folder (LACAK_BACKUP_DIR or var/backups)."""
        return self.backup_dir or self.var_dir / "backups"

    @property
    def logs_dir(self) -> Path:
        """Where nightly legacy-format signal logs are written."""
        return self.legacy_logs_dir or self.var_dir / "logs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings read once from the environment."""
    return Settings()


def env_name(field: str) -> str:
    """The environment variable that sets the Settings field `field`."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
        return alias.choices[0]
    return f"{Settings.model_config.get('env_prefix', '')}{field.upper()}"


def describe_invalid(exc: Exception) -> str:
    """Settings that failed to load, as sentences naming each variable (no pydantic dump)."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    sentences = []
    for err in exc.errors(include_url=False):
        loc = err.get("loc") or ()
        name = env_name(str(loc[0])) if loc else ""
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        sentences.append(message if not name or name in message else f"{name}: {message}")
    return "; ".join(sentences)
