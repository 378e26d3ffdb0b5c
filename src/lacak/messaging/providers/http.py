"""An httpx client made of several small connection pools, used round-robin."""

from __future__ import annotations

import itertools
import math
from typing import Any

import httpx

# httpcore walks every connection of a pool (with a readability poll on each idle one) for
# every request it starts, so one pool of N connections costs O(N) CPU per request. At
# hundreds of sends per second that walk dominated the dispatcher; pools of this size keep
# it short while the total number of requests in flight stays as configured.
POOL_CONNECTIONS = 8


class ShardedClient:
    """`post()` like httpx.AsyncClient, spread over ⌈concurrency / 8⌉ small pools."""

    def __init__(self, concurrency: int, **client_options: Any) -> None:
        concurrency = max(concurrency, 1)
        pools = math.ceil(concurrency / POOL_CONNECTIONS)
        per_pool = math.ceil(concurrency / pools)
        self._clients = [
            httpx.AsyncClient(limits=httpx.Limits(max_connections=per_pool), **client_options)
            for _ in range(pools)
        ]
        self._turn = itertools.cycle(self._clients)

    async def post(self, url: str, **options: Any) -> httpx.Response:
        """POST through the next pool."""
        return await next(self._turn).post(url, **options)

    async def aclose(self) -> None:
        """Close every pool."""
        for client in self._clients:
            await client.aclose()
