"""The weekly report lists timeframes in time order, whichever has the most signals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.reports.figures import signal_figures
from lacak.reports.render import html_page
from tests.reports.factories import figures
from tests.signals.evaluate_helpers import add_signal

MONDAY = date(2026, 11, 9)


async def test_report_timeframes_in_time_order(
    session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    closed = datetime(2026, 11, 10, 5, 0, tzinfo=UTC)  # Tuesday, noon WIB
    # Most decided first would read 1d, 15m, 4h; time order is 15m, 4h, 1d.
    for n, (tf, count) in enumerate((("1d", 3), ("15m", 2), ("4h", 1))):
        for i in range(count):
            add_signal(
                session, f"{tf}-{i}", timeframe=tf, given_at=closed - timedelta(hours=n + i + 1),
                status="CLOSED", result="WIN", pnl_percent=1.0, closed_at=closed,
                resolved_by="manual",
            )  # fmt: skip
    await session.flush()
    signals = await signal_figures(session, settings, clock, MONDAY, MONDAY + timedelta(days=6))
    assert [b.key for b in signals.by_timeframe] == ["15m", "4h", "1d"]
    assert [b.total for b in signals.by_timeframe] == [2, 1, 3]
    week = figures()
    week.signals.by_timeframe = signals.by_timeframe
    page = html_page(week, "en", "Asia/Jakarta", None)
    assert "By timeframe" in page
    assert page.index("<td>15m</td>") < page.index("<td>4h</td>") < page.index("<td>1d</td>")
