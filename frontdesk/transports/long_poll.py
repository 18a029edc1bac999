"""Long-polling: answer as soon as a conversation has news, or after a bounded wait.

A waiting poll holds a broker subscription and two small tasks, and does no database work: its
``ConversationFeed`` reads the store when the poll arrives (after subscribing, so nothing falls
between) and again only when the broker shows a gap or says it lost events, or its connection is
back (architecture decision 1). One event wakes every poll waiting on the conversation, in any
server process. When the server begins to stop (``Draining``), every waiting poll answers what
it has at once, so that the client polls again (another process, or this one restarted) instead
of holding the shutdown up.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.types import Receive

from frontdesk.actions.chat_views import conversation_channel, get_conversation
from frontdesk.transports.conversation_feed import ConversationFeed

if TYPE_CHECKING:
    from frontdesk.app import Services

# Under the idle timeouts of common proxies and load balancers (often 30 or 60 seconds).
LONG_POLL_SECONDS = 25.0

# A message (``MessageView.as_json``) a visitor sees, or not.
Shown = Callable[[dict[str, Any]], bool]


@dataclasses.dataclass
class News:
    """What a poll answers: messages after ``after``, typing, and whether the chat ended.

    ``last_index`` is the newest index the answer covers, which may be a message the visitor
    does not see; the client continues after it.
    """

    last_index: int
    messages: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    typing: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    ended: bool = False
    # Whether the conversation was waiting for an agent when the store was read; it only ever
    # leaves the queue, so when this is False nobody needs to ask for its place.
    queued: bool = False

    @property
    def any(self) -> bool:
        """Whether there is anything to answer now."""
        return bool(self.messages or self.typing or self.ended)


class Draining:
    """Set once when the server begins to stop; every poll waiting then answers at once.

    One future shared by all waiting polls (rather than a task each), created on first use on
    the running loop. ``set`` must run on the loop's thread (``server.DrainingServer`` calls it
    from the loop; from a signal handler or another thread, use ``loop.call_soon_threadsafe``).
    """

    def __init__(self) -> None:
        self._set = False
        self._future: asyncio.Future[None] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        if self._future is not None and not self._future.done():
            self._future.set_result(None)

    def future(self) -> asyncio.Future[None]:
        """Done once the server is stopping; the same future for every waiter."""
        if self._future is None:
            self._future = asyncio.get_running_loop().create_future()
            if self._set:
                self._future.set_result(None)
        return self._future


class _Disconnected(Exception):
    """The client went away while its poll waited."""


async def wait_for_news(
    svc: Services,
    conversation_id: str,
    member_id: str,
    *,
    after: int,
    wait_seconds: float,
    shown: Shown,
    receive: Receive,
) -> News | None:
    """News after index ``after``, waiting up to ``wait_seconds``; None if the client left.

    The visitor's own typing is not news; messages they do not see only move ``last_index``.
    """
    news = News(last_index=after)
    async with svc.broker.subscribe(conversation_channel(conversation_id)) as subscription:
        feed = ConversationFeed(
            svc.database, subscription, {conversation_id: after}, behind=(conversation_id,)
        )
        # The state first: a chat that ends meanwhile is answered as ended on the next poll.
        state = (await get_conversation(svc.database, conversation_id)).state
        news.ended = state == "ended"
        news.queued = state == "queued"
        while feed.behind and not news.messages:
            _add(news, member_id, shown, await feed.catch_up())
        news.last_index = feed.position(conversation_id)
        if news.any or wait_seconds <= 0 or svc.draining.is_set():
            return news
        disconnect = asyncio.ensure_future(_disconnected(receive))
        stopping = svc.draining.future()
        deadline = asyncio.get_running_loop().time() + wait_seconds
        try:
            while not news.any:
                events = await _next(feed, disconnect, stopping, deadline)
                if events is None:
                    break
                _add(news, member_id, shown, events)
        except _Disconnected:
            return None
        finally:
            disconnect.cancel()
        news.last_index = feed.position(conversation_id)
    return news


def _add(news: News, member_id: str, shown: Shown, events: list[dict[str, Any]]) -> None:
    """Add the feed's events to the answer."""
    for event in events:
        kind = event.get("type")
        if kind == "message":
            if shown(event["message"]):
                news.messages.append(event["message"])
        elif kind == "typing" and event["member"]["id"] != member_id:
            news.typing.append({"member": event["member"], "typing": bool(event["typing"])})
        elif kind == "conversation" and event.get("state") == "ended":
            # The feed has read its last messages (the leave notices) before this event.
            news.ended = True


async def _next(
    feed: ConversationFeed,
    disconnect: asyncio.Future[None],
    stopping: asyncio.Future[None],
    deadline: float,
) -> list[dict[str, Any]] | None:
    """The feed's next events; None at the deadline, when the broker closed or the server stops."""
    remaining = deadline - asyncio.get_running_loop().time()
    if remaining <= 0 or stopping.done():
        return None
    following: asyncio.Future[list[dict[str, Any]]] = asyncio.ensure_future(feed.next())
    # ``stopping`` is shared by every poll: waiting on it must not cancel it.
    waiting: set[asyncio.Future[Any]] = {following, disconnect, stopping}
    done, _ = await asyncio.wait(waiting, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
    if following in done:
        try:
            return following.result()
        except StopAsyncIteration:
            return None
    following.cancel()
    if disconnect in done:
        raise _Disconnected
    return None


async def _disconnected(receive: Receive) -> None:
    """Return when the client closes the connection (the request body is already read)."""
    while (await receive())["type"] != "http.disconnect":
        pass
