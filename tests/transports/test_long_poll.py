"""Long-polls while the server stops: every waiting poll answers at once, and so do new ones."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from frontdesk.app import Services
from frontdesk.transports.long_poll import Draining
from tests.transports.test_v3_rest import poll, start


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def test_draining_answers_every_waiting_poll_at_once(
    client: httpx.AsyncClient, services: Services
) -> None:
    first, second = await start(client), await start(client)
    waiting = [asyncio.create_task(poll(client, s, 1)) for s in (first, second, first)]
    await asyncio.sleep(0.3)
    assert not any(w.done() for w in waiting)
    told = time.monotonic()
    services.draining.set()
    answers = await asyncio.wait_for(asyncio.gather(*waiting), 5)
    assert time.monotonic() - told < 1
    assert [(a["messages"], a["index"], a["chatEnded"]) for a in answers] == [([], 1, False)] * 3
    # A poll that arrives while the server stops does not wait either.
    started = time.monotonic()
    late = await poll(client, second, 1)
    assert time.monotonic() - started < 1
    assert late["queuePosition"]["position"] == 2


async def test_draining_does_not_cut_short_an_answer_with_news(
    client: httpx.AsyncClient, services: Services
) -> None:
    session = await start(client)
    services.draining.set()
    history = await poll(client, session, 0)
    assert [m["type"] for m in history["messages"]] == ["ParticipantJoined"]


async def test_a_draining_set_before_anyone_waits_is_already_done() -> None:
    draining = Draining()
    assert not draining.is_set()
    draining.set()
    assert draining.is_set()
    assert draining.future().done()
    again = Draining()
    waiter = again.future()
    assert again.future() is waiter
    assert not waiter.done()
    again.set()
    again.set()
    assert waiter.done()
