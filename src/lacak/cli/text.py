"""The CLI's words: phrases from the catalog and numbers in the CLI's language.

Stdlib only at import: `lacak --help` must not load the catalog, Babel or the settings. The
language is `--lang` when given, else LACAK_LANGUAGE (the settings, `.env` included), else
Indonesian; it is looked up when the first phrase is printed.
"""

from __future__ import annotations

import os
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lacak.i18n.formats import DayStyle, MomentStyle

LANGS = ("id", "en")
# lacak.i18n.DASH, spelled out so importing this module loads no Babel (a test keeps them equal).
DASH = "–"
_state: dict[str, str | None] = {"lang": None}


def choose(value: str | None) -> None:
    """Use `value` ("id"/"en") for this run; None goes back to LACAK_LANGUAGE."""
    _state["lang"] = value


def chosen() -> str | None:
    """The language given with `--lang`, if any."""
    return _state["lang"]


def lang() -> str:
    """The CLI's language for this run."""
    explicit = _state["lang"]
    if explicit in LANGS:
        return explicit
    try:
        from lacak.config import get_settings

        return get_settings().language
    except Exception:
        # Invalid settings are reported by the command (in this language); read the one
        # variable directly so that sentence is in the operator's language too.
        raw = os.environ.get("LACAK_LANGUAGE", "").strip().lower()
        return "en" if raw == "en" else "id"


def t(key: str, /, **values: object) -> str:
    """The phrase `key` in the CLI's language, its fields filled in."""
    from lacak import i18n

    return i18n.t(key, lang(), **values)


def num(value: float | None, digits: int = 2) -> str:
    """A number in the CLI's language ("1.234,50" / "1,234.50"); a dash for none."""
    from lacak import i18n

    return i18n.DASH if value is None else i18n.num(value, lang(), digits)


def signed(value: float | None, digits: int = 2) -> str:
    """A number with its sign ("+1,50")."""
    from lacak import i18n

    return i18n.DASH if value is None else i18n.signed(value, lang(), digits)


def pct(value: float | None, digits: int = 1) -> str:
    """Percentage points as "62,5%" / "62.5%"."""
    from lacak import i18n

    return i18n.DASH if value is None else i18n.percent(value, lang(), digits)


def size(value: int | None) -> str:
    """Bytes as B/KB/MB/GB."""
    from lacak import i18n

    return i18n.DASH if value is None else i18n.size(value, lang())


def seconds(value: float | None) -> str:
    """A duration in seconds ("2,5 dtk" / "2.5 s")."""
    return t("common.seconds", n=num(value, 1))


def day(value: date | None, style: DayStyle = "medium") -> str:
    """A calendar date with the language's month names."""
    from lacak import i18n

    return i18n.DASH if value is None else i18n.day(value, lang(), style)


def moment(value: datetime | None, tz: str | tzinfo, style: MomentStyle = "medium") -> str:
    """An instant in business time `tz`."""
    from lacak import i18n

    return i18n.DASH if value is None else i18n.moment(value, lang(), tz, style)


def label(group: str, value: str | None) -> str:
    """An enum-like value as a word (`label("status", "success")`); raw when unknown."""
    from lacak import i18n

    return i18n.label(group, value, lang())


def failure(code: str | None) -> str:
    """A provider failure code as a sentence."""
    from lacak import i18n

    return i18n.failure(code, lang())


def join(parts: list[str]) -> str:
    """`a, b and c` in the CLI's language."""
    if len(parts) <= 1:
        return "".join(parts)
    return t("cli.and_list", items=", ".join(parts[:-1]), last=parts[-1])
