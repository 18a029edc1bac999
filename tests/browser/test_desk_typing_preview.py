"""The visitor's typing preview on the desk: a REST polling visitor types in the real WebChat
without sending, and Dana sees the unsent text under "… is typing", as text, until it is sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.desk_people import XSS_IMG, Dana, dana_session, sign_in, transcript
from tests.browser.webchat_pages import open_shop, start_chat, wait_for_text, webchat


@pytest.fixture
def dana(demo_server: LiveServer) -> Iterator[Dana]:
    yield from dana_session(demo_server)


def test_the_desk_shows_what_a_rest_polling_visitor_is_typing_as_text(
    page: Any, chromium: Any, demo_server: LiveServer, dana: Dana
) -> None:
    desk_context = chromium.new_context(viewport={"width": 1280, "height": 800})
    desk = desk_context.new_page()
    desk_errors: list[str] = []
    desk.on("pageerror", lambda exc: desk_errors.append(str(exc)))
    try:
        sign_in(desk, demo_server)
        open_shop(page, demo_server, "rest-polling")
        cid = start_chat(page, "Pat", "Preview")
        dana.accept(cid)
        desk.get_by_role("region", name="My chats").get_by_role(
            "button", name="Pat Preview"
        ).click()
        expect(desk.get_by_role("heading", name="Pat Preview")).to_be_visible()

        # Typed, not sent: markup that would run if the desk ever parsed it.
        draft = f"Where is my order? {XSS_IMG}"
        webchat(page).locator("#fd-wc-input").fill(draft)
        preview = desk.locator(".typing-preview")
        expect(preview).to_have_text(draft)
        expect(desk.locator(".typing")).to_have_text("Pat Preview is typing…")
        assert desk.locator(".conversation img").count() == 0
        assert desk.evaluate("typeof window.__xss") == "undefined"
        # Key by key, faster than the widget's typing throttle: the last text still arrives.
        webchat(page).locator("#fd-wc-input").press_sequentially(" Thanks", delay=40)
        draft += " Thanks"
        expect(preview).to_have_text(draft)

        # Sent: the message arrives and the preview goes.
        webchat(page).locator("#fd-wc-input").press("Enter")
        wait_for_text(page, "Where is my order?", party="Client")
        expect(transcript(desk).get_by_text(draft)).to_be_visible()
        expect(preview).to_have_count(0)
        assert desk.evaluate("typeof window.__xss") == "undefined"
        assert desk_errors == []
    finally:
        desk_context.close()
