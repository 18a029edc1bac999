"""Who is typing where, for clients that poll rather than listen.

Typing is never stored (``actions.chat.set_typing``): it is an event. A REST polling client
asks every few seconds, between events, so each server process follows the typing channel and
keeps the last typing state of each member for a short while. A process that missed an event
(started later, broker hiccup) only shows typing a little late or not at all, which is harmless.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

from frontdesk.actions.chat_views import TYPING_CHANNEL
from frontdesk.broker import Broker
from frontdesk.errors import Unavailable

log = logging.getLogger("frontdesk.typing")

# A "started" with no "stopped" (the typist's page died) counts as stopped after this.
STARTED_SECONDS = 30.0
# A "stopped" is repeated to pollers for this long, so every polling rate sees it once.
STOPPED_SECONDS = 10.0
# The board forgets a member this long after their last typing event.
FORGET_SECONDS = STARTED_SECONDS + STOPPED_SECONDS
SWEEP_EVERY = 256
RETRY_SECONDS = 1.0

Clock = Callable[[], float]


@dataclasses.dataclass(frozen=True, slots=True)
class Typing:
    """One member's typing state as a poller should show it; ``at`` is when it changed."""

    member: dict[str, Any]
    typing: bool
    at: float


class TypingBoard:
    """The recent typing state of every member, per conversation, in this process."""

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._states: dict[str, dict[str, Typing]] = {}
        self._notes = 0

    async def follow(self, broker: Broker) -> None:
        """Keep the board up to date from the broker until it closes (a lifespan task)."""
        while True:
            try:
                async with broker.subscribe(TYPING_CHANNEL) as subscription:
                    async for item in subscription:
                        try:
                            self.note(item.event)
                        except (KeyError, TypeError):
                            log.warning("ignored a malformed typing event")
                return
            except Unavailable as exc:
                log.warning("not following typing events yet: %s", exc.message)
                await asyncio.sleep(RETRY_SECONDS)

    def note(self, event: dict[str, Any]) -> None:
        """Record one ``typing`` event (see ``actions.chat.set_typing``)."""
        member = event["member"]
        conversation = self._states.setdefault(event["conversation_id"], {})
        conversation[member["id"]] = Typing(member, bool(event["typing"]), self._clock())
        self._notes += 1
        if self._notes % SWEEP_EVERY == 0:
            self._sweep()

    def states(self, conversation_id: str) -> list[Typing]:
        """The members of a conversation to show as typing (``typing``) or as just stopped."""
        now = self._clock()
        shown = []
        for state in self._states.get(conversation_id, {}).values():
            age = now - state.at
            if state.typing and age < STARTED_SECONDS:
                shown.append(state)
            elif age < FORGET_SECONDS:
                # Stopped (or gone quiet): say so for a while, then say nothing.
                stopped_at = state.at if not state.typing else state.at + STARTED_SECONDS
                if now - stopped_at < STOPPED_SECONDS:
                    shown.append(Typing(state.member, False, stopped_at))
        return shown

    def _sweep(self) -> None:
        cutoff = self._clock() - FORGET_SECONDS
        for conversation_id in list(self._states):
            members = self._states[conversation_id]
            for member_id in [m for m, s in members.items() if s.at < cutoff]:
                del members[member_id]
            if not members:
                del self._states[conversation_id]
