"""Fake Fonnte gateway (`POST /send`, form fields, `Authorization: <token>`)."""

from __future__ import annotations

import itertools
import threading

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.server import FakeServer, Fault

TOKEN = "fonnte-test-token"


class FakeFonnte(FakeServer):
    """Answers like Fonnte: HTTP 200 with `status` true/false and a `reason` when false."""

    def __init__(self, port: int | None = None, token: str = TOKEN) -> None:
        super().__init__(port)
        self.token = token
        self.deliveries: dict[str, str] = {}
        self.duplicates = 0
        self._ids = itertools.count(80000001)
        self._mutex = threading.Lock()
        self.route("/send", self._send, ["POST"])

    async def _send(self, request: Request, body: bytes) -> Response:
        if request.headers.get("authorization") != self.token:
            return JSONResponse({"reason": "token invalid", "status": False})
        form = await request.form()
        target = str(form.get("target", ""))
        if not target.isdigit() or not form.get("message"):
            return JSONResponse({"reason": "invalid target", "status": False})
        key = request.headers.get("idempotency-key") or f"auto-{next(self._ids)}"
        with self._mutex:
            msg_id = self.deliveries.get(key)
            if msg_id is None:
                msg_id = str(next(self._ids))
                self.deliveries[key] = msg_id
            else:
                self.duplicates += 1
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
