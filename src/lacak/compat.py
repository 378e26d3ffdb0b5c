"""Drop-in replacements for the old bot's tracking functions: switch by changing one import.

    from lacak.compat import (
        get_current_winrate, track_signal_given, track_user_command, update_signal_outcome,
    )

They share one process-wide `Tracker` configured from the environment (`LACAK_DATABASE_URL`,
`LACAK_TIMEZONE`), created on first use and flushed when the process exits.
"""

from __future__ import annotations

import logging
import threading

from lacak.config import get_settings
from lacak.signals.tracker import Tracker, TrackerNotReady
from lacak.signals.tracker_reads import LEGACY_FIELDS

log = logging.getLogger("lacak.tracker")
_lock = threading.Lock()
_default: Tracker | None = None


def default_tracker() -> Tracker:
    """The shared Tracker, created from the environment on first use."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = Tracker(get_settings())
    return _default


def set_default_tracker(tracker: Tracker | None) -> Tracker | None:
    """Use `tracker` for the module functions (None: back to the env default); returns the old."""
    global _default
    with _lock:
        old, _default = _default, tracker
    return old


def track_user_command(
    user_id: int, username: str | None, command: str, symbol: str | None = None,
    timeframe: str | None = None,
) -> None:  # fmt: skip
    """Log one command a user sent (buffered; never raises)."""
    default_tracker().track_command(user_id, username, command, symbol, timeframe)


def track_signal_given(
    user_id: int, symbol: str, timeframe: str, entry_price: float, tp1: float, tp2: float,
    sl: float, signal_type: str = "LONG",
) -> str | None:  # fmt: skip
    """Record a signal given to a user; returns its id (None when the signal is invalid)."""
    return default_tracker().record_signal(
        user_id, symbol, timeframe, entry_price, tp1, tp2, sl, side=signal_type
    )


def update_signal_outcome(signal_id: str, hit_tp: bool, pnl_percent: float) -> bool:
    """Close a signal as the old bot did: hit_tp True is a WIN, False a LOSS."""
    return default_tracker().record_outcome(signal_id, hit_tp=bool(hit_tp), pnl_percent=pnl_percent)


def get_current_winrate(days: int = 7) -> dict[str, float | int]:
    """The old bot's dict: total_signals, wins, losses, winrate, avg_pnl over the last `days`."""
    try:
        return default_tracker().summary(days)
    except TrackerNotReady as exc:
        # The sentence says why and what to run; a traceback would add nothing.
        log.error("tracker: reading the winrate failed: %s", exc)
        return {name: 0 for name in LEGACY_FIELDS}
    except Exception:
        # The old function never failed a handler; neither does this one.
        log.exception("tracker: reading the winrate failed")
        return {name: 0 for name in LEGACY_FIELDS}
