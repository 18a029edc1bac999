"""The widget's click-to-call endpoints, in the Genesys wire shapes, on both storage stacks."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.actions.access_codes import redeem_access_code
from frontdesk.actions.numbers import add_number
from frontdesk.app import Services
from frontdesk.store.models import Call
from tests.transports.chat_helpers import SITE, SITE_HEADERS

BASE = "/api/click-to-call"
NUMBER = "+12025550100"
GENESYS_FORM = {
    "_call_direction": "USERORIGINATED",
    "_wait_for_agent": "false",
    "_wait_for_user_confirm": "false",
    "_provide_code": "true",
    "_customer_number": "+49 171 1234567",
    "_genesys_url": "http://shop.example.test/cart",
    "_genesys_pageTitle": "Cart",
    "firstname": "Vic",
    "lastname": "Tor",
    "phonenumber": "+49 171 1234567",
    "orderId": "A-1001",
}


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


@pytest.fixture
async def pool(services: Services) -> None:
    await add_number(services.database, NUMBER, language="en")
    await add_number(services.database, "+493023125000", language="de")


async def calls_stored(services: Services) -> int:
    async with services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Call)) or 0)


async def ask(client: httpx.AsyncClient, **changes: Any) -> httpx.Response:
    form = {**GENESYS_FORM, **changes}
    form = {key: value for key, value in form.items() if value is not None}
    return await client.post(BASE, data=form, headers=SITE_HEADERS)


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The one envelope, plus the Genesys ``exception``/``message`` pair."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "exception", "message"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == body["exception"] == code
    assert body["message"] == body["error"]["message"]
    return body


@pytest.mark.usefixtures("pool")
async def test_a_genesys_form_gets_number_code_tel_link_and_expiration(
    client: httpx.AsyncClient, services: Services
) -> None:
    reply = await ask(client)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert set(body) == {
        "_access_number",
        "_access_code",
        "_tel_url",
        "_expiration_time",
        "_status_key",
    }
    assert body["_access_number"] == NUMBER
    assert re.fullmatch(r"\d{6}", body["_access_code"])
    assert body["_tel_url"] == f"tel:{NUMBER},,{body['_access_code']}%23"
    assert body["_expiration_time"] == services.settings.access_code_ttl_seconds == 600
    assert reply.headers["access-control-allow-origin"] == SITE
    assert "set-cookie" not in reply.headers  # the server keeps the visitor's data
    async with services.database.session() as session:
        call = (await session.scalars(select(Call))).one()
    assert call.form_data == {
        "firstname": "Vic",
        "lastname": "Tor",
        "phonenumber": "+49 171 1234567",
    }
    assert call.user_data == {"orderId": "A-1001"}
    assert call.customer_number == "491711234567"
    assert call.pages[0]["url"] == "http://shop.example.test/cart"


@pytest.mark.usefixtures("pool")
async def test_json_with_user_data_and_the_language_pick_the_number(
    client: httpx.AsyncClient,
) -> None:
    reply = await client.post(
        BASE,
        json={"_customer_number": "+4917112345", "firstname": "Vic", "userData": {"vip": True}},
        headers={**SITE_HEADERS, "Accept-Language": "de-AT,de;q=0.9"},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["_access_number"] == "+493023125000"
    english = await ask(client, _language="en")
    assert english.json()["_access_number"] == NUMBER
    codeless = await ask(client, _provide_code="false", _language="en")
    assert codeless.status_code == 503  # the English number has a code out: not for one alone


@pytest.mark.usefixtures("pool")
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"_customer_number": None, "phonenumber": None}, "_customer_number"),
        ({"_customer_number": "call me maybe"}, "_customer_number"),
        ({"_customer_number": "+12345"}, "_customer_number"),
        ({"email": "not-an-address"}, "email"),
        ({"_call_direction": "ORIGINATE"}, "_call_direction"),
        ({"_language": "klingon!"}, "language"),
        ({"firstname": "x" * 1001}, "firstname"),
    ],
)
async def test_invalid_requests_get_the_envelope_and_store_nothing(
    client: httpx.AsyncClient, services: Services, changes: dict[str, Any], field: str
) -> None:
    body = refused(await ask(client, **changes), 422, "invalid_input")
    assert body["error"]["details"]["fields"][0]["field"] == field
    assert await calls_stored(services) == 0


@pytest.mark.usefixtures("pool")
async def test_hostile_bodies_are_refused_in_the_envelope(
    client: httpx.AsyncClient, services: Services
) -> None:
    refused(
        await client.post(
            BASE, content=b"{nope", headers={**SITE_HEADERS, "Content-Type": "application/json"}
        ),
        400,
        "malformed_json",
    )
    refused(await client.post(BASE, json=[1, 2], headers=SITE_HEADERS), 422, "invalid_input")
    refused(
        await client.post(BASE, json={"_customer_number": {"a": 1}}, headers=SITE_HEADERS),
        422,
        "invalid_input",
    )
    refused(
        await client.post(
            BASE, content=b"<xml/>", headers={**SITE_HEADERS, "Content-Type": "text/xml"}
        ),
        415,
        "unsupported_media_type",
    )
    many = {f"f{i}": "x" for i in range(300)}
    refused(await client.post(BASE, data=many, headers=SITE_HEADERS), 400, "bad_request")
    refused(
        await client.post(
            BASE, json={**GENESYS_FORM, "userData": {"big": "x" * 20_000}}, headers=SITE_HEADERS
        ),
        422,
        "invalid_input",
    )
    assert await calls_stored(services) == 0


async def test_other_sites_unknown_queues_and_floods_are_refused(
    client: httpx.AsyncClient, services: Services
) -> None:
    await add_number(services.database, NUMBER)
    foreign = await client.post(BASE, data=GENESYS_FORM, headers={"Origin": "https://evil.test"})
    refused(foreign, 403, "origin_not_allowed")
    none = refused(
        await client.post(f"{BASE}?queue=billing", data=GENESYS_FORM, headers=SITE_HEADERS),
        503,
        "unavailable",
    )
    assert none["error"]["details"] == {"queue": "billing", "reason": "none"}
    limit = services.settings.call_requests_per_ip
    statuses = [(await ask(client)).status_code for _ in range(limit - 1)]
    assert 429 not in statuses
    flooded = await ask(client)
    refused(flooded, 429, "rate_limited")
    assert int(flooded.headers["retry-after"]) >= 1


@pytest.mark.usefixtures("pool")
async def test_pages_are_reported_with_one_answer_for_every_code(
    client: httpx.AsyncClient, services: Services
) -> None:
    issued = (await ask(client)).json()
    for code in (issued["_access_code"], "000000"):
        reply = await client.post(
            f"{BASE}/pages",
            data={
                "_access_number": issued["_access_number"],
                "_access_code": code,
                "_genesys_url": "http://shop.example.test/desk",
                "_genesys_pageTitle": "Standing desk",
            },
            headers=SITE_HEADERS,
        )
        assert (reply.status_code, reply.content) == (204, b"")
    async with services.database.session() as session:
        call = (await session.scalars(select(Call))).one()
    assert [page["title"] for page in call.pages] == ["Cart", "Standing desk"]


async def status_of(client: httpx.AsyncClient, key: str) -> httpx.Response:
    return await client.post(f"{BASE}/status", data={"_status_key": key}, headers=SITE_HEADERS)


@pytest.mark.usefixtures("pool")
async def test_a_widget_learns_that_its_own_call_came_in_and_nobody_elses(
    client: httpx.AsyncClient, services: Services
) -> None:
    mine = (await ask(client)).json()
    other = (await ask(client, _customer_number="+49 171 7654321")).json()
    assert mine["_access_code"] not in mine["_status_key"]
    waiting = await status_of(client, mine["_status_key"])
    assert (waiting.status_code, waiting.json()) == (200, {"status": "waiting"})
    assert waiting.headers["access-control-allow-origin"] == SITE

    await redeem_access_code(
        services.database,
        services.broker,
        services.settings,
        dialled=mine["_access_number"],
        code=mine["_access_code"],
        caller_id="+15550001",
    )
    assert (await status_of(client, mine["_status_key"])).json() == {"status": "received"}
    assert (await status_of(client, other["_status_key"])).json() == {"status": "waiting"}


@pytest.mark.usefixtures("pool")
async def test_unknown_tampered_and_foreign_status_keys_are_refused(
    client: httpx.AsyncClient, services: Services
) -> None:
    key = (await ask(client)).json()["_status_key"]
    flipped = key[:-2] + ("A" if key[-2] != "A" else "B") + key[-1]
    foreign = services.keyring.seal({"call": "x"}, purpose="knowledge keys")
    unknown = services.keyring.seal({"call": "no-such-call"}, purpose="click-to-call status")
    for bad in ("", "v1.nonsense", flipped, foreign, unknown):
        body = refused(await status_of(client, bad), 401, "invalid_token")
        assert "call" not in body["error"]["details"]
    stranger = await client.post(
        f"{BASE}/status", data={"_status_key": key}, headers={"Origin": "https://evil.example"}
    )
    assert stranger.status_code == 403


async def test_the_wait_estimate_is_per_queue(client: httpx.AsyncClient) -> None:
    reply = await client.get(f"{BASE}/wait", params={"queue": "sales"})
    assert reply.json() == {"queue": "sales", "estimated_wait_seconds": 60}
    assert (await client.get(f"{BASE}/wait", params={"queue": "no spaces"})).status_code == 422


async def test_the_openapi_document_describes_the_form(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    operation = schema["paths"][BASE]["post"]
    assert "application/x-www-form-urlencoded" in operation["requestBody"]["content"]
    assert "/api/ivr/redeem" in schema["paths"]
