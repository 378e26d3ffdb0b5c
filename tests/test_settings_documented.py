"""Every setting is documented in .env.example, and .env.example parses as valid settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from dotenv import dotenv_values

from lacak.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def _env_names() -> set[str]:
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        prefix = Settings.model_config.get("env_prefix", "")
        names.add(alias.choices[0] if alias is not None else prefix + name.upper())  # type: ignore[union-attr]
    return names


def test_every_setting_is_in_env_example() -> None:
    documented = set(dotenv_values(ROOT / ".env.example"))
    missing = sorted(_env_names() - documented)
    assert not missing, f"add these to .env.example: {missing}"
    unknown = sorted(documented - _env_names())
    assert not unknown, f".env.example names settings that do not exist: {unknown}"


def test_env_example_loads_as_the_defaults() -> None:
    # Read through the same path a user's .env takes; empty lines mean "not configured".
    from_file = Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert from_file.model_dump() == defaults.model_dump()


def test_every_documented_name_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The prefix and the explicit aliases really map each env name to its field.
    for name in ("LACAK_PORT", "LACAK_MESSAGING_RATE_CLOUD", "LACAK_MAX_BODY_BYTES"):
        monkeypatch.setenv(name, "4321")
    monkeypatch.setenv("FONNTE_BASE_URL", "http://fonnte.test")
    monkeypatch.setenv("ADMIN2", "77")
    cfg = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (cfg.port, cfg.messaging_rate_cloud, cfg.max_body_bytes) == (4321, 4321.0, 4321)
    assert cfg.fonnte_base_url == "http://fonnte.test" and cfg.admin2 == 77
