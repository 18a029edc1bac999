"""The one JSON reader: depth and size limits, and every route that reads JSON answers 4xx."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from frontdesk.actions.numbers import add_number
from frontdesk.actions.operator_keys import create_key
from frontdesk.app import Services
from frontdesk.errors import InvalidInput, JSONTooDeep, MalformedJSON, PayloadTooLarge
from frontdesk.json_input import MAX_DEPTH, MAX_FIELD_BYTES, nested_deeper_than, parse_json
from frontdesk.transports.v3_rest import TOKEN_HEADER
from tests.transports.chat_helpers import (
    BASE as V2,
)
from tests.transports.chat_helpers import (
    SITE_HEADERS,
    bearer,
    make_agent,
    start_chat,
)

DEEP_ARRAY = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000
GMS = "/genesys/2/chat/customer-support"
V3 = "/nexus/v3/chat/sessions"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("text", "deeper"),
    [
        (nested(MAX_DEPTH), False),
        (nested(MAX_DEPTH + 1), True),
        ('{"a":' * MAX_DEPTH + "1" + "}" * MAX_DEPTH, False),
        ('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1), True),
        # Brackets in strings, escaped quotes included, do not nest.
        (json.dumps(["[" * 500, '\\"{' * 100, "}" * 50]), False),
        ("[" * 20 + json.dumps("[{" * 100) + "]" * 20, False),
        (json.dumps("[{" * 100), False),
        ("]" * 40 + "[" * 10, False),
        # Siblings are not nesting.
        ("[" + ",".join([nested(MAX_DEPTH)] * 100) + "]", True),
        ("[" + ",".join([nested(MAX_DEPTH - 1)] * 100) + "]", False),
        (DEEP_ARRAY, True),
    ],
)
def test_depth_counts_brackets_outside_strings(text: str, deeper: bool) -> None:
    assert nested_deeper_than(text.encode()) is deeper


def test_parse_json_reads_within_the_limits() -> None:
    assert parse_json(b'{"a": [1, {"b": "[[[["}]}') == {"a": [1, {"b": "[[[["}]}
    assert parse_json(nested(MAX_DEPTH)) == json.loads(nested(MAX_DEPTH))


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (DEEP_ARRAY, JSONTooDeep),
        (DEEP_OBJECT, JSONTooDeep),
        ("{nope", MalformedJSON),
        (b"\xff\xfe", MalformedJSON),
        ("", MalformedJSON),
    ],
)
def test_a_body_that_fails_is_a_400(text: str | bytes, error: type[Exception]) -> None:
    with pytest.raises(error) as raised:
        parse_json(text)
    assert type(raised.value) is error
    assert raised.value.status == 400  # type: ignore[attr-defined]


def test_a_body_over_its_size_is_a_413() -> None:
    with pytest.raises(PayloadTooLarge):
        parse_json(b"[1, 2, 3]", max_bytes=4)


@pytest.mark.parametrize("text", [DEEP_ARRAY, "{nope", json.dumps({"a": "x" * MAX_FIELD_BYTES})])
def test_a_field_that_fails_is_a_422_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_json(text, field="userData")
    assert raised.value.details["fields"][0]["field"] == "userData"


def assert_envelope(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code, error


@pytest.fixture
def services(embedded_client: httpx.AsyncClient) -> Services:
    services: Services = embedded_client.app.state.services  # type: ignore[attr-defined]
    return services


@pytest.fixture
async def ivr_key(services: Services) -> str:
    await add_number(services.database, "+12025550100")
    _, secret = await create_key(services.database, name="asterisk")
    return secret


async def gms_chat(client: httpx.AsyncClient) -> dict[str, str]:
    started = await client.post(GMS, data={"nickname": "Vic"}, headers=SITE_HEADERS)
    assert started.status_code == 200, started.text
    reply = started.json()
    keys = {key: reply[key] for key in ("alias", "userId", "secureKey")}
    return {"chat": f"{GMS}/{reply['chatId']}", **keys}


JSON = {"content-type": "application/json"}


async def test_deep_json_in_a_body_is_a_400_on_every_route_that_reads_one(
    embedded_client: httpx.AsyncClient, services: Services, ivr_key: str
) -> None:
    client = embedded_client
    _, admin = await make_agent(services, "ada", role="admin")
    chat = await start_chat(client)
    started = await client.post(
        V3, json={"operationId": "o1", "data": {"nickname": "Vic"}}, headers=SITE_HEADERS
    )
    session = started.json()["data"]
    for method, path, headers in [
        ("POST", "/api/click-to-call", SITE_HEADERS),
        ("POST", "/api/click-to-call/pages", SITE_HEADERS),
        ("POST", "/api/ivr/redeem", bearer(ivr_key)),
        ("POST", V2, SITE_HEADERS),
        ("POST", f"{V2}/{chat['id']}/members/{chat['member']['id']}/messages", bearer(chat["jwt"])),
        ("POST", V3, SITE_HEADERS),
        ("PUT", f"{V3}/{session['sessionId']}/userdata", {TOKEN_HEADER: session["clientToken"]}),
        ("POST", "/api/agents", bearer(admin)),
        ("POST", "/api/agent/knowledge/bases", bearer(admin)),
        ("POST", "/api/desk/login", {}),
    ]:
        for body in (DEEP_ARRAY, DEEP_OBJECT, '{"a": ' + DEEP_ARRAY + "}"):
            response = await client.request(method, path, content=body, headers={**JSON, **headers})
            assert_envelope(response, 400, "json_too_deep")


async def test_deep_json_in_a_form_field_is_a_422_naming_the_field(
    embedded_client: httpx.AsyncClient,
) -> None:
    client = embedded_client
    started = await client.post(
        GMS, data={"nickname": "Vic", "userData": DEEP_OBJECT}, headers=SITE_HEADERS
    )
    assert_envelope(started, 422, "invalid_input")
    assert started.json()["statusCode"] == 2
    chat = await gms_chat(client)
    keys = {key: value for key, value in chat.items() if key != "chat"}
    for operation, field in [("updateData", "userData"), ("customNotice", "eventAttributes")]:
        for body in (DEEP_ARRAY, DEEP_OBJECT):
            response = await client.post(f"{chat['chat']}/{operation}", data={**keys, field: body})
            assert_envelope(response, 422, "invalid_input")
            assert response.json()["error"]["details"]["fields"][0]["field"] == field


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["\\ud800", "\x00", "[{", '"', "\\"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
_hostile_bodies = st.one_of(
    st.integers(1, 3000).map(nested),
    st.integers(1, 3000).map(lambda depth: '{"a":' * depth + "1" + "}" * depth),
    _json_values.map(lambda value: json.dumps(value)),
    _json_values.map(lambda value: json.dumps({"data": value, "memberInfo": value})),
    st.text(alphabet='[]{}":,\\0123456789aeflnrstu ', max_size=200),
    st.binary(max_size=200).map(lambda data: data.decode("latin-1")),
    st.integers(4000, 6000).map(lambda digits: "[" + "9" * digits + "]"),
)


async def test_hostile_bodies_never_get_a_500_on_any_route_that_reads_json(
    client: httpx.AsyncClient,
) -> None:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    await add_number(services.database, "+12025550100")
    _, ivr_key = await create_key(services.database, name="asterisk")
    _, admin = await make_agent(services, "ada", role="admin")
    chat = await start_chat(client)
    gms = await gms_chat(client)
    gms_keys = {key: value for key, value in gms.items() if key != "chat"}
    json_routes = [
        ("POST", "/api/click-to-call", SITE_HEADERS),
        ("POST", "/api/ivr/redeem", bearer(ivr_key)),
        ("POST", V2, SITE_HEADERS),
        ("POST", f"{V2}/{chat['id']}/members/{chat['member']['id']}/messages", bearer(chat["jwt"])),
        ("POST", V3, SITE_HEADERS),
        ("POST", "/api/agent/knowledge/bases", bearer(admin)),
    ]
    form_routes = [
        (GMS, "userData", {"nickname": "Vic"}, SITE_HEADERS),
        (f"{gms['chat']}/updateData", "userData", gms_keys, {}),
        (f"{gms['chat']}/customNotice", "eventAttributes", gms_keys, {}),
        ("/api/click-to-call", "userData", {"_customer_number": "+4917112345"}, SITE_HEADERS),
    ]
    answers: list[httpx.Response] = []

    @hypothesis_settings(max_examples=60, deadline=None, database=None)
    @given(body=_hostile_bodies, route=st.integers(0, len(json_routes) + len(form_routes) - 1))
    def check(body: str, route: int) -> None:
        answers.append(asyncio.run_coroutine_threadsafe(send(body, route), loop).result())

    async def send(body: str, route: int) -> httpx.Response:
        if route < len(json_routes):
            method, path, headers = json_routes[route]
            raw = body.encode("utf-8", "surrogatepass")
            return await client.request(method, path, content=raw, headers={**JSON, **headers})
        path, field, form, headers = form_routes[route - len(json_routes)]
        encoded = urlencode({**form, field: body}, encoding="utf-8", errors="surrogatepass")
        return await client.post(
            path,
            content=encoded,
            headers={"content-type": "application/x-www-form-urlencoded", **headers},
        )

    loop = asyncio.get_running_loop()
    await asyncio.to_thread(check)
    assert answers
    for response in answers:
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            assert set(response.json()["error"]) == {"code", "message", "details"}
