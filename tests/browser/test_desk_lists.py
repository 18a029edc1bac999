"""The desk's lists in a real browser: queue previews pushed live (no transcript polling), and
past chats a page at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.desk_people import (
    Dana,
    Visitor,
    dana_session,
    shopper,
    sign_in,
    visitor_session,
)

# The desk used to re-read queued transcripts every 4 s; watch longer than that.
LONGER_THAN_THE_OLD_POLL_MS = 4_500


@pytest.fixture
def dana(demo_server: LiveServer) -> Iterator[Dana]:
    yield from dana_session(demo_server)


@pytest.fixture
def visitors() -> Iterator[list[Visitor]]:
    yield from visitor_session()


def test_queue_previews_arrive_live_without_reading_transcripts(
    page: Any, demo_server: LiveServer, dana: Dana, visitors: list[Visitor]
) -> None:
    reads: list[str] = []
    page.on(
        "request",
        lambda request: (
            reads.append(request.url) if "/api/agent/conversations/" in request.url else None
        ),
    )
    sign_in(page, demo_server)
    visitor = shopper(demo_server, "Hal", "Ives")
    visitors.append(visitor)
    queue = page.get_by_role("region", name="Queue")
    item = queue.get_by_role("listitem").filter(has_text="Hal Ives")
    expect(item).to_be_visible()
    for text in ("One.", "Two, a little longer.", "Three!"):
        visitor.say(text)
        expect(item.locator(".snippet")).to_have_text(text)
    page.wait_for_timeout(LONGER_THAN_THE_OLD_POLL_MS)
    assert [url for url in reads if visitor.id in url] == []
    assert page.page_errors == []


def test_past_chats_load_a_page_at_a_time(
    page: Any, demo_server: LiveServer, dana: Dana, visitors: list[Visitor]
) -> None:
    # Dana is the admin: she sees everyone's past chats, these 21 the newest of them.
    for n in range(21):
        visitor = shopper(demo_server, "Old", f"Chat {n:02d}")
        visitors.append(visitor)
        dana.accept(visitor.id)
        dana.end(visitor.id)
    sign_in(page, demo_server)
    ended = page.get_by_role("region", name="Ended")
    names = ended.locator(".name")
    expect(ended.get_by_role("button", name="Old Chat 20", exact=True)).to_be_visible()
    expect(names).to_have_count(20)
    expect(ended.get_by_role("button", name="Old Chat 00", exact=True)).to_have_count(0)

    ended.get_by_role("button", name="Load more").click()
    expect(ended.get_by_role("button", name="Old Chat 00", exact=True)).to_be_visible()
    shown = [name for name in names.all_inner_texts() if name.startswith("Old Chat")]
    assert shown == [f"Old Chat {n:02d}" for n in range(20, -1, -1)]
    assert page.page_errors == []
