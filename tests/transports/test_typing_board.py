from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from frontdesk.actions.chat_views import TYPING_CHANNEL
from frontdesk.broker.memory import MemoryBroker
from frontdesk.transports.typing_board import (
    FORGET_SECONDS,
    STARTED_SECONDS,
    STOPPED_SECONDS,
    SWEEP_EVERY,
    TypingBoard,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def typing_event(conversation_id: str, member_id: str, typing: bool) -> dict[str, Any]:
    member = {"id": member_id, "role": "AGENT", "display_name": "Ada"}
    return {
        "type": "typing",
        "conversation_id": conversation_id,
        "member": member,
        "typing": typing,
    }


async def until(condition: Callable[[], bool]) -> None:
    """Wait, at most 5 seconds, until ``condition()`` holds."""
    async with asyncio.timeout(5):
        while True:
            if condition():
                return
            await asyncio.sleep(0.01)


def shown(board: TypingBoard, conversation_id: str) -> list[tuple[str, bool, float]]:
    return [(s.member["id"], s.typing, s.at) for s in board.states(conversation_id)]


def test_a_start_shows_until_a_stop_and_a_stop_shows_for_a_while() -> None:
    clock = Clock()
    board = TypingBoard(clock)
    board.note(typing_event("c1", "ada", True))
    assert shown(board, "c1") == [("ada", True, 1_000.0)]
    assert shown(board, "c2") == []
    clock.now += 5
    board.note(typing_event("c1", "ada", False))
    assert shown(board, "c1") == [("ada", False, 1_005.0)]
    clock.now += STOPPED_SECONDS - 0.1
    assert shown(board, "c1") == [("ada", False, 1_005.0)]
    clock.now += 0.2
    assert shown(board, "c1") == []


def test_a_start_without_a_stop_turns_into_a_stop() -> None:
    clock = Clock()
    board = TypingBoard(clock)
    board.note(typing_event("c1", "ada", True))
    clock.now += STARTED_SECONDS + 1
    assert shown(board, "c1") == [("ada", False, 1_000.0 + STARTED_SECONDS)]
    clock.now += STOPPED_SECONDS
    assert shown(board, "c1") == []


def test_old_states_are_forgotten() -> None:
    clock = Clock()
    board = TypingBoard(clock)
    board.note(typing_event("old", "ada", True))
    clock.now += FORGET_SECONDS + 1
    for i in range(SWEEP_EVERY - 1):
        board.note(typing_event(f"c{i}", "bob", True))
    assert "old" not in board._states
    assert len(board._states) == SWEEP_EVERY - 1


async def test_the_board_follows_the_broker_until_it_closes() -> None:
    broker = MemoryBroker()
    board = TypingBoard()
    following = asyncio.create_task(board.follow(broker))
    await until(lambda: TYPING_CHANNEL in broker._subscribers)
    await broker.publish(TYPING_CHANNEL, {"type": "typing", "conversation_id": "c1"})
    await broker.publish(TYPING_CHANNEL, typing_event("c1", "ada", True))
    await until(lambda: bool(board.states("c1")))
    assert [s.member["id"] for s in board.states("c1")] == ["ada"]
    await broker.close()
    await asyncio.wait_for(following, 5)
