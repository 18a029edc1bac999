"""Files in the WebChat window, in a real browser against the demo server: the visitor's "send
file" button with the server's limits and refusals, and files from either side shown as download
buttons whose hostile names stay text, on every transport that carries files."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.chat_agent import ChatAgent
from tests.browser.conftest import LiveServer
from tests.browser.desk_people import XSS_IMG
from tests.browser.test_webchat import _agent_account, agent, transport  # noqa: F401
from tests.browser.webchat_pages import open_shop, start_chat, wait_until, webchat

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
# Names a hostile agent or visitor might give a file (without "/": the server keeps only what
# follows the last one); each must show as exactly this text.
HOSTILE_NAMES = [f"{XSS_IMG}.png", "<svg onload=window.__xss=1>&amp;' x.png"]
UPLOADS = ("rest-polling", "pureengage-v3-rest")
# ms to wait for the server and the widget: generous, the machine may be busy.
WAIT = 15000


def _share(driver: ChatAgent, cid: str, name: str) -> None:
    """The agent shares a file over the agent API."""
    reply = driver.http.post(
        f"/api/agent/conversations/{cid}/files", files={"file": (name, PNG, "image/png")}
    )
    assert reply.status_code == 201, reply.text


def _no_script_ran(page: Any) -> None:
    assert page.evaluate("window.__xss") is None
    assert webchat(page).locator(".fd-wc-log img, .fd-wc-log svg, .fd-wc-log script").count() == 0
    assert page.page_errors == []


def _download(page: Any, button: Any) -> Any:
    """Click a file button and return the download it starts (REST polling: from a new tab)."""
    downloads: list[Any] = []

    def keep(download: Any) -> None:
        downloads.append(download)

    page.on("download", keep)
    page.context.on("page", lambda tab: tab.on("download", keep))
    button.click()
    for _ in range(100):
        if downloads:
            return downloads[0]
        # Playwright's events arrive while it waits, not during a plain sleep.
        page.wait_for_timeout(100)
    raise AssertionError(f"no download; tabs: {[tab.url for tab in page.context.pages]}")


def test_an_agents_files_show_as_downloads_with_hostile_names_as_text(
    page: Any,
    demo_server: LiveServer,
    transport: str,  # noqa: F811
    agent: ChatAgent,  # noqa: F811
) -> None:
    open_shop(page, demo_server, transport)
    cid = start_chat(page)
    agent.accept(cid)
    for name in HOSTILE_NAMES:
        _share(agent, cid, name)
    files = webchat(page).locator(".fd-wc-msg[data-party=Agent] .fd-wc-file")
    expect(files).to_have_count(2, timeout=WAIT)
    assert files.locator(".fd-wc-file-name").all_text_contents() == HOSTILE_NAMES
    _no_script_ran(page)
    download = _download(page, files.first)
    assert download.suggested_filename.endswith(".png")
    with open(download.path(), "rb") as saved:
        assert saved.read() == PNG
    _no_script_ran(page)


def test_the_visitor_sends_a_file_and_sees_limits_and_refusals(
    page: Any,
    demo_server: LiveServer,
    transport: str,  # noqa: F811
    agent: ChatAgent,  # noqa: F811
) -> None:
    open_shop(page, demo_server, transport)
    cid = start_chat(page)
    agent.accept(cid)
    root = webchat(page)
    if transport not in UPLOADS:
        # Guest chat v2 has no visitor upload: the transport reports no fileUpload, no button.
        page.wait_for_timeout(300)
        assert root.locator(".fd-wc-attach").count() == 0
        return
    button = root.locator(".fd-wc-attach")
    expect(button).to_have_text("Send file", timeout=WAIT)
    if transport == "rest-polling":
        # Only REST polling has getFileLimits; they show as text under the box.
        expect(root.locator("#fd-wc-limits")).to_contain_text("png", timeout=WAIT)
    # Keyboard: the button opens the file chooser (once the agent has joined, which redraws).
    expect(root.locator(".fd-wc-system", has_text=agent.name)).to_have_count(1, timeout=WAIT)
    # Locator.press focuses the button and presses at once: a redraw shortly after the join has
    # been seen to move focus away between a separate focus() and keyboard.press().
    with page.expect_file_chooser() as chooser:
        button.press("Enter")
    chooser.value.set_files(
        files=[{"name": HOSTILE_NAMES[0], "mimeType": "image/png", "buffer": PNG}]
    )
    mine = root.locator(".fd-wc-msg[data-party=Client] .fd-wc-file-name")
    expect(mine).to_have_text([HOSTILE_NAMES[0]], timeout=WAIT)
    names = wait_until(
        lambda: [
            m["data"]["name"]
            for m in agent.conversation(cid)["messages"]
            if m.get("kind") == "file" and m.get("data")
        ],
        timeout=WAIT / 1000,
        message="the agent sees the file",
    )
    assert names == [HOSTILE_NAMES[0]]
    # Not a PNG by content: refused (by the limits in the widget, or by the server), as text.
    root.locator("#fd-wc-file").set_input_files(
        files=[{"name": "run.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90"}]
    )
    note = root.locator(".fd-wc-file-note")
    expect(note).to_contain_text(
        "not accepted" if transport == "rest-polling" else "refused", timeout=WAIT
    )
    expect(root.locator(".fd-wc-msg .fd-wc-file")).to_have_count(1)
    _no_script_ran(page)


@pytest.mark.parametrize("where", ["subject", "first message"])
def test_deflection_offers_articles_that_open_in_the_knowledge_center(
    page: Any, demo_server: LiveServer, where: str
) -> None:
    open_shop(page, demo_server, "rest-polling")
    root = webchat(page)
    if where == "subject":
        root.locator(".fd-wc-button").click()
        root.locator("#cx_webchat_form_subject").fill("How do I return my order")
    else:
        start_chat(page)
        root.locator("#fd-wc-input").fill("I want a refund")
    articles = root.locator(".fd-wc-deflect .fd-wc-article")
    expect(articles.first).to_be_visible(timeout=WAIT)
    titles = articles.all_text_contents()
    assert len(titles) <= 3
    expected = "How do I return an item?" if where == "subject" else "When will I get my refund?"
    assert expected in titles
    articles.filter(has_text=expected).click()
    knowledge = page.locator("frontdesk-widget[data-plugin=KnowledgeCenter]")
    expect(knowledge.locator("#fd-kc-article-title")).to_have_text(expected)
    expect(knowledge.locator(".fd-kc-body p").first).to_be_visible()
    if where == "first message":
        root.locator("#fd-wc-input").press("Enter")
        expect(root.locator(".fd-wc-deflect")).to_have_count(0)
