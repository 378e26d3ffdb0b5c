"""Finding customers and vehicles by what a person types: a name, a phone, a plate.

A phone is found in any form people type it (`0812-3456-7890`, `+62 812 3456 7890`,
`62812…`, `812…`, or a part of it), because the search is normalised the way stored phones
are (`62812…`, workshop/phones.py). A plate is found in any spacing and case (`b1234xyz`,
`b 1234 xyz`): spaces and dashes are ignored on both sides. `%` and `_` are literal.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from lacak.workshop.limits import check_search
from lacak.workshop.models import Customer, Vehicle, WhatsappReport

# Only digits and what people put between them (as phones.py strips), `+` in front.
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-.()/]+$")
_PLATE_NOISE = re.compile(r"[\s\-.]")
# Fewer digits than this would match most phones of the table: not searched as a phone.
_MIN_PHONE_DIGITS = 3


def phone_needle(q: str) -> str | None:
    """The digits to look for in stored phones (`0812-34` → `6281234`), or None."""
    text = q.strip()
    if not _PHONE_LIKE.match(text):
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < _MIN_PHONE_DIGITS:
        return None
    if text.startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return "62" + digits[1:]
    return digits  # 62…, 812… or the middle of a number: found where it occurs


def plate_needle(q: str) -> str:
    """A plate search without spaces or dashes, upper case (`b 1234-xyz` → `B1234XYZ`)."""
    return _PLATE_NOISE.sub("", q).upper()


def _plate_column() -> ColumnElement[str]:
    no_pol: Any = Vehicle.no_pol
    for noise in (" ", "-", "."):
        no_pol = func.replace(no_pol, noise, "")
    return no_pol


def customer_match(q: str) -> ColumnElement[bool]:
    """A customer whose name holds `q` or whose phone holds the number `q` is."""
    conds: list[ColumnElement[bool]] = [
        func.lower(Customer.name).contains(q.strip().lower(), autoescape=True)
    ]
    if (phone := phone_needle(q)) is not None:
        conds.append(Customer.phone.contains(phone, autoescape=True))
    return or_(*conds)


def vehicle_match(q: str, *, model: bool = False) -> ColumnElement[bool]:
    """A vehicle whose plate holds `q` (spacing and case ignored), or its model with `model`."""
    plate = plate_needle(q)
    conds: list[ColumnElement[bool]] = []
    if plate:
        conds.append(_plate_column().contains(plate, autoescape=True))
    if model:
        needle = " ".join(q.upper().split())
        conds.append(func.upper(Vehicle.model).contains(needle, autoescape=True))
    return or_(*conds) if conds else false()


def pair_match(q: str) -> ColumnElement[bool]:
    """A customer+vehicle pair found by the customer's name or phone, or the plate."""
    return or_(customer_match(q), vehicle_match(q))


def _pair_columns() -> list[Any]:
    return [
        WhatsappReport.id.label("id"),
        Customer.id.label("id_customer"),
        Customer.name.label("customer_name"),
        Customer.phone.label("customer_phone"),
        Vehicle.model.label("vehicle_model"),
        Vehicle.no_pol.label("vehicle_nopol"),
        WhatsappReport.last_message_date.label("last_message_date"),
        func.coalesce(WhatsappReport.frequency, 0).label("frequency"),
    ]


async def search_pairs(
    session: AsyncSession, q: str, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Every customer+vehicle pair `q` finds, with its whatsapp_report figures when it has any.

    The dashboard's report search used to look only at pairs already in whatsapp_report, so
    a customer never messaged could not be found. Rows: each customer with each vehicle it
    owns (a customer without vehicles once, plate null), plus report rows of a vehicle that
    has since moved to another owner; frequency 0 and no last message where nothing was sent.
    Ordered by name, then plate.
    """
    check_search(q)
    cond = pair_match(q)
    owned = (
        select(*_pair_columns())
        .select_from(Customer)
        .outerjoin(Vehicle, Vehicle.customer_id == Customer.id)
        .outerjoin(
            WhatsappReport,
            and_(
                WhatsappReport.id_customer == Customer.id,
                WhatsappReport.id_vehicle == Vehicle.id,
            ),
        )
        .where(cond)
    )
    moved = (
        select(*_pair_columns())
        .select_from(WhatsappReport)
        .join(Customer, Customer.id == WhatsappReport.id_customer)
        .join(Vehicle, Vehicle.id == WhatsappReport.id_vehicle)
        .where(Vehicle.customer_id != WhatsappReport.id_customer, cond)
    )
    pairs = union_all(owned, moved).subquery()
    total = await session.scalar(select(func.count()).select_from(pairs))
    rows = await session.execute(
        select(pairs)
        .order_by(
            pairs.c.customer_name,
            pairs.c.id_customer,
            func.coalesce(pairs.c.vehicle_nopol, ""),
        )
        .limit(limit)
        .offset(offset)
    )
    return [dict(r._mapping) for r in rows], int(total or 0)
