"""KnowledgeCenter in a real browser against the demo knowledge base: suggestions while typing,
highlighted results, an article, a vote the server counts, and one search session that follows
the visitor from page to page and sub-domain to sub-domain until `reset`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.widgets import PREFIX, wait_for_app, widget_cookies

WIDGET = "frontdesk-widget[data-plugin=KnowledgeCenter]"
SESSION = "knowledgecenter.state.session"
KEYS = "knowledgecenter.state.keys"


def open_help(
    page: Any, server: LiveServer, path: str = "/demo/", host: str = "shop.example.test"
) -> Any:
    """Open a demo page, press "Search help"; the panel."""
    page.goto(server.url(path, host=host))
    wait_for_app(page)
    page.get_by_role("button", name="Search help").click()
    root = page.locator(WIDGET)
    root.locator(".fd-kc-window").wait_for()
    return root


def search(root: Any, query: str) -> None:
    root.get_by_role("combobox", name="Search the help articles").fill(query)
    root.get_by_role("button", name="Search", exact=True).click()
    root.locator("#fd-kc-count, #fd-kc-empty").wait_for()


def kc_cookies(page: Any) -> dict[str, str]:
    return {
        name.removeprefix(PREFIX): cookie["value"]
        for name, cookie in widget_cookies(page).items()
        if "knowledgecenter" in name
    }


def session_headers(page: Any) -> list[str]:
    """Collects the `gkc_sessionId` header of every knowledge request the page sends."""
    seen: list[str] = []

    def record(request: Any) -> None:
        if "/api/knowledge/" in request.url and "/health/" not in request.url:
            seen.append(request.headers.get("gkc_sessionid", ""))

    page.on("request", record)
    return seen


def test_suggestions_results_article_and_a_counted_vote(page: Any, demo_server: LiveServer) -> None:
    root = open_help(page, demo_server)
    expect(root.locator(".fd-kc-chip").first).to_be_visible()
    expect(root.locator(".fd-kc-trending .fd-kc-doc").first).to_be_visible()
    root.get_by_role("button", name="Account", exact=True).click()
    expect(root.locator("#fd-kc-count")).to_have_text("3 articles for “Account”")
    titles = root.locator(".fd-kc-results .fd-kc-doc-title").all_text_contents()
    assert "I forgot my password" in titles
    assert "How do I delete my account?" in titles

    box = root.get_by_role("combobox", name="Search the help articles")
    box.press_sequentially("passw", delay=40)
    options = root.get_by_role("option")
    expect(options.first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    assert "password" in str(options.first.text_content()).lower()

    search(root, "how do I return an item")
    results = root.locator(".fd-kc-results .fd-kc-doc")
    expect(results.first).to_be_visible()
    marks = root.locator(".fd-kc-results mark")
    expect(marks.first).to_be_visible()
    assert marks.count() >= 1
    first = results.first
    title = str(first.locator(".fd-kc-doc-title").text_content())
    doc_id = str(first.get_attribute("data-doc"))

    first.click()
    article = root.locator(".fd-kc-article")
    expect(article.locator("#fd-kc-article-title")).to_have_text(title)
    expect(article.locator(".fd-kc-body p").first).to_be_visible()
    root.get_by_role("button", name="Yes").click()
    expect(root.locator("#fd-kc-thanks")).to_have_text("Thank you for your feedback.")

    # The thanks shows at once; the vote reaches the server a moment later.
    deadline = time.monotonic() + 5
    while True:
        found = httpx.get(
            demo_server.url("/api/knowledge/search/v2/search/"),
            params={"query": "how do I return an item", "size": 10},
        ).json()
        voted = next(doc for doc in found["documents"] if str(doc["id"]) == doc_id)
        if voted["votes"]["helpful"] == 1 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert voted["votes"]["helpful"] == 1
    assert voted["views"] >= 1

    root.get_by_role("button", name="Back to results").click()
    expect(root.locator(f'[data-doc="{doc_id}"]')).to_be_focused()
    assert page.page_errors == []


def test_the_search_session_follows_the_visitor_until_reset(
    page: Any, demo_server: LiveServer
) -> None:
    sent = session_headers(page)
    root = open_help(page, demo_server)
    search(root, "shipping costs")
    cookies = kc_cookies(page)
    session, keys = cookies[SESSION], cookies[KEYS]
    assert session
    assert keys.startswith("v1.")
    for name, cookie in widget_cookies(page).items():
        if "knowledgecenter" in name:
            assert cookie["domain"] == ".example.test", name
            assert cookie["expires"] == -1, name
            assert "shipping" not in cookie["value"].lower(), f"{name} holds what was typed"

    root = open_help(page, demo_server, "/demo/product.html")
    search(root, "standing desk")
    root = open_help(page, demo_server, "/demo/help.html", host="help.example.test")
    search(root, "refund")
    assert kc_cookies(page) == {SESSION: session, KEYS: keys}
    searches = [header for header in sent if header]
    assert searches
    assert set(searches) == {keys}

    info = page.evaluate("window.CXBus.command('KnowledgeCenterService.sessionInfo')")
    assert info["sessionId"] == session
    page.evaluate("window.CXBus.command('KnowledgeCenterService.reset')")
    assert kc_cookies(page) == {}
    search(root, "warranty")
    fresh = kc_cookies(page)
    assert fresh[SESSION] != session
    assert fresh[KEYS] != keys
    assert page.page_errors == []


def test_keyboard_only_on_a_360px_phone_in_the_dark_theme(
    chromium: Any, demo_server: LiveServer
) -> None:
    context = chromium.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    try:
        page.goto(demo_server.url("/demo/", host="shop.example.test"))
        wait_for_app(page)
        page.evaluate("window.CXBus.command('App.setTheme', {theme: 'dark'})")
        page.get_by_role("button", name="Search help").focus()
        page.keyboard.press("Enter")
        root = page.locator(WIDGET)
        panel = root.locator(".fd-kc-window")
        panel.wait_for()
        box = root.get_by_role("combobox", name="Search the help articles")
        expect(box).to_be_focused()
        bounds = panel.bounding_box()
        assert bounds is not None
        assert bounds["x"] >= 0
        assert bounds["x"] + bounds["width"] <= 360
        background = panel.evaluate("el => getComputedStyle(el).backgroundColor")
        assert background == "rgb(31, 35, 43)"

        page.keyboard.type("deliver", delay=40)
        expect(root.get_by_role("option").first).to_be_visible()
        # Escape in the suggestions closes only them.
        page.keyboard.press("Escape")
        expect(root.get_by_role("option")).to_have_count(0)
        expect(panel).to_be_visible()
        expect(box).to_be_focused()
        page.keyboard.type("y", delay=40)
        expect(root.get_by_role("option").first).to_be_visible()
        page.keyboard.press("ArrowDown")
        expect(box).to_have_attribute("aria-activedescendant", "fd-kc-option-0")
        page.keyboard.press("Enter")
        title = root.locator("#fd-kc-article-title")
        expect(title).to_be_focused()
        for _ in range(12):  # past any links in the article, to the vote
            page.keyboard.press("Tab")
            if root.locator("#fd-kc-yes").evaluate("el => el.getRootNode().activeElement === el"):
                break
        page.keyboard.press("Enter")
        expect(root.locator("#fd-kc-thanks")).to_be_visible()
        page.keyboard.press("Escape")
        expect(panel).to_have_count(0)
        # Focus goes back to the button that opened the panel, not to the page's top.
        expect(page.get_by_role("button", name="Search help")).to_be_focused()
    finally:
        context.close()


def test_screenshots(chromium: Any, demo_server: LiveServer, screenshot_dir: Path) -> None:
    """docs/images/knowledge-center-light.png (results, 1280 by 800) and
    knowledge-center-mobile-dark.png (an article, 360 by 740)."""
    shots = [
        ({"width": 1280, "height": 800}, "light", "knowledge-center-light.png", False),
        ({"width": 360, "height": 740}, "dark", "knowledge-center-mobile-dark.png", True),
    ]
    for viewport, theme, name, article in shots:
        context = chromium.new_context(viewport=viewport)
        try:
            page = context.new_page()
            root = open_help(page, demo_server)
            page.evaluate(f"CXBus.command('App.setTheme', {{theme: '{theme}'}})")
            search(root, "how do I return an item")
            if article:
                root.locator(".fd-kc-results .fd-kc-doc").first.click()
                root.locator(".fd-kc-body p").first.wait_for()
            page.mouse.move(0, 0)
            page.wait_for_timeout(300)
            page.screenshot(path=str(screenshot_dir / name))
            assert (screenshot_dir / name).stat().st_size > 10_000
        finally:
            context.close()
