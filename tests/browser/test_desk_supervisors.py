"""Supervisors in the desk, in a real browser: Dana (the demo admin) watches another agent's chat
live and read-only; a plain agent has no such view and the server refuses it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.chat_agent import ChatAgent
from tests.browser.conftest import LiveServer
from tests.browser.desk_people import (
    Dana,
    Visitor,
    dana_session,
    shopper,
    sign_in,
    transcript,
    visitor_session,
)


@pytest.fixture
def dana(demo_server: LiveServer) -> Iterator[Dana]:
    yield from dana_session(demo_server)


@pytest.fixture
def visitors() -> Iterator[list[Visitor]]:
    yield from visitor_session()


def test_a_supervisor_watches_another_agents_chat_live_and_read_only(
    page: Any, demo_server: LiveServer, dana: Dana, visitors: list[Visitor]
) -> None:
    sign_in(page, demo_server)
    with ChatAgent(demo_server, "Ada") as ada:
        visitor = shopper(demo_server, "Gus", "Hart")
        visitors.append(visitor)
        ada.accept(visitor.id)
        visitor.say("My parcel is late.")

        team = page.get_by_role("region", name="Team chats")
        chat = team.get_by_role("button", name="Gus Hart")
        expect(chat).to_be_visible()
        expect(chat.get_by_text("My parcel is late.")).to_be_visible()
        chat.click()
        log = transcript(page)
        expect(log.get_by_text("My parcel is late.")).to_be_visible()
        expect(log.get_by_text("Ada joined")).to_be_visible()
        expect(
            page.get_by_text("You are watching this chat live, read-only: only Ada can reply.")
        ).to_be_visible()
        expect(page.get_by_label("Reply")).to_have_count(0)
        expect(page.get_by_role("button", name="End chat")).to_have_count(0)

        typing = page.locator("p.typing")
        visitor.type()
        expect(typing).to_have_text("Gus Hart is typing…")
        reply = ada.http.post(
            f"/api/agent/conversations/{visitor.id}/typing", json={"typing": True}
        )
        assert reply.status_code == 204
        expect(typing).to_have_text("Gus Hart and Ada are typing…")
        visitor.type()  # the visitor's indicator lasts a few seconds from their last keystroke
        ada.say(visitor.id, "Let me look it up.")
        expect(log.get_by_text("Let me look it up.")).to_be_visible()
        expect(typing).to_have_text("Gus Hart is typing…")
        expect(chat.get_by_text("Ada: Let me look it up.")).to_be_visible()
        visitor.say("Thank you!")
        expect(log.get_by_text("Thank you!")).to_be_visible()
        expect(typing).to_have_text("")

        ada.end(visitor.id)
        expect(page.get_by_text("This transcript is read-only.", exact=False)).to_be_visible()
        expect(team.get_by_text("No other agent is chatting.")).to_be_visible()
    # Each message once, though Dana's desk also heard them as the admin's events.
    indexes = log.locator("li").evaluate_all("items => items.map(i => i.dataset.index)")
    assert len(indexes) == len(set(indexes))
    assert page.page_errors == []


def test_a_plain_agent_sees_only_their_own_chats_and_is_refused_the_rest(
    page: Any, demo_server: LiveServer, dana: Dana, visitors: list[Visitor]
) -> None:
    login = dana.create_agent("Bea")
    with ChatAgent(demo_server, "Cal") as cal:
        visitor = shopper(demo_server, "Ivy", "Moss")
        visitors.append(visitor)
        cal.accept(visitor.id)
        visitor.say("Hello Cal")
        sign_in(page, demo_server, login)
        expect(page.get_by_role("heading", name="Hello, Bea")).to_be_visible()
        expect(page.get_by_role("region", name="My chats")).to_be_visible()
        expect(page.get_by_role("region", name="Team chats")).to_have_count(0)
        expect(page.get_by_text("Ivy Moss")).to_have_count(0)
        refused = page.evaluate(
            """async (id) => {
                const codes = [];
                for (const path of ['active', id]) {
                    const reply = await fetch(`/api/agent/conversations/${path}`);
                    codes.push([reply.status, (await reply.json()).error.code]);
                }
                return codes;
            }""",
            visitor.id,
        )
    assert refused == [[403, "forbidden"], [403, "forbidden"]]
    assert page.page_errors == []
