"""Chaos: two ``frontdesk serve`` processes on one PostgreSQL database and a Redis of the test's
own; a visitor on one (``purecloud-v2-sockets``) and an agent on the other (agent API and
``/api/agent/events``) exchange 200 messages each way while (a) the visitor's process is killed
with SIGKILL and restarted, (b) Redis is killed for 20 s and restarted.

Expected: nothing lost, nothing doubled, everything in index order, as each side's stream shows
it and in the stored transcript. Each test prints its figures (run with ``-s`` to see them).
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from frontdesk.actions.agents import create_agent, open_session
from frontdesk.actions.chat_views import (
    MAX_PAGE,
    ConversationView,
    get_conversation,
    list_messages,
)
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from tests.browser.conftest import SHARED_IP_LIMITS, LiveServer, start_server, stop_server
from tests.chaos.chat_clients import SITE, Agent, Side, Visitor
from tests.chaos.redis_server import RedisServer
from tests.conftest import TEST_SECRET_KEY

pytestmark = [pytest.mark.chaos, pytest.mark.postgres, pytest.mark.redis]

MESSAGES = 200
OUTAGE_SECONDS = 20.0
# After the last send, how long both streams may take to show everything.
HEAL_SECONDS = 60.0


@dataclasses.dataclass
class Node:
    """One server process, restartable on its port and data folder."""

    process: subprocess.Popen[bytes]
    server: LiveServer

    @property
    def http(self) -> str:
        return self.server.url("").rstrip("/")


@dataclasses.dataclass
class Cluster:
    database_url: str
    redis: RedisServer
    env: dict[str, str]
    nodes: dict[str, Node] = dataclasses.field(default_factory=dict)

    def start(self, name: str, folder: Path, port: int | None = None) -> Node:
        """Start (or restart, on its port and folder) the server process ``name``."""
        process, server = start_server(
            folder,
            "--database-url",
            self.database_url,
            "--allowed-origins",
            SITE,
            command="serve",
            port=port,
            env=self.env,
        )
        self.nodes[name] = Node(process, server)
        return self.nodes[name]


@pytest.fixture
async def cluster(postgres_url: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    env = {
        **SHARED_IP_LIMITS,
        "FRONTDESK_REDIS_URL": redis.url,
        "FRONTDESK_SECRET_KEY": TEST_SECRET_KEY,
        "FRONTDESK_MESSAGES_PER_MEMBER": "100000",
    }
    cluster = Cluster(postgres_url, redis, env)
    try:
        # One after the other: the first migrates the database.
        cluster.start("a", tmp_path / "a")
        cluster.start("b", tmp_path / "b")
        yield cluster
    finally:
        for node in cluster.nodes.values():
            if node.process.poll() is None:
                stop_server(node.process)
        redis.kill()


async def _agent_token(database_url: str, folder: Path) -> str:
    database = await Database.connect(Settings(data_dir=folder, database_url=database_url))
    try:
        agent = await create_agent(
            database,
            email="ada@example.test",
            display_name="Ada",
            password="correct horse battery",
        )
        return await open_session(database, agent.id, kind="api", ttl_seconds=None)
    finally:
        await database.close()


async def _transcript(database_url: str, folder: Path, cid: str) -> list[tuple[int, str]]:
    """The stored messages, (index, text), in index order."""
    database = await Database.connect(Settings(data_dir=folder, database_url=database_url))
    try:
        stored: list[tuple[int, str]] = []
        while True:
            after = stored[-1][0] if stored else 0
            page = await list_messages(database, cid, after=after, limit=MAX_PAGE)
            stored += [(message.index, message.text) for message in page]
            if len(page) < MAX_PAGE:
                return stored
    finally:
        await database.close()


async def _talk(side: Side, prefix: str, pace: float, fault_at: int, go: asyncio.Event) -> None:
    run = uuid.uuid4().hex[:8]
    for n in range(MESSAGES):
        await side.send(f"{prefix}{n}", f"{run}-{prefix}{n}")
        if n == fault_at:
            go.set()
        # The pace of people typing: the sends go on throughout the fault.
        await asyncio.sleep(pace)


def _repeats(indexes: list[int]) -> int:
    return sum(count - 1 for count in collections.Counter(indexes).values())


async def _exchange(
    cluster: Cluster,
    folder: Path,
    fault: Callable[[], Awaitable[None]],
    *,
    pace: float,
    fault_at: int,
) -> None:
    """Both sides send while ``fault`` happens; then check what each side and the store hold."""
    visitor = Visitor(cluster.nodes["a"].http)
    agent = Agent(cluster.nodes["b"].http, await _agent_token(cluster.database_url, folder))
    await agent.open()
    streams = [asyncio.create_task(agent.follow())]
    cid = await visitor.start()
    streams.append(asyncio.create_task(visitor.follow()))
    await agent.accept(cid)
    try:
        # A repeated send with one key: does the server store it once?
        first = await visitor.post("probe", "probe-key")
        if first.status_code == 422:
            visitor.keyed = False
            first = await visitor.post("probe", "probe-key")
        again = await visitor.post("probe", "probe-key")
        idempotent = first.json()["index"] == again.json()["index"]
        go = asyncio.Event()
        started = time.monotonic()

        fault_lasted = [0.0, 0.0]

        async def chaos() -> None:
            await go.wait()
            fault_lasted[0] = time.monotonic()
            await fault()
            fault_lasted[1] = time.monotonic()

        await asyncio.gather(
            _talk(visitor, "v", pace, fault_at, go), _talk(agent, "a", pace, fault_at, go), chaos()
        )
        sent = time.monotonic()
        last = (await _conversation(cluster, folder, cid)).last_index
        async with asyncio.timeout(HEAL_SECONDS):
            await visitor.stream.reach(last)
            await agent.stream.reach(last)
        healed = time.monotonic()
    finally:
        for task in streams:
            task.cancel()
        await asyncio.gather(*streams, return_exceptions=True)
        await visitor.close()
        await agent.close()
    stored = await _transcript(cluster.database_url, folder, cid)
    texts = collections.Counter(text for _, text in stored if text and text != "probe")
    expected = {f"{p}{n}" for p in "va" for n in range(MESSAGES)}
    stored_lost = expected - set(texts)
    stored_doubled = {text: count - 1 for text, count in texts.items() if count > 1}
    begun, ended = fault_lasted
    during = sum(begun <= t <= ended for side in (visitor, agent) for t in side.sends.times)
    print(
        f"\n{MESSAGES} messages each way; sends took {sent - started:.1f} s, {during} of them "
        f"answered during the fault ({ended - begun:.1f} s, until the process or Redis was "
        f"back); the streams showed everything {healed - sent:.1f} s after the last send"
    )
    for name, side in (("visitor (v2, process A)", visitor), ("agent (process B)", agent)):
        held = set(side.stream.indexes) | side.stream.fetched
        print(
            f"  {name}: sent {len(side.sends.answered)}, retried {side.sends.retries}; stream "
            f"showed {len(side.stream.indexes)}, read after reconnecting "
            f"{len(side.stream.fetched)}, lost {len(set(range(1, last + 1)) - held)}, "
            f"doubled {_repeats(side.stream.indexes)}, "
            f"reconnect attempts {side.stream.reconnects}, resyncs {side.stream.resyncs}"
        )
    print(
        f"  store: {len(stored)} messages up to index {last}, lost {len(stored_lost)}, "
        f"doubled {sum(stored_doubled.values())}, idempotency keys honoured: {idempotent}"
    )
    # The transcript: gapless, every message once.
    assert [index for index, _ in stored] == list(range(1, last + 1))
    assert not stored_lost
    if idempotent:
        assert not stored_doubled
        assert [text for _, text in stored].count("probe") == 1
    else:
        # Without idempotency keys only a send whose answer was lost may be stored twice.
        unanswered = visitor.sends.unanswered | agent.sends.unanswered
        assert set(stored_doubled) <= unanswered
    # Each side: every index once, in order.
    for side in (visitor, agent):
        assert _repeats(side.stream.indexes) == 0
        assert side.stream.indexes == sorted(side.stream.indexes)
        assert set(side.stream.indexes) | side.stream.fetched == set(range(1, last + 1))
        # The server stored each send where it said it did.
        assert all(stored[index - 1][1] == text for text, index in side.sends.answered.items())


async def _conversation(cluster: Cluster, folder: Path, cid: str) -> ConversationView:
    database = await Database.connect(Settings(data_dir=folder, database_url=cluster.database_url))
    try:
        return await get_conversation(database, cid)
    finally:
        await database.close()


async def test_a_process_killed_and_restarted(cluster: Cluster, tmp_path: Path) -> None:
    async def kill_the_visitors_process() -> None:
        killed = cluster.nodes["a"]
        killed.process.kill()
        killed.process.wait()
        await asyncio.to_thread(cluster.start, "a", killed.server.data_dir, killed.server.port)

    await _exchange(cluster, tmp_path, kill_the_visitors_process, pace=0.02, fault_at=60)


async def test_redis_killed_for_20_seconds(cluster: Cluster, tmp_path: Path) -> None:
    async def kill_redis() -> None:
        cluster.redis.kill()
        # The one deliberate wait: the outage itself.
        await asyncio.sleep(OUTAGE_SECONDS)
        await asyncio.to_thread(cluster.redis.start)

    # Late enough that the last messages are sent while Redis is down: only the streams'
    # re-read when it is back can bring them.
    await _exchange(cluster, tmp_path, kill_redis, pace=0.06, fault_at=120)
