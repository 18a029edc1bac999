"""Files in the desk, in a real browser: attach or drop, the server's limits and refusals shown,
hostile names kept as text, downloads, and a file deleted by retention saying so."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from frontdesk.actions.file_retention import delete_expired_files
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.models import Conversation, utcnow
from tests.browser.conftest import LiveServer
from tests.browser.desk_people import (
    GUEST,
    XSS_IMG,
    Dana,
    Visitor,
    dana_session,
    shopper,
    sign_in,
    transcript,
    visitor_session,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
HOSTILE_NAME = f"{XSS_IMG}.png"
LIMITS = "Files up to 10 MB: PNG, JPEG, GIF, PDF or plain text"
DROPPING = re.compile(r"\bdropping\b")


@pytest.fixture
def dana(demo_server: LiveServer) -> Iterator[Dana]:
    yield from dana_session(demo_server)


@pytest.fixture
def visitors() -> Iterator[list[Visitor]]:
    yield from visitor_session()


def _drop(page: Any, name: str, *, text: str = "", size: int | None = None) -> None:
    """Drag a file made in the page onto the reply box and drop it there."""
    transfer = page.evaluate_handle(
        """([name, text, size]) => {
            const transfer = new DataTransfer();
            const body = size === null ? [text] : [new Uint8Array(size)];
            transfer.items.add(new File(body, name));
            return transfer;
        }""",
        [name, text, size],
    )
    composer = page.locator("form.composer")
    composer.dispatch_event("dragenter", {"dataTransfer": transfer})
    expect(composer).to_have_class(DROPPING)
    composer.dispatch_event("drop", {"dataTransfer": transfer})
    expect(composer).not_to_have_class(DROPPING)


def _accepted_chat(page: Any, server: LiveServer, visitors: list[Visitor], first: str) -> Visitor:
    sign_in(page, server)
    visitor = shopper(server, first, "Lund")
    visitors.append(visitor)
    visitor.say("Can you send me the invoice?")
    page.get_by_role("button", name=f"Accept chat with {first} Lund").click()
    expect(page.get_by_label("Reply")).to_be_visible()
    return visitor


def test_agent_attaches_and_drops_files_and_sees_why_others_are_refused(
    page: Any, demo_server: LiveServer, dana: Dana, visitors: list[Visitor]
) -> None:
    visitor = _accepted_chat(page, demo_server, visitors, "Fay")
    expect(page.get_by_text(LIMITS)).to_be_visible()
    log = transcript(page)

    page.get_by_label("Attach a file").set_input_files(
        {"name": HOSTILE_NAME, "mimeType": "image/png", "buffer": PNG}
    )
    link = log.get_by_role("link", name=HOSTILE_NAME)
    expect(link).to_be_visible()
    expect(log.get_by_text("PNG · 72 bytes")).to_be_visible()
    assert link.get_attribute("download") == HOSTILE_NAME
    assert (link.get_attribute("href") or "").startswith("/api/agent/files/")

    _drop(page, "notes.txt", text="hello from a drop")
    expect(log.get_by_role("link", name="notes.txt")).to_be_visible()
    expect(log.get_by_text("Plain text · 17 bytes")).to_be_visible()

    # The visitor got both, as attachments of their own route.
    history = visitor.http.get(f"{GUEST}/{visitor.id}/messages", params={"sortOrder": "ascending"})
    shared = [m["attachment"]["name"] for m in history.json()["entities"] if m.get("attachment")]
    assert shared == [HOSTILE_NAME, "notes.txt"]

    with page.expect_download() as png:
        link.click()
    assert Path(png.value.path()).read_bytes() == PNG
    with page.expect_download() as text:
        log.get_by_role("link", name="notes.txt").click()
    assert text.value.suggested_filename == "notes.txt"
    assert Path(text.value.path()).read_bytes() == b"hello from a drop"

    # Refused by the server (the content is no allowed type), then by the desk itself (too big).
    page.get_by_label("Attach a file").set_input_files(
        {"name": "setup.exe", "mimeType": "image/png", "buffer": b"MZ\x90\x00" + bytes(60)}
    )
    alert = page.locator(".upload-errors")
    expect(alert).to_have_text("Could not send setup.exe: This kind of file may not be shared.")
    expect(alert).to_have_attribute("role", "alert")
    _drop(page, "huge.pdf", size=10 * 1024 * 1024 + 1)
    expect(alert).to_have_text("huge.pdf is larger than 10 MB.")
    _drop(page, "empty.txt")
    expect(alert).to_have_text("empty.txt is empty.")
    expect(log.locator(".line.file")).to_have_count(2)

    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#desk img").count() == 0
    assert page.page_errors == []


def _expire_files_of(server: LiveServer, conversation_id: str) -> int:
    """Age one ended conversation by ten years and run the retention action on the demo's data."""

    async def expire() -> int:
        settings = Settings(
            data_dir=server.data_dir,
            database_url=f"sqlite:///{server.data_dir / 'demo.db'}",
            file_retention_days=3650,
        )
        database = await Database.connect(settings)
        try:
            async with database.session() as session, session.begin():
                await session.execute(
                    update(Conversation)
                    .where(Conversation.id == conversation_id)
                    .values(ended_at=utcnow() - dt.timedelta(days=3651))
                )
            return await delete_expired_files(database, settings)
        finally:
            await database.close()

    # Playwright's sync API holds this thread's event loop: the database work gets its own.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, expire()).result()


def test_a_file_deleted_by_retention_says_so_instead_of_downloading(
    page: Any, demo_server: LiveServer, dana: Dana, visitors: list[Visitor]
) -> None:
    visitor = _accepted_chat(page, demo_server, visitors, "Gil")
    page.get_by_label("Attach a file").set_input_files(
        {"name": "receipt.txt", "mimeType": "text/plain", "buffer": b"total: 42"}
    )
    log = transcript(page)
    expect(log.get_by_role("link", name="receipt.txt")).to_be_visible()
    page.get_by_role("button", name="End chat").click()
    page.get_by_role("button", name="Yes, end it").click()
    expect(page.get_by_text("This transcript is read-only.", exact=False)).to_be_visible()

    assert _expire_files_of(demo_server, visitor.id) == 1
    downloads: list[Any] = []
    page.on("download", lambda download: downloads.append(download))
    log.get_by_role("link", name="receipt.txt").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Could not download receipt.txt: This file was deleted: files of ended chats are kept"
        " only for a while."
    )
    assert downloads == []
    assert page.page_errors == []
