"""Typed row access shared by the logical export and the restore loader.

Columns take their SQLAlchemy type from lacak's own models when the column is known
(so UTCDateTime, JSON, Uuid round-trip exactly on either backend) and from reflection
otherwise. JSON Lines encoding is decided per column type, never guessed from values.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lacak.models import Base

# The statistics rollup is derived from `signals` and rebuilds itself after a restore.
DERIVED_TABLES = frozenset({"signal_stats_days", "signal_stats_dirty", "signal_stats_meta"})
# Dashboard sessions and failed-login records belong to this machine's present: restoring
# them would bring ended sessions and old lockouts back (docs/security.md).
VOLATILE_TABLES = frozenset({"dashboard_sessions", "auth_failures", "auth_lockouts"})
SKIP_TABLES = frozenset({"alembic_version"}) | DERIVED_TABLES | VOLATILE_TABLES

Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]


def _ident(value: Any) -> Any:
    return value


def _codec(coltype: sa.types.TypeEngine[Any]) -> Codec:
    """(encode, decode) between a column's Python value and a JSON value."""
    impl = getattr(coltype, "impl", coltype)
    if isinstance(impl, (sa.JSON, sa.Float)):
        return _ident, _ident
    if isinstance(impl, sa.DateTime):
        return (lambda v: v.isoformat()), dt.datetime.fromisoformat
    if isinstance(impl, sa.Date):
        return (lambda v: v.isoformat()), dt.date.fromisoformat
    if isinstance(impl, sa.Time):
        return (lambda v: v.isoformat()), dt.time.fromisoformat
    if isinstance(impl, sa.Interval):
        return (lambda v: v.total_seconds()), (lambda v: dt.timedelta(seconds=v))
    if isinstance(impl, sa.LargeBinary):
        return (lambda v: base64.b64encode(v).decode("ascii")), base64.b64decode
    if isinstance(impl, sa.Uuid):
        return str, (lambda v: v if isinstance(v, uuid.UUID) else uuid.UUID(v))
    if isinstance(impl, sa.Numeric):
        return str, decimal.Decimal
    return _ident, _ident


def _wrap(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: None if v is None else fn(v)


class TypedTable:
    """One table's columns, primary key and per-column JSON codecs."""

    def __init__(
        self, name: str, columns: list[tuple[str, sa.types.TypeEngine[Any]]], pk: list[str]
    ):
        self.name = name
        self.pk = pk
        known = Base.metadata.tables.get(name)
        cols = []
        for col_name, reflected in columns:
            coltype = reflected
            if known is not None and col_name in known.c:
                coltype = known.c[col_name].type
            if isinstance(coltype, sa.JSON):
                # Python None must become SQL NULL again, not the JSON literal null.
                coltype = sa.JSON(none_as_null=True)
            cols.append(sa.column(col_name, coltype))
        self.table = sa.table(name, *cols)
        self.codecs = {c.name: tuple(map(_wrap, _codec(c.type))) for c in cols}

    @property
    def column_names(self) -> list[str]:
        """Column names in table order."""
        return [c.name for c in self.table.c]

    def select_ordered(self) -> sa.Select[Any]:
        """Every row in primary-key order (stable, resumable, diff-friendly)."""
        query = sa.select(*self.table.c)
        if self.pk:
            query = query.order_by(*(self.table.c[name] for name in self.pk))
        return query

    def encode(self, row: dict[str, Any]) -> str:
        """One JSON Lines line (no newline) for a row."""
        doc = {k: self.codecs[k][0](v) for k, v in row.items()}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))

    def decode(self, line: str) -> dict[str, Any]:
        """A row dict from one JSON Lines line; unknown columns are an error."""
        doc = json.loads(line)
        return {k: self.codecs[k][1](v) for k, v in doc.items()}


def table_order(names: list[str]) -> list[str]:
    """Existing tables, parents before children (models' FK order), the rest by name."""
    present = set(names) - SKIP_TABLES
    ordered = [t.name for t in Base.metadata.sorted_tables if t.name in present]
    return ordered + sorted(present - set(ordered))


def reflect_tables(sync_conn: Connection) -> list[TypedTable]:
    """Every data table in the database behind `sync_conn`, in load order."""
    inspector = sa.inspect(sync_conn)
    result = []
    for name in table_order(inspector.get_table_names()):
        columns = [(c["name"], c["type"]) for c in inspector.get_columns(name)]
        pk = list(inspector.get_pk_constraint(name).get("constrained_columns") or [])
        result.append(TypedTable(name, columns, pk))
    return result
