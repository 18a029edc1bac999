"""A waiting visitor sees their place in the queue and the wait, until an agent joins."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.chat_agent import ChatAgent
from tests.browser.conftest import LiveServer
from tests.browser.test_webchat import _agent_account, agent, transport  # noqa: F401
from tests.browser.webchat_pages import open_shop, start_chat, wait_for_text, webchat


def test_a_waiting_visitor_sees_their_place_in_line_until_an_agent_joins(
    page: Any,
    demo_server: LiveServer,
    transport: str,  # noqa: F811
    agent: ChatAgent,  # noqa: F811
) -> None:
    # v2 sockets tell the place in a frame; both REST APIs in an extension field of their answers.
    open_shop(page, demo_server, transport)
    cid = start_chat(page)
    line = webchat(page).locator(".fd-wc-queue")
    line.wait_for()
    assert line.get_attribute("role") == "status"
    shown = re.fullmatch(r"You are number (\d+) in line, about (\d+) min", line.inner_text())
    assert shown, line.inner_text()
    queue = agent.conversation(cid)["conversation"]["queue"]
    assert int(shown[1]) == queue["position"]
    assert int(shown[2]) == max(1, -(-queue["estimated_wait_seconds"] // 60))
    agent.accept(cid)
    line.wait_for(state="detached")
    agent.say(cid, "Hello, you are next no more: you are first!")
    wait_for_text(page, "you are first!", party="Agent")
    assert webchat(page).locator(".fd-wc-queue").count() == 0
    assert page.page_errors == []
