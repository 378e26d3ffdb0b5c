"""Dry-run provider: logs the message (phone masked) and accepts it with a local id."""

from __future__ import annotations

import logging
import uuid

from lacak.logredact import mask_phone
from lacak.messaging.providers.base import Accepted, OutboundMessage, SendResult

log = logging.getLogger("lacak.messaging.console")


class ConsoleProvider:
    """Prints instead of sending; the default until a real provider is configured."""

    name = "console"
    # Nothing leaves the process, so "sending twice" is only a second log line.
    dedupes = True

    async def send(self, message: OutboundMessage) -> SendResult:
        """Log the message and accept it."""
        if message.body is not None:
            content = message.body
        else:
            assert message.template is not None
            params = ", ".join(message.template.parameters)
            content = f"[template {message.template.name}/{message.template.language}: {params}]"
        log.info("WhatsApp (console) to %s: %s", mask_phone(message.recipient), content)
        return Accepted(f"console-{uuid.uuid4().hex}")

    async def aclose(self) -> None:
        """Nothing to release."""
