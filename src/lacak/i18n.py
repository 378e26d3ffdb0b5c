"""Languages shared by every reader-facing text: phrase lookup and number formatting."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from babel.numbers import format_decimal

Lang = Literal["id", "en"]
LOCALES: dict[str, str] = {"id": "id_ID", "en": "en_GB"}
FALLBACK = "en"


def as_lang(value: str | None) -> Lang:
    """`en` for English, otherwise the default Indonesian."""
    return "en" if value == "en" else "id"


def phrase(table: Mapping[str, Mapping[str, str]], key: str, lang: str, **values: object) -> str:
    """`table[key]` in `lang` (English when that language is missing), filled with `values`."""
    text = table[key].get(lang) or table[key][FALLBACK]
    return text.format(**values) if values else text


def num(value: float, lang: str, digits: int = 2) -> str:
    """A number with `digits` decimals in the language's style (62,50 vs 62.50)."""
    if not math.isfinite(value):
        # Only odd stored values (from before the input bounds) get here; show a dash.
        return "–"
    if abs(value) >= 1e15:
        # Beyond what Decimal formats at these digits (1e308 from an old row): short form.
        return f"{value:.3g}"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=LOCALES.get(lang, LOCALES[FALLBACK]))


def signed(value: float, lang: str, digits: int = 2) -> str:
    """A number with an explicit sign."""
    return ("+" if value > 0 and math.isfinite(value) else "") + num(value, lang, digits)
