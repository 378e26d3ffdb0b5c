"""Signed provider webhooks: Meta's verification handshake and status/reply deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.api.errors import DomainError
from lacak.messaging import status as status_service

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


class Forbidden(DomainError):
    """The caller could not prove it is the provider."""

    status = 403
    title = "Forbidden"


def valid_signature(secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256` is `sha256=` + HMAC-SHA256(app secret, raw body)."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise DomainError(f"The webhook body is not JSON: {exc}.") from exc
    if not isinstance(data, dict):
        raise DomainError("The webhook body must be a JSON object.")
    return data


@router.get("/whatsapp", response_class=PlainTextResponse)
async def verify_whatsapp(
    settings: SettingsDep,
    mode: Annotated[str | None, Query(alias="hub.mode")] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge")] = None,
) -> str:
    """Meta's subscription handshake: echo the challenge when the verify token matches."""
    expected = settings.whatsapp_cloud_verify_token
    if (
        mode != "subscribe"
        or expected is None
        or token is None
        or not hmac.compare_digest(token.encode(), expected.get_secret_value().encode())
    ):
        raise Forbidden("The verify token does not match WHATSAPP_CLOUD_VERIFY_TOKEN.")
    return challenge or ""


@router.post("/whatsapp")
async def whatsapp_events(
    request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> dict[str, Any]:
    """Delivery statuses and replies from Meta; the raw body must carry a valid signature."""
    body = await request.body()
    secret = settings.whatsapp_cloud_app_secret
    if secret is None:
        raise Forbidden("WHATSAPP_CLOUD_APP_SECRET is not set, so no webhook can be trusted.")
    if not valid_signature(
        secret.get_secret_value(), body, request.headers.get("x-hub-signature-256")
    ):
        raise Forbidden("The X-Hub-Signature-256 header is missing or does not match.")
    payload = _json(body)
    now = clock.now()
    if not await status_service.first_receipt(session, "whatsapp", body, now):
        return {"duplicate": True}
    return {"duplicate": False, **await status_service.apply_cloud_payload(session, payload, now)}


@router.post("/fonnte")
async def fonnte_events(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    token: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    """Fonnte's status/reply webhook; Fonnte signs nothing, so the URL carries a secret."""
    expected = settings.fonnte_webhook_token
    if (
        expected is None
        or token is None
        or not hmac.compare_digest(token.encode(), expected.get_secret_value().encode())
    ):
        raise Forbidden("The token query parameter does not match LACAK_FONNTE_WEBHOOK_TOKEN.")
    body = await request.body()
    payload = _json(body)
    now = clock.now()
    if not await status_service.first_receipt(session, "fonnte", body, now):
        return {"duplicate": True}
    return {"duplicate": False, **await status_service.apply_fonnte_payload(session, payload, now)}
