"""Fake WhatsApp Cloud API (Graph `/{phone_number_id}/messages`) for tests and benches.

Like Meta, it has no idempotency key: every accepted request is a new message with a new
wamid. `delivered` counts each distinct (to, content); content is the text body, or the
template name and parameters.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.server import DeliveryLog, FakeServer, Fault

TOKEN = "cloud-test-token"
PHONE_NUMBER_ID = "1234567890"


def graph_error(status: int, code: int, message: str, headers: dict[str, str] | None = None,
                subcode: int | None = None) -> JSONResponse:  # fmt: skip
    """A Graph API error body."""
    error = {"message": message, "type": "OAuthException", "code": code,
             "fbtrace_id": "AbCdEf123"}  # fmt: skip
    if subcode is not None:
        error["error_subcode"] = subcode
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def content_of(payload: dict[str, Any]) -> str:
    """What the customer sees: the text body, or the template with its parameters."""
    if payload.get("type") == "template":
        template = payload.get("template") or {}
        params = [p.get("text") for c in template.get("components") or []
                  for p in c.get("parameters") or []]  # fmt: skip
        return f"template:{template.get('name')}:{json.dumps(params)}"
    return str((payload.get("text") or {}).get("body", ""))


class FakeCloudAPI(FakeServer):
    """Accepts text and template messages; injectable errors in Graph's format."""

    def __init__(self, port: int | None = None, token: str = TOKEN,
                 phone_number_id: str = PHONE_NUMBER_ID, latency: float = 0.0) -> None:  # fmt: skip
        super().__init__(port)
        self.token = token
        self.latency = latency
        self.delivered = DeliveryLog()
        self._ids = itertools.count(1)
        self.route(f"/{phone_number_id}/messages", self._messages, ["POST"])
        self.route("/_fake/stats", self._stats, ["GET"])

    async def _stats(self, request: Request, body: bytes) -> Response:
        # `deliveries` = distinct messages, `duplicates` = repeats of one (bench output).
        stats = [r for r in self.requests if r.path == "/_fake/stats"]
        return JSONResponse({"requests": len(self.requests) - len(stats),
                             "deliveries": self.delivered.distinct,
                             "duplicates": self.delivered.duplicates})  # fmt: skip

    async def _messages(self, request: Request, body: bytes) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return graph_error(401, 190, "Invalid OAuth access token.")
        payload = await request.json()
        to = str(payload.get("to", ""))
        if payload.get("messaging_product") != "whatsapp" or not to.isdigit():
            return graph_error(400, 100, "Invalid parameter")
        wamid = f"wamid.FAKE{next(self._ids):012d}"
        self.delivered.add(to, content_of(payload), wamid)
        if self.latency:
            await asyncio.sleep(self.latency)
        return JSONResponse({
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        })  # fmt: skip

    def render_fault(self, fault: Fault) -> Response:
        """429 / permanent / bad_token / outside_window in Graph's error format."""
        if fault.kind == "429":
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
            return graph_error(429, 130429, "Rate limit hit", headers)
        if fault.kind == "bad_token":
            return graph_error(401, 190, "Error validating access token: Session has expired")
        if fault.kind == "outside_window":
            return graph_error(400, 131047, "Re-engagement message")
        if fault.kind == "permanent":
            return graph_error(400, 131026, "Message Undeliverable.")
        return super().render_fault(fault)


def main() -> None:
    """Run the fake standalone (benchmarks): `python -m tests.fakes.whatsapp_cloud`."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    FakeCloudAPI(args.port).start()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
