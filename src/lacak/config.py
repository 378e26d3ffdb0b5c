"""Settings: every knob in one place, read from the environment and `.env`."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, AwareDatetime, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_VAR_DIR = Path("var")


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """All of lacak's configuration; env names are a public contract (see .env.example)."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        # `ADMIN1=` or `LACAK_API_TOKEN=` left empty means "not set", as in .env.example.
        env_ignore_empty=True,
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
    # Runs older than this many days are deleted after each run of the same job; 0 keeps all.
    job_history_days: int = Field(90, ge=0, validation_alias=_alias("LACAK_JOB_HISTORY_DAYS"))
    # Largest request body accepted, in bytes, checked while reading (docs/limits.md).
    max_body_bytes: int = Field(1_048_576, ge=1024, validation_alias=_alias("LACAK_MAX_BODY_BYTES"))
    # The same for provider webhooks (/webhooks/...); Meta's deliveries are a few kB.
    webhook_max_body_bytes: int = Field(
        1_048_576, ge=1024, validation_alias=_alias("LACAK_WEBHOOK_MAX_BODY_BYTES")
    )
    # --- scheduler (tests only) --------------------------------------------------------
    # FOR TESTS ONLY: freeze the app's clock at this instant (ISO 8601 with offset) so
    # several real processes agree on "now" (occurrence keys, catch-up). Never set it in
    # production: every "today" and every schedule would stand still.
    fake_now: AwareDatetime | None = Field(None, validation_alias=_alias("LACAK_FAKE_NOW"))

    # --- security: throttling, sessions, proxies, /metrics (docs/security.md) ----------
    # Wrong tokens (bearer or dashboard login) one client may send within the window
    # before it is locked out; each further failure within a day doubles the lockout.
    # 0 turns per-client lockouts off (failures are still logged).
    auth_max_failures: int = Field(5, ge=0, validation_alias=_alias("LACAK_AUTH_MAX_FAILURES"))
    auth_failure_window_seconds: int = Field(
        300, ge=1, validation_alias=_alias("LACAK_AUTH_FAILURE_WINDOW_SECONDS")
    )
    auth_lockout_seconds: int = Field(
        300, ge=1, validation_alias=_alias("LACAK_AUTH_LOCKOUT_SECONDS")
    )
    auth_lockout_max_seconds: int = Field(
        3600, ge=1, validation_alias=_alias("LACAK_AUTH_LOCKOUT_MAX_SECONDS")
    )
    # Cluster-wide ceiling on wrong tokens from all clients together (0 = no ceiling).
    auth_global_max_failures: int = Field(
        100, ge=0, validation_alias=_alias("LACAK_AUTH_GLOBAL_MAX_FAILURES")
    )
    auth_global_window_seconds: int = Field(
        3600, ge=1, validation_alias=_alias("LACAK_AUTH_GLOBAL_WINDOW_SECONDS")
    )
    # How stale a process's copy of the lockout list may get (lockouts made elsewhere).
    auth_sync_seconds: float = Field(5.0, ge=0, validation_alias=_alias("LACAK_AUTH_SYNC_SECONDS"))
    session_idle_seconds: int = Field(
        1800, ge=60, validation_alias=_alias("LACAK_SESSION_IDLE_SECONDS")
    )
    session_absolute_seconds: int = Field(
        43200, ge=60, validation_alias=_alias("LACAK_SESSION_ABSOLUTE_SECONDS")
    )
    # A session's last-seen time is written at most this often (not on every page view).
    session_touch_seconds: int = Field(
        60, ge=0, validation_alias=_alias("LACAK_SESSION_TOUCH_SECONDS")
    )
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed: IPs, CIDRs, `*` (any,
    # only when nothing else can reach the port) or `none`.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        validation_alias=_alias("LACAK_TRUSTED_PROXIES"),
    )
    # Bearer token Prometheus must send to /metrics; unset = /metrics is open.
    metrics_token: SecretStr | None = Field(None, validation_alias=_alias("LACAK_METRICS_TOKEN"))

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

    # --- signal evaluation (docs/outcomes.md) ------------------------------------------
    # Candles come from CSV files when a folder is set, else from the exchange via ccxt.
    eval_exchange: str = Field("binance", validation_alias=_alias("LACAK_EVAL_EXCHANGE"))
    eval_exchange_options: dict[str, object] = Field(
        default_factory=dict, validation_alias=_alias("LACAK_EVAL_EXCHANGE_OPTIONS")
    )
    eval_candles_dir: Path | None = Field(None, validation_alias=_alias("LACAK_EVAL_CANDLES_DIR"))
    eval_max_age_days: float = Field(7.0, gt=0, validation_alias=_alias("LACAK_EVAL_MAX_AGE_DAYS"))
    eval_exit_split: str = Field("0.5,0.5", validation_alias=_alias("LACAK_EVAL_EXIT_SPLIT"))
    eval_breakeven: bool = Field(True, validation_alias=_alias("LACAK_EVAL_BREAKEVEN"))
    eval_leverage: float = Field(1.0, gt=0, validation_alias=_alias("LACAK_EVAL_LEVERAGE"))
    eval_same_candle: Literal["finer", "pessimistic"] = Field(
        "finer", validation_alias=_alias("LACAK_EVAL_SAME_CANDLE")
    )
    eval_finer_timeframe: str = Field("1m", validation_alias=_alias("LACAK_EVAL_FINER_TIMEFRAME"))
    eval_fetch_retries: int = Field(5, ge=0, validation_alias=_alias("LACAK_EVAL_FETCH_RETRIES"))
    eval_retry_seconds: float = Field(
        1.0, ge=0, validation_alias=_alias("LACAK_EVAL_RETRY_SECONDS")
    )

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
    workshop_name: str = Field("Bengkel Kami", validation_alias=_alias("LACAK_WORKSHOP_NAME"))
    workshop_service_phone: str = Field("", validation_alias=_alias("LACAK_WORKSHOP_SERVICE_PHONE"))
    service_interval_days: int = Field(
        180, ge=1, validation_alias=_alias("LACAK_SERVICE_INTERVAL_DAYS")
    )
    # Due when reminder_min_days <= next_visit_date - today < reminder_max_days (old: 0, 3).
    reminder_min_days: int = Field(0, validation_alias=_alias("LACAK_REMINDER_MIN_DAYS"))
    reminder_max_days: int = Field(3, validation_alias=_alias("LACAK_REMINDER_MAX_DAYS"))
    reminder_language: Literal["id", "en"] | None = Field(
        None, validation_alias=_alias("LACAK_REMINDER_LANGUAGE")
    )
    # Quiet hours in business time, "HH:MM"; reminders queued inside wait for the end.
    quiet_hours_start: str = Field("21:00", validation_alias=_alias("LACAK_QUIET_HOURS_START"))
    quiet_hours_end: str = Field("07:00", validation_alias=_alias("LACAK_QUIET_HOURS_END"))
    # Folder with reminder_id.txt / reminder_en.txt Jinja2 overrides (default var/templates).
    reminder_templates_dir: Path | None = Field(
        None, validation_alias=_alias("LACAK_REMINDER_TEMPLATES_DIR")
    )
    reminder_template: str | None = Field(None, validation_alias=_alias("LACAK_REMINDER_TEMPLATE"))
    # Pre-approved WhatsApp Cloud API template for sends outside the 24-hour window.
    reminder_cloud_template: str | None = Field(
        None, validation_alias=_alias("LACAK_REMINDER_CLOUD_TEMPLATE")
    )
    reminder_cloud_template_language: str = Field(
        "id", validation_alias=_alias("LACAK_REMINDER_CLOUD_TEMPLATE_LANGUAGE")
    )

    # --- reports & admin bot (docs/reports.md) --------------------------------------
    # A service visit this many days after a reminder counts as "came in after a reminder".
    reminder_effect_days: int = Field(30, validation_alias=_alias("LACAK_REMINDER_EFFECT_DAYS"))
    telegram_mode: Literal["polling", "webhook"] = Field(
        "polling", validation_alias=_alias("LACAK_TELEGRAM_MODE")
    )
    # Public HTTPS URL Telegram should call in webhook mode (ends in /webhooks/telegram).
    telegram_webhook_url: str | None = Field(
        None, validation_alias=_alias("LACAK_TELEGRAM_WEBHOOK_URL")
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None, validation_alias=_alias("LACAK_TELEGRAM_WEBHOOK_SECRET")
    )

    # --- embedded Tracker (lacak.Tracker / lacak.compat in a bot process) -------------
    tracker_flush_interval: float = Field(
        0.5, gt=0, validation_alias=_alias("LACAK_TRACKER_FLUSH_INTERVAL")
    )
    tracker_max_batch: int = Field(5000, ge=1, validation_alias=_alias("LACAK_TRACKER_MAX_BATCH"))
    tracker_max_buffer: int = Field(
        1_000_000, ge=1, validation_alias=_alias("LACAK_TRACKER_MAX_BUFFER")
    )
    tracker_auto_migrate: bool = Field(True, validation_alias=_alias("LACAK_TRACKER_AUTO_MIGRATE"))

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
    fonnte_country_code: str = Field("62", validation_alias=_alias("LACAK_FONNTE_COUNTRY_CODE"))
    # Shared secret Fonnte must append as `?token=` to its status webhook URL.
    fonnte_webhook_token: SecretStr | None = Field(
        None, validation_alias=_alias("LACAK_FONNTE_WEBHOOK_TOKEN")
    )
    # Messages per second, per dispatcher process (see docs for several processes).
    messaging_rate_cloud: float = Field(80.0, validation_alias=_alias("LACAK_MESSAGING_RATE_CLOUD"))
    # Telegram allows about 30 messages/s per bot; stay under it.
    messaging_rate_telegram: float = Field(
        25.0, validation_alias=_alias("LACAK_MESSAGING_RATE_TELEGRAM")
    )
    messaging_rate_fonnte: float = Field(
        5.0, validation_alias=_alias("LACAK_MESSAGING_RATE_FONNTE")
    )
    messaging_rate_console: float = Field(
        1000.0, validation_alias=_alias("LACAK_MESSAGING_RATE_CONSOLE")
    )
    # Minimum gap between two messages to one recipient, cluster-wide; 0 disables it.
    messaging_recipient_interval_seconds: float = Field(
        6.0, validation_alias=_alias("LACAK_MESSAGING_RECIPIENT_INTERVAL_SECONDS")
    )
    messaging_concurrency: int = Field(16, validation_alias=_alias("LACAK_MESSAGING_CONCURRENCY"))
    messaging_batch_size: int = Field(200, validation_alias=_alias("LACAK_MESSAGING_BATCH_SIZE"))
    messaging_max_attempts: int = Field(5, validation_alias=_alias("LACAK_MESSAGING_MAX_ATTEMPTS"))
    messaging_backoff_base_seconds: float = Field(
        30.0, validation_alias=_alias("LACAK_MESSAGING_BACKOFF_BASE_SECONDS")
    )
    messaging_backoff_max_seconds: float = Field(
        3600.0, validation_alias=_alias("LACAK_MESSAGING_BACKOFF_MAX_SECONDS")
    )
    # A claimed message whose sender died is retried once its lease ends.
    messaging_lease_seconds: float = Field(
        120.0, validation_alias=_alias("LACAK_MESSAGING_LEASE_SECONDS")
    )
    messaging_http_timeout_seconds: float = Field(
        15.0, validation_alias=_alias("LACAK_MESSAGING_HTTP_TIMEOUT_SECONDS")
    )
    # The in-process dispatcher loop of `lacak serve` wakes this often; 0 turns it off
    # (the every-minute `dispatch` job still drains the queue).
    messaging_poll_seconds: float = Field(
        2.0, validation_alias=_alias("LACAK_MESSAGING_POLL_SECONDS")
    )
    # At-least-once opt-in: resend a message whose request may have reached a provider
    # that does not de-duplicate (after a crash or a timeout) instead of holding it
    # `in_doubt` for a person. A customer may then get it twice.
    messaging_resend_in_doubt: bool = Field(
        False, validation_alias=_alias("LACAK_MESSAGING_RESEND_IN_DOUBT")
    )

    # --- backup (issue 5; docs/backup.md) ---------------------------------------------
    # "local" (= backup_dir), a folder path, "gdrive" or "gdrive:ROOT_FOLDER_NAME".
    backup_target: str = Field("local", validation_alias=_alias("LACAK_BACKUP_TARGET"))
    # Default: <LACAK_VAR_DIR>/backups (./var/backups/).
    backup_dir: Path | None = Field(None, validation_alias=_alias("LACAK_BACKUP_DIR"))
    backup_compress_level: int = Field(
        1, ge=0, le=9, validation_alias=_alias("LACAK_BACKUP_COMPRESS_LEVEL")
    )
    backup_keep_daily: int = Field(7, ge=0, validation_alias=_alias("LACAK_BACKUP_KEEP_DAILY"))
    backup_keep_weekly: int = Field(4, ge=0, validation_alias=_alias("LACAK_BACKUP_KEEP_WEEKLY"))
    backup_keep_monthly: int = Field(12, ge=0, validation_alias=_alias("LACAK_BACKUP_KEEP_MONTHLY"))
    # HMAC-SHA256 key authenticating archives (32+ characters). Unset: generated once into
    # backup_key_file. Keep a copy apart from the backups: restoring elsewhere needs it.
    backup_key: SecretStr | None = Field(None, validation_alias=_alias("LACAK_BACKUP_KEY"))
    # Default: <LACAK_VAR_DIR>/backup_key (mode 0600); never inside the backup folder.
    backup_key_file: Path | None = Field(None, validation_alias=_alias("LACAK_BACKUP_KEY_FILE"))
    gdrive_api_base_url: str = Field(
        "https://www.googleapis.com/", validation_alias=_alias("LACAK_GDRIVE_API_BASE_URL")
    )
    gdrive_auth_uri: str = Field(
        "https://accounts.google.com/o/oauth2/auth",
        validation_alias=_alias("LACAK_GDRIVE_AUTH_URI"),
    )
    gdrive_token_uri: str = Field(
        "https://oauth2.googleapis.com/token", validation_alias=_alias("LACAK_GDRIVE_TOKEN_URI")
    )
    gdrive_service_account_file: Path | None = Field(
        None, validation_alias=_alias("LACAK_GDRIVE_SERVICE_ACCOUNT_FILE")
    )
    gdrive_client_secrets_file: Path | None = Field(
        None, validation_alias=_alias("LACAK_GDRIVE_CLIENT_SECRETS_FILE")
    )
    gdrive_token_file: Path | None = Field(None, validation_alias=_alias("LACAK_GDRIVE_TOKEN_FILE"))
    gdrive_root_folder: str = Field(
        "lacak-backups", validation_alias=_alias("LACAK_GDRIVE_ROOT_FOLDER")
    )
    # A folder shared with a service account; when set it is used instead of the name.
    gdrive_root_folder_id: str | None = Field(
        None, validation_alias=_alias("LACAK_GDRIVE_ROOT_FOLDER_ID")
    )
    gdrive_scope: str = Field(
        "https://www.googleapis.com/auth/drive.file", validation_alias=_alias("LACAK_GDRIVE_SCOPE")
    )
    gdrive_chunk_size: int = Field(
        8 * 1024 * 1024, ge=256 * 1024, validation_alias=_alias("LACAK_GDRIVE_CHUNK_SIZE")
    )
    gdrive_upload_attempts: int = Field(
        3, ge=1, validation_alias=_alias("LACAK_GDRIVE_UPLOAD_ATTEMPTS")
    )

    # --- exports, alerts, retention (issue 7; docs/exports.md, docs/alerts.md) ------------
    # Rows fetched from the database per round trip while streaming an export.
    export_chunk_rows: int = Field(
        5000, ge=100, le=100_000, validation_alias=_alias("LACAK_EXPORT_CHUNK_ROWS")
    )
    # "Messaged too often": more than N reminders to one customer+vehicle in M days.
    alert_max_reminders: int = Field(3, ge=1, validation_alias=_alias("LACAK_ALERT_MAX_REMINDERS"))
    alert_window_days: int = Field(30, ge=1, validation_alias=_alias("LACAK_ALERT_WINDOW_DAYS"))
    # Unset (the default) keeps everything; N deletes rows older than N days, daily.
    retention_prompts_days: int | None = Field(
        None, ge=1, validation_alias=_alias("LACAK_RETENTION_PROMPTS_DAYS")
    )
    retention_messages_days: int | None = Field(
        None, ge=1, validation_alias=_alias("LACAK_RETENTION_MESSAGES_DAYS")
    )
    retention_batch_rows: int = Field(
        2000, ge=1, validation_alias=_alias("LACAK_RETENTION_BATCH_ROWS")
    )
    cron_retention_cleanup: str = Field(
        "30 2 * * *", validation_alias=_alias("LACAK_CRON_RETENTION_CLEANUP")
    )

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
