"""Fake Fonnte gateway (`POST /send`, form fields, `Authorization: <token>`).

Like the real Fonnte it queues every request it accepts, however often the same message
comes: nothing is de-duplicated. `delivered` counts each distinct (target, message).
"""

from __future__ import annotations

import asyncio
import itertools

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.server import DeliveryLog, FakeServer, Fault

TOKEN = "fonnte-test-token"


class FakeFonnte(FakeServer):
    """Answers like Fonnte: HTTP 200 with `status` true/false and a `reason` when false."""

    def __init__(self, port: int | None = None, token: str = TOKEN, latency: float = 0.0) -> None:
        super().__init__(port)
        self.token = token
        # Seconds between accepting a message and answering (a real gateway's round trip).
        self.latency = latency
        self.delivered = DeliveryLog()
        self._ids = itertools.count(80000001)
        self.route("/send", self._send, ["POST"])

    async def _send(self, request: Request, body: bytes) -> Response:
        if request.headers.get("authorization") != self.token:
            return JSONResponse({"reason": "token invalid", "status": False})
        form = await request.form()
        target, message = str(form.get("target", "")), str(form.get("message", ""))
        if not target.isdigit() or not message:
            return JSONResponse({"reason": "invalid target", "status": False})
        msg_id = str(next(self._ids))
        # Accepted the moment the request is in: a client that goes away now still
        # leaves the message queued for the customer.
        self.delivered.add(target, message, msg_id)
        if self.latency:
            await asyncio.sleep(self.latency)
        return JSONResponse({
            "detail": "success! message in queue", "id": [msg_id], "process": "pending",
            "requestid": 1, "status": True, "target": [target],
        })  # fmt: skip

    def render_fault(self, fault: Fault) -> Response:
        """Fonnte's own failures: token, target, disconnected device; 429 with Retry-After."""
        if fault.kind == "bad_token":
            return JSONResponse({"reason": "token invalid", "status": False})
        if fault.kind == "permanent":
            return JSONResponse({"reason": "invalid target", "status": False})
        if fault.kind == "disconnected":
            return JSONResponse({"reason": "device disconnected", "status": False})
        return super().render_fault(fault)
