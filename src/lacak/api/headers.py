"""Security headers on every response (CSP and friends on dashboard pages, HSTS on HTTPS)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The dashboard loads only its own CSS, JS and SVG: nothing inline, nothing from elsewhere,
# never inside a frame, forms post only back to us.
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DASHBOARD_HEADERS = {
    "content-security-policy": DASHBOARD_CSP,
    "x-frame-options": "DENY",
    # Dashboard URLs carry searches (names, phone numbers): never hand them to other sites.
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000"
STATIC_PREFIX = "/dashboard/static/"


class SecurityHeaders:
    """nosniff everywhere, no-store on data, CSP and friends on dashboard pages, HSTS on HTTPS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response start message."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        dashboard = path.startswith("/dashboard")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("x-content-type-options", "nosniff")
                # Responses carry business data (or a session): no browser or proxy cache,
                # unless the endpoint chose its own policy (static assets do).
                headers.setdefault("cache-control", "no-store")
                if dashboard and not path.startswith(STATIC_PREFIX):
                    for name, value in DASHBOARD_HEADERS.items():
                        headers.setdefault(name, value)
                if https:
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
