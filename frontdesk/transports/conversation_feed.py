"""A conversation feed: what every live stream delivers, with the guarantee of decision 1.

A feed reads a broker subscription that is already open (so nothing published falls between it
and the first read of the store) and the store, and hands its stream events to send: every
message of the conversations it follows exactly once, in index order per conversation, and the
other events as they come. It holds, per conversation, the last index it handed out; it reads
the store after it when a message event skips an index, when a conversation's state change
carries a later index, when the broker says it lost events (a slow subscriber's drop, a lost
connection, and again the moment the connection is back), and when a client asks for a replay.
A message event always follows its commit, and a later index is only taken once every earlier
message has committed, so the store always holds what a gap lacks.

The visitor streams (v2 event stream, v3 long poll) follow one conversation. The agents' stream
follows many, found with ``follows``: after a loss it also says ``resync`` and reads the
conversations that appeared meanwhile from their first message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from typing import Any

from frontdesk.actions.chat_views import MAX_PAGE, ConversationView, list_messages
from frontdesk.broker.base import BrokerMessage
from frontdesk.broker.subscription import Subscription
from frontdesk.store.database import Database

Event = dict[str, Any]
# The conversations a many-conversation stream may see now: every open one, and those of the
# given ids that ended.
Follows = Callable[[Collection[str]], Awaitable[list[ConversationView]]]
# Broker messages a stream never sends (a supervisor's second copy of an event, say).
Ignore = Callable[[BrokerMessage], bool]

RESYNC: Event = {"type": "resync"}


class ConversationFeed:
    """Events for one stream: stored messages it lacks, then live events, without repeats."""

    def __init__(
        self,
        database: Database,
        subscription: Subscription,
        positions: Mapping[str, int],
        *,
        behind: Iterable[str] = (),
        follows: Follows | None = None,
        ignore: Ignore | None = None,
    ) -> None:
        self._database = database
        self._subscription = subscription
        self._positions = dict(positions)
        # Conversations whose stored messages must be read before their next live one.
        self._behind = set(behind)
        self._follows = follows
        self._ignore = ignore
        # Open conversations a many-conversation feed has seen: what it asks ``follows`` about.
        self._open = set(self._positions)
        self._losses = subscription.losses
        self._lost = False

    @classmethod
    async def following(
        cls,
        database: Database,
        subscription: Subscription,
        follows: Follows,
        *,
        ignore: Ignore | None = None,
    ) -> ConversationFeed:
        """A feed of many conversations, starting after each one's newest stored message."""
        found = await follows(())
        positions = {view.id: view.last_index for view in found if view.state != "ended"}
        return cls(database, subscription, positions, follows=follows, ignore=ignore)

    def position(self, conversation_id: str) -> int:
        """The last index handed out (or held by the client) for a conversation."""
        return self._positions.get(conversation_id, 0)

    @property
    def behind(self) -> bool:
        """Whether stored messages wait to be read (``catch_up`` has more)."""
        return self._lost or bool(self._behind)

    def replay(self, conversation_id: str, after: int) -> None:
        """Hand out again the stored messages after ``after``: the client asked for them."""
        self._positions[conversation_id] = max(0, after)
        self._behind.add(conversation_id)
        self._subscription.wake()

    async def catch_up(self) -> list[Event]:
        """Stored messages not handed out yet, a page per conversation; [] when there are none."""
        events: list[Event] = []
        if self._lost and self._follows is not None:
            self._lost = False
            events += await self._rediscover(self._follows)
        for conversation_id in sorted(self._behind):
            events += await self._read(conversation_id)
        return events

    async def next(self) -> list[Event]:
        """The next events to send, waiting for them; ``StopAsyncIteration`` when the broker
        closes."""
        while True:
            if self.behind:
                events = await self.catch_up()
                if events:
                    return events
                continue
            item = await self._subscription.receive()
            if item is None:
                self._noticed()
                continue
            if self._ignore is not None and self._ignore(item):
                continue
            events = await self._take(item.event)
            if events:
                return events

    def __aiter__(self) -> ConversationFeed:
        return self

    async def __anext__(self) -> list[Event]:
        """``next``: ``async for events in feed`` ends when the broker closes."""
        return await self.next()

    def _noticed(self) -> None:
        """A loss or a replay request woke the feed: mark what must be read again."""
        if self._subscription.losses == self._losses:
            return
        self._losses = self._subscription.losses
        if self._follows is None:
            self._behind.update(self._positions)
        else:
            self._lost = True

    async def _rediscover(self, follows: Follows) -> list[Event]:
        """After a loss: ``resync``, then note what changed among the followed conversations."""
        found = {view.id: view for view in await follows(self._open)}
        for conversation_id in self._open - set(found):
            # Another agent has it now: its events are no longer this stream's.
            self._open.discard(conversation_id)
            self._behind.discard(conversation_id)
        for conversation_id, view in found.items():
            # One that appeared during the loss is read from its first message.
            if view.last_index > self._positions.setdefault(conversation_id, 0):
                self._behind.add(conversation_id)
            if view.state == "ended":
                self._open.discard(conversation_id)
            else:
                self._open.add(conversation_id)
        return [dict(RESYNC)]

    async def _read(self, conversation_id: str, *, to_the_end: bool = False) -> list[Event]:
        """Stored messages after the position: one page, or all with ``to_the_end``."""
        events: list[Event] = []
        while True:
            page = await list_messages(
                self._database, conversation_id, after=self.position(conversation_id)
            )
            for message in page:
                events.append(message.event())
                self._positions[conversation_id] = message.index
            if len(page) < MAX_PAGE:
                self._behind.discard(conversation_id)
                return events
            if not to_the_end:
                return events

    async def _take(self, event: Event) -> list[Event]:
        """What one live event adds: itself, nothing (a repeat), or the stored messages it
        shows are missing (then the event itself, unless it is one of them)."""
        kind = event.get("type")
        conversation_id = event.get("conversation_id")
        if not isinstance(conversation_id, str):
            return [event]
        if kind == "queue" and event.get("state") == "queued" and self._follows is not None:
            # A conversation is queued once, when it is created: before its first message.
            self._positions.setdefault(conversation_id, 0)
            self._open.add(conversation_id)
        if kind == "message":
            return await self._take_message(conversation_id, event)
        if kind == "conversation" and conversation_id in self._positions:
            if event.get("state") == "ended":
                self._open.discard(conversation_id)
            if event.get("last_index", 0) > self.position(conversation_id):
                # Its last messages (the leave notices of an end) were lost or are in flight.
                return [*await self._read(conversation_id, to_the_end=True), event]
        return [event]

    async def _take_message(self, conversation_id: str, event: Event) -> list[Event]:
        index = event["index"]
        if conversation_id not in self._positions:
            # First seen mid-stream (newly assigned): its history is not this stream's news.
            self._positions[conversation_id] = index - 1
            if self._follows is not None:
                self._open.add(conversation_id)
        if conversation_id in self._behind:
            # The store has it (it was committed before it was published): read in order.
            return await self._read(conversation_id)
        position = self._positions[conversation_id]
        if index <= position:
            return []
        if index > position + 1:
            return await self._read(conversation_id, to_the_end=True)
        self._positions[conversation_id] = index
        return [event]
