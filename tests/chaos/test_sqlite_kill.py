"""SQLite, one server process, killed with SIGKILL under ten busy writers, then restarted.

Every send a writer saw acknowledged must be stored after the restart, in gapless index order;
every send that was in flight at the kill (stored or not, nobody can tell) is retried with its
idempotency key after the restart and must then be stored exactly once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import signal
from pathlib import Path
from typing import Any

import httpx

from tests.browser.conftest import LiveServer, start_server, stop_server

SITE = "http://shop.example.test"
BASE = "/api/v2/webchat/guest/conversations"
CONVERSATIONS = 5
WRITERS = 10
# Acknowledged sends before the kill: enough that the writers are busy, few enough for seconds.
KILL_AFTER = 150
# Sends after the restart, per writer: the sequence goes on where it stopped.
AFTER_RESTART = 3
LIMITS = {
    "FRONTDESK_MESSAGES_PER_MEMBER": "100000",
    "FRONTDESK_CONVERSATION_STARTS_PER_IP": "1000",
}


@dataclasses.dataclass
class Chat:
    id: str
    member: str
    jwt: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.jwt}", "Origin": SITE}


@dataclasses.dataclass
class Tally:
    """What the writers saw: acknowledged sends by key (with their index), and sends in flight."""

    acked: dict[str, int] = dataclasses.field(default_factory=dict)
    acked_before_kill: int = 0
    in_flight: set[str] = dataclasses.field(default_factory=set)
    retried: dict[str, int] = dataclasses.field(default_factory=dict)


def _text(key: str) -> str:
    return f"message {key}"


class Run:
    """Ten writers, the kill, the restart."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.tally = Tally()
        self.enough = asyncio.Event()
        self.killed = asyncio.Event()
        self.all_waiting = asyncio.Event()
        self.restarted = asyncio.Event()

    async def send(self, client: httpx.AsyncClient, chat: Chat, key: str) -> int | None:
        """The index the server acknowledged, or None when no acknowledgement came."""
        try:
            response = await client.post(
                self.server.url(f"{BASE}/{chat.id}/members/{chat.member}/messages"),
                json={"body": _text(key), "idempotencyKey": key},
                headers=chat.headers,
            )
        except httpx.TransportError:
            return None
        if response.status_code >= 500:
            return None
        assert response.status_code == 200, response.text
        return int(response.json()["index"])

    async def writer(self, number: int, chat: Chat) -> None:
        """Send until the kill; after the restart, retry what was in flight, then send a few."""
        async with httpx.AsyncClient(timeout=10) as client:
            sent = 0
            while True:
                key = f"w{number}-{sent}"
                index = await self.send(client, chat, key)
                if index is not None:
                    self.tally.acked[key] = index
                    if not self.killed.is_set():
                        self.tally.acked_before_kill += 1
                    if len(self.tally.acked) >= KILL_AFTER:
                        self.enough.set()
                    sent += 1
                    continue
                if not self.killed.is_set():
                    # A 503 while the database was busy: retried at once, with the same key.
                    continue
                self.tally.in_flight.add(key)
                if len(self.tally.in_flight) == WRITERS:
                    self.all_waiting.set()
                await self.restarted.wait()
                index = await self.send(client, chat, key)
                assert index is not None, f"{key}: the retry after the restart failed"
                self.tally.retried[key] = index
                if sent:
                    # An acknowledged send, repeated after the restart: answered, not stored.
                    first = f"w{number}-{sent - 1}"
                    self.tally.retried[first] = await self.send(client, chat, first) or 0
                for more in range(sent + 1, sent + 1 + AFTER_RESTART):
                    later = await self.send(client, chat, f"w{number}-{more}")
                    assert later is not None
                    self.tally.acked[f"w{number}-{more}"] = later
                return


async def _start_chats(server: LiveServer) -> list[Chat]:
    chats = []
    async with httpx.AsyncClient(timeout=10) as client:
        for n in range(CONVERSATIONS):
            response = await client.post(
                server.url(BASE),
                json={"memberInfo": {"displayName": f"Writer {n}"}},
                headers={"Origin": SITE},
            )
            assert response.status_code == 200, response.text
            body = response.json()
            chats.append(Chat(body["id"], body["member"]["id"], body["jwt"]))
    return chats


async def _transcript(server: LiveServer, chat: Chat) -> list[dict[str, Any]]:
    """Every stored message of a conversation, oldest first, page by page."""
    messages: list[dict[str, Any]] = []
    async with httpx.AsyncClient(timeout=10) as client:
        while True:
            params: dict[str, Any] = {"sortOrder": "ascending", "maxResults": 200}
            if messages:
                params["after"] = messages[-1]["id"]
            response = await client.get(
                server.url(f"{BASE}/{chat.id}/messages"), params=params, headers=chat.headers
            )
            assert response.status_code == 200, response.text
            page = response.json()["entities"]
            if not page:
                return messages
            messages.extend(page)


async def _stored(server: LiveServer, chats: list[Chat]) -> list[tuple[str, int]]:
    """(text, index) of every stored message; checks that each conversation is gapless."""
    stored = []
    for chat in chats:
        messages = await _transcript(server, chat)
        # Gapless from 1 (the visitor's join is 1): nothing acknowledged went missing between.
        assert [m["index"] for m in messages] == list(range(1, len(messages) + 1))
        stored += [(m["body"], m["index"]) for m in messages if m["bodyType"] == "standard"]
    return stored


async def test_acknowledged_sends_survive_a_kill_and_retries_are_not_doubled(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "server"
    args = ("--allowed-origins", SITE)
    process, server = start_server(data_dir, *args, command="serve", env=LIMITS)
    try:
        chats = await _start_chats(server)
        run = Run(server)
        async with asyncio.timeout(90):
            writers = [
                asyncio.create_task(run.writer(n, chats[n % CONVERSATIONS])) for n in range(WRITERS)
            ]
            await run.enough.wait()
            run.killed.set()
            process.send_signal(signal.SIGKILL)
            await asyncio.to_thread(process.wait)
            # Every writer is now waiting to retry its send that got no answer.
            await run.all_waiting.wait()
            process, server = await asyncio.to_thread(
                start_server, data_dir, *args, command="serve", port=server.port, env=LIMITS
            )
            before_retries = dict(await _stored(server, chats))
            run.restarted.set()
            await asyncio.gather(*writers)
        stored = await _stored(server, chats)
        texts = [text for text, _ in stored]
        index_of = dict(stored)
        tally = run.tally
        lost_answers = [k for k in tally.in_flight if _text(k) in before_retries]
        doubled = len(texts) - len(set(texts))
        print(
            f"\nacknowledged before the kill: {tally.acked_before_kill}; in flight at the kill:"
            f" {len(tally.in_flight)} (stored, answer lost: {len(lost_answers)}); messages"
            f" stored at the end: {len(texts)}; doubled: {doubled}"
        )
        assert doubled == 0
        for key, index in tally.acked.items():
            assert index_of.get(_text(key)) == index, f"acknowledged {key} (index {index})"
        # Each retry answers its send's one index: the first copy's, if the kill lost its answer.
        for key, index in tally.retried.items():
            assert index_of[_text(key)] == index, key
            if _text(key) in before_retries:
                assert before_retries[_text(key)] == index, key
        assert len(texts) == len(tally.acked) + len(tally.in_flight)
    finally:
        if process.poll() is None:
            stop_server(process)
