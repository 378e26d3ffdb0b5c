"""Cron schedules from settings: parsing with crontab semantics, previous and next occurrence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from lacak.config import Settings
from lacak.scheduler.registry import JobSpec

_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


class InvalidSchedule(ValueError):
    """A cron setting that cannot be parsed; the message names the setting."""


def env_name(setting: str) -> str:
    """The environment variable that sets the Settings field `setting`."""
    field = Settings.model_fields.get(setting)
    alias = getattr(field, "validation_alias", None) if field else None
    choices = getattr(alias, "choices", None)
    if choices:
        return str(choices[0])
    return f"LACAK_{setting.upper()}"


def cron_expression(spec: JobSpec, settings: Settings) -> str:
    """The cron expression configured for a job."""
    value = getattr(settings, spec.cron_setting, None)
    if not isinstance(value, str):
        raise InvalidSchedule(
            f"job {spec.name!r} names the setting {spec.cron_setting!r}, "
            "which is not a cron expression in Settings"
        )
    return value


def _expand_dow(part: str) -> set[int]:
    # One comma item of a crontab day-of-week field -> crontab day numbers (0 = Sunday).
    base, _, step_text = part.partition("/")
    step = int(step_text) if step_text else 1
    if base == "*":
        low, high = 0, 6
    elif "-" in base:
        low_text, high_text = base.split("-", 1)
        low, high = _dow_number(low_text), _dow_number(high_text)
    else:
        low = _dow_number(base)
        high = 6 if step_text else low
    if step < 1 or high < low:
        raise ValueError(f"bad day-of-week range {part!r}")
    return {day % 7 for day in range(low, high + 1, step)}


def _dow_number(text: str) -> int:
    lowered = text.strip().lower()
    if lowered in _DAY_NAMES:
        return _DAY_NAMES.index(lowered)
    number = int(lowered)
    if not 0 <= number <= 7:
        raise ValueError(f"day of week {text!r} is outside 0-7")
    return number


def crontab_day_of_week(field: str) -> str:
    """Translate a crontab day-of-week field (0/7 = Sunday) for APScheduler 3 (0 = Monday)."""
    if not any(ch.isdigit() for ch in field):
        return field
    days: set[int] = set()
    for part in field.split(","):
        days |= _expand_dow(part)
    return ",".join(_DAY_NAMES[d] for d in sorted(days))


def parse_cron(expression: str, timezone: str) -> CronTrigger:
    """A CronTrigger from a standard 5-field crontab line, days of week as cron means them."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields (minute hour day month weekday), got {len(fields)}")
    fields[4] = crontab_day_of_week(fields[4])
    return CronTrigger.from_crontab(" ".join(fields), timezone=ZoneInfo(timezone))


def build_trigger(spec: JobSpec, settings: Settings) -> CronTrigger:
    """The job's trigger, or InvalidSchedule naming the setting that is wrong."""
    expression = cron_expression(spec, settings)
    try:
        return parse_cron(expression, settings.timezone)
    except (ValueError, KeyError) as exc:
        raise InvalidSchedule(
            f"{env_name(spec.cron_setting)}={expression!r} (schedule of job {spec.name!r}) "
            f"is not a valid cron expression: {exc}"
        ) from exc


def next_occurrence(trigger: CronTrigger, now: datetime) -> datetime | None:
    """First occurrence strictly after `now`, aware UTC."""
    fire = trigger.get_next_fire_time(None, now + timedelta(microseconds=1))
    return fire.astimezone(UTC) if fire is not None else None


def latest_occurrence(trigger: CronTrigger, now: datetime, window: timedelta) -> datetime | None:
    """Most recent occurrence at or before `now`, looking back at most `window` (UTC)."""
    latest: datetime | None = None
    fire = trigger.get_next_fire_time(None, now - window)
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return latest.astimezone(UTC) if latest is not None else None
