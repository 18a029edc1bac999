"""restoreTimeout in a real browser: a chat left for longer than allowed is not restored."""

from __future__ import annotations

from typing import Any

from tests.browser.chat_agent import ChatAgent
from tests.browser.conftest import LiveServer
from tests.browser.test_webchat import _agent_account, agent, transport  # noqa: F401
from tests.browser.webchat_pages import (
    SESSION_COOKIES,
    cookie,
    open_shop,
    say,
    start_chat,
    wait_for_text,
    webchat,
)

# Records WebChatService's restore outcome on every page: subscribed the moment the loader puts
# the bus on the page, before any plugin can load.
RECORD_RESTORES = """
window.__restores = [];
let bus;
Object.defineProperty(window, 'CXBus', {
  configurable: true,
  get: () => bus,
  set(value) {
    bus = value;
    for (const name of ['restored', 'restoreTimeout', 'restoreFailed']) {
      value.subscribe('WebChatService.' + name, () => window.__restores.push(name));
    }
  },
});
"""


def test_a_chat_left_longer_than_restore_timeout_is_not_restored(
    page: Any,
    demo_server: LiveServer,
    transport: str,  # noqa: F811
    agent: ChatAgent,  # noqa: F811
) -> None:
    page.add_init_script(RECORD_RESTORES)
    options = {"restoretimeout": "3000"}
    open_shop(page, demo_server, transport, **options)
    cid = start_chat(page)
    agent.accept(cid)
    say(page, "back in a moment")

    # Within the limit, the next page restores the chat.
    open_shop(page, demo_server, transport, path="/demo/product.html", **options)
    wait_for_text(page, "back in a moment", party="Client")
    assert page.evaluate("window.__restores") == ["restored"]
    assert cookie(page, "webchat.state.ping")

    # Away for longer than restoreTimeout: no restore, the session is dropped, a new chat offered.
    page.goto("about:blank")
    page.wait_for_timeout(4500)
    open_shop(page, demo_server, transport, **options)
    toast = webchat(page).locator(".fd-wc-toast")
    toast.wait_for()
    assert toast.locator("h2").inner_text() == "Chat ended"
    assert page.evaluate("window.__restores") == ["restoreTimeout"]
    for name in SESSION_COOKIES[transport]:
        assert cookie(page, name) is None, name
    assert cookie(page, "webchat.state.ping") is None
    assert cookie(page, "webchat.state.minimized") is None
    assert cookie(page, "webchat.metaData") is None
    assert webchat(page).locator(".fd-wc-window").count() == 0
    toast.locator(".fd-wc-accept").click()
    webchat(page).locator("#cx_webchat_form_firstname").wait_for()
    assert page.page_errors == []
