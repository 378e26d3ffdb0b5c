"""A job run's summary and error in the reader's words (dashboard jobs page and `lacak jobs`).

A job returns a free-form mapping (lacak.scheduler stores it as JSON). Each key a job
writes has a phrase under `job.field.`; a key added later without one still reads
("files_written" → "files written"), never as an error. Values are numbers in the
language's style; text values (paths, dates, an exchange's name) are data, shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from typing import Any

from lacak.i18n import DASH, day, has, moment, num, t

SUMMARY = "job.field."
# Jobs store dates and instants as ISO text (JSON has no date type); shown in the language.
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")
# What the scheduler writes as a run's error (lacak.scheduler.runner), by its first word.
ERROR_KINDS = {
    "skipped": "job.error.skipped",
    "interrupted": "job.error.interrupted",
    "cancelled": "job.error.cancelled",
}


def summary_label(key: str, lang: str, tz: tzinfo | None = None) -> str:
    """The phrase for a summary key; the key made readable when it has none yet."""
    phrase = SUMMARY + key
    if has(phrase):
        return t(phrase, lang)
    return _text(key, lang, tz) if _ISO_DAY.match(key) else key.replace("_", " ")


def _text(value: str, lang: str, tz: tzinfo | None) -> str:
    if _ISO_DAY.match(value):
        return day(date.fromisoformat(value), lang)
    if tz is not None and _ISO_MOMENT.match(value):
        return moment(datetime.fromisoformat(value), lang, tz)
    return value


def summary_value(value: Any, lang: str, tz: tzinfo | None = None) -> str:
    """A summary value: numbers and dates in the language's style, mappings and lists inline.

    Instants need the business timezone `tz`; without it they stay as stored.
    """
    if value is None:
        return DASH
    if isinstance(value, bool):
        return t("common.yes" if value else "common.no", lang)
    if isinstance(value, int):
        return num(value, lang, 0)
    if isinstance(value, float):
        return num(value, lang, 2)
    if isinstance(value, Mapping):
        inner = summary_items(value, lang, tz)
        return ", ".join(f"{k} ({v})" for k, v in inner) if inner else DASH
    if isinstance(value, list | tuple):
        return ", ".join(summary_value(v, lang, tz) for v in value) if value else DASH
    return _text(str(value), lang, tz)


def summary_items(
    summary: Mapping[str, Any] | None, lang: str, tz: tzinfo | None = None
) -> list[tuple[str, str]]:
    """(label, value) of every entry of a run's summary, in the job's order."""
    return [
        (summary_label(str(k), lang, tz), summary_value(v, lang, tz))
        for k, v in (summary or {}).items()
    ]


def summary_line(summary: Mapping[str, Any] | None, lang: str, tz: tzinfo | None = None) -> str:
    """A summary as one line: `label: value, label: value`."""
    return ", ".join(f"{k}: {v}" for k, v in summary_items(summary, lang, tz))


def _kind(error: str) -> str | None:
    return ERROR_KINDS.get(error.split(":", 1)[0].strip())


def error_text(error: str | None, lang: str) -> str | None:
    """What went wrong in a run, worded; the scheduler's raw text stays the detail."""
    if not error:
        return None
    return t(_kind(error) or "job.error.failed", lang)


def error_detail(error: str | None) -> str | None:
    """The raw text worth showing next to the phrase: an exception's own message.

    The scheduler's own notes (skipped, interrupted, cancelled) are said in full by the
    phrase; they stay in the tooltip only.
    """
    if not error or _kind(error) is not None:
        return None
    return error
