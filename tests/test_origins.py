from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from frontdesk.origins import AllowedOrigins, RefusalLog, parse_origin
from frontdesk.settings import Settings
from frontdesk.transports.auth import origin_key
from tests.transports.chat_helpers import CREATE_BODY, start_chat
from tests.transports.live_server import live_server


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
    assert preflight.status_code == 403
    assert preflight.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in preflight.headers
    simple = await embedded_client.get("/healthz", headers={"origin": origin})
    assert "access-control-allow-origin" not in simple.headers


# --- malformed origins: refused, never a crash -----------------------------------------------

MALFORMED = [
    "http://shop.example.test:99999",
    "http://shop.example.test:0",
    "http://[::1",
    "http://shop.example.test:80shop.example.test",
    "http://shop.example.test:8o",
    "http://shop.example.test:-1",
    "https://help.example.test:99999",
    "http://shop.example.test\r\nX-Injected: 1",
    "http://shop.example.test/path",
    "http://user@shop.example.test",
    "http://",
    "ftp://shop.example.test",
]
ROUTES = [
    ("/genesys/2/chat/customer-support", {"data": {"nickname": "Vic"}}),
    ("/nexus/v3/chat/sessions", {"json": {"operationId": "op", "data": {"nickname": "V"}}}),
    ("/api/v2/webchat/guest/conversations", {"json": CREATE_BODY}),
    ("/api/click-to-call", {"data": {"_customer_number": "+12025550199"}}),
]
# Strings made of the pieces of origins, so malformed near-misses come up often.
NEAR_ORIGINS = st.builds(
    str.__add__,
    st.sampled_from(["http://", "https://", "ws://", ""]),
    st.text(alphabet="[]:0123456789.shop-/@%", max_size=16),
)
SPECIFIC = ["http://shop.example.test", "https://*.example.test", "https://*.example.org:8443"]


@pytest.mark.parametrize("origin", MALFORMED)
def test_a_malformed_origin_is_refused(origin: str) -> None:
    assert AllowedOrigins(SPECIFIC).allows(origin) is False


@given(st.text())
def test_the_matcher_never_raises(origin: str) -> None:
    assert AllowedOrigins(SPECIFIC).allows(origin) in (True, False)


@given(NEAR_ORIGINS)
def test_the_matcher_never_raises_on_near_origins(origin: str) -> None:
    assert AllowedOrigins(SPECIFIC).allows(origin) in (True, False)


@given(
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z0-9]{1,10}){0,3}", fullmatch=True),
    st.one_of(st.none(), st.integers(1, 65535)),
)
def test_well_formed_origins_parse(scheme: str, host: str, port: int | None) -> None:
    origin = f"{scheme}://{host}" + ("" if port is None else f":{port}")
    assert parse_origin(origin) == (scheme, host, "" if port is None else str(port))
    assert AllowedOrigins([origin]).allows(origin.upper())


@pytest.mark.parametrize("origin", ["http://shop.example.test:99999", "http://[::1", "null"])
@pytest.mark.parametrize(("path", "body"), ROUTES)
async def test_routes_refuse_a_malformed_origin_with_403(
    embedded_client: httpx.AsyncClient, path: str, body: dict[str, Any], origin: str
) -> None:
    response = await embedded_client.post(path, headers={"Origin": origin}, **body)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "origin_not_allowed"


@pytest.mark.parametrize("origin", ["http://shop.example.test:99999", "http://[::1", "evil"])
async def test_a_refused_preflight_gets_403_in_the_error_shape(
    embedded_client: httpx.AsyncClient, origin: str
) -> None:
    preflight = await embedded_client.options(
        "/nexus/v3/chat/sessions",
        headers={"origin": origin, "access-control-request-method": "POST"},
    )
    assert preflight.status_code == 403, preflight.text
    assert preflight.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in preflight.headers


@pytest.mark.parametrize("origin", ["http://shop.example.test:99999", "http://[::1"])
async def test_the_v2_stream_refuses_a_malformed_origin(
    embedded_settings: Settings, origin: str
) -> None:
    async with (
        live_server(embedded_settings) as live,
        httpx.AsyncClient(base_url=live.http) as http,
    ):
        chat = await start_chat(http)
        url = f"{live.ws}/api/v2/webchat/guest/conversations/{chat['id']}/events"
        with pytest.raises(InvalidStatus) as refused:
            await connect(url, origin=origin)  # type: ignore[arg-type]
        assert refused.value.response.status_code == 403
        # The server is still serving: the refusal crashed nothing.
        assert (await http.get("/healthz")).status_code == 200


# --- refusals are logged, cleaned and capped -------------------------------------------------


@pytest.mark.parametrize(("path", "body"), ROUTES)
async def test_a_refused_site_is_logged_with_its_origin_and_route(
    embedded_client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    path: str,
    body: dict[str, Any],
) -> None:
    with caplog.at_level(logging.WARNING, logger="frontdesk.origins"):
        await embedded_client.post(path, headers={"Origin": "https://other-shop.test"}, **body)
    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith(f"refused origin https://other-shop.test on POST {path}: "), line


async def test_a_refused_preflight_is_logged(
    embedded_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="frontdesk.origins"):
        await embedded_client.options(
            "/nexus/v3/chat/sessions",
            headers={"origin": "https://third.test", "access-control-request-method": "POST"},
        )
    (line,) = [r.getMessage() for r in caplog.records]
    assert "https://third.test" in line
    assert "FRONTDESK_ALLOWED_ORIGINS" in line


async def test_a_refused_stream_handshake_is_logged(
    embedded_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with (
        live_server(embedded_settings) as live,
        httpx.AsyncClient(base_url=live.http) as http,
    ):
        chat = await start_chat(http)
        url = f"{live.ws}/api/v2/webchat/guest/conversations/{chat['id']}/events"
        with (
            caplog.at_level(logging.WARNING, logger="frontdesk.origins"),
            pytest.raises(InvalidStatus),
        ):
            await connect(url, origin="https://sneaky.test")  # type: ignore[arg-type]
    assert any("https://sneaky.test" in r.getMessage() for r in caplog.records)


def test_the_refusal_log_cleans_and_caps_what_it_shows(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="frontdesk.origins"):
        RefusalLog().refused("http://x\r\n\x1b[31mFAKE LINE" + "a" * 500, "POST /x\n")
    (line,) = [r.getMessage() for r in caplog.records]
    assert "\n" not in line
    assert "\r" not in line
    assert "\x1b" not in line
    assert "\\r\\n" in line
    assert "\\x1b" in line
    assert len(line) < 400


def test_the_refusal_log_is_capped_per_window(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    refusals = RefusalLog(lines=3, window_seconds=60, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="frontdesk.origins"):
        for n in range(1000):
            refusals.refused(f"https://flood-{n}.test", "POST /x")
        assert len(caplog.records) == 3
        now[0] = 61.0
        refusals.refused("https://later.test", "POST /x")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 5
    assert lines[3].startswith("997 more refused origins were not logged")
    assert "https://later.test" in lines[4]


@given(st.one_of(st.text(), NEAR_ORIGINS))
def test_the_same_site_check_never_raises(origin: str) -> None:
    assert len(origin_key(origin)) == 3


@pytest.mark.parametrize("origin", ["http://[::1", "http://testserver:99999"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/desk/login", {"json": {"email": "a@example.test", "password": "x"}}),
        ("GET", "/api/knowledge/health/v2/ping", {}),
    ],
)
async def test_same_site_routes_refuse_a_malformed_origin_with_403(
    embedded_client: httpx.AsyncClient, method: str, path: str, body: dict[str, Any], origin: str
) -> None:
    response = await embedded_client.request(method, path, headers={"Origin": origin}, **body)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "origin_not_allowed"
