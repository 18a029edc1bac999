"""Calls in the agent API: the waiting list, taking a call, and a visitor's chats and calls."""

from __future__ import annotations

import httpx
import pytest

from frontdesk.actions.numbers import add_number
from frontdesk.actions.operator_keys import create_key
from frontdesk.app import Services
from tests.transports.chat_helpers import (
    CREATE_BODY,
    SITE_HEADERS,
    bearer,
    error_code,
    make_agent,
    start_chat,
)

NUMBER = "+12025550100"


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


@pytest.fixture
async def ivr(services: Services) -> dict[str, str]:
    await add_number(services.database, NUMBER)
    _, secret = await create_key(services.database, name="asterisk")
    return bearer(secret)


async def redeemed_call(
    client: httpx.AsyncClient, ivr: dict[str, str], caller: str, **form: str
) -> str:
    """A visitor asks for a number and calls it; the call's id."""
    issued = await client.post(
        "/api/click-to-call",
        data={"_customer_number": "+49 171 1234567", "firstname": "Vic", **form},
        headers=SITE_HEADERS,
    )
    assert issued.status_code == 200, issued.text
    body = {"number": NUMBER, "code": issued.json()["_access_code"], "caller_id": caller}
    reply = await client.post("/api/ivr/redeem", json=body, headers=ivr)
    assert reply.status_code == 200, reply.text
    call_id: str = reply.json()["call"]["id"]
    return call_id


async def test_agents_see_waiting_calls_and_one_of_them_takes_each(
    client: httpx.AsyncClient, services: Services, ivr: dict[str, str]
) -> None:
    ada, ada_token = await make_agent(services, "ada")
    _, bob_token = await make_agent(services, "bob")
    first = await redeemed_call(client, ivr, "+15550001")
    second = await redeemed_call(client, ivr, "+15550002")
    waiting = await client.get("/api/agent/calls", headers=bearer(bob_token))
    assert [c["id"] for c in waiting.json()["calls"]] == [first, second]

    taken = await client.post(f"/api/agent/calls/{first}/take", headers=bearer(ada_token))
    assert taken.status_code == 200, taken.text
    assert (taken.json()["call"]["state"], taken.json()["call"]["agent_id"]) == ("taken", ada.id)
    late = await client.post(f"/api/agent/calls/{first}/take", headers=bearer(bob_token))
    assert error_code(late, 409) == "conflict"
    assert error_code(
        await client.post("/api/agent/calls/nope/take", headers=bearer(bob_token)), 404
    )
    waiting = await client.get("/api/agent/calls", headers=bearer(bob_token))
    assert [c["id"] for c in waiting.json()["calls"]] == [second]
    one = await client.get(f"/api/agent/calls/{first}", headers=bearer(bob_token))
    assert one.json()["call"]["visitor"]["name"] == "Vic"
    assert error_code(await client.get("/api/agent/calls"), 401) == "unauthorized"


async def test_a_call_shows_up_in_the_visitors_history_beside_their_chats(
    client: httpx.AsyncClient, services: Services, ivr: dict[str, str]
) -> None:
    _, token = await make_agent(services, "ada", role="supervisor")
    chat = await start_chat(client)  # vic@example.test, from chat_helpers
    fields = CREATE_BODY["memberInfo"]["customFields"]
    other = {
        **CREATE_BODY,
        "memberInfo": {
            **CREATE_BODY["memberInfo"],
            "customFields": {**fields, "email": "someone@else.test"},
        },
    }
    stranger = await client.post(
        "/api/v2/webchat/guest/conversations", json=other, headers=SITE_HEADERS
    )
    assert stranger.status_code == 200
    by_email = await redeemed_call(client, ivr, "+15550001", email="VIC@example.test")
    by_phone = await redeemed_call(client, ivr, "+15550002")  # same typed phone number

    history = await client.get(f"/api/agent/calls/{by_phone}/history", headers=bearer(token))
    assert [(h["kind"], h["id"]) for h in history.json()["history"]] == [("call", by_email)]

    history = await client.get(f"/api/agent/calls/{by_email}/history", headers=bearer(token))
    items = history.json()["history"]
    assert [(h["kind"], h["id"]) for h in items] == [("call", by_phone), ("chat", chat["id"])]
    assert items[1]["summary"] == "Shoes"
    assert items[0]["state"] == "redeemed"

    history = await client.get(
        f"/api/agent/conversations/{chat['id']}/history", headers=bearer(token)
    )
    assert [(h["kind"], h["id"]) for h in history.json()["history"]] == [("call", by_email)]


async def test_history_of_a_chat_follows_the_chats_visibility(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, ada = await make_agent(services, "ada")
    _, bob = await make_agent(services, "bob")
    chat = await start_chat(client)
    path = f"/api/agent/conversations/{chat['id']}/history"
    assert (await client.get(path, headers=bearer(bob))).status_code == 200  # queued: everyone
    accepted = await client.post(
        f"/api/agent/conversations/{chat['id']}/accept", headers=bearer(ada)
    )
    assert accepted.status_code == 200
    assert (await client.get(path, headers=bearer(ada))).status_code == 200
    assert error_code(await client.get(path, headers=bearer(bob)), 403) == "forbidden"
