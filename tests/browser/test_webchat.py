"""WebChat in a real browser against the demo server: the visitor in Chromium, the agent over HTTP.

Every scenario takes the ``transport`` fixture, so the transports of issue 5 run the same suite.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.chat_agent import ChatAgent
from tests.browser.conftest import LiveServer
from tests.browser.webchat_pages import (
    SESSION_COOKIES,
    SESSION_ROUTES,
    V2,
    V2_NAMES,
    conversation_id,
    cookie,
    log_texts,
    open_shop,
    say,
    start_chat,
    transcript,
    wait_for_ended,
    wait_for_text,
    wait_until,
    webchat,
)
from tests.browser.widgets import cookie_json


@pytest.fixture(params=["purecloud-v2-sockets", "rest-polling", "pureengage-v3-rest"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def _agent_account(demo_server: LiveServer) -> Iterator[ChatAgent]:
    with ChatAgent(demo_server) as driver:
        yield driver


@pytest.fixture
def agent(_agent_account: ChatAgent) -> Iterator[ChatAgent]:
    """The suite's agent on the demo server; the chats a test accepted end after it."""
    yield _agent_account
    _agent_account.finish()


def _chatting(page: Any, server: LiveServer, transport: str, agent: ChatAgent, **query: str) -> str:
    open_shop(page, server, transport, **query)
    cid = start_chat(page)
    agent.accept(cid)
    return cid


def test_full_chat_both_ways(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent
) -> None:
    cid = _chatting(page, demo_server, transport, agent)
    say(page, "Hello, do you have these shoes in 42?")
    agent.wait_for_text(cid, "Hello, do you have these shoes in 42?")
    agent.say(cid, "We do, in blue and black.")
    wait_for_text(page, "We do, in blue and black.", party="Agent")
    say(page, "Blue, please.")
    agent.wait_for_text(cid, "Blue, please.")
    assert log_texts(page) == [
        "Hello, do you have these shoes in 42?",
        "We do, in blue and black.",
        "Blue, please.",
    ]
    assert agent.texts(cid) == [
        "Hello, do you have these shoes in 42?",
        "We do, in blue and black.",
        "Blue, please.",
    ]
    agent.end(cid)
    wait_for_ended(page)
    assert page.page_errors == []


def test_v2_cookies_written_read_and_cleared(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent
) -> None:
    if transport != "purecloud-v2-sockets":
        pytest.skip("the purecloud-v2-sockets cookies")
    cid = _chatting(page, demo_server, transport, agent)
    values = {name: cookie(page, V2 + name) for name in V2_NAMES[:4]}
    assert all(values.values()), values
    assert values["ConversationID"] == cid
    ws_url = urlsplit(str(values["WS_URL"]))
    assert ws_url.scheme in ("ws", "wss")
    assert ws_url.query == "", "the socket URL must carry no secret"
    assert ws_url.fragment == ""
    assert str(values["JWtoken"]) not in str(values["WS_URL"])
    agent.say(cid, "First from the agent")
    wait_for_text(page, "First from the agent", party="Agent")
    wait_until(lambda: cookie(page, V2 + "LastMsgId"), message="LastMsgId")
    last = str(cookie(page, V2 + "LastMsgId"))
    say(page, "Reply from the visitor")
    wait_until(lambda: cookie(page, V2 + "LastMsgId") != last, message="LastMsgId to move")
    # Read: a refresh restores the same conversation from these cookies.
    page.reload()
    wait_for_text(page, "Reply from the visitor", party="Client")
    assert conversation_id(page) == cid
    agent.end(cid)
    wait_for_ended(page)
    wait_until(
        lambda: all(cookie(page, V2 + name) is None for name in V2_NAMES), message="v2 cookies gone"
    )
    assert page.page_errors == []


def test_ui_cookies_open_minimized_metadata_unread(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent
) -> None:
    cid = _chatting(page, demo_server, transport, agent)
    assert cookie(page, "webchat.state.open") == "true"
    meta = cookie_json(page, "webchat.metaData")
    assert meta["form"], "the form's field names stay"
    assert set(meta["form"].values()) == {""}, "form values must be blank"
    assert "Vic" not in json.dumps(meta)
    assert "Tor" not in json.dumps(meta)

    agent.say(cid, "one")
    wait_for_text(page, "one", party="Agent")
    root = webchat(page)
    root.locator(".fd-wc-min").click()
    assert cookie(page, "webchat.state.minimized") == "true"
    # Read: "... joined the chat" and "one".
    assert cookie(page, "webchat.state.lastMessageCountRead") == "2"
    agent.say(cid, "two")
    agent.say(cid, "three")
    root.locator(".fd-wc-badge", has_text="2").wait_for()
    assert cookie(page, "webchat.state.unreadMessages") == "2"
    assert cookie(page, "webchat.state.asyncUnreadMessageCount") == "2"

    page.reload()  # restored minimized, the count survives
    root.locator(".fd-wc-window[data-minimized=true]").wait_for()
    root.locator(".fd-wc-badge", has_text="2").wait_for()

    root.locator(".fd-wc-min").click()
    wait_for_text(page, "three", party="Agent")
    assert cookie(page, "webchat.state.minimized") == "false"
    for name in ("unreadMessages", "lastMessageCountRead", "asyncUnreadMessageCount"):
        assert cookie(page, "webchat.state." + name) is None, name
    assert root.locator(".fd-wc-badge").count() == 0

    root.locator(".fd-wc-min").click()
    root.locator(".fd-wc-close").click()
    root.locator(".fd-wc-yes").click()
    wait_until(lambda: cookie(page, "webchat.state.open") == "false", message="open=false")
    for name in (
        "webchat.state.minimized",
        "webchat.metaData",
        "webchat.state.lastMessageCountRead",
    ):
        assert cookie(page, name) is None, name
    assert page.page_errors == []


def test_filters_cookie_written_and_cleared_on_end(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent
) -> None:
    cid = _chatting(page, demo_server, transport, agent)
    page.evaluate("CXBus.command('WebChatService.addPrefilter', {filters: [/\\d{16}/g]})")
    wait_until(lambda: cookie(page, "webchat.state.filters"), message="filters cookie")
    assert "16" in str(cookie(page, "webchat.state.filters"))
    page.reload()
    webchat(page).locator("#fd-wc-input").wait_for()
    assert page.evaluate(
        "new Promise(r => CXBus.command('WebChatService.isFiltered', "
        "{message: 'card 1234123412341234'}).done(r).fail(() => r('failed')))"
    ) in (True, "failed")
    agent.end(cid)
    wait_for_ended(page)
    wait_until(lambda: cookie(page, "webchat.state.filters") is None, message="filters cleared")
    assert page.page_errors == []


def test_chat_follows_refresh_navigation_and_sub_domain(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent
) -> None:
    cid = _chatting(page, demo_server, transport, agent)
    say(page, "on the shop")
    page.reload()
    wait_for_text(page, "on the shop", party="Client")
    agent.say(cid, "after refresh")
    wait_for_text(page, "after refresh", party="Agent")

    open_shop(page, demo_server, transport, path="/demo/product.html")
    wait_for_text(page, "after refresh", party="Agent")
    say(page, "on the product page")

    open_shop(page, demo_server, transport, path="/demo/help.html", host="help.example.test")
    say(page, "first on help")
    wait_for_text(page, "on the product page", party="Client")
    agent.say(cid, "on help")
    wait_for_text(page, "on help", party="Agent")
    assert conversation_id(page) == cid
    texts = ["on the shop", "after refresh", "on the product page", "first on help", "on help"]
    assert log_texts(page) == texts
    assert agent.texts(cid) == log_texts(page)
    held = transcript(page)
    assert [m["index"] for m in held] == sorted(m["index"] for m in held)
    assert [m["text"] for m in held if m["type"] == "Message"] == texts
    assert page.page_errors == []


def test_the_visitors_own_message_is_never_unread(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent
) -> None:
    cid = _chatting(page, demo_server, transport, agent)
    root = webchat(page)
    # Read before the minimize, else it is rightly unread.
    root.locator(".fd-wc-system", has_text="joined the chat").wait_for()
    box = root.locator("#fd-wc-input")
    box.fill("minimizing at once")
    # Sent and minimized in one go, before the server has answered.
    box.evaluate(
        """box => {
            box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
            box.getRootNode().querySelector('.fd-wc-min').click();
        }"""
    )
    agent.wait_for_text(cid, "minimizing at once")
    wait_until(
        lambda: any(m["text"] == "minimizing at once" for m in transcript(page)),
        message="the visitor's message back from the server",
    )
    assert root.locator(".fd-wc-badge").count() == 0
    agent.say(cid, "an answer")
    root.locator(".fd-wc-badge", has_text="1").wait_for()
    agent.say(cid, "and another")
    root.locator(".fd-wc-badge", has_text="2").wait_for()
    assert cookie(page, "webchat.state.unreadMessages") == "2"
    assert page.page_errors == []


def test_minimizing_after_reading_shows_no_badge(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent
) -> None:
    cid = _chatting(page, demo_server, transport, agent)
    agent.say(cid, "read with the window open")
    wait_for_text(page, "read with the window open", party="Agent")
    # On v2 the visitor's own message is back (reply and stream event) before the minimize.
    say(page, "thanks, minimizing now")
    root = webchat(page)
    root.locator(".fd-wc-min").click()
    assert root.locator(".fd-wc-window[data-minimized=true]").count() == 1
    assert root.locator(".fd-wc-badge").count() == 0
    agent.say(cid, "an answer")
    root.locator(".fd-wc-badge", has_text="1").wait_for()
    assert cookie(page, "webchat.state.unreadMessages") == "1"
    assert page.page_errors == []


def test_the_agent_joining_while_minimized_is_unread(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent
) -> None:
    open_shop(page, demo_server, transport)
    cid = start_chat(page)
    root = webchat(page)
    root.locator(".fd-wc-min").click()
    agent.accept(cid)
    root.locator(".fd-wc-badge", has_text="1").wait_for()
    agent.say(cid, "hello")
    root.locator(".fd-wc-badge", has_text="2").wait_for()
    root.locator(".fd-wc-min").click()
    root.locator(".fd-wc-system", has_text="joined the chat").wait_for()
    assert page.page_errors == []


def test_second_tab_shows_the_same_chat_and_ends_with_it(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent
) -> None:
    cid = _chatting(page, demo_server, transport, agent)
    say(page, "from tab one")
    second = page.context.new_page()
    errors: list[str] = []
    second.on("pageerror", lambda exc: errors.append(str(exc)))
    open_shop(second, demo_server, transport, path="/demo/product.html")
    wait_for_text(second, "from tab one", party="Client")
    agent.say(cid, "to both tabs")
    wait_for_text(page, "to both tabs", party="Agent")
    wait_for_text(second, "to both tabs", party="Agent")
    say(second, "from tab two")
    wait_for_text(page, "from tab two", party="Client")
    assert log_texts(page) == log_texts(second) == ["from tab one", "to both tabs", "from tab two"]

    second.evaluate("CXBus.command('WebChat.endChat')")
    wait_for_ended(second)
    wait_for_ended(page, timeout=15)
    assert page.page_errors == []
    assert errors == []


def test_offline_then_online_gets_missed_messages_once_in_order(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent
) -> None:
    cid = _chatting(page, demo_server, transport, agent)
    agent.say(cid, "before")
    wait_for_text(page, "before", party="Agent")
    page.context.set_offline(True)
    webchat(page).locator(".fd-wc-offline").wait_for(timeout=15000)
    for n in range(1, 4):
        agent.say(cid, f"missed {n}")
    page.wait_for_timeout(1000)
    page.context.set_offline(False)
    wait_for_text(page, "missed 3", party="Agent", timeout=30)
    webchat(page).locator(".fd-wc-offline").wait_for(state="detached")
    say(page, "back online")
    agent.wait_for_text(cid, "back online")
    page.wait_for_timeout(500)
    assert log_texts(page) == ["before", "missed 1", "missed 2", "missed 3", "back online"]
    assert page.page_errors == []


def test_auto_invite_once_per_browser_session(
    page: Any, demo_server: LiveServer, transport: str
) -> None:
    open_shop(page, demo_server, transport, autoinvite="1")
    toast = webchat(page).locator(".fd-wc-toast")
    toast.wait_for(timeout=6000)
    assert cookie(page, "webchat.autoInvite.disabled") is None
    toast.locator(".fd-wc-reject").click()
    assert cookie(page, "webchat.autoInvite.disabled") == "true"
    page.reload()
    page.wait_for_timeout(1800)
    assert webchat(page).locator(".fd-wc-toast").count() == 0
    open_shop(
        page,
        demo_server,
        transport,
        path="/demo/help.html",
        host="help.example.test",
        autoinvite="1",
    )
    page.wait_for_timeout(1800)
    assert webchat(page).locator(".fd-wc-toast").count() == 0
    assert page.page_errors == []


def test_accepted_auto_invite_opens_the_form_and_is_not_repeated(
    page: Any, demo_server: LiveServer, transport: str
) -> None:
    open_shop(page, demo_server, transport, autoinvite="1")
    webchat(page).locator(".fd-wc-toast .fd-wc-accept").click(timeout=6000)
    webchat(page).locator("#cx_webchat_form_firstname").wait_for()
    assert cookie(page, "webchat.autoInvite.disabled") == "true"
    webchat(page).locator(".fd-wc-close").click()
    page.wait_for_timeout(1800)
    assert webchat(page).locator(".fd-wc-toast").count() == 0
    assert page.page_errors == []


@pytest.mark.parametrize("failure", ["ended", "unreachable"])
def test_failed_restore_offers_a_new_chat(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent, failure: str
) -> None:
    cid = _chatting(page, demo_server, transport, agent)
    context = page.context
    blank = context.new_page()
    page.close()
    if failure == "ended":
        agent.end(cid)  # ends while no page is there to see it
    else:  # the restore's check of the session cannot reach the server
        pattern = SESSION_ROUTES[transport].format(cid=cid)
        blank.route(pattern, lambda route: route.abort("timedout"))
    errors: list[str] = []
    blank.on("pageerror", lambda exc: errors.append(str(exc)))
    open_shop(blank, demo_server, transport)
    toast = webchat(blank).locator(".fd-wc-toast")
    toast.wait_for()
    wait_until(
        lambda: cookie(blank, SESSION_COOKIES[transport][0]) is None, message="session cleared"
    )
    assert cookie(blank, "webchat.state.minimized") is None
    assert cookie(blank, "webchat.metaData") is None
    toast.locator(".fd-wc-accept").click()
    webchat(blank).locator("#cx_webchat_form_firstname").wait_for()
    assert errors == []


XSS = [
    "<img src=x onerror=window.__xss=1>",
    "<svg onload=window.__xss=1>",
    '"><script>window.__xss=1</script>',
    "javascript:window.__xss=1",
    "[click me](javascript:window.__xss=1)",
]


@pytest.mark.parametrize("markdown", ["0", "1"])
def test_xss_payloads_never_run(
    page: Any, demo_server: LiveServer, transport: str, agent: ChatAgent, markdown: str
) -> None:
    open_shop(page, demo_server, transport, markdown=markdown)
    cid = start_chat(page, first=XSS[0], last=XSS[2])
    agent.accept(cid)
    for payload in XSS:
        agent.say(cid, payload)
    say(page, XSS[1])
    wait_for_text(page, "click me", party="Agent")
    for link in webchat(page).locator(".fd-wc-log a").all():
        href = str(link.get_attribute("href") or "")
        assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:")), href
    for bad in ("img", "svg", "script", "iframe"):
        assert webchat(page).locator(f".fd-wc-log {bad}").count() == 0, bad
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.page_errors == []


def test_screenshots_mid_chat(
    chromium: Any, demo_server: LiveServer, transport: str, agent: ChatAgent, screenshot_dir: Path
) -> None:
    """docs/images/webchat-light.png (1280 by 800) and webchat-mobile-dark.png (360 by 740)."""
    shots = [
        ({"width": 1280, "height": 800}, "light", "webchat-light.png"),
        ({"width": 360, "height": 740}, "dark", "webchat-mobile-dark.png"),
    ]
    for viewport, theme, name in shots:
        context = chromium.new_context(viewport=viewport)
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            open_shop(page, demo_server, transport)
            page.evaluate(f"CXBus.command('App.setTheme', {{theme: '{theme}'}})")
            cid = start_chat(page, first="Vic", last="Tor")
            agent.accept(cid)
            say(page, "Hi! Do you have the trail runners in size 42?")
            agent.say(cid, "Hello Vic, yes: in blue and in black. Which one would you like?")
            wait_for_text(page, "Which one would you like?", party="Agent")
            say(page, "Blue, please.")
            page.mouse.move(0, 0)
            page.wait_for_timeout(300)
            page.screenshot(path=str(screenshot_dir / name))
            assert (screenshot_dir / name).stat().st_size > 10_000
            agent.end(cid)
            wait_for_ended(page)
            assert errors == []
        finally:
            context.close()
