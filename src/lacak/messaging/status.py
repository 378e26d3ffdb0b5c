"""Delivery statuses and inbound replies from provider webhooks, applied forward only."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.logredact import mask_phone
from lacak.messaging import service as messaging_service
from lacak.messaging.models import STATUS_RANK, Message, WebhookReceipt
from lacak.messaging.webhook_models import CloudPayload, CloudStatus, FonntePayload
from lacak.workshop import report as workshop_report
from lacak.workshop import service as workshop_service
from lacak.workshop.phones import InvalidPhone, normalize_phone

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
    # A sender that died (or timed out) after the provider accepted leaves the row
    # `sending` or `in_doubt`; Meta's status carries our ledger id back
    # (biz_opaque_callback_data), which proves the message went out and settles it.
    try:
        ledger_id = uuid.UUID(callback or "")
    except ValueError:
        return None
    msg = await session.get(Message, ledger_id, with_for_update=True)
    if msg is None or msg.status not in ("sending", "in_doubt"):
        return None
    was = msg.status
    msg.status, msg.provider_message_id, msg.sent_at, msg.lease_until = (
        "sent", provider_id, at, None
    )  # fmt: skip
    msg.error_code = msg.error_text = None
    # Flushed before the report bump: the message row is locked first, report rows last.
    await session.flush()
    if msg.channel == "whatsapp" and msg.customer_id and msg.vehicle_id:
        await workshop_report.record_sent(session, msg.customer_id, msg.vehicle_id, at)
    detail = "reconciled from webhook" + (" (was in doubt)" if was == "in_doubt" else "")
    await messaging_service.add_event(session, msg.id, "sent", at, detail)
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
    reconciled = False
    if msg is None:
        msg = await _reconcile(session, callback, provider_message_id, at)
        if msg is None:
            return False
        reconciled = True
    current = msg.status
    if current == "failed" or status == current:
        return reconciled
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
    """Opt a customer out by phone (a STOP/BERHENTI reply); True if someone was found.

    Providers send the number in whatever form the customer's account has (`62812…`,
    `+62 812…`, `0812…`); customers are stored normalised, so the reply is too.
    """
    try:
        normalised = normalize_phone(phone)
    except InvalidPhone:
        log.info("STOP from a number that is not an Indonesian mobile ignored (%s)",
                 mask_phone(phone))  # fmt: skip
        return False
    if not await workshop_service.opt_out_phone(session, normalised, at):
        log.info("STOP from unknown number %s ignored", mask_phone(normalised))
        return False
    log.info("number %s opted out by reply", mask_phone(normalised))
    return True


def _error_of(st: CloudStatus) -> tuple[str, str] | None:
    if not st.errors:
        return None
    first = st.errors[0]
    return str(first.code), str(first.title or first.message)


async def apply_cloud_payload(
    session: AsyncSession, payload: CloudPayload, now: datetime
) -> dict[str, int]:
    """Apply a Meta webhook: `statuses[]` forward only, STOP/BERHENTI replies opt out."""
    counts = {"statuses": 0, "applied": 0, "opted_out": 0}
    for entry in payload.entry or ():
        for change in entry.changes or ():
            value = change.value
            if value is None:
                continue
            for st in value.statuses or ():
                counts["statuses"] += 1
                # A status cannot come from the future; a skewed clock must not store one.
                at = min(st.timestamp, now) if st.timestamp else now
                applied = await apply_status(
                    session, st.id, st.status.lower(), at, error=_error_of(st),
                    callback=st.biz_opaque_callback_data,
                )  # fmt: skip
                counts["applied"] += int(applied)
            for inbound in value.messages or ():
                if inbound.words() in STOP_WORDS and await opt_out(session, inbound.sender, now):
                    counts["opted_out"] += 1
    return counts


# Fonnte's status words → ours (its webhook sends `status` and, later, `state`).
FONNTE_STATUS = {"sent": "sent", "delivered": "delivered", "read": "read",
                 "invalid": "failed", "expired": "failed", "failed": "failed"}  # fmt: skip


async def apply_fonnte_payload(
    session: AsyncSession, payload: FonntePayload, now: datetime
) -> dict[str, int]:
    """Apply Fonnte's status webhook (`id`, `status`, `state`) and STOP replies."""
    counts = {"applied": 0, "opted_out": 0}
    if payload.id is not None:
        for word in (payload.status, payload.state):
            mapped = FONNTE_STATUS.get(str(word or "").lower())
            if mapped:
                error = ("fonnte", str(word)) if mapped == "failed" else None
                counts["applied"] += int(
                    await apply_status(session, str(payload.id), mapped, now, error=error)
                )
    text = str(payload.message or payload.pesan or "").strip().lower()
    if payload.sender and text in STOP_WORDS:
        counts["opted_out"] += int(await opt_out(session, str(payload.sender), now))
    return counts
