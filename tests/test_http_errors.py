"""The one error envelope, pinned: every failure has this shape and never becomes a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.errors import Conflict, FrontdeskError, RateLimited
from frontdesk.http_errors import BodySizeLimit, install_error_handlers


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
