"""The agent desk in a real browser: the demo agent takes chats from visitors driven over HTTP.

The visitor side uses the ``purecloud-v2-sockets`` REST routes with httpx (the demo allows any
origin); the agent is Dana, the demo admin, signed in to /desk/ in Chromium.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.desk_people import (
    XSS_IMG,
    XSS_LINK,
    XSS_SCRIPT,
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


def test_agent_accepts_a_queued_chat_and_chats_both_ways(
    page: Any, demo_server: LiveServer, dana: Dana, visitors: list[Visitor], screenshot_dir: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, demo_server)
    switch = page.get_by_role("switch", name="Available for chats")
    expect(switch).to_have_attribute("aria-checked", "false")

    visitor = shopper(demo_server)
    visitors.append(visitor)
    visitor.say("Hi! My order A-1001 has not arrived.")

    queue = page.get_by_role("region", name="Queue")
    expect(queue.get_by_text("Vic Tor")).to_be_visible()
    expect(queue.get_by_text("Where is my order?")).to_be_visible()
    expect(queue.get_by_text("Hi! My order A-1001 has not arrived.")).to_be_visible()
    expect(queue.get_by_text("waiting", exact=False)).to_be_visible()
    expect(page).to_have_title("(1) Frontdesk · Agent desk")

    page.get_by_role("button", name="Accept chat with Vic Tor").click()
    expect(queue.get_by_text("Nobody is waiting.")).to_be_visible()
    expect(
        page.get_by_role("region", name="My chats").get_by_role("button", name="Vic Tor")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Vic Tor")).to_be_visible()
    expect(transcript(page).get_by_text("Hi! My order A-1001 has not arrived.")).to_be_visible()
    expect(transcript(page).get_by_text("Dana from Demo Shop joined")).to_be_visible()

    context = page.get_by_role("complementary", name="Visitor")
    for shown in (
        "vic@example.test",
        "Where is my order?",
        "http://shop.example.test/cart",
        "Cart",
        "http://search.example.test/?q=shoes",
        "Mozilla/5.0 (Test)",
        "en-GB",
        "purecloud-v2-sockets",
    ):
        expect(context.get_by_text(shown, exact=True)).to_be_visible()
    expect(context.get_by_role("row", name="orderId A-1001")).to_be_visible()
    expect(context.get_by_role("row", name="cartValue 42")).to_be_visible()

    visitor.type()
    expect(page.get_by_text("Vic Tor is typing…")).to_be_visible()
    visitor.say("It was due on Monday.")
    expect(transcript(page).get_by_text("It was due on Monday.")).to_be_visible()
    expect(page.get_by_text("Vic Tor is typing…")).to_be_hidden()

    typing: list[bool] = []
    page.on(
        "request",
        lambda request: (
            typing.append(json.loads(request.post_data)["typing"])
            if request.url.endswith("/typing")
            else None
        ),
    )
    reply = page.get_by_label("Reply")
    reply.fill("Let me check that for you.")
    reply.press("Enter")
    expect(transcript(page).get_by_text("Let me check that for you.")).to_be_visible()
    expect(reply).to_have_value("")
    reply.type("It left our warehouse on Friday.")
    reply.press("Shift+Enter")
    reply.type("It should arrive tomorrow.")
    reply.press("Enter")
    expect(transcript(page).get_by_text("It should arrive tomorrow.", exact=False)).to_be_visible()
    # One "typing" per burst of keys, one "stopped" when the reply goes out.
    assert typing == [True, False, True, False]
    assert visitor.agent_texts() == [
        "Let me check that for you.",
        "It left our warehouse on Friday.\nIt should arrive tomorrow.",
    ]
    # Every index once: the POST reply and its event echo must not both show.
    indexes = (
        transcript(page).locator("li").evaluate_all("items => items.map(i => i.dataset.index)")
    )
    assert len(indexes) == len(set(indexes))

    page.screenshot(path=str(screenshot_dir / "desk.png"))
    assert (screenshot_dir / "desk.png").stat().st_size > 10_000

    page.get_by_role("button", name="End chat").click()
    page.get_by_role("button", name="Cancel").click()
    expect(reply).to_be_visible()
    page.get_by_role("button", name="End chat").click()
    page.get_by_role("button", name="Yes, end it").click()
    expect(page.get_by_text("This transcript is read-only.", exact=False)).to_be_visible()
    expect(page.get_by_label("Reply")).to_have_count(0)

    ended = page.get_by_role("region", name="Ended")
    expect(ended.get_by_role("button", name="Vic Tor")).to_be_visible()
    expect(
        page.get_by_role("region", name="My chats").get_by_text("No active chats.")
    ).to_be_visible()
    page.reload()
    ended.get_by_role("button", name="Vic Tor").click()
    expect(transcript(page).get_by_text("It was due on Monday.")).to_be_visible()
    expect(transcript(page).get_by_text("Let me check that for you.")).to_be_visible()
    expect(page.get_by_label("Reply")).to_have_count(0)
    assert page.page_errors == []


def test_available_agent_is_handed_chats_and_sees_unread_counts(
    page: Any, demo_server: LiveServer, dana: Dana, visitors: list[Visitor]
) -> None:
    sign_in(page, demo_server)
    page.get_by_role("switch", name="Available for chats").click()
    expect(page.get_by_role("switch", name="Available for chats")).to_have_attribute(
        "aria-checked", "true"
    )

    first = shopper(demo_server, "Ann", "Lee")
    second = shopper(demo_server, "Bo", "Chan", subject="Returns")
    visitors.extend([first, second])
    first.say("Hello?")
    second.say("I want to return a pair.")
    second.say("They are too small.")

    mine = page.get_by_role("region", name="My chats")
    expect(mine.get_by_role("button", name="Ann Lee, 1 unread")).to_be_visible()
    expect(mine.get_by_role("button", name="Bo Chan, 2 unread")).to_be_visible()
    expect(
        page.get_by_role("region", name="Queue").get_by_text("Nobody is waiting.")
    ).to_be_visible()
    expect(page).to_have_title("(3) Frontdesk · Agent desk")

    mine.get_by_role("button", name="Bo Chan, 2 unread").click()
    expect(transcript(page).get_by_text("They are too small.")).to_be_visible()
    expect(mine.get_by_role("button", name="Bo Chan", exact=True)).to_be_visible()
    expect(page).to_have_title("(1) Frontdesk · Agent desk")

    # Messages sent while the desk is away arrive after the reload's refetch, each once.
    page.goto("about:blank")
    second.say("Size 44 would fit.")
    page.goto(demo_server.url("/desk/"))
    mine.get_by_role("button", name="Bo Chan", exact=False).click()
    expect(transcript(page).get_by_text("Size 44 would fit.")).to_be_visible()
    texts = transcript(page).locator(".line.visitor .text").all_inner_texts()
    assert texts == ["I want to return a pair.", "They are too small.", "Size 44 would fit."]

    page.set_viewport_size({"width": 360, "height": 740})
    expect(page.get_by_label("Reply")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    page.get_by_role("button", name="← Chats").click()
    expect(mine).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.page_errors == []


def test_visitor_text_never_runs_as_code(
    page: Any, demo_server: LiveServer, dana: Dana, visitors: list[Visitor]
) -> None:
    sign_in(page, demo_server)
    visitor = shopper(
        demo_server,
        XSS_IMG,
        XSS_SCRIPT,
        subject=XSS_LINK,
        email=XSS_IMG,
        _genesys_url=XSS_LINK,
        _genesys_pageTitle=XSS_SCRIPT,
        _genesys_referrer="javascript:alert(1)",
        **{XSS_IMG: XSS_SCRIPT, "link": XSS_LINK},
    )
    visitors.append(visitor)
    for text in (XSS_IMG, XSS_SCRIPT, f"[click]({XSS_LINK})", XSS_LINK):
        visitor.say(text)

    name = f"{XSS_IMG} {XSS_SCRIPT}"
    queue = page.get_by_role("region", name="Queue")
    expect(queue.get_by_text(name, exact=True)).to_be_visible()
    queue.get_by_role("button", name=f"Accept chat with {name}").click()
    log = transcript(page)
    for text in (XSS_IMG, XSS_SCRIPT, f"[click]({XSS_LINK})", XSS_LINK):
        expect(log.get_by_text(text, exact=True)).to_be_visible()
    reply = page.get_by_label("Reply")
    reply.fill(XSS_IMG)
    reply.press("Enter")
    expect(log.locator(".line.agent").get_by_text(XSS_IMG, exact=True)).to_be_visible()

    context = page.get_by_role("complementary", name="Visitor")
    expect(context.get_by_role("row", name=f"{XSS_IMG} {XSS_SCRIPT}")).to_be_visible()
    expect(context.get_by_role("row", name=f"link {XSS_LINK}")).to_be_visible()
    expect(context.get_by_text(XSS_LINK, exact=True).first).to_be_visible()

    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__xss") == "undefined"
    desk = page.locator("#desk")
    assert desk.locator("img").count() == 0
    assert desk.locator("script").count() == 0
    assert desk.locator("[onerror]").count() == 0
    assert page.locator('a[href^="javascript:" i]').count() == 0
    assert page.page_errors == []


def test_desk_catches_up_after_lost_events_and_reconnects(
    page: Any, demo_server: LiveServer, dana: Dana, visitors: list[Visitor]
) -> None:
    sockets: list[Any] = []
    seen: list[str] = []
    muted: list[Any] = []

    def relay(socket: Any) -> None:
        server = socket.connect_to_server()

        def forward(frame: str | bytes) -> None:
            event = json.loads(frame)
            if event.get("type") == "message":
                seen.append(str(frame))
                if socket in muted:
                    return
            socket.send(frame)

        server.on_message(forward)
        sockets.append(socket)

    page.route_web_socket("**/api/agent/events", relay)
    sign_in(page, demo_server)
    page.get_by_role("switch", name="Available for chats").click()
    visitor = shopper(demo_server, "Cy", "Reed")
    visitors.append(visitor)
    visitor.say("First.")
    page.get_by_role("region", name="My chats").get_by_role(
        "button", name="Cy Reed", exact=False
    ).click()
    log = transcript(page)
    expect(log.get_by_text("First.")).to_be_visible()

    # The broker lost an event: nothing shows until the server says "resync".
    muted.append(sockets[-1])
    visitor.say("Lost in transit.")
    page.wait_for_timeout(500)
    expect(log.get_by_text("Lost in transit.")).to_have_count(0)
    sockets[-1].send(json.dumps({"type": "resync"}))
    expect(log.get_by_text("Lost in transit.")).to_be_visible()

    # At-least-once delivery: a repeated event changes nothing.
    sockets[-1].send(seen[-1])
    sockets[-1].send(seen[-1])
    page.wait_for_timeout(300)
    expect(log.get_by_text("Lost in transit.")).to_have_count(1)

    # The socket drops; what was said meanwhile arrives after the reconnect.
    visitor.say("Said while the desk was offline.")
    page.wait_for_timeout(300)
    expect(log.get_by_text("Said while the desk was offline.")).to_have_count(0)
    sockets[-1].close(code=1012, reason="restart")
    expect(log.get_by_text("Said while the desk was offline.")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    assert len(sockets) >= 2
    indexes = log.locator("li").evaluate_all("items => items.map(i => i.dataset.index)")
    assert len(indexes) == len(set(indexes))
    assert page.page_errors == []
