"""A dispatcher in its own process, for the multi-process and SIGKILL tests.

`python -m tests.messaging.worker URL MODE [options]`; MODE `bulk` queues `--count`
console messages over the existing customer+vehicle pairs then drains the queue; MODE
`drain` keeps draining (real clock) until nothing is pending.
"""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy import select

from lacak.clock import Clock
from lacak.config import Settings
from lacak.db import Database, session_scope
from lacak.messaging import service
from lacak.messaging.dispatcher import dispatch_pending
from lacak.messaging.schemas import EnqueueItem
from lacak.workshop.models import Customer, Vehicle


async def bulk(db: Database, settings: Settings, clock: Clock, worker: int, count: int) -> None:
    async with session_scope(db) as session:
        pairs = (await session.execute(
            select(Customer.id, Vehicle.id, Customer.phone)
            .join(Vehicle, Vehicle.customer_id == Customer.id).order_by(Customer.phone)
        )).all()  # fmt: skip
        items = [
            EnqueueItem(pairs[n % len(pairs)][2], "reminder", f"w{worker}:{n}", body="x",
                        customer_id=pairs[n % len(pairs)][0],
                        vehicle_id=pairs[n % len(pairs)][1], provider="console")
            for n in range(count)
        ]  # fmt: skip
        await service.enqueue_many(session, items, now=clock.now())
    await drain(db, settings, clock)


async def drain(db: Database, settings: Settings, clock: Clock) -> None:
    # Poll: messages whose lease a killed sender left behind become due later.
    while True:
        if not (await dispatch_pending(db, settings, clock)).remaining:
            return
        await asyncio.sleep(0.1)


async def main_async(args: argparse.Namespace) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=args.url,
        whatsapp_provider=args.provider,
        whatsapp_cloud_base_url=args.cloud_url,
        whatsapp_cloud_token="cloud-test-token",  # type: ignore[arg-type]
        whatsapp_cloud_phone_number_id="1234567890",
        fonnte_base_url=args.fonnte_url,
        fonnte_token="fonnte-test-token",  # type: ignore[arg-type]
        messaging_rate_console=100000,
        messaging_rate_cloud=args.rate,
        messaging_rate_fonnte=args.rate,
        messaging_concurrency=args.concurrency,
        messaging_recipient_interval_seconds=0,
        messaging_lease_seconds=args.lease,
        messaging_batch_size=args.batch,
    )
    db = Database(args.url)
    clock = Clock("Asia/Jakarta")
    try:
        if args.mode == "bulk":
            await bulk(db, settings, clock, args.worker, args.count)
        else:
            await drain(db, settings, clock)
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("mode", choices=["bulk", "drain"])
    parser.add_argument("--worker", type=int, default=0)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--provider", default="console")
    parser.add_argument("--cloud-url", default="http://127.0.0.1:9")
    parser.add_argument("--fonnte-url", default="http://127.0.0.1:9")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--lease", type=float, default=120)
    parser.add_argument("--batch", type=int, default=200)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
