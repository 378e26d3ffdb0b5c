"""CLI logging: warnings only unless asked (-v, -vv); `lacak serve` keeps LACAK_LOG_LEVEL.

A command's output is its answer; Alembic's `Running upgrade …` INFO lines and httpx's
request lines are noise there, so libraries log at WARNING unless `-v` is given.
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_state = {"verbosity": 0}


class LazyRedact(logging.Filter):
    """lacak.logredact's filter, imported with the first record (it pulls in httpx)."""

    def __init__(self) -> None:
        super().__init__()
        self._inner: logging.Filter | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact secrets and phone numbers, then let the record through."""
        if self._inner is None:
            from lacak.logredact import RedactFilter

            self._inner = RedactFilter()
        return bool(self._inner.filter(record))


def level_for(verbosity: int) -> int:
    """Root level: WARNING by default, INFO with -v, DEBUG with -vv."""
    return logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG


def configure(verbosity: int) -> None:
    """Set up logging for one CLI run; no token or full phone number reaches any line."""
    _state["verbosity"] = verbosity
    logging.basicConfig(level=level_for(verbosity), format=FORMAT)
    if verbosity >= 1:
        # -v: lacak's own debug lines (e.g. the trace of a failed backup), libraries at INFO.
        logging.getLogger("lacak").setLevel(logging.DEBUG)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, LazyRedact) for f in handler.filters):
            handler.addFilter(LazyRedact())


def for_server(level_name: str) -> None:
    """`lacak serve` logs at LACAK_LOG_LEVEL (INFO by default) unless -v/-vv asked for more."""
    level = logging.getLevelNamesMapping().get(level_name.upper(), logging.INFO)
    if _state["verbosity"] > 0:
        level = min(level, level_for(_state["verbosity"]))
    logging.getLogger().setLevel(level)
