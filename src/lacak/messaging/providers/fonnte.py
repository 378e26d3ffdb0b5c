"""Fonnte provider: `POST {base}/send` with form fields and the device token header."""

from __future__ import annotations

import httpx

from lacak.config import Settings
from lacak.messaging.providers.base import (
    Accepted,
    OutboundMessage,
    Permanent,
    Retryable,
    SendResult,
    transport_failure,
)
from lacak.retry_after import parse_retry_after


def render_text(message: OutboundMessage) -> str:
    """Fonnte has no templates: send the body, or the template parameters as text."""
    if message.body is not None:
        return message.body
    assert message.template is not None
    return "\n".join(message.template.parameters) or message.template.name


def classify_reason(reason: str) -> SendResult:
    """Fonnte answers HTTP 200 with `status: false` and a free-text reason."""
    low = reason.lower()
    if "token" in low or "unknown user" in low:
        return Permanent("bad_token", reason)
    if "target" in low or "invalid number" in low or "not registered" in low:
        return Permanent("invalid_target", reason)
    # Disconnected device, quota, rate limits: these pass once the owner acts or time does.
    return Retryable("rejected", reason)


class FonnteProvider:
    """Sends text messages through the Fonnte gateway."""

    name = "fonnte"
    # Fonnte queues every request it receives: a resend is a second message.
    dedupes = False

    def __init__(self, settings: Settings) -> None:
        token = settings.fonnte_token
        self._configured = token is not None
        self._url = f"{settings.fonnte_base_url.rstrip('/')}/send"
        self._country = settings.fonnte_country_code
        headers = {"Authorization": token.get_secret_value()} if token else {}
        self._http = httpx.AsyncClient(
            headers=headers,
            timeout=settings.messaging_http_timeout_seconds,
            limits=httpx.Limits(max_connections=max(settings.messaging_concurrency, 1)),
        )

    async def send(self, message: OutboundMessage) -> SendResult:
        """Post one message and classify the answer."""
        if not self._configured:
            return Permanent("not_configured", "FONNTE_TOKEN must be set.")
        form = {
            "target": message.recipient,
            "message": render_text(message),
            "countryCode": self._country,
        }
        try:
            response = await self._http.post(self._url, data=form)
        except httpx.HTTPError as exc:
            return transport_failure(exc, "Fonnte")
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if response.status_code == 429 or response.status_code >= 500:
            return Retryable(str(response.status_code), f"HTTP {response.status_code}", retry_after)
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            # Fonnte answers 200 for success and refusal alike; an unreadable 2xx may
            # have been an acceptance, so it must not be sent again blindly.
            return Retryable("bad_response", f"HTTP {response.status_code}, not a JSON object",
                             maybe_sent=response.is_success)  # fmt: skip
        if response.status_code == 401:
            return Permanent("bad_token", str(data.get("reason") or "unauthorized"))
        if data.get("status") is True:
            ids = data.get("id") or []
            if isinstance(ids, list) and ids:
                return Accepted(str(ids[0]))
            return Retryable("bad_response", "accepted but no message id in the answer",
                             maybe_sent=True)  # fmt: skip
        return classify_reason(str(data.get("reason") or f"HTTP {response.status_code}"))

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._http.aclose()
