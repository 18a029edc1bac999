"""The emoji menu, and Escape in the chat window, in a real browser with the keyboard only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.chat_agent import ChatAgent
from tests.browser.conftest import LiveServer
from tests.browser.test_webchat import _agent_account, agent, transport  # noqa: F401
from tests.browser.webchat_pages import WEBCHAT, open_shop, start_chat, wait_for_text, webchat

FOCUSED = f"document.querySelector('{WEBCHAT}').shadowRoot.activeElement"


def test_the_emoji_menu_works_from_the_keyboard(
    page: Any,
    demo_server: LiveServer,
    transport: str,  # noqa: F811
    agent: ChatAgent,  # noqa: F811
) -> None:
    open_shop(page, demo_server, transport, emojis="1")
    cid = start_chat(page)
    agent.accept(cid)
    box = webchat(page).locator("#fd-wc-input")
    box.fill("Thanks ")
    page.keyboard.press("Tab")
    assert page.evaluate(f"{FOCUSED}.getAttribute('aria-haspopup')") == "menu"
    page.keyboard.press("Enter")
    menu = webchat(page).locator("#fd-wc-emojis[role=menu]")
    menu.wait_for()
    assert page.evaluate(f"{FOCUSED}.getAttribute('role')") == "menuitem"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"{FOCUSED}.textContent") == "😊"
    page.keyboard.press("Enter")
    menu.wait_for(state="detached")
    assert page.evaluate(f"{FOCUSED}.id") == "fd-wc-input"
    assert box.input_value() == "Thanks 😊"
    page.keyboard.press("Enter")
    wait_for_text(page, "Thanks 😊", party="Client")
    agent.wait_for_text(cid, "Thanks 😊")

    box.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    menu.wait_for()
    page.keyboard.press("Escape")
    menu.wait_for(state="detached")
    assert page.evaluate(f"{FOCUSED}.classList.contains('fd-wc-emoji')")
    assert webchat(page).locator(".fd-wc-window").count() == 1
    assert webchat(page).locator(".fd-wc-window").get_attribute("data-minimized") == "false"

    # Outside any menu, Escape minimizes the running chat; focus stays on the window's
    # button that opens it again.
    page.keyboard.press("Escape")
    webchat(page).locator(".fd-wc-window[data-minimized=true]").wait_for()
    assert page.evaluate(f"{FOCUSED}.classList.contains('fd-wc-min')")
    page.keyboard.press("Enter")
    webchat(page).locator(".fd-wc-window[data-minimized=false]").wait_for()
    assert page.page_errors == []


def test_escape_closes_the_form_and_focus_returns_to_the_chat_button(
    page: Any,
    demo_server: LiveServer,
    transport: str,  # noqa: F811
) -> None:
    if transport != "purecloud-v2-sockets":
        pytest.skip("no chat starts: the same on every transport")
    open_shop(page, demo_server, transport)
    root = webchat(page)
    root.locator(".fd-wc-button").focus()
    page.keyboard.press("Enter")
    root.locator("#cx_webchat_form_firstname").wait_for()
    assert page.evaluate(f"{FOCUSED}.id") == "cx_webchat_form_firstname"
    page.keyboard.press("Escape")
    root.locator(".fd-wc-window").wait_for(state="detached")
    assert page.evaluate(f"{FOCUSED}.classList.contains('fd-wc-button')")

    # Typed in: Escape asks first, and Escape again answers "no".
    page.keyboard.press("Enter")
    root.locator("#cx_webchat_form_firstname").wait_for()
    page.keyboard.type("Vic")
    page.keyboard.press("Escape")
    root.locator(".fd-wc-no").wait_for()
    page.keyboard.press("Escape")
    root.locator(".fd-wc-no").wait_for(state="detached")
    assert root.locator(".fd-wc-window").count() == 1
    assert page.page_errors == []
