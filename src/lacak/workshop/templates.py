"""Reminder message text: built-in Indonesian/English Jinja2 templates, overridable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, StrictUndefined, Template

from lacak.config import Settings

# Faithful to the old system's wording; variables are documented in docs/workshop.md.
BUILTIN: dict[str, str] = {
    "id": (
        "Bapak/Ibu {{ name }}, kendaraan {{ no_pol }}{% if model %} ({{ model }}){% endif %} "
        "dijadwalkan untuk servis berkala pada tanggal {{ date }}. "
        "Silakan datang ke {{ workshop_name }}"
        "{% if service_phone %} atau hubungi nomor pelayanan {{ service_phone }}"
        " untuk membuat janji{% endif %}. Terima kasih."
    ),
    "en": (
        "Dear {{ name }}, your vehicle {{ no_pol }}{% if model %} ({{ model }}){% endif %} "
        "is due for its scheduled service on {{ date }}. "
        "Please visit {{ workshop_name }}"
        "{% if service_phone %} or call our service number {{ service_phone }}"
        " to book a slot{% endif %}. Thank you."
    ),
}

_ENV = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


@dataclass(frozen=True, slots=True)
class ReminderContext:
    """What a reminder template can use."""

    name: str
    no_pol: str
    model: str | None
    brand: str | None
    due_date: date


def language(settings: Settings) -> str:
    """Reminder language: LACAK_REMINDER_LANGUAGE, else LACAK_LANGUAGE."""
    return settings.reminder_language or settings.language


def templates_dir(settings: Settings) -> Path:
    """Where `reminder_id.txt` / `reminder_en.txt` overrides are looked for."""
    return settings.reminder_templates_dir or settings.var_dir / "templates"


@lru_cache(maxsize=32)
def _compile(source: str) -> Template:
    return _ENV.from_string(source)


def template_source(settings: Settings, lang: str | None = None) -> str:
    """The template text in force: setting string > override file > built-in."""
    lang = lang or language(settings)
    if settings.reminder_template and lang == language(settings):
        return settings.reminder_template
    override = templates_dir(settings) / f"reminder_{lang}.txt"
    if override.is_file():
        return override.read_text(encoding="utf-8").strip()
    return BUILTIN.get(lang, BUILTIN["id"])


class ReminderRenderer:
    """Renders reminder texts with one compiled template (fast over thousands of rows)."""

    def __init__(self, settings: Settings, lang: str | None = None) -> None:
        self.template = _compile(template_source(settings, lang))
        self.workshop_name = settings.workshop_name
        self.service_phone = settings.workshop_service_phone

    def render(self, ctx: ReminderContext) -> str:
        """The message text for one vehicle."""
        return self.template.render(
            name=ctx.name,
            no_pol=ctx.no_pol,
            model=ctx.model or "",
            brand=ctx.brand or "",
            date=format_date(ctx.due_date),
            workshop_name=self.workshop_name,
            service_phone=self.service_phone,
        )

    def parameters(self, ctx: ReminderContext) -> list[str]:
        """Body parameters for the pre-approved Cloud API template ({{1}}..{{5}})."""
        return [
            ctx.name,
            ctx.no_pol,
            format_date(ctx.due_date),
            self.workshop_name,
            self.service_phone,
        ]


def format_date(day: date) -> str:
    """dd-mm-yyyy, as the old messages wrote dates."""
    return day.strftime("%d-%m-%Y")
