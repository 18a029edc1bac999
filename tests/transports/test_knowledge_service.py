"""The KnowledgeCenterService endpoints, in the v2 paths and shapes, on both storage stacks."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from frontdesk.app import Services
from frontdesk.settings import Settings
from tests.actions.knowledge_helpers import KB, import_demo_articles
from tests.conftest import _client_for
from tests.transports.chat_helpers import SITE, SITE_HEADERS, error_code

BASE = "/api/knowledge"
HEADER = "gkc_sessionId"


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


@pytest.fixture
async def kb(services: Services) -> None:
    await import_demo_articles(services.database)


async def open_kc_session(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post(
        f"{BASE}/session/v2/sessions/", json={"lang": "en", **body}, headers=SITE_HEADERS
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    assert response.headers[HEADER] == created["keys"]
    return created


async def search(client: httpx.AsyncClient, query: str, **params: Any) -> httpx.Response:
    return await client.get(
        f"{BASE}/search/v2/search/", params={"query": query, **params}, headers=SITE_HEADERS
    )


async def test_ping_answers_with_cors_for_an_allowed_site(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{BASE}/health/v2/ping", headers=SITE_HEADERS)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.headers["access-control-allow-origin"] == SITE


@pytest.mark.usefixtures("kb")
async def test_knowledge_bases_categories_and_trending(client: httpx.AsyncClient) -> None:
    kbs = (await client.get(f"{BASE}/config/v2/kbs/", headers=SITE_HEADERS)).json()
    assert kbs == {
        "knowledgebases": [
            {"id": KB, "name": "Shop help", "description": "", "lang": "en", "articles": 20}
        ]
    }
    cats = (await client.get(f"{BASE}/browse/v2/locales/en/cats/")).json()["categories"]
    assert cats[0] == {"id": "Products", "name": "Products", "count": 5}
    top = (await client.get(f"{BASE}/search/v2/docs/top/", params={"size": 2})).json()
    assert top["count"] == 2
    assert set(top["documents"][0]) >= {"id", "kbId", "title", "views", "votes", "lang"}
    account = (
        await client.get(
            f"{BASE}/search/v2/docs/top/", params={"categories": "Account,Nothing", "size": 10}
        )
    ).json()
    assert {doc["externalId"] for doc in account["documents"]} == {
        "reset-password",
        "delete-account",
        "newsletter",
    }
    assert all("Account" in doc["categories"] for doc in account["documents"])
    nothing = await client.get(f"{BASE}/search/v2/docs/top/", params={"categories": "Nothing"})
    assert nothing.json() == {"documents": [], "count": 0}
    topic = (await search(client, "", categories="Account", size=10)).json()
    assert topic["searchId"] is None
    assert {doc["externalId"] for doc in topic["documents"]} == {
        "reset-password",
        "delete-account",
        "newsletter",
    }


@pytest.mark.usefixtures("kb")
async def test_search_finds_and_highlights_and_the_full_article_follows(
    client: httpx.AsyncClient,
) -> None:
    response = await search(client, "forgot my pasword", maxSearchResults=2)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["corrected"] == "forgot password"
    assert body["searchId"] > 0
    first = body["documents"][0]
    assert first["externalId"] == "reset-password"
    assert "<mark>" in first["snippet"]
    doc = await client.get(
        f"{BASE}/browse/v2/locales/en/kbs/{first['kbId']}/docs/{first['id']}",
        headers=SITE_HEADERS,
    )
    assert doc.status_code == 200
    article = doc.json()
    assert article["title"] == "I forgot my password"
    assert "<strong>Forgot password?</strong>" in article["html"]
    assert article["body"].startswith("Choose **Forgot password?**")
    other_kb = await client.get(f"{BASE}/browse/v2/locales/en/kbs/nope/docs/{first['id']}")
    assert error_code(other_kb, 404) == "not_found"


@pytest.mark.usefixtures("kb")
async def test_suggestions_come_from_titles_while_typing(client: httpx.AsyncClient) -> None:
    response = await client.get(
        f"{BASE}/search/v2/suggest/", params={"query": "standing de"}, headers=SITE_HEADERS
    )
    titles = {s["title"] for s in response.json()["suggestions"]}
    assert titles == {
        "Assembling the standing desk",
        "The standing desk does not move or shows an error",
    }


HOSTILE = [
    '"unterminated',
    "desk) OR (lamp",
    "NEAR(desk chair)",
    "title:desk",
    "desk:* & !chair",
    "*",
    "[a-z]+$",
    "\x00",
    "%00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
]


@pytest.mark.usefixtures("kb")
@pytest.mark.parametrize("query", HOSTILE)
async def test_hostile_queries_never_fail_the_server(client: httpx.AsyncClient, query: str) -> None:
    for path in ("search", "suggest"):
        response = await client.get(
            f"{BASE}/search/v2/{path}/", params={"query": query}, headers=SITE_HEADERS
        )
        assert response.status_code == 200, response.text


@pytest.mark.usefixtures("kb")
async def test_huge_and_malformed_input_is_a_clear_4xx(client: httpx.AsyncClient) -> None:
    assert error_code(await search(client, "desk " * 150), 422) == "invalid_input"
    assert error_code(await search(client, "x" * 5000), 422) == "invalid_input"
    assert error_code(await search(client, "desk", lang="en; DROP"), 422) == "invalid_input"
    assert error_code(await search(client, "desk", size=0), 422) == "invalid_input"
    doc = await client.get(f"{BASE}/browse/v2/locales/en/kbs/{KB}/docs/not-a-number")
    assert error_code(doc, 404) == "not_found"
    view = await client.post(
        f"{BASE}/feedback/v2/view",
        content=b"{nope",
        headers={**SITE_HEADERS, "Content-Type": "application/json"},
    )
    assert error_code(view, 400) == "malformed_json"


# Characters with a meaning to FTS5, tsquery, LIKE, regexes, JSON, HTML or C strings.
HOSTILE_ALPHABET = (
    "\"'()*:^&|!<>-+%_[]{}\\.$?~@#;,/= \x00\t\nNEARORNOTANDdesklamp\u00e9\u0441\U0001f600"
)


async def test_random_hostile_text_searches_without_a_server_error(
    embedded_client: httpx.AsyncClient,
) -> None:
    services: Services = embedded_client.app.state.services  # type: ignore[attr-defined]
    await import_demo_articles(services.database)
    rng = random.Random(7)
    for _ in range(150):
        query = "".join(rng.choice(HOSTILE_ALPHABET) for _ in range(rng.randint(1, 40)))
        for path in ("search", "suggest"):
            response = await embedded_client.get(
                f"{BASE}/search/v2/{path}/", params={"query": query}
            )
            assert response.status_code == 200, (query, response.text)


async def test_a_session_opens_resumes_and_changes_with_its_keys(client: httpx.AsyncClient) -> None:
    created = await open_kc_session(client, customerId="c-1", media="selfservice")
    assert set(created) == {"sessionId", "keys", "language", "customerId", "media", "createdAt"}
    headers = {**SITE_HEADERS, HEADER: created["keys"]}
    url = f"{BASE}/session/v2/sessions/{created['sessionId']}"
    read = await client.get(url, headers=headers)
    assert read.status_code == 200
    assert read.json()["customerId"] == "c-1"
    changed = await client.patch(url, json={"lang": "de"}, headers=headers)
    assert changed.status_code == 200
    assert changed.json()["language"] == "de"
    assert changed.headers[HEADER] == created["keys"]


async def test_tampered_or_foreign_keys_are_refused(client: httpx.AsyncClient) -> None:
    mine = await open_kc_session(client)
    theirs = await open_kc_session(client)
    keys = mine["keys"]
    tampered = keys[:-2] + ("AA" if keys[-2:] != "AA" else "BB")
    url = f"{BASE}/session/v2/sessions/{mine['sessionId']}"
    for bad in (tampered, "v1.garbage", mine["sessionId"], theirs["keys"]):
        response = await client.get(url, headers={**SITE_HEADERS, HEADER: bad})
        assert error_code(response, 401) == "invalid_token", bad
    response = await client.get(url, headers=SITE_HEADERS)
    assert error_code(response, 401) == "invalid_token"
    searched = await search(client, "desk")
    assert searched.status_code == 200
    refused = await client.get(
        f"{BASE}/search/v2/search/",
        params={"query": "desk"},
        headers={**SITE_HEADERS, HEADER: tampered},
    )
    assert error_code(refused, 401) == "invalid_token"


@pytest.mark.usefixtures("kb")
async def test_feedback_is_counted_and_votes_need_a_session(client: httpx.AsyncClient) -> None:
    session = await open_kc_session(client)
    headers = {**SITE_HEADERS, HEADER: session["keys"]}
    doc = (await search(client, "warranty")).json()["documents"][0]
    ref = {"kbId": doc["kbId"], "docId": doc["id"]}
    assert (await client.post(f"{BASE}/feedback/v2/view", json=ref, headers=headers)).json() == {
        "views": 1
    }
    anonymous = await client.post(f"{BASE}/feedback/v2/view", json=ref, headers=SITE_HEADERS)
    assert anonymous.json() == {"views": 2}
    no_session = await client.post(f"{BASE}/feedback/v2/helpful", json=ref, headers=SITE_HEADERS)
    assert error_code(no_session, 401) == "invalid_token"
    up = await client.post(f"{BASE}/feedback/v2/helpful", json=ref, headers=headers)
    assert up.json() == {"votes": {"helpful": 1, "unhelpful": 0}}
    down = await client.post(f"{BASE}/feedback/v2/unhelpful", json=ref, headers=headers)
    assert down.json() == {"votes": {"helpful": 0, "unhelpful": 1}}
    missing = await client.post(
        f"{BASE}/feedback/v2/view", json={"kbId": KB, "docId": 999999}, headers=SITE_HEADERS
    )
    assert error_code(missing, 404) == "not_found"
    report = await client.post(
        f"{BASE}/feedback/v2/notfound", json={"query": "hovercraft"}, headers=headers
    )
    assert report.status_code == 204
    trending = (await client.get(f"{BASE}/search/v2/docs/top/", params={"size": 1})).json()
    assert trending["documents"][0]["externalId"] == "warranty"
    assert trending["documents"][0]["views"] == 2


@pytest.mark.usefixtures("kb")
async def test_sites_not_allowed_are_refused_and_writes_need_an_origin(
    client: httpx.AsyncClient,
) -> None:
    evil = {"Origin": "http://evil.example.com"}
    response = await client.get(f"{BASE}/search/v2/search/", params={"query": "x"}, headers=evil)
    assert error_code(response, 403) == "origin_not_allowed"
    assert "access-control-allow-origin" not in response.headers
    no_origin = await client.post(f"{BASE}/session/v2/sessions/", json={})
    assert error_code(no_origin, 403) == "origin_not_allowed"
    same_site = await client.post(
        f"{BASE}/session/v2/sessions/", json={}, headers={"Origin": "http://testserver"}
    )
    assert same_site.status_code == 201
    read_without_origin = await client.get(f"{BASE}/config/v2/kbs/")
    assert read_without_origin.status_code == 200


async def test_requests_are_rate_limited_per_address(settings: Settings) -> None:
    async for client in _client_for(settings.replace(knowledge_requests_per_ip=3)):
        for _ in range(3):
            assert (await client.get(f"{BASE}/health/v2/ping")).status_code == 200
        limited = await client.get(f"{BASE}/health/v2/ping")
        assert error_code(limited, 429) == "rate_limited"
        assert int(limited.headers["retry-after"]) >= 1


def test_the_service_routes_are_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    for path in (
        "/health/v2/ping",
        "/config/v2/kbs/",
        "/browse/v2/locales/{lang}/cats/",
        "/search/v2/docs/top/",
        "/browse/v2/locales/{lang}/kbs/{kb_id}/docs/{doc_id}",
        "/search/v2/search/",
        "/search/v2/suggest/",
        "/feedback/v2/view",
        "/feedback/v2/helpful",
        "/feedback/v2/unhelpful",
        "/feedback/v2/notfound",
        "/session/v2/sessions/",
        "/session/v2/sessions/{session_id}",
    ):
        assert BASE + path in paths
