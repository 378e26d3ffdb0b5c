"""Database URLs: accept the plain forms tutorials show and map them to lacak's async drivers.

`sqlite:///var/lacak.db` becomes `sqlite+aiosqlite:///var/lacak.db`; `postgresql://…` and
`postgres://…` become `postgresql+asyncpg://…` with libpq's `sslmode=` turned into asyncpg's
`ssl=`. Anything that is not SQLite or PostgreSQL is refused with a sentence saying what works.
"""

from __future__ import annotations

from typing import Any

from lacak.errors import Invalid

SQLITE = "sqlite+aiosqlite"
POSTGRES = "postgresql+asyncpg"
# Scheme as written -> the driver lacak runs it with (lacak only ships the async drivers).
SCHEMES = {
    "sqlite": SQLITE,
    "sqlite+pysqlite": SQLITE,
    SQLITE: SQLITE,
    "postgresql": POSTGRES,
    "postgres": POSTGRES,
    "postgresql+psycopg2": POSTGRES,
    "postgresql+psycopg": POSTGRES,
    POSTGRES: POSTGRES,
}
# libpq's sslmode values; asyncpg's `ssl=` takes the same words.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
ACCEPTED = (
    "sqlite:///path/to/lacak.db (or sqlite+aiosqlite://) and "
    "postgresql://user:password@host:5432/dbname (or postgres://, postgresql+asyncpg://)"
)


def normalize_url(url: str, *, what: str = "database URL") -> str:
    """`url` rewritten for lacak's async drivers; Invalid (naming `what`) when it cannot be."""
    text = url.strip()
    scheme, sep, _ = text.partition("://")
    if not sep:
        hint = f"; for a file write sqlite:///{text}" if text.endswith(".db") else ""
        raise Invalid(
            f"{what} {_shown_raw(text)!r} is not a URL{hint}; lacak accepts {ACCEPTED}",
            field=what,
        )
    driver = SCHEMES.get(scheme.lower())
    if driver is None:
        raise Invalid(
            f"{what} uses {scheme + '://'!r}, which lacak cannot use: it stores its data in "
            f"SQLite or PostgreSQL; lacak accepts {ACCEPTED}",
            field=what,
        )
    if scheme == driver and "sslmode" not in text:
        return text  # already in lacak's form: no need to load SQLAlchemy's URL parser
    return _rewrite(text, driver, what)


def _rewrite(text: str, driver: str, what: str) -> str:
    from sqlalchemy.engine import make_url  # only when a URL really needs rewriting

    try:
        parsed = make_url(text)
    except Exception:
        raise Invalid(
            f"{what} {_shown_raw(text)!r} could not be read as a URL; lacak accepts {ACCEPTED}",
            field=what,
        ) from None
    parsed = parsed.set(drivername=driver)
    if driver == POSTGRES and "sslmode" in parsed.query:
        parsed = _translate_sslmode(parsed, what)
    rendered: str = parsed.render_as_string(hide_password=False)
    return rendered


def _translate_sslmode(parsed: Any, what: str) -> Any:
    mode = parsed.query["sslmode"]
    mode = mode[-1] if isinstance(mode, tuple) else mode
    if mode not in SSL_MODES:
        raise Invalid(f"{what} has sslmode={mode!r}; use one of {', '.join(SSL_MODES)}", field=what)
    parsed = parsed.difference_update_query(["sslmode"])
    if "ssl" not in parsed.query:  # an explicit asyncpg `ssl=` wins
        parsed = parsed.update_query_dict({"ssl": mode})
    return parsed


def shown(url: str) -> str:
    """`url` safe to print: the password replaced by ***."""
    from sqlalchemy.engine import make_url

    try:
        rendered: str = make_url(url).render_as_string(hide_password=True)
    except Exception:
        return _shown_raw(url)
    return rendered


def _shown_raw(text: str) -> str:
    # Unparseable text may still hold a password after "user:": keep only what precedes it.
    scheme, sep, rest = text.partition("://")
    if sep and "@" in rest:
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return text if len(text) <= 120 else text[:117] + "..."
