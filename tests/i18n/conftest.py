"""The dashboard clients of tests/web, for the language checks."""

from tests.web.conftest import anon, dash, dash_app

__all__ = ["anon", "dash", "dash_app"]
