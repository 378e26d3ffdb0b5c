"""Queue a weekly report for every admin through the message ledger (channel telegram)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lacak.config import Settings
from lacak.messaging import service as messaging_service
from lacak.messaging.schemas import EnqueueItem
from lacak.reports.service import WeeklyReport

KIND = "weekly_report"


def report_items(report: WeeklyReport, admin_ids: list[int], chart_path: str) -> list[EnqueueItem]:
    """One ledger row per admin per text chunk, plus the chart; keys make re-runs no-ops."""
    items: list[EnqueueItem] = []
    stem = f"{KIND}:{report.figures.period_start.isoformat()}:{report.lang}"
    for admin in admin_ids:
        for index, chunk in enumerate(report.chunks):
            items.append(
                EnqueueItem(
                    channel="telegram",
                    recipient=str(admin),
                    kind=KIND,
                    idempotency_key=f"{stem}:{admin}:part{index:02d}",
                    body=chunk,
                )
            )
        items.append(
            EnqueueItem(
                channel="telegram",
                recipient=str(admin),
                kind=KIND,
                # "part99" sorts after the text parts, so the chart arrives last.
                idempotency_key=f"{stem}:{admin}:part99",
                attachment_path=chart_path,
            )
        )
    return items


async def queue_for_admins(
    session: AsyncSession,
    settings: Settings,
    report: WeeklyReport,
    chart_path: str,
    now: datetime,
) -> int:
    """Queue the report for every admin; returns how many new rows were queued."""
    admins = settings.all_admin_ids
    if not admins:
        return 0
    items = report_items(report, admins, chart_path)
    return await messaging_service.enqueue_many(session, items, now=now)
