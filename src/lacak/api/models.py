"""Tables of the token-check throttle: one row per failed attempt, one per active lockout."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lacak.db import Base, BigIntPK, UTCDateTime

# The lockout row of the cluster-wide ceiling (a client key is an address, never this).
GLOBAL = "*"


class AuthFailure(Base):
    """One wrong token (bearer header or dashboard login); never the token itself."""

    __tablename__ = "auth_failures"
    __table_args__ = (Index("ix_auth_failures_client_at", "client", "at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    # IPv4 address, IPv6 /64 network, or the peer name when it is not an address.
    client: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AuthLockout(Base):
    """A client (or, with client `*`, everyone) refused until `locked_until`."""

    __tablename__ = "auth_lockouts"

    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    # How many lockouts in a row (each one twice as long); kept for a day after the last.
    strikes: Mapped[int] = mapped_column(Integer, default=1)
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime)
