"""The REST chat transports in a real browser: their cookies, the REST polling start lock, one
``pureengage-v3-rest`` poller per browser, restores refused after ``restoreTimeout`` (measured from
``webchat.state.ping``) and after a tampered key, with the conversation left intact.

The scenarios that hold for every transport take the shared ``transport`` fixture.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.chat_agent import ChatAgent
from tests.browser.conftest import LiveServer
from tests.browser.test_webchat import _agent_account, agent, transport  # noqa: F401
from tests.browser.webchat_pages import (
    SESSION_COOKIES,
    V2,
    V3,
    conversation_id,
    cookie,
    log_texts,
    open_shop,
    say,
    start_chat,
    wait_for_ended,
    wait_for_text,
    wait_until,
    webchat,
)
from tests.browser.widgets import PREFIX

PING = "webchat.state.ping"
REST = ["rest-polling", "pureengage-v3-rest"]
# The cookie holding the secret each transport sends back: a JWT, or the sealed GMS keys.
KEYS = {
    "purecloud-v2-sockets": V2 + "JWtoken",
    "rest-polling": "webchat.state.keys",
    "pureengage-v3-rest": V3 + "keys",
}

# Records WebChatService's restore outcomes (with their data) from the moment the loader puts the
# bus on the page, before any plugin can load.
RECORD = """
window.__events = [];
let bus;
Object.defineProperty(window, 'CXBus', {
  configurable: true,
  get: () => bus,
  set(value) {
    bus = value;
    for (const name of ['restored', 'restoreTimeout', 'restoreFailed']) {
      value.subscribe('WebChatService.' + name, (event) => window.__events.push(
        {name, data: JSON.parse(JSON.stringify(event.data === undefined ? null : event.data))}));
    }
  },
});
"""


def _events(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate("window.__events"))


def _set_cookie(page: Any, name: str, value: str) -> None:
    """Overwrite a widget cookie where the widgets wrote it (same domain and path)."""
    found = [c for c in page.context.cookies() if c["name"] == PREFIX + name]
    assert found, f"no {name} cookie to overwrite"
    page.context.add_cookies([{**found[0], "value": quote(value, safe="")}])


def _service_ready(page: Any) -> None:
    page.wait_for_function("window.CXBus.data('WebChatService.sessionActive') === false")


@pytest.mark.parametrize("rest", REST)
def test_rest_session_cookies_written_read_and_cleared(
    page: Any,
    demo_server: LiveServer,
    agent: ChatAgent,  # noqa: F811
    rest: str,
) -> None:
    open_shop(page, demo_server, rest)
    cid = start_chat(page)
    agent.accept(cid)
    session, keys, index = SESSION_COOKIES[rest]
    # Written on start.
    assert cookie(page, session) == cid
    secret = str(cookie(page, keys))
    if rest == "rest-polling":
        parsed = json.loads(secret)
        assert set(parsed) == {"alias", "userId", "secureKey"}
        assert cid not in parsed["secureKey"], "the secureKey is sealed, not readable"
    else:
        assert secret.count(".") == 2, "a signed client token (JWT)"
        assert cookie(page, V3 + "open") == "true"
    wait_until(lambda: cookie(page, index), message="index written")
    wait_until(lambda: cookie(page, PING), message="ping written")
    before = int(str(cookie(page, index)))
    ping = int(str(cookie(page, PING)))
    # Written as messages arrive; the ping on later successful requests.
    agent.say(cid, "from the agent")
    wait_for_text(page, "from the agent", party="Agent")
    wait_until(lambda: int(str(cookie(page, index))) > before, message="index to move")
    wait_until(lambda: int(str(cookie(page, PING))) > ping, message="ping to move")
    # Read: the next page restores the same conversation, each message once.
    page.reload()
    wait_for_text(page, "from the agent", party="Agent")
    assert conversation_id(page) == cid
    say(page, "after the reload")
    agent.wait_for_text(cid, "after the reload")
    assert log_texts(page) == ["from the agent", "after the reload"]
    # Cleared when the chat ends.
    agent.end(cid)
    wait_for_ended(page)
    wait_until(
        lambda: all(cookie(page, name) is None for name in (session, keys, index, PING)),
        message="the session cookies to go",
    )
    assert page.page_errors == []


def test_rest_polling_start_lock_lets_one_of_two_tabs_start(
    page: Any, demo_server: LiveServer
) -> None:
    second = page.context.new_page()
    starts: list[str] = []
    for tab in (page, second):
        tab.on(
            "request",
            lambda request: (
                starts.append(request.url)
                if request.method == "POST" and request.url.split("?")[0].endswith("/chat/demo/")
                else None
            ),
        )
        open_shop(tab, demo_server, "rest-polling")
        _service_ready(tab)
    # Both tabs ask at the same moment; the second's call is made while the first one's runs.
    begin = (
        "window.__start = new Promise((resolve) => CXBus.command('WebChatService.startChat', "
        "{nickname: 'Twin'}).done((v) => resolve({ok: v})).fail((e) => resolve({refused: e}))); 0"
    )
    page.evaluate(begin)
    second.evaluate(begin)
    results = [tab.evaluate("window.__start") for tab in (page, second)]
    started = [r for r in results if "ok" in r]
    refused = [r for r in results if "refused" in r]
    assert len(started) == 1, results
    assert refused == [{"refused": {"statusCode": 1}}], results
    assert len(starts) == 1, starts
    winner = page if "ok" in results[0] else second
    winner.evaluate("CXBus.command('WebChatService.endChat')")
    wait_until(lambda: cookie(page, "webchat.state.session") is None, message="chat ended")
    assert page.page_errors == []


def test_restore_refused_when_state_ping_is_older_than_restore_timeout(
    page: Any,
    demo_server: LiveServer,
    transport: str,  # noqa: F811
    agent: ChatAgent,  # noqa: F811
) -> None:
    page.add_init_script(RECORD)
    open_shop(page, demo_server, transport)
    cid = start_chat(page)
    agent.accept(cid)
    say(page, "back soon")
    page.goto("about:blank")  # leaving writes the ping; then it is made two minutes old
    _set_cookie(page, PING, str(int(time.time() * 1000) - 120_000))
    open_shop(page, demo_server, transport)
    toast = webchat(page).locator(".fd-wc-toast")
    toast.wait_for()
    assert [e["name"] for e in _events(page)] == ["restoreTimeout"]
    for name in (*SESSION_COOKIES[transport], PING):
        assert cookie(page, name) is None, name
    assert webchat(page).locator(".fd-wc-window").count() == 0
    assert page.page_errors == []


def _tamper(value: str) -> str:
    """The same secret with its last character changed."""
    return value[:-1] + ("A" if value[-1] != "A" else "B")


def test_tampered_key_is_refused_clearly_and_the_conversation_stays_intact(
    page: Any,
    demo_server: LiveServer,
    transport: str,  # noqa: F811
    agent: ChatAgent,  # noqa: F811
) -> None:
    page.add_init_script(RECORD)
    open_shop(page, demo_server, transport)
    cid = start_chat(page)
    agent.accept(cid)
    agent.say(cid, "before the tampering")
    wait_for_text(page, "before the tampering", party="Agent")
    page.goto("about:blank")
    saved = page.context.cookies()
    secret = str(cookie(page, KEYS[transport]))
    if transport == "rest-polling":
        keys = json.loads(secret)
        keys["secureKey"] = _tamper(keys["secureKey"])
        _set_cookie(page, KEYS[transport], json.dumps(keys))
    else:
        _set_cookie(page, KEYS[transport], _tamper(secret))

    open_shop(page, demo_server, transport)
    webchat(page).locator(".fd-wc-toast").wait_for()
    failed = [e["data"] for e in _events(page) if e["name"] == "restoreFailed"]
    assert len(failed) == 1, _events(page)
    assert failed[0]["status"] == 401, failed
    assert failed[0]["code"] == "invalid_token", failed
    assert webchat(page).locator(".fd-wc-window").count() == 0
    # Nothing happened to the conversation: the agent goes on, and the right keys still open it.
    assert agent.conversation(cid)["conversation"]["state"] == "active"
    agent.say(cid, "still here")
    page.goto("about:blank")
    page.context.clear_cookies()
    page.context.add_cookies(saved)
    open_shop(page, demo_server, transport)
    wait_for_text(page, "still here", party="Agent")
    assert log_texts(page) == ["before the tampering", "still here"]
    assert [e["name"] for e in _events(page)] == ["restored"]
    assert page.page_errors == []


def test_v3_polls_once_per_browser_and_another_tab_takes_over(
    page: Any,
    demo_server: LiveServer,
    agent: ChatAgent,  # noqa: F811
) -> None:
    polls = {"one": 0, "two": 0}

    def count(tab: Any, name: str) -> None:
        def seen(request: Any) -> None:
            if (
                request.method == "GET"
                and "/messages?" in request.url
                and "timeout=" in request.url
            ):
                polls[name] += 1

        tab.on("request", seen)

    count(page, "one")
    open_shop(page, demo_server, "pureengage-v3-rest")
    cid = start_chat(page)
    agent.accept(cid)
    say(page, "from tab one")
    second = page.context.new_page()
    errors: list[str] = []
    second.on("pageerror", lambda exc: errors.append(str(exc)))
    count(second, "two")
    open_shop(second, demo_server, "pureengage-v3-rest", path="/demo/product.html")
    wait_for_text(second, "from tab one", party="Client")
    agent.say(cid, "to both tabs")
    wait_for_text(page, "to both tabs", party="Agent")
    wait_for_text(second, "to both tabs", party="Agent")
    second.wait_for_timeout(500)
    assert polls["one"] >= 1
    assert polls["two"] == 0, "only one tab long-polls"

    page.close()  # the polling tab goes; the other one takes over
    agent.say(cid, "after the first tab closed")
    wait_for_text(second, "after the first tab closed", party="Agent", timeout=15)
    assert polls["two"] >= 1
    assert log_texts(second) == ["from tab one", "to both tabs", "after the first tab closed"]
    assert errors == []
