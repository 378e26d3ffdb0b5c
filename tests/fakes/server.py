"""A tiny base for local fake HTTP servers: uvicorn in a thread, request log, fault queue.

Subclasses build a Starlette app with `self.route(...)`; every request is recorded, and
`inject(kind, count)` makes the next `count` requests fail as `kind`, or a provider-specific
kind the subclass renders in its own wire format. Generic kinds, as real servers fail:
- "500": an error answer, the request not processed;
- "timeout": processed, but answered only after `delay` seconds (the client gives up);
- "drop": processed, then the connection is closed without any answer;
- "drop_unprocessed": the connection is closed without processing (the client cannot
  tell this from "drop");
- "slow": processed and answered normally after `delay` seconds;
- "hold": processed and answered once the test calls `release()` (at most 60 s).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import Counter, deque
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


class DeliveryLog:
    """Every message a fake provider accepted, counted by (recipient, text).

    Real WhatsApp providers do not de-duplicate: each request they accept is one more
    message on the customer's phone, so `most_per_message() > 1` means a customer got the
    same message twice.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[tuple[str, str]] = Counter()
        self.ids: dict[tuple[str, str], list[str]] = {}

    def add(self, recipient: str, text: str, provider_id: str) -> None:
        """Count one accepted message under the id the provider answered with."""
        with self._lock:
            self.counts[(recipient, text)] += 1
            self.ids.setdefault((recipient, text), []).append(provider_id)

    def clear(self) -> None:
        """Forget everything (between tests)."""
        with self._lock:
            self.counts.clear()
            self.ids.clear()

    @property
    def total(self) -> int:
        """Messages accepted, repeats included."""
        return sum(self.counts.values())

    @property
    def distinct(self) -> int:
        """Different messages accepted."""
        return len(self.counts)

    @property
    def duplicates(self) -> int:
        """Accepted messages that repeated one accepted before."""
        return self.total - self.distinct

    def most_per_message(self) -> int:
        """How often the most repeated message arrived (0 when none did)."""
        return max(self.counts.values(), default=0)

    def id_of(self, recipient: str, text: str) -> str | None:
        """The provider id of the only delivery of this message (None if not exactly one)."""
        found = self.ids.get((recipient, text), [])
        return found[0] if len(found) == 1 else None


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
        self._released = threading.Event()

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
            if fault is None:
                return await handler(request, body)
            generic = await self._generic_fault(fault, request, body, handler)
            if generic is not None:
                return generic
            return self.render_fault(fault)

        self._routes.append(Route(path, endpoint, methods=methods))

    def inject(self, kind: str, count: int = 1, **options: Any) -> None:
        """Make the next `count` requests fail as `kind`."""
        with self._lock:
            if kind == "hold":
                self._released.clear()
            for _ in range(count):
                self._faults.append(Fault(kind, **options))

    def release(self) -> None:
        """Let every held request be answered."""
        self._released.set()

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    async def _generic_fault(
        self, fault: Fault, request: Request, body: bytes, handler: Handler
    ) -> Response | None:
        if fault.kind == "timeout":
            answer = await handler(request, body)
            await asyncio.sleep(fault.delay or 5.0)
            return answer
        if fault.kind == "slow":
            await asyncio.sleep(fault.delay)
            return await handler(request, body)
        if fault.kind == "hold":
            answer = await handler(request, body)
            await asyncio.to_thread(self._released.wait, 60)
            return answer
        if fault.kind == "drop":
            await handler(request, body)
            self._drop(request)
            return Response(status_code=204)  # written to a closed socket: never arrives
        if fault.kind == "drop_unprocessed":
            self._drop(request)
            return Response(status_code=204)
        if fault.kind == "500":
            return JSONResponse({"error": {"message": "internal"}}, status_code=500)
        return None

    def _drop(self, request: Request) -> None:
        # Close this request's TCP connection before anything is written: the client sees
        # the server disconnect without an answer, as after a crash or a proxy reset.
        assert self._server is not None and request.client is not None
        peer = (request.client.host, request.client.port)
        for connection in list(self._server.server_state.connections):
            if tuple(connection.client or ()) == peer:
                connection.transport.close()

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
        deadline = time.monotonic() + 60  # a loaded CI box, not a speed check
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
