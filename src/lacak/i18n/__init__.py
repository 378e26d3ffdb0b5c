"""One phrase catalog and one lookup for every reader-facing text (dashboard, bot, reports).

`t(key, lang, **values)` reads `phrases.toml` (docs/i18n.md says how to add a phrase);
`label` names an enum-like value (a job status, a signal result) and `failure` a provider's
failure code. Numbers and dates go through `lacak.i18n.formats` (Babel).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from lacak.i18n.catalog import load
from lacak.i18n.formats import (
    DASH,
    LOCALES,
    Lang,
    as_lang,
    day,
    moment,
    num,
    percent,
    price,
    signed,
    size,
)

__all__ = [
    "DASH",
    "LOCALES",
    "Lang",
    "Phrase",
    "as_lang",
    "day",
    "failure",
    "failure_key",
    "has",
    "label",
    "moment",
    "num",
    "percent",
    "price",
    "say",
    "short_day",
    "signed",
    "size",
    "t",
]

log = logging.getLogger(__name__)


def has(key: str) -> bool:
    """Whether the catalog has `key`."""
    return key in load().entries


def t(key: str, lang: str, /, **values: object) -> str:
    """The phrase `key` in `lang` (Indonesian unless "en"), its `{name}` fields filled in."""
    entry = load().entries.get(key)
    if entry is None:
        # tests/i18n keeps this from happening; a reader still gets a page, not an error.
        log.error("no phrase %r in the catalog", key)
        return key
    text = entry.text(as_lang(lang), values.get("n"))
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        log.error("phrase %r got the wrong values: %s", key, sorted(values))
        return text


def label(group: str, value: str | None, lang: str) -> str:
    """How to show an enum-like `value` of `group` (`status`, `result`, …); raw if unknown."""
    if value is None:
        return DASH
    key = f"{group}.{value}"
    return t(key, lang) if has(key) else value


def failure_key(code: str | None) -> str | None:
    """The catalog key explaining a provider failure code ("131026:undeliverable", "190")."""
    if not code or not code.strip():
        return "failure.unknown"
    raw = code.strip()
    number, _, name = raw.partition(":")
    catalog = load()
    for candidate in (name, number) if name else (raw,):
        if f"failure.{candidate}" in catalog.entries:
            return f"failure.{candidate}"
        if candidate in catalog.by_code:
            return catalog.by_code[candidate]
    return None


def failure(code: str | None, lang: str) -> str:
    """A failure code as a sentence an operator can act on."""
    key = failure_key(code)
    return t(key, lang) if key else t("failure.other", lang, code=(code or "").strip()[:40])


@dataclass(frozen=True, slots=True)
class Phrase:
    """A phrase to say later, once the reader's language is known (e.g. a form problem)."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The phrase in `lang`."""
        return t(self.key, lang, **self.values)


def say(phrases: Phrase | Sequence[Phrase] | None, lang: str) -> str:
    """One or more phrases as one sentence list ("; " between them)."""
    if phrases is None:
        return ""
    items = [phrases] if isinstance(phrases, Phrase) else list(phrases)
    return "; ".join(p.text(lang) for p in items)


def short_day(value: date, lang: str) -> str:
    """Weekday and day of month, for chart axes ("Sen 9")."""
    return day(value, lang, "axis")
