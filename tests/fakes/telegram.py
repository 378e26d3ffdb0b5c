"""A local fake of the Telegram Bot API (the subset lacak's bot and alerts use)."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.server import FakeServer, Fault

BOT_ID = 700001
BOT_USERNAME = "lacak_admin_bot"


@dataclass
class Sent:
    """Something the bot sent to a chat."""

    method: str
    chat_id: int
    text: str | None = None
    parse_mode: str | None = None
    file_bytes: bytes | None = None
    caption: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def ok(result: Any) -> JSONResponse:
    """Telegram's success envelope."""
    return JSONResponse({"ok": True, "result": result})


def error(code: int, description: str, **parameters: Any) -> JSONResponse:
    """Telegram's error envelope."""
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=code)


class FakeTelegram(FakeServer):
    """getMe, getUpdates, sendMessage, sendPhoto, sendDocument, webhooks; 429 and bad tokens."""

    def __init__(self, token: str = "123456:TEST-TOKEN", port: int | None = None) -> None:
        super().__init__(port)
        self.token = token
        self.sent: list[Sent] = []
        self.webhook_url = ""
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._updates_lock = threading.Lock()
        self._method_faults: dict[str, list[Fault]] = {}
        self.route("/bot{token}/{method}", self._dispatch, ["GET", "POST"])

    @property
    def api_base(self) -> str:
        """What TELEGRAM_API_BASE_URL should be set to."""
        return self.url

    # --- test helpers ------------------------------------------------------------------
    def push_command(self, user_id: int, text: str, username: str | None = None) -> int:
        """Queue a private-chat message from `user_id` (as if they typed `text`)."""
        update_id = next(self._update_ids)
        entity_len = len(text.split()[0]) if text.startswith("/") else 0
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": f"user{user_id}"},
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}",
                     "username": username or f"user{user_id}"},
            "text": text,
        }  # fmt: skip
        if entity_len:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": entity_len}]
        with self._updates_lock:
            self._updates.append({"update_id": update_id, "message": message})
        return update_id

    def inject_for(self, method: str, kind: str, count: int = 1, **options: Any) -> None:
        """Make the next `count` calls of one Bot API method fail as `kind`."""
        with self._updates_lock:
            queue = self._method_faults.setdefault(method, [])
            queue.extend(Fault(kind, **options) for _ in range(count))

    def sent_to(self, chat_id: int) -> list[Sent]:
        """Everything sent to one chat, in order."""
        return [s for s in list(self.sent) if s.chat_id == chat_id]

    async def wait_for(self, predicate: Any, within: float = 10.0) -> list[Sent]:
        """Wait until `predicate(self.sent)` holds; return what was sent."""
        deadline = time.monotonic() + within
        while not predicate(list(self.sent)):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; sent so far: {self.sent}")
            await asyncio.sleep(0.02)
        return list(self.sent)

    # --- wire format ---------------------------------------------------------------------
    def render_fault(self, fault: Fault) -> Response:
        if fault.kind == "429":
            wait = int(fault.retry_after or 1)
            return error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        if fault.kind == "forbidden":
            return error(403, "Forbidden: bot was blocked by the user")
        return error(400, f"Bad Request: {fault.kind}")

    async def _params(self, request: Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query_params)
        files: dict[str, bytes] = {}
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            params.update(json.loads(await request.body() or b"{}"))
            return params, files
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[key] = await value.read()
            else:
                params[key] = _decode(value)
        return params, files

    async def _dispatch(self, request: Request, _body: bytes) -> Response:
        if request.path_params["token"] != self.token:
            return error(401, "Unauthorized")
        method = request.path_params["method"]
        with self._updates_lock:
            queue = self._method_faults.get(method)
            fault = queue.pop(0) if queue else None
        if fault is not None:
            return self.render_fault(fault)
        params, files = await self._params(request)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return error(404, f"Not Found: method {method} not found")
        return await handler(params, files)  # type: ignore[no-any-return]

    async def _m_getMe(self, params: dict[str, Any], files: dict[str, bytes]) -> Response:
        me = {"id": BOT_ID, "is_bot": True, "first_name": "lacak", "username": BOT_USERNAME}
        return ok(me)

    async def _m_getUpdates(self, params: dict[str, Any], files: dict[str, bytes]) -> Response:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 0.5)
        deadline = time.monotonic() + wait
        while True:
            with self._updates_lock:
                # Confirming an offset drops everything before it, as Telegram does.
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                pending = list(self._updates)
            if pending or time.monotonic() >= deadline:
                return ok(pending)
            await asyncio.sleep(0.02)

    async def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Response:
        self.webhook_url = ""
        return ok(True)

    async def _m_setWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Response:
        self.webhook_url = str(params.get("url", ""))
        return ok(True)

    async def _m_getWebhookInfo(self, params: dict[str, Any], files: dict[str, bytes]) -> Response:
        return ok({"url": self.webhook_url, "has_custom_certificate": False,
                   "pending_update_count": 0})  # fmt: skip

    async def _m_sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Response:
        chat_id = int(params["chat_id"])
        text = str(params.get("text", ""))
        if not text:
            return error(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return error(400, "Bad Request: message is too long")
        self.sent.append(Sent("sendMessage", chat_id, text, params.get("parse_mode")))
        return ok(self._message(chat_id, text=text))

    async def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, bytes]) -> Response:
        return await self._file("sendPhoto", "photo", params, files)

    async def _m_sendDocument(self, params: dict[str, Any], files: dict[str, bytes]) -> Response:
        return await self._file("sendDocument", "document", params, files)

    async def _file(
        self, method: str, field_name: str, params: dict[str, Any], files: dict[str, bytes]
    ) -> Response:
        chat_id = int(params["chat_id"])
        data = files.get(field_name)
        if data is None:
            return error(400, f"Bad Request: there is no {field_name} in the request")
        caption = params.get("caption")
        self.sent.append(Sent(method, chat_id, file_bytes=data, caption=caption))
        return ok(self._message(chat_id, caption=caption))

    def _message(self, chat_id: int, **extra: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "lacak"},
            **{k: v for k, v in extra.items() if v is not None},
        }


def _decode(value: str) -> Any:
    # PTB sends every non-file parameter JSON-encoded as a form field.
    try:
        return json.loads(value)
    except (ValueError, TypeError):
        return value
