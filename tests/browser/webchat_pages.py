"""Visitor-side helpers for the WebChat scenarios: load the demo shop, start a chat, read it."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlencode

from tests.browser.conftest import LiveServer
from tests.browser.widgets import PREFIX, wait_for_app, widget_cookies

WEBCHAT = "frontdesk-widget[data-plugin=WebChat]"
V2 = "webchat.state.purecloud-v2-sockets."
V2_NAMES = ("JWtoken", "ConversationID", "MemberID", "WS_URL", "LastMsgId")
V3 = "webchat.state.pureengage-v3-rest."
# Each transport's session cookies (after the widgets prefix); the first holds the conversation id.
SESSION_COOKIES = {
    "purecloud-v2-sockets": tuple(
        V2 + name for name in ("ConversationID", "JWtoken", "MemberID", "WS_URL", "LastMsgId")
    ),
    "rest-polling": ("webchat.state.session", "webchat.state.keys", "webchat.state.index"),
    "pureengage-v3-rest": (V3 + "session", V3 + "keys", V3 + "index"),
}
# URL globs of each transport's calls on one conversation (to make them fail in a test).
SESSION_ROUTES = {
    "purecloud-v2-sockets": "**/conversations/{cid}/**",
    "rest-polling": "**/genesys/2/chat/*/{cid}/**",
    "pureengage-v3-rest": "**/nexus/v3/chat/sessions/{cid}/**",
}


def open_shop(
    page: Any,
    server: LiveServer,
    transport: str,
    path: str = "/demo/",
    host: str = "shop.example.test",
    **query: str,
) -> None:
    """Load a demo page with the given WebChat transport and wait for the widgets."""
    page.goto(server.url(f"{path}?{urlencode({'transport': transport, **query})}", host=host))
    wait_for_app(page)


def webchat(page: Any) -> Any:
    return page.locator(WEBCHAT)


def start_chat(page: Any, first: str = "Vic", last: str = "Tor") -> str:
    """Open WebChat from its button, fill the form, wait for the chat; return its conversation."""
    root = webchat(page)
    root.locator(".fd-wc-button").click()
    root.locator("#cx_webchat_form_firstname").fill(first)
    root.locator("#cx_webchat_form_lastname").fill(last)
    root.locator("#fd-wc-submit").click()
    try:
        root.locator("#fd-wc-input").wait_for(timeout=15000)
    except Exception as error:
        shown = root.locator(".fd-wc").inner_text()
        raise AssertionError(f"the chat did not start; the widget shows: {shown!r}") from error
    return conversation_id(page)


def conversation_id(page: Any, timeout: float = 10) -> str:
    """The conversation id from whichever transport's session cookie the page holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for names in SESSION_COOKIES.values():
            value = cookie(page, names[0])
            if value:
                return value
        time.sleep(0.05)
    raise AssertionError("no session cookie of any transport")


def cookie(page: Any, name: str) -> str | None:
    found = widget_cookies(page).get(PREFIX + name)
    return None if found is None else str(found["value"])


def say(page: Any, text: str) -> None:
    box = webchat(page).locator("#fd-wc-input")
    box.fill(text)
    box.press("Enter")
    wait_for_text(page, text, party="Client")


def transcript(page: Any) -> list[dict[str, Any]]:
    """The messages ``WebChatService.getTranscript`` holds, in its order."""
    found = page.evaluate(
        "new Promise(r => CXBus.command('WebChatService.getTranscript')"
        ".done(t => r(t.messages)).fail(() => r([])))"
    )
    return [dict(m) for m in found]


def log_texts(page: Any, party: str | None = None) -> list[str]:
    selector = ".fd-wc-msg" + (f"[data-party={party}]" if party else "")
    return [str(t) for t in webchat(page).locator(f"{selector} .fd-wc-text").all_text_contents()]


def wait_for_text(page: Any, text: str, party: str | None = None, timeout: float = 10) -> None:
    selector = ".fd-wc-msg" + (f"[data-party={party}]" if party else "")
    webchat(page).locator(selector, has_text=text).first.wait_for(timeout=timeout * 1000)


def wait_for_ended(page: Any, timeout: float = 10) -> None:
    webchat(page).locator(".fd-wc-system", has_text=re.compile("ended", re.I)).first.wait_for(
        timeout=timeout * 1000
    )


def wait_until(check: Any, timeout: float = 10, message: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.05)
