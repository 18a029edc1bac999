"""The IVR hand-off over HTTP: the operator key, single use, one answer, limits, the clock."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from frontdesk.actions import access_codes
from frontdesk.actions.chat_views import DESK_CHANNEL
from frontdesk.actions.numbers import add_number
from frontdesk.actions.operator_keys import create_key, revoke_key
from frontdesk.app import Services, create_app
from tests.transports.chat_helpers import SITE_HEADERS, bearer, error_code, make_agent

NUMBER = "+12025550100"
REDEEM = "/api/ivr/redeem"
DOCS = Path(__file__).parents[2] / "docs" / "api" / "ivr.md"


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


@pytest.fixture
async def key(services: Services) -> str:
    await add_number(services.database, NUMBER)
    _, secret = await create_key(services.database, name="asterisk")
    return secret


async def new_code(client: httpx.AsyncClient, **form: str) -> str:
    reply = await client.post(
        "/api/click-to-call",
        data={
            "_customer_number": "+49 171 1234567",
            "firstname": "Vic",
            "lastname": "Tor",
            "email": "Vic@Example.test",
            "_genesys_url": "http://shop.example.test/cart",
            "_genesys_pageTitle": "Cart",
            "cartValue": "42",
            **form,
        },
        headers=SITE_HEADERS,
    )
    assert reply.status_code == 200, reply.text
    code: str = reply.json()["_access_code"]
    return code


async def redeem(
    client: httpx.AsyncClient, key: str, code: str, caller: str = "+491711234567", **kw: Any
) -> httpx.Response:
    body = {"number": NUMBER, "code": code, "caller_id": caller}
    return await client.post(REDEEM, json=body, headers=bearer(key), **kw)


async def test_a_redeem_returns_the_visitors_context_once(
    client: httpx.AsyncClient, services: Services, key: str
) -> None:
    code = await new_code(client)
    async with services.broker.subscribe(DESK_CHANNEL) as desk:
        reply = await redeem(client, key, code)
        event = await asyncio.wait_for(anext(desk), 5)
    assert reply.status_code == 200, reply.text
    call = reply.json()["call"]
    assert call["state"] == "redeemed"
    assert call["number"] == NUMBER
    assert call["queue"] == "default"
    assert call["visitor"] == {
        "name": "Vic Tor",
        "phone_number": "491711234567",
        "email": "vic@example.test",
    }
    assert call["form"] == {"firstname": "Vic", "lastname": "Tor", "email": "Vic@Example.test"}
    assert call["user_data"] == {"cartValue": "42"}
    assert [(p["url"], p["title"]) for p in call["pages"]] == [
        ("http://shop.example.test/cart", "Cart")
    ]
    assert "access_code" not in call
    assert code not in reply.text
    assert event.event == {
        "type": "call",
        "call_id": call["id"],
        "state": "redeemed",
        "queue": "default",
        "agent_id": None,
    }
    again = await redeem(client, key, code)
    assert error_code(again, 404) == "not_found"


async def test_an_asterisk_style_form_post_works_too(client: httpx.AsyncClient, key: str) -> None:
    code = await new_code(client)
    reply = await client.post(
        REDEEM,
        content=f"number=%2B12025550100&code={code}%23&caller_id=4930555".encode(),
        headers={**bearer(key), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["call"]["caller_id"] == "4930555"


async def test_wrong_expired_and_used_codes_get_exactly_the_same_answer(
    client: httpx.AsyncClient, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    used, expiring = await new_code(client), await new_code(client)
    assert (await redeem(client, key, used, caller="+15550001")).status_code == 200
    wrong = "1" * 6 if "1" * 6 not in (used, expiring) else "2" * 6
    answers = [
        await redeem(client, key, used, caller="+15550002"),
        await redeem(client, key, wrong, caller="+15550003"),
    ]
    # The server's clock decides: an hour on, the code is over, whatever anyone else thinks.
    later = access_codes.utcnow() + dt.timedelta(hours=1)
    monkeypatch.setattr(access_codes, "utcnow", lambda: later)
    answers.append(await redeem(client, key, expiring, caller="+15550004"))
    bodies = {(a.status_code, a.content) for a in answers}
    assert len(bodies) == 1
    assert error_code(answers[0], 404) == "not_found"


async def test_an_operator_key_is_required(
    client: httpx.AsyncClient, services: Services, key: str
) -> None:
    code = await new_code(client)
    _, agent_token = await make_agent(services, "ada")
    info, revoked = await create_key(services.database, name="old")
    await revoke_key(services.database, info.id)
    body = {"number": NUMBER, "code": code, "caller_id": "+15550001"}
    for headers in (
        {},
        {"Authorization": "Basic Zm9vOmJhcg=="},
        bearer(agent_token),
        bearer(revoked),
        bearer(key + "x"),
    ):
        reply = await client.post(REDEEM, json=body, headers=headers)
        assert error_code(reply, 401) == "unauthorized"
    assert (await redeem(client, key, code)).status_code == 200  # never used up by the refusals


async def test_refusals_per_caller_then_lock_even_the_right_code(
    client: httpx.AsyncClient, key: str
) -> None:
    code = await new_code(client)
    wrong = [f"{n:06d}" for n in range(1, 9) if f"{n:06d}" != code][:5]
    for attempt in wrong:
        assert (await redeem(client, key, attempt, caller="+15550666")).status_code == 404
    locked = await redeem(client, key, code, caller="+15550666")
    assert error_code(locked, 429) == "rate_limited"
    assert 1 <= int(locked.headers["retry-after"]) <= 900
    assert (await redeem(client, key, code, caller="+15550777")).status_code == 200


async def test_refusals_per_code_lock_that_code_for_every_caller(
    client: httpx.AsyncClient, key: str
) -> None:
    guess = "135790"
    for caller in ("+15550001", "+15550002", "+15550003"):
        assert (await redeem(client, key, guess, caller=caller)).status_code == 404
    assert error_code(await redeem(client, key, guess, caller="+15550004"), 429) == "rate_limited"
    assert (await redeem(client, key, "135791", caller="+15550004")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "123456"}, "number"),
        ({"number": "not a number", "code": "123456"}, "number"),
        ({"number": NUMBER, "code": "12ab56"}, "code"),
        ({"number": NUMBER, "code": "1" * 13}, "code"),
    ],
)
async def test_malformed_redeems_are_invalid_input_and_count_nothing(
    client: httpx.AsyncClient, key: str, body: dict[str, str], field: str
) -> None:
    for _ in range(6):
        reply = await client.post(REDEEM, json=body, headers=bearer(key))
        assert error_code(reply, 422) == "invalid_input"
        assert reply.json()["error"]["details"]["fields"][0]["field"] == field
    code = await new_code(client)
    assert (await redeem(client, key, code, caller="")).status_code == 200


def _json_blocks(markdown: str) -> list[Any]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", markdown, re.S)]


async def test_the_documented_request_and_answer_are_what_the_server_takes_and_gives(
    client: httpx.AsyncClient, key: str
) -> None:
    request, answer = _json_blocks(DOCS.read_text(encoding="utf-8"))
    code = await new_code(client)
    reply = await client.post(REDEEM, json={**request, "code": code}, headers=bearer(key))
    assert reply.status_code == 200, reply.text
    real = reply.json()
    assert real.keys() == answer.keys()
    assert real["call"].keys() == answer["call"].keys()
    assert real["call"]["visitor"].keys() == answer["call"]["visitor"].keys()
    assert real["call"]["pages"][0].keys() == answer["call"]["pages"][0].keys()


async def test_simultaneous_redeems_of_one_code_give_one_call(
    client: httpx.AsyncClient, key: str
) -> None:
    code = await new_code(client)
    replies = await asyncio.gather(
        *(redeem(client, key, code, caller=f"+1555000{n}") for n in range(6))
    )
    statuses = sorted(reply.status_code for reply in replies)
    # One caller gets the call. The code's limit (three) counts redeems still in flight, so
    # the others are refused (404) or, past three, not checked at all (429).
    assert statuses[0] == 200
    assert set(statuses[1:]) <= {404, 429}
    assert 2 <= statuses.count(404) <= 3


async def _guesses(client: httpx.AsyncClient, key: str, callers: list[str], count: int) -> Any:
    """``count`` wrong codes at once, by turns from ``callers``: how many got each status."""
    replies = await asyncio.gather(
        *(
            redeem(client, key, f"{900000 + n}", caller=callers[n % len(callers)])
            for n in range(count)
        )
    )
    statuses = [reply.status_code for reply in replies]
    assert set(statuses) <= {404, 429}, statuses
    return statuses.count(404), statuses.count(429)


async def test_a_burst_from_one_caller_checks_no_more_codes_than_its_limit(
    client: httpx.AsyncClient, key: str
) -> None:
    assert await _guesses(client, key, ["+15550666"], 40) == (5, 35)


async def test_rotating_caller_ids_meet_the_limit_of_the_dialled_number(
    client: httpx.AsyncClient, key: str
) -> None:
    code = await new_code(client)
    callers = [f"+1555{n:07d}" for n in range(100)]
    assert await _guesses(client, key, callers, 100) == (30, 70)
    locked = await redeem(client, key, code, caller="+15559999999")
    assert error_code(locked, 429) == "rate_limited"
    assert locked.json()["error"]["details"]["limit"] == "redeem-number"
    assert 1 <= int(locked.headers["retry-after"]) <= 900


async def test_withheld_caller_ids_do_not_lock_out_a_caller_with_the_right_code(
    client: httpx.AsyncClient, key: str
) -> None:
    code = await new_code(client)
    withheld = ["", "anonymous", "Restricted", "12"]
    assert await _guesses(client, key, withheld, 12) == (12, 0)
    assert (await redeem(client, key, code, caller="")).status_code == 200


async def test_a_second_server_process_shares_the_limits(
    client: httpx.AsyncClient, services: Services, key: str
) -> None:
    second = create_app(services.settings)
    async with second.router.lifespan_context(second):
        transport = httpx.ASGITransport(app=second)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
            replies = await asyncio.gather(
                *(
                    redeem(client if n % 2 else other, key, f"{900000 + n}", caller="+15550666")
                    for n in range(20)
                )
            )
    assert sorted(reply.status_code for reply in replies) == [404] * 5 + [429] * 15
