"""Every answer's referrer policy, and no caching of the API's JSON."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from frontdesk.app import Services
from frontdesk.http_errors import install_error_handlers
from frontdesk.security_headers import REFERRER_POLICY, SecurityHeaders
from tests.transports.chat_helpers import SITE_HEADERS, bearer, make_agent, start_chat

V3 = "/nexus/v3/chat/sessions"
REST = "/genesys/2/chat/customer-support"


@pytest.fixture
def services(embedded_client: httpx.AsyncClient) -> Services:
    services: Services = embedded_client.app.state.services  # type: ignore[attr-defined]
    return services


@pytest.mark.parametrize(
    "path",
    ["/healthz", "/desk/", "/docs", "/openapi.json", "/widgets/cxbus.min.js", "/no/such/page"],
)
async def test_every_answer_has_the_referrer_policy(
    embedded_client: httpx.AsyncClient, path: str
) -> None:
    response = await embedded_client.get(path)
    assert response.headers["referrer-policy"] == REFERRER_POLICY


async def test_refusals_of_the_middlewares_have_it_too(embedded_client: httpx.AsyncClient) -> None:
    too_large = await embedded_client.post(
        "/api/desk/login", content=b"{}", headers={"Content-Length": str(10**9)}
    )
    assert too_large.status_code == 413
    assert too_large.headers["referrer-policy"] == REFERRER_POLICY
    assert too_large.headers["cache-control"] == "no-store"


async def test_an_unexpected_error_has_them_too() -> None:
    # Starlette answers unexpected exceptions outside every middleware.
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(SecurityHeaders)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert response.headers["referrer-policy"] == REFERRER_POLICY
    assert response.headers["cache-control"] == "no-store"


async def test_authenticated_json_is_never_cached(
    embedded_client: httpx.AsyncClient, services: Services
) -> None:
    _, token = await make_agent(services, "ada", role="admin")
    agent = bearer(token)
    v2 = await start_chat(embedded_client)
    v3 = await embedded_client.post(
        V3, json={"operationId": "start", "data": {"nickname": "Vic"}}, headers=SITE_HEADERS
    )
    rest = await embedded_client.post(f"{REST}/", data={"nickname": "Vic"}, headers=SITE_HEADERS)
    answers = {
        "v3 start (a client token)": v3,
        "REST polling start (keys)": rest,
        "agent me": await embedded_client.get("/api/desk/me", headers=agent),
        "admin list": await embedded_client.get("/api/agents", headers=agent),
        "agent queue": await embedded_client.get("/api/agent/queue", headers=agent),
        "v2 conversation": await embedded_client.get(
            f"/api/v2/webchat/guest/conversations/{v2['id']}/messages",
            headers={**bearer(v2["jwt"]), **SITE_HEADERS},
        ),
        "v3 messages": await embedded_client.get(
            f"{V3}/{v3.json()['data']['sessionId']}/messages",
            params={"index": 1, "timeout": 0, "operationId": "poll"},
            headers={"x-nexus-client-key": v3.json()["data"]["clientToken"]},
        ),
        "refusal": await embedded_client.get("/api/desk/me"),
    }
    for name, response in answers.items():
        assert response.headers["content-type"].startswith("application/json"), name
        assert response.headers["cache-control"] == "no-store", name
    assert answers["refusal"].status_code == 401
    assert all(r.status_code == 200 for n, r in answers.items() if n != "refusal"), {
        n: r.text for n, r in answers.items()
    }


async def test_files_keep_their_own_caching(embedded_client: httpx.AsyncClient) -> None:
    manifest = await embedded_client.get("/widgets/manifest.json")
    assert manifest.status_code == 200
    assert manifest.headers["cache-control"].startswith("public, max-age=")
