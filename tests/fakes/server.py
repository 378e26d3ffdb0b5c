"""A tiny base for local fake HTTP servers: uvicorn in a thread, request log, fault queue.

Subclasses build a Starlette app with `self.route(...)`; every request is recorded, and
`inject(kind, count)` makes the next `count` requests fail as `kind` ("500", "timeout",
"429", or a provider-specific kind the subclass renders in its own wire format).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Handler = Callable[[Request, bytes], Awaitable[Response]]


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    query: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass
class Fault:
    """What to do instead of answering normally."""

    kind: str
    retry_after: float | None = None
    delay: float = 0.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeServer:
    """Start/stop a real HTTP server on localhost; subclasses add the provider's routes."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.requests: list[Recorded] = []
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._routes: list[Route] = []
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL of the running server."""
        return f"http://127.0.0.1:{self.port}"

    def route(self, path: str, handler: Handler, methods: list[str]) -> None:
        """Serve `path` with `handler(request, raw_body)`; requests are recorded first."""

        async def endpoint(request: Request) -> Response:
            body = await request.body()
            self.requests.append(
                Recorded(request.method, request.url.path, dict(request.headers), body,
                         dict(request.query_params))
            )  # fmt: skip
            fault = self._next_fault()
            if fault is not None:
                generic = await self._generic_fault(fault)
                if generic is not None:
                    return generic
                return self.render_fault(fault)
            return await handler(request, body)

        self._routes.append(Route(path, endpoint, methods=methods))

    def inject(self, kind: str, count: int = 1, **options: Any) -> None:
        """Make the next `count` requests fail as `kind`."""
        with self._lock:
            for _ in range(count):
                self._faults.append(Fault(kind, **options))

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    async def _generic_fault(self, fault: Fault) -> Response | None:
        if fault.kind == "timeout":
            await asyncio.sleep(fault.delay or 5.0)
            return JSONResponse({"late": True})
        if fault.kind == "500":
            return JSONResponse({"error": {"message": "internal"}}, status_code=500)
        return None

    def render_fault(self, fault: Fault) -> Response:
        """Provider-specific faults (429, permanent, bad_token); subclasses override."""
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        return JSONResponse({"error": fault.kind}, status_code=429, headers=headers)

    def build_app(self) -> Starlette:
        """The Starlette app with every registered route."""
        return Starlette(routes=self._routes)

    def start(self) -> FakeServer:
        """Serve in a background thread; returns once the port accepts connections."""
        config = uvicorn.Config(
            self.build_app(), host="127.0.0.1", port=self.port, log_level="warning",
            lifespan="off", access_log=False,
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Shut the server down."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
