"""The phrase catalog: complete in both languages, well formed, and looked up one way."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest

from lacak import i18n
from lacak.i18n.catalog import CatalogError, load, parse, placeholders


def test_every_phrase_has_both_languages_with_the_same_fields() -> None:
    entries = load().entries
    assert len(entries) > 200
    for key, entry in entries.items():
        assert entry.id.strip() and entry.en.strip(), key
        assert placeholders(entry.id) == placeholders(entry.en), key
        # Only failure phrases explain provider codes.
        assert not entry.codes or key.startswith("failure."), key


def test_no_phrase_is_left_in_english_by_mistake() -> None:
    # Words that are the same in both languages are allowed on purpose (glossary in
    # docs/i18n.md); a long sentence that is identical was simply not translated.
    same = [k for k, e in load().entries.items() if e.id == e.en and len(e.en.split()) > 3]
    assert same == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ('[a]\nb = { id = "x" }', "non-empty"),
        ('[a]\nb = { id = "x", en = "" }', "non-empty"),
        ('[a]\nb = { id = "x", en = "y", fr = "z" }', "unknown fields"),
        ('[a]\nb = "x"', "must be a table"),
        ('[a]\nb = { id = "x", en = "y", codes = "1" }', "codes must be a list"),
        (
            '[a]\nb = { id = "x", en = "y", codes = ["1"] }\n'
            'c = { id = "x", en = "y", codes = ["1"] }',
            "is in a.b and a.c",
        ),
    ],
)
def test_a_malformed_catalog_is_refused(source: str, problem: str) -> None:
    with pytest.raises(CatalogError, match=problem):
        parse(source)


def test_lookup_fills_fields_in_the_chosen_language() -> None:
    assert i18n.t("login.too_many_attempts", "id", minutes=3).endswith("dalam 3 menit.")
    assert i18n.t("login.too_many_attempts", "en", minutes=3).endswith("in 3 minutes.")
    # Anything but "en" is the default Indonesian.
    assert i18n.t("nav.overview", "fr") == i18n.t("nav.overview", "id") == "Ringkasan"


def test_a_field_may_be_called_key_or_lang() -> None:
    # The lookup's own parameters are positional-only, so phrases can use any field name.
    worded = i18n.t("advice.worst_group", "en", kind="Symbol", key="DOGEUSDT", w="25", n=8, p="-9")
    assert worded.startswith("Symbol DOGEUSDT is the weakest")


def test_unknown_key_or_wrong_fields_never_break_a_page(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="lacak.i18n"):
        assert i18n.t("no.such.phrase", "id") == "no.such.phrase"
        assert i18n.t("login.too_many_attempts", "en", hours=2).startswith("Too many")
    assert "no phrase 'no.such.phrase'" in caplog.text and "wrong values" in caplog.text


def test_labels_of_enum_values() -> None:
    assert i18n.label("status", "success", "id") == "berhasil"
    assert i18n.label("result", "WIN", "en") == "Win"
    assert i18n.label("status", "brand_new", "id") == "brand_new"  # unknown: shown as stored
    assert i18n.label("status", None, "id") == i18n.DASH


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("131026:undeliverable", "failure.undeliverable"),  # what the Cloud provider stores
        ("131026", "failure.undeliverable"),  # what a status webhook stores
        ("190", "failure.bad_token"),
        ("bad_token", "failure.bad_token"),
        ("130429", "failure.rate_limited"),
        ("Forbidden", "failure.telegram"),
        (None, "failure.unknown"),
        ("  ", "failure.unknown"),
        ("999999:mystery", None),
    ],
)
def test_failure_codes_map_to_phrases(code: str | None, key: str | None) -> None:
    assert i18n.failure_key(code) == key


def test_an_unknown_failure_code_is_named() -> None:
    assert i18n.failure("999999", "id") == "Ditolak penyedia (kode 999999)."
    assert i18n.failure("999999", "en") == "Refused by the provider (code 999999)."


def test_phrases_said_later() -> None:
    problems = [
        i18n.Phrase("invalid.days", {"max": 3650, "value": "abc"}),
        i18n.Phrase("invalid.side", {"value": "UP"}),
    ]
    assert i18n.say(problems, "en") == (
        "Days must be a whole number from 1 to 3650, not 'abc'.; "
        "The side 'UP' is unknown; pick LONG or SHORT."
    )
    assert i18n.say(None, "id") == ""
    assert i18n.say(problems[1], "id").startswith("Arah 'UP'")


@pytest.mark.parametrize(
    ("lang", "number", "pct", "price", "size"),
    [
        ("id", "1.234,57", "62,5%", "65.000,5", "1,5 MB"),
        ("en", "1,234.57", "62.5%", "65,000.5", "1.5 MB"),
    ],
)
def test_numbers_follow_the_language(
    lang: str, number: str, pct: str, price: str, size: str
) -> None:
    assert i18n.num(1234.567, lang) == number
    assert i18n.percent(62.5, lang) == pct
    assert i18n.price(65000.5, lang) == price
    assert i18n.size(1572864, lang) == size
    assert i18n.signed(1.5, lang, 1) == "+" + i18n.num(1.5, lang, 1)


def test_odd_numbers_read_as_a_dash_or_short_form() -> None:
    assert i18n.num(float("nan"), "id") == i18n.percent(float("inf"), "en") == i18n.DASH
    assert i18n.num(1e308, "id") == "1e+308"
    assert i18n.price(0.00001234, "en") == "0.00001234"
    assert i18n.size(None, "en") == "0 B"


def test_dates_use_the_language_month_and_day_names() -> None:
    assert i18n.day(date(2026, 8, 9), "id") == "9 Agu 2026"
    assert i18n.day(date(2026, 8, 9), "en") == "9 Aug 2026"
    assert i18n.day(date(2026, 11, 9), "id", "long") == "Senin, 9 November 2026"
    assert i18n.short_day(date(2026, 11, 9), "en") == "Mon 9"
    noon_utc = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
    assert i18n.moment(noon_utc, "id", "Asia/Jakarta") == "20 Nov 2026 20:00"
    assert i18n.moment(noon_utc, "en", "Asia/Jakarta", "short") == "20 Nov 20:00"
