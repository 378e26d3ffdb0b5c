"""lacak: tracking and reporting for chat-bot businesses.

Bots embed lacak through `lacak.Tracker` (see `lacak.signals.tracker`).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Lazy so `import lacak` stays cheap for the CLI and for bots that only track.
    if name == "Tracker":
        from lacak.signals.tracker import Tracker

        return Tracker
    raise AttributeError(name)


__all__ = ["Tracker", "__version__"]
