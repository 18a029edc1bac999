"""Async chat in a real browser: the visitor keeps a chat, leaves it, and a reply brings it back."""

from __future__ import annotations

from typing import Any

from tests.browser.chat_agent import ChatAgent
from tests.browser.conftest import LiveServer
from tests.browser.test_webchat import _agent_account, agent, transport  # noqa: F401
from tests.browser.webchat_pages import (
    cookie,
    log_texts,
    open_shop,
    say,
    start_chat,
    wait_for_text,
    wait_until,
    webchat,
)

UNREAD = ("unreadMessages", "lastMessageCountRead", "asyncUnreadMessageCount")


def _keep(page: Any) -> None:
    """Close the window and choose to keep the chat."""
    root = webchat(page)
    root.locator(".fd-wc-close").click()
    root.locator(".fd-wc-keep").click()
    root.locator(".fd-wc-window").wait_for(state="detached")
    root.locator(".fd-wc-button").wait_for()


def test_a_kept_chat_comes_back_in_full_for_a_reply(
    page: Any,
    demo_server: LiveServer,
    transport: str,  # noqa: F811
    agent: ChatAgent,  # noqa: F811
) -> None:
    open_shop(page, demo_server, transport, **{"async": "full"})
    cid = start_chat(page)
    agent.accept(cid)
    say(page, "I need to go, answer when you can")
    _keep(page)
    assert cookie(page, "webchat.state.open") == "false"
    assert agent.conversation(cid)["conversation"]["state"] == "active"
    agent.say(cid, "Here is your answer")
    root = webchat(page)
    root.locator(".fd-wc-window[data-minimized=false]").wait_for()
    wait_for_text(page, "Here is your answer", party="Agent")
    assert cookie(page, "webchat.state.open") == "true"
    for name in UNREAD:
        assert cookie(page, "webchat.state." + name) is None, name
    assert log_texts(page) == ["I need to go, answer when you can", "Here is your answer"]
    assert page.page_errors == []


def test_a_kept_chat_follows_to_another_page_and_returns_minimized_with_the_unread_count(
    page: Any,
    demo_server: LiveServer,
    transport: str,  # noqa: F811
    agent: ChatAgent,  # noqa: F811
) -> None:
    options = {"async": "minimized"}
    open_shop(page, demo_server, transport, **options)
    cid = start_chat(page)
    agent.accept(cid)
    agent.say(cid, "first")
    wait_for_text(page, "first", party="Agent")
    _keep(page)

    # Another page: the kept chat is restored, and stays hidden behind the chat button.
    open_shop(page, demo_server, transport, path="/demo/product.html", **options)
    root = webchat(page)
    root.locator(".fd-wc-button").wait_for()
    page.wait_for_timeout(1500)
    assert root.locator(".fd-wc-window").count() == 0
    assert cookie(page, "webchat.state.open") == "false"

    agent.say(cid, "one")
    root.locator(".fd-wc-window[data-minimized=true]").wait_for(timeout=15000)
    agent.say(cid, "two")
    root.locator(".fd-wc-badge", has_text="2").wait_for()
    assert root.locator(".fd-wc-badge").get_attribute("aria-label") == "2 unread messages"
    assert cookie(page, "webchat.state.asyncUnreadMessageCount") == "2"
    assert cookie(page, "webchat.state.unreadMessages") == "2"
    assert cookie(page, "webchat.state.minimized") == "true"

    # Away again while minimized, and a reply meanwhile: the count goes on from where it was.
    page.goto("about:blank")
    agent.say(cid, "three")
    open_shop(page, demo_server, transport, path="/demo/help.html", **options)
    root.locator(".fd-wc-badge", has_text="3").wait_for(timeout=15000)

    root.locator(".fd-wc-min").click()
    wait_for_text(page, "three", party="Agent")
    wait_until(
        lambda: all(cookie(page, "webchat.state." + name) is None for name in UNREAD),
        message="unread cookies cleared",
    )
    assert root.locator(".fd-wc-badge").count() == 0
    assert log_texts(page) == ["first", "one", "two", "three"]
    assert page.page_errors == []
