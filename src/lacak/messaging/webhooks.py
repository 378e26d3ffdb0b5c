"""Signed provider webhooks: Meta's verification handshake and status/reply deliveries."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from lacak.api.deps import ClockDep, SessionDep, SettingsDep
from lacak.api.throttle import AuthGate
from lacak.errors import DomainError
from lacak.messaging import metrics
from lacak.messaging import status as status_service
from lacak.messaging.webhook_models import (
    REASONS,
    CloudPayload,
    FonntePayload,
    PayloadRejected,
    parse,
)

Model = TypeVar("Model", CloudPayload, FonntePayload)


class Forbidden(DomainError):
    """The caller could not prove it is the provider."""

    status = 403
    title = "Forbidden"


class Rejected(DomainError):
    """A signed/authorised body lacak cannot use; `reason` names the problem."""

    status = 400
    title = "Bad webhook body"


_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        **_PROBLEM,
        "description": f"The body is unusable; `reason` is one of {', '.join(REASONS)}.",
    },
    403: {**_PROBLEM, "description": "The caller did not prove it is the provider."},
}
router = APIRouter(prefix="/webhooks", tags=["webhooks"])


def _forbidden(source: str, reason: str, detail: str) -> Forbidden:
    metrics.rejected(source, reason)
    return Forbidden(detail, reason=reason)


def _payload(source: str, model: type[Model], body: bytes) -> Model:
    try:
        return parse(model, body)
    except PayloadRejected as exc:
        metrics.rejected(source, exc.reason)
        raise Rejected(f"The webhook body was refused: {exc.detail}", reason=exc.reason) from None


def valid_signature(secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256` is `sha256=` + HMAC-SHA256(app secret, raw body)."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


@router.get("/whatsapp", response_class=PlainTextResponse, responses={403: _RESPONSES[403]})
async def verify_whatsapp(
    request: Request,
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
        or not await _token_matches(request, token, expected.get_secret_value())
    ):
        raise Forbidden("The verify token does not match WHATSAPP_CLOUD_VERIFY_TOKEN.")
    return challenge or ""


async def _token_matches(request: Request, given: str, expected: str) -> bool:
    # A secret in a URL can be guessed like a bearer token: the same throttle applies
    # (429 + Retry-After once a client keeps guessing; docs/security.md).
    gate: AuthGate = request.app.state.auth_gate
    return await gate.check(request, given, expected)


@router.post("/whatsapp", responses=_RESPONSES)
async def whatsapp_events(
    request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> dict[str, Any]:
    """Delivery statuses and replies from Meta; the raw body must carry a valid signature."""
    body = await request.body()
    secret = settings.whatsapp_cloud_app_secret
    if secret is None:
        raise _forbidden(
            "whatsapp",
            "not_configured",
            "WHATSAPP_CLOUD_APP_SECRET is not set, so no webhook can be trusted.",
        )
    if not valid_signature(
        secret.get_secret_value(), body, request.headers.get("x-hub-signature-256")
    ):
        raise _forbidden(
            "whatsapp",
            "bad_signature",
            "The X-Hub-Signature-256 header is missing or does not match.",
        )
    payload = _payload("whatsapp", CloudPayload, body)
    now = clock.now()
    if not await status_service.first_receipt(session, "whatsapp", body, now):
        return {"duplicate": True}
    return {"duplicate": False, **await status_service.apply_cloud_payload(session, payload, now)}


@router.post("/fonnte", responses=_RESPONSES)
async def fonnte_events(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    token: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    """Fonnte's status/reply webhook; Fonnte signs nothing, so the URL carries a secret."""
    expected = settings.fonnte_webhook_token
    if expected is None:
        raise _forbidden(
            "fonnte",
            "not_configured",
            "LACAK_FONNTE_WEBHOOK_TOKEN is not set, so no webhook can be trusted.",
        )
    if token is None or not await _token_matches(request, token, expected.get_secret_value()):
        raise _forbidden(
            "fonnte",
            "bad_token",
            "The token query parameter does not match LACAK_FONNTE_WEBHOOK_TOKEN.",
        )
    body = await request.body()
    payload = _payload("fonnte", FonntePayload, body)
    now = clock.now()
    if not await status_service.first_receipt(session, "fonnte", body, now):
        return {"duplicate": True}
    return {"duplicate": False, **await status_service.apply_fonnte_payload(session, payload, now)}
