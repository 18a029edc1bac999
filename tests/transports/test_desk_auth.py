from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from frontdesk.actions.agents import AgentInfo, create_agent, disable_agent, open_session
from frontdesk.app import Services
from frontdesk.store.models import LoginFailure

PASSWORD = "correct horse battery"
OWN_ORIGIN = "http://testserver"
SAME_ORIGIN = {"Origin": OWN_ORIGIN}


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def _agent(services: Services, name: str, role: str = "agent") -> AgentInfo:
    return await create_agent(
        services.database,
        email=f"{name}@example.test",
        display_name=name.title(),
        password=PASSWORD,
        role=role,
    )


async def _bearer(services: Services, agent: AgentInfo) -> dict[str, str]:
    token = await open_session(services.database, agent.id, kind="api", ttl_seconds=None)
    return {"Authorization": f"Bearer {token}"}


async def _login(
    client: httpx.AsyncClient,
    email: str,
    password: str = PASSWORD,
    url: str = "/api/desk/login",
    **kwargs: Any,
) -> httpx.Response:
    return await client.post(url, json={"email": email, "password": password}, **kwargs)


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert set(body["error"]) == {"code", "message", "details"}
    return body


# --- login, the cookie, logout --------------------------------------------------------------


async def test_login_sets_the_desk_cookie_and_me_answers(
    client: httpx.AsyncClient, services: Services
) -> None:
    dana = await _agent(services, "dana")
    response = await _login(client, "DANA@example.test", headers=SAME_ORIGIN)
    assert response.status_code == 200
    expected = {
        "id": dana.id,
        "email": "dana@example.test",
        "display_name": "Dana",
        "role": "agent",
        "disabled": False,
    }
    assert response.json() == {"agent": expected}
    assert response.headers["cache-control"] == "no-store"
    cookie = response.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert cookie.startswith("frontdesk_desk=")
    assert {"httponly", "max-age", "path"} <= attributes
    assert "secure" not in attributes
    assert "Max-Age=43200" in cookie
    assert "Path=/" in cookie
    assert "samesite=lax" in cookie.lower()

    me = await client.get("/api/desk/me")
    assert me.status_code == 200
    assert me.json() == {"agent": expected}


async def test_the_cookie_is_secure_over_https(
    client: httpx.AsyncClient, services: Services
) -> None:
    await _agent(services, "dana")
    response = await _login(
        client,
        "dana@example.test",
        headers={"Origin": "https://testserver"},
        url="https://testserver/api/desk/login",
    )
    assert response.status_code == 200
    assert "secure" in response.headers["set-cookie"].lower()


async def test_wrong_password_and_unknown_email_answer_the_same(
    client: httpx.AsyncClient, services: Services
) -> None:
    await _agent(services, "dana")
    wrong_password = _error(
        await _login(client, "dana@example.test", "not it at all"), 401, "unauthorized"
    )
    unknown_email = _error(await _login(client, "eve@example.test"), 401, "unauthorized")
    assert wrong_password == unknown_email
    assert "set-cookie" not in (await _login(client, "eve@example.test")).headers


async def test_repeated_failures_are_rate_limited_with_retry_after(
    client: httpx.AsyncClient, services: Services
) -> None:
    await _agent(services, "dana")
    # Four earlier failures straight into the table; the fifth comes over HTTP.
    now = dt.datetime.now(dt.UTC)
    async with services.database.session() as session, session.begin():
        session.add_all(LoginFailure(key="email:dana@example.test", at=now) for _ in range(4))
    _error(await _login(client, "dana@example.test", "not it at all"), 401, "unauthorized")
    limited = await _login(client, "dana@example.test")
    body = _error(limited, 429, "rate_limited")
    retry_after = body["error"]["details"]["retry_after"]
    assert 0 < retry_after <= services.settings.login_window_seconds
    assert limited.headers["retry-after"] == str(retry_after)


async def test_a_disabled_agent_cannot_log_in(
    client: httpx.AsyncClient, services: Services
) -> None:
    dana = await _agent(services, "dana")
    await disable_agent(services.database, dana.id)
    _error(await _login(client, "dana@example.test"), 401, "unauthorized")


async def test_logout_ends_the_session_and_clears_the_cookie(
    client: httpx.AsyncClient, services: Services
) -> None:
    await _agent(services, "dana")
    await _login(client, "dana@example.test")
    token = client.cookies["frontdesk_desk"]
    response = await client.post("/api/desk/logout", headers=SAME_ORIGIN)
    assert response.status_code == 204
    assert 'frontdesk_desk=""' in response.headers["set-cookie"]
    assert "frontdesk_desk" not in client.cookies
    client.cookies.set("frontdesk_desk", token)
    _error(await client.get("/api/desk/me"), 401, "unauthorized")
    assert (await client.post("/api/desk/logout", headers=SAME_ORIGIN)).status_code == 204


async def test_on_https_the_desk_cookie_has_the_host_prefix_and_only_that_name_counts(
    client: httpx.AsyncClient, services: Services
) -> None:
    await _agent(services, "dana")
    app = client.app  # type: ignore[attr-defined]
    own = {"Origin": "https://testserver"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as https:
        login = await _login(https, "dana@example.test", headers=own)
        assert login.status_code == 200
        cookie = login.headers["set-cookie"]
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert cookie.startswith("__Host-frontdesk_desk=")
        # What browsers demand of the prefix: Secure, Path=/ and no Domain.
        assert {"secure", "path", "httponly"} <= attributes
        assert "domain" not in attributes
        assert "path=/;" in cookie.lower().replace(" ", "") + ";"
        assert (await https.get("/api/desk/me")).status_code == 200
        token = https.cookies["__Host-frontdesk_desk"]

        # The unprefixed name is not read on https: a sibling sub-domain could have set it.
        https.cookies.clear()
        https.cookies.set("frontdesk_desk", token)
        _error(await https.get("/api/desk/me"), 401, "unauthorized")
        # Nor the prefixed one on http, where browsers would refuse to keep it.
        client.cookies.set("__Host-frontdesk_desk", token)
        _error(await client.get("/api/desk/me"), 401, "unauthorized")

        https.cookies.clear()
        https.cookies.set("__Host-frontdesk_desk", token)
        logout = await https.post("/api/desk/logout", headers=own)
        assert logout.status_code == 204
        assert '__Host-frontdesk_desk=""' in logout.headers["set-cookie"]
        assert "secure" in logout.headers["set-cookie"].lower()
        https.cookies.set("__Host-frontdesk_desk", token)
        _error(await https.get("/api/desk/me"), 401, "unauthorized")


# --- bearer tokens --------------------------------------------------------------------------


async def test_an_api_token_works_as_a_bearer_without_origin(
    client: httpx.AsyncClient, services: Services
) -> None:
    dana = await _agent(services, "dana")
    await _login(client, "dana@example.test")
    created = await client.post("/api/agents/me/tokens", headers=SAME_ORIGIN)
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    bearer = {"Authorization": f"Bearer {created.json()['token']}"}
    client.cookies.clear()

    me = await client.get("/api/desk/me", headers=bearer)
    assert me.json()["agent"]["id"] == dana.id
    # Bearer requests carry no ambient credentials, so no Origin is needed.
    assert (await client.post("/api/agents/me/tokens", headers=bearer)).status_code == 201
    assert (await client.post("/api/desk/logout", headers=bearer)).status_code == 204
    _error(await client.get("/api/desk/me", headers=bearer), 401, "unauthorized")


@pytest.mark.parametrize("authorization", ["Bearer ", "Basic ZGFuYTpwdw==", "Bearer nope"])
async def test_bad_authorization_headers_are_unauthorized(
    client: httpx.AsyncClient, authorization: str
) -> None:
    response = await client.get("/api/desk/me", headers={"Authorization": authorization})
    _error(response, 401, "unauthorized")


async def test_the_desk_cookie_is_no_bearer_token(
    client: httpx.AsyncClient, services: Services
) -> None:
    await _agent(services, "dana")
    await _login(client, "dana@example.test")
    token = client.cookies["frontdesk_desk"]
    client.cookies.clear()
    response = await client.get("/api/desk/me", headers={"Authorization": f"Bearer {token}"})
    _error(response, 401, "unauthorized")


# --- roles ----------------------------------------------------------------------------------


async def test_agent_administration_by_role(client: httpx.AsyncClient, services: Services) -> None:
    agent = await _bearer(services, await _agent(services, "dana"))
    supervisor = await _bearer(services, await _agent(services, "sam", "supervisor"))
    admin = await _bearer(services, await _agent(services, "ada", "admin"))
    new_agent = {"email": "Eve@Example.test", "display_name": "Eve", "password": PASSWORD}

    _error(await client.get("/api/agents"), 401, "unauthorized")
    _error(await client.get("/api/agents", headers=agent), 403, "forbidden")
    listed = await client.get("/api/agents", headers=supervisor)
    assert [a["email"].split("@")[0] for a in listed.json()["agents"]] == ["dana", "sam", "ada"]
    _error(await client.post("/api/agents", json=new_agent, headers=supervisor), 403, "forbidden")

    created = await client.post("/api/agents", json=new_agent, headers=admin)
    assert created.status_code == 201
    eve = created.json()["agent"]
    assert (eve["email"], eve["role"], eve["disabled"]) == ("eve@example.test", "agent", False)
    _error(await client.post("/api/agents", json=new_agent, headers=admin), 409, "conflict")

    dana_id = listed.json()["agents"][0]["id"]
    _error(
        await client.post(f"/api/agents/{dana_id}/disable", headers=supervisor), 403, "forbidden"
    )
    disabled = await client.post(f"/api/agents/{dana_id}/disable", headers=admin)
    assert disabled.json()["agent"]["disabled"] is True
    _error(await client.get("/api/desk/me", headers=agent), 401, "unauthorized")
    _error(await client.post("/api/agents/999999/disable", headers=admin), 404, "not_found")


# --- CSRF -----------------------------------------------------------------------------------


async def test_cookie_requests_that_change_state_need_our_own_origin(
    client: httpx.AsyncClient, services: Services
) -> None:
    await _agent(services, "dana")
    await _login(client, "dana@example.test")
    assert (await client.get("/api/desk/me")).status_code == 200
    for headers in ({}, {"Origin": "http://evil.example"}, {"Origin": "https://testserver"}):
        response = await client.post("/api/agents/me/tokens", headers=headers)
        _error(response, 403, "origin_not_allowed")
    ok = await client.post("/api/agents/me/tokens", headers={"Origin": "http://TESTSERVER:80"})
    assert ok.status_code == 201


async def test_login_from_a_foreign_page_is_refused(client: httpx.AsyncClient) -> None:
    response = await _login(client, "dana@example.test", headers={"Origin": "http://evil.example"})
    _error(response, 403, "origin_not_allowed")


# --- input ----------------------------------------------------------------------------------


async def test_unknown_fields_are_invalid_input(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/desk/login", json={"email": "a@example.test", "password": "x", "remember": True}
    )
    body = _error(response, 422, "invalid_input")
    assert [f["field"] for f in body["error"]["details"]["fields"]] == ["remember"]


async def test_overlong_fields_are_invalid_input(client: httpx.AsyncClient) -> None:
    response = await _login(client, "a" * 300 + "@example.test")
    body = _error(response, 422, "invalid_input")
    assert [f["field"] for f in body["error"]["details"]["fields"]] == ["email"]


async def test_malformed_json_is_its_own_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/desk/login",
        content=b'{"email": "a@example.test",',
        headers={"Content-Type": "application/json"},
    )
    _error(response, 400, "malformed_json")


async def test_a_weak_password_for_a_new_agent_is_invalid_input(
    client: httpx.AsyncClient, services: Services
) -> None:
    admin = await _bearer(services, await _agent(services, "ada", "admin"))
    new_agent = {"email": "eve@example.test", "display_name": "Eve", "password": "short"}
    response = await client.post("/api/agents", json=new_agent, headers=admin)
    body = _error(response, 422, "invalid_input")
    assert body["error"]["details"]["fields"][0]["field"] == "password"
