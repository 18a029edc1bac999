from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from frontdesk.actions.agents import create_agent
from frontdesk.actions.chat import Visitor, create_conversation, end_conversation, send_message
from frontdesk.actions.chat_views import conversation_channel, list_members, list_messages
from frontdesk.actions.files import attach_file, clean_filename, detect_type, get_file
from frontdesk.actions.routing import accept
from frontdesk.app import Services
from frontdesk.errors import (
    ConfigError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from frontdesk.settings import SUPPORTED_UPLOAD_TYPES, Settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)
GIF = b"GIF89a\x01\x00\x01\x00" + bytes(16)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(16)


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def _start(services: Services) -> tuple[str, str]:
    conversation, member = await create_conversation(
        services.database,
        services.broker,
        origin="http://shop.example.test",
        transport="test",
        visitor=Visitor(first_name="Vic"),
    )
    return conversation.id, member.id


async def _attach(
    services: Services,
    cid: str,
    member_id: str,
    data: bytes,
    *,
    filename: str = "photo.png",
    content_type: str = "image/png",
    settings: Settings | None = None,
) -> str:
    message = await attach_file(
        services.database,
        services.broker,
        cid,
        member_id,
        filename=filename,
        content_type=content_type,
        data=data,
        settings=settings or services.settings,
    )
    assert message.data is not None
    file_id: str = message.data["file_id"]
    return file_id


async def test_a_visitor_file_is_stored_and_posted_as_a_gapless_message(
    services: Services,
) -> None:
    db, broker = services.database, services.broker
    cid, visitor = await _start(services)
    async with broker.subscribe(conversation_channel(cid)) as events:
        message = await attach_file(
            db,
            broker,
            cid,
            visitor,
            filename="cart.png",
            content_type="image/png",
            data=PNG,
            settings=services.settings,
        )
        event = (await anext(events)).event
    assert (message.index, message.kind, message.text) == (2, "file", "cart.png")
    assert message.member is not None
    assert message.member.id == visitor
    assert message.data is not None
    file_id = message.data["file_id"]
    assert message.data == {
        "file_id": file_id,
        "name": "cart.png",
        "size": len(PNG),
        "type": "image/png",
    }
    assert event == {
        "type": "message",
        "conversation_id": cid,
        "index": 2,
        "message": message.as_json(),
    }
    stored = await get_file(db, file_id)
    assert (stored.data, stored.content_type, stored.conversation_id) == (PNG, "image/png", cid)
    await send_message(db, broker, cid, visitor, "after the file")
    assert [(m.index, m.kind) for m in await list_messages(db, cid)] == [
        (1, "member-join"),
        (2, "file"),
        (3, "text"),
    ]


async def test_files_and_messages_sent_together_keep_gapless_indexes(services: Services) -> None:
    cid, visitor = await _start(services)
    await asyncio.gather(
        *(_attach(services, cid, visitor, PNG) for _ in range(5)),
        *(
            send_message(services.database, services.broker, cid, visitor, f"m{i}")
            for i in range(5)
        ),
    )
    messages = await list_messages(services.database, cid)
    assert [m.index for m in messages] == list(range(1, 12))
    assert sum(m.kind == "file" for m in messages) == 5


async def test_the_stored_type_is_what_the_content_is(services: Services) -> None:
    cid, visitor = await _start(services)
    as_html = await _attach(services, cid, visitor, PNG, content_type="text/html")
    assert (await get_file(services.database, as_html)).content_type == "image/png"
    page = b"<html><script>alert(1)</script></html>"
    disguised = await _attach(services, cid, visitor, page, filename="x.png")
    assert (await get_file(services.database, disguised)).content_type == "text/plain"
    for junk in (b"PK\x03\x04\x14\x00\x00\x00", b"MZ\x90\x00\x03\x00", "caf\xe9".encode("latin-1")):
        with pytest.raises(UnsupportedMediaType) as refused:
            await _attach(services, cid, visitor, junk, content_type="image/png")
        assert refused.value.details["claimed"] == "image/png"
    images_only = services.settings.replace(upload_types=("image/png",))
    with pytest.raises(UnsupportedMediaType):
        await _attach(services, cid, visitor, PDF, settings=images_only)
    assert [m.index for m in await list_messages(services.database, cid)] == [1, 2, 3]


async def test_empty_and_oversized_files_are_refused(services: Services) -> None:
    cid, visitor = await _start(services)
    with pytest.raises(InvalidInput):
        await _attach(services, cid, visitor, b"")
    small = services.settings.replace(upload_max_bytes=1024)
    with pytest.raises(PayloadTooLarge) as refused:
        await _attach(services, cid, visitor, PNG + bytes(1024), settings=small)
    assert refused.value.details["limit"] == 1024
    await _attach(services, cid, visitor, PNG + bytes(1024 - len(PNG)), settings=small)


async def test_only_connected_members_of_open_conversations_share_files(
    services: Services,
) -> None:
    db, broker = services.database, services.broker
    cid, visitor = await _start(services)
    other_cid, other_visitor = await _start(services)
    with pytest.raises(Forbidden):
        await _attach(services, cid, other_visitor, PNG)
    with pytest.raises(NotFound):
        await _attach(services, "no-such-conversation", visitor, PNG)
    agent = await create_agent(
        db, email="ada@example.test", display_name="Ada", password="correct horse battery"
    )
    await accept(db, broker, agent, other_cid)
    agent_member = next(m for m in await list_members(db, other_cid) if m.role == "AGENT")
    shared = await _attach(services, other_cid, agent_member.id, GIF, filename="map.gif")
    await end_conversation(db, broker, cid, reason="visitor", member_id=visitor)
    with pytest.raises(Conflict):
        await _attach(services, cid, visitor, PNG)
    assert (await get_file(db, shared, conversation_id=other_cid)).name == "map.gif"
    with pytest.raises(NotFound):
        await get_file(db, shared, conversation_id=cid)
    with pytest.raises(NotFound):
        await get_file(db, "no-such-file")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (b"GIF87a" + bytes(8), "image/gif"),
        (PDF, "application/pdf"),
        (WEBP, "image/webp"),
        ("Grüße\r\n\tnext line\f".encode(), "text/plain"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "text/plain"),
        (b"text with a \x00 NUL", None),
        (b"\x1b[31mescape", None),
        ("C1 \u0085 control".encode(), None),
        (b"\xff\xfe\x00\x00", None),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
    ],
)
def test_types_are_detected_from_the_content(data: bytes, kind: str | None) -> None:
    assert detect_type(data) == kind


def test_every_supported_type_can_be_detected() -> None:
    samples = [PNG, JPEG, GIF, PDF, WEBP, b"plain"]
    assert {detect_type(sample) for sample in samples} == SUPPORTED_UPLOAD_TYPES


@pytest.mark.parametrize(
    ("given", "cleaned"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\vic\\Desktop\\cart.png", "cart.png"),
        ("invoice\u202egnp.exe", "invoice gnp.exe"),
        ("line\nbreak\x00.txt", "line break .txt"),
        ("  .hidden  ", "hidden"),
        ("...", "file"),
        ("", "file"),
        ("dir/", "file"),
        ('<img src=x onerror="alert(1)">.png', '<img src=x onerror="alert(1)">.png'),
        ("Cafe\u0301.txt", "Caf\u00e9.txt"),
        ("a" * 300 + ".png", "a" * 251 + ".png"),
        ("b" * 300, "b" * 255),
    ],
)
def test_file_names_keep_no_folders_or_control_characters(given: str, cleaned: str) -> None:
    assert clean_filename(given) == cleaned


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"FRONTDESK_UPLOAD_MAX_BYTES": "0"}, "upload_max_bytes"),
        ({"FRONTDESK_UPLOAD_MAX_BYTES": str(200 * 1024 * 1024)}, "upload_max_bytes"),
        ({"FRONTDESK_UPLOAD_TYPES": "image/png,image/svg+xml"}, "upload_types"),
        ({"FRONTDESK_UPLOAD_TYPES": "text/html"}, "upload_types"),
    ],
)
def test_bad_upload_settings_name_the_setting(
    env: dict[str, str], setting: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"FRONTDESK_DATA_DIR": str(tmp_path), **env})
    assert caught.value.setting == setting


def test_upload_settings_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "FRONTDESK_DATA_DIR": str(tmp_path),
            "FRONTDESK_UPLOAD_MAX_BYTES": "2048",
            "FRONTDESK_UPLOAD_TYPES": "Image/PNG, application/pdf",
        }
    )
    assert settings.upload_max_bytes == 2048
    assert settings.upload_types == ("image/png", "application/pdf")
    assert Settings(data_dir=tmp_path).upload_types == (
        "image/png",
        "image/jpeg",
        "image/gif",
        "application/pdf",
        "text/plain",
    )
