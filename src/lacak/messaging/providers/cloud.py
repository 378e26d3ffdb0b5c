"""WhatsApp Cloud API (Meta Graph) provider: text or template messages over httpx."""

from __future__ import annotations

from typing import Any

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
from lacak.messaging.providers.http import ShardedClient
from lacak.retry_after import parse_retry_after

# Graph error codes that pass with time: throttling, spam-rate and "try again" errors.
RETRYABLE_CODES = {1, 2, 4, 17, 80007, 130429, 131000, 131016, 131048, 131056, 133004}
# Everything else with an error body is permanent; these are the common ones, named.
PERMANENT_NAMES = {
    190: "bad_token",
    10: "permission_denied",
    100: "invalid_parameter",
    131026: "undeliverable",
    131047: "outside_24h_window",
    131051: "unsupported_message_type",
    132000: "template_param_mismatch",
    132001: "template_not_found",
}


def build_payload(message: OutboundMessage) -> dict[str, Any]:
    """The JSON body: a template when the message has one, plain text otherwise.

    Business-initiated messages outside the 24-hour customer service window must be
    approved templates, so a reminder that carries a TemplateRef is always sent as one;
    `biz_opaque_callback_data` carries our ledger id back in status webhooks.
    """
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": message.recipient,
        "biz_opaque_callback_data": message.id,
    }
    if message.template is not None:
        tpl = message.template
        template: dict[str, Any] = {"name": tpl.name, "language": {"code": tpl.language}}
        if tpl.parameters:
            params = [{"type": "text", "text": p} for p in tpl.parameters]
            template["components"] = [{"type": "body", "parameters": params}]
        payload.update(type="template", template=template)
    else:
        payload.update(type="text", text={"preview_url": False, "body": message.body or ""})
    return payload


def classify_error(response: httpx.Response) -> SendResult:
    """Turn a Graph error response into Retryable or Permanent."""
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    code = error.get("code")
    reason = str(error.get("message") or f"HTTP {response.status_code}")
    if isinstance(error.get("error_data"), dict) and error["error_data"].get("details"):
        reason = f"{reason}: {error['error_data']['details']}"
    if response.status_code == 429 or code in RETRYABLE_CODES:
        return Retryable(str(code or response.status_code), reason, retry_after)
    if response.status_code >= 500:
        return Retryable(str(code or response.status_code), reason, retry_after)
    if response.status_code == 401 and code is None:
        return Permanent("bad_token", reason)
    name = PERMANENT_NAMES.get(code) if isinstance(code, int) else None
    return Permanent(f"{code}:{name}" if name else str(code or response.status_code), reason)


class CloudProvider:
    """Sends through `POST {base}/{phone_number_id}/messages` with a bearer token."""

    name = "cloud"
    # Meta documents no idempotency key: a resend is a second message.
    dedupes = False

    def __init__(self, settings: Settings) -> None:
        token = settings.whatsapp_cloud_token
        self._configured = token is not None and bool(settings.whatsapp_cloud_phone_number_id)
        base = settings.whatsapp_cloud_base_url.rstrip("/")
        self._url = f"{base}/{settings.whatsapp_cloud_phone_number_id}/messages"
        headers = {"Authorization": f"Bearer {token.get_secret_value()}"} if token else {}
        self._http = ShardedClient(
            settings.messaging_concurrency,
            headers=headers,
            timeout=settings.messaging_http_timeout_seconds,
        )

    async def send(self, message: OutboundMessage) -> SendResult:
        """Post one message and classify the answer."""
        if not self._configured:
            return Permanent(
                "not_configured",
                "WHATSAPP_CLOUD_TOKEN and WHATSAPP_CLOUD_PHONE_NUMBER_ID must be set.",
            )
        try:
            response = await self._http.post(self._url, json=build_payload(message))
        except httpx.HTTPError as exc:
            return transport_failure(exc, "the WhatsApp Cloud API")
        if response.is_success:
            try:
                return Accepted(str(response.json()["messages"][0]["id"]))
            except (ValueError, KeyError, IndexError, TypeError):
                # A 2xx means Meta took it; only the id is missing, so do not send again.
                return Retryable("bad_response", "accepted but no message id in the answer",
                                 maybe_sent=True)  # fmt: skip
        return classify_error(response)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._http.aclose()
