from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path

import brotli
import httpx
import pytest
from fastapi import FastAPI, Request
from starlette.responses import Response

from frontdesk.http_errors import install_error_handlers
from frontdesk.static_files import StaticFolder

SOURCE = b"window.answer = 42;\n" * 50


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "cxbus.min.js").write_bytes(SOURCE)
    (tmp_path / "cxbus.min.js.br").write_bytes(brotli.compress(SOURCE))
    (tmp_path / "cxbus.min.js.gz").write_bytes(gzip.compress(SOURCE))
    (tmp_path / "plugins" / "hello.min.js").write_bytes(b"hello();")
    (tmp_path / "secret.txt").write_bytes(b"nope")
    (tmp_path.parent / "outside.js").write_bytes(b"outside();")
    folder = StaticFolder(tmp_path)
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/w/{path:path}")
    async def serve(request: Request, path: str) -> Response:
        return folder.response(request, path)

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_brotli_preferred_when_accepted(client: httpx.AsyncClient) -> None:
    response = await client.get("/w/cxbus.min.js", headers={"accept-encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "br"
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.content == SOURCE  # httpx decodes brotli


async def test_gzip_then_identity(client: httpx.AsyncClient) -> None:
    gz = await client.get("/w/cxbus.min.js", headers={"accept-encoding": "gzip"})
    assert gz.headers["content-encoding"] == "gzip"
    plain = await client.get("/w/cxbus.min.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == SOURCE
    refused = await client.get("/w/cxbus.min.js", headers={"accept-encoding": "br;q=0, identity"})
    assert "content-encoding" not in refused.headers


async def test_cache_headers_and_revalidation(client: httpx.AsyncClient) -> None:
    first = await client.get("/w/cxbus.min.js", headers={"accept-encoding": "br"})
    assert first.headers["cache-control"].startswith("public, max-age=")
    etag = first.headers["etag"]
    again = await client.get(
        "/w/cxbus.min.js", headers={"accept-encoding": "br", "if-none-match": etag}
    )
    assert again.status_code == 304
    assert again.content == b""
    other = await client.get(
        "/w/cxbus.min.js", headers={"accept-encoding": "gzip", "if-none-match": etag}
    )
    assert other.status_code == 200  # each encoding has its own ETag


async def test_plugins_folder(client: httpx.AsyncClient) -> None:
    response = await client.get("/w/plugins/hello.min.js")
    assert response.status_code == 200
    assert response.content == b"hello();"


@pytest.mark.parametrize(
    "path",
    [
        "missing.js",
        "secret.txt",
        "cxbus.min.js.br",
        "../outside.js",
        "plugins/../../outside.js",
        "%2e%2e/outside.js",
        ".hidden.js",
        "plugins//hello.min.js",
    ],
)
async def test_refuses_anything_else(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(f"/w/{path}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
