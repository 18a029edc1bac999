"""The one error envelope, pinned: every failure has this shape and never becomes a 500."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import make_url
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from frontdesk.app import Services
from frontdesk.errors import Conflict, FrontdeskError, RateLimited
from frontdesk.http_errors import BodySizeLimit, install_error_handlers
from frontdesk.settings import Settings
from frontdesk.store.database import RETRY_AFTER_SECONDS
from frontdesk.transports.v3_rest import TOKEN_HEADER
from tests.conftest import _client_for, asyncpg_dsn
from tests.transports.chat_helpers import BASE as V2
from tests.transports.chat_helpers import (
    CREATE_BODY,
    SITE,
    SITE_HEADERS,
    bearer,
    make_agent,
    next_frame,
    start_chat,
    visitor_headers,
)
from tests.transports.live_server import live_server

GMS = "/genesys/2/chat/customer-support"
V3 = "/nexus/v3/chat/sessions"
C2C = {"_customer_number": "+49 171 1234567"}


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=20)
    count: int


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=2048)

    @app.post("/items")
    async def create(item: Item) -> dict[str, str]:
        if item.name == "taken":
            raise Conflict("That name is taken.", name=item.name)
        if item.name == "slow down":
            raise RateLimited("Too many tries.", retry_after=30)
        if item.name == "boom":
            raise RuntimeError("secret internals")
        return {"name": item.name}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def _assert_envelope(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]  # type: ignore[no-any-return]


async def test_success_is_not_wrapped(client: httpx.AsyncClient) -> None:
    response = await client.post("/items", json={"name": "lamp", "count": 1})
    assert response.json() == {"name": "lamp"}


async def test_frontdesk_error_keeps_its_code_and_details(client: httpx.AsyncClient) -> None:
    error = _assert_envelope(
        await client.post("/items", json={"name": "taken", "count": 1}), 409, "conflict"
    )
    assert error["details"] == {"name": "taken"}


async def test_rate_limit_sets_retry_after(client: httpx.AsyncClient) -> None:
    response = await client.post("/items", json={"name": "slow down", "count": 1})
    _assert_envelope(response, 429, "rate_limited")
    assert response.headers["retry-after"] == "30"


async def test_malformed_json_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/items", content=b'{"name": "lamp",', headers={"content-type": "application/json"}
    )
    _assert_envelope(response, 400, "malformed_json")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "lamp"}, "count"),
        ({"name": "lamp", "count": "many"}, "count"),
        ({"name": 5, "count": 1}, "name"),
        ({"name": "x" * 21, "count": 1}, "name"),
        ({"name": "lamp", "count": 1, "admin": True}, "admin"),
        ([1, 2, 3], ""),
    ],
)
async def test_invalid_input_names_the_field(
    client: httpx.AsyncClient, payload: object, field: str
) -> None:
    error = _assert_envelope(await client.post("/items", json=payload), 422, "invalid_input")
    fields = error["details"]["fields"]  # type: ignore[index]
    assert any(f["field"] == field for f in fields)


async def test_oversize_body_by_content_length(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/items", content=b"x" * 5000, headers={"content-type": "application/json"}
    )
    error = _assert_envelope(response, 413, "payload_too_large")
    assert error["details"] == {"limit": 2048}


async def test_oversize_body_streamed_without_length(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b'{"name": "' + b"y" * 500

    response = await client.post(
        "/items", content=chunks(), headers={"content-type": "application/json"}
    )
    _assert_envelope(response, 413, "payload_too_large")


async def test_unknown_route_and_method(client: httpx.AsyncClient) -> None:
    _assert_envelope(await client.get("/nowhere"), 404, "not_found")
    _assert_envelope(await client.get("/items"), 405, "method_not_allowed")


async def test_unexpected_exception_is_a_500_without_internals(client: httpx.AsyncClient) -> None:
    response = await client.post("/items", json={"name": "boom", "count": 1})
    error = _assert_envelope(response, 500, "internal_error")
    assert "secret internals" not in response.text
    assert error["details"] == {}


def test_every_error_class_has_a_stable_code() -> None:
    codes = {cls.code for cls in FrontdeskError.__subclasses__()}
    assert len(codes) == len(FrontdeskError.__subclasses__())
    assert "error" not in codes


async def test_real_app_uses_the_envelope(embedded_client: httpx.AsyncClient) -> None:
    _assert_envelope(await embedded_client.get("/no/such/route"), 404, "not_found")
    response = await embedded_client.post(
        "/api/desk/login", content=b"{oops", headers={"content-type": "application/json"}
    )
    _assert_envelope(response, 400, "malformed_json")
    big = b'{"email": "' + b"a" * 2_000_000 + b'"}'
    response = await embedded_client.post(
        "/api/desk/login", content=big, headers={"content-type": "application/json"}
    )
    _assert_envelope(response, 413, "payload_too_large")


async def _lose_the_database(services: Services, settings: Settings, admin_url: str) -> None:
    """Take the database away under the running app, as an outage would."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "postgresql":
        # Ends every pooled connection; reconnecting finds no database.
        admin = await asyncpg.connect(asyncpg_dsn(admin_url))
        try:
            await admin.execute(f'DROP DATABASE "{url.database}" WITH (FORCE)')
        finally:
            await admin.close()
        return
    # An open SQLite connection keeps reading a deleted file, so the pool is emptied too.
    _remove_sqlite_file(Path(str(url.database)))
    await services.database.engine.dispose()


def _remove_sqlite_file(path: Path) -> None:
    """The file goes and a folder takes its name, so it cannot be opened or made again."""
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    path.mkdir()


async def test_a_database_that_went_away_is_a_503_with_retry_after_on_every_route(
    settings: Settings, request: pytest.FixtureRequest
) -> None:
    async for client in _client_for(settings):
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        _, token = await make_agent(services, "ada", role="admin")
        admin = bearer(token)
        chat = await start_chat(client)
        v2 = visitor_headers(chat)
        gms = await client.post(GMS, data={"nickname": "Vic"}, headers=SITE_HEADERS)
        gms_keys = {key: gms.json()[key] for key in ("alias", "userId", "secureKey")}
        v3 = await client.post(V3, json={"data": {"nickname": "Vic"}}, headers=SITE_HEADERS)
        session = v3.json()["data"]
        v3_headers = {TOKEN_HEADER: session["clientToken"]}
        admin_url = ""
        if make_url(settings.database_url).get_backend_name() == "postgresql":
            admin_url = str(request.getfixturevalue("postgres_admin_url"))
        await _lose_the_database(services, settings, admin_url)
        calls: list[tuple[str, str, dict[str, Any]]] = [
            ("desk login", "/api/desk/login", {"json": {"email": "a@b.test", "password": "x"}}),
            ("desk API", "/api/agent/queue", {"headers": admin}),
            ("desk calls", "/api/agent/calls", {"headers": admin}),
            ("knowledge admin", "/api/agent/knowledge/bases", {"headers": admin}),
            ("knowledge", "/api/knowledge/config/v2/kbs/", {"headers": SITE_HEADERS}),
            ("v2 start", V2, {"json": CREATE_BODY, "headers": SITE_HEADERS}),
            ("v2 history", f"{V2}/{chat['id']}/messages", {"headers": v2}),
            ("click-to-call", "/api/click-to-call", {"data": C2C, "headers": SITE_HEADERS}),
            ("click-to-call wait", "/api/click-to-call/wait", {}),
            ("IVR", "/api/ivr/redeem", {"json": {"number": "1", "code": "2"}, "headers": admin}),
            ("REST polling start", GMS, {"data": {"nickname": "Vic"}, "headers": SITE_HEADERS}),
            (
                "REST polling refresh",
                f"{GMS}/{gms.json()['chatId']}/refresh",
                {"data": gms_keys},
            ),
            ("v3 start", V3, {"json": {"data": {"nickname": "Vic"}}, "headers": SITE_HEADERS}),
            (
                "v3 messages",
                f"{V3}/{session['sessionId']}/messages",
                {"json": {"operationId": "o", "data": {"type": "Text", "text": "hi"}}},
            ),
        ]
        for name, path, options in calls:
            method = "GET" if not ({"json", "data"} & set(options)) else "POST"
            if name == "v3 messages":
                options["headers"] = v3_headers
            response = await client.request(method, path, **options)
            assert response.status_code == 503, (name, response.text)
            assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS), name
            body = response.json()
            assert set(body["error"]) == {"code", "message", "details"}, name
            assert body["error"]["code"] == "unavailable", name
            if path.startswith(GMS):
                assert body["statusCode"] == 1
            if path.startswith(V3):
                assert body["status"]["code"] == "UNAVAILABLE"
            if path == "/api/click-to-call":
                assert body["exception"] == "unavailable"


async def _refusal(ws: ClientConnection) -> tuple[int, dict[str, Any]]:
    """The error frame a stream sends before it closes, and its close code."""
    frame = await next_frame(ws)
    with pytest.raises(ConnectionClosed) as closed:
        await next_frame(ws)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, frame


async def test_event_streams_tell_a_database_that_went_away_and_close_to_retry_later(
    settings: Settings, request: pytest.FixtureRequest
) -> None:
    async with live_server(settings) as live:
        _, token = await make_agent(live.services, "ada", role="admin")
        async with httpx.AsyncClient(base_url=live.http) as http:
            chat = await start_chat(http)
        stream = f"{live.ws}{V2}/{chat['id']}/events"
        auth = json.dumps({"type": "auth", "token": chat["jwt"]})
        open_stream = await connect(stream, origin=SITE)  # type: ignore[arg-type]
        await open_stream.send(auth)
        assert (await next_frame(open_stream))["metadata"]["type"] == "ready"
        admin_url = ""
        if make_url(settings.database_url).get_backend_name() == "postgresql":
            admin_url = str(request.getfixturevalue("postgres_admin_url"))
        await _lose_the_database(live.services, settings, admin_url)

        desk = await connect(f"{live.ws}/api/agent/events")
        await desk.send(json.dumps({"type": "auth", "token": token}))
        code, frame = await _refusal(desk)
        assert (code, frame["type"], frame["error"]["code"]) == (1013, "error", "unavailable")

        visitor = await connect(stream, origin=SITE)  # type: ignore[arg-type]
        await visitor.send(auth)
        code, frame = await _refusal(visitor)
        assert (code, frame["eventBody"]["error"]["code"]) == (1013, "unavailable")

        # A stream that was open reads the store when asked to catch up, or on its heartbeat
        # (which, on a slow machine, may have come first).
        with contextlib.suppress(ConnectionClosed):
            await open_stream.send(json.dumps({"type": "catchup", "after": 0}))
        code, frame = await _refusal(open_stream)
        assert (code, frame["eventBody"]["error"]["code"]) == (1013, "unavailable")


async def test_text_the_database_cannot_store_is_a_422_not_a_500(settings: Settings) -> None:
    async for client in _client_for(settings):
        await _refuse_what_cannot_be_stored(client)


async def _refuse_what_cannot_be_stored(client: httpx.AsyncClient) -> None:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    postgres = services.database.dialect_name == "postgresql"
    chat = await start_chat(client)
    named = json.loads(json.dumps(CREATE_BODY))
    named["memberInfo"]["displayName"] = "Vic\x00Tor"
    message = f"{V2}/{chat['id']}/members/{chat['member']['id']}/messages"
    answers = [
        await client.post(V2, json=named, headers=SITE_HEADERS),
        await client.post(message, json={"body": "a\x00b"}, headers=visitor_headers(chat)),
        await client.post(GMS, data={"nickname": "Vic\x00"}, headers=SITE_HEADERS),
    ]
    for response in answers:
        # SQLite stores a NUL character; PostgreSQL cannot, and says so as a data exception.
        assert response.status_code == (422 if postgres else 200), response.text
        if postgres:
            assert response.json()["error"]["code"] == "invalid_input"
    if postgres:
        assert answers[2].json()["statusCode"] == 2
