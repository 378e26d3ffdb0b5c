"""The maintained per-day rollup: keeping it current and answering queries from it.

Triggers on ``signals`` (migration 0008) append the close instant of every changed closed
signal to ``signal_stats_dirty``. Before answering, `refresh` claims those marks (one
DELETE … RETURNING, under a lock so concurrent readers never recompute the same date twice)
and recomputes their business dates from the raw rows; a missing build, a different
timezone or a flood of marks (bulk import) rebuilds everything instead. Reads then touch
only rollup rows: one per date for the window's totals and segments, and one small GROUP BY
per breakdown. A ``days=N`` window starts mid-date; that first partial date is computed
from the raw rows on the fly. Writes happen in the caller's transaction (never committed
here); if it rolls back, the marks come back with it and the next read redoes the work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lacak import bounds
from lacak.clock import Clock
from lacak.signals import stats_compute as calc
from lacak.signals.stats_cube import DIMS, Batch, cells
from lacak.signals.stats_figures import SUM_FIELDS, Figures, Sums
from lacak.signals.stats_models import stats_days, stats_dirty, stats_meta
from lacak.signals.stats_schemas import StatsQuery
from lacak.signals.stats_sql import (
    S,
    Window,
    all_of,
    close_ms,
    closed_in,
    count_open,
    dialect_of,
    epoch_seconds,
    stored_in_bounds,
    usable_pnl,
)

# More pending marks than this (a bulk import or restore): rebuilding is cheaper.
REBUILD_ABOVE = 50_000
REBUILD_CHUNK_DAYS = 45
INSERT_BATCH = 5_000
LOCK_KEY = 0x1A4A_5354_4154_5301  # PostgreSQL advisory lock id of the rollup refresh
SEGMENT_FIELDS = (
    "pnl",
    "peak",
    "trough",
    "drawdown",
    "first_code",
    "first_len",
    "last_code",
    "last_len",
    "best_win",
    "best_loss",
)
D = stats_days.c


async def refresh(session: AsyncSession, clock: Clock) -> None:
    """Bring the rollup up to date for the clock's timezone (writes; never commits)."""
    timezone = str(clock.tz)
    if await _built_for(session) == timezone and not await _pending(session):
        return
    if dialect_of(session) == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(LOCK_KEY)))
    else:
        # Any write statement takes SQLite's write lock, so the checks below are stable.
        await session.execute(update(stats_meta).where(stats_meta.c.id == -1).values(id=-1))
    if await _built_for(session) != timezone or await _pending(session) > REBUILD_ABOVE:
        await rebuild(session, clock)
        return
    claimed = await session.execute(delete(stats_dirty).returning(stats_dirty.c.closed_at))
    # A mark outside the accepted years (a row from before the bounds) has no cell to fix.
    await _recompute(
        session,
        clock,
        {clock.to_local(t).date() for t in claimed.scalars() if bounds.in_time_window(t)},
    )


async def rebuild(session: AsyncSession, clock: Clock) -> None:
    """Recompute every date from the raw rows and record the timezone it was built for."""
    await session.execute(delete(stats_dirty))
    await session.execute(delete(stats_days))
    closed = [S.closed_at.is_not(None), S.result.is_not(None), *stored_in_bounds(S.closed_at)]
    span = (
        await session.execute(select(func.min(S.closed_at), func.max(S.closed_at)).where(*closed))
    ).one()
    if span[0] is not None:
        first, last = clock.to_local(span[0]).date(), clock.to_local(span[1]).date()
        while first <= last:
            chunk_last = min(last, first + timedelta(days=REBUILD_CHUNK_DAYS - 1))
            await _compute_days(session, clock, first, chunk_last)
            # Jump over stretches with no closes (years apart) instead of walking them.
            following = await session.scalar(
                select(func.min(S.closed_at)).where(
                    *closed, S.closed_at >= clock.start_of_day(chunk_last + timedelta(days=1))
                )
            )
            if following is None:
                break
            first = clock.to_local(following).date()
    values = {"timezone": str(clock.tz), "built_at": clock.now()}
    done = await session.execute(update(stats_meta).where(stats_meta.c.id == 1).values(values))
    if not getattr(done, "rowcount", 0):
        await session.execute(insert(stats_meta).values(id=1, **values))


async def _built_for(session: AsyncSession) -> str | None:
    return await session.scalar(select(stats_meta.c.timezone).where(stats_meta.c.id == 1))


async def _pending(session: AsyncSession) -> int:
    capped = select(literal(1)).select_from(stats_dirty).limit(REBUILD_ABOVE + 1).subquery()
    return int(await session.scalar(select(func.count()).select_from(capped)) or 0)


async def _recompute(session: AsyncSession, clock: Clock, days: Iterable[date]) -> None:
    """Recompute runs of consecutive dirty dates, one range read each."""
    ordered = sorted(days)
    while ordered:
        first = last = ordered.pop(0)
        while ordered and ordered[0] == last + timedelta(days=1):
            last = ordered.pop(0)
        await session.execute(delete(stats_days).where(D.day >= first, D.day <= last))
        await _compute_days(session, clock, first, last)


async def _compute_days(session: AsyncSession, clock: Clock, first: date, last: date) -> None:
    window = Window(
        clock.start_of_day(first), clock.start_of_day(last + timedelta(days=1)), None, None, None
    )
    batch = await _read_closes(session, window, [])
    rows = cells(batch, clock)
    for i in range(0, len(rows), INSERT_BATCH):
        await session.execute(insert(stats_days), rows[i : i + INSERT_BATCH])


async def _read_closes(
    session: AsyncSession, window: Window, conds: list[ColumnElement[bool]]
) -> Batch:
    """Closed signals of a window in close order, as cube input."""
    dialect = dialect_of(session)
    stmt = (
        select(
            epoch_seconds(S.closed_at, dialect),
            S.result,
            usable_pnl(),
            S.symbol,
            S.timeframe,
            S.side,
            close_ms(S.given_at, S.closed_at, dialect),
        )
        .where(closed_in(window, conds))
        .order_by(S.closed_at, S.result, S.pnl_percent)
    )
    return Batch.from_rows((await session.execute(stmt)).all())


async def figures(
    session: AsyncSession, clock: Clock, query: StatsQuery, window: Window
) -> Figures:
    """The query's figures from the rollup (plus the raw partial first date of `days=N`)."""
    await refresh(session, clock)
    fixed = {name: getattr(query, name) for name, _ in DIMS if getattr(query, name) is not None}
    mask = sum(bit for name, bit in DIMS if name in fixed)
    whole_from, whole_to, partial = _split(clock, window)
    extra: list[dict[str, Any]] = []
    if partial is not None:
        masks = [mask] + [mask | bit for name, bit in DIMS if name not in fixed]
        batch = await _read_closes(session, partial, [])
        extra = [c for c in cells(batch, clock, masks) if _matches(c, fixed)]

    def where(m: int) -> ColumnElement[bool]:
        conds = [D.dims == m, *(D[name] == value for name, value in fixed.items())]
        if whole_from is not None:
            conds.append(D.day >= whole_from)
        if whole_to is not None:
            conds.append(D.day <= whole_to)
        return all_of(conds)

    wanted = ("day", *SUM_FIELDS, *SEGMENT_FIELDS)
    day_rows = [tuple(c[name] for name in wanted) for c in extra if c["dims"] == mask]
    stmt = select(*(D[name] for name in wanted)).where(where(mask)).order_by(D.day)
    day_rows += [tuple(r) for r in (await session.execute(stmt)).all()]
    total, seg, points = Sums(), calc.Segment(), []
    width = len(SUM_FIELDS)
    for day, *values in day_rows:
        sums = Sums.of(values[:width])
        total.add(sums)
        seg = seg.then(calc.Segment(*values[width:], sums.total))  # type: ignore[call-arg]
        points.append(calc.DayRow(day, sums.closed, sums.wins, sums.losses, values[width]))
    by: dict[str, dict[str, Sums]] = {}
    for name, bit in DIMS:
        if name in fixed:
            by[name] = {fixed[name]: total} if total.closed else {}
            continue
        group = D[name]
        stmt = (
            select(group, *(func.sum(D[f]) for f in SUM_FIELDS))
            .where(where(mask | bit))
            .group_by(group)
        )
        by[name] = {key: Sums.of(values) for key, *values in (await session.execute(stmt)).all()}
        for c in extra:
            if c["dims"] == mask | bit:
                by[name].setdefault(c[name], Sums()).add(Sums.of(c[f] for f in SUM_FIELDS))
    return Figures(
        total=total,
        by_symbol=by["symbol"],
        by_timeframe=by["timeframe"],
        by_side=by["side"],
        drawdown=seg.drawdown,
        streaks=seg.streaks(),
        days=_fill(points, window.first_date, window.last_date),
        open=await count_open(session, window, query),
    )


def _split(clock: Clock, window: Window) -> tuple[date | None, date | None, Window | None]:
    """Whole business dates of the window, and the partial first date of a `days=N` window."""
    if window.start is None:
        return None, window.last_date if window.end is not None else None, None
    first = clock.to_local(window.start).date()
    midnight = clock.start_of_day(first)
    if window.end is not None or window.start == midnight:
        return first, window.last_date if window.end is not None else None, None
    following = first + timedelta(days=1)
    partial = Window(window.start, clock.start_of_day(following), None, None, None)
    return following, None, partial


def _matches(cell: dict[str, Any], fixed: dict[str, Any]) -> bool:
    return all(cell[name] == value for name, value in fixed.items())


def _fill(
    points: Sequence[calc.DayRow], first: date | None, last: date | None
) -> list[calc.DayRow]:
    """Every date from first to last (widened to the dates present), zeros where nothing closed."""
    present = {p.day: p for p in points}
    if present:
        first = min(first, min(present)) if first else min(present)
        last = max(last, max(present)) if last else max(present)
    if first is None or last is None or last < first:
        return []
    count = (last - first).days + 1
    days = (first + timedelta(days=i) for i in range(count))
    return [present.get(d) or calc.DayRow(d, 0, 0, 0, 0.0) for d in days]
