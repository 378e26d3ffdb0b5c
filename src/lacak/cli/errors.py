"""The CLI's last line of defence: every failure is one sentence, the trace only on --debug."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

from lacak.errors import DomainError

DEBUG_FLAG = "--debug"


def _first_line(value: object) -> str:
    text = str(value).strip().splitlines()
    return text[0][:300] if text else ""


def describe(exc: BaseException) -> str:
    """One plain sentence for an error no command caught (the CLI's language).

    A DomainError's detail is the service's own sentence (English, as the API says it);
    everything else is worded from the catalog around the system's own reason.
    """
    from lacak.cli.text import t

    if isinstance(exc, DomainError):
        return exc.detail
    if isinstance(exc, ModuleNotFoundError) and (needs := _needs_extra(exc)) is not None:
        return needs
    if (database := _database_error(exc)) is not None:
        return database
    if isinstance(exc, FileNotFoundError):
        return t("cli.error.not_found", path=exc.filename or _first_line(exc))
    if isinstance(exc, PermissionError):
        return t("cli.error.permission", path=exc.filename or _first_line(exc))
    if isinstance(exc, OSError):
        return f"{exc.strerror or type(exc).__name__}: {exc.filename or _first_line(exc)}"
    detail = _first_line(exc)
    return t("cli.error.unexpected", what=f"{type(exc).__name__}{': ' + detail if detail else ''}")


def _needs_extra(exc: ModuleNotFoundError) -> str | None:
    # A package of an optional extra (lacak[server] ...) is not installed: say which.
    from lacak.cli.text import t
    from lacak.extras import extra_for, install_hint, missing_sentence

    extra, module = extra_for(exc.name), (exc.name or "").split(".", 1)[0]
    if extra is not None and module:
        return t("cli.error.needs_extra", extra=extra, module=module, hint=install_hint(extra))
    return missing_sentence(exc)


def _database_error(exc: BaseException) -> str | None:
    # An SQLAlchemy error implies SQLAlchemy is loaded: no need to import it for the others.
    sa = sys.modules.get("sqlalchemy.exc")
    if sa is None or not isinstance(exc, sa.DBAPIError):
        return None
    from lacak.cli.text import t

    reason = _first_line(getattr(exc, "orig", None) or exc)
    if isinstance(exc, sa.OperationalError | sa.InterfaceError):
        return t("cli.error.db_unreachable", reason=reason)
    return t("cli.error.db_refused", reason=reason)


def _say(message: str) -> None:
    from lacak.cli.common import say_error

    say_error(message)


def _interrupted() -> str:
    from lacak.cli.text import t

    return t("cli.error.interrupted")


def run(app: Callable[[], object], argv: list[str] | None = None) -> None:
    """Run the Typer app with `--debug` taken out of the arguments (it may go anywhere)."""
    args = sys.argv if argv is None else argv
    debug = DEBUG_FLAG in args[1:]
    if debug:
        args[:] = [args[0], *(a for a in args[1:] if a != DEBUG_FLAG)]
    try:
        app()
    except KeyboardInterrupt:
        _say(_interrupted())
        raise SystemExit(130) from None
    except Exception as exc:  # the point of this function: nothing escapes as a traceback
        if debug:
            traceback.print_exc()
        _say(describe(exc))
        raise SystemExit(1) from None
