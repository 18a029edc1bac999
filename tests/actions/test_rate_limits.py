from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from frontdesk.actions.rate_limits import (
    Counter,
    Limit,
    MemoryCounter,
    RateLimits,
    RedisCounter,
    open_rate_limits,
)
from frontdesk.errors import ConfigError, RateLimited
from frontdesk.settings import Settings


@pytest.fixture
async def counter(broker_url: str) -> AsyncIterator[Counter]:
    """A counter of each kind: in memory, and in Redis."""
    made: Counter = RedisCounter(broker_url) if broker_url else MemoryCounter()
    yield made
    await made.close()


def _limits(tmp_path: Path, counter: Counter, **limits: int) -> RateLimits:
    return RateLimits(Settings(data_dir=tmp_path, **limits), counter)


async def test_a_limit_refuses_hits_over_its_count_until_the_window_ends(
    counter: Counter, tmp_path: Path
) -> None:
    limits = _limits(
        tmp_path, counter, conversation_starts_per_ip=3, conversation_starts_window_seconds=1
    )
    for _ in range(3):
        await limits.check(limits.conversation_starts, "192.0.2.7")
    with pytest.raises(RateLimited) as refused:
        await limits.check(limits.conversation_starts, "192.0.2.7")
    assert refused.value.status == 429
    assert refused.value.details == {"limit": "conversation-starts", "retry_after": 1}
    # Other subjects and other limits count on their own.
    await limits.check(limits.conversation_starts, "192.0.2.8")
    await limits.check(limits.socket_connects, "192.0.2.7")
    await asyncio.sleep(1.1)
    await limits.check(limits.conversation_starts, "192.0.2.7")


async def test_retry_after_counts_down_to_the_end_of_the_window(
    counter: Counter, tmp_path: Path
) -> None:
    limits = _limits(tmp_path, counter, messages_per_member=1, messages_window_seconds=30)
    await limits.check(limits.messages, "member-1")
    with pytest.raises(RateLimited) as refused:
        await limits.check(limits.messages, "member-1")
    assert refused.value.details["retry_after"] in (29, 30)


async def test_a_burst_gets_exactly_the_limit(counter: Counter, tmp_path: Path) -> None:
    limits = _limits(tmp_path, counter, typing_per_member=5, typing_window_seconds=30)
    results = await asyncio.gather(
        *(limits.check(limits.typing, "member-1") for _ in range(50)), return_exceptions=True
    )
    assert results.count(None) == 5
    assert all(isinstance(r, RateLimited) for r in results if r is not None)


async def test_processes_sharing_redis_share_the_counts(redis_url: str, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, redis_url=redis_url, messages_per_member=4, messages_window_seconds=5
    )
    one, two = open_rate_limits(settings), open_rate_limits(settings)
    try:
        assert isinstance(one.counter, RedisCounter)
        for limits in (one, two, one, two):
            await limits.check(limits.messages, "member-1")
        with pytest.raises(RateLimited):
            await two.check(two.messages, "member-1")
        with pytest.raises(RateLimited):
            await one.check(one.messages, "member-1")
    finally:
        await one.close()
        await two.close()


async def test_an_unreachable_redis_lets_requests_through(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    limits = _limits(tmp_path, RedisCounter("redis://127.0.0.1:1/0"), messages_per_member=1)
    try:
        for _ in range(3):
            await limits.check(limits.messages, "member-1")
    finally:
        await limits.close()
    assert "not checked" in caplog.text


async def test_memory_counters_forget_finished_windows() -> None:
    now = [100.0]
    counter = MemoryCounter(clock=lambda: now[0])
    assert await counter.hit("a", 10) == (1, 10.0)
    now[0] = 104.0
    assert await counter.hit("a", 10) == (2, 6.0)
    now[0] = 110.0
    assert await counter.hit("a", 10) == (1, 10.0)


async def test_memory_counters_stay_small(monkeypatch: pytest.MonkeyPatch) -> None:
    from frontdesk.actions import rate_limits

    monkeypatch.setattr(rate_limits, "MEMORY_SWEEP_SIZE", 10)
    now = [0.0]
    counter = MemoryCounter(clock=lambda: now[0])
    for i in range(10):
        await counter.hit(f"old-{i}", 1)
    now[0] = 5.0
    await counter.hit("new", 1)
    assert await counter.hit("old-0", 1) == (1, 1.0)
    assert len(counter._windows) == 2


def test_open_rate_limits_counts_in_memory_without_redis(tmp_path: Path) -> None:
    limits = open_rate_limits(Settings(data_dir=tmp_path))
    assert isinstance(limits.counter, MemoryCounter)
    assert limits.conversation_starts == Limit("conversation-starts", 10, 60)
    assert limits.messages == Limit("messages", 30, 10)
    assert limits.typing == Limit("typing", 20, 10)
    assert limits.socket_connects == Limit("socket-connects", 60, 60)


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"FRONTDESK_CONVERSATION_STARTS_PER_IP": "0"}, "conversation_starts_per_ip"),
        ({"FRONTDESK_MESSAGES_WINDOW_SECONDS": "0"}, "messages_per_member"),
        ({"FRONTDESK_SOCKET_CONNECTS_PER_IP": "-1"}, "socket_connects_per_ip"),
        ({"FRONTDESK_MESSAGES_PER_MEMBER": "many"}, "messages_per_member"),
        ({"FRONTDESK_TYPING_WINDOW_SECONDS": "0"}, "typing_per_member"),
    ],
)
def test_bad_limits_name_the_setting(env: dict[str, str], setting: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"FRONTDESK_DATA_DIR": str(tmp_path), **env})
    assert caught.value.setting == setting
