"""The workshop search: any customer, a phone in any form, a plate in any spacing; both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from lacak.db import Database, session_scope
from lacak.workshop import report as workshop_report
from lacak.workshop.models import Customer, Vehicle, WhatsappReport
from lacak.workshop.search import phone_needle, plate_needle, search_pairs

SENT = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)


async def _seed(db: Database) -> None:
    """Budi (two cars, one messaged), Siti (never messaged), Eko (no vehicle), Rina (50%)."""
    async with session_scope(db) as session:
        budi = Customer(name="Budi Santoso", phone="6281234567890")
        siti = Customer(name="Siti Rahma", phone="6281311112222")
        eko = Customer(name="Eko Prasetyo", phone="6285700001111")
        rina = Customer(name="Rina 50%_off", phone="6289911112222")
        session.add_all([budi, siti, eko, rina])
        await session.flush()
        avanza = Vehicle(customer_id=budi.id, no_pol="B 1234 XYZ", model="Avanza")
        nmax = Vehicle(customer_id=budi.id, no_pol="B 5 NMX", model="NMAX")
        beat = Vehicle(customer_id=siti.id, no_pol="D 77 AB", model="Beat")
        # Sold by Siti to Rina after Siti was messaged about it: the report pair stays.
        brio = Vehicle(customer_id=rina.id, no_pol="F 9 Z", model="Brio")
        session.add_all([avanza, nmax, beat, brio])
        await session.flush()
        session.add_all(
            [
                WhatsappReport(id_customer=budi.id, id_vehicle=avanza.id, frequency=3,
                               lifetime_frequency=3, last_message_date=SENT),
                WhatsappReport(id_customer=siti.id, id_vehicle=brio.id, frequency=1,
                               lifetime_frequency=1, last_message_date=SENT),
            ]
        )  # fmt: skip


async def _found(db: Database, q: str) -> list[tuple[str, str | None, int]]:
    async with session_scope(db) as session:
        rows, total = await search_pairs(session, q, limit=50, offset=0)
    assert total == len(rows)
    return [(r["customer_name"], r["vehicle_nopol"], r["frequency"]) for r in rows]


@pytest.mark.parametrize(
    "q",
    ["0812-3456-7890", "081234567890", "+62 812 3456 7890", "62812 3456 7890", "812-3456-7890",
     "(0812) 3456 7890", "0062 812 3456 7890", "3456-7890", "budi", "BUDI SAN"],
)  # fmt: skip
async def test_a_phone_in_any_form_or_a_name_finds_every_vehicle_of_the_customer(
    db: Database, q: str
) -> None:
    await _seed(db)
    assert await _found(db, q) == [
        ("Budi Santoso", "B 1234 XYZ", 3),
        ("Budi Santoso", "B 5 NMX", 0),
    ]


@pytest.mark.parametrize("q", ["b 1234 xyz", "B1234XYZ", "b  1234xyz", "b-1234-xyz", "1234 x"])
async def test_a_plate_in_any_spacing_or_case_finds_its_pair(db: Database, q: str) -> None:
    await _seed(db)
    assert await _found(db, q) == [("Budi Santoso", "B 1234 XYZ", 3)]


async def test_customers_never_messaged_and_without_vehicles_are_found(db: Database) -> None:
    await _seed(db)
    # Not in whatsapp_report at all: the old search found nothing for these.
    assert await _found(db, "siti") == [("Siti Rahma", "D 77 AB", 0), ("Siti Rahma", "F 9 Z", 1)]
    assert await _found(db, "0813 1111") == await _found(db, "siti")
    assert await _found(db, "eko") == [("Eko Prasetyo", None, 0)]
    assert await _found(db, "d77ab") == [("Siti Rahma", "D 77 AB", 0)]
    # The moved vehicle: its new owner with it (never messaged), and the old report pair.
    assert await _found(db, "f 9 z") == [("Rina 50%_off", "F 9 Z", 0), ("Siti Rahma", "F 9 Z", 1)]


async def test_wildcards_are_literal_and_letters_do_not_search_phones(db: Database) -> None:
    await _seed(db)
    assert await _found(db, "50%_") == [("Rina 50%_off", "F 9 Z", 0)]
    assert await _found(db, "%") == [("Rina 50%_off", "F 9 Z", 0)]
    assert await _found(db, "_") == [("Rina 50%_off", "F 9 Z", 0)]
    # "B 1234" holds the digits 1234, which Budi's phone also holds: only the plate counts.
    async with session_scope(db) as session:
        rows, _ = await workshop_report.list_details(session, limit=50, offset=0, q="B 5 N")
    assert [r["vehicle_nopol"] for r in rows] == []  # in no report row
    assert await _found(db, "zzz") == []


async def test_pages_of_the_search(db: Database) -> None:
    await _seed(db)
    async with session_scope(db) as session:
        first, total = await search_pairs(session, "628", limit=2, offset=0)
        second, again = await search_pairs(session, "628", limit=2, offset=2)
    everyone = await _found(db, "628")
    assert total == again == len(everyone) == 6
    assert [r["vehicle_nopol"] for r in first + second] == [p for _, p, _ in everyone[:4]]


def test_needles() -> None:
    assert phone_needle("0812-3456") == "628123456"
    assert phone_needle("+62 (812) 3456") == "628123456"
    assert phone_needle("0062812") == "62812"
    assert phone_needle("7890") == "7890"
    assert phone_needle("12") is None and phone_needle("B 1234") is None
    assert plate_needle(" b 1234-xy ") == "B1234XY"


async def test_the_api_lists_use_the_same_rules(client: httpx.AsyncClient, db: Database) -> None:
    await _seed(db)
    for q in ("+62 812-3456-7890", "0812 3456", "budi"):
        names = [
            c["name"] for c in (await client.get("/customers", params={"q": q})).json()["items"]
        ]
        assert names == ["Budi Santoso"], q
    for q in ("b1234xyz", "b 1234 xyz", "avanza"):
        plates = [
            v["no_pol"] for v in (await client.get("/vehicles", params={"q": q})).json()["items"]
        ]
        assert plates == ["B 1234 XYZ"], q
