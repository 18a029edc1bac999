"""The two sides of a chat as real clients behave: sends retried with an idempotency key until
answered, streams reconnected and resumed after the last index they hold."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import time
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, WebSocketException

from tests.transports.chat_helpers import BASE, CREATE_BODY, SITE

# A real client's pause before it tries again, not a wait for something to happen.
RETRY_SECONDS = 0.2
# What a failed attempt looks like to a client: no answer, or the server not ready yet.
TRANSIENT = (httpx.TransportError, OSError, WebSocketException, InvalidHandshake, TimeoutError)


@dataclasses.dataclass
class Stream:
    """What one side's live stream showed: message indexes in arrival order."""

    indexes: list[int] = dataclasses.field(default_factory=list)
    # Messages a client read over HTTP after reconnecting, as a real one does.
    fetched: set[int] = dataclasses.field(default_factory=set)
    reconnects: int = 0
    resyncs: int = 0
    changed: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)

    @property
    def last(self) -> int:
        """The newest index this side holds."""
        return max([0, *self.indexes, *self.fetched])

    def show(self, index: int) -> None:
        self.indexes.append(index)
        self.changed.set()

    async def reach(self, index: int) -> None:
        """Return once this side holds ``index`` (the caller sets the deadline)."""
        while self.last < index:
            self.changed.clear()
            await self.changed.wait()


@dataclasses.dataclass
class Sends:
    """One side's sends: the index each text was stored at, and the retries it took."""

    answered: dict[str, int] = dataclasses.field(default_factory=dict)
    # When each answer came (``time.monotonic``).
    times: list[float] = dataclasses.field(default_factory=list)
    # Texts whose first attempt got no answer: only these may have been stored twice.
    unanswered: set[str] = dataclasses.field(default_factory=set)
    retries: int = 0


class Side:
    """What the visitor and the agent share: retried sends, a stream that reconnects."""

    def __init__(self, http: str) -> None:
        self.http = http
        self.ws = "ws" + http.removeprefix("http")
        self.client = httpx.AsyncClient(base_url=http, timeout=10)
        self.stream = Stream()
        self.sends = Sends()

    async def close(self) -> None:
        await self.client.aclose()

    async def send(self, text: str, key: str) -> None:
        """Send until the server answers with the stored message; the key makes retries safe."""
        while True:
            try:
                response = await self.post(text, key)
            except TRANSIENT:
                response = None
            if response is not None and response.status_code in (200, 201):
                self.sends.answered[text] = self._index(response.json())
                self.sends.times.append(time.monotonic())
                return
            if response is not None and response.status_code < 500:
                raise AssertionError(f"send refused: {response.status_code} {response.text}")
            self.sends.unanswered.add(text)
            self.sends.retries += 1
            await asyncio.sleep(RETRY_SECONDS)

    async def follow(self) -> None:
        """Keep the stream open, reconnecting after any failure, until cancelled."""
        while True:
            with contextlib.suppress(*TRANSIENT):
                await self._follow_once()
            self.stream.reconnects += 1
            await asyncio.sleep(RETRY_SECONDS)

    async def post(self, text: str, key: str) -> httpx.Response:
        """One attempt at sending ``text`` with idempotency key ``key``."""
        raise NotImplementedError

    def _index(self, answer: dict[str, Any]) -> int:
        raise NotImplementedError

    async def _follow_once(self) -> None:
        raise NotImplementedError


class Visitor(Side):
    """A ``purecloud-v2-sockets`` visitor: REST to create and send, a WebSocket to listen."""

    cid = ""
    member_id = ""
    jwt = ""

    async def start(self) -> str:
        """Start the chat; its conversation id."""
        response = await self.client.post(BASE, json=CREATE_BODY, headers={"Origin": SITE})
        assert response.status_code == 200, response.text
        chat = response.json()
        self.cid, self.member_id, self.jwt = chat["id"], chat["member"]["id"], chat["jwt"]
        return self.cid

    # Whether to send the key: a server without idempotency keys refuses the unknown field.
    keyed = True

    async def post(self, text: str, key: str) -> httpx.Response:
        body = {"body": text, "idempotencyKey": key} if self.keyed else {"body": text}
        return await self.client.post(
            f"{BASE}/{self.cid}/members/{self.member_id}/messages",
            json=body,
            headers={"Authorization": f"Bearer {self.jwt}", "Origin": SITE},
        )

    def _index(self, answer: dict[str, Any]) -> int:
        return int(answer["index"])

    async def _follow_once(self) -> None:
        async with connect(
            f"{self.ws}{BASE}/{self.cid}/events", additional_headers={"Origin": SITE}
        ) as ws:
            await ws.send(
                json.dumps({"type": "auth", "token": self.jwt, "after": self.stream.last})
            )
            async for raw in ws:
                frame = json.loads(raw)
                if frame["metadata"]["type"] == "message":
                    self.stream.show(int(frame["eventBody"]["index"]))


class Agent(Side):
    """An integration on the agent API: REST to accept and send, ``/api/agent/events`` to listen."""

    def __init__(self, http: str, token: str) -> None:
        super().__init__(http)
        self.token = token
        self.cid = ""
        self.client.headers["Authorization"] = f"Bearer {token}"
        self._opened: ClientConnection | None = None

    async def accept(self, cid: str) -> None:
        self.cid = cid
        response = await self.client.post(f"/api/agent/conversations/{cid}/accept")
        assert response.status_code == 200, response.text

    async def open(self) -> None:
        """Open the socket now (``follow`` reads it), so it hears of chats started after this."""
        self._opened = await self._ready()

    async def _ready(self) -> ClientConnection:
        ws = await connect(f"{self.ws}/api/agent/events")
        await ws.send(json.dumps({"type": "auth", "token": self.token}))
        assert json.loads(await ws.recv())["type"] == "ready"
        return ws

    async def post(self, text: str, key: str) -> httpx.Response:
        return await self.client.post(
            f"/api/agent/conversations/{self.cid}/messages",
            json={"text": text},
            headers={"Idempotency-Key": key},
        )

    def _index(self, answer: dict[str, Any]) -> int:
        return int(answer["message"]["index"])

    async def _follow_once(self) -> None:
        opened, self._opened = self._opened, None
        async with opened or await self._ready() as ws:
            if opened is None:
                await self._fetch_missed()
            await self._read(ws)

    async def _read(self, ws: ClientConnection) -> None:
        """Note the conversation's messages (and resyncs) until the socket closes."""
        async for raw in ws:
            event = json.loads(raw)
            if event["type"] == "resync":
                self.stream.resyncs += 1
            elif event["type"] == "message":
                # The test's fresh database holds this one conversation; its first message
                # may come before the visitor's answer names it.
                self.stream.show(int(event["index"]))

    async def _fetch_missed(self) -> None:
        response = await self.client.get(
            f"/api/agent/conversations/{self.cid}", params={"after": self.stream.last}
        )
        response.raise_for_status()
        self.stream.fetched |= {int(m["index"]) for m in response.json()["messages"]}
