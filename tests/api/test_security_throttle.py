"""Bearer-token checks are throttled per client and globally, shared through the database."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import event, func, select

from lacak.api.models import AuthFailure
from lacak.config import Settings
from lacak.db import Database, session_scope
from tests.conftest import FIXED_NOW, TEST_TOKEN
from tests.security_util import PROTECTED, MovableClock, bearer, client_at, make_app

pytestmark = pytest.mark.hostile

ATTACKER, BYSTANDER = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def clock() -> MovableClock:
    """The app clock, moved by the tests instead of sleeping."""
    return MovableClock(FIXED_NOW)


async def test_brute_force_gets_429_with_retry_after(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app, ATTACKER) as attacker:
        answers = [await attacker.get(PROTECTED, headers=bearer(f"guess-{i}")) for i in range(8)]
    assert [r.status_code for r in answers] == [401] * 4 + [429] * 4
    locked = answers[-1]
    assert locked.headers["content-type"].startswith("application/problem+json")
    assert locked.headers["retry-after"] == "300"
    assert "try again in 300 seconds" in locked.json()["detail"]
    # Once locked, guesses are refused before they are compared: none is stored.
    async with session_scope(db) as session:
        stored = await session.scalar(select(func.count()).select_from(AuthFailure))
    assert stored == 5


async def test_right_token_is_refused_until_the_lockout_ends(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app, ATTACKER) as attacker:
        for i in range(5):
            await attacker.get(PROTECTED, headers=bearer(f"guess-{i}"))
        clock.advance(minutes=4)
        still = await attacker.get(PROTECTED, headers=bearer(TEST_TOKEN))
        assert still.status_code == 429 and still.headers["retry-after"] == "60"
        clock.advance(minutes=1)
        assert (await attacker.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 200


async def test_another_client_is_unaffected(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app, ATTACKER) as attacker, client_at(app, BYSTANDER) as bystander:
        for i in range(6):
            await attacker.get(PROTECTED, headers=bearer(f"guess-{i}"))
        assert (await bystander.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 200
        # Its own mistakes are counted on its own, from zero.
        slip = await bystander.get(PROTECTED, headers=bearer("typo"))
        assert slip.status_code == 401
        # ...and its success did not reset the attacker's count.
        assert (await attacker.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 429


async def test_two_app_instances_share_the_count(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    first, second = make_app(settings, clock, db), make_app(settings, clock, db)
    async with client_at(first, ATTACKER) as via_first, client_at(second, ATTACKER) as via_second:
        for i in range(3):
            assert (await via_first.get(PROTECTED, headers=bearer(f"a{i}"))).status_code == 401
        assert (await via_second.get(PROTECTED, headers=bearer("b0"))).status_code == 401
        # The fifth failure overall, the second one this instance has seen: locked.
        assert (await via_second.get(PROTECTED, headers=bearer("b1"))).status_code == 429
        # The first instance learns it from the database (it has seen this client fail).
        assert (await via_first.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 429
    third = make_app(settings, clock, db)
    async with client_at(third, ATTACKER) as via_third:
        assert (await via_third.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 429


async def test_each_further_failure_doubles_the_lockout(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db, auth_lockout_max_seconds=1000)
    waits = []
    async with client_at(app, ATTACKER) as attacker:
        for i in range(5):
            last = await attacker.get(PROTECTED, headers=bearer(f"guess-{i}"))
        waits.append(int(last.headers["retry-after"]))
        for _ in range(3):
            clock.advance(seconds=waits[-1])
            last = await attacker.get(PROTECTED, headers=bearer("one-more"))
            assert last.status_code == 429
            waits.append(int(last.headers["retry-after"]))
        assert waits == [300, 600, 1000, 1000]
        # A day after the last lockout ended, the client starts from a clean slate.
        clock.advance(seconds=1000)
        clock.advance(days=1)
        assert (await attacker.get(PROTECTED, headers=bearer("fresh"))).status_code == 401


async def test_global_ceiling_refuses_new_clients_but_not_known_good_ones(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(
        settings, clock, db, auth_max_failures=100, auth_global_max_failures=6,
        auth_global_window_seconds=600,
    )  # fmt: skip
    async with client_at(app, "192.0.2.200") as regular:
        assert (await regular.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 200
        statuses = []
        for i in range(6):
            async with client_at(app, f"192.0.2.{i + 1}") as bot:
                statuses.append((await bot.get(PROTECTED, headers=bearer("x"))).status_code)
        assert statuses == [401] * 5 + [429]
        async with client_at(app, "192.0.2.99") as newcomer:
            refused = await newcomer.get(PROTECTED, headers=bearer(TEST_TOKEN))
            assert refused.status_code == 429 and "all clients" in refused.json()["detail"]
            assert refused.headers["retry-after"] == "600"
            # A client that showed the right token before keeps working during the ceiling.
            assert (await regular.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 200
            clock.advance(seconds=600)
            assert (await newcomer.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 200


async def test_failed_attempts_are_logged_without_the_token(
    settings: Settings, clock: MovableClock, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(settings, clock, db)
    secret_guess = "almost-the-token-" + TEST_TOKEN[:10]
    with caplog.at_level(logging.WARNING, logger="lacak.auth"):
        async with client_at(app, ATTACKER) as attacker:
            for _ in range(5):
                await attacker.get(PROTECTED + "?x=1", headers=bearer(secret_guess))
    lines = [r.getMessage() for r in caplog.records if r.name == "lacak.auth"]
    failed = [line for line in lines if line.startswith("authentication failed")]
    assert len(failed) == 5
    assert f"client={ATTACKER} path={PROTECTED} at={FIXED_NOW.isoformat()}" in failed[0]
    assert any("locked out until" in line for line in lines)
    assert not any(secret_guess[:8] in line or TEST_TOKEN[:8] in line for line in lines)


async def test_success_writes_nothing_and_a_clean_client_reads_nothing(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db, auth_sync_seconds=3600)
    statements: list[str] = []

    def _seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "auth_" in statement:
            statements.append(statement)

    async with client_at(app, BYSTANDER) as good:
        assert (await good.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 200
        event.listen(db.engine.sync_engine, "before_cursor_execute", _seen)
        try:
            for _ in range(20):
                assert (await good.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 200
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", _seen)
    assert statements == []


async def test_a_request_without_a_token_is_not_a_guess(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app, BYSTANDER) as curl:
        for _ in range(10):
            missing = await curl.get(PROTECTED)
            assert missing.status_code == 401 and "Missing bearer token" in missing.text
        assert (await curl.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 200


async def test_ipv6_clients_are_counted_per_64_network(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    for i in range(5):
        async with client_at(app, f"2001:db8:1:2::{i + 1:x}") as hopper:
            await hopper.get(PROTECTED, headers=bearer("guess"))
    async with client_at(app, "2001:db8:1:2:ffff::9") as same_net:
        assert (await same_net.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 429
    async with client_at(app, "2001:db8:1:3::1") as other_net:
        assert (await other_net.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 200


async def test_forwarded_for_counts_only_from_a_trusted_proxy(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db, trusted_proxies=["10.0.0.5"])
    # An untrusted peer cannot dodge its lockout by inventing X-Forwarded-For addresses.
    async with client_at(app, ATTACKER) as attacker:
        for i in range(5):
            fake = {"X-Forwarded-For": f"192.0.2.{i}"}
            await attacker.get(PROTECTED, headers={**bearer("guess"), **fake})
        assert (await attacker.get(PROTECTED, headers=bearer(TEST_TOKEN))).status_code == 429
    # Behind the trusted proxy, each forwarded client has its own count.
    async with client_at(app, "10.0.0.5") as proxy:
        for _ in range(5):
            await proxy.get(PROTECTED, headers={**bearer("guess"), "X-Forwarded-For": "192.0.2.50"})
        other = {**bearer(TEST_TOKEN), "X-Forwarded-For": "192.0.2.51"}
        assert (await proxy.get(PROTECTED, headers=other)).status_code == 200
        locked = {**bearer(TEST_TOKEN), "X-Forwarded-For": "192.0.2.50"}
        assert (await proxy.get(PROTECTED, headers=locked)).status_code == 429


async def test_a_locked_out_brute_force_is_refused_without_touching_the_database(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db, auth_sync_seconds=3600)
    statements: list[str] = []

    def _seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    async with client_at(app, ATTACKER) as attacker:
        for i in range(5):
            await attacker.get(PROTECTED, headers=bearer(f"guess-{i}"))
        event.listen(db.engine.sync_engine, "before_cursor_execute", _seen)
        try:
            answers = [
                await attacker.get(PROTECTED, headers=bearer(f"more-{i}")) for i in range(50)
            ]
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", _seen)
    assert {r.status_code for r in answers} == {429}
    assert statements == []


async def test_parallel_guesses_are_not_compared_beyond_the_limit(
    settings: Settings, clock: MovableClock, db: Database
) -> None:
    app = make_app(settings, clock, db)
    async with client_at(app, ATTACKER) as attacker:
        answers = await asyncio.gather(
            *(attacker.get(PROTECTED, headers=bearer(f"burst-{i}")) for i in range(20))
        )
    codes = sorted(r.status_code for r in answers)
    assert codes == [401] * 4 + [429] * 16
    async with session_scope(db) as session:
        compared = await session.scalar(select(func.count()).select_from(AuthFailure))
    assert compared == 5
