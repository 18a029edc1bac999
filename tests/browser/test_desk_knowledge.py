"""Knowledge in the desk, in a real browser: Dana (the demo admin) writes an article that a visitor
then finds in the KnowledgeCenter, edits it, reads the statistics and deletes it; hostile article
text stays text; a plain agent has no Knowledge view and the server refuses them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.desk_people import (
    SITE,
    XSS_IMG,
    XSS_LINK,
    XSS_SCRIPT,
    Dana,
    dana_session,
    sign_in,
)
from tests.browser.test_knowledge_center import open_help, search

SEARCH = "/api/knowledge/search/v2/search/"


@pytest.fixture
def dana(demo_server: LiveServer) -> Iterator[Dana]:
    yield from dana_session(demo_server)


def found_titles(server: LiveServer, query: str) -> list[str]:
    """Titles a visitor's search finds, over the service API as the widget asks."""
    reply = httpx.get(
        server.url(SEARCH), params={"query": query, "knowledgebases": "demo-shop", "size": 10}
    )
    reply.raise_for_status()
    return [doc["title"] for doc in reply.json()["documents"]]


def vote_helpful(server: LiveServer, query: str) -> None:
    """A visitor's search session finds the article for ``query`` and calls it helpful."""
    with httpx.Client(base_url=server.url(""), headers={"Origin": SITE}, timeout=10) as http:
        keys = http.post("/api/knowledge/session/v2/sessions/", json={"lang": "en"}).json()["keys"]
        http.headers["gkc_sessionId"] = keys
        doc = http.get(SEARCH, params={"query": query}).json()["documents"][0]
        body = {"kbId": doc["kbId"], "docId": doc["id"]}
        http.post("/api/knowledge/feedback/v2/helpful", json=body).raise_for_status()


def open_knowledge(page: Any) -> None:
    page.get_by_role("navigation", name="Views").get_by_role("button", name="Knowledge").click()
    expect(page.get_by_label("Knowledge base")).to_have_value("demo-shop")


def test_an_admin_writes_edits_and_deletes_an_article_a_visitor_finds(
    page: Any, demo_server: LiveServer, dana: Dana
) -> None:
    sign_in(page, demo_server)
    open_knowledge(page)
    articles = page.get_by_role("list", name="Articles")
    expect(articles.get_by_role("button", name="I forgot my password")).to_be_visible()
    page.get_by_label("Filter by title").fill("PASSWORD")
    expect(articles.get_by_role("button")).to_have_count(1)
    page.get_by_label("Filter by title").fill("")

    page.get_by_role("button", name="New article").click()
    editor = page.get_by_role("form", name="New article")
    # The server checks the fields: an empty title comes back as a problem next to it.
    editor.get_by_role("button", name="Create article").click()
    title = editor.get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(editor.locator("#kb-title-error")).to_have_text("1-300 characters")

    hostile_title = f"Zeppelin parking {XSS_IMG}"
    title.fill(hostile_title)
    editor.get_by_label("Categories").fill("Parking, Airships")
    editor.get_by_label("Tags").fill("zeppelin, mooring")
    editor.get_by_label("Body (Markdown)").fill(
        f"Moor your **zeppelin** at the mast.\n\n{XSS_SCRIPT}\n\n"
        f"- [Ask us]({XSS_LINK})\n- <https://shop.example.test/contact>"
    )
    preview = editor.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("zeppelin")
    expect(preview.get_by_text(XSS_SCRIPT)).to_be_visible()
    expect(preview.locator(".unsafe-link")).to_have_text("Ask us")
    expect(preview.locator("a")).to_have_attribute("href", "https://shop.example.test/contact")
    expect(preview.get_by_role("heading", name=hostile_title)).to_be_visible()
    editor.get_by_role("button", name="Create article").click()
    expect(page.get_by_role("status").filter(has_text="Article created.")).to_be_visible()
    expect(articles.get_by_role("button", name=hostile_title)).to_be_visible()
    assert found_titles(demo_server, "zeppelin") == [hostile_title]

    # The visitor finds it in the KnowledgeCenter, where its title is text as well.
    shop = page.context.new_page()
    shop_errors: list[str] = []
    shop.on("pageerror", lambda exc: shop_errors.append(str(exc)))
    root = open_help(shop, demo_server)
    search(root, "zeppelin parking")
    expect(root.locator(".fd-kc-results .fd-kc-doc-title")).to_have_text([hostile_title])
    search(root, "hovercraft teleporter")
    expect(root.locator("#fd-kc-empty")).to_be_visible()
    assert shop.evaluate("window.__xss") is None

    editor = page.get_by_role("form", name="Edit article")
    editor.get_by_label("Language").fill("not a language!")
    editor.get_by_role("button", name="Save changes").click()
    expect(editor.locator("#kb-lang-error")).to_be_visible()
    editor.get_by_label("Language").fill("en")
    editor.get_by_label("Title").fill("Zeppelin mooring")
    editor.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text="Changes saved.")).to_be_visible()
    expect(editor.locator("#kb-lang-error")).to_have_count(0)
    assert found_titles(demo_server, "zeppelin") == ["Zeppelin mooring"]
    vote_helpful(demo_server, "zeppelin mooring")

    page.get_by_role("button", name="Statistics").click()
    stats = page.get_by_role("region", name="Statistics")
    top = stats.get_by_role("table", name="Top searches")
    expect(top.get_by_role("rowheader", name="zeppelin parking", exact=True)).to_be_visible()
    missing = stats.get_by_role("table", name="Searches without a result")
    expect(
        missing.get_by_role("rowheader", name="hovercraft teleporter", exact=True)
    ).to_be_visible()
    votes = stats.get_by_role("table", name="Article votes")
    voted = votes.get_by_role("row").filter(has_text="Zeppelin mooring")
    expect(voted.get_by_role("cell")).to_have_text(["1", "0", "100% helpful", "0"])

    page.get_by_label("Filter by title").fill("zeppelin")
    articles.get_by_role("button", name="Zeppelin mooring").click()
    editor = page.get_by_role("form", name="Edit article")
    editor.get_by_role("button", name="Delete article").click()
    confirm = editor.get_by_role("group", name="Confirm deletion")
    expect(confirm).to_contain_text("Delete “Zeppelin mooring”")
    confirm.get_by_role("button", name="Keep it").click()
    assert found_titles(demo_server, "zeppelin") == ["Zeppelin mooring"]
    editor.get_by_role("button", name="Delete article").click()
    confirm.get_by_role("button", name="Delete for good").click()
    expect(page.get_by_role("status").filter(has_text="Article deleted.")).to_be_visible()
    expect(articles).to_have_count(0)
    expect(page.get_by_text("No title matches “zeppelin”.")).to_be_visible()
    assert found_titles(demo_server, "zeppelin") == []

    assert page.evaluate("window.__xss") is None
    assert page.page_errors == []
    assert shop_errors == []


def test_a_plain_agent_has_no_knowledge_view(
    page: Any, demo_server: LiveServer, dana: Dana
) -> None:
    login = dana.create_agent("Kim")
    sign_in(page, demo_server, login)
    page.get_by_role("heading", name="Hello, Kim").wait_for()
    expect(page.get_by_role("navigation", name="Views")).to_have_count(0)
    expect(page.get_by_role("button", name="Knowledge")).to_have_count(0)
    # The server refuses them as well: the view being hidden is not the protection.
    refused = page.request.get(demo_server.url("/api/agent/knowledge/bases"))
    assert refused.status == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert page.page_errors == []


def test_screenshots(
    chromium: Any, demo_server: LiveServer, dana: Dana, screenshot_dir: Path
) -> None:
    """docs/images/desk-knowledge.png: an article in the editor with its preview (1280 by 800),
    and desk-knowledge-stats.png: the statistics; then the editor fits a 360px phone."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, demo_server)
        open_knowledge(page)
        page.get_by_label("Filter by title").fill("standing desk")
        page.get_by_role("list", name="Articles").get_by_role("button").first.click()
        expect(page.get_by_role("region", name="Preview").locator("li").first).to_be_visible()
        page.mouse.move(0, 0)
        page.screenshot(path=str(screenshot_dir / "desk-knowledge.png"))
        for query in ("standing desk", "standing desk", "return an item", "teleporter"):
            found_titles(demo_server, query)
        page.get_by_role("button", name="Statistics").click()
        expect(page.get_by_role("table", name="Top searches")).to_be_visible()
        page.screenshot(path=str(screenshot_dir / "desk-knowledge-stats.png"))
        for name in ("desk-knowledge.png", "desk-knowledge-stats.png"):
            assert (screenshot_dir / name).stat().st_size > 10_000
        # On a phone the view is one column and the page no wider than the screen.
        page.set_viewport_size({"width": 360, "height": 740})
        page.get_by_role("list", name="Articles").get_by_role("button").first.click()
        expect(page.get_by_role("form", name="Edit article")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
