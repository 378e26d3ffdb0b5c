"""Delivery statuses and inbound replies from provider webhooks, applied forward only."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.messaging import service as messaging_service
from lacak.messaging.models import STATUS_RANK, Message, WebhookReceipt
from lacak.messaging.providers.base import mask_phone
from lacak.workshop import report as workshop_report
from lacak.workshop.models import Customer

log = logging.getLogger(__name__)
STOP_WORDS = {"stop", "berhenti"}
_STAMP = {"delivered": "delivered_at", "read": "read_at", "failed": "failed_at"}


async def first_receipt(session: AsyncSession, source: str, body: bytes, now: datetime) -> bool:
    """Record a webhook body's hash; False when the same body was processed before."""
    digest = hashlib.sha256(body).hexdigest()
    ins = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        ins(WebhookReceipt)
        .values(body_sha256=digest, source=source, received_at=now)
        .on_conflict_do_nothing(index_elements=["body_sha256"])
        .returning(WebhookReceipt.body_sha256)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def _reconcile(
    session: AsyncSession, callback: str | None, provider_id: str, at: datetime
) -> Message | None:
    # A sender that died after the provider accepted leaves the row `sending`; Meta's
    # status carries our ledger id back (biz_opaque_callback_data), which settles it.
    try:
        ledger_id = uuid.UUID(callback or "")
    except ValueError:
        return None
    msg = await session.get(Message, ledger_id, with_for_update=True)
    if msg is None or msg.status != "sending":
        return None
    msg.status, msg.provider_message_id, msg.sent_at, msg.lease_until = (
        "sent", provider_id, at, None
    )  # fmt: skip
    if msg.channel == "whatsapp" and msg.customer_id and msg.vehicle_id:
        await workshop_report.record_sent(session, msg.customer_id, msg.vehicle_id, at)
    await messaging_service.add_event(session, msg.id, "sent", at, "reconciled from webhook")
    return msg


async def apply_status(
    session: AsyncSession,
    provider_message_id: str,
    status: str,
    at: datetime,
    *,
    error: tuple[str, str] | None = None,
    callback: str | None = None,
) -> bool:
    """Move a message forward to `status`; duplicates, regressions and unknowns are ignored."""
    stmt = select(Message).where(Message.provider_message_id == provider_message_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    msg = (await session.scalars(stmt)).first()
    if msg is None:
        msg = await _reconcile(session, callback, provider_message_id, at)
        if msg is None:
            return False
    current = msg.status
    if current == "failed" or status == current:
        return False
    if status == "failed":
        # A failure report after the message was delivered cannot be right; keep delivered.
        if STATUS_RANK.get(current, 0) >= STATUS_RANK["delivered"]:
            return False
    elif status not in STATUS_RANK or STATUS_RANK[status] <= STATUS_RANK.get(current, 0):
        return False
    values: dict[str, Any] = {"status": status, "updated_at": at}
    if status in _STAMP:
        values[_STAMP[status]] = at
    if status == "read" and msg.delivered_at is None:
        values["delivered_at"] = at
    if error is not None:
        values["error_code"], values["error_text"] = error
    await session.execute(
        update(Message).where(Message.id == msg.id).values(**values)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    detail = f"{error[0]}: {error[1]}" if error else "webhook"
    await messaging_service.add_event(session, msg.id, status, at, detail)
    return True


async def opt_out(session: AsyncSession, phone: str, at: datetime) -> bool:
    """Opt a customer out by phone (a STOP/BERHENTI reply); True if someone was found."""
    customer = await session.scalar(select(Customer).where(Customer.phone == phone))
    if customer is None:
        log.info("STOP from unknown number %s ignored", mask_phone(phone))
        return False
    if customer.opted_out_at is None:
        customer.opted_out_at = at
        log.info("customer %s opted out by reply", customer.id)
    return True


def _epoch(value: Any, fallback: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return fallback


async def apply_cloud_payload(
    session: AsyncSession, payload: dict[str, Any], now: datetime
) -> dict[str, int]:
    """Apply a Meta webhook: `statuses[]` forward only, STOP/BERHENTI replies opt out."""
    counts = {"statuses": 0, "applied": 0, "opted_out": 0}
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            for st in value.get("statuses") or []:
                counts["statuses"] += 1
                errors = st.get("errors") or []
                error = None
                if errors:
                    first = errors[0]
                    error = (
                        str(first.get("code")),
                        str(first.get("title") or first.get("message")),
                    )
                applied = await apply_status(
                    session, str(st.get("id")), str(st.get("status")),
                    _epoch(st.get("timestamp"), now), error=error,
                    callback=st.get("biz_opaque_callback_data"),
                )  # fmt: skip
                counts["applied"] += int(applied)
            for inbound in value.get("messages") or []:
                text = ((inbound.get("text") or {}).get("body") or "").strip().lower()
                if text in STOP_WORDS and await opt_out(session, str(inbound.get("from")), now):
                    counts["opted_out"] += 1
    return counts


# Fonnte's status words → ours (its webhook sends `status` and, later, `state`).
FONNTE_STATUS = {"sent": "sent", "delivered": "delivered", "read": "read",
                 "invalid": "failed", "expired": "failed", "failed": "failed"}  # fmt: skip


async def apply_fonnte_payload(
    session: AsyncSession, payload: dict[str, Any], now: datetime
) -> dict[str, int]:
    """Apply Fonnte's status webhook (`id`, `status`, `state`) and STOP replies."""
    counts = {"applied": 0, "opted_out": 0}
    if payload.get("id") is not None:
        for word in (payload.get("status"), payload.get("state")):
            mapped = FONNTE_STATUS.get(str(word or "").lower())
            if mapped:
                error = ("fonnte", str(word)) if mapped == "failed" else None
                counts["applied"] += int(
                    await apply_status(session, str(payload["id"]), mapped, now, error=error)
                )
    text = str(payload.get("message") or payload.get("pesan") or "").strip().lower()
    if payload.get("sender") and text in STOP_WORDS:
        counts["opted_out"] += int(await opt_out(session, str(payload["sender"]), now))
    return counts
