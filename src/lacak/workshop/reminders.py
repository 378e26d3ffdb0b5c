"""Daily maintenance reminders: pick due vehicles by an indexed range, queue one message each."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.config import Settings
from lacak.logredact import mask_phone
from lacak.messaging import service as messaging_service
from lacak.messaging.models import Message
from lacak.messaging.schemas import EnqueueItem, TemplateRef
from lacak.workshop import limits
from lacak.workshop.models import Customer, Vehicle
from lacak.workshop.phones import MOBILE
from lacak.workshop.templates import ReminderContext, ReminderRenderer, language

SKIP_REASONS = ("opted_out", "invalid_phone", "already_reminded_today", "inactive")
_KEY_CHUNK = 900  # stays under SQLite's bound-parameter limit


@dataclass(slots=True)
class PlannedReminder:
    """One reminder the run queued (or, in a dry run, would queue)."""

    vehicle_id: uuid.UUID
    customer_id: uuid.UUID
    name: str
    phone: str
    no_pol: str
    next_visit_date: date
    text: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form with the phone masked."""
        return {
            "vehicle_id": str(self.vehicle_id),
            "customer": self.name,
            "phone": mask_phone(self.phone),
            "no_pol": self.no_pol,
            "next_visit_date": self.next_visit_date.isoformat(),
            "text": self.text,
        }


@dataclass(slots=True)
class ReminderRunSummary:
    """What a reminder run did: checked, due, queued, skipped by reason, sent, failed."""

    day: date
    dry_run: bool
    checked: int = 0
    due: int = 0
    queued: int = 0
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKIP_REASONS, 0))
    sent: int = 0
    failed: int = 0
    not_before: datetime | None = None
    planned: list[PlannedReminder] = field(default_factory=list)

    def as_dict(self, with_planned: bool = False) -> dict[str, Any]:
        """JSON-friendly summary (the planned list only when asked)."""
        doc: dict[str, Any] = {
            "day": self.day.isoformat(),
            "dry_run": self.dry_run,
            "checked": self.checked,
            "due": self.due,
            "queued": self.queued,
            "skipped": dict(self.skipped),
            "sent": self.sent,
            "failed": self.failed,
            "not_before": self.not_before.isoformat() if self.not_before else None,
        }
        if with_planned:
            doc["planned"] = [p.as_dict() for p in self.planned]
        return doc


def _hhmm(value: str) -> time:
    hours, _, minutes = value.strip().partition(":")
    return time(int(hours), int(minutes or 0))


def quiet_until(settings: Settings, clock: Clock, moment: datetime) -> datetime | None:
    """End of quiet hours (aware UTC) if `moment` falls inside them, else None."""
    start, end = _hhmm(settings.quiet_hours_start), _hhmm(settings.quiet_hours_end)
    if start == end:
        return None  # quiet hours disabled
    local = clock.to_local(moment)
    now_t = local.time()
    inside = (start <= now_t < end) if start < end else (now_t >= start or now_t < end)
    if not inside:
        return None
    end_day = local.date() if now_t < end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, end, clock.tz).astimezone(moment.tzinfo)


def reminder_key(vehicle_id: uuid.UUID, day: date) -> str:
    """Idempotency key: one reminder per vehicle per business day."""
    return f"reminder:{vehicle_id}:{day.isoformat()}"


def due_window(settings: Settings, day: date) -> tuple[date, date]:
    """[first, last) next_visit_date that is due on `day` (old rule: 0 ≤ Δ < 3)."""
    return (
        day + timedelta(days=settings.reminder_min_days),
        day + timedelta(days=settings.reminder_max_days),
    )


async def _existing_keys(session: AsyncSession, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start : start + _KEY_CHUNK]
        rows = await session.scalars(
            select(Message.idempotency_key).where(Message.idempotency_key.in_(chunk))
        )
        found.update(rows)
    return found


async def run_reminders(
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    day: date | None = None,
    dry_run: bool = False,
) -> ReminderRunSummary:
    """Queue today's maintenance reminders (or list them, writing nothing, in a dry run)."""
    day = day or clock.today()
    summary = ReminderRunSummary(day=day, dry_run=dry_run)
    first, last = due_window(settings, day)
    summary.checked = int(await session.scalar(select(func.count()).select_from(Vehicle)) or 0)
    # Range on the indexed next_visit_date: only the window's rows are read.
    rows = (
        await session.execute(
            select(
                Vehicle.id,
                Vehicle.no_pol,
                Vehicle.model,
                Vehicle.brand,
                Vehicle.next_visit_date,
                Vehicle.active,
                Customer.id,
                Customer.name,
                Customer.phone,
                Customer.opted_out_at,
            )
            .join(Customer, Customer.id == Vehicle.customer_id)
            .where(Vehicle.next_visit_date >= first, Vehicle.next_visit_date < last)
            .order_by(Vehicle.next_visit_date, Vehicle.no_pol)
        )
    ).all()
    summary.due = len(rows)
    renderer = ReminderRenderer(settings, language(settings))
    candidates: list[PlannedReminder] = []
    contexts: list[ReminderContext] = []
    for vid, plate, model, brand, visit, active, cid, name, phone, opted_out in rows:
        if visit is None:  # excluded by the range; keeps the type checker honest
            continue
        if not active:
            summary.skipped["inactive"] += 1
        elif opted_out is not None:
            summary.skipped["opted_out"] += 1
        elif not MOBILE.match(phone or ""):
            summary.skipped["invalid_phone"] += 1
        else:
            # Stored text may predate the input bounds (a NUL, a 5,000-character name): the
            # message gets a cleaned copy, so one odd row neither breaks the run nor the send.
            ctx = ReminderContext(
                name=limits.printable(name, limits.MAX_NAME),
                no_pol=limits.printable(plate, limits.MAX_PLATE),
                model=limits.printable(model, limits.MAX_LABEL) or None,
                brand=limits.printable(brand, limits.MAX_LABEL) or None,
                due_date=visit,
            )
            contexts.append(ctx)
            candidates.append(PlannedReminder(vid, cid, ctx.name, phone, ctx.no_pol, visit, ""))
    summary.not_before = quiet_until(settings, clock, clock.now())
    # Vehicles already reminded today are dropped before rendering: a re-run then costs a
    # few index probes instead of re-rendering and re-inserting every message.
    existing = await _existing_keys(session, [reminder_key(p.vehicle_id, day) for p in candidates])
    if existing:
        kept = [(p, c) for p, c in zip(candidates, contexts, strict=True)
                if reminder_key(p.vehicle_id, day) not in existing]  # fmt: skip
        candidates, contexts = [p for p, _ in kept], [c for _, c in kept]
    summary.skipped["already_reminded_today"] = len(existing)
    for p, ctx in zip(candidates, contexts, strict=True):
        p.text = renderer.render(ctx)
    if dry_run:
        summary.planned = candidates
        summary.queued = 0
        return summary
    items = [
        EnqueueItem(
            recipient=p.phone,
            kind="reminder",
            idempotency_key=reminder_key(p.vehicle_id, day),
            channel="whatsapp",
            body=p.text,
            template=_cloud_template(settings, renderer, ctx),
            customer_id=p.customer_id,
            vehicle_id=p.vehicle_id,
            not_before=summary.not_before,
        )
        for p, ctx in zip(candidates, contexts, strict=True)
    ]
    added = await messaging_service.enqueue_many(session, items, now=clock.now())
    summary.queued = added
    # Another run may have queued some of them since the check above (ON CONFLICT kept it).
    summary.skipped["already_reminded_today"] += len(items) - added
    summary.planned = candidates
    return summary


def _cloud_template(
    settings: Settings, renderer: ReminderRenderer, ctx: ReminderContext
) -> TemplateRef | None:
    if not settings.reminder_cloud_template:
        return None
    return TemplateRef(
        name=settings.reminder_cloud_template,
        language=settings.reminder_cloud_template_language,
        parameters=renderer.parameters(ctx),
    )
