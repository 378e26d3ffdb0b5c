"""Reminder effectiveness on both backends: episodes, month cohorts, reminder-count buckets."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.workshop import effectiveness as eff
from tests.workshop.seed7 import pair, reminder, visit, wib

D = date


def test_episodes_split_at_the_visit_and_at_the_window() -> None:
    sent = [D(2026, 1, 1), D(2026, 1, 5), D(2026, 1, 20), D(2026, 3, 1), D(2026, 3, 3)]
    visits = [D(2026, 1, 10), D(2026, 3, 30)]
    got = list(eff.episodes(sent, visits, 30, today=D(2026, 3, 20)))
    assert got == [
        eff.Episode(D(2026, 1, 1), 2, D(2026, 1, 10), pending=False),
        # After the visit the next reminder starts a new episode; no visit in 30 days.
        eff.Episode(D(2026, 1, 20), 1, None, pending=False),
        eff.Episode(D(2026, 3, 1), 2, D(2026, 3, 30), pending=False),
    ]
    assert eff.bucket(1) == "1" and eff.bucket(4) == "4+" and eff.bucket(9) == "4+"


async def _seed(session: AsyncSession) -> None:
    e1 = await pair(session, "E 1")
    await reminder(session, e1, wib(D(2026, 10, 1)))
    await visit(session, e1[1], D(2026, 10, 11))
    e2 = await pair(session, "E 2")
    await reminder(session, e2, wib(D(2026, 10, 1)), "read")
    await reminder(session, e2, wib(D(2026, 10, 4)), "delivered")
    await visit(session, e2[1], D(2026, 10, 20))
    e3 = await pair(session, "E 3")
    for day in (1, 4, 7, 10, 13):
        await reminder(session, e3, wib(D(2026, 9, day)))
    e4 = await pair(session, "E 4")
    await reminder(session, e4, wib(D(2026, 11, 15)))
    e5 = await pair(session, "E 5")
    await reminder(session, e5, wib(D(2026, 10, 1)))
    await visit(session, e5[1], D(2026, 11, 15))  # 45 days later: too late
    e6 = await pair(session, "E 6")
    await reminder(session, e6, wib(D(2026, 5, 25)))  # episode began before the 6 months
    await reminder(session, e6, wib(D(2026, 6, 2)))
    await visit(session, e6[1], D(2026, 6, 10))
    e7 = await pair(session, "E 7")
    await reminder(session, e7, wib(D(2026, 10, 1)), "failed")  # never reached: not counted
    await visit(session, e7[1], D(2026, 10, 3))
    e8 = await pair(session, "E 8")
    # 20:00 UTC on 30 Sep is 03:00 WIB on 1 Oct: an October cohort, visit the same day.
    await reminder(session, e8, datetime(2026, 9, 30, 20, 0, tzinfo=UTC))
    await visit(session, e8[1], D(2026, 10, 1))


async def test_cohorts_and_buckets(session: AsyncSession, settings: Settings, clock: Clock) -> None:
    await _seed(session)
    result = await eff.effectiveness(session, settings, clock, months=6)
    assert (result.since, result.until, result.window_days) == (D(2026, 6, 1), D(2026, 11, 20), 30)
    t = result.total
    assert (t.reminded, t.came_in, t.pending, t.rate, t.median_days) == (6, 3, 1, 60.0, 10.0)
    months = {row.key: row for row in result.by_month}
    assert list(months) == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert (months["2026-10"].reminded, months["2026-10"].came_in) == (4, 3)
    assert months["2026-10"].rate == 75.0 and months["2026-10"].median_days == 10.0
    assert (months["2026-09"].reminded, months["2026-09"].rate) == (1, 0.0)
    assert (months["2026-11"].pending, months["2026-11"].rate) == (1, None)
    assert months["2026-06"].reminded == 0 and months["2026-06"].rate is None
    buckets = {row.key: row for row in result.by_reminders}
    assert (buckets["1"].reminded, buckets["1"].came_in, buckets["1"].pending) == (4, 2, 1)
    assert buckets["2"].rate == 100.0 and buckets["3"].reminded == 0
    assert (buckets["4+"].reminded, buckets["4+"].rate) == (1, 0.0)


async def test_endpoint(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _seed(session)
    await session.commit()
    body = (await client.get("/workshop/effectiveness?months=2")).json()
    assert body["since"] == "2026-10-01"
    assert body["total"]["reminded"] == 5 and body["total"]["came_in"] == 3
    assert (await client.get("/workshop/effectiveness?months=0")).status_code == 422


async def test_small_vehicle_batches_give_the_same_answer(
    session: AsyncSession, settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Visits are read between fetches of the open reminder cursor: both backends allow it.
    await _seed(session)
    whole = await eff.effectiveness(session, settings, clock, months=6)
    monkeypatch.setattr(eff, "_VEHICLE_BATCH", 2)
    assert await eff.effectiveness(session, settings, clock, months=6) == whole
