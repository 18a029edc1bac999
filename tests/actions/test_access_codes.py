"""Issuing and redeeming access codes, on SQLite + in-process and PostgreSQL + Redis."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
from pathlib import Path

import httpx
import pytest

from frontdesk.actions import access_codes
from frontdesk.actions.access_codes import (
    CallRequest,
    record_page,
    redeem_access_code,
    request_access_code,
)
from frontdesk.actions.agents import create_agent
from frontdesk.actions.call_views import estimated_wait, get_call
from frontdesk.actions.calls import take_call
from frontdesk.actions.chat_views import DESK_CHANNEL
from frontdesk.actions.numbers import add_number, remove_number
from frontdesk.app import Services
from frontdesk.errors import Conflict, InvalidInput, NotFound, RateLimited, Unavailable
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from tests.conftest import TEST_ORIGINS, TEST_SECRET_KEY

NUMBER = "+12025550100"
SITE = "http://shop.example.test"
T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def settings(stack: tuple[str, str], tmp_path: Path) -> Settings:
    database_url, redis = stack
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        redis_url=redis,
        secret_key=TEST_SECRET_KEY,
        allowed_origins=TEST_ORIGINS,
        access_code_digits=4,
        access_code_ttl_seconds=300,
    )


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


def visitor(**changes: object) -> CallRequest:
    values: dict[str, object] = {
        "customer_number": "+49 171 1234567",
        "form_data": {"firstname": "Vic", "lastname": "Tor", "phonenumber": "+49 171 1234567"},
        "user_data": {"orderId": "A-1001"},
        "page_url": "http://shop.example.test/cart",
        "page_title": "Cart",
        **changes,
    }
    return CallRequest(**values)  # type: ignore[arg-type]


async def issue(services: Services, now: dt.datetime = T0, **changes: object) -> str:
    issued = await request_access_code(
        services.database, services.settings, origin=SITE, request=visitor(**changes), now=now
    )
    return issued.access_code


async def redeem(
    services: Services, code: str, caller: str = "+491711234567", now: dt.datetime = T0
) -> str:
    view = await redeem_access_code(
        services.database,
        services.broker,
        services.settings,
        dialled=NUMBER,
        code=code,
        caller_id=caller,
        now=now,
    )
    return view.id


@pytest.fixture
def fixed_codes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Codes come from this list, in order, instead of from ``secrets``."""
    queue: list[int] = []
    monkeypatch.setattr(access_codes.secrets, "randbelow", lambda _limit: queue.pop(0))
    return queue


async def test_a_code_is_issued_redeemed_once_and_popped_on_the_desk(services: Services) -> None:
    await add_number(services.database, NUMBER)
    issued = await request_access_code(
        services.database, services.settings, origin=SITE, request=visitor(), now=T0
    )
    assert issued.number == NUMBER
    assert re.fullmatch(r"\d{4}", issued.access_code)
    assert issued.tel_url == f"tel:{NUMBER},,{issued.access_code}%23"
    assert issued.expires_in == 300
    async with services.broker.subscribe(DESK_CHANNEL) as desk:
        call_id = await redeem(services, issued.access_code, now=T0 + dt.timedelta(seconds=60))
        event = await asyncio.wait_for(anext(desk), 5)
    assert event.event == {
        "type": "call",
        "call_id": call_id,
        "state": "redeemed",
        "queue": "default",
        "agent_id": None,
    }
    call = (await get_call(services.database, call_id)).as_json()
    assert call["visitor"] == {"name": "Vic Tor", "phone_number": "491711234567", "email": ""}
    assert call["form"]["phonenumber"] == "+49 171 1234567"
    assert call["user_data"] == {"orderId": "A-1001"}
    assert call["pages"] == [
        {"url": "http://shop.example.test/cart", "title": "Cart", "at": "2026-11-25T09:00:00Z"}
    ]
    assert call["caller_id"] == "491711234567"
    assert call["state"] == "redeemed"
    with pytest.raises(NotFound):
        await redeem(services, issued.access_code, now=T0 + dt.timedelta(seconds=61))


async def test_codes_are_unique_among_the_active_codes_of_a_number(
    services: Services, fixed_codes: list[int]
) -> None:
    await add_number(services.database, NUMBER)
    await add_number(services.database, "+12025550101")
    fixed_codes += [1234, 1234]
    assert await issue(services) == "1234"
    # 1234 is taken on the first number, which is now the busier one: the second number gets it.
    assert await issue(services) == "1234"
    fixed_codes += [1234, 1234, 5678]
    assert await issue(services) == "5678"  # both numbers hold 1234 now
    later = T0 + dt.timedelta(seconds=301)
    fixed_codes += [1234, 1234]
    assert await issue(services, now=later) == "1234"  # expired codes free their digits
    assert await issue(services, now=later) == "1234"


async def test_concurrent_requests_never_share_a_code(services: Services) -> None:
    await add_number(services.database, NUMBER)
    codes = await asyncio.gather(*(issue(services) for _ in range(40)))
    assert len(set(codes)) == 40


async def test_a_number_holds_at_most_one_code_in_a_hundred_of_its_space(
    services: Services,
) -> None:
    await add_number(services.database, NUMBER)
    for _ in range(100):
        await issue(services)
    with pytest.raises(Unavailable) as busy:
        await issue(services)
    assert busy.value.details["reason"] == "busy"
    await add_number(services.database, "+12025550101")
    await issue(services)  # another number of the queue takes over


async def test_the_number_fits_the_queue_and_the_language(services: Services) -> None:
    db = services.database
    await add_number(db, "+12025550100", language="en")
    await add_number(db, "+493023125000", language="de")
    await add_number(db, "+441632960000")  # any language
    await add_number(db, "+12025550199", queue="sales")

    async def number(**changes: object) -> str:
        request = visitor(**changes)
        issued = await request_access_code(db, services.settings, origin=SITE, request=request)
        return issued.number

    assert await number(language="de") == "+493023125000"
    assert await number(language="de-at") == "+493023125000"
    assert await number(language="en-gb") == "+12025550100"
    assert await number(language="fr") == "+441632960000"
    assert await number(queue="sales") == "+12025550199"
    with pytest.raises(Unavailable) as none:
        await number(queue="billing")
    assert none.value.details["reason"] == "none"
    await remove_number(db, "+12025550199")
    with pytest.raises(Unavailable):
        await number(queue="sales")


async def test_without_a_code_a_number_is_given_to_one_visitor_at_a_time(
    services: Services,
) -> None:
    await add_number(services.database, NUMBER)
    issued = await request_access_code(
        services.database, services.settings, origin=SITE, request=visitor(provide_code=False)
    )
    assert (issued.access_code, issued.tel_url) == ("", f"tel:{NUMBER}")
    with pytest.raises(Unavailable):
        await issue(services, provide_code=False)
    with pytest.raises(Unavailable):
        await issue(services)
    assert await redeem(services, "", now=dt.datetime.now(dt.UTC)) == issued.call_id


async def test_expiry_follows_the_servers_clock(services: Services) -> None:
    await add_number(services.database, NUMBER)
    code = await issue(services)
    with pytest.raises(NotFound):
        await redeem(services, code, now=T0 + dt.timedelta(seconds=300))
    assert (await estimated_wait(services.database, "default")) == 60


async def test_wrong_expired_and_used_codes_get_one_answer(services: Services) -> None:
    await add_number(services.database, NUMBER)
    used = await issue(services)
    expired = await issue(services, now=T0 - dt.timedelta(seconds=400))
    await redeem(services, used, caller="+15550001")
    answers = []
    for caller, code in (("+15550002", used), ("+15550003", expired), ("+15550004", "0000")):
        with pytest.raises(NotFound) as refused:
            await redeem(services, code, caller=caller)
        answers.append((type(refused.value), refused.value.message, refused.value.details))
    assert answers[0] == answers[1] == answers[2]


async def test_refusals_are_limited_per_caller(services: Services, fixed_codes: list[int]) -> None:
    await add_number(services.database, NUMBER)
    fixed_codes += [4321]
    good = await issue(services)
    for wrong in ("0001", "0002", "0003", "0004", "0005"):
        with pytest.raises(NotFound):
            await redeem(services, wrong, caller="+15550666")
    with pytest.raises(RateLimited) as locked:
        await redeem(services, good, caller="+15550666")  # even the right code, now
    assert 0 < locked.value.details["retry_after"] <= 900
    assert await redeem(services, good, caller="+15550777")
    later = T0 + dt.timedelta(seconds=901)
    with pytest.raises(NotFound):
        await redeem(services, "0006", caller="+15550666", now=later)


async def test_refusals_are_limited_per_code_and_locked_codes_are_not_issued(
    services: Services, fixed_codes: list[int]
) -> None:
    await add_number(services.database, NUMBER)
    for caller in ("+15550001", "+15550002", "+15550003"):
        with pytest.raises(NotFound):
            await redeem(services, "2468", caller=caller)
    with pytest.raises(RateLimited):
        await redeem(services, "2468", caller="+15550004")
    fixed_codes += [2468, 1357]
    assert await issue(services) == "1357"


async def test_withheld_callers_do_not_lock_each_other_out(
    services: Services, fixed_codes: list[int]
) -> None:
    await add_number(services.database, NUMBER)
    fixed_codes += [4321]
    good = await issue(services)
    wrong = [f"000{i}" for i in range(1, 8)]
    for caller, code in zip(("", "anonymous", "12", "Restricted", "", "", ""), wrong, strict=True):
        with pytest.raises(NotFound):
            await redeem(services, code, caller=caller)
    assert await redeem(services, good, caller="")


async def _guesses(
    services: Services, callers: list[str], count: int, now: dt.datetime = T0
) -> tuple[int, int]:
    """``count`` wrong codes at once, by turns from ``callers``: (codes checked, refused)."""
    results = await asyncio.gather(
        *(
            redeem(services, f"{9000 + i}", caller=callers[i % len(callers)], now=now)
            for i in range(count)
        ),
        return_exceptions=True,
    )
    assert all(isinstance(r, NotFound | RateLimited) for r in results), results
    checked = sum(isinstance(r, NotFound) for r in results)
    return checked, len(results) - checked


async def test_a_burst_from_one_caller_checks_no_more_codes_than_its_limit(
    services: Services,
) -> None:
    await add_number(services.database, NUMBER)
    assert await _guesses(services, ["+15550666"], 40) == (5, 35)


async def test_rotating_caller_ids_meet_the_limit_of_the_dialled_number(
    services: Services, fixed_codes: list[int]
) -> None:
    await add_number(services.database, NUMBER)
    fixed_codes += [4321]
    good = await issue(services)
    callers = [f"+1555{i:07d}" for i in range(100)]
    assert await _guesses(services, callers, 100) == (30, 70)
    with pytest.raises(RateLimited) as locked:
        await redeem(services, good, caller="+15559999999")
    assert locked.value.details["limit"] == "redeem-number"
    later = T0 + dt.timedelta(seconds=901)
    with pytest.raises(NotFound):
        await redeem(services, "0006", caller="+15559999999", now=later)


async def test_processes_sharing_a_database_share_the_limits(
    services: Services,
) -> None:
    await add_number(services.database, NUMBER)
    other = await Database.connect(services.settings)
    try:
        second = dataclasses.replace(services, database=other)
        results = await asyncio.gather(
            *(
                redeem(services if i % 2 else second, f"{9000 + i}", caller="+15550666")
                for i in range(20)
            ),
            return_exceptions=True,
        )
    finally:
        await other.close()
    assert sum(isinstance(r, NotFound) for r in results) == 5


async def test_two_redeems_of_one_code_at_once_succeed_once(services: Services) -> None:
    await add_number(services.database, NUMBER)
    code = await issue(services)
    now = T0 + dt.timedelta(seconds=1)
    results = await asyncio.gather(
        *(redeem(services, code, caller=f"+1555000{i}", now=now) for i in range(5)),
        return_exceptions=True,
    )
    assert sum(isinstance(result, str) for result in results) == 1
    # Redeems still in flight count against the code's limit: some may be refused for it.
    assert all(isinstance(r, str | NotFound | RateLimited) for r in results), results


async def test_pages_are_added_to_the_waiting_call_only(services: Services) -> None:
    db = services.database
    await add_number(db, NUMBER)
    code = await issue(services)
    for url in ("http://shop.example.test/desk", "http://shop.example.test/desk"):
        await record_page(db, dialled=NUMBER, code=code, url=url, title="Desk", now=T0)
    await record_page(db, dialled=NUMBER, code="9999", url="http://x.test/", title="", now=T0)
    with pytest.raises(InvalidInput):
        await record_page(db, dialled=NUMBER, code=code, url="javascript:alert(1)", title="")
    call_id = await redeem(services, code)
    await record_page(db, dialled=NUMBER, code=code, url="http://shop.example.test/late", title="")
    pages = (await get_call(db, call_id)).pages
    assert [page["url"] for page in pages] == [
        "http://shop.example.test/cart",
        "http://shop.example.test/desk",
    ]


async def test_an_agent_takes_a_call_once_and_the_wait_estimate_learns(
    services: Services,
) -> None:
    db, broker = services.database, services.broker
    await add_number(db, NUMBER)
    agent = await create_agent(
        db, email="ada@example.test", display_name="Ada", password="correct horse battery"
    )
    first, second = await issue(services), await issue(services)
    first_id = await redeem(services, first, caller="+15550001")
    await redeem(services, second, caller="+15550002")
    assert await estimated_wait(db, "default") == 3 * 60  # two ahead, nothing learned yet
    async with broker.subscribe(DESK_CHANNEL) as desk:
        taken = await take_call(db, broker, agent, first_id, now=T0 + dt.timedelta(seconds=30))
        event = await asyncio.wait_for(anext(desk), 5)
    assert (taken.state, taken.agent_id) == ("taken", agent.id)
    assert (event.event["state"], event.event["agent_id"]) == ("taken", agent.id)
    with pytest.raises(Conflict):
        await take_call(db, broker, agent, first_id)
    with pytest.raises(NotFound):
        await take_call(db, broker, agent, "no-such-call")
    assert await estimated_wait(db, "default") == 2 * 30
