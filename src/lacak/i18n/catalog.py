"""The phrase catalog: `phrases.toml` in this package, read once and flattened to dotted keys."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).with_name("phrases.toml")
LANGS = ("id", "en")
# Besides the two languages, an entry may list provider codes it explains (failure.*) and
# give English's singular (`en_one`, used when the value `n` is 1; Indonesian has no plural).
EXTRA_FIELDS = frozenset({"codes", "en_one"})


class CatalogError(ValueError):
    """phrases.toml is malformed (a startup bug, caught by tests/i18n)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One phrase in both languages, and the provider codes it stands for."""

    key: str
    id: str
    en: str
    codes: tuple[str, ...] = ()
    en_one: str | None = None

    def text(self, lang: str, n: object = None) -> str:
        """The phrase in `lang` ("en", else Indonesian), singular in English when `n` is 1."""
        if lang != "en":
            return self.id
        return self.en_one if self.en_one is not None and n == 1 else self.en


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every phrase by key, and which failure phrase a provider code belongs to."""

    entries: Mapping[str, Entry]
    by_code: Mapping[str, str]


def placeholders(text: str) -> set[str]:
    """The `{name}` fields a phrase expects."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _is_entry(node: Mapping[str, Any]) -> bool:
    return any(isinstance(node.get(lang), str) for lang in LANGS)


def _flatten(node: Mapping[str, Any], prefix: str, out: dict[str, Entry]) -> None:
    for name, value in node.items():
        key = f"{prefix}.{name}" if prefix else name
        if not isinstance(value, dict):
            raise CatalogError(f"{key} must be a table with `id` and `en`, not {value!r}")
        if not _is_entry(value):
            _flatten(value, key, out)
            continue
        unknown = set(value) - set(LANGS) - EXTRA_FIELDS
        if unknown:
            raise CatalogError(f"{key} has unknown fields: {', '.join(sorted(unknown))}")
        texts = [value.get(lang) for lang in LANGS]
        if not all(isinstance(text, str) and text.strip() for text in texts):
            raise CatalogError(f"{key} needs a non-empty `id` and `en`")
        codes = value.get("codes", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise CatalogError(f"{key}.codes must be a list of strings")
        en_one = value.get("en_one")
        if en_one is not None and (
            not isinstance(en_one, str) or placeholders(en_one) != placeholders(str(texts[1]))
        ):
            raise CatalogError(f"{key}.en_one must be text with the same fields as `en`")
        out[key] = Entry(key, str(texts[0]), str(texts[1]), tuple(codes), en_one)


def parse(source: str) -> Catalog:
    """A catalog from TOML text; CatalogError when an entry is malformed."""
    entries: dict[str, Entry] = {}
    _flatten(tomllib.loads(source), "", entries)
    by_code: dict[str, str] = {}
    for entry in entries.values():
        for code in entry.codes:
            if code in by_code:
                raise CatalogError(f"code {code!r} is in {by_code[code]} and {entry.key}")
            by_code[code] = entry.key
    return Catalog(entries, by_code)


@cache
def load() -> Catalog:
    """The package's catalog, read on first use."""
    return parse(PATH.read_text(encoding="utf-8"))
