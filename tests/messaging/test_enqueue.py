"""Queueing into the ledger: idempotent by key, bulk and single, on both backends."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.clock import Clock
from lacak.errors import Invalid
from lacak.messaging import service
from lacak.messaging.models import Message
from lacak.messaging.schemas import EnqueueItem, TemplateRef


async def test_enqueue_is_idempotent_by_key(session: AsyncSession, clock: Clock) -> None:
    tpl = TemplateRef("service_reminder", "id", ["Budi", "B 1234 CD"])
    first = await service.enqueue(
        session, channel="whatsapp", recipient="6281234567890", kind="reminder",
        idempotency_key="r:1", body="Halo", template=tpl, now=clock.now(),
    )  # fmt: skip
    again = await service.enqueue(
        session, channel="whatsapp", recipient="6281234567890", kind="reminder",
        idempotency_key="r:1", body="Halo lagi", now=clock.now(),
    )  # fmt: skip
    assert first is not None and again is None
    assert first.status == "queued" and first.next_attempt_at == clock.now()
    assert first.template_params == ["Budi", "B 1234 CD"]


async def test_enqueue_many_counts_only_new_rows(session: AsyncSession, clock: Clock) -> None:
    items = [
        EnqueueItem(f"62812000{i:04d}", "reminder", f"k:{i}", body=f"m{i}",
                    template=TemplateRef("t", "id", [str(i)]))
        for i in range(2500)
    ]  # fmt: skip
    assert await service.enqueue_many(session, items, now=clock.now()) == 2500
    assert await service.enqueue_many(session, items[:10], now=clock.now()) == 0
    count = await session.scalar(select(func.count()).select_from(Message))
    assert count == 2500
    row = await session.scalar(select(Message).where(Message.idempotency_key == "k:7"))
    assert row is not None
    assert row.created_at == clock.now() and row.template_params == ["7"]
    assert row.customer_id is None and row.status == "queued"


async def test_enqueue_rejects_a_message_without_content(session: AsyncSession) -> None:
    try:
        await service.enqueue(
            session, channel="whatsapp", recipient="62812", kind="x", idempotency_key="k"
        )
    except Invalid as exc:
        assert "has no body, template or attachment" in exc.detail
    else:
        raise AssertionError("expected Invalid")
