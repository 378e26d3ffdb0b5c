"""CLI tests read English output unless a test asks for Indonesian (LACAK_LANGUAGE=id)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lacak.cli import text
from lacak.config import get_settings


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """LACAK_LANGUAGE=en for the command (and for the subprocesses that copy os.environ)."""
    monkeypatch.setenv("LACAK_LANGUAGE", "en")
    get_settings.cache_clear()
    yield
    # `--lang` of the last command must not leak into the next test.
    text.choose(None)
    get_settings.cache_clear()
