"""Request bodies have a size limit, checked while they are read (never buffered whole first).

A declared `Content-Length` over the limit is answered 413 before the body is read at all;
a chunked or lying body is cut off as soon as the bytes received pass the limit. Limits are
settings (docs/limits.md): one for webhooks, one for everything else.

Starlette's own `RequestBodyLimitMiddleware` (FastAPI's `max_body_size`) was measured and
not chosen: it answers a declared oversize body with text/plain outside the app's error
handlers, and its per-route limits are fixed when the routes are imported, while lacak's
limits are settings and every error is problem+json.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBLEM_JSON = b"application/problem+json"


class BodyTooLarge(HTTPException):
    """The request body passed its limit; rendered as a 413 problem+json."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"The request body is larger than the {limit:,} bytes this endpoint accepts.",
        )


class BodyLimit:
    """ASGI middleware: the first matching path prefix sets the limit, else `default`."""

    def __init__(
        self, app: ASGIApp, *, default: int, prefixes: Sequence[tuple[str, int]] = ()
    ) -> None:
        self.app = app
        self.default = default
        self.prefixes = tuple(prefixes)

    def limit_for(self, path: str) -> int:
        """The byte limit for a request path."""
        for prefix, limit in self.prefixes:
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised inside the app's own read: its error handling answers 413.
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    problem = BodyTooLarge(limit)
    body = json.dumps(
        {"type": "about:blank", "title": "Content too large", "status": 413,
         "detail": problem.detail}
    ).encode()  # fmt: skip
    headers = [
        (b"content-type", PROBLEM_JSON),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
