"""Bind the server's listening sockets before anything is announced (`lacak serve`).

The sockets are bound here, then handed to uvicorn: the port is checked by the very bind
that serves it, so no other program can take it in between, and a taken port is one
sentence instead of uvicorn's `[Errno 98]` after "lacak on http://…".
"""

from __future__ import annotations

import errno
import socket

from lacak.cli.text import t


class PortProblem(Exception):
    """The address cannot be listened on; the message says why and what to do."""


def url(host: str, port: int) -> str:
    """`http://HOST:PORT`, with brackets around an IPv6 address."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _hint(port: int) -> str:
    return t("cli.serve.other_port", port=port + 1 if port < 65535 else 8000)


def _problem(host: str, port: int, exc: OSError) -> PortProblem:
    where = url(host, port).removeprefix("http://")
    if exc.errno == errno.EADDRINUSE:
        return PortProblem(t("cli.serve.port_in_use", port=port, host=host, hint=_hint(port)))
    if exc.errno == errno.EACCES:
        return PortProblem(t("cli.serve.not_allowed", where=where, hint=_hint(port)))
    reason = exc.strerror or str(exc)
    return PortProblem(t("cli.serve.cannot_listen", where=where, reason=reason, hint=_hint(port)))


def bind(host: str, port: int) -> list[socket.socket]:
    """Bound (not yet listening) sockets for every address `host` names, as asyncio would."""
    try:
        infos = socket.getaddrinfo(
            host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        raise PortProblem(t("cli.serve.bad_host", host=host, reason=exc.strerror or exc)) from None
    bound: list[socket.socket] = []
    seen: set[tuple[int, object]] = set()
    try:
        for family, kind, proto, _, address in infos:
            if (family, address) in seen:
                continue
            seen.add((family, address))
            sock = socket.socket(family, kind, proto)
            bound.append(sock)
            # Same options as uvicorn/asyncio: a restart may reuse a port in TIME_WAIT.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as exc:
                raise _problem(host, port, exc) from None
            sock.set_inheritable(True)
    except BaseException:
        for sock in bound:
            sock.close()
        raise
    return bound
