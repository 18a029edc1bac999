from __future__ import annotations

import httpx
import pytest

from frontdesk.origins import AllowedOrigins


@pytest.mark.parametrize(
    ("patterns", "origin", "allowed"),
    [
        (["https://shop.example.com"], "https://shop.example.com", True),
        (["https://shop.example.com"], "https://SHOP.example.com", True),
        (["https://shop.example.com"], "http://shop.example.com", False),
        (["https://shop.example.com"], "https://shop.example.com:8443", False),
        (["https://*.example.com"], "https://help.example.com", True),
        (["https://*.example.com"], "https://a.b.example.com", True),
        (["https://*.example.com"], "https://example.com", False),
        (["https://*.example.com"], "https://evilexample.com", False),
        (["https://*.example.com"], "https://example.com.evil.net", False),
        (["https://*.example.com"], "http://help.example.com", False),
        (["https://*.example.com:8443"], "https://help.example.com:8443", True),
        (["https://*.example.com:8443"], "https://help.example.com", False),
        (["*"], "https://anything.example", True),
        (["*"], "null", False),
        ([], "https://shop.example.com", False),
        (["https://shop.example.com"], None, False),
        (["https://shop.example.com"], "", False),
        (["https://*.example.com"], "not an origin", False),
    ],
)
def test_allows(patterns: list[str], origin: str | None, allowed: bool) -> None:
    assert AllowedOrigins(patterns).allows(origin) is allowed


# OriginCORS: the test settings allow shop.example.test and every https sub-domain of example.test.
@pytest.mark.parametrize(
    "origin", ["http://shop.example.test", "https://help.example.test", "https://a.b.example.test"]
)
async def test_allowed_origin_gets_cors_headers(
    embedded_client: httpx.AsyncClient, origin: str
) -> None:
    preflight = await embedded_client.options(
        "/api/desk/me",
        headers={"origin": origin, "access-control-request-method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin
    simple = await embedded_client.get("/healthz", headers={"origin": origin})
    assert simple.headers["access-control-allow-origin"] == origin
    assert "origin" in simple.headers["vary"].lower()


@pytest.mark.parametrize(
    "origin",
    ["http://evil.test", "http://help.example.test", "https://example.test.evil.net", "null"],
)
async def test_other_origins_get_none(embedded_client: httpx.AsyncClient, origin: str) -> None:
    preflight = await embedded_client.options(
        "/api/desk/me",
        headers={"origin": origin, "access-control-request-method": "GET"},
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    simple = await embedded_client.get("/healthz", headers={"origin": origin})
    assert "access-control-allow-origin" not in simple.headers
