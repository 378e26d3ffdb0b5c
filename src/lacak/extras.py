"""Optional extras: which `pip install 'lacak[...]'` brings a third-party module back.

The core install (what `lacak.Tracker` and `lacak db upgrade` need) leaves the server stack,
the exchange client and Google Drive out. Code that needs one of them either calls
`require()` or simply imports it; the CLI turns the resulting ModuleNotFoundError into
`missing_sentence()` instead of a traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Top-level import name -> the extra that installs it (pyproject [project.optional-dependencies]).
EXTRA_OF = {
    "fastapi": "server",
    "fastapi_offline": "server",
    "starlette": "server",
    "uvicorn": "server",
    "jinja2": "server",
    "markupsafe": "server",
    "multipart": "server",
    "python_multipart": "server",
    "itsdangerous": "server",
    "prometheus_client": "server",
    "apscheduler": "server",
    "telegram": "server",
    "httpx": "server",
    "httpcore": "server",
    "matplotlib": "server",
    "numpy": "server",
    "openpyxl": "server",
    "ccxt": "exchange",
    "googleapiclient": "gdrive",
    "google": "gdrive",
}
EXTRAS = ("server", "exchange", "gdrive", "all")


class MissingExtra(ModuleNotFoundError):
    """A module of an optional extra is not installed; the message says what to install."""


def extra_for(module: str | None) -> str | None:
    """The extra providing `module` (any dotted name inside it), None when not an extra's."""
    if not module:
        return None
    return EXTRA_OF.get(module.split(".", 1)[0])


def install_hint(extra: str) -> str:
    """The command that installs `extra`."""
    return f"pip install 'lacak[{extra}]'"


def missing_sentence(exc: ModuleNotFoundError) -> str | None:
    """One sentence naming the extra to install for `exc`, None for a module of no extra."""
    if isinstance(exc, MissingExtra):
        return str(exc)
    extra = extra_for(exc.name)
    if extra is None:
        return None
    return _sentence(extra, exc.name or "")


def require(extra: str, module: str) -> ModuleType:
    """Import `module`, or raise MissingExtra saying `extra` must be installed."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name or module
        inside = missing == module or module.startswith(missing + ".")
        # A package that is absent is "not installed"; a module missing deep inside an
        # installed package that no extra provides is a real error with its own message.
        if not inside or (missing != module.split(".", 1)[0] and extra_for(missing) is None):
            raise
        raise MissingExtra(_sentence(extra, missing), name=missing) from None


def _sentence(extra: str, module: str) -> str:
    missing = f" ({module.split('.', 1)[0]} is not installed)" if module else ""
    return f"This command needs lacak[{extra}]{missing}: {install_hint(extra)}"
